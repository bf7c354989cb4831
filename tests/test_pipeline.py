"""spaCy pipeline: exact entity offsets whatever the segmenter, normalisation, serialisation, batching."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc

from pipeline.components import set_entities
from pipeline.segmenter import make_tokenizer_nlp, segment_document, train_segmenter

pytest_plugins = ["tests.fixtures_model"]  # tiny_model, tiny_nlp, seed_text (trained once per session)

GOLD_TRAIN = Path(__file__).resolve().parents[1] / "corpus" / "gold" / "train.jsonl"


def gold_docs() -> list[dict]:
    return [json.loads(line) for line in GOLD_TRAIN.read_text(encoding="utf-8").splitlines()]


def entity_keys(entities: list[dict]) -> set[tuple[int, int, str]]:
    return {(e["start"], e["end"], e["label"]) for e in entities}


def assert_spans_exact(doc: Doc) -> None:
    """doc.ents hold the predicted character spans exactly, and the text is untouched."""
    keys = entity_keys(doc._.entities)
    for span in doc.ents:
        assert (span.start_char, span.end_char, span.label_) in keys
        assert span.text == doc.text[span.start_char : span.end_char]


def test_tokens_are_split_where_entities_cut_through_words():
    nlp = spacy.blank("zh")
    text = "清江浦区新签约项目12个，计划总投资102.2亿元。"
    words = ["清江浦区新", "签约项目12", "个，", "计划总投资102.2亿元", "。"]
    doc = Doc(nlp.vocab, words=words, spaces=[False] * len(words))
    entities = [
        {"start": 0, "end": 4, "label": "DISTRICT"},
        {"start": 4, "end": 7, "label": "STAGE"},
        {"start": 9, "end": 12, "label": "COUNT"},
        {"start": 18, "end": 25, "label": "MONEY"},
    ]
    relations = [{"head": 2, "tail": 1, "label": "stage"}]
    set_entities(doc, entities, relations)
    assert doc.text == text
    assert [(e.text, e.label_) for e in doc.ents] == [("清江浦区", "DISTRICT"), ("新签约", "STAGE"), ("12个", "COUNT"),
                                                     ("102.2亿元", "MONEY")]  # fmt: skip
    assert doc._.entities == entities and doc._.relations == relations
    assert_spans_exact(doc)


def test_overlapping_entities_stay_in_the_extension_and_line_breaks_stay_inside_spans():
    nlp = spacy.blank("zh")
    text = "完成83.\n3%，目标5个"
    doc = nlp(text)
    entities = [
        {"start": 2, "end": 8, "label": "PERCENT"},
        {"start": 2, "end": 4, "label": "PERCENT"},
        {"start": 11, "end": 13, "label": "COUNT", "attrs": {"target": True}},
    ]
    set_entities(doc, entities, [])
    assert [e.text for e in doc.ents] == ["83.\n3%", "5个"]
    assert doc.ents[1]._.attrs == {"target": True} and doc.ents[0]._.attrs == {}
    assert doc._.entities == entities
    assert_spans_exact(doc)


def test_segmenter_training_data_keeps_entity_spans_whole():
    doc = gold_docs()[0]
    from pipeline.segmenter import lexicon

    words = {w for line in segment_document(doc, lexicon()) for w in line}
    for ent in doc["entities"]:
        for piece in doc["text"][ent["start"] : ent["end"]].split():
            assert piece in words, f"entity piece {piece!r} was cut"


@pytest.fixture(scope="module")
def pkuseg_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkuseg")
    stats = train_segmenter(gold_docs()[:6], out, iterations=2)
    assert stats["documents"] == {"train": 5, "dev": 1}
    assert 0.0 <= stats["entity_boundary_recall"] <= 1.0
    return out


def test_pkuseg_segmenter_gives_words_and_exact_entity_spans(pkuseg_dir, tmp_path):
    nlp = make_tokenizer_nlp("pkuseg", pkuseg_dir)
    doc = gold_docs()[0]
    tokens = nlp(doc["text"])
    assert tokens.text == doc["text"]
    assert any(len(t) > 1 for t in tokens), "a trained pkuseg model must produce multi-character words"
    set_entities(tokens, doc["entities"], doc["relations"])
    assert len(tokens.ents) == len(doc["entities"])
    assert_spans_exact(tokens)
    nlp.to_disk(tmp_path / "tok")
    reloaded = spacy.load(tmp_path / "tok")
    assert [t.text for t in reloaded(doc["text"])] == [t.text for t in nlp(doc["text"])]


def test_pipeline_components_and_exact_spans(tiny_nlp, seed_text):
    assert tiny_nlp.pipe_names == ["econ_extractor", "econ_records"]
    doc = tiny_nlp(seed_text)
    assert doc._.entities, "the tiny model finds no entity in the seed article"
    assert isinstance(doc._.records, list)
    for rel in doc._.relations:
        assert 0 <= rel["head"] < len(doc._.entities) and 0 <= rel["tail"] < len(doc._.entities)
    assert_spans_exact(doc)


def test_pipe_batches_like_single_calls(tiny_nlp, seed_text):
    texts = [seed_text[:900], "", seed_text[900:2000], seed_text]
    batched = list(tiny_nlp.pipe(texts, batch_size=3))
    for text, doc in zip(texts, batched, strict=True):
        single = tiny_nlp(text)
        assert doc._.entities == single._.entities and doc._.records == single._.records
    assert batched[1]._.entities == [] and batched[1]._.records == []


def test_saved_pipeline_round_trips(tiny_nlp, seed_text, tmp_path, tiny_model):
    import pipeline

    tiny_nlp.to_disk(tmp_path / "nlp")
    reloaded = spacy.load(tmp_path / "nlp")
    assert reloaded.get_pipe("econ_extractor").model_path == tmp_path / "nlp" / "econ_extractor" / "model"
    a, b = tiny_nlp(seed_text), reloaded(seed_text)
    assert (a._.entities, a._.relations, a._.records) == (b._.entities, b._.relations, b._.records)
    assert pipeline.load(tmp_path / "nlp").pipe_names == ["econ_extractor", "econ_records"]


def traditional_fullwidth_broken(text: str, keep_whole: list[tuple[int, int]]) -> tuple[str, list[int]]:
    """Rewrite `text` the way scanned/PDF sources differ, with the position of every original character.

    Digits become full-width, characters whose traditional form simplifies back become traditional,
    and a PDF line break goes before every 40th character that sits between two Chinese characters
    outside headings and entity edges. Normalisation undoes all of it, so the model must see the same text.
    """
    from opencc import OpenCC

    from pipeline.normalize import simplify

    s2t = OpenCC("s2t")
    edges = {x for s, e in keep_whole for x in (s, e)}
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        in_heading = text.startswith("#", text.rfind("\n", 0, i) + 1)
        between_hanzi = re.fullmatch(r"[\u4e00-\u9fff]{2}", text[i - 1 : i + 1]) is not None
        if i % 40 == 0 and i not in edges and not in_heading and between_hanzi:
            out.append("\n")
        trad = s2t.convert(ch)
        where.append(len("".join(out)))
        if ch.isdigit():
            out.append(chr(ord(ch) - ord("0") + ord("０")))
        elif len(trad) == 1 and simplify(trad) == ch:
            out.append(trad)
        else:
            out.append(ch)
    return "".join(out), where


def test_offsets_stay_exact_through_normalisation(tiny_nlp, seed_text):
    text = seed_text[:2500]
    plain = tiny_nlp(text)
    assert plain._.entities, "the tiny model finds no entity in the seed article"
    spans = [(e["start"], e["end"]) for e in plain._.entities]
    variant, where = traditional_fullwidth_broken(text, spans)
    assert variant.count("\n") > text.count("\n") and "０" in variant
    doc = tiny_nlp(variant)
    expected = {(where[e["start"]], where[e["end"] - 1] + 1, e["label"]) for e in plain._.entities}
    assert entity_keys(doc._.entities) == expected
    assert_spans_exact(doc)


def test_model_folder_with_a_segmenter_loads_pkuseg_and_round_trips(pkuseg_dir, tiny_model, tmp_path, seed_text):
    import shutil

    import pipeline

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    shutil.copytree(pkuseg_dir, model / "segmenter")
    nlp = pipeline.load(model)
    assert nlp.tokenizer.segmenter == "pkuseg" and pipeline.load(model, segmenter="char").tokenizer.segmenter == "char"
    doc = nlp(seed_text[:1200])
    assert doc._.entities and any(len(t) > 1 for t in doc)
    assert_spans_exact(doc)
    nlp.to_disk(tmp_path / "saved")
    again = spacy.load(tmp_path / "saved")(seed_text[:1200])
    assert [t.text for t in again] == [t.text for t in doc] and again._.records == doc._.records


def test_cli_train_segmenter(tmp_path, capsys):
    from pipeline.__main__ import main

    out = tmp_path / "seg"
    assert main(["train-segmenter", "--corpus", str(GOLD_TRAIN), "--out", str(out), "--iterations", "1",
                 "--limit", "3"]) == 0  # fmt: skip
    stats = json.loads(capsys.readouterr().out)
    assert stats["documents"] == {"train": 2, "dev": 1} and (out / "weights.npz").exists()
    assert json.loads((out / "segmenter.json").read_text()) == stats
