"""``augkit augment --engine ray``: the same DST as the local engine (file by file, manifest
row by row), work spread over several Ray workers, bad inputs listed, resume after the
runner is killed, and a one-line error when Ray is missing.

One local Ray (2 CPUs, no dashboard) serves the whole session; the runner reuses it, and a
killed runner in a subprocess reaches it by its address."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import augkit
from augkit import text as T
from augkit import timeseries as TS
from augkit.cli.main import main
from augkit.data.runner import Job, run
from tests.data_helpers import (
    augment_command,
    class_folder,
    csv_folder,
    environment,
    pipeline_file,
    tree,
)

try:
    import ray
except ImportError:
    ray = None

pytestmark = pytest.mark.xdist_group("ray")  # with --dist loadgroup: one Ray per run

needs_ray = pytest.mark.skipif(ray is None, reason="ray is not installed: the Ray engine "
                               "tests need the 'ray' extra (pip install 'augkit[ray]')")


def _both(tmp_path, src, pipe, **options):
    """Run the job on the local engine (2 processes) and on Ray; returns both DST folders
    and the Ray run's summary."""
    pipeline = augkit.load(pipe)
    run(Job(src=src, dst=tmp_path / "local", pipeline=pipeline, workers=2, progress=False,
            **options))
    summary = run(Job(src=src, dst=tmp_path / "ray", pipeline=pipeline, workers=2,
                      engine="ray", progress=False, **options))
    return tmp_path / "local", tmp_path / "ray", summary


def _rows(dst):
    return [json.loads(line) for line in (dst / "manifest.jsonl").read_text().splitlines()]


def _assert_same(local, ray_dst):
    expected, got = tree(local), tree(ray_dst)
    assert sorted(got) == sorted(expected)
    for name in expected:  # file by file, so a failure names the file
        assert got[name] == expected[name], name
    assert _rows(ray_dst) == _rows(local)  # row by row, in plan order


@needs_ray
def test_class_folder_equals_the_local_engine_and_runs_in_parallel(tmp_path, ray_session):
    src = class_folder(tmp_path / "src", {"cat": 14, "dog": 10}, size=(64, 48))
    local, ray_dst, summary = _both(tmp_path, src, pipeline_file(tmp_path), copies=2,
                                    seed=3, balance=True)
    _assert_same(local, ray_dst)
    assert len(_rows(ray_dst)) == 84 and summary["per_class"] == {"cat": 42, "dog": 42}
    ran = summary["engine"]  # 24 items in chunks of 3: 8 tasks over both CPUs' workers
    assert ran["engine"] == "ray" and ran["items"] == 24 and ran["tasks"] == 8, ran
    assert ran["processes"] == 2, ran
    assert ran["nodes"] == 1


@needs_ray
@pytest.mark.parametrize("kind", ["text", "series"])
def test_text_and_series_tables_equal_the_local_engine(tmp_path, ray_session, kind):
    if kind == "text":
        src = tmp_path / "sst.train"
        words = "a truly wonderful moving film with a dull flat and far too long ending"
        src.write_text("".join(f"{k % 2} {' '.join(words.split()[k % 5:])} {k}\n"
                               for k in range(20)))
        augkit.save(augkit.Compose([T.RandomSwap(p=1.0), T.KeyboardTypo(p=0.5)]),
                    tmp_path / "p.yaml")
    else:
        src = tmp_path / "S_TRAIN.tsv"
        src.write_text("".join(f"{1 + k % 3}\t" + "\t".join(f"{(k * j) % 7 - 3.5:.2f}"
                                                          for j in range(24)) + "\n"
                               for k in range(20)))
        augkit.save(augkit.Compose([TS.Jitter(p=1.0), TS.TimeWarp(p=0.5)]),
                    tmp_path / "p.yaml")
    local, ray_dst, summary = _both(tmp_path, src, tmp_path / "p.yaml", copies=3, seed=8)
    _assert_same(local, ray_dst)
    assert len(_rows(ray_dst)) == 80 and summary["engine"]["tasks"] > 1
    for row in (1, 79):  # the gathered file replays like the local engine's
        assert main(["replay", str(ray_dst / "manifest.jsonl"), "--row", str(row)]) == 0


