"""Volume targets: the adapter that turns call keywords into the working state and back.

Keywords: ``volume`` (required; (D, H, W) or (D, H, W, C), uint8, uint16, int16 or float32),
``mask`` (a (D, H, W) label map: bool or integer), ``masks`` (a list of such maps) and
``spacing`` ((sz, sy, sx) voxel size in mm, all > 0; default (1, 1, 1)). Label maps move with
the volume (nearest neighbour, never blended); ``spacing`` is returned with every result, as
ops that resample or turn the volume change it.

Batches: ``aug.batch(volumes, mask=..., spacing=...)`` with an (N, D, H, W[, C]) array or a
list of volumes; ``mask`` (N, D, H, W) or a list, ``masks`` a list (per sample) of lists,
``spacing`` one triple for all or one per sample. The result holds ``volumes`` (stacked when
the shapes agree, else a list), ``mask``, ``masks`` and ``spacing`` per sample.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from numbers import Real
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.core.targets import TargetAdapter, register_adapter

VOLUME_KEYS = ("volume", "mask", "masks", "spacing")
VOLUME_DTYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.int16),
                 np.dtype(np.float32))
LABEL_KINDS = "biu"


def _shown(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return short_repr(value)


def _error(key: str, value: Any, allowed: str, exc: type[Exception] = ValueError):
    raise exc(f"volume targets: '{key}' got {_shown(value)}; {allowed}")


def check_volume(vol: Any, key: str = "volume") -> np.ndarray:
    if not isinstance(vol, np.ndarray):
        _error(key, vol, "expected a numpy array of shape (D, H, W) or (D, H, W, C)",
               TypeError)
    if vol.ndim not in (3, 4) or min(vol.shape) < 1:
        _error(key, vol, "expected a non-empty array of shape (D, H, W) or (D, H, W, C)")
    if vol.dtype not in VOLUME_DTYPES:
        _error(key, vol, "expected dtype uint8, uint16, int16 or float32")
    if not vol.dtype.isnative:
        vol = vol.astype(vol.dtype.newbyteorder("="))
    return vol


def check_label(lbl: Any, shape: tuple[int, ...], key: str) -> np.ndarray:
    if not isinstance(lbl, np.ndarray):
        _error(key, lbl, "expected a numpy array", TypeError)
    if lbl.shape != tuple(shape):
        _error(key, lbl, f"expected shape {tuple(shape)} (the volume's (D, H, W))")
    if lbl.dtype.kind not in LABEL_KINDS:
        _error(key, lbl, "expected a bool or integer label map (nearest neighbour moves "
               "it; interpolate soft labels as a volume channel instead)")
    return lbl


def check_spacing(value: Any, key: str = "spacing") -> tuple[float, float, float]:
    allowed = "expected three positive finite numbers (sz, sy, sx), the voxel size"
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, (list, tuple)) or len(value) != 3:
        _error(key, value, allowed, TypeError if not isinstance(value, (list, tuple))
               else ValueError)
    for v in value:
        if isinstance(v, bool) or not isinstance(v, Real):
            _error(key, value, allowed, TypeError)
        if not (math.isfinite(v) and v > 0):
            _error(key, value, allowed)
    return tuple(float(v) for v in value)


class _Prepared(dict):
    """A state this adapter made (``_given`` lists the caller's arrays)."""


class VolumeAdapter(TargetAdapter):
    """Keyword targets of volumes: ``volume``, ``mask``, ``masks``, ``spacing``."""

    modality = "volume"

    def prepare(self, data: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        self.check_keywords(data, VOLUME_KEYS, "volume",
                            "'volume' is required, e.g. aug(volume=v, mask=labels)")
        vol = check_volume(data["volume"])
        state = _Prepared(volume=vol)
        given = [vol]
        if data.get("mask") is not None:
            state["mask"] = check_label(data["mask"], vol.shape[:3], "mask")
            given.append(state["mask"])
        if data.get("masks") is not None:
            masks = data["masks"]
            if not isinstance(masks, (list, tuple)):
                _error("masks", masks, "expected a list of (D, H, W) label maps", TypeError)
            state["masks"] = [check_label(m, vol.shape[:3], f"masks[{i}]")
                              for i, m in enumerate(masks)]
            given.extend(state["masks"])
        spacing = data.get("spacing")
        state["spacing"] = (1.0, 1.0, 1.0) if spacing is None else check_spacing(spacing)
        state["_given"] = given
        return state

    def finalize(self, state: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        given = state.get("_given", ())
        out: dict[str, Any] = {}
        for key in ("volume", "mask"):
            if key in state:
                value = state[key]
                out[key] = value.copy() if any(value is g for g in given) else value
        if "masks" in state:
            out["masks"] = [m.copy() if any(m is g for g in given) else m
                            for m in state["masks"]]
        out["spacing"] = tuple(float(s) for s in state["spacing"])
        return out

    # -- batches: a list of per-sample states ---------------------------------------------
    def prepare_batch(self, inputs: Any, data: dict[str, Any],
                      options: Mapping[str, Any]) -> dict[str, Any]:
        if "volume" in data:
            raise ValueError("volume targets: batch got 'volume' by keyword; pass the volumes "
                             "first: aug.batch(volumes, mask=labels)")
        unknown = set(data) - {"mask", "masks", "spacing"}
        if unknown:
            raise ValueError(f"volume targets: unknown batch keyword(s) {sorted(unknown)}; "
                             "allowed: mask, masks, spacing")
        if isinstance(inputs, np.ndarray):
            if inputs.ndim not in (4, 5):
                _error("volumes", inputs, "a batch is an (N, D, H, W[, C]) array or a list "
                       "of volumes; call aug(volume=v) for one volume")
            volumes, stacked = list(inputs), True
        elif isinstance(inputs, (list, tuple)) and inputs:
            volumes, stacked = list(inputs), False
        else:
            _error("volumes", inputs, "expected an (N, D, H, W[, C]) array or a non-empty "
                   "list of volumes", TypeError)
        n = len(volumes)

        def per_sample(key: str, value: Any) -> list:
            if value is None:
                return [None] * n
            if key == "spacing" and not (isinstance(value, (list, tuple, np.ndarray))
                                         and len(value) == n
                                         and all(isinstance(v, (list, tuple, np.ndarray))
                                                 for v in value)):
                return [value] * n
            if len(value) != n:
                _error(key, value, f"expected one entry per volume ({n})")
            return list(value)

        columns = {k: per_sample(k, data.get(k)) for k in ("mask", "masks", "spacing")}
        states = []
        for i in range(n):
            item = {"volume": volumes[i]}
            item.update({k: v[i] for k, v in columns.items() if v[i] is not None})
            states.append(self.prepare(item, options))
        return {"states": states, "_stacked": stacked}

    def batch_size(self, batch: dict[str, Any]) -> int:
        return len(batch["states"])

    def split_batch(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        return list(batch["states"])

    def join_batch(self, states: list[dict[str, Any]], like: dict[str, Any]) -> dict[str, Any]:
        return {**like, "states": list(states)}

    def finalize_batch(self, batch: dict[str, Any], options: Mapping[str, Any]
                       ) -> dict[str, Any]:
        outs = [self.finalize(st, options) for st in batch["states"]]
        out: dict[str, Any] = {}
        for src, dst in (("volume", "volumes"), ("mask", "mask")):
            if src not in outs[0]:
                continue
            items = [o[src] for o in outs]
            same = len({(a.shape, a.dtype) for a in items}) == 1
            out[dst] = np.stack(items) if batch["_stacked"] and same else items
        if "masks" in outs[0]:
            out["masks"] = [o["masks"] for o in outs]
        out["spacing"] = [o["spacing"] for o in outs]
        return out


ADAPTER = register_adapter(VolumeAdapter())
