"""Batch kernels against their plain per-sample formulation, bit for bit, over random
shapes, dtypes and applied masks (the speed tricks: masked whole-sample copies, row and run
gathers through void views, one-pass table rounding, transposed channel sums)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit.image.functional import batch as K
from augkit.image.functional import geometric as G
from augkit.image.functional.color import lut_from, mean_gray
from augkit.image.functional.geometric import CV_NATIVE_CHANNELS


@st.composite
def batches(draw, min_side: int = 1):
    """A random batch (uint8 or float32; no channel axis, or 1 to 5 channels) and a mask."""
    n = draw(st.integers(1, 9))
    h, w = draw(st.integers(min_side, 9)), draw(st.integers(min_side, 9))
    channels = draw(st.sampled_from([None, 1, 3, 4, 5]))
    shape = (n, h, w) if channels is None else (n, h, w, channels)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.booleans()):
        images = rng.integers(0, 256, shape, dtype=np.uint8)
    else:
        images = rng.random(shape, dtype=np.float32)
    applied = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    return images, applied, rng


@settings(max_examples=60, deadline=None)
@given(batches())
def test_flips_match_per_sample_flips(case):
    images, applied, _ = case
    for kernel, axis in ((K.hflip, 1), (K.vflip, 0)):
        out = kernel(images, applied)
        want = np.stack([np.flip(x, axis) if a else x for x, a in zip(images, applied,
                                                                         strict=True)])
        assert out.dtype == images.dtype and out.flags.c_contiguous
        np.testing.assert_array_equal(out, want)
        np.testing.assert_array_equal(kernel(images[:, ::-1], applied),  # strided input
                                      np.stack([np.flip(x, axis) if a else x for x, a in
                                                zip(images[:, ::-1], applied, strict=True)]))


@settings(max_examples=60, deadline=None)
@given(batches(), st.data())
def test_crop_matches_slicing(case, data):
    images, _, rng = case
    n, h, w = images.shape[:3]
    height, width = data.draw(st.integers(1, h)), data.draw(st.integers(1, w))
    tops, lefts = rng.integers(0, h - height + 1, n), rng.integers(0, w - width + 1, n)
    out = K.crop(images, tops, lefts, height, width)
    want = np.stack([x[t:t + height, s:s + width] for x, t, s in zip(images, tops, lefts,
                                                                     strict=True)])
    assert out.dtype == images.dtype
    np.testing.assert_array_equal(out, want)


def test_one_pass_table_rounding_equals_rint_and_clip():
    # ties (k + 0.5) / 255, their neighbours, the clip edges and far outside [0, 1]
    k = np.arange(-300, 600, dtype=np.float64)
    ties = (k + 0.5) / 255.0
    values = np.concatenate([ties, np.nextafter(ties, -np.inf), np.nextafter(ties, np.inf),
                             k / 255.0, [-1e6, -1.0, 0.0, 1.0, 1e6]])
    rng = np.random.default_rng(0)
    values = np.concatenate([values, rng.uniform(-3, 4, 20000)])
    values = np.resize(values, (len(values) // 256 + 1, 256))
    np.testing.assert_array_equal(K.luts_from(values, bound=1e6), K.luts_from(values))
    # the plain path is the single-image rounding
    row = values[3]
    np.testing.assert_array_equal(K.luts_from(row[None])[0], lut_from(lambda _: row))


@settings(max_examples=40, deadline=None)
@given(batches())
def test_apply_luts_matches_per_sample_tables(case):
    images, applied, rng = case
    images = (images * 255).astype(np.uint8) if images.dtype == np.float32 else images
    luts = rng.integers(0, 256, (len(images), 256), dtype=np.uint8)
    out = K.apply_luts(images, luts, applied)
    want = np.stack([lut[x] if a else x for x, lut, a in zip(images, luts, applied,
                                                              strict=True)])
    np.testing.assert_array_equal(out, want)


def _integer_sums(images):  # exact integers: the same answer on every CPU
    return images.reshape(len(images), -1, 3).sum(axis=1, dtype=np.int64)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 9), st.integers(1, 40), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_channel_sums_and_mean_grey_equal_the_single_path(n, h, w, seed):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, h, w, 3), dtype=np.uint8)
    images[0] = 255  # the largest sums
    want = _integer_sums(images)
    np.testing.assert_array_equal(K.channel_sums(images), want)
    np.testing.assert_array_equal(K.mean_gray(images), [mean_gray(x) for x in images])


@settings(max_examples=40, deadline=None)
@given(batches(min_side=2), st.sampled_from(["constant", "reflect"]),
       st.sampled_from([0.0, 7.0]))
def test_warp_affine_matches_one_opencv_call_per_sample(case, border, fill):
    images, applied, rng = case
    n, h, w = images.shape[:3]
    matrices = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]) + rng.normal(0, 0.1, (n, 2, 3))
    if images.ndim == 4 and images.shape[3] not in CV_NATIVE_CHANNELS:  # band by band
        with pytest.raises(NotImplementedError):
            K.warp_affine(images, matrices, applied, h, w, "linear", border, fill)
        return
    identity = rng.random(n) < 0.3  # exact identities are copies, in both paths
    matrices[identity] = np.eye(2, 3)
    out = K.warp_affine(images, matrices, applied, h, w, "linear", border, fill)
    # the single-image kernel runs the same OpenCV calls (and the same RGBA layout)
    want = np.stack([G.warp_affine(x, m, h, w, "linear", border, fill) if a else x
                     for x, m, a in zip(images, matrices, applied, strict=True)])
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(out[identity], images[identity])


def _bc_steps(levels, alpha, m, beta):  # the single-image float steps, in order
    return (levels - m) * alpha + m + beta


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 40), st.floats(0.0, 3.0), st.floats(0.0, 1.0), st.integers(0, 2**32 - 1))
def test_affine_luts_equal_the_exact_float_steps(n, spread, shift, seed):
    rng = np.random.default_rng(seed)
    alpha = 1.0 + rng.uniform(-spread, spread, n)
    m, beta = rng.random(n), rng.uniform(-shift, shift, n)
    # rows built on rounding ties: x + (j + 0.5) / 255 (alpha 1, mean 0), half of them
    ties = rng.random(n) < 0.5
    alpha[ties], m[ties] = 1.0, 0.0
    beta[ties] = (rng.integers(-3, 3, ties.sum()) + 0.5) / 255.0
    bound = 1.0 + 2.0 * np.abs(alpha).max() + np.abs(beta).max()
    asked = []

    def exact(rows):
        asked.extend(rows.tolist())
        return _bc_steps(K.LEVELS, alpha[rows, None], m[rows, None], beta[rows, None])

    luts = K.affine_luts(alpha, m - alpha * m + beta, exact, bound)
    want = K.luts_from(_bc_steps(K.LEVELS, alpha[:, None], m[:, None], beta[:, None]))
    np.testing.assert_array_equal(luts, want)
    assert set(np.flatnonzero(ties).tolist()) <= set(asked)  # tie rows: recomputed exactly


def test_channel_sums_take_24_byte_items_only_when_they_fit():
    rng = np.random.default_rng(3)
    buffer = rng.integers(0, 256, 1 + 4 * 8 * 8 * 3, dtype=np.uint8)
    for images in (buffer[:-1].reshape(4, 8, 8, 3),  # aligned: 8 pixels per item
                   buffer[1:].reshape(4, 8, 8, 3),  # starts off an 8-byte boundary
                   buffer[:4 * 5 * 7 * 3].reshape(4, 5, 7, 3)):  # 35 pixels: bytes only
        want = _integer_sums(images)
        np.testing.assert_array_equal(K.channel_sums(images), want)
