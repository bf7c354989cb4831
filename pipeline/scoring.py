"""Score predicted documents against a gold set exactly as spec section 6 defines it.

Everything is counted as multisets per document and summed over documents (micro): a
predicted span or tuple that appears twice where the gold has it once is one hit and one
spurious item. Each document's matches are kept (`DocumentComparison`) so the error report
and the bootstrap read the same numbers as the headline scores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.io import CorpusError, iter_jsonl
from pipeline.schema import ENTITY_LABELS, RELATION_LABELS

EntityKey = tuple[int, int, str]  # (start, end, label)
RelationKey = tuple[tuple[int, int], tuple[int, int], str]  # (head span, tail span, label)
#: the micro scores the bootstrap and the comparison table report
HEADLINE_METRICS: tuple[str, ...] = (
    "entities",
    "relations_end_to_end",
    "relations_given_entities",
    "records_strict",
    "records_core",
)


class PredictionError(ValueError):
    """Predictions that cannot be scored against the gold; the message lists every problem."""


@dataclass
class Match:
    """One multiset comparison: what was found, missed (in gold only) and spurious (predicted only)."""

    hit: Counter = field(default_factory=Counter)
    missed: Counter = field(default_factory=Counter)
    spurious: Counter = field(default_factory=Counter)

    @classmethod
    def of(cls, gold: Iterable[Hashable], pred: Iterable[Hashable]) -> Match:
        gold_c, pred_c = Counter(gold), Counter(pred)
        return cls(hit=gold_c & pred_c, missed=gold_c - pred_c, spurious=pred_c - gold_c)

    def counts(self, keep: Callable[[Hashable], bool] = lambda _: True) -> tuple[int, int, int]:
        """(true positives, false positives, false negatives), optionally for the keys `keep` admits."""
        return tuple(sum(n for k, n in c.items() if keep(k)) for c in (self.hit, self.spurious, self.missed))


@dataclass
class DocumentComparison:
    """Gold and prediction of one document side by side, with every multiset match kept."""

    gold: dict
    pred: dict
    entities: Match
    relations: Match
    relations_given: Match | None  # None when no relation prediction on gold entities was made
    records_strict: Match
    records_core: Match
    gold_records: list[dict]
    pred_records: list[dict]

    def headline_counts(self) -> dict[str, tuple[int, int, int] | None]:
        given = self.relations_given.counts() if self.relations_given is not None else None
        return {
            "entities": self.entities.counts(),
            "relations_end_to_end": self.relations.counts(),
            "relations_given_entities": given,
            "records_strict": self.records_strict.counts(),
            "records_core": self.records_core.counts(),
        }


def prf(tp: int, fp: int, fn: int) -> dict[str, float | int]:
    """Precision, recall, F1 and the counts behind them.

    Nothing to find and nothing predicted is a perfect score (a gold set without relations is
    matched by predicting none); otherwise an empty denominator gives 0.
    """
    p = tp / (tp + fp) if tp + fp else float(fn == 0)
    r = tp / (tp + fn) if tp + fn else float(fp == 0)
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"p": p, "r": r, "f": f, "tp": tp, "fp": fp, "fn": fn}


def entity_keys(doc: dict) -> list[EntityKey]:
    """The scored entities of a document: the spec's seven labels (PERIOD and unknown labels are not scored)."""
    return [(e["start"], e["end"], e["label"]) for e in doc.get("entities", []) if e["label"] in ENTITY_LABELS]


def relation_keys(doc: dict) -> list[RelationKey]:
    """Relations as (head span, tail span, label): indices differ between gold and prediction, spans do not."""
    ents = doc.get("entities", [])
    keys = []
    for rel in doc.get("relations", []):
        head, tail = ents[rel["head"]], ents[rel["tail"]]
        keys.append(((head["start"], head["end"]), (tail["start"], tail["end"]), rel["label"]))
    return keys


def document_records(doc: dict) -> list[dict]:
    """The document's stored records, or those the record builder derives from its entities and relations."""
    if "records" in doc:
        return doc["records"]
    from pipeline.records import build_records

    return build_records(doc)


def record_tuple_multisets(records: Sequence[dict]) -> tuple[list[tuple], list[tuple]]:
    """All strict and all core tuples (spec section 6) of a document's records."""
    from pipeline.records import core_tuples, record_tuples

    strict = [t for rec in records for t in record_tuples(rec)]
    core = [t for rec in records for t in core_tuples(rec)]
    return strict, core


def compare_document(gold: dict, pred: dict, given: dict | None = None) -> DocumentComparison:
    """Compare one predicted document (and optionally its relations predicted on gold entities) with gold."""
    gold_records, pred_records = document_records(gold), document_records(pred)
    gold_strict, gold_core = record_tuple_multisets(gold_records)
    pred_strict, pred_core = record_tuple_multisets(pred_records)
    gold_rel = relation_keys(gold)
    return DocumentComparison(
        gold=gold,
        pred=pred,
        entities=Match.of(entity_keys(gold), entity_keys(pred)),
        relations=Match.of(gold_rel, relation_keys(pred)),
        relations_given=Match.of(gold_rel, relation_keys(given)) if given is not None else None,
        records_strict=Match.of(gold_strict, pred_strict),
        records_core=Match.of(gold_core, pred_core),
        gold_records=gold_records,
        pred_records=pred_records,
    )


