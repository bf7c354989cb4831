"""Record builder (spec §5) on hand-annotated inputs; expected records are worked out by hand."""

from __future__ import annotations

import pytest

from corpus.markup import parse_markup
from pipeline.records import build_records, core_tuples, record_tuples
from pipeline.text import heading_place_name, list_items

YI = 100_000_000


def annotated(marked: str, relations: str = "") -> dict:
    """A document from gold markup: [[span|LABEL|name]] in the text, 'HEAD LABEL TAIL' relation lines."""
    return parse_markup(f"# id: t\n=== text\n{marked}\n=== relations\n{relations}\n")


def span_of(doc: dict, first: str, last: str | None = None) -> dict:
    """Evidence expected by hand: from the first character of `first` to the last of `last` in the text."""
    start = doc["text"].index(first)
    end = doc["text"].index(last or first, start) + len(last or first)
    return {"start": start, "end": end}


def record(**fields) -> dict:
    """A record with every field at its empty value unless given, keys in spec order."""
    base = {
        "district": None, "stage": None, "tier": None, "tier_min_yuan": None, "tier_max_yuan": None,
        "industry": None, "target": False, "count": None, "amounts": [], "rates": [], "parent": None,
        "evidence": None,
    }
    base.update(fields)
    return base


QINGJIANGPU = """\
### [[清江浦区|DISTRICT|d]]:

#### “招大引强”为高质量发展蓄势赋能

今年以来,全区[[新招引|STAGE|s1]][[亿元以上|TIER|t1]]项目[[46个|COUNT|c1]],协议引资[[165.93亿元|MONEY|m1]],\
分别完成目标任务的[[61.33%|PERCENT|p1]]、[[59.26%|PERCENT|p2]],其中[[工业|INDUSTRY|i1]]项目[[19个|COUNT|c2]],\
协议引资[[77.83亿元|MONEY|m2]],分别完成目标任务的[[42.22%|PERCENT|p3]]、[[45.78%|PERCENT|p4]];\
[[先进制造业|INDUSTRY|i2]]项目[[12个|COUNT|c3]],协议引资[[19.42亿元|MONEY|m3]];\
[[高新技术产业|INDUSTRY|i3]]项目[[13个|COUNT|c4]],协议引资[[61.32亿元|MONEY|m4]]。\
全区[[新开工|STAGE|s2]][[工业|INDUSTRY|i4]]项目[[3个|COUNT|c5]],完成目标任务的[[10.7%|PERCENT|p5]],\
计划总投资[[16.3亿元|MONEY|m5]];[[高新技术产业|INDUSTRY|i5]]项目[[2个|COUNT|c6]],计划总投资[[11.1亿元|MONEY|m6]]。"""

QINGJIANGPU_RELATIONS = """\
c1 stage s1
c1 tier t1
c1 amount m1
p1 rate c1
p2 rate m1
c2 part_of c1
c2 industry i1
c2 amount m2
p3 rate c2
p4 rate m2
c3 part_of c1
c3 industry i2
c3 amount m3
c4 part_of c1
c4 industry i3
c4 amount m4
c5 stage s2
c5 industry i4
c5 amount m5
p5 rate c5
c6 part_of c5
c6 industry i5
c6 amount m6
"""

#: the example record of spec §5 (its evidence offsets refer to another copy of the article)
SPEC_EXAMPLE = {
    "district": "清江浦区", "stage": "招引", "tier": "亿元以上",
    "tier_min_yuan": 100000000, "tier_max_yuan": None,
    "industry": "工业", "target": False, "count": 19,
    "amounts": [{"text": "77.83亿元", "yuan": 7783000000, "kind": "协议引资"}],
    "rates": [{"text": "42.22%", "percent": 42.22, "kind": "completion", "of": "count"},
              {"text": "45.78%", "percent": 45.78, "kind": "completion", "of": "amount"}],
    "parent": 0,
}


def test_seed_qingjiangpu_paragraph_matches_spec_example() -> None:
    doc = annotated(QINGJIANGPU, QINGJIANGPU_RELATIONS)
    records = build_records(doc, strict=True)
    assert len(records) == 6
    second = dict(records[1])
    assert second.pop("evidence") == span_of(doc, "工业项目19个", "45.78%")
    assert second == SPEC_EXAMPLE
    assert list(records[1]) == [*SPEC_EXAMPLE, "evidence"]


