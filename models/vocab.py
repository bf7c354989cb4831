"""Character vocabulary: one id per character, so token positions are character offsets.

A from-scratch vocabulary enumerates whole Unicode blocks (CJK Unified Ideographs and extension A,
compatibility ideographs, ASCII, Latin-1 symbols, general and CJK punctuation, full-width forms,
enclosed numbers) instead of collecting the characters of the training corpus: a district name with a
character the corpus never showed still gets an id of its own rather than collapsing into [UNK].
A pretrained checkpoint's ``vocab.txt`` (BERT/RoBERTa/ELECTRA Chinese models are character-level for
CJK) is read the same way, so either kind of encoder sees one id per character.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
NEWLINE, SPACE = "[NL]", "[SPACE]"
SPECIAL_TOKENS = (PAD, UNK, CLS, SEP, MASK, NEWLINE, SPACE)
#: tokens that stand in for white space in a pretrained vocabulary without [NL]/[SPACE]
FALLBACK_WHITESPACE = {NEWLINE: "[unused1]", SPACE: "[unused2]"}

#: (first, last) code points, inclusive
UNICODE_BLOCKS: tuple[tuple[int, int], ...] = (
    (0x0021, 0x007E),  # printable ASCII
    (0x00A1, 0x00FF),  # Latin-1 symbols: · × ÷ °
    (0x2010, 0x205E),  # general punctuation: — … ‰ ‘ ’ “ ”
    (0x2100, 0x218B),  # letterlike symbols and number forms: ℃ Ⅰ Ⅱ
    (0x2190, 0x21FF),  # arrows
    (0x2460, 0x24FF),  # enclosed alphanumerics: ① ⑴ ⒈
    (0x2500, 0x25FF),  # box drawing and geometric shapes: ■ ● ○ △
    (0x2600, 0x26FF),  # miscellaneous symbols: ★ ☆
    (0x3001, 0x303F),  # CJK symbols and punctuation: 、 。 《 》 【 】
    (0x3040, 0x30FF),  # kana (names of Japanese partners)
    (0x3200, 0x33FF),  # enclosed CJK and CJK compatibility: ㈠ ㎡
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms: ︰ ﹃
    (0xFE50, 0xFE6B),  # small form variants
    (0xFF01, 0xFFEF),  # full-width and half-width forms
)
_SKIPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_NEWLINES = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
#: every character for which str.isspace() is true
_WHITESPACE = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + (
    "\u2028\u2029\u202f\u205f\u3000")


class VocabError(ValueError):
    """A vocabulary file that cannot be used; the message names the file."""


def enumerated_characters() -> list[str]:
    """Every assigned, visible character of UNICODE_BLOCKS, in code point order."""
    chars = []
    for first, last in UNICODE_BLOCKS:
        for code in range(first, last + 1):
            ch = chr(code)
            if unicodedata.category(ch) not in _SKIPPED_CATEGORIES:
                chars.append(ch)
    return chars


class CharVocab:
    """Maps text to token ids character by character through a lookup table over all code points."""

    def __init__(self, tokens: list[str]):
        if len(set(tokens)) != len(tokens):
            raise VocabError("vocabulary has duplicate tokens")
        self.tokens = tokens
        self.index = {tok: i for i, tok in enumerate(tokens)}
        for required in (PAD, UNK, CLS, SEP, MASK):
            if required not in self.index:
                raise VocabError(f"vocabulary lacks the special token {required}")
        self.pad_id, self.unk_id = self.index[PAD], self.index[UNK]
        self.cls_id, self.sep_id, self.mask_id = self.index[CLS], self.index[SEP], self.index[MASK]
        self._table = self._build_table()

    def _build_table(self) -> np.ndarray:
        table = np.full(0x110000, self.unk_id, dtype=np.int32)
        for tok, i in self.index.items():
            if len(tok) == 1:
                table[ord(tok)] = i
        for tok in self.tokens:  # uncased pretrained vocabularies: map A-Z to a-z when only lower case exists
            if len(tok) == 1 and tok.islower() and len(tok.upper()) == 1 and tok.upper() not in self.index:
                table[ord(tok.upper())] = self.index[tok]
        newline, space = self._whitespace_id(NEWLINE), self._whitespace_id(SPACE)
        for ch in _WHITESPACE:
            if table[ord(ch)] == self.unk_id:
                table[ord(ch)] = newline if ch in _NEWLINES else space
        return table

    def _whitespace_id(self, token: str) -> int:
        if token in self.index:
            return self.index[token]
        return self.index.get(FALLBACK_WHITESPACE[token], self.unk_id)

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, text: str) -> np.ndarray:
        """One id per character of `text` (int32 array of len(text))."""
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        return self._table[codes]

    def unknown_rate(self, text: str) -> float:
        """Share of characters of `text` that map to [UNK] (vocabulary coverage check)."""
        ids = self.encode(text)
        return float((ids == self.unk_id).mean()) if len(ids) else 0.0

    @classmethod
    def enumerated(cls) -> CharVocab:
        """The from-scratch vocabulary: special tokens, then the enumerated Unicode blocks."""
        return cls(list(SPECIAL_TOKENS) + enumerated_characters())

    def save(self, path: str | Path) -> None:
        """One token per line (BERT vocab.txt layout); no token contains white space."""
        Path(path).write_text("\n".join(self.tokens) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | Path) -> CharVocab:
        path = Path(path)
        if not path.is_file():
            raise VocabError(f"{path}: vocabulary file not found")
        text = path.read_text(encoding="utf-8")
        tokens = text.split("\n")  # not splitlines(): some vocabularies hold U+2028 and friends as tokens
        if tokens and tokens[-1] == "":
            tokens.pop()
        try:
            return cls(tokens)
        except VocabError as err:
            raise VocabError(f"{path}: {err}") from err

    @classmethod
    def from_pretrained(cls, name_or_path: str) -> CharVocab:
        """The vocabulary of a pretrained encoder: its vocab.txt if local, else its (cached) tokenizer."""
        local = Path(name_or_path) / "vocab.txt"
        if local.is_file():
            return cls.load(local)
        from transformers import AutoTokenizer

        tokenizer = AutoTokenizer.from_pretrained(name_or_path)
        vocab = tokenizer.get_vocab()
        tokens = [tok for tok, _ in sorted(vocab.items(), key=lambda kv: kv[1])]
        aliases = {PAD: tokenizer.pad_token, UNK: tokenizer.unk_token, CLS: tokenizer.cls_token,
                   SEP: tokenizer.sep_token, MASK: tokenizer.mask_token}
        for ours, theirs in aliases.items():  # RoBERTa-style names (<s>, <pad>) → our names
            if ours not in vocab and theirs in vocab:
                tokens[vocab[theirs]] = ours
        return cls(tokens)
