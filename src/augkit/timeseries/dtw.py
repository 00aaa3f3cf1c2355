"""Dynamic time warping with a Sakoe-Chiba window, vectorised over pairs.

Costs are squared Euclidean distances between time steps (all channels); a DTW *distance* is
the square root of the smallest accumulated cost. ``window`` is the band half-width: an int
in steps, a float in (0, 1] as a fraction of the longer series, or None for no band; the band
is widened to ``|T1 - T2|`` when lengths differ so that a path always exists.

The numpy kernel walks the cost matrix row by row for a whole batch of pairs at once. Within a
row, ``D[i, j] = c[i, j] + min(a[j], D[i, j-1])`` with ``a[j] = min(D[i-1, j], D[i-1, j-1])``
unrolls to ``D[i, j] = S[j] + min_{k<=j}(a[k] - S[k-1])`` (``S`` the running sum of the row's
costs), i.e. one cumulative sum and one ``np.minimum.accumulate``: no Python loop over
columns. Only the band is ever stored: each row keeps ``min(2w + 1, T2)`` cells, distances
keep two rows per pair, and paths are traced back from rows kept every ~sqrt(T1) rows (see
``_band_paths``), so memory stays bounded for any length. With numba installed
(``pip install augkit[numba]``) ``backend="numba"`` (or the default ``"auto"``) uses a
compiled loop instead; both give the same numbers.

>>> import numpy as np
>>> a = np.array([0., 1, 2, 1, 0]); b = np.array([0., 0, 1, 2, 1, 0])
>>> round(dtw_distance(a, b), 6)
0.0
>>> round(dtw_distance(a, b, window=0), 6)  # widened to |T1 - T2| = 1
0.0
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from augkit.core.limits import check_output_bytes

BACKENDS = ("auto", "numpy", "numba")
_CHUNK_CELLS = 4_000_000  # pairs x row cells of work rows kept at once for distances
_PATH_CELLS = 2**24  # cells (8 bytes each) kept at once while tracing paths back


def _as_3d(x: Any, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or arr.shape[1] == 0:
        raise ValueError(f"dtw: '{name}' got shape {np.shape(x)}; expected (T,), (T, C) or "
                         "(N, T, C) with T >= 1")
    if not np.isfinite(arr).all():
        raise ValueError(f"dtw: '{name}' contains NaN or inf; DTW needs finite values")
    return arr


def band(window: int | float | None, t1: int, t2: int) -> int:
    """Band half-width in steps for series of lengths ``t1`` and ``t2``."""
    if window is None:
        return max(t1, t2)
    if isinstance(window, bool) or not isinstance(window, (int, float, np.integer, np.floating)):
        raise TypeError(f"dtw: 'window' got {window!r}; expected None, an int >= 0 (steps) or "
                        "a float in (0, 1] (fraction of the longer series)")
    if isinstance(window, (float, np.floating)):
        if not 0.0 < window <= 1.0:
            raise ValueError(f"dtw: 'window' got {window!r}; a float window must be in (0, 1]")
        w = int(np.ceil(window * max(t1, t2)))
    else:
        if window < 0:
            raise ValueError(f"dtw: 'window' got {window!r}; an int window must be >= 0")
        w = int(window)
    return max(w, abs(t1 - t2))


def _check_backend(backend: str) -> str:
    if backend not in BACKENDS:
        raise ValueError(f"dtw: 'backend' got {backend!r}; expected one of {list(BACKENDS)}")
    if backend == "numpy":
        return backend
    kernel = _numba_kernel()
    if kernel is None:
        if backend == "numba":
            raise ImportError("dtw: backend 'numba' needs numba (pip install augkit[numba])")
        return "numpy"
    return "numba"


# -- window layout --------------------------------------------------------------------------
def _window(t1: int, t2: int, w: int) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Row ``i`` of the cost matrix is kept as ``width`` cells starting at column ``off[i]``
    (``width = min(2w + 1, T2)``); its band cells are ``lo[i] <= d < hi[i]`` of those. A
    stored row has one inf cell on each side (``width + 2``), so the neighbours of every band
    cell can be read without bounds checks: cell ``(i, j)`` sits at ``j - off[i] + 1``."""
    width = min(2 * w + 1, t2)
    i = np.arange(t1)
    off = np.clip(i - w, 0, t2 - width)
    lo = np.maximum(i - w, 0) - off
    hi = np.minimum(i + w, t2 - 1) - off + 1
    return width, off, lo, hi