def test_seed_qingjiangpu_all_records() -> None:
    doc = annotated(QINGJIANGPU, QINGJIANGPU_RELATIONS)
    records = build_records(doc, strict=True)
    assert records[0] == record(
        district="清江浦区", stage="招引", tier="亿元以上", tier_min_yuan=YI, count=46,
        amounts=[{"text": "165.93亿元", "yuan": 16_593_000_000, "kind": "协议引资"}],
        rates=[{"text": "61.33%", "percent": 61.33, "kind": "completion", "of": "count"},
               {"text": "59.26%", "percent": 59.26, "kind": "completion", "of": "amount"}],
        evidence=span_of(doc, "新招引", "59.26%"),
    )
    assert records[2] == record(
        district="清江浦区", stage="招引", tier="亿元以上", tier_min_yuan=YI, industry="先进制造业", count=12,
        amounts=[{"text": "19.42亿元", "yuan": 1_942_000_000, "kind": "协议引资"}], parent=0,
        evidence=span_of(doc, "先进制造业", "19.42亿元"),
    )
    assert records[3]["industry"] == "高新技术产业" and records[3]["parent"] == 0
    assert records[4] == record(
        district="清江浦区", stage="开工", industry="工业", count=3,
        amounts=[{"text": "16.3亿元", "yuan": 1_630_000_000, "kind": "计划总投资"}],
        rates=[{"text": "10.7%", "percent": 10.7, "kind": "completion", "of": "count"}],
        evidence=span_of(doc, "新开工", "16.3亿元"),
    )
    assert records[5] == record(
        district="清江浦区", stage="开工", industry="高新技术产业", count=2,
        amounts=[{"text": "11.1亿元", "yuan": 1_110_000_000, "kind": "计划总投资"}], parent=4,
        evidence=span_of(doc, "高新技术产业项目2个", "11.1亿元"),
    )


def test_money_without_amount_link_is_its_own_record() -> None:
    doc = annotated(
        "### [[淮安区|DISTRICT]]:\n\n一季度,[[新开工|STAGE|s]]项目[[2个|COUNT|c]],"
        "全区实现[[制造业|INDUSTRY|i]]投资[[24.6亿元|MONEY|m]],同比增长[[19.43%|PERCENT|p]]。",
        "c stage s\nm industry i\np rate m",
    )
    records = build_records(doc, strict=True)
    assert [r["count"] for r in records] == [2, None]
    assert records[1] == record(
        district="淮安区", industry="制造业",
        amounts=[{"text": "24.6亿元", "yuan": 2_460_000_000, "kind": "投资"}],
        rates=[{"text": "19.43%", "percent": 19.43, "kind": "growth", "of": "amount"}],
        evidence=span_of(doc, "制造业", "19.43%"),
    )


HONGZE = """\
### [[洪泽区|DISTRICT]]:

一季度,[[签约|STAGE|s]][[亿元以上|TIER|t]]项目[[34个|COUNT|c]],协议总投资[[291.63亿元|MONEY|m]]。\
[[工业|INDUSTRY|i1]]项目[[22个|COUNT|c1]],其中[[先进制造业|INDUSTRY|i2]]项目[[5个|COUNT|c2]]、\
[[10-50亿元|TIER|t3]]项目[[3个|COUNT|c3]]。"""


def test_part_of_inherits_recursively_and_own_tier_overrides() -> None:
    doc = annotated(
        HONGZE,
        "c stage s\nc tier t\nc amount m\nc1 part_of c\nc1 industry i1\nc2 part_of c1\nc2 industry i2\n"
        "c3 part_of c1\nc3 tier t3",
    )
    records = build_records(doc, strict=True)
    assert [(r["count"], r["parent"]) for r in records] == [(34, None), (22, 0), (5, 1), (3, 1)]
    assert records[1] == record(
        district="洪泽区", stage="签约", tier="亿元以上", tier_min_yuan=YI, industry="工业", count=22, parent=0,
        evidence=span_of(doc, "工业", "22个"),
    )
    assert records[2] == record(
        district="洪泽区", stage="签约", tier="亿元以上", tier_min_yuan=YI, industry="先进制造业", count=5,
        parent=1, evidence=span_of(doc, "先进制造业", "5个"),
    )
    assert records[3] == record(
        district="洪泽区", stage="签约", tier="10-50亿元", tier_min_yuan=10 * YI, tier_max_yuan=50 * YI,
        industry="工业", count=3, parent=1, evidence=span_of(doc, "10-50亿元", "3个"),
    )


