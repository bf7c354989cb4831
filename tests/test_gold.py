"""The hand-annotated gold set: it compiles, keeps its splits apart and contains the seed unchanged.

Records are left out (with_records=False) so these checks do not depend on the record builder.
"""

from __future__ import annotations

from bisect import bisect_right
from os.path import commonprefix
from pathlib import Path

import pytest

from corpus.build_gold import ROOT, SPLITS, compile_sources
from pipeline.text import sentence_spans

SEED_ID = "seed-huaian-2022q1"
#: CI checks shared/ out beside the repository clone
SEED_FILE = Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_0da37259df4ed078.txt"


@pytest.fixture(scope="module")
def gold() -> dict[str, list[dict]]:
    """Every split compiled and validated; compile_sources raises SystemExit listing all problems."""
    return compile_sources(ROOT / "gold_src", with_records=False)


def all_docs(gold: dict[str, list[dict]]) -> list[dict]:
    return [doc for split in SPLITS for doc in gold[split]]


def test_every_split_has_documents(gold):
    for split in SPLITS:
        assert gold[split], f"split {split!r} has no gold documents: add a '# split: {split}' source"


def test_seed_is_in_the_gold_set(gold):
    ids = {doc["id"] for doc in all_docs(gold)}
    assert SEED_ID in ids, f"{SEED_ID} missing from corpus/gold_src"


def test_seed_text_equals_shared_seed_byte_for_byte(gold):
    if not SEED_FILE.exists():
        pytest.skip(f"shared seed not found at {SEED_FILE} (CI puts shared/ beside the repository clone)")
    seed = next(doc for doc in all_docs(gold) if doc["id"] == SEED_ID)
    expected = SEED_FILE.read_text(encoding="utf-8")
    if seed["text"] != expected:
        at = len(commonprefix([seed["text"], expected]))
        pytest.fail(
            f"seed text differs from {SEED_FILE} at character {at}: "
            f"{seed['text'][at : at + 20]!r} vs {expected[at : at + 20]!r}"
        )


def test_document_ids_are_unique_across_splits(gold):
    seen: dict[str, str] = {}
    for split in SPLITS:
        for doc in gold[split]:
            assert doc["id"] not in seen, f"id {doc['id']!r} is in both {seen[doc['id']]} and {split}"
            seen[doc["id"]] = split


def test_no_text_is_shared_between_documents(gold):
    seen: dict[str, str] = {}
    for split in SPLITS:
        for doc in gold[split]:
            key = doc["text"].strip()
            assert key not in seen, f"{doc['id']} ({split}) has the same text as {seen[key]}"
            seen[key] = f"{doc['id']} ({split})"


def test_every_stage_is_counted_by_a_figure(gold):
    """GUIDELINES: a STAGE is marked only where a COUNT or MONEY counts projects at that stage."""
    for doc in all_docs(gold):
        linked = {rel["tail"] for rel in doc["relations"] if rel["label"] == "stage"}
        for i, ent in enumerate(doc["entities"]):
            if ent["label"] == "STAGE":
                span = doc["text"][ent["start"] : ent["end"]]
                assert i in linked, f"{doc['id']}: STAGE {span!r} at {ent['start']} has no stage relation"


def test_only_part_of_crosses_a_sentence(gold):
    """Spec section 4: relations hold within one sentence; part_of may also join a total to the breakdown after it."""
    for doc in all_docs(gold):
        starts = [start for start, _ in sentence_spans(doc["text"])]
        ents = doc["entities"]
        for rel in doc["relations"]:
            head, tail = ents[rel["head"]], ents[rel["tail"]]
            if rel["label"] == "part_of":
                continue
            assert bisect_right(starts, head["start"]) == bisect_right(starts, tail["start"]), (
                f"{doc['id']}: {rel['label']} from {doc['text'][head['start'] : head['end']]!r} at {head['start']} "
                f"to {doc['text'][tail['start'] : tail['end']]!r} at {tail['start']} crosses a sentence boundary"
            )
