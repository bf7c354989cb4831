"""Values of MONEY, PERCENT, COUNT and TIER spans (spec §5)."""

from __future__ import annotations

import pytest

from pipeline.numbers import parse_count, parse_money, parse_percent, tier_range


@pytest.mark.parametrize(
    ("text", "yuan"),
    [
        ("102.2亿元", 10_220_000_000),
        ("165.93亿元", 16_593_000_000),
        ("77.83亿元", 7_783_000_000),
        ("500亿元", 50_000_000_000),
        ("3.5万元", 35_000),
        ("三十五亿元", 3_500_000_000),
        ("两千万元", 20_000_000),
        ("一亿二千万元", 120_000_000),
        ("5千万元", 50_000_000),
        ("2万亿元", 2_000_000_000_000),
        ("1,200万元", 12_000_000),
        ("１０２．２億元", 10_220_000_000),
        ("77.83亿\n\n元", 7_783_000_000),
        ("24.6亿", 2_460_000_000),
        ("800元", 800),
        ("3000万元人民币", 30_000_000),
    ],
)
def test_money_in_yuan(text: str, yuan: int) -> None:
    assert parse_money(text) == {"yuan": yuan, "currency": "CNY", "value": yuan}


@pytest.mark.parametrize(
    ("text", "currency", "value"),
    [
        ("1.2亿美元", "USD", 120_000_000),
        ("5000万欧元", "EUR", 50_000_000),
        ("3亿日元", "JPY", 300_000_000),
        ("2000万港元", "HKD", 20_000_000),
        ("1亿新加坡元", "SGD", 100_000_000),
    ],
)
def test_foreign_money_is_not_converted(text: str, currency: str, value: int) -> None:
    assert parse_money(text) == {"yuan": None, "currency": currency, "value": value}


@pytest.mark.parametrize(
    ("text", "percent"),
    [
        ("61.33%", 61.33),
        ("百分之五十", 50.0),
        ("百分之三点五", 3.5),
        ("5.9个百分点", 5.9),
        ("三个百分点", 3.0),
        ("６１．３３％", 61.33),
        ("83.\n\n3%", 83.3),
        ("5‰", 0.5),
    ],
)
def test_percent(text: str, percent: float) -> None:
    assert parse_percent(text) == percent


@pytest.mark.parametrize(
    ("text", "count"),
    [("12个", 12), ("十二个", 12), ("710项", 710), ("118条", 118), ("两个", 2), ("1.2万个", 12000), ("３１个", 31)],
)
def test_count(text: str, count: int) -> None:
    assert parse_count(text) == count


@pytest.mark.parametrize(
    ("text", "bounds"),
    [
        ("亿元以上", (100_000_000, None)),
        ("亿元", (100_000_000, None)),
        ("10亿元以上", (1_000_000_000, None)),
        ("十亿元以上", (1_000_000_000, None)),
        ("1-10亿元", (100_000_000, 1_000_000_000)),
        ("1-10亿元以上", (100_000_000, 1_000_000_000)),
        ("１－１０億元", (100_000_000, 1_000_000_000)),
        ("10-50亿元", (1_000_000_000, 5_000_000_000)),
        ("50亿元以上", (5_000_000_000, None)),
        ("百亿元", (10_000_000_000, None)),
        ("5000万元以上", (50_000_000, None)),
        ("5000万-1亿元", (50_000_000, 100_000_000)),
        ("1亿至10亿元", (100_000_000, 1_000_000_000)),
        ("亿元以下", (None, 100_000_000)),
        ("超亿元", (100_000_000, None)),
    ],
)
def test_tier_range(text: str, bounds: tuple) -> None:
    assert tier_range(text) == bounds
    assert all(b is None or type(b) is int for b in tier_range(text))


@pytest.mark.parametrize(
    ("parser", "text"),
    [(parse_money, "亿元"), (parse_money, "大量资金"), (parse_percent, "五成"), (parse_count, "若干个"),
     (parse_count, "1.5个"), (tier_range, "大项目"), (tier_range, "亿元以上项目")],
)
def test_unreadable_spans_name_the_text(parser, text: str) -> None:
    with pytest.raises(ValueError, match=text):
        parser(text)