def test_part_of_a_later_whole_gets_parent_index() -> None:
    doc = annotated("[[工业|INDUSTRY|i]]项目[[5个|COUNT|p]]、服务业项目2个,共[[签约|STAGE|s]]项目[[7个|COUNT|w]]。",
                    "p part_of w\np industry i\nw stage s")
    records = build_records(doc, strict=True)
    assert [(r["count"], r["stage"], r["parent"]) for r in records] == [(5, "签约", 1), (7, "签约", None)]


def test_part_of_cycle_does_not_loop() -> None:
    doc = annotated("项目[[5个|COUNT|a]]、项目[[7个|COUNT|b]]。", "a part_of b\nb part_of a")
    parents = [r["parent"] for r in build_records(doc, strict=True)]
    assert parents.count(None) == 1


def test_district_named_in_sentence_wins_over_section() -> None:
    doc = annotated("### [[淮安区|DISTRICT]]:\n\n[[深圳|DISTRICT|d]][[在谈|STAGE|s]]项目[[4个|COUNT|c]]。",
                    "c district d\nc stage s")
    (rec,) = build_records(doc, strict=True)
    assert rec["district"] == "深圳"
    assert rec["evidence"] == span_of(doc, "深圳", "4个")


def test_district_from_heading_name_without_entity() -> None:
    doc = annotated("### 涟水县:\n\n#### 大抓招商\n\n全县[[新签约|STAGE|s]]项目[[31个|COUNT|c]]。", "c stage s")
    assert build_records(doc, strict=True)[0]["district"] == "涟水县"


def test_district_sections_from_headings_and_opening_paragraphs() -> None:
    doc = annotated(
        "# [[淮安市|DISTRICT]]一季度项目建设综述\n\n"
        "全市[[新开工|STAGE|s0]]项目[[120个|COUNT|c0]]。\n\n"
        "[[清江浦区|DISTRICT]]一季度[[新开工|STAGE|s1]]项目[[20个|COUNT|c1]]。\n\n"
        "全区[[竣工|STAGE|s2]]项目[[8个|COUNT|c2]]。\n\n"
        "[[淮安区|DISTRICT]]:\n\n[[在建|STAGE|s3]]项目[[24个|COUNT|c3]]。\n\n"
        "## 下一步\n\n力争全年[[新开工|STAGE|s4]]项目[[500个|COUNT*|c4]]。",
        "c0 stage s0\nc1 stage s1\nc2 stage s2\nc3 stage s3\nc4 stage s4",
    )
    records = build_records(doc, strict=True)
    assert [(r["district"], r["stage"], r["count"], r["target"]) for r in records] == [
        ("淮安市", "开工", 120, False),  # main district from the title
        ("清江浦区", "开工", 20, False),  # paragraph opening with the name (no relation needed)
        ("清江浦区", "竣工", 8, False),  # 全区 in the following paragraph
        ("淮安区", "在建", 24, False),  # name line with a colon
        ("淮安市", "开工", 500, True),  # a level-2 heading ends the section: main district again
    ]


def test_markdown_section_lasts_through_subheadings_until_same_level() -> None:
    doc = annotated(
        "# 项目拉练再发力\n\n### [[淮阴区|DISTRICT]]:\n\n#### 奋力实现开门红\n\n新开工项目[[12个|COUNT|a]]。\n\n"
        "### 其他\n\n新开工项目[[3个|COUNT|b]]。"
    )
    assert [r["district"] for r in build_records(doc, strict=True)] == ["淮阴区", None]


