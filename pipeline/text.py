"""Sentences, paragraphs and headings of an article, in original-text offsets (GUIDELINES "Sentences").

Articles come from PDFs and web pages, so a line break is either a paragraph break or a
*PDF break* inside a sentence (`成功清理低效用\\n\\n地1300余亩`).  A line break is a PDF break when
the text before it does not end in sentence punctuation or a colon, and neither the line
before nor the line after is a heading.  The normaliser drops PDF breaks; sentence and
paragraph boundaries never fall on them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: characters that end a sentence (GUIDELINES); `；` and `……` do not
SENTENCE_END = "。！？!?"
#: closing quotes and brackets that stay with the sentence they close
CLOSERS = "”’」』）)》〉】\"'"
LINE_END_STOPS = frozenset(SENTENCE_END + ":：")

_BREAK_RUN = re.compile(r"[^\S\n]*\n\s*")
_SENTENCE_END = re.compile(f"[{SENTENCE_END}]+[{re.escape(CLOSERS)}]*")
_MARKDOWN_HEADING = re.compile(r"\s*(#{1,6})")
#: "一、…", "（一）…", "1、…", "1. …" (but not "1.5亿元")
ENUMERATION = r"(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|\d+、|\d+[.．](?!\d))"
_ENUMERATED_HEADING = re.compile(rf"\s*{ENUMERATION}")
#: the marker of a list item: a bullet, "- ", an enumeration, or 一是/二是… (written inline too)
INLINE_MARKER = r"(?:[一二三四五六七八九十]是|[（(][一二三四五六七八九十\d]+[)）])"
LIST_MARKER = rf"(?:[●•▪■◆◇○►▶★☆·][^\S\n]*|[-*+][^\S\n]+|{ENUMERATION}|{INLINE_MARKER})"
_LIST_MARKER = re.compile(LIST_MARKER)
#: an item starts on a line of its own (inside a paragraph: after a PDF break) or, for 一是/（1）, after punctuation
_LINE_ITEM = re.compile(rf"\n[^\S\n]*(?={LIST_MARKER})")
_INLINE_ITEM = re.compile(rf"(?<=[。；;：:！？!?，,])\s*(?={INLINE_MARKER})")
#: what may precede the subject of a heading, paragraph or list item: '#', a list marker, opening quotes
_OPENING = re.compile(rf"[#\s]*{LIST_MARKER}?[\s“\"'「『【]*")
_INNER_STOPS = re.compile(r"[。！？!?；;]")
_ANY_PUNCT = re.compile(r"[,，。；;:：!！?？、]")
#: "### 清江浦区:" / "清江浦区：" / "一、淮安区：" — a heading that is just a place name and a colon
_NAME_HEADING = re.compile(
    rf"\s*#*\s*{LIST_MARKER}?\s*"
    r"(?P<name>[^\s,，。；;:：!！?？、#]{2,20}?)\s*[:：]\s*$"
)
#: endings of administrative areas and zones; a name heading without one ("主要做法：") names no place
_PLACE_SUFFIX = re.compile(r"(?:省|市|区|區|县|縣|州|旗|盟|镇|鎮|乡|鄉|街道|园|園)$")
TITLE_MAX_CHARS = 40

#: heading levels: markdown headings use their number of '#'; headings in plain text rank below them
PLAIN_TITLE_LEVEL = 1
NAME_HEADING_LEVEL = 7
PLAIN_HEADING_LEVEL = 8


@dataclass(frozen=True)
class Block:
    """A paragraph or a heading line, trimmed of surrounding white space.

    `level` is the heading level (None for paragraphs); `name`/`name_start` give the place name
    of a name heading such as `### 清江浦区:` (None when the heading names no place).
    """

    start: int
    end: int
    level: int | None = None
    name: str | None = None
    name_start: int | None = None

    @property
    def is_heading(self) -> bool:
        return self.level is not None


def heading_level(line: str, first_line: bool = False) -> int | None:
    """Level of `line` as a heading, or None when it is body text.

    Markdown headings (`#`…), enumerated headings (`一、…`, `（一）…`) and a name line ending in a
    colon are headings anywhere; a short line without punctuation is a heading only as the first
    non-empty line of the document (a title written without `#`).
    """
    stripped = line.strip()
    if not stripped:
        return None
    markdown = _MARKDOWN_HEADING.match(stripped)
    if markdown:
        return len(markdown.group(1))
    if len(stripped) <= TITLE_MAX_CHARS and not _INNER_STOPS.search(stripped):
        if _NAME_HEADING.match(stripped):
            return NAME_HEADING_LEVEL
        if _ENUMERATED_HEADING.match(stripped):
            return PLAIN_HEADING_LEVEL
        if first_line and not _ANY_PUNCT.search(stripped):
            return PLAIN_TITLE_LEVEL
    return None


#: the head of a flattened table row: a name and a colon with the row's cells after it (`临川区：新签约56个`)
_ROW_HEAD = re.compile(r"[^\S\n]*(?P<name>[^\s,，。；;:：!！?？、#（()）]{2,12}?)[:：][^\S\n]*(?=[^\s])")


def table_row_head(text: str, pos: int) -> str | None:
    """The name of a row head `临川区：…` (a name, a colon and more on the line) opening text[pos:], else None.

    Such rows are often joined by bare line breaks, which are PDF breaks: the rows stay one sentence
    (GUIDELINES decision 29), but the normaliser marks where each row starts.
    """
    match = _ROW_HEAD.match(text, pos)
    return match.group("name") if match else None


def has_place_suffix(name: str) -> bool:
    """Whether `name` ends like an administrative area or zone (…区, …县, …镇, …园)."""
    return _PLACE_SUFFIX.search(name) is not None


def heading_place_name(line: str) -> str | None:
    """The place name of a name heading (`### 清江浦区:` → 清江浦区), else None."""
    match = _NAME_HEADING.match(line)
    if match and has_place_suffix(match.group("name")):
        return match.group("name")
    return None


def opening_offset(text: str, start: int, end: int) -> int:
    """Where the subject of the block text[start:end] begins (after '#', enumeration and quotes)."""
    return _OPENING.match(text, start, end).end()


def starts_list(text: str, start: int, end: int) -> bool:
    """Whether the block text[start:end] begins with a list marker (`●`, `- `, `1.`, `（1）`, `一是`…)."""
    return _LIST_MARKER.match(text, start, end) is not None


def list_items(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The list items of the block text[start:end], each from its marker to the next item or the block end.

    An item starts at the block start or at a line start with a marker (items that end without sentence
    punctuation are joined into one block by PDF breaks), or inline after punctuation for `一是`/`（1）`.
    """
    starts = {m.end() for m in _LINE_ITEM.finditer(text, start, end)}
    starts |= {m.end() for m in _INLINE_ITEM.finditer(text, start, end)}
    if starts_list(text, start, end):
        starts.add(start)
    ordered = sorted(s for s in starts if s < end)
    return [(s, ordered[k + 1] if k + 1 < len(ordered) else end) for k, s in enumerate(ordered)]


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in LINE_END_STOPS


def _first_content(text: str) -> int:
    return len(text) - len(text.lstrip())


def line_breaks(text: str) -> list[tuple[int, int, bool]]:
    """Every white-space run that contains a line break, as (start, end, is_pdf_break)."""
    first = _first_content(text)
    breaks: list[tuple[int, int, bool]] = []
    for match in _BREAK_RUN.finditer(text):
        start, end = match.span()
        if start <= first or end >= len(text):
            breaks.append((start, end, False))
            continue
        line_start = text.rfind("\n", 0, start) + 1
        next_end = text.find("\n", end)
        before = text[line_start:start]
        after = text[end : next_end if next_end >= 0 else len(text)]
        is_pdf = (
            not _ends_sentence(before)
            and heading_level(before, first_line=line_start <= first) is None
            and heading_level(after) is None
        )
        breaks.append((start, end, is_pdf))
    return breaks


def pdf_breaks(text: str) -> list[tuple[int, int]]:
    """White-space runs that break a sentence across lines (the normaliser drops them)."""
    return [(start, end) for start, end, is_pdf in line_breaks(text) if is_pdf]


def _raw_blocks(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    pos = 0
    for start, end, is_pdf in line_breaks(text):
        if not is_pdf:
            spans.append((pos, start))
            pos = end
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk) - len(chunk.rstrip())
        if start + lead < end - trail:
            out.append((start + lead, end - trail))
    return out


def blocks(text: str) -> list[Block]:
    """Paragraphs and heading lines in order (PDF-broken lines belong to their paragraph)."""
    out: list[Block] = []
    for i, (start, end) in enumerate(_raw_blocks(text)):
        chunk = text[start:end]
        level = None if "\n" in chunk else heading_level(chunk, first_line=i == 0)
        name = heading_place_name(chunk) if level is not None else None
        name_start = start + chunk.find(name) if name else None
        out.append(Block(start, end, level, name, name_start))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences as (start, end) offsets into `text`, trimmed of white space.

    A sentence ends after `。！？!?` (with any closing quotes) or at a paragraph break; PDF
    breaks stay inside the sentence.
    """
    spans: list[tuple[int, int]] = []
    for block_start, block_end in _raw_blocks(text):
        pos = block_start
        for match in _SENTENCE_END.finditer(text, block_start, block_end):
            _append_trimmed(text, pos, match.end(), spans)
            pos = match.end()
        _append_trimmed(text, pos, block_end, spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    chunk = text[start:end]
    lead = len(chunk) - len(chunk.lstrip())
    trail = len(chunk) - len(chunk.rstrip())
    if start + lead < end - trail:
        spans.append((start + lead, end - trail))
