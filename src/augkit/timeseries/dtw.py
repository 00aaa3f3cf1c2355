"""Dynamic time warping with a Sakoe-Chiba window, vectorised over pairs.

Costs are squared Euclidean distances between time steps (all channels); a DTW *distance* is
the square root of the smallest accumulated cost. ``window`` is the band half-width: an int
in steps, a float in (0, 1] as a fraction of the longer series, or None for no band; the band
is widened to ``|T1 - T2|`` when lengths differ so that a path always exists.

The numpy kernel walks the cost matrix row by row for a whole batch of pairs at once. Within a
row, ``D[i, j] = c[i, j] + min(a[j], D[i, j-1])`` with ``a[j] = min(D[i-1, j], D[i-1, j-1])``
unrolls to ``D[i, j] = S[j] + min_{k<=j}(a[k] - S[k-1])`` (``S`` the running sum of the row's
costs), i.e. one cumulative sum and one ``np.minimum.accumulate``: no Python loop over
columns. With numba installed (``pip install augkit[numba]``) ``backend="numba"`` (or the
default ``"auto"``) uses a compiled loop instead; both give the same numbers.

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

BACKENDS = ("auto", "numpy", "numba")
_CHUNK_CELLS = 4_000_000  # pairs x T1 x T2 cells kept at once when full matrices are needed


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


# -- numpy kernel -------------------------------------------------------------------------------
def _rows(x: np.ndarray, y: np.ndarray, w: int, keep: bool):
    """Accumulated cost for pairs x[p] vs y[p]; yields nothing, returns last row or all rows."""
    p, t1, _ = x.shape
    t2 = y.shape[1]
    cols = np.arange(t2)
    prev = None
    full = np.empty((p, t1, t2)) if keep else None
    zero = np.zeros((p, 1))
    for i in range(t1):
        cost = ((x[:, i, None, :] - y) ** 2).sum(-1)  # (P, T2)
        outside = (cols < i - w) | (cols > i + w)
        if prev is None:
            a = np.full((p, t2), np.inf)
            a[:, 0] = 0.0
        else:
            a = np.minimum(prev, np.concatenate([np.full((p, 1), np.inf), prev[:, :-1]], axis=1))
        a[:, outside] = np.inf
        run = np.cumsum(cost, axis=1)
        before = np.concatenate([zero, run[:, :-1]], axis=1)
        row = run + np.minimum.accumulate(a - before, axis=1)
        row[:, outside] = np.inf
        if keep:
            full[:, i] = row
        prev = row
    return full if keep else prev


def _rows_banded(x: np.ndarray, y: np.ndarray, w: int, keep: bool):
    """Like :func:`_rows`, but each row only holds the 2w+1 cells of the band: for a 10%
    window that is about 5x less work. Band cell ``d`` of row ``i`` is column ``i - w + d``,
    so the cell above is ``d + 1`` of the previous row and the diagonal one is ``d``."""
    p, t1, _ = x.shape
    t2 = y.shape[1]
    offs = np.arange(2 * w + 1) - w
    inf_col = np.full((p, 1), np.inf)
    zero = np.zeros((p, 1))
    full = np.full((p, t1, t2), np.inf) if keep else None
    prev = None
    for i in range(t1):
        j = i + offs
        valid = (j >= 0) & (j < t2)
        cost = ((x[:, i, None, :] - y[:, np.clip(j, 0, t2 - 1), :]) ** 2).sum(-1)
        cost[:, ~valid] = 0.0  # keeps the running sum finite; those cells are set to inf
        if prev is None:
            a = np.full((p, offs.size), np.inf)
            a[:, w] = 0.0  # D[-1, -1] = 0 starts the path at (0, 0)
        else:
            a = np.minimum(prev, np.concatenate([prev[:, 1:], inf_col], axis=1))
        a[:, ~valid] = np.inf
        run = np.cumsum(cost, axis=1)
        before = np.concatenate([zero, run[:, :-1]], axis=1)
        row = run + np.minimum.accumulate(a - before, axis=1)
        row[:, ~valid] = np.inf
        if keep:
            full[:, i, j[valid]] = row[:, valid]
        prev = row
    if keep:
        return full
    return prev[:, (t2 - 1) - (t1 - 1) + w]


# -- numba kernel (optional) --------------------------------------------------------------------
@lru_cache(maxsize=1)
def _numba_kernel():
    try:
        import numba
    except ImportError:
        return None

    @numba.njit(cache=True, nogil=True)
    def accumulate(x, y, w, out):  # out: (T1, T2) accumulated costs
        t1, t2, c = x.shape[0], y.shape[0], x.shape[1]
        for i in range(t1):
            for j in range(t2):
                out[i, j] = np.inf
        for i in range(t1):
            lo = max(0, i - w)
            hi = min(t2, i + w + 1)
            for j in range(lo, hi):
                d = 0.0
                for k in range(c):
                    diff = x[i, k] - y[j, k]
                    d += diff * diff
                if i == 0 and j == 0:
                    best = 0.0
                else:
                    best = np.inf
                    if i > 0 and out[i - 1, j] < best:
                        best = out[i - 1, j]
                    if j > 0 and out[i, j - 1] < best:
                        best = out[i, j - 1]
                    if i > 0 and j > 0 and out[i - 1, j - 1] < best:
                        best = out[i - 1, j - 1]
                out[i, j] = d + best

    @numba.njit(cache=True, nogil=True)
    def pairs(x, y, w, keep, out_full, out_last):
        buf = np.empty((x.shape[1], y.shape[1]))
        for p in range(x.shape[0]):
            target = out_full[p] if keep else buf
            accumulate(x[p], y[p], w, target)
            out_last[p] = target[x.shape[1] - 1, y.shape[1] - 1]

    return pairs


def accumulated(x: np.ndarray, y: np.ndarray, w: int, backend: str = "auto",
                keep: bool = False) -> np.ndarray:
    """Accumulated costs of pairs ``x[p]`` vs ``y[p]`` (P, T1, C), (P, T2, C): the full
    matrices (P, T1, T2) when ``keep``, else the final costs (P,)."""
    backend = _check_backend(backend)
    if backend == "numba":
        p, t1, t2 = x.shape[0], x.shape[1], y.shape[1]
        full = np.empty((p, t1, t2) if keep else (1, 1, 1))
        last = np.empty(p)
        _numba_kernel()(np.ascontiguousarray(x), np.ascontiguousarray(y), w, keep, full, last)
        return full if keep else last
    if 2 * w + 1 < y.shape[1]:  # a real band: work on band cells only
        return _rows_banded(x, y, w, keep)
    out = _rows(x, y, w, keep)
    return out if keep else out[:, -1]


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
    if y is None:
        ii, jj = np.triu_indices(n, k=1)
    else:
        ii, jj = (g.ravel() for g in np.meshgrid(np.arange(n), np.arange(m), indexing="ij"))
    out = np.zeros((n, m))
    step = max(1, _CHUNK_CELLS // (xs.shape[1] * ys.shape[1] // 8 + 1))
    for s in range(0, len(ii), step):
        i, j = ii[s:s + step], jj[s:s + step]
        out[i, j] = np.sqrt(accumulated(xs[i], ys[j], w, backend))
    if y is None:
        out = out + out.T
    return out


def _backtrack(full: np.ndarray, ends: tuple[np.ndarray, np.ndarray] | None = None
               ) -> list[tuple[np.ndarray, np.ndarray]]:
    """Optimal warping paths of a batch of accumulated-cost matrices (P, T1, T2), all pairs
    stepping together; ties prefer the diagonal. ``ends`` (last i, last j per pair) lets
    padded pairs of different lengths end at their own corner: a cell only depends on cells
    before it, so padding never changes a shorter pair's costs."""
    p, t1, t2 = full.shape
    i = np.full(p, t1 - 1) if ends is None else np.asarray(ends[0]).copy()
    j = np.full(p, t2 - 1) if ends is None else np.asarray(ends[1]).copy()
    ri, rj = [i.copy()], [j.copy()]
    rows = np.arange(p)
    padded = np.full((p, t1 + 1, t2 + 1), np.inf)
    padded[:, 1:, 1:] = full  # index shift by one: the border is inf
    while True:
        active = (i > 0) | (j > 0)
        if not active.any():
            break
        diag = padded[rows, i, j]
        up = padded[rows, i, j + 1]
        left = padded[rows, i + 1, j]
        choice = np.argmin(np.stack([diag, up, left]), axis=0)
        di = np.where(choice == 2, 0, 1)
        dj = np.where(choice == 1, 0, 1)
        i = np.where(active, i - di, i)
        j = np.where(active, j - dj, j)
        ri.append(np.where(active, i, -1))
        rj.append(np.where(active, j, -1))
    ri_a, rj_a = np.stack(ri[::-1], axis=1), np.stack(rj[::-1], axis=1)
    out = []
    for k in range(p):
        keep = ri_a[k] >= 0
        out.append((ri_a[k][keep], rj_a[k][keep]))
    return out


