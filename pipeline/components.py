"""spaCy factories and Doc extensions: the project's extractor and record builder as pipeline components.

Pipeline: Chinese tokenizer ("char" or a project-trained pkuseg) → "econ_extractor" → "econ_records".
- `doc._.entities` / `doc._.relations`: the spec dicts exactly as predicted (offsets into `doc.text`,
  `relations[].head/tail` index `doc._.entities`). This is the authoritative output.
- `doc.ents`: the same entities as spaCy spans. Tokens are split where an entity boundary falls
  inside a word, so every span's characters are exactly the predicted ones whatever the segmenter
  (overlapping entities, which `doc.ents` cannot hold, keep the longest).
- `doc._.records`: spec section 5 records from `pipeline.records.build_records`.
- `span._.attrs`: the entity's attrs (e.g. {"target": true}).

`spacy.load(dir)` of a saved pipeline needs the factories registered: either the project is
installed (entry points under `spacy_factories`) or `pipeline.components` was imported first;
`pipeline.load(dir)` does the latter.
"""

from __future__ import annotations

import bisect
import shutil
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans, minibatch

from pipeline.segmenter import make_tokenizer_nlp

DEFAULT_MODEL = Path(__file__).resolve().parents[1] / "models" / "default"
#: sub-folder of a model directory that holds its pkuseg segmenter, when one was trained
SEGMENTER_DIR = "segmenter"
EXTRACTOR = "econ_extractor"
RECORDS = "econ_records"


