"""Exchange formats: Label Studio JSON, doccano JSONL and Hugging Face `datasets`.

Every import is validated against the spec like a native corpus file, so an export with a
relation the spec forbids is refused with its task number, not silently dropped.
"""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.io import CorpusError, validate_document

#: doccano has no entity attributes: a target figure is exchanged as label "COUNT:target" etc.
DOCCANO_TARGET_SUFFIX = ":target"


def _entity_target(ent: dict) -> bool:
    return bool(ent.get("attrs", {}).get("target"))


def to_label_studio(docs: list[dict]) -> list[dict]:
    """Spec documents → Label Studio tasks (labels on `text`, relations, a `target` choice per region)."""
    tasks = []
    for n, doc in enumerate(docs):
        result: list[dict] = []
        for i, ent in enumerate(doc["entities"]):
            value = {"start": ent["start"], "end": ent["end"], "text": doc["text"][ent["start"] : ent["end"]]}
            region = f"e{i}"
            result.append({"id": region, "from_name": "label", "to_name": "text", "type": "labels",
                           "value": {**value, "labels": [ent["label"]]}})
            if _entity_target(ent):
                result.append({"id": region, "from_name": "target", "to_name": "text", "type": "choices",
                               "value": {**value, "choices": ["target"]}})
        for rel in doc.get("relations", []):
            result.append({"type": "relation", "from_id": f"e{rel['head']}", "to_id": f"e{rel['tail']}",
                           "direction": "right", "labels": [rel["label"]]})
        data = {"text": doc["text"], "doc_id": doc.get("id", str(n))}
        if doc.get("meta"):
            data["meta"] = doc["meta"]
        tasks.append({"id": n + 1, "data": data, "annotations": [{"result": result}]})
    return tasks


def _label_studio_results(task: dict) -> list[dict]:
    """The last submitted (not cancelled) annotation, else the last prediction."""
    for key in ("annotations", "completions", "predictions"):
        usable = [a for a in task.get(key) or [] if not a.get("was_cancelled")]
        if usable:
            return usable[-1].get("result", [])
    return []


def from_label_studio(tasks: list[dict], source: str = "label-studio") -> list[dict]:
    """Label Studio export (JSON list of tasks) → validated spec documents."""
    docs: list[dict] = []
    problems: list[str] = []
    for n, task in enumerate(tasks):
        where = f"{source}: task {task.get('id', n + 1)}"
        data = task.get("data", {})
        text = data.get("text")
        if not isinstance(text, str):
            problems.append(f"{where}: data.text missing")
            continue
        index: dict[str, int] = {}
        entities: list[dict] = []
        targets: set[str] = set()
        relations_raw: list[dict] = []
        for item in _label_studio_results(task):
            kind = item.get("type")
            value = item.get("value", {})
            if kind == "labels":
                labels = value.get("labels") or []
                if len(labels) != 1:
                    problems.append(f"{where}: region {item.get('id')} has {len(labels)} labels, expected 1")
                    continue
                index[item.get("id")] = len(entities)
                entities.append({"start": value.get("start"), "end": value.get("end"), "label": labels[0]})
            elif kind == "choices" and "target" in (value.get("choices") or []):
                targets.add(item.get("id"))
            elif kind == "relation":
                relations_raw.append(item)
        for region in targets:
            if region in index:
                entities[index[region]]["attrs"] = {"target": True}
        relations = []
        for item in relations_raw:
            labels = item.get("labels") or []
            head, tail = index.get(item.get("from_id")), index.get(item.get("to_id"))
            if head is None or tail is None or len(labels) != 1:
                problems.append(f"{where}: relation {item.get('from_id')}→{item.get('to_id')} needs two known regions "
                                "and exactly one label")
                continue
            if item.get("direction") == "left":
                head, tail = tail, head
            relations.append({"head": head, "tail": tail, "label": labels[0]})
        doc = {"id": str(data.get("doc_id", task.get("id", n + 1))), "text": text,
               "entities": entities, "relations": relations, "meta": data.get("meta", {})}
        problems.extend(validate_document(doc, where))
        docs.append(doc)
    if problems:
        raise CorpusError(problems)
    return docs


