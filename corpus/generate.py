"""Synthetic training corpus in the seed's genre, annotated per corpus/GUIDELINES.md.

Each document is a title, an optional intro about the main area, then one part per area (a ``###``
heading, a ``名称：`` line, a paragraph that opens with the name, ``（1）``/``【】``/``-`` bullets), or, for a
single-area article, themed paragraphs. Areas are real divisions from the gazetteer (a city and its
counties and derived development zones, a province and its cities, or one county or zone). Figure
sentences come from ``corpus.templates``; noise (PDF line breaks inside words and numbers, full-width
digits, traditional script, Chinese numerals, 万元/万亿元/美元 amounts) is added on the way. A single-area
article or an area under a heading sometimes reviews a past year (全年…, 完成年度目标的108%: reported) and sets
the next year's goals in the following paragraph (确立…目标:计划实施…;力争…;新开工…: all targets), and a county-level
area is sometimes written by an alternative name: a former one (偃师市 for 偃师区) or a likely re-designation
(涟水区 for 涟水县).

Records are built from the facts the generator decided to write, not by reading the text back, so
``pipeline.records.build_records`` can be tested against them (tests/test_generate.py).

    python -m corpus.generate --n 3000 --seed 13 --out data/synth.jsonl
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import opencc

from corpus import templates_prose as prose
from corpus.templates import (
    Draft,
    Ent,
    Fig,
    Scope,
    Span,
    Style,
    cn_integer,
    fullwidth,
    invest_for,
    maybe_tier,
    n_for,
    run_template,
    write_figure,
)
from pipeline.gazetteer import Division, alternative_names, divisions, find_division, zones
from pipeline.io import write_jsonl
from pipeline.text import line_breaks

DOC_KINDS = (("city", 55), ("province", 10), ("single", 35))
SECTION_STYLES = (
    ("heading", 35), ("nameline", 15), ("opening", 20), ("enum", 10), ("bracket", 8), ("dash", 12), ("table", 8)
)
#: the order of a flattened table's stage columns
STAGE_COLUMNS = ("新签约", "新开工", "竣工", "在建")
FIGURE_KINDS = (("figure", 70), ("money", 12), ("target", 18))
MIN_CHARS = 300
#: stop adding areas once the draft is this long (the next area and the outro must still fit)
SECTION_BUDGET = 2000
NOISE_RATES = {"pdf_break": 0.4, "fullwidth": 0.12, "traditional": 0.08, "chinese_numeral": 0.25}
ENUM_MARKERS: tuple[Callable[[int], str], ...] = (
    lambda k: f"（{k}）",
    lambda k: f"({k})",
    lambda k: f"{k}.",
    lambda k: f"{k}、",
    lambda k: f"（{'一二三四五六七八九十'[k - 1]}）",
    lambda k: "●",
    lambda k: "■",
)
#: chance that an intro has a sentence about several of the article's areas (分别 lists)
MULTI_RATE = 0.65
#: share of a paragraph's prose sentences that are money facts of their own (templates_prose.FUNDS)
FUND_RATE = 0.08
#: chance that a single-area article, or a part under an area heading, has a year's review and next year's plan
YEAR_REVIEW_RATE = {"single": 0.18, "heading": 0.05}
#: share of county-level areas with an alternative name (偃师市 of 偃师区, 涟水区 of 涟水县) that articles write by it
REDESIGNATED_RATE = 0.1
#: share of city articles with a development zone that no gazetteer lists (新蒲新区, 新站高新区 are real ones):
#: the tagger must learn to find districts from their context, not only from the lexicon feature
UNLISTED_ZONE_RATE = 0.3
UNLISTED_STEMS = "东西南北新中江海湖山河港滨临空航天科金龙凤桥湾岛溪泉林峰源安宁兴华盛丰泰蒲站台宝云锦绣"
#: characters no made-up town stem takes (area suffixes)
TOWN_STEM_EXCLUDED = "市县区旗州盟镇乡"
UNLISTED_SUFFIXES = (
    "新区", "高新区", "开发区", "产业园", "工业园区", "片区", "示范区", "合作区", "物流园区", "港区", "科技城",
)
#: zones named after their city (荆州开发区, 周口临港开发区, 晋中国家农高区, 衢州智造新城): the lexicon matches only
#: the city's name, and the tagger must carry the name on to the zone's suffix
CITY_ZONE_RATE = 0.5
CITY_ZONE_SUFFIXES = (
    "开发区", "经开区", "高新区", "新区", "临港开发区", "临港经济区", "国家农高区", "智造新城", "文旅区", "保税港区",
    "综合保税区", "产业集聚区", "空港经济区", "高铁新城", "科创新城", "生态文明综合试验区", "现代农业示范区",
)
#: share of single-county articles written town by town (汪洋镇、富加镇…): towns are DISTRICTs (spec: township)
#: that no gazetteer lists
TOWN_ARTICLE_RATE = 0.5
TOWN_SUFFIXES = ("镇", "镇", "镇", "乡", "街道")


# --------------------------------------------------------------------------- areas


@dataclass(frozen=True)
class Area:
    """A division as one article writes it: the surface it uses and its reference words."""

    division: Division
    surface: str

    def scope(self, siblings: tuple[tuple[str, ...], ...] = ()) -> Scope:
        """The surface first, then the division's other names (not the old one when it goes by a new one)."""
        renamed = self.surface in self.division.alternatives
        others = self.division.short_forms if renamed else self.division.names
        names = (self.surface, *(n for n in others if n != self.surface))
        ref = reference(self.division, self.surface if renamed else self.division.name)
        return Scope(names=names, ref=ref, parent_ref=parent_reference(self.division), siblings=siblings)


