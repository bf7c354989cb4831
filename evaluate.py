"""Score a model, an existing annotation output or several systems against a gold set (spec section 6).

    python evaluate.py --gold corpus/gold/test.jsonl [--model models/default] [--json OUT] [--report OUT.md]
    python evaluate.py --gold corpus/gold --pred annotated.jsonl --report errors.md
    python evaluate.py --gold corpus/gold/test.jsonl --compare rules models/default [annotated.jsonl]

`rules` names the rule-based baseline (models/rule_baseline.py). Gold files are validated first;
a gold set with errors is refused with every error listed (exit status 2).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pipeline.io import CorpusError, read_corpora
from pipeline.report import render_comparison, render_html, render_markdown
from pipeline.scoring import (
    PredictionError,
    align_predictions,
    bootstrap_ci,
    compare_documents,
    predict_documents,
    read_predictions,
    summarize,
)

DEFAULT_MODEL = "models/default"


def load_system(name: str) -> object:
    """`rules` → the rule baseline; anything else → a saved Extractor directory."""
    if name == "rules":
        from models.rule_baseline import RuleBaseline

        return RuleBaseline()
    if not Path(name).is_dir():
        raise FileNotFoundError(f"{name}: no such model directory (train one with train.py, or use 'rules')")
    from models.extractor import Extractor

    return Extractor.load(name)


def evaluate_system(name: str, gold: list[dict], args: argparse.Namespace) -> tuple[dict, list]:
    """Scores (with bootstrap intervals under 'ci') and per-document comparisons of one system."""
    if name == args.pred or name.endswith(".jsonl"):
        pred_docs, failures = read_predictions(name)
        for failure in failures:
            print(f"scored as an empty prediction: {failure}", file=sys.stderr)
        pred, given = align_predictions(gold, pred_docs, name), None
    else:
        pred, given = predict_documents(load_system(name), gold, batch_size=args.batch_size)
        if given is None:
            print(f"{name}: no predict_relations, relations on gold entities not scored", file=sys.stderr)
    comparisons = compare_documents(gold, pred, given)
    scores = summarize(comparisons)
    scores["ci"] = bootstrap_ci(comparisons, resamples=args.bootstrap, seed=args.seed)
    return scores, comparisons


def write_html(folder: Path, comparisons: list) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i, comp in enumerate(comparisons):
        name = str(comp.gold.get("id", i)).replace("/", "_")
        (folder / f"{name}.html").write_text(render_html(comp), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gold", nargs="+", required=True, help="gold JSONL files or folders of *.jsonl")
    parser.add_argument("--model", help=f"model directory or 'rules' (default {DEFAULT_MODEL})")
    parser.add_argument("--pred", help="existing annotation output (python -m pipeline annotate) to score as is")
    parser.add_argument(
        "--compare",
        nargs="+",
        default=[],
        metavar="SYSTEM",
        help="score side by side: model directories, 'rules', annotation outputs (*.jsonl); --model/--pred join them",
    )
    parser.add_argument("--json", type=Path, help="write the scores as JSON here")
    parser.add_argument("--report", type=Path, help="write the Markdown error report here")
    parser.add_argument("--html", type=Path, help="write one displacy HTML page per gold document into this folder")
    parser.add_argument("--bootstrap", type=int, default=1000, help="document resamples for the 95%% intervals")
    parser.add_argument("--seed", type=int, default=0, help="seed of the bootstrap resampling")
    parser.add_argument("--batch-size", type=int, default=8)
    args = parser.parse_args(argv)

    try:
        gold = read_corpora(args.gold)
    except CorpusError as err:
        print(f"gold set refused, {len(err.problems)} problem(s):", *err.problems, sep="\n", file=sys.stderr)
        return 2
    except FileNotFoundError as err:
        print(err, file=sys.stderr)
        return 2
    if not gold:
        print(f"no gold documents in {' '.join(args.gold)}", file=sys.stderr)
        return 2
    named = [*args.compare, *(x for x in (args.model, args.pred) if x)]
    systems = list(dict.fromkeys(named)) or [DEFAULT_MODEL]
    side_by_side = len(systems) > 1 or bool(args.compare)
    results = {}
    try:
        for name in systems:
            results[name] = evaluate_system(name, gold, args)
    except CorpusError as err:
        print(f"{name}: predictions refused:", *err.problems, sep="\n", file=sys.stderr)
        return 2
    except (FileNotFoundError, PredictionError) as err:
        print(err, file=sys.stderr)
        return 2

    print(render_comparison({name: (scores, scores["ci"]) for name, (scores, _) in results.items()}), end="")
    if args.json:
        payload = {n: s for n, (s, _) in results.items()} if side_by_side else results[systems[0]][0]
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")
    if args.report:
        parts = [render_markdown(s, comps, title=f"Evaluation of {n}") for n, (s, comps) in results.items()]
        if side_by_side:
            table = render_comparison({n: (s, s["ci"]) for n, (s, _) in results.items()})
            parts.insert(0, f"# Comparison (micro F1, 95% bootstrap interval over documents)\n\n{table}")
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text("\n".join(parts), encoding="utf-8")
    if args.html:
        for name, (_, comps) in results.items():
            write_html(args.html / Path(name).name if side_by_side else args.html, comps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
