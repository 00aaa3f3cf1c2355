"""Parquet tables of texts and of time series (pyarrow, the ``parquet`` extra; imported only
when a Parquet file is read or written).

Texts: one row per example, a text column and a label column named by flags (defaults
``text`` and ``label``); other columns ride along. Series: one row per series, either a list
column (``list<float>`` for a univariate series, ``list<list<float>>`` for (T, C) steps; its
name ``series_column``, default the table's one list column) or, with no list column, every
numeric column but the label as the steps of a univariate series (UCR's layout as a table).
Written back with the source's columns and types; ``--format parquet`` writes any text or
series dataset as such a table (columns ``text``/``label``, or ``series``/``label``).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.data.sample import Dataset, Skipped


def pyarrow():
    """``(pyarrow, pyarrow.parquet)``, or an ImportError naming the extra."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ImportError("Parquet files need pyarrow: pip install 'augkit[parquet]'") from None
    return pa, pq


def _read(path: Path):
    pa, pq = pyarrow()
    try:
        return pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as err:
        raise ValueError(f"{path}: not a readable Parquet file ({err})") from None


def _label_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class TextParquet(Dataset):
    """A Parquet table of texts (see the module docstring). A row whose text is empty or
    null is listed in ``skipped``."""

    modality, format = "text", "text-parquet"

    def __init__(self, path: Path, text_column: str = "text",
                 label_column: str | None = "label"):
        super().__init__(path, text_column=text_column, label_column=label_column)
        table = _read(self.path)
        self.schema = table.schema
        self.columns = table.column_names
        for column, flag in [(text_column, "text_column")] + (
                [(label_column, "label_column")] if label_column is not None else []):
            if column not in self.columns:
                raise ValueError(f"{self.path}: no column {short_repr(column)} ({flag}); it "
                                 f"has {short_repr(self.columns)}")
        self.texts: list[str] = []
        for row_number, row in enumerate(table.to_pylist()):
            text = row.get(text_column)
            if not isinstance(text, str) or not text.strip():
                self.skipped.append(Skipped(f"row {row_number}", "undecodable",
                                            f"row {row_number}: empty or missing text"))
                continue
            self.keys.append(str(len(self.keys)))
            self.texts.append(text)
            self.labels.append(_label_text(row.get(label_column)) if label_column else None)
            self.extras.append(row)

    def _decode(self, i: int) -> str:
        return self.texts[i]


class SeriesParquet(Dataset):
    """A Parquet table of series (see the module docstring); items are (T, C) float64. A
    row with a null or non-numeric value is listed in ``skipped``."""

    modality, format = "timeseries", "series-parquet"

    def __init__(self, path: Path, series_column: str | None = None,
                 label_column: str | None = "label"):
        super().__init__(path, series_column=series_column, label_column=label_column)
        pa, _ = pyarrow()
        table = _read(self.path)
        self.schema = table.schema
        names = table.column_names
        if label_column is not None and label_column not in names:
            label_column = None  # unlabelled: the default name is only a guess
            self.options["label_column"] = None
        lists = [f.name for f in table.schema if pa.types.is_list(f.type) or
                 pa.types.is_large_list(f.type)]
        if series_column is None and len(lists) > 1:
            raise ValueError(f"{self.path}: list columns {short_repr(lists)}; pass "
                             "series_column= to pick the series")
        series_column = series_column or (lists[0] if lists else None)
        if series_column is not None and series_column not in names:
            raise ValueError(f"{self.path}: no column {short_repr(series_column)} "
                             f"(series_column); it has {short_repr(names)}")
        self.options["series_column"] = series_column
        if series_column is None:  # wide: the numeric columns are the steps
            self.steps = [f.name for f in table.schema if f.name != label_column and (
                pa.types.is_integer(f.type) or pa.types.is_floating(f.type))]
            if not self.steps:
                raise ValueError(f"{self.path}: no list column and no numeric columns; "
                                 "expected one series a row")
        self.rows: list[np.ndarray] = []
        records = table.to_pylist()
        for number, row in enumerate(records):
            values = row[series_column] if series_column else [row[c] for c in self.steps]
            try:
                array = np.array(values, dtype=np.float64)
            except (TypeError, ValueError):
                array = None
            if array is None or array.size == 0 or array.ndim not in (1, 2):
                self.skipped.append(Skipped(f"row {number}", "wrong shape" if array is not None
                                            else "undecodable", f"row {number}: expected a "
                                            "list of numbers or of equal-length lists"))
                continue
            self.keys.append(str(len(self.keys)))
            self.labels.append(_label_text(row.get(label_column)) if label_column else None)
            self.extras.append({k: v for k, v in row.items()
                                if k != series_column and k != label_column and (
                                    series_column is not None or k not in self.steps)})
            self.rows.append(array)

    def _decode(self, i: int) -> np.ndarray:
        array = self.rows[i]
        return (array[:, None] if array.ndim == 1 else array).copy()


def _table_bytes(columns: dict[str, list], schema=None) -> bytes:
    pa, pq = pyarrow()
    arrays, fields = [], []
    for name, values in columns.items():
        wanted = schema.field(name).type if schema is not None and name in schema.names else None
        array = pa.array(values)
        if wanted is not None and array.type != wanted:
            array = array.cast(wanted)  # e.g. labels kept as strings back to int64
        arrays.append(array)
        fields.append(pa.field(name, array.type))
    out = io.BytesIO()
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), out)
    return out.getvalue()


