"""The plain-torch BERT runtime (models.bert_runtime) computes what transformers' BertModel computes.

Models here have random weights (nothing is trained): equality of hidden states and of whole-model
predictions does not depend on what the weights learned.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from transformers import BertConfig, BertModel

from models.bert_runtime import BertRuntime, RuntimeConfig
from models.config import load_config
from models.encoder import build_encoder
from models.extractor import Extractor
from models.vocab import CharVocab

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "configs" / "tiny.cfg"
TEXTS = [
    "今年以来,清江浦区新签约亿元以上项目12个,计划总投资86.5亿元,其中工业项目3个。",
    "淮阴区累计新开工先进制造业项目7个,完成目标任务的58.33%。力争全年新开工10亿元以上项目5个。",
    "",
    "涟水县在建项目" * 30,  # longer than one window: stitching and padding both run
]


def _pair(hidden_act: str, type_vocab_size: int) -> tuple[BertModel, BertRuntime]:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=60, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=48, max_position_embeddings=40, type_vocab_size=type_vocab_size,
                        hidden_act=hidden_act, pad_token_id=0)
    reference = BertModel(config, add_pooling_layer=False).eval()
    with torch.no_grad():  # BERT's init leaves biases and LayerNorms at 0/1: randomise every parameter
        for p in reference.parameters():
            p.normal_(0.0, 0.5)
    runtime = BertRuntime(RuntimeConfig(config.to_dict())).eval()
    runtime.load_state_dict(reference.state_dict(), strict=True)
    return reference, runtime


@pytest.mark.parametrize(("hidden_act", "type_vocab_size"), [("gelu", 1), ("relu", 2)])
@pytest.mark.parametrize("padded", [True, False])
def test_hidden_states_equal_transformers(hidden_act: str, type_vocab_size: int, padded: bool) -> None:
    reference, runtime = _pair(hidden_act, type_vocab_size)
    ids = torch.randint(1, 60, (4, 23), generator=torch.Generator().manual_seed(1))
    mask = None
    if padded:
        lengths = torch.tensor([23, 17, 5, 1])
        mask = (torch.arange(23)[None, :] < lengths[:, None]).long()
        ids = ids.masked_fill(mask == 0, 0)
    with torch.inference_mode():
        expected = reference(input_ids=ids, attention_mask=mask).last_hidden_state
        got = runtime(input_ids=ids, attention_mask=mask).last_hidden_state
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, atol=1e-5, rtol=1e-5)


def test_a_state_dict_that_does_not_fit_fails_to_load() -> None:
    reference, _ = _pair("gelu", 1)
    one_layer = RuntimeConfig({**reference.config.to_dict(), "num_hidden_layers": 1})
    with pytest.raises(RuntimeError, match="Unexpected key"):
        BertRuntime(one_layer).load_state_dict(reference.state_dict(), strict=True)


def _random_extractor(model_type: str = "bert") -> Extractor:
    """A tiny untrained extractor; random heads still tag spans and score pairs, which is all a comparison needs."""
    cfg = load_config(TINY)
    torch.manual_seed(3)
    vocab = CharVocab.enumerated()
    encoder = build_encoder(dataclasses.replace(cfg.encoder, model_type=model_type), len(vocab), vocab.pad_id)
    return Extractor(encoder, vocab, cfg.model.entity_labels, cfg.model, cfg.training.window, cfg.training.stride)


@pytest.fixture(scope="module")
def saved_bert(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("runtime") / "bert"
    _random_extractor().save(path)
    return path


def test_torch_and_transformers_runtimes_predict_the_same(saved_bert: Path) -> None:
    fast = Extractor.load(saved_bert, runtime="torch")
    reference = Extractor.load(saved_bert, runtime="transformers")
    assert isinstance(fast.encoder, BertRuntime) and isinstance(reference.encoder, BertModel)
    expected = reference.predict(TEXTS, batch_size=3)
    assert sum(len(doc["entities"]) for doc in expected) > 0 and sum(len(doc["relations"]) for doc in expected) > 0
    assert fast.predict(TEXTS, batch_size=3) == expected


def test_auto_runs_bert_with_the_runtime_and_others_with_transformers(saved_bert: Path, tmp_path: Path) -> None:
    assert isinstance(Extractor.load(saved_bert).encoder, BertRuntime)
    _random_extractor("roberta").save(tmp_path / "roberta")
    assert not isinstance(Extractor.load(tmp_path / "roberta").encoder, BertRuntime)
    with pytest.raises(ValueError, match="model_type 'roberta' is not 'bert'"):
        Extractor.load(tmp_path / "roberta", runtime="torch")
    with pytest.raises(ValueError, match="choose one of"):
        Extractor.load(saved_bert, runtime="onnx")


def test_a_runtime_model_saves_loadably_and_refuses_training(saved_bert: Path, tmp_path: Path) -> None:
    model = Extractor.load(saved_bert, runtime="torch")
    model.save(tmp_path / "copy")
    again = Extractor.load(tmp_path / "copy", runtime="transformers")
    assert again.predict(TEXTS[:2]) == model.predict(TEXTS[:2])
    with pytest.raises(RuntimeError, match="runtime='transformers'"):
        model.train()


def test_loading_a_bert_model_does_not_import_transformers(saved_bert: Path) -> None:
    code = ("import sys, pipeline; from models.extractor import Extractor; "
            f"Extractor.load({str(saved_bert)!r}); print('transformers' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                          env={**os.environ, "OMP_NUM_THREADS": "1"})
    assert done.stdout.strip() == "False"
