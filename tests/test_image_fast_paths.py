"""Per-image speed paths give exactly what the plain formulation gives (bit for bit)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import image as A
from augkit.core.random import uniform
from augkit.image.functional import color as C
from augkit.image.functional import geometric as G


def _images(seed: int, n: int = 20):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        yield rng, rng.integers(0, 256, (h, w, 3), dtype=np.uint8)


def _hsv_by_one_table(img, hue_shift, sat_shift, val_shift):
    """The general uint8 path: one 3-channel OpenCV table over the HSV image."""
    tables = np.empty((256, 1, 3), np.uint8)
    tables[:, 0, 0] = (np.rint(np.arange(256) + hue_shift / 2.0) % 180).astype(np.uint8)
    tables[:, 0, 1] = C.lut_from(lambda x: x + sat_shift)
    tables[:, 0, 2] = C.lut_from(lambda x: x + val_shift)
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    return cv2.cvtColor(cv2.LUT(hsv, tables), cv2.COLOR_HSV2RGB)


def test_hue_only_shift_equals_the_three_channel_table():
    for rng, img in _images(0):
        shift = float(rng.uniform(-180, 180))
        want = _hsv_by_one_table(img, shift, 0.0, 0.0)
        np.testing.assert_array_equal(C.hue_saturation_value(img, shift, 0.0, 0.0), want)
        strided = img[:, ::-1]  # a non-contiguous input takes the same path
        np.testing.assert_array_equal(C.hue_saturation_value(strided, shift, 0.0, 0.0),
                                      _hsv_by_one_table(strided, shift, 0.0, 0.0))


def test_brightness_contrast_table_equals_the_point_function():
    rng = np.random.default_rng(1)
    for i in range(3000):
        m, alpha, beta = rng.random(), float(rng.uniform(0, 4)), float(rng.uniform(-1, 1))
        if i % 3 == 1:  # Brightness: no mean, alpha 1 (the skipped identity steps)
            m, alpha = 0.0, 1.0
        elif i % 3 == 2:  # Contrast: beta 0
            beta = 0.0
        np.testing.assert_array_equal(
            C._brightness_contrast_lut(m, alpha, beta),
            C.lut_from(lambda x, m=m, a=alpha, b=beta: (x - m) * a + m + b))


@pytest.mark.parametrize("interpolation", ["nearest", "linear", "area", "cubic"])
def test_resized_crop_from_a_view_equals_crop_then_resize(interpolation):
    t = A.RandomResizedCrop(24, 20, interpolation=interpolation)
    for seed, (_, img) in enumerate(_images(2)):
        out = t(image=img, mask=img[:, :, 0], seed=seed, return_record=True)
        p = out["record"].steps[0].params
        window = G.crop(img, p["top"], p["left"], p["height"], p["width"])
        np.testing.assert_array_equal(out["image"], G.resize(window, 24, 20, interpolation))
        np.testing.assert_array_equal(out["mask"], G.resize(window[:, :, 0].copy(), 24, 20,
                                                            "nearest"))
        assert out["image"].flags.c_contiguous


def test_uniform_draws_are_numpys_bit_for_bit():
    a, b = np.random.default_rng(7), np.random.default_rng(7)
    for low, high in [(-0.2, 0.2), (0.8, 1.25), (-20, 20), (0.0, 0.0), (1e-3, 100.0)]:
        for _ in range(500):
            assert uniform(a, low, high) == float(b.uniform(low, high))


@pytest.mark.parametrize("channels", [2, 3, 4])
def test_per_channel_tables_equal_a_lookup_per_channel(channels):
    rng = np.random.default_rng(channels)
    for i in range(12):
        h, w = (int(v) for v in rng.integers(1, 30, 2))
        img = rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
        tables = [rng.integers(0, 256, 256, dtype=np.uint8) for _ in range(channels)]
        if i % 3 == 0:  # all equal: the one-pass path
            tables = [tables[0]] * channels
        want = np.stack([tables[c][img[:, :, c]] for c in range(channels)], axis=2)
        np.testing.assert_array_equal(C.tables_per_channel(img, tables), want)
        np.testing.assert_array_equal(C.tables_per_channel(img[:, ::-1], tables),
                                      want[:, ::-1])


def test_autocontrast_stretches_each_channel_from_its_own_range():
    rng = np.random.default_rng(5)
    for i in range(12):
        img = rng.integers(20, 200, (17, 23, 3), dtype=np.uint8)
        if i % 2:
            img[:, :, 1] = 77  # a constant channel stays as it is
        want = []
        for c in range(3):
            lo, hi = img[:, :, c].min() / 255.0, img[:, :, c].max() / 255.0
            fn = (lambda x, lo=lo, hi=hi: (x - lo) / (hi - lo)) if hi > lo else (lambda x: x)
            want.append(C.lut_from(fn)[img[:, :, c]])
        np.testing.assert_array_equal(C.autocontrast(img), np.stack(want, axis=2))


def test_grey_and_invert_equal_their_plain_forms():
    for _, img in _images(6):
        grey = cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
        np.testing.assert_array_equal(C.to_gray_rgb(img), grey)
        np.testing.assert_array_equal(C.saturation(img, 0.0), grey)
        for view in (img, img[:, ::-1], img[::2]):
            out = C.invert(view)
            np.testing.assert_array_equal(out, 255 - view)
            assert out.flags.c_contiguous


def test_hue_saturation_value_equals_the_three_channel_table():
    for rng, img in _images(8):
        shifts = (float(rng.uniform(-180, 180)), float(rng.uniform(-1, 1)),
                  float(rng.uniform(-1, 1)))
        np.testing.assert_array_equal(C.hue_saturation_value(img, *shifts),
                                      _hsv_by_one_table(img, *shifts))


@settings(max_examples=40, deadline=None)
@given(st.floats(0.0, 6.0), st.integers(0, 2**32 - 1))
def test_saturation_is_the_luma_blend(factor, seed):
    """``f * x + (1 - f) * luma(x)`` per pixel: float32 to float rounding, uint8 within one
    level of the exact rounded value; 0 is OpenCV's grey, 1 the image itself."""
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (9, 11, 3), dtype=np.uint8)
    exact = factor * img + (1 - factor) * (img @ C.RGB_WEIGHTS)[:, :, None]
    got = C.saturation(img, factor).astype(float)
    assert np.abs(got - np.clip(np.rint(exact), 0, 255)).max() <= 1
    floats = (img / 255).astype(np.float32)
    np.testing.assert_allclose(C.saturation(floats, factor), np.clip(exact / 255, 0, 1),
                               atol=1e-6)
    np.testing.assert_array_equal(C.saturation(img, 1.0), img)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([(5, 6), (5, 6, 1), (5, 6, 3), (5, 6, 5)]), st.floats(-1.0, 1.0),
       st.floats(0.0, 3.0), st.integers(0, 2**32 - 1))