def dtw_paths(x: Any, y: Any, window: int | float | None = None,
              backend: str = "auto") -> list[tuple[np.ndarray, np.ndarray]]:
    """Optimal warping paths for pairs ``x[p]`` vs ``y[p]``: a list of (i, j) index arrays,
    each starting at (0, 0) and ending at (T1 - 1, T2 - 1)."""
    xs, ys = _as_3d(x, "x"), _as_3d(y, "y")
    if xs.shape[0] != ys.shape[0] or xs.shape[2] != ys.shape[2]:
        raise ValueError(f"dtw: expected the same number of series and channels; got "
                         f"{xs.shape} and {ys.shape}")
    w = band(window, xs.shape[1], ys.shape[1])
    step = max(1, _CHUNK_CELLS // (xs.shape[1] * ys.shape[1]))
    paths: list[tuple[np.ndarray, np.ndarray]] = []
    for s in range(0, xs.shape[0], step):
        full = accumulated(xs[s:s + step], ys[s:s + step], w, backend, keep=True)
        paths.extend(_backtrack(full))
    return paths


def padded_paths(x: np.ndarray, y: np.ndarray, len_x: np.ndarray, len_y: np.ndarray, w: int,
                 backend: str = "auto") -> list[tuple[np.ndarray, np.ndarray]]:
    """Paths for pairs of different lengths, padded into (P, T1, C) / (P, T2, C) arrays:
    pair ``p`` uses ``x[p, :len_x[p]]`` and ``y[p, :len_y[p]]``; ``w`` is the band in steps."""
    step = max(1, _CHUNK_CELLS // (x.shape[1] * y.shape[1]))
    paths: list[tuple[np.ndarray, np.ndarray]] = []
    for s in range(0, x.shape[0], step):
        sl = slice(s, s + step)
        full = accumulated(x[sl], y[sl], w, backend, keep=True)
        paths.extend(_backtrack(full, (len_x[sl] - 1, len_y[sl] - 1)))
    return paths


def dtw_path(a: Any, b: Any, window: int | float | None = None,
             backend: str = "auto") -> tuple[list[tuple[int, int]], float]:
    """The optimal warping path between two series as a list of (i, j), and the distance."""
    x, y = _as_3d(a, "a"), _as_3d(b, "b")
    w = band(window, x.shape[1], y.shape[1])
    full = accumulated(x, y, w, backend, keep=True)
    i, j = _backtrack(full)[0]
    return list(zip(i.tolist(), j.tolist(), strict=True)), float(np.sqrt(full[0, -1, -1]))
