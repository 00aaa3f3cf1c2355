"""``fill`` / ``mask_fill``: finite numbers, given in the units of the array they fill.

Checked for every registered image transform that takes them: at construction (finite, in
[0, 65535] for ``fill``), and at call time against the dtype (float32 images take [0, 1],
uint8 images integers in [0, 255], uint16 images integers in [0, 65535], integer masks
integers within their range).
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import augkit
import tests.cases_image  # noqa: F401  (registers the image cases)
from tests.conformance_cases import CASES

FILLED = sorted(name for name, cls in augkit.registered().items()
                if cls.modality == "image" and "fill" in inspect.signature(cls).parameters)
MASK_FILLED = [n for n in FILLED
               if "mask_fill" in inspect.signature(augkit.registered()[n]).parameters]


def _build(name: str, **changes):
    config = {**CASES[name].build().to_dict(), "p": 1.0, **changes}
    return augkit.from_dict(config)


def test_the_fill_transforms_are_found():
    assert {"Pad", "Rotate", "Affine", "Perspective", "Cutout", "GridDropout",
            "ChannelDropout"} <= set(FILLED)
    assert {"Pad", "Rotate", "Cutout", "GridDropout"} <= set(MASK_FILLED)


@pytest.mark.parametrize("name", FILLED)
@pytest.mark.parametrize("value", [float("inf"), float("nan"), 1e308, -1, 65536])
def test_fill_must_be_finite_and_in_range_at_construction(name, value):
    with pytest.raises(ValueError, match=rf"{name}: argument 'fill' got .*\[0, 65535\].*uint16"):
        _build(name, fill=value)


@pytest.mark.parametrize("name", MASK_FILLED)
@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan"), 1e308, -2])
def test_mask_fill_must_be_finite_at_construction(name, value):
    with pytest.raises(ValueError, match=rf"{name}: argument 'mask_fill' got"):
        _build(name, mask_fill=value)


@pytest.mark.parametrize("name", FILLED)
def test_fill_is_in_the_image_units(name):
    rng = np.random.default_rng(0)
    image = rng.random((40, 48, 3), dtype=np.float32)
    with pytest.raises(ValueError, match=rf"{name}: argument 'fill' got 255.0; a float32 image "
                                         r"takes a fill in \[0, 1\]"):
        _build(name, fill=255)(image=image, seed=0)
    out = _build(name, fill=0.5)(image=image, seed=0)["image"]  # float units: fine
    assert out.dtype == np.float32 and np.isfinite(out).all() and out.max() <= 1.0
    pixels = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    with pytest.raises(ValueError, match=rf"{name}: argument 'fill' got 7.5; a uint8 image "
                                         r"takes an integer fill in \[0, 255\]"):
        _build(name, fill=7.5)(image=pixels, seed=0)
    assert _build(name, fill=255)(image=pixels, seed=0)["image"].dtype == np.uint8
    with pytest.raises(ValueError, match=rf"{name}: argument 'fill' got 300.0; a uint8 image "
                                         r"takes an integer fill in \[0, 255\]"):
        _build(name, fill=300)(image=pixels, seed=0)
    deep = rng.integers(0, 65536, (40, 48, 3), dtype=np.uint16)
    with pytest.raises(ValueError, match=rf"{name}: argument 'fill' got 7.5; a uint16 image "
                                         r"takes an integer fill in \[0, 65535\]"):
        _build(name, fill=7.5)(image=deep, seed=0)
    assert _build(name, fill=40000)(image=deep, seed=0)["image"].dtype == np.uint16


@pytest.mark.parametrize("name", FILLED)
def test_a_uint16_fill_lands_as_given(name):
    """Native ops (warps, Pad) write the value; carrier ops (Cutout, dropout) scale it to
    [0, 1] and back: both write exactly ``fill`` (warps blend it at the border)."""
    image = np.full((40, 48, 3), 1000, np.uint16)
    out = _build(name, fill=40000)(image=image, seed=0)["image"]
    assert out.dtype == np.uint16 and 1000 <= out.min() and out.max() <= 40000
    if name in {"Pad", "Cutout", "RandomErasing", "GridDropout", "ChannelDropout"}:
        assert set(np.unique(out).tolist()) == {1000, 40000}


def test_pad_fill_writes_the_given_value_in_each_dtype():
    out = augkit.image.Pad(1, fill=0.25)(image=np.zeros((2, 2), np.float32))["image"]
    np.testing.assert_array_equal(out[0], np.float32(0.25))
    out = augkit.image.Pad(1, fill=200)(image=np.zeros((2, 2), np.uint8))["image"]
    np.testing.assert_array_equal(out[0], 200)


@pytest.mark.parametrize("name", MASK_FILLED)
def test_mask_fill_is_checked_against_the_mask_dtype(name):
    image = np.zeros((40, 48, 3), np.uint8)
    for mask, value, allowed in ((np.zeros((40, 48), np.uint8), 300, r"\[0, 255\]"),
                                 (np.zeros((40, 48), np.int16), 1.5, r"\[-32768, 32767\]")):
        with pytest.raises(ValueError, match=rf"{name}: argument 'mask_fill' got .*integer "
                                             rf"fill in {allowed}"):
            _build(name, mask_fill=value)(image=image, mask=mask, seed=0)
    out = _build(name, mask_fill=0.5)(image=image, mask=np.zeros((40, 48), np.float32), seed=0)
    assert out["mask"].dtype == np.float32
