"""Pattern-mixing kernels over a batch (N, T, C): MixUp, CutMix, SPAWNER, weighted DBA and
DTW-guided warping. Which series are combined, and how much, comes in as parameters."""

from __future__ import annotations

import numpy as np

from augkit.timeseries.dtw import accumulated, band, dtw_paths, padded_paths
from augkit.timeseries.functional.resample import gather
from augkit.timeseries.functional.values import noise, spread


def mixup(x: np.ndarray, partner: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """``lam * x + (1 - lam) * x[partner]`` per series."""
    w = np.asarray(lam, dtype=np.float64)[:, None, None]
    return w * x + (1.0 - w) * x[np.asarray(partner, np.intp)]


def cut_mask(n: int, length: int, start: np.ndarray, cut: np.ndarray) -> np.ndarray:
    """(N, T) True inside each series' pasted segment: ``cut`` (fraction of the length) steps
    from ``start`` (fraction of the free room)."""
    size = np.rint(np.asarray(cut) * length).astype(np.intp)
    first = np.rint(np.asarray(start) * (length - size)).astype(np.intp)
    t = np.arange(length)[None, :]
    return (t >= first[:, None]) & (t < (first + size)[:, None])


def pair_distances(a: np.ndarray, b: np.ndarray, window, backend: str) -> np.ndarray:
    """DTW distances of pairs ``a[p]`` vs ``b[p]``."""
    w = band(window, a.shape[1], b.shape[1])
    return np.sqrt(accumulated(a, b, w, backend))


def _rows(x: np.ndarray, rows) -> np.ndarray:
    return np.arange(x.shape[0]) if rows is None else np.asarray(rows, np.intp)


def spawner(x: np.ndarray, partner: np.ndarray, cut: np.ndarray, sigma: float, window,
            noise_seed, backend: str = "auto",
            rows=None) -> tuple[np.ndarray, np.ndarray]:
    """SPAWNER: split each series and its partner at ``cut`` (fraction), align both halves by
    DTW (band: ``window`` of the full length), average along the warping paths, resample to
    the length, add noise of ``sigma`` x each channel's std. All halves of the batch are
    aligned in one padded DTW call per side.

    Returns the new series and, for each of their steps, the step of the series itself that
    it was averaged from (N, T), so its NaN marks can follow. With ``rows`` only those series
    are built (partners and parameters still indexed over the whole batch)."""
    rows = _rows(x, rows)
    n, t, c = len(rows), x.shape[1], x.shape[2]
    partner = np.asarray(partner, np.intp)[rows]
    k = np.clip(np.rint(np.asarray(cut)[rows] * t), 1, t - 1).astype(np.intp)
    w = band(window, t, t)
    steps = np.arange(t)
    halves, own = [], []
    for lo, hi in ((np.zeros(n, np.intp), k), (k, np.full(n, t))):
        size = hi - lo
        idx = np.minimum(lo[:, None] + steps[None, : size.max()], t - 1)  # padded windows
        a = x[rows[:, None], idx]
        b = x[partner[:, None], idx]
        paths = padded_paths(a, b, size, size, w, backend)
        halves.append([(a[i][pi] + b[i][pj]) / 2.0 for i, (pi, pj) in enumerate(paths)])
        own.append([lo[i] + pi for i, (pi, _) in enumerate(paths)])
    out = np.empty((n, t, c))
    source = np.empty((n, t), np.intp)
    for i in range(n):
        avg = np.concatenate([halves[0][i], halves[1][i]])[None]
        at = np.linspace(0.0, avg.shape[1] - 1.0, t)[None]
        out[i] = gather(avg, at)[0]
        steps_own = np.concatenate([own[0][i], own[1][i]]).astype(np.float64)
        source[i] = gather(steps_own[None, :, None], at, "nearest")[0, :, 0]
    z = noise(x.shape, "gaussian", noise_seed)[rows]  # each series keeps its own noise
    return out + sigma * spread(x)[rows] * z, source


def weighted_dba(x: np.ndarray, members: list[list[int]], iterations: int, window,
                 backend: str = "auto", rows=None) -> np.ndarray:
    """Weighted DTW barycentre averaging. Series ``i`` is averaged with ``members[i]``
    (other series of its class): the reference itself has weight 1, a member at DTW
    distance ``d`` weight ``0.5 ** (d / d_nearest)``; ``iterations`` DBA refinements start
    from the reference. With ``rows`` only those series are averaged."""
    rows = _rows(x, rows)
    n, t, c = len(rows), x.shape[1], x.shape[2]
    out = x[rows]
    ref_idx, mem_idx, owner = [], [], []
    for k, i in enumerate(rows):
        for j in members[i]:
            ref_idx.append(i)
            mem_idx.append(j)
            owner.append(k)
    if not mem_idx:
        return out
    ref_idx, mem_idx, owner = (np.asarray(v, np.intp) for v in (ref_idx, mem_idx, owner))
    dist = pair_distances(x[ref_idx], x[mem_idx], window, backend)
    nearest = np.full(n, np.inf)
    np.minimum.at(nearest, owner, dist)
    scale = np.where(nearest[owner] > 0, nearest[owner], 1.0)
    weights = np.where(dist > 0, 0.5 ** (dist / scale), 1.0)
    # every average is aligned with its reference (weight 1) and its members
    all_owner = np.concatenate([np.arange(n), owner])
    all_src = np.concatenate([rows, mem_idx])
    all_w = np.concatenate([np.ones(n), weights])
    for _ in range(iterations):
        paths = dtw_paths(out[all_owner], x[all_src], window, backend)
        total = np.zeros((n, t, c))
        wsum = np.zeros((n, t))
        for (pi, pj), o, s, w in zip(paths, all_owner, all_src, all_w, strict=True):
            np.add.at(total[o], pi, w * x[s][pj])
            np.add.at(wsum[o], pi, w)
        out = total / wsum[..., None]
    return out


def guided_positions(x: np.ndarray, prototypes: np.ndarray, window,
                     backend: str = "auto", rows=None) -> np.ndarray:
    """Source positions (N, T) that make each series follow its prototype's timing: step
    ``i`` takes the mean of the series' steps that DTW aligns with the prototype's step
    ``i``. Monotone, so labels and NaN masks can be gathered with them. With ``rows``: the
    positions of those series only."""
    rows = _rows(x, rows)
    n, t = len(rows), x.shape[1]
    paths = dtw_paths(x[np.asarray(prototypes, np.intp)[rows]], x[rows], window, backend)
    pos = np.zeros((n, t))
    for k, (pi, pj) in enumerate(paths):
        counts = np.bincount(pi, minlength=t)
        pos[k] = np.bincount(pi, weights=pj, minlength=t) / counts
    return pos


def discriminative_prototypes(x: np.ndarray, positives: list[list[int]],
                              negatives: list[list[int]], window,
                              backend: str = "auto", rows=None) -> np.ndarray:
    """For each series pick, among its ``positives`` (same class), the one whose mean DTW
    distance to the ``negatives`` minus that to the other positives is largest. With
    ``rows`` only those series pick (the others keep themselves)."""
    n = x.shape[0]
    rows = _rows(x, rows)
    pa, pb, tag = [], [], []  # pairs to measure, tagged (series, candidate, is_negative)
    for i in rows:
        for a in positives[i]:
            for b in positives[i]:
                if a != b:
                    pa.append(a)
                    pb.append(b)
                    tag.append((i, a, 0))
            for b in negatives[i]:
                pa.append(a)
                pb.append(b)
                tag.append((i, a, 1))
    dist = pair_distances(x[np.asarray(pa, np.intp)], x[np.asarray(pb, np.intp)], window,
                          backend) if pa else np.zeros(0)
    sums: dict[tuple[int, int], list[float]] = {}
    for (i, a, neg), d in zip(tag, dist, strict=True):
        acc = sums.setdefault((i, a), [0.0, 0, 0.0, 0])
        acc[2 * neg] += d
        acc[2 * neg + 1] += 1
    best = np.arange(n)
    for i in rows:
        scores = []
        for a in positives[i]:
            pos_sum, pos_n, neg_sum, neg_n = sums.get((i, a), [0.0, 0, 0.0, 0])
            scores.append((neg_sum / max(neg_n, 1)) - (pos_sum / max(pos_n, 1)))
        if scores:
            best[i] = positives[i][int(np.argmax(scores))]
    return best
