"""Input documents for batch annotation: .txt, .jsonl, HTML pages, folders and globs of these.

Every input yields items `{"id", "text"}` or, when it cannot be read, `{"id", "error"}`: one bad
file or line must not stop an archive-sized batch. Text is kept exactly as decoded (offsets in the
output point into it); HTML is reduced to its main text by trafilatura.
"""

from __future__ import annotations

import codecs
import glob
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path

TEXT_SUFFIXES = frozenset({".txt"})
JSONL_SUFFIXES = frozenset({".jsonl"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
SUFFIXES = TEXT_SUFFIXES | JSONL_SUFFIXES | HTML_SUFFIXES
#: above this share of control/undecodable characters a text is treated as binary junk
MAX_JUNK_SHARE = 0.02
_ALLOWED_CONTROLS = frozenset("\n\r\t\f\v")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class UnreadableText(ValueError):
    """Bytes or text that are not a usable document; the message is the reason shown in error lines."""


def expand_inputs(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> list[Path]:
    """Files named, files of supported types inside folders (recursive) and glob matches, in order, deduplicated.

    `exclude`: files never to read (the run's own output, when it lies inside an input folder).
    """
    out: dict[Path, None] = {}
    for raw in map(str, paths):
        if glob.has_magic(raw):
            matches = sorted(Path(m) for m in glob.glob(raw, recursive=True))
            if not matches:
                raise FileNotFoundError(f"{raw}: the pattern matches no file")
        else:
            matches = [Path(raw)]
        for path in matches:
            if path.is_dir():
                out.update(dict.fromkeys(sorted(p for p in path.rglob("*") if p.suffix.lower() in SUFFIXES)))
            elif path.is_file():
                out[path] = None
            else:
                raise FileNotFoundError(f"{path}: no such file or folder")
    skip = {p.resolve() for p in exclude}
    return [p for p in out if p.resolve() not in skip]


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312); refuse junk."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return check_text(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    return check_text(data.decode("utf-8", errors="replace"), "bytes are neither UTF-8 nor GB18030 text")


def decode_html(data: bytes) -> str:
    """Decode a page in the charset its <meta> declares (e.g. Big5), else like any other text."""
    declared = _META_CHARSET.search(data[:4096])
    try:
        codec = codecs.lookup(declared.group(1).decode("ascii")).name if declared else None
    except LookupError:
        codec = None
    if codec is None or codec in ("utf-8", "gb2312", "gbk", "gb18030"):
        return decode_bytes(data)
    try:
        return check_text(data.decode(codec))
    except UnicodeDecodeError as err:
        raise UnreadableText(f"bytes do not match the declared charset {codec}: {err.reason}") from None


def check_text(text: str, why_junk: str = "looks like binary data") -> str:
    """Return `text` unchanged, or raise UnreadableText when it is empty or mostly undecodable/control characters."""
    if not text.strip():
        raise UnreadableText("empty text")
    junk = sum(ch == "\ufffd" or (unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS) for ch in text)
    if junk > MAX_JUNK_SHARE * len(text):
        raise UnreadableText(f"{why_junk}: {junk} of {len(text)} characters are control or undecodable characters")
    return text


def html_main_text(html: str) -> str:
    """Main text of a web page (markdown headings kept, title first), via trafilatura."""
    import trafilatura
    from trafilatura.metadata import extract_metadata

    tree = trafilatura.load_html(html)
    body = trafilatura.extract(tree, output_format="markdown", include_comments=False) if tree is not None else None
    if not body or not body.strip():
        raise UnreadableText("no main text found in the HTML page")
    title = (extract_metadata(tree).title or "").strip()
    if title and title not in body[: len(title) + 8]:
        body = f"# {title}\n\n{body}"
    return body


def read_file(path: str | Path) -> Iterator[dict]:
    """Items of one input file: one per .txt/HTML file (id = file stem), one per JSONL line."""
    path = Path(path)
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from read_jsonl(path)
        return
    try:
        data = path.read_bytes()
        is_html = path.suffix.lower() in HTML_SUFFIXES
        yield {"id": path.stem, "text": html_main_text(decode_html(data)) if is_html else decode_bytes(data)}
    except OSError as err:
        yield {"id": path.stem, "error": f"cannot read {path}: {err.strerror or err}"}
    except UnreadableText as err:
        yield {"id": path.stem, "error": f"{path.name}: {err}"}


def read_jsonl(path: Path) -> Iterator[dict]:
    """Items of a JSONL file, streamed; each line is decoded on its own, so one bad line costs one document.

    Splitting bytes at b"\\n" is safe for UTF-8 and GB18030 (no multi-byte character contains 0x0A),
    and unlike str.splitlines it does not cut at U+2028 inside JSON strings.
    """
    try:
        handle = open(path, "rb")
    except OSError as err:
        yield {"id": path.name, "error": f"cannot read {path}: {err.strerror or err}"}
        return
    with handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            where = f"{path.name}:{line_no}"
            try:
                line = decode_bytes(raw)
            except UnreadableText as err:
                yield {"id": where, "error": f"{where}: {err}"}
                continue
            yield jsonl_item(line, where)


def jsonl_item(line: str, where: str) -> dict:
    """Parse one JSONL line into an item; `where` (file:LINE) is the fallback id and the error location."""
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as err:
        return {"id": where, "error": f"{where}: malformed JSON ({err.msg} at column {err.colno})"}
    if not isinstance(obj, dict):
        return {"id": where, "error": f"{where}: expected a JSON object with 'id' and 'text'"}
    doc_id = str(obj["id"]) if isinstance(obj.get("id"), (str, int)) else where
    text = obj.get("text")
    if not isinstance(text, str):
        return {"id": doc_id, "error": f"{where}: field 'text' missing or not a string"}
    try:
        return {"id": doc_id, "text": check_text(text)}
    except UnreadableText as err:
        return {"id": doc_id, "error": f"{where}: {err}"}


def iter_documents(paths: Iterable[str | Path], exclude: Iterable[Path] = ()) -> Iterator[dict]:
    """All items of all inputs, read lazily file by file; missing inputs raise FileNotFoundError at once."""
    files = expand_inputs(paths, exclude)
    return (item for path in files for item in read_file(path))