def districts(doc: dict) -> list[tuple[str | None, int]]:
    return [(r["district"], r["count"]) for r in build_records(doc, strict=True)]


@pytest.mark.parametrize(
    ("first", "second"), [("●", "●"), ("- ", "- "), ("1.", "2."), ("（1）", "（2）"), ("一是", "二是")]
)
def test_list_item_district_lasts_for_the_item_only(first: str, second: str) -> None:
    doc = annotated(
        "[[芜湖市|DISTRICT]]重点项目建设情况通报\n\n各县区情况如下：\n"
        f"{first}[[鸠江区|DISTRICT]]：新签约项目[[31个|COUNT]]。\n"
        f"{second}[[南陵县|DISTRICT]]：新签约项目[[15个|COUNT]]。\n\n"
        "存在问题：部分县区开工率偏低。下一步，全市力争新签约项目[[500个|COUNT*]]。"
    )
    assert districts(doc) == [("鸠江区", 31), ("南陵县", 15), ("芜湖市", 500)]


def test_list_item_opening_with_a_district_beats_the_previous_items_continuation() -> None:
    # the one-item block （6）兰西 says 全县 in its first sentence: that is 兰西's own reference, not a
    # continuation of the previous item's 青冈县
    doc = annotated(
        "[[绥化市|DISTRICT]]项目建设情况\n\n（5）[[青冈县|DISTRICT]]：新签约项目[[31个|COUNT]]。\n\n"
        "（6）[[兰西|DISTRICT]]：2021年，全县新签约项目[[15个|COUNT]]。"
    )
    assert districts(doc) == [("青冈县", 31), ("兰西", 15)]


def test_list_items_joined_by_pdf_breaks_are_separate_sections() -> None:
    doc = annotated(
        "# [[遵义|DISTRICT]]：上半年项目建设\n\n各县区亮点纷呈：\n"
        "- [[红花岗区|DISTRICT]]：新开工项目[[18个|COUNT]]；\n- [[汇川区|DISTRICT]]：新招引项目[[23个|COUNT]]；\n"
        "- 其余县区新开工项目[[40个|COUNT]]。"
    )
    assert districts(doc) == [("红花岗区", 18), ("汇川区", 23), ("遵义", 40)]


def test_inline_yishi_items_inside_a_district_paragraph() -> None:
    doc = annotated(
        "# [[淮安市|DISTRICT]]综述\n\n"
        "各地亮点纷呈：一是[[淮阴区|DISTRICT]]新签约项目[[31个|COUNT]]；二是全市新开工项目[[5个|COUNT]]。\n\n"
        "[[清江浦区|DISTRICT]]抓招商：一是新签约项目[[7个|COUNT]]；二是[[深圳|DISTRICT]]在谈项目[[2个|COUNT]]；三是新开工项目[[4个|COUNT]]。"
    )
    assert districts(doc) == [("淮阴区", 31), ("淮安市", 5), ("清江浦区", 7), ("深圳", 2), ("清江浦区", 4)]


def test_paragraph_section_falls_back_to_enclosing_heading() -> None:
    doc = annotated(
        "# [[淮安市|DISTRICT]]综述\n\n### [[淮安区|DISTRICT]]:\n\n[[施河镇|DISTRICT]]新签约项目[[3个|COUNT]]。\n\n"
        "一季度,全区新开工项目[[8个|COUNT]]。\n\n## [[淮阴区|DISTRICT]]:\n\n#### [[王营镇|DISTRICT]]:\n\n"
        "在建项目[[6个|COUNT]]。\n\n### 其他\n\n竣工项目[[2个|COUNT]]。\n\n# 下一步\n\n力争新开工项目[[90个|COUNT*]]。"
    )
    assert districts(doc) == [("施河镇", 3), ("淮安区", 8), ("王营镇", 6), ("淮阴区", 2), ("淮安市", 90)]


