"""Batch annotation: readers and encodings, error lines, resume, CSV/Parquet, worker processes, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.__main__ import main
from pipeline.annotate import annotate, write_table
from pipeline.readers import UnreadableText, decode_bytes, expand_inputs, iter_documents, read_file

pytest_plugins = ["tests.fixtures_model"]  # tiny_model, tiny_nlp, seed_text (trained once per session)

HTML = """<html><head><meta charset="{charset}"><title>淮安市一季度项目建设综述</title></head><body>
<div class="nav"><a href="/">首页</a> | <a href="/news">新闻</a></div>
<article><p>{body}</p><p>这是一段比较长的正文内容，用来让正文抽取器确认这是文章的主体部分，而不是导航或页脚。</p></article>
<div class="footer">版权所有 淮安日报社</div></body></html>"""


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def inputs(tmp_path: Path, seed_text: str) -> Path:
    """A folder mixing good documents in every supported form with unreadable ones."""
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    part = seed_text[:1500]
    (root / "utf8.txt").write_text(part, encoding="utf-8")
    (root / "bom.txt").write_bytes(b"\xef\xbb\xbf" + part.encode("utf-8"))
    (root / "sub" / "gbk.txt").write_bytes(part.encode("gbk"))
    (root / "page.html").write_bytes(HTML.format(charset="gb18030", body=part[:600]).encode("gb18030"))
    (root / "junk.txt").write_bytes(bytes(range(256)) * 8)
    (root / "blank.txt").write_text(" \n\n", encoding="utf-8")
    lines = [
        json.dumps({"id": "j-good", "text": seed_text[1500:2600]}, ensure_ascii=False),
        '{"id": "broken", "text": "no closing brace"',
        json.dumps({"text": "没有编号的文档：新开工项目3个。"}, ensure_ascii=False),
        json.dumps({"id": "j-no-text"}),
        json.dumps({"id": "j-empty", "text": "   "}),
    ]
    (root / "docs.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "notes.md").write_text("ignored: not a supported suffix inside folders", encoding="utf-8")
    return root


GOOD = {"utf8", "bom", "gbk", "page", "j-good", "docs.jsonl:3"}
BAD = {"junk", "blank", "docs.jsonl:2", "j-no-text", "j-empty"}


def test_decoding_utf8_bom_gb18030_and_junk():
    text = "淮安经济技术开发区新签约项目12个，计划总投资102.2亿元。"
    assert decode_bytes(text.encode("utf-8")) == text
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8")) == text
    assert decode_bytes(text.encode("gbk")) == text
    assert decode_bytes(("𠀀" + text).encode("gb18030")) == "𠀀" + text
    with pytest.raises(UnreadableText, match="control or undecodable"):
        decode_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnreadableText, match="empty"):
        decode_bytes(b"\n \n")


def test_html_page_in_the_charset_it_declares(tmp_path: Path):
    body = "新竹縣今年新簽約億元以上項目12個，協議總投資35.6億元。這是一段較長的正文，讓抽取器確認這是文章主體。"
    page = f"""<html><head><meta charset="big5"><title>新竹縣招商綜述</title></head>
