"""augkit.data readers and writers: round trips, bad inputs listed with reasons, bombs
refused before decoding, path tricks refused."""

from __future__ import annotations

import json
import struct
import zlib

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit.data import (
    BadFile,
    ImageCSV,
    ImageFolder,
    LabelFirstLines,
    Layout,
    NpzImages,
    NumpySeries,
    TextTable,
    UCRSeries,
    decode_image,
    encode_image,
    load_arrays,
    open_dataset,
)
from augkit.data.imagefile import header_size
from augkit.data.paths import atomic_write, inside, safe_relative
from tests.data_helpers import SHARED, class_folder, csv_folder, photo, write_rgb


@pytest.mark.parametrize("suffix", [".png", ".bmp", ".tif", ".webp"])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_lossless_image_round_trip_keeps_values_and_bit_depth(suffix, dtype):
    if dtype == np.uint16 and suffix in (".bmp", ".webp"):
        with pytest.raises(ValueError, match="uint16 image as"):
            encode_image(np.zeros((4, 4, 3), dtype), suffix)
        return
    image = photo(np.random.default_rng(1), (23, 17), dtype)
    data = encode_image(image, suffix)
    assert header_size(data) == (23, 17)
    out = decode_image(data)
    assert out.dtype == dtype
    np.testing.assert_array_equal(out, image)  # RGB order kept through BGR files


def test_grey_and_rgba_pngs_keep_their_channels():
    grey = np.arange(12, dtype=np.uint16).reshape(3, 4) * 5000
    np.testing.assert_array_equal(decode_image(encode_image(grey, ".png")), grey)
    rgba = photo(np.random.default_rng(2), (5, 4))
    rgba = np.dstack([rgba, np.full((4, 5), 7, np.uint8)])
    np.testing.assert_array_equal(decode_image(encode_image(rgba, ".png")), rgba)


def test_jpeg_is_readable_and_close_to_the_original():
    image = photo(np.random.default_rng(3), (64, 48))
    data = encode_image(image, ".jpg", jpeg_quality=95)
    assert header_size(data) == (64, 48)
    out = decode_image(data)
    assert out.shape == image.shape and np.abs(out.astype(int) - image).mean() < 6


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk
            + struct.pack(">I", zlib.crc32(chunk)))


def test_decompression_bomb_is_refused_from_the_header():
    bomb = _png_header(50_000, 50_000) + b"\x00" * 100  # 2.5 G pixels claimed, 150 bytes
    with pytest.raises(BadFile) as info:
        decode_image(bomb)
    assert info.value.reason == "too large"
    assert "50000 x 50000 = 2500000000 pixels" in str(info.value)
    small = encode_image(np.zeros((10, 10, 3), np.uint8), ".png")
    with pytest.raises(BadFile, match="above the limit of 99"):
        decode_image(small, max_pixels=99)
    assert decode_image(small, max_pixels=100).shape == (10, 10, 3)


@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".bmp", ".tif"])
def test_header_sizes_match_opencv(suffix):
    image = photo(np.random.default_rng(4), (37, 21))
    assert header_size(encode_image(image, suffix)) == (37, 21)


