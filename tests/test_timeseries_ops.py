"""Behaviour of the single-series time-series transforms (values, time maps, channels)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import timeseries as TS
from augkit.timeseries.functional import resample as R
from augkit.timeseries.functional import values as V
from augkit.timeseries.functional.curves import spline_matrix

RNG = np.random.default_rng(0)
RAMP = np.arange(100.0)


def run(op, x, seed=0, **kw):
    out = op(series=x, seed=seed, return_record=True, **kw)
    return out["series"], out["record"].steps[0].params


def test_jitter_scale_is_relative_to_each_channel_spread():
    x = RNG.normal(size=(2, 20000, 2)) * np.array([1.0, 50.0])
    y, params = run(TS.Jitter(scale=0.1, p=1.0), x)
    ratio = (y - x).std(axis=1) / x.std(axis=1)
    np.testing.assert_allclose(ratio, 0.1, rtol=0.05)
    for dist in ("laplace", "uniform"):
        y, _ = run(TS.Jitter(scale=0.1, distribution=dist, p=1.0), x)
        np.testing.assert_allclose((y - x).std(axis=1) / x.std(axis=1), 0.1, rtol=0.05)
    y, _ = run(TS.Jitter(scale=0.1, multiplicative=True, p=1.0), np.full((1, 20000, 1), 5.0))
    np.testing.assert_allclose(y.std() / 5.0, 0.1, rtol=0.05)
    shared, _ = run(TS.Jitter(scale=0.1, per_channel=False, p=1.0),
                    np.zeros((1, 50, 3)) + [0, 0, 1])
    np.testing.assert_allclose(shared[..., 0], shared[..., 1])


def test_jitter_against_the_steps_scales_by_the_spread_of_first_differences():
    t = np.linspace(0, 8, 20000)
    x = np.stack([np.sin(t), 30 * np.cos(t)], axis=1)[None]  # smooth: steps << std
    y, _ = run(TS.Jitter(scale=0.5, reference="steps", p=1.0), x)
    steps = np.diff(x, axis=1).std(axis=1)
    np.testing.assert_allclose((y - x).std(axis=1) / steps, 0.5, rtol=0.05)
    assert ((y - x).std(axis=1) < 0.01 * x.std(axis=1)).all()  # far below the std scale
    flat, _ = run(TS.Jitter(scale=0.5, reference="steps", p=1.0), np.full((1, 50, 1), 2.0))
    assert 0.2 < (flat - 2.0).std() < 0.8  # a channel that never changes: unit 1
    np.testing.assert_array_equal(V.step_spread(np.ones((2, 1, 3))), np.ones((2, 1, 3)))
    with pytest.raises(ValueError, match="'reference'"):
        TS.Jitter(reference="diff")


def test_defaults_are_mild():
    x = RNG.normal(size=(64, 400, 1))
    y, _ = run(TS.Jitter(p=1.0), x)
    assert ((y - x).std(axis=1) / x.std(axis=1)).max() <= 0.055
    y, _ = run(TS.Drift(p=1.0), x)
    assert (np.abs(y - x).max(axis=1) / x.std(axis=1)).max() <= 0.1 * 1.3
    y, _ = run(TS.Scaling(p=1.0), x)
    assert np.all(np.abs(y) <= np.abs(x) * 1.1 + 1e-12)


def test_scaling_factors_per_channel():
    y, params = run(TS.Scaling(factor=(2.0, 3.0), p=1.0), np.ones((5, 10, 3)))
    f = np.asarray(params["factor"])
    assert f.shape == (5, 3) and np.all((f >= 2) & (f <= 3))
    np.testing.assert_allclose(y, np.broadcast_to(f[:, None, :], y.shape))


def test_spline_matrix_interpolates_its_knots():
    m = spline_matrix(6, 101)
    knots = np.linspace(0, 100, 6).astype(int)
    np.testing.assert_allclose(m[knots], np.eye(6), atol=1e-12)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-12)  # constants stay constant


def test_magnitude_warp_passes_through_its_knots():
    y, params = run(TS.MagnitudeWarp(sigma=0.2, n_knots=3, p=1.0), np.ones((2, 41, 1)))
    knots = np.asarray(params["knots"])
    np.testing.assert_allclose(y[:, [0, 10, 20, 30, 40], 0], knots[..., 0], atol=1e-12)
    same, _ = run(TS.MagnitudeWarp(sigma=0.0, p=1.0), RAMP)
    np.testing.assert_allclose(same, RAMP)


def test_time_warp_is_monotone_with_fixed_ends():
    y, _ = run(TS.TimeWarp(sigma=0.5, p=1.0), np.tile(RAMP, (16, 1))[..., None])
    assert np.all(np.diff(y[..., 0], axis=1) >= 0)
    np.testing.assert_allclose(y[:, [0, -1], 0], [[0, 99]] * 16, atol=1e-9)
    assert not np.allclose(y[..., 0], RAMP)
    same, _ = run(TS.TimeWarp(sigma=0.0, p=1.0), RAMP)
    np.testing.assert_allclose(same, RAMP, atol=1e-9)


def test_window_slice_is_a_stretched_window():
    y, params = run(TS.WindowSlice(ratio=0.5, p=1.0), RAMP)
    start = params["start"][0] * (99 - 49.5)
    np.testing.assert_allclose(y, start + np.linspace(0, 49.5, 100), atol=1e-9)


def test_window_warp_changes_the_window_speed_only():
    y, params = run(TS.WindowWarp(ratio=0.2, scales=[2.0], p=1.0), RAMP)
    assert np.all(np.diff(y) > 0) and y[0] == 0 and abs(y[-1] - 99) < 1e-9
    slopes = np.round(np.diff(y), 6)
    assert len(np.unique(slopes)) >= 2  # the slowed window has a smaller slope
    assert np.isclose(slopes.min() * 2, slopes.max(), rtol=0.05)


def test_crop_without_and_with_resize():
    y, _ = run(TS.SeriesCrop(ratio=0.3, p=1.0), np.tile(RAMP, (4, 1))[..., None])
    assert y.shape == (4, 30, 1)
    assert np.all(np.diff(y[..., 0], axis=1) == 1)  # a contiguous slice of the input
    y, _ = run(TS.SeriesCrop(ratio=0.3, resize=True, p=1.0), RAMP)
    assert y.shape == (100,) and np.isclose(y[-1] - y[0], 0.3 * 99)


@settings(max_examples=40, deadline=None)
@given(length=st.integers(2, 60), segments=st.integers(1, 8), mode=st.sampled_from(
    ["equal", "random"]), seed=st.integers(0, 10_000))
def test_permutation_is_a_reordering_of_contiguous_segments(length, segments, mode, seed):
    segments = min(segments, length)
    op = TS.SegmentPermutation(n_segments=segments, mode=mode, p=1.0)
    y, params = run(op, np.arange(float(length)), seed=seed)
    np.testing.assert_array_equal(np.sort(y), np.arange(length))
    breaks = int((np.diff(y) != 1).sum())
    assert breaks <= segments - 1
    if mode == "equal":  # segments of array_split sizes, laid out in the sampled order
        parts = np.array_split(np.arange(float(length)), segments)
        expected = np.concatenate([parts[k] for k in params["order"][0]])
        np.testing.assert_array_equal(y, expected)


def test_permutation_rejects_series_shorter_than_the_segment_count():
    with pytest.raises(ValueError, match="SegmentPermutation.*5 steps.*8 segments"):
        TS.SegmentPermutation(n_segments=8, p=1.0)(series=np.zeros(5), seed=0)


def test_reverse_twice_is_identity():
    x = RNG.normal(size=(3, 17, 2))
    once = run(TS.SeriesReverse(p=1.0), x)[0]
    np.testing.assert_array_equal(run(TS.SeriesReverse(p=1.0), once)[0], x)


def test_rotation_keeps_norms_and_needs_two_channels():
    x = RNG.normal(size=(5, 30, 3))
    y, params = run(TS.SeriesRotation(angle=90, p=1.0), x)
    np.testing.assert_allclose(np.linalg.norm(y, axis=2), np.linalg.norm(x, axis=2))
    mats = np.asarray(params["matrix"])
    np.testing.assert_allclose(mats @ mats.transpose(0, 2, 1), np.broadcast_to(np.eye(3),
                                                                                mats.shape),
                               atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(mats), 1.0)
    with pytest.raises(ValueError, match="SeriesRotation: needs series with at least 2 channels"):
        TS.SeriesRotation(p=1.0)(series=np.zeros(10), seed=0)


def test_sign_flip_and_channel_shuffle():
    x = RNG.normal(size=(6, 20, 3))
    y, params = run(TS.SignFlip(p=1.0), x)
    np.testing.assert_allclose(y, x * np.asarray(params["factor"])[:, None, :])
    y, params = run(TS.SeriesChannelShuffle(p=1.0), x)
    for i, order in enumerate(params["order"]):
        np.testing.assert_array_equal(y[i], x[i][:, order])
    with pytest.raises(ValueError, match="SeriesChannelShuffle.*2 channels"):
        TS.SeriesChannelShuffle(p=1.0)(series=np.zeros((10, 1)), seed=0)


def test_channel_shuffle_moves_nan_with_its_channel():
    x = RNG.normal(size=(4, 10, 3))
    x[:, 2, 0] = np.nan
    y, params = run(TS.SeriesChannelShuffle(p=1.0), x)
    for i, order in enumerate(params["order"]):
        assert np.isnan(y[i, 2, order.index(0)]) and np.isnan(y).sum() == 4


def test_pool_quantize_dropout_smooth():
    x = RNG.normal(size=(3, 40, 2))
    y = V.pool(x, 4, "mean")
    np.testing.assert_allclose(y[:, :4], np.broadcast_to(x[:, :4].mean(1, keepdims=True),
                                                         (3, 4, 2)))
    np.testing.assert_array_equal(V.pool(x, 1, "max"), x)
    q = V.quantize(x, 5)
    assert all(len(np.unique(q[i, :, c].round(9))) <= 5 for i in range(3) for c in range(2))
    np.testing.assert_allclose(q.max(axis=1), x.max(axis=1))
    d = V.dropout(x, np.full(3, 0.3), "ffill", 0)
    changed = np.any(d != x, axis=2)
    assert 0.15 < changed.mean() < 0.45
    for i, t in zip(*np.nonzero(changed), strict=True):
        np.testing.assert_array_equal(d[i, t], d[i, t - 1])  # filled from the previous step
    z = V.dropout(x, np.full(3, 0.3), -7.0, 0)
    np.testing.assert_array_equal(z == -7.0, np.repeat(changed[..., None], 2, axis=2))
    np.testing.assert_allclose(V.smooth(np.full((1, 30, 1), 2.5), 5, "hann"), 2.5)
    impulse = np.zeros((1, 31, 1))
    impulse[0, 15] = 1.0
    for window in ("hann", "flat", "gaussian"):
        assert np.isclose(V.smooth(impulse, 7, window).sum(), 1.0)


def test_surrogate_keeps_mean_and_power_with_phase_only():
    x = RNG.normal(size=(2, 64, 2)) + 3.0
    y = V.surrogate(x, phase=1.0, amplitude=0.0, noise_seed=0)
    np.testing.assert_allclose(y.mean(axis=1), x.mean(axis=1))
    np.testing.assert_allclose(np.abs(np.fft.rfft(y, axis=1)), np.abs(np.fft.rfft(x, axis=1)),
                               atol=1e-9)
    assert not np.allclose(y, x)
    np.testing.assert_allclose(V.surrogate(x, 0.0, 0.0, 1), x)


def test_gather_positions():
    x = np.arange(10.0)[None, :, None]
    src = np.array([[0.0, 2.5, 9.0, 8.25]])
    np.testing.assert_allclose(R.gather(x, src)[0, :, 0], [0, 2.5, 9, 8.25])
    np.testing.assert_allclose(R.gather(x, src, "nearest")[0, :, 0], [0, 2, 9, 8])


@pytest.mark.parametrize("op", [TS.Jitter(p=1.0), TS.TimeWarp(p=1.0), TS.SegmentPermutation(
    p=1.0), TS.SeriesDropout(p=1.0)])
def test_ragged_and_batch_are_deterministic(op):
    xs = [RNG.normal(size=(t, 1)) for t in (20, 33)]
    a = op(series=xs, seed=4)["series"]
    b = op(series=xs, seed=4)["series"]
    for u, v in zip(a, b, strict=True):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("op", [TS.SeriesSmooth(size=9, p=1.0), TS.SeriesPool(size=9, p=1.0)])
def test_window_longer_than_the_series_is_a_clear_error(op):
    name = type(op).__name__
    with pytest.raises(ValueError, match=rf"{name}: a window of 9 steps.*\(5 steps\)"):
        op(series=np.zeros(5), seed=0)
    with pytest.raises(ValueError, match=rf"{name}: a window of 9 steps.*\(4 steps\)"):
        op(series=[np.zeros(12), np.zeros(4)], seed=0)


def test_smoothing_in_cache_blocks_equals_one_pass():
    x = RNG.normal(size=(300, 100, 3))  # larger than one 256 KB block
    np.testing.assert_array_equal(V.smooth(x, 5, "hann"), V._smooth_block(x, 5, "hann"))
