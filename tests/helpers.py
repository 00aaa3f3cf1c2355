"""Comparison helpers shared by the test modules."""

from __future__ import annotations

import numpy as np


def assert_same(a, b, path: str = "output") -> None:
    """Recursive exact equality for arrays (NaN == NaN), lists, dicts, strings and numbers."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        assert a_arr.shape == b_arr.shape, f"{path}: shape {a_arr.shape} != {b_arr.shape}"
        assert a_arr.dtype == b_arr.dtype, f"{path}: dtype {a_arr.dtype} != {b_arr.dtype}"
        assert np.array_equal(a_arr, b_arr, equal_nan=a_arr.dtype.kind == "f"), f"{path} differs"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{path}: keys {set(a)} != {set(b)}"
        for key in a:
            assert_same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{path}: {a!r} != {b!r}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def without_record(out: dict) -> dict:
    return {k: v for k, v in out.items() if k != "record"}
