"""Base classes of time-series transforms.

The working state holds ``series`` as float64 (N, T, C) (or a list of (T_i, C) arrays when
lengths differ), optional ``step_labels`` (N, T, L), class ``labels`` (N,) and a private NaN
mask. Parameters follow one convention so that batches vectorise and ragged lists still work:
**a list-valued parameter holds one entry per series** (length N); scalars are shared by the
whole call. For a ragged list each series is processed alone with its own entries, and a
``noise_seed`` becomes ``[noise_seed, i]`` so every series still gets its own noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from augkit.core.transform import Params, State, Transform
from augkit.timeseries.functional.resample import gather
from augkit.timeseries.targets import NAN_KEY

SEED_MAX = 2**63 - 1


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
    float64 (N, T, C) with the parameters of those N series."""

    modality = "timeseries"

    def apply(self, state: State, params: Params) -> State:
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

    def apply(self, state: State, params: Params) -> State:
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
