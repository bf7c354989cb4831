"""A rule-based extractor kept as a labelled reference point (and weak labeller), not the product.

Entities come from regular expressions over the normalised text (figures, size classes, stage
and sector words) and from the gazetteer (districts); `target` from cue words in the figure's
clause; relations from nearest-neighbour heuristics inside a sentence. Every number it scores is
what these few rules achieve, so a trained model has to beat it to be worth shipping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipeline.schema import relation_allowed

_NUM = r"\d+(?:\.\d+)?"
_CN_NUM = "[零〇一二两三四五六七八九十百千]+"
PATTERNS: dict[str, re.Pattern] = {
    # size class in front of 项目: needs 以上/以下, a range, or a round figure (百亿元, 100亿元) right before 项目
    "TIER": re.compile(
        rf"(?:{_NUM}-{_NUM}[万亿]元(?:以上|以下)?|(?:{_NUM})?[万亿]元(?:以上|以下)|(?:{_NUM}|[百千])[万亿]元(?=项目))"
        r"(?=[^，,。；;、:：]{0,8}项目)"
    ),
    "MONEY": re.compile(rf"(?:{_NUM}|{_CN_NUM})[万亿千百]*(?:元|美元|欧元|港元|日元|英镑)"),
    "PERCENT": re.compile(rf"{_NUM}(?:%|个百分点)|百分之[零〇一二两三四五六七八九十百点\d.]+"),
    "COUNT": re.compile(r"\d+(?:个|项|条)"),
    "INDUSTRY": re.compile(
        r"(?:先进制造业|高新技术产业|战略性新兴产业|制造业|工业|服务业|农业)(?=[^，,。；;、]{0,4}(?:项目|投资))"
    ),
    "STAGE": re.compile(r"新签约|签约|新招引|招引|新开工|开工|新竣工|竣工|在建|在谈|纳入"),
}
CLAUSE_BREAK = re.compile(r"[，,；;。！？!?、:：]")
CLAUSE_START = re.compile(r"[，,；;。！？!?、:：(（][^，,；;。！？!?、:：(（]*$")
TARGET_CUE = re.compile(r"力争|确立|制定|要在|目标数|全年任务|计划(?!总投资|投资)")
TARGET_SCOPE_END = re.compile(r"[。！？!?；;][^。！？!?；;]*$")
FIGURES = ("COUNT", "MONEY")
QUALIFIERS = {"STAGE": "stage", "TIER": "tier", "INDUSTRY": "industry"}


class RuleBaseline:
    """Regular expressions + gazetteer + nearest-neighbour relations, with the Extractor's predict interface."""

    @classmethod
    def load(cls, path: str | None = None) -> RuleBaseline:
        """Nothing to load; present so evaluation treats the baseline like a saved model."""
        return cls()

    def predict(self, texts: Sequence[str], batch_size: int = 8) -> list[dict]:
        """Entities (offsets in the original text, attrs.target set) and relations for each text."""
        out = []
        for text in texts:
            entities = find_entities(text)
            relations = relate(text, entities)
            out.append(drop_unlinked_stages(entities, relations))
        return out

    def predict_relations(self, texts: Sequence[str], entities_per_text: Sequence[Sequence[dict]]) -> list[list[dict]]:
        """Relations for given entities (e.g. gold ones), indexing into each given list."""
        return [relate(text, list(ents)) for text, ents in zip(texts, entities_per_text, strict=True)]


def find_entities(text: str) -> list[dict]:
    """Rule entities in the original text: matches on the normalised text, longest first, no overlaps."""
    from pipeline.gazetteer import match_districts
    from pipeline.normalize import normalize

    norm = normalize(text)
    t = norm.text
    candidates = [(s, e, "DISTRICT") for s, e, _ in match_districts(t)]
    for label, pattern in PATTERNS.items():
        candidates += [(m.start(), m.end(), label) for m in pattern.finditer(t)]
    candidates = [c for c in candidates if c[2] != "COUNT" or counts_projects(t, c[0], c[1])]
    taken: list[tuple[int, int, str]] = []
    for cand in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
        if all(cand[1] <= s or e <= cand[0] for s, e, _ in taken):
            taken.append(cand)
    entities = []
    for s, e, label in sorted(taken):
        start, end = norm.to_original_span(s, e)
        ent: dict = {"start": start, "end": end, "label": label}
        if label in ("COUNT", "MONEY", "PERCENT") and is_target(t, s):
            ent["attrs"] = {"target": True}
        entities.append(ent)
    return entities


def counts_projects(text: str, start: int, end: int) -> bool:
    """A number with 个/项/条 counts projects when 项目 is in its clause, before it or right after it."""
    before = CLAUSE_START.search(text[:start])
    clause_before = text[before.start() if before else 0 : start]
    after = CLAUSE_BREAK.split(text[end : end + 10], maxsplit=1)[0]
    return "项目" in clause_before or "项目" in after


def is_target(text: str, start: int) -> bool:
    """A goal cue (力争, 目标数, 计划…) earlier in the same clause group, up to the last 。/；."""
    scope = TARGET_SCOPE_END.search(text[:start])
    window = text[scope.start() if scope else 0 : start]
    return bool(TARGET_CUE.search(window)) and not window.endswith(("目标任务的", "计划总投资", "计划投资"))


