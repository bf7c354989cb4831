"""`--engine ray`: the same annotation on a Ray cluster (Ray Data), for archives larger than one machine.

Files are listed on the driver and read by Ray tasks (`flat_map`), so the inputs and the model
folder must be on storage every node sees, and every node needs this project installed. A pool
of actors (`map_batches` with a callable class) loads the pipeline once per actor. Results stream
back to the driver, which writes exactly the outputs of the local engine (same formats, same
error lines, same --resume).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.annotate import OutputWriter, Summary, annotate_items, infer_format, output_files, run_batches
from pipeline.readers import expand_inputs, read_file

REPO_ROOT = Path(__file__).resolve().parents[1]


def read_rows(row: dict, skip: frozenset[str] = frozenset()) -> list[dict]:
    """Ray task: the items of one input file not in `skip`, as rows with a fixed schema (strings only)."""
    return [
        {"id": it["id"], "text": it.get("text", ""), "error": it.get("error", "")}
        for it in read_file(row["path"])
        if it["id"] not in skip
    ]


class RayAnnotator:
    """Ray actor: holds one loaded pipeline and annotates batches of rows into JSON output lines."""

    def __init__(self, model: str, segmenter: str | None):
        import torch

        from pipeline import load

        torch.set_num_threads(1)
        self.nlp = load(model, segmenter=segmenter)

    def __call__(self, batch: dict) -> dict:
        items = [
            {"id": str(i), "error": e} if e else {"id": str(i), "text": t}
            for i, t, e in zip(batch["id"], batch["text"], batch["error"], strict=True)
        ]
        outputs = annotate_items(self.nlp, items)
        return {
            "line": [json.dumps(out, ensure_ascii=False) for out in outputs],
            "chars": [len(it.get("text", "")) for it in items],
        }


def ensure_ray(address: str | None, num_cpus: int | None) -> bool:
    """Connect to `address` (or RAY_ADDRESS), else start a local instance; True when this call started Ray."""
    import ray

    if ray.is_initialized():
        return False
    pythonpath = os.environ.get("PYTHONPATH")
    ray.init(
        address=address,
        num_cpus=num_cpus,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {"PYTHONPATH": os.pathsep.join(filter(None, (str(REPO_ROOT), pythonpath)))}},
    )
    return True


def ray_results(ds, batch_size: int) -> Iterator[tuple[list[int], list[dict]]]:
    """(chars, outputs) batches as they arrive on the driver."""
    for batch in ds.iter_batches(batch_size=batch_size, batch_format="numpy"):
        yield [int(n) for n in batch["chars"]], [json.loads(line) for line in batch["line"]]


def annotate_ray(
    paths: Iterable[str | Path],
    out: str | Path,
    model: str | Path | None = None,
    fmt: str | None = None,
    batch_size: int = 32,
    actors: int | None = None,
    resume: bool = False,
    progress: bool = True,
    segmenter: str | None = None,
    address: str | None = None,
    num_cpus: int | None = None,
) -> Summary:
    """Annotate `paths` into `out` on Ray; `actors` defaults to the cluster's CPU count.

    Documents skipped by --resume are dropped where the files are read, so `Summary.skipped` stays 0.
    """
    import ray

    from pipeline.components import resolve_model_path

    out = Path(out)
    fmt = infer_format(out, fmt)
    files = [str(p.resolve()) for p in expand_inputs(paths, exclude=output_files(out, fmt))]
    model_dir = str(resolve_model_path(model))
    started = ensure_ray(address, num_cpus)
    ray.data.DataContext.get_current().enable_progress_bars = False  # our own bar counts documents
    try:
        writer = OutputWriter(out, fmt, resume)
        if actors is None or actors < 1:
            actors = max(1, int(ray.cluster_resources().get("CPU", 1)))
        ds = ray.data.from_items([{"path": f} for f in files])
        # reading is light next to the model: no CPU reserved, so actors on every CPU cannot starve it
        ds = ds.flat_map(read_rows, fn_kwargs={"skip": frozenset(writer.done_ids)}, num_cpus=0)
        ds = ds.map_batches(
            RayAnnotator,
            fn_constructor_kwargs={"model": model_dir, "segmenter": segmenter},
            batch_size=batch_size,
            compute=ray.data.ActorPoolStrategy(size=actors),
            num_cpus=1,
        )
        summary = Summary()
        try:
            run_batches(ray_results(ds, batch_size), writer, summary, progress)
        finally:
            writer.close()
        return summary
    finally:
        if started:
            ray.shutdown()
