"""Warps and resizing: kernels, point mappings against mask warping, and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from augkit import image as A
from augkit.image.functional import distortion as D

WARPS = {
    "Perspective": lambda: A.Perspective(scale=(0.05, 0.2), p=1.0),
    "ElasticTransform": lambda: A.ElasticTransform(alpha=(0.03, 0.08), sigma=(0.05, 0.1), p=1.0),
    "GridDistortion": lambda: A.GridDistortion(num_steps=5, distort_limit=0.5, p=1.0),
    "OpticalDistortion": lambda: A.OpticalDistortion(distort_limit=(-0.3, 0.6), p=1.0),
    "ShiftScaleRotate": lambda: A.ShiftScaleRotate(p=1.0),
    "LongestMaxSize": lambda: A.LongestMaxSize([40, 90]),
    "SmallestMaxSize": lambda: A.SmallestMaxSize([30, 70]),
    "RandomSizedBBoxSafeCrop": lambda: A.RandomSizedBBoxSafeCrop(48, 40),
}
SETTINGS = settings(max_examples=100, deadline=None)


def _mask_box(mask):
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], float)


@pytest.mark.parametrize("name", sorted(WARPS))
@given(seed=st.integers(0, 2**32 - 1), x0=st.integers(4, 30), y0=st.integers(4, 26),
       bw=st.integers(3, 24), bh=st.integers(3, 20))
@SETTINGS
def test_box_and_keypoint_follow_the_mask(name, seed, x0, y0, bw, bh):
    """A box drawn into a mask is still the mask's box after the warp (to about a pixel:
    nearest-neighbour mask sampling), and a keypoint at a mask pixel stays on its blob."""
    h, w = 50, 60
    x1, y1 = min(x0 + bw, w - 2), min(y0 + bh, h - 2)
    mask = np.zeros((h, w), np.uint8)
    mask[y0:y1, x0:x1] = 1
    kx, ky = (x0 + x1) // 2, (y0 + y1) // 2
    dot = np.zeros((h, w), np.uint8)
    dot[ky - 1:ky + 2, kx - 1:kx + 2] = 1
    out = WARPS[name]()(image=np.zeros((h, w, 3), np.uint8), masks=[mask, dot],
                        bboxes=[[x0, y0, x1, y1]], keypoints=[[kx + 0.5, ky + 0.5]], seed=seed)
    drawn = _mask_box(out["masks"][0])
    oh, ow = out["image"].shape[:2]
    if len(out["bboxes"]):
        box = out["bboxes"][0]
        # a rotated box clipped by the border is wider than the clipped region: compare
        # only boxes that stayed inside
        if box[0] > 0 and box[1] > 0 and box[2] < ow and box[3] < oh:
            assert drawn is not None
            np.testing.assert_allclose(box, drawn, atol=1.6)
    if out["keypoints_visible"][0]:
        x, y = out["keypoints"][0]
        blob = _mask_box(out["masks"][1])
        assert blob is not None
        assert blob[0] - 1 <= x <= blob[2] + 1 and blob[1] - 1 <= y <= blob[3] + 1


@given(h=st.integers(2, 40), w=st.integers(2, 40), c=st.sampled_from([1, 3, 6]),
       floating=st.booleans())
@SETTINGS
def test_perspective_with_identity_corners_is_identity(h, w, c, floating):
    rng = np.random.default_rng(h * 100 + w)
    img = rng.integers(0, 256, (h, w, c), dtype=np.uint8)
    if floating:
        img = img.astype(np.float32) / 255
    transform = A.Perspective(p=1.0)
    out = transform.apply_image(img, {"offsets": [[0.0, 0.0]] * 4})
    np.testing.assert_array_equal(out, img)
    pts = rng.uniform(-5, 45, (7, 2))
    np.testing.assert_allclose(transform.apply_points(pts, {"offsets": [[0, 0]] * 4}, (h, w)),
                               pts, atol=1e-9)


IDENTITY_PARAMS = {  # parameters under which each warp moves no pixel
    "Rotate": {"angle": 0.0},
    "Affine": {"scale": 1.0, "translate": [0.0, 0.0], "angle": 0.0, "shear": [0.0, 0.0]},
    "Zoom": {"zoom": 1.0, "left": 0.0, "top": 0.0},
    "ShiftScaleRotate": {"shift": [0.0, 0.0], "scale": 1.0, "angle": 0.0},
    "Perspective": {"offsets": [[0.0, 0.0]] * 4},
    "ElasticTransform": {"alpha": 0.0, "sigma": 0.06, "noise_seed": 3},
    "GridDistortion": {"steps_x": [0.0] * 5, "steps_y": [0.0] * 5},
    "OpticalDistortion": {"k": 0.0},
}


@pytest.mark.parametrize("name", sorted(IDENTITY_PARAMS))
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("shape", [(2, 2, 1), (5, 7, 3), (9, 4), (6, 6, 4), (4, 5, 6)])
def test_identity_parameters_give_the_input_exactly(name, dtype, shape):
    """Exact on every CPU: OpenCV's float warps drift by an ulp on some SIMD paths (a 2x2
    float32 perspective on AVX-512), so identities are copies, never warps."""
    rng = np.random.default_rng(len(name))
    img = rng.integers(0, 256, shape, dtype=np.uint8)
    if dtype == np.float32:
        img = img.astype(np.float32) / 255
    transform = getattr(A, name)(p=1.0)
    out = transform.apply(
        {"image": img, "mask": img[:, :, 0] if img.ndim == 3 else img.copy()},
        IDENTITY_PARAMS[name])
    np.testing.assert_array_equal(out["image"], img)
    assert out["image"].dtype == img.dtype and not np.shares_memory(out["image"], img)
    np.testing.assert_array_equal(out["mask"], img[:, :, 0] if img.ndim == 3 else img)


def _folds(dx: np.ndarray, dy: np.ndarray) -> bool:
    """Whether x -> x + d(x) folds over itself somewhere (Jacobian determinant <= 0)."""
    gxx, gxy = np.gradient(dx, axis=1), np.gradient(dx, axis=0)
    gyx, gyy = np.gradient(dy, axis=1), np.gradient(dy, axis=0)
    return bool(((1 + gxx) * (1 + gyy) - gxy * gyx).min() <= 0.05)


@given(seed=st.integers(0, 2**31), alpha=st.floats(0.0, 0.1), sigma=st.floats(0.04, 0.2))
@SETTINGS
@example(seed=0, alpha=0.099609375, sigma=0.04)  # a folding field: some points lack a preimage
def test_elastic_point_inverse_is_accurate(seed, alpha, sigma):
    h, w = 48, 64
    dx, dy = D.elastic_field(h, w, alpha, sigma, seed)
    assert np.abs(np.concatenate([dx.ravel(), dy.ravel()])).max() <= alpha * h + 1e-4
    rng = np.random.default_rng(seed)
    source = rng.uniform(0, [w, h], size=(50, 2))
    moved = D.remap_points(source, dx, dy)
    back = D._source_of(moved, dx.astype(np.float64), dy.astype(np.float64))
    error = np.linalg.norm(back - source, axis=1)
    if not _folds(dx, dy):
        assert error.max() < 0.01  # an invertible warp is inverted exactly
    else:
        # where the field folds, a point may have no preimage: the nearest one is returned
        assert np.mean(error < 0.01) >= 0.9 and error.max() < 1.0


def test_elastic_field_depends_only_on_its_parameters():
    a = D.elastic_field(30, 40, 0.05, 0.1, 7)
    b = D.make_elastic_field(30, 40, 0.05, 0.1, 7)  # bypass the cache
    np.testing.assert_array_equal(a[0], b[0])
    assert not a[0].flags.writeable
    c = D.elastic_field(30, 40, 0.05, 0.1, 8)
    assert not np.array_equal(a[0], c[0])


@given(steps=st.lists(st.floats(-0.8, 3.0), min_size=1, max_size=8),
       size=st.integers(4, 200))
@SETTINGS
def test_grid_points_invert_the_grid_field(steps, size):
    map_x, _ = D.grid_maps(3, size, tuple(steps), (0.0,))
    centres = np.arange(size) + 0.5
    source = map_x[0] + 0.5  # OpenCV frame -> continuous frame
    forward = D.grid_points(np.column_stack([source, np.full(size, 1.5)]), 3, size, steps, [0.0])
    np.testing.assert_allclose(forward[:, 0], centres, atol=1e-4)  # field is float32
    edges = D.grid_points(np.array([[0.0, 0.0], [size, 3.0]]), 3, size, steps, [0.0])
    np.testing.assert_allclose(edges, [[0, 0], [size, 3]], atol=1e-9)


@given(k=st.floats(-0.3, 1.0), x=st.floats(0, 64), y=st.floats(0, 48))
@SETTINGS
def test_optical_points_invert_the_lens_model(k, x, y):
    q = D.optical_points(np.array([[x, y]]), 48, 64, k)
    centre, radius = np.array([32.0, 24.0]), 40.0
    u = (q - centre) / radius
    r = float(np.sqrt((u ** 2).sum()))
    r_src = float(np.hypot(x - 32, y - 24)) / radius
    if k < 0 and r_src >= 2 / 3 / np.sqrt(-3 * k):
        # pincushion: this source point is pushed out of view; it must land outside
        assert r > 1.0
        return
    back = centre + u * (1 + k * r * r) * radius
    np.testing.assert_allclose(back, [[x, y]], atol=1e-6)


@pytest.mark.parametrize("cls", [A.ElasticTransform, A.GridDistortion, A.OpticalDistortion])
def test_zero_strength_warps_are_identity(cls):
    arg = {"ElasticTransform": {"alpha": 0.0}}.get(cls.__name__, {"distort_limit": 0.0})
    img = np.random.default_rng(0).integers(0, 256, (20, 30, 3), dtype=np.uint8)
    out = cls(**arg, p=1.0)(image=img, bboxes=[[3, 4, 10, 12]], keypoints=[[5.5, 6.5]], seed=1)
    np.testing.assert_array_equal(out["image"], img)
    np.testing.assert_allclose(out["bboxes"], [[3, 4, 10, 12]], atol=1e-6)
    np.testing.assert_allclose(out["keypoints"], [[5.5, 6.5]], atol=1e-6)


@pytest.mark.parametrize("name", sorted(WARPS))
@pytest.mark.parametrize("shape,dtype", [((30, 40), np.uint8), ((30, 40, 1), np.float32),
                                         ((30, 40, 6), np.uint8)])
def test_channel_counts_and_dtypes(name, shape, dtype):
    img = np.random.default_rng(1).random(shape).astype(np.float32)
    img = (img * 255).astype(np.uint8) if dtype == np.uint8 else img
    out = WARPS[name]()(image=img, seed=3)["image"]
    assert out.dtype == img.dtype and out.ndim == img.ndim and out.shape[2:] == img.shape[2:]


def test_fill_reaches_every_channel():
    img = np.zeros((20, 20, 6), np.uint8)
    out = A.OpticalDistortion(distort_limit=(0.8, 0.8), fill=9, p=1.0)(image=img)["image"]
    assert (out[0, 0] == 9).all()  # a barrel warp uncovers the corners


def test_shift_scale_rotate_matches_its_description():
    t = A.ShiftScaleRotate(shift_limit=(0.25, 0.25), scale_limit=0, rotate_limit=0, p=1.0)
    img = np.zeros((8, 8), np.uint8)
    img[0, 0] = 200
    out = t(image=img, keypoints=[[0.5, 0.5]])
    assert out["image"][2, 2] == 200
    np.testing.assert_allclose(out["keypoints"], [[2.5, 2.5]])


@given(h=st.integers(1, 300), w=st.integers(1, 300), size=st.integers(1, 400),
       longest=st.booleans())
@SETTINGS
def test_max_size_keeps_aspect(h, w, size, longest):
    cls = A.LongestMaxSize if longest else A.SmallestMaxSize
    out = cls(size).apply_image(np.zeros((h, w), np.uint8), {"size": size})
    oh, ow = out.shape
    assert (max(oh, ow) if longest else min(oh, ow)) == size
    # each side is the exact scaled side rounded to a whole pixel (but at least 1)
    scale = size / (max(h, w) if longest else min(h, w))
    assert abs(oh - h * scale) <= 0.5 + 1e-9 or oh == 1
    assert abs(ow - w * scale) <= 0.5 + 1e-9 or ow == 1


@given(seed=st.integers(0, 2**32 - 1),
       boxes=st.lists(st.tuples(st.integers(0, 50), st.integers(0, 40), st.integers(1, 20),
                                st.integers(1, 20)), min_size=1, max_size=4))
@SETTINGS
def test_bbox_safe_crop_keeps_every_box_whole(seed, boxes):
    xyxy = [[x, y, min(x + bw, 60), min(y + bh, 50)] for x, y, bw, bh in boxes]
    aug = A.RandomSizedBBoxSafeCrop(25, 30)
    # 0.999, not 1: scaling a box edge onto the image edge can overshoot it by 1 ulp
    out = aug(image=np.zeros((50, 60, 3), np.uint8), bboxes=xyxy, min_visibility=0.999,
              seed=seed)
    assert out["image"].shape == (25, 30, 3)
    assert out["bbox_indices"].tolist() == list(range(len(xyxy)))
    # boxes are only scaled, so their aspect changes by the crop's scale factors alone
    assert (out["bboxes"] >= 0).all() and (out["bboxes"][:, 2] <= 30 + 1e-9).all()


def test_bbox_safe_crop_without_boxes_respects_erosion():
    aug = A.RandomSizedBBoxSafeCrop(10, 10, erosion_rate=0.2)
    for seed in range(20):
        params = aug.sample(np.random.default_rng(seed), {"image": np.zeros((50, 100))})
        assert params["height"] >= 40 and params["width"] >= 80


@given(k=st.floats(-0.3, 1.0), i=st.integers(0, 47), j=st.integers(0, 63))
@SETTINGS
def test_optical_maps_and_points_agree(k, i, j):
    map_x, map_y = D.optical_maps(48, 64, k)
    source = np.array([[map_x[i, j] + 0.5, map_y[i, j] + 0.5]])  # continuous frame
    np.testing.assert_allclose(D.optical_points(source, 48, 64, k), [[j + 0.5, i + 0.5]],
                               atol=1e-3)  # maps are float32


@given(k=st.floats(-1.0, -0.34), i=st.integers(0, 47), j=st.integers(0, 63))
@SETTINGS
def test_optical_points_keep_the_unfolded_place_below_the_fold(k, i, j):
    # k < -1/3 (the field's distort_limit=0.5 draws down to -0.5): inside the fold radius
    # maps and points still agree; beyond it the image repeats radii already shown
    centre, radius = np.array([32.0, 24.0]), np.hypot(64, 48) / 2
    r = np.hypot(j + 0.5 - centre[0], i + 0.5 - centre[1]) / radius
    assume(r < 0.98 / np.sqrt(-3.0 * k))
    map_x, map_y = D.optical_maps(48, 64, k)
    source = np.array([[map_x[i, j] + 0.5, map_y[i, j] + 0.5]])
    np.testing.assert_allclose(D.optical_points(source, 48, 64, k), [[j + 0.5, i + 0.5]],
                               atol=2e-3)


def test_optical_distortion_takes_the_field_convention():
    t = A.OpticalDistortion(distort_limit=0.5, p=1.0)
    assert t.distort_limit == (-0.5, 0.5)
    ks = [t.sample(np.random.default_rng(s), {})["k"] for s in range(200)]
    assert min(ks) < -0.4 and max(ks) > 0.4


def test_curved_warps_bound_boxes_by_their_edges_not_corners():
    t = A.OpticalDistortion(distort_limit=(0.5, 0.5), p=1.0)
    box = [5.0, 18.0, 55.0, 30.0]
    out = t(image=np.zeros((50, 60), np.uint8), bboxes=[box])
    x0, y0, x1, y1 = box
    s = np.linspace(0, 1, 2001)
    edges = np.concatenate([np.column_stack([x0 + (x1 - x0) * s, np.full_like(s, y0)]),
                            np.column_stack([x0 + (x1 - x0) * s, np.full_like(s, y1)]),
                            np.column_stack([np.full_like(s, x0), y0 + (y1 - y0) * s]),
                            np.column_stack([np.full_like(s, x1), y0 + (y1 - y0) * s])])
    dense = t.apply_points(edges, {"k": 0.5}, (50, 60))
    expected = np.concatenate([dense.min(axis=0), dense.max(axis=0)])
    np.testing.assert_allclose(out["bboxes"][0], expected, atol=0.05)
    corners = t.apply_points(np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]), {"k": 0.5},
                             (50, 60))
    corner_box = np.concatenate([corners.min(axis=0), corners.max(axis=0)])
    assert np.abs(corner_box - expected).max() > 0.3  # corners alone would be wrong here
