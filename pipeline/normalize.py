"""Normalise article text for the model, keeping exact offset maps back to the stored text.

The model sees one spelling of every figure: PDF line breaks inside sentences are dropped,
traditional characters become simplified, full-width digits/letters/punctuation become ASCII
and Chinese numerals inside figures become digits (三十五亿元 → 35亿元, 百分之五十 → 50%).
Entity offsets must still refer to the stored text (spec §1), so every change is recorded as
an edit and spans are mapped through the edits in both directions.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from decimal import Decimal
from functools import lru_cache

import cn2an
import opencc

from pipeline.gazetteer import find_division
from pipeline.text import has_place_suffix, pdf_breaks, table_row_head

_T2S = opencc.OpenCC("t2s")

#: full-width forms (U+FF01…U+FF5E) and the ideographic space whose NFKC form is one ASCII character
FULLWIDTH_TO_ASCII: dict[int, str] = {
    cp: folded
    for cp in [*range(0xFF01, 0xFF5F), 0x3000]
    if len(folded := unicodedata.normalize("NFKC", chr(cp))) == 1 and folded.isascii()
}

CN_DIGIT_VALUES = {"零": "0", "〇": "0", "一": "1", "二": "2", "两": "2", "三": "3", "四": "4",
                   "五": "5", "六": "6", "七": "7", "八": "8", "九": "9"}
_CN_INT = "[零〇一二三四五六七八九两十百千廿]+"
_CN_DEC = "点[零〇一二三四五六七八九]+"
#: a Chinese numeral; 万/亿 inside it only when more numeral follows (一亿二千万, 三万五千)
CN_NUMERAL = f"{_CN_INT}(?:[万亿]{_CN_INT})*(?:{_CN_DEC})?"
CURRENCY_WORDS = "新加坡元|人民币|美元|欧元|日元|英镑|港元|港币|韩元|澳元|加元|卢布|元"
MEASURE_WORDS = "个|项|条"
_NOT_BEFORE_NUMERAL = "0-9.点零〇一二三四五六七八九两十百千廿万亿"
#: 百分之五十, or a Chinese numeral followed by (多/余) (万/亿) (多/余) and a currency or measure word
_FIGURE = re.compile(
    f"百分之(?P<pnum>{CN_NUMERAL}|\\d+(?:\\.\\d+)?)"
    f"|(?<![{_NOT_BEFORE_NUMERAL}])(?P<num>{CN_NUMERAL})"
    f"(?=[多余]?(?P<unit>万亿|亿|万)?[多余]?(?:{CURRENCY_WORDS}|(?P<measure>{MEASURE_WORDS})))"
)
#: the same without the context, for text already known to be one figure (parsing an entity span)
_SPAN_FIGURE = re.compile(
    f"百分之(?P<pnum>{CN_NUMERAL}|\\d+(?:\\.\\d+)?)"
    f"|(?<![{_NOT_BEFORE_NUMERAL}])(?P<num>{CN_NUMERAL})(?!分)(?P<unit>万亿|亿|万)?"
)
_ASCII_LETTER = re.compile("[A-Za-z]")
#: punctuation that already ends a table row's clause (after width folding)
_CLAUSE_ENDS = ";,、"


def simplify(text: str) -> str:
    """Traditional → simplified, one character for one (whole-text conversion when it keeps length)."""
    converted = _T2S.convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(_simplify_char(ch) for ch in text)


@lru_cache(maxsize=8192)
def _simplify_char(ch: str) -> str:
    converted = _T2S.convert(ch)
    return converted if len(converted) == 1 else ch


def fold_width(text: str) -> str:
    """Full-width digits, letters and punctuation → ASCII (one character for one)."""
    return text.translate(FULLWIDTH_TO_ASCII)


@lru_cache(maxsize=4096)
def cn_integer(numeral: str) -> int:
    """Value of a Chinese integer numeral (十二 → 12, 百 → 100, 两千 → 2000); ValueError if malformed."""
    if numeral[0] in "百千":
        numeral = "一" + numeral
    try:
        value = cn2an.cn2an(numeral, "smart")
    except ValueError as err:
        raise ValueError(f"not a Chinese numeral: {numeral!r}") from err
    if value != int(value):
        raise ValueError(f"not a Chinese integer: {numeral!r}")
    return int(value)


def cn_number(numeral: str) -> Decimal:
    """Value of a Chinese numeral with optional decimals (三点五 → 3.5) or inner 万/亿 (三万五千 → 35000)."""
    whole, _, decimals = numeral.partition("点")
    digits = "".join(CN_DIGIT_VALUES[ch] for ch in decimals)
    return Decimal(f"{cn_integer(whole)}.{digits}" if digits else cn_integer(whole))


def format_decimal(value: Decimal) -> str:
    """Plain decimal notation without trailing zeros (Decimal('1.20') → '1.2', Decimal('3E+1') → '30')."""
    return format(value.normalize(), "f")


def _figure_edit(match: re.Match[str]) -> tuple[int, int, str] | None:
    """(start, end, replacement) turning the Chinese numeral of one figure into digits, or None."""
    if match.group("pnum") is not None:
        pnum = match.group("pnum")
        value = pnum if pnum[0].isdigit() else _cn_or_none(pnum)
        return None if value is None else (match.start(), match.end(), f"{value}%")
    numeral, unit = match.group("num"), match.group("unit")
    if numeral == "一" and match.groupdict().get("measure") and not unit:
        return None  # 一个 / 一项 / 一条 are mostly words, not figures
    inner_unit = "亿" if "亿" in numeral else "万" if "万" in numeral else None
    if inner_unit is None:
        value = _cn_or_none(numeral)
        return None if value is None else (match.start("num"), match.end("num"), value)
    if "点" in numeral:
        return None
    full = numeral + (unit if unit and match.start("unit") == match.end("num") else "")
    try:
        total = Decimal(cn_integer(full))
    except ValueError:
        return None
    scale = Decimal(10**8 if "亿" in full else 10**4)
    return match.start("num"), match.start("num") + len(full), format_decimal(total / scale) + (
        "亿" if "亿" in full else "万"
    )


def _cn_or_none(numeral: str) -> str | None:
    try:
        return format_decimal(cn_number(numeral))
    except ValueError:
        return None


def figure_edits(text: str) -> list[tuple[int, int, str]]:
    """Edits that write the Chinese numerals of money, counts and percentages as digits."""
    return [edit for match in _FIGURE.finditer(text) if (edit := _figure_edit(match))]


def span_digits(span_text: str) -> str:
    """One figure's text with every Chinese numeral as digits (no context needed: 十二 → 12, 百亿 → 100亿)."""
    parts, pos = [], 0
    for match in _SPAN_FIGURE.finditer(span_text):
        edit = _figure_edit(match)
        if edit:
            parts.append(span_text[pos : edit[0]])
            parts.append(edit[2])
            pos = edit[1]
    parts.append(span_text[pos:])
    return "".join(parts)


