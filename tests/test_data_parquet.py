"""Parquet tables of texts and series: read, augmented by the runner, written back with the
source's columns and types, and ``--format parquet`` from other formats."""

from __future__ import annotations

import json

import numpy as np
import pytest

import augkit
from augkit import text as T
from augkit import timeseries as S
from augkit.cli.main import main
from augkit.data import open_dataset
from augkit.data.parquet import SeriesParquet, TextParquet

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")


def _augment(*args) -> int:
    return main(["augment", *map(str, args), "--quiet"])


def _pipe(tmp_path, transform):
    path = tmp_path / "pipe.yaml"
    augkit.save(augkit.Compose([transform]), path)
    return path


def text_table(path):
    table = pa.table({"id": pa.array([7, 8, 9], pa.int32()),
                      "sentence": ["the cat sat on the mat", "", "a dog ran far away"],
                      "y": pa.array([0, 1, 1], pa.int64())})
    pq.write_table(table, path)
    return path


def test_text_parquet_round_trip_keeps_columns_and_types(tmp_path):
    src = text_table(tmp_path / "reviews.parquet")
    ds = open_dataset(src, text_column="sentence", label_column="y")
    assert isinstance(ds, TextParquet) and ds.labels == ["0", "1"]
    with pytest.raises(ValueError, match="no column 'text' \\(text_column\\); it has"):
        open_dataset(src)  # string columns: a text table, whose text column must be named
    assert [(s.key, s.reason) for s in ds.skipped] == [("row 1", "undecodable")]
    pipe = _pipe(tmp_path, T.RandomSwap(p=1.0))
    out = tmp_path / "out"
    assert main(["augment", str(src), "--pipeline", str(pipe), "--out", str(out),
                 "--text-column", "sentence", "--label-column", "y", "--quiet"]) == 0
    table = pq.read_table(out / "reviews.parquet")
    assert table.schema == pq.read_table(src).schema
    assert table.column("id").to_pylist() == [7, 7, 9, 9]
    assert table.column("y").to_pylist() == [0, 0, 1, 1]
    texts = table.column("sentence").to_pylist()
    assert texts[0] == "the cat sat on the mat" and sorted(texts[1].split()) == sorted(
        texts[0].split())
    assert main(["replay", str(out / "manifest.jsonl"), "--row", "1"]) == 0


def test_csv_text_to_parquet(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("text,label\nhello there world,a\ngood bye now,b\n")
    pipe = _pipe(tmp_path, T.RandomSwap(p=1.0))
    assert _augment(src, "--pipeline", pipe, "--out", tmp_path / "o", "--format",
                    "parquet") == 0
    table = pq.read_table(tmp_path / "o" / "t.parquet")
    assert table.column_names == ["text", "label"] and table.num_rows == 4
    assert table.column("label").to_pylist() == ["a", "a", "b", "b"]
    assert main(["replay", str(tmp_path / "o" / "manifest.jsonl"), "--row", "3"]) == 0


def test_series_parquet_list_and_wide_layouts(tmp_path):
    rng = np.random.default_rng(0)
    multi = [rng.normal(size=(20, 2)).tolist() for _ in range(3)]
    pq.write_table(pa.table({"s": multi, "label": ["a", "b", "a"], "site": [1, 2, 3]}),
                   tmp_path / "multi.parquet")
    ds = open_dataset(tmp_path / "multi.parquet")
    assert isinstance(ds, SeriesParquet) and ds[0].data.shape == (20, 2)
    pipe = _pipe(tmp_path, S.Jitter(p=1.0))
    assert _augment(tmp_path / "multi.parquet", "--pipeline", pipe, "--out",
                    tmp_path / "o1") == 0
    table = pq.read_table(tmp_path / "o1" / "multi.parquet")
    assert table.column_names == ["s", "label", "site"] and table.num_rows == 6
    assert table.column("site").to_pylist() == [1, 1, 2, 2, 3, 3]
    assert np.array(table.column("s").to_pylist()[1]).shape == (20, 2)
    assert main(["replay", str(tmp_path / "o1" / "manifest.jsonl"), "--row", "1"]) == 0

    wide = {f"t{j}": rng.normal(size=4) for j in range(16)}
    pq.write_table(pa.table({"label": [1, 2, 1, 2], **wide}), tmp_path / "wide.parquet")
    ds = open_dataset(tmp_path / "wide.parquet", modality="timeseries")
    assert ds[0].data.shape == (16, 1) and ds.labels == ["1", "2", "1", "2"]
    assert _augment(tmp_path / "wide.parquet", "--pipeline", pipe, "--out",
                    tmp_path / "o2") == 0
    back = pq.read_table(tmp_path / "o2" / "wide.parquet")
    assert back.schema == pq.read_table(tmp_path / "wide.parquet").schema
    assert back.num_rows == 8


def test_npy_series_to_parquet_and_bad_rows(tmp_path):
    np.save(tmp_path / "x.npy", np.arange(30, dtype=np.float32).reshape(3, 10))
    pipe = _pipe(tmp_path, S.Jitter(p=1.0))
    assert _augment(tmp_path / "x.npy", "--pipeline", pipe, "--out", tmp_path / "o",
                    "--format", "parquet") == 0
    table = pq.read_table(tmp_path / "o" / "x.parquet")
    assert table.column_names == ["series"] and table.num_rows == 6
    assert table.column("series").to_pylist()[0] == list(range(10))
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["written"] == 3
    pq.write_table(pa.table({"series": [[1.0, 2.0], None, []]}), tmp_path / "bad.parquet")
    ds = open_dataset(tmp_path / "bad.parquet")
    assert len(ds) == 1 and [s.key for s in ds.skipped] == ["row 1", "row 2"]
