"""Masked-language-model pre-training of a from-scratch encoder on the project's own (normalised) text.

No pretrained Chinese encoder can be downloaded on the training machine, so the shipped model's encoder
first learns character statistics here.  The output layer is tied to the input embeddings and restricted
to the characters that occur in the pre-training text: predicting a character the text never contains
teaches nothing, and scoring only the occurring ones makes each step several times cheaper than a softmax
over the whole 30,000-character vocabulary.  State is checkpointed so an interrupted stage resumes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from torch import nn
from tqdm import tqdm
from transformers import PreTrainedModel, get_linear_schedule_with_warmup

from models.config import PretrainConfig
from models.vocab import CharVocab
from pipeline.normalize import normalize

STATE = "pretrain_state.pt"
DONE = "pretrained"
SUMMARY = "pretrain_summary.json"


class MaskedLMHead(nn.Module):
    """BERT's MLM transform, decoding into the rows of the (tied) embedding matrix for `output_ids`."""

    def __init__(self, hidden: int, output_ids: torch.Tensor):
        super().__init__()
        self.register_buffer("output_ids", output_ids, persistent=False)
        self.transform = nn.Sequential(nn.Linear(hidden, hidden), nn.GELU(), nn.LayerNorm(hidden))
        self.bias = nn.Parameter(torch.zeros(len(output_ids)))

    def forward(self, states: torch.Tensor, embeddings: torch.Tensor) -> torch.Tensor:
        """Scores of the output characters; `embeddings` is the encoder's input embedding matrix."""
        return self.transform(states) @ embeddings[self.output_ids].T + self.bias


def token_stream(texts: list[str], vocab: CharVocab) -> np.ndarray:
    """All texts normalised, encoded and joined with [SEP]."""
    parts = []
    for text in texts:
        parts.append(vocab.encode(normalize(text).text).astype(np.int64))
        parts.append(np.array([vocab.sep_id], dtype=np.int64))
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


class Masker:
    """Draws random crops of the stream and masks them BERT-style (80 % [MASK], 10 % random, 10 % kept)."""

    def __init__(self, stream: np.ndarray, vocab: CharVocab, cfg: PretrainConfig, output_ids: np.ndarray):
        self.stream, self.vocab, self.cfg = stream, vocab, cfg
        self.output_ids = output_ids
        self.to_output = np.full(len(vocab), -100, dtype=np.int64)
        self.to_output[output_ids] = np.arange(len(output_ids))
        self.rng = np.random.default_rng(cfg.seed)

    def batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        cfg, rng = self.cfg, self.rng
        length = min(cfg.seq_len, len(self.stream))
        starts = rng.integers(0, len(self.stream) - length + 1, size=cfg.batch_size)
        crops = np.stack([self.stream[s : s + length] for s in starts])
        labels = self.to_output[crops]
        chosen = (rng.random(crops.shape) < cfg.mask_prob) & (labels >= 0)
        labels = np.where(chosen, labels, -100)
        roll = rng.random(crops.shape)
        inputs = crops.copy()
        inputs[chosen & (roll < 0.8)] = self.vocab.mask_id
        random_sites = chosen & (roll >= 0.8) & (roll < 0.9)
        inputs[random_sites] = rng.choice(self.output_ids, size=int(random_sites.sum()))
        cls = np.full((len(crops), 1), self.vocab.cls_id)
        sep = np.full((len(crops), 1), self.vocab.sep_id)
        ignore = np.full((len(crops), 1), -100)
        return (torch.from_numpy(np.hstack([cls, inputs, sep])),
                torch.from_numpy(np.hstack([ignore, labels, ignore])))


def pretrain(encoder: PreTrainedModel, vocab: CharVocab, texts: list[str], cfg: PretrainConfig, work_dir: Path,
             progress: bool = True) -> dict:
    """Pre-train `encoder` in place; resumes from `work_dir` and records completion there.

    Returns a summary (steps, final masked-token accuracy and loss, minutes).
    """
    work_dir.mkdir(parents=True, exist_ok=True)
    done = work_dir / DONE
    if (done / SUMMARY).is_file():
        encoder.load_state_dict(load_file(str(done / "model.safetensors")))
        summary = json.loads((done / SUMMARY).read_text(encoding="utf-8"))
        print(f"pretrain: already done ({summary['steps']} steps), reusing {done}")
        return summary
    stream = token_stream(texts, vocab)
    if len(stream) < 2:
        raise ValueError("pretrain: the training texts are empty; nothing to pre-train on")
    output_ids = np.unique(stream)
    specials = [vocab.pad_id, vocab.unk_id, vocab.cls_id, vocab.sep_id, vocab.mask_id]
    output_ids = output_ids[~np.isin(output_ids, specials)]
    head = MaskedLMHead(encoder.config.hidden_size, torch.from_numpy(output_ids))
    masker = Masker(stream, vocab, cfg, output_ids)
    params = [p for p in list(encoder.parameters()) + list(head.parameters()) if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    optimizer = torch.optim.AdamW([{"params": decay, "weight_decay": cfg.weight_decay},
                                   {"params": no_decay, "weight_decay": 0.0}], lr=cfg.lr)
    schedule = get_linear_schedule_with_warmup(optimizer, min(cfg.warmup_steps, cfg.steps // 2), cfg.steps)
    step, elapsed = 0, 0.0
    state_path = work_dir / STATE
    if state_path.is_file():
        state = torch.load(state_path, weights_only=False)
        encoder.load_state_dict(state["encoder"])
        head.load_state_dict(state["head"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        masker.rng.bit_generator.state = state["rng"]
        torch.set_rng_state(state["torch_rng"])
        step, elapsed = state["step"], state["elapsed"]
        print(f"pretrain: resuming at step {step} of {cfg.steps}")
    else:
        torch.manual_seed(cfg.seed)
    print(f"pretrain: {len(stream):,} characters, {len(output_ids):,} distinct output characters")

    def save_state() -> None:
        torch.save({"encoder": encoder.state_dict(), "head": head.state_dict(), "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(), "rng": masker.rng.bit_generator.state,
                    "torch_rng": torch.get_rng_state(), "step": step, "elapsed": elapsed}, state_path)

    encoder.train()
    head.train()
    started = time.monotonic() - elapsed
    bar = tqdm(total=cfg.steps, initial=step, desc="pretrain", disable=not progress, dynamic_ncols=True)
    loss_avg = acc_avg = None
    while step < cfg.steps:
        inputs, labels = masker.batch()
        states = encoder(input_ids=inputs).last_hidden_state
        sites = labels >= 0
        logits = head(states[sites], encoder.get_input_embeddings().weight)
        loss = nn.functional.cross_entropy(logits, labels[sites])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        step += 1
        acc = (logits.argmax(-1) == labels[sites]).float().mean().item()
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        acc_avg = acc if acc_avg is None else 0.98 * acc_avg + 0.02 * acc
        bar.update(1)
        bar.set_postfix(loss=f"{loss_avg:.3f}", acc=f"{acc_avg:.3f}")
        elapsed = time.monotonic() - started
        if step % cfg.checkpoint_every == 0:
            save_state()
        if cfg.max_minutes and elapsed > cfg.max_minutes * 60:
            print(f"pretrain: time budget of {cfg.max_minutes} minutes reached at step {step}")
            break
    bar.close()
    encoder.eval()
    summary = {"steps": step, "loss": loss_avg, "masked_accuracy": acc_avg, "minutes": elapsed / 60}
    encoder.save_pretrained(str(done))
    vocab.save(done / "vocab.txt")
    (done / SUMMARY).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    state_path.unlink(missing_ok=True)
    return summary
