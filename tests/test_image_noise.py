"""Shot and ISO noise: statistics, determinism from noise_seed, dtypes."""

from __future__ import annotations

import numpy as np
import pytest

from augkit import image as A
from augkit.image.functional import noise as K


@pytest.mark.parametrize("level", [0.25, 1.0])
def test_shot_noise_std_grows_with_sqrt_of_level(level):
    img = np.full((200, 200), level, np.float32)
    out = K.shot_noise(img, 0.05, noise_seed=1)
    assert out.mean() == pytest.approx(min(level, 1.0) - (0.0 if level < 1 else 0.02), abs=0.02)
    if level < 1:  # no clipping at this level: the full Poisson spread is visible
        assert out.std() == pytest.approx(0.05 * np.sqrt(level), rel=0.05)


def test_shot_noise_keeps_black_and_replays_from_seed():
    img = np.zeros((8, 8, 3), np.uint8)
    np.testing.assert_array_equal(K.shot_noise(img, 0.5, 3), img)
    grey = np.full((8, 8, 3), 128, np.uint8)
    np.testing.assert_array_equal(K.shot_noise(grey, 0.1, 3), K.shot_noise(grey, 0.1, 3))
    assert not np.array_equal(K.shot_noise(grey, 0.1, 3), K.shot_noise(grey, 0.1, 4))


def test_iso_luminance_noise_is_shared_by_channels():
    img = np.full((64, 64, 3), 0.5, np.float32)
    out = K.iso_noise(img, intensity=0.1, color_shift=0.0, noise_seed=2)
    np.testing.assert_allclose(out[:, :, 0], out[:, :, 2])
    assert out.std() == pytest.approx(0.1 * np.sqrt(0.5), rel=0.1)


def test_iso_color_noise_is_per_channel():
    img = np.full((64, 64, 3), 0.5, np.float32)
    out = K.iso_noise(img, intensity=0.0, color_shift=0.05, noise_seed=2)
    diff = out[:, :, 0] - out[:, :, 1]
    assert diff.std() == pytest.approx(0.05 * np.sqrt(2), rel=0.1)


@pytest.mark.parametrize("cls", [A.ShotNoise, A.ISONoise])
def test_noise_keeps_uint8_and_mean(cls):
    img = np.full((64, 64, 3), 100, np.uint8)
    out = cls(p=1.0)(image=img, seed=0)["image"]
    assert out.dtype == np.uint8 and abs(out.mean() - 100) < 2 and out.std() > 0.5


def test_table_normal_noise_is_standard_and_seeded():
    a = K.normal(np.random.default_rng(5), (300, 400))
    assert a.dtype == np.float32 and a.shape == (300, 400)
    assert abs(float(a.mean())) < 0.01 and abs(float(a.std()) - 1.0) < 0.01
    assert abs(float((a > 1.0).mean()) - 0.1587) < 0.005  # the normal tail mass beyond 1
    np.testing.assert_array_equal(a, K.normal(np.random.default_rng(5), (300, 400)))


def test_dark_pixels_get_exact_poisson_counts():
    """Below 10 expected photons counts are drawn exactly: values sit on the 1/N grid."""
    img = np.full((50, 50), 0.01, np.float32)  # 4 photons expected at std 0.05 (N = 400)
    out = K.poisson_photons(img, 0.05, np.random.default_rng(0))
    np.testing.assert_allclose(out * 400, np.rint(out * 400), atol=1e-3)
    assert out.mean() == pytest.approx(0.01, rel=0.05)
