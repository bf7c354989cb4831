"""The neural extractor: vocabulary, windows and stitching, tagging scheme and CRF, heads, save/load.

A tiny model is trained in-process (a few seconds) on template articles built here, so the tests do not
depend on the size or content of the gold corpus.
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
import torch

from corpus.markup import parse_markup
from models.config import load_config
from models.extractor import Extractor, ModelDirError, whole_figures
from models.features import (
    LIST_NONE,
    LIST_ONE_SIDE,
    LIST_OTHER_POSITION,
    LIST_SAME_POSITION,
    allowed_relation_mask,
    candidate_pairs,
    list_positions,
    list_relation,
    sentence_gap_limits,
)
from models.heads import BioesScheme, Tagger
from models.vocab import NEWLINE, SPACE, CharVocab
from models.windows import ownership, plan_windows, stitch, training_chunks
from pipeline.io import write_jsonl

REPO = Path(__file__).resolve().parents[1]
TINY = REPO / "configs" / "tiny.cfg"

DISTRICTS = ["清江浦区", "淮阴区", "涟水县", "洪泽区", "金湖县", "盱眙县", "淮安区", "宿城区", "沭阳县", "泗洪县",
             "宿豫区", "泗阳县", "睢宁县", "丰县", "沛县"]
STAGES = ["新签约", "新开工", "新竣工", "在建", "签约", "开工"]
TIERS = ["亿元以上", "10亿元以上", "5000万元以上", "1-10亿元"]
INDUSTRIES = ["工业", "服务业", "先进制造业", "高新技术产业"]


def _sentence(rng: random.Random, k: int) -> tuple[str, list[str]]:
    """One markup sentence and its relation lines; names are suffixed with `k` to stay unique in a document."""
    d, s, t, i = (rng.choice(x) for x in (DISTRICTS, STAGES, TIERS, INDUSTRIES))
    n, part, money, pct = rng.randint(5, 60), rng.randint(1, 4), rng.randint(10, 900) / 10, rng.randint(100, 9900) / 100
    kind = rng.randrange(3)
    if kind == 0:
        text = (f"今年以来,[[{d}|DISTRICT|d{k}]][[{s}|STAGE|s{k}]][[{t}|TIER|t{k}]]项目[[{n}个|COUNT|c{k}]],"
                f"计划总投资[[{money}亿元|MONEY|m{k}]],其中[[{i}|INDUSTRY|i{k}]]项目[[{part}个|COUNT|p{k}]]。")
        rels = [f"c{k} district d{k}", f"c{k} stage s{k}", f"c{k} tier t{k}", f"c{k} amount m{k}",
                f"p{k} industry i{k}", f"p{k} part_of c{k}"]
    elif kind == 1:
        text = (f"[[{d}|DISTRICT|d{k}]]累计[[{s}|STAGE|s{k}]][[{i}|INDUSTRY|i{k}]]项目[[{n}个|COUNT|c{k}]],"
                f"完成目标任务的[[{pct}%|PERCENT|r{k}]]。")
        rels = [f"c{k} district d{k}", f"c{k} stage s{k}", f"c{k} industry i{k}", f"r{k} rate c{k}"]
    else:
        text = f"力争全年[[{s}|STAGE|s{k}]][[{t}|TIER|t{k}]]项目[[{n}个|COUNT*|c{k}]]。"
        rels = [f"c{k} stage s{k}", f"c{k} tier t{k}"]
    return text, rels


def template_docs(n: int, seed: int, prefix: str = "doc") -> list[dict]:
    """`n` small articles of 2-4 template sentences each, as spec documents."""
    rng = random.Random(seed)
    docs = []
    for j in range(n):
        parts = [_sentence(rng, k) for k in range(rng.randint(2, 4))]
        body = "\n\n".join(p[0] for p in parts)
        rels = "\n".join(r for p in parts for r in p[1])
        doc = parse_markup(f"# id: {prefix}-{j}\n=== text\n# 项目建设综述\n\n{body}\n=== relations\n{rels}\n")
        doc.pop("meta")
        docs.append(doc)
    return docs


def tiny_config(tmp: Path, train: list[dict], dev: list[dict], **overrides):
    write_jsonl(train, tmp / "train.jsonl")
    write_jsonl(dev, tmp / "dev.jsonl")
    return load_config(TINY, {"paths.train": [str(tmp / "train.jsonl")], "paths.dev": [str(tmp / "dev.jsonl")],
                              **overrides})


def train_tiny(tmp: Path, train: list[dict], dev: list[dict], out: Path, **overrides) -> dict:
    from models.trainer import Trainer

    return Trainer(tiny_config(tmp, train, dev, **overrides), out, progress=False).run()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("tiny_model")
    out = tmp / "model"
    train_tiny(tmp, template_docs(80, 1), template_docs(8, 2, "dev"), out, **{"training.epochs": 10})
    return out


# ---- vocabulary ------------------------------------------------------------------------------------


def test_vocab_gives_unseen_characters_their_own_ids() -> None:
    vocab = CharVocab.enumerated()
    rare = "㐀䶵龘鿏"  # extension A and rare unified ideographs no training text contains
    ids = vocab.encode(rare)
    assert vocab.unk_id not in ids and len(set(ids.tolist())) == len(rare)
    assert vocab.unknown_rate("淮安经济技术开发区新签约项目12个,协议引资102.2亿元,增长5.9%。（１２３）《》“”…①") == 0
    assert vocab.encode("\n\r\u3000 \t").tolist() == [vocab.index[NEWLINE]] * 2 + [vocab.index[SPACE]] * 3
    assert len(vocab) > 28000


def test_vocab_file_round_trip(tmp_path: Path) -> None:
    vocab = CharVocab.enumerated()
    vocab.save(tmp_path / "vocab.txt")
    again = CharVocab.load(tmp_path / "vocab.txt")
    assert again.tokens == vocab.tokens
    text = "盱眙县\u2028新开工 项目"
    assert again.encode(text).tolist() == vocab.encode(text).tolist()


# ---- windows ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("length", [1, 63, 64, 65, 200, 1000, 20011])
def test_windows_cover_the_text_and_each_position_has_one_owner(length: int) -> None:
    windows = plan_windows(length, 64, 48)
    assert windows[0][0] == 0 and windows[-1][1] == length
    assert all(e - s <= 64 for s, e in windows)
    owned = ownership(windows)
    assert owned[0][0] == 0 and owned[-1][1] == length
    assert all(a[1] == b[0] for a, b in itertools.pairwise(owned))
    for (s, e), (os_, oe) in zip(windows, owned, strict=True):
        assert s <= os_ <= oe <= e
        # an owner keeps at least (window - stride) / 2 characters of context where the text has them
        assert os_ - s >= 8 or s == 0
        assert e - oe >= 8 or e == length


def test_stitching_equals_reading_the_sequence_whole() -> None:
    """With position-wise states, stitched window outputs equal the whole-sequence output exactly."""
    whole = torch.randn(5000, 8)
    windows = plan_windows(5000, 256, 192)
    assert torch.equal(stitch([whole[s:e] for s, e in windows], windows), whole)


def test_training_chunks_partition_the_text_without_cutting_an_entity() -> None:
    length = 3000
    spans = [(s, s + 7) for s in range(3, length - 8, 9)]  # dense: most ownership boundaries fall in a span
    chunks = training_chunks(length, 64, 48, 4, spans)
    assert chunks[0][1] == 0 and chunks[-1][2] == length
    assert all(a[2] == b[1] for a, b in itertools.pairwise(chunks))  # owned ranges tile the text
    assert all(plan_windows(length, 64, 48) == [w for c in chunks for w in c[0]] for _ in [0])
    for windows, start, end in chunks:
        assert windows[0][0] <= start < end <= windows[-1][1]
        assert len(windows) >= 4 or end == length
        assert not any(s < start < e or s < end < e for s, e in spans)


# ---- tagging -------------------------------------------------------------------------------------


def test_bioes_round_trip_and_constrained_decoding_is_well_formed() -> None:
    scheme = BioesScheme(["COUNT", "MONEY"])
    spans = [(0, 1, 0), (3, 7, 1), (7, 9, 0)]
    tags = scheme.encode(10, spans)
    assert scheme.decode(tags) == spans
    tagger = Tagger(4, scheme, crf=False, dropout=0.0)
    rng = np.random.default_rng(0)
    for _ in range(20):
        path = tagger.decode(torch.from_numpy(rng.normal(size=(30, len(scheme.tags))).astype(np.float32)))
        assert scheme.allowed[path[:-1], path[1:]].all()
        assert scheme.start_allowed[path[0]] and scheme.end_allowed[path[-1]]


def test_figures_start_at_their_first_digit() -> None:
    text = "已开工612项,开工率86.25%,涉及区县12个"
    count, percent, district = 0, 1, 2
    tagged = [(4, 7, count), (14, 17, percent), (20, 22, district), (22, 25, count)]  # 6[12项], 86.[25%]
    assert whole_figures(text, tagged, {count, percent}) == [(3, 7, count), (11, 17, percent), (20, 22, district),
                                                             (22, 25, count)]
    assert whole_figures("12个34个", [(0, 3, count), (4, 6, count)], {count}) == [(0, 3, count), (3, 6, count)]


def test_list_positions_pair_the_kth_district_with_the_kth_figure() -> None:
    text = "石狮市、惠安县和晋江市分别新签约项目29个、23个、31个,总投资5亿元"
    words = [("石狮市", 0), ("惠安县", 0), ("晋江市", 0), ("新签约", 1), ("29个", 2), ("23个", 2), ("31个", 2),
             ("5亿元", 3)]
    spans, at = [], 0
    for word, label in words:
        start = text.index(word, at)
        spans.append((start, start + len(word), label))
        at = start + len(word)
    arr = np.asarray(spans)
    position, length = list_positions(text, arr[:, :2], arr[:, 2])
    assert position.tolist() == [0, 1, 2, 0, 0, 1, 2, 0] and length.tolist() == [3, 3, 3, 1, 3, 3, 3, 1]
    heads, tails = np.asarray([4, 5, 6, 5, 7, 3]), np.asarray([0, 1, 2, 0, 0, 0])
    assert list_relation(position, length, heads, tails).tolist() == [
        LIST_SAME_POSITION, LIST_SAME_POSITION, LIST_SAME_POSITION, LIST_OTHER_POSITION, LIST_ONE_SIDE, LIST_ONE_SIDE
    ]
    assert list_relation(position, length, np.asarray([7]), np.asarray([3])).tolist() == [LIST_NONE]


def test_a_part_may_follow_its_whole_by_more_sentences_than_other_links() -> None:
    labels = ["DISTRICT", "TIER", "MONEY", "PERCENT", "COUNT", "STAGE", "INDUSTRY"]
    count, money, district = labels.index("COUNT"), labels.index("MONEY"), labels.index("DISTRICT")
    # 烟台市新签约项目286项。总投资2136.5亿元。全市实际到位资金同比增长。其中,10亿元以上项目52项
    spans = np.asarray([(0, 3), (9, 13), (18, 26), (60, 63)])
    types = np.asarray([district, count, money, count])
    sentences = np.asarray([0, 0, 1, 3])
    allowed = allowed_relation_mask(labels)
    near = set(zip(*candidate_pairs(spans, types, sentences, allowed, 250, sentence_gap_limits(labels, 1)),
                   strict=True))
    far = set(zip(*candidate_pairs(spans, types, sentences, allowed, 250, sentence_gap_limits(labels, 1, 3)),
                  strict=True))
    assert (3, 1) not in near and (3, 1) in far  # 52项 —part_of→ 286项, three sentences on
    assert far - near == {(3, 1), (1, 3)}  # only the COUNT pair reaches further; 52项 and 烟台市 stay apart


def test_crf_loss_equals_brute_force_over_all_paths() -> None:
    scheme = BioesScheme(["X"])
    tagger = Tagger(3, scheme, crf=True, dropout=0.0)
    with torch.no_grad():
        tagger.transitions.normal_()
        tagger.start_scores.normal_()
        tagger.end_scores.normal_()
    emissions = torch.randn(1, 4, len(scheme.tags))
    gold = torch.tensor([[1, 2, 3, 0]])  # B I E O
    mask = torch.tensor([[True, True, True, False]])  # the last position is padding
    trans, start, end = tagger.scores()

    def path_score(path: tuple[int, ...]) -> torch.Tensor:
        s = start[path[0]] + end[path[-1]] + sum(emissions[0, t, tag] for t, tag in enumerate(path))
        return s + sum(trans[a, b] for a, b in itertools.pairwise(path))

    log_z = torch.logsumexp(torch.stack([path_score(p) for p in itertools.product(range(5), repeat=3)]), 0)
    expected = (log_z - path_score((1, 2, 3))) / 3
    assert torch.allclose(tagger.loss(emissions, gold, mask), expected, atol=1e-4)
    best = max(itertools.product(range(5), repeat=3), key=lambda p: path_score(p).item())
    assert tuple(tagger.decode(emissions[0, :3])) == best


# ---- trained model -------------------------------------------------------------------------------


def test_tiny_model_learns_the_templates(trained: Path) -> None:
    import json

    metrics = json.loads((trained / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["dev"]["entities"]["micro"]["f"] > 0.9
    assert metrics["dev"]["relations"]["end_to_end"]["f"] > 0.5


@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_save_load_round_trip_gives_identical_predictions(trained: Path, tmp_path: Path, dtype: str) -> None:
    model = Extractor.load(trained)
    texts = [d["text"] for d in template_docs(6, 3)]
    if dtype == "float16":  # the in-memory weights rounded like the saved ones
        model.load_state_dict({k: v.half().float() if v.is_floating_point() else v
                               for k, v in model.state_dict().items()})
    before = model.predict(texts)
    model.save(tmp_path / "copy", dtype=dtype)
    again = Extractor.load(tmp_path / "copy")
    assert again.predict(texts) == before
    assert any(p["entities"] for p in before) and any(p["relations"] for p in before)


def _concatenate(docs: list[dict], sep: str) -> dict:
    """One long document made of `docs` joined by `sep`, entities shifted and relations re-indexed."""
    text, entities, relations = "", [], []
    for doc in docs:
        if text:
            text += sep
        base = len(entities)
        entities += [{**e, "start": e["start"] + len(text), "end": e["end"] + len(text)} for e in doc["entities"]]
        relations += [{**r, "head": r["head"] + base, "tail": r["tail"] + base} for r in doc["relations"]]
        text += doc["text"]
    return {"id": "long", "text": text, "entities": entities, "relations": relations}


def test_long_document_scores_like_its_paragraphs(trained: Path) -> None:
    """A 20,000+ character article read in stitched 64-character windows (hundreds of window edges, many
    inside entities or between a figure and its qualifiers) scores as well as its paragraphs read one by one,
    and the entities that straddle a window edge are found whole, once."""
    from pipeline.normalize import normalize
    from pipeline.scoring import score_documents

    model = Extractor.load(trained)
    parts = template_docs(400, 4)
    long_doc = _concatenate(parts, "\n\n")
    assert len(long_doc["text"]) > 20000 and normalize(long_doc["text"]).text == long_doc["text"]
    predicted = model.predict([d["text"] for d in parts])
    by_part = score_documents(parts, [{"id": d["id"], **p} for d, p in zip(parts, predicted, strict=True)])
    whole_pred = model.predict([long_doc["text"]])[0]
    whole = score_documents([long_doc], [{"id": "long", **whole_pred}])
    assert whole["entities"]["micro"]["f"] >= by_part["entities"]["micro"]["f"] - 0.005
    assert whole["relations"]["end_to_end"]["f"] >= by_part["relations"]["end_to_end"]["f"] - 0.01
    edges = [own_end for _, own_end in ownership(plan_windows(len(long_doc["text"]), model.window, model.stride))]
    straddling = {(e["start"], e["end"], e["label"]) for e in long_doc["entities"]
                  if any(e["start"] < edge < e["end"] for edge in edges)}
    predicted = [(e["start"], e["end"], e["label"]) for e in whole_pred["entities"]]
    assert len(straddling) > 50
    assert len(straddling & set(predicted)) >= 0.99 * len(straddling)
    assert len(set(predicted)) == len(predicted)  # nothing decoded twice where windows overlap


def test_offsets_refer_to_the_original_text(trained: Path) -> None:
    model = Extractor.load(trained)
    text = "今年以来,淮阴区新签约亿元以上项目１２个,计划总投资三十五亿元。"
    pred = model.predict([text])[0]
    spans = {text[e["start"] : e["end"]]: e["label"] for e in pred["entities"]}
    assert spans.get("１２个") == "COUNT"
    assert spans.get("三十五亿元") == "MONEY"
    assert all(e["attrs"]["target"] is False for e in pred["entities"] if e["label"] in ("COUNT", "MONEY"))


def test_target_attribute_and_relations_given_entities(trained: Path) -> None:
    model = Extractor.load(trained)
    doc = template_docs(1, 5)[0]
    goal = "力争全年新开工亿元以上项目30个。"
    pred = model.predict([goal])[0]
    count = [e for e in pred["entities"] if e["label"] == "COUNT"]
    assert count and count[0]["attrs"]["target"] is True
    shuffled = list(reversed(doc["entities"]))  # indices must refer to the list as given
    rels = model.predict_relations([doc["text"]], [shuffled])[0]
    gold = {(doc["entities"][r["head"]]["start"], doc["entities"][r["tail"]]["start"], r["label"])
            for r in doc["relations"]}
    found = {(shuffled[r["head"]]["start"], shuffled[r["tail"]]["start"], r["label"]) for r in rels}
    assert len(found & gold) >= 0.8 * len(gold)


def test_empty_and_whitespace_texts(trained: Path) -> None:
    model = Extractor.load(trained)
    assert model.predict(["", "\n\n"]) == [{"entities": [], "relations": []}] * 2


def test_missing_or_incomplete_model_directory_is_a_clear_error(trained: Path, tmp_path: Path) -> None:
    with pytest.raises(ModelDirError, match="train.py"):
        Extractor.load(tmp_path / "nowhere")
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "extractor.json").write_text((trained / "extractor.json").read_text(encoding="utf-8"))
    with pytest.raises(ModelDirError, match="missing model.safetensors"):
        Extractor.load(tmp_path / "broken")
