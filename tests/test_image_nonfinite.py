"""The float-image policy, over every registered image transform, single and batch paths.

A NaN or inf pixel never changes another pixel: it stays in its own pixel (moved with it by
geometric ops, at most duplicated by an upscale), a NaN stays NaN unless a fill is written
over it, an inf never becomes NaN, and finite values outside [0, 1] never give NaN or inf.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import augkit
from augkit.core.compose import Container
from augkit.image.base import GeometricTransform
from augkit.image.functional.finite import all_finite, finite_standin, put_back
from tests.conformance_cases import CASES
from tests.test_conformance import _data

# (not GenerativeAugment and other ops that need label=: they replace the whole image)
IMAGE_OPS = sorted(name for name, cls in augkit.registered().items()
                   if not issubclass(cls, Container) and cls.modality == "image"
                   and not CASES[name].needs_label)
SINGLE = [n for n in IMAGE_OPS if not CASES[n].batch_only]
# ops that write a fill over pixels (a NaN under it is legitimately gone)
OVERWRITE = {"Cutout", "RandomErasing", "GridDropout", "ChannelDropout", "SaltAndPepper",
             "PixelDropout", "XYMasking", "TimeMasking", "FrequencyMasking", "MaskDropout",
             "ConstrainedCoarseDropout", "AnnotationBurnIn"}
H, W, Y, X = 40, 48, 20, 24
VALUES = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}


def _build(name: str):
    """The case's transform, with a fill in float32 units (cases fill uint8 images)."""
    config = CASES[name].build().to_dict()
    if config.get("fill", 0) > 1:
        config["fill"] /= 255.0
    return augkit.from_dict(config)


