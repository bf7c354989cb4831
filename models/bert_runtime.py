"""Inference-only BERT encoder in plain torch that loads the state dict of transformers' `BertModel`.

Why: importing transformers' modelling code costs 2-3 s on a cold start (torch.distributed, torch._dynamo,
sympy, scipy via its losses and quantizers), far more than reading the weights.  A saved BERT encoder needs
none of that to run, so `Extractor.load` uses this module for it; training, fine-tuning and every other
architecture go through transformers (models.encoder).  Module and parameter names mirror `BertModel`
(without its pooler), so the same checkpoint loads strictly into either.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import torch
from torch import nn
from torch.nn import functional as F

#: transformers' ACT2FN names this runtime computes identically
ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu, "silu": F.silu, "swish": F.silu,
               "gelu_pytorch_tanh": partial(F.gelu, approximate="tanh")}


class EncoderOutput(NamedTuple):
    last_hidden_state: torch.Tensor


class RuntimeConfig:
    """The encoder's config.json as attributes (what the extractor reads: hidden_size, max_position_embeddings,
    model_type …); `save_pretrained` writes it back unchanged so `Extractor.save` works on a runtime model."""

    def __init__(self, values: dict[str, Any]):
        self.values = dict(values)

    @classmethod
    def from_dir(cls, directory: Path) -> RuntimeConfig:
        return cls(json.loads((Path(directory) / "config.json").read_text(encoding="utf-8")))

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None

    def save_pretrained(self, directory: str | Path) -> None:
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / "config.json").write_text(json.dumps(self.values, indent=2, sort_keys=True) + "\n",
                                                     encoding="utf-8")


def unsupported(values: dict[str, Any]) -> str | None:
    """Why this runtime cannot compute the encoder of config `values` exactly as transformers does, else None."""
    checks = [
        (values.get("model_type") == "bert", f"model_type {values.get('model_type')!r} is not 'bert'"),
        (values.get("position_embedding_type", "absolute") == "absolute", "position embeddings are not absolute"),
        (not values.get("is_decoder") and not values.get("add_cross_attention"), "it is a decoder"),
        (values.get("hidden_act", "gelu") in ACTIVATIONS, f"hidden_act {values.get('hidden_act')!r} is not supported"),
        (values.get("embedding_size", values.get("hidden_size")) == values.get("hidden_size"),
         "embedding_size differs from hidden_size"),
    ]
    return next((reason for ok, reason in checks if not ok), None)


class _DenseNorm(nn.Module):
    """Projection, residual, LayerNorm: BertSelfOutput and BertOutput."""

    def __init__(self, n_in: int, n_out: int, eps: float):
        super().__init__()
        self.dense = nn.Linear(n_in, n_out)
        self.LayerNorm = nn.LayerNorm(n_out, eps=eps)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class _SelfAttention(nn.Module):
    def __init__(self, hidden: int, heads: int):
        super().__init__()
        self.heads = heads
        self.query, self.key, self.value = (nn.Linear(hidden, hidden) for _ in range(3))

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        b, n, h = x.shape
        q, k, v = (proj(x).view(b, n, self.heads, -1).transpose(1, 2) for proj in (self.query, self.key, self.value))
        return F.scaled_dot_product_attention(q, k, v, attn_mask=mask).transpose(1, 2).reshape(b, n, h)


class _Attention(nn.Module):
    def __init__(self, hidden: int, heads: int, eps: float):
        super().__init__()
        self.self = _SelfAttention(hidden, heads)
        self.output = _DenseNorm(hidden, hidden, eps)

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        return self.output(self.self(x, mask), x)


class _Layer(nn.Module):
    def __init__(self, cfg: RuntimeConfig):
        super().__init__()
        eps = cfg.layer_norm_eps
        self.attention = _Attention(cfg.hidden_size, cfg.num_attention_heads, eps)
        self.intermediate = nn.Module()
        self.intermediate.dense = nn.Linear(cfg.hidden_size, cfg.intermediate_size)
        self.output = _DenseNorm(cfg.intermediate_size, cfg.hidden_size, eps)
        self.act = ACTIVATIONS[cfg.hidden_act]

    def forward(self, x: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
        x = self.attention(x, mask)
        return self.output(self.act(self.intermediate.dense(x)), x)


class _Embeddings(nn.Module):
    def __init__(self, cfg: RuntimeConfig):
        super().__init__()
        self.word_embeddings = nn.Embedding(cfg.vocab_size, cfg.hidden_size, padding_idx=cfg.pad_token_id)
        self.position_embeddings = nn.Embedding(cfg.max_position_embeddings, cfg.hidden_size)
        self.token_type_embeddings = nn.Embedding(cfg.type_vocab_size, cfg.hidden_size)
        self.LayerNorm = nn.LayerNorm(cfg.hidden_size, eps=cfg.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """Token type 0 everywhere and positions 0..n-1, as BertModel uses when given neither."""
        positions = self.position_embeddings.weight[: input_ids.shape[1]]
        return self.LayerNorm(self.word_embeddings(input_ids) + self.token_type_embeddings.weight[0] + positions)


class BertRuntime(nn.Module):
    """`BertModel(add_pooling_layer=False)` forward for inference: same parameters, same outputs (float32)."""

    def __init__(self, cfg: RuntimeConfig):
        super().__init__()
        reason = unsupported(cfg.values)
        if reason:
            raise ValueError(f"the plain-torch BERT runtime cannot run this encoder: {reason}")
        self.config = cfg
        self.embeddings = _Embeddings(cfg)
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList(_Layer(cfg) for _ in range(cfg.num_hidden_layers))

    def train(self, mode: bool = True) -> BertRuntime:
        if mode:
            raise RuntimeError("the plain-torch BERT runtime is inference-only (no dropout); load the model with "
                               "Extractor.load(path, runtime='transformers') to train or fine-tune it")
        return super().train(False)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None) -> EncoderOutput:
        x = self.embeddings(input_ids)
        mask = None
        if attention_mask is not None:  # additive: 0 where attended, most negative float at padding keys
            mask = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for layer in self.encoder.layer:
            x = layer(x, mask)
        return EncoderOutput(x)
