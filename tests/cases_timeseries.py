"""Conformance cases for time-series transforms, and the output rules they are checked by.

Example data: a float32 batch (N=6, T=48, C=2) whose channel 1 is the time index itself and
whose integer per-step labels are the time index too. After any time map the interpolated
ramp channel and the nearest-neighbour labels must still agree within half a step: that is
the alignment check for series vs per-step labels.
"""

from __future__ import annotations

import numpy as np

from augkit import timeseries as TS
from augkit.timeseries.base import TimeMapTransform
from augkit.timeseries.mixing import RandomGuidedWarp
from tests.conformance_cases import Case, add

N, T, C = 6, 48, 2
LABELS = [0, 0, 0, 1, 1, 1]


def series_data(rng: np.random.Generator, step_labels: bool = True) -> dict:
    x = np.empty((N, T, C), np.float32)
    x[..., 0] = rng.normal(size=(N, T))
    x[..., 1] = np.arange(T)
    data = {"series": x, "labels": list(LABELS)}
    if step_labels:
        data["step_labels"] = np.tile(np.arange(T, dtype=np.int64), (N, 1))
    return data


def check_series_output(name: str):
    moves_time = issubclass(getattr(TS, name), (TimeMapTransform, RandomGuidedWarp))

    def check(inp: dict, out: dict) -> None:
        x, y = inp["series"], out["series"]
        assert y.dtype == x.dtype and y.ndim == 3
        assert y.shape[0] == N and y.shape[2] == C
        assert np.isfinite(y).all()
        assert out["labels"] == inp["labels"], "class labels changed"
        if "step_labels" not in inp:
            assert y.shape == x.shape
            return
        lab = out["step_labels"]
        assert lab.shape == y.shape[:2] and lab.dtype == np.int64
        if moves_time:
            gap = np.abs(y[..., 1].astype(np.float64) - lab)
            assert gap.max() <= 0.5 + 1e-4, f"labels drifted from the series by {gap.max()}"
        elif name not in ("SeriesRotation", "SeriesChannelShuffle", "SeriesMixUp",
                          "SeriesCutMix"):
            np.testing.assert_array_equal(lab, inp["step_labels"])

    return check


def _case(name, build, bad_args, data=series_data, random=True):
    add(name, Case(build=build, data=data, bad_args=bad_args,
                   check=check_series_output(name), random=random))


def _no_steps(rng):
    return series_data(rng, step_labels=False)


_case("Jitter", lambda: TS.Jitter(scale=0.1, p=1.0),
      [({"scale": -1.0}, ValueError, "scale"), ({"distribution": "cauchy"}, ValueError,
                                                "distribution")])
_case("Scaling", lambda: TS.Scaling(p=1.0), [({"factor": "big"}, TypeError, "factor")])
_case("MagnitudeWarp", lambda: TS.MagnitudeWarp(sigma=0.3, p=1.0),
      [({"sigma": 2.0}, ValueError, "sigma"), ({"n_knots": 1.5}, TypeError, "n_knots")])
_case("Drift", lambda: TS.Drift(max_drift=0.5, p=1.0),
      [({"max_drift": -0.1}, ValueError, "max_drift"),
       ({"per_channel": "yes"}, TypeError, "per_channel")])
_case("SeriesPool", lambda: TS.SeriesPool(size=(2, 4), p=1.0),
      [({"size": 0}, ValueError, "size"), ({"kind": "median"}, ValueError, "kind")])
_case("SeriesQuantize", lambda: TS.SeriesQuantize(levels=(4, 8), p=1.0),
      [({"levels": 1}, ValueError, "levels")])
_case("SeriesDropout", lambda: TS.SeriesDropout(rate=0.2, p=1.0),
      [({"rate": 1.5}, ValueError, "rate"), ({"fill": "bfill"}, ValueError, "fill"),
       ({"fill": float("nan")}, ValueError, "fill")])
_case("SeriesSmooth", lambda: TS.SeriesSmooth(size=(3, 7), p=1.0),
      [({"size": 0}, ValueError, "size"), ({"window": "box"}, ValueError, "window")])
_case("FrequencySurrogate", lambda: TS.FrequencySurrogate(phase=0.3, p=1.0),
      [({"phase": 2.0}, ValueError, "phase"), ({"amplitude": -1}, ValueError, "amplitude")])
_case("TimeWarp", lambda: TS.TimeWarp(sigma=0.3, p=1.0),
      [({"sigma": -0.1}, ValueError, "sigma"), ({"n_knots": -1}, ValueError, "n_knots")])
_case("WindowSlice", lambda: TS.WindowSlice(ratio=(0.5, 0.8), p=1.0),
      [({"ratio": 0.0}, ValueError, "ratio"), ({"ratio": (0.9, 0.5)}, ValueError, "ratio")])
_case("WindowWarp", lambda: TS.WindowWarp(ratio=0.3, p=1.0),
      [({"ratio": 1.5}, ValueError, "ratio"), ({"scales": []}, ValueError, "scales")])
_case("SeriesCrop", lambda: TS.SeriesCrop(ratio=(0.5, 0.7), p=1.0),
      [({"ratio": 1.2}, ValueError, "ratio"), ({"resize": 1}, TypeError, "resize")])
_case("SegmentPermutation", lambda: TS.SegmentPermutation(n_segments=(3, 5), mode="random",
                                                          p=1.0),
      [({"n_segments": 0}, ValueError, "n_segments"), ({"mode": "fixed"}, ValueError, "mode")])
_case("SeriesReverse", lambda: TS.SeriesReverse(p=1.0), [({"p": -1}, ValueError, "'p'")],
      random=False)
_case("SeriesRotation", lambda: TS.SeriesRotation(angle=45, p=1.0),
      [({"angle": 270}, ValueError, "angle")])
_case("SignFlip", lambda: TS.SignFlip(p=1.0), [({"per_channel": None}, TypeError,
                                                "per_channel")])
_case("SeriesChannelShuffle", lambda: TS.SeriesChannelShuffle(p=1.0),
      [({"p": 2}, ValueError, "'p'")])
_case("SeriesMixUp", lambda: TS.SeriesMixUp(alpha=1.0, p=1.0),
      [({"alpha": -1}, ValueError, "alpha")])
_case("SeriesCutMix", lambda: TS.SeriesCutMix(p=1.0), [({"alpha": "x"}, TypeError, "alpha")])
_case("Spawner", lambda: TS.Spawner(p=1.0),
      [({"sigma": -1}, ValueError, "sigma"), ({"window": 1.5}, ValueError, "window"),
       ({"backend": "cuda"}, ValueError, "backend")], data=_no_steps)
_case("WeightedDBA", lambda: TS.WeightedDBA(n_neighbors=1, iterations=2, p=1.0),
      [({"n_neighbors": 0}, ValueError, "n_neighbors"), ({"window": -1}, ValueError,
                                                         "window")], data=_no_steps)
_case("RandomGuidedWarp", lambda: TS.RandomGuidedWarp(p=1.0),
      [({"window": "wide"}, ValueError, "window")])
_case("DiscriminativeGuidedWarp", lambda: TS.DiscriminativeGuidedWarp(n_candidates=2, p=1.0),
      [({"n_candidates": 0}, ValueError, "n_candidates")])