def _rows_numpy(xt: np.ndarray, yt: np.ndarray, win, r0: int, r1: int,
                prev: np.ndarray | None, out: np.ndarray | None) -> np.ndarray:
    """Rows ``r0 .. r1 - 1`` of the accumulated costs of pairs ``xt[p]`` vs ``yt[p]``
    (channels first: (P, C, T)), in the layout of :func:`_window`. ``prev`` is row ``r0 - 1``
    (None when ``r0 == 0``); rows go into ``out`` (P, r1 - r0, width + 2), preset to inf,
    or, with ``out=None``, through two work rows. Returns the last row."""
    width, off, lo, hi = win
    p, c = xt.shape[:2]
    ring = None if out is not None else np.full((2, p, width + 2), np.inf)
    for i in range(r0, r1):
        o, a0, a1 = int(off[i]), int(lo[i]), int(hi[i])
        diff = xt[:, :, i, None] - yt[:, :, o + a0:o + a1]
        cost = diff[:, 0] * diff[:, 0] if c == 1 else (diff * diff).sum(axis=1)
        if prev is None:  # row 0: D[-1, -1] = 0 starts the path at (0, 0)
            a = np.full((p, a1 - a0), np.inf)
            a[:, 0] = 0.0
        else:  # a[d] = min(D[i-1, j], D[i-1, j-1]); the window moved by s columns
            s = o - int(off[i - 1])
            a = np.minimum(prev[:, a0 + s + 1:a1 + s + 1], prev[:, a0 + s:a1 + s])
        run = np.cumsum(cost, axis=1)
        a[:, 1:] -= run[:, :-1]
        np.minimum.accumulate(a, axis=1, out=a)
        a += run
        if out is not None:
            row = out[:, i - r0]
        else:
            row = ring[i % 2]
            row[:, 1:a0 + 1] = np.inf  # cells left of the band held an older row
        row[:, a0 + 1:a1 + 1] = a
        prev = row
    return prev


def _rows_loop(x, y, off, lo, hi, r0, r1, prev, out, ring):
    """The same rows as :func:`_rows_numpy` for one pair, x (T1, C), y (T2, C), as a plain
    loop (what numba compiles). ``prev``: row ``r0 - 1`` (all inf when ``r0 == 0``);
    ``out``: (r1 - r0, width + 2) preset to inf, or (2, width + 2) work rows when ``ring``."""
    c = x.shape[1]
    for i in range(r0, r1):
        row = out[i % 2] if ring else out[i - r0]
        if ring:
            row[:] = np.inf
        above = prev if i == r0 else (out[(i - 1) % 2] if ring else out[i - r0 - 1])
        s = off[i] - off[i - 1] if i > 0 else 0
        for d in range(lo[i], hi[i]):
            j = off[i] + d
            cost = 0.0
            for k in range(c):
                diff = x[i, k] - y[j, k]
                cost += diff * diff
            if i == 0 and j == 0:
                best = 0.0
            else:
                best = min(above[d + s + 1], above[d + s], row[d])  # up, diagonal, left
            row[d + 1] = cost + best
    return out[(r1 - 1) % 2] if ring else out[r1 - 1 - r0]


@lru_cache(maxsize=1)
def _numba_kernel():
    try:
        import numba
    except ImportError:
        return None
    return numba.njit(cache=True, nogil=True)(_rows_loop)


def _rows(xt: np.ndarray, yt: np.ndarray, win, r0: int, r1: int, prev: np.ndarray | None,
          out: np.ndarray | None, backend: str) -> np.ndarray:
    """Rows ``r0 .. r1 - 1`` with the chosen backend (arguments as :func:`_rows_numpy`)."""
    if backend == "numpy":
        return _rows_numpy(xt, yt, win, r0, r1, prev, out)
    width, off, lo, hi = win
    kernel = _numba_kernel()
    p = xt.shape[0]
    last = np.empty((p, width + 2))
    start = np.full(width + 2, np.inf)
    for k in range(p):
        x, y = np.ascontiguousarray(xt[k].T), np.ascontiguousarray(yt[k].T)
        above = start if prev is None else np.ascontiguousarray(prev[k])
        buf = np.full((2, width + 2), np.inf) if out is None else out[k]
        last[k] = kernel(x, y, off, lo, hi, r0, r1, above, buf, out is None)
    return last


