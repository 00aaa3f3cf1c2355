"""Base classes of volume transforms and their argument helpers.

``VolumeTransform`` changes voxel values only (label maps and spacing pass through);
``SpatialTransform`` moves the volume and every label map with one parameter set: the
volume through ``move(volume, params, spacing)``, each label map through
``move(label, params, spacing, label=True)`` (nearest, never blended), and the spacing
through ``new_spacing``. Warps that share index work between volume and labels override
``apply_spatial``.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

import numpy as np

from augkit.core.transform import Params, State, Transform
from augkit.core.validate import fail
from augkit.volume import targets as _targets  # noqa: F401  (registers the adapter)

SEED_MAX = 2**63 - 1


class VolumeTransform(Transform, register=False):
    """A volume transform that changes voxel values only (``apply_volume``)."""

    modality = "volume"

    def apply(self, state: State, params: Params) -> State:
        out = dict(state)
        out["volume"] = self.apply_volume(state["volume"], params)
        return out

    def apply_volume(self, volume: np.ndarray, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_volume()")


class SpatialTransform(VolumeTransform, register=False):
    """A transform that moves voxels: the volume, ``mask``, ``masks`` and the spacing."""

    def apply(self, state: State, params: Params) -> State:
        return self.apply_spatial(state, params)

    def apply_spatial(self, state: State, params: Params) -> State:
        out = dict(state)
        spacing = state["spacing"]
        out["volume"] = self.move(state["volume"], params, spacing)
        if "mask" in state:
            out["mask"] = self.move(state["mask"], params, spacing, label=True)
        if "masks" in state:
            out["masks"] = [self.move(m, params, spacing, label=True) for m in state["masks"]]
        out["spacing"] = self.new_spacing(spacing, state["volume"].shape[:3],
                                          out["volume"].shape[:3], params)
        return out

    def move(self, array: np.ndarray, params: Params, spacing, label: bool = False
             ) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement move()")

    def new_spacing(self, spacing, shape_in, shape_out, params: Params):
        return spacing


# -- argument helpers ---------------------------------------------------------------------
def check_triple(owner: Any, name: str, value: Any, lo: float = -math.inf,
                 hi: float = math.inf, *, integer: bool = False) -> tuple:
    """Three numbers (z, y, x) in [lo, hi]; a scalar stands for all three."""
    kind = "integers" if integer else "numbers"
    allowed = f"expected a number or three {kind} (z, y, x) in [{lo}, {hi}]"
    scalar_types = Integral if integer else Real
    if isinstance(value, (list, tuple)):
        if len(value) != 3:
            fail(owner, name, value, allowed)
        items = tuple(value)
    elif isinstance(value, scalar_types) and not isinstance(value, bool):
        items = (value,) * 3
    else:
        fail(owner, name, value, allowed, TypeError)
    for v in items:
        if isinstance(v, bool) or not isinstance(v, scalar_types):
            fail(owner, name, value, allowed, TypeError)
        if not (lo <= v <= hi) or (not integer and math.isnan(v)):
            fail(owner, name, value, allowed)
    return tuple(int(v) if integer else float(v) for v in items)


def check_ranges3(owner: Any, name: str, value: Any, lo: float, hi: float,
                  symmetric: bool = True) -> tuple:
    """Three (low, high) ranges, one per axis (z, y, x). A number v stands for (-v, v) on
    every axis (``symmetric``; else (v, v)), a pair for that range on every axis, and three
    numbers or pairs give each axis its own."""
    allowed = (f"expected a number, a (low, high) pair, or three numbers or pairs (z, y, x), "
               f"with {lo} <= low <= high <= {hi}")

    def one(v):
        if isinstance(v, Real) and not isinstance(v, bool):
            pair = (-v, v) if symmetric else (v, v)
        elif isinstance(v, (list, tuple)) and len(v) == 2:
            pair = tuple(v)
        else:
            fail(owner, name, value, allowed, TypeError)
        for x in pair:
            if isinstance(x, bool) or not isinstance(x, Real) or math.isnan(x):
                fail(owner, name, value, allowed, TypeError)
        if not (lo <= pair[0] <= pair[1] <= hi):
            fail(owner, name, value, allowed)
        return (float(pair[0]), float(pair[1]))

    if isinstance(value, (list, tuple)) and len(value) == 3:
        return tuple(one(v) for v in value)
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(
            isinstance(v, Real) and not isinstance(v, bool) for v in value):
        return (one(value),) * 3
    return (one(value),) * 3


def check_axes(owner: Any, name: str, value: Any) -> tuple[int, ...]:
    """A non-empty set of distinct axes among 0 (z), 1 (y), 2 (x)."""
    allowed = "expected a non-empty list of distinct axes among 0 (z), 1 (y), 2 (x)"
    if isinstance(value, Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not value:
        fail(owner, name, value, allowed, TypeError)
    for a in value:
        if isinstance(a, bool) or not isinstance(a, Integral) or not 0 <= a <= 2:
            fail(owner, name, value, allowed)
    if len(set(value)) != len(value):
        fail(owner, name, value, allowed)
    return tuple(int(a) for a in value)


def check_fill(owner: Any, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value):
        fail(owner, name, value, "expected a finite number (in the volume's own units)",
             TypeError if not isinstance(value, Real) else ValueError)
    return float(value) if not isinstance(value, Integral) else int(value)


def check_label_fill(owner: Any, name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < 0:
        fail(owner, name, value, "expected None (labels untouched) or an integer >= 0",
             TypeError if not isinstance(value, Integral) else ValueError)
    return int(value)


def fill_for(volume: np.ndarray, fill: float):
    """``fill`` in the volume's dtype, saturated to its range."""
    if volume.dtype.kind == "f":
        return fill
    info = np.iinfo(volume.dtype)
    return int(min(max(round(fill), info.min), info.max))


def label_fill_for(label: np.ndarray, fill: int):
    if label.dtype == np.bool_:
        return bool(fill)
    info = np.iinfo(label.dtype)
    return int(min(max(fill, info.min), info.max))
