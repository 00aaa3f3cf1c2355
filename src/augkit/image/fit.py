"""Rotations and scalings that keep the whole image: SafeRotate (the rotated image shrunk
to fit the frame) and RandomScale (the canvas follows the scale).

Both are affine maps in the continuous pixel frame, so masks, boxes and keypoints move as
the pixels do (see :mod:`augkit.image.geometric`).
"""

from __future__ import annotations

import math

import numpy as np

from augkit.core.validate import check_range
from augkit.image._args import check_image_bytes
from augkit.image.functional import geometric as G
from augkit.image.geometric import _AffineBase


class SafeRotate(_AffineBase):
    """Rotate by an angle drawn from ``limit`` (degrees, counter-clockwise as displayed; a
    scalar v is (-v, v)) and shrink so that the whole rotated image fits the original
    frame: no corner is cut off, the uncovered margin is filled per ``border_mode``.

    >>> import numpy as np
    >>> img = np.full((10, 20), 100, np.uint8)
    >>> SafeRotate(limit=(90, 90), p=1.0)(image=img)["image"][0].tolist()  # 5 wide, upright
    [0, 0, 0, 0, 0, 0, 0, 50, 100, 100, 100, 100, 50, 0, 0, 0, 0, 0, 0, 0]
    """

    def __init__(self, limit: float | tuple[float, float] = 90.0, interpolation: str = "linear",
                 border_mode: str = "constant", fill: float = 0, mask_fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.limit = check_range(self, "limit", limit, -360, 360, symmetric=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        return {"angle": float(rng.uniform(*self.limit))}

    def matrix(self, params, in_hw):
        h, w = in_hw
        a = math.radians(params["angle"])
        c, s = abs(math.cos(a)), abs(math.sin(a))
        # the rotated image's bounding box, shrunk into the frame
        scale = min(w / (w * c + h * s), h / (w * s + h * c))
        return G.affine_matrix(h, w, angle=params["angle"], scale=scale)


class RandomScale(_AffineBase):
    """Resize by ``1 + s``, s drawn from ``scale_limit`` (a scalar v is (-v, v)): the
    output size follows (sides rounded, at least 1 pixel), and every target scales with it.

    >>> import numpy as np
    >>> RandomScale(scale_limit=(0.5, 0.5), p=1.0)(image=np.zeros((10, 20), np.uint8))[
    ...     "image"].shape
    (15, 30)
    """

    guard_output = True  # a downscale may drop the non-finite pixel

    def __init__(self, scale_limit: float | tuple[float, float] = 0.1,
                 interpolation: str = "linear", p: float = 0.5):
        super().__init__(p=p)
        self.scale_limit = check_range(self, "scale_limit", scale_limit, -0.99, 10,
                                       symmetric=True)
        self._set_warp_args(interpolation, "constant", 0, 0)

    def sample(self, rng, state):
        return {"scale": 1.0 + float(rng.uniform(*self.scale_limit))}

    def output_hw(self, params, in_hw):
        return (max(1, round(in_hw[0] * params["scale"])),
                max(1, round(in_hw[1] * params["scale"])))

    def matrix(self, params, in_hw):
        out_h, out_w = self.output_hw(params, in_hw)
        return np.array([[out_w / in_hw[1], 0.0, 0.0], [0.0, out_h / in_hw[0], 0.0]])

    def _warp(self, array, params, interpolation, fill):
        out_h, out_w = self.output_hw(params, array.shape[:2])
        check_image_bytes(self, out_h, out_w, array)
        # a pure scale is a resize: OpenCV's resize (area averaging when shrinking works)
        return G.resize(array, out_h, out_w, interpolation)


