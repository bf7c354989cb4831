"""Speed of the deterministic stages: gazetteer load, normalisation and record building.

    python benchmarks/bench_components.py [--repeat 100]

Targets (README): gazetteer load < 0.3 s, normalize > 1M chars/s — measured here, not in tests.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from pipeline import gazetteer
from pipeline.io import read_corpus
from pipeline.normalize import normalize
from pipeline.records import build_records

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    gazetteer.district_names()
    gazetteer.match_districts("淮安市")
    load_s = time.perf_counter() - started

    sample = (ROOT / "corpus" / "samples" / "seed_huaian_2022q1.txt").read_text(encoding="utf-8")
    text = sample * args.repeat
    started = time.perf_counter()
    normalize(text)
    norm_rate = len(text) / (time.perf_counter() - started)

    gold = read_corpus(ROOT / "corpus" / "gold" / "test.jsonl")
    chars = sum(len(d["text"]) for d in gold) * 20
    started = time.perf_counter()
    for _ in range(20):
        for doc in gold:
            build_records(doc)
    record_rate = chars / (time.perf_counter() - started)
    print(json.dumps({"gazetteer_load_s": round(load_s, 3), "normalize_chars_per_s": round(norm_rate),
                      "records_chars_per_s": round(record_rate)}, indent=1))


if __name__ == "__main__":
    main()
