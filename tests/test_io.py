"""Corpus format: validation messages, refusal of broken files, exchange-format round trips."""

from __future__ import annotations

import json

import pytest

from pipeline.convert import (
    from_doccano,
    from_hf_dataset,
    from_label_studio,
    read_exchange,
    to_doccano,
    to_hf_dataset,
    to_label_studio,
    write_exchange,
)
from pipeline.io import CorpusError, read_corpora, read_corpus, validate_document, write_jsonl

TEXT = "清江浦区新招引亿元以上项目46个,协议引资165.93亿元,完成目标任务的61.33%。力争全年招引项目90个。"


def make_doc() -> dict:
    def span(s: str, label: str, nth: int = 0, **attrs) -> dict:
        start = -1
        for _ in range(nth + 1):
            start = TEXT.index(s, start + 1)
        ent = {"start": start, "end": start + len(s), "label": label}
        if attrs:
            ent["attrs"] = attrs
        return ent

    entities = [
        span("清江浦区", "DISTRICT"),
        span("新招引", "STAGE"),
        span("亿元以上", "TIER"),
        span("46个", "COUNT"),
        span("165.93亿元", "MONEY"),
        span("61.33%", "PERCENT"),
        span("90个", "COUNT", target=True),
    ]
    relations = [
        {"head": 3, "tail": 0, "label": "district"},
        {"head": 3, "tail": 1, "label": "stage"},
        {"head": 3, "tail": 2, "label": "tier"},
        {"head": 3, "tail": 4, "label": "amount"},
        {"head": 5, "tail": 3, "label": "rate"},
    ]
    return {"id": "d1", "text": TEXT, "entities": entities, "relations": relations, "meta": {"date": "2022-04-08"}}


def test_valid_document_has_no_problems():
    assert validate_document(make_doc()) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["entities"][0].update(end=999), "outside text"),
        (lambda d: d["entities"][0].update(label="CITY"), "unknown label 'CITY'"),
        (lambda d: d["entities"].append({"start": 4, "end": 5, "label": "STAGE", "attrs": {"target": True}}),
         "attrs.target is only allowed"),
        (lambda d: d["relations"].append({"head": 1, "tail": 3, "label": "stage"}), "'stage' from STAGE to COUNT"),
        (lambda d: d["relations"].append({"head": 3, "tail": 42, "label": "tier"}), "do not index"),
        (lambda d: d["relations"].append({"head": 3, "tail": 0, "label": "located"}), "unknown relation label"),
        (lambda d: d["relations"].append(dict(d["relations"][0])), "duplicate relation"),
        (lambda d: d.pop("text"), "'text' missing"),
    ],
)
def test_validation_names_the_problem(mutate, expected):
    doc = make_doc()
    mutate(doc)
    problems = validate_document(doc, "f.jsonl:3")
    assert any(expected in p and p.startswith("f.jsonl:3") for p in problems), problems


def test_broken_file_is_refused_whole_with_every_problem(tmp_path):
    good, bad = make_doc(), make_doc()
    bad["id"] = "d2"
    bad["entities"][0]["end"] = 500
    path = tmp_path / "gold.jsonl"
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n{not json\n" + json.dumps(bad, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as err:
        read_corpus(path)
    problems = err.value.problems
    assert any(p.startswith(f"{path}:2: malformed JSON") for p in problems)
    assert any(p.startswith(f"{path}:3: entity 0") for p in problems)


def test_duplicate_ids_are_refused(tmp_path):
    path = tmp_path / "gold.jsonl"
    write_jsonl([make_doc(), make_doc()], path)
    with pytest.raises(CorpusError, match="already used on line 1"):
        read_corpus(path)


def test_read_corpora_reads_folders(tmp_path):
    write_jsonl([make_doc()], tmp_path / "a" / "x.jsonl")
    assert [d["id"] for d in read_corpora([tmp_path / "a"])] == ["d1"]
    with pytest.raises(FileNotFoundError, match="no such file"):
        read_corpora([tmp_path / "missing.jsonl"])


def _core(doc: dict) -> dict:
    return {"text": doc["text"], "entities": doc["entities"], "relations": doc["relations"]}


def test_label_studio_round_trip(tmp_path):
    doc = make_doc()
    tasks = to_label_studio([doc])
    assert tasks[0]["data"]["text"] == TEXT
    back = from_label_studio(tasks)
    assert _core(back[0]) == _core(doc)
    assert back[0]["id"] == "d1"
    write_exchange([doc], tmp_path / "ls.json", "label-studio")
    assert _core(read_exchange(tmp_path / "ls.json", "label-studio")[0]) == _core(doc)


def test_label_studio_left_relation_and_bad_relation():
    doc = make_doc()
    task = to_label_studio([doc])[0]
    rel = next(r for r in task["annotations"][0]["result"] if r["type"] == "relation")
    rel["from_id"], rel["to_id"], rel["direction"] = rel["to_id"], rel["from_id"], "left"
    assert _core(from_label_studio([task])[0]) == _core(doc)
    rel["labels"] = ["tier"]  # COUNT→DISTRICT as tier: the spec forbids it
    with pytest.raises(CorpusError, match="task 1: relation 0: 'tier' from COUNT to DISTRICT"):
        from_label_studio([task], "export.json")


def test_doccano_round_trip_and_legacy_layout(tmp_path):
    doc = make_doc()
    rows = to_doccano([doc])
    assert rows[0]["entities"][6]["label"] == "COUNT:target"
    assert _core(from_doccano(rows)[0]) == _core(doc)
    legacy = {"text": TEXT, "label": [[e["start"], e["end"], e["label"]] for e in doc["entities"][:2]]}
    assert [e["label"] for e in from_doccano([legacy])[0]["entities"]] == ["DISTRICT", "STAGE"]
    write_exchange([doc], tmp_path / "d.jsonl", "doccano")
    assert _core(read_exchange(tmp_path / "d.jsonl", "doccano")[0]) == _core(doc)


def test_hf_dataset_round_trip():
    doc = make_doc()
    doc["records"] = [{"district": "清江浦区", "count": 46}]
    dataset = to_hf_dataset([doc])
    assert dataset.num_rows == 1 and dataset[0]["entities"][6]["target"] is True
    back = from_hf_dataset(dataset)[0]
    assert _core(back) == _core(doc) and back["records"] == doc["records"] and back["meta"] == doc["meta"]
