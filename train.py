"""Train the district investment-project extractor.

    python train.py --config configs/default.cfg [--output models/default]
    python train.py --config configs/tiny.cfg --output /tmp/tiny --training.epochs 2
    python train.py --config configs/default.cfg --init-from models/default --train new.json \\
        --output models/adapted          # fine-tune on new articles (spec JSONL or a Label Studio export)

Any config key can be overridden as --section.key VALUE (VALUE is read as JSON when it parses:
2, 1e-3, true, null, ["a.jsonl","b.jsonl"]).  Re-running an interrupted command resumes it from
OUTPUT/checkpoints/; --restart discards that state.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from models.config import ConfigError, load_config, parse_override_value
from models.extractor import ModelDirError
from models.vocab import VocabError
from pipeline.io import CorpusError


def parse_args(argv: list[str] | None) -> tuple[argparse.Namespace, dict]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--config", required=True, help="a .cfg file (see configs/)")
    parser.add_argument("--output", default=None, help="model directory to write (default: runs/<config name>)")
    parser.add_argument("--init-from", default=None, help="fine-tune this trained model directory")
    parser.add_argument("--train", nargs="+", default=None, help="training files (override [paths] train)")
    parser.add_argument("--dev", nargs="+", default=None, help="dev files (override [paths] dev)")
    parser.add_argument("--restart", action="store_true", help="discard an interrupted run's state in OUTPUT")
    parser.add_argument("--keep-checkpoints", action="store_true", help="keep OUTPUT/checkpoints/ (the pre-trained "
                        "encoder among them) after training")
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads (default: torch's choice)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bars")
    args, rest = parser.parse_known_args(argv)
    overrides: dict = {}
    i = 0
    while i < len(rest):
        key = rest[i]
        if not key.startswith("--") or "." not in key or i + 1 >= len(rest):
            parser.error(f"unrecognised argument {key!r}: overrides look like --section.key VALUE")
        overrides[key[2:]] = parse_override_value(rest[i + 1])
        i += 2
    if args.train:
        overrides["paths.train"] = args.train
    if args.dev:
        overrides["paths.dev"] = args.dev
    return args, overrides


def main(argv: list[str] | None = None) -> int:
    args, overrides = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    try:
        cfg = load_config(args.config, overrides)
        from models.trainer import Trainer  # after the config check: importing transformers takes a second

        output = args.output or f"runs/{Path(args.config).stem}"
        trainer = Trainer(cfg, output, init_from=args.init_from, restart=args.restart,
                          keep_checkpoints=args.keep_checkpoints, progress=not args.no_progress)
        trainer.run()
    except (ConfigError, CorpusError, ModelDirError, VocabError, FileNotFoundError) as err:
        print(f"train.py: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
