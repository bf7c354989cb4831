"""Batch annotation: read inputs, run the spaCy pipeline in batches, write JSONL/CSV/Parquet, resume.

Output lines (JSONL) are `{"id", "entities", "relations", "records"}` per document, or
`{"id", "error"}` for a document that could not be read or processed; the batch always goes on.
CSV and Parquet hold one row per record. They are built at the end from a JSONL spool
(`OUT.docs.jsonl`) that also keeps the error lines and the documents without records, so an
interrupted run of any format resumes from the spool.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path

from pipeline.readers import iter_documents

FORMATS: tuple[str, ...] = ("jsonl", "csv", "parquet")
#: record fields that become table columns as they are; lists become JSON text columns
RECORD_SCALARS: tuple[str, ...] = (
    "district", "stage", "tier", "tier_min_yuan", "tier_max_yuan", "industry", "target", "count", "parent",
)  # fmt: skip


@dataclass
class Summary:
    """Counts of one annotation run (documents skipped by --resume are not processed documents)."""

    documents: int = 0
    records: int = 0
    errors: int = 0
    chars: int = 0
    skipped: int = 0
    seconds: float = 0.0
    first_errors: list[str] = field(default_factory=list)

    def add(self, out: dict, chars: int) -> None:
        self.documents += 1
        self.chars += chars
        if "error" in out:
            self.errors += 1
            if len(self.first_errors) < 5:
                where = "" if out["error"].startswith(str(out["id"])) else f"{out['id']}: "
                self.first_errors.append(where + out["error"])
        else:
            self.records += len(out["records"])

    def as_dict(self) -> dict:
        out = asdict(self)
        out["chars_per_s"] = round(self.chars / self.seconds, 1) if self.seconds else None
        out["docs_per_s"] = round(self.documents / self.seconds, 2) if self.seconds else None
        out["seconds"] = round(self.seconds, 3)
        return out

    def render(self) -> str:
        d = self.as_dict()
        lines = [
            f"documents {d['documents']}  records {d['records']}  errors {d['errors']}  skipped {d['skipped']}",
            f"{d['chars']} chars in {d['seconds']} s: {d['chars_per_s']} chars/s, {d['docs_per_s']} docs/s",
        ]
        lines += [f"error: {e}" for e in self.first_errors]
        return "\n".join(lines)


def infer_format(out: Path, fmt: str | None) -> str:
    """The --format given, else the output suffix (.jsonl/.csv/.parquet)."""
    fmt = fmt or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise ValueError(f"cannot tell the output format of {out}: pass --format {'|'.join(FORMATS)}")
    return fmt


def spool_path(out: Path, fmt: str) -> Path:
    return out if fmt == "jsonl" else out.with_name(out.name + ".docs.jsonl")


def output_files(out: Path, fmt: str) -> tuple[Path, ...]:
    """Every file a run writes, so that an output inside an input folder is not read back as input."""
    return out, spool_path(out, fmt), out.with_name(out.name + ".tmp")


class OutputWriter:
    """Appends one JSON line per document to the spool; for CSV/Parquet converts the spool on close."""

    def __init__(self, out: str | Path, fmt: str, resume: bool):
        self.out = Path(out)
        self.fmt = fmt
        self.spool = spool_path(self.out, fmt)
        self.spool.parent.mkdir(parents=True, exist_ok=True)
        self.done_ids: set[str] = read_done_ids(self.spool) if resume else set()
        self._handle = open(self.spool, "a" if resume else "w", encoding="utf-8")

    def write(self, out: dict) -> None:
        self._handle.write(json.dumps(out, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self._handle.close()
        if self.fmt != "jsonl":
            write_table(self.spool, self.out, self.fmt)


def read_done_ids(spool: Path) -> set[str]:
    """Ids already in an output spool; a last line cut off by an interrupted run is removed first."""
    if not spool.exists():
        return set()
    data = spool.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(spool, "r+b") as handle:
            handle.truncate(data.rfind(b"\n") + 1)
    ids: set[str] = set()
    with open(spool, encoding="utf-8") as handle:
        for line in handle:
            try:
                ids.add(str(json.loads(line)["id"]))
            except (json.JSONDecodeError, KeyError, TypeError):
                continue
    return ids


def record_rows(out: dict) -> list[dict]:
    """Table rows of one output document: one per record, with the document id and record index."""
    rows = []
    for i, rec in enumerate(out.get("records", [])):
        row = {"id": out["id"], "record": i}
        row.update({key: rec.get(key) for key in RECORD_SCALARS})
        row["amounts"] = json.dumps(rec.get("amounts", []), ensure_ascii=False)
        row["rates"] = json.dumps(rec.get("rates", []), ensure_ascii=False)
        evidence = rec.get("evidence") or {}
        row["evidence_start"], row["evidence_end"] = evidence.get("start"), evidence.get("end")
        rows.append(row)
    return rows


def table_schema():
    import pyarrow as pa

    types = {"tier_min_yuan": pa.int64(), "tier_max_yuan": pa.int64(), "target": pa.bool_(), "count": pa.int64()}
    types |= {"record": pa.int64(), "parent": pa.int64(), "evidence_start": pa.int64(), "evidence_end": pa.int64()}
    names = ("id", "record", *RECORD_SCALARS, "amounts", "rates", "evidence_start", "evidence_end")
    return pa.schema([(name, types.get(name, pa.string())) for name in names])


def write_table(spool: Path, out: Path, fmt: str, chunk: int = 2000) -> None:
    """Stream the spool's records into CSV or Parquet (written to a temporary file, then renamed)."""
    import pyarrow as pa
    import pyarrow.csv as pa_csv
    import pyarrow.parquet as pq

    schema = table_schema()
    tmp = output_files(out, fmt)[2]
    writer = pq.ParquetWriter(tmp, schema) if fmt == "parquet" else pa_csv.CSVWriter(tmp, schema)
    with writer, open(spool, encoding="utf-8") as handle:
        rows = (row for line in handle for row in record_rows(json.loads(line)))
        while batch := list(islice(rows, chunk)):
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
        if fmt == "parquet":
            writer.write_table(schema.empty_table())  # a file without records still has its schema
    os.replace(tmp, out)


