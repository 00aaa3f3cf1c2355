"""DICOM through pydicom: rescale and photometric interpretation applied on reading, derived
DICOM (new SOP Instance UID, ImageType DERIVED) or 16-bit PNG on writing; test files are
built here with pydicom."""

from __future__ import annotations

import json

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.cli.main import main
from augkit.data import open_dataset
from augkit.data.dicom import decode_dicom, scale_of

pydicom = pytest.importorskip("pydicom")
from pydicom.dataset import Dataset, FileMetaDataset  # noqa: E402
from pydicom.uid import CTImageStorage, ExplicitVRLittleEndian, generate_uid  # noqa: E402


def make_dicom(path, stored, kind="MONOCHROME2", bits=12, slope=1.0, intercept=0.0):
    uid = generate_uid()
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = uid
    meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID, ds.SOPInstanceUID = CTImageStorage, uid
    ds.PatientName, ds.Modality = "Test^Patient", "CT"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.set_pixel_data(stored, kind, bits)
    if kind != "RGB":
        ds.RescaleSlope, ds.RescaleIntercept = slope, intercept
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, enforce_file_format=True)
    return path


def _ct(seed=0):
    return np.random.default_rng(seed).integers(0, 4096, (24, 20)).astype(np.uint16)


def test_rescale_and_monochrome1_are_applied(tmp_path):
    stored = _ct()
    data = make_dicom(tmp_path / "ct.dcm", stored, intercept=-1024).read_bytes()
    pixels = decode_dicom(data, 10**6)
    assert pixels.dtype == np.uint16 and pixels.shape == stored.shape
    assert pixels.max() <= 65535 and np.corrcoef(pixels.ravel(), stored.ravel())[0, 1] > 0.999
    scale = scale_of(pydicom.dcmread(tmp_path / "ct.dcm"))
    np.testing.assert_array_equal(np.rint(scale.to_modality(pixels)),
                                  stored.astype(np.int64) - 1024)  # Hounsfield units back
    mono1 = decode_dicom(make_dicom(tmp_path / "m1.dcm", stored, "MONOCHROME1",
                                    intercept=-1024).read_bytes(), 10**6)
    np.testing.assert_array_equal(mono1, 65535 - pixels)  # bright means high, as MONOCHROME2
    signed = stored.astype(np.int16) - 2048
    neg = decode_dicom(make_dicom(tmp_path / "s.dcm", signed, slope=-2.0).read_bytes(), 10**6)
    assert np.corrcoef(neg.ravel(), stored.ravel())[0, 1] < -0.999  # negative slope: flipped
    rgb = np.random.default_rng(1).integers(0, 256, (8, 9, 3), dtype=np.uint8)
    out = decode_dicom(make_dicom(tmp_path / "rgb.dcm", rgb, "RGB", 8).read_bytes(), 10**6)
    np.testing.assert_array_equal(out, rgb)