<body><div>首頁 | 新聞</div><article><p>{body}</p></article></body></html>"""
    (tmp_path / "tw.html").write_bytes(page.encode("big5"))
    [item] = read_file(tmp_path / "tw.html")
    assert item["id"] == "tw" and body in item["text"] and item["text"].startswith("# 新竹縣招商綜述")


def test_inputs_expand_folders_and_globs(inputs: Path):
    found = {p.name for p in expand_inputs([inputs])}
    assert found == {"utf8.txt", "bom.txt", "gbk.txt", "page.html", "junk.txt", "blank.txt", "docs.jsonl"}
    assert {p.name for p in expand_inputs([str(inputs / "**" / "*.txt")])} == found - {"page.html", "docs.jsonl"}
    with pytest.raises(FileNotFoundError, match="no such file"):
        expand_inputs([inputs / "missing.txt"])
    with pytest.raises(FileNotFoundError, match="matches no file"):
        expand_inputs([str(inputs / "*.pdf")])


def test_readers_decode_every_form_to_the_same_text(inputs: Path, seed_text: str):
    items = {item["id"]: item for item in iter_documents([inputs])}
    assert set(items) == GOOD | BAD
    assert items["utf8"]["text"] == items["bom"]["text"] == items["gbk"]["text"] == seed_text[:1500]
    assert "淮安市一季度项目建设综述" in items["page"]["text"] and "首页" not in items["page"]["text"]
    assert "malformed JSON" in items["docs.jsonl:2"]["error"]
    assert "'text' missing" in items["j-no-text"]["error"] and "empty text" in items["j-empty"]["error"]


def test_bad_inputs_give_error_lines_and_every_good_document(inputs: Path, tmp_path: Path, tiny_model: Path, capsys):
    out = tmp_path / "out.jsonl"
    code = main(["annotate", str(inputs), "--out", str(out), "--model", str(tiny_model), "--batch-size", "3"])
    assert code == 0
    lines = {line["id"]: line for line in read_jsonl(out)}
    assert set(lines) == GOOD | BAD
    for doc_id in GOOD:
        assert set(lines[doc_id]) == {"id", "entities", "relations", "records"}
    for doc_id in BAD:
        assert set(lines[doc_id]) == {"id", "error"} and lines[doc_id]["error"]
    assert lines["utf8"] == {**lines["gbk"], "id": "utf8"} == {**lines["bom"], "id": "utf8"}
    summary = capsys.readouterr().err
    assert f"documents {len(GOOD | BAD)}" in summary and f"errors {len(BAD)}" in summary and "chars/s" in summary


def test_model_failure_is_an_error_line_not_a_crash(tmp_path: Path, tiny_nlp, seed_text: str):
    class FailsOnMarker:
        """Wraps the real pipeline; raises for one document, as a model bug on odd input would."""

        def pipe(self, texts):
            texts = list(texts)
            if any("FAIL" in t for t in texts):
                raise RuntimeError("cannot process")
            return tiny_nlp.pipe(texts)

        def __call__(self, text):
            return next(iter(self.pipe([text])))

    source = tmp_path / "docs.jsonl"
    docs = [{"id": "a", "text": seed_text[:500]}, {"id": "b", "text": "FAIL"}, {"id": "c", "text": seed_text[500:900]}]
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    summary = annotate([source], tmp_path / "out.jsonl", nlp=FailsOnMarker(), progress=False)
    lines = read_jsonl(tmp_path / "out.jsonl")
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert lines[1]["error"] == "model failed: RuntimeError: cannot process"
    assert "records" in lines[0] and "records" in lines[2]
    assert (summary.documents, summary.errors) == (3, 1)


def test_resume_skips_done_ids_and_repairs_a_cut_line(tmp_path: Path, tiny_nlp, seed_text: str):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"d{i}.txt").write_text(seed_text[i * 400 : (i + 1) * 400], encoding="utf-8")
    out = folder / "out.jsonl"  # inside the input folder: must not be read back as input
    first = annotate([folder / "d0.txt", folder / "d1.txt"], out, nlp=tiny_nlp, progress=False)
    assert first.documents == 2
    before = out.read_text(encoding="utf-8")
    with open(out, "a", encoding="utf-8") as handle:
        handle.write('{"id": "d2", "entities": [')  # an interrupted write
    second = annotate([folder], out, nlp=tiny_nlp, resume=True, progress=False)
    assert (second.skipped, second.documents) == (2, 1)
    assert out.read_text(encoding="utf-8").startswith(before)
    assert [line["id"] for line in read_jsonl(out)] == ["d0", "d1", "d2"]


def test_write_table_one_row_per_record(tmp_path: Path):
    spool = tmp_path / "out.csv.docs.jsonl"
    record = {
        "district": "清江浦区", "stage": "招引", "tier": "亿元以上", "tier_min_yuan": 100000000, "tier_max_yuan": None,
        "industry": "工业", "target": False, "count": 19, "parent": None, "evidence": {"start": 812, "end": 871},
        "amounts": [{"text": "77.83亿元", "yuan": 7783000000, "kind": "协议引资"}], "rates": [],
    }  # fmt: skip
    docs = [
        {"id": "a", "entities": [], "relations": [], "records": [record, {**record, "count": 4, "parent": 0}]},
        {"id": "b", "error": "empty text"},
        {"id": "c", "entities": [], "relations": [], "records": []},
    ]
    spool.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    write_table(spool, tmp_path / "out.csv", "csv")
    write_table(spool, tmp_path / "out.parquet", "parquet")
    for table in (pd.read_csv(tmp_path / "out.csv"), pd.read_parquet(tmp_path / "out.parquet")):
        assert list(table["id"]) == ["a", "a"] and list(table["record"]) == [0, 1]
        assert list(table["count"]) == [19, 4] and table["district"].tolist() == ["清江浦区"] * 2
        assert json.loads(table["amounts"][0])[0]["yuan"] == 7783000000
        assert int(table["evidence_start"][0]) == 812 and pd.isna(table["parent"][0]) and table["parent"][1] == 0


def test_csv_and_parquet_outputs_match_the_jsonl_records(inputs: Path, tmp_path: Path, tiny_model: Path):
    for fmt in ("csv", "parquet"):
        out = tmp_path / f"out.{fmt}"
        assert main(["annotate", str(inputs), "--out", str(out), "--model", str(tiny_model), "--no-progress"]) == 0
        spool = read_jsonl(tmp_path / f"out.{fmt}.docs.jsonl")
        assert {line["id"] for line in spool} == GOOD | BAD
        table = pd.read_csv(out) if fmt == "csv" else pd.read_parquet(out)
        expected = [(line["id"], i) for line in spool for i in range(len(line.get("records", [])))]
        assert expected, "the tiny model gives no record for the seed article"
        assert list(zip(table["id"].astype(str), table["record"], strict=True)) == expected


def test_worker_processes_give_the_same_output(tmp_path: Path, tiny_model: Path, seed_text: str):
    source = tmp_path / "docs.jsonl"
    docs = [{"id": str(i), "text": seed_text[i * 300 : (i + 1) * 300]} for i in range(6)] + [{"id": "x"}]
    source.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    one = annotate([source], tmp_path / "one.jsonl", model=tiny_model, batch_size=2, progress=False)
    two = annotate([source], tmp_path / "two.jsonl", model=tiny_model, batch_size=2, n_process=2, progress=False)
    assert (tmp_path / "one.jsonl").read_text() == (tmp_path / "two.jsonl").read_text()
    assert (one.documents, one.errors) == (two.documents, two.errors) == (7, 1)


def test_cli_usage_errors_exit_2_and_leave_the_output_alone(tmp_path: Path, tiny_model: Path, capsys):
    out = tmp_path / "out.jsonl"
    out.write_text('{"id": "kept"}\n', encoding="utf-8")
    assert main(["annotate", str(tmp_path / "nope.txt"), "--out", str(out), "--model", str(tiny_model)]) == 2
    assert main(["annotate", str(out), "--out", str(out), "--model", str(tmp_path / "no-model")]) == 2
    assert out.read_text(encoding="utf-8") == '{"id": "kept"}\n'
    assert "no such file" in capsys.readouterr().err


def test_cli_validate(tmp_path: Path, capsys):
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text(json.dumps({"id": "a", "text": "涟水县", "entities": [{"start": 0, "end": 3, "label": "DISTRICT"}]})
                    + "\n", encoding="utf-8")  # fmt: skip
    bad.write_text(json.dumps({"id": "b", "text": "x", "entities": [{"start": 0, "end": 5, "label": "NOPE"}]}) + "\n")
    assert main(["validate", str(good)]) == 0
    assert "OK: 1 documents, 1 entities" in capsys.readouterr().out
    assert main(["validate", str(good), str(bad)]) == 1
    assert "bad.jsonl:1: entity 0: offsets 0-5 outside text" in capsys.readouterr().out


def test_cli_convert_round_trip_and_show(tmp_path: Path, tiny_model: Path, seed_text: str, capsys):
    gold = Path(__file__).resolve().parents[1] / "corpus" / "gold" / "dev.jsonl"
    studio, back = tmp_path / "tasks.json", tmp_path / "back.jsonl"
    assert main(["convert", str(gold), str(studio), "--to", "label-studio"]) == 0
    assert main(["convert", str(studio), str(back), "--from", "label-studio"]) == 0
    keys = [[(e["start"], e["end"], e["label"]) for e in doc["entities"]] for doc in read_jsonl(gold)]
    assert [[(e["start"], e["end"], e["label"]) for e in doc["entities"]] for doc in read_jsonl(back)] == keys

    (tmp_path / "seed.txt").write_text(seed_text[:1500], encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["annotate", str(tmp_path / "seed.txt"), "--out", str(out), "--model", str(tiny_model)]) == 0
    capsys.readouterr()
    assert main(["show", str(out)]) == 0
    shown = capsys.readouterr().out.splitlines()
    records = read_jsonl(out)[0]["records"]
    assert shown[0].startswith("seed: ") and len(shown) == 1 + len(records) and records
