# Quick start: `make run` (annotate the bundled sample article) and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
STAMP := $(VENV)/.installed
MODEL ?= models/default
SAMPLE := corpus/samples/seed_huaian_2022q1.txt

.PHONY: install run test lint gold synth train evaluate bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	# CPU build of torch from local disk first, so the project's range does not pull a CUDA build.
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) -m pipeline annotate $(SAMPLE) --model $(MODEL) --out runs/sample.jsonl
	$(PY) -m pipeline show runs/sample.jsonl

test: install
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: install
	$(PY) -m ruff check .

gold: install
	$(PY) -m corpus.build_gold

train: install
	$(PY) train.py --config configs/default.cfg --output $(MODEL)

evaluate: install
	$(PY) evaluate.py --gold corpus/gold/blind5.jsonl --compare rules $(MODEL) --report runs/blind5_report.md
	$(PY) evaluate.py --gold corpus/gold/blind2.jsonl --compare rules $(MODEL) --report runs/blind2_report.md
	$(PY) evaluate.py --gold corpus/gold/blind4.jsonl --compare rules $(MODEL) --report runs/blind4_report.md
	$(PY) evaluate.py --gold corpus/gold/heldout.jsonl --compare rules $(MODEL) --report runs/heldout_report.md
	$(PY) evaluate.py --gold corpus/gold/test.jsonl --compare rules $(MODEL) --report runs/test_report.md

bench: install
	$(PY) benchmarks/bench_annotate.py --model $(MODEL)

clean:
	rm -rf runs build *.egg-info
