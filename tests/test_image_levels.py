"""CLAHE, Normalize and ImageCompression: values, dtypes and channel handling."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from augkit import image as A
from augkit.image.functional import compression as Z
from augkit.image.functional import levels as K


def _scene(shape=(64, 64, 3), seed=0):
    """A smooth low-contrast scene with texture (what CLAHE and codecs are for)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:shape[0], 0:shape[1]]
    base = 100 + 20 * np.sin(xx / 7.0) * np.cos(yy / 9.0)
    img = (base[:, :, None] if len(shape) == 3 else base) + rng.normal(0, 3, shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def test_clahe_raises_local_contrast():
    img = _scene()
    out = A.CLAHE(clip_limit=(4, 4), tile_grid_size=(4, 4), p=1.0)(image=img)["image"]
    assert out.std() > 1.5 * img.std()


def test_clahe_float_path_close_to_uint8():
    img = _scene((48, 48))
    u8 = K.clahe(img, 3.0, (4, 4)).astype(np.float64)
    f32 = K.clahe(img.astype(np.float32) / 255, 3.0, (4, 4)) * 255
    assert f32.dtype == np.float32 and np.abs(f32 - u8).max() <= 1.0 + 1e-4


def test_clahe_other_channel_counts_work_per_channel():
    img = np.dstack([_scene((40, 40), s) for s in range(5)])
    out = K.clahe(img, 2.0, (4, 4))
    for c in range(5):
        np.testing.assert_array_equal(out[:, :, c], K.clahe(img[:, :, c], 2.0, (4, 4)))


def test_normalize_values_and_broadcast():
    img = np.array([[[0, 51, 255]]], np.uint8)
    out = A.Normalize(mean=(0.0, 0.1, 0.5), std=(1.0, 0.1, 0.5))(image=img)["image"]
    np.testing.assert_allclose(out, [[[0.0, 1.0, 1.0]]], atol=1e-6)
    one = A.Normalize(mean=0.5, std=0.25)(image=np.full((2, 2, 5), 1.0, np.float32))["image"]
    np.testing.assert_allclose(one, 2.0)


def test_normalize_channel_mismatch_names_the_problem():
    with pytest.raises(ValueError, match="Normalize.*'mean'.*3 values.*ImageNet RGB"):
        A.Normalize()(image=np.zeros((3, 3), np.uint8))
    with pytest.raises(ValueError, match="Normalize.*'std'"):
        A.Normalize(std=0)


@pytest.mark.parametrize("kind", ["jpeg", "webp"])
def test_lower_quality_loses_more(kind):
    img = _scene((64, 64, 3), seed=1)
    errors = [np.abs(Z.compress(img, kind, q).astype(float) - img).mean() for q in (5, 50, 95)]
    assert errors[0] > errors[1] > errors[2]


def test_jpeg_matches_opencv_on_bgr():
    img = _scene((32, 32, 3), seed=2)
    ok, buf = cv2.imencode(".jpg", img[:, :, ::-1].copy(), [cv2.IMWRITE_JPEG_QUALITY, 30])
    expected = cv2.imdecode(buf, cv2.IMREAD_COLOR)[:, :, ::-1]
    np.testing.assert_array_equal(Z.compress(img, "jpeg", 30), expected)


@pytest.mark.parametrize("kind", ["jpeg", "webp"])
@pytest.mark.parametrize("shape", [(24, 24), (24, 24, 1), (24, 24, 4), (24, 24, 5)])
def test_compression_channel_counts(kind, shape):
    img = np.random.default_rng(3).integers(0, 256, shape, dtype=np.uint8)
    out = Z.compress(img, kind, 40)
    assert out.shape == img.shape and out.dtype == np.uint8
    if len(shape) == 3 and shape[2] == 4:  # the fourth (alpha) channel is kept as is
        np.testing.assert_array_equal(out[:, :, 3], img[:, :, 3])


def test_compression_float_goes_through_8_bit_levels():
    img = _scene((16, 16, 3), seed=4)
    f = Z.compress(img.astype(np.float32) / 255, "jpeg", 70)
    assert f.dtype == np.float32
    np.testing.assert_allclose(f * 255, Z.compress(img, "jpeg", 70), atol=1e-3)


@pytest.mark.parametrize("shape", [(5, 6), (5, 6, 1), (5, 6, 3), (5, 6, 5)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_normalize_matches_the_formula_for_any_channel_count(shape, dtype):
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, shape, dtype=np.uint8)
    img = img if dtype == np.uint8 else img.astype(np.float32) / 255
    channels = 1 if len(shape) == 2 else shape[2]
    mean, std = rng.random(channels).tolist(), (rng.random(channels) + 0.1).tolist()
    out = K.normalize(img, mean, std)
    full = 255.0 if dtype == np.uint8 else 1.0
    scaled = img / full if len(shape) == 3 else (img / full)[:, :, None]
    expected = ((scaled - mean) / std).reshape(img.shape)
    assert out.dtype == np.float32 and out.shape == img.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
