"""Document features shared by training and inference: sentence ids, relation candidates and their
pair features, and optional gazetteer (lexicon) matches.

Everything here works in normalised-text coordinates; gold spans come in through
``Normalized.to_normalized_span`` and predictions leave through ``to_original_span``.
"""

from __future__ import annotations

import hashlib

import numpy as np

from models.heads import BETWEEN_CAP, distance_bucket
from pipeline.schema import RELATION_LABELS, relations_for_pair

#: characters that end a sentence in normalised text (full-width forms already folded to ASCII)
SENTENCE_END = frozenset("。！？!?\n")


def sentence_ids(text: str) -> np.ndarray:
    """Sentence number of every character: a run of sentence-ending characters or line breaks closes
    a sentence (GUIDELINES: 。！？!? or a paragraph break; PDF breaks were joined by normalisation)."""
    is_end = np.fromiter((ch in SENTENCE_END for ch in text), dtype=bool, count=len(text))
    closes = is_end.copy()
    closes[:-1] &= ~is_end[1:]  # only the last character of a run closes the sentence
    ids = np.zeros(len(text), dtype=np.int64)
    ids[1:] = np.cumsum(closes[:-1])
    return ids


def allowed_relation_mask(labels: list[str]) -> np.ndarray:
    """(labels, labels, 1 + relations) bool: which outputs the relation head may give a typed pair
    (column 0, 'none', always)."""
    mask = np.zeros((len(labels), len(labels), 1 + len(RELATION_LABELS)), dtype=bool)
    mask[:, :, 0] = True
    for h, head in enumerate(labels):
        for t, tail in enumerate(labels):
            for rel in relations_for_pair(head, tail):
                mask[h, t, 1 + RELATION_LABELS.index(rel)] = True
    return mask


def sentence_gap_limits(labels: list[str], max_gap: int, part_of_gap: int | None = None) -> np.ndarray:
    """(labels, labels) int: how many sentences apart the two entities of a typed pair may be.

    A part can come more sentences after its whole than other links reach (`…项目286项…。全市实际到位…。其中，
    10亿元以上项目52项`): COUNT pairs, whose one relation is part_of, may be `part_of_gap` sentences apart."""
    limits = np.full((len(labels), len(labels)), max_gap, dtype=np.int64)
    if part_of_gap is not None and "COUNT" in labels:
        count = labels.index("COUNT")
        limits[count, count] = part_of_gap
    return limits


