"""Time series: ``p`` per series in a call, and ``aug.batch`` with per-series records."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import timeseries as T

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 40, 2)).astype(np.float32)
Y = np.arange(16) % 2
MARKS = np.tile(np.arange(40), (16, 1))


def changed(out: np.ndarray, x: np.ndarray = X) -> np.ndarray:
    return (out != x).any(axis=(1, 2))


def test_p_is_drawn_per_series_in_a_call():
    counts = [int(changed(T.Jitter(p=0.5)(series=X, seed=s)["series"]).sum())
              for s in range(6)]
    assert any(0 < c < 16 for c in counts), counts  # was 0 or 16, never some
    assert 24 <= sum(counts) <= 72, counts  # about half of 96


@settings(max_examples=25, deadline=None)
@given(p=st.floats(0.05, 0.95), seed=st.integers(0, 2**32))
def test_a_call_record_names_exactly_the_series_it_changed(p, seed):
    out = T.Jitter(p=p)(series=X, seed=seed, return_record=True)
    hit = changed(out["series"])
    steps = out["record"].steps
    if not hit.any():
        assert steps == []
        return
    drawn = steps[0].params.get("applied_to", list(range(16)))
    assert np.flatnonzero(hit).tolist() == drawn
    assert len(steps[0].params["scale"]) == len(drawn)  # parameters for those series only
    replay = out["record"].apply(series=X)
    np.testing.assert_array_equal(replay["series"], out["series"])


def test_partial_call_keeps_step_labels_and_nan_aligned():
    x = X.copy()
    x[:, 5, 0] = np.nan
    aug = augkit.Compose([T.TimeWarp(p=0.5), T.SeriesReverse(p=0.5)])
    out = aug(series=x, step_labels=MARKS, seed=3, return_record=True)
    moved = (out["step_labels"] != MARKS).any(axis=1)
    assert 0 < moved.sum() < 16
    assert np.isnan(out["series"][~moved][:, 5, 0]).all()  # untouched series keep the gap
    assert np.isnan(out["series"][..., 0]).sum(axis=1).min() >= 1  # a gap never vanishes
    replay = out["record"].apply(series=x, step_labels=MARKS)
    np.testing.assert_array_equal(replay["series"], out["series"])
    np.testing.assert_array_equal(replay["step_labels"], out["step_labels"])


def test_partial_mixup_leaves_undrawn_series_as_their_own_partner():
    out = T.SeriesMixUp(p=0.5)(series=X, labels=Y, seed=1)
    hit = changed(out["series"])
    assert 0 < hit.sum() < 16
    keep = ~hit
    np.testing.assert_array_equal(out["mix_index"][keep], np.flatnonzero(keep))
    np.testing.assert_array_equal(out["mix_lambda"][keep], 1.0)
    np.testing.assert_array_equal(out["labels_mix"][keep], Y[keep])


PIPELINES = {
    "jitter": lambda: T.Jitter(p=0.5),
    "crop": lambda: T.SeriesCrop(p=0.7),  # series of different lengths: a list comes back
    "compose": lambda: augkit.Compose([T.TimeWarp(p=0.5), T.Scaling(p=0.5),
                                       augkit.OneOf([T.SeriesCrop(resize=True), T.Drift()]),
                                       T.SeriesDropout(p=0.5)], p=0.8),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_batch_records_replay_each_series_exactly(name):
    x = X.copy()
    x[::3, 7, 1] = np.nan
    out = PIPELINES[name]().batch(x, step_labels=MARKS, labels=Y, seed=4,
                                  return_records=True)
    assert len(out["records"]) == 16 and out["labels"].tolist() == Y.tolist()
    names = {tuple(r.names) for r in out["records"]}
    assert len(names) > 1, names  # choices are made per series
    for i, record in enumerate(out["records"]):
        again = augkit.Record.from_json(record.to_json()).apply(
            series=x[i], step_labels=MARKS[i], labels=Y[i])
        np.testing.assert_array_equal(again["series"], out["series"][i])
        np.testing.assert_array_equal(again["step_labels"], out["step_labels"][i])
        assert again["series"].dtype == np.float32


def test_batch_records_replay_with_layout_copies_and_lists():
    z = X[..., 0]
    out = T.TimeWarp(p=0.5).batch(z, layout="NT", copies=2, seed=0, return_records=True)
    assert out["series"].shape == (32, 40) and len(out["records"]) == 32
    for i, record in enumerate(out["records"]):
        np.testing.assert_array_equal(record.apply(series=z[i % 16])["series"],
                                      out["series"][i])
    items = [X[0, :25], X[1], X[2, :33]]
    out = T.WindowWarp(p=1.0).batch(items, seed=0, return_records=True)
    assert [s.shape for s in out["series"]] == [(25, 2), (40, 2), (33, 2)]
    for item, record, got in zip(items, out["records"], out["series"], strict=True):
        np.testing.assert_array_equal(record.apply(series=item)["series"], got)


def test_batch_and_per_series_calls_draw_from_the_same_distribution():
    x = np.random.default_rng(1).normal(size=(400, 8, 1))
    aug = T.Scaling(factor=(0.5, 1.5), p=0.3)
    batch = aug.batch(x, seed=0, return_records=True)["records"]
    calls = [aug(series=x[i], seed=1000 + i, return_record=True)["record"] for i in range(400)]
    for records in (batch, calls):
        factors = [r.steps[0].params["factor"][0][0] for r in records if r.steps]
        assert 90 <= len(factors) <= 150  # p = 0.3 of 400 per series
        assert abs(np.mean(factors) - 1.0) < 0.06 and 0.25 < np.std(factors) < 0.33


def test_mixing_ops_run_in_a_batch_but_give_no_per_series_records():
    aug = augkit.Compose([T.Jitter(p=1.0), T.Spawner(p=0.5)])
    out = aug.batch(X, labels=Y, seed=0)
    assert out["series"].shape == X.shape and changed(out["series"]).all()
    with pytest.raises(ValueError, match=r"Spawner combines series of one batch.*"
                                         r"without return_records"):
        aug.batch(X, labels=Y, seed=0, return_records=True)


@pytest.mark.parametrize("bad, kwargs, error, text", [
    (X[0], {}, ValueError, r"'series' got array of shape \(40, 2\).*a batch needs"),
    ("abc", {}, TypeError, "a batch needs an"),
    (X, {"series": X}, ValueError, "pass the series first"),
])
def test_bad_batches_name_the_argument(bad, kwargs, error, text):
    with pytest.raises(error, match=text):
        T.Jitter().batch(bad, **kwargs)


def _series_cases():
    import tests.cases_timeseries  # noqa: F401  (adds the cases)
    from augkit.timeseries.mixing import MixTransform
    from tests.conformance_cases import CASES

    return {n: c for n, c in CASES.items() if hasattr(T, n)
            and not issubclass(getattr(T, n), MixTransform)}


SERIES_CASES = _series_cases()


@pytest.mark.parametrize("name", sorted(SERIES_CASES))
def test_every_series_op_batch_record_replays_and_matches_its_single_path(name):
    case = SERIES_CASES[name]
    data = case.data(np.random.default_rng(0))
    x, marks = data["series"][:4], data["step_labels"][:4]
    out = case.build().batch(x, step_labels=marks, seed=9, return_records=True)
    for i, record in enumerate(out["records"]):
        assert record.names == [name]
        again = record.apply(series=x[i], step_labels=marks[i])
        np.testing.assert_array_equal(again["series"], out["series"][i])
        np.testing.assert_array_equal(again["step_labels"], out["step_labels"][i])


def test_series_crop_draws_p_per_series_only_when_it_keeps_the_length():
    shapes = {T.SeriesCrop(ratio=0.5, p=0.5)(series=X, seed=s)["series"].shape
              for s in range(6)}
    assert shapes == {(16, 20, 2), (16, 40, 2)}  # the batch keeps one length: all or none
    counts = [int(changed(T.SeriesCrop(ratio=0.5, resize=True, p=0.5)(series=X, seed=s)
                          ["series"]).sum()) for s in range(6)]
    assert any(0 < c < 16 for c in counts), counts