def _float_image(rng, value=None, hw=(H, W)) -> np.ndarray:
    image = rng.random((*hw, 3), dtype=np.float32)
    if value is not None:
        image[hw[0] // 2, hw[1] // 2, 1] = value
    return image


def _bad_pixels(out: np.ndarray) -> int:
    bad = ~np.isfinite(out)
    return int(bad.reshape(*out.shape[:2], -1).any(axis=2).sum())


def _bound(out_hw) -> int:
    """How many output pixels one input pixel may land in (nearest neighbour, any scale)."""
    return 4 * math.ceil(out_hw[0] / H) * math.ceil(out_hw[1] / W)


def _check_one(name: str, kind: str, out: np.ndarray) -> None:
    count = _bad_pixels(out)
    assert count <= _bound(out.shape[:2]), f"{name}: {kind} spread to {count} pixels"
    if kind != "nan":
        assert not np.isnan(out).any(), f"{name}: {kind} became NaN"
    geometric = issubclass(augkit.registered()[name], GeometricTransform)
    if kind == "nan" and not geometric and name not in OVERWRITE:
        assert np.isnan(out[Y, X]).any(), f"{name}: the NaN pixel vanished"


@pytest.mark.parametrize("name", SINGLE)
def test_single_call_keeps_nonfinite_pixels_local(name):
    rng = np.random.default_rng(0)
    for kind, value in VALUES.items():
        data = _data(name)  # with mask, boxes and keypoints: the general target path
        data["image"] = _float_image(rng, value)
        out = _build(name)(**data, seed=1)["image"]
        _check_one(name, kind, out)
        _check_one(name, kind, _build(name)(image=data["image"], seed=1)["image"])


@pytest.mark.parametrize("name", IMAGE_OPS)
def test_batch_keeps_nonfinite_pixels_local(name):
    rng = np.random.default_rng(1)
    images = np.stack([_float_image(rng, v) for v in (np.nan, None, np.inf, -np.inf)])
    case = CASES[name]
    if case.batch_only:
        data = case.data(np.random.default_rng(0))
        hw = data["inputs"].shape[1:3]
        images = np.stack([_float_image(rng, v, hw) for v in (np.nan, None, np.inf, None)])
        out = _build(name).batch(images, label=data["label"], seed=2)["images"]
        for i in range(len(out)):  # a mix takes a pixel from at most a few samples
            assert _bad_pixels(out[i]) <= 4 * _bound(out.shape[1:3]), name
            assert not np.isnan(out[i]).any() or np.isnan(images[0]).any(), name
        return
    out = _build(name).batch(images, seed=2)["images"]
    assert all_finite(out[1]), f"{name}: a finite sample of the batch got non-finite values"
    for i, kind in ((0, "nan"), (2, "inf"), (3, "-inf")):
        _check_one(name, kind, out[i])


@pytest.mark.parametrize("name", IMAGE_OPS)
def test_out_of_range_floats_stay_finite(name):
    """Finite values outside [0, 1] (e.g. -0.5 and 1.5) never give NaN or inf (a power of a
    negative float was NaN in Gamma and LowLight)."""
    rng = np.random.default_rng(2)
    case = CASES[name]
    hw = case.data(np.random.default_rng(0))["inputs"].shape[1:3] if case.batch_only else (H, W)
    images = rng.random((4, *hw, 3), dtype=np.float32) * 2 - 0.5
    if case.batch_only:
        label = case.data(np.random.default_rng(0))["label"]
        out = _build(name).batch(images, label=label, seed=3)["images"]
    else:
        out = _build(name).batch(images, seed=3)["images"]
        single = _build(name)(image=images[0] - 0.5, seed=3)["image"]
        assert all_finite(single), f"{name}: a negative image gave NaN or inf"
    assert all(all_finite(o) for o in out), f"{name}: values in [-0.5, 1.5] gave NaN or inf"


def test_gamma_and_low_light_take_negative_floats_as_zero():
    image = np.full((8, 8, 3), -0.25, np.float32)
    image[0, 0] = 0.5
    out = augkit.image.Gamma(gamma_limit=(2.0, 2.0), p=1.0)(image=image)["image"]
    np.testing.assert_allclose(out[1:, 1:], 0.0)
    np.testing.assert_allclose(out[0, 0], 0.25, rtol=1e-6)
    dark = augkit.image.LowLight(p=1.0)(image=image, seed=0)["image"]
    assert all_finite(dark) and dark.min() >= 0.0


def test_statistics_ignore_nonfinite_pixels():
    """Contrast's mean grey and AutoContrast's range are those of the finite pixels."""
    rng = np.random.default_rng(3)
    image = _float_image(rng)
    for value in VALUES.values():
        spoiled = image.copy()
        spoiled[Y, X] = value  # every channel of one pixel
        for build in (lambda: augkit.image.Contrast(p=1.0), augkit.image.AutoContrast,
                      lambda: augkit.image.BrightnessContrast(p=1.0)):
            ref = build()(image=np.delete(image.reshape(-1, 3), Y * W + X, 0)[None], seed=4)
            out = build()(image=spoiled, seed=4)["image"]
            kept = np.delete(out.reshape(-1, 3), Y * W + X, 0)[None]
            # the mean of the finite pixels differs from the spoiled one's original value only
            # by that one pixel's share
            np.testing.assert_allclose(kept, ref["image"], atol=2e-3)


def test_standin_and_put_back_round_trip():
    rng = np.random.default_rng(4)
    image = _float_image(rng)
    image[1, 2, 0], image[3, 4, 2], image[5, 6, 1] = np.nan, np.inf, -np.inf
    filled, codes = finite_standin(image)
    assert all_finite(filled) and not all_finite(image)
    np.testing.assert_array_equal(filled[np.isfinite(image)], image[np.isfinite(image)])
    good = image[:, :, 0][np.isfinite(image[:, :, 0])]
    np.testing.assert_allclose(filled[1, 2, 0], good.mean(dtype=np.float64), rtol=1e-6)
    np.testing.assert_array_equal(put_back(filled.copy(), codes), image)


def test_all_finite_matches_numpy_on_views_and_large_values():
    rng = np.random.default_rng(5)
    big = np.full((64, 64, 3), 3e38, np.float32)  # float32 sums would overflow to inf
    assert all_finite(big) and all_finite(np.zeros((4, 4), np.uint8))
    view = _float_image(rng)[:, ::2]
    assert all_finite(view)
    view = view.copy()
    view[3, 3, 2] = np.nan
    assert not all_finite(view) and not all_finite(view[:, ::-1])
