"""Sensor noise: photon shot noise and camera ISO noise (pixels only).

Noise is drawn inside the kernels from a sampled ``noise_seed``, so a record replays it
exactly; amounts are fractions of full scale.
"""

from __future__ import annotations

from augkit.core.validate import check_range
from augkit.image._args import SEED_MAX
from augkit.image.base import ImageTransform
from augkit.image.functional import noise as K


class ShotNoise(ImageTransform):
    """Photon (Poisson) noise: its std is drawn from ``std_range`` at full brightness and
    shrinks with the square root of the level, as in a real sensor.

    >>> import numpy as np
    >>> out = ShotNoise(std_range=(0.1, 0.1), p=1.0)(image=np.zeros((2, 2), np.uint8))
    >>> out["image"].tolist()  # black stays black: no photons, no noise
    [[0, 0], [0, 0]]
    """

    def __init__(self, std_range: float | tuple[float, float] = (0.02, 0.1), p: float = 0.5):
        super().__init__(p=p)
        self.std_range = check_range(self, "std_range", std_range, 0, 1)

    def sample(self, rng, state):
        return {"std": float(rng.uniform(*self.std_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.shot_noise(image, params["std"], params["noise_seed"])


class ISONoise(ImageTransform):
    """High-ISO camera noise: luminance noise shared by all channels (std ``intensity``
    times the square root of the level) plus independent per-channel colour noise (std
    ``color_shift``); both drawn from their ranges, as fractions of full scale.

    >>> import numpy as np
    >>> out = ISONoise(p=1.0)(image=np.full((32, 32, 3), 128, np.uint8), seed=0)["image"]
    >>> bool(out.std() > 0) and abs(float(out.mean()) - 128) < 2
    True
    """

    def __init__(self, color_shift: float | tuple[float, float] = (0.01, 0.04),
                 intensity: float | tuple[float, float] = (0.02, 0.1), p: float = 0.5):
        super().__init__(p=p)
        self.color_shift = check_range(self, "color_shift", color_shift, 0, 1)
        self.intensity = check_range(self, "intensity", intensity, 0, 1)

    def sample(self, rng, state):
        return {"intensity": float(rng.uniform(*self.intensity)),
                "color_shift": float(rng.uniform(*self.color_shift)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.iso_noise(image, params["intensity"], params["color_shift"],
                           params["noise_seed"])
