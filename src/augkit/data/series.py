"""Time-series datasets: UCR TSV/CSV files (class in column 0, one series a row; NaN
padding kept) and NumPy ``.npy`` / ``.npz`` arrays of shape (N, T) or (N, T, C)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.data.npzfile import npz_bytes
from augkit.data.sample import Dataset, Skipped
from augkit.data.text import read_text

DATA_KEYS = ("X", "x", "data", "series")
LABEL_KEYS = ("y", "labels", "label")


def _as_series(values: np.ndarray) -> np.ndarray:
    return values[:, None] if values.ndim == 1 else values


class UCRSeries(Dataset):
    """A UCR archive file: each line ``label<sep>v1<sep>v2...`` (tab for .tsv, comma for
    .csv). Lines with a non-numeric value are listed in ``skipped``. Items are (T, 1)."""

    modality, format = "timeseries", "ucr"

    def __init__(self, path: Path):
        super().__init__(path)
        content, _ = read_text(self.path)
        self.delimiter = "," if self.path.suffix.lower() == ".csv" else "\t"
        self.rows: list[np.ndarray] = []
        for line, text in enumerate(content.splitlines(), start=1):
            if not text.strip():
                continue
            cells = text.strip().split(self.delimiter)
            try:
                values = np.array([float(c) for c in cells[1:]], np.float64)
            except ValueError:
                self.skipped.append(Skipped(f"line {line}", "undecodable",
                                            "a value is not a number"))
                continue
            if values.size == 0:
                self.skipped.append(Skipped(f"line {line}", "wrong shape", "no values"))
                continue
            label = cells[0].strip()
            try:  # UCR writes classes as 1, 1.0000000e+00 or -1: keep their integer form
                number = float(label)
                label = str(int(number)) if number.is_integer() else label
            except ValueError:
                pass
            self.keys.append(str(len(self.keys)))
            self.labels.append(label)
            self.extras.append({})
            self.rows.append(values)

    def _decode(self, i: int) -> np.ndarray:
        return self.rows[i][:, None].copy()


class NumpySeries(Dataset):
    """``.npy`` (N, T[, C]) without labels, or ``.npz`` with a data array (``data_key``,
    default the first of X, x, data, series) and an optional label array (``label_key``,
    default the first of y, labels, label)."""

    modality, format = "timeseries", "numpy"

    def __init__(self, path: Path, data_key: str | None = None, label_key: str | None = None):
        super().__init__(path, data_key=data_key, label_key=label_key)
        labels = None
        if self.path.suffix.lower() == ".npy":
            data = np.load(self.path, allow_pickle=False)
        else:
            with np.load(self.path, allow_pickle=False) as npz:
                data_key = data_key or next((k for k in DATA_KEYS if k in npz.files), None)
                if data_key not in npz.files:
                    raise ValueError(f"{self.path}: no data array {short_repr(data_key)}; it "
                                     f"has {short_repr(npz.files)} (pass data_key=...)")
                label_key = label_key or next((k for k in LABEL_KEYS if k in npz.files), None)
                data = npz[data_key]
                labels = npz[label_key] if label_key in npz.files else None
            self.options.update(data_key=data_key, label_key=label_key)
        if data.ndim not in (2, 3) or data.dtype.kind not in "fiu":
            raise ValueError(f"{self.path}: series array of shape {data.shape} and dtype "
                             f"{data.dtype}; expected numbers shaped (N, T) or (N, T, C)")
        if labels is not None and labels.reshape(len(labels), -1).shape != (len(data), 1):
            raise ValueError(f"{self.path}: labels of shape {labels.shape}; expected "
                             f"({len(data)},)")
        self.layout_ndim, self.label_dtype = data.ndim, labels.dtype if labels is not None else None
        self.array = data
        self.keys = [str(i) for i in range(len(data))]
        self.labels = [None] * len(data) if labels is None else [str(v) for v in labels.ravel()]
        self.extras = [{} for _ in self.keys]

    def _decode(self, i: int) -> np.ndarray:
        return _as_series(self.array[i]).copy()


def ucr_bytes(delimiter: str, rows: list[tuple[np.ndarray, str | None]]) -> bytes:
    """A UCR file from (series, label) rows; a multichannel series cannot be written."""
    lines = []
    for series, label in rows:
        if series.ndim == 2 and series.shape[1] != 1:
            raise ValueError(f"a UCR file holds univariate series; got shape {series.shape} "
                             "(use --format npz)")
        lines.append(delimiter.join([str(label)] + [repr(float(v)) for v in series.ravel()]))
    return ("\n".join(lines) + "\n").encode("utf-8")


def numpy_bytes(dataset: NumpySeries, rows: list[tuple[np.ndarray, str | None]]) -> bytes:
    """The ``.npy`` / ``.npz`` file of ``rows`` in the source's layout (keys, ndim, dtype)."""
    shapes = {s.shape for s, _ in rows}
    if len(shapes) > 1:
        raise ValueError(f"series of different shapes {sorted(shapes)[:3]} cannot share one "
                         "array; use a pipeline that keeps the length")
    data = np.stack([s for s, _ in rows]).astype(dataset.array.dtype, copy=False)
    if dataset.layout_ndim == 2:
        data = data[..., 0]
    out = io.BytesIO()
    if dataset.path.suffix.lower() == ".npy":
        np.save(out, data)
    else:
        arrays: dict[str, Any] = {dataset.options["data_key"]: data}
        if dataset.label_dtype is not None:
            arrays[dataset.options["label_key"]] = np.array(
                [lab for _, lab in rows]).astype(dataset.label_dtype)
        return npz_bytes(arrays)
    return out.getvalue()
