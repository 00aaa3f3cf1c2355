"""Hostile and malformed configs and records: refused at once, with short, clear messages."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.serialize import parse_config

BILLION_LAUGHS = "\n".join(
    ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    + ["type: Rotate", "limit: *a8"])


def test_alias_expanded_yaml_is_refused_quickly(tmp_path):
    path = tmp_path / "laughs.yaml"
    path.write_text(BILLION_LAUGHS)
    assert path.stat().st_size < 1000
    start = time.perf_counter()
    with pytest.raises(ValueError, match="more than 100000 values once its aliases") as err:
        augkit.load(path)
    assert len(str(err.value)) < 300
    assert time.perf_counter() - start < 5  # a generous bound: it was minutes before


def test_a_small_alias_tree_still_loads():
    config = parse_config("base: &b [-10, 10]\ntype: Rotate\nlimit: *b\n", "yaml")
    config.pop("base")
    assert augkit.from_dict(config) == A.Rotate(limit=(-10, 10))


def test_recursive_yaml_alias_is_refused():
    with pytest.raises(ValueError, match="refers to itself"):
        parse_config("a: &a [1, *a]\n", "yaml")


def test_argument_errors_show_a_capped_value():
    with pytest.raises(ValueError) as err:
        augkit.from_dict({"type": "Rotate", "limit": list(range(10**6))})
    assert "list of 1000000 items" in str(err.value) and len(str(err.value)) < 400
    with pytest.raises(TypeError) as err:
        augkit.from_dict({"type": "Rotate", "limit": "x" * 10**6})
    assert "(1000000 characters)" in str(err.value) and len(str(err.value)) < 400


def test_config_files_past_the_size_limit_are_refused_before_parsing(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("type: Rotate\n" + "# padding\n" * 200_000)
    with pytest.raises(ValueError, match=r"above the limit of 1048576 .*max_config_bytes"):
        augkit.load(path)
    with augkit.override_limits(max_config_bytes=2**22):
        assert augkit.load(path) == A.Rotate()


@pytest.mark.parametrize("fmt, text", [
    ("json", '{"type": "os.system", "type": "HorizontalFlip"}'),
    ("yaml", "type: os.system\ntype: HorizontalFlip\n"),
    ("json", '{"type": "Compose", "transforms": [{"type": "Rotate", "limit": 1, "limit": 2}]}'),
])
def test_duplicate_keys_are_refused(fmt, text):
    with pytest.raises(ValueError, match="duplicate key"):
        parse_config(text, fmt)


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_deep_nesting_is_a_clear_value_error(tmp_path, fmt):
    deep = {"type": "HorizontalFlip"}
    for _ in range(300):
        deep = {"type": "Compose", "transforms": [deep]}
    path = tmp_path / f"deep.{fmt}"
    if fmt == "json":
        path.write_text(json.dumps(deep))
    else:
        path.write_text("[" * 300 + "]" * 300)
    with pytest.raises(ValueError, match="nested (more than 64 levels deep|too deeply)"):
        augkit.load(path)
    with pytest.raises(ValueError, match="nested more than 64 levels deep"):
        augkit.from_dict(deep)


def test_nesting_within_the_limit_loads():
    config = {"type": "HorizontalFlip"}
    for _ in range(20):
        config = {"type": "Compose", "transforms": [config]}
    assert isinstance(augkit.from_dict(config), augkit.Compose)


@pytest.mark.parametrize("record, message", [
    ({"steps": [{"params": {}}]}, r"record step 0: .*'transform'"),
    ({"steps": [{"transform": {"type": "HorizontalFlip"}}]}, r"record step 0: .*'params'"),
    ({"steps": "HorizontalFlip"}, "'steps' must be a list"),
    ({"steps": [{"transform": {"type": "HorizontalFlip"}, "params": []}]},
     r"record step 0: 'params' must be a dict"),
    ([1, 2], "a record must be a dict"),
    ({"modality": 3, "steps": []}, "'modality' must be a string"),
])
def test_malformed_records_name_the_problem(record, message):
    with pytest.raises(ValueError, match=message):
        augkit.Record.from_dict(record)


def test_record_json_refuses_duplicate_keys():
    with pytest.raises(ValueError, match="duplicate key"):
        augkit.Record.from_json('{"modality": "image", "modality": "text", "steps": []}')


def test_a_saved_record_replays_after_only_import_augkit():
    image = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    out = augkit.Compose([A.Rotate(limit=30), A.HorizontalFlip()], seed=0)(
        image=image, return_record=True)
    code = ("import json, sys, numpy as np, augkit\n"
            "record = augkit.Record.from_json(sys.stdin.read())\n"
            "image = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)\n"
            "print(json.dumps(record.apply(image=image)['image'].tolist()))\n")
    done = subprocess.run([sys.executable, "-c", code], input=out["record"].to_json(),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    np.testing.assert_array_equal(np.array(json.loads(done.stdout)), out["image"])


@pytest.mark.parametrize("weights", [[float("nan"), 1.0], [float("inf"), 1.0], [1e308, 1e308]])
def test_one_of_refuses_non_finite_weights(weights):
    with pytest.raises(ValueError, match="OneOf: argument 'weights'"):
        augkit.OneOf([A.HorizontalFlip(), A.VerticalFlip()], weights=weights)


def test_limits_are_checked():
    with pytest.raises(ValueError, match="unknown limit"):
        augkit.set_limits(max_bytes=3)
    with pytest.raises(ValueError, match="expected a positive integer"):
        augkit.set_limits(max_copies=0)
    before = augkit.get_limits()
    with augkit.override_limits(max_copies=3):
        assert augkit.get_limits().max_copies == 3
    assert augkit.get_limits() == before