def reference(div: Division, name: str) -> str:
    """How an article refers to the area it is about (not an entity), by the suffix of the name it uses."""
    if div.level == "province":
        return "全省"
    if div.level == "zone":
        return "园区" if name.endswith("园区") else "全区"
    for suffix, ref in (
        ("区", "全区"), ("县", "全县"), ("旗", "全旗"), ("州", "全州"), ("盟", "全盟"), ("镇", "全镇"), ("乡", "全乡"),
        ("街道", "全街道"),
    ):
        if name.endswith(suffix):
            return ref
    return "全市"


def parent_reference(div: Division) -> str:
    return {"province": "全国", "city": "全省", "town": "全县"}.get(div.level, "全市")


@lru_cache(maxsize=1)
def _area_index() -> tuple[dict[str, list[Division]], dict[str, list[Division]], list[Division], list[Division]]:
    """City → its counties and zones; province → its cities; all cities; all county-level areas and zones."""
    by_city: dict[str, list[Division]] = {}
    by_province: dict[str, list[Division]] = {}
    for div in divisions() + zones():
        if div.level in ("county", "zone") and div.city:
            by_city.setdefault(div.city, []).append(div)
        elif div.level == "city" and div.province:
            by_province.setdefault(div.province, []).append(div)
    cities = [d for d in divisions() if d.level == "city" and len(by_city.get(d.name, ())) >= 4]
    locals_ = [d for d in divisions() if d.level == "county"] + list(zones())
    return by_city, by_province, cities, locals_


def as_written(rng: random.Random, div: Division) -> Area:
    """Mostly the full name; sometimes a short form (淮安, 涟水, 黔西南州, 淮安经开区) or, for a county-level
    area, an alternative name (former: 偃师市 for 偃师区; or a re-designation: 涟水区; see pipeline.gazetteer)."""
    renamed = alternative_names(div)
    if renamed and rng.random() < REDESIGNATED_RATE:
        return Area(div, renamed[0] if len(renamed) == 1 or rng.random() < 0.8 else rng.choice(renamed[1:]))
    if div.short_forms and rng.random() < (0.35 if div.level in ("city", "province") else 0.15):
        return Area(div, rng.choice(div.short_forms))
    return Area(div, div.name)