def candidate_pairs(spans: np.ndarray, labels: np.ndarray, sentences: np.ndarray, allowed: np.ndarray,
                    max_distance: int, gap_limits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(head, tail) entity indices worth scoring: a relation is allowed between their types, they are at
    most `max_distance` characters apart and at most as many sentences apart as `gap_limits` allows their
    types (sentence_gap_limits).

    `spans` are sorted and do not overlap, so the k-th next entity is farther than the (k-1)-th: pairs are
    collected by offset k until no pair is close enough, in time linear in the number of candidates.
    """
    n = len(spans)
    heads, tails = [], []
    for k in range(1, n):
        left, right = np.arange(n - k), np.arange(k, n)
        near = spans[right, 0] - spans[left, 1] <= max_distance
        if not near.any():
            break
        left, right = left[near], right[near]
        keep = np.abs(sentences[left] - sentences[right]) <= gap_limits[labels[left], labels[right]]
        left, right = left[keep], right[keep]
        for h, t in ((left, right), (right, left)):
            typed = allowed[labels[h], labels[t], 1:].any(1)
            heads.append(h[typed])
            tails.append(t[typed])
    if not heads:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    heads_arr, tails_arr = np.concatenate(heads), np.concatenate(tails)
    order = np.lexsort((tails_arr, heads_arr))
    return heads_arr[order], tails_arr[order]


#: what joins two items of one list (石狮市、惠安县; 29个、23个; 工业和服务业)
LIST_JOINERS = frozenset("、和及与")
#: how two entities of a pair sit in lists (RelationHead's list feature)
LIST_NONE, LIST_SAME_POSITION, LIST_SAME_POSITION_OTHER_LENGTH, LIST_OTHER_POSITION, LIST_ONE_SIDE = range(5)
N_LIST_RELATIONS = LIST_ONE_SIDE + 1


def list_positions(text: str, spans: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Position of every entity in its list and the list's length (0 and 1 outside a list).

    A list is a run of entities of one label joined only by 、/和/及/与 (石狮市、惠安县 … 29个、23个): a
    `分别` sentence pairs the k-th district with the k-th figure, at any list length.
    """
    n = len(spans)
    position = np.zeros(n, dtype=np.int64)
    for i in range(1, n):
        gap = text[spans[i - 1, 1] : spans[i, 0]]
        if labels[i] == labels[i - 1] and len(gap) == 1 and gap in LIST_JOINERS:
            position[i] = position[i - 1] + 1
    length = position + 1  # right for the last item of each list; earlier items take it from the next one
    for i in range(n - 2, -1, -1):
        if position[i + 1] == position[i] + 1:
            length[i] = length[i + 1]
    return position, length


def list_relation(position: np.ndarray, length: np.ndarray, heads: np.ndarray, tails: np.ndarray) -> np.ndarray:
    """LIST_* id of each pair: both in lists at the same position (of lists of one length or not), at other
    positions, only one of them in a list, or neither."""
    in_h, in_t = length[heads] > 1, length[tails] > 1
    both = in_h & in_t
    same = both & (position[heads] == position[tails])
    out = np.full(len(heads), LIST_NONE, dtype=np.int64)
    out[in_h != in_t] = LIST_ONE_SIDE
    out[both & ~same] = LIST_OTHER_POSITION
    out[same] = LIST_SAME_POSITION_OTHER_LENGTH
    out[same & (length[heads] == length[tails])] = LIST_SAME_POSITION
    return out


def pair_features(spans: np.ndarray, labels: np.ndarray, sentences: np.ndarray, heads: np.ndarray,
                  tails: np.ndarray, n_labels: int, max_gap: int, text: str) -> dict[str, np.ndarray]:
    """Distance bucket, sentence gap, capped per-label counts of entities between each pair and how the two
    sit in lists (`text`, the normalised text the spans index, gives the lists).

    `spans` must be sorted by start (entities do not overlap), so "between" is an index range.
    """
    onehot = np.zeros((len(spans), n_labels), dtype=np.int64)
    onehot[np.arange(len(spans)), labels] = 1
    prefix = np.vstack([np.zeros((1, n_labels), dtype=np.int64), np.cumsum(onehot, 0)])
    lo, hi = np.minimum(heads, tails), np.maximum(heads, tails)
    between = np.minimum(prefix[hi] - prefix[lo + 1], BETWEEN_CAP)
    return {
        "dist": distance_bucket(spans[tails, 0] - spans[heads, 0]),
        "gap": np.minimum(np.abs(sentences[heads] - sentences[tails]), max_gap),
        "between": between,
        "lists": list_relation(*list_positions(text, spans, labels), heads, tails),
    }


#: per-character gazetteer feature ids
LEXICON_NONE, LEXICON_BEGIN, LEXICON_INSIDE, LEXICON_END = range(4)
LEXICON_SIZE = 4


def lexicon_fingerprint() -> str:
    """Hash of the gazetteer's names: a model stores it, so a changed gazetteer is noticed at load time."""
    from pipeline.gazetteer import district_names

    return hashlib.sha256("\n".join(district_names()).encode("utf-8")).hexdigest()


def lexicon_tags(text: str) -> np.ndarray:
    """Begin/inside/end ids of gazetteer place-name matches (pipeline.gazetteer) for every character.

    A rare district the tagger never saw in training is still a known name here.
    """
    from pipeline.gazetteer import match_districts

    out = np.full(len(text), LEXICON_NONE, dtype=np.int64)
    for start, end, _ in match_districts(text):
        out[start:end] = LEXICON_INSIDE
        out[start] = LEXICON_BEGIN
        out[end - 1] = LEXICON_END
    return out