def test_next_paragraph_continues_a_district_only_through_its_own_level() -> None:
    doc = annotated(
        "# [[湛江|DISTRICT]]前三季度综述\n\n[[雷州市|DISTRICT]]签约项目[[12个|COUNT]]。\n\n"
        "第四季度,全市力争签约项目[[260个|COUNT*]]。\n\n[[徐闻县|DISTRICT]]签约项目[[10个|COUNT]]。\n\n"
        "该县在建项目[[30个|COUNT]]。\n\n一季度,全县竣工项目[[3个|COUNT]]。\n\n在谈项目[[5个|COUNT]]。"
    )
    assert districts(doc) == [("雷州市", 12), ("湛江", 260), ("徐闻县", 10), ("徐闻县", 30), ("徐闻县", 3), ("湛江", 5)]


def test_traditional_name_heading() -> None:
    assert heading_place_name("### 南海區:") == "南海區"
    assert heading_place_name("響水縣：") == "響水縣"
    assert heading_place_name("● 清江浦区：") == "清江浦区"
    assert heading_place_name("### 主要做法:") is None
    doc = annotated("# 佛山一季度綜述\n\n### 南海區:\n\n全區新簽約項目[[32個|COUNT]]。")
    assert districts(doc) == [("南海區", 32)]


def test_list_items_spans() -> None:
    text = "各地：一是甲区项目1个；二是乙区项目2个。"
    assert list_items(text, 0, len(text)) == [(text.index("一是"), text.index("二是")), (text.index("二是"), len(text))]
    text = "●甲区：项目1个；\n●乙区：项目2个"
    assert list_items(text, 0, len(text)) == [(0, text.index("●乙")), (text.index("●乙"), len(text))]
    text = "总投资1.5亿元，增长2.5%。"
    assert list_items(text, 0, len(text)) == []


def test_main_district_from_opening_sentence_and_null() -> None:
    doc = annotated("[[淮安|DISTRICT]]全市新开工项目[[120个|COUNT]]。其中工业项目[[80个|COUNT]]。")
    assert [r["district"] for r in build_records(doc, strict=True)] == ["淮安", "淮安"]
    doc = annotated("# 项目拉练再发力\n\n全市新开工项目[[120个|COUNT]]。")
    assert build_records(doc, strict=True)[0]["district"] is None


def test_main_district_from_title_after_breadcrumb() -> None:
    """A breadcrumb line before the `#` title is page furniture: the title still names the main district."""
    doc = annotated("当前位置：首页 > 新闻中心 > 县域经济\n\n# 一季度[[运城|DISTRICT]]重点项目建设跑出“加速度”\n\n"
                    "来源：运城日报\n\n一季度，全市新开工项目[[41个|COUNT]]。")
    assert build_records(doc, strict=True)[0]["district"] == "运城"
    doc = annotated("首页 > 新闻中心 > 旗区动态\n\n# 一季度[[鄂尔多斯|DISTRICT]]重大项目开复工提速\n\n"
                    "到3月末，全市开复工项目[[341个|COUNT]]。")
    assert build_records(doc, strict=True)[0]["district"] == "鄂尔多斯"
    doc = annotated("[[盐湖区|DISTRICT]]新开工项目[[12个|COUNT]]。\n\n## 项目建设\n\n全区新开工项目[[5个|COUNT]]。")
    assert [r["district"] for r in build_records(doc, strict=True)] == ["盐湖区", "盐湖区"]


def test_district_name_kept_as_written() -> None:
    doc = annotated("[[淮安經濟技術開發區|DISTRICT|d]]新簽約項目[[12個|COUNT|c]]。", "c district d")
    (rec,) = build_records(doc, strict=True)
    assert rec["district"] == "淮安經濟技術開發區" and rec["count"] == 12
    assert record_tuples(rec) == [("淮安经济技术开发区", None, (None, None), None, False, "count", 12)]


@pytest.mark.parametrize(
    ("stage", "expected"),
    [("新签约", "签约"), ("签约", "签约"), ("新招引", "招引"), ("新开工", "开工"), ("新竣工", "竣工"), ("在建", "在建"),
     ("在谈", "在谈"), ("纳入", "入库"), ("新簽約", "签约")],
)
def test_stage_values(stage: str, expected: str) -> None:
    doc = annotated(f"[[{stage}|STAGE|s]]项目[[4个|COUNT|c]]。", "c stage s")
    assert build_records(doc, strict=True)[0]["stage"] == expected


