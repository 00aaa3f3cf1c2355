"""Blur kernels and transforms: values, borders, dtypes and channel counts."""

from __future__ import annotations

import numpy as np
import pytest

from augkit import image as A
from augkit.image.functional import blur as K


def _img(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_box_blur_is_the_window_mean():
    img = _img((12, 14, 3))
    out = K.box_blur(img.astype(np.float32), 5)
    window = img[3:8, 4:9].astype(np.float64).mean(axis=(0, 1))
    np.testing.assert_allclose(out[5, 6], window, rtol=1e-5)


def test_blur_samples_odd_sizes_only():
    t = A.Blur(blur_limit=(4, 9))
    sizes = {t.sample(np.random.default_rng(s), {})["ksize"] for s in range(60)}
    assert sizes == {5, 7, 9}


def test_median_removes_isolated_salt():
    img = np.full((9, 9), 40, np.uint8)
    img[4, 4] = 255
    out = A.MedianBlur(blur_limit=3, p=1.0)(image=img)["image"]
    assert (out == 40).all()


@pytest.mark.parametrize("ksize", [3, 7, 9])
def test_median_float_path_matches_uint8(ksize):
    img = _img((15, 17, 3), seed=ksize)
    u8 = K.median_blur(img, ksize)
    f32 = K.median_blur(img.astype(np.float32) / 255, ksize)
    np.testing.assert_allclose(f32 * 255, u8, atol=1e-3)


def test_median_large_window_on_five_channels_is_per_channel():
    img = _img((10, 12, 5))
    out = K.median_blur(img, 7)
    for c in range(5):
        np.testing.assert_array_equal(out[:, :, c], K.median_blur(img[:, :, c], 7))


@pytest.mark.parametrize("angle,axis", [(0.0, 0), (90.0, 1), (180.0, 0)])
def test_motion_kernel_is_a_normalised_line(angle, axis):
    k = K.motion_kernel(7, angle, 0.0)
    assert k.sum() == pytest.approx(1.0)
    line = k[3, :] if axis == 0 else k[:, 3]
    assert line.sum() == pytest.approx(1.0)  # all the weight on the middle row / column
    np.testing.assert_allclose(line, line[::-1], atol=1e-6)  # symmetric when direction = 0


def test_motion_direction_weights_one_end():
    k = K.motion_kernel(9, 0.0, 1.0)
    row = k[4]
    assert row[-1] > row[4] > row[0]


def test_motion_blur_smears_a_dot_along_its_angle():
    img = np.zeros((15, 15), np.float32)
    img[7, 7] = 1.0
    out = K.motion_blur(img, 7, 0.0, 0.0)
    assert out[7, 4:11].sum() == pytest.approx(1.0, abs=1e-5)
    assert out[:7].sum() == 0 and out[8:].sum() == 0


@pytest.mark.parametrize("cls", [A.Blur, A.MedianBlur, A.MotionBlur])
def test_constant_images_stay_constant(cls):
    for img in (np.full((10, 11, 5), 77, np.uint8), np.full((10, 11), 0.25, np.float32)):
        out = cls(p=1.0)(image=img, seed=4)["image"]
        np.testing.assert_allclose(out, img, atol=1e-6)
