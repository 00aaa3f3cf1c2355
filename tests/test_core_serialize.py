"""Configs: exact round-trip, and loading that can only build registered transforms."""

from __future__ import annotations

import json

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.compose import OneOf, SomeOf

PIPELINE = augkit.Compose(
    [
        OneOf([A.HorizontalFlip(), A.Rotate(limit=(-10, 25), border_mode="reflect")],
              weights=[2, 1]),
        SomeOf([A.Brightness(), A.Gamma(), A.GaussianBlur(sigma=(0.3, 1.0))], n=(1, 2)),
        A.RandomResizedCrop(16, 16, scale=(0.5, 1.0)),
    ],
    seed=5,
    targets={"bbox_format": "yolo", "min_visibility": 0.25},
)


@pytest.mark.parametrize("suffix", [".json", ".yaml", ".yml"])
def test_file_round_trip_is_exact(tmp_path, suffix):
    path = tmp_path / f"pipeline{suffix}"
    augkit.save(PIPELINE, path)
    loaded = augkit.load(path)
    assert loaded == PIPELINE
    assert loaded.to_dict() == PIPELINE.to_dict()
    image = np.random.default_rng(0).integers(0, 255, (24, 24, 3), dtype=np.uint8)
    a = PIPELINE(image=image, seed=3)["image"]
    b = loaded(image=image, seed=3)["image"]
    np.testing.assert_array_equal(a, b)


def test_yaml_with_python_tags_is_refused(tmp_path):
    path = tmp_path / "evil.yaml"
    path.write_text("!!python/object/apply:os.system ['echo pwned']\n")
    import yaml

    with pytest.raises(yaml.YAMLError):
        augkit.load(path)


def test_unregistered_type_names_are_refused():
    for name in ("os.system", "subprocess.Popen", "builtins.eval", "Transform"):
        with pytest.raises(ValueError, match="unknown transform type"):
            augkit.from_dict({"type": name})


@pytest.mark.parametrize(("name", "suggested"), [
    ("RandomBrightnessContrast", "BrightnessContrast"),  # albumentations' name
    ("horizontalflip", "HorizontalFlip"), ("GausNoise", "GaussianNoise")])
def test_a_misspelt_type_suggests_the_registered_name(name, suggested):
    with pytest.raises(ValueError, match=rf"'{name}' \(did you mean {suggested}[ ?]"):
        augkit.from_dict({"type": name})
    with pytest.raises(ValueError) as info:
        augkit.from_dict({"type": "Zzz"})
    assert "did you mean" not in str(info.value)


def test_nested_unknown_argument_is_reported():
    config = {"type": "Compose", "transforms": [{"type": "Rotate", "limit": 10, "angle": 3}]}
    with pytest.raises(ValueError, match=r"Rotate: unknown argument\(s\) \['angle'\]"):
        augkit.from_dict(config)


def test_bad_values_in_configs_are_validated():
    with pytest.raises(ValueError, match="Rotate: argument 'limit'"):
        augkit.from_dict({"type": "Rotate", "limit": [30, 10]})


def test_wrong_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"must end in \.json, \.yaml or \.yml"):
        augkit.save(PIPELINE, tmp_path / "pipeline.pkl")


def test_record_json_contains_only_plain_values():
    out = PIPELINE(image=np.zeros((24, 24, 3), np.uint8), return_record=True)
    payload = json.loads(out["record"].to_json())
    assert payload["options"]["bbox_format"] == "yolo"
    assert all(set(step) == {"transform", "params"} for step in payload["steps"])
