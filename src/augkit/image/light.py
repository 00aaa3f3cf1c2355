"""Lighting transforms: Illumination (smooth gradients and spots), PlasmaBrightnessContrast
and PlasmaShadow (fractal fields), Spatter (drops on the lens), AtmosphericFog (haze that
thickens with a synthetic depth). Pixels only: masks, boxes and keypoints are untouched."""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_choice, check_number, check_range
from augkit.image._args import SEED_MAX
from augkit.image.base import ImageTransform
from augkit.image.functional import light as K

EFFECTS = ("brighten", "darken", "both")


class Illumination(ImageTransform):
    """Uneven lighting: the image times ``1 +- intensity * pattern``, a smooth pattern in
    [0, 1] of ``mode`` "linear" (a gradient at an angle from ``angle_range``, degrees),
    "corner" (light falling off from a random corner) or "gaussian" (a spot centred in
    ``center_range`` with width ``sigma_range``, fractions of the sides). ``effect_type``
    "brighten" adds light, "darken" takes it away, "both" picks one per image; intensity
    is drawn from ``intensity_range``.

    >>> import numpy as np
    >>> t = Illumination(mode="linear", angle_range=(0, 0), intensity_range=(0.5, 0.5),
    ...                  effect_type="darken", p=1.0)
    >>> t(image=np.full((1, 5), 200, np.uint8))["image"].tolist()  # darker to the right
    [[200, 175, 150, 125, 100]]
    """

    def __init__(self, mode: str = "linear", intensity_range: tuple[float, float] = (0.01, 0.2),
                 effect_type: str = "both", angle_range: tuple[float, float] = (0.0, 360.0),
                 center_range: tuple[float, float] = (0.1, 0.9),
                 sigma_range: tuple[float, float] = (0.2, 1.0), p: float = 0.5):
        super().__init__(p=p)
        self.mode = check_choice(self, "mode", mode, K.ILLUMINATION_MODES)
        self.intensity_range = check_range(self, "intensity_range", intensity_range, 0, 1)
        self.effect_type = check_choice(self, "effect_type", effect_type, EFFECTS)
        self.angle_range = check_range(self, "angle_range", angle_range, -360, 360)
        self.center_range = check_range(self, "center_range", center_range, 0, 1)
        self.sigma_range = check_range(self, "sigma_range", sigma_range, 0.01, 10)

    def sample(self, rng, state):
        effect = self.effect_type if self.effect_type != "both" else EFFECTS[
            int(rng.integers(0, 2))]
        return {"intensity": float(rng.uniform(*self.intensity_range)),
                "sign": 1.0 if effect == "brighten" else -1.0,
                "angle": float(rng.uniform(*self.angle_range)),
                "corner": int(rng.integers(0, 4)),
                "cx": float(rng.uniform(*self.center_range)),
                "cy": float(rng.uniform(*self.center_range)),
                "sigma": float(rng.uniform(*self.sigma_range))}

    def apply_image(self, image, params):
        h, w = image.shape[:2]
        pattern = K.illumination_pattern(h, w, self.mode, params["angle"], params["corner"],
                                         params["cx"], params["cy"], params["sigma"])
        return K.scale_by(image, 1.0 + params["sign"] * params["intensity"] * pattern)


class _Plasma(ImageTransform, register=False):
    roughness: float
    plasma_size: int

    def _check_field_args(self, plasma_size, roughness) -> None:
        self.plasma_size = check_number(self, "plasma_size", plasma_size, 2, 4096,
                                        integer=True)
        self.roughness = check_number(self, "roughness", roughness, 0.1, 10)

    def _field(self, image, params):
        h, w = image.shape[:2]
        return K.plasma(h, w, self.roughness, self.plasma_size, params["noise_seed"])


