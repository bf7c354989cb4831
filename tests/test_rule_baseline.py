"""The rule baseline on sentences shaped like the seed article's."""

from __future__ import annotations

import pytest

from models.rule_baseline import RuleBaseline
from pipeline.io import validate_document


def run(text: str) -> tuple[list[tuple], set[tuple]]:
    """(entity text, label, target) in order and {(head text, relation, tail text)} of one text."""
    pred = RuleBaseline().predict([text])[0]
    assert validate_document({"text": text, **pred}) == []
    ents = pred["entities"]

    def words(i: int) -> str:
        return text[ents[i]["start"] : ents[i]["end"]]

    entities = [(words(i), e["label"], e.get("attrs", {}).get("target", False)) for i, e in enumerate(ents)]
    return entities, {(words(r["head"]), r["label"], words(r["tail"])) for r in pred["relations"]}


def test_reported_group_with_amount_rates_and_parts():
    text = (
        "清江浦区新招引亿元以上项目46个,协议引资165.93亿元,分别完成目标任务的61.33%、59.26%,"
        "其中工业项目19个,协议引资77.83亿元；先进制造业项目12个。"
    )
    entities, relations = run(text)
    assert [(w, lab) for w, lab, _ in entities] == [
        ("清江浦区", "DISTRICT"),
        ("新招引", "STAGE"),
        ("亿元以上", "TIER"),
        ("46个", "COUNT"),
        ("165.93亿元", "MONEY"),
        ("61.33%", "PERCENT"),
        ("59.26%", "PERCENT"),
        ("工业", "INDUSTRY"),
        ("19个", "COUNT"),
        ("77.83亿元", "MONEY"),
        ("先进制造业", "INDUSTRY"),
        ("12个", "COUNT"),
    ]
    assert not any(target for *_, target in entities)  # completion of a target is a reported figure
    assert relations == {
        ("46个", "district", "清江浦区"),
        ("46个", "stage", "新招引"),
        ("46个", "tier", "亿元以上"),
        ("46个", "amount", "165.93亿元"),
        ("61.33%", "rate", "46个"),  # 分别 pairs the rates with the figures in order
        ("59.26%", "rate", "165.93亿元"),
        ("19个", "part_of", "46个"),
        ("19个", "industry", "工业"),
        ("19个", "amount", "77.83亿元"),
        ("12个", "part_of", "46个"),
        ("12个", "industry", "先进制造业"),
    }


def test_new_total_after_semicolon_is_not_a_part_and_targets_are_marked():
    text = (
        "淮阴区累计新招引亿元以上项目27个,其中工业项目19个;新开工亿元以上项目12个。"
        "力争全年招引亿元以上项目90个、10亿元以上项目8个。"
    )
    entities, relations = run(text)
    assert ("19个", "part_of", "27个") in relations
    assert not any(h == "12个" and lab == "part_of" for h, lab, _ in relations)
    assert ("12个", "stage", "新开工") in relations
    targets = {w: target for w, lab, target in entities if lab == "COUNT"}
    assert targets == {"27个": False, "19个": False, "12个": False, "90个": True, "8个": True}
    assert ("8个", "stage", "招引") in relations  # the stage is shared along the 、-list
    assert ("8个", "tier", "10亿元以上") in relations


def test_counts_of_other_things_and_stage_words_without_figures_are_skipped():
    text = "走进9个县区(园区),实地观摩18个重特大项目,推进项目“拿地即开工”。全区实现制造业投资24.6亿元,同比增长19.43%。"
    entities, relations = run(text)
    assert [(w, lab) for w, lab, _ in entities] == [
        ("18个", "COUNT"),
        ("制造业", "INDUSTRY"),
        ("24.6亿元", "MONEY"),
        ("19.43%", "PERCENT"),
    ]
    assert relations == {("24.6亿元", "industry", "制造业"), ("19.43%", "rate", "24.6亿元")}


def test_offsets_point_into_the_original_traditional_full_width_text():
    text = "東臺市一季度新簽約億元以上項目２４個,協議投資２１８．６億元,分別完成目標任務的３０％、４０％。"
    entities, relations = run(text)
    assert ("２４個", "COUNT", False) in entities
    assert ("２４個", "amount", "２１８．６億元") in relations
    assert ("２４個", "district", "東臺市") in relations
    assert {("３０％", "rate", "２４個"), ("４０％", "rate", "２１８．６億元")} <= relations  # 分別 read as 分别


def test_predict_relations_indexes_the_given_entities():
    text = "淮安区新开工亿元以上工业项目2个。"
    given = [
        {"start": 14, "end": 16, "label": "COUNT"},
        {"start": 10, "end": 12, "label": "INDUSTRY"},
        {"start": 0, "end": 3, "label": "DISTRICT"},
    ]
    assert [text[e["start"] : e["end"]] for e in given] == ["2个", "工业", "淮安区"]
    (relations,) = RuleBaseline().predict_relations([text], [given])
    assert sorted((r["head"], r["tail"], r["label"]) for r in relations) == [(0, 1, "industry"), (0, 2, "district")]


@pytest.mark.parametrize("money", ["3.5万元", "1.2亿美元", "三十五亿元"])
def test_money_forms(money: str):
    entities, _ = run(f"企业捐赠{money}。")
    assert entities == [(money, "MONEY", False)]