def test_float_brightness_contrast_and_grey_follow_their_formulas(shape, beta, alpha, seed):
    """float32 paths (one OpenCV pass each) against the plain float64 formulas."""
    img = np.random.default_rng(seed).random(shape).astype(np.float32)
    m = C.mean_gray(img) if alpha != 1.0 else 0.0
    want = np.clip((img.astype(np.float64) - m) * alpha + m + beta, 0.0, 1.0)
    got = C.brightness_contrast(img, beta, alpha)
    assert got.dtype == np.float32 and got.shape == img.shape
    np.testing.assert_allclose(got, want, atol=2e-6)
    if len(shape) == 3 and shape[2] == 3:
        luma = img.astype(np.float64) @ C.RGB_WEIGHTS
        np.testing.assert_allclose(C.to_gray_rgb(img), np.repeat(luma[:, :, None], 3, axis=2),
                                   atol=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.permutations(["brightness", "contrast", "saturation", "hue"]),
       st.lists(st.floats(0.0, 2.0), min_size=3, max_size=3), st.floats(-180.0, 180.0),
       st.sets(st.sampled_from(["brightness", "contrast", "saturation", "hue"])),
       st.integers(0, 2**32 - 1))
def test_colour_jitter_in_one_buffer_equals_the_separate_kernels(order, factors, hue, skip,
                                                                 seed):
    img = np.random.default_rng(seed).integers(0, 256, (13, 17, 3), dtype=np.uint8)
    values = dict(zip(["brightness", "contrast", "saturation"], factors, strict=True),
                  hue=hue)
    steps = [(op, values[op]) for op in order if op not in skip]
    want = img
    for op, value in steps:
        want = {"brightness": lambda x, v: C.multiply(x, v),
                "contrast": lambda x, v: C.brightness_contrast(x, 0.0, v),
                "saturation": C.saturation,
                "hue": lambda x, v: C.hue_saturation_value(x, v, 0.0, 0.0)}[op](want, value)
    got = C.jitter_u8(img, steps)
    np.testing.assert_array_equal(got, want)
    assert not np.shares_memory(got, img)


