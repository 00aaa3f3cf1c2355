"""Weather and lighting: each effect does what it says, on any channel count."""

from __future__ import annotations

import numpy as np
import pytest

from augkit import image as A
from augkit.image.functional import weather as K


def _grey(value=100, shape=(64, 64, 3)):
    return np.full(shape, value, np.uint8)


def _textured(shape=(64, 64, 3)):
    return np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)


def test_fog_brightens_and_flattens():
    img = _textured()
    out = K.fog(img, 0.6, 0.9, noise_seed=1)
    assert out.mean() > img.mean() + 20 and out.std() < 0.6 * img.std()


def test_rain_draws_streaks_along_the_slant():
    black = np.zeros((80, 80), np.uint8)
    vertical = K.rain(black, 0.01, 0.2, 0.0, 1.0, 1.0, noise_seed=2).astype(float)
    assert vertical.max() > 150
    # streaks are vertical: neighbours along columns agree more than along rows
    assert np.abs(np.diff(vertical, axis=0)).mean() < 0.5 * np.abs(np.diff(vertical,
                                                                          axis=1)).mean()
    slanted = K.rain(black, 0.01, 0.2, 45.0, 1.0, 1.0, noise_seed=2).astype(float)
    # a positive slant falls to the right: streaks run along the down-right diagonal
    along = np.abs(slanted[1:, 1:] - slanted[:-1, :-1]).mean()
    across = np.abs(slanted[1:, :-1] - slanted[:-1, 1:]).mean()
    assert along < across


def test_rain_darkens_the_scene():
    out = K.rain(_grey(200), 0.0, 0.1, 0.0, 0.5, 1.0, noise_seed=0)
    assert (out == 100).all()


def test_snow_whitens_and_density_adds_flakes():
    img = _grey(50, (64, 64))
    sparse = K.snow(img, 0.001, 0.01, 0.0, noise_seed=3)
    dense = K.snow(img, 0.02, 0.01, 0.0, noise_seed=3)
    assert (dense > 150).sum() > 5 * max((sparse > 150).sum(), 1)
    whitened = K.snow(img, 0.0, 0.01, 0.5, noise_seed=3)
    assert np.abs(whitened.astype(int) - (50 + 0.5 * 205)).max() <= 1


def test_shadow_darkens_exactly_inside_the_polygon():
    img = _grey(200, (20, 20, 5))
    out = K.shadow(img, [[[0.0, 0.0], [0.5, 0.0], [0.5, 1.0], [0.0, 1.0]]], [0.25])
    assert (out[:, :9] == 150).all() and (out[:, 11:] == 200).all()


def test_sun_flare_only_brightens_and_peaks_at_its_centre():
    img = _textured((48, 64, 3))
    out = K.sun_flare(img, [0.25, 0.5], 0.3, 1.0, [[0.7, 0.5, 0.1, 0.3]])
    assert (out >= img).all()
    assert (out[24, 16] >= 250).all()  # the pixel centre is half a pixel off the sun centre
    gain = out.astype(int) - img
    assert gain[24, 16].min() > gain[5, 60].max()


def test_sun_flare_fades_out_at_its_radius():
    black = np.zeros((100, 100), np.float32)
    out = K.sun_flare(black, [0.5, 0.5], 0.3, 1.0, [])
    assert out[50, 50] > 0.99 and out[50, 80] == pytest.approx(np.exp(-4.5), abs=2e-3)
    assert out[50, 95] < 1e-3


def test_low_light_without_noise_is_exposure_times_gamma():
    img = np.linspace(0, 1, 64, dtype=np.float32).reshape(8, 8)
    out = K.low_light(img, 0.3, 2.0, 0.0, 0.0, noise_seed=0)
    np.testing.assert_allclose(out, 0.3 * img ** 2, atol=1e-6)


def test_low_light_noise_is_stronger_relative_to_signal():
    img = _grey(128, (64, 64))
    out = K.low_light(img.astype(np.float32) / 255, 0.2, 1.0, 0.05, 0.01, noise_seed=4)
    assert out.mean() == pytest.approx(0.2 * 128 / 255, abs=0.01)
    assert out.std() / out.mean() > 0.1  # a bright grey has become a noisy dark grey


@pytest.mark.parametrize("cls", [A.RandomFog, A.RandomRain, A.RandomSnow, A.RandomShadow,
                                 A.RandomSunFlare, A.LowLight])
@pytest.mark.parametrize("shape,dtype", [((40, 50), np.uint8), ((40, 50, 5), np.float32)])
def test_any_channel_count_and_dtype(cls, shape, dtype):
    img = np.random.default_rng(1).random(shape).astype(np.float32)
    img = (img * 255).astype(np.uint8) if dtype == np.uint8 else img
    out = cls(p=1.0)(image=img, seed=5)["image"]
    assert out.shape == img.shape and out.dtype == img.dtype
    assert not np.array_equal(out, img)


def test_streaks_reach_every_channel_beyond_four():
    black = np.zeros((60, 60, 6), np.uint8)
    out = K.rain(black, 0.01, 0.2, 0.0, 1.0, 1.0, noise_seed=2)
    assert out.max() > 150
    for c in range(1, 6):  # the same grey streaks in every channel group
        np.testing.assert_array_equal(out[:, :, c], out[:, :, 0])
