"""Session fixtures shared by the pipeline tests: the tiny trained model and pipelines built on it.

Test modules load them with `pytest_plugins = ["tests.fixtures_model"]` (a plugin is registered
once, so the model is trained once per session however many modules ask for it). Set ECON_TEST_MODEL to a
model folder to reuse one instead of training.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TINY_CONFIG = REPO / "configs" / "tiny.cfg"
SEED_TEXT = REPO / "corpus" / "samples" / "seed_huaian_2022q1.txt"


def train_tiny_model(base: Path) -> Path:
    """Train the tiny model under `base`, or return ECON_TEST_MODEL."""
    if os.environ.get("ECON_TEST_MODEL"):
        return Path(os.environ["ECON_TEST_MODEL"])
    out = base / "tiny"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "train.py", "--config", str(TINY_CONFIG), "--output", str(out)]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"training the tiny model failed ({' '.join(cmd)}):\n{done.stderr[-3000:]}")
    return out


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return train_tiny_model(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="session")
def tiny_nlp(tiny_model: Path):
    import pipeline

    return pipeline.load(tiny_model, segmenter="char")


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_TEXT.read_text(encoding="utf-8")