def test_bad_and_large_dicoms_are_listed(tmp_path):
    data = make_dicom(tmp_path / "src" / "a" / "ok.dcm", _ct()).read_bytes()
    (tmp_path / "src" / "a" / "cut.dcm").write_bytes(data[:len(data) // 2])
    (tmp_path / "src" / "a" / "empty.dcm").write_bytes(b"\0" * 128 + b"DICM" + b"\x02" * 40)
    ds = open_dataset(tmp_path / "src")
    assert [s.key for s in ds] == ["a/ok.dcm"]
    assert {(s.key, s.reason) for s in ds.skipped} == {("a/cut.dcm", "undecodable"),
                                                       ("a/empty.dcm", "undecodable")}
    small = open_dataset(tmp_path / "src", max_pixels=100)
    list(small)
    assert ("a/ok.dcm", "too large") in [(s.key, s.reason) for s in small.skipped]


def test_augmented_dicom_is_derived_and_reproducible(tmp_path):
    stored = _ct()
    src = tmp_path / "src"
    source = make_dicom(src / "lung" / "x.dcm", stored, "MONOCHROME1", intercept=-1024)
    pipe = tmp_path / "pipe.yaml"
    augkit.save(augkit.Compose([A.HorizontalFlip(p=1.0)]), pipe)
    out = tmp_path / "out"
    args = ["augment", str(src), "--pipeline", str(pipe), "--copies", "2", "--quiet"]
    assert main(args + ["--out", str(out)]) == 0
    assert (out / "lung" / "x.dcm").read_bytes() == source.read_bytes()
    before = pydicom.dcmread(source)
    uids = {before.SOPInstanceUID}
    for copy in (0, 1):
        ds = pydicom.dcmread(out / "lung" / f"x__aug{copy}.dcm")
        np.testing.assert_array_equal(ds.pixel_array, stored[:, ::-1])  # exact stored values
        assert list(ds.ImageType)[:2] == ["DERIVED", "SECONDARY"]
        assert ds.PhotometricInterpretation == "MONOCHROME1" and ds.BitsStored == 12
        assert ds.RescaleIntercept == -1024 and ds.PatientName == "Test^Patient"
        assert ds.SourceImageSequence[0].ReferencedSOPInstanceUID == before.SOPInstanceUID
        assert ds.file_meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        uids.add(ds.SOPInstanceUID)
    assert len(uids) == 3
    assert main(args + ["--out", str(tmp_path / "again")]) == 0  # same bytes on a rerun
    assert (tmp_path / "again/lung/x__aug1.dcm").read_bytes() == (
        out / "lung/x__aug1.dcm").read_bytes()
    assert main(["replay", str(out / "manifest.jsonl"), "--row", "2"]) == 0
    png = tmp_path / "png"
    assert main(args + ["--out", str(png), "--format", "png"]) == 0
    back = open_dataset(png)
    first = {s.key: s.data for s in back}
    assert first["lung/x.png"].dtype == np.uint16
    np.testing.assert_array_equal(first["lung/x__aug0.png"], first["lung/x.png"][:, ::-1])
    assert json.loads((png / "summary.json").read_text())["skipped"] == []


@pytest.mark.parametrize("op, spacing", [
    (A.HorizontalFlip(p=1.0), [0.5, 0.8]),  # a flip or crop keeps the pixel size
    (A.Crop(x_min=2, y_min=3, x_max=18, y_max=21), [0.5, 0.8]),
    (A.Resize(height=12, width=40), [1.0, 0.4]),  # rows / 2 -> 2x taller, cols x 2 -> half
    (A.RandomRotate90(p=1.0), [0.8, 0.5]),  # a quarter turn swaps rows and columns
])
def test_pixel_spacing_follows_the_move(tmp_path, op, spacing):
    from augkit.data.dicom import moved_spacing

    src = tmp_path / "src"
    path = make_dicom(src / "a" / "x.dcm", _ct())
    ds = pydicom.dcmread(path)
    ds.PixelSpacing, ds.ImagerPixelSpacing = [0.5, 0.8], [0.5, 0.8]
    ds.save_as(path, enforce_file_format=True)
    pipe = tmp_path / "pipe.yaml"
    augkit.save(augkit.Compose([op], seed=1), pipe)
    out = tmp_path / "out"
    assert main(["augment", str(src), "--pipeline", str(pipe), "--out", str(out),
                 "--quiet"]) == 0
    made = pydicom.dcmread(out / "a" / "x__aug0.dcm")
    np.testing.assert_allclose([float(v) for v in made.PixelSpacing], spacing)
    np.testing.assert_allclose([float(v) for v in made.ImagerPixelSpacing], spacing)
    assert main(["replay", str(out / "manifest.jsonl"), "--row", "1"]) == 0  # same bytes
    # a 30-degree turn of non-square pixels: each new pixel edge's length in mm
    turn = np.radians(30.0)
    steps = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    np.testing.assert_allclose(moved_spacing([0.5, 0.8], steps), [
        np.hypot(-np.sin(turn) * 0.8, np.cos(turn) * 0.5),
        np.hypot(np.cos(turn) * 0.8, np.sin(turn) * 0.5)])
