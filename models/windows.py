"""Sliding windows over long documents and stitching of their outputs.

The encoder sees at most `window` characters at a time.  Windows overlap, and every character takes
its encoder state from the window in which it is most central (ownership boundaries at the middle of
each overlap), so each character is read with at least (window - stride) / 2 characters of context
on both sides wherever the document has them.  Tagging, target and relation heads then run on the
stitched document-level states, so an entity or a relation across a window boundary is decoded once,
exactly as if the document had been encoded whole.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

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


def training_windows(length: int, window: int, sentence_starts: list[int],
                     spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Training windows made of whole sentences, consecutive windows sharing their boundary sentence.

    Every sentence (with the relations inside it) and every pair of neighbouring sentences (a part_of
    across the break) then lies whole in some window, which regular windows with a small overlap do not
    guarantee.  A sentence longer than `window` is cut, but never inside a gold span: a cut entity would
    teach the tagger an entity without its end.
    """
    bounds = sorted(set(sentence_starts) - {0})  # places a window may end (a sentence starts there)
    inside = np.full(length + 1, -1, dtype=np.int64)  # inside[i] = start of the span strictly containing edge i
    for start, end in spans:
        inside[start + 1 : end] = start
    out: list[tuple[int, int]] = []
    start = 0
    while start < length:
        limit = min(start + window, length)
        first, last = bisect_right(bounds, start), bisect_right(bounds, limit)
        if limit == length or first == last:  # the rest fits, or one sentence longer than the window
            end = limit if limit == length or inside[limit] <= start else int(inside[limit])
        else:
            end = bounds[last - 1]
        out.append((start, end))
        inner = bisect_left(bounds, end) - 1  # the last sentence start strictly inside the window
        start = bounds[inner] if inner >= first and bounds[inner] > start else end
    return out
