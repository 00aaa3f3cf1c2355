"""Aspect-preserving resizing and a crop that keeps every box.

Masks resize with nearest neighbour; boxes and keypoints scale with the same factors as the
pixels (continuous frame, so a box still covers exactly its mask region).
"""

from __future__ import annotations

import math

import numpy as np

from augkit.core.validate import check_choice, check_number, fail
from augkit.image._args import check_image_bytes
from augkit.image.base import GeometricTransform
from augkit.image.functional import geometric as G
from augkit.image.geometric import _CropResizeBase, _hw
from augkit.image.targets import box_areas


def aspect_size(height: int, width: int, side: int, longest: bool) -> tuple[int, int]:
    """Output (height, width) whose longest (or smallest) side is ``side``, aspect kept."""
    ref = max(height, width) if longest else min(height, width)
    scale = side / ref
    return max(1, int(round(height * scale))), max(1, int(round(width * scale)))


class _MaxSize(GeometricTransform, register=False):
    guard_nonfinite = True  # interpolation mixes neighbours
    guard_output = True
    longest: bool

    def __init__(self, max_size: int | list[int] = 1024, interpolation: str = "linear",
                 p: float = 1.0):
        super().__init__(p=p)
        sizes = list(max_size) if isinstance(max_size, (list, tuple)) else [max_size]
        if not sizes:
            fail(self, "max_size", max_size, "expected an int or a non-empty list of ints")
        for v in sizes:
            check_number(self, "max_size", v, 1, 1 << 16, integer=True)
        self.max_size = max_size if isinstance(max_size, int) else [int(v) for v in sizes]
        self._sizes = [int(v) for v in sizes]
        self.interpolation = check_choice(self, "interpolation", interpolation, G.INTERPOLATIONS)

    def sample(self, rng, state):
        pick = 0 if len(self._sizes) == 1 else int(rng.integers(0, len(self._sizes)))
        return {"size": self._sizes[pick]}

    def _out(self, params, in_hw):
        return aspect_size(*in_hw, params["size"], self.longest)

    def apply_image(self, image, params):
        height, width = self._out(params, image.shape[:2])
        check_image_bytes(self, height, width, image)
        return G.resize(image, height, width, self.interpolation)

    def apply_mask(self, mask, params):
        height, width = self._out(params, mask.shape[:2])
        check_image_bytes(self, height, width, mask)
        return G.resize(mask, height, width, "nearest")

    def apply_points(self, xy, params, in_hw):
        h, w = self._out(params, in_hw)
        return xy * np.array([w / in_hw[1], h / in_hw[0]])


class LongestMaxSize(_MaxSize):
    """Resize so the longest side is ``max_size`` (one size, or a list to pick from at
    random), keeping the aspect ratio (sides rounded to whole pixels).

    >>> import numpy as np
    >>> LongestMaxSize(64)(image=np.zeros((100, 200, 3), np.uint8))["image"].shape
    (32, 64, 3)
    """

    longest = True


class SmallestMaxSize(_MaxSize):
    """Resize so the smallest side is ``max_size`` (one size, or a list to pick from at
    random), keeping the aspect ratio.

    >>> import numpy as np
    >>> SmallestMaxSize(64)(image=np.zeros((100, 200, 3), np.uint8))["image"].shape
    (64, 128, 3)
    """

    longest = False


class RandomSizedBBoxSafeCrop(_CropResizeBase):
    """Crop a random window that contains every box, then resize it to ``height`` x ``width``.

    Each side of the window is drawn between the image edge and the union of the boxes (boxes
    already outside the image are ignored). Without boxes the window keeps at least
    ``1 - erosion_rate`` of each side.

    >>> import numpy as np
    >>> out = RandomSizedBBoxSafeCrop(16, 16)(image=np.zeros((40, 60, 3), np.uint8),
    ...                                       bboxes=[[10, 10, 30, 20]], seed=0)
    >>> out["image"].shape, len(out["bboxes"])
    ((16, 16, 3), 1)
    """

    def __init__(self, height: int, width: int, erosion_rate: float = 0.0,
                 interpolation: str = "linear", p: float = 1.0):
        super().__init__(p=p)
        self.height = check_number(self, "height", height, 1, 1 << 20, integer=True)
        self.width = check_number(self, "width", width, 1, 1 << 20, integer=True)
        self.erosion_rate = check_number(self, "erosion_rate", erosion_rate, 0, 1)
        self.interpolation = check_choice(self, "interpolation", interpolation, G.INTERPOLATIONS)

    def sample(self, rng, state):
        h, w = _hw(state)
        boxes = state.get("bboxes")
        xyxy = np.empty((0, 4)) if boxes is None else boxes.xyxy[box_areas(boxes.xyxy) > 0]
        if len(xyxy):
            x0, y0 = math.floor(xyxy[:, 0].min()), math.floor(xyxy[:, 1].min())
            x1, y1 = math.ceil(xyxy[:, 2].max()), math.ceil(xyxy[:, 3].max())
        else:  # the smallest window the erosion allows, placed at random
            ch = max(1, int(round(h * (1 - self.erosion_rate))))
            cw = max(1, int(round(w * (1 - self.erosion_rate))))
            y0, x0 = int(rng.integers(0, h - ch + 1)), int(rng.integers(0, w - cw + 1))
            y1, x1 = y0 + ch, x0 + cw
        top, left = int(rng.integers(0, y0 + 1)), int(rng.integers(0, x0 + 1))
        bottom, right = int(rng.integers(y1, h + 1)), int(rng.integers(x1, w + 1))
        return {"top": top, "left": left, "height": bottom - top, "width": right - left}

