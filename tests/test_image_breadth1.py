"""Values and target alignment of the transforms added for AlbumentationsX parity
(symmetries, grid shuffle, crops and pads, pixel effects, tone ops)."""

from __future__ import annotations

import numpy as np
import pytest

from augkit import image as A
from augkit.image.functional import symmetry as S

RNG = np.random.default_rng(0)
IMG = RNG.integers(0, 256, (30, 44, 3), dtype=np.uint8)


def _params(out) -> dict:
    return out["record"].steps[0].params


# -- SquareSymmetry --------------------------------------------------------------------------
@pytest.mark.parametrize("element", S.D4_ELEMENTS)
def test_square_symmetry_moves_every_pixel_centre_with_its_pixel(element):
    h, w = 5, 7
    img = np.arange(h * w, dtype=np.float32).reshape(h, w)
    out = A.SquareSymmetry(elements=[element], p=1.0)(image=img)["image"]
    ys, xs = np.mgrid[0:h, 0:w]
    centres = np.column_stack([xs.ravel() + 0.5, ys.ravel() + 0.5])
    moved = S.d4_points(centres, element, h, w)
    np.testing.assert_array_equal(out[moved[:, 1].astype(int), moved[:, 0].astype(int)],
                                  img.ravel())


def test_square_symmetry_elements_are_the_eight_distinct_ones():
    img = np.arange(9, dtype=np.uint8).reshape(3, 3)
    outs = {A.SquareSymmetry(elements=[e], p=1.0)(image=img)["image"].tobytes()
            for e in S.D4_ELEMENTS}
    assert len(outs) == 8
    seen = {_params(A.SquareSymmetry(p=1.0)(image=img, seed=s, return_record=True))["element"]
            for s in range(60)}
    assert seen == set(S.D4_ELEMENTS)


def test_square_symmetry_boxes_masks_keypoints_follow():
    mask = np.zeros((30, 44), np.uint8)
    mask[4:10, 6:20] = 1
    for e in S.D4_ELEMENTS:
        out = A.SquareSymmetry(elements=[e], p=1.0)(image=IMG, mask=mask, bboxes=[[6, 4, 20, 10]],
                                                    labels=[1], keypoints=[[7.5, 5.5]])
        rows, cols = np.nonzero(out["mask"])
        np.testing.assert_array_equal(out["bboxes"], [[cols.min(), rows.min(), cols.max() + 1,
                                                       rows.max() + 1]])
        x, y = out["keypoints"][0]
        assert out["mask"][int(y), int(x)] == 1
        assert out["image"].shape[:2] == out["mask"].shape


# -- RandomGridShuffle -----------------------------------------------------------------------
def test_grid_shuffle_permutes_tiles_of_equal_shape():
    img = np.arange(7 * 10, dtype=np.float32).reshape(7, 10)  # rows 2, 2, 3; cols 5, 5
    for seed in range(5):
        out = A.RandomGridShuffle(grid=(3, 2), p=1.0)(image=img, seed=seed, return_record=True)
        order = _params(out)["order"]
        tiles = S.tile_boxes(7, 10, 3, 2)
        for dst, src in enumerate(order):
            t, lft, b, r = tiles[dst]
            st, sl, sb, sr = tiles[src]
            np.testing.assert_array_equal(out["image"][t:b, lft:r], img[st:sb, sl:sr])
        assert sorted(order[4:]) == [4, 5]  # the two taller tiles swap only with each other


def test_grid_shuffle_moves_keypoints_masks_and_boxes_with_their_tiles():
    mask = np.zeros((30, 44), np.uint8)
    mask[5:25, 9:30] = 1  # spans several tiles
    aug = A.RandomGridShuffle(grid=(3, 4), p=1.0)
    ys, xs = np.mgrid[0:30, 0:44]
    points = np.column_stack([xs.ravel() + 0.5, ys.ravel() + 0.5])
    for seed in range(4):
        out = aug(image=IMG, mask=mask, bboxes=[[9, 5, 30, 25]], labels=["a"],
                  keypoints=points, seed=seed)
        moved = out["keypoints"]
        np.testing.assert_array_equal(out["image"][moved[:, 1].astype(int),
                                                   moved[:, 0].astype(int)],
                                      IMG.reshape(-1, 3))
        rows, cols = np.nonzero(out["mask"])
        np.testing.assert_array_equal(out["bboxes"], [[cols.min(), rows.min(), cols.max() + 1,
                                                       rows.max() + 1]])
    with pytest.raises(ValueError, match="RandomGridShuffle.*at least"):
        A.RandomGridShuffle(grid=(4, 4), p=1.0)(image=np.zeros((3, 8), np.uint8))
