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
from models.features import LEXICON_NONE, candidate_pairs, pair_features
from models.windows import training_chunks
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


def load_corpus(entries: list[str], known_labels: list[str], ignore_labels: list[str],
                repeat: list[int] | None = None) -> list[dict]:
    """All documents of `entries` (entry k `repeat[k]` times, default once), ignored labels removed;
    CorpusError listing every entity whose label the model does not know."""
    docs: list[dict] = []
    problems: list[str] = []
    ignore, known = set(ignore_labels), set(known_labels)
    for k, entry in enumerate(entries):
        try:
            loaded = read_docs(entry)
        except CorpusError as err:
            problems.extend(err.problems)
            continue
        loaded = [drop_labels(doc, ignore) for doc in loaded]
        for n, doc in enumerate(loaded, 1):
            for i, ent in enumerate(doc["entities"]):
                if ent["label"] not in known:
                    problems.append(
                        f"{entry}: document {doc.get('id', n)!r}: entity {i} has label {ent['label']!r}, which the "
                        f"model does not know (it knows {', '.join(known_labels)}); add the label to [model] "
                        "entity_labels and train from scratch, or list it in [training] ignore_labels")
        docs.extend(loaded * (repeat[k] if repeat and k < len(repeat) else 1))
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
    chunks: int = 0
    pairs_across_chunks: int = 0

    def describe(self) -> str:
        covered = 1 - self.relations_outside_candidates / max(self.relations, 1)
        return (f"{self.documents} documents → {self.chunks} chunks of {self.windows} windows; {self.entities} "
                f"entities ({self.overlapping_entities} overlapping ones dropped); {self.relations} relations, "
                f"{covered:.1%} inside the candidate pairs ({self.candidate_pairs} candidates), "
                f"{self.pairs_across_chunks} across chunk edges (not trained)")


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


def featurize(model: Extractor, docs: list[dict], chunk_windows: int) -> tuple[Dataset, FeaturizeStats]:
    """Training chunks of `docs` as a Dataset (one row a chunk of windows, see windows.training_chunks), with
    gold tags of the owned range and its entities and candidate pairs."""
    cfg, n_labels = model.cfg, len(model.entity_labels)
    rows: dict[str, list] = {k: [] for k in ("ids", "win_start", "win_end", "own_start", "own_end", "tags", "lexicon",
                                             "ent_start", "ent_end", "ent_label", "ent_context", "ent_context_end",
                                             "ent_target", "pair_head", "pair_tail", "pair_label", "pair_dist",
                                             "pair_gap", "pair_between", "pair_list")}
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
                                       model.gap_limits)
        feats = pair_features(arr[:, :2], arr[:, 2], sent, heads, tails, n_labels, model.max_gap, prep.norm.text)
        candidates = set(zip(heads.tolist(), tails.tolist(), strict=True))
        stats.relations += len(doc.get("relations", []))
        stats.relations_outside_candidates += sum(1 for pair in gold if pair not in candidates)
        stats.relations_outside_candidates += len(doc.get("relations", [])) - len(gold)
        stats.candidate_pairs += len(heads)
        tags = model.scheme.encode(len(prep.ids), [e[:3] for e in ents])
        chunks = training_chunks(len(prep.ids), model.window, model.stride, chunk_windows, [e[:2] for e in ents])
        for windows, start, end in chunks:
            base = windows[0][0]
            inside = [k for k, e in enumerate(ents) if start <= e[0] and e[1] <= end]
            local = {k: n for n, k in enumerate(inside)}
            pair_list = list(zip(heads.tolist(), tails.tolist(), strict=True))
            pairs = [p for p, (h, t) in enumerate(pair_list) if h in local and t in local]
            stats.pairs_across_chunks += sum((h, t) in gold and h in local and t not in local for h, t in pair_list)
            rows["ids"].append(prep.ids[base : windows[-1][1]].tolist())
            rows["win_start"].append([s - base for s, _ in windows])
            rows["win_end"].append([e - base for _, e in windows])
            rows["own_start"].append(start - base)
            rows["own_end"].append(end - base)
            rows["tags"].append(tags[start:end].tolist())
            rows["lexicon"].append(prep.lexicon[start:end].tolist() if prep.lexicon is not None else [])
            rows["ent_start"].append([ents[k][0] - start for k in inside])
            rows["ent_end"].append([ents[k][1] - start for k in inside])
            rows["ent_label"].append([ents[k][2] for k in inside])
            rows["ent_context"].append([max(int(prep.sentence_starts[ents[k][0]]), start) - start for k in inside])
            rows["ent_context_end"].append([min(int(prep.sentence_ends[ents[k][0]]), end) - start for k in inside])
            rows["ent_target"].append([ents[k][3] for k in inside])
            rows["pair_head"].append([local[int(heads[p])] for p in pairs])
            rows["pair_tail"].append([local[int(tails[p])] for p in pairs])
            rows["pair_label"].append([gold.get((int(heads[p]), int(tails[p])), 0) for p in pairs])
            rows["pair_dist"].append([int(feats["dist"][p]) for p in pairs])
            rows["pair_gap"].append([int(feats["gap"][p]) for p in pairs])
            rows["pair_between"].append(feats["between"][pairs].reshape(-1).tolist())
            rows["pair_list"].append([int(feats["lists"][p]) for p in pairs])
            stats.windows += len(windows)
            stats.chunks += 1
    return Dataset.from_dict(rows), stats


