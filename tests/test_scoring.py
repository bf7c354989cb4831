"""The scorer on hand-computed examples (spec section 6)."""

from __future__ import annotations

import copy

import pytest

from pipeline.scoring import (
    Match,
    align_predictions,
    bootstrap_ci,
    compare_documents,
    headline_f1,
    predict_documents,
    prf,
    score_documents,
)

TEXT = "清江浦区新招引亿元以上项目46个,协议引资165.93亿元,完成目标任务的61.33%。"
E = {
    "DISTRICT": {"start": 0, "end": 4, "label": "DISTRICT"},  # 清江浦区
    "STAGE": {"start": 4, "end": 7, "label": "STAGE"},  # 新招引
    "TIER": {"start": 7, "end": 11, "label": "TIER"},  # 亿元以上
    "COUNT": {"start": 13, "end": 16, "label": "COUNT"},  # 46个
    "MONEY": {"start": 21, "end": 29, "label": "MONEY"},  # 165.93亿元
    "PERCENT": {"start": 37, "end": 43, "label": "PERCENT"},  # 61.33%
}


def doc(entities: list[dict], relations: list[tuple[int, int, str]] = (), records: list[dict] | None = None) -> dict:
    d = {
        "id": "d1",
        "text": TEXT,
        "entities": copy.deepcopy(entities),
        "relations": [{"head": h, "tail": t, "label": lab} for h, t, lab in relations],
    }
    if records is not None:
        d["records"] = records
    return d


def gold_doc() -> dict:
    ents = [E[k] for k in ("DISTRICT", "STAGE", "TIER", "COUNT", "MONEY", "PERCENT")]
    rels = [(3, 0, "district"), (3, 1, "stage"), (3, 2, "tier"), (3, 4, "amount"), (5, 3, "rate")]
    return doc(ents, rels)


def test_offsets_of_the_example_are_right():
    spans = [TEXT[e["start"] : e["end"]] for e in E.values()]
    assert spans == ["清江浦区", "新招引", "亿元以上", "46个", "165.93亿元", "61.33%"]


def test_prf_counts_and_empty_cases():
    assert prf(2, 1, 1) == pytest.approx({"p": 2 / 3, "r": 2 / 3, "f": 2 / 3, "tp": 2, "fp": 1, "fn": 1})
    assert prf(0, 0, 0)["f"] == 1.0  # nothing to find, nothing predicted
    assert prf(0, 0, 3) == {"p": 0.0, "r": 0.0, "f": 0.0, "tp": 0, "fp": 0, "fn": 3}
    assert prf(0, 2, 0)["f"] == 0.0


def test_match_is_a_multiset_comparison():
    m = Match.of(["a", "a", "b"], ["a", "c", "c"])
    assert (m.hit, m.missed, m.spurious) == ({"a": 1}, {"a": 1, "b": 1}, {"c": 2})
    assert m.counts() == (1, 2, 2)


def test_identical_prediction_scores_one_everywhere():
    gold = gold_doc()
    scores = score_documents([gold], [copy.deepcopy(gold)], given_docs=[copy.deepcopy(gold)])
    assert all(v == 1.0 for v in headline_f1(scores).values())
    assert scores["entities"]["macro"]["f"] == 1.0
    assert scores["relations"]["macro"]["f"] == 1.0
    assert scores["records"]["strict"]["tp"] > 0  # the record builder made records, and they all matched
    assert set(scores["entities"]["per_label"]) == {"DISTRICT", "STAGE", "TIER", "COUNT", "MONEY", "PERCENT"}


def test_partial_missing_and_wrong_label_spans():
    gold = doc([E["DISTRICT"], E["COUNT"], E["MONEY"], E["PERCENT"]])
    pred = doc(
        [
            E["DISTRICT"],  # exact: hit
            {"start": 13, "end": 15, "label": "COUNT"},  # "46" without 个: partial = spurious + missed
            {"start": 21, "end": 29, "label": "COUNT"},  # right span, wrong label
            # PERCENT missing
        ]
    )
    s = score_documents([gold], [pred])["entities"]
    assert (s["micro"]["tp"], s["micro"]["fp"], s["micro"]["fn"]) == (1, 2, 3)
    assert s["micro"]["p"] == pytest.approx(1 / 3) and s["micro"]["r"] == pytest.approx(1 / 4)
    assert s["micro"]["f"] == pytest.approx(2 / 7)
    per = s["per_label"]
    assert per["DISTRICT"]["f"] == 1.0
    assert (per["COUNT"]["tp"], per["COUNT"]["fp"], per["COUNT"]["fn"]) == (0, 2, 1)
    assert (per["MONEY"]["fn"], per["PERCENT"]["fn"]) == (1, 1)
    assert s["macro"]["f"] == pytest.approx(1 / 4)  # mean of 1, 0, 0, 0 over the four labels present