def register_extensions() -> None:
    """Declare the Doc/Span attributes the components fill (idempotent)."""
    for name in ("entities", "relations", "records"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Span.has_extension("attrs"):
        Span.set_extension("attrs", getter=span_attrs)


def span_attrs(span: Span) -> dict:
    """The attrs of the predicted entity with this span's offsets and label ({} when none)."""
    for ent in span.doc._.entities or ():
        if (ent["start"], ent["end"], ent["label"]) == (span.start_char, span.end_char, span.label_):
            return dict(ent.get("attrs", {}))
    return {}


def split_tokens_at(doc: Doc, offsets: Iterable[int]) -> None:
    """Split tokens so that every character offset in `offsets` is a token boundary."""
    starts = [token.idx for token in doc]
    cuts: dict[int, list[int]] = {}
    for offset in sorted(set(offsets)):
        i = bisect.bisect_right(starts, offset) - 1
        if i >= 0 and starts[i] < offset < starts[i] + len(doc[i]):
            cuts.setdefault(i, []).append(offset)
    if not cuts:
        return
    text = doc.text
    with doc.retokenize() as retokenizer:
        for i, inner in cuts.items():
            token = doc[i]
            bounds = [token.idx, *inner, token.idx + len(token)]
            orths = [text[a:b] for a, b in pairwise(bounds)]
            retokenizer.split(token, orths, heads=[(token, 0)] * len(orths))


def set_entities(doc: Doc, entities: list[dict], relations: list[dict]) -> Doc:
    """Store the spec entities/relations on `doc` and mirror the entities as exact `doc.ents` spans."""
    doc._.entities = entities
    doc._.relations = relations
    spans = [doc.char_span(e["start"], e["end"], label=e["label"]) for e in entities]
    if any(span is None for span in spans):  # a boundary inside a word or in white space: split, then retry
        split_tokens_at(doc, (x for ent in entities for x in (ent["start"], ent["end"])))
        spans = [doc.char_span(e["start"], e["end"], label=e["label"], alignment_mode="contract") for e in entities]
    doc.ents = filter_spans([span for span in spans if span is not None])
    return doc


class EconExtractor:
    """Runs `models.extractor.Extractor` on `doc.text`; the model normalises text and maps offsets back."""

    def __init__(self, name: str, model: str | None, batch_size: int):
        self.name = name
        self.model_path = Path(model) if model else None
        self.batch_size = batch_size
        self._extractor = None

    @property
    def extractor(self):
        """The model, loaded on first use (so that `spacy.load` reads the saved copy, not the config path)."""
        if self._extractor is None:
            self.load_model()
        return self._extractor

    def load_model(self) -> None:
        from models.extractor import Extractor

        if self.model_path is None:
            raise ValueError(f"{self.name} has no model: add it with config={{'model': MODEL_DIR}}")
        self._extractor = Extractor.load(self.model_path)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        for batch in minibatch(docs, size=batch_size or self.batch_size):
            texts = [doc.text for doc in batch]  # Doc.text joins every token: read it once
            todo = [text for text in texts if text.strip()]
            predictions = iter(self.extractor.predict(todo, batch_size=self.batch_size) if todo else [])
            for doc, text in zip(batch, texts, strict=True):
                pred = next(predictions) if text.strip() else {"entities": [], "relations": []}
                yield set_entities(doc, pred["entities"], pred["relations"])

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        """Copy the model folder into the pipeline folder, byte for byte, so the folder is self-contained.

        (A copy, not `Extractor.save`: that re-casts the weights and drops metrics, README and segmenter.)
        """
        if self.model_path is None:
            raise ValueError(f"{self.name} has no model to save")
        target = Path(path) / "model"
        if target.resolve() != self.model_path.resolve():
            shutil.copytree(self.model_path, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("checkpoints"))

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> EconExtractor:
        self.model_path = Path(path) / "model"
        self.load_model()
        return self


class EconRecords:
    """Builds spec records from the entities and relations that `econ_extractor` set."""

    def __init__(self, name: str):
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from pipeline.records import build_records

        if doc._.entities is None:
            raise ValueError(f"{self.name} needs '{EXTRACTOR}' before it in the pipeline")
        doc._.records = build_records(as_document(doc))
        return doc


def as_document(doc: Doc) -> dict:
    """The spec document dict of an annotated Doc (records included once `econ_records` ran)."""
    out = {"text": doc.text, "entities": doc._.entities or [], "relations": doc._.relations or []}
    if doc._.records is not None:
        out["records"] = doc._.records
    return out


@Language.factory(EXTRACTOR, default_config={"model": None, "batch_size": 8})
def make_extractor(nlp: Language, name: str, model: str | None, batch_size: int) -> EconExtractor:
    return EconExtractor(name, model, batch_size)


@Language.factory(RECORDS)
def make_records(nlp: Language, name: str) -> EconRecords:
    return EconRecords(name)


def resolve_model_path(path: str | Path | None) -> Path:
    """The model folder to use (default models/default); FileNotFoundError with what to do when absent."""
    path = Path(path) if path is not None else DEFAULT_MODEL
    if not path.is_dir():
        raise FileNotFoundError(f"model folder {path} does not exist: train one with train.py or pass --model DIR")
    return path.resolve()


def is_saved_pipeline(path: Path) -> bool:
    """A folder written by `nlp.to_disk` (as opposed to a bare model folder)."""
    return (path / "config.cfg").is_file() and (path / "meta.json").is_file()


def load_pipeline(path: str | Path | None = None, segmenter: str | None = "auto", batch_size: int = 8) -> Language:
    """Load a saved pipeline folder, or build one around a model folder (default: models/default).

    `segmenter` for a model folder: 'char' (also when None), 'pkuseg' (needs MODEL/segmenter/ from
    `python -m pipeline train-segmenter`), or 'auto' = pkuseg when the model ships one, else char.
    A saved pipeline keeps its own tokenizer (pass None or 'auto').
    """
    import spacy

    path = resolve_model_path(path)
    if is_saved_pipeline(path):
        if segmenter not in ("auto", None):
            raise ValueError(f"{path} is a saved pipeline with its own tokenizer; do not pass segmenter={segmenter!r}")
        return spacy.load(path)
    pkuseg_dir = path / SEGMENTER_DIR
    if segmenter == "auto":
        segmenter = "pkuseg" if (pkuseg_dir / "weights.npz").exists() else "char"
    nlp = make_tokenizer_nlp(segmenter or "char", pkuseg_dir)
    extractor = nlp.add_pipe(EXTRACTOR, config={"model": str(path), "batch_size": batch_size})
    extractor.load_model()  # now, not on the first document: a bad model folder fails here
    nlp.add_pipe(RECORDS)
    return nlp


register_extensions()
