"""Values of MONEY, PERCENT, COUNT and TIER spans (spec §5: 亿 = 1e8, 万 = 1e4, 千 = 1e3).

Spans are parsed as written in the article: white space and line breaks inside them are
ignored, full-width digits and traditional characters are folded, and Chinese numerals count
the same as digits.  Arithmetic uses Decimal so that 102.2亿元 is exactly 10220000000 yuan.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from pipeline.normalize import fold_width, simplify, span_digits

#: currency words → ISO code; longest first so that 新加坡元 is not read as 元
CURRENCIES: dict[str, str] = {
    "新加坡元": "SGD", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "日元": "JPY", "英镑": "GBP",
    "港元": "HKD", "港币": "HKD", "韩元": "KRW", "澳元": "AUD", "加元": "CAD", "卢布": "RUB", "元": "CNY",
}
UNIT_VALUES: dict[str, int] = {"十": 10, "百": 100, "千": 1000, "万": 10**4, "亿": 10**8}

_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = "[十百千万亿]*"
_CURRENCY = "|".join(sorted(CURRENCIES, key=len, reverse=True))
_MONEY = re.compile(f"(?P<num>{_NUMBER})[多余]?(?P<unit>{_UNITS})[多余]?(?P<cur>{_CURRENCY})?")
_PERCENT = re.compile(f"(?P<num>{_NUMBER})[多余]?(?P<sign>%|‰|个?百分点)")
_COUNT = re.compile(f"(?P<num>{_NUMBER})[多余]?(?P<unit>{_UNITS})[多余]?(?:个|项|条|家|批)?")
_TIER = re.compile(
    f"(?:超过|超|过|逾)?(?P<low>{_NUMBER})?(?P<low_unit>{_UNITS})元?"
    f"(?:[-–—~至到](?P<high>{_NUMBER})(?P<high_unit>{_UNITS})元?)?"
    r"(?P<bound>(?:\(含\)|及)?(?:以上|以下))?"
)
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def clean_span(span_text: str) -> str:
    """Span text folded for parsing: no white space, simplified, ASCII digits, Chinese numerals as digits."""
    text = "".join(fold_width(simplify(span_text)).split())
    return _THOUSANDS.sub("", span_digits(text))


def unit_multiplier(units: str) -> int:
    """Product of unit characters (千万 → 1e7, 万亿 → 1e12; empty → 1)."""
    value = 1
    for ch in units:
        value *= UNIT_VALUES[ch]
    return value


def to_int(value: Decimal) -> int:
    """Round half up to a whole number (yuan are integers)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_money(span_text: str) -> dict:
    """{"yuan", "currency", "value"} of a MONEY span; `yuan` only for CNY (foreign money is not converted).

    `value` is the amount in its own currency's units: 1.2亿美元 → value 120000000, currency USD, yuan None.
    """
    match = _MONEY.search(clean_span(span_text))
    if not match or not (match.group("unit") or match.group("cur")):
        raise ValueError(f"cannot read an amount of money in {span_text!r} (expected e.g. 102.2亿元, 两千万元)")
    value = to_int(Decimal(match.group("num")) * unit_multiplier(match.group("unit")))
    currency = CURRENCIES[match.group("cur")] if match.group("cur") else "CNY"
    return {"yuan": value if currency == "CNY" else None, "currency": currency, "value": value}


def parse_percent(span_text: str) -> float:
    """Percent of a PERCENT span: 61.33% → 61.33, 百分之五十 → 50.0, 5.9个百分点 → 5.9, 5‰ → 0.5."""
    match = _PERCENT.search(clean_span(span_text))
    if not match:
        raise ValueError(f"cannot read a percentage in {span_text!r} (expected e.g. 61.33%, 百分之五十, 5.9个百分点)")
    value = Decimal(match.group("num"))
    return float(value / 10 if match.group("sign") == "‰" else value)


def parse_count(span_text: str) -> int:
    """Number of a COUNT span: 12个 → 12, 十二个 → 12, 710项 → 710, 118条 → 118, 1.2万个 → 12000."""
    match = _COUNT.search(clean_span(span_text))
    if not match:
        raise ValueError(f"cannot read a count in {span_text!r} (expected e.g. 12个, 十二个, 710项)")
    value = Decimal(match.group("num")) * unit_multiplier(match.group("unit"))
    if value != value.to_integral_value():
        raise ValueError(f"count {span_text!r} is not a whole number")
    return int(value)


def tier_range(tier_text: str) -> tuple[int | None, int | None]:
    """(min_yuan, max_yuan) of a TIER span; a bare or `以上` amount is a lower bound, `以下` an upper one.

    亿元以上 → (1e8, None), 1-10亿元 → (1e8, 1e9), 1-10亿元以上 → (1e8, 1e9), 百亿元 → (1e10, None),
    5000万元以上 → (5e7, None), 亿元以下 → (None, 1e8).
    """
    text = clean_span(tier_text)
    match = _TIER.fullmatch(text)
    if not match or not (match.group("low") or match.group("low_unit")):
        raise ValueError(f"cannot read a project size class in {tier_text!r} (expected e.g. 亿元以上, 1-10亿元)")
    low, low_unit, high, high_unit = match.group("low", "low_unit", "high", "high_unit")
    if high is None:
        amount = to_int(Decimal(low or 1) * unit_multiplier(low_unit))
        below = (match.group("bound") or "").endswith("以下")
        return (None, amount) if below else (amount, None)
    unit = unit_multiplier(low_unit or high_unit)
    return to_int(Decimal(low or 1) * unit), to_int(Decimal(high) * unit_multiplier(high_unit))