def test_bad_files_are_listed_with_reasons_and_never_stop(tmp_path):
    root = class_folder(tmp_path / "src", {"a": 2, "b": 1})
    good = (root / "a" / "000.png").read_bytes()
    jpeg = encode_image(photo(np.random.default_rng(5), (40, 30)), ".jpg")
    (root / "a" / "cut.png").write_bytes(good[: len(good) // 2])
    (root / "a" / "cut.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (root / "a" / "junk.jpg").write_bytes(b"not an image at all")
    (root / "a" / "empty.png").write_bytes(b"")
    (root / "a" / "notes.txt").write_text("x")
    (root / "b" / "link.png").symlink_to(root / "a" / "000.png")
    ds = open_dataset(root)
    assert isinstance(ds, ImageFolder) and ds.class_names == ["a", "b"]
    samples = list(ds)
    assert [s.key for s in samples] == ["a/000.png", "a/001.png", "b/000.png"]
    reasons = {s.key: s.reason for s in ds.skipped}
    assert reasons == {"a/notes.txt": "unsupported file", "b/link.png": "symlink",
                       "a/cut.png": "truncated", "a/cut.jpg": "truncated",
                       "a/junk.jpg": "undecodable", "a/empty.png": "truncated"}


def test_class_folder_labels_without_decoding(tmp_path):
    root = class_folder(tmp_path / "src", {"x": 2, "y": 3})
    (root / "x" / "000.png").write_bytes(b"garbage")  # listing does not decode
    ds = open_dataset(root, modality="image")
    assert ds.labels == ["x", "x", "y", "y", "y"] and ds.skipped == []
    with pytest.raises(BadFile, match="undecodable"):
        ds[0]


def test_labels_csv_refuses_path_tricks_and_keeps_columns(tmp_path):
    root = csv_folder(tmp_path / "src", n=2)
    outside = tmp_path / "secret.png"
    write_rgb(outside, photo(np.random.default_rng(0)))
    (root / "img" / "link.png").symlink_to(outside)
    (root / "linkdir").symlink_to(tmp_path)
    with open(root / "labels.csv", "a") as handle:
        handle.write("../secret.png,a,x\n/etc/passwd,a,x\nimg/link.png,b,x\n"
                     "linkdir/secret.png,b,x\nimg\\0.png,a,x\nimg/missing.png,a,x\n")
    ds = open_dataset(root)
    assert isinstance(ds, ImageCSV) and ds.keys == ["img/0.png", "img/1.png"]
    assert ds.extras == [{"note": "n0"}, {"note": "n1"}]
    details = [s.detail for s in ds.skipped]
    assert [s.reason for s in ds.skipped] == ["unsafe path"] * 5 + ["unreadable"]
    assert "'..' parts are not allowed" in details[0]
    assert "absolute paths are not allowed" in details[1]
    assert "is a symlink" in details[2] and "is a symlink" in details[3]
    assert "backslashes" in details[4] and "labels.csv line 8" in details[4]


@given(st.lists(st.sampled_from(["a", "..", ".", "", "/", "\\", "b.png", "~", ":"]),
                min_size=1, max_size=6))
@settings(max_examples=150, deadline=None)
def test_safe_relative_never_escapes(parts):
    name = "".join(parts)
    try:
        rel = safe_relative(name, "name")
    except ValueError as err:
        assert "is unsafe" in str(err)
        return
    assert not rel.startswith("/") and ".." not in rel.split("/")


def test_inside_refuses_symlinked_output_folders(tmp_path):
    dst = tmp_path / "dst"
    dst.mkdir()
    (dst / "cls").symlink_to(tmp_path)
    with pytest.raises(ValueError, match="output path 'cls/x.png' is unsafe: .* is a symlink"):
        inside(dst, "cls/x.png", "output path")
    assert inside(dst, "ok/x.png", "output path") == dst / "ok" / "x.png"
    checked: set[str] = set()
    (dst / "ok").mkdir()
    assert inside(dst, "ok/x.png", "output path", checked) == dst / "ok" / "x.png"
    assert checked == {"ok"}
    (dst / "ok" / "y.png").symlink_to(tmp_path / "elsewhere.png")
    with pytest.raises(ValueError, match="'ok/y.png' is unsafe: .* is a symlink"):
        inside(dst, "ok/y.png", "output path", checked)  # the cached folder path too
    with pytest.raises(ValueError, match="is a symlink"):
        inside(dst, "cls/x.png", "output path", checked)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def broken(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr("augkit.data.paths.os.replace", broken)
    with pytest.raises(OSError, match="disk full"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["out.bin"]


def test_npz_images_splits_and_arrays(tmp_path):
    path = tmp_path / "med.npz"
    rng = np.random.default_rng(0)
    np.savez(path, train_images=rng.integers(0, 255, (5, 6, 6), dtype=np.uint8),
             train_labels=np.array([[0], [2], [1], [2], [10]]),
             val_images=np.zeros((2, 6, 6), np.uint8), val_labels=np.array([[0], [1]]))
    ds = open_dataset(path)
    assert isinstance(ds, NpzImages) and ds.class_names == ["0", "1", "2", "10"]
    X, y, names = load_arrays(path)
    assert X.shape == (5, 6, 6) and y.tolist() == [0, 2, 1, 2, 3] and names == ds.class_names
    assert len(open_dataset(path, split="val")) == 2
    with pytest.raises(ValueError, match="split 'test' not found; it has train, val"):
        open_dataset(path, split="test")


def test_load_arrays_sizes(tmp_path):
    root = tmp_path / "src"
    rng = np.random.default_rng(0)
    write_rgb(root / "a" / "0.png", photo(rng, (20, 10)))
    write_rgb(root / "b" / "0.png", photo(rng, (30, 10)))
    with pytest.raises(ValueError, match=r"'a/0.png' is \(10, 20, 3\), 'b/0.png' is "
                                         r"\(10, 30, 3\)\); pass size="):
        load_arrays(root)
    X, y, names = load_arrays(root, size=(16, 8))
    assert X.shape == (2, 8, 16, 3) and y.tolist() == [0, 1] and names == ["a", "b"]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl"])
def test_text_tables_round_trip_with_columns(tmp_path, suffix):
    rows = [{"id": "1", "sentence": "a good, fine day", "y": "pos"},
            {"id": "2", "sentence": 'said "no"\tthen', "y": "neg"}]
    path = tmp_path / f"t{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows) + "[1]\n")
    else:
        import csv
        with open(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, ["id", "sentence", "y"],
                                    delimiter="\t" if suffix == ".tsv" else ",")
            writer.writeheader()
            writer.writerows(rows)
    ds = open_dataset(path, text_column="sentence", label_column="y")
    assert isinstance(ds, TextTable) and [s.data for s in ds] == [r["sentence"] for r in rows]
    assert ds.labels == ["pos", "neg"] and ds.extras[0]["id"] == "1"
    if suffix == ".jsonl":
        assert [(s.key, s.reason) for s in ds.skipped] == [("line 3", "wrong shape")]
    layout = Layout(ds)
    entries = [(i, None, s.data, s.label) for i, s in enumerate(ds)]
    out = tmp_path / "out"
    out.mkdir()
    (out / path.name).write_bytes(layout.finalize(entries)[path.name])
    again = open_dataset(out / path.name, text_column="sentence", label_column="y")
    assert [s.data for s in again] == [s.data for s in ds] and again.extras == ds.extras
    with pytest.raises(ValueError, match="no column 'text' \\(text_column\\)"):
        open_dataset(path, modality="text")


def test_label_first_lines_with_latin1_fallback(tmp_path):
    path = tmp_path / "trec.train"
    path.write_bytes("1 Who is Pel\xe9 ?\n0 What is a caf\xe9 ?\nlonely\n".encode("latin-1"))
    ds = open_dataset(path)
    assert isinstance(ds, LabelFirstLines) and ds.encoding == "latin-1"
    assert ds.notes == ["trec.train: not valid UTF-8, read as latin-1"]
    assert [s.data for s in ds] == ["Who is Pel\xe9 ?", "What is a caf\xe9 ?"]
    assert [(s.key, s.reason) for s in ds.skipped] == [("line 3", "wrong shape")]
    data = Layout(ds).finalize([(0, None, "Who is Pel\xe9 ?", "1")])["trec.train"]
    assert data == "1 Who is Pel\xe9 ?\n".encode("latin-1")


def test_ucr_and_numpy_series_round_trip(tmp_path):
    path = tmp_path / "X_TRAIN.tsv"
    path.write_text("1\t0.5\t-1.25\t3\n-1\t1e-3\tnan\t2\n2\tx\t1\t1\n")
    ds = open_dataset(path)
    assert isinstance(ds, UCRSeries) and ds.labels == ["1", "-1"] and ds.class_names == [
        "-1", "1"]
    assert ds[1].data.shape == (3, 1) and np.isnan(ds[1].data[1, 0])
    assert [(s.key, s.reason) for s in ds.skipped] == [("line 3", "undecodable")]
    data = Layout(ds).finalize([(i, None, s.data, s.label) for i, s in enumerate(ds)])
    assert data["X_TRAIN.tsv"] == b"1\t0.5\t-1.25\t3.0\n-1\t0.001\tnan\t2.0\n"
    npz = tmp_path / "s.npz"
    series = np.random.default_rng(0).normal(size=(4, 9, 2)).astype(np.float32)
    np.savez(npz, X=series, y=np.array([3, 1, 3, 3]))
    ds = open_dataset(npz)
    assert isinstance(ds, NumpySeries) and ds[2].data.dtype == np.float32
    X, y, names = load_arrays(npz)
    np.testing.assert_array_equal(X, series)
    assert y.tolist() == [1, 0, 1, 1] and names == ["1", "3"]
    written = Layout(ds).finalize([(i, None, s.data, s.label) for i, s in enumerate(ds)])
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / "s.npz").write_bytes(written["s.npz"])
    back = np.load(tmp_path / "o" / "s.npz")
    np.testing.assert_array_equal(back["X"], series)
    np.testing.assert_array_equal(back["y"], [3, 1, 3, 3])


def test_unknown_format_names_path_and_known_formats(tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\x00\x01")
    with pytest.raises(ValueError, match=r"'.*a\.bin' is not a dataset augkit knows; "
                                         r"known formats: image folder"):
        open_dataset(tmp_path / "a.bin")
    with pytest.raises(ValueError, match="modality 'video' is not one of image, text"):
        open_dataset(tmp_path, modality="video")
    with pytest.raises(FileNotFoundError):
        open_dataset(tmp_path / "missing")


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared datasets not found at {SHARED}")
def test_shared_datasets_open():
    trec = open_dataset(SHARED / "text" / "trec" / "TREC.train.all")
    assert len(trec) == 5452 and trec.encoding == "latin-1" and len(trec.class_names) == 6
    cbf = open_dataset(SHARED / "timeseries" / "ucr" / "CBF" / "CBF_TRAIN.tsv")
    assert len(cbf) == 30 and cbf[0].data.shape == (128, 1) and cbf.class_names == ["1", "2",
                                                                                    "3"]
    X, y, names = load_arrays(SHARED / "images" / "pneumoniamnist_variant.npz", split="val")
    assert X.shape == (524, 28, 28) and names == ["0", "1"]


def test_image_csv_output_layout_keeps_columns(tmp_path):
    root = csv_folder(tmp_path / "src", n=2)
    ds = open_dataset(root)
    layout = Layout(ds, "png")
    assert layout.name(1, 3) == "img/1__aug3.png" and not layout.aggregate
    csv_bytes = layout.finalize([(0, None, None, "a"), (0, 0, None, "a")])["labels.csv"]
    assert csv_bytes == b"filename,label,note\nimg/0.png,a,n0\nimg/0__aug0.png,a,n0\n"
    with pytest.raises(ValueError, match="--format 'png' does not apply to text-table"):
        (tmp_path / "t.csv").write_text("text,label\nhi there,1\n")
        Layout(open_dataset(tmp_path / "t.csv"), "png")
    assert cv2.imread(str(root / "img" / "0.png")) is not None


def test_data_imports_no_modality_and_no_heavy_dependency():
    import subprocess
    import sys
    code = ("import sys, augkit.data, augkit.data.runner, augkit.cli.augment; "
            "print([m for m in sys.modules if m.startswith(('augkit.image', 'augkit.text', "
            "'augkit.timeseries', 'torch', 'pyarrow', 'tqdm'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout
