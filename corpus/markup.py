"""Inline markup for hand-annotating gold articles without counting character offsets.

A source file in ``corpus/gold_src/`` looks like::

    # id: gold-huaian-2022q1
    # split: train
    # date: 2022-04-08
    # source: in-house
    === text
    经市认可[[新签约|STAGE|s1]][[亿元以上|TIER|t1]]项目[[12个|COUNT|c1]],……
    力争全年招引[[亿元以上|TIER|t2]]项目[[90个|COUNT*|c2]]
    === relations
    c1 stage s1
    c1 tier t1

``[[span|LABEL]]`` marks an entity, ``[[span|LABEL|name]]`` names it for the relation
lines, and ``LABEL*`` sets ``attrs.target = true``.  Everything outside the marks is
the article text exactly as stored (line breaks included).
"""

from __future__ import annotations

import re
from pathlib import Path

MARK = re.compile(r"\[\[(?P<span>.+?)\|(?P<label>[A-Z_]+)(?P<star>\*?)(?:\|(?P<name>[^\]|]+))?\]\]", re.S)


class MarkupError(ValueError):
    """A gold source file that cannot be compiled; the message names file and line."""


def parse_markup(source: str, path: str = "<string>") -> dict:
    """Compile one markup source into a spec document (without records)."""
    header, sep, rest = source.partition("=== text\n")
    if not sep:
        raise MarkupError(f"{path}: missing '=== text' line")
    meta: dict[str, str] = {}
    for line in header.splitlines():
        if line.startswith("#") and ":" in line:
            key, _, value = line[1:].partition(":")
            meta[key.strip()] = value.strip()
    marked, _, relation_block = rest.partition("\n=== relations\n")
    if not relation_block and marked.endswith("\n"):
        marked = marked[:-1]
    text_parts: list[str] = []
    entities: list[dict] = []
    names: dict[str, int] = {}
    pos = 0
    length = 0
    for m in MARK.finditer(marked):
        text_parts.append(marked[pos : m.start()])
        length += m.start() - pos
        span = m.group("span")
        ent: dict = {"start": length, "end": length + len(span), "label": m.group("label")}
        if m.group("star"):
            ent["attrs"] = {"target": True}
        name = m.group("name")
        if name:
            if name in names:
                raise MarkupError(f"{path}: entity name {name!r} used twice")
            names[name] = len(entities)
        entities.append(ent)
        text_parts.append(span)
        length += len(span)
        pos = m.end()
    text_parts.append(marked[pos:])
    text = "".join(text_parts)
    if "[[" in text or "]]" in text:
        line_no = text[: text.find("[[" if "[[" in text else "]]")].count("\n") + 1
        raise MarkupError(f"{path}: malformed entity mark near text line {line_no}")
    relations = []
    for i, line in enumerate(relation_block.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 3:
            raise MarkupError(f"{path}: relation line {i} {line!r}: expected 'HEAD LABEL TAIL'")
        head, label, tail = parts
        for name in (head, tail):
            if name not in names:
                raise MarkupError(f"{path}: relation line {i} {line!r}: unknown entity name {name!r}")
        relations.append({"head": names[head], "tail": names[tail], "label": label})
    doc_id = meta.pop("id", Path(path).stem)
    split = meta.pop("split", None)
    doc = {"id": doc_id, "text": text, "entities": entities, "relations": relations, "meta": meta}
    if split:
        doc["meta"]["split"] = split
    return doc


def parse_markup_file(path: str | Path) -> dict:
    """Read and compile one ``.txt`` markup file."""
    return parse_markup(Path(path).read_text(encoding="utf-8"), str(path))
