"""Command line: `python -m pipeline {annotate,show,validate,convert,train-segmenter} ...`.

Exit status: 0 on success (documents that fail inside a batch are error lines, not a failure),
1 when `validate` finds problems, 2 when the command cannot run (missing input, bad model folder).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

EXCHANGE_FORMATS = ("jsonl", "label-studio", "doccano")


def cmd_annotate(args: argparse.Namespace) -> int:
    if args.engine == "ray":
        from pipeline.ray_engine import annotate_ray

        summary = annotate_ray(
            args.paths, args.out, model=args.model, fmt=args.format, batch_size=args.batch_size,
            actors=args.n_process, resume=args.resume, progress=not args.no_progress, segmenter=args.segmenter,
            address=args.ray_address, num_cpus=args.num_cpus,
        )  # fmt: skip
    else:
        from pipeline.annotate import annotate

        summary = annotate(
            args.paths, args.out, model=args.model, fmt=args.format, batch_size=args.batch_size,
            n_process=args.n_process or 1, resume=args.resume, progress=not args.no_progress, segmenter=args.segmenter,
        )  # fmt: skip
    print(summary.render(), file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """Print annotated documents as readable record lines."""
    with open(args.file, encoding="utf-8") as handle:
        for line in handle:
            out = json.loads(line)
            if "error" in out:
                print(f"{out['id']}: ERROR {out['error']}")
                continue
            print(f"{out['id']}: {len(out['entities'])} entities, {len(out['relations'])} relations")
            for i, rec in enumerate(out["records"]):
                print(f"  [{i}] {format_record(rec)}")
    return 0


def format_record(rec: dict) -> str:
    """One record in one line: where, what, how many, how much."""
    what = " ".join(str(rec[k]) for k in ("stage", "tier", "industry") if rec.get(k))
    parts = [rec.get("district") or "?", what or "-", "target" if rec.get("target") else "reported"]
    if rec.get("count") is not None:
        parts.append(f"count={rec['count']}")
    parts += [f"{a.get('kind') or 'amount'}={a['text']}" for a in rec.get("amounts", [])]
    parts += [f"{r.get('kind', 'rate')}={r['text']}" for r in rec.get("rates", [])]
    if rec.get("parent") is not None:
        parts.append(f"part of [{rec['parent']}]")
    return " | ".join(parts)


def cmd_validate(args: argparse.Namespace) -> int:
    from pipeline.io import CorpusError, read_corpora

    try:
        docs = read_corpora(args.files)
    except CorpusError as err:
        for problem in err.problems:
            print(problem)
        print(f"{len(err.problems)} problem(s)", file=sys.stderr)
        return 1
    n_ent = sum(len(d.get("entities", [])) for d in docs)
    n_rel = sum(len(d.get("relations", [])) for d in docs)
    print(f"OK: {len(docs)} documents, {n_ent} entities, {n_rel} relations")
    return 0


def cmd_convert(args: argparse.Namespace) -> int:
    """Spec JSONL ⇄ Label Studio JSON export ⇄ doccano JSONL (via pipeline.convert)."""
    from pipeline.convert import read_exchange, write_exchange
    from pipeline.io import read_corpus, write_jsonl

    docs = read_corpus(args.input) if args.source == "jsonl" else read_exchange(args.input, args.source)
    if args.target == "jsonl":
        write_jsonl(docs, args.output)
    else:
        write_exchange(docs, args.output, args.target)
    print(f"{len(docs)} documents: {args.input} ({args.source}) → {args.output} ({args.target})", file=sys.stderr)
    return 0


def cmd_train_segmenter(args: argparse.Namespace) -> int:
    from pipeline.io import read_corpora
    from pipeline.segmenter import train_segmenter

    docs = read_corpora(args.corpus)[: args.limit]
    stats = train_segmenter(docs, args.out, iterations=args.iterations)
    print(json.dumps(stats, ensure_ascii=False))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pipeline",
        description="Extract district-level investment-project facts from Chinese economic news; "
        "check and convert annotated corpora.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    ann = sub.add_parser("annotate", help="extract entities, relations and records from documents")
    ann.add_argument("paths", nargs="+", help=".txt, .jsonl (id, text), .html files, folders or globs")
    ann.add_argument("--out", required=True, type=Path, help="output file (.jsonl, .csv or .parquet)")
    ann.add_argument("--model", help="model folder or saved pipeline (default: models/default)")
    ann.add_argument("--format", choices=("jsonl", "csv", "parquet"), help="default: from the --out suffix")
    ann.add_argument("--batch-size", type=int, default=32, help="documents per batch (default 32)")
    ann.add_argument(
        "--n-process", type=int, help="worker processes (local engine, default 1) or actors (ray, default: one per CPU)"
    )
    ann.add_argument("--resume", action="store_true", help="skip documents whose id is already in the output")
    ann.add_argument("--engine", choices=("local", "ray"), default="local")
    ann.add_argument(
        "--segmenter", choices=("char", "pkuseg", "auto"),
        help="spaCy tokens; not in the output, offsets are exact either way (default: char, the fastest, "
        "or a saved pipeline's own tokenizer)",
    )
    ann.add_argument("--no-progress", action="store_true", help="no progress bar")
    ann.add_argument("--ray-address", help="Ray cluster to join (default: RAY_ADDRESS or a local instance)")
    ann.add_argument("--num-cpus", type=int, help="CPUs of a local Ray instance (default: all)")
    ann.set_defaults(func=cmd_annotate)

    show = sub.add_parser("show", help="print the records of an annotate output (JSONL)")
    show.add_argument("file", type=Path)
    show.set_defaults(func=cmd_show)

    val = sub.add_parser("validate", help="check spec JSONL files; print every problem")
    val.add_argument("files", nargs="+", type=Path, help="JSONL files or folders")
    val.set_defaults(func=cmd_validate)

    conv = sub.add_parser("convert", help="convert between spec JSONL, Label Studio and doccano")
    conv.add_argument("input", type=Path)
    conv.add_argument("output", type=Path)
    conv.add_argument("--from", dest="source", choices=EXCHANGE_FORMATS, default="jsonl")
    conv.add_argument("--to", dest="target", choices=EXCHANGE_FORMATS, default="jsonl")
    conv.set_defaults(func=cmd_convert)

    seg = sub.add_parser("train-segmenter", help="train a pkuseg word segmenter that keeps entity spans whole")
    seg.add_argument("--corpus", nargs="+", required=True, type=Path, help="spec JSONL files with entities")
    seg.add_argument("--out", required=True, type=Path, help="model folder, e.g. models/default/segmenter")
    seg.add_argument("--iterations", type=int, default=5)
    seg.add_argument("--limit", type=int, help="use only the first N documents")
    seg.set_defaults(func=cmd_train_segmenter)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
