"""Kernels that work in bands of rows: any band size gives the same pixels (the same
arithmetic, random fields drawn in the same order), and their temporaries stay a small
multiple of the image."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import image as A
from augkit.core.random import random_uint16
from augkit.image.functional import bands
from augkit.image.functional import blur_noise as B
from augkit.image.functional import color as C
from augkit.image.functional import distortion as D
from augkit.image.functional import noise as N


@pytest.mark.parametrize("count", [0, 1, 2, 3, 4, 5, 31, 32, 33, 34, 35, 1000, 1001, 1002, 1003])
def test_after_uint16_is_the_state_a_draw_leaves(count):
    drawn = np.random.default_rng(9)
    random_uint16(drawn, count)
    skipped = N.after_uint16(9, count)
    for n in (1, 3, 40):  # buffered half words included
        np.testing.assert_array_equal(random_uint16(skipped, n), random_uint16(drawn, n))
    assert skipped.random() == drawn.random()


def _kernels(img):
    dx, dy = D.elastic_field(img.shape[0], img.shape[1], 0.08, 0.05, 4)
    return {
        "iso": N.iso_noise(img, 0.4, 0.06, 11),
        "shot": N.shot_noise(img, 0.3, 12),
        "gaussian": B.gaussian_noise(img, 0.1, 0.02, True, 13),
        "gaussian_shared": B.gaussian_noise(img, 0.1, -0.02, False, 14),
        "sharpness": C.sharpness(img, 1.8),
        "elastic": D.remap_field(img, dx, dy, "linear", "reflect", 0),
        "elastic_nearest": D.remap_field(img, dx, dy, "nearest", "constant", 0.5),
    }


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 30), st.integers(1, 30), st.sampled_from([None, 1, 2, 3, 4]),
       st.booleans(), st.integers(1, 200), st.integers(0, 2**32 - 1))
def test_any_band_size_gives_the_same_pixels(h, w, channels, floating, band, seed):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (h, w) if channels is None else (h, w, channels), np.uint8)
    if floating:
        img = img.astype(np.float32) / 255
    saved = bands.BAND_VALUES, bands.WIDE_BAND_VALUES
    try:
        bands.BAND_VALUES = bands.WIDE_BAND_VALUES = 1 << 30  # the whole image at once
        whole = _kernels(img)
        bands.BAND_VALUES = bands.WIDE_BAND_VALUES = band  # 4 rows or more a band
        banded = _kernels(img)
    finally:
        bands.BAND_VALUES, bands.WIDE_BAND_VALUES = saved
    for key, want in whole.items():
        assert banded[key].dtype == want.dtype and banded[key].shape == img.shape, key
        np.testing.assert_array_equal(banded[key], want, err_msg=key)


@pytest.mark.parametrize(("transform", "at_most"), [
    (A.ISONoise(p=1.0), 3), (A.ShotNoise(p=1.0), 3), (A.GaussianNoise(p=1.0), 3),
    (A.Sharpness(p=1.0), 3), (A.ElasticTransform(p=1.0), 6)])
def test_temporaries_stay_a_few_times_the_image(transform, at_most, monkeypatch):
    # 2.9 MB in bands of 64 K values, as a 12-megapixel photo is in bands of the default
    # sizes; before banding these peaked at 9-22x the image
    monkeypatch.setattr(bands, "BAND_VALUES", 1 << 16)
    monkeypatch.setattr(bands, "WIDE_BAND_VALUES", 1 << 16)
    img = np.random.default_rng(0).integers(0, 256, (800, 1200, 3), np.uint8)
    transform(image=img[:8, :8], seed=0)  # tables and caches built outside the measure
    tracemalloc.start()
    transform(image=img, seed=1)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak <= at_most * img.nbytes, f"{type(transform).__name__}: {peak / img.nbytes:.1f}x"
