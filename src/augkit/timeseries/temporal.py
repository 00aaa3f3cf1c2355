"""Transforms that move the time axis: warps, slices, crops, permutation, reversal.

Each one only builds source positions; series, per-step labels and NaN masks are all gathered
from the same positions, so a label placed on a peak stays on that peak.
"""

from __future__ import annotations

import numpy as np

from augkit.core.magnitude import Magnitude
from augkit.core.validate import check_choice, check_number, check_range
from augkit.timeseries.base import TimeMapTransform, check_bool, n_series
from augkit.timeseries.functional import resample as R
from augkit.timeseries.functional.curves import warp_positions
from augkit.timeseries.targets import NAN_KEY


class TimeWarp(TimeMapTransform):
    """Smooth monotone warp of the time axis: the local speed is a cubic spline through
    ``n_knots`` + 2 knots ~ N(1, ``sigma``); both ends stay fixed, length is kept. The default
    sigma 0.05 is half the common 0.1 (see experiments/timeseries_defaults.py).

    >>> import numpy as np
    >>> x = np.exp(-0.5 * ((np.arange(100) - 40) / 3.0) ** 2)  # a peak at step 40
    >>> marks = (np.arange(100) == 40).astype(np.int64)  # an event mark on the peak
    >>> out = TimeWarp(sigma=0.3, p=1.0)(series=x, step_labels=marks, seed=0)
    >>> abs(int(np.argmax(out["series"])) - int(np.argmax(out["step_labels"]))) <= 1
    True
    """

    def __init__(self, sigma: float = 0.05, n_knots: int = 4, p: float = 0.5):
        super().__init__(p=p)
        self.sigma = check_number(self, "sigma", sigma, 0.0, 1.0)
        self.n_knots = check_number(self, "n_knots", n_knots, 0, 100, integer=True)

    magnitude = Magnitude(lambda v: {"sigma": v}, span=0.2, unit="speed std (around 1)")

    def sample(self, rng, state):
        speeds = rng.normal(1.0, self.sigma, (n_series(state), self.n_knots + 2))
        return {"speeds": np.clip(speeds, 0.05, None).tolist()}

    def positions(self, n, length, params):
        return warp_positions(np.asarray(params["speeds"], dtype=np.float64), length)


class WindowSlice(TimeMapTransform):
    """Cut a window of ``ratio`` x the length at a random place and stretch it back to the
    full length (ratio drawn per series). The default (0.95-1.0) is milder than the common
    0.9: on UCR sets with a small CNN, 0.9-0.95 cost about 2 accuracy points
    (experiments/timeseries_defaults.py)."""

    def __init__(self, ratio: float | tuple[float, float] = (0.95, 1.0), p: float = 0.5):
        super().__init__(p=p)
        self.ratio = check_range(self, "ratio", ratio, 0.01, 1.0)

    magnitude = Magnitude(lambda v: {"ratio": (v, v)}, identity=1.0, span=-0.3,
                          unit="window kept (fraction of the length)")

    def sample(self, rng, state):
        n = n_series(state)
        return {"ratio": rng.uniform(*self.ratio, n).tolist(), "start": rng.random(n).tolist()}

    def positions(self, n, length, params):
        return R.slice_positions(length, length, np.asarray(params["start"]),
                                 np.asarray(params["ratio"]))


class WindowWarp(TimeMapTransform):
    """Speed up or slow down a window of ``ratio`` x the length by a factor picked from
    ``scales``, then fit the series back into its length."""

    def __init__(self, ratio: float = 0.1, scales: tuple[float, ...] = (0.5, 2.0),
                 p: float = 0.5):
        super().__init__(p=p)
        self.ratio = check_number(self, "ratio", ratio, 0.0, 1.0)
        if (not isinstance(scales, (list, tuple)) or not scales or any(
                isinstance(s, bool) or not isinstance(s, (int, float)) or not 0.01 <= s <= 100
                for s in scales)):
            raise ValueError(f"WindowWarp: argument 'scales' got {scales!r}; expected a "
                             "non-empty list of numbers in [0.01, 100]")
        self.scales = [float(s) for s in scales]

    magnitude = Magnitude(lambda v: {"ratio": v}, span=0.3,
                          unit="warped window (fraction of the length)")

    def sample(self, rng, state):
        n = n_series(state)
        return {"start": rng.random(n).tolist(),
                "scale": np.asarray(self.scales)[rng.integers(0, len(self.scales), n)].tolist()}

    def positions(self, n, length, params):
        return R.window_warp_positions(length, np.asarray(params["start"]),
                                       np.full(n, self.ratio), np.asarray(params["scale"]))


