"""Lossy compression artefacts (JPEG or WebP round trip through OpenCV's codecs)."""

from __future__ import annotations

from augkit.core.validate import check_choice, check_range
from augkit.image.base import ImageTransform
from augkit.image.functional import compression as K


class ImageCompression(ImageTransform):
    """Encode and decode with ``compression_type`` ("jpeg" or "webp") at a quality drawn from
    ``quality_range`` (1-100, higher is better). Colour input is taken to be RGB.

    >>> import numpy as np
    >>> img = np.random.default_rng(0).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    >>> out = ImageCompression(quality_range=(10, 10), p=1.0)(image=img)["image"]
    >>> out.shape, out.dtype, bool((out != img).any())
    ((16, 16, 3), dtype('uint8'), True)
    """

    guard_nonfinite = True  # an 8-bit codec over 8x8 blocks

    def __init__(self, quality_range: int | tuple[int, int] = (50, 95),
                 compression_type: str = "jpeg", p: float = 0.5):
        super().__init__(p=p)
        self.quality_range = check_range(self, "quality_range", quality_range, 1, 100,
                                         integer=True)
        self.compression_type = check_choice(self, "compression_type", compression_type,
                                             K.CODECS)

    def sample(self, rng, state):
        return {"quality": int(rng.integers(self.quality_range[0], self.quality_range[1] + 1))}

    def apply_image(self, image, params):
        return K.compress(image, self.compression_type, params["quality"])
