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


def test_demo_writes_grid_and_replayable_records(tmp_path, capsys):
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