@pytest.mark.parametrize(
    ("tier", "low", "high"),
    [("亿元以上", YI, None), ("10亿元以上", 10 * YI, None), ("1-10亿元", YI, 10 * YI), ("1-10亿元以上", YI, 10 * YI),
     ("50亿元以上", 50 * YI, None), ("百亿元", 100 * YI, None), ("5000万元以上", 50_000_000, None)],
)
def test_tier_in_record(tier: str, low: int | None, high: int | None) -> None:
    doc = annotated(f"在谈[[{tier}|TIER|t]]项目[[2个|COUNT|c]]。", "c tier t")
    rec = build_records(doc, strict=True)[0]
    assert (rec["tier"], rec["tier_min_yuan"], rec["tier_max_yuan"]) == (tier, low, high)


def test_target_from_anchor_and_inherited_by_parts() -> None:
    doc = annotated(
        "力争全年[[招引|STAGE|s]][[亿元以上|TIER|t]]项目[[90个|COUNT*|c]],其中[[工业|INDUSTRY|i]]项目[[60个|COUNT|p]];"
        "一季度[[签约|STAGE|s2]]项目[[31个|COUNT|r]]。",
        "c stage s\nc tier t\np part_of c\np industry i\nr stage s2",
    )
    assert [(r["count"], r["target"], r["stage"]) for r in build_records(doc, strict=True)] == [
        (90, True, "招引"), (60, True, "招引"), (31, False, "签约"),
    ]


def test_amount_kinds_and_chinese_numerals() -> None:
    doc = annotated(
        "[[新开工|STAGE|s]]工业项目[[二十四个|COUNT|c]],总投资[[二百五十六亿元|MONEY|m1]],"
        "年度计划投资[[九十六亿元|MONEY|m2]];完成协议总投资超[[500亿元|MONEY*|m3]];"
        "工业有效投资[[32亿元|MONEY|m4]];拿出[[两千万元|MONEY|m5]]奖励。",
        "c stage s\nc amount m1\nc amount m2",
    )
    records = build_records(doc, strict=True)
    assert records[0]["count"] == 24
    assert records[0]["amounts"] == [
        {"text": "二百五十六亿元", "yuan": 256 * YI, "kind": "总投资"},
        {"text": "九十六亿元", "yuan": 96 * YI, "kind": "年度计划投资"},
    ]
    assert [(r["amounts"], r["target"]) for r in records[1:]] == [
        ([{"text": "500亿元", "yuan": 500 * YI, "kind": "协议总投资"}], True),
        ([{"text": "32亿元", "yuan": 32 * YI, "kind": "有效投资"}], False),
        ([{"text": "两千万元", "yuan": 20_000_000, "kind": None}], False),
    ]


def test_amount_kinds_through_fenbie_lists() -> None:
    doc = annotated(
        "[[签约|STAGE|s]]项目分别为[[12个|COUNT|c1]]、[[10个|COUNT|c2]],计划总投资分别为[[61.9亿元|MONEY|m1]]、[[23.4亿元|MONEY|m2]];"
        "新签约项目[[34个|COUNT|c3]]、新开工项目[[23个|COUNT|c4]],协议投资和总投资分别为[[481.6亿元|MONEY|m3]]、"
        "[[356.9亿元|MONEY|m4]];签约资金分别为[[一百四十二点五亿元|MONEY|m5]]、[[168.3亿元|MONEY|m6]]和[[97.6亿元|MONEY|m7]];"
        "协议投资和总投资分别为[[1亿元|MONEY|m8]]、[[2亿元|MONEY|m9]]、[[3亿元|MONEY|m10]]。",
        "c1 stage s\nc1 amount m1\nc2 amount m2\nc3 amount m3\nc4 amount m4",
    )
    kinds = [[a["kind"] for a in r["amounts"]] for r in build_records(doc, strict=True)]
    assert kinds == [
        ["计划总投资"], ["计划总投资"], ["协议投资"], ["总投资"],
        ["签约资金"], ["签约资金"], ["签约资金"], ["协议投资"], ["总投资"], [None],
    ]