def unlisted_zone(rng: random.Random, city: Division) -> Division:
    """A plausible zone of `city` whose name is in no gazetteer: two place characters and a zone suffix, or the
    city's own name and one (荆州开发区)."""
    while True:
        if rng.random() < CITY_ZONE_RATE:
            name = rng.choice(city.names) + rng.choice(CITY_ZONE_SUFFIXES)
        else:
            name = "".join(rng.sample(UNLISTED_STEMS, 2)) + rng.choice(UNLISTED_SUFFIXES)
        if find_division(name) is None:
            return Division(name, city.adcode, "zone", city.name, city.province, derived=True)


@lru_cache(maxsize=1)
def county_characters() -> str:
    """The characters of real county-level names' stems (涟水, 仙居, 温岭…), in a fixed order."""
    stems = (d.short_forms[0] if d.short_forms else d.name[:-1] for d in divisions() if d.level == "county")
    return "".join(sorted({ch for stem in stems for ch in stem} - set(TOWN_STEM_EXCLUDED)))


def towns(rng: random.Random, county: Division) -> list[Area]:
    """Two to five made-up towns of `county` (two place characters, or three, and 镇/乡/街道). Half draw their
    characters from real county names, so towns are not told by a few stems (箬横镇, 文宫镇, 金清镇 whose 清镇
    is a county's short form)."""
    names: list[str] = []
    k = rng.randint(2, 5)
    while len(names) < k:
        stems = UNLISTED_STEMS if rng.random() < 0.5 else county_characters()
        name = "".join(rng.sample(stems, rng.choice((2, 2, 2, 3)))) + rng.choice(TOWN_SUFFIXES)
        if name not in names and find_division(name) is None:
            names.append(name)
    return [Area(Division(n, county.adcode, "town", county.city, county.province, derived=True), n) for n in names]


def plan_areas(rng: random.Random, kind: str) -> tuple[Area, list[Area]]:
    """The main area and the areas that get a part of the article."""
    by_city, by_province, cities, locals_ = _area_index()
    if kind == "city":
        city = rng.choice(cities)
        members = by_city[city.name]
        real = [d for d in members if not d.derived]
        derived = [d for d in members if d.derived]
        picked = rng.sample(real, min(len(real), rng.randint(2, 6))) + rng.sample(derived, rng.randint(0, 2))
        if rng.random() < UNLISTED_ZONE_RATE:
            picked.append(unlisted_zone(rng, city))
        rng.shuffle(picked)
        return as_written(rng, city), [as_written(rng, d) for d in picked]
    if kind == "province":
        province = rng.choice([d for d in divisions() if len(by_province.get(d.name, ())) >= 3])
        members = by_province[province.name]
        picked = rng.sample(members, min(len(members), rng.randint(2, 5)))
        return as_written(rng, province), [as_written(rng, d) for d in picked]
    return as_written(rng, rng.choice(locals_)), []


# --------------------------------------------------------------------------- layout


def figure_kind(rng: random.Random) -> str:
    return rng.choices([k for k, _ in FIGURE_KINDS], weights=[w for _, w in FIGURE_KINDS])[0]


def write_paragraph(d: Draft, scope: Scope, figures: int, proses: int, theme: bool, pool: tuple[str, ...]) -> None:
    """Sentences of one paragraph: optional theme, then figures and prose in random order (goals last)."""
    rng = d.rng
    if theme:
        d.begin()
        d.prose_inline(d.fresh(prose.THEMES))
        d.end()
    kinds = [figure_kind(rng) for _ in range(figures)] + ["prose"] * proses
    rng.shuffle(kinds)
    kinds.sort(key=lambda k: k == "target")
    for kind in kinds:
        if kind == "prose":
            d.prose(d.fresh(prose.FUNDS if rng.random() < FUND_RATE else pool), scope)
        else:
            write_figure(d, scope, kind)


def write_year_review(d: Draft, scope: Scope) -> None:
    """A past year's review paragraph, then the next year's plan paragraph (2022年,…全年新签约…;2023年,…确立…目标:…).
    The review's 全年 and 完成年度目标 figures are reported, every figure of the plan is a goal. Only where a paragraph
    break keeps the district (a single-area article, a part under a heading)."""
    rng = d.rng
    d.year = rng.randint(2019, 2023)
    for name in rng.sample(("review_signing", "review_building"), rng.randint(1, 2)):
        run_template(d, scope, name)
    if rng.random() < 0.4:
        d.prose(d.fresh(prose.SECTION), scope)
    d.paragraph_break()
    run_template(d, scope, "plan_year")
    d.year = None