def read_predictions(path: str | Path) -> tuple[list[dict], list[str]]:
    """Predicted documents of a JSONL file: `python -m pipeline annotate` output or spec documents.

    Annotate writes `{"id", "entities", "relations", "records"}` without the text (alignment takes it
    from the gold) and `{"id", "error"}` for a document it could not process: that one is scored as an
    empty prediction and its error is returned, so a failure counts against the system, not for it.
    Malformed lines raise CorpusError with every problem.
    """
    docs, failures, problems = [], [], []
    for line_no, obj, error in iter_jsonl(path):
        where = f"{path}:{line_no}"
        if error or not isinstance(obj, dict) or not isinstance(obj.get("id", obj.get("text")), (str, int)):
            problems.append(f"{where}: {error or 'expected a JSON object with an id (or a text)'}")
        elif "error" in obj:
            failures.append(f"{where}: {obj['error']}")
            docs.append({"id": obj.get("id"), "entities": [], "relations": [], "records": []})
        else:
            docs.append(obj)
    if problems:
        raise CorpusError(problems)
    return docs, failures


def align_predictions(gold_docs: Sequence[dict], pred_docs: Sequence[dict], source: str = "predictions") -> list[dict]:
    """Order predicted documents like the gold: by id, else by identical text; a missing text is the gold's.

    Raises PredictionError naming every gold document without a prediction, whose prediction was made on
    a different text (its offsets would not mean the same characters) or has offsets or relation
    indices that do not fit. Duplicate spans are allowed: the scorer counts them as spurious.
    """
    by_id = {str(d["id"]): d for d in pred_docs if d.get("id") is not None}
    by_text = {d["text"]: d for d in pred_docs if "text" in d}
    aligned, problems = [], []
    for i, gold in enumerate(gold_docs):
        name = str(gold.get("id", f"#{i}"))
        pred = by_id.get(name) or by_text.get(gold["text"])
        if pred is None:
            problems.append(f"{source}: no prediction for gold document {name!r} (match by id or identical text)")
            continue
        pred = {**pred, "text": pred.get("text", gold["text"])}
        if pred["text"] != gold["text"]:
            problems.append(f"{source}: document {name!r} was predicted on a different text than the gold's")
            continue
        doc_problems = structure_problems(pred)
        problems += [f"{source}: document {name!r}: {p}" for p in doc_problems]
        if not doc_problems:
            aligned.append(pred)
    if problems:
        raise PredictionError("\n".join(problems))
    return aligned


def structure_problems(doc: dict) -> list[str]:
    """What would make a prediction unscorable: spans outside the text, relations not indexing entities."""
    problems, n_text = [], len(doc["text"])
    entities, relations = doc.get("entities", []), doc.get("relations", [])
    for i, e in enumerate(entities):
        if not (
            isinstance(e.get("start"), int) and isinstance(e.get("end"), int) and 0 <= e["start"] < e["end"] <= n_text
        ):
            problems.append(f"entity {i}: offsets {e.get('start')}-{e.get('end')} do not fit a text of {n_text}")
        if not isinstance(e.get("label"), str):
            problems.append(f"entity {i}: label missing")
    for i, r in enumerate(relations):
        if not all(isinstance(r.get(k), int) and 0 <= r[k] < len(entities) for k in ("head", "tail")):
            problems.append(f"relation {i}: head/tail {r.get('head')}/{r.get('tail')} do not index the entities")
    return problems


def compare_documents(
    gold_docs: Sequence[dict], pred_docs: Sequence[dict], given_docs: Sequence[dict] | None = None
) -> list[DocumentComparison]:
    """Compare aligned gold and predicted documents (same order, same texts)."""
    if len(gold_docs) != len(pred_docs) or (given_docs is not None and len(given_docs) != len(gold_docs)):
        raise ValueError("gold and predicted document lists differ in length; align them with align_predictions")
    givens = given_docs if given_docs is not None else [None] * len(gold_docs)
    return [compare_document(g, p, gv) for g, p, gv in zip(gold_docs, pred_docs, givens, strict=True)]


