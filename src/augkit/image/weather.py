"""Weather and lighting for robustness tests: fog, rain, snow, shadows, sun flare and
low light (pixels only; any channel count, uint8 or float32).

Strengths are fractions (of full scale, of the image size); random layouts come from a
sampled ``noise_seed`` (fog, rain, snow, sensor noise) or are sampled as concrete geometry
(shadow polygons, flare position and halos), so a record replays the same scene.
"""

from __future__ import annotations

from augkit.core.validate import check_number, check_range, fail
from augkit.image._args import SEED_MAX
from augkit.image.base import ImageTransform
from augkit.image.functional import weather as K


def _check_roi(owner, name: str, roi) -> tuple[float, float, float, float]:
    allowed = "expected (x_min, y_min, x_max, y_max) fractions with min <= max"
    if not isinstance(roi, (list, tuple)) or len(roi) != 4:
        fail(owner, name, roi, allowed, TypeError)
    x0, y0, x1, y1 = (check_number(owner, name, v, 0, 1) for v in roi)
    if x0 > x1 or y0 > y1:
        fail(owner, name, roi, allowed)
    return (x0, y0, x1, y1)


class RandomFog(ImageTransform):
    """Haze: blend towards ``fog_value`` (fraction of full scale) by a density drawn from
    ``fog_coef``, modulated by a smooth random field, and soften detail accordingly.

    >>> import numpy as np
    >>> out = RandomFog(fog_coef=(0.5, 0.5), p=1.0)(image=np.zeros((8, 8), np.uint8))
    >>> bool(60 < out["image"].mean() < 130)
    True
    """

    guard_nonfinite = True  # a blurred haze field

    def __init__(self, fog_coef: float | tuple[float, float] = (0.3, 0.7),
                 fog_value: float = 0.85, p: float = 0.5):
        super().__init__(p=p)
        self.fog_coef = check_range(self, "fog_coef", fog_coef, 0, 1)
        self.fog_value = check_number(self, "fog_value", fog_value, 0, 1)

    def sample(self, rng, state):
        return {"density": float(rng.uniform(*self.fog_coef)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.fog(image, params["density"], self.fog_value, params["noise_seed"])


class RandomRain(ImageTransform):
    """Rain: the scene darkened by ``brightness`` and streaks of ``drop_value`` drawn over
    it; drop ``density`` (fraction of pixels seeding a drop), streak ``length`` (fraction of
    the height) and ``slant`` (degrees from vertical; positive falls to the right) drawn from
    their ranges.

    >>> import numpy as np
    >>> out = RandomRain(density=0.02, p=1.0)(image=np.zeros((40, 40), np.uint8), seed=0)
    >>> bool(out["image"].max() > 100)  # bright streaks on a dark scene
    True
    """

    guard_nonfinite = True  # blurred streaks over the scene

    def __init__(self, density: float | tuple[float, float] = (0.002, 0.006),
                 length: float | tuple[float, float] = (0.05, 0.12),
                 slant: float | tuple[float, float] = (-20.0, 20.0),
                 brightness: float | tuple[float, float] = (0.7, 0.9),
                 drop_value: float = 0.8, p: float = 0.5):
        super().__init__(p=p)
        self.density = check_range(self, "density", density, 0, 1)
        self.length = check_range(self, "length", length, 0, 1)
        self.slant = check_range(self, "slant", slant, -80, 80, symmetric=True)
        self.brightness = check_range(self, "brightness", brightness, 0, 1)
        self.drop_value = check_number(self, "drop_value", drop_value, 0, 1)

    def sample(self, rng, state):
        return {"density": float(rng.uniform(*self.density)),
                "length": float(rng.uniform(*self.length)),
                "slant": float(rng.uniform(*self.slant)),
                "brightness": float(rng.uniform(*self.brightness)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.rain(image, params["density"], params["length"], params["slant"],
                      params["brightness"], self.drop_value, params["noise_seed"])


class RandomSnow(ImageTransform):
    """Snow: the scene whitened by ``whiten`` and round white flakes drawn over it; flake
    ``density`` (fraction of pixels) and ``flake_size`` (diameter as a fraction of the short
    side, at least one pixel).

    >>> import numpy as np
    >>> out = RandomSnow(whiten=(0.5, 0.5), density=0, p=1.0)(image=np.zeros((4, 4), np.uint8))
    >>> int(out["image"][0, 0])
    128
    """

    guard_nonfinite = True  # blurred flakes over the scene

    def __init__(self, density: float | tuple[float, float] = (0.002, 0.01),
                 flake_size: float | tuple[float, float] = (0.004, 0.012),
                 whiten: float | tuple[float, float] = (0.1, 0.3), p: float = 0.5):
        super().__init__(p=p)
        self.density = check_range(self, "density", density, 0, 1)
        self.flake_size = check_range(self, "flake_size", flake_size, 0, 0.5)
        self.whiten = check_range(self, "whiten", whiten, 0, 1)

    def sample(self, rng, state):
        return {"density": float(rng.uniform(*self.density)),
                "flake_size": float(rng.uniform(*self.flake_size)),
                "whiten": float(rng.uniform(*self.whiten)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.snow(image, params["density"], params["flake_size"], params["whiten"],
                      params["noise_seed"])


class RandomShadow(ImageTransform):
    """Darken random polygons: ``num_shadows`` polygons of ``num_vertices`` vertices each,
    placed inside ``shadow_roi`` (fractions x_min, y_min, x_max, y_max; the lower half by
    default), each darkened by a factor drawn from ``darkness`` (1 is black).

    >>> import numpy as np
    >>> out = RandomShadow(p=1.0)(image=np.full((20, 20), 200, np.uint8), seed=1)["image"]
    >>> bool(out[:10].min() == 200 and out[10:].min() < 200)  # only the lower half
    True
    """

    def __init__(self, num_shadows: int | tuple[int, int] = (1, 2),
                 num_vertices: int | tuple[int, int] = (3, 5),
                 shadow_roi: tuple[float, float, float, float] = (0.0, 0.5, 1.0, 1.0),
                 darkness: float | tuple[float, float] = (0.3, 0.7), p: float = 0.5):
        super().__init__(p=p)
        self.num_shadows = check_range(self, "num_shadows", num_shadows, 0, 100, integer=True)
        self.num_vertices = check_range(self, "num_vertices", num_vertices, 3, 100,
                                        integer=True)
        self.shadow_roi = _check_roi(self, "shadow_roi", shadow_roi)
        self.darkness = check_range(self, "darkness", darkness, 0, 1)

    def sample(self, rng, state):
        x0, y0, x1, y1 = self.shadow_roi
        polygons, darkness = [], []
        for _ in range(int(rng.integers(self.num_shadows[0], self.num_shadows[1] + 1))):
            n = int(rng.integers(self.num_vertices[0], self.num_vertices[1] + 1))
            xs, ys = rng.uniform(x0, x1, n), rng.uniform(y0, y1, n)
            polygons.append([[float(x), float(y)] for x, y in zip(xs, ys, strict=True)])
            darkness.append(float(rng.uniform(*self.darkness)))
        return {"polygons": polygons, "darkness": darkness}

    def apply_image(self, image, params):
        return K.shadow(image, params["polygons"], params["darkness"])


class RandomSunFlare(ImageTransform):
    """A sun flare: a bright soft disc centred inside ``flare_roi`` (fractions), whose light
    fades out at ``radius`` (fraction of the short side), of ``intensity``, with
    ``num_halos`` fainter halos along the line through the image centre (lens ghosts).

    >>> import numpy as np
    >>> img = np.full((30, 40, 3), 50, np.uint8)
    >>> out = RandomSunFlare(p=1.0)(image=img, seed=0)["image"]
    >>> bool((out >= img).all() and out.max() > 200)  # only brightens
    True
    """

    def __init__(self, flare_roi: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 0.5),
                 radius: float | tuple[float, float] = (0.1, 0.3),
                 intensity: float | tuple[float, float] = (0.6, 1.0),
                 num_halos: int | tuple[int, int] = (3, 6), p: float = 0.5):
        super().__init__(p=p)
        self.flare_roi = _check_roi(self, "flare_roi", flare_roi)
        self.radius = check_range(self, "radius", radius, 0, 2)
        self.intensity = check_range(self, "intensity", intensity, 0, 1)
        self.num_halos = check_range(self, "num_halos", num_halos, 0, 50, integer=True)

    def sample(self, rng, state):
        x0, y0, x1, y1 = self.flare_roi
        cx, cy = float(rng.uniform(x0, x1)), float(rng.uniform(y0, y1))
        halos = []
        for _ in range(int(rng.integers(self.num_halos[0], self.num_halos[1] + 1))):
            t = float(rng.uniform(0.3, 1.8))  # along the ray from the sun through the centre
            halos.append([cx + t * (0.5 - cx), cy + t * (0.5 - cy),
                          float(rng.uniform(0.02, 0.08)), float(rng.uniform(0.1, 0.3))])
        return {"center": [cx, cy], "radius": float(rng.uniform(*self.radius)),
                "intensity": float(rng.uniform(*self.intensity)), "halos": halos}

    def apply_image(self, image, params):
        return K.sun_flare(image, params["center"], params["radius"], params["intensity"],
                           params["halos"])


class LowLight(ImageTransform):
    """An under-exposed, noisy capture: ``exposure * x ** gamma`` (x in [0, 1]), then
    photon shot noise (std ``shot_std`` at full scale, smaller in the dark) and Gaussian read
    noise (std ``read_std``); every amount drawn from its range.

    >>> import numpy as np
    >>> img = np.full((4, 4), 200, np.uint8)
    >>> out = LowLight(exposure=(0.25, 0.25), gamma=(1, 1), shot_std=0, read_std=0, p=1.0)
    >>> int(out(image=img)["image"][0, 0])
    50
    """

    guard_nonfinite = True  # photon noise of inf is NaN

    def __init__(self, exposure: float | tuple[float, float] = (0.1, 0.4),
                 gamma: float | tuple[float, float] = (1.0, 2.0),
                 shot_std: float | tuple[float, float] = (0.01, 0.05),
                 read_std: float | tuple[float, float] = (0.002, 0.02), p: float = 0.5):
        super().__init__(p=p)
        self.exposure = check_range(self, "exposure", exposure, 0, 1)
        self.gamma = check_range(self, "gamma", gamma, 0.1, 10)
        self.shot_std = check_range(self, "shot_std", shot_std, 0, 1)
        self.read_std = check_range(self, "read_std", read_std, 0, 1)

    def sample(self, rng, state):
        return {"exposure": float(rng.uniform(*self.exposure)),
                "gamma": float(rng.uniform(*self.gamma)),
                "shot_std": float(rng.uniform(*self.shot_std)),
                "read_std": float(rng.uniform(*self.read_std)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.low_light(image, params["exposure"], params["gamma"], params["shot_std"],
                           params["read_std"], params["noise_seed"])