def write_title(d: Draft, main: Area, named: bool) -> None:
    rng = d.rng

    def draw() -> None:
        if not named:
            d.t(rng.choice(prose.TITLES_PLAIN))
            return
        title = rng.choice(prose.TITLES_WITH_NAME).replace("{period}", rng.choice(("一季度", "上半年", "前三季度", "")))
        before, _, after = title.partition("{name}")
        d.t(before)
        d.ent(main.surface, "DISTRICT")
        d.t(after)

    d.heading(1, draw)
    if rng.random() < 0.4:
        d.heading(2, lambda: d.t(rng.choice(prose.SUBTITLES)))


def write_intro(d: Draft, main: Scope, named: bool, siblings: tuple[tuple[str, ...], ...]) -> None:
    """Opening paragraph. Figures about the main area only when the title or the opening sentence names it
    (spec §5: the main district comes from there)."""
    rng = d.rng
    name_first = rng.random() < (0.3 if named else 0.4)
    d.prose(d.fresh(tuple(p for p in prose.INTRO if ("{name}" in p) == name_first)), main)
    if named or name_first:
        for _ in range(rng.randint(0, 4)):
            write_figure(d, main, figure_kind(rng))
        if len(siblings) >= 2 and rng.random() < MULTI_RATE:
            write_figure(d, Scope(main.names, main.ref, main.parent_ref, siblings), "multi")
    for _ in range(rng.choice((0, 1, 1, 2))):
        d.prose(d.fresh(tuple(p for p in prose.INTRO if "{name}" not in p)), main)
    d.paragraph_break()


def write_area(d: Draft, area: Area, style: str, k: int, marker: Callable[[int], str]) -> None:
    """One area's part of the article in the given layout style."""
    rng = d.rng
    scope = area.scope()
    if style in ("heading", "nameline"):
        colon = rng.choice(("", d.style.colon, "：")) if style == "heading" else rng.choice(("：", ":"))
        number = f"{cn_integer(k + 1)}、" if style == "heading" and d.style.numbered else ""

        def name_line() -> None:
            d.marker(number)
            d.ent(area.surface, "DISTRICT")
            d.t(colon)

        d.heading(3 if style == "heading" else 7, name_line)
        if style == "heading" and rng.random() < 0.6:
            d.heading(4, lambda: d.prose_inline(rng.choice(prose.SECTION_SUBTITLES)))
        paragraphs = rng.randint(1, 3)
        review_at = rng.randrange(paragraphs) if style == "heading" and rng.random() < YEAR_REVIEW_RATE[style] else -1
        for p in range(paragraphs):
            if p:
                d.paragraph_break()
            if p == review_at:
                write_year_review(d, scope)
            else:
                write_paragraph(d, scope, rng.randint(1, 3), rng.randint(0, 2), rng.random() < 0.3, prose.SECTION)
    elif style in ("opening", "bracket"):
        d.lead(area.surface, *(("】", "【") if style == "bracket" else ("", "")))
        if rng.random() < 0.5:  # 樊城区聚焦…两大产业，上半年新签约…
            d.prose_inline(rng.choice(prose.POLICY), scope)
            d.t(d.style.comma)
        write_figure(d, scope, "figure")
        write_paragraph(d, scope, rng.randint(0, 3), rng.randint(0, 2), False, prose.SECTION)
    elif style == "enum":
        d.lead(area.surface, rng.choice(("：", ":", d.style.comma)), marker(k + 1))
        write_figure(d, scope, "figure")
        for _ in range(rng.randint(0, 2)):
            write_figure(d, scope, rng.choice(("figure", "money")))
        for _ in range(rng.randint(0, 2)):
            d.prose(d.fresh(prose.SECTION), scope)
    d.paragraph_break()


