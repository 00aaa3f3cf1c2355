"""Colour transforms. Masks, boxes and keypoints are never touched.

Amounts are given in fractions of the full scale (255 for uint8, 1.0 for float32), so one
config means the same thing for both dtypes.
"""

from __future__ import annotations

from augkit.core.magnitude import NO_MAGNITUDE, Magnitude
from augkit.core.random import uniform
from augkit.core.validate import check_number, check_range, fail
from augkit.image.base import ImageTransform
from augkit.image.functional import color as C
from augkit.image.functional.channels import weighted_gray


class Brightness(ImageTransform):
    """Add a value drawn from ``limit`` (fraction of full scale) to every pixel.

    >>> import numpy as np
    >>> Brightness(limit=(0.2, 0.2), p=1.0)(image=np.full((1, 2), 100, np.uint8))["image"]
    array([[151, 151]], dtype=uint8)
    """

    def __init__(self, limit: float | tuple[float, float] = 0.2, p: float = 0.5):
        super().__init__(p=p)
        self.limit = check_range(self, "limit", limit, -1, 1, symmetric=True)

    # an additive shift: RandAugment's multiplicative "Brightness" is Exposure
    magnitude = Magnitude(lambda v: {"limit": (v, v)}, span=0.4, signed=True,
                          unit="shift (fraction of full scale)")

    def sample(self, rng, state):
        low, high = self.limit  # uniform()'s formula inline: a call less per image
        return {"beta": low + (high - low) * rng.random()}

    def apply_image(self, image, params):
        return C.brightness_contrast(image, params["beta"], 1.0)


class Contrast(ImageTransform):
    """Scale the distance from the mean grey level by ``1 + x``, x drawn from ``limit``."""

    def __init__(self, limit: float | tuple[float, float] = 0.2, p: float = 0.5):
        super().__init__(p=p)
        self.limit = check_range(self, "limit", limit, -1, 10, symmetric=True)

    magnitude = Magnitude(lambda v: {"limit": (v - 1.0, v - 1.0)}, identity=1.0, span=0.9,
                          signed=True, unit="contrast factor")

    def sample(self, rng, state):
        low, high = self.limit  # uniform()'s formula inline: a call less per image
        return {"alpha": 1.0 + (low + (high - low) * rng.random())}

    def apply_image(self, image, params):
        return C.brightness_contrast(image, 0.0, params["alpha"])


class Exposure(ImageTransform):
    """Multiply every pixel by a factor drawn from ``factor`` (PIL's and torchvision's
    brightness: 0 is black, 1 the image as it is).

    >>> import numpy as np
    >>> Exposure(factor=(1.5, 1.5), p=1.0)(image=np.full((1, 2), 100, np.uint8))["image"]
    array([[150, 150]], dtype=uint8)
    """

    def __init__(self, factor: float | tuple[float, float] = (0.7, 1.3), p: float = 0.5):
        super().__init__(p=p)
        self.factor = check_range(self, "factor", factor, 0, 20)

    magnitude = Magnitude(lambda v: {"factor": (v, v)}, identity=1.0, span=0.9, signed=True,
                          unit="brightness factor")

    def sample(self, rng, state):
        return {"factor": uniform(rng, *self.factor)}

    def apply_image(self, image, params):
        return C.multiply(image, params["factor"])


class Saturation(ImageTransform):
    """Blend an RGB image with its luma by a factor drawn from ``factor``: 0 is grey, 1 the
    image as it is, above 1 more colourful (PIL's ``ImageEnhance.Color``, torchvision's
    saturation). An RGB image (3 channels); a greyscale one (2-D or 1 channel) has no colour
    and comes back unchanged, as in torchvision, so policies run on greyscale data.
    """

    def __init__(self, factor: float | tuple[float, float] = (0.7, 1.3), p: float = 0.5):
        super().__init__(p=p)
        self.factor = check_range(self, "factor", factor, 0, 20)

    magnitude = Magnitude(lambda v: {"factor": (v, v)}, identity=1.0, span=0.9, signed=True,
                          unit="saturation factor")

    def sample(self, rng, state):
        return {"factor": uniform(rng, *self.factor)}

    def apply_image(self, image, params):
        if image.ndim == 2 or image.shape[2] == 1:
            return image.copy()
        C.require_rgb(image, type(self).__name__)
        return C.saturation(image, params["factor"])


