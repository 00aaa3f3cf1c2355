"""Tone and colour-cast transforms: ToSepia, FancyPCA, PlanckianJitter, RandomToneCurve,
Vignetting, ExposureMatching, PhotoMetricDistort. Pixels only: masks, boxes and keypoints
are untouched."""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_number, check_range
from augkit.image._args import check_bool
from augkit.image.base import ImageTransform
from augkit.image.functional import color as C
from augkit.image.functional import tone as K


class ToSepia(ImageTransform):
    """Sepia toning of an RGB image (RGBA: alpha kept); ``p`` is the only argument.

    >>> import numpy as np
    >>> ToSepia(p=1.0)(image=np.full((1, 1, 3), 100, np.uint8))["image"].tolist()
    [[[135, 120, 94]]]
    """

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def sample(self, rng, state):
        C.require_colour(state["image"], type(self).__name__)
        return {}

    def apply_image(self, image, params):
        C.require_rgb(image, type(self).__name__)
        return K.sepia(image)


class FancyPCA(ImageTransform):
    """AlexNet's PCA lighting noise: along each principal component of the image's channel
    covariance, add that component times its eigenvalue times a weight drawn from
    N(0, ``alpha``). Any channel count (grey: a brightness shift by the image's variance).

    >>> import numpy as np
    >>> img = np.random.default_rng(0).integers(0, 256, (8, 8, 3), np.uint8)
    >>> out = FancyPCA(alpha=0.5, p=1.0)(image=img, seed=1)["image"]
    >>> out.shape, bool((out != img).any())
    ((8, 8, 3), True)
    """

    guard_nonfinite = True  # the covariance is over every pixel

    def __init__(self, alpha: float = 0.1, p: float = 0.5):
        super().__init__(p=p)
        self.alpha = check_number(self, "alpha", alpha, 0, 10)

    def sample(self, rng, state):
        count = self.colour_channels(state["image"])
        return {"alphas": [float(a) for a in rng.normal(0.0, self.alpha, count)]}

    def apply_image(self, image, params):
        return K.pca_lighting(image, params["alphas"])


class PlanckianJitter(ImageTransform):
    """White balance under black-body light of a temperature drawn from
    ``temperature_limit`` (kelvin; Zini et al. 2022): low temperatures warm the image,
    high ones cool it, about neutral at 6600 K. RGB (RGBA: alpha kept). The colour of a
    temperature comes from Helland's fit of the CIE data, relative to green.

    >>> import numpy as np
    >>> img = np.full((1, 1, 3), 200, np.uint8)
    >>> out = PlanckianJitter(temperature_limit=(3000, 3000), p=1.0)(image=img)["image"]
    >>> bool(out[0, 0, 0] > out[0, 0, 1] > out[0, 0, 2])  # warm: red up, blue down
    True
    """

    def __init__(self, temperature_limit: tuple[float, float] = (3000.0, 15000.0),
                 p: float = 0.5):
        super().__init__(p=p)
        self.temperature_limit = check_range(self, "temperature_limit", temperature_limit,
                                             1000, 40000)

    def sample(self, rng, state):
        C.require_colour(state["image"], type(self).__name__)
        return {"kelvin": float(rng.uniform(*self.temperature_limit))}

    def apply_image(self, image, params):
        C.require_rgb(image, type(self).__name__)
        return K.white_balance(image, params["kelvin"])