@pytest.mark.parametrize(
    ("sentence", "kinds"),
    [
        ("一季度完成投资[[96.7亿元|MONEY]]", ["完成投资"]),
        ("完成有效投资[[63.5亿元|MONEY]]", ["有效投资"]),
        ("到位资金[[71.6亿元|MONEY]]", ["到位资金"]),
        ("签约资金[[1352.6亿元|MONEY]]", ["签约资金"]),
        ("合同外资[[5000万欧元|MONEY]]、[[1.1亿美元|MONEY]]", ["合同外资", "合同外资"]),
        ("实际利用外资[[4.6亿美元|MONEY]]", ["实际利用外资"]),
        ("协议投资突破[[2000亿元|MONEY]]", ["协议投资"]),
        ("投資額分別為[[98.2億元|MONEY]]", ["投资"]),
        ("地区生产总值[[2736.4亿元|MONEY]]、[[100亿元|MONEY]]", [None, None]),
    ],
)
def test_amount_kind_phrases(sentence: str, kinds: list[str | None]) -> None:
    records = build_records(annotated(sentence + "。"), strict=True)
    assert [r["amounts"][0]["kind"] for r in records] == kinds


def test_amount_kind_across_a_pdf_break() -> None:
    doc = annotated("前文。\n签约项目[[32个|COUNT|c]],计划\n\n投资[[164亿元|MONEY|m]]。", "c amount m")
    assert build_records(doc, strict=True)[0]["amounts"][0]["kind"] == "计划投资"


def test_foreign_currency_kept_and_not_scored_as_yuan() -> None:
    doc = annotated("[[签约|STAGE|s]]外资项目[[3个|COUNT|c]],总投资[[1.2亿美元|MONEY|m]]。", "c stage s\nc amount m")
    (rec,) = build_records(doc, strict=True)
    assert rec["amounts"] == [
        {"text": "1.2亿美元", "yuan": None, "kind": "总投资", "currency": "USD", "value": 120_000_000}
    ]
    assert record_tuples(rec) == [(None, "签约", (None, None), None, False, "count", 3)]


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        ("项目[[46个|COUNT|c]],完成全年目标任务的[[29.2%|PERCENT|p]]", "completion"),
        ("项目[[46个|COUNT|c]],上半年完成全年开工任务的[[75%|PERCENT|p]]", "completion"),
        ("项目[[46个|COUNT|c]],同比增长[[19.43%|PERCENT|p]]", "growth"),
        ("项目[[46个|COUNT|c]],比上年提高[[5.9个百分点|PERCENT|p]]", "other"),
        ("项目[[46个|COUNT|c]],开工率较上年提高[[6.5个百分点|PERCENT|p]]", "other"),
        ("投资[[98.4亿元|MONEY|c]],增速高于全市平均水平[[3.1%|PERCENT|p]]", "other"),
        ("投资[[98.4亿元|MONEY|c]],同比增长[[15.6%|PERCENT|p]]", "growth"),
        ("完成投资[[63.5亿元|MONEY|c]],完成年度计划的[[28.9%|PERCENT|p]]", "completion"),
        ("项目[[46个|COUNT|c]],占全市的[[20%|PERCENT|p]]", "share"),
        ("项目[[46个|COUNT|c]],开工率达[[83.3%|PERCENT|p]]", "rate"),
        ("项目[[46个|COUNT|c]],开工率分别达[[66.7%|PERCENT|p]]", "rate"),
        ("项目[[46个|COUNT|c]],目标完成率为[[80%|PERCENT|p]]", "rate"),
        ("项目[[46个|COUNT|c]],其中[[30%|PERCENT|p]]为外资", "other"),
        ("项目[[46个|COUNT|c]],完成[[百分之五十|PERCENT|p]]的目标任务", "other"),
    ],
)
def test_rate_kinds(sentence: str, kind: str) -> None:
    doc = annotated(sentence + "。", "p rate c")
    assert build_records(doc, strict=True)[0]["rates"][0]["kind"] == kind


