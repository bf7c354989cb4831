"""The trained extractor: character encoder + entity tagger + target classifier + relation classifier.

Text is normalised (pipeline.normalize) before encoding and every predicted span is mapped back to the
original text, so callers only ever see offsets into the text they passed in.  A saved model directory is
self-contained: weights, encoder config, vocabulary, label maps, the training config, metrics, corpus
hashes and a model card.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from models.config import ModelConfig
from models.encoder import hidden_size, load_encoder, max_window
from models.features import (
    LEXICON_SIZE,
    N_LIST_RELATIONS,
    allowed_relation_mask,
    candidate_pairs,
    lexicon_fingerprint,
    lexicon_tags,
    pair_features,
    sentence_gap_limits,
    sentence_ids,
)
from models.heads import (
    TARGET_CONTEXT,
    BioesScheme,
    RelationHead,
    Tagger,
    TargetHead,
    prefix_sums,
    range_max,
    range_mean,
    span_repr,
)
from models.vocab import CharVocab, VocabError
from models.windows import plan_windows, stitch
from pipeline.normalize import Normalized, normalize
from pipeline.schema import RELATION_LABELS, TARGET_LABELS

FORMAT = "district-investment-extractor"
FORMAT_VERSION = 1
WEIGHTS = "model.safetensors"
META = "extractor.json"
VOCAB = "vocab.txt"
ENCODER_DIR = "encoder"
#: labels of figures, whose spans start at their number's first digit (whole_figures)
FIGURE_LABELS = frozenset({"COUNT", "MONEY", "PERCENT"})
#: relations a figure has at most one of (per head): its stage, size class, sector, area, the figure a
#: percentage describes, the whole it is part of.  `amount` is functional on the tail (a money is the
#: investment of one group).
HEAD_FUNCTIONAL = frozenset({"stage", "tier", "industry", "district", "rate", "part_of"})
TAIL_FUNCTIONAL = frozenset({"amount"})
#: characters encoded per stitching pass in predict(), and relation candidates scored at once: these bound
#: the memory of a call on many long texts
CHUNK_CHARS = 50_000
PAIR_BATCH = 4096


class ModelDirError(FileNotFoundError):
    """A model directory that is missing or incomplete; the message says what to do."""


@dataclass
class PreparedDoc:
    """One text as the model reads it."""

    norm: Normalized
    ids: np.ndarray
    sentences: np.ndarray
    sentence_starts: np.ndarray  # first character of each character's sentence
    sentence_ends: np.ndarray  # one past the last character of each character's sentence
    lexicon: np.ndarray | None


@dataclass
class EntityBatch:
    """Entities of several sequences laid end to end: global positions into the flat state tensor."""

    starts: torch.Tensor
    ends: torch.Tensor
    labels: torch.Tensor
    context_starts: torch.Tensor  # sentence start (clipped to the sequence) for the target head
    context_ends: torch.Tensor  # sentence end (clipped to the sequence) for the target head


@dataclass
class PairBatch:
    """Candidate pairs as indices into an EntityBatch, with their features."""

    heads: torch.Tensor
    tails: torch.Tensor
    dist: torch.Tensor
    gap: torch.Tensor
    between: torch.Tensor
    lists: torch.Tensor

    def slice(self, lo: int, hi: int) -> PairBatch:
        return PairBatch(self.heads[lo:hi], self.tails[lo:hi], self.dist[lo:hi], self.gap[lo:hi], self.between[lo:hi],
                         self.lists[lo:hi])


class Extractor(nn.Module):
    """Encoder and heads in one module: `predict` for users, `loss` for train.py, `save`/`load` for both."""

    def __init__(self, encoder: nn.Module, vocab: CharVocab, entity_labels: list[str], model_cfg: ModelConfig,
                 window: int, stride: int):
        super().__init__()
        if window > max_window(encoder):
            raise ValueError(f"window {window} is longer than the encoder admits ({max_window(encoder)} characters)")
        self.encoder = encoder
        self.vocab = vocab
        self.entity_labels = list(entity_labels)
        self.cfg = model_cfg
        self.window, self.stride = window, stride
        self.scheme = BioesScheme(self.entity_labels)
        self.allowed = allowed_relation_mask(self.entity_labels)
        self.gap_limits = sentence_gap_limits(self.entity_labels, model_cfg.max_sentence_gap,
                                              model_cfg.part_of_sentence_gap)
        self.max_gap = int(self.gap_limits.max())  # the pair features' sentence-gap cap
        self.target_label_ids = [i for i, label in enumerate(self.entity_labels) if label in TARGET_LABELS]
        hidden = hidden_size(encoder)
        f = model_cfg.feature_dim
        self.lexicon_emb = nn.Embedding(LEXICON_SIZE, f) if model_cfg.lexicon else None
        self.tagger = Tagger(hidden + (f if model_cfg.lexicon else 0), self.scheme, model_cfg.tagger == "crf",
                             model_cfg.head_dropout)
        n = len(self.entity_labels)
        self.target_head = TargetHead(hidden, n, f, model_cfg.target_hidden, model_cfg.head_dropout,
                                      context_ranges=2 if model_cfg.target_context == "around" else 1)
        self.relation_head = RelationHead(hidden, n, len(RELATION_LABELS), f, model_cfg.relation_hidden,
                                          self.max_gap, model_cfg.head_dropout,
                                          N_LIST_RELATIONS if model_cfg.list_feature else 0)
        self.register_buffer("allowed_t", torch.from_numpy(self.allowed), persistent=False)

    # ---- text → features -------------------------------------------------------------------------

    def prepare(self, text: str) -> PreparedDoc:
        norm = normalize(text)
        sentences = sentence_ids(norm.text)
        firsts = np.flatnonzero(np.diff(sentences, prepend=-1))
        ends = np.append(firsts[1:], len(sentences))
        return PreparedDoc(
            norm=norm,
            ids=self.vocab.encode(norm.text),
            sentences=sentences,
            sentence_starts=firsts[sentences] if len(sentences) else sentences,
            sentence_ends=ends[sentences] if len(sentences) else sentences,
            lexicon=lexicon_tags(norm.text) if self.cfg.lexicon else None,
        )

    # ---- encoder ---------------------------------------------------------------------------------

    def encode(self, windows: list[np.ndarray]) -> torch.Tensor:
        """States (B, max_len + 1, H) of character windows; row b position i is character i of window b
        (the [CLS] state is dropped; the extra slot holds [SEP] or padding)."""
        longest = max(len(w) for w in windows)
        ids = torch.full((len(windows), longest + 2), self.vocab.pad_id, dtype=torch.long)
        mask = torch.zeros_like(ids)
        for b, w in enumerate(windows):
            ids[b, 0] = self.vocab.cls_id
            ids[b, 1 : len(w) + 1] = torch.from_numpy(np.asarray(w, dtype=np.int64))
            ids[b, len(w) + 1] = self.vocab.sep_id
            mask[b, : len(w) + 2] = 1
        padded = any(len(w) < longest for w in windows)  # without padding, attention runs unmasked (faster)
        out = self.encoder(input_ids=ids, attention_mask=mask if padded else None).last_hidden_state
        return out[:, 1:]

    def doc_states(self, docs: list[PreparedDoc], batch_size: int) -> list[torch.Tensor]:
        """Stitched (len, H) states of each document, windows of all documents batched by length."""
        jobs = []  # (doc index, window index, start, end)
        plans = [plan_windows(len(d.ids), self.window, self.stride) for d in docs]
        for i, plan in enumerate(plans):
            if len(docs[i].ids):
                jobs.extend((i, k, s, e) for k, (s, e) in enumerate(plan))
        jobs.sort(key=lambda job: job[3] - job[2])
        window_states: list[list[torch.Tensor | None]] = [[None] * len(p) for p in plans]
        for first in range(0, len(jobs), batch_size):
            batch = jobs[first : first + batch_size]
            states = self.encode([docs[i].ids[s:e] for i, _, s, e in batch])
            for row, (i, k, s, e) in enumerate(batch):
                window_states[i][k] = states[row, : e - s]
        hidden = hidden_size(self.encoder)
        return [stitch(ws, plan) if len(d.ids) else torch.zeros((0, hidden))
                for d, ws, plan in zip(docs, window_states, plans, strict=True)]

    # ---- heads -----------------------------------------------------------------------------------

    def tag_input(self, states: torch.Tensor, lexicon: torch.Tensor | None) -> torch.Tensor:
        if self.lexicon_emb is None:
            return states
        return torch.cat([states, self.lexicon_emb(lexicon)], dim=-1)

    def target_logits(self, states: torch.Tensor, spans: torch.Tensor, prefix: torch.Tensor, ents: EntityBatch,
                      rows: torch.Tensor) -> torch.Tensor:
        """Target logits of the entities selected by `rows`."""
        a, b = ents.context_starts[rows], ents.starts[rows]
        parts = [range_mean(prefix, a, b), range_max(states, a, b, TARGET_CONTEXT)]
        if self.cfg.target_context == "around":
            c = ents.ends[rows]
            d = torch.minimum(ents.context_ends[rows], c + TARGET_CONTEXT)
            parts += [range_mean(prefix, c, d), range_max(states, c, d, TARGET_CONTEXT)]
        return self.target_head(spans[rows], torch.cat(parts, dim=1), ents.labels[rows])

    def relation_logits(self, spans: torch.Tensor, prefix: torch.Tensor, ents: EntityBatch,
                        pairs: PairBatch) -> torch.Tensor:
        """(P, 1 + relations) logits, labels the pair's types forbid set to -inf."""
        h, t = pairs.heads, pairs.tails
        lo = torch.minimum(ents.ends[h], ents.ends[t])
        hi = torch.maximum(ents.starts[h], ents.starts[t])
        between = range_mean(prefix, lo, torch.maximum(lo, hi))
        logits = self.relation_head(spans[h], spans[t], between, ents.labels[h], ents.labels[t], pairs.dist,
                                    pairs.gap, pairs.between, pairs.lists)
        allowed = self.allowed_t[ents.labels[h], ents.labels[t]]
        return logits.masked_fill(~allowed, float("-inf"))

    # ---- training --------------------------------------------------------------------------------

    def loss(self, batch: dict) -> dict[str, torch.Tensor]:
        """Tagging, target and relation losses of a collated batch of training chunks (models.data.collate).

        Each chunk's windows are encoded and stitched exactly as in inference; losses cover owned ranges."""
        states = self.encode(batch["windows"])
        pieces = [stitch([states[first + k, : e - s] for k, (s, e) in enumerate(wins)], wins)[a:b]
                  for first, wins, a, b in batch["chunks"]]
        flat = torch.cat(pieces, dim=0)
        emissions = self.tagger(self.tag_input(flat, batch["lexicon"] if self.lexicon_emb is not None else None))
        padded = nn.utils.rnn.pad_sequence(list(emissions.split([len(p) for p in pieces])), batch_first=True)
        losses = {"tags": self.tagger.loss(padded, batch["tags"], batch["tag_mask"])}
        prefix = prefix_sums(flat)
        ents: EntityBatch = batch["entities"]
        zero = flat.sum() * 0.0
        if len(ents.starts):
            spans = span_repr(flat, prefix, ents.starts, ents.ends)
            rows = batch["target_rows"]
            if len(rows):
                logits = self.target_logits(flat, spans, prefix, ents, rows)
                losses["target"] = nn.functional.binary_cross_entropy_with_logits(logits, batch["target_gold"])
            pairs: PairBatch = batch["pairs"]
            if len(pairs.heads):
                logits = self.relation_logits(spans, prefix, ents, pairs)
                losses["relations"] = nn.functional.cross_entropy(logits, batch["relation_gold"])
        losses.setdefault("target", zero)
        losses.setdefault("relations", zero)
        return losses

    # ---- inference -------------------------------------------------------------------------------

    def predict(self, texts: list[str], batch_size: int = 8) -> list[dict]:
        """Entities (with attrs.target on COUNT/MONEY/PERCENT) and relations of each text, offsets in the
        text as given.  `batch_size` is the number of character windows per encoder call."""
        return self._run(texts, batch_size, given=None)

    def predict_relations(self, texts: list[str], entities: list[list[dict]], batch_size: int = 8) -> list[list[dict]]:
        """Relations among given (gold) entities, indices into those lists: the relation classifier alone."""
        return [doc["relations"] for doc in self._run(texts, batch_size, given=entities)]

    def _run(self, texts: list[str], batch_size: int, given: list[list[dict]] | None) -> list[dict]:
        was_training = self.training
        self.eval()
        out: list[dict] = []
        try:
            with torch.inference_mode():
                for lo, hi in _chunks([len(t) for t in texts], CHUNK_CHARS):
                    out.extend(self._run_chunk(texts[lo:hi], batch_size, None if given is None else given[lo:hi]))
        finally:
            self.train(was_training)
        return out

    def _run_chunk(self, texts: list[str], batch_size: int, given: list[list[dict]] | None) -> list[dict]:
        docs = [self.prepare(t) for t in texts]
        doc_states = self.doc_states(docs, batch_size)
        offsets = np.cumsum([0] + [len(d.ids) for d in docs])
        flat = torch.cat(doc_states, dim=0) if doc_states else torch.zeros((0, hidden_size(self.encoder)))
        if given is None:
            spans_per_doc = self._tag(docs, flat, offsets)
            sources: list[list[int]] | None = None
        else:
            given_spans = [self._given_spans(d, e) for d, e in zip(docs, given, strict=True)]
            spans_per_doc = [spans for spans, _ in given_spans]
            sources = [index for _, index in given_spans]
        ents, doc_of_entity = self._entity_batch(docs, spans_per_doc, offsets)
        prefix = prefix_sums(flat)
        spans = span_repr(flat, prefix, ents.starts, ents.ends) if len(ents.starts) else None
        targets = self._targets(flat, spans, prefix, ents)
        relations = self._relations(docs, spans_per_doc, spans, prefix, ents)
        results = []
        for i, doc in enumerate(docs):
            rows = np.flatnonzero(doc_of_entity == i)
            entities = []
            for row, (start, end, label) in zip(rows, spans_per_doc[i], strict=True):
                o_start, o_end = doc.norm.to_original_span(start, end)
                ent = {"start": o_start, "end": o_end, "label": self.entity_labels[label]}
                if row in targets:
                    ent["attrs"] = {"target": targets[row]}
                entities.append(ent)
            rels = relations[i]
            if sources is not None:  # back to indices into the caller's entity list
                rels = [{**r, "head": sources[i][r["head"]], "tail": sources[i][r["tail"]]} for r in rels]
            results.append({"entities": entities, "relations": rels})
        return results

    def _tag(self, docs: list[PreparedDoc], flat: torch.Tensor, offsets: np.ndarray) -> list[list[tuple[int, ...]]]:
        lexicon = None
        if self.lexicon_emb is not None:
            lexicon = torch.from_numpy(np.concatenate([d.lexicon for d in docs])) if len(flat) else None
        emissions = self.tagger(self.tag_input(flat, lexicon)) if len(flat) else flat
        figures = {k for k, label in enumerate(self.entity_labels) if label in FIGURE_LABELS}
        decoded = [self.scheme.decode(self.tagger.decode(emissions[offsets[i] : offsets[i + 1]])) if len(d.ids) else []
                   for i, d in enumerate(docs)]
        return [whole_figures(d.norm.text, spans, figures) for d, spans in zip(docs, decoded, strict=True)]

    def _given_spans(self, doc: PreparedDoc, entities: list[dict]) -> tuple[list[tuple[int, int, int]], list[int]]:
        """Known-label entities as sorted normalised spans, and each one's index in `entities`."""
        found: dict[tuple[int, int, int], int] = {}
        for k, ent in enumerate(entities):
            if ent["label"] in self.entity_labels:
                start, end = doc.norm.to_normalized_span(ent["start"], ent["end"])
                if end > start:
                    found.setdefault((start, end, self.entity_labels.index(ent["label"])), k)
        spans = sorted(found)
        return spans, [found[s] for s in spans]

    def _entity_batch(self, docs: list[PreparedDoc], spans_per_doc: list[list[tuple[int, int, int]]],
                      offsets: np.ndarray) -> tuple[EntityBatch, np.ndarray]:
        starts, ends, labels, contexts, context_ends, owner = [], [], [], [], [], []
        for i, (doc, spans) in enumerate(zip(docs, spans_per_doc, strict=True)):
            for start, end, label in spans:
                starts.append(offsets[i] + start)
                ends.append(offsets[i] + end)
                labels.append(label)
                contexts.append(offsets[i] + doc.sentence_starts[start])
                context_ends.append(offsets[i] + doc.sentence_ends[start])
                owner.append(i)
        as_long = lambda xs: torch.tensor(np.asarray(xs, dtype=np.int64))  # noqa: E731
        batch = EntityBatch(as_long(starts), as_long(ends), as_long(labels), as_long(contexts), as_long(context_ends))
        return batch, np.asarray(owner, dtype=np.int64)

    def _targets(self, states: torch.Tensor, spans: torch.Tensor | None, prefix: torch.Tensor,
                 ents: EntityBatch) -> dict[int, bool]:
        """Entity row → target flag, for the rows whose label carries the attribute."""
        if spans is None:
            return {}
        rows = torch.from_numpy(np.flatnonzero(np.isin(ents.labels.numpy(), self.target_label_ids)))
        if not len(rows):
            return {}
        logits = self.target_logits(states, spans, prefix, ents, rows)
        return dict(zip(rows.tolist(), (logits > 0).tolist(), strict=True))

    def _relations(self, docs: list[PreparedDoc], spans_per_doc: list[list[tuple[int, int, int]]],
                   spans: torch.Tensor | None, prefix: torch.Tensor, ents: EntityBatch) -> list[list[dict]]:
        heads, tails, feats, owner, first_row = [], [], [], [], 0
        for i, (doc, doc_spans) in enumerate(zip(docs, spans_per_doc, strict=True)):
            arr = np.asarray(doc_spans, dtype=np.int64).reshape(-1, 3)
            sent = doc.sentences[arr[:, 0]] if len(arr) else np.zeros(0, dtype=np.int64)
            h, t = candidate_pairs(arr[:, :2], arr[:, 2], sent, self.allowed, self.cfg.max_pair_distance,
                                   self.gap_limits)
            feats.append(pair_features(arr[:, :2], arr[:, 2], sent, h, t, len(self.entity_labels), self.max_gap,
                                       doc.norm.text))
            heads.append(h + first_row)
            tails.append(t + first_row)
            owner.append(np.full(len(h), i))
            first_row += len(arr)
        out: list[list[dict]] = [[] for _ in docs]
        if spans is None or not sum(len(h) for h in heads):
            return out
        cat = lambda key: torch.from_numpy(np.concatenate([f[key] for f in feats]))  # noqa: E731
        pairs = PairBatch(torch.from_numpy(np.concatenate(heads)), torch.from_numpy(np.concatenate(tails)),
                          cat("dist"), cat("gap"), cat("between"), cat("lists"))
        logits = [self.relation_logits(spans, prefix, ents, pairs.slice(lo, lo + PAIR_BATCH))
                  for lo in range(0, len(pairs.heads), PAIR_BATCH)]
        probs = torch.softmax(torch.cat(logits), dim=-1)
        best = probs.argmax(-1).numpy()
        score = probs.max(-1).values.numpy()
        doc_of_pair = np.concatenate(owner)
        row_base = np.cumsum([0] + [len(s) for s in spans_per_doc])
        found = [(int(doc_of_pair[p]), int(pairs.heads[p]), int(pairs.tails[p]), RELATION_LABELS[best[p] - 1],
                  float(score[p])) for p in np.flatnonzero(best > 0)]
        if self.cfg.functional_relations:
            found = _functional(found)
        for i, h, t, label, _ in sorted(found):
            out[i].append({"head": h - int(row_base[i]), "tail": t - int(row_base[i]), "label": label})
        return out

    # ---- persistence -----------------------------------------------------------------------------

    def meta(self) -> dict:
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "entity_labels": self.entity_labels,
            "relation_labels": list(RELATION_LABELS),
            "tags": self.scheme.tags,
            "model": asdict(self.cfg),
            "window": self.window,
            "stride": self.stride,
            "lexicon_sha256": lexicon_fingerprint() if self.cfg.lexicon else None,
        }

    def save(self, path: str | Path, dtype: str = "float16", extra: dict[str, object] | None = None) -> None:
        """Write the model directory; `extra` maps file names to JSON-able objects or text (metrics, config)."""
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        self.encoder.config.save_pretrained(str(path / ENCODER_DIR))
        self.vocab.save(path / VOCAB)
        cast = getattr(torch, dtype)
        state = {k: (v.to(cast) if v.is_floating_point() else v).contiguous() for k, v in self.state_dict().items()}
        save_file(state, str(path / WEIGHTS), metadata={"dtype": dtype})
        (path / META).write_text(json.dumps(self.meta(), ensure_ascii=False, indent=1), encoding="utf-8")
        for name, content in (extra or {}).items():
            text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False, indent=1)
            (path / name).write_text(text, encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path, runtime: str = "auto") -> Extractor:
        """The saved model for inference.  `runtime` runs the encoder: "auto" (default) uses the plain-torch
        BERT of models.bert_runtime when the saved encoder is a BERT with absolute positions, else transformers;
        "torch" insists on it; "transformers" always builds the transformers model — needed to train or
        fine-tune.  Why: importing transformers' modelling code is most of a cold load (2-3 s of ~3 s)."""
        path = Path(path)
        if not path.is_dir():
            raise ModelDirError(f"{path}: no model directory here; train one with "
                                f"`python train.py --config configs/default.cfg --output {path}`")
        missing = [n for n in (META, WEIGHTS, VOCAB, f"{ENCODER_DIR}/config.json") if not (path / n).is_file()]
        if missing:
            raise ModelDirError(f"{path}: incomplete model directory, missing {', '.join(missing)} "
                                "(was training interrupted? re-run train.py with the same --output to resume)")
        meta = json.loads((path / META).read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("format_version") != FORMAT_VERSION:
            raise ModelDirError(f"{path}/{META}: not a {FORMAT} v{FORMAT_VERSION} model "
                                f"(found {meta.get('format')} v{meta.get('format_version')})")
        if meta["relation_labels"] != list(RELATION_LABELS):
            raise ModelDirError(f"{path}: trained for relation labels {meta['relation_labels']}, this code has "
                                f"{list(RELATION_LABELS)}; retrain the model")
        try:
            vocab = CharVocab.load(path / VOCAB)
        except VocabError as err:
            raise ModelDirError(str(err)) from err
        encoder = load_encoder(path / ENCODER_DIR, runtime)
        model = cls(encoder, vocab, meta["entity_labels"], ModelConfig(**meta["model"]), meta["window"], meta["stride"])
        state = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path / WEIGHTS)).items()}
        try:
            model.load_state_dict(state, strict=True)
        except RuntimeError as err:
            raise ModelDirError(f"{path}/{WEIGHTS} does not fit {path}/{META}: {err}") from err
        if meta.get("lexicon_sha256") and meta["lexicon_sha256"] != lexicon_fingerprint():
            warnings.warn(f"{path}: the gazetteer (pipeline.gazetteer) changed since this model was trained; its "
                          "place-name features differ from training — retrain for best results", stacklevel=2)
        return model.eval()


