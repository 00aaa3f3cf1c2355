"""Box, median and motion blur (pixels only; any channel count, uint8 or float32)."""

from __future__ import annotations

from augkit.core.validate import check_range
from augkit.image._args import check_odd_range, sample_odd
from augkit.image.base import ImageTransform
from augkit.image.functional import blur as K


class _KernelSizeBlur(ImageTransform, register=False):
    """Filters that differ only in their kernel: an odd size drawn from ``blur_limit``."""

    guard_nonfinite = True  # a kernel window mixes neighbours

    def __init__(self, blur_limit: int | tuple[int, int] = (3, 7), p: float = 0.5):
        super().__init__(p=p)
        self.blur_limit = check_odd_range(self, "blur_limit", blur_limit)

    def sample(self, rng, state):
        return {"ksize": sample_odd(rng, *self.blur_limit)}


class Blur(_KernelSizeBlur):
    """Box (mean) blur with an odd kernel size drawn from ``blur_limit``.

    >>> import numpy as np
    >>> img = np.zeros((5, 5), np.uint8); img[2, 2] = 90
    >>> int(Blur(blur_limit=3, p=1.0)(image=img)["image"][2, 2])
    10
    """

    def apply_image(self, image, params):
        return K.box_blur(image, params["ksize"])


class MedianBlur(_KernelSizeBlur):
    """Median filter with an odd kernel size drawn from ``blur_limit``; removes speckle and
    salt-and-pepper noise while keeping edges.

    >>> import numpy as np
    >>> img = np.full((5, 5), 40, np.uint8); img[2, 2] = 255
    >>> int(MedianBlur(blur_limit=3, p=1.0)(image=img)["image"][2, 2])
    40
    """

    def apply_image(self, image, params):
        return K.median_blur(image, params["ksize"])


class MotionBlur(ImageTransform):
    """Blur along a line, as from camera or subject motion: odd length drawn from
    ``blur_limit`` (pixels), angle from ``angle_range`` (degrees, counter-clockwise), and
    ``direction`` in [-1, 1] (0: symmetric smear, +-1: weight on one end).

    >>> import numpy as np
    >>> img = np.zeros((9, 9), np.float32); img[4, 4] = 1.0
    >>> t = MotionBlur(blur_limit=5, angle_range=(0, 0), direction_range=(0, 0), p=1.0)
    >>> out = t(image=img)["image"]
    >>> bool(out[4].sum() > 0.99 and out[3].sum() == 0)  # smeared along the row only
    True
    """

    guard_nonfinite = True  # a kernel window mixes neighbours

    def __init__(self, blur_limit: int | tuple[int, int] = (3, 9),
                 angle_range: tuple[float, float] = (0.0, 360.0),
                 direction_range: tuple[float, float] = (-0.5, 0.5), p: float = 0.5):
        super().__init__(p=p)
        self.blur_limit = check_odd_range(self, "blur_limit", blur_limit)
        self.angle_range = check_range(self, "angle_range", angle_range, -360, 360)
        self.direction_range = check_range(self, "direction_range", direction_range, -1, 1)

    def sample(self, rng, state):
        return {"ksize": sample_odd(rng, *self.blur_limit),
                "angle": float(rng.uniform(*self.angle_range)),
                "direction": float(rng.uniform(*self.direction_range))}

    def apply_image(self, image, params):
        return K.motion_blur(image, params["ksize"], params["angle"], params["direction"])
