"""Figure sentences of the synthetic corpus: what each sentence says (facts) and how it is annotated.

A template first decides its facts (``Fig``: a counted group of projects, or a money figure of its own,
with stage, size class, sector, target flag, amounts, rates and parts), then writes them through a
``Draft``, which records every entity span as it is written. Relations and records are derived from
the facts afterwards (``corpus.generate``), never by reading the text back, so the record builder can
be checked against them. Annotation follows corpus/GUIDELINES.md; the decisions that shape a template
are cited by number.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import cn2an

from corpus import templates_prose as prose

# --------------------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Tier:
    """A project size class: its surface, range in yuan, typical investment per project (亿) and count."""

    text: str
    low: int | None
    high: int | None
    invest: tuple[float, float]
    counts: tuple[int, int]
    weight: float


YI = 10**8
#: share of figure sentences opened by an approval phrase (经市认定新开工项目3个)
APPROVAL_RATE = 0.05
TIERS: tuple[Tier, ...] = (
    Tier("亿元以上", YI, None, (2, 8), (3, 120), 30),
    Tier("10亿元以上", 10 * YI, None, (12, 30), (1, 20), 8),
    Tier("5亿元以上", 5 * YI, None, (6, 12), (2, 40), 3),
    Tier("3亿元以上", 3 * YI, None, (4, 9), (2, 40), 2),
    Tier("20亿元以上", 20 * YI, None, (22, 40), (1, 10), 2),
    Tier("50亿元以上", 50 * YI, None, (55, 90), (1, 6), 5),
    Tier("100亿元以上", 100 * YI, None, (105, 160), (1, 3), 1),
    Tier("百亿元", 100 * YI, None, (105, 160), (1, 3), 2),
    Tier("1-10亿元", YI, 10 * YI, (1.5, 6), (3, 60), 5),
    Tier("1-10亿元以上", YI, 10 * YI, (1.5, 6), (3, 60), 1),
    Tier("10-50亿元", 10 * YI, 50 * YI, (15, 35), (1, 12), 4),
    Tier("1-5亿元", YI, 5 * YI, (1.5, 4), (3, 50), 1),
    Tier("5000万元以上", 5 * 10**7, None, (0.6, 2.5), (5, 80), 3),
    Tier("3000万元以上", 3 * 10**7, None, (0.4, 1.5), (5, 80), 1),
    Tier("十亿元以上", 10 * YI, None, (12, 30), (1, 20), 1),
    Tier("五十亿元以上", 50 * YI, None, (55, 90), (1, 6), 0.5),
)
TIER_BY_TEXT = {t.text: t for t in TIERS}
NO_TIER = Tier("", None, None, (0.5, 5), (2, 150), 0)
#: how an 亿元以上 total splits into disjoint size classes (seed 洪泽区)
TIER_SPLITS: tuple[tuple[str, ...], ...] = (
    ("1-10亿元", "10-50亿元", "50亿元以上"),
    ("1-10亿元", "10亿元以上"),
    ("1-5亿元", "5亿元以上"),
)
INDUSTRIES: tuple[tuple[str, float], ...] = (
    ("工业", 30),
    ("先进制造业", 10),
    ("高新技术产业", 10),
    ("服务业", 8),
    ("现代服务业", 4),
    ("农业", 5),
    ("现代农业", 2),
    ("制造业", 8),
    ("战略性新兴产业", 4),
    ("文旅", 2),
    ("基础设施", 3),
    ("新能源", 2),
)
#: sectors that break an 工业 group down (seed: 工业项目22个,其中先进制造业项目5个、高新技术产业项目6个)
INDUSTRY_SUBSECTORS = ("先进制造业", "高新技术产业", "战略性新兴产业", "新能源")
INDUSTRY_SIBLINGS = ("工业", "服务业", "农业", "基础设施", "文旅")
#: stage surface → record stage (spec §5: leading 新 removed, 纳入 → 入库)
STAGES: dict[str, str] = {
    "新签约": "签约",
    "签约": "签约",
    "新招引": "招引",
    "招引": "招引",
    "新开工": "开工",
    "开工": "开工",
    "新竣工": "竣工",
    "竣工": "竣工",
    "在建": "在建",
    "在谈": "在谈",
    "纳入": "入库",
}
#: surfaces of one pipeline step, for templates that need a step of a kind
SIGNING = ("新签约", "签约", "新招引", "招引")
BUILDING = ("新开工", "开工", "新竣工", "竣工", "在建")
#: investment phrase before a money → amounts[].kind (the phrase's 投资/引资 word, GUIDELINES "Records")
SIGNING_AMOUNTS = (
    ("协议引资", "协议引资"),
    ("协议投资", "协议投资"),
    ("协议总投资", "协议总投资"),
    ("总投资", "总投资"),
    ("计划总投资", "计划总投资"),
    ("计划投资", "计划投资"),
)
BUILDING_AMOUNTS = (
    ("总投资", "总投资"),
    ("计划总投资", "计划总投资"),
    ("年度计划投资", "年度计划投资"),
    ("完成投资", "完成投资"),
    ("完成有效投资", "有效投资"),
    ("总投资额", "总投资"),
)
#: prefixes that stay outside a MONEY span (GUIDELINES: 超/近/约/达 outside)
MONEY_PREFIXES = ("超", "近", "约", "达")
PERIODS = (
    "一季度",
    "今年以来",
    "截至目前",
    "上半年",
    "1-5月",
    "前三季度",
    "截至6月底",
    "一季度以来",
    "今年1-4月",
    "1至8月",
    "去年以来",
    "截至9月底",
)
#: openers of a sector breakdown in the sentence after the total (从产业分布看,先进制造业项目641个…)
SECTOR_VIEWS = (
    "从产业分布看", "从行业分布看", "分行业看", "从产业类型看", "从投资领域看", "按产业划分", "从产业结构看",
)
#: what several areas 分别 did (信丰县、龙南市则在招商签约上持续发力,分别新签约…)
DISTRICT_EFFORTS = ("在招商签约上持续发力", "在项目建设上持续用力", "在开工建设上加力提速", "紧盯目标任务")
GOAL_PERIODS = ("下一步", "今年", "2023年", "新的一年里")
#: how a plan paragraph frames next year's goals (2023年,罗庄区确立“项目攻坚突破年”目标:…)
PLAN_FRAMES = (
    "确立“项目攻坚突破年”目标",
    "确立“项目建设提速年”目标",
    "明确全年目标任务",
    "提出全年项目建设目标",
    "锚定全年目标",
    "确立“{code}”目标",
)
#: what a year's review adds after its completion rates (no figure)
REVIEW_TAILS = ("在全市项目建设综合考评中位列第一", "均超额完成年度任务", "创历史新高", "居全市前列")
#: the size classes that a trailing 其中 picks out of a 分别 list (其中滨海县签约百亿元项目1个)
BIG_TIERS = ("百亿元", "50亿元以上", "10亿元以上")
FULLWIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")

# --------------------------------------------------------------------------- text under construction


@dataclass(eq=False)
class Span:
    """A sentence (or any range) of the draft; offsets move when noise inserts text."""

    start: int
    end: int = -1


@dataclass(eq=False)
class Ent:
    label: str
    start: int
    end: int
    target: bool = False


@dataclass(eq=False)
class Money:
    ent: Ent
    kind: str | None
    value: int  # in units of its currency
    currency: str  # ISO code


@dataclass(eq=False)
class Rate:
    ent: Ent
    percent: Decimal
    kind: str  # completion / growth / share / rate / other (spec §5)
    of: Ent  # the COUNT or MONEY it describes


@dataclass(eq=False)
class Fig:
    """One fact: a COUNT-anchored group of projects, or a MONEY of its own (count None)."""

    target: bool = False
    whole: Fig | None = None
    home: Ent | None = None  # district of the section the figure is in (None: the main district)
    count: int | None = None
    count_ent: Ent | None = None
    stage_ent: Ent | None = None
    tier_ent: Ent | None = None
    industry_ent: Ent | None = None
    district_ent: Ent | None = None  # on a part only when it lies in another district than its whole (decision 22)
    stage: str | None = None
    tier: Tier | None = None
    industry: str | None = None
    amounts: list[Money] = field(default_factory=list)
    rates: list[Rate] = field(default_factory=list)

    @property
    def size(self) -> Tier | None:
        """The size class the group has, stated or inherited (for plausible amounts)."""
        return self.tier or (self.whole.size if self.whole else None)

    @property
    def anchor(self) -> Ent:
        if self.count_ent is not None:
            return self.count_ent
        return self.amounts[0].ent


@dataclass
class Scope:
    """Where a sentence is written: the area it is about and how the article refers to it."""

    names: tuple[str, ...]  # surfaces that name the area in a sentence (first = usual)
    ref: str  # 全区, 全县, 全市…
    parent_ref: str  # the level above, for shares: 全市, 全省
    siblings: tuple[tuple[str, ...], ...] = ()  # other areas of the same level, for 分别 sentences


@dataclass
class Style:
    """Per-document choices: punctuation and how often figures use Chinese numerals."""

    comma: str = ","
    semi: str = ";"
    colon: str = ":"
    paren: tuple[str, str] = ("(", ")")
    chinese_rate: float = 0.0
    numbered: bool = False  # headings numbered 一、二、…


class Draft:
    """Text under construction: every entity is recorded where it is written."""

    def __init__(self, rng: random.Random, style: Style):
        self.rng = rng
        self.style = style
        self.parts: list[str] = []
        self.length = 0
        self.ents: list[Ent] = []
        self.figs: list[Fig] = []
        self.sentences: list[Span] = []
        self.protected: list[Span] = []  # headings and enumerated lines: no noise line breaks inside
        self.tags: set[str] = set()
        self.used: list[str] = []
        self.home: Ent | None = None  # district context of what is being written (None: main district)
        self.home_level = 0
        self.subject: Ent | None = None  # district named as the subject of the current sentence
        self.year: int | None = None  # the past year a review/plan pair is about (None: templates pick one)
        self._sentence: Span | None = None
        self._block_start = True
        self._said: set[str] = set()

    def fresh(self, pool: tuple[str, ...]) -> str:
        """A prose template not yet used in this document (any, once the pool is used up)."""
        unused = [p for p in pool if p not in self._said] or list(pool)
        choice = self.rng.choice(unused)
        self._said.add(choice)
        return choice

    # ---- raw writing
    @property
    def text(self) -> str:
        return "".join(self.parts)

    def t(self, s: str) -> None:
        """Write plain text."""
        if s:
            self.parts.append(s)
            self.length += len(s)
            if s.strip():
                self._block_start = False

    def marker(self, s: str) -> None:
        """Write an enumeration marker (（1）, 1.) that the section finder skips at a paragraph start."""
        self.parts.append(s)
        self.length += len(s)

    def ent(self, s: str, label: str, target: bool = False) -> Ent:
        e = Ent(label, self.length, self.length + len(s), target)
        if label == "DISTRICT" and self._block_start:
            self.home, self.home_level = e, 99  # a paragraph that opens with a name starts its section
        self.ents.append(e)
        self.t(s)
        return e

    def paragraph_break(self) -> None:
        self.t("\n\n" if self.rng.random() < 0.8 else "\n")
        self._block_start = True

    def heading(self, level: int, write: Callable[[], None]) -> None:
        """A heading line: `write` draws it; a name at its opening starts a section (else may end one)."""
        span = Span(self.length)
        if level <= 6:
            self.t("#" * level + " ")
        self._block_start = True
        before = self.home
        write()
        span.end = self.length
        self.protected.append(span)
        if self.home is not before:
            self.home_level = level
        elif level <= self.home_level:
            self.home, self.home_level = None, 0
        self.t("\n\n")
        self._block_start = True

    # ---- sentences
    def begin(self) -> Span:
        self._sentence = Span(self.length)
        self.subject = None
        return self._sentence

    def end(self, punct: str = "。") -> None:
        self.t(punct)
        assert self._sentence is not None
        self._sentence.end = self.length
        self.sentences.append(self._sentence)
        self._sentence = None

    def prose(self, template: str, scope: Scope | None) -> None:
        """One framing sentence from the prose pools (see corpus.templates_prose for placeholders)."""
        self.begin()
        self.prose_inline(template, scope)
        self.end()

    def prose_inline(self, template: str, scope: Scope | None = None) -> None:
        """Prose without sentence bookkeeping (headings)."""
        for piece in re.split(r"(\{\w+\}|\[[^\]|]+\|[A-Z]+\])", template):
            if not piece:
                continue
            if piece.startswith("["):
                text, label = piece[1:-1].split("|")
                self.ent(text, label)
            elif piece.startswith("{"):
                self._prose_slot(piece[1:-1], scope)
            else:  # the document's punctuation, so prose and figures do not differ in it
                self.t(piece.replace(",", self.style.comma))

    def replace_last(self, punct: str) -> None:
        """Swap the final punctuation mark (。→；) to chain a sentence with the next list item."""
        self.parts[-1] = self.parts[-1][:-1] + punct

    def _prose_slot(self, slot: str, scope: Scope | None) -> None:
        rng = self.rng
        if slot == "ref":
            self.t(scope.ref if scope else "全市")
        elif slot == "name":
            if scope is None:
                self.t("全市")
            else:
                e = self.ent(scope.names[0], "DISTRICT")
                if self._sentence is not None and self.subject is None:
                    self.subject = e  # the subject of a money fact later in the sentence ({fund})
        elif slot == "sector":
            used = self.text[self._sentence.start :] if self._sentence is not None else ""
            self.t(rng.choice([s for s in prose.SECTORS if s not in used]))
        elif slot == "slogan":
            self.t(rng.choice(prose.SLOGANS))
        elif slot == "org":
            self.t(organisation(rng, scope))
        elif slot == "company":
            self.t(company(rng, scope))
        elif slot == "brand":
            self.t(rng.choice(prose.BRANDS))
        elif slot == "product":
            self.t(rng.choice(prose.PRODUCTS))
        elif slot == "areas":
            self.t(rng.choice(prose.AREA_REFS))
        elif slot == "fund":
            f = self.fig()
            self.money(f, rng.choice((0.5, 1, 2, 3, 5, 10, 20, 50, 100)) * rng.uniform(0.8, 1.2), None)
        elif slot == "place":
            self.ent(rng.choice(prose.PLACES), "DISTRICT")
        elif slot == "n":
            self.t(self.integer(rng.randint(3, 30)))
        elif slot == "big":
            self.t(str(rng.randint(100, 2000)))
        elif slot == "dec":
            self.t(f"{rng.uniform(1, 20):.1f}")
        elif slot == "pct":
            self.percent(Decimal(f"{rng.uniform(85, 99.9):.1f}"))
        elif slot == "growth":
            self.percent(Decimal(f"{rng.uniform(1, 12):.1f}"))
        elif slot == "code":
            self.t(rng.choice(prose.CODES))
        elif slot == "date":
            self.t(f"{rng.randint(1, 12)}月{rng.randint(1, 28)}日")
        elif slot == "industry":
            self.ent(pick_industry(rng), "INDUSTRY")
        elif slot == "tier":
            self.ent(pick_tier(rng).text, "TIER")
        else:
            raise KeyError(f"unknown prose placeholder {{{slot}}}")

    # ---- numbers
    def chinese(self) -> bool:
        if self.rng.random() < self.style.chinese_rate:
            self.tags.add("chinese_numeral")
            return True
        return False

    def integer(self, n: int) -> str:
        return cn_integer(n) if self.chinese() else str(n)

    # ---- facts
    def fig(self, target: bool = False, whole: Fig | None = None) -> Fig:
        f = Fig(target=target or (whole.target if whole else False), whole=whole, home=self.home)
        if whole is None:
            f.district_ent = self.subject
        self.figs.append(f)
        return f

    def stage(self, f: Fig, surface: str) -> Ent:
        f.stage_ent = self.ent(surface, "STAGE")
        f.stage = STAGES[surface]
        return f.stage_ent

    def tier(self, f: Fig, tier: Tier) -> Ent:
        f.tier_ent = self.ent(tier.text, "TIER")
        f.tier = tier
        return f.tier_ent

    def industry(self, f: Fig, name: str) -> Ent:
        f.industry_ent = self.ent(name, "INDUSTRY")
        f.industry = name
        return f.industry_ent

    def share(self, f: Fig, stage: Ent | None = None, tier: Ent | None = None, industry: Ent | None = None) -> None:
        """Let `f` be qualified by words already written for a sibling (one verb shared by a list)."""
        if stage is not None:
            f.stage_ent, f.stage = stage, STAGES[self.surface(stage)]
        if tier is not None:
            f.tier_ent, f.tier = tier, TIER_BY_TEXT[self.surface(tier)]
        if industry is not None:
            f.industry_ent, f.industry = industry, self.surface(industry)

    def surface(self, e: Ent) -> str:
        return self.text[e.start : e.end]

    def count(self, f: Fig, n: int, measure: str = "个") -> Ent:
        f.count = n
        word = ("两" if n == 2 else cn_integer(n)) if self.chinese() else str(n)
        f.count_ent = self.ent(word + measure, "COUNT", f.target)
        return f.count_ent

    def money(self, f: Fig, yi: float, kind: str | None = None, currency: str = "CNY") -> Ent:
        """Write a MONEY of about `yi` 亿 for `f` (an amount when `f` has a count)."""
        text, value = self.money_text(yi, currency, round_figure=f.target)
        e = self.ent(text, "MONEY", f.target)
        f.amounts.append(Money(e, kind, value, currency))
        return e

    def money_text(self, yi: float, currency: str, round_figure: bool = False) -> tuple[str, int]:
        """Surface and value of about `yi` 亿 (goals are round figures)."""
        rng = self.rng
        word = "美元" if currency == "USD" else "元"
        if currency == "USD":
            self.tags.add("foreign_currency")
        if yi >= 10000:
            number, unit, scale = decimal_round(yi / 10000, rng.choice((1, 2))), "万亿", 10**12
            self.tags.add("wan_yi_yuan")
        elif yi >= 1:
            number, unit, scale = decimal_round(yi, 0 if round_figure else rng.choice((0, 1, 2, 2))), "亿", YI
        else:
            wan = yi * 10000
            number = decimal_round(max(wan, 1), rng.choice((0, 1))) if wan < 100 else Decimal(round(wan, -2))
            unit, scale = "万", 10**4
            self.tags.add("wan_yuan")
        value = int(number * scale)
        if self.chinese() and number < 10000 and number == number.to_integral_value():
            return cn_integer(int(number)) + unit + word, value
        if self.chinese() and number < 1000 and unit == "亿":
            return cn2an.an2cn(fmt_decimal(number)) + unit + word, value
        return fmt_decimal(number) + unit + word, value

    def percent(self, value: Decimal, target: bool = False, points: bool = False) -> Ent:
        if self.chinese() and not points:
            text = "百分之" + cn2an.an2cn(fmt_decimal(value))
        else:
            text = fmt_decimal(value) + ("个百分点" if points else "%")
        return self.ent(text, "PERCENT", target)

    def rate(
        self, f: Fig, of: Ent, kind: str, value: Decimal | None = None, points: bool = False, target: bool = False
    ) -> Ent:
        """A PERCENT describing `of` (a completion rate of a goal is a reported figure: target False)."""
        value = value if value is not None else pct(self.rng)
        e = self.percent(value, target, points)
        f.rates.append(Rate(e, value, kind, of))
        return e

    # ---- sentence openers
    def open(
        self, scope: Scope, name: bool | None = None, name_first: bool = False, adverb: bool = True, goal: bool = False
    ) -> None:
        """Start a sentence: optional period, the area named or referred to, optional adverb (not for goals)."""
        rng = self.rng
        period = rng.choice(GOAL_PERIODS if goal else PERIODS) if rng.random() < (0.4 if goal else 0.6) else ""
        adverb = adverb and not goal
        if self._sentence is not None:  # the layout wrote a lead naming the area (【淮安区】, （1）淮安区：)
            if period:
                self.t(period + ("" if self.parts[-1] == self.surface(self.subject) else self.style.comma))
        else:
            self._open_fresh(scope, name, name_first, period)
        if adverb and rng.random() < 0.35:
            self.t(rng.choice(("累计", "共", "已", "共计")))
        elif adverb and rng.random() < APPROVAL_RATE:
            self.t(rng.choice(prose.APPROVALS))

    def lead(self, surface: str, after: str = "", marker: str = "") -> None:
        """Open a sentence with the area's name as its subject (bullet, bracket or paragraph opening)."""
        span = self.begin()
        if marker:
            self.marker(marker)
        self.subject = self.ent(surface, "DISTRICT")
        self.t(after)
        self.protected.append(Span(span.start, self.length))  # a broken marker would hide the name

    def _open_fresh(self, scope: Scope, name: bool | None, name_first: bool, period: str) -> None:
        rng = self.rng
        self.begin()
        if name is None:
            name = rng.random() < 0.3
        if name and name_first:
            self._name(scope)
            self._subject_suffix(scope)
            self.t(period)
        else:
            if period:
                self.t(period + self.style.comma)
            if name:
                self._name(scope)
                self._subject_suffix(scope)
            elif rng.random() < 0.6:
                self.t(self.reference(scope))

    def _subject_suffix(self, scope: Scope) -> None:
        """Text right after a subject name that is no part of it (湛江全市…, 龙南市则…)."""
        if self.rng.random() < 0.12:
            self.t(self.rng.choice(("则", "则", scope.ref, "也")))

    def reference(self, scope: Scope) -> str:
        """全区 mostly, 该区 sometimes (references are not entities; the record builder resolves them)."""
        if scope.ref.startswith("全") and self.rng.random() < 0.25:
            return "该" + scope.ref[1:]
        return scope.ref

    def _name(self, scope: Scope) -> None:
        """The area as the sentence's subject. A paragraph that opens with a name is a section of that name
        for the record builder, so there it is written exactly as the section names it; inside a sentence
        a short form may vary (涟水县 … 涟水)."""
        names = scope.names
        varied = not self._block_start and len(names) > 1 and self.rng.random() < 0.2
        self.subject = self.ent(self.rng.choice(names[1:]) if varied else names[0], "DISTRICT")


