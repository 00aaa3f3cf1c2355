"""Time-series inputs: layouts, dtypes, per-step and class labels, NaN policy, copies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import timeseries as TS

REV = TS.SeriesReverse(p=1.0)
SAME = TS.Scaling(factor=1.0, p=1.0)


@pytest.mark.parametrize("shape, cf, time_axis", [
    ((30,), False, 0), ((30, 2), False, 0), ((4, 30, 2), False, 1),
    ((2, 30), True, 1), ((4, 2, 30), True, 2),
])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_layouts_round_trip_and_time_axis(shape, cf, time_axis, dtype):
    x = np.random.default_rng(0).normal(size=shape).astype(dtype)
    same = SAME(series=x, channels_first=cf)["series"]
    assert same.dtype == dtype and same.shape == x.shape
    np.testing.assert_array_equal(same, x)
    rev = REV(series=x, channels_first=cf)["series"]
    np.testing.assert_array_equal(rev, np.flip(x, axis=time_axis))


def test_compose_target_options_apply_channels_first():
    x = np.random.default_rng(0).normal(size=(3, 2, 25))
    aug = augkit.Compose([REV], targets={"channels_first": True})
    np.testing.assert_array_equal(aug(series=x)["series"], x[..., ::-1])
    with pytest.raises(ValueError, match="unknown timeseries target option"):
        augkit.Compose([REV], targets={"channel_first": True})


@pytest.mark.parametrize("value, error, text", [
    (np.arange(10), TypeError, "float32"),
    (np.zeros((0,)), ValueError, "shape"),
    (np.zeros((2, 3, 4, 5)), ValueError, "shape"),
    (np.zeros(1), ValueError, "at least 2 time steps"),
    (np.array([0.0, np.inf, 1.0]), ValueError, "finite"),
    ([1.0, 2.0], TypeError, "series[0]"),
    ([], ValueError, "non-empty"),
    ("abc", TypeError, "'series'"),
])
def test_bad_series_are_rejected_clearly(value, error, text):
    with pytest.raises(error) as info:
        REV(series=value)
    assert text in str(info.value) and "timeseries targets" in str(info.value)


def test_missing_and_unknown_keywords():
    with pytest.raises(ValueError, match="'series' is required"):
        REV(step_labels=np.zeros(5))
    with pytest.raises(ValueError, match="unknown keyword.*image"):
        REV(series=np.zeros(5), image=np.zeros(5))


def test_step_labels_follow_the_time_axis_and_keep_dtype():
    x = np.random.default_rng(0).normal(size=(3, 20, 1))
    for lab in (np.arange(20)[None].repeat(3, 0), np.ones((3, 20), bool),
                np.random.default_rng(1).random((3, 20, 2)).astype(np.float32)):
        out = REV(series=x, step_labels=lab)
        assert out["step_labels"].dtype == lab.dtype and out["step_labels"].shape == lab.shape
        np.testing.assert_array_equal(out["step_labels"], lab[:, ::-1])


def test_integer_step_labels_are_never_blended():
    x = np.random.default_rng(0).normal(size=(8, 60, 1))
    lab = np.repeat([[0, 2, 0]], 20, axis=1).repeat(8, 0)  # classes 0 and 2 only
    out = TS.TimeWarp(sigma=0.5, p=1.0)(series=x, step_labels=lab, seed=0)
    assert set(np.unique(out["step_labels"])) <= {0, 2}  # no "1" from averaging 0 and 2


@pytest.mark.parametrize("lab, text", [
    (np.zeros((3, 19)), r"\(3, 20\)"), (np.zeros(20), r"\(3, 20\)"),
    (np.array([["a"] * 20] * 3), "numeric"),
])
def test_bad_step_labels(lab, text):
    with pytest.raises((ValueError, TypeError), match=text):
        REV(series=np.zeros((3, 20, 1)), step_labels=lab)


def test_class_labels_are_carried_and_checked():
    x = np.zeros((3, 10, 1))
    assert REV(series=x, labels=["a", "b", "c"])["labels"] == ["a", "b", "c"]
    arr = REV(series=x, labels=np.array([3, 1, 2]))["labels"]
    assert isinstance(arr, np.ndarray) and arr.tolist() == [3, 1, 2]
    assert REV(series=np.zeros(10), labels=7)["labels"] == 7
    with pytest.raises(ValueError, match="expected 3 class labels"):
        REV(series=x, labels=[1, 2])


def test_ragged_lists_keep_their_lengths_and_labels():
    rng = np.random.default_rng(0)
    xs = [rng.normal(size=(t, 2)).astype(np.float32) for t in (12, 30, 7)]
    steps = [np.arange(len(s)) for s in xs]
    out = TS.TimeWarp(sigma=0.3, p=1.0)(series=xs, step_labels=steps, labels=[0, 1, 0], seed=3)
    assert [s.shape for s in out["series"]] == [s.shape for s in xs]
    assert all(s.dtype == np.float32 for s in out["series"])
    for s, lab in zip(out["series"], out["step_labels"], strict=True):
        assert lab.shape == s.shape[:1] and lab[0] == 0 and lab[-1] == len(s) - 1
    crop = TS.SeriesCrop(ratio=0.5, p=1.0)(series=xs, seed=0)["series"]
    assert [len(s) for s in crop] == [6, 15, 4]
    noisy = TS.Jitter(p=1.0)(series=xs, seed=1)["series"]
    assert not np.allclose(noisy[0][:7], noisy[2][:7] - xs[2][:7] + xs[0][:7])  # own noise


def test_ragged_step_labels_must_match_each_length():
    with pytest.raises(ValueError, match=r"step_labels\[1\]"):
        REV(series=[np.zeros(5), np.zeros(6)], step_labels=[np.zeros(5), np.zeros(5)])


def test_nan_is_preserved_in_place_and_never_spreads():
    x = np.sin(np.linspace(0, 6, 64))[None, :, None].repeat(2, 0)
    x[0, 10, 0] = np.nan
    x[1, 40:43, 0] = np.nan
    for op in (TS.Jitter(p=1.0), TS.SeriesSmooth(size=7, p=1.0), TS.FrequencySurrogate(p=1.0),
               TS.MagnitudeWarp(p=1.0), TS.SeriesQuantize(p=1.0)):
        y = op(series=x, seed=0)["series"]
        np.testing.assert_array_equal(np.isnan(y), np.isnan(x))
    y = REV(series=x)["series"]
    np.testing.assert_array_equal(np.isnan(y), np.isnan(x[:, ::-1]))
    warped = TS.TimeWarp(sigma=0.3, p=1.0)(series=x, seed=0)["series"]
    assert 1 <= np.isnan(warped[0]).sum() <= 3 and np.isnan(warped[1]).sum() >= 1
    assert np.isfinite(warped[:, :5]).all()


def test_nan_policy_raise():
    x = np.array([0.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="NaN.*nan_policy"):
        REV(series=x, nan_policy="raise")
    with pytest.raises(ValueError, match="nan_policy"):
        REV(series=x, nan_policy="drop")


def test_copies_repeat_the_batch_with_fresh_parameters():
    x = np.random.default_rng(0).normal(size=(4, 50, 1))
    out = TS.Jitter(p=1.0)(series=x, labels=[0, 1, 2, 3], step_labels=np.zeros((4, 50), int),
                           copies=3, seed=0, return_record=True)
    assert out["series"].shape == (12, 50, 1)
    assert out["labels"] == [0, 1, 2, 3] * 3
    assert out["step_labels"].shape == (12, 50)
    assert not np.allclose(out["series"][:4], out["series"][4:8])  # copies differ
    np.testing.assert_allclose(out["series"][:4], x, atol=1.0)  # each copy is near its source
    replay = augkit.Record.from_json(out["record"].to_json()).apply(series=x, labels=[0, 1, 2, 3],
                                                                   step_labels=np.zeros((4, 50),
                                                                                        int))
    np.testing.assert_array_equal(replay["series"], out["series"])


def test_copies_of_one_series_make_a_batch():
    out = TS.Jitter(p=1.0)(series=np.zeros(20, np.float32) + 1, labels=5, copies=3, seed=0)
    assert out["series"].shape == (3, 20) and out["labels"].tolist() == [5] * 3
    with pytest.raises(ValueError, match="copies"):
        REV(series=np.zeros(5), copies=0)


def test_record_moves_a_second_series_identically():
    x = np.random.default_rng(0).normal(size=(2, 40, 1))
    out = TS.TimeWarp(sigma=0.4, p=1.0)(series=x, seed=2, return_record=True)
    ramp = np.arange(40.0)[None, :, None].repeat(2, 0)
    moved = out["record"].apply(series=ramp)["series"]
    # the ramp tells where every output step came from; the series must match that
    for i in range(2):
        np.testing.assert_allclose(out["series"][i, :, 0],
                                   np.interp(moved[i, :, 0], np.arange(40), x[i, :, 0]))


TIME_MAPS = [TS.TimeWarp(sigma=0.5, p=1.0), TS.WindowSlice(ratio=(0.3, 0.9), p=1.0),
             TS.WindowWarp(ratio=0.3, p=1.0), TS.SeriesCrop(ratio=(0.3, 0.9), p=1.0),
             TS.SeriesCrop(resize=True, p=1.0), TS.SegmentPermutation(mode="random", p=1.0),
             TS.SeriesReverse(p=1.0)]


@settings(max_examples=60, deadline=None)
@given(op=st.sampled_from(TIME_MAPS), lengths=st.lists(st.integers(5, 80), min_size=1,
                                                       max_size=4),
       ragged=st.booleans(), seed=st.integers(0, 2**16))
def test_step_labels_stay_aligned_under_every_time_map(op, lengths, ragged, seed):
    # channel 0 is the time index; labels are the time index: they must still agree
    if not ragged:
        lengths = [lengths[0]] * len(lengths)
    series = [np.stack([np.arange(t, dtype=float), np.ones(t)], axis=1) for t in lengths]
    steps = [np.arange(t) for t in lengths]
    if ragged:
        out = op(series=series, step_labels=steps, seed=seed)
        ys, labs = out["series"], out["step_labels"]
    else:
        out = op(series=np.stack(series), step_labels=np.stack(steps), seed=seed)
        ys, labs = list(out["series"]), list(out["step_labels"])
    for y, lab in zip(ys, labs, strict=True):
        assert y.shape[0] == lab.shape[0] >= 2
        assert np.abs(y[:, 0] - lab).max() <= 0.5 + 1e-9
        assert np.all((lab >= 0) & (lab < max(lengths)))


def test_layout_nt_takes_a_2d_array_as_n_univariate_series():
    x = np.random.default_rng(0).normal(size=(5, 40))
    marks = (np.arange(40) % 7 == 0)[None].repeat(5, 0)
    out = REV(series=x, layout="NT", step_labels=marks, labels=np.arange(5))
    assert out["series"].shape == (5, 40) and out["step_labels"].shape == (5, 40)
    np.testing.assert_array_equal(out["series"], x[:, ::-1])
    np.testing.assert_array_equal(out["step_labels"], marks[:, ::-1])
    assert augkit.Compose([REV], targets={"layout": "NT"})(series=x)["series"].shape == (5, 40)
    np.testing.assert_array_equal(REV(series=x.T, layout="TC")["series"], x.T[::-1])
    np.testing.assert_array_equal(REV(series=x, layout="CT")["series"], x[:, ::-1])


@pytest.mark.parametrize("kwargs, text", [
    ({}, r"16 steps with 100 channels.*layout='NT'.*\(16, 100, 1\)"),
    ({"channels_first": True}, r"\(C, T\).*100 steps with 16 channels|"),
    ({"layout": "NTC"}, r"layout 'NTC' needs a 3-D array"),
    ({"layout": "NT", "channels_first": True}, "pass only the layout"),
    ({"layout": "nt"}, r"'layout' got 'nt'.*'NT'"),
])
def test_a_2d_batch_is_never_read_as_one_wide_series(kwargs, text):
    x = np.zeros((16, 100))
    if kwargs.get("channels_first") and "layout" not in kwargs:
        REV(series=x, **kwargs)  # (C, T) = 16 channels of 100 steps is plausible
        with pytest.raises(ValueError, match=r"\(C, T\).*16 steps with 100 channels"):
            REV(series=x.T, **kwargs)
        return
    with pytest.raises(ValueError, match=text):
        REV(series=x, **kwargs)


def test_copies_and_their_memory_are_bounded():
    x = np.zeros((4, 50, 2))
    with pytest.raises(ValueError, match=r"'copies' got 1000000; at most 10000"):
        REV(series=x, copies=10**6)
    with augkit.override_limits(max_copies=3), pytest.raises(ValueError, match="at most 3"):
        augkit.Compose([REV], targets={"copies": 4})
    with augkit.override_limits(max_output_bytes=2**16), pytest.raises(
            ValueError, match=r"copies=30 of 400 values .* 93.8 KiB, above the limit of 64.0"):
        REV(series=x, copies=30)
    assert REV(series=x, copies=3)["series"].shape == (12, 50, 2)