def whole_figures(text: str, spans: list[tuple[int, int, int]], figures: set[int]) -> list[tuple[int, int, int]]:
    """Sorted spans, each figure (label index in `figures`) started where its number starts.

    The tagger now and then begins one inside the digits (已开工6[12项]), but a figure is a whole number with
    its unit (spec §2: [710项], [61.33%]). The start moves back over digits and decimal points, never into the
    span before."""
    out: list[tuple[int, int, int]] = []
    for start, end, label in spans:
        if label in figures and text[start].isdigit():
            floor = out[-1][1] if out else 0
            while start > floor and (text[start - 1].isdigit() or text[start - 1] == "."):
                start -= 1
            while text[start] == ".":
                start += 1
        out.append((start, end, label))
    return out


def _chunks(lengths: list[int], budget: int) -> list[tuple[int, int]]:
    """Consecutive index ranges whose total length stays under `budget` (at least one item each)."""
    out, lo, total = [], 0, 0
    for i, n in enumerate(lengths):
        if i > lo and total + n > budget:
            out.append((lo, i))
            lo, total = i, 0
        total += n
    if lo < len(lengths):
        out.append((lo, len(lengths)))
    return out


def _functional(found: list[tuple[int, int, int, str, float]]) -> list[tuple[int, int, int, str, float]]:
    """Greedy by probability: one relation per entity pair (the spec's type table never puts two labels, or
    both directions, on one pair), and one per head or tail where the guidelines allow only one."""
    taken: set[tuple] = set()
    kept = []
    for rel in sorted(found, key=lambda r: -r[4]):
        doc, head, tail, label, _ = rel
        keys = [(doc, min(head, tail), max(head, tail))]
        if label in HEAD_FUNCTIONAL:
            keys.append((doc, head, label, "head"))
        if label in TAIL_FUNCTIONAL:
            keys.append((doc, tail, label, "tail"))
        if not taken.intersection(keys):
            taken.update(keys)
            kept.append(rel)
    return kept
