"""Tone and colour-cast transforms: ToSepia, FancyPCA, PlanckianJitter, RandomToneCurve,
Vignetting, ExposureMatching. Pixels only: masks, boxes and keypoints are untouched."""

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