def test_duplicate_predicted_span_is_spurious():
    gold = doc([E["COUNT"]])
    pred = doc([E["COUNT"], E["COUNT"]])
    micro = score_documents([gold], [pred])["entities"]["micro"]
    assert (micro["tp"], micro["fp"], micro["fn"]) == (1, 1, 0)
    assert micro["f"] == pytest.approx(2 / 3)


def test_period_is_not_scored():
    gold = doc([E["COUNT"]])
    pred = doc([E["COUNT"], {"start": 30, "end": 32, "label": "PERIOD"}])
    assert score_documents([gold], [pred])["entities"]["micro"]["f"] == 1.0


def test_relations_match_on_spans_not_indices():
    gold = gold_doc()
    pred = copy.deepcopy(gold)
    order = [5, 4, 3, 2, 1, 0]  # same entities, reversed list
    pred["entities"] = [gold["entities"][i] for i in order]
    new = {old: new for new, old in enumerate(order)}
    pred["relations"] = [{**r, "head": new[r["head"]], "tail": new[r["tail"]]} for r in gold["relations"]]
    assert score_documents([gold], [pred])["relations"]["end_to_end"]["f"] == 1.0


def test_relation_direction_and_label_count():
    gold = doc([E["COUNT"], E["MONEY"], E["PERCENT"]], [(0, 1, "amount"), (2, 0, "rate")])
    # amount kept; rate reversed (a different relation: spurious, and the gold one missed); one wrong label
    pred = doc([E["COUNT"], E["MONEY"], E["PERCENT"]], [(0, 1, "amount"), (0, 2, "rate"), (2, 1, "rate")])
    rel = score_documents([gold], [pred])["relations"]
    assert (rel["end_to_end"]["tp"], rel["end_to_end"]["fp"], rel["end_to_end"]["fn"]) == (1, 2, 1)
    assert rel["end_to_end"]["f"] == pytest.approx(0.4)
    assert rel["per_label"]["amount"]["f"] == 1.0
    assert (rel["per_label"]["rate"]["tp"], rel["per_label"]["rate"]["fp"]) == (0, 2)
    assert rel["given_entities"] is None  # no relation prediction on gold entities was given


def test_relation_to_a_wrong_span_is_wrong():
    gold = doc([E["COUNT"], E["MONEY"]], [(0, 1, "amount")])
    pred = doc([E["COUNT"], {"start": 21, "end": 28, "label": "MONEY"}], [(0, 1, "amount")])
    assert score_documents([gold], [pred])["relations"]["end_to_end"]["f"] == 0.0


def test_given_entities_scored_separately_from_end_to_end():
    gold = gold_doc()
    e2e = doc([E["COUNT"]])  # entities mostly missed, so no relations end to end
    given = copy.deepcopy(gold)
    given["relations"] = given["relations"][:4]  # rate missed
    rel = score_documents([gold], [e2e], given_docs=[given])["relations"]
    assert rel["end_to_end"]["f"] == 0.0
    assert (rel["given_entities"]["tp"], rel["given_entities"]["fn"]) == (4, 1)


def record(district: str = "清江浦区", stage: str = "招引", count: int | None = 46, **extra) -> dict:
    rec = {
        "district": district,
        "stage": stage,
        "tier": "亿元以上",
        "tier_min_yuan": 100_000_000,
        "tier_max_yuan": None,
        "industry": None,
        "target": False,
        "count": count,
        "amounts": [{"text": "165.93亿元", "yuan": 16_593_000_000, "kind": "协议引资"}],
        "rates": [],
        "parent": None,
        "evidence": {"start": 0, "end": 44},
    }
    return rec | extra


