"""Occlusion transforms: Cutout (several holes) and RandomErasing (one rectangle).

Masks are left alone unless ``mask_fill`` is set, in which case the holes are cut from them
too (useful when erased pixels should count as background).
"""

from __future__ import annotations

import math

from augkit.core.magnitude import Magnitude
from augkit.core.validate import check_range
from augkit.image._args import MASK_FILL_MAX, check_fill, fill_for
from augkit.image.base import ImageTransform
from augkit.image.functional.occlusion import erase_rectangles


class _EraseBase(ImageTransform, register=False):
    fill: float
    mask_fill: float | None

    def _check_fills(self, fill, mask_fill) -> None:
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = None if mask_fill is None else check_fill(self, "mask_fill",
                                                                   mask_fill, MASK_FILL_MAX)

    def apply(self, state, params):
        out = super().apply(state, params)
        if self.mask_fill is not None:
            rects = params["rectangles"]
            if "mask" in state:
                out["mask"] = erase_rectangles(state["mask"], rects, fill_for(
                    self, "mask_fill", self.mask_fill, state["mask"]))
            if "masks" in state:
                out["masks"] = [erase_rectangles(m, rects, fill_for(
                    self, "mask_fill", self.mask_fill, m)) for m in state["masks"]]
        return out

    def apply_image(self, image, params):
        return erase_rectangles(image, params["rectangles"],
                                fill_for(self, "fill", self.fill, image))


class Cutout(_EraseBase):
    """Fill ``num_holes`` rectangles whose sides are fractions (``hole_height``,
    ``hole_width``) of the image sides, at random positions (holes may overlap edges)."""

    def __init__(self, num_holes: int | tuple[int, int] = (1, 3),
                 hole_height: float | tuple[float, float] = (0.1, 0.25),
                 hole_width: float | tuple[float, float] = (0.1, 0.25), fill: float = 0,
                 mask_fill: float | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.num_holes = check_range(self, "num_holes", num_holes, 0, 10_000, integer=True)
        self.hole_height = check_range(self, "hole_height", hole_height, 0, 1)
        self.hole_width = check_range(self, "hole_width", hole_width, 0, 1)
        self._check_fills(fill, mask_fill)

    magnitude = Magnitude(lambda v: {"num_holes": 1, "hole_height": (v, v),
                                     "hole_width": (v, v)}, span=0.5,
                          unit="hole side (fraction of the image side)")

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        rects = []
        for _ in range(int(rng.integers(self.num_holes[0], self.num_holes[1] + 1))):
            hh = max(1, int(round(rng.uniform(*self.hole_height) * h)))
            hw = max(1, int(round(rng.uniform(*self.hole_width) * w)))
            cy, cx = int(rng.integers(0, h)), int(rng.integers(0, w))
            rects.append([max(0, cy - hh // 2), max(0, cx - hw // 2),
                          min(h, cy - hh // 2 + hh), min(w, cx - hw // 2 + hw)])
        return {"rectangles": rects}


class RandomErasing(_EraseBase):
    """Erase one rectangle covering a fraction ``scale`` of the image with aspect ``ratio``
    (Zhong et al. 2017); up to 10 tries, else nothing is erased."""

    def __init__(self, scale: tuple[float, float] = (0.02, 0.33),
                 ratio: tuple[float, float] = (0.3, 3.3), fill: float = 0,
                 mask_fill: float | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_range(self, "scale", scale, 0, 1)
        self.ratio = check_range(self, "ratio", ratio, 1e-3, 1e3)
        self._check_fills(fill, mask_fill)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            area = h * w * rng.uniform(*self.scale)
            aspect = math.exp(rng.uniform(*log_ratio))
            eh, ew = int(round(math.sqrt(area * aspect))), int(round(math.sqrt(area / aspect)))
            if 0 < eh < h and 0 < ew < w:
                top, left = int(rng.integers(0, h - eh + 1)), int(rng.integers(0, w - ew + 1))
                return {"rectangles": [[top, left, top + eh, left + ew]]}
        return {"rectangles": []}