def test_rates_listed_with_fenbie_pair_with_count_and_amount() -> None:
    doc = annotated(
        "全县新签约项目[[31个|COUNT|c]]、总投资[[99.4亿元|MONEY|m]],完成市目标的[[34.4%|PERCENT|p1]]、[[30.2%|PERCENT|p2]]。",
        "c amount m\np1 rate c\np2 rate m",
    )
    assert build_records(doc, strict=True)[0]["rates"] == [
        {"text": "34.4%", "percent": 34.4, "kind": "completion", "of": "count"},
        {"text": "30.2%", "percent": 30.2, "kind": "completion", "of": "amount"},
    ]


def test_evidence_spans_own_words_not_inherited_ones() -> None:
    doc = annotated(
        "[[清江浦区|DISTRICT|d]][[新招引|STAGE|s]]项目[[46个|COUNT|c]],其中[[工业|INDUSTRY|i]]项目[[19个|COUNT|p]],"
        "协议引资[[77.83亿元|MONEY|m]],同比增长[[5%|PERCENT|r]]。",
        "c district d\nc stage s\np part_of c\np industry i\np amount m\nr rate m",
    )
    whole, part = build_records(doc, strict=True)
    assert whole["evidence"] == span_of(doc, "清江浦区", "46个")
    assert part["evidence"] == span_of(doc, "工业", "5%")
    assert part["district"] == "清江浦区" and part["parent"] == 0


def test_pdf_break_inside_figures_is_not_in_record_text() -> None:
    doc = annotated("前文。\n开工项目[[4个|COUNT|c]],开工率达[[83.\n\n3%|PERCENT|p]]。", "p rate c")
    assert build_records(doc, strict=True)[0]["rates"] == [
        {"text": "83.3%", "percent": 83.3, "kind": "rate", "of": "count"}
    ]


def test_unreadable_figure_is_none_unless_strict() -> None:
    doc = annotated("新开工[[项目|COUNT|c]]较多,投资[[大量资金|MONEY|m]]。", "c amount m")
    (rec,) = build_records(doc)
    assert rec["count"] is None and rec["amounts"][0]["yuan"] is None
    assert record_tuples(rec) == []
    with pytest.raises(ValueError, match="document t: entity 0 \\(COUNT\\)"):
        build_records(doc, strict=True)


def test_record_tuples_and_core_tuples() -> None:
    rec = record(
        district="淮安 經濟\n技術開發區", stage="签约", tier="亿元以上", tier_min_yuan=1e8, industry="工业",
        target=True, count=12,
        amounts=[{"text": "102.23456亿元", "yuan": 10_223_456_000, "kind": "计划总投资"},
                 {"text": "1亿美元", "yuan": None, "kind": None, "currency": "USD", "value": YI}],
        rates=[{"text": "61.335%", "percent": 61.335, "kind": "completion", "of": "count"}],
    )
    head = ("淮安经济技术开发区", "签约", (YI, None), "工业", True)
    assert record_tuples(rec) == [(*head, "count", 12), (*head, "amount", 10_223_460_000), (*head, "rate", 61.34)]
    assert core_tuples(rec) == [
        ("淮安经济技术开发区", True, "count", 12),
        ("淮安经济技术开发区", True, "amount", 10_223_460_000),
        ("淮安经济技术开发区", True, "rate", 61.34),
    ]
    assert type(record_tuples(rec)[0][2][0]) is int


def test_part_keeps_what_it_states_itself() -> None:
    doc = annotated(
        "[[淮安区|DISTRICT|d]][[签约|STAGE|s]]项目[[10个|COUNT|c]],其中[[深圳|DISTRICT|d2]][[在谈|STAGE|s2]]项目[[4个|COUNT*|p]]。",
        "c district d\nc stage s\np part_of c\np district d2\np stage s2",
    )
    whole, part = build_records(doc, strict=True)
    assert (whole["district"], whole["stage"], whole["target"]) == ("淮安区", "签约", False)
    assert (part["district"], part["stage"], part["target"], part["parent"]) == ("深圳", "在谈", True, 0)


def test_empty_document_has_no_records() -> None:
    assert build_records({"id": "e", "text": "", "entities": [], "relations": []}) == []
    assert build_records({"id": "e", "text": "\n\n# 标题\n", "entities": [], "relations": []}) == []
