"""Boxes, labels, keypoints and masks stay aligned with the image."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import image as A
from augkit.image.functional.symmetry import D4_ELEMENTS
from augkit.image.targets import BOX_FORMATS, boxes_from_xyxy, boxes_to_xyxy

IMAGE = np.zeros((50, 80, 3), np.uint8)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 79), st.floats(0, 49), st.floats(0.5, 30),
                          st.floats(0.5, 30)), min_size=1, max_size=5),
       st.sampled_from(BOX_FORMATS))
def test_box_formats_round_trip(raw, fmt):
    xyxy = np.array([[x, y, x + w, y + h] for x, y, w, h in raw])
    there = boxes_from_xyxy(xyxy, fmt, 50, 80)
    np.testing.assert_allclose(boxes_to_xyxy(there, fmt, 50, 80), xyxy, atol=1e-9)


@pytest.mark.parametrize("fmt, box, expected", [
    ("pascal_voc", [10, 5, 30, 25], [50, 5, 70, 25]),
    ("coco", [10, 5, 20, 20], [50, 5, 20, 20]),
    ("yolo", [0.25, 0.3, 0.25, 0.4], [0.75, 0.3, 0.25, 0.4]),
    ("normalized_xyxy", [0.125, 0.1, 0.375, 0.5], [0.625, 0.1, 0.875, 0.5]),
])
def test_flip_in_every_format(fmt, box, expected):
    out = A.HorizontalFlip(p=1)(image=IMAGE, bboxes=[box], bbox_format=fmt)
    np.testing.assert_allclose(out["bboxes"], [expected], atol=1e-9)


def test_boxes_are_clipped_and_dropped_with_their_labels():
    boxes = [[0, 0, 20, 20], [60, 10, 79, 30], [30, 30, 40, 40]]
    labels = ["a", "b", "c"]
    aug = augkit.Compose([A.CenterCrop(40, 60)], targets={"min_visibility": 0.5})
    out = aug(image=IMAGE, bboxes=boxes, labels=labels)
    # window: x 10..70, y 5..45. Box a keeps 10x15 of 20x20 (0.375 < 0.5): dropped.
    # Box b keeps 10x19 of 19x20 (0.5 visible): kept, clipped. Box c is inside: kept.
    assert out["labels"] == ["b", "c"]
    assert out["bbox_indices"].tolist() == [1, 2]
    np.testing.assert_allclose(out["bboxes"], [[50, 5, 60, 25], [20, 25, 30, 35]])


def test_min_area_in_pixels_after_transform():
    out = A.Resize(25, 40)(image=IMAGE, bboxes=[[0, 0, 4, 4], [0, 0, 20, 20]], labels=[1, 2],
                           min_area=10)
    # the first box becomes 2x2 = 4 px < 10 and is dropped
    assert out["labels"] == [2]
    np.testing.assert_allclose(out["bboxes"], [[0, 0, 10, 10]])


def test_numpy_labels_stay_numpy():
    out = A.HorizontalFlip(p=1)(image=IMAGE, bboxes=np.array([[1, 1, 5, 5]]),
                                labels=np.array([7]))
    assert isinstance(out["labels"], np.ndarray) and out["labels"].tolist() == [7]


def test_empty_boxes_are_fine():
    out = A.Rotate(p=1)(image=IMAGE, bboxes=np.zeros((0, 4)), labels=[])
    assert out["bboxes"].shape == (0, 4) and out["labels"] == []


def test_box_errors_name_the_problem():
    with pytest.raises(ValueError, match="'labels' has 1 entries for 2 boxes"):
        A.Invert()(image=IMAGE, bboxes=[[0, 0, 1, 1], [0, 0, 2, 2]], labels=["x"])
    with pytest.raises(ValueError, match=r"row 0 .* max < min"):
        A.Invert()(image=IMAGE, bboxes=[[5, 5, 1, 1]])
    with pytest.raises(ValueError, match=r"'bboxes'.*\(N, 4\)"):
        A.Invert()(image=IMAGE, bboxes=[[1, 2, 3]])
    with pytest.raises(ValueError, match="'bbox_format'"):
        A.Invert()(image=IMAGE, bboxes=[[0, 0, 1, 1]], bbox_format="xywh")
    with pytest.raises(ValueError, match="'labels' given without 'bboxes'"):
        A.Invert()(image=IMAGE, labels=[1])


def test_keypoints_leaving_the_image_are_reported_not_renumbered():
    points = [[5, 5], [70, 40], [40, 25]]
    out = A.RandomCrop(30, 30)(image=IMAGE, keypoints=points, seed=0, return_record=True)
    params = out["record"].steps[0].params
    shifted = np.array(points, float) - [params["left"], params["top"]]
    np.testing.assert_allclose(out["keypoints"], shifted)
    inside = (shifted >= 0).all(axis=1) & (shifted < 30).all(axis=1)
    np.testing.assert_array_equal(out["keypoints_visible"], inside)
    assert len(out["keypoints"]) == 3


def test_masks_list_and_array_are_both_moved():
    masks = np.zeros((2, 50, 80), np.uint8)
    masks[0, 10:20, 5:15] = 1
    masks[1, 30:40, 60:70] = 1
    out = A.HorizontalFlip(p=1)(image=IMAGE, masks=masks)
    assert isinstance(out["masks"], np.ndarray)
    np.testing.assert_array_equal(out["masks"], masks[:, :, ::-1])
    listed = A.VerticalFlip(p=1)(image=IMAGE, masks=list(masks))["masks"]
    assert isinstance(listed, list)
    np.testing.assert_array_equal(listed[1], masks[1][::-1])


@pytest.mark.parametrize("transform", [
    A.Rotate(limit=(90, 90), p=1), A.RandomRotate90(p=1), A.Transpose(p=1),
    A.Affine(p=1), A.Zoom(scale=(1.5, 1.5), p=1), A.RandomResizedCrop(40, 40),
])
def test_mask_and_box_agree_for_a_whole_pipeline(transform):
    mask = np.zeros((50, 80), np.uint8)
    mask[12:30, 20:44] = 1
    aug = augkit.Compose([transform, A.HorizontalFlip(p=1)], seed=4)
    out = aug(image=IMAGE, mask=mask, bboxes=[[20, 12, 44, 30]])
    rows, cols = np.nonzero(out["mask"])
    drawn = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
    np.testing.assert_allclose(out["bboxes"][0], drawn, atol=1.6)


def test_rotate_90_maps_keypoints_exactly():
    img = np.zeros((40, 40), np.uint8)
    img[5, 30] = 255  # pixel centre (30.5, 5.5)
    out = A.Rotate(limit=(90, 90), interpolation="nearest", p=1)(image=img,
                                                              keypoints=[[30.5, 5.5]])
    rows, cols = np.nonzero(out["image"])
    x, y = out["keypoints"][0]
    assert (int(x), int(y)) == (cols[0], rows[0])


def test_fully_visible_boxes_survive_min_visibility_one():
    # 409 * (11 / 409) rounds to 11.000000000000002: the clipped area comes out one ulp short
    image = np.zeros((145, 409), np.uint8)
    aug = augkit.Compose([A.Resize(338, 11)], targets={"min_visibility": 1.0})
    out = aug(image=image, bboxes=[[0, 0, 409, 145]], labels=["whole image"])
    assert out["labels"] == ["whole image"]


def _mask_cases():
    from tests import cases_image  # noqa: F401  (registers the image cases)
    from tests.conformance_cases import CASES

    return {n: c for n, c in CASES.items()
            if augkit.registered()[n].modality == "image" and not c.batch_only
            and not c.needs_label}  # (those replace the whole image: masks cannot follow)


MASK_CASES = _mask_cases()
LABELS = np.zeros((40, 48), np.int32)
LABELS[8:20, 10:22], LABELS[25:35, 5:40] = 1, 3


@pytest.mark.parametrize("dtype", [bool, np.int64, np.uint32, np.uint64, np.float16])
@pytest.mark.parametrize("name", sorted(MASK_CASES))
def test_masks_of_any_numeric_dtype_move_and_keep_their_dtype(name, dtype):
    """bool / int64 / uint32 / float16 masks (OpenCV moves none of them) come back in their
    own dtype, holding what the same labels give as int32, single and batched."""
    image = np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)
    labels = LABELS > 0 if dtype is bool else LABELS
    mask = labels.astype(dtype)
    transform = MASK_CASES[name].build()
    want = transform(image=image, mask=labels.astype(np.int32), seed=2)["mask"]
    got = transform(image=image, mask=mask, seed=2)
    assert got["mask"].dtype == mask.dtype
    np.testing.assert_array_equal(got["mask"], want.astype(dtype))
    batch = transform.batch(np.stack([image, image]), mask=[mask, mask],
                            masks=[np.stack([mask, mask]), [mask]], seed=2)
    moved = [*batch["mask"], batch["masks"][0], *batch["masks"][1]]  # sizes may differ
    assert {m.dtype for m in moved} == {mask.dtype}


def test_wide_integer_masks_move_exactly():
    labels = LABELS + 1  # 0 only where the warp fills
    big = labels.astype(np.int64) << 40  # beyond int32: carried as float64, exactly
    out = A.Affine(rotate=(20, 20), p=1.0)(image=IMAGE[:40, :48], mask=big, seed=1)["mask"]
    want = A.Affine(rotate=(20, 20), p=1.0)(image=IMAGE[:40, :48], mask=labels, seed=1)["mask"]
    assert out.dtype == np.int64 and (want == 0).any()
    np.testing.assert_array_equal(out, want.astype(np.int64) << 40)


@pytest.mark.parametrize("mask, text", [
    (np.full((50, 80), 2**60, np.int64), r"integers within \+-2\*\*53"),
    (np.zeros((50, 80), np.complex64), "bool, integer or float mask"),
])
def test_masks_that_cannot_move_exactly_are_refused(mask, text):
    with pytest.raises(TypeError, match=text) as err:
        A.HorizontalFlip(p=1.0)(image=IMAGE, mask=mask)
    assert "'mask'" in str(err.value)


POINTS = np.array([[16.0, 14.0], [1.0, 1.0], [47.5, 39.5], [30.0, 2.0]])
EXTRA = np.array([[2.0, 0.5], [1.0, 90.0], [0.0, -45.0], [2.0, 7.0]])  # e.g. COCO v, a score


@pytest.mark.parametrize("name", sorted(MASK_CASES))
def test_keypoint_extra_columns_are_carried_unchanged(name):
    """(K, 2 + E) keypoints: x, y move as (K, 2) points do; the other columns come back as
    given, row for row (points are never dropped or reordered)."""
    image = np.random.default_rng(0).integers(0, 256, (40, 48, 3), dtype=np.uint8)
    transform = MASK_CASES[name].build()
    plain = transform(image=image, keypoints=POINTS, seed=4)
    rich = transform(image=image, keypoints=np.column_stack([POINTS, EXTRA]), seed=4)
    np.testing.assert_array_equal(rich["keypoints"],
                                  np.column_stack([plain["keypoints"], EXTRA]))
    np.testing.assert_array_equal(rich["keypoints_visible"], plain["keypoints_visible"])
    batch = transform.batch(np.stack([image, image]), seed=4,
                            keypoints=[np.column_stack([POINTS, EXTRA]), POINTS[:1]])
    np.testing.assert_array_equal(batch["keypoints"][0][:, 2:], EXTRA)
    assert batch["keypoints"][1].shape == (1, 2)


def test_mosaic_joins_keypoint_extras_in_tile_order_and_refuses_mixed_layouts():
    images = np.zeros((4, 24, 32, 3), np.uint8)
    points = [np.array([[10.0, 8.0, float(i)]]) for i in range(4)]  # extra: the sample id
    out = A.Mosaic(24, 32, p=1.0).batch(images, keypoints=points, label=np.eye(4),
                                        seed=0)
    for i, kp in enumerate(out["keypoints"]):
        assert kp.shape[1] == 3 and i in kp[:, 2]  # its own point, plus its partners'
    with pytest.raises(ValueError, match="different numbers of extra columns"):
        A.Mosaic(24, 32, p=1.0).batch(images, keypoints=points[:3] + [[[1.0, 2.0]]],
                                      label=np.eye(4), seed=0)


def test_keypoints_need_two_finite_coordinates():
    with pytest.raises(ValueError, match=r"'keypoints'.*\(K, 2\) finite x, y"):
        A.HorizontalFlip(p=1.0)(image=IMAGE, keypoints=[[1.0, np.nan, 3.0]])
    with pytest.raises(ValueError, match=r"'keypoints'.*\(K, 2\) finite x, y"):
        A.HorizontalFlip(p=1.0)(image=IMAGE, keypoints=[[1.0]])
    out = A.HorizontalFlip(p=1.0)(image=IMAGE, keypoints=[[1.0, 2.0, np.nan]])  # extras: any
    np.testing.assert_array_equal(out["keypoints"], [[79.0, 2.0, np.nan]])


# -- keypoint_flip_pairs: left and right keypoints trade rows under a mirror image --------
_FACE = [[10.0, 8.0, 2.0], [30.0, 8.0, 1.0], [20.0, 16.0, 2.0]]  # left eye, right eye, nose
_PAIRS = {"keypoint_flip_pairs": [(0, 1)]}


@pytest.mark.parametrize("op, mirror", [
    (A.HorizontalFlip(p=1.0), True), (A.VerticalFlip(p=1.0), True),
    (A.Transpose(p=1.0), True), (A.RandomRotate90(p=1.0), False),
    (A.Rotate(limit=40, p=1.0), False), (A.Affine(scale=(0.8, 1.2), p=1.0), False),
])
def test_mirroring_moves_swap_the_paired_rows_and_nothing_else(op, mirror):
    image = np.zeros((24, 40, 3), np.uint8)
    plain = augkit.Compose([op], seed=4)(image=image, keypoints=_FACE)
    paired = augkit.Compose([op], seed=4, targets=_PAIRS)(image=image, keypoints=_FACE,
                                                          return_record=True)
    order = [1, 0, 2] if mirror else [0, 1, 2]
    np.testing.assert_allclose(paired["keypoints"], plain["keypoints"][order])
    np.testing.assert_array_equal(paired["keypoints_visible"], plain["keypoints_visible"][order])
    # the extra column (COCO visibility) travels with its point
    assert paired["keypoints"][:, 2].tolist() == ([1.0, 2.0, 2.0] if mirror else [2.0, 1.0, 2.0])
    replayed = paired["record"].apply(image=image, keypoints=_FACE)  # the option travels
    np.testing.assert_allclose(replayed["keypoints"], paired["keypoints"])


@given(st.lists(st.sampled_from(D4_ELEMENTS), min_size=1, max_size=4))
@settings(max_examples=30, deadline=None)
def test_after_any_d4_chain_the_left_eye_is_left_of_the_right_eye_iff_it_was(elements):
    image = np.zeros((40, 40), np.uint8)
    face = np.array([[12.0, 20.0], [28.0, 20.0]])  # left eye left of the right one
    ops = [A.SquareSymmetry(elements=[e], p=1.0) for e in elements]
    pipe = augkit.Compose(ops, targets=_PAIRS, seed=0)
    out = pipe(image=image, keypoints=face, return_record=True)
    # the two eyes' moved positions, from the plain mapping, as a pair (order aside)
    assert {tuple(p) for p in out["keypoints"].round(6)} == {
        tuple(p) for p in augkit.Compose(ops, seed=0)(image=image,
                                                      keypoints=face)["keypoints"].round(6)}
    # whatever the chain, the face is either rotated or mirrored-and-relabelled: the cross
    # product of (right eye - left eye) with the eyes-to-nose direction keeps its sign
    nose = np.array([[20.0, 30.0]])
    full = pipe(image=image, keypoints=np.vstack([face, nose]), seed=0)["keypoints"]
    (lx, ly), (rx, ry), (nx, ny) = full
    assert (rx - lx) * (ny - ly) - (ry - ly) * (nx - lx) > 0


def test_batches_swap_like_single_calls():
    images = np.zeros((3, 24, 40), np.uint8)
    pipe = augkit.Compose([A.HorizontalFlip(p=0.5), A.Transpose(p=0.5)], seed=1, targets=_PAIRS)
    out = pipe.batch(images, keypoints=[_FACE] * 3, seed=7, return_records=True)
    for i, record in enumerate(out["records"]):
        np.testing.assert_allclose(record.apply(image=images[i], keypoints=_FACE)["keypoints"],
                                   out["keypoints"][i])


@pytest.mark.parametrize("pairs, said", [
    ([(0, 0)], "each row in one pair at most"), ([(0, 1), (1, 2)], "each row in one pair"),
    ([(0, -1)], "keypoint_flip_pairs"), ("01", "keypoint_flip_pairs"),
    ([(0.5, 1)], "keypoint_flip_pairs"),
])
def test_bad_flip_pairs_are_refused_with_the_value(pairs, said):
    with pytest.raises(ValueError, match=said):
        augkit.Compose([A.HorizontalFlip()], targets={"keypoint_flip_pairs": pairs})


def test_flip_pairs_naming_a_missing_row_are_refused():
    pipe = augkit.Compose([A.HorizontalFlip(p=1.0)], targets={"keypoint_flip_pairs": [(0, 5)]})
    with pytest.raises(ValueError, match="names row 5 but 'keypoints' has 3 rows"):
        pipe(image=np.zeros((8, 8), np.uint8), keypoints=_FACE)
