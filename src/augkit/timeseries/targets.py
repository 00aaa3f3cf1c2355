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
PER_SERIES_KEYS = ("series", "step_labels", "labels", NAN_KEY)  # one entry per series


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

    # -- batches: the batch state is the call state of an (N, T, C) batch or a list --------
    def prepare_batch(self, inputs: Any, data: dict[str, Any],
                      options: Mapping[str, Any]) -> dict[str, Any]:
        """``aug.batch(X, step_labels=..., labels=...)``: ``X`` is an (N, T, C) array (with
        ``layout``/``channels_first`` as in a call) or a list of series."""
        if "series" in data:
            raise ValueError("timeseries targets: batch got 'series' by keyword; pass the "
                             "series first: aug.batch(X, labels=y)")
        is_batch = isinstance(inputs, (list, tuple)) or (
            isinstance(inputs, np.ndarray) and (inputs.ndim == 3 or options["layout"] == "NT"))
        if not is_batch:
            _error("series", inputs, "a batch needs an (N, T, C) array (channels_first: "
                   "(N, C, T); layout='NT': (N, T)) or a list of series; call aug(series=x) "
                   "for one series", TypeError if not isinstance(inputs, np.ndarray)
                   else ValueError)
        return self.prepare({"series": inputs, **data}, options)

    def batch_size(self, batch: dict[str, Any]) -> int:
        s = batch["series"]
        return len(s) if isinstance(s, list) else s.shape[0]

    def take_batch(self, batch: dict[str, Any], idx: Any) -> dict[str, Any]:
        """The state of series ``idx`` (a (k, T, C) batch, or a list for a list)."""
        idx = np.asarray(idx, np.intp)
        out = dict(batch)
        for key in PER_SERIES_KEYS:
            if key in batch:
                v = batch[key]
                out[key] = [v[i] for i in idx] if isinstance(v, list) else v[idx]
        return out

    def put_batch(self, batch: dict[str, Any], idx: Any, sub: dict[str, Any]) -> dict[str, Any]:
        """``batch`` with series ``idx`` replaced by those of ``sub``."""
        idx = np.asarray(idx, np.intp)
        out = dict(batch)
        for key in PER_SERIES_KEYS:
            if key not in batch:
                continue
            old, new = batch[key], sub[key]
            if (isinstance(old, np.ndarray) and isinstance(new, np.ndarray)
                    and old.shape[1:] == new.shape[1:]):
                merged = old.astype(np.result_type(old, new), copy=True)
                merged[idx] = new
            else:
                merged = list(old)
                for j, i in enumerate(idx):
                    merged[i] = new[j]
                merged = _stacked(merged, old)
            out[key] = merged
        return _as_list_layout(out)

    def split_batch(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        """One state per series, each a batch of one (what ``aug(series=x)`` prepares)."""
        return [self.take_batch(batch, [i]) if not isinstance(batch["series"], list)
                else _one_of_list(self.take_batch(batch, [i]))
                for i in range(self.batch_size(batch))]

    def join_batch(self, states: list[dict[str, Any]], like: dict[str, Any]) -> dict[str, Any]:
        out = dict(like)
        for key in PER_SERIES_KEYS:
            if key in like:
                out[key] = _stacked([st[key][0] for st in states], like[key])
        return _as_list_layout(out)

    def finalize_batch(self, batch: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        return self.finalize(batch, options)

    def record_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        """The options a per-series record of ``aug.batch`` replays with: one series (the
        layout without its batch axis) and no copies, so ``records[i].apply(series=X[i])``
        (``X[i % N]`` with copies) gives output ``i``."""
        out = dict(options, copies=1)
        if out["layout"] is not None:
            out["layout"] = out["layout"].lstrip("N")
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


ADAPTER = register_adapter(TimeSeriesAdapter())


def _repeated_layout(layout: dict, k: int) -> dict:
    """The layout record of a batch repeated ``k`` times (a single series becomes a batch)."""
    out = dict(layout)
    if out["kind"] == "single":
        out["kind"] = "batch_from_single"
    elif out["kind"] == "list":
        out["dtype"] = out["dtype"] * k
    return out


def _stacked(items: list, like: Any) -> Any:
    """Per-series entries back as one array when they share a shape (as ``like`` was),
    else as a list (series of different lengths)."""
    if isinstance(like, list) or len({a.shape for a in items}) > 1:
        return list(items)
    return np.stack(items)


def _one_of_list(state: dict[str, Any]) -> dict[str, Any]:
    """A one-series state taken from a list, as a (1, T, C) batch."""
    out = dict(state)
    for key in ("series", "step_labels", NAN_KEY):
        if key in state:
            out[key] = state[key][0][None]
    return out


def _as_list_layout(state: dict[str, Any]) -> dict[str, Any]:
    """When a batch's series came apart into different lengths (each drew its own crop), its
    layout records say "a list" so ``finalize`` returns one array per series."""
    series = state["series"]
    if not isinstance(series, list):
        return state
    out = dict(state)
    for key, data_key in (("_layout", "series"), ("_step_layout", "step_labels")):
        lay = state.get(key)
        if lay is None or lay["kind"] == "list":
            continue
        n = len(state[data_key])
        per_item = lay["ndim"] - 1 if lay["kind"] == "batch" else lay["ndim"]
        out[key] = {"kind": "list", "ndim": per_item, "dtype": [lay["dtype"]] * n}
        if isinstance(state[data_key], np.ndarray):
            out[data_key] = list(state[data_key])
    for key in ("step_labels", NAN_KEY):
        if key in out and isinstance(out[key], np.ndarray):
            out[key] = list(out[key])
    return out
