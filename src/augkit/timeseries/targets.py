"""Time-series targets: the adapter that turns call keywords into a (N, T, C) working state.

Keywords: ``series`` (required), ``step_labels`` (per-step labels: masks, event marks) and
``labels`` (one class label per series). Accepted layouts of ``series``:

- ``(T,)`` one univariate series, ``(T, C)`` one multichannel series,
- ``(N, T, C)`` a batch (``channels_first=True``: ``(C, T)`` and ``(N, C, T)``),
- a list of ``(T_i,)`` / ``(T_i, C)`` arrays of different lengths.

Inside a pipeline the series are float64 ``(N, T, C)`` (or a list of ``(T_i, C)`` when lengths
differ) and step labels float64 ``(N, T, L)``; ``finalize`` restores the caller's layout and
dtypes (integer step labels are rounded back). NaNs: ``nan_policy="preserve"`` fills them by
linear interpolation for the kernels, moves the NaN mask with the time axis (as a per-step
track, nearest-neighbour) and puts NaN back at the end; ``"raise"`` rejects them.
``copies=k`` repeats the whole batch ``k`` times (copy-major: ``[X; X; ...]``) before the
transforms run, so every copy draws its own parameters; class labels are repeated alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from augkit.core.limits import check_copies, check_output_bytes, short_repr
from augkit.core.targets import TargetAdapter, register_adapter

SERIES_KEYS = ("series", "step_labels", "labels")
NAN_POLICIES = ("preserve", "raise")
# explicit layouts of an array (a list: of each item); None infers from ndim
LAYOUTS = ("T", "TC", "CT", "NT", "NTC", "NCT")
# private state keys (dropped by finalize)
NAN_KEY = "_nan"  # (N, T, C) bool mask of missing values, moved with the time axis


def _shown(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape} and dtype {value.dtype}"
    return short_repr(value)


def _error(key: str, value: Any, allowed: str, exc=ValueError):
    raise exc(f"timeseries targets: '{key}' got {_shown(value)}; {allowed}")


def fill_nan(x: np.ndarray) -> np.ndarray:
    """Replace NaNs in (N, T, C) by linear interpolation along time (edges: nearest value).

    A channel that is NaN everywhere becomes 0.
    """
    mask = np.isnan(x)
    if not mask.any():
        return x
    out = x.copy()
    n, t, c = x.shape
    grid = np.arange(t)
    for i, j in zip(*np.nonzero(mask.any(axis=1)), strict=True):
        good = ~mask[i, :, j]
        if good.any():
            out[i, :, j] = np.interp(grid, grid[good], x[i, good, j])
        else:
            out[i, :, j] = 0.0
    return out


class TimeSeriesAdapter(TargetAdapter):
    """Keyword targets for time series: ``series``, ``step_labels``, ``labels``.

    Options (per call or ``Compose(targets={...})``): ``channels_first`` (bool, default
    False), ``layout`` (None, or one of ``LAYOUTS``: the axes of the array, e.g. ``"NT"`` for
    N univariate series), ``nan_policy`` ("preserve" or "raise") and ``copies`` (int >= 1,
    default 1, at most ``augkit.get_limits().max_copies``).
    """

    modality = "timeseries"
    option_defaults = {"channels_first": False, "layout": None, "nan_policy": "preserve",
                       "copies": 1}

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        merged = super().check_options(options)
        if not isinstance(merged["channels_first"], bool):
            raise TypeError(f"timeseries targets: 'channels_first' got "
                            f"{merged['channels_first']!r}; expected True or False")
        if merged["nan_policy"] not in NAN_POLICIES:
            raise ValueError(f"timeseries targets: 'nan_policy' got "
                             f"{short_repr(merged['nan_policy'])}; "
                             f"expected one of {list(NAN_POLICIES)}")
        layout = merged["layout"]
        if layout is not None and layout not in LAYOUTS:
            raise ValueError(f"timeseries targets: 'layout' got {short_repr(layout)}; expected "
                             f"None (inferred from the shape) or one of {list(LAYOUTS)}")
        if layout is not None and merged["channels_first"]:
            raise ValueError(f"timeseries targets: 'layout' {layout!r} and "
                             "channels_first=True both given; the layout says where the "
                             "channels are (e.g. 'NCT'), so pass only the layout")
        copies = merged["copies"]
        if isinstance(copies, bool) or not isinstance(copies, (int, np.integer)) or copies < 1:
            raise ValueError(f"timeseries targets: 'copies' got {short_repr(copies)}; "
                             "expected an integer >= 1")
        check_copies("timeseries targets", "copies", int(copies))
        return merged

    # -- prepare ----------------------------------------------------------------------------
    def prepare(self, data: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        self.check_keywords(data, SERIES_KEYS, "series",
                            "'series' is required, e.g. aug(series=x)")
        given = options["layout"]
        cf = options["channels_first"] or given in ("CT", "NCT")
        raw = data["series"]
        state: dict[str, Any] = {}
        if isinstance(raw, (list, tuple)):
            if not raw:
                _error("series", raw, "expected a non-empty list of series")
            checked = [self._one(f"series[{i}]", s, cf, allow_batch=False, layout=given)
                       for i, s in enumerate(raw)]
            items = [it for it, _ in checked]
            finite = all(ok for _, ok in checked)
            ndims = {s.ndim for s in raw}
            if len(ndims) > 1 or len({it.shape[1] for it in items}) > 1:
                _error("series", raw, "expected list items with the same ndim and channels")
            layout = {"kind": "list", "ndim": ndims.pop(), "dtype": [str(s.dtype) for s in raw]}
            series: Any = items
            lengths = [it.shape[0] for it in items]
        else:
            arr, finite = self._one("series", raw, cf, allow_batch=True, layout=given)
            batched = raw.ndim == 3 or given == "NT"
            layout = {"kind": "batch" if batched else "single", "ndim": raw.ndim,
                      "dtype": str(raw.dtype)}
            series = arr if batched else arr[None]
            lengths = [series.shape[1]] * series.shape[0]
        n = len(lengths)
        # NaN handling
        # NaN handling (no inf got this far, so "not all finite" means NaN)
        if not finite:
            if options["nan_policy"] == "raise":
                raise ValueError("timeseries targets: 'series' contains NaN and nan_policy is "
                                 "'raise'; clean the data or pass nan_policy='preserve'")
            masks = [np.isnan(s) for s in self._iter(series)]
            if isinstance(series, list):
                series = [fill_nan(s[None])[0] for s in series]
                state[NAN_KEY] = masks
            else:
                series = fill_nan(series)
                state[NAN_KEY] = masks[0]
        state["series"] = series
        state["_layout"] = layout
        if "step_labels" in data:
            state["step_labels"], state["_step_layout"] = self._step_labels(
                data["step_labels"], layout, lengths)
        if "labels" in data:
            labels = data["labels"]
            arr = np.asarray(labels)
            expected = n if layout["kind"] != "single" else None
            if expected is None:
                if arr.ndim != 0 and not (arr.ndim == 1 and len(arr) == 1):
                    _error("labels", labels, "expected one class label for one series")
                state["labels"] = arr.reshape(1)
            else:
                if arr.ndim == 0 or len(arr) != n:
                    _error("labels", labels, f"expected {n} class labels, one per series")
                state["labels"] = arr
            state["_labels_type"] = "list" if isinstance(labels, (list, tuple)) else (
                "array" if isinstance(labels, np.ndarray) else "scalar")
        copies = int(options["copies"])
        if copies > 1:
            state = self._repeat(state, copies)
        return state

    @staticmethod
    def _iter(series):
        return series if isinstance(series, list) else [series]

    @staticmethod
    def _one(key: str, value: Any, cf: bool, allow_batch: bool,
             layout: str | None = None) -> tuple[np.ndarray, bool]:
        """The series as float64 (T, C) or (N, T, C), and whether it is free of NaN.

        Without an explicit ``layout``, a 2-D array with more channels than steps is refused:
        it is almost always N univariate series (``layout="NT"``) or a (C, T) series."""
        allowed = ("expected a float32/float64 numpy array of shape (T,), (T, C) or (N, T, C) "
                   "(channels_first: (C, T), (N, C, T)), or a list of (T_i,) / (T_i, C) arrays")
        if not isinstance(value, np.ndarray):
            _error(key, value, allowed, TypeError)
        if value.dtype not in (np.float32, np.float64):
            _error(key, value, allowed + " (convert with .astype(np.float32))", TypeError)
        if value.ndim not in ((1, 2, 3) if allow_batch else (1, 2)) or value.size == 0:
            _error(key, value, allowed)
        if layout is not None and (len(layout) != value.ndim
                                   or (not allow_batch and layout.startswith("N"))):
            _error(key, value, f"the layout {layout!r} needs a {len(layout)}-D array"
                   + ("" if allow_batch else " per list item ('T', 'TC' or 'CT')"))
        if layout is None and value.ndim == 2:
            steps, chans = value.shape[::-1] if cf else value.shape
            if chans > steps:
                shape = "(C, T)" if cf else "(T, C)"
                _error(key, value, f"read as {shape}, that is one series of {steps} steps with "
                       f"{chans} channels, more channels than steps. If these are "
                       f"{value.shape[0]} univariate series, pass layout='NT' (or reshape to "
                       f"{value.shape + (1,)}); if the shape is right, pass "
                       f"layout={'CT' if cf else 'TC'!r}")
        x = value.astype(np.float64, copy=False)
        if layout == "NT":
            x = x[..., None]
        elif x.ndim == 1:
            x = x[:, None]
        elif cf:
            x = np.swapaxes(x, -1, -2)
        if x.shape[-2] < 2:
            _error(key, value, "expected at least 2 time steps")
        finite = bool(np.isfinite(x).all())  # one pass in the common, clean case
        if not finite and np.isinf(x).any():
            _error(key, value, "expected finite values (NaN is handled by nan_policy)")
        return np.ascontiguousarray(x), finite

    @staticmethod
    def _step_labels(raw: Any, layout: dict, lengths: list[int]):
        if layout["kind"] == "list":
            if not isinstance(raw, (list, tuple)) or len(raw) != len(lengths):
                _error("step_labels", raw, f"expected a list of {len(lengths)} arrays, one per "
                       "series, each (T_i,) or (T_i, L)")
            arrays = [np.asarray(r) for r in raw]
            out = []
            for i, (a, t) in enumerate(zip(arrays, lengths, strict=True)):
                if a.ndim not in (1, 2) or a.shape[0] != t:
                    _error(f"step_labels[{i}]", a, f"expected shape ({t},) or ({t}, L)")
                out.append(a.reshape(t, -1).astype(np.float64))
            return out, {"kind": "list", "ndim": arrays[0].ndim,
                         "dtype": [str(a.dtype) for a in arrays]}
        arr = np.asarray(raw)
        n, t = len(lengths), lengths[0]
        if layout["kind"] == "single":
            if arr.ndim not in (1, 2) or arr.shape[0] != t:
                _error("step_labels", raw, f"expected shape ({t},) or ({t}, L) for one series")
            lab = arr.reshape(1, t, -1)
        else:
            if arr.ndim not in (2, 3) or arr.shape[:2] != (n, t):
                _error("step_labels", raw, f"expected shape ({n}, {t}) or ({n}, {t}, L)")
            lab = arr.reshape(n, t, -1)
        if arr.dtype.kind not in "biuf":
            _error("step_labels", raw, "expected numeric or boolean labels", TypeError)
        return lab.astype(np.float64), {"kind": layout["kind"], "ndim": arr.ndim,
                                        "dtype": str(arr.dtype)}

    @staticmethod
    def _repeat(state: dict[str, Any], k: int) -> dict[str, Any]:
        series = state["series"]
        size = sum(s.size for s in series) if isinstance(series, list) else series.size
        check_output_bytes("timeseries targets", f"copies={k} of {size} values (float64)",
                           8 * size * k)
        out = dict(state)
        for key in ("series", "step_labels", NAN_KEY):
            if key in state:
                v = state[key]
                out[key] = list(v) * k if isinstance(v, list) else np.concatenate([v] * k)
        if "labels" in state:
            out["labels"] = np.concatenate([state["labels"]] * k)
        for key in ("_layout", "_step_layout"):
            if key in state:
                out[key] = _repeated_layout(state[key], k)
        return out

    # -- finalize ---------------------------------------------------------------------------
    def finalize(self, state: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        cf = options["channels_first"] or options["layout"] in ("CT", "NCT")
        layout = state["_layout"]
        series = state["series"]
        nan = state.get(NAN_KEY)
        out: dict[str, Any] = {k: v for k, v in state.items()
                               if not k.startswith("_") and k not in SERIES_KEYS}
        if layout["kind"] == "list":
            items = []
            for i, s in enumerate(series):
                if nan is not None:
                    s = np.where(nan[i], np.nan, s)
                items.append(self._restore(s, layout["ndim"], cf, layout["dtype"][i]))
            out["series"] = items
        else:
            if nan is not None:
                series = np.where(nan, np.nan, series)
            if layout["kind"] == "single":
                out["series"] = self._restore(series[0], layout["ndim"], cf, layout["dtype"])
            else:  # a batch, or a single series repeated by `copies`
                ndim = layout["ndim"] if layout["kind"] == "batch" else layout["ndim"] + 1
                if ndim == 2:
                    out["series"] = series[..., 0].astype(layout["dtype"])
                else:
                    b = np.swapaxes(series, 1, 2) if cf else series
                    out["series"] = np.ascontiguousarray(b).astype(layout["dtype"], copy=False)
        if "step_labels" in state:
            out["step_labels"] = self._restore_steps(state["step_labels"],
                                                     state["_step_layout"])
        if "labels" in state:
            labels, kind = state["labels"], state["_labels_type"]
            if layout["kind"] == "single" and kind == "scalar":
                out["labels"] = labels[0].item() if hasattr(labels[0], "item") else labels[0]
            elif kind == "list":
                out["labels"] = labels.tolist()
            else:
                out["labels"] = labels
        return out

    @staticmethod
    def _restore(s: np.ndarray, ndim: int, cf: bool, dtype: str) -> np.ndarray:
        s = s[:, 0] if ndim == 1 else (s.T if cf else s)
        return np.ascontiguousarray(s).astype(dtype, copy=False)

    @staticmethod
    def _cast(values: np.ndarray, dtype: str) -> np.ndarray:
        dt = np.dtype(dtype)
        if dt.kind == "b":
            return values >= 0.5
        if dt.kind in "iu":
            return np.rint(values).astype(dt)
        return values.astype(dt)

    def _restore_steps(self, labels: Any, sl: dict) -> Any:
        if sl["kind"] == "list":
            return [self._cast(a[:, 0] if sl["ndim"] == 1 else a, dt)
                    for a, dt in zip(labels, sl["dtype"], strict=True)]
        lab = labels
        if sl["kind"] == "single":
            lab = lab[0]
            return self._cast(lab[..., 0] if sl["ndim"] == 1 else lab, sl["dtype"])
        single_ndim = sl["ndim"] if sl["kind"] == "batch_from_single" else sl["ndim"] - 1
        return self._cast(lab[..., 0] if single_ndim == 1 else lab, sl["dtype"])


register_adapter(TimeSeriesAdapter())


def _repeated_layout(layout: dict, k: int) -> dict:
    """The layout record of a batch repeated ``k`` times (a single series becomes a batch)."""
    out = dict(layout)
    if out["kind"] == "single":
        out["kind"] = "batch_from_single"
    elif out["kind"] == "list":
        out["dtype"] = out["dtype"] * k
    return out
