"""train.py: configs and overrides, clear errors, resuming an interrupted run, fine-tuning on new articles."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import torch

import train
from corpus.markup import parse_markup
from models import pretrain as pretrain_module
from models import trainer as trainer_module
from models.config import ConfigError, load_config
from models.data import drop_lexicon
from models.extractor import Extractor
from models.trainer import Trainer
from pipeline.convert import write_exchange
from pipeline.io import CorpusError, write_jsonl
from pipeline.scoring import predict_documents, score_documents
from tests.test_model import TINY, template_docs, tiny_config

NEW_DISTRICTS = ["碌曲县", "玛曲县", "夏河县", "临潭县", "卓尼县", "迭部县", "舟曲县", "合作市"]


def new_report_docs(n: int, seed: int) -> list[dict]:
    """Articles in a style the template corpus never shows: 在谈 projects counted in 项, unseen counties."""
    rng = random.Random(seed)
    docs = []
    for j in range(n):
        d, n1, n2 = rng.choice(NEW_DISTRICTS), rng.randint(3, 40), rng.randint(1, 9)
        text = (f"# 甘南州项目动态\n\n截至6月底,[[{d}|DISTRICT|d]]储备[[在谈|STAGE|s]]项目[[{n1}项|COUNT|c]],"
                f"其中[[工业|INDUSTRY|i]]项目[[{n2}项|COUNT|p]]。")
        rels = "c district d\nc stage s\np industry i\np part_of c"
        doc = parse_markup(f"# id: new-{seed}-{j}\n=== text\n{text}\n=== relations\n{rels}\n")
        doc.pop("meta")
        docs.append(doc)
    return docs


def scores(model: Extractor, docs: list[dict]) -> dict:
    pred, given = predict_documents(model, docs)
    return score_documents(docs, pred, given)


@pytest.fixture(scope="module")
def base_model(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A tiny model trained on the template corpus; returns (model dir, corpus dir)."""
    tmp = tmp_path_factory.mktemp("base")
    cfg = tiny_config(tmp, template_docs(80, 1), template_docs(8, 2, "dev"), **{"training.epochs": 8})
    Trainer(cfg, tmp / "model", progress=False).run()
    return tmp / "model", tmp