class Normalized:
    """Normalised text with offset maps to and from the original.

    Each edit replaces original[o_start:o_end] by text[n_start:n_end]; outside edits the two texts
    agree character for character.  A span that touches part of an edit maps to the whole edit.
    """

    __slots__ = ("original", "text", "_o_start", "_o_end", "_n_start", "_n_end")

    def __init__(self, original: str, text: str, edits: list[tuple[int, int, int, int]]):
        self.original = original
        self.text = text
        self._o_start = [e[0] for e in edits]
        self._o_end = [e[1] for e in edits]
        self._n_start = [e[2] for e in edits]
        self._n_end = [e[3] for e in edits]

    def _to_original_char(self, pos: int) -> tuple[int, int]:
        k = bisect_right(self._n_start, pos) - 1
        if k < 0:
            return pos, pos + 1
        if pos < self._n_end[k]:
            return self._o_start[k], self._o_end[k]
        orig = self._o_end[k] + pos - self._n_end[k]
        return orig, orig + 1

    def _to_normalized_char(self, pos: int) -> tuple[int, int]:
        k = bisect_right(self._o_start, pos) - 1
        if k < 0:
            return pos, pos + 1
        if pos < self._o_end[k]:
            return self._n_start[k], self._n_end[k]
        norm = self._n_end[k] + pos - self._o_end[k]
        return norm, norm + 1

    def to_original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original span covering normalised text[start:end] (empty spans map to a boundary)."""
        _check_span(start, end, len(self.text))
        first = self._to_original_char(start)[0] if start < len(self.text) else len(self.original)
        if end == start:
            return first, first
        return first, self._to_original_char(end - 1)[1]

    def to_normalized_span(self, start: int, end: int) -> tuple[int, int]:
        """Normalised span covering original[start:end]; dropped line breaks map to empty spans."""
        _check_span(start, end, len(self.original))
        first = self._to_normalized_char(start)[0] if start < len(self.original) else len(self.text)
        if end == start:
            return first, first
        return first, max(first, self._to_normalized_char(end - 1)[1])

    def __repr__(self) -> str:
        return f"Normalized({self.text[:40]!r}…, {len(self._o_start)} edits)"


def _check_span(start: int, end: int, length: int) -> None:
    if not 0 <= start <= end <= length:
        raise ValueError(f"span {start}-{end} outside text of length {length}")


def _join_edit(text: str, start: int, end: int) -> tuple[int, int, str]:
    """Drop a PDF break; keep one space between two Latin letters so words do not run together, and write
    `;` before the head of a flattened table row (`…新开工43个⏎东乡区：…` → `…新开工43个;东乡区：…`) so the
    model does not read the row's district as the end of the row before it."""
    between_letters = start > 0 and end < len(text) and _ASCII_LETTER.match(text[start - 1]) and _ASCII_LETTER.match(
        text[end]
    )
    if between_letters:
        return start, end, " "
    if start > 0 and text[start - 1] not in _CLAUSE_ENDS and _opens_table_row(text, end):
        return start, end, ";"
    return start, end, ""


