"""Training runs: optional MLM pre-training, supervised training with early stopping on the dev score,
and fine-tuning of a trained model on new documents with replay of its original training data.

The output directory always holds the best model so far (loadable with Extractor.load); its
``checkpoints/`` folder holds what an interrupted run needs to resume exactly where it stopped (same
command again).  The dev score is the mean of entity micro-F1 and end-to-end relation F1, as scored by
pipeline.scoring.
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from models.config import ConfigError, RunConfig
from models.data import FeaturizeStats, batches, collate, drop_lexicon, featurize, file_hash, load_corpus
from models.encoder import build_encoder
from models.extractor import Extractor, ModelDirError
from models.pretrain import pretrain
from models.vocab import CharVocab
from pipeline.io import write_jsonl
from pipeline.normalize import normalize

CHECKPOINTS = "checkpoints"
#: share of [UNK] characters above which a pretrained encoder's vocabulary is refused
MAX_UNKNOWN_RATE = 0.05
STATE = "train_state.pt"
RUN_CONFIG = "config.cfg"


class BudgetSchedule:
    """Linear warm-up, then linear decay of every group's learning rate to zero when the planned steps or the
    time budget ([training] max_minutes) runs out, whichever comes first (the budget's end is projected from
    the speed so far).

    A run that the budget stops inside an epoch thus still ends annealed (learning rate zero) instead of
    wherever a step schedule had got to; a run that finishes its epochs within the budget follows the usual
    step schedule (transformers' linear schedule with warm-up) exactly."""

    def __init__(self, optimizer: torch.optim.Optimizer, warmup_steps: int, total_steps: int,
                 budget_seconds: float | None):
        self.optimizer = optimizer
        self.base_lrs = [group["lr"] for group in optimizer.param_groups]
        self.warmup, self.total, self.budget = warmup_steps, total_steps, budget_seconds
        self.steps = 0
        self._apply(self.factor(0.0))

    def factor(self, elapsed: float) -> float:
        """Learning-rate multiplier after `self.steps` steps and `elapsed` seconds."""
        if self.steps < self.warmup:
            return self.steps / self.warmup
        end = float(self.total)
        if self.budget and elapsed > 0:  # the step at which the budget runs out, at the speed so far
            end = min(end, self.steps * self.budget / elapsed)
        return max(0.0, (end - self.steps) / max(1.0, end - self.warmup))

    def step(self, elapsed: float) -> None:
        self.steps += 1
        self._apply(self.factor(elapsed))

    def _apply(self, factor: float) -> None:
        for group, base in zip(self.optimizer.param_groups, self.base_lrs, strict=True):
            group["lr"] = base * factor

    def state_dict(self) -> dict:
        return {"steps": self.steps, "base_lrs": self.base_lrs}

    def load_state_dict(self, state: dict) -> None:
        self.steps, self.base_lrs = state["steps"], state["base_lrs"]


def set_seeds(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def dev_score(scores: dict) -> float:
    """Model-selection score: mean of entity micro-F1 and end-to-end relation F1."""
    return (scores["entities"]["micro"]["f"] + scores["relations"]["end_to_end"]["f"]) / 2


def evaluate(model: Extractor, docs: list[dict], batch_size: int) -> dict:
    """Spec-section-6 scores of `model` on gold `docs` (pipeline.scoring), relations given gold entities too."""
    from pipeline.scoring import predict_documents, score_documents

    pred, given = predict_documents(model, docs, batch_size=batch_size)
    return score_documents(docs, pred, given)


#: sources whose edits change what corpus.generate writes
GENERATOR_SOURCES = ("corpus/generate.py", "corpus/templates.py", "corpus/templates_prose.py", "pipeline/gazetteer.py")


def generator_stamp(cfg: RunConfig) -> dict:
    """What the synthetic corpus was generated from: size, seed and a hash of the generator's code."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(b"".join((root / p).read_bytes() for p in GENERATOR_SOURCES)).hexdigest()
    return {"n": cfg.synth.n, "seed": cfg.synth.seed, "generator_sha256": digest}


def ensure_synth(cfg: RunConfig) -> None:
    """Write the synthetic corpus (corpus.generate) when the config names one that does not exist yet, or
    one generated with another size, seed or generator version (its stamp sits beside it, ``.stamp.json``)."""
    if not cfg.paths.synth:
        return
    path, stamp = Path(cfg.paths.synth), generator_stamp(cfg)
    stamp_path = path.with_name(path.name + ".stamp.json")
    if path.exists() and stamp_path.exists() and json.loads(stamp_path.read_text(encoding="utf-8")) == stamp:
        return
    from corpus.generate import generate_documents

    print(f"generating {cfg.synth.n} synthetic documents (seed {cfg.synth.seed}) → {cfg.paths.synth}")
    write_jsonl(generate_documents(cfg.synth.n, cfg.synth.seed), path)
    stamp_path.write_text(json.dumps(stamp) + "\n", encoding="utf-8")


def train_entries(cfg: RunConfig) -> list[str]:
    entries = list(cfg.paths.train)
    if cfg.paths.synth and cfg.paths.synth not in entries:
        entries.append(cfg.paths.synth)
    return entries


def corpus_record(entries: list[str]) -> list[dict]:
    return [{"path": e, "sha256": file_hash(e)} for e in entries]


@dataclass
class RunState:
    """Everything besides model and optimiser that an interrupted run needs to continue identically."""

    epoch: int = 0
    batch: int = 0
    step: int = 0
    best: float = -1.0
    bad_epochs: int = 0
    elapsed: float = 0.0
    baseline: dict | None = None
    history: list[dict] = field(default_factory=list)


class Trainer:
    """One run of train.py: build or load the model, train, select, save."""

    def __init__(self, cfg: RunConfig, output: str | Path, init_from: str | Path | None = None,
                 restart: bool = False, keep_checkpoints: bool = False, progress: bool = True):
        self.cfg = cfg
        self.output = Path(output)
        self.init_from = Path(init_from) if init_from else None
        self.work = self.output / CHECKPOINTS
        self.keep_checkpoints = keep_checkpoints
        self.progress = progress
        if self.init_from and not (self.init_from / "extractor.json").is_file():
            raise ModelDirError(f"{self.init_from}: no model directory here (--init-from needs a directory written "
                                "by train.py, e.g. models/default)")
        if restart and self.work.exists():
            shutil.rmtree(self.work)
        self._claim_work_dir()

    def _claim_work_dir(self) -> None:
        """Refuse to resume a run that had another config: its state would not fit this one."""
        self.work.mkdir(parents=True, exist_ok=True)
        config_path = self.work / RUN_CONFIG
        text = self.cfg.to_str() + f"\n# init_from: {self.init_from}\n"
        if config_path.is_file() and config_path.read_text(encoding="utf-8") != text:
            raise ConfigError(f"{self.work} holds an unfinished run with a different config or --init-from; "
                              "pass --restart to discard it, or choose another --output")
        config_path.write_text(text, encoding="utf-8")

    # ---- setup -----------------------------------------------------------------------------------

    def _scratch_model(self, train_docs: list[dict]) -> tuple[Extractor, dict | None]:
        cfg = self.cfg
        if cfg.encoder.name_or_path:
            vocab = CharVocab.from_pretrained(cfg.encoder.name_or_path)
            self._check_vocabulary(vocab, train_docs, cfg.encoder.name_or_path)
        else:
            vocab = CharVocab.enumerated()
        set_seeds(cfg.training.seed)
        encoder = build_encoder(cfg.encoder, len(vocab), vocab.pad_id)
        summary = None
        if not cfg.encoder.name_or_path and cfg.pretrain.steps > 0:
            texts = list(dict.fromkeys(d["text"] for d in train_docs))  # repeated documents once
            summary = pretrain(encoder, vocab, texts, cfg.pretrain, self.work, self.progress)
        set_seeds(cfg.training.seed)
        model = Extractor(encoder, vocab, cfg.model.entity_labels, cfg.model, cfg.training.window,
                          cfg.training.stride)
        return model, summary

    @staticmethod
    def _check_vocabulary(vocab: CharVocab, docs: list[dict], source: str) -> None:
        """Refuse an encoder whose vocabulary is not character-level for this text (most characters → [UNK])."""
        sample = "".join(d["text"] for d in docs[:200])
        rate = vocab.unknown_rate(normalize(sample).text)
        if rate > MAX_UNKNOWN_RATE:
            raise ConfigError(f"[encoder] {source}: {rate:.0%} of the training characters are not in its vocabulary; "
                              "use a character-level Chinese encoder (BERT/RoBERTa-wwm/MacBERT/ELECTRA Chinese)")

    def _replay_docs(self, model: Extractor) -> tuple[list[dict], list[str]]:
        """A fixed sample of the original training documents of the --init-from model."""
        record = self.init_from / "corpus.json"
        saved = json.loads(record.read_text(encoding="utf-8"))["train"] if record.is_file() else []
        entries = [e["path"] for e in saved]
        present = [e for e in entries if Path(e.removeprefix("doccano:")).is_file()]
        if not present:
            print(f"warning: none of the training files of {self.init_from} exist here ({entries}); fine-tuning "
                  "without replay may lower the existing dev score")
            return [], []
        docs = load_corpus(present, model.entity_labels, self.cfg.training.ignore_labels)
        rng = random.Random(self.cfg.training.seed)
        sample = rng.sample(docs, min(self.cfg.finetune.replay_docs, len(docs)))
        return sample, present

    # ---- run -------------------------------------------------------------------------------------

    def run(self) -> dict:
        cfg = self.cfg
        started = time.monotonic()
        pretrain_summary = None
        if self.init_from:
            model = Extractor.load(self.init_from, runtime="transformers")  # trainable encoder
            new_docs = load_corpus(cfg.paths.train, model.entity_labels, cfg.training.ignore_labels)
            replay, replay_entries = self._replay_docs(model)
            train_docs = new_docs * cfg.finetune.new_doc_repeat + replay
            entries = list(cfg.paths.train) + replay_entries
            epochs, lr, head_lr = cfg.finetune.epochs, cfg.finetune.lr, cfg.finetune.head_lr
            print(f"fine-tuning {self.init_from} on {len(new_docs)} new documents (×{cfg.finetune.new_doc_repeat}) "
                  f"+ {len(replay)} replayed ones")
        else:
            ensure_synth(cfg)
            entries = train_entries(cfg)
            new_docs = []
            train_docs = load_corpus(entries, cfg.model.entity_labels, cfg.training.ignore_labels, cfg.paths.repeat)
            model, pretrain_summary = self._scratch_model(train_docs)
            epochs, lr, head_lr = cfg.training.epochs, cfg.training.lr, cfg.training.head_lr
        dev_docs = load_corpus(cfg.paths.dev, model.entity_labels, cfg.training.ignore_labels)
        corpus = {"train": corpus_record(entries), "dev": corpus_record(cfg.paths.dev)}
        set_seeds(cfg.training.seed)
        dataset, stats = featurize(model, train_docs, cfg.training.chunk_windows)
        print(f"training data: {stats.describe()}")
        state = self._fit(model, dataset, dev_docs, new_docs, epochs, lr, head_lr, corpus, stats, pretrain_summary)
        best = Extractor.load(self.output)  # the saved weights (float16 when so configured), as users get them
        final = evaluate(best, dev_docs, cfg.training.eval_batch_size)
        metrics = self._metrics(final, state, stats, pretrain_summary, time.monotonic() - started)
        self._write_card(best, metrics, corpus)
        if not self.keep_checkpoints:
            shutil.rmtree(self.work, ignore_errors=True)
        print(f"done in {metrics['minutes']:.1f} min: dev entity F1 {metrics['dev']['entities']['micro']['f']:.4f}, "
              f"relation F1 {metrics['dev']['relations']['end_to_end']['f']:.4f}, "
              f"record F1 {metrics['dev']['records']['strict']['f']:.4f} → {self.output}")
        return metrics

    def _optimizer(self, model: Extractor, lr: float, head_lr: float) -> torch.optim.Optimizer:
        groups: dict[tuple[float, float], list] = {}
        for name, param in model.named_parameters():
            rate = lr if name.startswith("encoder.") else head_lr
            decay = self.cfg.training.weight_decay if param.dim() >= 2 else 0.0
            groups.setdefault((rate, decay), []).append(param)
        return torch.optim.AdamW([{"params": ps, "lr": r, "weight_decay": d} for (r, d), ps in groups.items()])

    def _fit(self, model: Extractor, dataset, dev_docs: list[dict], new_docs: list[dict], epochs: int, lr: float,
             head_lr: float, corpus: dict, stats: FeaturizeStats, pretrain_summary: dict | None) -> RunState:
        tr = self.cfg.training
        window_counts = [len(w) for w in dataset["win_start"]]
        plans = [batches(window_counts, np.random.default_rng(tr.seed + e).permutation(len(dataset)).tolist(),
                         tr.batch_size) for e in range(epochs)]
        optimizer = self._optimizer(model, lr, head_lr)
        total = max(1, sum(len(p) for p in plans))
        schedule = BudgetSchedule(optimizer, int(tr.warmup_ratio * total), total,
                                  tr.max_minutes * 60 if tr.max_minutes else None)
        state = self._resume(model, optimizer, schedule)
        if state is None:
            state = RunState()
            if self.init_from:  # the starting model is the candidate to beat; the dev score must not fall below it
                state.baseline = self._score(model, dev_docs, new_docs)
                state.best = state.baseline["selection"]
                self._save_best(model, state, corpus, stats, pretrain_summary, state.baseline)
                print(f"starting point: dev score {state.baseline['dev_score']:.4f}")
        n_labels = len(model.entity_labels)
        clock = time.monotonic() - state.elapsed
        stop = False
        while state.epoch < epochs and not stop:
            model.train()
            plan = plans[state.epoch]
            bar = tqdm(total=len(plan), initial=state.batch, desc=f"epoch {state.epoch + 1}/{epochs}",
                       disable=not self.progress, dynamic_ncols=True)
            running = None
            while state.batch < len(plan):
                losses = model.loss(drop_lexicon(collate(dataset[plan[state.batch]], n_labels), tr.lexicon_dropout))
                loss = losses["tags"] + tr.relation_weight * losses["relations"] + tr.target_weight * losses["target"]
                optimizer.zero_grad(set_to_none=True)
                loss.backward()
                torch.nn.utils.clip_grad_norm_(model.parameters(), tr.grad_clip)
                optimizer.step()
                state.elapsed = time.monotonic() - clock
                schedule.step(state.elapsed)
                state.batch += 1
                state.step += 1
                values = {k: v.item() for k, v in losses.items()}
                running = values if running is None else {k: 0.95 * running[k] + 0.05 * values[k] for k in values}
                bar.update(1)
                bar.set_postfix({k: f"{v:.3f}" for k, v in running.items()})
                if tr.checkpoint_every and state.step % tr.checkpoint_every == 0:
                    self._save_state(model, optimizer, schedule, state)
                if tr.max_minutes and state.elapsed > tr.max_minutes * 60:
                    print(f"\ntime budget of {tr.max_minutes} minutes reached in epoch {state.epoch + 1}")
                    stop = True
                    break
            bar.close()
            scores = self._score(model, dev_docs, new_docs)
            state.epoch += 1
            state.batch = 0
            eligible = state.baseline is None or (
                scores["dev_score"] >= state.baseline["dev_score"] - self.cfg.finetune.max_dev_drop)
            improved = eligible and scores["selection"] > state.best
            state.history.append({"epoch": state.epoch, "step": state.step, "minutes": state.elapsed / 60,
                                  "loss": running, **{k: scores[k] for k in ("dev_score", "selection")},
                                  "entity_f1": scores["dev"]["entities"]["micro"]["f"],
                                  "relation_f1": scores["dev"]["relations"]["end_to_end"]["f"]})
            print(f"epoch {state.epoch}: dev entity F1 {state.history[-1]['entity_f1']:.4f}, relation F1 "
                  f"{state.history[-1]['relation_f1']:.4f}, score {scores['dev_score']:.4f}"
                  + (" (best so far, saved)" if improved else "" if eligible else " (dev drop too large, not kept)"))
            if improved:
                state.best = scores["selection"]
                state.bad_epochs = 0
                self._save_best(model, state, corpus, stats, pretrain_summary, scores)
            else:
                state.bad_epochs += 1
            self._save_state(model, optimizer, schedule, state)
            if state.bad_epochs >= tr.patience:
                print(f"early stop: no better dev score for {tr.patience} epochs")
                break
        if state.best < 0:
            raise RuntimeError("training ended before any epoch was evaluated; raise [training] max_minutes")
        return state

    def _score(self, model: Extractor, dev_docs: list[dict], new_docs: list[dict]) -> dict:
        """Dev scores; when fine-tuning, selection also rewards fitting the new documents."""
        dev = evaluate(model, dev_docs, self.cfg.training.eval_batch_size)
        out = {"dev": dev, "dev_score": dev_score(dev)}
        if new_docs:
            out["new_docs_score"] = dev_score(evaluate(model, new_docs, self.cfg.training.eval_batch_size))
            out["selection"] = (out["dev_score"] + out["new_docs_score"]) / 2
        else:
            out["selection"] = out["dev_score"]
        return out

    # ---- persistence -----------------------------------------------------------------------------

    def _save_best(self, model: Extractor, state: RunState, corpus: dict, stats: FeaturizeStats,
                   pretrain_summary: dict | None, scores: dict) -> None:
        metrics = self._metrics(scores["dev"], state, stats, pretrain_summary, state.elapsed)
        model.save(self.output, dtype=self.cfg.training.save_dtype,
                   extra={RUN_CONFIG: self.cfg.to_str(), "corpus.json": corpus, "metrics.json": metrics})

    def _metrics(self, dev: dict, state: RunState, stats: FeaturizeStats, pretrain_summary: dict | None,
                 seconds: float) -> dict:
        return {"dev": dev, "dev_score": dev_score(dev), "epochs_run": state.epoch, "steps": state.step,
                "history": state.history, "baseline_dev_score": state.baseline["dev_score"] if state.baseline else None,
                "init_from": str(self.init_from) if self.init_from else None, "training_data": stats.describe(),
                "pretrain": pretrain_summary, "minutes": seconds / 60, "torch_threads": torch.get_num_threads()}

    def _save_state(self, model: Extractor, optimizer, schedule, state: RunState) -> None:
        tmp = self.work / (STATE + ".tmp")
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
                    "run": state.__dict__, "torch_rng": torch.get_rng_state()}, tmp)
        tmp.replace(self.work / STATE)  # atomic: an interruption while saving keeps the previous state

    def _resume(self, model: Extractor, optimizer, schedule) -> RunState | None:
        path = self.work / STATE
        if not path.is_file():
            return None
        saved = torch.load(path, weights_only=False)
        model.load_state_dict(saved["model"])
        optimizer.load_state_dict(saved["optimizer"])
        schedule.load_state_dict(saved["schedule"])
        torch.set_rng_state(saved["torch_rng"])
        state = RunState(**saved["run"])
        print(f"resuming after step {state.step} (epoch {state.epoch + 1}, batch {state.batch})")
        return state

    def _write_card(self, model: Extractor, metrics: dict, corpus: dict) -> None:
        (self.output / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=1), encoding="utf-8")
        card = model_card(model, metrics, corpus, self.cfg, self.output)
        (self.output / "README.md").write_text(card, encoding="utf-8")


def model_card(model: Extractor, metrics: dict, corpus: dict, cfg: RunConfig, path: Path) -> str:
    """A short model card: what the model does, how it was trained, what it scored on dev."""
    enc = model.encoder.config
    dev = metrics["dev"]
    rows = "\n".join(f"| {label} | {s['p']:.4f} | {s['r']:.4f} | {s['f']:.4f} | {s['support']} |"
                     for label, s in dev["entities"]["per_label"].items())
    files = "\n".join(f"- `{c['path']}` sha256 `{c['sha256'][:16]}…`" for c in corpus["train"] + corpus["dev"])
    pretrain_steps = (metrics.get("pretrain") or {}).get("steps", 0)
    source = cfg.encoder.name_or_path or (f"trained from scratch ({enc.model_type}, hidden {enc.hidden_size}, "
                                          f"{enc.num_hidden_layers} layers), MLM pre-trained {pretrain_steps} "
                                          "steps on the training text")
    return f"""# District investment-project extractor

Character-level encoder with heads for the seven entity labels of `shared/spec/annotation.md`
(BIOES, {model.cfg.tagger} decoding with the scheme's constraints), the `target` attribute of
COUNT/MONEY/PERCENT, and the seven relation labels (pooled span states + distance features, pairs
limited to the spec's type combinations).  Documents longer than {model.window} characters are read in
overlapping windows (stride {model.stride}) whose states are stitched before decoding.

- Encoder: {source}
- Vocabulary: {len(model.vocab)} characters (whole CJK blocks enumerated, `vocab.txt`)
- Lexicon (gazetteer) features: {'on' if model.cfg.lexicon else 'off'}
- Weights: `model.safetensors` ({cfg.training.save_dtype}); training config: `config.cfg`
- Trained {metrics['epochs_run']} epochs, {metrics['steps']} steps, {metrics['minutes']:.1f} minutes
  ({metrics['torch_threads']} threads){f"; fine-tuned from `{metrics['init_from']}`" if metrics['init_from'] else ''}

## Dev scores (saved weights)

Entity micro-F1 {dev['entities']['micro']['f']:.4f} · relation F1 end to end
{dev['relations']['end_to_end']['f']:.4f} · record tuple F1 {dev['records']['strict']['f']:.4f}

| label | P | R | F1 | support |
|---|---|---|---|---|
{rows}

## Data

{files}

## Use

```python
from models.extractor import Extractor, ModelDirError
model = Extractor.load("{path}")
model.predict(["…article text…"])  # [{{"entities": [...], "relations": [...]}}]
```

Limits: trained on the project's gold and synthetic articles; scores on other news styles are unknown.
"""

