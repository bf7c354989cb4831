"""Corpus loading and featurisation for training: documents → overlapping training windows (a
`datasets.Dataset`) → padded batches for ``Extractor.loss``.

Corpus files are validated whole by pipeline.io (every problem reported with file and line) and
then checked against the labels the model knows, so a corpus with a label the model cannot learn is
refused before any training time is spent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from datasets import Dataset

from models.extractor import EntityBatch, Extractor, PairBatch
from models.features import candidate_pairs, pair_features
from models.windows import training_windows
from pipeline.io import CorpusError, read_corpus
from pipeline.schema import RELATION_LABELS, TARGET_LABELS

#: corpus entries with this prefix are doccano JSONL exports; entries ending in .json are Label Studio exports
DOCCANO_PREFIX = "doccano:"


def read_docs(entry: str) -> list[dict]:
    """Documents of one corpus entry: spec JSONL, a Label Studio JSON export, or ``doccano:FILE``."""
    from pipeline.convert import read_exchange

    if entry.startswith(DOCCANO_PREFIX):
        return read_exchange(entry[len(DOCCANO_PREFIX):], "doccano")
    path = Path(entry)
    if not path.is_file():
        raise FileNotFoundError(f"{entry}: corpus file not found")
    if path.suffix == ".json":
        return read_exchange(path, "label-studio")
    return read_corpus(path)


def file_hash(entry: str) -> str:
    path = entry[len(DOCCANO_PREFIX):] if entry.startswith(DOCCANO_PREFIX) else entry
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def drop_labels(doc: dict, ignore: set[str]) -> dict:
    """The document without entities of the ignored labels (relations re-indexed, theirs dropped)."""
    keep = [i for i, e in enumerate(doc["entities"]) if e["label"] not in ignore]
    if len(keep) == len(doc["entities"]):
        return doc
    new_index = {old: new for new, old in enumerate(keep)}
    relations = [{**r, "head": new_index[r["head"]], "tail": new_index[r["tail"]]}
                 for r in doc.get("relations", []) if r["head"] in new_index and r["tail"] in new_index]
    return {**doc, "entities": [doc["entities"][i] for i in keep], "relations": relations}


def load_corpus(entries: list[str], known_labels: list[str], ignore_labels: list[str]) -> list[dict]:
    """All documents of `entries`, ignored labels removed; CorpusError listing every entity whose label the
    model does not know."""
    docs: list[dict] = []
    problems: list[str] = []
    ignore, known = set(ignore_labels), set(known_labels)
    for entry in entries:
        try:
            loaded = read_docs(entry)
        except CorpusError as err:
            problems.extend(err.problems)
            continue
        for n, doc in enumerate(loaded, 1):
            doc = drop_labels(doc, ignore)
            for k, ent in enumerate(doc["entities"]):
                if ent["label"] not in known:
                    problems.append(
                        f"{entry}: document {doc.get('id', n)!r}: entity {k} has label {ent['label']!r}, which the "
                        f"model does not know (it knows {', '.join(known_labels)}); add the label to [model] "
                        "entity_labels and train from scratch, or list it in [training] ignore_labels")
            docs.append(doc)
    if problems:
        raise CorpusError(problems)
    return docs


@dataclass
class FeaturizeStats:
    """What featurisation had to leave out, reported before training."""

    documents: int = 0
    windows: int = 0
    entities: int = 0
    overlapping_entities: int = 0
    relations: int = 0
    relations_outside_candidates: int = 0
    candidate_pairs: int = 0

    def describe(self) -> str:
        covered = 1 - self.relations_outside_candidates / max(self.relations, 1)
        return (f"{self.documents} documents → {self.windows} windows; {self.entities} entities "
                f"({self.overlapping_entities} overlapping ones dropped); {self.relations} relations, "
                f"{covered:.1%} inside the candidate pairs ({self.candidate_pairs} candidates)")


def _normalized_entities(model: Extractor, doc: dict, prep) -> tuple[list[tuple[int, int, int, int]], dict[int, int]]:
    """(start, end, label id, target) in normalised text, sorted, overlaps dropped; and original → sorted index."""
    spans = []
    for i, ent in enumerate(doc["entities"]):
        start, end = prep.norm.to_normalized_span(ent["start"], ent["end"])
        if end > start:
            target = int(bool(ent.get("attrs", {}).get("target"))) if ent["label"] in TARGET_LABELS else -1
            spans.append((start, end, model.entity_labels.index(ent["label"]), target, i))
    spans.sort()
    kept, index, last_end = [], {}, 0
    for start, end, label, target, i in spans:
        if start < last_end:
            continue
        index[i] = len(kept)
        kept.append((start, end, label, target))
        last_end = end
    return kept, index


def featurize(model: Extractor, docs: list[dict], window: int, stride: int) -> tuple[Dataset, FeaturizeStats]:
    """Training windows of `docs` as a Dataset (one row a window), with gold tags, entities and pairs."""
    cfg, n_labels = model.cfg, len(model.entity_labels)
    rows: dict[str, list] = {k: [] for k in ("ids", "tags", "lexicon", "ent_start", "ent_end", "ent_label",
                                             "ent_context", "ent_target", "pair_head", "pair_tail", "pair_label",
                                             "pair_dist", "pair_gap", "pair_between")}
    stats = FeaturizeStats(documents=len(docs))
    for doc in docs:
        prep = model.prepare(doc["text"])
        ents, index = _normalized_entities(model, doc, prep)
        stats.entities += len(doc["entities"])
        stats.overlapping_entities += len(doc["entities"]) - len(ents)
        arr = np.asarray([e[:3] for e in ents], dtype=np.int64).reshape(-1, 3)
        sent = prep.sentences[arr[:, 0]] if len(arr) else np.zeros(0, dtype=np.int64)
        gold = {}
        for rel in doc.get("relations", []):
            if rel["head"] in index and rel["tail"] in index:
                gold[(index[rel["head"]], index[rel["tail"]])] = 1 + RELATION_LABELS.index(rel["label"])
        heads, tails = candidate_pairs(arr[:, :2], arr[:, 2], sent, model.allowed, cfg.max_pair_distance,
                                       cfg.max_sentence_gap)
        feats = pair_features(arr[:, :2], arr[:, 2], sent, heads, tails, n_labels, cfg.max_sentence_gap)
        candidates = set(zip(heads.tolist(), tails.tolist()))
        stats.relations += len(doc.get("relations", []))
        stats.relations_outside_candidates += sum(1 for pair in gold if pair not in candidates)
        stats.relations_outside_candidates += len(doc.get("relations", [])) - len(gold)
        stats.candidate_pairs += len(heads)
        tags = model.scheme.encode(len(prep.ids), [e[:3] for e in ents])
        sentence_starts = np.flatnonzero(np.diff(prep.sentences)) + 1
        for start, end in training_windows(len(prep.ids), window, sentence_starts.tolist(), [e[:2] for e in ents]):
            inside = [k for k, e in enumerate(ents) if start <= e[0] and e[1] <= end]
            local = {k: n for n, k in enumerate(inside)}
            pairs = [p for p, (h, t) in enumerate(zip(heads.tolist(), tails.tolist())) if h in local and t in local]
            rows["ids"].append(prep.ids[start:end].tolist())
            rows["tags"].append(tags[start:end].tolist())
            rows["lexicon"].append(prep.lexicon[start:end].tolist() if prep.lexicon is not None else [])
            rows["ent_start"].append([ents[k][0] - start for k in inside])
            rows["ent_end"].append([ents[k][1] - start for k in inside])
            rows["ent_label"].append([ents[k][2] for k in inside])
            rows["ent_context"].append([max(int(prep.sentence_starts[ents[k][0]]), start) - start for k in inside])
            rows["ent_target"].append([ents[k][3] for k in inside])
            rows["pair_head"].append([local[int(heads[p])] for p in pairs])
            rows["pair_tail"].append([local[int(tails[p])] for p in pairs])
            rows["pair_label"].append([gold.get((int(heads[p]), int(tails[p])), 0) for p in pairs])
            rows["pair_dist"].append([int(feats["dist"][p]) for p in pairs])
            rows["pair_gap"].append([int(feats["gap"][p]) for p in pairs])
            rows["pair_between"].append(feats["between"][pairs].reshape(-1).tolist())
            stats.windows += 1
    return Dataset.from_dict(rows), stats


def collate(rows: dict[str, list], n_labels: int) -> dict:
    """A column slice of the windows dataset → the batch dict Extractor.loss reads."""
    windows = [np.asarray(ids, dtype=np.int64) for ids in rows["ids"]]
    width = max(len(w) for w in windows) + 1  # Extractor.encode keeps one slot after the last character
    n = len(windows)
    tags = torch.zeros((n, width), dtype=torch.long)
    mask = torch.zeros((n, width), dtype=torch.bool)
    lexicon = torch.zeros((n, width), dtype=torch.long)
    starts, ends, labels, contexts, targets, heads, tails, gold, dist, gap, between = ([] for _ in range(11))
    entity_base = 0
    for b in range(n):
        length = len(windows[b])
        tags[b, :length] = torch.tensor(rows["tags"][b])
        mask[b, :length] = True
        if rows["lexicon"][b]:
            lexicon[b, :length] = torch.tensor(rows["lexicon"][b])
        offset = b * width
        starts += [offset + s for s in rows["ent_start"][b]]
        ends += [offset + e for e in rows["ent_end"][b]]
        labels += rows["ent_label"][b]
        contexts += [offset + c for c in rows["ent_context"][b]]
        targets += rows["ent_target"][b]
        heads += [entity_base + h for h in rows["pair_head"][b]]
        tails += [entity_base + t for t in rows["pair_tail"][b]]
        gold += rows["pair_label"][b]
        dist += rows["pair_dist"][b]
        gap += rows["pair_gap"][b]
        between += rows["pair_between"][b]
        entity_base += len(rows["ent_start"][b])
    long = lambda xs: torch.tensor(xs, dtype=torch.long)  # noqa: E731
    target_arr = np.asarray(targets, dtype=np.int64)
    target_rows = np.flatnonzero(target_arr >= 0)
    return {
        "windows": windows,
        "tags": tags,
        "tag_mask": mask,
        "lexicon": lexicon,
        "entities": EntityBatch(long(starts), long(ends), long(labels), long(contexts)),
        "target_rows": torch.from_numpy(target_rows),
        "target_gold": torch.from_numpy(target_arr[target_rows].astype(np.float32)),
        "pairs": PairBatch(long(heads), long(tails), long(dist), long(gap), long(between).reshape(-1, n_labels)),
        "relation_gold": long(gold),
    }
