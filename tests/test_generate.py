"""The synthetic corpus: valid, deterministic, annotated per GUIDELINES, varied, noisy, and its records
agree with the record builder."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from functools import lru_cache

import pytest

from corpus.generate import (
    CITY_ZONE_SUFFIXES,
    SECTION_STYLES,
    TOWN_SUFFIXES,
    UNLISTED_STEMS,
    UNLISTED_SUFFIXES,
    county_characters,
    generate_document,
    generate_documents,
    main,
    to_traditional,
)
from corpus.templates import INDUSTRIES, STAGES, TEMPLATES, TIER_BY_TEXT
from corpus.templates_prose import ORG_SUFFIXES, PLACES, SECTORS
from pipeline.gazetteer import district_names, find_division
from pipeline.io import read_corpus, validate_document
from pipeline.normalize import fold_width, simplify
from pipeline.text import sentence_spans

N_DOCS = 200
SEED = 7


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return generate_documents(N_DOCS, SEED)


def span(doc: dict, e: dict) -> str:
    return doc["text"][e["start"] : e["end"]]


def plain(text: str) -> str:
    """Span text in one spelling: simplified, ASCII digits, no line breaks."""
    return "".join(fold_width(simplify(text)).split())


def test_same_seed_same_documents_other_seed_other_documents(docs):
    assert generate_documents(20, SEED) == docs[:20]
    assert generate_document(SEED, 150) == docs[150]  # a document does not depend on how many are asked for
    assert [d["text"] for d in generate_documents(20, SEED + 1)] != [d["text"] for d in docs[:20]]


def test_every_document_is_valid_with_unique_ids(docs):
    for doc in docs:
        assert validate_document(doc, doc["id"]) == []
    assert len({doc["id"] for doc in docs}) == len(docs)


@pytest.mark.skipif(importlib.util.find_spec("pipeline.records") is None, reason="pipeline.records not written yet")
def test_record_builder_reproduces_the_generators_records(docs):
    from pipeline.records import build_records

    for doc in docs:
        stripped = {k: v for k, v in doc.items() if k != "records"}
        assert build_records(stripped, strict=True) == doc["records"], doc["id"]


def test_records_say_what_the_generator_decided(docs):
    records = [r for doc in docs for r in doc["records"]]
    assert sum(r["count"] is not None for r in records) > 2000
    assert any(r["count"] is None and r["amounts"] for r in records)  # money facts of their own
    assert any(r["target"] for r in records) and any(r["parent"] is not None for r in records)
    assert all(r["district"] for doc in docs for r in doc["records"] if doc["meta"]["layout"] == "single")
    for doc in docs:
        for k, r in enumerate(doc["records"]):
            assert r["parent"] is None or r["parent"] < k  # wholes come before their parts
            assert r["stage"] in (None, *STAGES.values())
            if r["tier"]:
                tier = TIER_BY_TEXT[r["tier"]]
                assert (r["tier_min_yuan"], r["tier_max_yuan"]) == (tier.low, tier.high)


def is_unlisted_zone(name: str) -> bool:
    """A zone name made up by corpus.generate.unlisted_zone (two stem characters and a zone suffix, or a city's
    name and one) or a town made up by corpus.generate.towns."""
    stem_zone = any(name == name[:2] + suffix and set(name[:2]) <= set(UNLISTED_STEMS) for suffix in UNLISTED_SUFFIXES)
    city_zone = any(name.endswith(suffix) and find_division(name[: -len(suffix)]) for suffix in CITY_ZONE_SUFFIXES)
    town_stems = set(UNLISTED_STEMS) | set(county_characters())
    town = any(name.endswith(suffix) and set(name[: -len(suffix)]) <= town_stems for suffix in TOWN_SUFFIXES)
    return stem_zone or city_zone or town


@lru_cache(maxsize=1)
def round_tripped() -> frozenset[str]:
    """Names as the traditional-script noise leaves them after simplification (浚县 → 濬县 → 濬县)."""
    return frozenset(plain(to_traditional(name)) for name in district_names())


def test_entity_spans_hold_what_their_label_promises(docs):
    names = set(district_names()) | set(PLACES)
    industries = {name for name, _ in INDUSTRIES}
    for doc in docs:
        for e in doc["entities"]:
            text = plain(span(doc, e))
            label = e["label"]
            if label == "COUNT":
                assert text[-1] in "个项条" and len(text) > 1, (doc["id"], text)
            elif label == "MONEY":
                assert text.endswith("元") and text[0] not in "超近约达", (doc["id"], text)
            elif label == "PERCENT":
                assert text.endswith(("%", "个百分点")) or text.startswith("百分之"), (doc["id"], text)
            elif label == "STAGE":
                assert text in STAGES, (doc["id"], text)
            elif label == "TIER":
                assert text in TIER_BY_TEXT, (doc["id"], text)
            elif label == "INDUSTRY":
                assert text in industries, (doc["id"], text)
            elif label == "DISTRICT":
                assert text in names or is_unlisted_zone(text) or text in round_tripped(), (doc["id"], text)


def is_venue(text: str, e: dict) -> bool:
    """在X举行 / 在X举办: where an event was held, no subject of the figures (decision 32)."""
    after = simplify(text[e["end"] : e["end"] + 4])
    return text[e["start"] - 1] == "在" and after.startswith(("举", "主会场", "设主会场"))


def sentence_of(spans: list[tuple[int, int]], pos: int) -> int:
    return next(k for k, (start, end) in enumerate(spans) if start <= pos < end)


def test_relations_follow_the_guidelines(docs):
    for doc in docs:
        ents, rels = doc["entities"], doc["relations"]
        spans = sentence_spans(doc["text"])
        sentence = [sentence_of(spans, e["start"]) for e in ents]
        by_head: dict[int, set[str]] = {}
        for r in rels:
            by_head.setdefault(r["head"], set()).add(r["label"])
        parts = {r["head"] for r in rels if r["label"] == "part_of"}
        amounts = {r["tail"] for r in rels if r["label"] == "amount"}
        for r in rels:
            if r["label"] != "part_of":  # only a breakdown may follow its total across a 。
                assert sentence[r["head"]] == sentence[r["tail"]], (doc["id"], r, span(doc, ents[r["head"]]))
        for k in amounts:  # an amount carries nothing of its own
            assert not by_head.get(k, set()) & {"stage", "tier", "industry", "district"}, doc["id"]
        anchors = sorted((k for k, e in enumerate(ents) if e["label"] == "COUNT" or (e["label"] == "MONEY"
                                                                                   and k not in amounts)),
                         key=lambda k: (ents[k]["start"], ents[k]["end"]))
        record_of = {k: doc["records"][n] for n, k in enumerate(anchors)}
        for k in parts:  # a part links to a district only in another district than its whole's (decision 22)
            if "district" in by_head[k]:
                own = record_of[k]
                assert own["district"] != doc["records"][own["parent"]]["district"], (doc["id"], span(doc, ents[k]))
        part_districts = {r["tail"] for r in rels if r["label"] == "district" and r["head"] in parts}
        staged = {r["tail"] for r in rels if r["label"] == "stage"}
        for k, e in enumerate(ents):
            if e["label"] == "STAGE":  # a STAGE is marked only where a figure counts it
                assert k in staged, (doc["id"], span(doc, e))
            if e["label"] in ("COUNT", "MONEY") and k not in parts and k not in amounts:
                named = [j for j, d in enumerate(ents) if d["label"] == "DISTRICT" and sentence[j] == sentence[k]
                         and j not in part_districts and not is_venue(doc["text"], d)]
                if named:  # the area named in the sentence is the figure's (its parts' areas are theirs)
                    assert "district" in by_head.get(k, set()), (doc["id"], span(doc, e))


def test_variety_of_templates_layouts_and_areas(docs):
    used = Counter(name for doc in docs for name in doc["meta"]["templates"])
    assert len(TEMPLATES) >= 40 and len(used) >= 40
    layouts = {doc["meta"]["layout"].split("/")[-1] for doc in docs}
    assert layouts == {style for style, _ in SECTION_STYLES} | {"single"}
    areas = {plain(span(doc, e)) for doc in docs for e in doc["entities"] if e["label"] == "DISTRICT"}
    assert len(areas) > 400
    lengths = [len(doc["text"]) for doc in docs]
    assert 300 <= min(lengths) and max(lengths) <= 3000
    assert len({doc["text"][:30] for doc in docs}) > N_DOCS * 0.8


def test_prose_without_figures_is_a_large_unmarked_share(docs):
    """Distractor prose (sector words, slogans, references, organisations) teaches what is no entity."""
    sentences = prose = 0
    for doc in docs:
        figures = [e["start"] for e in doc["entities"] if e["label"] in ("COUNT", "MONEY")]
        for start, end in sentence_spans(doc["text"]):
            if not doc["text"][start:end].startswith("#"):
                sentences += 1
                prose += not any(start <= pos < end for pos in figures)
    assert 0.3 <= prose / sentences <= 0.55, prose / sentences
    for doc in docs:
        for e in doc["entities"]:
            assert not any(word in plain(span(doc, e)) for word in SECTORS), (doc["id"], span(doc, e))
            if e["label"] == "DISTRICT":  # 淮安市发改委: an organisation, the name is not marked there
                after = plain(doc["text"][e["end"] : e["end"] + 12])
                assert not after.startswith(ORG_SUFFIXES), (doc["id"], span(doc, e), after)
    texts = "".join(doc["text"] for doc in docs)
    assert all(word in texts for word in ("签约—注册—供地—开工", "●", "发改委", "则", "下一步"))


def test_every_kind_of_noise_occurs(docs):
    noise = Counter(tag for doc in docs for tag in doc["meta"]["noise"])
    expected = {
        "pdf_break",
        "fullwidth",
        "traditional",
        "chinese_numeral",
        "wan_yuan",
        "foreign_currency",
        "wan_yi_yuan",
    }
    assert expected <= set(noise), noise
    texts = [(doc, span(doc, e), e["label"]) for doc in docs for e in doc["entities"]]
    assert any("\n" in text for _, text, _ in texts)  # a PDF break inside a figure or name
    assert any("０" <= ch <= "９" for _, text, label in texts if label == "MONEY" for ch in text)
    assert any(text[0] in "一二两三四五六七八九十" for _, text, label in texts if label == "COUNT")
    assert any(text.startswith("百分之") for _, text, _ in texts)
    assert any("項目" in doc["text"] for doc in docs)
    assert any(text.endswith("美元") for _, text, _ in texts)
    assert any("万亿元" in plain(text) for _, text, _ in texts)


def test_cli_writes_a_readable_corpus(tmp_path, capsys):
    out = tmp_path / "synth.jsonl"
    assert main(["--n", "12", "--seed", "3", "--out", str(out)]) == 0
    docs = read_corpus(out)
    assert [d["id"] for d in docs] == [f"synth-3-{i:05d}" for i in range(12)]
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[0])["records"] == docs[0]["records"]
    assert "12 documents" in capsys.readouterr().err


def test_long_range_district_links_and_several_districts_with_respectively(docs):
    """Gold articles link figures to a subject named far before them and pair 分别 lists of districts in order."""
    long_links = multi = 0
    for doc in docs:
        ents = doc["entities"]
        district = [r for r in doc["relations"] if r["label"] == "district"]
        long_links += any(ents[r["head"]]["start"] - ents[r["tail"]]["end"] > 60 for r in district)
        heads_by_tail: dict[int, set[int]] = {}
        for r in district:
            heads_by_tail.setdefault(r["tail"], set()).add(r["head"])
        spans = sentence_spans(doc["text"])
        for start, end in spans:
            named = [t for t in heads_by_tail if start <= ents[t]["start"] < end]
            if len(named) >= 2 and "分别" in doc["text"][start:end]:
                first = sorted(named, key=lambda t: ents[t]["start"])
                heads = [min(ents[h]["start"] for h in heads_by_tail[t]) for t in first]
                multi += heads == sorted(heads)  # the i-th district gets the i-th figure
    assert long_links >= 0.1 * len(docs), long_links
    assert multi >= 0.1 * len(docs), multi


def test_rates_pair_with_counts_money_and_parts(docs):
    """分别完成…的x%、y% after two counts, a rate of a money, and rates of a 其中 part."""
    used = Counter(name for doc in docs for name in set(doc["meta"]["templates"]))
    families = ("counts_completion_pair", "investment_completion", "part_completion_pair", "part_share")
    assert sum(used[name] for name in families) >= 0.1 * len(docs), used
    rated_parts = rated_money = 0
    for doc in docs:
        ents, rels = doc["entities"], doc["relations"]
        parts = {r["head"] for r in rels if r["label"] == "part_of"}
        for r in rels:
            if r["label"] == "rate":
                rated_parts += r["tail"] in parts
                rated_money += ents[r["tail"]]["label"] == "MONEY"
    assert rated_parts > 20 and rated_money > 20


def test_some_city_articles_name_a_zone_no_gazetteer_lists(docs):
    unlisted = [doc["id"] for doc in docs for e in doc["entities"]
                if e["label"] == "DISTRICT" and is_unlisted_zone(plain(span(doc, e)))
                and find_division(plain(span(doc, e))) is None]
    assert unlisted
