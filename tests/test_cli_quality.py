"""`augkit check` and `augkit sweep` on small datasets on disk."""

from __future__ import annotations

import json

import numpy as np
import pytest

from augkit.cli.main import main

pytest.importorskip("torch", reason="the proxy models need torch (augkit[torch])")


@pytest.fixture()
def xray_npz(tmp_path):
    """MedMNIST-style greyscale set: class 0 bright on the left, class 1 on the right."""
    rng = np.random.default_rng(0)
    y = np.arange(80) % 2
    x = rng.integers(0, 60, (80, 16, 16), np.uint8)
    x[y == 0, :, :8] += 150
    x[y == 1, :, 8:] += 150
    path = tmp_path / "xray.npz"
    np.savez(path, train_images=x, train_labels=y[:, None], test_images=x[:20],
             test_labels=y[:20, None])
    return path


def test_check_writes_warnings_preservation_and_pages(tmp_path, xray_npz, capsys):
    pipeline = tmp_path / "pipe.yaml"
    pipeline.write_text("type: Compose\ntransforms:\n  - {type: HorizontalFlip}\n"
                        "  - {type: Rotate, limit: 10}\n  - {type: HueSaturationValue}\n")
    out = tmp_path / "check"
    code = main(["check", str(xray_npz), "--pipeline", str(pipeline), "--domain", "chest-xray",
                 "--out", str(out), "--copies", "1", "--epochs", "6"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "warning: Compose[0] HorizontalFlip" in printed
    summary = json.loads((out / "check.json").read_text())
    assert {w["rule"] for w in summary["warnings"]} >= {"mirrored-anatomy", "colour-on-xray",
                                                        "colour-on-greyscale"}
    ops = [r["op"] for r in summary["preservation"]]
    assert ops == ["pipeline", "HorizontalFlip", "Rotate", "HueSaturationValue"]
    # the flip swaps left and right, which is this data's label: flagged
    assert "HorizontalFlip" in summary["flagged"] and "Rotate" not in summary["flagged"]
    assert (out / "preservation.csv").read_text().startswith("op,path,samples,outputs")
    assert "mirrored-anatomy" in (out / "warnings.csv").read_text()
    assert "<table>" in (out / "report.html").read_text()


def test_check_static_only_and_errors(tmp_path, xray_npz, capsys):
    pipeline = tmp_path / "pipe.json"
    pipeline.write_text('{"type": "Compose", "transforms": [{"type": "VerticalFlip"}]}')
    assert main(["check", str(xray_npz), "--pipeline", str(pipeline), "--domain", "digits",
                 "--out", str(tmp_path / "o"), "--no-preservation"]) == 0
    assert "upside-down-glyphs" in (tmp_path / "o" / "warnings.csv").read_text()
    assert main(["check", str(xray_npz), "--pipeline", str(pipeline), "--domain", "moon",
                 "--out", str(tmp_path / "o2"), "--no-preservation"]) == 2
    assert "domain 'moon' is not known" in capsys.readouterr().err


def test_sweep_writes_one_row_per_value(tmp_path, xray_npz, capsys):
    out = tmp_path / "sweep"
    code = main(["sweep", str(xray_npz), "--op", "Brightness", "--param", "limit",
                 "--values", "0.05,0.3", "--fixed", "{p: 1.0}", "--seeds", "2",
                 "--test", str(xray_npz), "--epochs", "4", "--out", str(out)])
    assert code == 0
    rows = (out / "sweep.csv").read_text().splitlines()
    assert len(rows) == 3 and rows[0].startswith("op,param,value,n,mean,std,diff,ci_low")
    result = json.loads((out / "sweep.json").read_text())
    assert result["values"] == [0.05, 0.3] and len(result["rows"]) == 2
    assert (out / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    assert "largest" in (out / "report.md").read_text().lower()


@pytest.mark.parametrize(("values", "message"), [
    ("1,x", "'x' is not a number"), ("[]", "not a non-empty YAML list")])
def test_sweep_value_errors(tmp_path, xray_npz, capsys, values, message):
    code = main(["sweep", str(xray_npz), "--op", "Rotate", "--param", "limit", "--values",
                 values, "--out", str(tmp_path / "s")])
    assert code == 2 and message in capsys.readouterr().err
