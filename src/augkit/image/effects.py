"""Pixel effects: Downscale, UnsharpMask, Morphological, Emboss, MultiplicativeNoise,
PixelDropout, and the stripe masks of spectrograms (XYMasking, TimeMasking,
FrequencyMasking).

Masks, boxes and keypoints are untouched, except that PixelDropout and the stripe masks cut
their holes from masks too when ``mask_fill`` is set.
"""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_choice, check_number, check_range
from augkit.image._args import (
    MASK_FILL_MAX,
    SEED_MAX,
    check_bool,
    check_fill,
    check_odd_range,
    fill_for,
    sample_odd,
)
from augkit.image.base import ImageTransform
from augkit.image.functional import color as C
from augkit.image.functional import effects as K
from augkit.image.functional.geometric import INTERPOLATIONS
from augkit.image.occlusion import _EraseBase


class Downscale(ImageTransform):
    """Shrink by a factor drawn from ``scale_range`` with ``down_interpolation``, then
    resize back with ``up_interpolation``: the loss of detail of a low-resolution sensor
    (Albumentations' ``Downscale``, whose ``interpolation_pair`` these two arguments are).

    >>> import numpy as np
    >>> img = np.kron(np.eye(2, dtype=np.uint8) * 200, np.ones((2, 2), np.uint8))
    >>> Downscale(scale_range=(0.5, 0.5), p=1.0)(image=img)["image"].tolist()  # 2x2 blocks
    [[200, 200, 0, 0], [200, 200, 0, 0], [0, 0, 200, 200], [0, 0, 200, 200]]
    """

    guard_nonfinite = True  # interpolation mixes neighbours

    def __init__(self, scale_range: float | tuple[float, float] = (0.25, 0.5),
                 down_interpolation: str = "nearest", up_interpolation: str = "nearest",
                 p: float = 0.5):
        super().__init__(p=p)
        self.scale_range = check_range(self, "scale_range", scale_range, 0.01, 1.0)
        self.down_interpolation = check_choice(self, "down_interpolation", down_interpolation,
                                               INTERPOLATIONS)
        self.up_interpolation = check_choice(self, "up_interpolation", up_interpolation,
                                             INTERPOLATIONS)

    def sample(self, rng, state):
        return {"scale": float(rng.uniform(*self.scale_range))}

    def apply_image(self, image, params):
        return K.downscale(image, params["scale"], self.down_interpolation,
                           self.up_interpolation)


class UnsharpMask(ImageTransform):
    """Sharpen by adding ``alpha`` times the detail (the image minus its Gaussian blur),
    only where the detail reaches ``threshold`` (a fraction of full scale, per value, as
    Pillow gates it; Albumentations' ``threshold=10`` on uint8 is 10 / 255). The kernel size
    is an odd number drawn from ``blur_limit``, sigma from ``sigma_limit`` (0: OpenCV's
    sigma for that size).

    >>> import numpy as np
    >>> img = np.zeros((5, 9), np.uint8); img[:, 4:] = 100
    >>> out = UnsharpMask(blur_limit=3, alpha=(1.0, 1.0), threshold=0, p=1.0)(image=img)
    >>> out["image"][2].tolist()  # the bright side of the edge overshoots
    [0, 0, 0, 0, 125, 100, 100, 100, 100]
    """

    guard_nonfinite = True  # the blur mixes neighbours

    def __init__(self, blur_limit: int | tuple[int, int] = (3, 7),
                 sigma_limit: float | tuple[float, float] = 0.0,
                 alpha: float | tuple[float, float] = (0.2, 0.5), threshold: float = 0.04,
                 p: float = 0.5):
        super().__init__(p=p)
        self.blur_limit = check_odd_range(self, "blur_limit", blur_limit)
        self.sigma_limit = check_range(self, "sigma_limit", sigma_limit, 0, 100)
        self.alpha = check_range(self, "alpha", alpha, 0, 10)
        self.threshold = check_number(self, "threshold", threshold, 0, 1)

    def sample(self, rng, state):
        return {"ksize": sample_odd(rng, *self.blur_limit),
                "sigma": float(rng.uniform(*self.sigma_limit)),
                "alpha": float(rng.uniform(*self.alpha))}

    def apply_image(self, image, params):
        return K.unsharp_mask(image, params["ksize"], params["sigma"], params["alpha"],
                              self.threshold)