@pytest.mark.parametrize("channels", [2, 3, 4])
def test_float_autocontrast_stretches_each_channel_from_its_own_range(channels):
    rng = np.random.default_rng(channels)
    img = (rng.random((20, 30, channels)) * 0.6 + 0.2).astype(np.float32)
    img[:, :, 1] = 0.25  # a constant channel stays as it is
    want = np.empty(img.shape)
    for c in range(channels):
        lo, hi = float(img[:, :, c].min()), float(img[:, :, c].max())
        want[:, :, c] = (img[:, :, c] - lo) / (hi - lo) if hi > lo else img[:, :, c]
    for view in (img, np.ascontiguousarray(img[:, ::-1])[:, ::-1]):
        out = C.autocontrast(view)
        assert out.dtype == np.float32 and out.shape == img.shape
        np.testing.assert_allclose(out, want, atol=2e-7)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 8), st.sampled_from([(9, 11), (9, 11, 1), (9, 11, 3), (9, 11, 5)]),
       st.integers(0, 2**32 - 1))
def test_float_posterize_equals_its_level_formula_bit_for_bit(bits, shape, seed):
    img = (np.random.default_rng(seed).random(shape) * 1.2 - 0.1).astype(np.float32)
    img.flat[:4] = [0.0, 1.0, 1 / 255, 254.5 / 255]
    want = C.point_op(img, C._posterize_fn(bits))  # floor to 8-bit levels, mask, / 255
    got = C.posterize(img, bits)
    assert got.dtype == np.float32 and got.shape == img.shape
    np.testing.assert_array_equal(got.view(np.uint32), want.view(np.uint32))


@settings(max_examples=300, deadline=None)
@given(shifts=st.lists(st.one_of(st.floats(-1, 1),  # ties (x.5 levels) take the table path
                                 st.integers(-510, 510).map(lambda k: k / 510)),
                       min_size=1, max_size=5),
       seed=st.integers(0, 2**16))
def test_channel_shift_uint8_equals_the_rounded_table(shifts, seed):
    from augkit.image.functional.channels import channel_shift

    img = np.random.default_rng(seed).integers(0, 256, (7, 5, len(shifts)), dtype=np.uint8)
    table = np.clip(np.rint(np.arange(256.0)[:, None] + np.asarray(shifts) * 255), 0, 255)
    expected = np.stack([table[img[..., c], c] for c in range(len(shifts))], -1)
    out = channel_shift(img, shifts)
    assert out.shape == img.shape and out.dtype == np.uint8
    np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
@pytest.mark.parametrize("channels", [2, 3, 4, 5])
def test_channel_shuffle_paths_equal_indexing_for_every_order(dtype, channels):
    import itertools

    from augkit.image.functional.channels import channel_shuffle

    img = (np.random.default_rng(channels).random((9, 7, channels)) * 200).astype(dtype)
    for layout in (img, np.asfortranarray(img), img[:, ::2]):
        for order in itertools.permutations(range(channels)):
            out = channel_shuffle(layout, list(order))
            np.testing.assert_array_equal(out, layout[..., list(order)])
            assert out.flags.c_contiguous and not np.shares_memory(out, layout)