def accumulated(x: np.ndarray, y: np.ndarray, w: int, backend: str = "auto") -> np.ndarray:
    """Final accumulated costs (P,) of pairs ``x[p]`` vs ``y[p]`` (P, T1, C), (P, T2, C),
    keeping two rows of ``min(2w + 1, T2)`` cells per pair."""
    backend = _check_backend(backend)
    t1, t2 = x.shape[1], y.shape[1]
    win = _window(t1, t2, w)
    last = _rows(_channels_first(x), _channels_first(y), win, 0, t1, None, None, backend)
    return last[:, (t2 - 1) - int(win[1][-1]) + 1]


def _channels_first(x: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(np.swapaxes(x, 1, 2))


def _band_paths(x: np.ndarray, y: np.ndarray, len_x: np.ndarray, len_y: np.ndarray, w: int,
                backend: str) -> tuple[list[tuple[np.ndarray, np.ndarray]], np.ndarray]:
    """Optimal paths of pairs ``x[p, :len_x[p]]`` vs ``y[p, :len_y[p]]`` and their final
    costs. Memory stays about ``_PATH_CELLS`` cells however long the series: when all rows
    do not fit, a first pass keeps one row every ``k`` rows (``k`` about sqrt(T1)), then the
    path is traced back block by block, each block's rows recomputed from the row kept
    before it (twice the row work, a fraction of the memory). A cell only depends on cells
    before it, so padding never changes a shorter pair's costs; ties prefer the diagonal,
    then the step up (as a dense backtrack over the full matrix)."""
    p, t1, t2 = x.shape[0], x.shape[1], y.shape[1]
    win = _window(t1, t2, w)
    width, off = win[0], win[1]
    xt, yt = _channels_first(x), _channels_first(y)
    k = t1 if p * t1 * (width + 2) <= _PATH_CELLS else max(
        int(np.sqrt(t1)), _PATH_CELLS // (p * (width + 2)), 1)
    starts = list(range(0, t1, k))
    kept = np.full((len(starts), p, width + 2), np.inf)  # kept[b]: row starts[b] - 1
    if len(starts) > 1:
        prev = None
        for b, r0 in enumerate(starts):
            if b:
                kept[b] = prev
            prev = _rows(xt, yt, win, r0, min(r0 + k, t1), prev, None, backend)
    i = np.asarray(len_x, np.intp) - 1
    j = np.asarray(len_y, np.intp) - 1
    first_i = i.copy()
    cost = np.empty(p)
    most = t1 + t2
    pi, pj = np.full((p, most), -1, np.intp), np.full((p, most), -1, np.intp)
    n_steps = np.zeros(p, np.intp)
    pairs = np.arange(p)
    for b in range(len(starts) - 1, -1, -1):
        r0, r1 = starts[b], min(starts[b] + k, t1)
        block = np.full((p, r1 - r0 + 1, width + 2), np.inf)  # row r0 - 1, then the block
        block[:, 0] = kept[b]
        _rows(xt, yt, win, r0, r1, None if b == 0 else kept[b], block[:, 1:], backend)
        here = np.flatnonzero((first_i >= r0) & (first_i < r1))
        cost[here] = block[here, first_i[here] - r0 + 1, j[here] - off[first_i[here]] + 1]
        pi[here, 0], pj[here, 0] = i[here], j[here]
        n_steps[here] = 1
        while True:
            act = pairs[(i >= r0) & ((i > 0) | (j > 0))]
            if act.size == 0:
                break
            ia, ja = i[act], j[act]
            li = ia - r0 + 1
            up_col = ja - off[np.maximum(ia - 1, 0)] + 1
            diag = block[act, li - 1, up_col - 1]
            up = block[act, li - 1, up_col]
            left = block[act, li, ja - off[ia]]
            choice = np.argmin(np.stack([diag, up, left]), axis=0)
            i[act] = ia - (choice != 2)
            j[act] = ja - (choice != 1)
            pi[act, n_steps[act]], pj[act, n_steps[act]] = i[act], j[act]
            n_steps[act] += 1
    paths = [(pi[q, :n_steps[q]][::-1].copy(), pj[q, :n_steps[q]][::-1].copy())
             for q in range(p)]
    return paths, cost


# -- public API ---------------------------------------------------------------------------------
def dtw_distance(a: Any, b: Any, window: int | float | None = None,
                 backend: str = "auto") -> float:
    """DTW distance between two series of shape (T,) or (T, C)."""
    x, y = _as_3d(a, "a"), _as_3d(b, "b")
    if x.shape[0] != 1 or y.shape[0] != 1 or x.shape[2] != y.shape[2]:
        raise ValueError(f"dtw: expected two single series with the same channels; got "
                         f"{np.shape(a)} and {np.shape(b)}")
    w = band(window, x.shape[1], y.shape[1])
    return float(np.sqrt(accumulated(x, y, w, backend)[0]))


def pairwise_dtw(x: Any, y: Any | None = None, window: int | float | None = None,
                 backend: str = "auto") -> np.ndarray:
    """(N, M) DTW distances between the series of ``x`` (N, T, C) and ``y`` (M, T2, C)
    (``y=None``: ``x`` against itself, computing each unordered pair once)."""
    xs = _as_3d(x, "x")
    ys = xs if y is None else _as_3d(y, "y")
    if xs.shape[2] != ys.shape[2]:
        raise ValueError(f"dtw: channel counts differ: {xs.shape[2]} and {ys.shape[2]}")
    w = band(window, xs.shape[1], ys.shape[1])
    n, m = xs.shape[0], ys.shape[0]
    check_output_bytes("pairwise_dtw", f"a {n} x {m} distance matrix", 8 * n * m)
    if y is None:
        ii, jj = np.triu_indices(n, k=1)
    else:
        ii, jj = (g.ravel() for g in np.meshgrid(np.arange(n), np.arange(m), indexing="ij"))
    out = np.zeros((n, m))
    step = max(1, _CHUNK_CELLS // (min(2 * w + 1, ys.shape[1]) + 2))
    for s in range(0, len(ii), step):
        i, j = ii[s:s + step], jj[s:s + step]
        out[i, j] = np.sqrt(accumulated(xs[i], ys[j], w, backend))
    if y is None:
        out = out + out.T
    return out


def _pairs_per_chunk(t1: int, t2: int, w: int) -> int:
    """How many pairs share one pass of :func:`_band_paths`: as many as fit in
    ``_PATH_CELLS`` cells with all their rows, or, for long series, with the rows kept every
    ~sqrt(T1) rows and one block (sharing the row loop keeps numpy's per-call cost low)."""
    row = min(2 * w + 1, t2) + 2
    if t1 * row <= _PATH_CELLS:
        return max(1, _PATH_CELLS // (t1 * row))
    return max(1, _PATH_CELLS // (2 * int(np.sqrt(t1)) * row))


def dtw_paths(x: Any, y: Any, window: int | float | None = None,
              backend: str = "auto") -> list[tuple[np.ndarray, np.ndarray]]:
    """Optimal warping paths for pairs ``x[p]`` vs ``y[p]``: a list of (i, j) index arrays,
    each starting at (0, 0) and ending at (T1 - 1, T2 - 1)."""
    xs, ys = _as_3d(x, "x"), _as_3d(y, "y")
    if xs.shape[0] != ys.shape[0] or xs.shape[2] != ys.shape[2]:
        raise ValueError(f"dtw: expected the same number of series and channels; got "
                         f"{xs.shape} and {ys.shape}")
    w = band(window, xs.shape[1], ys.shape[1])
    n = xs.shape[0]
    return padded_paths(xs, ys, np.full(n, xs.shape[1]), np.full(n, ys.shape[1]), w, backend)


def padded_paths(x: np.ndarray, y: np.ndarray, len_x: np.ndarray, len_y: np.ndarray, w: int,
                 backend: str = "auto") -> list[tuple[np.ndarray, np.ndarray]]:
    """Paths for pairs of different lengths, padded into (P, T1, C) / (P, T2, C) arrays:
    pair ``p`` uses ``x[p, :len_x[p]]`` and ``y[p, :len_y[p]]``; ``w`` is the band in steps."""
    backend = _check_backend(backend)
    step = _pairs_per_chunk(x.shape[1], y.shape[1], w)
    paths: list[tuple[np.ndarray, np.ndarray]] = []
    for s in range(0, x.shape[0], step):
        sl = slice(s, s + step)
        paths.extend(_band_paths(x[sl], y[sl], len_x[sl], len_y[sl], w, backend)[0])
    return paths


def dtw_path(a: Any, b: Any, window: int | float | None = None,
             backend: str = "auto") -> tuple[list[tuple[int, int]], float]:
    """The optimal warping path between two series as a list of (i, j), and the distance."""
    x, y = _as_3d(a, "a"), _as_3d(b, "b")
    w = band(window, x.shape[1], y.shape[1])
    paths, cost = _band_paths(x, y, np.array([x.shape[1]]), np.array([y.shape[1]]), w,
                              _check_backend(backend))
    i, j = paths[0]
    return list(zip(i.tolist(), j.tolist(), strict=True)), float(np.sqrt(cost[0]))