class Morphological(ImageTransform):
    """Grey-level morphology with an elliptic element whose size is drawn from ``scale``
    (pixels): ``"erosion"`` thins bright strokes, ``"dilation"`` thickens them,
    ``"opening"`` / ``"closing"`` remove bright / dark specks (scanned text and line art).
    Pixels only: masks stay as they are.

    >>> import numpy as np
    >>> img = np.zeros((5, 5), np.uint8); img[2, 2] = 255
    >>> out = Morphological(scale=3, operation="dilation", p=1.0)(image=img)["image"]
    >>> int((out == 255).sum())  # the 3x3 ellipse is a plus sign
    5
    """

    guard_nonfinite = True  # a minimum / maximum over a window spreads inf

    def __init__(self, scale: int | tuple[int, int] = (2, 3), operation: str = "dilation",
                 p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_range(self, "scale", scale, 1, 99, integer=True)
        self.operation = check_choice(self, "operation", operation, K.MORPH_OPS)

    def sample(self, rng, state):
        return {"ksize": int(rng.integers(self.scale[0], self.scale[1] + 1))}

    def apply_image(self, image, params):
        return K.morphology(image, self.operation, params["ksize"])


class PixelDropout(ImageTransform):
    """Set each pixel (``per_channel``: each value) to ``fill`` with probability
    ``dropout_prob`` (Albumentations' ``drop_value``). With ``mask_fill`` set, masks get
    ``mask_fill`` where any channel of the pixel was dropped.

    >>> import numpy as np
    >>> out = PixelDropout(dropout_prob=0.25, p=1.0)(image=np.ones((100, 100), np.uint8),
    ...                                              seed=0)["image"]
    >>> round(float((out == 0).mean()), 2)
    0.25
    """

    def __init__(self, dropout_prob: float = 0.01, per_channel: bool = False,
                 fill: float = 0, mask_fill: float | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.dropout_prob = check_number(self, "dropout_prob", dropout_prob, 0, 1)
        self.per_channel = check_bool(self, "per_channel", per_channel)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = None if mask_fill is None else check_fill(self, "mask_fill",
                                                                   mask_fill, MASK_FILL_MAX)

    def sample(self, rng, state):
        image = state["image"]
        channels = self.colour_channels(image) if self.per_channel and image.ndim == 3 else 0
        return {"channels": channels, "noise_seed": int(rng.integers(0, SEED_MAX))}

    def _map(self, hw, params):
        shape = tuple(hw) + ((params["channels"],) if params["channels"] else ())
        return K.dropout_map(shape, self.dropout_prob, params["noise_seed"])

    def apply_image(self, image, params):
        return K.pixel_dropout(image, self._map(image.shape[:2], params),
                               fill_for(self, "fill", self.fill, image))

    def apply(self, state, params):
        out = super().apply(state, params)
        if self.mask_fill is not None and ("mask" in state or "masks" in state):
            drop = self._map(state["image"].shape[:2], params)
            drop = drop.any(axis=2) if drop.ndim == 3 else drop

            def cut(m):
                return K.pixel_dropout(m, drop, fill_for(self, "mask_fill", self.mask_fill, m))
            if "mask" in state:
                out["mask"] = cut(state["mask"])
            if "masks" in state:
                out["masks"] = [cut(m) for m in state["masks"]]
        return out


def _stripes(rng, count_range, length_range, side: int, vertical: bool, other: int) -> list:
    rects = []
    for _ in range(int(rng.integers(count_range[0], count_range[1] + 1))):
        length = min(side, int(rng.integers(length_range[0], length_range[1] + 1)))
        start = int(rng.integers(0, side - length + 1))
        rects.append([0, start, other, start + length] if vertical
                     else [start, 0, start + length, other])
    return rects


class XYMasking(_EraseBase):
    """Fill full-height stripes (``num_masks_x`` of them, widths drawn from
    ``mask_x_length`` in pixels) and full-width stripes (``num_masks_y``, heights from
    ``mask_y_length``) with ``fill``: SpecAugment's time and frequency masks on a
    spectrogram (time along x). Stripes longer than the image are cut to its side; with
    ``mask_fill`` set, masks are cut too.

    >>> import numpy as np
    >>> out = XYMasking(num_masks_x=1, mask_x_length=2, num_masks_y=0, p=1.0)(
    ...     image=np.ones((3, 6), np.uint8), seed=0)["image"]
    >>> out.sum(axis=0).tolist().count(0)  # two whole columns
    2
    """

    def __init__(self, num_masks_x: int | tuple[int, int] = (1, 2),
                 num_masks_y: int | tuple[int, int] = (1, 2),
                 mask_x_length: int | tuple[int, int] = (1, 10),
                 mask_y_length: int | tuple[int, int] = (1, 10), fill: float = 0,
                 mask_fill: float | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.num_masks_x = check_range(self, "num_masks_x", num_masks_x, 0, 1000, integer=True)
        self.num_masks_y = check_range(self, "num_masks_y", num_masks_y, 0, 1000, integer=True)
        self.mask_x_length = check_range(self, "mask_x_length", mask_x_length, 0, 1 << 20,
                                         integer=True)
        self.mask_y_length = check_range(self, "mask_y_length", mask_y_length, 0, 1 << 20,
                                         integer=True)
        self._check_fills(fill, mask_fill)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        return {"rectangles": _stripes(rng, self.num_masks_x, self.mask_x_length, w, True, h)
                + _stripes(rng, self.num_masks_y, self.mask_y_length, h, False, w)}


class TimeMasking(_EraseBase):
    """SpecAugment's time mask: one full-height stripe whose width is drawn from
    [0, ``time_mask_param``] pixels, filled with 0 (time along x; see :class:`XYMasking`).

    >>> import numpy as np
    >>> out = TimeMasking(time_mask_param=4, p=1.0)(image=np.ones((2, 8), np.uint8), seed=1)
    >>> bool((out["image"][0] == out["image"][1]).all())
    True
    """

    def __init__(self, time_mask_param: int = 40, p: float = 0.5):
        super().__init__(p=p)
        self.time_mask_param = check_number(self, "time_mask_param", time_mask_param, 1,
                                            1 << 20, integer=True)
        self._check_fills(0, None)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        return {"rectangles": _stripes(rng, (1, 1), (0, self.time_mask_param), w, True, h)}


class FrequencyMasking(_EraseBase):
    """SpecAugment's frequency mask: one full-width stripe whose height is drawn from
    [0, ``freq_mask_param``] pixels, filled with 0 (frequency along y).

    >>> import numpy as np
    >>> out = FrequencyMasking(freq_mask_param=4, p=1.0)(image=np.ones((8, 2), np.uint8),
    ...                                                  seed=1)
    >>> bool((out["image"][:, 0] == out["image"][:, 1]).all())
    True
    """

    def __init__(self, freq_mask_param: int = 24, p: float = 0.5):
        super().__init__(p=p)
        self.freq_mask_param = check_number(self, "freq_mask_param", freq_mask_param, 1,
                                            1 << 20, integer=True)
        self._check_fills(0, None)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        return {"rectangles": _stripes(rng, (1, 1), (0, self.freq_mask_param), h, False, w)}


class MultiplicativeNoise(ImageTransform):
    """Multiply by a factor drawn from ``multiplier``: one for the image, one per channel
    (``per_channel``), or one per pixel (``elementwise``; with ``per_channel`` one per
    value), the per-pixel factors from a sampled ``noise_seed``.

    >>> import numpy as np
    >>> MultiplicativeNoise(multiplier=(0.5, 0.5), p=1.0)(
    ...     image=np.full((1, 2), 100, np.uint8))["image"].tolist()
    [[50, 50]]
    """

    def __init__(self, multiplier: float | tuple[float, float] = (0.9, 1.1),
                 per_channel: bool = False, elementwise: bool = False, p: float = 0.5):
        super().__init__(p=p)
        self.multiplier = check_range(self, "multiplier", multiplier, 0, 100)
        self.per_channel = check_bool(self, "per_channel", per_channel)
        self.elementwise = check_bool(self, "elementwise", elementwise)

    def sample(self, rng, state):
        channels = self.colour_channels(state["image"]) if self.per_channel else 1
        if self.elementwise:
            return {"channels": channels, "noise_seed": int(rng.integers(0, SEED_MAX))}
        return {"factors": [float(v) for v in rng.uniform(*self.multiplier, channels)]}

    def apply_image(self, image, params):
        if "factors" in params and image.dtype == np.uint8:  # 256-entry tables
            if len(params["factors"]) == 1 or image.ndim == 2:
                return C.multiply(image, params["factors"][0])
            return C.per_channel_point_op(image, [lambda v, f=f: v * f
                                                  for f in params["factors"]])
        if "factors" in params:  # one per channel, or one for all: (1, 1, C) or ()
            factors = np.asarray(params["factors"], np.float32)
            factors = factors.reshape(1, 1, -1) if len(factors) > 1 else factors.reshape(())
        else:  # one per pixel (H, W, 1) or per value (H, W, C)
            rng = np.random.default_rng(params["noise_seed"])
            factors = rng.uniform(*self.multiplier, image.shape[:2] + (
                params["channels"],)).astype(np.float32)
            if image.ndim == 2:
                factors = factors[:, :, 0]
        return K.multiply_noise(image, factors)


class Emboss(ImageTransform):
    """Relief from a 3x3 emboss filter (light from the top left) of strength drawn from
    ``strength_range``, blended with the image by a weight drawn from ``alpha_range``.

    >>> import numpy as np
    >>> Emboss(alpha_range=(0, 0), p=1.0)(image=np.full((3, 3), 9, np.uint8))["image"][1, 1]
    np.uint8(9)
    """

    guard_nonfinite = True  # the kernel mixes neighbours

    def __init__(self, alpha_range: tuple[float, float] = (0.2, 0.5),
                 strength_range: tuple[float, float] = (0.2, 0.7), p: float = 0.5):
        super().__init__(p=p)
        self.alpha_range = check_range(self, "alpha_range", alpha_range, 0, 1)
        self.strength_range = check_range(self, "strength_range", strength_range, 0, 10)

    def sample(self, rng, state):
        return {"alpha": float(rng.uniform(*self.alpha_range)),
                "strength": float(rng.uniform(*self.strength_range))}

    def apply_image(self, image, params):
        return K.emboss(image, params["alpha"], params["strength"])
