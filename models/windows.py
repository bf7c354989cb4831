"""Sliding windows over long documents and stitching of their outputs.

The encoder sees at most `window` characters at a time.  Windows overlap, and every character takes
its encoder state from the window in which it is most central (ownership boundaries at the middle of
each overlap), so each character is read with at least (window - stride) / 2 characters of context
on both sides wherever the document has them.  Tagging, target and relation heads then run on the
stitched document-level states, so an entity or a relation across a window boundary is decoded once,
exactly as if the document had been encoded whole.
"""

from __future__ import annotations

import numpy as np
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
    for states, (start, _), (own_start, own_end) in zip(window_states, windows, ownership(windows)):
        parts.append(states[own_start - start : own_end - start])
    return torch.cat(parts, dim=0)


def training_windows(length: int, window: int, stride: int, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Windows like plan_windows, moved so that no gold span is cut by a window edge.

    A cut entity would teach the tagger an entity without its end; the planned edges are moved to the
    nearest entity boundary instead (entities are far shorter than windows).
    """
    inside = np.zeros(length + 1, dtype=np.int64)  # inside[i] = start of the span strictly containing edge i
    inside[:] = -1
    for start, end in spans:
        inside[start + 1 : end] = start
    out: list[tuple[int, int]] = []
    for start, end in plan_windows(length, window, stride):
        if inside[start] >= 0:
            start = int(inside[start])
        end = min(end, start + window, length)
        if inside[end] >= 0 and inside[end] > start:
            end = int(inside[end])
        if not out or out[-1] != (start, end):
            out.append((start, end))
    return out
