"""Runtime package: extraction pipeline, corpus IO, scoring.

`pipeline.load()` is imported lazily so that light modules (schema, io, scoring) do not pull in spaCy.
"""

from __future__ import annotations

from pathlib import Path


def load(path: str | Path | None = None, segmenter: str | None = "auto", batch_size: int = 8):
    """spaCy `Language` for Chinese economic news: tokenizer → econ_extractor → econ_records.

    `path`: a model folder (default models/default) or a folder saved with `nlp.to_disk`.
    `segmenter`: 'char', 'pkuseg' (the model folder's segmenter/), or 'auto' (pkuseg when shipped);
    a saved pipeline keeps its tokenizer. Entity offsets are exact whatever the segmenter.
    """
    from pipeline.components import load_pipeline

    return load_pipeline(path, segmenter=segmenter, batch_size=batch_size)