def write_dash_list(d: Draft, areas: list[Area]) -> None:
    """- 红花岗区：…；\\n- 汇川区：…。 — one sentence joined by PDF-style breaks (遵义 gold style)."""
    rng = d.rng
    d.begin()
    d.t(rng.choice(prose.LIST_INTROS))
    d.end(rng.choice(("：", ":")))
    d.paragraph_break()
    bullet = rng.choice(("- ", "- ", "●", "● ", "■"))
    for k, area in enumerate(areas):
        d.t(bullet)
        d.lead(area.surface, rng.choice(("：", ":")))
        write_figure(d, area.scope(), "figure")
        if k < len(areas) - 1:
            d.replace_last("；")
            d.t("\n")
    d.paragraph_break()


def write_table(d: Draft, areas: list[Area]) -> None:
    """附表:2022年各县(区)亿元以上项目推进情况⏎临川区:新签约56个,新开工43个⏎东乡区:… — a table flattened to
    text, one row per line and no punctuation at the row ends, so the rows are one sentence joined by PDF breaks;
    each row's counts link to the row's district and share the caption's tier (decision 29)."""
    rng = d.rng
    d.begin()
    caption = rng.choice(prose.TABLE_CAPTIONS).replace(":", d.style.colon)
    caption = caption.replace("(", d.style.paren[0]).replace(")", d.style.paren[1])
    period = rng.choice(("", f"{rng.randint(2019, 2024)}年", "一季度"))
    before, _, after = caption.replace("{period}", period).partition("{tier}")
    d.t(before)
    tier = maybe_tier(rng, 0.7)
    tier_ent = d.ent(tier.text, "TIER") if tier else None
    d.t(after)
    columns = sorted(rng.sample(STAGE_COLUMNS, rng.randint(1, 3)), key=STAGE_COLUMNS.index)
    if rng.random() < 0.25:
        columns.insert(0, "")  # 重点项目54个, then the stages: a count with no stage word
    no_stage = rng.choice(("重点项目", "项目"))
    amount_word = rng.choice(("总投资", "计划投资")) if rng.random() < 0.3 else None
    measure, colon = rng.choice(("个", "项")), rng.choice(("：", ":"))
    cell_sep, row_end = rng.choice((d.style.comma, d.style.comma, "、", " ")), rng.choice(("", "", "", "；"))
    for k, area in enumerate(areas):
        d.t("\n" if k else rng.choice(("\n", "\n", "\n\n")))
        name = d.ent(area.surface, "DISTRICT")
        d.t(colon)
        for j, stage in enumerate(columns):
            if j:
                d.t(cell_sep)
            f = d.fig()
            f.district_ent = name
            if stage:
                d.stage(f, stage)
            else:
                d.t(no_stage)
            if tier_ent is not None:
                d.share(f, tier=tier_ent)
            d.count(f, n_for(rng, tier), measure)
            if amount_word:
                d.t(d.style.paren[0] + amount_word)
                d.money(f, invest_for(rng, f.count or 1, tier), amount_word)
                d.t(d.style.paren[1])
        if k < len(areas) - 1:
            d.t(row_end)
    note = rng.random() < 0.3
    d.end("" if note and rng.random() < 0.7 else "。")  # a line break after a bare row would be a PDF break
    if note:
        d.t("\n")
        d.prose(rng.choice(prose.TABLE_NOTES).replace("{name}", f"[{rng.choice(areas).surface}|DISTRICT]"), None)
    d.paragraph_break()


def write_outro(d: Draft, scope: Scope) -> None:
    rng = d.rng
    if rng.random() < 0.8:
        for _ in range(rng.randint(1, 3)):
            d.prose(d.fresh(prose.OUTRO), scope)
        d.paragraph_break()
    if rng.random() < 0.4:
        d.t(rng.choice(prose.AUTHORS))


