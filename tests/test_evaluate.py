"""evaluate.py end to end on a small hand-made gold/prediction pair, and the error report's parts."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

import evaluate
from pipeline.io import write_jsonl
from pipeline.report import NONE, confusion_table, in_context, label_pairs, render_html
from pipeline.scoring import compare_documents

TEXT = "清江浦区新招引亿元以上项目46个,协议引资165.93亿元。淮阴区新开工项目12个。"


def span(text: str, label: str, nth: int = 0, **attrs) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    ent = {"start": start, "end": start + len(text), "label": label}
    return ent | ({"attrs": attrs} if attrs else {})


GOLD = {
    "id": "g1",
    "text": TEXT,
    "entities": [
        span("清江浦区", "DISTRICT"),  # 0
        span("新招引", "STAGE"),  # 1
        span("亿元以上", "TIER"),  # 2
        span("46个", "COUNT"),  # 3
        span("165.93亿元", "MONEY"),  # 4
        span("淮阴区", "DISTRICT"),  # 5
        span("新开工", "STAGE"),  # 6
        span("12个", "COUNT"),  # 7
    ],
    "relations": [
        {"head": 3, "tail": 0, "label": "district"},
        {"head": 3, "tail": 1, "label": "stage"},
        {"head": 3, "tail": 2, "label": "tier"},
        {"head": 3, "tail": 4, "label": "amount"},
        {"head": 7, "tail": 5, "label": "district"},
        {"head": 7, "tail": 6, "label": "stage"},
    ],
}
# the prediction misses 淮阴区, labels 亿元以上 as MONEY, cuts 46 without 个 and reverses nothing else
PRED = {
    "id": "g1",
    "text": TEXT,
    "entities": [
        span("清江浦区", "DISTRICT"),  # 0
        span("新招引", "STAGE"),  # 1
        span("亿元以上", "MONEY"),  # 2
        span("46", "COUNT"),  # 3
        span("165.93亿元", "MONEY"),  # 4
        span("新开工", "STAGE"),  # 5
        span("12个", "COUNT"),  # 6
    ],
    "relations": [
        {"head": 3, "tail": 1, "label": "stage"},
        {"head": 6, "tail": 5, "label": "stage"},
        {"head": 6, "tail": 0, "label": "district"},
    ],
}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    write_jsonl([GOLD], tmp_path / "gold" / "test.jsonl")
    write_jsonl([PRED], tmp_path / "pred.jsonl")
    return {"gold": tmp_path / "gold", "pred": tmp_path / "pred.jsonl", "dir": tmp_path}


def test_pred_file_scored_end_to_end(files: dict[str, Path], capsys: pytest.CaptureFixture):
    out, report = files["dir"] / "scores.json", files["dir"] / "report.md"
    args = ["--gold", str(files["gold"]), "--pred", str(files["pred"]), "--json", str(out), "--report", str(report)]
    assert evaluate.main([*args, "--bootstrap", "20"]) == 0
    scores = json.loads(out.read_text(encoding="utf-8"))
    ent = scores["entities"]["micro"]
    assert (ent["tp"], ent["fp"], ent["fn"]) == (5, 2, 3)  # hand count: 清江浦区 新招引 165.93亿元 新开工 12个
    assert ent["f"] == pytest.approx(2 * 5 / (2 * 5 + 2 + 3))
    rel = scores["relations"]
    assert (rel["end_to_end"]["tp"], rel["end_to_end"]["fp"], rel["end_to_end"]["fn"]) == (1, 2, 5)
    assert rel["given_entities"] is None
    assert set(scores["records"]) == {"strict", "core"}
    assert "entities" in capsys.readouterr().out  # the summary table
    text = report.read_text(encoding="utf-8")
    assert "**missed entities** (3)" in text
    assert "- DISTRICT …议引资165.93亿元。[淮阴区]新开工项目12个。" in text
    assert "- COUNT …江浦区新招引亿元以上项目[46个],协议引资165.93亿… (other side: '46' as COUNT)" in text
    assert "12个 —district→ 清江浦区" in text  # spurious relation, by its words
    assert "| TIER | 0 | 0 | 1 |" in text  # confusion row: gold TIER predicted MONEY


def test_prediction_equal_to_gold_scores_one(files: dict[str, Path]):
    write_jsonl([GOLD], files["pred"])
    out = files["dir"] / "scores.json"
    assert evaluate.main(["--gold", str(files["gold"]), "--pred", str(files["pred"]), "--json", str(out)]) == 0
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert scores["entities"]["micro"]["f"] == scores["entities"]["macro"]["f"] == 1.0
    assert scores["relations"]["end_to_end"]["f"] == 1.0
    assert scores["records"]["strict"]["f"] == scores["records"]["core"]["f"] == 1.0
    assert scores["ci"]["entities"] == [1.0, 1.0]


def test_invalid_gold_is_refused_with_every_error(files: dict[str, Path], capsys: pytest.CaptureFixture):
    bad = copy.deepcopy(GOLD)
    bad["entities"][0]["label"] = "PLACE"
    bad["relations"].append({"head": 3, "tail": 99, "label": "stage"})
    bad_file = files["dir"] / "bad.jsonl"
    write_jsonl([bad], bad_file)
    with open(bad_file, "a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    assert evaluate.main(["--gold", str(bad_file), "--pred", str(files["pred"])]) == 2
    err = capsys.readouterr().err
    assert "4 problem(s)" in err  # the bad label also makes relation 0 invalid
    assert "bad.jsonl:1: entity 0: unknown label 'PLACE'" in err
    assert "bad.jsonl:1: relation 0: 'district' from COUNT to PLACE is not allowed" in err
    assert "bad.jsonl:1: relation 6: head/tail 3/99" in err
    assert "bad.jsonl:2: malformed JSON" in err


def test_prediction_for_another_text_is_refused(files: dict[str, Path], capsys: pytest.CaptureFixture):
    write_jsonl([{**PRED, "text": TEXT + "另"}], files["pred"])
    assert evaluate.main(["--gold", str(files["gold"]), "--pred", str(files["pred"])]) == 2
    assert "different text" in capsys.readouterr().err


def test_annotate_output_without_text_and_with_error_lines(files: dict[str, Path], capsys: pytest.CaptureFixture):
    second = {**GOLD, "id": "g2"}
    write_jsonl([GOLD, second], files["gold"] / "test.jsonl")
    annotate_lines = [{k: v for k, v in PRED.items() if k != "text"}, {"id": "g2", "error": "g2: could not decode"}]
    write_jsonl(annotate_lines, files["pred"])
    out = files["dir"] / "scores.json"
    assert evaluate.main(["--gold", str(files["gold"]), "--pred", str(files["pred"]), "--json", str(out)]) == 0
    assert "scored as an empty prediction" in capsys.readouterr().err
    ent = json.loads(out.read_text(encoding="utf-8"))["entities"]["micro"]
    assert (ent["tp"], ent["fp"], ent["fn"]) == (5, 2, 3 + len(GOLD["entities"]))  # g2 all missed


def test_unscorable_predictions_are_refused(files: dict[str, Path], capsys: pytest.CaptureFixture):
    broken = copy.deepcopy(PRED)
    broken["entities"][0]["end"] = len(TEXT) + 5
    broken["relations"][0]["tail"] = 42
    write_jsonl([broken], files["pred"])
    assert evaluate.main(["--gold", str(files["gold"]), "--pred", str(files["pred"])]) == 2
    err = capsys.readouterr().err
    assert "'g1': entity 0: offsets 0-" in err and "'g1': relation 0: head/tail 3/42" in err
    files["pred"].write_text("{oops\n", encoding="utf-8")
    assert evaluate.main(["--gold", str(files["gold"]), "--pred", str(files["pred"])]) == 2
    assert "pred.jsonl:1: malformed JSON" in capsys.readouterr().err


def test_compare_runs_the_rule_baseline(files: dict[str, Path], capsys: pytest.CaptureFixture):
    out = files["dir"] / "compare.json"
    html = files["dir"] / "html"
    args = ["--gold", str(files["gold"]), "--compare", "rules", "--pred", str(files["pred"])]
    assert evaluate.main([*args, "--json", str(out), "--html", str(html), "--bootstrap", "20"]) == 0
    scores = json.loads(out.read_text(encoding="utf-8"))
    assert list(scores) == ["rules", str(files["pred"])]
    assert scores["rules"]["relations"]["given_entities"] is not None  # the baseline relates gold entities too
    assert 0.0 <= scores["rules"]["entities"]["micro"]["f"] <= 1.0
    assert scores[str(files["pred"])]["entities"]["micro"]["tp"] == 5
    table = capsys.readouterr().out
    assert "| rules |" in table and f"| {files['pred']} | 0.667 [" in table
    assert "displacy" in (html / "rules" / "g1.html").read_text(encoding="utf-8")
    assert (html / "pred.jsonl" / "g1.html").exists()


def test_missing_model_directory_is_an_error(files: dict[str, Path], capsys: pytest.CaptureFixture):
    assert evaluate.main(["--gold", str(files["gold"]), "--model", str(files["dir"] / "nope")]) == 2
    assert "no such model directory" in capsys.readouterr().err


def test_in_context_marks_the_span_on_one_line():
    assert in_context("前文\n项目12个,后文", 5, 8, width=3) == "…⏎项目[12个],后文"


def test_label_pairs_and_confusion_table():
    gold = [(0, 4, "DISTRICT"), (7, 11, "TIER"), (13, 16, "COUNT")]
    pred = [(0, 4, "DISTRICT"), (7, 11, "MONEY"), (13, 15, "COUNT")]
    assert sorted(label_pairs(gold, pred)) == sorted(
        [("DISTRICT", "DISTRICT"), ("TIER", "MONEY"), ("COUNT", NONE), (NONE, "COUNT")]
    )
    labels, matrix = confusion_table(compare_documents([GOLD], [PRED]))
    row = dict(zip(labels, matrix[labels.index("DISTRICT")], strict=True))
    assert (row["DISTRICT"], row[NONE]) == (1, 1)  # 清江浦区 found, 淮阴区 missed
    assert matrix[labels.index("TIER")][labels.index("MONEY")] == 1


def test_html_shows_entities_and_marks_relation_errors():
    html = render_html(compare_documents([GOLD], [PRED])[0])
    assert html.count('class="entities"') == 2  # gold and predicted
    assert "district ✗" in html and "amount ○" in html