class BrightnessContrast(ImageTransform):
    """Brightness and contrast in one lookup table (see :class:`Brightness`, :class:`Contrast`)."""

    def __init__(self, brightness_limit: float | tuple[float, float] = 0.2,
                 contrast_limit: float | tuple[float, float] = 0.2, p: float = 0.5):
        super().__init__(p=p)
        self.brightness_limit = check_range(self, "brightness_limit", brightness_limit, -1, 1,
                                            symmetric=True)
        self.contrast_limit = check_range(self, "contrast_limit", contrast_limit, -1, 10,
                                          symmetric=True)

    def sample(self, rng, state):
        return {"beta": uniform(rng, *self.brightness_limit),
                "alpha": 1.0 + uniform(rng, *self.contrast_limit)}

    def apply_image(self, image, params):
        return C.brightness_contrast(image, params["beta"], params["alpha"])


class Gamma(ImageTransform):
    """Raise values in [0, 1] to a power drawn from ``gamma_limit`` (<1 brightens)."""

    def __init__(self, gamma_limit: tuple[float, float] = (0.8, 1.25), p: float = 0.5):
        super().__init__(p=p)
        self.gamma_limit = check_range(self, "gamma_limit", gamma_limit, 1e-3, 100)

    def sample(self, rng, state):
        low, high = self.gamma_limit  # uniform()'s formula inline: a call less per image
        return {"gamma": low + (high - low) * rng.random()}

    def apply_image(self, image, params):
        return C.gamma(image, params["gamma"])


class HueSaturationValue(ImageTransform):
    """Shift hue (degrees), saturation and value (fractions of full scale). RGB input only."""

    guard_nonfinite = True  # through HSV an inf channel turns the pixel's others to NaN

    def __init__(self, hue_shift_limit: float | tuple[float, float] = 20.0,
                 sat_shift_limit: float | tuple[float, float] = 0.12,
                 val_shift_limit: float | tuple[float, float] = 0.08, p: float = 0.5):
        super().__init__(p=p)
        self.hue_shift_limit = check_range(self, "hue_shift_limit", hue_shift_limit, -180, 180,
                                           symmetric=True)
        self.sat_shift_limit = check_range(self, "sat_shift_limit", sat_shift_limit, -1, 1,
                                           symmetric=True)
        self.val_shift_limit = check_range(self, "val_shift_limit", val_shift_limit, -1, 1,
                                           symmetric=True)

    def sample(self, rng, state):
        C.require_colour(state["image"], type(self).__name__)
        return {"hue_shift": uniform(rng, *self.hue_shift_limit),
                "sat_shift": uniform(rng, *self.sat_shift_limit),
                "val_shift": uniform(rng, *self.val_shift_limit)}

    def apply_image(self, image, params):
        C.require_rgb(image, type(self).__name__)
        return C.hue_saturation_value(image, params["hue_shift"], params["sat_shift"],
                                      params["val_shift"])


class ColorJitter(ImageTransform):
    """Brightness, contrast, saturation and hue changes in a random order (torchvision
    semantics): factors drawn from [max(0, 1 - x), 1 + x]; hue shift in [-hue, hue] turns.
    Saturation and hue need RGB input; set them to 0 for other channel counts.
    """

    guard_nonfinite = True  # saturation blends with grey: inf - inf is NaN

    _OPS = ("brightness", "contrast", "saturation", "hue")
    _IDENTITY = {"brightness": 1.0, "contrast": 1.0, "saturation": 1.0, "hue": 0.0}

    def __init__(self, brightness: float = 0.2, contrast: float = 0.2, saturation: float = 0.2,
                 hue: float = 0.05, p: float = 0.5):
        super().__init__(p=p)
        self.brightness = check_number(self, "brightness", brightness, 0, 10)
        self.contrast = check_number(self, "contrast", contrast, 0, 10)
        self.saturation = check_number(self, "saturation", saturation, 0, 10)
        self.hue = check_number(self, "hue", hue, 0, 0.5)

    def sample(self, rng, state):
        if self.saturation or self.hue:
            C.require_colour(state["image"], type(self).__name__)
        def factor(x):
            return uniform(rng, max(0.0, 1 - x), 1 + x)
        return {"order": [self._OPS[i] for i in rng.permutation(4)],
                "brightness": factor(self.brightness), "contrast": factor(self.contrast),
                "saturation": factor(self.saturation),
                "hue": uniform(rng, -self.hue, self.hue)}

    def apply_image(self, image, params):
        if image.dtype.char == "B" and image.ndim == 3 and image.shape[2] == 3:
            steps = [(op, params[op] * (360.0 if op == "hue" else 1.0))
                     for op in params["order"] if params[op] != self._IDENTITY[op]]
            return C.jitter_u8(image, steps)  # every step into one output array
        out = image
        for op in params["order"]:
            value = params[op]
            if op == "brightness" and value != 1.0:
                out = C.multiply(out, value)
            elif op == "contrast" and value != 1.0:
                out = C.brightness_contrast(out, 0.0, value)
            elif op == "saturation" and value != 1.0:
                out = C.saturation(out, value)
            elif op == "hue" and value != 0.0:
                out = C.hue_saturation_value(out, value * 360.0, 0.0, 0.0)
        return out if out is not image else image.copy()