class RandomToneCurve(ImageTransform):
    """A random S- or inverse-S tone curve: a cubic Bezier from black to white whose two
    control values sit at 1/3 + N(0, ``scale``) and 2/3 + N(0, ``scale``) (clipped to
    [0, 1]); ``per_channel`` draws one curve per channel.

    >>> import numpy as np
    >>> img = np.array([[0, 255]], np.uint8)
    >>> RandomToneCurve(scale=0.3, p=1.0)(image=img, seed=0)["image"].tolist()  # ends fixed
    [[0, 255]]
    """

    def __init__(self, scale: float = 0.1, per_channel: bool = False, p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_number(self, "scale", scale, 0, 1)
        self.per_channel = check_bool(self, "per_channel", per_channel)

    def sample(self, rng, state):
        count = self.colour_channels(state["image"]) if self.per_channel else 1
        lows = np.clip(1 / 3 + rng.normal(0.0, self.scale, count), 0.0, 1.0)
        highs = np.clip(2 / 3 + rng.normal(0.0, self.scale, count), 0.0, 1.0)
        return {"low": lows.tolist(), "high": highs.tolist()}

    def apply_image(self, image, params):
        return K.tone_curves(image, params["low"], params["high"])


class Vignetting(ImageTransform):
    """Darken towards the corners, as a lens does: the gain falls with the squared distance
    to a centre drawn from ``center_range`` (fractions of width and height), down to
    ``1 - intensity`` at the farthest corner (intensity drawn from ``intensity_range``).

    >>> import numpy as np
    >>> out = Vignetting(intensity_range=(0.5, 0.5), center_range=(0.5, 0.5), p=1.0)(
    ...     image=np.full((9, 9), 200, np.uint8))["image"]
    >>> int(out[4, 4]), int(out[0, 0])
    (200, 121)
    """

    def __init__(self, intensity_range: float | tuple[float, float] = (0.2, 0.5),
                 center_range: float | tuple[float, float] = (0.3, 0.7), p: float = 0.5):
        super().__init__(p=p)
        self.intensity_range = check_range(self, "intensity_range", intensity_range, 0, 1)
        self.center_range = check_range(self, "center_range", center_range, 0, 1)

    def sample(self, rng, state):
        return {"intensity": float(rng.uniform(*self.intensity_range)),
                "cx": float(rng.uniform(*self.center_range)),
                "cy": float(rng.uniform(*self.center_range))}

    def apply_image(self, image, params):
        return K.vignette(image, params["intensity"], params["cx"], params["cy"])


class ExposureMatching(ImageTransform):
    """Scale the image so that its mean level (every pixel and channel) becomes a target
    drawn from ``target_mean_range`` (fraction of full scale): dark images get a larger
    gain than bright ones. ``gain_range`` (or None) bounds the gain; saturated pixels clip,
    so the mean reached may stay below the target.

    >>> import numpy as np
    >>> out = ExposureMatching(target_mean_range=(0.5, 0.5), p=1.0)(
    ...     image=np.full((2, 2), 0.25, np.float32))["image"]
    >>> float(out.mean())
    0.5
    """

    guard_nonfinite = True  # the mean is over every pixel

    def __init__(self, target_mean_range: tuple[float, float] = (0.3, 0.5),
                 gain_range: tuple[float, float] | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.target_mean_range = check_range(self, "target_mean_range", target_mean_range, 0, 1)
        self.gain_range = None if gain_range is None else check_range(
            self, "gain_range", gain_range, 0, 1000)

    def sample(self, rng, state):
        return {"target": float(rng.uniform(*self.target_mean_range))}

    def apply_image(self, image, params):
        gain = K.exposure_gain(image, params["target"], self.gain_range)
        return C.multiply(image, gain)


class PhotoMetricDistort(ImageTransform):
    """SSD's photometric distortion (torchvision's ``RandomPhotometricDistort``): each of
    brightness (a factor from ``brightness_range``), contrast (``contrast_range``, about the
    mean grey, before or after the colour steps at random), saturation
    (``saturation_range``), hue (a shift from ``hue_range``, in turns) and a random channel
    permutation happens with probability ``distort_p``. Saturation and hue need RGB: other
    images skip them.

    >>> import numpy as np
    >>> t = PhotoMetricDistort(distort_p=1.0, brightness_range=(1.5, 1.5),
    ...                        contrast_range=(1, 1), saturation_range=(1, 1),
    ...                        hue_range=(0, 0), p=1.0)
    >>> t(image=np.full((1, 2), 100, np.uint8))["image"].tolist()
    [[150, 150]]
    """

    guard_nonfinite = True  # through HSV an inf channel turns the pixel's others to NaN

    def __init__(self, brightness_range: tuple[float, float] = (0.875, 1.125),
                 contrast_range: tuple[float, float] = (0.5, 1.5),
                 saturation_range: tuple[float, float] = (0.5, 1.5),
                 hue_range: tuple[float, float] = (-0.05, 0.05), distort_p: float = 0.5,
                 p: float = 0.5):
        super().__init__(p=p)
        self.brightness_range = check_range(self, "brightness_range", brightness_range, 0, 10)
        self.contrast_range = check_range(self, "contrast_range", contrast_range, 0, 10)
        self.saturation_range = check_range(self, "saturation_range", saturation_range, 0, 10)
        self.hue_range = check_range(self, "hue_range", hue_range, -0.5, 0.5)
        self.distort_p = check_number(self, "distort_p", distort_p, 0, 1)

    def sample(self, rng, state):
        def maybe(value_range, identity):
            on = rng.random() < self.distort_p
            return float(rng.uniform(*value_range)) if on else identity

        channels = self.colour_channels(state["image"])
        params = {"brightness": maybe(self.brightness_range, 1.0),
                  "contrast": maybe(self.contrast_range, 1.0),
                  "contrast_first": bool(rng.random() < 0.5),
                  "saturation": maybe(self.saturation_range, 1.0),
                  "hue": maybe(self.hue_range, 0.0)}
        shuffle = rng.random() < self.distort_p and channels > 1
        params["order"] = [int(i) for i in rng.permutation(channels)] if shuffle else None
        return params

    def apply_image(self, image, params):
        return K.photometric_distort(image, params["brightness"], params["contrast"],
                                     params["contrast_first"], params["saturation"],
                                     params["hue"], params["order"])