def summarize(comparisons: Sequence[DocumentComparison]) -> dict:
    """The issue-5 JSON: entity, relation and record scores summed over documents."""

    def total(pick: Callable[[DocumentComparison], Match], keep: Callable = lambda _: True) -> tuple[int, int, int]:
        sums = np.zeros(3, dtype=int)
        for comp in comparisons:
            sums += pick(comp).counts(keep)
        return tuple(int(x) for x in sums)

    def per_label(pick: Callable[[DocumentComparison], Match], labels: Sequence[str]) -> dict[str, dict]:
        out = {}
        for label in labels:
            tp, fp, fn = total(pick, lambda k, label=label: k[-1] == label)
            if tp + fp + fn:
                out[label] = prf(tp, fp, fn) | {"support": tp + fn}
        return out

    ent_labels = per_label(lambda c: c.entities, ENTITY_LABELS)
    rel_labels = per_label(lambda c: c.relations, RELATION_LABELS)
    has_given = bool(comparisons) and all(c.relations_given is not None for c in comparisons)
    return {
        "documents": len(comparisons),
        "entities": {
            "micro": prf(*total(lambda c: c.entities)),
            "macro": macro(ent_labels),
            "per_label": ent_labels,
        },
        "relations": {
            "given_entities": prf(*total(lambda c: c.relations_given)) if has_given else None,
            "end_to_end": prf(*total(lambda c: c.relations)),
            "macro": macro(rel_labels),
            "per_label": rel_labels,
        },
        "records": {
            "strict": prf(*total(lambda c: c.records_strict)),
            "core": prf(*total(lambda c: c.records_core)),
        },
    }


def macro(per_label: dict[str, dict]) -> dict[str, float]:
    """Unweighted mean of the per-label scores, over the labels that occur in gold or prediction."""
    if not per_label:
        return {"p": 1.0, "r": 1.0, "f": 1.0}
    return {k: float(np.mean([s[k] for s in per_label.values()])) for k in ("p", "r", "f")}


def score_documents(
    gold_docs: Sequence[dict], pred_docs: Sequence[dict], given_docs: Sequence[dict] | None = None
) -> dict:
    """Score predictions against gold (spec section 6); `given_docs` hold relations predicted on gold entities.

    Predictions are matched to gold documents by id or text; records missing from a document are
    built from its entities and relations by the record builder.
    """
    pred = align_predictions(gold_docs, pred_docs)
    given = align_predictions(gold_docs, given_docs, "relations on gold entities") if given_docs is not None else None
    return summarize(compare_documents(gold_docs, pred, given))


def bootstrap_ci(
    comparisons: Sequence[DocumentComparison], resamples: int = 1000, seed: int = 0, level: float = 0.95
) -> dict[str, tuple[float, float] | None]:
    """Percentile confidence intervals of each headline micro-F1, resampling documents with replacement."""
    rng = np.random.default_rng(seed)
    n = len(comparisons)
    draws = rng.integers(0, n, size=(resamples, n)) if n else None
    per_doc = [c.headline_counts() for c in comparisons]
    out: dict[str, tuple[float, float] | None] = {}
    for metric in HEADLINE_METRICS:
        if draws is None or any(d[metric] is None for d in per_doc):
            out[metric] = None
            continue
        counts = np.array([d[metric] for d in per_doc], dtype=float)  # (n_docs, 3): tp, fp, fn
        tp, fp, fn = counts[draws].sum(axis=1).T
        denom = 2 * tp + fp + fn
        f1 = np.divide(2 * tp, denom, out=np.ones_like(denom), where=denom > 0)  # same F1 as prf()
        tail = (1 - level) / 2 * 100
        lo, hi = np.percentile(f1, [tail, 100 - tail])
        out[metric] = (float(lo), float(hi))
    return out


def headline_f1(scores: dict) -> dict[str, float | None]:
    """The five micro-F1 values of a `summarize` result, keyed like HEADLINE_METRICS."""
    given = scores["relations"]["given_entities"]
    return {
        "entities": scores["entities"]["micro"]["f"],
        "relations_end_to_end": scores["relations"]["end_to_end"]["f"],
        "relations_given_entities": given["f"] if given else None,
        "records_strict": scores["records"]["strict"]["f"],
        "records_core": scores["records"]["core"]["f"],
    }


def predict_documents(
    system: object, gold_docs: Sequence[dict], batch_size: int = 8
) -> tuple[list[dict], list[dict] | None]:
    """Run a system (Extractor or RuleBaseline) on the gold texts.

    Returns predicted documents and, when the system has `predict_relations`, documents holding
    the gold entities with the relations it predicts for them (the relation model alone).
    """
    texts = [d["text"] for d in gold_docs]
    predicted = system.predict(texts, batch_size=batch_size)
    pred_docs = [
        {"id": g.get("id"), "text": g["text"], "entities": p["entities"], "relations": p["relations"]}
        for g, p in zip(gold_docs, predicted, strict=True)
    ]
    if not hasattr(system, "predict_relations"):
        return pred_docs, None
    gold_entities = [[e for e in g["entities"] if e["label"] in ENTITY_LABELS] for g in gold_docs]
    relations = system.predict_relations(texts, gold_entities)
    given_docs = [
        {"id": g.get("id"), "text": g["text"], "entities": ents, "relations": rels}
        for g, ents, rels in zip(gold_docs, gold_entities, relations, strict=True)
    ]
    return pred_docs, given_docs
