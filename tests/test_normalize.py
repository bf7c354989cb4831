"""Normaliser: what the model sees, and exact offset maps back to the stored text."""

from __future__ import annotations

import pytest

from pipeline.normalize import normalize
from pipeline.text import blocks, pdf_breaks, sentence_spans

SEED_LIKE = (
    "# 淮安市项目建设综述\n\n"
    "### 清江浦区:\n\n"
    "今年以来,全区新招引亿元以上项目46个,协议引资165.93亿元,分别完成目标任务的61.33%、59.26%。\n\n"
    "破解项目承载瓶颈,成功清理低效用\n\n地1300余亩,为项目落地提供空间保障。\n"
    "開工率達83.\n3%,全區新簽約項目十二個,總投資三十五億元,占比百分之五十。\n"
    "兩千萬元用于１２个项目，增长５．９个百分点；一季度完成一个目标。"
)


def test_joins_pdf_breaks_only_inside_sentences() -> None:
    norm = normalize(SEED_LIKE)
    assert "成功清理低效用地1300余亩" in norm.text
    assert "开工率达83.3%" in norm.text
    assert "59.26%。\n\n破解" in norm.text  # a paragraph break after 。 stays
    assert "### 清江浦区:\n\n今年以来" in norm.text  # headings are never joined


TABLE = (
    "附表：2022年各县（区）亿元以上项目推进情况\n"
    "临川区：新签约56个，新开工43个\n"
    "舒城：新签约44个，新开工36个；\n"
    "抚州高新区：新签约48个\n"
    "注：东临新区数据含托管乡镇。"
)


def test_table_rows_joined_by_pdf_breaks_are_marked_with_semicolons() -> None:
    """A row's district must not read as the end of the row before it (decision 29: still one sentence)."""
    norm = normalize(TABLE)
    assert norm.text == (
        "附表:2022年各县(区)亿元以上项目推进情况;临川区:新签约56个,新开工43个;舒城:新签约44个,新开工36个;"
        "抚州高新区:新签约48个注:东临新区数据含托管乡镇。"
    )
    assert len(sentence_spans(TABLE)) == 1
    row = norm.text.index(";临川区")
    assert TABLE[slice(*norm.to_original_span(row, row + 1))] == "\n"
    name = TABLE.index("舒城")
    assert norm.text[slice(*norm.to_normalized_span(name, name + 2))] == "舒城"


def test_traditional_fullwidth_and_chinese_numerals() -> None:
    norm = normalize(SEED_LIKE)
    assert "全区新签约项目12个,总投资35亿元,占比50%。" in norm.text
    assert "2000万元用于12个项目,增长5.9个百分点;一季度完成一个目标。" in norm.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("三十五亿元", "35亿元"),
        ("十二个", "12个"),
        ("百分之五十", "50%"),
        ("两千万元", "2000万元"),
        ("百亿元项目", "100亿元项目"),
        ("一亿元以上", "1亿元以上"),
        ("一亿二千万元", "1.2亿元"),
        ("三万五千元", "3.5万元"),
        ("三点五亿美元", "3.5亿美元"),
        ("百分之三点五", "3.5%"),
        ("十余个", "10余个"),
        ("一季度", "一季度"),
        ("一个", "一个"),
        ("三大类", "三大类"),
        ("千万不要", "千万不要"),
        ("二〇二二年", "二〇二二年"),
        ("1千万元", "1千万元"),
        ("５．９个百分点", "5.9个百分点"),
    ],
)
def test_figures(text: str, expected: str) -> None:
    assert normalize(text).text == expected


def _every_span_round_trips(original: str) -> None:
    norm = normalize(original)
    # normalised spans that do not cut through a replaced figure map back and forth exactly
    boundaries = _normalized_boundaries(norm)
    for start in boundaries:
        for end in boundaries:
            if start < end:
                o_start, o_end = norm.to_original_span(start, end)
                assert norm.to_normalized_span(o_start, o_end) == (start, end)


def _normalized_boundaries(norm) -> list[int]:
    """Positions in the normalised text that are not inside a multi-character replacement."""
    out = []
    for pos in range(len(norm.text) + 1):
        if pos in (0, len(norm.text)):
            out.append(pos)
            continue
        left = norm.to_original_span(pos - 1, pos)
        right = norm.to_original_span(pos, pos + 1)
        if left != right:
            out.append(pos)
    return out


def test_every_normalized_span_round_trips() -> None:
    _every_span_round_trips(SEED_LIKE[:160])
    _every_span_round_trips(SEED_LIKE[150:])
    _every_original_span_round_trips(SEED_LIKE)


@pytest.mark.parametrize(
    ("original_span", "normalized_span"),
    [
        ("83.\n3%", "83.3%"),
        ("十二個", "12个"),
        ("三十五億元", "35亿元"),
        ("百分之五十", "50%"),
        ("兩千萬元", "2000万元"),
        ("１２个", "12个"),
        ("５．９个百分点", "5.9个百分点"),
        ("低效用\n\n地1300余亩", "低效用地1300余亩"),
    ],
)
def test_entity_spans_map_both_ways(original_span: str, normalized_span: str) -> None:
    norm = normalize(SEED_LIKE)
    o_start = SEED_LIKE.index(original_span)
    o_end = o_start + len(original_span)
    n_start, n_end = norm.to_normalized_span(o_start, o_end)
    assert norm.text[n_start:n_end] == normalized_span
    assert norm.to_original_span(n_start, n_end) == (o_start, o_end)


