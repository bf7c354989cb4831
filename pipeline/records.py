"""Records (spec §5): one fact per reported figure group, resolved to a district.

A record is anchored on a COUNT, or on a MONEY that no COUNT claims as its `amount`.  Its
qualifiers come from the anchor's own relations; a part (`part_of`) inherits what it does not
state from its whole; a figure without a district relation takes the district of its section,
else the document's main district.  `record_tuples`/`core_tuples` expand records for scoring
(spec §6) and are shared by the evaluator.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from pipeline.normalize import CURRENCY_WORDS, Normalized, fold_width, normalize, simplify
from pipeline.numbers import parse_count, parse_money, parse_percent, tier_range
from pipeline.text import Block, blocks, list_items, opening_offset, sentence_spans, starts_list

#: an investment phrase (计划总投资, 协议引资, 完成投资, 到位资金, 合同外资…); a trailing 总额/额 is not part of it
_KIND = (
    r"(?:(?:年度)?(?:计划|协议|合同|意向|签约|固定资产|有效|实际)?总?(?:投资|引资)|完成投资|到位资金|签约资金"
    r"|合同外资|(?:实际)?利用外资)(?:总?额)?"
)
_KIND_SUFFIX = re.compile(r"总?额$")
#: the phrase or phrases (协议投资和总投资分别为…) right before a money figure (协议引资超500亿元)
_AMOUNT_KIND = re.compile(
    rf"(?P<kinds>{_KIND}(?:[、和及与]{_KIND})*)\s*:?\s*(?:分别)?\s*"
    r"(?:超过|达到|高达|累计|合计|共计|突破|不少于|不低于|约|近|超|逾|达|为|是|共|计)?\s*:?\s*$"
)
#: one money figure of a list (…分别为61.9亿元、23.4亿元), as the normalised text writes it
_LISTED_MONEY = re.compile(rf"\d+(?:\.\d+)?[多余]?(?:万亿|亿|万|千)?[多余]?(?:{CURRENCY_WORDS})\s*[、和及与]\s*")
_MONEY_LIST = re.compile(rf"(?:{_LISTED_MONEY.pattern})+$")
_KIND_PHRASE = re.compile(_KIND)
#: the figures listed before this one in 分别…61.33%、59.26%
_PERCENT_LIST = re.compile(r"(?:\d+(?:\.\d+)?(?:%|‰|个?百分点)\s*[、和及与]\s*)+$")
_CLAUSE_BREAK = re.compile(r"[,;:。!?\n，；：！？]")
_RATE_WORD = re.compile(r"率\s*(?:分别)?\s*(?:达到|达|为|是|超过|超|约|近)?\s*$")
_GROWTH_WORD = re.compile(r"增长|增加|提高|提升|上升|增幅|增速|同比|环比|下降|减少|回落")
_COMPLETION_TARGET = re.compile(r"目标|任务|计划")
#: a comparison with another rate (高于全省平均水平2.6个百分点) is not the figure's growth
_COMPARISON = re.compile(r"高于|低于|快于|慢于|超出|领先|落后")
CONTEXT_CHARS = 40
#: a reference to an area by its level: 全区, 该县, 本镇, 我市
_REFERENCE = re.compile(r"[全该本我](?P<level>省|市|区|县|州|旗|盟|镇|乡|街道)(?!域)")
#: levels whose reference cannot mean a city report's city, so 全区 after a 区 paragraph is that 区
_SUB_CITY_LEVELS = frozenset({"区", "县", "旗", "镇", "乡", "街道"})


def compact(text: str) -> str:
    """Span text without white space (PDF line breaks are not part of a name or figure)."""
    return "".join(text.split())


def canonical_word(text: str) -> str:
    """Stage/tier/industry words in one spelling: simplified, ASCII digits, no white space."""
    return compact(fold_width(simplify(text)))


def stage_value(stage_text: str) -> str:
    """Record stage of a STAGE span: leading 新 removed (新签约 → 签约); 纳入 (…项目库) → 入库."""
    stage = canonical_word(stage_text)
    if stage.startswith("新") and len(stage) > 1:
        stage = stage[1:]
    return "入库" if stage.startswith("纳入") else stage


def name_key(name: str | None) -> str | None:
    """A name as scoring compares it: white space removed, traditional → simplified (spec §6)."""
    return None if name is None else simplify(compact(name))


@dataclass
class _Qualifiers:
    district: str | None
    stage: str | None
    tier: tuple[str, int | None, int | None] | None
    industry: str | None
    target: bool


class DistrictResolver:
    """District of a position: its innermost section, else the document's main district.

    A heading that names a district (`### 清江浦区:`, `#### 清江浦区全力冲刺…`) opens a section that
    lasts until a heading of the same or a higher level; an unnamed heading of that level closes it and
    the enclosing heading section applies again.  A paragraph or list item that opens with a district
    (`清江浦区一季度…`, `●海陵区：…`, `（1）麻章区…`, `一是淮阴区…`) is a section of its own: after it the
    heading section (else the main district) applies again, so a closing `四季度，全市…` is the main
    district's.  A following paragraph continues it only when it refers to the district by its own level
    (`全区`/`该县` after a 区/县; not `全市`, which in a city report usually means the whole city).
    """

    def __init__(self, text: str, entities: list[dict]):
        self._districts = sorted(
            ((e["start"], e["end"]) for e in entities if e["label"] == "DISTRICT"), key=lambda span: span
        )
        self._district_starts = [start for start, _ in self._districts]
        self._text = text
        self._sentences = sentence_spans(text)
        text_blocks = blocks(text)
        self.main = self._main_district(text_blocks)
        self._sections: list[tuple[int, int, str]] = []
        self._heading_sections(text_blocks)
        self._paragraph_sections(text_blocks)

    def _name(self, start: int, end: int) -> str:
        return compact(self._text[start:end])

    def _first_district_in(self, start: int, end: int) -> str | None:
        k = bisect_right(self._district_starts, start - 1)
        if k < len(self._districts) and self._districts[k][1] <= end:
            return self._name(*self._districts[k])
        return None

    def _district_opening(self, start: int, end: int) -> str | None:
        """The DISTRICT that text[start:end] opens with (after '#', a list marker and quotes), if any."""
        subject = opening_offset(self._text, start, end)
        k = bisect_right(self._district_starts, subject - 1)
        if k < len(self._districts) and self._districts[k][0] == subject and self._districts[k][1] <= end:
            return self._name(*self._districts[k])
        return None

    def _main_district(self, text_blocks: list[Block]) -> str | None:
        """First DISTRICT in the title, else in the opening sentence of the body.

        The title is the first heading and any heading of its level right after it: page furniture may come
        before it (a breadcrumb `当前位置：首页 > …`, which names no DISTRICT) or be read as the first heading
        (a first line `首页 > 新闻中心 > …` with the `#` title after it)."""
        first = next((k for k, b in enumerate(text_blocks) if b.is_heading), None)
        if first is not None and any(self._first_district_in(b.start, b.end) for b in text_blocks[:first]):
            first = None  # text with areas before the first heading: that heading is a section, not the title
        candidates = []
        if first is not None:  # the title run: headings of the first one's level (section headings go deeper)
            level = text_blocks[first].level
            for block in text_blocks[first:]:
                if block.level != level:
                    break
                candidates.append((block.start, block.end))
        body = next((k for k in range(first or 0, len(text_blocks)) if not text_blocks[k].is_heading), len(text_blocks))
        if body < len(text_blocks):
            candidates.append(next(s for s in self._sentences if s[0] >= text_blocks[body].start))
        for start, end in candidates:
            name = self._first_district_in(start, end)
            if name:
                return name
        return None

    def _heading_sections(self, text_blocks: list[Block]) -> None:
        open_sections: list[tuple[int, int, str]] = []  # (start, level, name), outermost first
        for block in text_blocks:
            if not block.is_heading:
                continue
            while open_sections and open_sections[-1][1] >= block.level:
                start, _, name = open_sections.pop()
                self._sections.append((start, block.start, name))
            name = self._district_opening(block.start, block.end) or block.name
            if name:
                open_sections.append((block.start, block.level, name))
        self._sections.extend((start, len(self._text), name) for start, _, name in open_sections)

    def _paragraph_sections(self, text_blocks: list[Block]) -> None:
        previous: str | None = None  # the district the previous paragraph ends in
        for block in text_blocks:
            if block.is_heading:
                previous = None
                continue
            # a list block has no opening of its own: each item opens its own section below
            is_list = starts_list(self._text, block.start, block.end)
            own = None if is_list else self._district_opening(block.start, block.end)
            if own is None and previous and self._refers_to(block, previous):
                own = previous
            if own:
                self._sections.append((block.start, block.end, own))
            last = own
            for start, end in list_items(self._text, block.start, block.end):
                item = self._district_opening(start, end)
                if item:
                    self._sections.append((start, end, item))
                last = item or own
            previous = last

    def _refers_to(self, block: Block, district: str) -> bool:
        """Whether the paragraph's first reference (全区, 该县…) in its first sentence is to `district`'s level."""
        first = next(s for s in self._sentences if s[1] > block.start)
        match = _REFERENCE.search(self._text, block.start, first[1])
        level = match.group("level") if match else None
        return level is not None and level in _SUB_CITY_LEVELS and district.endswith(level)

    def at(self, pos: int) -> str | None:
        """District for a figure at `pos` that names none in its sentence: innermost section, else main."""
        containing = [section for section in self._sections if section[0] <= pos < section[1]]
        if containing:
            # on a tie the later section wins: a list item that opens with a district is added after the
            # continuation of the previous paragraph's district over the same one-item block
            return max(reversed(containing), key=lambda section: (section[0], -section[1]))[2]
        return self.main


class _RecordBuilder:
    def __init__(self, doc: dict, strict: bool):
        self.doc_id = doc.get("id", "<document>")
        self.text: str = doc["text"]
        self.entities: list[dict] = doc.get("entities", [])
        self.strict = strict
        self.links: dict[int, dict[str, list[int]]] = {}
        self.rates_of: dict[int, list[int]] = {}
        claimed: set[int] = set()
        for rel in doc.get("relations", []):
            head, tail, label = rel["head"], rel["tail"], rel["label"]
            self.links.setdefault(head, {}).setdefault(label, []).append(tail)
            if label == "amount":
                claimed.add(tail)
            elif label == "rate":
                self.rates_of.setdefault(tail, []).append(head)
        for by_label in self.links.values():
            for tails in by_label.values():
                tails.sort(key=self._position)
        self.anchors = sorted(
            (
                i
                for i, e in enumerate(self.entities)
                if e["label"] == "COUNT" or (e["label"] == "MONEY" and i not in claimed)
            ),
            key=self._position,
        )
        self.wholes = {i: self._whole(i) for i in self.anchors}
        self._cut_part_of_cycles()
        self.resolver = DistrictResolver(self.text, self.entities)
        self._normalized: Normalized | None = None
        self._resolved: dict[int, _Qualifiers] = {}

    def _position(self, i: int) -> tuple[int, int, int]:
        return self.entities[i]["start"], self.entities[i]["end"], i

    def _span(self, i: int) -> str:
        return self.text[self.entities[i]["start"] : self.entities[i]["end"]]

    def _tails(self, head: int, label: str) -> list[int]:
        return self.links.get(head, {}).get(label, [])

    def _whole(self, part: int) -> int | None:
        """The nearest whole before the part (the nearest after it when none precedes)."""
        wholes = self._tails(part, "part_of")
        before = [t for t in wholes if self.entities[t]["start"] < self.entities[part]["start"]]
        if before:
            return before[-1]
        return wholes[0] if wholes else None

    def _cut_part_of_cycles(self) -> None:
        for anchor in self.anchors:
            seen = {anchor}
            whole = self.wholes.get(anchor)
            while whole is not None:
                if whole == anchor:
                    self.wholes[anchor] = None
                    break
                if whole in seen:
                    break
                seen.add(whole)
                whole = self.wholes.get(whole)

    @property
    def normalized(self) -> Normalized:
        if self._normalized is None:
            self._normalized = normalize(self.text)
        return self._normalized

    def _parse(self, parser, i: int):
        try:
            return parser(self._span(i))
        except ValueError as err:
            if self.strict:
                raise ValueError(f"document {self.doc_id}: entity {i} ({self.entities[i]['label']}): {err}") from err
            return None

    def own_qualifiers(self, i: int) -> _Qualifiers:
        district = self._tails(i, "district")
        stage = self._tails(i, "stage")
        tier = self._tails(i, "tier")
        industry = self._tails(i, "industry")
        tier_value = None
        if tier:
            bounds = self._parse(tier_range, tier[0]) or (None, None)
            tier_value = (canonical_word(self._span(tier[0])), *bounds)
        return _Qualifiers(
            district=compact(self._span(district[0])) if district else None,
            stage=stage_value(self._span(stage[0])) if stage else None,
            tier=tier_value,
            industry=canonical_word(self._span(industry[0])) if industry else None,
            target=self.entities[i].get("attrs", {}).get("target") is True,
        )

    def qualifiers(self, i: int) -> _Qualifiers:
        """Own qualifiers, completed from the whole (recursively), then from the section."""
        if i in self._resolved:
            return self._resolved[i]
        own = self.own_qualifiers(i)
        whole = self.wholes.get(i)
        if whole is not None:
            inherited = self.qualifiers(whole)
            own = _Qualifiers(
                district=own.district or inherited.district,
                stage=own.stage or inherited.stage,
                tier=own.tier or inherited.tier,
                industry=own.industry or inherited.industry,
                target=own.target or inherited.target,
            )
        elif own.district is None:
            own.district = self.resolver.at(self.entities[i]["start"])
        self._resolved[i] = own
        return own

    def amount_kind(self, money: int) -> str | None:
        start = self.normalized.to_normalized_span(self.entities[money]["start"], self.entities[money]["end"])[0]
        window_start = max(0, start - CONTEXT_CHARS)
        listed = _MONEY_LIST.search(self.normalized.text, window_start, start)
        position = len(_LISTED_MONEY.findall(listed.group())) if listed else 0
        match = _AMOUNT_KIND.search(self.normalized.text, window_start, listed.start() if listed else start)
        if match is None:
            return None
        kinds = [_KIND_SUFFIX.sub("", kind) for kind in _KIND_PHRASE.findall(match.group("kinds"))]
        if len(kinds) == 1:
            return kinds[0]
        return kinds[position] if position < len(kinds) else None

    def rate_kind(self, percent: int) -> str:
        """completion / growth / share / rate per spec §5; a percentage-point change or a comparison is other."""
        start, end = self.normalized.to_normalized_span(self.entities[percent]["start"], self.entities[percent]["end"])
        before = self.normalized.text[max(0, start - CONTEXT_CHARS) : start]
        before = _PERCENT_LIST.sub("", before)
        clause = _CLAUSE_BREAK.split(before)[-1]
        if _RATE_WORD.search(clause):
            return "rate"
        if "完成" in clause and _COMPLETION_TARGET.search(clause):
            return "completion"
        if "百分点" in self.normalized.text[start:end] or _COMPARISON.search(clause):
            return "other"
        if _GROWTH_WORD.search(clause):
            return "growth"
        if "占" in clause:
            return "share"
        return "other"

    def amount_entry(self, money: int) -> dict:
        parsed = self._parse(parse_money, money) or {"yuan": None, "currency": "CNY", "value": None}
        entry = {"text": compact(self._span(money)), "yuan": parsed["yuan"], "kind": self.amount_kind(money)}
        if parsed["currency"] != "CNY":
            entry["currency"] = parsed["currency"]
            entry["value"] = parsed["value"]
        return entry

    def rate_entries(self, anchor: int, amounts: list[int]) -> list[tuple[int, dict]]:
        pairs = [(p, "count") for p in self.rates_of.get(anchor, []) if self.entities[anchor]["label"] == "COUNT"]
        pairs += [(p, "amount") for m in amounts for p in self.rates_of.get(m, [])]
        pairs.sort(key=lambda pair: self._position(pair[0]))
        return [
            (
                p,
                {
                    "text": compact(self._span(p)),
                    "percent": self._parse(parse_percent, p),
                    "kind": self.rate_kind(p),
                    "of": of,
                },
            )
            for p, of in pairs
        ]

    def record(self, anchor: int, index_of: dict[int, int]) -> dict:
        is_count = self.entities[anchor]["label"] == "COUNT"
        amounts = self._tails(anchor, "amount") if is_count else [anchor]
        rates = self.rate_entries(anchor, amounts)
        q = self.qualifiers(anchor)
        whole = self.wholes.get(anchor)
        own_words = [t for label in ("stage", "tier", "industry", "district") for t in self._tails(anchor, label)]
        parts = [anchor, *own_words, *amounts, *(p for p, _ in rates)]
        return {
            "district": q.district,
            "stage": q.stage,
            "tier": q.tier[0] if q.tier else None,
            "tier_min_yuan": q.tier[1] if q.tier else None,
            "tier_max_yuan": q.tier[2] if q.tier else None,
            "industry": q.industry,
            "target": q.target,
            "count": self._parse(parse_count, anchor) if is_count else None,
            "amounts": [self.amount_entry(m) for m in amounts],
            "rates": [entry for _, entry in rates],
            "parent": index_of.get(whole) if whole is not None else None,
            "evidence": {
                "start": min(self.entities[i]["start"] for i in parts),
                "end": max(self.entities[i]["end"] for i in parts),
            },
        }

    def build(self) -> list[dict]:
        index_of = {anchor: k for k, anchor in enumerate(self.anchors)}
        return [self.record(anchor, index_of) for anchor in self.anchors]


def build_records(doc: dict, strict: bool = False) -> list[dict]:
    """Spec §5 records of one document, ordered by the position of their anchor figure.

    With `strict`, a figure whose text cannot be read (a COUNT `项目`, a TIER `大`) raises ValueError
    naming the document and entity (use it for gold files); otherwise its value is None (model output).
    """
    return _RecordBuilder(doc, strict).build()


def _round_yuan(yuan: int | float) -> int:
    return int((Decimal(str(yuan)) / 10000).quantize(Decimal(1), rounding=ROUND_HALF_UP)) * 10000


def _round_percent(percent: float) -> float:
    return float(Decimal(str(percent)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _optional_int(value: int | float | None) -> int | None:
    return None if value is None else int(value)


def _figures(record: dict) -> list[tuple[str, int | float]]:
    """(field, value) of a record's count, CNY amounts (to 1e4 yuan) and rates (to 0.01)."""
    figures: list[tuple[str, int | float]] = []
    if record.get("count") is not None:
        figures.append(("count", int(record["count"])))
    for amount in record.get("amounts", []):
        if amount.get("currency", "CNY") == "CNY" and amount.get("yuan") is not None:
            figures.append(("amount", _round_yuan(amount["yuan"])))
    for rate in record.get("rates", []):
        if rate.get("percent") is not None:
            figures.append(("rate", _round_percent(rate["percent"])))
    return figures


def record_tuples(record: dict) -> list[tuple]:
    """Spec §6 strict tuples: (district, stage, (tier_min, tier_max), industry, target, field, value)."""
    head = (
        name_key(record.get("district")),
        name_key(record.get("stage")),
        (_optional_int(record.get("tier_min_yuan")), _optional_int(record.get("tier_max_yuan"))),
        name_key(record.get("industry")),
        bool(record.get("target")),
    )
    return [(*head, field, value) for field, value in _figures(record)]


def core_tuples(record: dict) -> list[tuple]:
    """Spec §6 core tuples: (district, target, field, value)."""
    district, target = name_key(record.get("district")), bool(record.get("target"))
    return [(district, target, field, value) for field, value in _figures(record)]