def text_parquet_bytes(dataset: Dataset, rows: list[tuple[str, str | None, dict]]) -> bytes:
    """Texts as Parquet: the source's columns (and types) for a Parquet or table source,
    else ``text`` and ``label``."""
    text_col = dataset.options.get("text_column") or "text"
    label_col = dataset.options.get("label_column", "label")  # None: unlabelled
    names = list(getattr(dataset, "columns", None) or [text_col] + (
        [label_col] if label_col else []))
    columns: dict[str, list] = {n: [] for n in names}
    for text, label, extras in rows:
        row = {**extras, text_col: text}
        if label_col:
            row[label_col] = label
        for n in names:
            columns[n].append(row.get(n))
    return _table_bytes(columns, getattr(dataset, "schema", None))


def series_parquet_bytes(dataset: Dataset, rows: list[tuple[np.ndarray, str | None]],
                         extras: list[dict] | None = None) -> bytes:
    """Series as Parquet: the source's layout for a Parquet source (wide columns or its list
    column, other columns kept), else a ``series`` list column and a ``label`` column."""
    same = isinstance(dataset, SeriesParquet)
    label_col = dataset.options.get("label_column") if same else "label"
    if not any(lab is not None for _, lab in rows):
        label_col = None if not same else label_col
    columns: dict[str, list] = {}
    steps = getattr(dataset, "steps", None) if same else None
    if same and dataset.options["series_column"] is None:
        lengths = {s.shape for s, _ in rows}
        if len(lengths) > 1 or next(iter(lengths))[1:] not in ((), (1,)):
            raise ValueError(f"a wide Parquet table holds univariate series of one length; "
                             f"got shapes {sorted(lengths)[:3]} (use --format npz)")
        for j, name in enumerate(steps):
            columns[name] = [float(s.reshape(-1)[j]) for s, _ in rows]
    else:
        pa, _ = pyarrow()
        name = dataset.options["series_column"] if same else "series"
        if same:  # list<list<float>> keeps the channel axis, list<float> drops it
            nested = pa.types.is_list(dataset.schema.field(name).type.value_type)
        else:
            nested = any(s.shape[1] != 1 for s, _ in rows)
        columns[name] = [s.tolist() if nested else s[:, 0].tolist() for s, _ in rows]
        if not nested and any(s.shape[1] != 1 for s, _ in rows):
            raise ValueError(f"column {short_repr(name)} holds univariate series; the "
                             "pipeline made several channels (use --format npz)")
    if label_col:
        columns[label_col] = [lab for _, lab in rows]
    for k, row in enumerate(extras or []):
        for key, value in row.items():
            columns.setdefault(key, [None] * len(rows))[k] = value
    if same:  # the source's column order
        order = [n for n in dataset.schema.names if n in columns]
        columns = {n: columns[n] for n in order + [n for n in columns if n not in order]}
    return _table_bytes(columns, dataset.schema if same else None)


def looks_like_series(path: Path, text_column: str = "text") -> bool:
    """Whether a Parquet file holds series: a list column, or (with no ``text_column``)
    nothing but numeric columns besides ``label``. A table with string columns is read as
    text (and then names its columns if ``text_column`` is not among them)."""
    pa, pq = pyarrow()
    schema = pq.read_schema(path)
    if any(pa.types.is_list(f.type) or pa.types.is_large_list(f.type) for f in schema):
        return True
    if text_column in schema.names:
        return False
    return all(pa.types.is_integer(f.type) or pa.types.is_floating(f.type)
               for f in schema if f.name != "label")


__all__ = ["SeriesParquet", "TextParquet", "looks_like_series", "series_parquet_bytes",
           "text_parquet_bytes"]


# the manifest's columns as a table: nested values (record, targets) stay JSON text
_MANIFEST_COLUMNS = (("output", "string"), ("source", "string"), ("copy", "int64"),
                     ("seed", "uint64"), ("label", "string"), ("pipeline", "string"),
                     ("seq", "int64"), ("index", "int64"), ("unchanged", "bool_"),
                     ("record", "json"), ("targets", "json"))


def manifest_parquet_bytes(rows: list[dict[str, Any]]) -> bytes:
    """``manifest.jsonl``'s rows as one Parquet table (the same rows, in the same order):
    scalar fields as typed columns (null where a row has none: ``copy`` of an original,
    ``index`` outside gathered files), ``label`` as text, ``record`` and ``targets`` as
    their JSON text. Columns no row has are left out."""
    import json

    pa, pq = pyarrow()
    arrays, names = [], []
    for name, kind in _MANIFEST_COLUMNS:
        values = [row.get(name) for row in rows]
        if all(v is None for v in values) and name not in ("output", "source", "copy"):
            continue
        if kind == "json":
            values = [None if v is None else json.dumps(v, sort_keys=True) for v in values]
            kind = "string"
        elif name == "label":
            values = [_label_text(v) for v in values]
        arrays.append(pa.array(values, type=getattr(pa, kind)()))
        names.append(name)
    sink = io.BytesIO()
    pq.write_table(pa.table(arrays, names=names), sink, compression="zstd")
    return sink.getvalue()