# --------------------------------------------------------------------------- numbers


def organisation(rng: random.Random, scope: Scope | None) -> str:
    """An organisation named after the area (淮安市发改委, 金湖县委县政府): plain text, no entity."""
    name = max(scope.names, key=len) if scope else "市"
    suffixes = list(prose.ORG_SUFFIXES)
    if name[-1] in "市县区":
        suffixes.append(f"委{name[-1]}政府")
    return name + rng.choice(suffixes)


def company(rng: random.Random, scope: Scope | None) -> str:
    """A company named with place-like words (苏盐井神, 淮安钢铁集团): plain text, no entity."""
    name = min(scope.names, key=len) if scope else rng.choice(prose.PLACES)
    stem = name[:-1] if name[-1] in "市县区" and len(name) > 2 else name
    if rng.random() < 0.5:
        return rng.choice(prose.PROVINCE_ABBREVIATIONS) + stem[0] + rng.choice(prose.COMPANY_WORDS) + rng.choice(
            prose.COMPANY_SUFFIXES
        )
    return stem + rng.choice(prose.COMPANY_WORDS) + rng.choice(prose.COMPANY_SUFFIXES[2:])


def cn_integer(n: int) -> str:
    """Chinese numeral as articles write it (2000 → 两千, 12 → 十二, 273 → 二百七十三)."""
    text = cn2an.an2cn(n)
    return "两" + text[1:] if len(text) == 2 and text[0] == "二" and text[1] in "百千万亿" else text


def decimal_round(x: float, places: int) -> Decimal:
    return Decimal(repr(x)).quantize(Decimal(1).scaleb(-places))


def fmt_decimal(value: Decimal) -> str:
    """Plain notation without trailing zeros (Decimal('1.20') → '1.2')."""
    return format(value.normalize(), "f")


def pct(rng: random.Random, low: float = 5, high: float = 120) -> Decimal:
    return decimal_round(rng.uniform(low, high), rng.choice((0, 1, 2, 2)))


def pick_tier(rng: random.Random) -> Tier:
    return rng.choices(TIERS, weights=[t.weight for t in TIERS])[0]


def pick_industry(rng: random.Random) -> str:
    return rng.choices([i for i, _ in INDUSTRIES], weights=[w for _, w in INDUSTRIES])[0]


def n_for(rng: random.Random, tier: Tier | None, target: bool = False) -> int:
    low, high = (tier or NO_TIER).counts
    n = rng.randint(low, high)
    return max(n, 2) * (rng.randint(2, 4) if target and n < 20 else 1)


def invest_for(rng: random.Random, n: int, tier: Tier | None) -> float:
    low, high = (tier or NO_TIER).invest
    return n * rng.uniform(low, high)


def split(rng: random.Random, total: int, k: int) -> list[int]:
    """k positive parts adding up to total (total >= k)."""
    cuts = sorted(rng.sample(range(1, total), k - 1)) if k > 1 else []
    return [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]


