"""Heads on the shared encoder: BIOES entity tagger, target-attribute classifier, relation classifier.

All heads read one flat (positions, H) tensor of encoder states (training windows or stitched
documents laid end to end) and address spans by global position, so training and inference run the
same code.  Span and context means come from a float64 prefix sum: one pass, any number of spans,
and the same values whether a span was read from a short window or a 20,000-character document.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

NEG = -1e4  # score of a forbidden tag transition (finite: keeps the CRF's log-sum-exp free of NaN)


class BioesScheme:
    """Tag inventory O, B-X, I-X, E-X, S-X and the transitions BIOES allows."""

    def __init__(self, labels: list[str]):
        self.labels = list(labels)
        self.tags = ["O"] + [f"{p}-{label}" for label in self.labels for p in "BIES"]
        n = len(self.tags)
        allowed = np.zeros((n, n), dtype=bool)
        closed = [0] + [self.tag_id("E", x) for x in self.labels] + [self.tag_id("S", x) for x in self.labels]
        opening = [0] + [self.tag_id("B", x) for x in self.labels] + [self.tag_id("S", x) for x in self.labels]
        for prev in closed:
            allowed[prev, opening] = True
        for x in self.labels:
            for prev in (self.tag_id("B", x), self.tag_id("I", x)):
                allowed[prev, [self.tag_id("I", x), self.tag_id("E", x)]] = True
        self.allowed = allowed
        self.start_allowed = np.zeros(n, dtype=bool)
        self.start_allowed[opening] = True
        self.end_allowed = np.zeros(n, dtype=bool)
        self.end_allowed[closed] = True

    def tag_id(self, prefix: str, label: str) -> int:
        return 1 + 4 * self.labels.index(label) + "BIES".index(prefix)

    def encode(self, length: int, spans: list[tuple[int, int, int]]) -> np.ndarray:
        """Tag ids for a sequence of `length` with (start, end, label index) spans."""
        tags = np.zeros(length, dtype=np.int64)
        for start, end, label in spans:
            base = 1 + 4 * label
            if end - start == 1:
                tags[start] = base + 3
            else:
                tags[start] = base
                tags[start + 1 : end - 1] = base + 1
                tags[end - 1] = base + 2
        return tags

    def decode(self, tags: np.ndarray) -> list[tuple[int, int, int]]:
        """(start, end, label index) spans of a tag sequence that obeys the scheme."""
        spans = []
        start = -1
        for i, tag in enumerate(tags.tolist()):
            if tag == 0:
                continue
            label, kind = divmod(tag - 1, 4)
            if kind == 0:
                start = i
            elif kind == 2 and start >= 0:
                spans.append((start, i + 1, label))
                start = -1
            elif kind == 3:
                spans.append((i, i + 1, label))
        return spans


def viterbi(emissions: np.ndarray, transitions: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Best tag path of one (L, T) emission matrix under (T, T) transition scores."""
    length, n_tags = emissions.shape
    if length == 0:
        return np.zeros(0, dtype=np.int64)
    back = np.empty((length, n_tags), dtype=np.int64)
    score = start + emissions[0]
    columns = np.arange(n_tags)
    for t in range(1, length):
        cand = score[:, None] + transitions
        best = cand.argmax(0)
        back[t] = best
        score = cand[best, columns] + emissions[t]
    path = np.empty(length, dtype=np.int64)
    path[-1] = int((score + end).argmax())
    for t in range(length - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return path


class Tagger(nn.Module):
    """Per-character BIOES scores; a CRF (learned transitions) or independent softmax, decoded with the
    scheme's constraints either way, so every decoded span is well formed."""

    def __init__(self, in_dim: int, scheme: BioesScheme, crf: bool, dropout: float):
        super().__init__()
        n = len(scheme.tags)
        self.scheme = scheme
        self.crf = crf
        self.dropout = nn.Dropout(dropout)
        self.proj = nn.Linear(in_dim, n)
        for name, allowed in (("constraint", scheme.allowed), ("start_constraint", scheme.start_allowed),
                              ("end_constraint", scheme.end_allowed)):
            self.register_buffer(name, torch.from_numpy(np.where(allowed, 0.0, NEG)).float(), persistent=False)
        if crf:
            self.transitions = nn.Parameter(torch.zeros(n, n))
            self.start_scores = nn.Parameter(torch.zeros(n))
            self.end_scores = nn.Parameter(torch.zeros(n))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """Emission scores (..., T)."""
        return self.proj(self.dropout(features))

    def scores(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """Transition, start and end scores including the hard constraints."""
        if self.crf:
            return (self.transitions + self.constraint, self.start_scores + self.start_constraint,
                    self.end_scores + self.end_constraint)
        return self.constraint, self.start_constraint, self.end_constraint

    def loss(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Mean per-character loss of (B, L, T) emissions against (B, L) gold tags; mask marks real positions."""
        if not self.crf:
            return nn.functional.cross_entropy(emissions[mask], tags[mask])
        return self._crf_nll(emissions, tags, mask) / mask.sum()

    def _crf_nll(self, emissions: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        trans, start, end = self.scores()
        tags = tags.clamp(min=0)
        maskf = mask.float()
        lengths = mask.sum(1)
        gold = emissions.gather(2, tags.unsqueeze(-1)).squeeze(-1).mul(maskf).sum(1)
        gold = gold + trans[tags[:, :-1], tags[:, 1:]].mul(maskf[:, 1:]).sum(1)
        gold = gold + start[tags[:, 0]] + end[tags.gather(1, (lengths - 1).unsqueeze(1)).squeeze(1)]
        alpha = start + emissions[:, 0]
        for t in range(1, emissions.shape[1]):
            step = torch.logsumexp(alpha.unsqueeze(2) + trans, dim=1) + emissions[:, t]
            alpha = torch.where(mask[:, t : t + 1], step, alpha)
        log_z = torch.logsumexp(alpha + end, dim=1)
        return (log_z - gold).sum()

    def decode(self, emissions: torch.Tensor) -> np.ndarray:
        """Constrained best path of one (L, T) emission matrix."""
        trans, start, end = (x.detach().numpy() for x in self.scores())
        em = emissions if self.crf else torch.log_softmax(emissions, dim=-1)
        return viterbi(em.detach().numpy(), trans, start, end)


def prefix_sums(states: torch.Tensor) -> torch.Tensor:
    """(N + 1, H) float64 prefix sums of (N, H) states: mean of [a, b) = (P[b] - P[a]) / (b - a)."""
    zero = states.new_zeros((1, states.shape[1]), dtype=torch.float64)
    return torch.cat([zero, states.double().cumsum(0)], dim=0)


def range_mean(prefix: torch.Tensor, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Mean state over each [a, b) (zeros where the range is empty)."""
    width = (b - a).clamp(min=1).unsqueeze(1).double()
    return ((prefix[b] - prefix[a]) / width).float() * (b > a).unsqueeze(1).float()


def range_max(states: torch.Tensor, a: torch.Tensor, b: torch.Tensor, width: int) -> torch.Tensor:
    """Element-wise max over the last `width` states of each [a, b) (zeros where the range is empty).

    A cue word (力争, 目标) stands out in a max however long the clause around it is; in a mean it fades.
    """
    positions = b.unsqueeze(1) - 1 - torch.arange(width, device=b.device)  # (n, width), right to left
    valid = positions >= a.unsqueeze(1)
    gathered = states[positions.clamp(min=0)].masked_fill(~valid.unsqueeze(2), float("-inf"))
    best = gathered.max(dim=1).values
    return torch.where(valid.any(1, keepdim=True), best, torch.zeros_like(best))


def span_repr(states: torch.Tensor, prefix: torch.Tensor, starts: torch.Tensor, ends: torch.Tensor) -> torch.Tensor:
    """First, last and mean state of each span: (n, 3H)."""
    return torch.cat([states[starts], states[ends - 1], range_mean(prefix, starts, ends)], dim=1)


#: characters of the sentence before a figure that the target head max-pools over
TARGET_CONTEXT = 64


class TargetHead(nn.Module):
    """Is a COUNT/MONEY/PERCENT a goal?  Reads the span and the sentence text before it (力争…, 目标…)."""

    def __init__(self, hidden: int, n_labels: int, feature_dim: int, inner: int, dropout: float,
                 context_ranges: int = 1):
        super().__init__()
        self.label_emb = nn.Embedding(n_labels, feature_dim)
        in_dim = (3 + 2 * context_ranges) * hidden + feature_dim
        self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, inner), nn.GELU(),
                                 nn.Dropout(dropout), nn.Linear(inner, 1))

    def forward(self, spans: torch.Tensor, context: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        """Logit of target=true for each span; `context` is (n, 2H × ranges): mean and max state of the
        sentence before the figure (and, with target_context "around", of the sentence after it)."""
        return self.mlp(torch.cat([spans, context, self.label_emb(labels)], dim=1)).squeeze(1)


#: |tail start - head start| bucket edges; the sign doubles the buckets
DISTANCE_EDGES = np.array([1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256])
N_DISTANCE_BUCKETS = 2 * (len(DISTANCE_EDGES) + 1)
BETWEEN_CAP = 3  # entities of one label between head and tail: 0, 1, 2, 3+


def distance_bucket(distance: np.ndarray) -> np.ndarray:
    """Signed log-scale bucket of character distances."""
    magnitude = np.searchsorted(DISTANCE_EDGES, np.abs(distance), side="right")
    return magnitude + (distance < 0) * (len(DISTANCE_EDGES) + 1)


class RelationHead(nn.Module):
    """Scores {none} + relation labels for a candidate (head, tail) pair.

    Features: span states of both arguments, the mean state of the text between them, their types,
    signed distance, sentence gap, and how many entities of each label lie between them (which
    figure a 分别…61.33%、59.26% list pairs with depends on that order); with `list_relations`, also
    whether the two hold the same position in their 、-lists (A、B、C…分别…X、Y、Z pairs at any length,
    where the capped counts stop telling).
    """

    def __init__(self, hidden: int, n_labels: int, n_relations: int, feature_dim: int, inner: int,
                 max_gap: int, dropout: float, list_relations: int = 0):
        super().__init__()
        self.n_labels = n_labels
        self.type_emb = nn.Embedding(n_labels, feature_dim)
        self.dist_emb = nn.Embedding(N_DISTANCE_BUCKETS, feature_dim)
        self.gap_emb = nn.Embedding(max_gap + 1, feature_dim)
        self.between_emb = nn.EmbeddingBag(n_labels * (BETWEEN_CAP + 1), feature_dim, mode="sum")
        self.list_emb = nn.Embedding(list_relations, feature_dim) if list_relations else None
        in_dim = 7 * hidden + (6 if list_relations else 5) * feature_dim
        self.mlp = nn.Sequential(nn.Dropout(dropout), nn.Linear(in_dim, inner), nn.GELU(), nn.Dropout(dropout),
                                 nn.Linear(inner, n_relations + 1))

    def forward(self, head: torch.Tensor, tail: torch.Tensor, between: torch.Tensor, head_label: torch.Tensor,
                tail_label: torch.Tensor, dist: torch.Tensor, gap: torch.Tensor,
                between_counts: torch.Tensor, lists: torch.Tensor) -> torch.Tensor:
        """Logits (P, 1 + relations); `between_counts` is (P, n_labels) of capped counts, `lists` the
        pairs' list relation ids (models.features.list_relation; unused without a list embedding)."""
        offsets = torch.arange(self.n_labels, device=between_counts.device) * (BETWEEN_CAP + 1)
        bag = self.between_emb(between_counts + offsets)
        feats = [head, tail, between, self.type_emb(head_label), self.type_emb(tail_label), self.dist_emb(dist),
                 self.gap_emb(gap), bag]
        if self.list_emb is not None:
            feats.append(self.list_emb(lists))
        return self.mlp(torch.cat(feats, dim=1))
