"""Read, validate and write spec documents (JSONL), and convert to exchange formats.

A gold file is refused whole when any document in it is invalid: half-loaded gold sets
give scores that look right and are not.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.schema import ENTITY_LABELS, EXTRA_LABELS, RELATION_TYPES, TARGET_LABELS, relation_allowed

KNOWN_LABELS = frozenset(ENTITY_LABELS + EXTRA_LABELS)


class CorpusError(ValueError):
    """Raised with every problem of a corpus file, one per line, each naming file and line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def validate_document(doc: object, where: str = "document") -> list[str]:
    """Return every problem of one document as '<where>: reason' strings (empty when valid)."""
    if not isinstance(doc, dict):
        return [f"{where}: expected a JSON object, got {type(doc).__name__}"]
    problems: list[str] = []
    text = doc.get("text")
    if not isinstance(text, str):
        return [f"{where}: field 'text' missing or not a string"]
    if "id" in doc and not isinstance(doc["id"], (str, int)):
        problems.append(f"{where}: field 'id' must be a string")
    entities = doc.get("entities", [])
    if not isinstance(entities, list):
        return problems + [f"{where}: field 'entities' must be a list"]
    for i, ent in enumerate(entities):
        at = f"{where}: entity {i}"
        if not isinstance(ent, dict):
            problems.append(f"{at}: expected an object")
            continue
        start, end, label = ent.get("start"), ent.get("end"), ent.get("label")
        if not isinstance(start, int) or not isinstance(end, int):
            problems.append(f"{at}: 'start' and 'end' must be integers")
            continue
        if not 0 <= start < end <= len(text):
            problems.append(f"{at}: offsets {start}-{end} outside text of length {len(text)} or empty")
            continue
        if not text[start:end].strip():
            problems.append(f"{at}: span {start}-{end} is only white space")
        if label not in KNOWN_LABELS:
            problems.append(f"{at}: unknown label {label!r} (known: {', '.join(sorted(KNOWN_LABELS))})")
        attrs = ent.get("attrs", {})
        if not isinstance(attrs, dict):
            problems.append(f"{at}: 'attrs' must be an object")
        elif "target" in attrs:
            if not isinstance(attrs["target"], bool):
                problems.append(f"{at}: attrs.target must be true or false")
            elif attrs["target"] and label not in TARGET_LABELS:
                allowed = ", ".join(sorted(TARGET_LABELS))
                problems.append(f"{at}: attrs.target is only allowed on {allowed}, not {label}")
    seen_spans: set[tuple[int, int, str]] = set()
    for i, ent in enumerate(entities):
        if isinstance(ent, dict):
            key = (ent.get("start"), ent.get("end"), ent.get("label"))
            if key in seen_spans:
                problems.append(f"{where}: entity {i} duplicates span {key[0]}-{key[1]} {key[2]}")
            seen_spans.add(key)
    relations = doc.get("relations", [])
    if not isinstance(relations, list):
        return problems + [f"{where}: field 'relations' must be a list"]
    seen_rel: set[tuple] = set()
    for i, rel in enumerate(relations):
        at = f"{where}: relation {i}"
        if not isinstance(rel, dict):
            problems.append(f"{at}: expected an object")
            continue
        head, tail, label = rel.get("head"), rel.get("tail"), rel.get("label")
        if label not in RELATION_TYPES:
            problems.append(f"{at}: unknown relation label {label!r}")
            continue
        if not all(isinstance(x, int) and 0 <= x < len(entities) for x in (head, tail)):
            problems.append(f"{at}: head/tail {head}/{tail} do not index the {len(entities)} entities")
            continue
        if head == tail:
            problems.append(f"{at}: head and tail are the same entity")
            continue
        hl, tl = entities[head].get("label"), entities[tail].get("label")
        if not relation_allowed(label, hl, tl):
            heads, tails = RELATION_TYPES[label]
            problems.append(
                f"{at}: '{label}' from {hl} to {tl} is not allowed "
                f"(spec: {'/'.join(sorted(heads))} → {'/'.join(sorted(tails))})"
            )
        if (head, tail, label) in seen_rel:
            problems.append(f"{at}: duplicate relation {head}→{tail} {label}")
        seen_rel.add((head, tail, label))
    return problems


def iter_jsonl(path: str | Path) -> Iterator[tuple[int, object | None, str | None]]:
    """Yield (line number, parsed object or None, parse error or None) for each non-blank line."""
    with open(path, encoding="utf-8") as handle:
        for line_no, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield line_no, json.loads(line), None
            except json.JSONDecodeError as err:
                yield line_no, None, f"malformed JSON ({err.msg} at column {err.colno})"


def read_corpus(path: str | Path) -> list[dict]:
    """Load a spec JSONL file, refusing it whole (CorpusError) if any document is invalid."""
    docs: list[dict] = []
    problems: list[str] = []
    ids: dict[str, int] = {}
    for line_no, doc, error in iter_jsonl(path):
        where = f"{path}:{line_no}"
        if error:
            problems.append(f"{where}: {error}")
            continue
        doc_problems = validate_document(doc, where)
        problems.extend(doc_problems)
        if doc_problems:
            continue
        doc_id = str(doc.get("id", f"{Path(path).stem}:{line_no}"))
        if doc_id in ids:
            problems.append(f"{where}: id {doc_id!r} already used on line {ids[doc_id]}")
        ids[doc_id] = line_no
        docs.append(doc)
    if problems:
        raise CorpusError(problems)
    return docs


def read_corpora(paths: Iterable[str | Path]) -> list[dict]:
    """Load several files or folders of ``*.jsonl``; all problems of all files are reported together."""
    docs: list[dict] = []
    problems: list[str] = []
    for path in expand_paths(paths, "*.jsonl"):
        try:
            docs.extend(read_corpus(path))
        except CorpusError as err:
            problems.extend(err.problems)
    if problems:
        raise CorpusError(problems)
    return docs


def expand_paths(paths: Iterable[str | Path], pattern: str) -> list[Path]:
    """Files named directly, plus files matching `pattern` inside named folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.rglob(pattern)))
        elif p.exists():
            out.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or folder")
    return out


def write_jsonl(docs: Iterable[dict], path: str | Path) -> None:
    """Write documents one per line, UTF-8, keys in spec order."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        for doc in docs:
            handle.write(json.dumps(doc, ensure_ascii=False) + "\n")
