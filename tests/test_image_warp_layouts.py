"""uint8 RGB bilinear warps run through OpenCV's 4-channel kernel with per-thread scratch
arrays: the values of the plain 3-channel call, and no result aliases a scratch array.

The 3- and 4-channel kernels are different OpenCV code (SIMD-dispatched per CPU): they agree
exactly on the CPUs tried (AVX-512, and SSE3 only via ``make test-narrow-simd``), but the test
allows one grey level, so another CPU's rounding cannot fail a fresh checkout."""

from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit.image.functional import distortion as D
from augkit.image.functional import geometric as G
from augkit.image.functional.scratch import LIMIT, scratch


def _within_one_level(got, want):
    assert got.shape == want.shape and got.dtype == want.dtype
    assert np.abs(got.astype(np.int16) - want).max() <= 1


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 70), st.integers(1, 70), st.sampled_from(sorted(G.BORDER_MODES)),
       st.sampled_from([0, 1, 200]), st.sampled_from(["linear", "area"]),
       st.integers(0, 2**32 - 1))
def test_rgb_warps_equal_the_three_channel_opencv_call(h, w, border, fill, interpolation,
                                                       seed):
    rng = np.random.default_rng(seed)
    img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
    matrix = np.hstack([np.eye(2) + rng.normal(0, 0.3, (2, 2)), rng.normal(0, 4, (2, 1))])
    homography = np.vstack([matrix, [rng.normal(0, 1e-3), rng.normal(0, 1e-3), 1.0]])
    map_x, map_y = (rng.uniform(-3, max(h, w) + 3, (h + 2, w + 1)).astype(np.float32)
                    for _ in range(2))
    mode, value = G.BORDER_MODES[border], (float(fill),) * 4
    out_h, out_w = h + 3, w + 2
    _within_one_level(
        G.warp_affine(img, matrix, out_h, out_w, interpolation, border, fill),
        cv2.warpAffine(img, G.to_opencv_matrix(matrix), (out_w, out_h), flags=cv2.INTER_LINEAR,
                       borderMode=mode, borderValue=value))
    _within_one_level(
        D.warp_perspective(img, homography, out_h, out_w, interpolation, border, fill),
        cv2.warpPerspective(img, D._to_opencv_homography(homography), (out_w, out_h),
                            flags=cv2.INTER_LINEAR, borderMode=mode, borderValue=value))
    _within_one_level(
        D.remap(img, map_x, map_y, interpolation, border, fill),
        cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=mode, borderValue=value))


def test_results_never_alias_the_scratch_arrays():
    rng = np.random.default_rng(0)
    a, b = (rng.integers(0, 256, (40, 50, 3), dtype=np.uint8) for _ in range(2))
    matrix = np.array([[0.9, 0.1, 2.0], [-0.1, 1.1, -3.0]])
    first = G.warp_affine(a, matrix, 40, 50)
    kept = first.copy()
    G.warp_affine(b, matrix, 40, 50)  # same shapes: the same scratch arrays
    np.testing.assert_array_equal(first, kept)
    assert not np.shares_memory(first, scratch("warp_dst", (40, 50, 4)))


def test_scratch_is_reused_per_slot_shape_and_thread():
    a = scratch("t", (3, 4))
    assert scratch("t", (3, 4)) is a
    assert scratch("other", (3, 4)) is not a
    b = scratch("t", (5, 4))
    assert b.shape == (5, 4) and scratch("t", (5, 4)) is b
    big = (LIMIT + 1,)
    assert scratch("t", big) is not scratch("t", big)  # too large to keep
    seen = []
    thread = threading.Thread(target=lambda: seen.append(scratch("t", (5, 4))))
    thread.start()
    thread.join()
    assert seen[0] is not b


@pytest.mark.parametrize("interpolation", ["nearest", "cubic", "lanczos"])
def test_other_interpolations_keep_the_three_channel_path(interpolation):
    img = np.random.default_rng(1).integers(0, 256, (30, 40, 3), dtype=np.uint8)
    assert not G.rgba_is_faster(img, interpolation)
    assert not G.rgba_is_faster(img.astype(np.float32), "linear")


def test_a_grey_batch_three_pixels_wide_is_not_taken_for_rgb():
    images = np.random.default_rng(2).integers(0, 256, (4, 5, 3), dtype=np.uint8)  # N, H, W
    out = G.rgba_is_faster(images, "linear", batch=True)
    assert not out
    from augkit import image as A

    result = A.Affine(p=1.0).batch(images, seed=0)["images"]
    assert result.shape == images.shape