@needs_ray
def test_a_corrupt_file_is_skipped_and_listed(tmp_path, ray_session, capsys):
    src = class_folder(tmp_path / "src", {"a": 5, "b": 3})
    (src / "a" / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (src / "b" / "cut.png").write_bytes((src / "b" / "000.png").read_bytes()[:200])
    local, ray_dst, summary = _both(tmp_path, src, pipeline_file(tmp_path))
    _assert_same(local, ray_dst)
    assert summary["skipped"] == [
        {"key": "a/bad.png", "reason": "truncated", "detail": "the image header is cut short"},
        {"key": "b/cut.png", "reason": "truncated", "detail": summary["skipped"][1]["detail"]}]
    assert not (ray_dst / "a" / "bad__aug0.png").exists()
    capsys.readouterr()
    assert main(["augment", str(src), "--pipeline", str(pipeline_file(tmp_path)), "--out",
                 str(tmp_path / "cli"), "--engine", "ray", "--quiet"]) == 0
    err = capsys.readouterr().err
    assert "skipped: 2 truncated" in err and "skipped a/bad.png: truncated" in err
    assert "ran on Ray:" in err and tree(tmp_path / "cli") == tree(local)


@needs_ray
def test_resume_after_the_runner_is_killed(tmp_path, ray_session):
    src = csv_folder(tmp_path / "src", n=60, size=(96, 72))
    pipe = pipeline_file(tmp_path)
    reference = tmp_path / "ref"
    run(Job(src=src, dst=reference, pipeline=augkit.load(pipe), copies=3, progress=False))
    dst = tmp_path / "killed"
    args = [str(src), "--pipeline", str(pipe), "--copies", "3", "--quiet", "--out", str(dst),
            "--engine", "ray", "--address", ray_session]
    process = subprocess.Popen(augment_command(*args), env=environment(),
                               stderr=subprocess.DEVNULL)
    journal, deadline = dst / ".augkit" / "journal.jsonl", time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if journal.is_file() and journal.read_bytes().count(b"\n") >= 8:
            break
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    assert process.wait() == -signal.SIGKILL
    done = journal.read_bytes().count(b"\n")
    assert 8 <= done < 240 and not (dst / "manifest.jsonl").exists()  # killed mid-run
    time.sleep(0.5)  # Ray ends the dead runner's workers
    summary = run(Job(src=src, dst=dst, pipeline=augkit.load(pipe), copies=3, resume=True,
                      engine="ray", progress=False))
    assert 0 < summary["engine"]["items"] <= 60 - done // 4  # only what was missing
    assert tree(dst) == tree(reference)


def test_without_ray_the_error_is_one_line_naming_the_extra(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails as if not installed
    src = class_folder(tmp_path / "src", {"a": 1})
    pipe = pipeline_file(tmp_path)
    dst = tmp_path / "dst"
    assert main(["augment", str(src), "--pipeline", str(pipe), "--out", str(dst),
                 "--engine", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "pip install 'augkit[ray]'" in err, err
    assert "--engine ray needs Ray" in err and not dst.exists()
    assert main(["augment", str(src), "--pipeline", str(pipe), "--out", str(dst),
                 "--address", "auto"]) == 2
    assert "--address names a Ray cluster; it needs --engine ray" in capsys.readouterr().err


def test_a_fresh_process_without_ray_says_so(tmp_path):
    """The same through the command as users run it (a subprocess where ray is hidden)."""
    src = class_folder(tmp_path / "src", {"a": 1})
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "ray.py").write_text("raise ImportError('No module named ray')\n")
    env = environment()
    env["PYTHONPATH"] = str(hide) + os.pathsep + env["PYTHONPATH"]
    done = subprocess.run(augment_command(str(src), "--pipeline", str(pipeline_file(tmp_path)),
                                          "--out", str(tmp_path / "d"), "--engine", "ray"),
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert "install the 'ray' extra: pip install 'augkit[ray]'" in done.stderr
