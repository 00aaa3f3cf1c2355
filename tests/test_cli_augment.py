"""``augkit augment`` / ``augkit replay``: layouts, determinism across workers, replay bit
for bit, balance counts, refusals, and resume after kill -9."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import time
from collections import Counter

import numpy as np

import augkit
from augkit import text as T
from augkit import timeseries as TS
from augkit.cli.main import main
from augkit.data import open_dataset
from augkit.data.runner import Job, copies_per_item, output_seed, run
from tests.data_helpers import (
    augment_command,
    class_folder,
    csv_folder,
    environment,
    pipeline_file,
    run_command,
    tree,
)


def _augment(*args, capsys=None) -> int:
    status = main(["augment", *map(str, args), "--quiet"])
    if capsys is not None:
        capsys.readouterr()
    return status


def test_class_folder_layout_originals_and_manifest(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"cat": 2, "dog": 1})
    before = tree(src)
    dst = tmp_path / "dst"
    assert _augment(src, "--pipeline", pipeline_file(tmp_path), "--out", dst,
                    "--copies", 2, "--seed", 5) == 0
    assert "read 3, wrote 6 augmented and 3 originals" in capsys.readouterr().err
    assert tree(src) == before  # SRC untouched
    names = sorted(p for p in tree(dst) if not p.startswith("."))
    assert names == ["cat/000.png", "cat/000__aug0.png", "cat/000__aug1.png", "cat/001.png",
                     "cat/001__aug0.png", "cat/001__aug1.png", "dog/000.png",
                     "dog/000__aug0.png", "dog/000__aug1.png", "manifest.jsonl",
                     "manifest.parquet", "summary.json"]
    assert (dst / "cat" / "000.png").read_bytes() == (src / "cat" / "000.png").read_bytes()
    again = open_dataset(dst)  # training code reads DST as it read SRC
    assert again.class_names == ["cat", "dog"] and len(again) == 9
    rows = [json.loads(line) for line in (dst / "manifest.jsonl").read_text().splitlines()]
    assert [(r["source"], r["copy"]) for r in rows[:3]] == [
        ("cat/000.png", None), ("cat/000.png", 0), ("cat/000.png", 1)]
    assert rows[1]["seed"] == output_seed(5, "cat/000.png", 0)
    assert rows[1]["record"]["modality"] == "image" and len(rows[1]["pipeline"]) == 16
    summary = json.loads((dst / "summary.json").read_text())
    assert summary["read"] == 3 and summary["written"] == 6 and summary["skipped"] == []
    # the Parquet manifest: the same rows, typed columns, nested fields as JSON text
    import pyarrow.parquet as pq

    table = pq.read_table(dst / "manifest.parquet").to_pylist()
    assert len(table) == len(rows)
    for got, want in zip(table, rows, strict=True):
        assert json.loads(got.pop("record") or "null") == want.pop("record")
        assert got == {"unchanged": None} | want  # (null where a row has no such field)
    assert pq.read_schema(dst / "manifest.parquet").field("seed").type == "uint64"


def test_replay_regenerates_every_row_bit_for_bit(tmp_path, capsys):
    src = csv_folder(tmp_path / "src", n=3)
    dst = tmp_path / "dst"
    assert _augment(src, "--pipeline", pipeline_file(tmp_path), "--out", dst, "--copies",
                    2, capsys=capsys) == 0
    n_rows = len((dst / "manifest.jsonl").read_text().splitlines())
    for row in range(n_rows):
        assert main(["replay", str(dst / "manifest.jsonl"), "--row", str(row)]) == 0
        assert "identical" in capsys.readouterr().out
    out = tmp_path / "again.png"
    assert main(["replay", str(dst / "manifest.jsonl"), "--output", "img/2__aug1.png",
                 "--write", str(out)]) == 0
    assert out.read_bytes() == (dst / "img" / "2__aug1.png").read_bytes()
    (dst / "img" / "2__aug1.png").write_bytes(
        (dst / "img" / "2__aug0.png").read_bytes())  # tamper: replay must notice
    capsys.readouterr()
    assert main(["replay", str(dst / "manifest.jsonl"), "--output", "img/2__aug1.png"]) == 1
    assert "DIFFERS" in capsys.readouterr().out
    csv_rows = (dst / "labels.csv").read_text().splitlines()
    assert csv_rows[:3] == ["filename,label,note", "img/0.png,a,n0", "img/0__aug0.png,a,n0"]


def test_outputs_do_not_depend_on_workers(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"a": 3, "b": 2})
    pipe = pipeline_file(tmp_path)
    for workers in (1, 2):
        assert _augment(src, "--pipeline", pipe, "--out", tmp_path / f"w{workers}",
                        "--copies", 2, "--workers", workers, "--seed", 9,
                        capsys=capsys) == 0
    assert tree(tmp_path / "w1") == tree(tmp_path / "w2")
    other = tmp_path / "seed10"
    assert _augment(src, "--pipeline", pipe, "--out", other, "--copies", 2, "--seed", 10,
                    capsys=capsys) == 0
    assert tree(other)["a/000__aug0.png"] != tree(tmp_path / "w1")["a/000__aug0.png"]


def test_balance_brings_every_class_to_the_majority(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"big": 5, "mid": 3, "one": 1})
    dst = tmp_path / "dst"
    assert _augment(src, "--pipeline", pipeline_file(tmp_path), "--out", dst, "--copies", 1,
                    "--balance", capsys=capsys) == 0
    summary = json.loads((dst / "summary.json").read_text())
    assert summary["per_class"] == {"big": 10, "mid": 10, "one": 10}
    ds = open_dataset(src)
    counts = copies_per_item(ds, 1, True, 0, True)
    assert counts[:5] == [1] * 5 and sorted(counts[5:8]) == [2, 2, 3] and counts[8] == 9
    assert copies_per_item(ds, 1, True, 0, True) == counts  # deterministic
    assert Counter(copies_per_item(ds, 2, True, 0, False)) == {2: 5, 3: 2, 4: 1, 10: 1}


def test_text_and_series_layouts_replay(tmp_path, capsys):
    lines = tmp_path / "sst.train"
    lines.write_text("1 a truly wonderful and moving film\n0 dull , flat and far too long\n")
    augkit.save(augkit.Compose([T.RandomSwap(p=1.0)]), tmp_path / "t.yaml")
    assert _augment(lines, "--pipeline", tmp_path / "t.yaml", "--out", tmp_path / "dt",
                    capsys=capsys) == 0
    written = (tmp_path / "dt" / "sst.train").read_text().splitlines()
    assert len(written) == 4 and written[0] == "1 a truly wonderful and moving film"
    assert written[1].startswith("1 ") and sorted(written[1].split()) == sorted(
        written[0].split())
    ucr = tmp_path / "S_TRAIN.tsv"
    ucr.write_text("1\t0.5\t1.5\t2.5\t3.5\n2\t-1\t0\t1\t2\n")
    augkit.save(augkit.Compose([TS.Jitter(p=1.0)]), tmp_path / "s.yaml")
    assert _augment(ucr, "--pipeline", tmp_path / "s.yaml", "--out", tmp_path / "ds",
                    "--copies", 2, "--workers", 2, capsys=capsys) == 0
    assert len(open_dataset(tmp_path / "ds" / "S_TRAIN.tsv")) == 6
    for manifest in (tmp_path / "dt" / "manifest.jsonl", tmp_path / "ds" / "manifest.jsonl"):
        for row in range(4):
            assert main(["replay", str(manifest), "--row", str(row)]) == 0
    assert capsys.readouterr().out.count("identical") == 8


def test_npz_in_npz_out_and_png_out(tmp_path, capsys):
    path = tmp_path / "med.npz"
    rng = np.random.default_rng(0)
    np.savez(path, train_images=rng.integers(0, 255, (4, 8, 8), dtype=np.uint8),
             train_labels=np.array([[0], [1], [1], [1]], np.uint8),
             test_images=np.zeros((2, 8, 8), np.uint8), test_labels=np.zeros((2, 1)))
    pipe = pipeline_file(tmp_path)
    assert _augment(path, "--pipeline", pipe, "--out", tmp_path / "n", "--balance",
                    capsys=capsys) == 0
    out = np.load(tmp_path / "n" / "med.npz")
    assert out["train_images"].shape == (12, 8, 8) and out["train_labels"].dtype == np.uint8
    assert Counter(out["train_labels"].ravel().tolist()) == {0: 6, 1: 6}
    np.testing.assert_array_equal(out["train_images"][0], np.load(path)["train_images"][0])
    assert out["test_images"].shape == (2, 8, 8)
    assert _augment(path, "--pipeline", pipe, "--out", tmp_path / "p", "--format", "png",
                    capsys=capsys) == 0
    assert sorted(open_dataset(tmp_path / "p").keys)[:2] == ["0/train_0.png",
                                                             "0/train_0__aug0.png"]
    for row in (1, 5):
        assert main(["replay", str(tmp_path / "n" / "manifest.jsonl"), "--row", str(row)]) == 0


def test_sixteen_bit_images_stay_sixteen_bit(tmp_path, capsys):
    from tests.data_helpers import photo, write_rgb
    image = photo(np.random.default_rng(0), dtype=np.uint16)
    write_rgb(tmp_path / "src" / "x" / "a.tif", image)
    pipe = pipeline_file(tmp_path)
    assert _augment(tmp_path / "src", "--pipeline", pipe, "--out", tmp_path / "png",
                    "--copies", 0, "--format", "png", capsys=capsys) == 0
    out = open_dataset(tmp_path / "png")
    assert out.keys == ["x/a.png"] and out[0].data.dtype == np.uint16
    np.testing.assert_array_equal(out[0].data, image)
    # the image transforms take uint16: the copies are 16-bit TIFFs like their source
    assert _augment(tmp_path / "src", "--pipeline", pipe, "--out", tmp_path / "aug",
                    capsys=capsys) == 0
    aug = open_dataset(tmp_path / "aug")
    assert aug.keys == ["x/a.tif", "x/a__aug0.tif"] and not aug.skipped
    assert all(s.data.dtype == np.uint16 and s.data.shape == image.shape for s in aug)


def test_rgba_pngs_keep_their_alpha_under_colour_ops(tmp_path, capsys):
    import cv2

    from tests.data_helpers import photo
    rng = np.random.default_rng(0)
    rgba = np.dstack([photo(rng), rng.integers(0, 256, (30, 40, 1), dtype=np.uint8)])
    (tmp_path / "src" / "x").mkdir(parents=True)
    cv2.imwrite(str(tmp_path / "src" / "x" / "a.png"), cv2.cvtColor(rgba, cv2.COLOR_RGBA2BGRA))
    pipe = tmp_path / "colour.yaml"
    augkit.save(augkit.Compose([augkit.image.ColorJitter(p=1.0), augkit.image.RGBShift(p=1.0)]),
                pipe)
    assert _augment(tmp_path / "src", "--pipeline", pipe, "--out", tmp_path / "o",
                    capsys=capsys) == 0
    out = open_dataset(tmp_path / "o")
    copy = {s.key: s.data for s in out}["x/a__aug0.png"]
    assert copy.shape == rgba.shape and not np.array_equal(copy[..., :3], rgba[..., :3])
    np.testing.assert_array_equal(copy[..., 3], rgba[..., 3])


def test_bad_inputs_are_listed_in_the_summary(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"a": 2})
    (src / "a" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    dst = tmp_path / "dst"
    assert _augment(src, "--pipeline", pipeline_file(tmp_path), "--out", dst) == 0
    err = capsys.readouterr().err
    assert "skipped: 1 truncated" in err and "skipped a/bad.png: truncated" in err
    summary = json.loads((dst / "summary.json").read_text())
    assert summary["skipped"] == [{"key": "a/bad.png", "reason": "truncated",
                                   "detail": "the image header is cut short"}]
    assert not (dst / "a" / "bad.png").exists() and not (dst / "a" / "bad__aug0.png").exists()


def test_refusals_are_one_line_with_status_2(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"a": 1})
    pipe = pipeline_file(tmp_path)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    done = tmp_path / "done"
    assert _augment(src, "--pipeline", pipe, "--out", done, capsys=capsys) == 0
    cases = [
        ((src, "--pipeline", pipe, "--out", src / "inner"), "is inside the source"),
        ((src, "--pipeline", pipe, "--out", tmp_path), "the source .* is inside --out"),
        ((src, "--pipeline", pipe, "--out", foreign), "not empty and was not written by augkit"),
        ((src, "--pipeline", pipe, "--out", done), "holds an earlier augkit run"),
        ((src, "--pipeline", pipe, "--out", done, "--resume", "--seed", 3),
         "written with different seed"),
        ((tmp_path / "nope", "--pipeline", pipe, "--out", done), "SRC .* does not exist"),
        ((src, "--pipeline", pipe, "--out", tmp_path / "t", "--format", "npz", "--copies",
          10**6), "at most 10000 copies"),
    ]
    import re
    for args, message in cases:
        assert _augment(*args) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and re.search(message, err), err
    assert (foreign / "keep.txt").read_text() == "mine" and not (src / "inner").exists()
    assert _augment(src, "--pipeline", pipe, "--out", foreign, "--force", capsys=capsys) == 0
    assert (foreign / "a" / "000__aug0.png").is_file()


def test_resume_after_kill_9_sigterm_or_ctrl_c_equals_an_uninterrupted_run(tmp_path):
    src = csv_folder(tmp_path / "src", n=100, size=(64, 48))
    pipe = pipeline_file(tmp_path)
    args = [str(src), "--pipeline", str(pipe), "--copies", "3", "--quiet"]
    reference = tmp_path / "ref"
    start = time.monotonic()
    assert run_command(augment_command(*args, "--out", str(reference))).returncode == 0
    elapsed = time.monotonic() - start
    expected = tree(reference)
    rng = random.Random(0)
    signals = iter([signal.SIGINT, signal.SIGKILL, signal.SIGTERM] + [signal.SIGKILL] * 3)
    for trial in range(3):
        dst = tmp_path / f"killed{trial}"
        for _ in range(2):  # interrupt, then interrupt the resume too, then finish
            process = subprocess.Popen(augment_command(*args, "--out", str(dst), "--resume"),
                                       env=environment(), stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, 1.0) * elapsed)  # past start-up, before the end
            process.send_signal(next(signals))
            assert process.wait() in (0, 130, -signal.SIGINT, -signal.SIGKILL, -signal.SIGTERM)
        finished = run_command(augment_command(*args, "--out", str(dst), "--resume"))
        assert finished.returncode == 0, finished.stderr
        assert tree(dst) == expected


def test_job_api_matches_the_command(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"a": 1, "b": 1})
    pipe = pipeline_file(tmp_path)
    summary = run(Job(src=src, dst=tmp_path / "api", pipeline=augkit.load(pipe), copies=2,
                      seed=4, progress=False))
    assert summary["written"] == 4
    assert _augment(src, "--pipeline", pipe, "--out", tmp_path / "cli", "--copies", 2,
                    "--seed", 4, capsys=capsys) == 0
    assert tree(tmp_path / "api") == tree(tmp_path / "cli")


def test_colliding_output_names_are_refused(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"a": 1})
    (src / "a" / "000__aug0.png").write_bytes((src / "a" / "000.png").read_bytes())
    assert _augment(src, "--pipeline", pipeline_file(tmp_path), "--out", tmp_path / "d") == 2
    assert "two outputs would be written to 'a/000__aug0.png'" in capsys.readouterr().err


def test_copies_equal_to_their_source_are_counted_and_reported(tmp_path, capsys):
    src = class_folder(tmp_path / "src", {"cat": 3, "dog": 3})
    mild = tmp_path / "mild.yaml"  # a flip with p=0.5: about half the copies are duplicates
    mild.write_text("type: HorizontalFlip\np: 0.5\n")
    dst = tmp_path / "dst"
    assert main(["augment", str(src), "--pipeline", str(mild), "--out", str(dst),
                 "--copies", "4", "--seed", "1", "--quiet"]) == 0
    err = capsys.readouterr().err
    rows = [json.loads(line) for line in (dst / "manifest.jsonl").read_text().splitlines()]
    copies = [r for r in rows if r["copy"] is not None]
    same = [r for r in copies if r["unchanged"]]
    for r in copies:  # the flag is the truth: a duplicate's record holds no step
        assert r["unchanged"] == (r["record"]["steps"] == [])
    summary = json.loads((dst / "summary.json").read_text())
    assert summary["unchanged"] == len(same) and 0 < len(same) < len(copies)
    assert f"{len(same)} of 24 augmented copies" in err and "duplicates" in err
    assert all("unchanged" not in r for r in rows if r["copy"] is None)