def write_single(d: Draft, main: Area) -> None:
    """One county or zone: themed paragraphs, some under （一）-style headings."""
    rng = d.rng
    scope = main.scope()
    headings = 0
    paragraphs = rng.randint(3, 6)
    review_at = rng.randrange(1, paragraphs) if rng.random() < YEAR_REVIEW_RATE["single"] else -1
    for k in range(paragraphs):
        if d.length > SECTION_BUDGET:
            break
        if k == review_at:
            write_year_review(d, scope)
            d.paragraph_break()
            continue
        if rng.random() < 0.2:
            number = f"（{'一二三四五六'[headings]}）"
            headings += 1
            d.heading(8, lambda number=number: (d.marker(number), d.t(d.fresh(prose.THEMES).split(",")[0])))
        write_paragraph(d, scope, rng.randint(1, 3), rng.randint(1, 2), rng.random() < 0.4, prose.SECTION)
        d.paragraph_break()


def compose(d: Draft, kind: str) -> str:
    """Write a whole article; returns its layout name."""
    rng = d.rng
    main, areas = plan_areas(rng, kind)
    if kind == "single" and main.division.level == "county" and rng.random() < TOWN_ARTICLE_RATE:
        kind, areas = "county", towns(rng, main.division)
    named_title = kind in ("single", "county") or rng.random() < 0.65
    write_title(d, main, named_title)
    if kind == "single":
        d.prose(rng.choice([p for p in prose.INTRO + prose.SECTION if p.startswith("今年以来,{name}")]), main.scope())
        d.paragraph_break()
        write_single(d, main)
        finish(d, main.scope())
        return "single"
    siblings = tuple(a.scope().names for a in areas)
    write_intro(d, main.scope(), named_title, siblings)
    style = rng.choices([s for s, _ in SECTION_STYLES], weights=[w for _, w in SECTION_STYLES])[0]
    if style == "dash":
        write_dash_list(d, areas)
    elif style == "table":
        write_table(d, areas)
        for k, area in enumerate(rng.sample(areas, rng.randint(0, min(3, len(areas))))):
            write_area(d, area, "opening", k, ENUM_MARKERS[0])
    else:
        marker = rng.choice(ENUM_MARKERS)
        for k, area in enumerate(areas):
            if k >= 2 and d.length > SECTION_BUDGET:
                break
            write_area(d, area, style, k, marker)
    finish(d, main.scope())
    return f"{kind}/{style}"


def finish(d: Draft, scope: Scope) -> None:
    """Pad a short article with framing prose (no figures), then close it."""
    while d.length < MIN_CHARS + 40:
        d.prose(d.fresh(prose.SECTION), scope)
        d.paragraph_break()
    write_outro(d, scope)


# --------------------------------------------------------------------------- noise


def insert_text(d: Draft, pos: int, s: str) -> None:
    """Insert `s` at `pos`, moving every entity and span after it (a span around `pos` grows)."""
    text = d.text
    d.parts = [text[:pos], s, text[pos:]]
    d.length += len(s)
    for item in [*d.ents, *d.sentences, *d.protected]:
        if item.start >= pos:
            item.start += len(s)
        if item.end > pos:
            item.end += len(s)


def paragraph_breaks(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e, is_pdf in line_breaks(text) if not is_pdf]


def break_position(d: Draft) -> int | None:
    """Where a PDF break could fall: inside a figure or name (as in 83.\n3%) or anywhere in a sentence."""
    rng = d.rng
    inner = [e for e in d.ents if e.end - e.start >= 2]
    if inner and rng.random() < 0.4:
        e = rng.choice(inner)
        return rng.randint(e.start + 1, e.end - 1)
    sentence = rng.choice(d.sentences)
    if sentence.end - sentence.start < 8:
        return None
    return rng.randint(sentence.start + 2, sentence.end - 2)


def add_pdf_breaks(d: Draft, k: int) -> None:
    """Break sentences across lines inside words and numbers (七\n十三点六九亿元), k times, as PDF
    extraction does (GUIDELINES)."""
    rng = d.rng
    for _ in range(k * 4):
        if k == 0:
            break
        text = d.text
        pos = break_position(d)
        if pos is None or text[pos - 1] in "。！？!?:：\n" or "\n" in text[pos - 1 : pos + 1]:
            continue
        if any(p.start <= pos <= p.end for p in d.protected):
            continue
        before = paragraph_breaks(text)
        brk = rng.choice(("\n", "\n\n", "\n\n"))
        candidate = text[:pos] + brk + text[pos:]
        shifted = [(s + len(brk) if s >= pos else s, e + len(brk) if e > pos else e) for s, e in before]
        if paragraph_breaks(candidate) != shifted:
            continue  # the new line would read as a heading or end a paragraph: not a PDF break
        insert_text(d, pos, brk)
        d.tags.add("pdf_break")
        k -= 1


