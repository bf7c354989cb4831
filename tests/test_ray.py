"""`--engine ray` on a local Ray instance: same output lines as the local engine, same formats, resume."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipeline.annotate import annotate
from pipeline.ray_engine import annotate_ray, ensure_ray

pytest_plugins = ["tests.fixtures_model"]  # tiny_model, tiny_nlp, seed_text (trained once per session)
# Ray Data's own context copies trip its deprecation shims; nothing in this project sets those options
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:ray.data.context")


def lines_by_id(path: Path) -> dict[str, dict]:
    return {line["id"]: line for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


@pytest.fixture(scope="module")
def ray_local():
    """One small local Ray instance for the module (2 CPUs, no dashboard), started as the CLI starts it."""
    import ray

    assert ensure_ray(address=None, num_cpus=2)
    yield ray
    ray.shutdown()


def test_ray_engine_matches_local_engine_and_resumes(ray_local, tmp_path: Path, tiny_model: Path, seed_text: str):
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"t{i}.txt").write_text(seed_text[i * 500 : (i + 1) * 500], encoding="utf-8")
    docs = [{"id": "j0", "text": seed_text[1500:2200]}, {"id": "j-bad"}]
    (folder / "docs.jsonl").write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs) + "{oops\n")

    local = tmp_path / "local.jsonl"
    annotate([folder], local, model=tiny_model, progress=False)
    on_ray = tmp_path / "ray.csv"
    first = annotate_ray([folder / "t0.txt", folder / "t1.txt"], on_ray, model=tiny_model, actors=1, progress=False)
    assert (first.documents, first.errors) == (2, 0)
    second = annotate_ray([folder], on_ray, model=tiny_model, actors=1, resume=True, progress=False, batch_size=2)
    assert (second.documents, second.errors) == (4, 2)  # t2, j0, j-bad, docs.jsonl:3

    spool = lines_by_id(tmp_path / "ray.csv.docs.jsonl")
    assert spool == lines_by_id(local)
    table = pd.read_csv(on_ray)
    assert len(table) == sum(len(line.get("records", [])) for line in spool.values())
    assert set(table["id"].astype(str)) <= set(spool)
