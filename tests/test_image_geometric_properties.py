"""Property-based tests of the geometric kernels (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from augkit.image.functional import geometric as G

sizes = st.integers(2, 24)
images = st.builds(lambda h, w, c, seed: np.random.default_rng(seed).integers(
    0, 256, size=(h, w, c), dtype=np.uint8), sizes, sizes, st.sampled_from([1, 3, 6]),
    st.integers(0, 2**32 - 1))


@settings(max_examples=50, deadline=None)
@given(images)
def test_flips_and_transpose_are_involutions(img):
    np.testing.assert_array_equal(G.hflip(G.hflip(img)), img)
    np.testing.assert_array_equal(G.vflip(G.vflip(img)), img)
    np.testing.assert_array_equal(G.transpose(G.transpose(img)), img)
    assert G.hflip(img).shape == img.shape


@settings(max_examples=50, deadline=None)
@given(images, st.integers(0, 7))
def test_rot90_composes(img, k):
    np.testing.assert_array_equal(G.rot90(G.rot90(img, k), 4 - k % 4), img)


@settings(max_examples=60, deadline=None)
@given(sizes, sizes, st.integers(0, 3), st.data())
def test_pixel_centres_move_with_their_pixels(h, w, k, data):
    """For exact ops, the centre of pixel (r, c) maps to the centre of the pixel it lands on."""
    img = np.arange(h * w, dtype=np.float32).reshape(h, w)
    r, c = data.draw(st.integers(0, h - 1)), data.draw(st.integers(0, w - 1))
    centre = np.array([[c + 0.5, r + 0.5]])
    for out, point in [
        (G.hflip(img), G.hflip_points(centre, w)),
        (G.vflip(img), G.vflip_points(centre, h)),
        (G.transpose(img), G.transpose_points(centre)),
        (G.rot90(img, k), G.rot90_points(centre, k, h, w)),
    ]:
        x, y = point[0]
        assert out[int(y), int(x)] == img[r, c]


@settings(max_examples=100, deadline=None)
@given(st.floats(-180, 180), st.floats(0.6, 1.6), st.floats(-5, 5), st.floats(-5, 5),
       st.floats(-20, 20), st.integers(0, 2**32 - 1))
@example(39.0, 1.546875, 0.0, 0.0, 0.0, 22)  # magnified: a pixel lights up to 1.1 px away
@example(41.0, 1.0625, 1.5, 0.0, 0.0, 22)  # rotated: the lone pixel is stepped over
def test_affine_points_follow_warped_pixels(angle, scale, tx, ty, shear, seed):
    """Nearest warping lights exactly the output pixels whose centres map back into the lone
    bright source pixel, i.e. the pixels inside the image of that pixel under the point map."""
    h, w = 41, 37
    rng = np.random.default_rng(seed)
    r, c = int(rng.integers(12, 29)), int(rng.integers(12, 25))
    img = np.zeros((h, w), np.uint8)
    img[r, c] = 255
    matrix = G.affine_matrix(h, w, angle=angle, scale=scale, translate=(tx, ty),
                             shear=(shear, 0.0))
    lit = G.warp_affine(img, matrix, h, w, interpolation="nearest") > 0
    inverse = np.linalg.inv(np.vstack([matrix, [0, 0, 1]]))[:2]
    ys, xs = np.mgrid[0:h, 0:w]
    centres = np.column_stack([xs.ravel() + 0.5, ys.ravel() + 0.5])
    offset = np.abs(G.affine_points(centres, inverse) - [c + 0.5, r + 0.5]).reshape(h, w, 2)
    slack = 0.02  # OpenCV computes nearest coordinates in fixed point
    inside = (offset < 0.5 - slack).all(axis=2)
    outside = (offset > 0.5 + slack).any(axis=2)
    assert lit[inside].all()
    assert not lit[outside].any()


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (6, 2), elements=st.floats(-50, 50)), st.floats(-180, 180),
       st.floats(0.5, 2.0))
def test_affine_matrix_inverse_round_trip(points, angle, scale):
    forward = G.affine_matrix(30, 40, angle=angle, scale=scale, translate=(3, -2))
    full = np.vstack([forward, [0, 0, 1]])
    back = np.linalg.inv(full)[:2]
    np.testing.assert_allclose(G.affine_points(G.affine_points(points, forward), back), points,
                               atol=1e-8)


@settings(max_examples=40, deadline=None)
@given(images, st.integers(0, 5), st.integers(0, 5), st.integers(0, 5), st.integers(0, 5))
def test_pad_then_crop_is_identity(img, top, bottom, left, right):
    padded = G.pad(img, top, bottom, left, right, "reflect101", 0)
    assert padded.shape[:2] == (img.shape[0] + top + bottom, img.shape[1] + left + right)
    np.testing.assert_array_equal(G.crop(padded, top, left, *img.shape[:2]), img)


@settings(max_examples=30, deadline=None)
@given(images, st.integers(1, 200))
def test_constant_fill_reaches_every_channel(img, fill):
    padded = G.pad(img, 1, 0, 0, 0, "constant", fill)
    assert (padded[0] == fill).all()