def to_doccano(docs: list[dict]) -> list[dict]:
    """Spec documents → doccano sequence-labelling-with-relations JSONL rows."""
    rows = []
    for n, doc in enumerate(docs):
        entities = [
            {"id": i, "start_offset": e["start"], "end_offset": e["end"],
             "label": e["label"] + (DOCCANO_TARGET_SUFFIX if _entity_target(e) else "")}
            for i, e in enumerate(doc["entities"])
        ]
        relations = [{"id": i, "from_id": r["head"], "to_id": r["tail"], "type": r["label"]}
                     for i, r in enumerate(doc.get("relations", []))]
        rows.append({"id": doc.get("id", str(n)), "text": doc["text"], "entities": entities, "relations": relations})
    return rows


def _doccano_entities(row: dict) -> list[tuple[object, int, int, str]]:
    """(id, start, end, label) from either doccano layout: `entities` objects or legacy `label` triples."""
    if "entities" in row:
        return [(e.get("id"), e.get("start_offset"), e.get("end_offset"), e.get("label")) for e in row["entities"]]
    return [(i, s, e, lab) for i, (s, e, lab) in enumerate(row.get("label", []))]


def from_doccano(rows: list[dict], source: str = "doccano") -> list[dict]:
    """doccano JSONL rows → validated spec documents."""
    docs: list[dict] = []
    problems: list[str] = []
    for n, row in enumerate(rows):
        where = f"{source}: line {n + 1}"
        entities, index = [], {}
        for ent_id, start, end, label in _doccano_entities(row):
            ent = {"start": start, "end": end, "label": label}
            if isinstance(label, str) and label.endswith(DOCCANO_TARGET_SUFFIX):
                ent = {"start": start, "end": end, "label": label[: -len(DOCCANO_TARGET_SUFFIX)],
                       "attrs": {"target": True}}
            index[ent_id] = len(entities)
            entities.append(ent)
        relations = []
        for rel in row.get("relations", []):
            head, tail = index.get(rel.get("from_id")), index.get(rel.get("to_id"))
            if head is None or tail is None:
                problems.append(f"{where}: relation {rel.get('id')} points to an unknown entity id")
                continue
            relations.append({"head": head, "tail": tail, "label": rel.get("type")})
        doc = {"id": str(row.get("id", n + 1)), "text": row.get("text"), "entities": entities,
               "relations": relations, "meta": {}}
        problems.extend(validate_document(doc, where))
        docs.append(doc)
    if problems:
        raise CorpusError(problems)
    return docs


def to_hf_dataset(docs: list[dict]):
    """Spec documents → `datasets.Dataset` (records and meta kept as JSON strings: their shape varies)."""
    from datasets import Dataset

    rows = [
        {
            "id": str(doc.get("id", n)),
            "text": doc["text"],
            "entities": [{"start": e["start"], "end": e["end"], "label": e["label"],
                          "target": _entity_target(e)} for e in doc["entities"]],
            "relations": [{"head": r["head"], "tail": r["tail"], "label": r["label"]}
                          for r in doc.get("relations", [])],
            "records": json.dumps(doc.get("records", []), ensure_ascii=False),
            "meta": json.dumps(doc.get("meta", {}), ensure_ascii=False),
        }
        for n, doc in enumerate(docs)
    ]
    return Dataset.from_list(rows)


def from_hf_dataset(dataset) -> list[dict]:
    """Inverse of `to_hf_dataset`."""
    docs = []
    for row in dataset:
        entities = []
        for e in row["entities"]:
            ent = {"start": e["start"], "end": e["end"], "label": e["label"]}
            if e["target"]:
                ent["attrs"] = {"target": True}
            entities.append(ent)
        doc = {"id": row["id"], "text": row["text"], "entities": entities,
               "relations": [dict(r) for r in row["relations"]], "meta": json.loads(row["meta"])}
        records = json.loads(row["records"])
        if records:
            doc["records"] = records
        docs.append(doc)
    return docs


def read_exchange(path: str | Path, fmt: str) -> list[dict]:
    """Read a Label Studio JSON export or a doccano JSONL file into spec documents."""
    path = Path(path)
    if fmt == "label-studio":
        return from_label_studio(json.loads(path.read_text(encoding="utf-8")), str(path))
    if fmt == "doccano":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return from_doccano(rows, str(path))
    raise ValueError(f"unknown exchange format {fmt!r}: use 'label-studio' or 'doccano'")


def write_exchange(docs: list[dict], path: str | Path, fmt: str) -> None:
    """Write spec documents as a Label Studio JSON export or doccano JSONL."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "label-studio":
        path.write_text(json.dumps(to_label_studio(docs), ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt == "doccano":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in to_doccano(docs)), encoding="utf-8")
    else:
        raise ValueError(f"unknown exchange format {fmt!r}: use 'label-studio' or 'doccano'")
