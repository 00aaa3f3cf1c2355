"""The `augkit` command: help, list, and the demo's outputs."""

from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

import augkit
from augkit.cli.demo import demo_pipeline
from augkit.cli.main import main
from augkit.resources import sample_image


def test_help_lists_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "demo" in text and "list" in text


def test_list_shows_image_transforms(capsys):
    assert main(["list", "--modality", "image"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("HorizontalFlip ") for line in lines)
    assert all(" image " in line for line in lines)


def test_demo_writes_grid_and_replayable_records(tmp_path, capsys, monkeypatch):
    from augkit.cli import demo_report

    # the report's small study is tested in test_demo_report.py; keep it short here
    monkeypatch.setattr(demo_report, "STUDY_SEEDS", (0, 1))
    monkeypatch.setattr(demo_report, "STUDY_OPTIONS", {"max_epochs": 1, "patience": 1})
    assert main(["demo", "--out", str(tmp_path), "--seed", "3"]) == 0
    assert str(tmp_path) in capsys.readouterr().out
    grid = cv2.imread(str(tmp_path / "image_grid.png"))
    assert grid.shape == (4 * 256 + 5 * 4, 4 * 256 + 5 * 4, 3)
    payload = json.loads((tmp_path / "image_records.json").read_text())
    assert augkit.from_dict(payload["pipeline"]) == demo_pipeline(3)
    assert len(payload["tiles"]) == 15
    # each record reproduces the tile that the seeded pipeline made
    pipeline, image = demo_pipeline(3), sample_image()
    for tile in payload["tiles"]:
        expected = pipeline(image=image)["image"]
        record = augkit.Record.from_dict(tile["record"])
        assert set(record.names) <= {"HorizontalFlip", "Rotate", "Zoom"}
        np.testing.assert_array_equal(record.apply(image=image)["image"], expected)


@pytest.mark.parametrize("argv, message", [
    (["list", "--modality", "imagez"], "--modality 'imagez' is not one of image, text"),
    (["demo", "--out", ""], "--out is empty"),
    (["demo", "--seed", "-1"], "argument --seed: -1 is outside"),
    (["demo", "--seed", "x"], "argument --seed: 'x' is not an integer"),
])
def test_bad_arguments_get_one_line_and_a_failing_status(argv, message, capsys):
    try:
        status = main(argv)
    except SystemExit as exit_info:  # argparse's own errors exit with 2
        status = exit_info.code
    err = capsys.readouterr().err
    assert status == 2
    assert message in err and "Traceback" not in err


def test_an_output_that_is_a_file_or_cannot_be_created_is_refused(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert main(["demo", "--out", str(blocker)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert main(["demo", "--out", str(blocker / "inside")]) == 2
    err = capsys.readouterr().err
    assert "cannot create the folder" in err and len(err.splitlines()) == 1
    assert list(tmp_path.iterdir()) == [blocker]


def test_the_installed_command_prints_no_traceback(tmp_path):
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "augkit.cli.main", "list", "--modality", "x"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("augkit list: error:") and "Traceback" not in done.stderr


def test_an_unwritable_output_folder_is_refused(tmp_path, monkeypatch, capsys):
    import augkit.cli.main as cli

    monkeypatch.setattr(cli.os, "access", lambda path, mode: False)  # root ignores chmod
    assert main(["demo", "--out", str(tmp_path)]) == 2
    assert "the folder is not writable" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
