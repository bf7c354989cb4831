"""Training and model configuration: spaCy-style ``.cfg`` files read with thinc's Config parser.

One file fully describes a run (data, encoder, pre-training, heads, training, fine-tuning), so a
model directory that stores its config can be re-trained bit for bit.  Every key has a typed default
here; a file or command-line override naming an unknown key or a value of the wrong type is refused
with the file, section and key, because a typo that silently falls back to a default wastes a
30-minute training run.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

from pipeline.schema import ENTITY_LABELS


class ConfigError(ValueError):
    """A config file or override that cannot describe a run; the message says which key and why."""


@dataclass
class PathsConfig:
    """Where the corpus lives.  `synth` is generated (corpus.generate) when the file is missing."""

    train: list[str] = field(default_factory=lambda: ["corpus/gold/train.jsonl"])
    #: how many times each `train` entry is used per epoch (missing entries: once); upweights a small gold set
    repeat: list[int] = field(default_factory=list)
    dev: list[str] = field(default_factory=lambda: ["corpus/gold/dev.jsonl"])
    synth: str | None = None


@dataclass
class SynthConfig:
    """Parameters of the synthetic corpus written to paths.synth when it does not exist yet."""

    n: int = 3000
    seed: int = 13


@dataclass
class EncoderConfig:
    """Either a pretrained encoder (`name_or_path`) or the sizes of a BERT-style encoder built from scratch."""

    name_or_path: str | None = None
    model_type: str = "bert"
    hidden_size: int = 128
    num_layers: int = 4
    num_heads: int = 4
    intermediate_size: int = 512
    max_position: int = 514
    dropout: float = 0.1
    #: dropout on attention probabilities; 0 lets torch use its fused attention kernel (twice as fast on CPU)
    attention_dropout: float = 0.0


@dataclass
class PretrainConfig:
    """Masked-language-model pre-training of a from-scratch encoder on the training texts (0 steps: skip)."""

    steps: int = 0
    batch_size: int = 32
    seq_len: int = 128
    lr: float = 5e-4
    warmup_steps: int = 100
    mask_prob: float = 0.15
    weight_decay: float = 0.01
    seed: int = 0
    checkpoint_every: int = 200
    max_minutes: float = 0.0


@dataclass
class ModelConfig:
    """Heads on the shared encoder."""

    entity_labels: list[str] = field(default_factory=lambda: list(ENTITY_LABELS))
    tagger: str = "crf"
    lexicon: bool = False
    head_dropout: float = 0.1
    feature_dim: int = 16
    relation_hidden: int = 256
    target_hidden: int = 128
    max_pair_distance: int = 250
    max_sentence_gap: int = 1
    #: how many sentences a part may follow its whole by (part_of between COUNTs); None: max_sentence_gap
    part_of_sentence_gap: int | None = None
    functional_relations: bool = True
    #: what the target head reads besides the figure: "before" (the sentence up to it) or "around" (also
    #: the rest of the sentence after it: "…80个）目标", "分别完成年度目标的108%")
    target_context: str = "before"
    #: give the relation head each pair's positions in 、-lists (分别 pairing at any list length)
    list_feature: bool = False


@dataclass
class TrainingConfig:
    """Supervised training of encoder and heads, with early stopping on the dev score."""

    seed: int = 0
    epochs: int = 10
    batch_size: int = 16  # windows per step
    lr: float = 1e-3
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    grad_clip: float = 1.0
    window: int = 256
    stride: int = 192
    chunk_windows: int = 4
    patience: int = 2
    eval_batch_size: int = 16
    relation_weight: float = 1.0
    target_weight: float = 0.5
    ignore_labels: list[str] = field(default_factory=lambda: ["PERIOD"])
    #: share of training chunks that see no gazetteer feature (models.data.drop_lexicon)
    lexicon_dropout: float = 0.0
    checkpoint_every: int = 200
    max_minutes: float = 0.0
    save_dtype: str = "float16"


@dataclass
class FinetuneConfig:
    """Adapting a trained model (--init-from) to new documents, with replay of its original training data."""

    epochs: int = 4
    lr: float = 3e-4
    head_lr: float = 1e-3
    replay_docs: int = 200
    new_doc_repeat: int = 4
    max_dev_drop: float = 0.01


@dataclass
class RunConfig:
    paths: PathsConfig = field(default_factory=PathsConfig)
    synth: SynthConfig = field(default_factory=SynthConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    pretrain: PretrainConfig = field(default_factory=PretrainConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    training: TrainingConfig = field(default_factory=TrainingConfig)
    finetune: FinetuneConfig = field(default_factory=FinetuneConfig)

    def to_dict(self) -> dict[str, dict[str, Any]]:
        return dataclasses.asdict(self)

    def to_str(self) -> str:
        """The resolved config as .cfg text (every key, defaults included)."""
        from thinc.api import Config  # here, not at module level: inference never needs the parser

        return Config(self.to_dict()).to_str()


_SECTION_TYPES = get_type_hints(RunConfig)


def _check_value(value: Any, hint: Any, where: str) -> Any:
    """Return `value` coerced to the annotated type (int → float only), else raise ConfigError."""
    origin = get_origin(hint)
    if origin is list:
        (item,) = get_args(hint)
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list like [\"a\", \"b\"], got {value!r}")
        return [_check_value(v, item, f"{where}[{i}]") for i, v in enumerate(value)]
    args = get_args(hint)
    if args and type(None) in args:  # Optional[...]
        if value is None:
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return _check_value(value, inner, where)
    if hint is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if hint is int and isinstance(value, bool) or not isinstance(value, hint):
        raise ConfigError(f"{where}: expected {getattr(hint, '__name__', hint)}, got {value!r}")
    return value


def _build(data: dict[str, Any], source: str) -> RunConfig:
    sections = {}
    for name, section in data.items():
        if name not in _SECTION_TYPES:
            raise ConfigError(f"{source}: unknown section [{name}] (known: {', '.join(_SECTION_TYPES)})")
        if not isinstance(section, dict):
            raise ConfigError(f"{source}: [{name}] must be a section, got {section!r}")
        cls = _SECTION_TYPES[name]
        hints = get_type_hints(cls)
        values = {}
        for key, value in section.items():
            if key not in hints:
                raise ConfigError(f"{source}: unknown key '{key}' in [{name}] (known: {', '.join(hints)})")
            values[key] = _check_value(value, hints[key], f"{source}: [{name}] {key}")
        sections[name] = cls(**values)
    config = RunConfig(**sections)
    _check_semantics(config, source)
    return config


def _check_semantics(config: RunConfig, source: str) -> None:
    """Cross-field rules that types cannot express."""
    tr, enc, model = config.training, config.encoder, config.model
    if model.tagger not in ("crf", "softmax"):
        raise ConfigError(f"{source}: [model] tagger must be \"crf\" or \"softmax\", got {model.tagger!r}")
    if model.target_context not in ("before", "around"):
        raise ConfigError(f"{source}: [model] target_context must be \"before\" or \"around\", "
                          f"got {model.target_context!r}")
    unknown = [label for label in model.entity_labels if label not in ENTITY_LABELS + ("PERIOD",)]
    if unknown or not model.entity_labels:
        raise ConfigError(f"{source}: [model] entity_labels has unknown labels {unknown} or is empty "
                          f"(spec labels: {', '.join(ENTITY_LABELS)})")
    if not 0 < tr.stride <= tr.window:
        raise ConfigError(f"{source}: [training] stride ({tr.stride}) must be in 1..window ({tr.window})")
    if enc.name_or_path is None and tr.window + 2 > enc.max_position:
        raise ConfigError(f"{source}: [training] window {tr.window} + 2 special tokens exceeds "
                          f"[encoder] max_position {enc.max_position}")
    if enc.name_or_path is None and enc.hidden_size % enc.num_heads:
        raise ConfigError(f"{source}: [encoder] hidden_size {enc.hidden_size} is not divisible by "
                          f"num_heads {enc.num_heads}")
    if not 0 <= tr.lexicon_dropout < 1:
        raise ConfigError(f"{source}: [training] lexicon_dropout must be in [0, 1), got {tr.lexicon_dropout}")
    if tr.save_dtype not in ("float16", "float32"):
        raise ConfigError(f"{source}: [training] save_dtype must be \"float16\" or \"float32\"")
    if not config.paths.train or not config.paths.dev:
        raise ConfigError(f"{source}: [paths] train and dev must each name at least one file")
    if len(config.paths.repeat) > len(config.paths.train) or any(r < 1 for r in config.paths.repeat):
        raise ConfigError(f"{source}: [paths] repeat must give a count of at least 1 for some of the "
                          f"{len(config.paths.train)} train entries")


def parse_override_value(text: str) -> Any:
    """Command-line values are JSON when they parse as JSON (2, 1e-3, true, null, ["a"]), else plain strings."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def load_config(path: str | Path, overrides: dict[str, Any] | None = None) -> RunConfig:
    """Read a .cfg file, apply ``{"section.key": value}`` overrides, and validate everything."""
    from thinc.api import Config

    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found (see configs/*.cfg for examples)")
    try:
        data = Config().from_str(path.read_text(encoding="utf-8"), interpolate=True)
    except Exception as err:  # thinc raises several parser error types; all mean the same to the user
        raise ConfigError(f"{path}: cannot parse config: {err}") from err
    data = {name: dict(section) for name, section in data.items()}
    for dotted, value in (overrides or {}).items():
        section, _, key = dotted.partition(".")
        if not key:
            raise ConfigError(f"override --{dotted}: expected --section.key VALUE, e.g. --training.epochs 2")
        data.setdefault(section, {})[key] = value
    return _build(data, str(path))


def config_from_dict(data: dict[str, dict[str, Any]], source: str = "saved config") -> RunConfig:
    """Rebuild a RunConfig stored in a model directory."""
    return _build(data, source)