@lru_cache(maxsize=1)
def _s2t() -> opencc.OpenCC:
    return opencc.OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified → traditional keeping every offset (character by character when lengths differ)."""
    converted = _s2t().convert(text)
    if len(converted) == len(text):
        return converted
    return "".join(c if len(c := _s2t().convert(ch)) == 1 else ch for ch in text)


# --------------------------------------------------------------------------- relations and records


def compact(text: str) -> str:
    return "".join(text.split())


def fig_relations(f: Fig) -> list[tuple[Ent, Ent, str]]:
    """Relations a fact implies (GUIDELINES "Relations"): qualifiers, district, amounts, rates, part_of."""
    anchor = f.anchor
    rels = [
        (anchor, e, label)
        for e, label in ((f.stage_ent, "stage"), (f.tier_ent, "tier"), (f.industry_ent, "industry"))
        if e is not None
    ]
    if f.district_ent is not None:  # a part has one only in another district than its whole's (decision 22)
        rels.append((anchor, f.district_ent, "district"))
    if f.count_ent is not None:
        rels += [(f.count_ent, m.ent, "amount") for m in f.amounts]
    rels += [(r.ent, r.of, "rate") for r in f.rates]
    if f.whole is not None:
        rels.append((anchor, f.whole.anchor, "part_of"))
    return rels


def main_district(d: Draft, title_span: Span) -> Ent | None:
    """The area named in the title, else in the opening sentence (spec §5)."""
    for span in (title_span, d.sentences[0] if d.sentences else None):
        if span is None:
            continue
        inside = [e for e in d.ents if e.label == "DISTRICT" and span.start <= e.start and e.end <= span.end]
        if inside:
            return min(inside, key=lambda e: e.start)
    return None


def fig_records(d: Draft, text: str, main: Ent | None) -> list[dict]:
    """Spec §5 records of the facts, in the order of their anchor figures."""
    figs = sorted(d.figs, key=lambda f: (f.anchor.start, f.anchor.end))
    index = {id(f): k for k, f in enumerate(figs)}

    def surface(e: Ent) -> str:
        return compact(text[e.start : e.end])

    def resolved(f: Fig) -> dict:
        if f.whole is not None:
            base = resolved(f.whole)  # a fresh dict each call
            if f.district_ent is not None:
                base["district"] = surface(f.district_ent)
        else:
            district = f.district_ent or f.home or main
            base = {
                "district": surface(district) if district else None,
                "stage": None,
                "tier": None,
                "industry": None,
                "target": False,
            }
        tier = f.tier
        return {
            "district": base["district"],
            "stage": f.stage or base["stage"],
            "tier": tier if tier is not None else base["tier"],
            "industry": f.industry or base["industry"],
            "target": f.target or base["target"],
        }

    records = []
    for f in figs:
        q = resolved(f)
        amounts = []
        for m in sorted(f.amounts, key=lambda m: m.ent.start):
            entry = {"text": surface(m.ent), "yuan": m.value if m.currency == "CNY" else None, "kind": m.kind}
            if m.currency != "CNY":
                entry.update(currency=m.currency, value=m.value)
            amounts.append(entry)
        rates = [
            {
                "text": surface(r.ent),
                "percent": float(r.percent),
                "kind": r.kind,
                "of": "count" if r.of is f.count_ent and f.count_ent is not None else "amount",
            }
            for r in sorted(f.rates, key=lambda r: r.ent.start)
        ]
        evidence = [
            f.anchor,
            *(e for e, _ in ((f.stage_ent, 0), (f.tier_ent, 0), (f.industry_ent, 0)) if e),
            *(m.ent for m in f.amounts),
            *(r.ent for r in f.rates),
        ]
        if f.district_ent is not None:
            evidence.append(f.district_ent)
        tier = q["tier"]
        records.append(
            {
                "district": q["district"],
                "stage": q["stage"],
                "tier": tier.text if tier else None,
                "tier_min_yuan": tier.low if tier else None,
                "tier_max_yuan": tier.high if tier else None,
                "industry": q["industry"],
                "target": q["target"],
                "count": f.count,
                "amounts": amounts,
                "rates": rates,
                "parent": index[id(f.whole)] if f.whole is not None else None,
                "evidence": {"start": min(e.start for e in evidence), "end": max(e.end for e in evidence)},
            }
        )
    return records


def assemble(d: Draft, doc_id: str, meta: dict, title_span: Span) -> dict:
    """The spec document: entities in text order, relations by index, records from the facts."""
    text = d.text
    ents = sorted(d.ents, key=lambda e: (e.start, e.end, e.label))
    position = {id(e): k for k, e in enumerate(ents)}
    entities = []
    for e in ents:
        entity: dict = {"start": e.start, "end": e.end, "label": e.label}
        if e.target:
            entity["attrs"] = {"target": True}
        entities.append(entity)
    relations = []
    seen: set[tuple[int, int, str]] = set()
    for f in d.figs:
        for head, tail, label in fig_relations(f):
            key = (position[id(head)], position[id(tail)], label)
            if key not in seen:
                seen.add(key)
                relations.append({"head": key[0], "tail": key[1], "label": label})
    relations.sort(key=lambda r: (r["head"], r["tail"], r["label"]))
    records = fig_records(d, text, main_district(d, title_span))
    return {"id": doc_id, "text": text, "entities": entities, "relations": relations, "records": records, "meta": meta}


# --------------------------------------------------------------------------- documents


def document_style(rng: random.Random) -> Style:
    ascii_punct = rng.random() < 0.5
    return Style(
        comma="," if ascii_punct else "，",
        semi=";" if ascii_punct else "；",
        colon=":" if ascii_punct else "：",
        paren=("(", ")") if ascii_punct else ("（", "）"),
        chinese_rate=0.35 if rng.random() < NOISE_RATES["chinese_numeral"] else 0.0,
        numbered=rng.random() < 0.2,
    )


def generate_document(seed: int, index: int) -> dict:
    """Document `index` of the corpus for `seed` (independent of how many documents are generated)."""
    rng = random.Random(f"{seed}:{index}")
    d = Draft(rng, document_style(rng))
    kind = rng.choices([k for k, _ in DOC_KINDS], weights=[w for _, w in DOC_KINDS])[0]
    layout = compose(d, kind)
    title_span = d.protected[0]
    if rng.random() < NOISE_RATES["pdf_break"]:
        add_pdf_breaks(d, rng.randint(1, 4))
    text = d.text.rstrip("\n")
    if rng.random() < NOISE_RATES["fullwidth"]:
        text = fullwidth(text)
        d.tags.add("fullwidth")
    if rng.random() < NOISE_RATES["traditional"]:
        text = to_traditional(text)
        d.tags.add("traditional")
    d.parts, d.length = [text], len(text)
    meta = {
        "source": "synthetic",
        "generator": "corpus.generate",
        "seed": seed,
        "layout": layout,
        "noise": sorted(d.tags),
        "templates": d.used,
    }
    return assemble(d, f"synth-{seed}-{index:05d}", meta, title_span)


def generate_documents(n: int, seed: int) -> list[dict]:
    """`n` synthetic documents; the same (n, seed) always gives the same documents."""
    return [generate_document(seed, i) for i in range(n)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000, help="number of documents")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--out", type=Path, default=Path("data/synth.jsonl"))
    args = parser.parse_args(argv)
    started = time.perf_counter()
    docs = generate_documents(args.n, args.seed)
    write_jsonl(docs, args.out)
    elapsed = time.perf_counter() - started
    n_ent = sum(len(doc["entities"]) for doc in docs)
    n_rec = sum(len(doc["records"]) for doc in docs)
    print(f"{args.out}: {len(docs)} documents, {n_ent} entities, {n_rec} records in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
