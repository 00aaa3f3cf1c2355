"""DTW: the vectorised numpy kernel (always tested) and numba (when installed) against a plain
reference, windows, paths, and errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit.timeseries import dtw as D

HAS_NUMBA = importlib.util.find_spec("numba") is not None


def reference(a, b, w):
    a, b = np.asarray(a, float).reshape(len(a), -1), np.asarray(b, float).reshape(len(b), -1)
    n, m = len(a), len(b)
    w = max(w, abs(n - m))
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(max(1, i - w), min(m, i + w) + 1):
            cost = float(((a[i - 1] - b[j - 1]) ** 2).sum())
            acc[i, j] = cost + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    return float(np.sqrt(acc[n, m]))


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 25), m=st.integers(1, 25), c=st.integers(1, 3),
       w=st.one_of(st.none(), st.integers(0, 10)), seed=st.integers(0, 1000))
def test_numpy_kernel_matches_reference(n, m, c, w, seed):
    rng = np.random.default_rng(seed)
    a, b = rng.normal(size=(n, c)), rng.normal(size=(m, c))
    expected = reference(a, b, max(n, m) if w is None else w)
    assert np.isclose(D.dtw_distance(a, b, window=w, backend="numpy"), expected, rtol=1e-9)


def test_zero_window_on_equal_lengths_is_euclidean():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=30), rng.normal(size=30)
    assert np.isclose(D.dtw_distance(a, b, window=0, backend="numpy"), np.linalg.norm(a - b))
    assert D.dtw_distance(a, b, backend="numpy") <= np.linalg.norm(a - b)


def test_fraction_window_is_relative_to_the_longer_series():
    assert D.band(0.1, 50, 40) == 10 and D.band(0.1, 40, 100) == 60 and D.band(None, 3, 4) == 4


def test_shifted_copy_needs_a_wide_enough_window():
    t = np.linspace(0, 1, 80)
    a = np.exp(-0.5 * ((t - 0.4) / 0.05) ** 2)
    b = np.exp(-0.5 * ((t - 0.5) / 0.05) ** 2)
    assert D.dtw_distance(a, b, window=12, backend="numpy") < 0.05
    assert D.dtw_distance(a, b, window=2, backend="numpy") > 0.5


def test_path_is_a_valid_alignment_with_the_reported_cost():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(20, 2)), rng.normal(size=(26, 2))
    path, dist = D.dtw_path(a, b, window=8, backend="numpy")
    assert path[0] == (0, 0) and path[-1] == (19, 25)
    steps = {(i2 - i1, j2 - j1) for (i1, j1), (i2, j2) in zip(path, path[1:], strict=False)}
    assert steps <= {(1, 0), (0, 1), (1, 1)}
    assert all(abs(i - j) <= 8 for i, j in path)
    cost = sum(((a[i] - b[j]) ** 2).sum() for i, j in path)
    assert np.isclose(np.sqrt(cost), dist) and np.isclose(dist, reference(a, b, 8))


def test_pairwise_is_symmetric_and_matches_single_calls():
    x = np.random.default_rng(3).normal(size=(6, 30, 1))
    y = np.random.default_rng(4).normal(size=(3, 25, 1))
    d = D.pairwise_dtw(x, window=5, backend="numpy")
    assert np.allclose(d, d.T) and np.all(np.diag(d) == 0)
    assert np.isclose(d[1, 4], D.dtw_distance(x[1], x[4], window=5, backend="numpy"))
    e = D.pairwise_dtw(x, y, window=5, backend="numpy")
    assert e.shape == (6, 3) and np.isclose(e[5, 2], reference(x[5], y[2], 5))


@pytest.mark.skipif(not HAS_NUMBA, reason="numba is not installed (optional extra 'numba')")
def test_numba_kernel_matches_numpy():
    x = np.random.default_rng(5).normal(size=(7, 33, 2))
    np.testing.assert_allclose(D.pairwise_dtw(x, window=0.2, backend="numba"),
                               D.pairwise_dtw(x, window=0.2, backend="numpy"), rtol=1e-10)
    pa, _ = D.dtw_path(x[0], x[1], window=6, backend="numba")
    pb, _ = D.dtw_path(x[0], x[1], window=6, backend="numpy")
    assert pa == pb


def test_numba_backend_without_numba_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(D, "_numba_kernel", lambda: None)
    with pytest.raises(ImportError, match=r"augkit\[numba\]"):
        D.dtw_distance(np.zeros(3), np.zeros(3), backend="numba")
    assert D.dtw_distance(np.zeros(3), np.ones(3), backend="auto") == pytest.approx(np.sqrt(3))


@pytest.mark.parametrize("kwargs, error, text", [
    ({"window": -1}, ValueError, "window"), ({"window": 1.5}, ValueError, r"\(0, 1\]"),
    ({"window": "wide"}, TypeError, "window"), ({"backend": "cuda"}, ValueError, "backend"),
])
def test_bad_arguments(kwargs, error, text):
    with pytest.raises(error, match=text):
        D.dtw_distance(np.zeros(4), np.zeros(4), **kwargs)


def test_bad_series():
    with pytest.raises(ValueError, match="NaN"):
        D.dtw_distance(np.array([0.0, np.nan]), np.zeros(2))
    with pytest.raises(ValueError, match="same channels"):
        D.dtw_distance(np.zeros((3, 2)), np.zeros((3, 1)))


def test_padded_pairs_of_different_lengths_give_their_own_paths():
    rng = np.random.default_rng(6)
    lx, ly = np.array([5, 12, 9]), np.array([7, 12, 4])
    x, y = rng.normal(size=(3, 12, 1)), rng.normal(size=(3, 12, 1))
    paths = D.padded_paths(x, y, lx, ly, w=12, backend="numpy")
    for p, (pi, pj) in enumerate(paths):
        expected, _ = D.dtw_path(x[p, :lx[p]], y[p, :ly[p]], backend="numpy")
        assert list(zip(pi.tolist(), pj.tolist(), strict=True)) == expected


def dense_path(a, b, w):
    """The dense reference: the full (T1, T2) accumulated-cost matrix (cells outside the band
    inf), traced back from the corner; ties prefer the diagonal, then the step up."""
    a, b = np.asarray(a, float).reshape(len(a), -1), np.asarray(b, float).reshape(len(b), -1)
    n, m = len(a), len(b)
    acc = np.full((n + 1, m + 1), np.inf)
    acc[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(max(1, i - w), min(m, i + w) + 1):
            cost = float(((a[i - 1] - b[j - 1]) ** 2).sum())
            acc[i, j] = cost + min(acc[i - 1, j], acc[i, j - 1], acc[i - 1, j - 1])
    i, j, path = n, m, [(n - 1, m - 1)]
    while (i, j) != (1, 1):
        step = int(np.argmin([acc[i - 1, j - 1], acc[i - 1, j], acc[i, j - 1]]))
        i, j = i - (step != 2), j - (step != 1)
        path.append((i - 1, j - 1))
    return path[::-1], float(np.sqrt(acc[n, m]))


@settings(max_examples=60, deadline=None)
@given(n=st.integers(1, 30), extra=st.integers(0, 6), c=st.integers(1, 3),
       w=st.one_of(st.none(), st.integers(0, 12)), swap=st.booleans(), seed=st.integers(0, 1000))
def test_banded_paths_equal_the_dense_reference(n, extra, c, w, swap, seed):
    # small integer values: every sum is exact, so ties are broken the same way and the
    # banded kernel must give the very path and cost of the dense matrix
    rng = np.random.default_rng(seed)
    a, b = rng.integers(-3, 4, (n, c)).astype(float), rng.integers(-3, 4, (n + extra, c)) * 1.0
    if swap:
        a, b = b, a
    path, dist = D.dtw_path(a, b, window=w, backend="numpy")
    expected = dense_path(a, b, D.band(w, len(a), len(b)))
    assert (path, dist) == expected
    assert D.dtw_distance(a, b, window=w, backend="numpy") == dist


def test_traced_back_in_blocks_equals_one_pass(monkeypatch):
    # long series keep only every k-th row and recompute blocks while tracing back: the
    # same arithmetic row by row, so the same paths bit for bit
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(3, 90, 2)), rng.normal(size=(3, 97, 2))
    lx, ly = np.array([90, 61, 75]), np.array([97, 66, 70])
    one = D.padded_paths(x, y, lx, ly, 10, "numpy")
    monkeypatch.setattr(D, "_PATH_CELLS", 3 * 23 * 5)  # blocks of 5 rows
    blocks = D.padded_paths(x, y, lx, ly, 10, "numpy")
    for (pi, pj), (qi, qj) in zip(one, blocks, strict=True):
        assert pi.tolist() == qi.tolist() and pj.tolist() == qj.tolist()
    path, dist = D.dtw_path(x[0], y[0], window=10, backend="numpy")
    assert path == list(zip(one[0][0].tolist(), one[0][1].tolist(), strict=True))
    assert np.isclose(dist, reference(x[0], y[0], 10), rtol=1e-12)


def test_compiled_loop_matches_the_numpy_rows():
    # the loop numba compiles, run here as plain Python
    rng = np.random.default_rng(8)
    x, y = rng.normal(size=(1, 25, 2)), rng.normal(size=(1, 31, 2))
    win = D._window(25, 31, 7)
    xt, yt = D._channels_first(x), D._channels_first(y)
    full = np.full((1, 25, win[0] + 2), np.inf)
    D._rows_numpy(xt, yt, win, 0, 25, None, full)
    out = np.full((25, win[0] + 2), np.inf)
    D._rows_loop(x[0], y[0], *win[1:], 0, 25, np.full(win[0] + 2, np.inf), out, False)
    np.testing.assert_allclose(out, full[0], rtol=1e-12)
    ring = np.full((2, win[0] + 2), np.inf)
    last = D._rows_loop(x[0], y[0], *win[1:], 0, 25, np.full(win[0] + 2, np.inf), ring, True)
    np.testing.assert_allclose(last, full[0, -1], rtol=1e-12)


def test_long_series_keep_only_the_band_in_memory():
    import tracemalloc

    x = np.random.default_rng(9).normal(size=(2, 2500, 1))
    tracemalloc.start()
    D.dtw_path(x[0], x[1], window=0.05, backend="numpy")
    D.dtw_distance(x[0], x[1], window=0.05, backend="numpy")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 16 * 2**20  # the dense 2500 x 2500 matrix alone is 48 MiB