class PlasmaBrightnessContrast(_Plasma):
    """Brightness and contrast that vary smoothly over the image: a fractal field P in
    [0, 1] (spectrum falling as 1 / f**``roughness``, drawn on a grid of at most
    ``plasma_size`` pixels and enlarged) scales contrast about the image mean by
    ``1 + c * P`` and adds ``b * P``; b and c are drawn from ``brightness_range`` and
    ``contrast_range`` (fractions of full scale).

    >>> import numpy as np
    >>> t = PlasmaBrightnessContrast(brightness_range=(0.2, 0.2), contrast_range=(0, 0),
    ...                              p=1.0)
    >>> out = t(image=np.full((32, 32), 100, np.uint8), seed=0)["image"]
    >>> int(out.min()) >= 100 and int(out.max()) == 151  # +0.2 of full scale at the peak
    True
    """

    guard_nonfinite = True  # the mean is over every pixel

    def __init__(self, brightness_range: tuple[float, float] = (-0.3, 0.3),
                 contrast_range: tuple[float, float] = (-0.3, 0.3), plasma_size: int = 256,
                 roughness: float = 3.0, p: float = 0.5):
        super().__init__(p=p)
        self.brightness_range = check_range(self, "brightness_range", brightness_range, -1, 1)
        self.contrast_range = check_range(self, "contrast_range", contrast_range, -1, 10)
        self._check_field_args(plasma_size, roughness)

    def sample(self, rng, state):
        return {"brightness": float(rng.uniform(*self.brightness_range)),
                "contrast": float(rng.uniform(*self.contrast_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.plasma_brightness_contrast(image, self._field(image, params),
                                            params["brightness"], params["contrast"])


class PlasmaShadow(_Plasma):
    """Soft, irregular shadows: the image times ``1 - s * P``, P a fractal field in [0, 1]
    (see :class:`PlasmaBrightnessContrast`) and s drawn from ``shadow_intensity_range``.

    >>> import numpy as np
    >>> out = PlasmaShadow(shadow_intensity_range=(0.5, 0.5), p=1.0)(
    ...     image=np.full((32, 32), 200, np.uint8), seed=0)["image"]
    >>> int(out.max()) == 200 and int(out.min()) == 100  # the darkest spot: half the light
    True
    """

    def __init__(self, shadow_intensity_range: tuple[float, float] = (0.3, 0.7),
                 plasma_size: int = 256, roughness: float = 3.0, p: float = 0.5):
        super().__init__(p=p)
        self.shadow_intensity_range = check_range(self, "shadow_intensity_range",
                                                  shadow_intensity_range, 0, 1)
        self._check_field_args(plasma_size, roughness)

    def sample(self, rng, state):
        return {"intensity": float(rng.uniform(*self.shadow_intensity_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        gain = self._field(image, params)  # a fresh array: 1 - s * P in place
        gain *= np.float32(-params["intensity"])
        gain += np.float32(1.0)
        return K.scale_by(image, gain)


class Spatter(ImageTransform):
    """Rain drops or mud on the lens: smoothed Gaussian noise (mean, std, blur sigma in
    pixels drawn from ``mean_range``, ``std_range``, ``gauss_sigma_range``) kept above a
    cut-off from ``cutoff_threshold_range`` marks the drops, where the image is blended
    towards the ``mode``'s colour ("rain": a pale grey-blue, "mud": brown) by a weight
    drawn from ``intensity_range``.

    >>> import numpy as np
    >>> out = Spatter(mode="mud", intensity_range=(1, 1), p=1.0)(
    ...     image=np.full((64, 64, 3), 255, np.uint8), seed=0)["image"]
    >>> bool((out < 255).any() and (out == 255).all(axis=2).mean() > 0.5)  # a few drops
    True
    """

    guard_nonfinite = True  # a blend of inf with a colour is NaN (inf - inf, inf * 0)

    def __init__(self, mean_range: tuple[float, float] = (0.65, 0.65),
                 std_range: tuple[float, float] = (0.3, 0.3),
                 gauss_sigma_range: tuple[float, float] = (2.0, 2.0),
                 cutoff_threshold_range: tuple[float, float] = (0.68, 0.68),
                 intensity_range: tuple[float, float] = (0.6, 0.6), mode: str = "rain",
                 p: float = 0.5):
        super().__init__(p=p)
        self.mean_range = check_range(self, "mean_range", mean_range, 0, 1)
        self.std_range = check_range(self, "std_range", std_range, 0, 1)
        self.gauss_sigma_range = check_range(self, "gauss_sigma_range", gauss_sigma_range,
                                             0.1, 50)
        self.cutoff_threshold_range = check_range(self, "cutoff_threshold_range",
                                                  cutoff_threshold_range, 0, 1)
        self.intensity_range = check_range(self, "intensity_range", intensity_range, 0, 1)
        self.mode = check_choice(self, "mode", mode, K.SPATTER_COLOURS)

    def sample(self, rng, state):
        return {"mean": float(rng.uniform(*self.mean_range)),
                "std": float(rng.uniform(*self.std_range)),
                "sigma": float(rng.uniform(*self.gauss_sigma_range)),
                "cutoff": float(rng.uniform(*self.cutoff_threshold_range)),
                "intensity": float(rng.uniform(*self.intensity_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        h, w = image.shape[:2]
        layer = K.spatter_layer(h, w, params["mean"], params["std"], params["sigma"],
                                params["cutoff"], params["noise_seed"])
        return K.spatter(image, layer, K.SPATTER_COLOURS[self.mode], params["intensity"])


class AtmosphericFog(ImageTransform):
    """Depth-dependent haze by the atmospheric scattering model: each pixel is blended
    towards ``fog_value`` (a grey level, fraction of full scale) by ``1 - exp(-d z)``, d drawn
    from ``density_range`` and z a synthetic depth in [0, 1] from the pixel's position
    (``depth_mode`` "linear": far at the top, "diagonal": far at the top left, "radial":
    far at the corners).

    >>> import numpy as np
    >>> out = AtmosphericFog(density_range=(2, 2), fog_value=1.0, p=1.0)(
    ...     image=np.zeros((4, 1), np.float32))["image"]
    >>> [round(float(v), 2) for v in out.ravel()]  # the top is farthest, so foggiest
    [0.83, 0.71, 0.53, 0.22]
    """

    def __init__(self, density_range: float | tuple[float, float] = (1.0, 3.0),
                 fog_value: float = 0.78, depth_mode: str = "linear", p: float = 0.5):
        super().__init__(p=p)
        self.density_range = check_range(self, "density_range", density_range, 0, 50)
        self.fog_value = check_number(self, "fog_value", fog_value, 0, 1)
        self.depth_mode = check_choice(self, "depth_mode", depth_mode, K.DEPTH_MODES)

    def sample(self, rng, state):
        return {"density": float(rng.uniform(*self.density_range))}

    def apply_image(self, image, params):
        depth = K.synthetic_depth(image.shape[0], image.shape[1], self.depth_mode)
        return K.atmospheric_fog(image, depth, params["density"], self.fog_value)
