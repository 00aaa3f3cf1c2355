"""Base classes of time-series transforms.

The working state holds ``series`` as float64 (N, T, C) (or a list of (T_i, C) arrays when
lengths differ), optional ``step_labels`` (N, T, L), class ``labels`` (N,) and a private NaN
mask. Parameters follow one convention so that batches vectorise and ragged lists still work:
**a list-valued parameter holds one entry per series** (length N); scalars are shared by the
whole call. For a ragged list each series is processed alone with its own entries, and a
``noise_seed`` becomes ``[noise_seed, i]`` so every series still gets its own noise.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from augkit.core.record import Step
from augkit.core.transform import Params, State, Transform
from augkit.timeseries.functional.resample import gather
from augkit.timeseries.targets import ADAPTER, NAN_KEY

SEED_MAX = 2**63 - 1
APPLIED_TO = "applied_to"  # params key: the series a call acted on, when not all of them


def n_series(state: State) -> int:
    s = state["series"]
    return len(s) if isinstance(s, list) else s.shape[0]


def lengths(state: State) -> list[int]:
    s = state["series"]
    return [a.shape[0] for a in s] if isinstance(s, list) else [s.shape[1]] * s.shape[0]


def channels(state: State) -> int:
    s = state["series"]
    return (s[0] if isinstance(s, list) else s).shape[-1]


def item_params(params: Params, i: int, n: int) -> Params:
    """The parameters of series ``i`` of ``n``, shaped as a batch of one."""
    out: Params = {}
    for key, value in params.items():
        if key == "noise_seed":
            out[key] = [value, i] if isinstance(value, int) else [*value, i]
        elif isinstance(value, list) and len(value) == n:
            out[key] = value[i:i + 1]
        else:
            out[key] = value
    return out


class SeriesTransform(Transform, register=False):
    """A transform of the values of each series; the time axis does not move, so per-step
    labels and the NaN mask pass through. Subclasses implement ``apply_series`` over
    float64 (N, T, C) with the parameters of those N series (or ``apply_state`` over the
    whole state).

    ``p`` is drawn per series: a call samples parameters for the series drawn only, and
    when that is some but not all of them, its params name them under ``"applied_to"``
    (so a record replays exactly). Ops whose result must keep one length for the whole
    batch set ``per_series_p = False`` and draw ``p`` once per call. ``aug.batch(X)``
    draws ``p`` and parameters per series, each as a call on that series alone would, and
    returns one record per series.
    """

    modality = "timeseries"
    per_series_p: ClassVar[bool] = True

    def run(self, state: State, rng: np.random.Generator, steps: list[Step] | None) -> State:
        n = n_series(state)
        if self.p >= 1.0 or n == 1 or not self.per_series_p:
            # one series: one draw, the same stream as rng.random(1), no array work
            return super().run(state, rng, steps)
        applied = rng.random(n) < self.p
        if not applied.any():
            return state
        if applied.all():
            params = self.sample(rng, state)
        else:
            idx = np.flatnonzero(applied)
            params = {APPLIED_TO: idx.tolist(), **self.sample_some(rng, state, idx)}
        if steps is not None:
            steps.append(Step(self.to_dict(), params))
        return self.apply(state, params)

    def sample_some(self, rng: np.random.Generator, state: State, idx: np.ndarray) -> Params:
        """Parameters for series ``idx`` of ``state`` (shaped for those series alone)."""
        return self.sample(rng, ADAPTER.take_batch(state, idx))

    def apply(self, state: State, params: Params) -> State:
        if APPLIED_TO not in params:
            return self.apply_state(state, params)
        idx = params[APPLIED_TO]
        rest = {k: v for k, v in params.items() if k != APPLIED_TO}
        return ADAPTER.put_batch(state, idx,
                                  self.apply_state(ADAPTER.take_batch(state, idx), rest))

    def apply_state(self, state: State, params: Params) -> State:
        out = dict(state)
        series = state["series"]
        if isinstance(series, list):
            n = len(series)
            out["series"] = [self.apply_series(s[None], item_params(params, i, n))[0]
                             for i, s in enumerate(series)]
        else:
            out["series"] = self.apply_series(series, params)
        return out

    def apply_series(self, x: np.ndarray, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_series()")


def step_mode(state: State) -> str:
    """Integer/bool step labels are gathered nearest-neighbour (never blended); floats are
    interpolated."""
    layout = state.get("_step_layout")
    if layout is None:
        return "linear"
    dtype = layout["dtype"][0] if isinstance(layout["dtype"], list) else layout["dtype"]
    return "nearest" if np.dtype(dtype).kind in "biu" else "linear"


class TimeMapTransform(SeriesTransform, register=False):
    """A transform that moves the time axis. Subclasses implement ``positions``: source
    positions (N, T_out) for N series of ``length`` steps. The same map moves the series
    (linear interpolation), the per-step labels and the NaN mask."""

    def positions(self, n: int, length: int, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement positions()")

    def apply_state(self, state: State, params: Params) -> State:
        out = dict(state)
        series = state["series"]
        mode = step_mode(state)
        if isinstance(series, list):
            n = len(series)
            maps = [self.positions(1, s.shape[0], item_params(params, i, n))
                    for i, s in enumerate(series)]
            out["series"] = [gather(s[None], m)[0] for s, m in zip(series, maps, strict=True)]
            for key, how in (("step_labels", mode), (NAN_KEY, "nearest")):
                if key in state:
                    out[key] = [gather(a[None], m, how)[0]
                                for a, m in zip(state[key], maps, strict=True)]
            return out
        m = self.positions(series.shape[0], series.shape[1], params)
        out["series"] = gather(series, m)
        if "step_labels" in state:
            out["step_labels"] = gather(state["step_labels"], m, mode)
        if NAN_KEY in state:
            out[NAN_KEY] = gather(state[NAN_KEY], m, "nearest")
        return out


def check_bool(owner: Any, name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{type(owner).__name__}: argument '{name}' got {value!r}; "
                        "expected True or False")
    return value