# ---- configs and errors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"training.epoch": 3}, "unknown key 'epoch' in \\[training\\]"),
        ({"training.epochs": "three"}, "\\[training\\] epochs: expected int"),
        ({"model.tagger": "hmm"}, "tagger must be"),
        ({"training.stride": 500}, "stride"),
        ({"model.entity_labels": ["CITY"]}, "unknown labels \\['CITY'\\]"),
        ({"trainig.epochs": 3}, "unknown section \\[trainig\\]"),
    ],
)
def test_bad_config_is_refused_with_the_key_named(override: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(TINY, override)


def test_cli_reports_config_problems_and_missing_files(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "bad.cfg"
    bad.write_text(TINY.read_text(encoding="utf-8").replace("[model]", "[model]\nheads = 3"), encoding="utf-8")
    assert train.main(["--config", str(bad), "--output", str(tmp_path / "out")]) == 2
    assert "unknown key 'heads' in [model]" in capsys.readouterr().err
    assert train.main(["--config", str(tmp_path / "none.cfg")]) == 2
    assert "config file not found" in capsys.readouterr().err
    code = train.main(["--config", str(TINY), "--output", str(tmp_path / "o"), "--train", str(tmp_path / "x.jsonl")])
    assert code == 2 and "x.jsonl: corpus file not found" in capsys.readouterr().err


def test_missing_checkpoint_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code = train.main(["--config", str(TINY), "--output", str(tmp_path / "o"), "--init-from", str(tmp_path / "gone")])
    assert code == 2
    assert f"{tmp_path / 'gone'}: no model directory here" in capsys.readouterr().err


def test_corpus_with_a_label_the_model_does_not_know_is_refused(tmp_path: Path, base_model) -> None:
    docs = template_docs(3, 7)
    labels = ["TIER", "MONEY", "PERCENT", "COUNT", "STAGE", "INDUSTRY"]  # no DISTRICT
    cfg = tiny_config(tmp_path, docs, docs, **{"model.entity_labels": labels})
    with pytest.raises(CorpusError, match="entity 0 has label 'DISTRICT', which the model does not know"):
        Trainer(cfg, tmp_path / "out", progress=False).run()
    period = template_docs(2, 8)
    period[0]["entities"].append({"start": 0, "end": 1, "label": "PERIOD"})
    cfg = tiny_config(tmp_path, period, period, **{"training.ignore_labels": []})
    model_dir, _ = base_model
    with pytest.raises(CorpusError, match="'PERIOD', which the model does not know"):
        Trainer(cfg, tmp_path / "ft", init_from=model_dir, progress=False).run()


def test_command_line_overrides_and_ignored_labels(tmp_path: Path) -> None:
    docs = template_docs(6, 9)
    docs[0]["entities"].append({"start": 0, "end": 1, "label": "PERIOD"})  # dropped by [training] ignore_labels
    write_jsonl(docs, tmp_path / "train.jsonl")
    out = tmp_path / "cli"
    code = train.main(["--config", str(TINY), "--output", str(out), "--train", str(tmp_path / "train.jsonl"),
                       "--dev", str(tmp_path / "train.jsonl"), "--training.epochs", "1", "--pretrain.steps", "0",
                       "--model.relation_hidden", "24", "--model.tagger", "softmax", "--model.lexicon", "true",
                       "--no-progress"])
    assert code == 0
    saved = (out / "config.cfg").read_text(encoding="utf-8")
    assert "relation_hidden = 24" in saved and "epochs = 1" in saved and 'tagger = "softmax"' in saved
    corpus = json.loads((out / "corpus.json").read_text(encoding="utf-8"))
    assert corpus["train"][0]["path"] == str(tmp_path / "train.jsonl") and len(corpus["train"][0]["sha256"]) == 64
    model = Extractor.load(out)
    assert model.relation_head.mlp[1].out_features == 24 and model.lexicon_emb is not None
    assert not model.tagger.crf
    assert not (out / "checkpoints").exists()


# ---- resuming --------------------------------------------------------------------------------------


class Interrupt(Exception):
    """Stands in for Ctrl-C or a killed job."""


@pytest.fixture
def one_thread():
    """One torch thread: bit-for-bit comparisons of two training runs must not depend on how a multi-threaded
    kernel splits its float sums (seen once in a full suite run on 2 cores)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def test_interrupted_run_resumes_to_the_same_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   one_thread: None) -> None:
    cfg = tiny_config(tmp_path, template_docs(24, 11), template_docs(4, 12, "dev"), **{"training.epochs": 2})
    Trainer(cfg, tmp_path / "straight", progress=False).run()

    def fail_on_call(function, call: int):
        calls = {"n": 0}

        def failing(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == call:
                raise Interrupt
            return function(*args, **kwargs)

        return failing

    # first killed in pre-training, then in training; state is saved every 5 steps (tiny.cfg)
    with monkeypatch.context() as patch:
        patch.setattr(pretrain_module.Masker, "batch", fail_on_call(pretrain_module.Masker.batch, 8))
        with pytest.raises(Interrupt):
            Trainer(cfg, tmp_path / "resumed", progress=False).run()
    assert (tmp_path / "resumed" / "checkpoints" / "pretrain_state.pt").is_file()
    with monkeypatch.context() as patch:
        patch.setattr(trainer_module, "collate", fail_on_call(trainer_module.collate, 8))
        with pytest.raises(Interrupt):
            Trainer(cfg, tmp_path / "resumed", progress=False).run()
    assert (tmp_path / "resumed" / "checkpoints" / "train_state.pt").is_file()
    Trainer(cfg, tmp_path / "resumed", progress=False).run()  # the same command again

    straight, resumed = Extractor.load(tmp_path / "straight"), Extractor.load(tmp_path / "resumed")
    for (name, a), (_, b) in zip(straight.state_dict().items(), resumed.state_dict().items(), strict=True):
        assert torch.equal(a, b), name
    (tmp_path / "resumed" / "checkpoints").mkdir()
    (tmp_path / "resumed" / "checkpoints" / "config.cfg").write_text("another run", encoding="utf-8")
    with pytest.raises(ConfigError, match="--restart"):
        Trainer(cfg, tmp_path / "resumed", progress=False)


# ---- fine-tuning -------------------------------------------------------------------------------------


def test_fine_tuning_on_a_label_studio_export_adapts_without_losing_the_dev_score(base_model, tmp_path: Path) -> None:
    model_dir, corpus_dir = base_model
    new_docs = new_report_docs(4, 21)
    held_out = new_report_docs(6, 22)
    export = tmp_path / "export.json"
    write_exchange(new_docs, export, "label-studio")
    dev = json.loads((model_dir / "metrics.json").read_text(encoding="utf-8"))["dev"]
    before_new = scores(Extractor.load(model_dir), held_out)

    cfg = load_config(TINY, {"paths.train": [str(export)], "paths.dev": [str(corpus_dir / "dev.jsonl")]})
    metrics = Trainer(cfg, tmp_path / "adapted", init_from=model_dir, progress=False).run()

    adapted = Extractor.load(tmp_path / "adapted")
    after_new = scores(adapted, held_out)
    assert after_new["entities"]["micro"]["f"] > before_new["entities"]["micro"]["f"] + 0.2
    assert after_new["entities"]["micro"]["f"] > 0.9
    for key in ("entities", "relations"):
        old = dev[key]["micro" if key == "entities" else "end_to_end"]["f"]
        new = metrics["dev"][key]["micro" if key == "entities" else "end_to_end"]["f"]
        assert new >= old - 0.01, (key, old, new)
    assert metrics["init_from"] == str(model_dir) and metrics["baseline_dev_score"] is not None
    assert metrics["minutes"] < 1.0


# ---- pretrained encoders -------------------------------------------------------------------------------


def _bert_directory(path: Path, chars: list[str]) -> Path:
    """A local checkpoint laid out like a hub Chinese BERT: config.json, weights, a BERT vocab.txt."""
    from transformers import BertConfig, BertModel

    tokens = ["[PAD]", "[unused1]", "[unused2]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars, "##的"]
    path.mkdir()
    (path / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    config = BertConfig(vocab_size=len(tokens), hidden_size=32, num_hidden_layers=1, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=130)
    BertModel(config).save_pretrained(path)
    return path


def test_a_local_pretrained_encoder_is_fine_tuned_with_its_own_vocabulary(tmp_path: Path) -> None:
    train_docs, dev_docs = template_docs(20, 13), template_docs(4, 14, "dev")
    chars = sorted({c for d in train_docs + dev_docs for c in d["text"] if not c.isspace()})
    bert = _bert_directory(tmp_path / "bert", chars)
    cfg = tiny_config(tmp_path, train_docs, dev_docs, **{"encoder.name_or_path": str(bert), "training.epochs": 2})
    Trainer(cfg, tmp_path / "out", progress=False).run()
    model = Extractor.load(tmp_path / "out")
    assert model.vocab.tokens[7 : 7 + len(chars)] == chars
    assert model.vocab.encode("\n").tolist() == [1]  # line breaks → [unused1], not [UNK]
    assert model.predict([dev_docs[0]["text"]])[0]["entities"]

    few = _bert_directory(tmp_path / "few", chars[:5])
    cfg = tiny_config(tmp_path, train_docs, dev_docs, **{"encoder.name_or_path": str(few)})
    with pytest.raises(ConfigError, match="not in its vocabulary"):
        Trainer(cfg, tmp_path / "out2", progress=False).run()


def test_synthetic_corpus_is_regenerated_when_its_stamp_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    synth = tmp_path / "synth.jsonl"
    cfg = load_config("configs/tiny.cfg", {"paths.synth": str(synth), "synth.n": 3, "synth.seed": 5})
    trainer_module.ensure_synth(cfg)
    first = synth.read_text(encoding="utf-8")
    assert len(first.splitlines()) == 3
    synth.write_text("stale\n", encoding="utf-8")  # same stamp: kept as it is
    trainer_module.ensure_synth(cfg)
    assert synth.read_text(encoding="utf-8") == "stale\n"
    monkeypatch.setattr(trainer_module, "generator_stamp", lambda c: {"n": 3, "seed": 5, "generator_sha256": "edited"})
    trainer_module.ensure_synth(cfg)  # the generator changed: written again, deterministically
    assert synth.read_text(encoding="utf-8") == first


def test_lexicon_dropout_hides_the_gazetteer_from_whole_chunks() -> None:
    mask = torch.tensor([[1, 1, 1, 0], [1, 1, 1, 1]], dtype=torch.bool)
    lexicon = torch.tensor([1, 2, 3, 1, 2, 2, 3])
    assert drop_lexicon({"tag_mask": mask, "lexicon": lexicon}, 0.0)["lexicon"] is lexicon
    torch.manual_seed(0)
    seen = set()
    for _ in range(40):
        out = drop_lexicon({"tag_mask": mask, "lexicon": lexicon}, 0.5)["lexicon"]
        rows = (out[:3].tolist(), out[3:].tolist())
        assert rows[0] in ([1, 2, 3], [0, 0, 0]) and rows[1] in ([1, 2, 2, 3], [0, 0, 0, 0])
        seen.add((rows[0][0], rows[1][0]))
    assert seen == {(1, 1), (1, 0), (0, 1), (0, 0)}


def test_budget_schedule_follows_the_step_schedule_and_anneals_at_the_budget() -> None:
    """Within the time budget the rate is transformers' linear warm-up/decay; when the budget runs out first the
    rate still reaches zero there (a run cut inside an epoch ends annealed)."""
    from transformers import get_linear_schedule_with_warmup

    def optimizer() -> torch.optim.Optimizer:
        return torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1},
                                {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.02}])

    ours, theirs = optimizer(), optimizer()
    budgeted = trainer_module.BudgetSchedule(ours, 5, 50, budget_seconds=600.0)
    reference = get_linear_schedule_with_warmup(theirs, 5, 50)
    for step in range(50):
        assert [g["lr"] for g in ours.param_groups] == pytest.approx([g["lr"] for g in theirs.param_groups])
        budgeted.step(elapsed=step * 1.0)  # 50 s of a 600 s budget: the steps run out first
        theirs.step()
        reference.step()
    cut = optimizer()
    budgeted = trainer_module.BudgetSchedule(cut, 5, 1000, budget_seconds=100.0)
    rates = []
    for step in range(1, 101):
        budgeted.step(elapsed=float(step))
        rates.append(cut.param_groups[0]["lr"])
    assert rates[49] == pytest.approx(0.1 * 50 / 95)  # decaying towards step 100 (the budget), not step 1000
    assert rates[-1] == 0.0
    assert all(a >= b for a, b in zip(rates[4:], rates[5:], strict=False))  # after warm-up it only falls