LEAD = "开头一句话。"  # so that the broken line is body text, not a title


@pytest.mark.parametrize(
    ("sentence", "figure", "expected_sentence", "expected_figure"),
    [
        ("项目总投资七\n十三点六九亿元。", "七\n十三点六九亿元", "项目总投资73.69亿元。", "73.69亿元"),
        ("总投资三十\n五亿元。", "三十\n五亿元", "总投资35亿元。", "35亿元"),
        ("占比百分\n之五十。", "百分\n之五十", "占比50%。", "50%"),
        ("新签约项目十\n二个。", "十\n二个", "新签约项目12个。", "12个"),
        ("总投资七\n\n十三点六\n九亿元。", "七\n\n十三点六\n九亿元", "总投资73.69亿元。", "73.69亿元"),
        ("引资一亿二\n千万元。", "一亿二\n千万元", "引资1.2亿元。", "1.2亿元"),
        ("共\n三十五亿元。", "三十五亿元", "共35亿元。", "35亿元"),
        ("共三十五\n亿元。", "三十五\n亿元", "共35亿元。", "35亿元"),
        ("共三十五亿\n元。", "三十五亿\n元", "共35亿元。", "35亿元"),
    ],
)
def test_chinese_numeral_broken_across_lines(
    sentence: str, figure: str, expected_sentence: str, expected_figure: str
) -> None:
    text = LEAD + sentence
    norm = normalize(text)
    assert norm.text == LEAD + expected_sentence
    o_start = text.index(figure)
    o_end = o_start + len(figure)
    n_start, n_end = norm.to_normalized_span(o_start, o_end)
    assert norm.text[n_start:n_end] == expected_figure
    assert norm.to_original_span(n_start, n_end) == (o_start, o_end)
    _every_span_round_trips(text)
    _every_original_span_round_trips(text)


def _every_original_span_round_trips(original: str) -> None:
    """Original spans that start and end on text (as entities do) and cut no edit map there and back."""
    norm = normalize(original)
    cuts = [pos for pos in range(len(original) + 1) if _cuts_no_edit(norm, pos)]
    starts = [pos for pos in cuts if pos < len(original) and not original[pos].isspace()]
    ends = [pos for pos in cuts if pos > 0 and not original[pos - 1].isspace()]
    for start in starts:
        for end in ends:
            if start < end:
                assert norm.to_original_span(*norm.to_normalized_span(start, end)) == (start, end)


def _cuts_no_edit(norm, pos: int) -> bool:
    """Whether original position `pos` lies between edits (the characters either side map apart)."""
    if pos in (0, len(norm.original)):
        return True
    left = norm.to_normalized_span(pos - 1, pos)
    return left[0] == left[1] or left != norm.to_normalized_span(pos, pos + 1)


def test_partial_figure_maps_to_whole_figure() -> None:
    norm = normalize("共三十五亿元")
    assert norm.text == "共35亿元"
    assert norm.to_original_span(1, 2) == (1, 4)  # "3" comes from 三十五
    assert norm.to_normalized_span(2, 3) == (1, 3)  # 十 is part of 35


def test_dropped_break_and_empty_spans() -> None:
    text = "今年以来,全区成功清理低效用\n\n地1300余亩。"
    norm = normalize(text)
    brk = text.index("\n")
    assert norm.to_normalized_span(brk, brk + 2) == (brk, brk)
    assert norm.to_normalized_span(brk, brk) == (brk, brk)
    assert norm.to_original_span(len(norm.text), len(norm.text)) == (len(text), len(text))
    with pytest.raises(ValueError, match="outside text"):
        norm.to_original_span(0, len(norm.text) + 1)


def test_latin_words_keep_a_space_across_a_pdf_break() -> None:
    text = "开头一句话。项目由Foxconn\nGroup投资建设。"
    assert "Foxconn Group投资" in normalize(text).text


def test_sentences_per_guidelines() -> None:
    text = (
        "# 标题\n\n### 淮安区:\n\n一季度,新开工项目2个;新竣工项目\n\n1个。在建项目24个！下一步“加快建设。”\n"
        "清江浦区：\n全区..."
    )
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    assert sentences == [
        "# 标题",
        "### 淮安区:",
        "一季度,新开工项目2个;新竣工项目\n\n1个。",
        "在建项目24个！",
        "下一步“加快建设。”",
        "清江浦区：",
        "全区...",
    ]
    assert [text[s:e] for s, e in pdf_breaks(text)] == ["\n\n"]


def test_title_without_hash_is_a_heading() -> None:
    text = "淮安市上半年项目建设综述\n全市新开工项目120个。"
    assert pdf_breaks(text) == []
    first = blocks(text)[0]
    assert first.is_heading and text[first.start : first.end] == "淮安市上半年项目建设综述"


def test_name_headings() -> None:
    text = "引言。\n清江浦区：\n内容。\n主要做法：\n内容。\n### 淮安工业园区:\n#### 聚力项目攻坚\n"
    named = [(b.name, b.level) for b in blocks(text) if b.is_heading]
    assert named == [("清江浦区", 7), (None, 7), ("淮安工业园区", 3), (None, 4)]
