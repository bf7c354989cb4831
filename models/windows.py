"""Sliding windows over long documents and stitching of their outputs.

The encoder sees at most `window` characters at a time.  Windows overlap, and every character takes
its encoder state from the window in which it is most central (ownership boundaries at the middle of
each overlap), so each character is read with at least (window - stride) / 2 characters of context
on both sides wherever the document has them.  Tagging, target and relation heads then run on the
stitched document-level states, so an entity or a relation across a window boundary is decoded once,
and a 20,000-character article is read the same way as a 500-character one.  Training uses the same
windows and stitching (training_chunks), so the model learns from exactly the states it predicts from.
"""

from __future__ import annotations

import torch


def plan_windows(length: int, window: int, stride: int) -> list[tuple[int, int]]:
    """Window (start, end) offsets covering [0, length): regular stride, last window flush with the end."""
    if length <= window:
        return [(0, length)]
    starts = list(range(0, length - window, stride))
    starts.append(length - window)
    return [(s, s + window) for s in starts]


def ownership(windows: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The [own_start, own_end) range each window contributes to the stitched sequence.

    Boundaries fall in the middle of each overlap, which makes every character's owner the window
    where its distance to the nearer window edge is largest.
    """
    owned = []
    for k, (start, end) in enumerate(windows):
        own_start = 0 if k == 0 else (windows[k - 1][1] + start) // 2
        own_end = windows[-1][1] if k == len(windows) - 1 else (end + windows[k + 1][0]) // 2
        owned.append((own_start, own_end))
    return owned


def stitch(window_states: list[torch.Tensor], windows: list[tuple[int, int]]) -> torch.Tensor:
    """Concatenate the owned slice of each window's (window_len, H) states into (doc_len, H)."""
    parts = []
    for states, (start, _), (own_start, own_end) in zip(window_states, windows, ownership(windows), strict=True):
        parts.append(states[own_start - start : own_end - start])
    return torch.cat(parts, dim=0)


def training_chunks(length: int, window: int, stride: int, chunk_windows: int,
                    spans: list[tuple[int, int]]) -> list[tuple[list[tuple[int, int]], int, int]]:
    """Split a document's inference windows into training chunks of up to `chunk_windows` windows.

    Each chunk is (its windows, owned start, owned end): training encodes and stitches the chunk's windows
    exactly as inference does, and learns from the owned range only, so every character is trained once
    per epoch with the context it will have at inference.  Chunk edges sit at the ownership boundary
    between two windows, moved within their overlap so that no gold span is cut; where that is
    impossible, the chunk grows by a window instead.
    """
    windows = plan_windows(length, window, stride)
    owned = ownership(windows)
    chunks = []
    first, chunk_start = 0, 0
    for k in range(1, len(windows) + 1):
        if k < len(windows) and k - first < chunk_windows:
            continue
        if k == len(windows):
            chunks.append((windows[first:k], chunk_start, length))
            break
        edge = _uncut_edge(owned[k][0], windows[k][0], windows[k - 1][1], spans)
        if edge is None:
            continue
        chunks.append((windows[first:k], chunk_start, edge))
        first, chunk_start = k, edge
    return chunks


def _uncut_edge(edge: int, low: int, high: int, spans: list[tuple[int, int]]) -> int | None:
    """`edge`, or the nearest span boundary in [low, high] when a span would be cut there; None if neither."""
    for start, end in spans:
        if start < edge < end:
            if start >= low:
                return start
            return end if end <= high else None
    return edge
