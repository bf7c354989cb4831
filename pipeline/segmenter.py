"""Word segmentation for the spaCy pipeline: character tokens, or a pkuseg model trained on our own corpus.

No pretrained pkuseg model can be downloaded here, so the project trains one. Its training data
keeps every annotated entity span as one word (so the segmenter learns not to cut through
"102.2亿元" or "淮安经济技术开发区"); the rest of the text is segmented by forward maximum matching
against the word list that ships inside spacy-pkuseg. Token boundaries never decide entity
offsets either way: the extractor works on characters and `pipeline.components` splits tokens
where an entity boundary falls inside one.
"""

from __future__ import annotations

import contextlib
import io
import json
import pickle
import random
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from pathlib import Path

SEGMENTERS: tuple[str, ...] = ("char", "pkuseg")
#: file written beside the pkuseg weights with the training statistics
STATS_FILE = "segmenter.json"
MAX_WORD = 6
_ASCII_RUN = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%]*")
_CJK_WORD = re.compile(rf"[\u4e00-\u9fff]{{2,{MAX_WORD}}}")


@lru_cache(maxsize=1)
def lexicon() -> frozenset[str]:
    """Multi-character Chinese words from the dictionary bundled with spacy-pkuseg (no download)."""
    import spacy_pkuseg

    path = Path(spacy_pkuseg.__file__).parent / "dicts" / "default.pkl"
    with open(path, "rb") as handle:
        words = pickle.load(handle).split("\n")
    return frozenset(w for w in words if _CJK_WORD.fullmatch(w))


def segment_plain(text: str, words: frozenset[str]) -> list[str]:
    """Forward maximum matching: longest dictionary word first, ASCII/digit runs whole, else one character."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i].isspace():
            i += 1
            continue
        run = _ASCII_RUN.match(text, i)
        if run:
            out.append(run.group())
            i = run.end()
            continue
        for size in range(min(MAX_WORD, len(text) - i), 1, -1):
            if text[i : i + size] in words:
                out.append(text[i : i + size])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return out


def protected_spans(entities: Iterable[dict]) -> list[tuple[int, int]]:
    """Entity spans to keep whole, longest first when they overlap, returned in text order."""
    taken: list[tuple[int, int]] = []
    for ent in sorted(entities, key=lambda e: (e["start"] - e["end"], e["start"])):
        if all(ent["end"] <= s or ent["start"] >= e for s, e in taken):
            taken.append((ent["start"], ent["end"]))
    return sorted(taken)


def segment_document(doc: dict, words: frozenset[str]) -> list[list[str]]:
    """One word list per line of the text; entity spans are single words (split only at white space)."""
    text = doc["text"]
    pieces: list[str] = []
    pos = 0
    for start, end in protected_spans(doc.get("entities", [])):
        pieces += _cut_lines(text[pos:start], lambda part: segment_plain(part, words))
        pieces += _cut_lines(text[start:end], str.split)
        pos = end
    pieces += _cut_lines(text[pos:], lambda part: segment_plain(part, words))
    lines: list[list[str]] = [[]]
    for piece in pieces:
        if piece == "\n":
            lines.append([])
        else:
            lines[-1].append(piece)
    return [line for line in lines if line]


def _cut_lines(text: str, cut: Callable[[str], list[str]]) -> list[str]:
    """Apply `cut` to each line of `text`, keeping the line breaks as "\\n" markers."""
    out: list[str] = []
    for i, line in enumerate(text.split("\n")):
        if i:
            out.append("\n")
        out.extend(cut(line))
    return out


def write_training_file(docs: Sequence[dict], path: Path, words: frozenset[str]) -> int:
    """Write pkuseg's format (one line of space-separated words per text line); return the line count."""
    n = 0
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            for line in segment_document(doc, words):
                handle.write(" ".join(line) + "\n")
                n += 1
    return n


def train_segmenter(
    docs: Sequence[dict], out_dir: str | Path, iterations: int = 5, dev_fraction: float = 0.1, seed: int = 0
) -> dict:
    """Train a pkuseg model on `docs` (spec documents with entities) into `out_dir`; return its statistics.

    The statistics include `entity_boundary_recall` on held-out documents: the share of entities
    whose start and end are token boundaries under the trained segmenter.
    """
    import spacy_pkuseg

    if len(docs) < 2:
        raise ValueError(f"need at least 2 documents to train a segmenter (train + dev), got {len(docs)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    order = list(docs)
    random.Random(seed).shuffle(order)
    n_dev = max(1, int(len(order) * dev_fraction))
    dev, train = order[:n_dev], order[n_dev:]
    words = lexicon()
    with tempfile.TemporaryDirectory() as tmp:
        train_file, dev_file = Path(tmp) / "train.txt", Path(tmp) / "dev.txt"
        n_train = write_training_file(train, train_file, words)
        n_dev_lines = write_training_file(dev, dev_file, words)
        log = io.StringIO()
        with contextlib.redirect_stdout(log):
            spacy_pkuseg.train(str(train_file), str(dev_file), str(out_dir), train_iter=iterations)
    seg = spacy_pkuseg.pkuseg(str(out_dir), user_dict=None)
    stats = {
        "documents": {"train": len(train), "dev": len(dev)},
        "lines": {"train": n_train, "dev": n_dev_lines},
        "iterations": iterations,
        "entity_boundary_recall": entity_boundary_recall(seg.cut, dev),
    }
    (out_dir / STATS_FILE).write_text(json.dumps(stats, indent=1), encoding="utf-8")
    return stats


def token_boundaries(text: str, words: Sequence[str]) -> set[int]:
    """Character offsets where tokens start or end, for words cut from `text` in order."""
    bounds: set[int] = set()
    pos = 0
    for word in words:
        pos = text.index(word, pos)
        bounds.update((pos, pos + len(word)))
        pos += len(word)
    return bounds


def entity_boundary_recall(cut, docs: Sequence[dict]) -> float | None:
    """Share of entities whose both ends fall on token boundaries of `cut` (None without entities)."""
    kept = total = 0
    for doc in docs:
        bounds = token_boundaries(doc["text"], cut(doc["text"]))
        for ent in doc.get("entities", []):
            total += 1
            kept += ent["start"] in bounds and ent["end"] in bounds
    return round(kept / total, 4) if total else None


def make_tokenizer_nlp(segmenter: str = "char", pkuseg_model: str | Path | None = None):
    """A blank Chinese spaCy pipeline whose tokenizer uses `segmenter` ('char' or 'pkuseg')."""
    import spacy

    if segmenter not in SEGMENTERS:
        raise ValueError(f"unknown segmenter {segmenter!r}: use one of {', '.join(SEGMENTERS)}")
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": segmenter}}})
    if segmenter == "pkuseg":
        nlp.tokenizer.pkuseg_seg = load_pkuseg(pkuseg_model)
    return nlp


def load_pkuseg(model_dir: str | Path | None):
    """Load a project-trained pkuseg model without the stock user dictionary (it would merge across entities)."""
    import spacy_pkuseg

    if model_dir is None or not (Path(model_dir) / "weights.npz").exists():
        raise FileNotFoundError(
            f"no pkuseg model at {model_dir}: train one with "
            "`python -m pipeline train-segmenter --corpus CORPUS.jsonl --out DIR`"
        )
    seg = spacy_pkuseg.pkuseg(str(model_dir), user_dict=None)
    # without a dictionary pkuseg leaves these unset, but spaCy's tokenizer serialises them
    seg.postprocesser.common_words, seg.postprocesser.other_words = set(), set()
    return seg