def annotate_items(nlp, items: list[dict]) -> list[dict]:
    """Output documents for a batch of items, in order; a batch the model fails on is retried one by one."""
    readable = [item for item in items if "text" in item]
    try:
        docs = list(nlp.pipe(item["text"] for item in readable))
        outputs = iter([output_document(item["id"], doc) for item, doc in zip(readable, docs, strict=True)])
    except Exception:  # one bad document must not cost the whole batch: find it by retrying each alone
        outputs = iter([annotate_one(nlp, item) for item in readable])
    return [next(outputs) if "text" in item else {"id": item["id"], "error": item["error"]} for item in items]


def annotate_one(nlp, item: dict) -> dict:
    try:
        return output_document(item["id"], nlp(item["text"]))
    except Exception as err:  # whatever the model raises becomes this document's error line
        return {"id": item["id"], "error": f"model failed: {type(err).__name__}: {err}"}


def output_document(doc_id: str, doc) -> dict:
    return {"id": doc_id, "entities": doc._.entities, "relations": doc._.relations, "records": doc._.records}


def batched(items: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def pending(items: Iterable[dict], done_ids: set[str], summary: Summary) -> Iterator[dict]:
    """Items whose id is not in the output yet (--resume); counts the skipped ones."""
    for item in items:
        if item["id"] in done_ids:
            summary.skipped += 1
        else:
            yield item


def text_chars(items: list[dict]) -> list[int]:
    return [len(item.get("text", "")) for item in items]


def run_batches(
    results: Iterable[tuple[list[int], list[dict]]], writer: OutputWriter, summary: Summary, progress: bool
) -> None:
    """Write each batch's outputs and update the summary and the progress bar."""
    from tqdm import tqdm

    start = time.perf_counter()
    with tqdm(unit="doc", disable=None if progress else True, file=sys.stderr, dynamic_ncols=True) as bar:
        for chars, outputs in results:
            for n, out in zip(chars, outputs, strict=True):
                writer.write(out)
                summary.add(out, n)
            summary.seconds = time.perf_counter() - start
            bar.update(len(outputs))
            bar.set_postfix(chars_s=int(summary.chars / max(summary.seconds, 1e-9)), errors=summary.errors)


def pool_results(
    batches: Iterable[list[dict]], model: str | None, segmenter: str | None, n_process: int
) -> Iterator[tuple[list[int], list[dict]]]:
    """(chars, outputs) per batch, in input order, from `n_process` worker processes."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(n_process) as pool:
        work = ((text_chars(b), (model, segmenter, b)) for b in batches)
        yield from bounded_imap(pool, _worker_annotate, work, window=2 * n_process)


def bounded_imap(pool, fn: Callable, work: Iterable[tuple], window: int) -> Iterator[tuple]:
    """Like Pool.imap over (meta, args) pairs, but with at most `window` tasks queued (inputs may be huge)."""
    queue: deque = deque()
    for meta, args in work:
        queue.append((meta, pool.apply_async(fn, args)))
        if len(queue) >= window:
            meta0, result = queue.popleft()
            yield meta0, result.get()
    while queue:
        meta0, result = queue.popleft()
        yield meta0, result.get()


_WORKER_NLP: dict[tuple, object] = {}


def _worker_annotate(model: str | None, segmenter: str | None, batch: list[dict]) -> list[dict]:
    """Worker task: load the pipeline once per process (one torch thread each), annotate one batch."""
    key = (model, segmenter)
    if key not in _WORKER_NLP:
        import torch

        from pipeline import load

        torch.set_num_threads(1)
        _WORKER_NLP[key] = load(model, segmenter=segmenter)
    return annotate_items(_WORKER_NLP[key], batch)


def annotate(
    paths: Iterable[str | Path],
    out: str | Path,
    model: str | Path | None = None,
    fmt: str | None = None,
    batch_size: int = 32,
    n_process: int = 1,
    resume: bool = False,
    progress: bool = True,
    segmenter: str | None = None,
    nlp=None,
) -> Summary:
    """Annotate every document under `paths` into `out` with the local engine; return the run's summary.

    `segmenter`: None = char tokens for a model folder (fastest; tokens are not in the output) or the
    saved tokenizer of a saved pipeline. `nlp`: a loaded pipeline to use instead (single process only).
    Inputs and model are checked before the output is opened, so a typo does not truncate it.
    """
    from pipeline.components import resolve_model_path

    out = Path(out)
    fmt = infer_format(out, fmt)
    items = iter_documents(paths, exclude=output_files(out, fmt))
    if n_process <= 1 and nlp is None:
        from pipeline import load

        nlp = load(model, segmenter=segmenter)
    elif n_process > 1:
        model = str(resolve_model_path(model))
    writer = OutputWriter(out, fmt, resume)
    summary = Summary()
    batches = batched(pending(items, writer.done_ids, summary), batch_size)
    if n_process > 1:
        results = pool_results(batches, model, segmenter, n_process)
    else:
        results = ((text_chars(b), annotate_items(nlp, b)) for b in batches)
    try:
        run_batches(results, writer, summary, progress)
    finally:
        writer.close()
    return summary
