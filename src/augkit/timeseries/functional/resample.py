"""Time maps: every op that moves the time axis produces source positions (N, T_out) and the
series, per-step labels and NaN masks are gathered from them with the same map."""

from __future__ import annotations

import numpy as np


def gather(x: np.ndarray, src: np.ndarray, mode: str = "linear") -> np.ndarray:
    """Sample (N, T, C) ``x`` at source positions ``src`` (N, T_out).

    Integer positions are taken as they are; fractional ones are interpolated linearly
    between neighbours (``mode="linear"``) or rounded to the closest step
    (``mode="nearest"``, for integer labels and masks, whose values must not be blended).
    Rows are gathered with ``np.take`` on a flattened view: much faster than 2-D fancy
    indexing for (N, T) index arrays.
    """
    n, t, c = x.shape
    n_out, t_out = src.shape
    flat = x.reshape(n * t, c)
    offsets = (np.arange(n) * t)[:, None]
    if src.dtype.kind in "iu":
        return np.take(flat, (src + offsets).ravel(), axis=0).reshape(n, t_out, c)
    if mode == "nearest" or t == 1:
        idx = np.clip(np.rint(src), 0, t - 1).astype(np.intp)
        return np.take(flat, (idx + offsets).ravel(), axis=0).reshape(n, t_out, c)
    pos = np.clip(src, 0, t - 1)
    i0 = np.minimum(np.floor(pos), t - 2)
    frac = (pos - i0).reshape(-1, 1)
    idx = (i0.astype(np.intp) + offsets).ravel()
    a = np.take(flat, idx, axis=0)
    out = np.take(flat, idx + 1, axis=0)
    out -= a
    out *= frac
    out += a
    return out.reshape(n, t_out, c)


def piecewise_linear(u: np.ndarray, xk: np.ndarray, yk: np.ndarray) -> np.ndarray:
    """Row-wise ``np.interp``: ``u`` (N, T), increasing knots ``xk`` and values ``yk`` (N, K)."""
    seg = (u[:, :, None] >= xk[:, None, 1:-1]).sum(-1)
    rows = np.arange(u.shape[0])[:, None]
    x0, x1 = xk[rows, seg], xk[rows, seg + 1]
    y0, y1 = yk[rows, seg], yk[rows, seg + 1]
    width = np.where(x1 > x0, x1 - x0, 1.0)
    return y0 + (u - x0) / width * (y1 - y0)


def slice_positions(length: int, out_length: int, starts: np.ndarray,
                    ratios: np.ndarray) -> np.ndarray:
    """Positions of a window of ``ratios * (length - 1)`` starting at ``starts`` (fraction of
    the free room), stretched to ``out_length`` steps."""
    width = ratios * (length - 1)
    first = starts * (length - 1 - width)
    step = np.linspace(0.0, 1.0, out_length)
    return first[:, None] + width[:, None] * step[None, :]


def crop_positions(length: int, out_length: int, starts: np.ndarray) -> np.ndarray:
    """Integer positions of a window of ``out_length`` steps (no resampling)."""
    first = np.rint(starts * (length - out_length)).astype(np.intp)
    return first[:, None] + np.arange(out_length)[None, :]


def window_warp_positions(length: int, starts: np.ndarray, ratio: np.ndarray,
                          scales: np.ndarray) -> np.ndarray:
    """Positions that speed a window up (scale < 1) or slow it down (scale > 1), then fit the
    whole series back into ``length`` steps: a three-piece linear map, evaluated directly."""
    end = length - 1.0
    w = (ratio * end)[:, None]
    a = (starts[:, None] * (end - w))
    s = scales[:, None]
    total = end + w * (s - 1.0)
    u = np.linspace(0.0, 1.0, length)[None, :] * total
    in_window = a + (u - a) / s
    after = a + w + (u - a - w * s)
    return np.where(u < a, u, np.where(u < a + w * s, in_window, after))


def segment_bounds(length: int, fractions: np.ndarray | None, n_segments: int) -> np.ndarray:
    """(N, S + 1) integer segment edges. ``fractions`` (N, S - 1) sorted cut points in (0, 1)
    give random lengths; ``None`` gives equal lengths (the first ``length % S`` segments are
    one step longer, like ``np.array_split``)."""
    if fractions is None:
        sizes = np.full(n_segments, length // n_segments)
        sizes[: length % n_segments] += 1
        edges = np.concatenate([[0], np.cumsum(sizes)])
        return edges[None, :]
    cuts = np.sort(np.clip(np.rint(fractions * length), 0, length), axis=1)
    n = cuts.shape[0]
    return np.column_stack([np.zeros(n), cuts, np.full(n, length)]).astype(np.intp)


def permutation_positions(length: int, edges: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Integer positions (N, length) that lay segments ``[edges[k], edges[k+1])`` out in the
    order ``orders`` (N, S). Segments may have different (even zero) lengths."""
    n = orders.shape[0]
    edges = np.broadcast_to(edges, (n, edges.shape[1]))
    rows = np.arange(n)[:, None]
    sizes = np.diff(edges, axis=1)[rows, orders]  # output segment lengths, in output order
    out_edges = np.concatenate([np.zeros((n, 1), np.intp), np.cumsum(sizes, axis=1)], axis=1)
    t = np.arange(length)
    seg = (t[None, :, None] >= out_edges[:, None, 1:-1]).sum(-1)  # output segment of each step
    src_start = edges[rows, orders][rows, seg]
    return src_start + (t[None, :] - out_edges[rows, seg])


def reverse_positions(n: int, length: int) -> np.ndarray:
    return np.broadcast_to(np.arange(length - 1, -1, -1, dtype=np.intp), (n, length))