def test_record_tuples_strict_and_core():
    gold = doc([], records=[record()])  # two tuples: the count and the amount
    wrong_stage = doc([], records=[record(stage="开工")])
    wrong_district = doc([], records=[record(district="淮阴区")])
    s = score_documents([gold], [wrong_stage])["records"]
    assert (s["strict"]["tp"], s["strict"]["fp"], s["strict"]["fn"]) == (0, 2, 2)
    assert s["core"]["f"] == 1.0  # district, target, field and value are all right
    s = score_documents([gold], [wrong_district])["records"]
    assert s["strict"]["f"] == 0.0 and s["core"]["f"] == 0.0


def test_record_tuples_are_a_multiset():
    gold = doc([], records=[record()])
    doubled = doc([], records=[record(), record()])
    missing_count = doc([], records=[record(count=None)])  # only the amount tuple
    s = score_documents([gold], [doubled])["records"]["strict"]
    assert (s["tp"], s["fp"], s["fn"]) == (2, 2, 0)
    s = score_documents([gold], [missing_count])["records"]["core"]
    assert (s["tp"], s["fp"], s["fn"]) == (1, 0, 1)
    assert s["f"] == pytest.approx(2 / 3)


def test_counts_are_summed_over_documents():
    g1, g2 = gold_doc(), {**doc([E["COUNT"], E["MONEY"]]), "id": "d2"}
    p1, p2 = copy.deepcopy(g1), {**doc([E["COUNT"]]), "id": "d2"}
    micro = score_documents([g1, g2], [p2, p1])["entities"]["micro"]  # order of predictions does not matter
    assert (micro["tp"], micro["fp"], micro["fn"]) == (7, 0, 1)
    assert micro["r"] == pytest.approx(7 / 8)


def test_alignment_by_id_then_text_and_refusals():
    gold = gold_doc()
    no_id = {k: v for k, v in gold.items() if k != "id"}
    assert align_predictions([gold], [no_id]) == [no_id]
    with pytest.raises(ValueError, match="no prediction for gold document 'd1'"):
        align_predictions([gold], [{**gold, "id": "other", "text": "别的文字"}])
    with pytest.raises(ValueError, match="different text"):
        align_predictions([gold], [{**gold, "text": TEXT + "。"}])


def test_bootstrap_intervals_bracket_the_score_and_are_seeded():
    golds = [{**gold_doc(), "id": f"d{i}"} for i in range(6)]
    preds = [copy.deepcopy(g) for g in golds]
    for p in preds[:3]:
        p["entities"] = p["entities"][:3]
        p["relations"] = []
    comps = compare_documents(golds, preds)
    f1 = headline_f1(score_documents(golds, preds))
    ci = bootstrap_ci(comps, resamples=300, seed=1)
    assert ci == bootstrap_ci(comps, resamples=300, seed=1)
    lo, hi = ci["entities"]
    assert lo < f1["entities"] < hi
    assert ci["relations_given_entities"] is None
    perfect = bootstrap_ci(compare_documents(golds, golds), resamples=50)
    assert perfect["entities"] == (1.0, 1.0)


class FixedSystem:
    """Stands in for a model: returns the gold entities (plus a PERIOD) and one fixed relation."""

    def __init__(self, with_given: bool):
        if with_given:
            self.predict_relations = lambda texts, entities: [[{"head": 0, "tail": 1, "label": "amount"}]] * len(texts)

    def predict(self, texts: list[str], batch_size: int = 8) -> list[dict]:
        ents = [E["COUNT"], E["MONEY"], {"start": 30, "end": 32, "label": "PERIOD"}]
        return [{"entities": ents, "relations": [{"head": 0, "tail": 1, "label": "amount"}]} for _ in texts]


def test_predict_documents_runs_a_system_end_to_end_and_on_gold_entities():
    gold = doc([E["COUNT"], E["MONEY"], {"start": 30, "end": 32, "label": "PERIOD"}], [(0, 1, "amount")])
    pred, given = predict_documents(FixedSystem(with_given=True), [gold])
    assert (pred[0]["id"], pred[0]["text"]) == ("d1", TEXT)
    assert [e["label"] for e in given[0]["entities"]] == ["COUNT", "MONEY"]  # scored gold entities only
    scores = score_documents([gold], pred, given)
    assert scores["relations"]["given_entities"]["f"] == scores["relations"]["end_to_end"]["f"] == 1.0
    assert predict_documents(FixedSystem(with_given=False), [gold])[1] is None