class SeriesCrop(TimeMapTransform):
    """Crop a window of ``ratio`` x the length (drawn per call, so a batch keeps one length)
    at a random place per series; ``resize=True`` stretches it back to the full length.
    Without ``resize``, ``p`` is drawn once per call (all series or none keep one length);
    with it, per series as for the other ops.

    >>> import numpy as np
    >>> SeriesCrop(ratio=0.5, p=1.0)(series=np.zeros((3, 10, 2)), seed=0)["series"].shape
    (3, 5, 2)
    """

    @property
    def per_series_p(self) -> bool:  # type: ignore[override]
        # a crop that keeps its length may skip some series; one that shortens the series
        # draws p once per call, so a batch keeps one length
        return self.resize

    def __init__(self, ratio: float | tuple[float, float] = (0.8, 0.95), resize: bool = False,
                 p: float = 0.5):
        super().__init__(p=p)
        self.ratio = check_range(self, "ratio", ratio, 0.01, 1.0)
        self.resize = check_bool(self, "resize", resize)

    def sample(self, rng, state):
        return {"ratio": float(rng.uniform(*self.ratio)),
                "start": rng.random(n_series(state)).tolist()}

    def positions(self, n, length, params):
        start = np.asarray(params["start"])
        if self.resize:
            return R.slice_positions(length, length, start, np.full(n, params["ratio"]))
        out_len = int(min(length, max(2, round(params["ratio"] * length))))
        return R.crop_positions(length, out_len, start)


class SegmentPermutation(TimeMapTransform):
    """Cut each series into segments (count drawn from ``n_segments`` per call) of equal
    lengths (``mode="equal"``; the first ``T % S`` are one step longer) or random lengths
    (``mode="random"``) and reorder them at random per series.

    >>> import numpy as np
    >>> out = SegmentPermutation(n_segments=3, p=1.0)(series=np.arange(10.0), seed=0)
    >>> sorted(out["series"].tolist()) == list(range(10))
    True
    """

    def __init__(self, n_segments: int | tuple[int, int] = (2, 5), mode: str = "equal",
                 p: float = 0.5):
        super().__init__(p=p)
        self.n_segments = check_range(self, "n_segments", n_segments, 1, 10_000, integer=True)
        self.mode = check_choice(self, "mode", mode, ("equal", "random"))

    magnitude = Magnitude(lambda v: {"n_segments": (int(v), int(v))}, identity=1, span=9,
                          integer=True, unit="segments")

    def sample(self, rng, state):
        n = n_series(state)
        s = int(rng.integers(self.n_segments[0], self.n_segments[1] + 1))
        orders = np.argsort(rng.random((n, s)), axis=1)
        params = {"n_segments": s, "order": orders.tolist()}
        if self.mode == "random":
            params["cuts"] = np.sort(rng.random((n, s - 1)), axis=1).tolist()
        return params

    def positions(self, n, length, params):
        s = params["n_segments"]
        if length < s:
            raise ValueError(f"SegmentPermutation: a series of {length} steps cannot be cut into "
                             f"{s} segments; use fewer segments or longer series")
        cuts = np.asarray(params["cuts"]).reshape(n, s - 1) if "cuts" in params else None
        edges = R.segment_bounds(length, cuts, s)
        return R.permutation_positions(length, edges, np.asarray(params["order"], np.intp))


class SeriesReverse(TimeMapTransform):
    """Reverse the time axis (labels and NaN positions too)."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def positions(self, n, length, params):
        return R.reverse_positions(n, length)

    def apply_state(self, state, params):
        if isinstance(state["series"], list):
            return super().apply_state(state, params)
        out = dict(state)  # a batch: a reversed copy is cheaper than a gather
        for key in ("series", "step_labels", NAN_KEY):
            if key in state:
                out[key] = np.ascontiguousarray(state[key][:, ::-1])
        return out