class Grayscale(ImageTransform):
    """Replace colour by luminance, keeping the channel count (1-channel input is unchanged).

    ``weights`` (one non-negative number per channel, normalised to sum to 1) sets how the
    channels mix; ``None`` uses ITU-R 601 luma for RGB and the plain mean otherwise.

    >>> import numpy as np
    >>> img = np.array([[[200, 100, 0]]], np.uint8)
    >>> Grayscale(weights=(1, 1, 0), p=1.0)(image=img)["image"].tolist()
    [[[150, 150, 150]]]
    """

    def __init__(self, weights: tuple[float, ...] | None = None, p: float = 0.5):
        super().__init__(p=p)
        if weights is not None:
            if not isinstance(weights, (list, tuple)) or not weights:
                fail(self, "weights", weights, "expected None or one number per channel",
                     TypeError)
            weights = tuple(check_number(self, "weights", w, 0, 1e6) for w in weights)
            if sum(weights) <= 0:
                fail(self, "weights", weights, "expected at least one positive weight")
        self.weights = weights

    def apply_image(self, image, params):
        if self.weights is None or image.ndim == 2 or image.shape[2] == 1:
            return C.to_gray_rgb(image)
        if len(self.weights) != image.shape[2]:
            raise ValueError(f"Grayscale: 'weights' has {len(self.weights)} values for an image "
                             f"with {image.shape[2]} channels; give one per channel")
        return weighted_gray(image, list(self.weights))


class Invert(ImageTransform):
    """Full scale minus the pixel value."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    magnitude = NO_MAGNITUDE

    def apply_image(self, image, params):
        return C.invert(image)


class Solarize(ImageTransform):
    """Invert pixels at or above a threshold drawn from ``threshold`` (fraction of full scale)."""

    def __init__(self, threshold: float | tuple[float, float] = (0.5, 1.0), p: float = 0.5):
        super().__init__(p=p)
        self.threshold = check_range(self, "threshold", threshold, 0, 1)

    magnitude = Magnitude(lambda v: {"threshold": (v, v)}, identity=1.0, span=-1.0,
                          unit="threshold (fraction of full scale)")

    def sample(self, rng, state):
        low, high = self.threshold  # uniform()'s formula inline: a call less per image
        return {"threshold": low + (high - low) * rng.random()}

    def apply_image(self, image, params):
        return C.solarize(image, params["threshold"])


class Posterize(ImageTransform):
    """Keep a number of most significant bits (drawn from ``bits``) of each 8-bit level."""

    guard_nonfinite = True  # float32 goes through 8-bit levels (NaN would become 0)

    def __init__(self, bits: int | tuple[int, int] = (4, 8), p: float = 0.5):
        super().__init__(p=p)
        self.bits = check_range(self, "bits", bits, 1, 8, integer=True)

    magnitude = Magnitude(lambda v: {"bits": (int(v), int(v))}, identity=8, span=-4,
                          integer=True, unit="bits kept")

    def sample(self, rng, state):
        return {"bits": int(rng.integers(self.bits[0], self.bits[1] + 1))}

    def apply_image(self, image, params):
        return C.posterize(image, params["bits"])


class Equalize(ImageTransform):
    """Histogram equalisation, per channel."""

    guard_nonfinite = True  # float32 goes through 8-bit levels and a histogram

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    magnitude = NO_MAGNITUDE

    def apply_image(self, image, params):
        return C.equalize(image)


class AutoContrast(ImageTransform):
    """Stretch each channel to the full range."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    magnitude = NO_MAGNITUDE

    def apply_image(self, image, params):
        return C.autocontrast(image)


class Sharpness(ImageTransform):
    """Sharpen (factor > 1) or soften (factor < 1); factor drawn from ``factor``."""

    guard_nonfinite = True  # a 3x3 smoothing mixes neighbours

    def __init__(self, factor: float | tuple[float, float] = (0.5, 2.0), p: float = 0.5):
        super().__init__(p=p)
        self.factor = check_range(self, "factor", factor, 0, 20)

    magnitude = Magnitude(lambda v: {"factor": (v, v)}, identity=1.0, span=0.9, signed=True,
                          unit="sharpness factor")

    def sample(self, rng, state):
        return {"factor": uniform(rng, *self.factor)}

    def apply_image(self, image, params):
        return C.sharpness(image, params["factor"])
