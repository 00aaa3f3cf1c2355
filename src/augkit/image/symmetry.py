"""Exact rearrangements of pixels: the square's 8 symmetries and grid shuffles.

Both only move pixels, so masks, boxes and keypoints follow exactly (no interpolation).
"""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_number, fail
from augkit.image.base import GeometricTransform
from augkit.image.functional import symmetry as K


class SquareSymmetry(GeometricTransform):
    """One of the 8 symmetries of a square (the dihedral group D4), drawn uniformly:
    identity, quarter turns by 90, 180 and 270 degrees (counter-clockwise as displayed),
    and mirrors left-right, top-bottom, along the main diagonal (transpose) and along the
    anti-diagonal. Albumentations' ``SquareSymmetry`` (``D4`` in 1.x). Rectangular images
    are taken too: the four elements that swap the axes give a W x H image.

    ``elements`` restricts the draw to a subset of
    ``("e", "r90", "r180", "r270", "hflip", "vflip", "transpose", "transverse")``.

    >>> import numpy as np
    >>> img = np.array([[1, 2], [3, 4]], np.uint8)
    >>> SquareSymmetry(elements=["transverse"], p=1.0)(image=img)["image"].tolist()
    [[4, 2], [3, 1]]
    """

    def __init__(self, elements: list[str] | tuple[str, ...] = K.D4_ELEMENTS,
                 p: float = 1.0):
        super().__init__(p=p)
        if isinstance(elements, str) or not isinstance(elements, (list, tuple)) or not (
                elements) or any(e not in K.D4_ELEMENTS for e in elements) or len(
                set(elements)) != len(elements):
            fail(self, "elements", elements, f"expected a non-empty list of distinct names "
                 f"from {list(K.D4_ELEMENTS)}")
        self.elements = tuple(elements)

    def sample(self, rng, state):
        return {"element": self.elements[int(rng.integers(0, len(self.elements)))]}

    def apply_image(self, image, params):
        return K.d4(image, params["element"])

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return K.d4_points(xy, params["element"], *in_hw)


class RandomGridShuffle(GeometricTransform):
    """Cut the image into a ``grid`` of (rows, cols) tiles and permute them at random
    (Albumentations' ``RandomGridShuffle``). Tile edges split each side as evenly as
    integers allow; tiles swap only with tiles of the same shape, so when a side does not
    divide evenly the larger and smaller tiles shuffle among themselves. Masks and
    keypoints move with their tile; a box is cut along the tile edges and becomes the hull
    of its moved pieces.

    >>> import numpy as np
    >>> img = np.arange(4, dtype=np.uint8).reshape(1, 4)
    >>> out = RandomGridShuffle(grid=(1, 4), p=1.0)(image=img, seed=0)["image"]
    >>> sorted(out.ravel().tolist())
    [0, 1, 2, 3]
    """

    def __init__(self, grid: tuple[int, int] = (3, 3), p: float = 0.5):
        super().__init__(p=p)
        if not isinstance(grid, (list, tuple)) or len(grid) != 2:
            fail(self, "grid", grid, "expected (rows, cols), two integers in [1, 256]",
                 TypeError if not isinstance(grid, (list, tuple)) else ValueError)
        rows, cols = (check_number(self, "grid", v, 1, 256, integer=True) for v in grid)
        if rows * cols < 2:
            fail(self, "grid", grid, "expected at least two tiles to shuffle")
        self.grid = (rows, cols)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        rows, cols = self.grid
        if h < rows or w < cols:
            raise ValueError(f"RandomGridShuffle: a grid of {rows} x {cols} tiles needs an "
                             f"image of at least that many pixels; got {h} x {w}")
        order = np.arange(rows * cols)
        for group in K.tile_groups(h, w, rows, cols):  # permute within each tile shape
            order[group] = group[rng.permutation(len(group))]
        return {"order": order.tolist()}

    def apply_image(self, image, params):
        return K.shuffle_tiles(image, *self.grid, params["order"])

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return K.shuffle_points(xy, *in_hw, *self.grid, params["order"])

    def move_targets(self, state, params, in_hw, out_hw):
        boxes = state.get("bboxes")
        if boxes is None or not len(boxes.xyxy):
            return super().move_targets(state, params, in_hw, out_hw)
        out = super().move_targets({k: v for k, v in state.items() if k != "bboxes"},
                                   params, in_hw, out_hw)
        hulls = K.shuffle_box_hulls(boxes.xyxy, *in_hw, *self.grid, params["order"])
        out["bboxes"] = boxes.moved(hulls, *out_hw)
        return out