def relate(text: str, entities: list[dict]) -> list[dict]:
    """Nearest-neighbour relations inside each sentence, as spec relations indexing `entities`."""
    from pipeline.normalize import fold_width, simplify
    from pipeline.text import sentence_spans

    view = simplify(fold_width(text))  # same offsets; cue words (分别, 其中) in one script
    relations: list[dict] = []
    for s_start, s_end in sentence_spans(text):
        idx = sorted(
            (i for i, e in enumerate(entities) if s_start <= e["start"] and e["end"] <= s_end),
            key=lambda i: entities[i]["start"],
        )
        relations += relate_sentence(view, entities, idx)
    seen, unique = set(), []
    for rel in relations:
        key = (rel["head"], rel["tail"], rel["label"])
        if key not in seen and relation_allowed(
            rel["label"], entities[rel["head"]]["label"], entities[rel["tail"]]["label"]
        ):
            seen.add(key)
            unique.append(rel)
    return unique


def relate_sentence(text: str, ents: list[dict], idx: list[int]) -> list[dict]:
    """Relations among the entities `idx` (in text order) of one sentence."""
    rels: list[dict] = []

    def link(head: int, tail: int, label: str) -> None:
        rels.append({"head": head, "tail": tail, "label": label})

    def gap(a: int, b: int) -> str:
        first, second = sorted((ents[a], ents[b]), key=lambda e: e["start"])
        return text[first["end"] : second["start"]]

    def between(a: int, b: int) -> list[int]:
        lo, hi = sorted((ents[a]["start"], ents[b]["start"]))
        return [i for i in idx if lo < ents[i]["start"] < hi]

    label_of = {i: ents[i]["label"] for i in idx}
    amounts: set[int] = set()
    parts: set[int] = set()
    for pos, i in enumerate(idx):
        if label_of[i] == "COUNT":
            whole = whole_of(text, ents, idx[:pos], ents[i]["start"])
            if whole is not None:
                link(i, whole, "part_of")
                parts.add(i)
            after = [j for j in idx[pos + 1 :] if label_of[j] != "PERCENT"]
            if after and label_of[after[0]] == "MONEY":  # the investment of this group follows it directly
                link(i, after[0], "amount")
                amounts.add(after[0])
    for i in (i for i in idx if label_of[i] in FIGURES and i not in amounts):
        own = [j for j in idx if label_of[j] in QUALIFIERS and not CLAUSE_BREAK.search(gap(i, j))]
        own = [j for j in own if not any(label_of[k] in FIGURES for k in between(i, j))]
        for j in own:
            link(i, j, QUALIFIERS[label_of[j]])
        if label_of[i] == "COUNT" and i not in parts and not any(label_of[j] == "STAGE" for j in own):
            earlier = [j for j in idx if label_of[j] == "STAGE" and ents[j]["start"] < ents[i]["start"]]
            if earlier:
                link(i, earlier[-1], "stage")  # stage shared by a 、-list of figures
        districts = [j for j in idx if label_of[j] == "DISTRICT"]
        if i not in parts and districts:
            before = [j for j in districts if ents[j]["start"] < ents[i]["start"]]
            link(i, before[-1] if before else districts[0], "district")  # the nearest name before it, else after
    for pos, i in enumerate(idx):
        if label_of[i] == "PERCENT" and (target := rate_target(text, ents, idx, pos)) is not None:
            link(i, target, "rate")
    return rels


def whole_of(text: str, ents: list[dict], earlier: list[int], start: int) -> int | None:
    """The count a 其中-part belongs to: the last count before the nearest 其中 preceding `start`."""
    cut = text.rfind("其中", ents[earlier[0]]["start"] if earlier else start, start)
    if cut < 0:
        return None
    semicolon = max(text.rfind(";", cut, start), text.rfind("；", cut, start))
    if semicolon >= 0 and any(ents[j]["label"] == "STAGE" and ents[j]["start"] > semicolon for j in earlier):
        return None  # a new total with its own stage after a ；, not another part
    wholes = [j for j in earlier if ents[j]["label"] == "COUNT" and ents[j]["end"] <= cut]
    return wholes[-1] if wholes else None


def rate_target(text: str, ents: list[dict], idx: list[int], pos: int) -> int | None:
    """The figure a percentage describes: paired in order after 分别, else the nearest figure before it."""

    def listed_with(a: int, b: int) -> bool:  # two percentages side by side in a 、-list
        return ents[idx[a]]["label"] == ents[idx[b]]["label"] == "PERCENT" and text[
            ents[idx[a]]["end"] : ents[idx[b]]["start"]
        ] in ("、", "和")

    first, last = pos, pos
    while first > 0 and listed_with(first - 1, first):
        first -= 1
    while last + 1 < len(idx) and listed_with(last, last + 1):
        last += 1
    figures = [j for j in idx[:first] if ents[j]["label"] in FIGURES]
    if not figures:
        return None
    if "分别" in text[ents[figures[-1]]["end"] : ents[idx[first]]["start"]]:
        listed = figures[-(last - first + 1) :]
        return listed[pos - first] if pos - first < len(listed) else None
    return figures[-1]


def drop_unlinked_stages(entities: list[dict], relations: list[dict]) -> dict:
    """Keep a STAGE only when a figure is linked to it (the guidelines mark no other stage words)."""
    linked = {r["tail"] for r in relations if r["label"] == "stage"}
    keep = [i for i, e in enumerate(entities) if e["label"] != "STAGE" or i in linked]
    new_index = {old: new for new, old in enumerate(keep)}
    return {
        "entities": [entities[i] for i in keep],
        "relations": [
            {**r, "head": new_index[r["head"]], "tail": new_index[r["tail"]]}
            for r in relations
            if r["head"] in new_index and r["tail"] in new_index
        ],
    }