def batches(window_counts: list[int], order: list[int], batch_windows: int) -> list[list[int]]:
    """Consecutive groups of `order` (row indices) holding about `batch_windows` windows each."""
    out, current, size = [], [], 0
    for row in order:
        current.append(row)
        size += window_counts[row]
        if size >= batch_windows:
            out.append(current)
            current, size = [], 0
    if current:
        out.append(current)
    return out


def collate(rows: dict[str, list], n_labels: int) -> dict:
    """A column slice of the chunks dataset → the batch dict Extractor.loss reads."""
    windows, chunks = [], []
    for ids, starts, ends, own_start, own_end in zip(rows["ids"], rows["win_start"], rows["win_end"],
                                                    rows["own_start"], rows["own_end"], strict=True):
        ids = np.asarray(ids, dtype=np.int64)
        chunks.append((len(windows), list(zip(starts, ends, strict=True)), own_start, own_end))
        windows.extend(ids[s:e] for s, e in zip(starts, ends, strict=True))
    lengths = [len(t) for t in rows["tags"]]
    width = max(lengths)
    n = len(lengths)
    tags = torch.zeros((n, width), dtype=torch.long)
    mask = torch.zeros((n, width), dtype=torch.bool)
    for b, t in enumerate(rows["tags"]):
        tags[b, : len(t)] = torch.tensor(t, dtype=torch.long)
        mask[b, : len(t)] = True
    lexicon = torch.tensor([x for lex in rows["lexicon"] for x in lex], dtype=torch.long)
    starts, ends, labels, contexts, context_ends, targets, heads, tails, gold, dist, gap, between, lists = (
        [] for _ in range(13))
    offset = entity_base = 0
    for b in range(n):
        starts += [offset + s for s in rows["ent_start"][b]]
        ends += [offset + e for e in rows["ent_end"][b]]
        labels += rows["ent_label"][b]
        contexts += [offset + c for c in rows["ent_context"][b]]
        context_ends += [offset + c for c in rows["ent_context_end"][b]]
        targets += rows["ent_target"][b]
        heads += [entity_base + h for h in rows["pair_head"][b]]
        tails += [entity_base + t for t in rows["pair_tail"][b]]
        gold += rows["pair_label"][b]
        dist += rows["pair_dist"][b]
        gap += rows["pair_gap"][b]
        between += rows["pair_between"][b]
        lists += rows["pair_list"][b]
        entity_base += len(rows["ent_start"][b])
        offset += lengths[b]
    long = lambda xs: torch.tensor(xs, dtype=torch.long)  # noqa: E731
    target_arr = np.asarray(targets, dtype=np.int64)
    target_rows = np.flatnonzero(target_arr >= 0)
    return {
        "windows": windows,
        "chunks": chunks,
        "tags": tags,
        "tag_mask": mask,
        "lexicon": lexicon,
        "entities": EntityBatch(long(starts), long(ends), long(labels), long(contexts), long(context_ends)),
        "target_rows": torch.from_numpy(target_rows),
        "target_gold": torch.from_numpy(target_arr[target_rows].astype(np.float32)),
        "pairs": PairBatch(long(heads), long(tails), long(dist), long(gap), long(between).reshape(-1, n_labels),
                           long(lists)),
        "relation_gold": long(gold),
    }


def drop_lexicon(batch: dict, rate: float) -> dict:
    """Hide the gazetteer feature from whole training chunks at `rate` (torch's seeded RNG), so that names
    the gazetteer lacks (new zones, renamed districts) are still found from their context."""
    lengths = batch["tag_mask"].sum(1)
    if rate <= 0 or len(batch["lexicon"]) != int(lengths.sum()):
        return batch
    keep = torch.repeat_interleave(torch.rand(len(lengths)) >= rate, lengths)
    return {**batch, "lexicon": torch.where(keep, batch["lexicon"], torch.full_like(batch["lexicon"], LEXICON_NONE))}
