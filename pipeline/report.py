"""Turn scores and per-document comparisons into something a person can act on.

Markdown: headline scores, per-label tables, a label confusion table and, for every document,
the missed and spurious entities, relations and record tuples with their text in context.
HTML: spaCy's displacy showing a document's gold and predicted entities and its relations.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence

from pipeline.schema import ENTITY_LABELS
from pipeline.scoring import HEADLINE_METRICS, DocumentComparison, Match

NONE = "—"  # no entity at this span
METRIC_NAMES = {
    "entities": "entities",
    "relations_end_to_end": "relations (end to end)",
    "relations_given_entities": "relations (gold entities)",
    "records_strict": "records strict",
    "records_core": "records core",
}


def in_context(text: str, start: int, end: int, width: int = 12) -> str:
    """`…left[span]right…` on one line, so an error can be found in the article."""
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    snippet = f"{'…' if start > width else ''}{left}[{text[start:end]}]{right}{'…' if end + width < len(text) else ''}"
    return snippet.replace("\n", "⏎")


def label_pairs(gold: Sequence[tuple], pred: Sequence[tuple]) -> list[tuple[str, str]]:
    """(gold label, predicted label) for every span of one document; NONE where one side has nothing there."""
    by_span: dict[tuple[int, int], tuple[Counter, Counter]] = {}
    for side, keys in ((0, gold), (1, pred)):
        for start, end, label in keys:
            by_span.setdefault((start, end), (Counter(), Counter()))[side][label] += 1
    pairs = []
    for gold_labels, pred_labels in by_span.values():
        same = gold_labels & pred_labels
        pairs += [(lab, lab) for lab in same.elements()]
        rest_gold, rest_pred = list((gold_labels - same).elements()), list((pred_labels - same).elements())
        paired = min(len(rest_gold), len(rest_pred))
        pairs += list(zip(rest_gold[:paired], rest_pred[:paired], strict=True))
        pairs += [(lab, NONE) for lab in rest_gold[paired:]] + [(NONE, lab) for lab in rest_pred[paired:]]
    return pairs


def confusion_table(comparisons: Sequence[DocumentComparison]) -> tuple[list[str], list[list[int]]]:
    """Label confusion over exactly matching spans: rows gold, columns predicted, NONE for no entity."""
    from sklearn.metrics import confusion_matrix

    from pipeline.scoring import entity_keys

    pairs = [p for c in comparisons for p in label_pairs(entity_keys(c.gold), entity_keys(c.pred))]
    labels = [*ENTITY_LABELS, NONE]
    if not pairs:
        return labels, [[0] * len(labels) for _ in labels]
    gold, pred = zip(*pairs, strict=True)
    return labels, confusion_matrix(gold, pred, labels=labels).tolist()


def boundary_errors(match: Match) -> list[tuple[tuple, tuple]]:
    """Missed and spurious entities whose spans overlap: the model found the figure but cut it differently."""
    return [
        (g, p)
        for g in match.missed
        for p in match.spurious
        if g[0] < p[1] and p[0] < g[1] and (g[0], g[1]) != (p[0], p[1])
    ]


def entity_lines(text: str, keys: Counter, other: Counter) -> list[str]:
    """One line per entity error, saying what the other side has at or over the same span."""
    lines = []
    for (start, end, label), n in sorted(keys.items()):
        notes = [
            f"{'same span' if (s, e) == (start, end) else repr(text[s:e])} as {lab}"
            for s, e, lab in other
            if s < end and start < e
        ]
        note = f" (other side: {'; '.join(notes)})" if notes else ""
        lines += [f"- {label} {in_context(text, start, end)}{note}"] * n
    return lines


def relation_lines(text: str, keys: Counter) -> list[str]:
    """One line per relation error: head —label→ tail, with the stretch of text that holds both."""
    lines = []
    for ((hs, he), (ts, te), label), n in sorted(keys.items()):
        lo, hi = min(hs, ts), max(he, te)
        arrow = f"{text[hs:he]} —{label}→ {text[ts:te]}".replace("\n", "⏎")
        lines += [f"- {arrow}  in {in_context(text, lo, hi, width=6)}"] * n
    return lines


def record_lines(text: str, keys: Counter, records: Sequence[dict], strict: bool) -> list[str]:
    """One line per record-tuple error, with the evidence sentence of the record that produced it."""
    from pipeline.records import core_tuples, record_tuples

    expand = record_tuples if strict else core_tuples
    source = {}
    for rec in records:
        for tup in expand(rec):
            source.setdefault(tup, rec)
    lines = []
    for tup, n in sorted(keys.items(), key=repr):
        evidence = (source.get(tup) or {}).get("evidence")
        where = f"  from {in_context(text, evidence['start'], evidence['end'], width=0)}" if evidence else ""
        lines += [f"- ({', '.join(map(repr, tup))}){where}"] * n
    return lines


def document_errors(comp: DocumentComparison) -> list[str]:
    """Markdown lines listing everything that went wrong in one document (empty when nothing did)."""
    text = comp.gold["text"]
    sections = [
        ("missed entities", entity_lines(text, comp.entities.missed, comp.entities.spurious)),
        ("spurious entities", entity_lines(text, comp.entities.spurious, comp.entities.missed)),
        ("missed relations", relation_lines(text, comp.relations.missed)),
        ("spurious relations", relation_lines(text, comp.relations.spurious)),
    ]
    if comp.relations_given is not None:
        sections += [
            ("missed relations on gold entities", relation_lines(text, comp.relations_given.missed)),
            ("spurious relations on gold entities", relation_lines(text, comp.relations_given.spurious)),
        ]
    sections += [
        ("missed record tuples", record_lines(text, comp.records_strict.missed, comp.gold_records, strict=True)),
        ("spurious record tuples", record_lines(text, comp.records_strict.spurious, comp.pred_records, strict=True)),
    ]
    out = []
    for title, lines in sections:
        if lines:
            out += [f"**{title}** ({len(lines)})", "", *lines, ""]
    return out


def fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def score_table(rows: dict[str, dict]) -> list[str]:
    """Markdown table of p/r/f with counts, one row per name."""
    out = ["| | P | R | F1 | TP | FP | FN |", "|---|---|---|---|---|---|---|"]
    for name, s in rows.items():
        if s is None:
            out.append(f"| {name} | n/a | n/a | n/a | | | |")
        else:
            out.append(
                f"| {name} | {fmt(s['p'])} | {fmt(s['r'])} | {fmt(s['f'])} | {s['tp']} | {s['fp']} | {s['fn']} |"
            )
    return out


def render_markdown(scores: dict, comparisons: Sequence[DocumentComparison], title: str = "Evaluation") -> str:
    """The full error report: scores, per-label tables, label confusion, then errors document by document."""
    ent, rel, rec = scores["entities"], scores["relations"], scores["records"]
    lines = [f"# {title}", "", f"{scores['documents']} gold documents.", "", "## Scores", ""]
    lines += score_table(
        {
            "entities (micro)": ent["micro"],
            "relations, gold entities given": rel["given_entities"],
            "relations, end to end": rel["end_to_end"],
            "records strict": rec["strict"],
            "records core (district, target, field, value)": rec["core"],
        }
    )
    lines += ["", f"Macro F1: entities {fmt(ent['macro']['f'])}, relations {fmt(rel['macro']['f'])}.", ""]
    lines += ["## Entities per label", "", *score_table(ent["per_label"]), ""]
    lines += ["## Relations per label (end to end)", "", *score_table(rel["per_label"]), ""]
    labels, matrix = confusion_table(comparisons)
    lines += ["## Label confusion (exact spans; rows gold, columns predicted)", ""]
    lines += ["| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    lines += [f"| {lab} | " + " | ".join(str(n) for n in row) + " |" for lab, row in zip(labels, matrix, strict=True)]
    n_boundary = sum(len(boundary_errors(c.entities)) for c in comparisons)
    lines += ["", f"Boundary errors (a missed and a spurious entity overlapping): {n_boundary}.", ""]
    lines += ["## Errors by document", ""]
    for i, comp in enumerate(comparisons):
        errors = document_errors(comp)
        name = comp.gold.get("id", f"#{i}")
        lines += [f"### {name}", "", *(errors or ["No errors.", ""])]
    return "\n".join(lines).rstrip() + "\n"


def render_comparison(rows: dict[str, tuple[dict, dict | None]]) -> str:
    """Side-by-side micro-F1 of several systems; each cell `F1 [low, high]` when bootstrap intervals are given."""
    from pipeline.scoring import headline_f1

    header = "| system | " + " | ".join(METRIC_NAMES[m] for m in HEADLINE_METRICS) + " |"
    lines = [header, "|---" * (len(HEADLINE_METRICS) + 1) + "|"]
    for name, (scores, ci) in rows.items():
        f1 = headline_f1(scores)
        cells = []
        for metric in HEADLINE_METRICS:
            interval = (ci or {}).get(metric)
            bounds = f" [{interval[0]:.3f}, {interval[1]:.3f}]" if interval else ""
            cells.append(fmt(f1[metric]) + bounds)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def render_html(comp: DocumentComparison) -> str:
    """A standalone HTML page: gold and predicted entities (displacy 'ent'), then relations per sentence ('dep').

    In the relation diagrams a spurious arc is labelled `label ✗` and a missed one `label ○`.
    """
    from spacy import displacy

    text = comp.gold["text"]
    name = str(comp.gold.get("id", "document"))
    ent_docs = [
        {"text": text, "ents": sorted(_ents(doc), key=lambda e: e["start"]), "title": f"{name}: {side}"}
        for side, doc in (("gold", comp.gold), ("predicted", comp.pred))
    ]
    arcs = [(k, "") for k in comp.relations.hit] + [(k, " ✗") for k in comp.relations.spurious]
    arcs += [(k, " ○") for k in comp.relations.missed]
    dep_docs = [_arc_diagram(text, comp, group) for group in _group_by_sentences(text, arcs)]
    html = displacy.render(ent_docs, style="ent", manual=True, page=False)
    if dep_docs:
        html += displacy.render(dep_docs, style="dep", manual=True, page=False, options={"compact": True})
    return f'<!DOCTYPE html><html lang="zh"><meta charset="utf-8"><title>{name}</title><body>{html}</body></html>'


def _ents(doc: dict) -> list[dict]:
    """Scored entities of a document, without nested or overlapping ones (displacy cannot draw those)."""
    out, last_end = [], -1
    for e in sorted(doc.get("entities", []), key=lambda e: (e["start"], -e["end"])):
        if e["label"] in ENTITY_LABELS and e["start"] >= last_end:
            out.append({"start": e["start"], "end": e["end"], "label": e["label"]})
            last_end = e["end"]
    return out


def _group_by_sentences(text: str, arcs: list[tuple[tuple, str]]) -> list[list[tuple[tuple, str]]]:
    """Arcs grouped by the run of sentences they lie in; an arc across sentences joins their runs."""
    from pipeline.text import sentence_spans

    starts = [s for s, _ in sentence_spans(text)]

    def sentence_of(offset: int) -> int:
        return max(0, bisect_right(starts, offset) - 1)

    ranged = sorted(
        ((sentence_of(min(k[0][0], k[1][0])), sentence_of(max(k[0][0], k[1][0]))), (k, mark)) for k, mark in arcs
    )
    groups: list[tuple[int, list]] = []  # (last sentence of the run, arcs)
    for (first, last), arc in ranged:
        if groups and first <= groups[-1][0]:
            groups[-1] = (max(last, groups[-1][0]), groups[-1][1] + [arc])
        else:
            groups.append((last, [arc]))
    return [group for _, group in groups]


def _arc_diagram(text: str, comp: DocumentComparison, arcs: list[tuple[tuple, str]]) -> dict:
    """displacy 'dep' input: the related entities as words (in text order), relations as arcs."""
    labels = {(e["start"], e["end"]): e["label"] for doc in (comp.pred, comp.gold) for e in doc.get("entities", [])}
    spans = sorted({span for (head, tail, _), _ in arcs for span in (head, tail)})
    index = {span: i for i, span in enumerate(spans)}
    words = [{"text": text[s:e].replace("\n", ""), "tag": labels.get((s, e), "")} for s, e in spans]
    out_arcs = []
    for (head, tail, label), mark in arcs:
        h, t = index[head], index[tail]
        if h != t:
            direction = "right" if h < t else "left"  # the arrow points at the tail
            out_arcs.append({"start": min(h, t), "end": max(h, t), "label": label + mark, "dir": direction})
    return {"words": words, "arcs": out_arcs}