def _opens_table_row(text: str, pos: int) -> bool:
    """Whether text[pos:] is the head of a table row whose name is a place (东乡区：…, 舒城：…)."""
    name = table_row_head(text, pos)
    return name is not None and (has_place_suffix(name) or find_division(name) is not None)


def _apply_edits(text: str, edits: list[tuple[int, int, str]]) -> tuple[str, list[tuple[int, int, int, int]]]:
    """`text` with the sorted, disjoint edits applied, and each edit as (start, end, new_start, new_end)."""
    parts: list[str] = []
    spans: list[tuple[int, int, int, int]] = []
    pos = length = 0
    for start, end, replacement in edits:
        parts.append(text[pos:start])
        length += start - pos
        parts.append(replacement)
        spans.append((start, end, length, length + len(replacement)))
        length += len(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts), spans


def _compose(
    joins: list[tuple[int, int, str]], join_spans: list[tuple[int, int, int, int]], figures: list[tuple[int, int, str]]
) -> list[tuple[int, int, str]]:
    """Joins and figure edits (found in the joined text) as edits of the original text, in order.

    A break inside a figure (七\\n十三点六九亿元) becomes part of that figure's edit, so the figure maps
    to one original span that includes the break; breaks at a figure's edge stay edits of their own.
    """
    edits: list[tuple[int, int, str]] = []
    k = shift = 0  # shift: original offset minus joined offset after the joins passed so far
    for j_start, j_end, replacement in figures:
        while k < len(joins) and join_spans[k][3] <= j_start:
            edits.append(joins[k])
            shift += _shrink(join_spans[k])
            k += 1
        start = j_start + shift
        while k < len(joins) and join_spans[k][2] < j_end:
            shift += _shrink(join_spans[k])
            k += 1
        edits.append((start, j_end + shift, replacement))
    edits.extend(joins[k:])
    return edits


def _shrink(span: tuple[int, int, int, int]) -> int:
    """How many characters an edit removes."""
    start, end, new_start, new_end = span
    return (end - start) - (new_end - new_start)


def normalize(text: str) -> Normalized:
    """Normalise `text` (see module doc); offsets map back with `to_original_span`.

    PDF breaks are joined before Chinese numerals are read, so a numeral broken across lines is read whole.
    """
    folded = fold_width(simplify(text))
    joins = [_join_edit(folded, start, end) for start, end in pdf_breaks(text)]
    joined, join_spans = _apply_edits(folded, joins)
    normalized, spans = _apply_edits(folded, _compose(joins, join_spans, figure_edits(joined)))
    return Normalized(text, normalized, spans)
