"""Pattern mixing: label semantics, same-class partners, DTW-guided alignment, errors."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import timeseries as TS
from augkit.timeseries.targets import ADAPTER

LABELS = np.array([0, 0, 0, 1, 1, 1])


def bumps(centres, length=60, width=3.0):
    t = np.arange(length)
    return np.stack([np.exp(-0.5 * ((t - c) / width) ** 2) for c in centres])[..., None]


def run(op, **data):
    out = op(seed=0, return_record=True, **data)
    return out, out["record"].steps[0].params


def test_mixup_values_and_label_semantics():
    x = np.random.default_rng(0).normal(size=(6, 30, 2))
    out, params = run(TS.SeriesMixUp(alpha=0.4, p=1.0), series=x, labels=LABELS)
    partner, lam = np.array(params["partner"]), np.array(params["lam"])
    np.testing.assert_allclose(out["series"],
                               lam[:, None, None] * x + (1 - lam[:, None, None]) * x[partner])
    np.testing.assert_array_equal(out["labels"], LABELS)
    np.testing.assert_array_equal(out["labels_mix"], LABELS[partner])
    np.testing.assert_array_equal(out["mix_index"], partner)
    soft = TS.soft_labels(out["labels"], out["labels_mix"], out["mix_lambda"], 2)
    np.testing.assert_allclose(soft.sum(axis=1), 1.0)
    np.testing.assert_allclose(soft[np.arange(6), LABELS] >= lam - 1e-12, True)


def test_mixup_integer_step_labels_come_from_the_dominant_series():
    x = np.random.default_rng(0).normal(size=(6, 30, 1))
    steps = np.repeat(np.arange(6)[:, None], 30, axis=1)
    out, params = run(TS.SeriesMixUp(alpha=1.0, p=1.0), series=x, step_labels=steps)
    lam, partner = np.array(params["lam"]), np.array(params["partner"])
    expected = np.where(lam >= 0.5, np.arange(6), partner)
    np.testing.assert_array_equal(out["step_labels"][:, 0], expected)
    assert "labels_mix" not in out  # no class labels given


def test_cutmix_pastes_a_segment_and_reports_the_kept_fraction():
    x = np.repeat(np.arange(6.0)[:, None, None], 40, axis=1)  # series i is constant i
    steps = np.repeat(np.arange(6)[:, None], 40, axis=1)
    out, params = run(TS.SeriesCutMix(p=1.0), series=x, labels=LABELS, step_labels=steps)
    partner = np.array(params["partner"])
    own = out["series"][..., 0] == np.arange(6)[:, None]
    np.testing.assert_allclose(out["mix_lambda"], own.mean(axis=1))
    for i in range(6):
        pasted = ~own[i]
        assert np.all(out["series"][i, pasted, 0] == partner[i])
        np.testing.assert_array_equal(out["step_labels"][i], out["series"][i, :, 0])
        if pasted.any():  # one contiguous segment
            idx = np.flatnonzero(pasted)
            assert idx[-1] - idx[0] + 1 == idx.size


def test_one_label_mixing_per_pipeline():
    aug = augkit.Compose([TS.SeriesMixUp(p=1.0), TS.SeriesCutMix(p=1.0)])
    with pytest.raises(ValueError, match="already mixed"):
        aug(series=np.zeros((4, 10, 1)), seed=0)


@pytest.mark.parametrize("op", [TS.Spawner(sigma=0.0, p=1.0), TS.WeightedDBA(p=1.0),
                                TS.RandomGuidedWarp(p=1.0),
                                TS.DiscriminativeGuidedWarp(p=1.0)])
def test_same_class_ops_keep_identical_class_members(op):
    # class 0: three identical series, class 1: three identical others -> nothing to change
    x = np.concatenate([bumps([20] * 3), bumps([40] * 3)])
    out, _ = run(op, series=x, labels=LABELS)
    np.testing.assert_allclose(out["series"], x, atol=1e-12)
    np.testing.assert_array_equal(out["labels"], LABELS)


@pytest.mark.parametrize("op", [TS.Spawner(p=1.0), TS.WeightedDBA(n_neighbors=2, p=1.0),
                                TS.RandomGuidedWarp(p=1.0)])
def test_partners_come_from_the_same_class(op):
    x = np.random.default_rng(1).normal(size=(6, 40, 1))
    out, params = run(op, series=x, labels=LABELS)
    chosen = params.get("partner") or params.get("prototype") or params["members"]
    for i, c in enumerate(chosen):
        for j in np.atleast_1d(c):
            assert LABELS[j] == LABELS[i] and j != i
    assert out["series"].shape == x.shape


def test_guided_warp_moves_the_peak_and_its_label_to_the_prototype():
    x = bumps([20, 35, 20, 35])
    steps = np.zeros((4, 60), np.int64)
    steps[[0, 2], 20] = 1
    steps[[1, 3], 35] = 1
    out, params = run(TS.RandomGuidedWarp(window=None, p=1.0), series=x, step_labels=steps,
                      labels=[0, 0, 1, 1])
    for i, proto in enumerate(params["prototype"]):
        target = 35 if proto in (1, 3) else 20
        peak = int(np.argmax(out["series"][i, :, 0]))
        assert abs(peak - target) <= 1
        marks = np.flatnonzero(out["step_labels"][i])
        assert marks.size >= 1 and np.all(np.abs(marks - peak) <= 2)


def test_discriminative_prototype_is_the_most_discriminative_candidate():
    # class 0 has one series close to class 1 (bad prototype) and two far from it
    x = np.concatenate([bumps([10, 12, 38]), bumps([40, 41, 42])])
    out, params = run(TS.DiscriminativeGuidedWarp(n_candidates=2, window=None, p=1.0),
                      series=x, labels=LABELS)
    from augkit.timeseries.functional.mix import discriminative_prototypes
    best = discriminative_prototypes(x, params["positives"], params["negatives"], None)
    assert set(params["positives"][0]) == {1, 2}  # the only two other class-0 series
    assert best[0] == 1  # far from class 1, near its own class
    assert abs(int(np.argmax(out["series"][0, :, 0])) - 12) <= 1  # re-timed to follow it


def test_spawner_and_dba_average_two_different_members():
    x = np.concatenate([bumps([25, 27]), bumps([40, 42])])
    out, _ = run(TS.WeightedDBA(n_neighbors=1, iterations=3, p=1.0), series=x,
                 labels=[0, 0, 1, 1])
    peaks = np.argmax(out["series"][..., 0], axis=1)
    assert 25 <= peaks[0] <= 27 and 40 <= peaks[3] <= 42
    out, _ = run(TS.Spawner(sigma=0.0, p=1.0), series=x, labels=[0, 0, 1, 1])
    assert np.all(np.abs(np.argmax(out["series"][..., 0], axis=1) - [26, 26, 41, 41]) <= 2)


@pytest.mark.parametrize("data, text", [
    ({"series": [np.zeros(10), np.zeros(12)], "labels": [0, 0]}, "equal-length"),
    ({"series": np.zeros((4, 10, 1))}, "pass class labels"),
    ({"series": np.zeros(10), "labels": 0}, "at least 2 series"),
    ({"series": np.zeros((4, 10, 1)), "labels": [0, 0, 1, 1],
      "step_labels": np.zeros((4, 10))}, "per-step labels cannot be carried"),
])
def test_mixing_errors(data, text):
    with pytest.raises(ValueError, match=text):
        TS.Spawner(p=1.0)(seed=0, **data)


def test_mixing_replays_exactly_from_json():
    x = np.random.default_rng(2).normal(size=(6, 30, 1))
    for op in (TS.Spawner(p=1.0), TS.DiscriminativeGuidedWarp(p=1.0)):
        out = op(series=x, labels=LABELS, seed=3, return_record=True)
        again = augkit.Record.from_json(out["record"].to_json()).apply(series=x, labels=LABELS)
        np.testing.assert_array_equal(again["series"], out["series"])


def test_spawner_and_dba_keep_the_nan_marks_of_the_series():
    x = np.random.default_rng(3).normal(size=(4, 60, 2))
    x[0, 20:25, 1] = np.nan
    labels = [0, 0, 1, 1]
    dba = TS.WeightedDBA(p=1.0, backend="numpy")(series=x, labels=labels, seed=0)["series"]
    np.testing.assert_array_equal(np.isnan(dba), np.isnan(x))  # on the series' own time axis
    out = TS.Spawner(p=1.0, sigma=0.0, backend="numpy")(series=x, labels=labels, seed=0)
    gaps = np.isnan(out["series"])
    assert not gaps[1:].any() and not gaps[0, :, 0].any()  # the gap stays in its channel
    steps = np.flatnonzero(gaps[0, :, 1])
    assert 3 <= steps.size <= 10 and np.all(np.diff(steps) == 1)  # one gap, moved by the path
    assert 10 <= steps[0] <= 30
    record = TS.Spawner(p=1.0, backend="numpy")(series=x, labels=labels, seed=1,
                                               return_record=True)
    replay = record["record"].apply(series=x, labels=labels)["series"]
    np.testing.assert_array_equal(replay, record["series"])


@pytest.mark.parametrize("op", [TS.Spawner(p=1.0, backend="numpy"),
                                TS.WeightedDBA(p=1.0, backend="numpy"),
                                TS.RandomGuidedWarp(p=1.0, backend="numpy"),
                                TS.DiscriminativeGuidedWarp(p=1.0, backend="numpy")],
                         ids=lambda op: type(op).__name__)
def test_dtw_ops_build_only_the_drawn_series_and_match_the_full_batch(op):
    # p < 1 mixes only the drawn series: those must equal the same parameters applied to all
    x = np.random.default_rng(4).normal(size=(6, 40, 2))
    data = {"series": x, "labels": LABELS}
    if isinstance(op, TS.RandomGuidedWarp):  # the warps carry per-step labels along
        data["step_labels"] = np.tile(np.arange(40), (6, 1))
    state = ADAPTER.prepare(data, ADAPTER.check_options({}))
    params = op.sample(np.random.default_rng(1), state)
    full = op.apply(dict(state), params)
    rows = [1, 4]
    some = op.apply(dict(state), {**params, "applied_to": rows})
    others = [i for i in range(6) if i not in rows]
    for key in data:
        got, want = np.asarray(some[key]), np.asarray(full[key])
        np.testing.assert_array_equal(got[rows], want[rows], err_msg=key)
        np.testing.assert_array_equal(got[others], np.asarray(state[key])[others], err_msg=key)
    assert not np.array_equal(np.asarray(full["series"])[others], x[others])  # rows did differ
