"""The character encoder: a `transformers` model built through AutoConfig/AutoModel for training.

From scratch: a small BERT-style encoder sized by [encoder] in the config (pre-trained afterwards by
models.pretrain).  Pretrained: any local path or cached hub name of a Chinese encoder whose vocabulary is
character-level for CJK (BERT, RoBERTa-wwm, ELECTRA, MacBERT …); nothing is downloaded at run time
unless the user's own environment allows it.

A saved BERT encoder is loaded for inference by the plain-torch models.bert_runtime instead (see
`load_encoder`): transformers is imported only where it is used, since importing it costs seconds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from torch import nn

from models.bert_runtime import BertRuntime, RuntimeConfig, unsupported
from models.config import ConfigError, EncoderConfig

if TYPE_CHECKING:
    from transformers import PretrainedConfig, PreTrainedModel

#: how `load_encoder` runs a saved encoder: the plain-torch runtime when it supports the config, or always one
RUNTIMES = ("auto", "torch", "transformers")


def _drop_pooler(model: PreTrainedModel) -> PreTrainedModel:
    """The [CLS] pooler is unused; removing it keeps its weights out of the checkpoint and the optimiser."""
    if getattr(model, "pooler", None) is not None:
        model.pooler = None
    return model


def scratch_config(cfg: EncoderConfig, vocab_size: int, pad_id: int) -> PretrainedConfig:
    """Transformers config of a from-scratch encoder of the configured size."""
    from transformers import AutoConfig

    try:
        return AutoConfig.for_model(
            cfg.model_type, vocab_size=vocab_size, hidden_size=cfg.hidden_size, num_hidden_layers=cfg.num_layers,
            num_attention_heads=cfg.num_heads, intermediate_size=cfg.intermediate_size,
            max_position_embeddings=cfg.max_position, hidden_dropout_prob=cfg.dropout,
            attention_probs_dropout_prob=cfg.attention_dropout, type_vocab_size=1, pad_token_id=pad_id,
        )
    except ValueError as err:
        raise ConfigError(f"[encoder] model_type {cfg.model_type!r}: {err}") from err


def build_encoder(cfg: EncoderConfig, vocab_size: int, pad_id: int) -> PreTrainedModel:
    """A new encoder: pretrained weights when `name_or_path` is set, else randomly initialised."""
    from transformers import AutoModel

    if cfg.name_or_path:
        try:
            model = AutoModel.from_pretrained(cfg.name_or_path)
        except OSError as err:
            raise ConfigError(
                f"[encoder] name_or_path {cfg.name_or_path!r} cannot be loaded: {err}\n"
                "Give a local directory with config.json and weights, or a hub name already in the cache."
            ) from err
        if model.config.vocab_size != vocab_size:
            raise ConfigError(f"[encoder] {cfg.name_or_path}: model has {model.config.vocab_size} token ids but its "
                              f"vocab.txt has {vocab_size}")
        return _drop_pooler(model)
    return encoder_from_config(scratch_config(cfg, vocab_size, pad_id))


def encoder_from_config(config: PretrainedConfig) -> PreTrainedModel:
    """An encoder with the structure of `config` (weights are loaded separately)."""
    from transformers import AutoModel

    return _drop_pooler(AutoModel.from_config(config))


def load_encoder_config(directory: Path) -> PretrainedConfig:
    from transformers import AutoConfig

    return AutoConfig.from_pretrained(str(directory))


def load_encoder(directory: Path, runtime: str = "auto") -> nn.Module:
    """The saved encoder in `directory` (config.json; weights are loaded separately), run by `runtime`:
    "torch" = models.bert_runtime (BERT only, inference only), "transformers" = AutoModel, "auto" = the
    runtime when it supports the config.  The runtime path reads config.json with json and never imports
    transformers, which is most of a cold model load."""
    if runtime not in RUNTIMES:
        raise ValueError(f"runtime {runtime!r}: choose one of {', '.join(RUNTIMES)}")
    if runtime != "transformers":
        values = json.loads((Path(directory) / "config.json").read_text(encoding="utf-8"))
        reason = unsupported(values)
        if reason is None:
            return BertRuntime(RuntimeConfig(values))
        if runtime == "torch":
            raise ValueError(f"{directory}/config.json: runtime='torch' cannot run this encoder ({reason}); "
                             "use runtime='transformers' or 'auto'")
    return encoder_from_config(load_encoder_config(directory))


def hidden_size(encoder: nn.Module) -> int:
    return int(encoder.config.hidden_size)


def max_window(encoder: PreTrainedModel) -> int:
    """Longest character window the encoder's position table admits ([CLS] and [SEP] included)."""
    positions = getattr(encoder.config, "max_position_embeddings", 512)
    if getattr(encoder.config, "model_type", "") in ("roberta", "xlm-roberta", "camembert"):
        positions -= 2  # RoBERTa positions start after the padding index
    return int(positions) - 2