def subset(rng: random.Random, total: int, k: int) -> list[int]:
    """k positive counts, largest first, that together stay below total (a 其中 list need not exhaust its whole)."""
    if total <= k:
        return [1] * k
    return sorted(split(rng, rng.randint(max(k, total // 2), total - 1), k), reverse=True)


# --------------------------------------------------------------------------- noun phrases

Template = Callable[[Draft, Scope], None]
TEMPLATES: dict[str, tuple[Template, float, str]] = {}


def template(name: str, weight: float = 1.0, kind: str = "figure") -> Callable[[Template], Template]:
    """Register a figure template; `kind` groups them (figure, target, money, multi) for the layout."""

    def register(fn: Template) -> Template:
        TEMPLATES[name] = (fn, weight, kind)
        return fn

    return register


def maybe_tier(rng: random.Random, p: float = 0.75) -> Tier | None:
    return pick_tier(rng) if rng.random() < p else None


def maybe_industry(rng: random.Random, p: float = 0.3) -> str | None:
    return pick_industry(rng) if rng.random() < p else None


def np_group(
    d: Draft, f: Fig, stage: str | None, tier: Tier | None, industry: str | None, n: int, measure: str = "个"
) -> None:
    """{stage}{tier}{industry}项目{count} — the seed's commonest noun phrase."""
    if stage:
        d.stage(f, stage)
    if tier:
        d.tier(f, tier)
    if industry:
        d.industry(f, industry)
    d.t("项目")
    d.count(f, n, measure)


def amount_clause(d: Draft, f: Fig, choices: tuple[tuple[str, str], ...], sep: str | None = None) -> Ent:
    """,{kind phrase}[超/近/约]{money} — the investment of the group just counted.

    A part's money is its share of its whole's (a part never outweighs the whole it belongs to)."""
    rng = d.rng
    phrase, kind = rng.choice(choices)
    d.t(sep if sep is not None else d.style.comma)
    d.t(phrase)
    if rng.random() < 0.12:
        d.t(rng.choice(MONEY_PREFIXES))
    whole = f.whole
    if whole is not None and whole.amounts and whole.count and whole.amounts[0].currency == "CNY":
        yi = whole.amounts[0].value / YI * (f.count or 1) / whole.count * rng.uniform(0.5, 1.0)
    else:
        yi = invest_for(rng, f.count or 1, f.size)
    return d.money(f, yi, kind)


def amounts_for(stage: str | None) -> tuple[tuple[str, str], ...]:
    return SIGNING_AMOUNTS if stage in SIGNING or stage == "在谈" else BUILDING_AMOUNTS


def stage_for(rng: random.Random, pool: tuple[str, ...] = SIGNING + BUILDING + ("在谈",)) -> str:
    return rng.choice(pool)


def completion(d: Draft) -> str:
    return d.rng.choice(("目标任务", "全年目标任务", "年度目标任务", "全年目标", "年度目标", "市目标", "全年任务"))


def part_list(d: Draft, whole: Fig, items: list[tuple[Tier | None, str | None, int]], sep: str = "、") -> list[Fig]:
    """Parts of `whole`, each `{tier}{industry}项目{count}`, joined by `sep` (they state no stage)."""
    parts = []
    for k, (tier, industry, n) in enumerate(items):
        if k:
            d.t(sep)
        p = d.fig(whole=whole)
        np_group(d, p, None, tier, industry, n)
        parts.append(p)
    return parts


def industry_items(
    rng: random.Random, total: int, k: int, sectors: tuple[str, ...] = INDUSTRY_SUBSECTORS + INDUSTRY_SIBLINGS[1:]
) -> list[tuple[None, str, int]]:
    """k sector parts of a group (sub-sectors of 工业 when the group is itself 工业)."""
    sectors = rng.sample(sectors, k)
    return [(None, s, n) for s, n in zip(sectors, subset(rng, total, k), strict=True)]


def tier_items(rng: random.Random, total: int) -> list[tuple[Tier, None, int]]:
    names = rng.choice(TIER_SPLITS)
    if total < len(names):
        names = names[:1]
    counts = split(rng, total, len(names))
    return [(TIER_BY_TEXT[n], None, c) for n, c in zip(names, counts, strict=True)]


# --------------------------------------------------------------------------- figure templates


def rate_pair(d: Draft, f: Fig, first: Ent, second: Ent, kind: str, lo: float, hi: float) -> None:
    """Two rates of one figure joined by 、 (…分别完成年度目标的108%、102.9%), drawn in text order."""
    d.rate(f, first, kind, pct(d.rng, lo, hi))
    d.t("、")
    d.rate(f, second, kind, pct(d.rng, lo, hi))


@template("np", 2)
def _np(d: Draft, sc: Scope) -> None:
    """全区新签约亿元以上项目12个。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    tier = maybe_tier(rng)
    np_group(d, f, stage_for(rng), tier, maybe_industry(rng), n_for(rng, tier))
    d.end()


@template("np_amount", 3)
def _np_amount(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目12个,计划总投资102.2亿元。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng), maybe_tier(rng)
    np_group(d, f, stage, tier, maybe_industry(rng), n_for(rng, tier))
    amount_clause(d, f, amounts_for(stage))
    d.end()


@template("np_amount_completion_pair", 2)
def _np_amount_completion_pair(d: Draft, sc: Scope) -> None:
    """全区新招引亿元以上项目46个,协议引资165.93亿元,分别完成目标任务的61.33%、59.26%。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng, SIGNING + BUILDING[:2]), maybe_tier(rng, 0.9)
    np_group(d, f, stage, tier, maybe_industry(rng, 0.2), n_for(rng, tier))
    money = amount_clause(d, f, amounts_for(stage), rng.choice((d.style.comma, "、")))
    d.t(d.style.comma + rng.choice(("分别完成", "完成", "分别完成")) + completion(d) + "的")
    d.rate(f, f.count_ent, "completion")
    d.t("、")
    d.rate(f, money, "completion")
    d.end()


@template("np_completion", 2)
def _np_completion(d: Draft, sc: Scope) -> None:
    """新开工亿元以上工业项目12个,完成全年目标任务的25.6%。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    tier = maybe_tier(rng)
    np_group(d, f, stage_for(rng), tier, maybe_industry(rng), n_for(rng, tier))
    d.t(d.style.comma + "完成" + completion(d) + "的")
    d.rate(f, f.count_ent, "completion")
    d.end()


@template("np_amount_parts", 3)
def _np_amount_parts(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目46个,协议投资98.64亿元,其中制造业项目38个、高新技术产业项目21个。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng), maybe_tier(rng, 0.8)
    n = max(4, n_for(rng, tier))
    np_group(d, f, stage, tier, None, n)
    amount_clause(d, f, amounts_for(stage))
    d.t(d.style.comma + "其中")
    part_list(d, f, industry_items(rng, n, rng.randint(1, 3)))
    d.end()


@template("count_first", 2)
def _count_first(d: Draft, sc: Scope) -> None:
    """21个亿元以上工业项目开工 / 有5个亿元以上项目竣工投产。"""
    rng = d.rng
    d.open(sc, adverb=False)
    if rng.random() < 0.3:
        d.t(rng.choice(("共有", "有")))
    f = d.fig()
    tier = maybe_tier(rng, 0.8)
    d.count(f, n_for(rng, tier))
    if tier:
        d.tier(f, tier)
    if rng.random() < 0.5:
        d.industry(f, pick_industry(rng))
    d.t("项目")
    stage, tail = rng.choice(
        (("开工", ""), ("竣工", ""), ("签约", ""), ("新开工", ""), ("开工", "建设"), ("竣工", "投产"), ("签约", "落地"))
    )
    d.stage(f, stage)
    d.t(tail)
    if rng.random() < 0.5:
        amount_clause(d, f, amounts_for(stage))
    d.end()


@template("count_first_verb", 1)
def _count_first_verb(d: Draft, sc: Scope) -> None:
    """新开工了12个亿元以上项目 / 新签约12个工业项目。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    d.stage(f, stage_for(rng, ("新签约", "签约", "新开工", "开工", "新竣工", "竣工", "招引", "新招引")))
    if rng.random() < 0.3:
        d.t("了")
    tier = maybe_tier(rng)
    d.count(f, n_for(rng, tier))
    if tier:
        d.tier(f, tier)
    if rng.random() < 0.4:
        d.industry(f, pick_industry(rng))
    d.t("项目")
    d.end()


@template("exam", 1)
def _exam(d: Draft, sc: Scope) -> None:
    """共有18个工业项目通过开工考核,其中10亿元以上项目2个。"""
    rng = d.rng
    d.open(sc, adverb=False)
    d.t(rng.choice(("共有", "", "累计有")))
    f = d.fig()
    n = max(3, n_for(rng, None) // 3)
    d.count(f, n)
    if rng.random() < 0.6:
        d.industry(f, pick_industry(rng))
    d.t("项目通过")
    d.t(rng.choice(("", "市", "省")))
    d.stage(f, rng.choice(("开工", "竣工")))
    d.t(rng.choice(("考核", "认定", "验收")))
    if rng.random() < 0.6:
        d.t(d.style.comma + "其中")
        tier = rng.choice(("10亿元以上", "5亿元以上", "50亿元以上", "亿元以上"))
        part_list(d, f, [(TIER_BY_TEXT[tier], None, max(1, n // rng.randint(3, 9)))])
    d.end()


@template("certified", 1)
def _certified(d: Draft, sc: Scope) -> None:
    """全县通过市开工认定亿元以上项目16个,其中制造业项目13个、高新技术产业项目7个。"""
    rng = d.rng
    d.open(sc, adverb=False)
    d.t("通过" + rng.choice(("市", "省", "")))
    f = d.fig()
    if rng.random() < 0.5:
        d.stage(f, "开工")
        d.t("认定")
    else:
        d.stage(f, "竣工")
        d.t("验收")
    tier = maybe_tier(rng, 0.9)
    n = max(3, n_for(rng, tier))
    np_group(d, f, None, tier, None, n)
    if rng.random() < 0.7:
        d.t(d.style.comma + "其中")
        part_list(d, f, industry_items(rng, n, rng.randint(1, 2)))
    d.end()


@template("library", 1)
def _library(d: Draft, sc: Scope) -> None:
    """47个工业项目纳入市级重大项目库,开工率达83.3%(,高于全市平均5.9个百分点)。"""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    d.count(f, rng.randint(8, 120))
    if rng.random() < 0.6:
        d.industry(f, pick_industry(rng))
    d.t("项目")
    d.stage(f, "纳入")
    d.t(rng.choice(("市级重大项目库", "省级重大项目库", "市重特大项目库", "省市重点项目库")))
    if rng.random() < 0.7:
        d.t(d.style.comma + rng.choice(("开工率达", "开工率为", "开工率达到")))
        d.rate(f, f.count_ent, "rate", pct(rng, 40, 100))
        if rng.random() < 0.4:
            d.t(d.style.comma + rng.choice(("高于全市平均", "高出全省平均水平")))
            d.rate(f, f.count_ent, "other", decimal_round(rng.uniform(1, 15), 1), points=True)
        elif rng.random() < 0.3:
            d.t(d.style.comma + "同比提高")
            d.rate(f, f.count_ent, "other", decimal_round(rng.uniform(1, 15), 1), points=True)
    d.end()


@template("library_of", 1)
def _library_of(d: Draft, sc: Scope) -> None:
    """纳入市重特大项目库的33个项目完成有效投资19.8亿元。"""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    d.stage(f, "纳入")
    d.t(rng.choice(("市重特大项目库", "省市重点项目库", "省级重大项目库")) + "的")
    d.count(f, rng.randint(8, 150))
    d.t("项目")
    phrase, kind = rng.choice((("完成有效投资", "有效投资"), ("完成投资", "完成投资"), ("总投资", "总投资")))
    d.t(phrase)
    d.money(f, invest_for(rng, f.count or 1, None) / 3, kind)
    d.end()


@template("tier_first", 1)
def _tier_first(d: Draft, sc: Scope) -> None:
    """亿元以上工业项目新开工12个(,总投资56亿元)。"""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    tier = pick_tier(rng)
    d.tier(f, tier)
    if rng.random() < 0.5:
        d.industry(f, pick_industry(rng))
    d.t("项目")
    stage = stage_for(rng, SIGNING + BUILDING[:4])
    d.stage(f, stage)
    d.count(f, n_for(rng, tier))
    if rng.random() < 0.5:
        amount_clause(d, f, amounts_for(stage))
    d.end()


@template("number_reaches", 1)
def _number_reaches(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目数达12个 / 项目达到1026个,总投资8465亿元。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng), maybe_tier(rng)
    d.stage(f, stage)
    if tier:
        d.tier(f, tier)
    d.t(rng.choice(("项目数达", "项目达到", "项目数量达到", "项目总数达")))
    d.count(f, n_for(rng, tier))
    if rng.random() < 0.5:
        amount_clause(d, f, amounts_for(stage))
    d.end()


@template("np_growth", 1)
def _np_growth(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目31个,同比增长24%。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    tier = maybe_tier(rng)
    np_group(d, f, stage_for(rng), tier, maybe_industry(rng), n_for(rng, tier))
    d.t(d.style.comma + rng.choice(("同比增长", "比上年同期增长", "增长")))
    d.rate(f, f.count_ent, "growth", pct(rng, 3, 80))
    d.end()


@template("amount_growth_pair", 1)
def _amount_growth_pair(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目31个,协议引资99.4亿元,同比分别增长12%、8.5%。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng), maybe_tier(rng, 0.9)
    np_group(d, f, stage, tier, None, n_for(rng, tier))
    money = amount_clause(d, f, amounts_for(stage))
    d.t(d.style.comma + rng.choice(("同比分别增长", "分别增长", "分别同比增长")))
    rate_pair(d, f, f.count_ent, money, "growth", 3, 60)
    d.end()


@template("np_share", 1)
def _np_share(d: Draft, sc: Scope) -> None:
    """新开工亿元以上项目24个,占全市总数的18.5% / 占比75.3%。"""
    rng = d.rng
    d.open(sc, name=True)
    f = d.fig()
    tier = maybe_tier(rng)
    np_group(d, f, stage_for(rng), tier, maybe_industry(rng), n_for(rng, tier))
    d.t(d.style.comma + rng.choice((f"占{sc.parent_ref}的", f"占{sc.parent_ref}总数的", "占比", "占比达")))
    d.rate(f, f.count_ent, "share", pct(rng, 3, 45))
    d.end()


@template("amount_share", 1)
def _amount_share(d: Draft, sc: Scope) -> None:
    """新签约项目24个,协议引资56亿元,投资额占全市的21% / 项目个数和投资额分别占全市的18%、21%。"""
    rng = d.rng
    d.open(sc, name=True)
    f = d.fig()
    stage, tier = stage_for(rng, SIGNING), maybe_tier(rng)
    np_group(d, f, stage, tier, None, n_for(rng, tier))
    money = amount_clause(d, f, amounts_for(stage))
    if rng.random() < 0.5:
        d.t(d.style.comma + f"投资额占{sc.parent_ref}的")
        d.rate(f, money, "share", pct(rng, 3, 45))
    else:
        d.t(d.style.comma + f"项目个数和投资额分别占{sc.parent_ref}的")
        rate_pair(d, f, f.count_ent, money, "share", 3, 45)
    d.end()


@template("comma_amount_target_pair", 2)
def _comma_amount_target_pair(d: Draft, sc: Scope) -> None:
    """一季度全县新签约亿元以上项目31个、总投资99.4亿元,完成市目标的34.4%、30.2%,其中工业项目26个、总投资89.5亿元。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng, SIGNING), maybe_tier(rng, 0.9)
    n = max(4, n_for(rng, tier))
    np_group(d, f, stage, tier, None, n)
    money = amount_clause(d, f, amounts_for(stage), "、")
    d.t(d.style.comma + "完成" + completion(d) + "的")
    d.rate(f, f.count_ent, "completion")
    d.t("、")
    d.rate(f, money, "completion")
    if rng.random() < 0.7:
        d.t(d.style.comma + "其中")
        (part,) = part_list(d, f, industry_items(rng, n, 1))
        amount_clause(d, part, amounts_for(stage), "、")
    d.end()


@template("paren_amount", 1)
def _paren_amount(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目12个(总投资56.3亿元)。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng), maybe_tier(rng)
    np_group(d, f, stage, tier, maybe_industry(rng), n_for(rng, tier))
    left, right = d.style.paren
    amount_clause(d, f, amounts_for(stage), left)
    d.t(right)
    d.end()


@template("two_amounts", 2)
def _two_amounts(d: Draft, sc: Scope) -> None:
    """新开工工业项目24个,总投资256亿元,年度计划投资96亿元(,其中10-50亿元项目3个、1-10亿元项目19个)。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    industry = maybe_industry(rng, 0.5)
    if industry and rng.random() < 0.25:
        d.ent(rng.choice(("制造业", "工业")), "INDUSTRY")  # decision 9: only the word before 项目 is linked
    n = max(4, n_for(rng, None) // 2)
    np_group(d, f, stage_for(rng, BUILDING), None, industry, n)
    total = invest_for(rng, n, None) * 2
    phrase, kind = rng.choice((("总投资", "总投资"), ("计划总投资", "计划总投资")))
    d.t(d.style.comma + phrase)
    d.money(f, total, kind)
    phrase, kind = rng.choice((("年度计划投资", "年度计划投资"), ("完成投资", "完成投资")))
    d.t(d.style.comma + phrase)
    d.money(f, total * rng.uniform(0.2, 0.5), kind)
    if rng.random() < 0.5:
        d.t(d.style.comma + "其中")
        part_list(d, f, tier_items(rng, n))
    d.end()


@template("completion_parts", 2)
def _completion_parts(d: Draft, sc: Scope) -> None:
    """累计新招引亿元以上项目27个,其中工业项目19个,完成全年目标任务的29.2%;先进制造业项目7个;50亿元以上工业项目2个,完成全年目标任务的50%。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    tier = TIER_BY_TEXT["亿元以上"] if rng.random() < 0.8 else None
    n = max(6, n_for(rng, tier))
    np_group(d, f, stage_for(rng, SIGNING + BUILDING[:2]), tier, None, n)
    d.t(d.style.comma + "其中")
    counts = subset(rng, n, 3)
    items: list[tuple[Tier | None, str | None]] = [
        (None, rng.choice(INDUSTRY_SIBLINGS[:1] + INDUSTRY_SUBSECTORS)),
        (None, rng.choice(INDUSTRY_SUBSECTORS)),
        (TIER_BY_TEXT[rng.choice(("50亿元以上", "10亿元以上", "10-50亿元"))], rng.choice((None, "工业"))),
    ]
    for k, ((part_tier, industry), c) in enumerate(zip(items, counts, strict=True)):
        if k:
            d.t(d.style.semi)
        p = d.fig(whole=f)
        np_group(d, p, None, part_tier, industry, c)
        if rng.random() < 0.6:
            d.t(d.style.comma + "完成" + completion(d) + "的")
            d.rate(p, p.count_ent, "completion")
    d.end()


@template("seed_parts_amounts", 2)
def _seed_parts_amounts(d: Draft, sc: Scope) -> None:
    """…项目46个,协议引资165.93亿元,分别完成…61.33%、59.26%,其中工业项目19个,协议引资77.83亿元(,分别…);先进制造业项目12个,协议引资19.42亿元。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng, SIGNING), maybe_tier(rng, 0.9)
    n = max(6, n_for(rng, tier))
    np_group(d, f, stage, tier, None, n)
    money = amount_clause(d, f, amounts_for(stage))
    if rng.random() < 0.6:
        d.t(d.style.comma + "分别完成" + completion(d) + "的")
        d.rate(f, f.count_ent, "completion")
        d.t("、")
        d.rate(f, money, "completion")
    d.t(d.style.comma + "其中")
    for k, (_, industry, c) in enumerate(industry_items(rng, n, rng.randint(2, 3))):
        if k:
            d.t(d.style.semi)
        p = d.fig(whole=f)
        np_group(d, p, None, None, industry, c)
        part_money = amount_clause(d, p, amounts_for(stage))
        if k == 0 and rng.random() < 0.5:
            d.t(d.style.comma + "分别完成" + completion(d) + "的")
            d.rate(p, p.count_ent, "completion")
            d.t("、")
            d.rate(p, part_money, "completion")
    d.end()


@template("breakdown_next_sentence", 2)
def _breakdown_next_sentence(d: Draft, sc: Scope) -> None:
    """签约亿元以上项目34个,协议总投资291.63亿元。1-10亿元项目26个、10-50亿元项目6个、50亿元以上项目2个(;工业项目22个,
    其中先进制造业项目5个、高新技术产业项目6个,协议引资231.75亿元(,服务业项目7个、农业项目5个))。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage = stage_for(rng, SIGNING)
    n = rng.randint(8, 60)
    np_group(d, f, stage, TIER_BY_TEXT["亿元以上"], None, n)
    amount_clause(d, f, amounts_for(stage))
    d.end()
    d.begin()
    part_list(d, f, tier_items(rng, n))
    if rng.random() < 0.6:
        d.t(d.style.semi)
        sub_n = max(3, n * 2 // 3)
        (sub,) = part_list(d, f, [(None, "工业", sub_n)])
        d.t(d.style.comma + "其中")
        part_list(d, sub, industry_items(rng, sub_n, 2, INDUSTRY_SUBSECTORS))  # nested: parts of the 工业 sub-total
        if rng.random() < 0.5:
            amount_clause(d, sub, amounts_for(stage))  # after a 、 list the money is the sub-total's (decision 5)
            if n - sub_n >= 2 and rng.random() < 0.6:  # the money closes the nested list: back to the total
                d.t(d.style.comma)
                part_list(d, f, industry_items(rng, n - sub_n, 2, INDUSTRY_SIBLINGS[1:]))
    d.end()


@template("sector_view", 1.5)
def _sector_view(d: Draft, sc: Scope) -> None:
    """签约项目1873个,签约总额6215.4亿元。从产业分布看,先进制造业项目641个,占比34.2%;现代服务业项目528个,…"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage = stage_for(rng, SIGNING + BUILDING[:4])
    tier = maybe_tier(rng, 0.4)
    n = rng.randint(20, 400) if tier is None else n_for(rng, tier) + 10
    np_group(d, f, stage, tier, None, n)
    if rng.random() < 0.7:
        amount_clause(d, f, amounts_for(stage))
    d.end()
    if n >= 40 and rng.random() < 0.4:  # 其中,10亿元以上项目52个、50亿元以上项目9个: nested tiers, parts of the total
        d.begin()
        d.t("其中" + d.style.comma)
        ten = rng.randint(max(3, n // 10), n // 3)
        fifty = rng.randint(1, max(1, ten // 4))
        big = [ten, fifty] + ([rng.randint(1, fifty)] if fifty > 1 and rng.random() < 0.6 else [])
        part_list(d, f, [(TIER_BY_TEXT[t], None, c) for t, c in zip(BIG_TIERS[::-1], big, strict=False)])
        d.end()
    d.begin()
    d.t(rng.choice(SECTOR_VIEWS) + d.style.comma)
    sectors = rng.choice((INDUSTRY_SIBLINGS, ("先进制造业", "现代服务业", "现代农业", "基础设施", "新能源")))
    share = rng.random() < 0.6
    sep = d.style.semi if share else rng.choice(("、", d.style.comma))
    items = industry_items(rng, n, rng.randint(2, 3), sectors)
    share_parts(d, f, items, sep, ("占比", "占", "占比达") if share else ())
    d.end()


def share_parts(
    d: Draft, whole: Fig, items: list[tuple[Tier | None, str | None, int]], sep: str, share_words: tuple[str, ...],
    stage: Ent | None = None,
) -> None:
    """Parts of `whole` joined by `sep`, each followed by its share of the whole when `share_words` are given
    (先进制造业项目641个,占比34.2%;…); `stage` is a stage word the breakdown names (签约项目中,…)."""
    for k, item in enumerate(items):
        if k:
            d.t(sep)
        (p,) = part_list(d, whole, [item])
        if stage is not None:
            d.share(p, stage=stage)
        if share_words:
            d.t(d.style.comma + d.rng.choice(share_words))
            d.rate(p, p.count_ent, "share", Decimal(f"{100 * item[2] / (whole.count or 1):.1f}"))


@template("np_amount_rate", 1.5)
def _np_amount_rate(d: Draft, sc: Scope) -> None:
    """新开工亿元以上项目241个,总投资1478.3亿元,开工率84.3% — one rate after a count and its money describes the
    count (a 开工率 counts projects; 完成年度目标任务的72% is the share of the goal's number of projects)."""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng, SIGNING + BUILDING[:4]), maybe_tier(rng, 0.8)
    np_group(d, f, stage, tier, maybe_industry(rng, 0.2), max(4, n_for(rng, tier)))
    amount_clause(d, f, amounts_for(stage))
    word = {"签": "履约率", "招": "落地率", "开": "开工率", "竣": "竣工率"}[stage.lstrip("新")[0]]
    if rng.random() < 0.5:
        d.t(d.style.comma + word + rng.choice(("", "达", "为", "达到")))
        d.rate(f, f.count_ent, "rate", pct(rng, 40, 100))
    else:
        d.t(d.style.comma + "完成" + completion(d) + "的")
        d.rate(f, f.count_ent, "completion")
    d.end()


@template("stage_named_breakdown", 1.5)
def _stage_named_breakdown(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目286个,…;新开工亿元以上项目241个,…。签约项目中,先进制造业项目163个,占比57%;… — the
    breakdown names its stage and belongs to that stage's total, not to the nearer one (decision 2)."""
    rng = d.rng
    d.open(sc)
    tier = TIER_BY_TEXT["亿元以上"] if rng.random() < 0.7 else None
    totals = []
    for k, stage in enumerate(rng.sample((SIGNING[0], BUILDING[0], BUILDING[2]), 2)):
        if k:
            d.t(d.style.semi)
        f = d.fig()
        np_group(d, f, stage, tier, None, rng.randint(30, 400))
        amount_clause(d, f, amounts_for(stage))
        totals.append(f)
    d.end()
    f = rng.choice(totals)
    d.begin()
    d.t(rng.choice(("", "从产业类别看" + d.style.comma, "从行业看" + d.style.comma)))
    word = d.surface(f.stage_ent)
    stage_ent = d.ent(rng.choice((word, word.lstrip("新"))), "STAGE")
    d.t("项目中" + rng.choice(("", d.style.comma)))
    share = rng.random() < 0.5
    items = industry_items(rng, f.count or 1, rng.randint(2, 3), INDUSTRY_SIBLINGS[:3] + ("先进制造业", "现代服务业"))
    share_parts(d, f, items, d.style.semi if share else "、", ("占比", "占比达") if share else (), stage_ent)
    d.end()


@template("subtotal", 1)
def _subtotal(d: Draft, sc: Scope) -> None:
    """32个亿元以上项目签约,计划投资164亿元。其中工业项目26个,50亿元以上项目1个、10-50亿元项目3个、1-10亿元项目22个。"""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    n = rng.randint(10, 60)
    d.count(f, n)
    d.tier(f, TIER_BY_TEXT["亿元以上"])
    d.t("项目")
    d.stage(f, rng.choice(("签约", "开工")))
    amount_clause(d, f, SIGNING_AMOUNTS)
    d.end()
    d.begin()
    d.t("其中")
    sub_n = rng.randint(max(3, n // 2), n - 1)
    (sub,) = part_list(d, f, [(None, "工业", sub_n)])
    d.t(d.style.comma)
    part_list(d, sub, tier_items(rng, sub_n))  # decision 7: they add up to the sub-total
    d.end()


@template("semicolon_breakdown", 1)
def _semicolon_breakdown(d: Draft, sc: Scope) -> None:
    """全区新开工工业项目3个,完成目标任务的10.7%,计划总投资16.3亿元;高新技术产业项目2个,计划总投资11.1亿元。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    n = rng.randint(3, 40)
    np_group(d, f, stage_for(rng, BUILDING[:4] + SIGNING), maybe_tier(rng, 0.4), "工业", n)
    if rng.random() < 0.5:
        d.t(d.style.comma + "完成" + completion(d) + "的")
        d.rate(f, f.count_ent, "completion")
    amount_clause(d, f, (("计划总投资", "计划总投资"), ("总投资", "总投资")))
    d.t(d.style.semi)
    (part,) = part_list(d, f, industry_items(rng, n, 1))  # decision 8: a ；item after a total is a part
    amount_clause(d, part, (("计划总投资", "计划总投资"), ("总投资", "总投资")))
    d.end()


@template("tier_and_industry_parts", 1)
def _tier_and_industry_parts(d: Draft, sc: Scope) -> None:
    """累计新招引亿元以上工业项目7个,其中10亿元以上项目1个、高新技术产业项目5个。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    n = rng.randint(4, 40)
    np_group(d, f, stage_for(rng), TIER_BY_TEXT["亿元以上"], maybe_industry(rng, 0.6), n)
    d.t(d.style.comma + "其中")
    a, b = subset(rng, n, 2)
    part_list(
        d,
        f,
        [
            (TIER_BY_TEXT[rng.choice(("10亿元以上", "5亿元以上", "50亿元以上"))], None, a),
            (None, rng.choice(INDUSTRY_SUBSECTORS), b),
        ],
    )
    d.end()


@template("named_whole_parts", 1)
def _named_whole_parts(d: Draft, sc: Scope) -> None:
    """新开工项目80个,其中工业项目40个。新开工项目中,50亿元以上项目4个。(decision 2)"""
    rng = d.rng
    target = rng.random() < 0.4
    d.open(sc, goal=target)
    if target:
        d.t(rng.choice(("力争全年", "计划全年", "目标")))
    f = d.fig(target=target)
    stage = stage_for(rng, ("新开工", "新签约", "新招引", "新竣工"))
    n = rng.randint(10, 100)
    np_group(d, f, stage, None, None, n)
    d.t(d.style.comma + "其中")
    part_list(d, f, industry_items(rng, n, 1))
    d.end()
    d.begin()
    p = d.fig(whole=f)
    d.stage(p, stage)
    d.t("项目中" + rng.choice(("", d.style.comma)))
    tier = TIER_BY_TEXT[rng.choice(("50亿元以上", "10亿元以上", "10-50亿元"))]
    d.tier(p, tier)
    d.t("项目")
    d.count(p, max(1, n // rng.randint(5, 20)))
    d.end()


@template("stage_list", 2)
def _stage_list(d: Draft, sc: Scope) -> None:
    """新开工亿元以上工业项目2个、新竣工亿元以上工业项目2个、在建工业项目24个。"""
    rng = d.rng
    d.open(sc)
    stages = rng.sample(("新开工", "新竣工", "在建", "新签约", "在谈"), rng.randint(2, 3))
    industry = maybe_industry(rng, 0.5)
    for k, stage in enumerate(stages):
        if k:
            d.t(rng.choice(("、", d.style.comma)))
        f = d.fig()
        tier = TIER_BY_TEXT["亿元以上"] if stage != "在建" and rng.random() < 0.7 else None
        np_group(d, f, stage, tier, industry, n_for(rng, tier))
    d.end()


@template("count_no_stage", 1)
def _count_no_stage(d: Draft, sc: Scope) -> None:
    """实地观摩18个重特大项目 / 率先实现1个重特大项目“拿地即开工” (decision 1: a COUNT without stage)."""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    choice = rng.randrange(3)
    if choice == 0:
        d.t("实地观摩")
        d.count(f, rng.randint(5, 30))
        d.t("重特大项目")
    elif choice == 1:
        d.t("在全市率先实现")
        d.count(f, rng.randint(1, 6))
        d.t("重特大项目“拿地即开工”")
    else:
        d.t("实施省市重点项目")
        d.count(f, rng.randint(20, 800), rng.choice(("个", "项")))
        amount_clause(d, f, (("总投资", "总投资"), ("年度计划投资", "年度计划投资")))
    d.end()


@template("leads", 1)
def _leads(d: Draft, sc: Scope) -> None:
    """共收集招商信息118条,计划总投资520.61亿元,其中工业项目信息102条、50亿元以上项目3个。"""
    rng = d.rng
    d.open(sc, adverb=False)
    d.t(rng.choice(("共收集招商信息", "收集项目信息", "累计收集招商引资信息")))
    f = d.fig()
    n = rng.randint(30, 300)
    d.count(f, n, "条")
    amount_clause(d, f, (("计划总投资", "计划总投资"), ("总投资", "总投资")))
    if rng.random() < 0.7:
        d.t(d.style.comma + "其中")
        p = d.fig(whole=f)
        d.industry(p, rng.choice(("工业", "制造业", "服务业")))
        d.t("项目信息")
        d.count(p, rng.randint(n // 2, n - 1), "条")
        d.t("、")
        part_list(d, f, [(TIER_BY_TEXT["50亿元以上"], None, rng.randint(1, 5))])
    d.end()


@template("in_talks", 1)
def _in_talks(d: Draft, sc: Scope) -> None:
    """目前,在谈百亿元项目2个、50亿元以上项目2个 (decision 6: siblings sharing 在谈)."""
    rng = d.rng
    d.open(sc, name=False, adverb=False)
    stage_ent = None
    for k, tier_name in enumerate(rng.sample(("百亿元", "50亿元以上", "10亿元以上", "亿元以上"), rng.randint(1, 3))):
        if k:
            d.t("、")
        f = d.fig()
        if stage_ent is None:
            stage_ent = d.stage(f, "在谈")
        else:
            d.share(f, stage=stage_ent)
        tier = TIER_BY_TEXT[tier_name]
        np_group(d, f, None, tier, None, n_for(rng, tier))
    d.end()


@template("two_sectors", 1)
def _two_sectors(d: Draft, sc: Scope) -> None:
    """全区一季度制造业新开工工业项目24个,总投资256亿元 (decision 9)."""
    rng = d.rng
    d.open(sc, adverb=False)
    d.ent("制造业", "INDUSTRY")
    f = d.fig()
    stage, tier = stage_for(rng, BUILDING[:4]), maybe_tier(rng, 0.4)
    np_group(d, f, stage, tier, "工业", n_for(rng, tier))
    if rng.random() < 0.7:
        amount_clause(d, f, amounts_for(stage))
    d.end()


@template("sectors_respectively", 1)
def _sectors_respectively(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目40个,其中工业、服务业项目分别为28个、12个。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    tier = maybe_tier(rng)
    n = max(4, n_for(rng, tier))
    np_group(d, f, stage_for(rng), tier, None, n)
    d.t(d.style.comma + "其中")
    sectors = rng.sample(("工业", "服务业", "农业", "先进制造业", "基础设施"), 2)
    parts = [d.fig(whole=f) for _ in sectors]
    for k, (p, s) in enumerate(zip(parts, sectors, strict=True)):
        if k:
            d.t("、")
        d.industry(p, s)
    d.t("项目分别为")
    for k, (p, c) in enumerate(zip(parts, subset(rng, n, 2), strict=True)):
        if k:
            d.t("、")
        d.count(p, c)
    d.end()


@template("venue", 1)
def _venue(d: Draft, sc: Scope) -> None:
    """重大项目集中开工仪式在宿城区主会场举行,集中开工项目85个,总投资326亿元 / 在上海举办投资推介会,现场签约项目32个
    — the venue is marked but is no subject (decision 32): the figures keep the sentence's or the section's area."""
    rng = d.rng
    signing = rng.random() < 0.5
    events = prose.SIGNING_EVENTS if signing else prose.BUILDING_EVENTS
    venues = [names[0] for names in sc.siblings] + list(prose.PLACES)
    d.open(sc, adverb=False)
    if rng.random() < 0.5:
        d.t(rng.choice(events) + "在")
        d.ent(rng.choice(venues), "DISTRICT")
        d.t(rng.choice(("举行", "举办", "主会场举行", "设主会场举行")))
    else:
        d.t("在")
        d.ent(rng.choice(venues), "DISTRICT")
        d.t("举办" + rng.choice(events))
    d.t(d.style.comma + rng.choice(("集中", "现场", "")))
    f = d.fig()
    tier = maybe_tier(rng, 0.5)
    stage = "签约" if signing else "开工"
    np_group(d, f, stage, tier, None, n_for(rng, tier))
    if rng.random() < 0.6:
        amount_clause(d, f, amounts_for(stage))
    d.end()


@template("foreign", 1)
def _foreign(d: Draft, sc: Scope) -> None:
    """新签约外资项目5个,总投资1.2亿美元。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage = stage_for(rng, SIGNING)
    d.stage(f, stage)
    d.t(rng.choice(("外资项目", "外商投资项目")))
    d.count(f, rng.randint(2, 20))
    phrase = rng.choice(("总投资", "协议投资"))
    d.t(d.style.comma + phrase)
    d.money(f, rng.uniform(0.2, 6), phrase, currency="USD")
    d.end()


@template("subject_clause_figures", 4)
def _subject_clause_figures(d: Draft, sc: Scope) -> None:
    """宿迁市坚持…,一季度全市新签约亿元以上项目143个,协议投资…亿元;新开工亿元以上项目97个,… — the subject
    named first, a prose clause, then several figures that all belong to it (long-range district links)."""
    rng = d.rng
    led = d._sentence is not None  # a layout lead (【淮安区】, 淮安区：) already named the subject
    if not led:
        d.begin()
        d._name(sc)
    for clause in rng.sample(prose.SUBJECT_CLAUSES, rng.randint(1, 2)):
        d.prose_inline(clause, sc)
        d.t(d.style.comma)
    if rng.random() < 0.6:
        d.t(rng.choice(PERIODS))
    if rng.random() < 0.5 and not led:  # LEAD_REFERENCE: see review_opening
        d.t(sc.ref)
    for k, stage in enumerate(rng.sample(("新签约", "新开工", "新竣工", "在建", "新招引"), rng.randint(2, 3))):
        if k:
            d.t(rng.choice((d.style.semi, d.style.semi, d.style.comma)))
        f = d.fig()
        tier = maybe_tier(rng, 0.8)
        np_group(d, f, stage, tier, maybe_industry(rng, 0.15), n_for(rng, tier))
        if rng.random() < 0.7:
            amount_clause(d, f, amounts_for(stage))
    d.end()


@template("counts_completion_pair", 1.5)
def _counts_completion_pair(d: Draft, sc: Scope) -> None:
    """新开工亿元以上项目15个,新竣工亿元以上项目8个,分别完成全年目标任务的31.3%、33.3%。"""
    rng = d.rng
    d.open(sc)
    figs = []
    for k, stage in enumerate(rng.sample(("新开工", "新竣工", "新签约", "新招引"), 2)):
        if k:
            d.t(rng.choice((d.style.comma, "、")))
        f = d.fig()
        tier = maybe_tier(rng, 0.8)
        np_group(d, f, stage, tier, None, n_for(rng, tier))
        figs.append(f)
    d.t(d.style.comma + "分别完成" + completion(d) + "的")
    for k, f in enumerate(figs):
        if k:
            d.t("、")
        d.rate(f, f.count_ent, "completion", pct(rng, 10, 110))
    d.end()


@template("investment_completion", 1.5)
def _investment_completion(d: Draft, sc: Scope) -> None:
    """新开工项目24个,完成投资63.5亿元,完成年度计划的28.9% (the rate describes the money)."""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng, BUILDING), maybe_tier(rng, 0.7)
    np_group(d, f, stage, tier, maybe_industry(rng, 0.2), n_for(rng, tier))
    money = amount_clause(d, f, (("完成投资", "完成投资"), ("完成有效投资", "有效投资"), ("累计完成投资", "完成投资")))
    d.t(d.style.comma + rng.choice(("完成年度计划的", "完成年度计划投资的", "完成全年计划的")))
    d.rate(f, money, "completion", pct(rng, 10, 90))
    d.end()


@template("part_completion_pair", 1.5)
def _part_completion_pair(d: Draft, sc: Scope) -> None:
    """新招引亿元以上项目46个,协议引资165.93亿元,其中工业项目19个,协议引资77.83亿元,分别完成目标任务的42.22%、45.78%
    (decision 5: the money right after one part is that part's; the rates pair with the part's figures)."""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage, tier = stage_for(rng, SIGNING), maybe_tier(rng, 0.9)
    n = max(4, n_for(rng, tier))
    np_group(d, f, stage, tier, None, n)
    amount_clause(d, f, amounts_for(stage))
    d.t(d.style.comma + "其中")
    p = d.fig(whole=f)
    np_group(d, p, None, None, rng.choice(("工业", "制造业", "先进制造业", "服务业")), subset(rng, n, 1)[0])
    money = amount_clause(d, p, amounts_for(stage))
    d.t(d.style.comma + "分别完成" + completion(d) + "的")
    rate_pair(d, p, p.count_ent, money, "completion", 10, 110)
    d.end()


@template("part_share", 1.5)
def _part_share(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目40个,其中工业项目28个,占签约项目总数的70%。"""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    tier = maybe_tier(rng, 0.8)
    n = max(4, n_for(rng, tier))
    stage = stage_for(rng)
    np_group(d, f, stage, tier, None, n)
    if rng.random() < 0.4:
        amount_clause(d, f, amounts_for(stage))
    d.t(d.style.comma + "其中")
    p = d.fig(whole=f)
    c = subset(rng, n, 1)[0]
    np_group(d, p, None, None, rng.choice(("工业", "制造业", "先进制造业", "战略性新兴产业", "服务业")), c)
    d.t(d.style.comma + rng.choice(("占", "占", "占比")))
    if d.parts[-1].endswith("占"):
        d.t(rng.choice(("项目总数的", "签约项目总数的", "全部项目的", "总数的")))
    d.rate(p, p.count_ent, "share", Decimal(f"{100 * c / n:.1f}"))
    d.end()


# ---- money figures of their own


@template("sector_investment", 2, "money")
def _sector_investment(d: Draft, sc: Scope) -> None:
    """全区实现制造业投资24.6亿元,同比增长19.43%。"""
    rng = d.rng
    d.open(sc, adverb=False)
    d.t(rng.choice(("实现", "完成", "")))
    f = d.fig()
    d.industry(f, rng.choice(("制造业", "工业", "高新技术产业", "服务业", "先进制造业")))
    phrase, kind = rng.choice((("投资", "投资"), ("有效投资", "有效投资"), ("技改投资", "投资")))
    d.t(phrase)
    money = d.money(f, rng.uniform(5, 400), kind)
    if rng.random() < 0.7:
        d.t(d.style.comma + rng.choice(("同比增长", "增长")))
        d.rate(f, money, "growth", pct(rng, 2, 40))
    d.end()


@template("indicator_after_count", 1, "money")
def _indicator_after_count(d: Draft, sc: Scope) -> None:
    """21个亿元以上工业项目开工,工业有效投资32亿元 (decision 15: the money is its own fact)."""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    d.count(f, rng.randint(3, 40))
    d.tier(f, TIER_BY_TEXT["亿元以上"])
    sector = rng.choice(("工业", "制造业"))
    d.industry(f, sector)
    d.t("项目")
    d.stage(f, rng.choice(("开工", "竣工")))
    d.t(d.style.comma)
    m = d.fig()
    d.industry(m, sector)
    d.t("有效投资")
    d.money(m, rng.uniform(10, 200), "有效投资")
    d.end()


@template("stage_investment", 1, "money")
def _stage_investment(d: Draft, sc: Scope) -> None:
    """在建亿元以上项目完成投资56.3亿元,同比增长18.4%。"""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    d.stage(f, rng.choice(("在建", "新开工", "新竣工")))
    if rng.random() < 0.6:
        d.tier(f, pick_tier(rng))
    d.t("项目")
    phrase, kind = rng.choice((("完成投资", "完成投资"), ("完成有效投资", "有效投资"), ("累计完成投资", "完成投资")))
    d.t(phrase)
    money = d.money(f, rng.uniform(5, 300), kind)
    if rng.random() < 0.5:
        d.t(d.style.comma + "同比增长")
        d.rate(f, money, "growth", pct(rng, 2, 40))
    d.end()


@template("economy", 1, "money")
def _economy(d: Draft, sc: Scope) -> None:
    """地区生产总值2736.4亿元,同比增长6.9%,增速比一季度提高1.2个百分点 (decisions 11, 16)."""
    rng = d.rng
    d.open(sc, adverb=False)
    f = d.fig()
    phrase = rng.choices(("实现地区生产总值", "完成一般公共预算收入", "实际利用外资", "实际到位资金"), (4, 2, 2, 2))[0]
    d.t(phrase)
    currency = "USD" if phrase == "实际利用外资" else "CNY"
    kind = {"实际利用外资": "实际利用外资", "实际到位资金": "到位资金"}.get(phrase)
    if currency == "USD":
        yi = rng.uniform(0.5, 8)
    elif phrase != "实现地区生产总值":
        yi = rng.uniform(5, 300)
    else:
        large = rng.random() < (0.6 if sc.ref in ("全省", "全市") else 0.2)
        yi = rng.uniform(8000, 30000) if large else rng.uniform(200, 3000)
    d.money(f, yi, kind, currency)
    if rng.random() < 0.7:
        d.t(d.style.comma + "同比增长")
        d.rate(f, f.anchor, "growth", pct(rng, 1, 12))
        if rng.random() < 0.4:
            d.t(d.style.comma + "增速比一季度提高")
            d.rate(f, f.anchor, "other", decimal_round(rng.uniform(0.2, 5), 1), points=True)
    d.end()


@template("small_money", 1, "money")
def _small_money(d: Draft, sc: Scope) -> None:
    """兑现招商奖励资金3.5万元 / 两千万元 (a MONEY that is no project figure: a record of its own)."""
    rng = d.rng
    d.open(sc, adverb=False)
    d.t(rng.choice(("兑现招商奖励资金", "发放项目前期经费", "争取上级专项资金")))
    f = d.fig()
    d.money(f, rng.choice((rng.uniform(0.0001, 0.05), rng.uniform(0.1, 0.9))), None)
    d.end()


# ---- goals (attrs.target)


@template("goal_list", 2, "target")
def _goal_list(d: Draft, sc: Scope) -> None:
    """力争全年招引亿元以上项目90个、10亿元以上项目8个、50亿元以上项目4个 (decision 6)."""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("力争全年", "力争", "全年力争", "计划全年", "目标是全年")))
    stage_ent = None
    order = ("亿元以上", "5亿元以上", "10亿元以上", "50亿元以上", "百亿元")
    tiers = sorted(rng.sample(order, rng.randint(1, 3)), key=order.index)
    counts = sorted((n_for(rng, TIER_BY_TEXT[t], target=True) for t in tiers), reverse=True)
    for k, (tier_name, n) in enumerate(zip(tiers, counts, strict=True)):
        if k:
            d.t("、")
        f = d.fig(target=True)
        if stage_ent is None:
            stage_ent = d.stage(f, stage_for(rng, ("招引", "新签约", "签约", "新开工", "新招引")))
        else:
            d.share(f, stage=stage_ent)
        np_group(d, f, None, TIER_BY_TEXT[tier_name], None, n)
    d.end()


@template("goal_amount", 2, "target")
def _goal_amount(d: Draft, sc: Scope) -> None:
    """目标新签约亿元以上项目100个,协议引资300亿元 / 按照计划,南安市全年将新签约…80个、计划总投资750亿元 (13)."""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("全年目标", "目标是全年", "今年计划", "全年将", "力争全年")))
    f = d.fig(target=True)
    stage, tier = stage_for(rng, SIGNING + ("新开工",)), maybe_tier(rng, 0.8)
    np_group(d, f, stage, tier, maybe_industry(rng, 0.2), n_for(rng, tier, target=True))
    amount_clause(d, f, amounts_for(stage), rng.choice((d.style.comma, "、")))
    d.end()


@template("goal_code", 1, "target")
def _goal_code(d: Draft, sc: Scope) -> None:
    """确立全年协议引资超500亿元,新签约亿元以上项目100个、10亿元以上项目12个的“5112”目标 (decision 4)."""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("确立全年", "明确全年")) + "协议引资" + rng.choice(("超", "")))
    d.money(d.fig(target=True), rng.uniform(100, 800), "协议引资")
    d.t(d.style.comma)
    stage_ent = None
    for k, tier_name in enumerate(rng.sample(("亿元以上", "10亿元以上", "50亿元以上"), 2)):
        if k:
            d.t("、")
        f = d.fig(target=True)
        if stage_ent is None:
            stage_ent = d.stage(f, rng.choice(("新签约", "签约", "新招引")))
        else:
            d.share(f, stage=stage_ent)
        tier = TIER_BY_TEXT[tier_name]
        np_group(d, f, None, tier, None, n_for(rng, tier, target=True))
    d.t("的“" + rng.choice(prose.CODES) + "”目标")
    d.end()


@template("goal_parts", 1, "target")
def _goal_parts(d: Draft, sc: Scope) -> None:
    """目标新招引亿元以上项目100个,其中1-10亿元以上项目80个、50亿元以上项目6个。"""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("目标", "力争全年", "全年计划")))
    f = d.fig(target=True)
    n = rng.randint(30, 150)
    np_group(d, f, stage_for(rng, SIGNING + ("新开工",)), TIER_BY_TEXT["亿元以上"], None, n)
    d.t(d.style.comma + "其中")
    a, b = subset(rng, n, 2)
    part_list(
        d,
        f,
        [
            (TIER_BY_TEXT[rng.choice(("1-10亿元以上", "1-10亿元"))], None, a),
            (TIER_BY_TEXT[rng.choice(("50亿元以上", "10亿元以上"))], None, min(b, 10)),
        ],
    )
    d.end()


@template("goal_stages", 1, "target")
def _goal_stages(d: Draft, sc: Scope) -> None:
    """力争新开工亿元以上项目55个、新竣工亿元以上项目38个。"""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("力争全年", "力争", "全年计划")))
    for k, stage in enumerate(rng.sample(("新开工", "新竣工", "新签约", "新招引"), 2)):
        if k:
            d.t(rng.choice(("、", "及", d.style.comma)))
        f = d.fig(target=True)
        tier = maybe_tier(rng, 0.7)
        np_group(d, f, stage, tier, None, n_for(rng, tier, target=True))
    d.end()


@template("goal_share", 1, "target")
def _goal_share(d: Draft, sc: Scope) -> None:
    """力争全年新开工项目80个,并明确要在上半年完成全年开工任务的75% (decision 12)."""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("力争全年", "计划全年")))
    f = d.fig(target=True)
    np_group(d, f, "新开工", maybe_tier(rng, 0.5), None, rng.randint(20, 120))
    d.t(d.style.comma + "并明确要在上半年完成全年开工任务的")
    d.rate(f, f.count_ent, "completion", Decimal(rng.choice((50, 60, 70, 75, 80))), target=True)
    d.end()


@template("goal_implement", 1, "target")
def _goal_implement(d: Draft, sc: Scope) -> None:
    """计划全年实施亿元以上项目100个,完成投资1000亿元 (decision 3: 实施 is no stage)."""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("计划全年实施", "全年计划实施", "今年将实施")))
    f = d.fig(target=True)
    tier = maybe_tier(rng, 0.8)
    np_group(d, f, None, tier, None, n_for(rng, tier, target=True))
    amount_clause(d, f, (("完成投资", "完成投资"), ("总投资", "总投资"), ("年度计划投资", "年度计划投资")))
    d.end()


@template("goal_money", 1, "target")
def _goal_money(d: Draft, sc: Scope) -> None:
    """力争全年完成工业投资120亿元,同比增长15%。"""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("力争全年完成", "全年目标完成", "计划全年完成")))
    f = d.fig(target=True)
    d.industry(f, rng.choice(("工业", "制造业", "高新技术产业")))
    d.t("投资")
    money = d.money(f, rng.uniform(20, 500), "投资")
    if rng.random() < 0.5:
        d.t(d.style.comma + "同比增长")
        d.rate(f, money, "growth", pct(rng, 5, 30), target=True)
    d.end()


# ---- several areas in one sentence


def district_list(d: Draft, areas: list[tuple[str, ...]]) -> list[Ent]:
    """The areas' usual names joined by 、 (the districts a 分别 sentence pairs with its figures)."""
    names = []
    for k, area in enumerate(areas):
        if k:
            d.t("、")
        names.append(d.ent(area[0], "DISTRICT"))
    return names


@template("districts_respectively", 2, "multi")
def _districts_respectively(d: Draft, sc: Scope) -> None:
    """石狮市、惠安县分别新签约亿元以上项目29个、23个(,协议投资分别为196.8亿元、142.3亿元) (decision 14)."""
    rng = d.rng
    areas = rng.sample(sc.siblings, min(len(sc.siblings), rng.randint(2, 4)))
    d.begin()
    period_first = rng.random() < 0.5
    if period_first:
        d.t(rng.choice(PERIODS) + d.style.comma)
    names = district_list(d, areas)
    if rng.random() < 0.3:  # 信丰县、龙南市则在招商签约上持续发力,分别新签约…
        d.t(rng.choice(("则", "", "也")) + rng.choice(DISTRICT_EFFORTS) + d.style.comma)
    elif not period_first:  # 瑞金市、于都县、兴国县一季度分别新开工…
        d.t(rng.choice(PERIODS))
    d.t("分别")
    figs = [d.fig() for _ in areas]
    stage = stage_for(rng, SIGNING + BUILDING[:4])
    tier = maybe_tier(rng, 0.8)
    first = figs[0]
    d.stage(first, stage)
    if tier:
        d.tier(first, tier)
    d.t("项目")
    for k, (f, name) in enumerate(zip(figs, names, strict=True)):
        f.district_ent = name
        d.share(f, stage=first.stage_ent, tier=first.tier_ent)
        if k:
            d.t("、")
        d.count(f, n_for(rng, tier))
    if rng.random() < 0.5:
        kind, verb = rng.choice((("协议投资", "分别为"), ("总投资", "分别为"), ("总投资", "分别达"), ("总投资", "")))
        d.t(d.style.comma + kind + verb)
        for k, f in enumerate(figs):
            if k:
                d.t("、")
            d.money(f, invest_for(rng, f.count or 1, tier), kind)  # the phrase covers every listed money
    elif rng.random() < 0.4:  # 分别完成季度目标的105.6%、107.1%、100%: a third list, paired in order with the counts
        d.t(d.style.comma + "分别完成" + rng.choice(("季度目标", "年度目标", "目标任务", "全年目标任务")) + "的")
        for k, f in enumerate(figs):
            if k:
                d.t("、")
            d.rate(f, f.count_ent, "completion", Decimal(100) if rng.random() < 0.15 else pct(rng, 20, 130))
    if rng.random() < 0.25:  # ;其中滨海县签约百亿元项目1个: a part of one area's figure, district only inherited
        k = rng.randrange(len(figs))
        d.t(rng.choice((d.style.semi, d.style.comma)) + "其中")
        d.ent(d.surface(names[k]), "DISTRICT")
        p = d.fig(whole=figs[k])
        own_stage = stage[1:] if stage.startswith("新") else stage
        big = TIER_BY_TEXT[rng.choice(BIG_TIERS)]
        np_group(d, p, own_stage, big, None, rng.randint(1, min(3, figs[k].count or 1)))
    d.end()


@template("districts_colon_list", 1.5, "multi")
def _districts_colon_list(d: Draft, sc: Scope) -> None:
    """1—8月,各区市新签约亿元以上项目数分别为:龙口市38项、烟台经开区35项、…、栖霞市8项 — every area of the
    article in one list, each count with its area; the stage and tier are shared (decision 14)."""
    rng = d.rng
    areas = list(sc.siblings)
    rng.shuffle(areas)
    d.begin()
    if rng.random() < 0.6:
        d.t(rng.choice(PERIODS) + d.style.comma)
    d.t(rng.choice(prose.AREA_REFS))
    figs = [d.fig() for _ in areas]
    first = figs[0]
    d.stage(first, stage_for(rng, SIGNING + BUILDING))
    tier = maybe_tier(rng, 0.8)
    if tier:
        d.tier(first, tier)
    d.t(rng.choice(("项目数", "项目", "项目数量")) + rng.choice(("分别为", "依次为", "分别是", "")) + "：")
    measure = rng.choice(("个", "项"))
    counts = sorted((n_for(rng, tier) for _ in areas), reverse=rng.random() < 0.7)
    for f in figs:
        d.share(f, stage=first.stage_ent, tier=first.tier_ent)
    area_counts(d, figs, areas, counts, measure)
    d.end()


def area_counts(d: Draft, figs: list[Fig], areas: list[tuple[str, ...]], counts: list[int], measure: str) -> None:
    """富平县34个、蒲城县29个…: each area's name, then its figure's count (the figure's district)."""
    for k, (f, area, n) in enumerate(zip(figs, areas, counts, strict=True)):
        if k:
            d.t("、")
        f.district_ent = d.ent(area[0], "DISTRICT")
        d.count(f, n, measure)


@template("total_area_parts", 1, "multi")
def _total_area_parts(d: Draft, sc: Scope) -> None:
    """全市亿元以上新签约项目236个,分别为:富平县34个、蒲城县29个…; …198个。其中,临平区、钱塘区分别新签约…27个、33个
    — areas' figures as parts of the article's total, each linked to its own district (decision 22)."""
    rng = d.rng
    areas = list(sc.siblings)
    rng.shuffle(areas)
    colon = rng.random() < 0.6
    if not colon:
        areas = areas[: rng.randint(2, min(4, len(areas)))]
    stage = stage_for(rng, SIGNING + BUILDING[:4])
    tier = maybe_tier(rng, 0.8)
    counts = sorted((n_for(rng, tier) for _ in areas), reverse=rng.random() < 0.7)
    d.open(sc)
    total = d.fig()
    np_group(d, total, stage, tier, None, sum(counts) + (rng.randint(1, 20) if rng.random() < 0.5 else 0))
    if rng.random() < 0.4:
        amount_clause(d, total, amounts_for(stage))
    if colon:  # ,分别为:富平县34个、蒲城县29个…: no stage word of their own
        d.t(d.style.comma + rng.choice(("分别为", "其中", "分别是", "各县区分别为")) + "：")
        area_counts(d, [d.fig(whole=total) for _ in areas], areas, counts, rng.choice(("个", "项")))
        d.end()
        return
    d.end()
    d.begin()  # 其中,临平区、钱塘区分别新签约…27个、33个: their own stage word, still parts (decision 22)
    d.t("其中" + d.style.comma)
    names = district_list(d, areas)
    d.t("分别")
    parts = [d.fig(whole=total) for _ in areas]
    d.stage(parts[0], stage)
    if tier:
        d.tier(parts[0], tier)
    d.t("项目")
    for k, (p, name, n) in enumerate(zip(parts, names, counts, strict=True)):
        p.district_ent = name
        d.share(p, stage=parts[0].stage_ent, tier=parts[0].tier_ent)
        if k:
            d.t("、")
        d.count(p, n)
    d.end()


@template("districts_money_respectively", 1, "multi")
def _districts_money_respectively(d: Draft, sc: Scope) -> None:
    """太原、大同、长治三市重点项目完成投资分别为386.2亿元、241.7亿元、228.5亿元(,分别完成年度计划的…)。"""
    rng = d.rng
    areas = rng.sample(sc.siblings, min(len(sc.siblings), rng.randint(2, 4)))
    d.begin()
    if rng.random() < 0.4:
        d.t(rng.choice(PERIODS) + d.style.comma)
    names = district_list(d, areas)
    if rng.random() < 0.5:  # 三市, 三个县区: counts of areas, not of projects
        d.t(cn_integer(len(areas)) + rng.choice(("地", "个县区", "市", "县(区)")))
    figs = [d.fig() for _ in areas]
    first = figs[0]
    if rng.random() < 0.5:
        d.stage(first, stage_for(rng, BUILDING))
        tier = maybe_tier(rng, 0.6)
        if tier:
            d.tier(first, tier)
        d.t("项目")
    else:
        d.t(rng.choice(("重点项目", "省市重点项目", "市级重点项目", "重大项目")))
    phrase, kind = rng.choice((("完成投资", "完成投资"), ("累计完成投资", "完成投资"), ("完成有效投资", "有效投资")))
    d.t(phrase + rng.choice(("分别为", "分别达", "分别达到", "分别")))
    moneys = []
    for k, (f, name) in enumerate(zip(figs, names, strict=True)):
        f.district_ent = name
        d.share(f, stage=first.stage_ent, tier=first.tier_ent)
        if k:
            d.t("、")
        moneys.append(d.money(f, rng.uniform(20, 400), kind))
    if rng.random() < 0.4:
        d.t(d.style.comma + "分别完成" + rng.choice(("年度计划", "年度目标", "年度投资计划")) + "的")
        for k, (f, money) in enumerate(zip(figs, moneys, strict=True)):
            if k:
                d.t("、")
            d.rate(f, money, "completion", pct(rng, 30, 110))
    elif rng.random() < 0.4:
        d.t(d.style.comma + "位居" + sc.parent_ref + "前" + cn_integer(len(areas)))
    d.end()


@template("districts_clauses", 1, "multi")
def _districts_clauses(d: Draft, sc: Scope) -> None:
    """淮阴区新签约亿元以上项目27个,洪泽区新签约亿元以上项目34个。"""
    rng = d.rng
    areas = rng.sample(sc.siblings, min(len(sc.siblings), rng.randint(2, 3)))
    d.begin()
    d.t(rng.choice(PERIODS) + d.style.comma)
    stage, tier = stage_for(rng), maybe_tier(rng, 0.8)
    for k, area in enumerate(areas):
        if k:
            d.t(d.style.comma)
        name = d.ent(area[0], "DISTRICT")
        f = d.fig()
        f.district_ent = name
        np_group(d, f, stage, tier, None, n_for(rng, tier))
        if k == 0 and len(areas) == 2 and rng.random() < 0.5:
            d.t(d.style.comma + "居" + sc.parent_ref + "第一")
    d.end()


# ---- reported and planned figures side by side (the target flag is decided by the sentence)


def industry_named_parts(d: Draft, f: Fig, n: int, stage: str) -> None:
    """,其中工业项目45个(,协议投资…),(在)工业项目中(,)先进制造业项目21个、高新技术产业项目12个 — the sub-sectors are
    parts of the 工业 part that 工业项目中 names; that INDUSTRY word qualifies no figure (decision 9)."""
    rng = d.rng
    d.t(d.style.comma + "其中")
    sub_n = rng.randint(max(3, n // 2), n - 1)
    (sub,) = part_list(d, f, [(None, "工业", sub_n)])
    if rng.random() < 0.4:
        amount_clause(d, sub, amounts_for(stage))  # right after one part the money is that part's (decision 5)
    d.t(rng.choice((d.style.comma, d.style.semi)))
    opener = rng.choice(("", "在"))
    d.t(opener)
    d.ent("工业", "INDUSTRY")
    d.t("项目中" + (d.style.comma if opener else rng.choice(("", d.style.comma))))
    part_list(d, sub, industry_items(rng, sub_n, rng.randint(1, 2), INDUSTRY_SUBSECTORS))


def tier_tail(d: Draft, f: Fig, n: int) -> None:
    """;10亿元以上项目11个,50亿元以上项目3个 — after a ；and without a stage of their own, parts of `f` (decision 8)."""
    rng = d.rng
    d.t(d.style.semi)
    big = rng.randint(2, max(2, n // 5))
    huge = rng.randint(1, max(1, big // 3))
    items = [(TIER_BY_TEXT["10亿元以上"], None, big), (TIER_BY_TEXT["50亿元以上"], None, huge)]
    part_list(d, f, items[: rng.randint(1, 2)], rng.choice((d.style.comma, "、")))


@template("industry_named_whole", 0.5)
def _industry_named_whole(d: Draft, sc: Scope) -> None:
    """新签约亿元以上项目62个,协议总投资408.5亿元,其中工业项目45个,工业项目中先进制造业项目21个、高新技术产业项目12个
    (;10亿元以上项目11个,50亿元以上项目3个) — nested parts link to their nearest whole, the ；items to the total."""
    rng = d.rng
    d.open(sc)
    f = d.fig()
    stage = stage_for(rng, SIGNING + BUILDING[:2])
    n = rng.randint(12, 90)
    np_group(d, f, stage, TIER_BY_TEXT["亿元以上"] if rng.random() < 0.8 else None, None, n)
    if rng.random() < 0.7:
        amount_clause(d, f, amounts_for(stage))
    industry_named_parts(d, f, n, stage)
    if rng.random() < 0.5:
        tier_tail(d, f, n)
    d.end()


def review_opening(d: Draft, sc: Scope) -> None:
    """2022年,(罗庄区坚持“项目为王”,|全区)全年 — a past year under review: its figures are reported ones."""
    rng = d.rng
    led = d._sentence is not None  # a layout lead (- 解放区:) already named the subject
    if not led:
        d.begin()
    d.t(f"{d.year or rng.randint(2019, 2023)}年" + d.style.comma)
    if not led and rng.random() < 0.5:
        d._name(sc)
        d.prose_inline(rng.choice(prose.SUBJECT_CLAUSES), sc)
        d.t(d.style.comma)
    elif not led and rng.random() < 0.5:
        # LEAD_REFERENCE: no 全区 right after a list item's lead (（6）兰西:2021年,全县…); written while the record
        # builder gave such an item the previous item's district (fixed since; kept so the shipped corpus reproduces)
        d.t(d.reference(sc))
    d.t(rng.choice(("全年", "全年", "全年累计", "全年共")))


@template("review_signing", 0.25)
def _review_signing(d: Draft, sc: Scope) -> None:
    """2022年,罗庄区坚持…,全年新签约亿元以上项目62个,协议总投资408.5亿元,其中工业项目45个,… (全年 of a past year
    is no goal word: target false)."""
    rng = d.rng
    review_opening(d, sc)
    f = d.fig()
    stage = stage_for(rng, SIGNING)
    tier = TIER_BY_TEXT[rng.choice(("亿元以上", "亿元以上", "亿元以上", "5000万元以上", "10亿元以上"))]
    n = max(8, n_for(rng, tier))
    np_group(d, f, stage, tier, None, n)
    money = amount_clause(d, f, amounts_for(stage))
    choice = rng.random()
    if choice < 0.4:
        industry_named_parts(d, f, n, stage)
        if rng.random() < 0.4:
            tier_tail(d, f, n)
    elif choice < 0.7:
        d.t(d.style.comma + "分别完成" + rng.choice(("年度目标", "全年目标任务", "年度目标任务")) + "的")
        rate_pair(d, f, f.count_ent, money, "completion", 95, 135)
    d.end()


@template("review_building", 0.25)
def _review_building(d: Draft, sc: Scope) -> None:
    """2022年,全年新开工亿元以上项目54个、竣工亿元以上项目36个,分别完成年度目标的108%、102.9%(,在全市…位列第一)."""
    rng = d.rng
    review_opening(d, sc)
    figs = []
    tier = TIER_BY_TEXT["亿元以上"] if rng.random() < 0.8 else None
    pairs = (("新开工", "竣工"), ("新开工", "新竣工"), ("开工", "竣工"), ("新签约", "新开工"))
    for k, stage in enumerate(rng.choice(pairs)):
        if k:
            d.t(rng.choice(("、", d.style.comma)))
        f = d.fig()
        np_group(d, f, stage, tier, None, max(6, n_for(rng, tier)))
        figs.append(f)
    d.t(d.style.comma + "分别完成" + rng.choice(("年度目标", "年度目标任务", "全年目标任务", "全年任务")) + "的")
    for k, f in enumerate(figs):
        if k:
            d.t("、")
        d.rate(f, f.count_ent, "completion", pct(rng, 95, 135))
    if rng.random() < 0.4:
        d.t(d.style.comma + rng.choice(REVIEW_TAILS))
    d.end()


@template("plan_year", 0.4, "target")
def _plan_year(d: Draft, sc: Scope) -> None:
    """2023年,罗庄区确立“项目攻坚突破年”目标:计划实施5000万元以上项目160个,总投资1120亿元,年度计划投资356亿元;
    力争新签约亿元以上项目70个以上,其中10亿元以上项目12个;新开工亿元以上项目60个,竣工亿元以上项目40个。
    Every figure is a goal, the ；clauses without a goal word of their own included."""
    rng = d.rng
    led = d._sentence is not None  # a layout lead (- 解放区:) already named the subject
    if not led:
        d.begin()
    d.t(f"{d.year + 1 if d.year else rng.randint(2020, 2024)}年" + d.style.comma)
    if not led and rng.random() < 0.7:
        d._name(sc)
    elif not led:  # LEAD_REFERENCE: see review_opening
        d.t(d.reference(sc))
    d.t(rng.choice(PLAN_FRAMES).replace("{code}", rng.choice(prose.CODES)) + rng.choice((d.style.colon, "：")))
    clauses = 0
    if rng.random() < 0.6:  # 计划实施…: 实施 is no stage (decision 3)
        f = d.fig(target=True)
        d.t("计划实施")
        tier = TIER_BY_TEXT[rng.choice(("5000万元以上", "亿元以上", "亿元以上"))]
        np_group(d, f, None, tier, None, n_for(rng, tier, target=True) + rng.randint(20, 150))
        amount_clause(d, f, (("总投资", "总投资"), ("计划总投资", "计划总投资")))
        if rng.random() < 0.6:
            amount_clause(d, f, (("年度计划投资", "年度计划投资"),))
        clauses += 1
    for stages in rng.sample((("新签约",), ("新开工", "竣工"), ("新开工", "新竣工"), ("新招引",)), rng.randint(1, 2)):
        if clauses:
            d.t(d.style.semi)
        d.t(rng.choice(("力争", "力争", "确保", "")) if clauses < 2 else "")
        for k, stage in enumerate(stages):
            if k:
                d.t(rng.choice((d.style.comma, "、")))
            f = d.fig(target=True)
            tier = TIER_BY_TEXT["亿元以上"] if rng.random() < 0.8 else maybe_tier(rng)
            n = max(4, n_for(rng, tier, target=True))
            np_group(d, f, stage, tier, None, n)
            if rng.random() < 0.3:
                d.t("以上")
            if len(stages) == 1 and rng.random() < 0.5:
                d.t(d.style.comma + "其中")
                part_list(d, f, [(TIER_BY_TEXT[rng.choice(("10亿元以上", "50亿元以上"))], None, max(1, n // 5))])
        clauses += 1
    d.end()


@template("goal_code_after", 0.4, "target")
def _goal_code_after(d: Draft, sc: Scope) -> None:
    """制定招商“5186”(完成协议总投资500亿元、总目标数100个,其中1-10亿元项目80个、50亿元以上项目6个),开竣工“2854”
    (完成开竣工项目有效投资200亿元,其中新开工项目80个、新竣工项目50个)目标 — the goal word after the figures;
    完成 here states a goal. The money is a goal of its own (decision 4); 招商/开竣工 are no stages (decision 3)."""
    rng = d.rng
    d.open(sc, goal=True)
    if rng.random() < 0.4:
        d.t("在市“" + rng.choice(prose.CODES) + "”目标基础上" + d.style.comma)
    d.t(rng.choice(("制定", "确立", "提出", "明确")))
    left, right = d.style.paren

    def code() -> str:
        return "".join(str(rng.randint(1, 9)) for _ in range(4))

    d.t("招商“" + code() + "”" + left)
    phrase = rng.choice(("协议总投资", "协议引资", "签约总投资"))
    d.t("完成" + phrase)
    d.money(d.fig(target=True), rng.choice((100, 150, 200, 300, 500, 800)), phrase)
    d.t("、")
    f = d.fig(target=True)
    n = rng.randint(30, 150)
    if rng.random() < 0.5:
        d.t(rng.choice(("总目标数", "项目总数")))
        d.count(f, n)
    else:
        np_group(d, f, rng.choice(("新签约", "新招引")), TIER_BY_TEXT["亿元以上"], None, n)
    if rng.random() < 0.8:
        d.t(d.style.comma + "其中")
        a, b = subset(rng, n, 2)
        part_list(
            d,
            f,
            [
                (TIER_BY_TEXT[rng.choice(("1-10亿元以上", "1-10亿元"))], None, a),
                (TIER_BY_TEXT[rng.choice(("50亿元以上", "10亿元以上"))], None, min(b, 10)),
            ],
        )
    d.t(right)
    started = None
    if rng.random() < 0.7:
        d.t(d.style.comma + "开竣工“" + code() + "”" + left + "完成开竣工项目有效投资")
        d.money(d.fig(target=True), rng.choice((100, 150, 200, 250, 300)), "有效投资")
        d.t(d.style.comma + "其中")
        figs = []
        for k, stage in enumerate(("新开工", "新竣工")):
            if k:
                d.t("、")
            g = d.fig(target=True)
            np_group(d, g, stage, None, None, rng.randint(20, 100) // (k + 1))
            figs.append(g)
        started = figs[0]
        if rng.random() < 0.4:  # 新开工项目中50亿元以上项目4个 (decision 2)
            d.t(d.style.comma)
            p = d.fig(whole=started)
            d.stage(p, "新开工")
            d.t("项目中")
            np_group(d, p, None, TIER_BY_TEXT[rng.choice(("50亿元以上", "10亿元以上"))], None, rng.randint(1, 6))
        d.t(right)
    d.t("目标")
    if started is not None and rng.random() < 0.4:  # decision 12
        d.t(d.style.comma + "并明确要在上半年完成全年开工任务的")
        d.rate(started, started.count_ent, "completion", Decimal(rng.choice((50, 60, 70, 75))), target=True)
    d.end()


@template("goal_then_done", 0.4, "target")
def _goal_then_done(d: Draft, sc: Scope) -> None:
    """计划全年新签约亿元以上项目50个、协议投资300亿元,一季度已完成14个、87.6亿元,分别完成目标的28%、29.2% — a goal
    and what is done of it in one sentence; the done figures share the goal's stage and tier but are reported."""
    rng = d.rng
    d.open(sc, goal=True)
    d.t(rng.choice(("计划全年", "力争全年", "全年目标", "今年计划")))
    goal = d.fig(target=True)
    stage, tier = stage_for(rng, SIGNING + ("新开工",)), TIER_BY_TEXT["亿元以上"]
    n = max(10, n_for(rng, tier, target=True))
    np_group(d, goal, stage, tier, None, n)
    kind = rng.choice(("协议投资", "协议引资", "总投资"))
    d.t(rng.choice(("、", d.style.comma)) + kind)
    yi = rng.choice((100, 200, 300, 500))
    d.money(goal, yi, kind)
    done = d.fig()
    d.share(done, stage=goal.stage_ent, tier=goal.tier_ent)
    d.t(d.style.comma + rng.choice(PERIODS[:6]) + rng.choice(("已完成", "已完成", "已实现")))
    share = rng.uniform(0.15, 0.6)
    d.count(done, max(1, round(n * share)))
    d.t("、")
    money = d.money(done, yi * share * rng.uniform(0.8, 1.2))
    d.t(d.style.comma + "分别完成" + rng.choice(("目标", "全年目标", "目标任务")) + "的")
    d.rate(done, done.count_ent, "completion", decimal_round(100 * (done.count or 1) / n, 1))
    d.t("、")
    d.rate(done, money, "completion", decimal_round(100 * done.amounts[0].value / (yi * YI), 1))
    d.end()


def figure_templates(kind: str) -> tuple[list[str], list[float]]:
    """Names and weights of the registered templates of one kind."""
    names = [n for n, (_, _, k) in TEMPLATES.items() if k == kind]
    return names, [TEMPLATES[n][1] for n in names]


def write_figure(d: Draft, scope: Scope, kind: str = "figure") -> str:
    """Write one sentence of a template of `kind`; returns the template's name."""
    names, weights = figure_templates(kind)
    name = d.rng.choices(names, weights=weights)[0]
    run_template(d, scope, name)
    return name


def run_template(d: Draft, scope: Scope, name: str) -> None:
    """Write one sentence (or a sentence and its breakdown) of the named template."""
    TEMPLATES[name][0](d, scope)
    d.used.append(name)


def fullwidth(text: str) -> str:
    """ASCII digits, '.' and '%' as full-width forms (one character for one: offsets stay valid)."""
    return text.translate(FULLWIDTH)
