"""Noise and blur transforms (pixels only)."""

from __future__ import annotations

from augkit.core.magnitude import Magnitude
from augkit.core.validate import check_number, check_range
from augkit.image._args import check_odd_range, sample_odd
from augkit.image.base import ImageTransform
from augkit.image.functional import blur_noise as B

_SEED_MAX = 2**63 - 1


class GaussianNoise(ImageTransform):
    """Add Gaussian noise with a standard deviation drawn from ``std_range`` (fraction of full
    scale); ``per_channel=False`` adds the same noise to every channel."""

    def __init__(self, std_range: tuple[float, float] = (0.02, 0.08), mean: float = 0.0,
                 per_channel: bool = True, p: float = 0.5):
        super().__init__(p=p)
        self.std_range = check_range(self, "std_range", std_range, 0, 1)
        self.mean = check_number(self, "mean", mean, -1, 1)
        if not isinstance(per_channel, bool):
            raise TypeError(f"GaussianNoise: argument 'per_channel' got {per_channel!r}; "
                            "expected True or False")
        self.per_channel = per_channel

    magnitude = Magnitude(lambda v: {"std_range": (v, v)}, span=0.1,
                          unit="noise std (fraction of full scale)")

    def sample(self, rng, state):
        return {"std": float(rng.uniform(*self.std_range)),
                "noise_seed": int(rng.integers(0, _SEED_MAX))}

    def apply_image(self, image, params):
        return B.gaussian_noise(image, params["std"], self.mean, self.per_channel,
                                params["noise_seed"])


class SaltAndPepper(ImageTransform):
    """Set a fraction of pixels (drawn from ``amount``) to white or black."""

    def __init__(self, amount: tuple[float, float] = (0.01, 0.05), salt_vs_pepper: float = 0.5,
                 p: float = 0.5):
        super().__init__(p=p)
        self.amount = check_range(self, "amount", amount, 0, 1)
        self.salt_vs_pepper = check_number(self, "salt_vs_pepper", salt_vs_pepper, 0, 1)

    def sample(self, rng, state):
        return {"amount": float(rng.uniform(*self.amount)),
                "noise_seed": int(rng.integers(0, _SEED_MAX))}

    def apply_image(self, image, params):
        return B.salt_and_pepper(image, params["amount"], self.salt_vs_pepper,
                                 params["noise_seed"])


class GaussianBlur(ImageTransform):
    """Gaussian blur with sigma drawn from ``sigma`` (pixels).

    Kernel size ``round(6 sigma + 1) | 1`` (OpenCV's rule for 8-bit images), or an odd size
    drawn from ``blur_limit`` when one is given (Albumentations' convention: a short kernel
    truncates the Gaussian, as in the field's benchmark specs).

    >>> import numpy as np
    >>> img = np.zeros((9, 9), np.float32); img[4, 4] = 1.0
    >>> out = GaussianBlur(sigma=2.0, blur_limit=3, p=1.0)(image=img)["image"]
    >>> bool(out[2].sum() == 0 and out[3:6, 3:6].sum() > 0.99)  # 3 taps: nothing further
    True
    """

    guard_nonfinite = True  # a kernel window mixes neighbours

    def __init__(self, sigma: float | tuple[float, float] = (0.5, 1.5),
                 blur_limit: int | tuple[int, int] | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.sigma = check_range(self, "sigma", sigma, 1e-3, 100)
        self.blur_limit = None if blur_limit is None else check_odd_range(
            self, "blur_limit", blur_limit)

    magnitude = Magnitude(lambda v: {"sigma": (max(v, 1e-3),) * 2}, span=2.0,
                          unit="sigma in pixels")

    def sample(self, rng, state):
        params = {"sigma": float(rng.uniform(*self.sigma))}
        if self.blur_limit is not None:
            params["ksize"] = sample_odd(rng, *self.blur_limit)
        return params

    def apply_image(self, image, params):
        return B.gaussian_blur(image, params["sigma"], params.get("ksize"))
