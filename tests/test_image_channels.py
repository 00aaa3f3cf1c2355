"""Channel transforms: shuffle, RGB shift, weighted grey, channel and grid dropout."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import image as A
from augkit.image.functional import channels as K


def _img(shape, seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def test_channel_shuffle_permutes_channels():
    img = _img((6, 7, 5))
    out = A.ChannelShuffle(p=1.0)(image=img, seed=3, return_record=True)
    order = out["record"].steps[0].params["order"]
    assert sorted(order) == list(range(5))
    for i, c in enumerate(order):
        np.testing.assert_array_equal(out["image"][:, :, i], img[:, :, c])


@given(shifts=st.lists(st.floats(-1, 1), min_size=3, max_size=3))
@settings(max_examples=30, deadline=None)
def test_rgb_shift_uint8_and_float_agree(shifts):
    img = _img((5, 6, 3))
    u8 = K.channel_shift(img, shifts)
    f32 = K.channel_shift(img.astype(np.float32) / 255, shifts)
    assert np.abs(u8.astype(np.float64) - f32 * 255).max() <= 0.5 + 1e-4
    expected = np.clip(img + np.asarray(shifts) * 255, 0, 255)
    assert np.abs(u8 - expected).max() <= 0.5 + 1e-9


def test_rgb_shift_refuses_other_channel_counts():
    with pytest.raises(ValueError, match="RGBShift.*RGB"):
        A.RGBShift(p=1.0)(image=_img((4, 4)))


def test_grayscale_weights_pick_channels():
    img = _img((4, 5, 3))
    out = A.Grayscale(weights=(0, 1, 0), p=1.0)(image=img)["image"]
    for c in range(3):
        np.testing.assert_array_equal(out[:, :, c], img[:, :, 1])
    # unnormalised weights are normalised; float input works the same way
    f = img.astype(np.float32) / 255
    out_f = A.Grayscale(weights=(2, 2, 0), p=1.0)(image=f)["image"]
    np.testing.assert_allclose(out_f[:, :, 0], (f[:, :, 0] + f[:, :, 1]) / 2, atol=1e-6)


def test_grayscale_without_weights_is_unchanged_luma():
    img = _img((4, 5, 3))
    out = A.Grayscale(p=1.0)(image=img)["image"].astype(float)
    luma = img @ np.array([0.299, 0.587, 0.114])
    assert np.abs(out[:, :, 0] - luma).max() <= 0.5 + 1e-6


def test_grayscale_weight_errors():
    with pytest.raises(ValueError, match="Grayscale.*'weights'.*2 values.*3 channels"):
        A.Grayscale(weights=(1, 1), p=1.0)(image=_img((3, 3, 3)))
    with pytest.raises(ValueError, match="Grayscale.*'weights'"):
        A.Grayscale(weights=(0, 0, 0))
    with pytest.raises(ValueError, match="Grayscale.*'weights'"):
        A.Grayscale(weights=(1, -1, 0))


def test_channel_dropout_fills_whole_channels_and_keeps_one():
    img = _img((6, 6, 4))
    t = A.ChannelDropout(channel_drop_range=(1, 10), fill=5, p=1.0)
    for seed in range(10):
        out = t(image=img, seed=seed, return_record=True)
        dropped = out["record"].steps[0].params["channels"]
        assert 1 <= len(dropped) <= 3
        for c in range(4):
            if c in dropped:
                assert (out["image"][:, :, c] == 5).all()
            else:
                np.testing.assert_array_equal(out["image"][:, :, c], img[:, :, c])


def test_channel_dropout_refuses_single_channel():
    with pytest.raises(ValueError, match="ChannelDropout.*channels"):
        A.ChannelDropout(p=1.0)(image=_img((4, 4, 1)))


def test_grid_dropout_drops_the_expected_fraction_and_cuts_masks():
    img = np.ones((40, 40, 3), np.uint8)
    mask = np.ones((40, 40), np.uint8)
    t = A.GridDropout(unit_size=0.25, ratio=0.5, random_offset=False, fill=0, mask_fill=0,
                      p=1.0)
    out = t(image=img, mask=mask)
    holes = out["image"][:, :, 0] == 0
    assert holes.mean() == pytest.approx(0.25)  # (5 / 10) ** 2 of every 10x10 unit
    assert holes[:5, :5].all() and not holes[5:10, 5:10].any()
    np.testing.assert_array_equal(out["mask"] == 0, holes)


def test_grid_dropout_leaves_masks_alone_by_default():
    mask = np.ones((20, 20), np.uint8)
    out = A.GridDropout(p=1.0)(image=np.ones((20, 20), np.uint8), mask=mask, seed=0)
    np.testing.assert_array_equal(out["mask"], mask)
    assert (out["image"] == 0).any()


def test_grid_dropout_matches_its_definition_for_any_shift():
    """Pixel (r, c) is a hole iff (r - shift_y) % unit < hole and likewise for columns."""
    img = np.ones((23, 31), np.uint8)
    for unit, hole, shift in [((5, 5), (2, 2), (0, 0)), ((6, 6), (4, 4), (5, 3)),
                              ((7, 7), (7, 7), (2, 6)), ((4, 4), (1, 1), (3, 1))]:
        out = K.grid_dropout(img, list(unit), list(hole), list(shift), 0)
        rows = (np.arange(23) - shift[0]) % unit[0] < hole[0]
        cols = (np.arange(31) - shift[1]) % unit[1] < hole[1]
        np.testing.assert_array_equal(out == 0, rows[:, None] & cols[None, :])


@pytest.mark.parametrize("weights", [(0.299, 0.587, 0.114), (0.2, 0.7, 0.1)])
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_weighted_gray_is_the_weighted_sum(weights, dtype):
    img = _img((9, 11, 3))
    img = img if dtype == np.uint8 else img.astype(np.float32) / 255
    out = K.weighted_gray(img, list(weights))
    expected = img.astype(np.float64) @ np.asarray(weights)
    tol = 1.0 if dtype == np.uint8 else 1e-3  # OpenCV's fixed-point luma: within a level
    assert out.dtype == img.dtype and out.shape == img.shape
    assert np.abs(out[:, :, 1] - expected).max() <= tol


@settings(max_examples=80, deadline=None)
@given(st.sampled_from([np.uint8, np.float32]), st.integers(2, 6), st.data(),
       st.sampled_from([0, 1, 0.5, 127.6, 255, -0.25, -0.0]),
       st.sampled_from(["c", "fortran", "negative-stride"]))
def test_channel_dropout_equals_writing_the_fill_into_each_channel(dtype, channels, data, fill,
                                                                    layout):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1)))
    image = rng.integers(0, 256, (7, 9, channels), dtype=np.uint8)
    if dtype == np.float32:
        image = (image / 255).astype(np.float32)
    if layout == "fortran":
        image = np.asfortranarray(image)
    elif layout == "negative-stride":
        image = np.ascontiguousarray(image[:, ::-1])[:, ::-1]
    dropped = data.draw(st.lists(st.integers(0, channels - 1), min_size=1,
                                 max_size=channels - 1, unique=True))
    want = image.copy()
    for c in dropped:
        want[:, :, c] = fill  # numpy's own cast of the fill
    got = K.channel_dropout(image, sorted(dropped), fill)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))  # bit for bit
