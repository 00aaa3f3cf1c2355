"""Intensity transforms of volumes: one parameter set per volume (every channel alike);
label maps and spacing pass through.

Amounts are on the volume's unit scale (see :mod:`augkit.volume.functional.intensity`):
fractions of full scale for integer volumes, the values themselves for float32.
"""

from __future__ import annotations

from augkit.core.validate import check_choice, check_number, check_range
from augkit.image.functional import medical as M
from augkit.volume.base import SEED_MAX, VolumeTransform, check_axes
from augkit.volume.functional import intensity as K


class GaussianNoise3D(VolumeTransform):
    """Additive normal noise of ``mean`` and a std drawn from ``std`` (unit scale), drawn in
    the kernel from a sampled ``noise_seed``.

    >>> import numpy as np
    >>> out = GaussianNoise3D(std=(0.1, 0.1), p=1.0)(volume=np.zeros((8, 16, 16), np.float32),
    ...                                              seed=0)["volume"]
    >>> round(float(out.std()), 1)
    0.1
    """

    def __init__(self, std: tuple[float, float] = (0.0, 0.05), mean: float = 0.0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.std = check_range(self, "std", std, 0, 10)
        self.mean = check_number(self, "mean", mean, -10, 10)

    def sample(self, rng, state):
        return {"std": float(rng.uniform(*self.std)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_volume(self, volume, params):
        return K.gaussian_noise(volume, self.mean, params["std"], params["noise_seed"])


class RicianNoise3D(VolumeTransform):
    """Magnitude MR noise ``sqrt((x + n1)^2 + n2^2)``, n1 and n2 normal of a std drawn from
    ``std`` (unit scale)."""

    def __init__(self, std: tuple[float, float] = (0.01, 0.05), p: float = 0.5):
        super().__init__(p=p)
        self.std = check_range(self, "std", std, 0, 10)

    def sample(self, rng, state):
        return {"std": float(rng.uniform(*self.std)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_volume(self, volume, params):
        return K.rician_noise(volume, params["std"], params["noise_seed"])


class Gamma3D(VolumeTransform):
    """Gamma drawn from ``gamma`` applied on the volume's own range (min..max mapped onto
    0..1, raised to gamma, mapped back), as MONAI's RandAdjustContrast."""

    def __init__(self, gamma: tuple[float, float] = (0.7, 1.5), p: float = 0.5):
        super().__init__(p=p)
        self.gamma = check_range(self, "gamma", gamma, 0.01, 100)

    def sample(self, rng, state):
        return {"gamma": float(rng.uniform(*self.gamma))}

    def apply_volume(self, volume, params):
        return K.gamma(volume, params["gamma"])


class BrightnessContrast3D(VolumeTransform):
    """``alpha * x + beta`` with alpha = 1 + a value drawn from ``contrast`` and beta drawn
    from ``brightness`` (unit scale; a number c means (-c, c))."""

    def __init__(self, brightness=0.1, contrast=0.1, p: float = 0.5):
        super().__init__(p=p)
        self.brightness = check_range(self, "brightness", brightness, -10, 10, symmetric=True)
        self.contrast = check_range(self, "contrast", contrast, -1, 10, symmetric=True)

    def sample(self, rng, state):
        return {"alpha": 1.0 + float(rng.uniform(*self.contrast)),
                "beta": float(rng.uniform(*self.brightness))}

    def apply_volume(self, volume, params):
        return K.brightness_contrast(volume, params["alpha"], params["beta"])


class RescaleIntensity3D(VolumeTransform):
    """Values between the ``percentiles`` (of this volume) mapped linearly onto
    ``out_range`` (unit scale) and clipped to it, as TorchIO's RescaleIntensity."""

    def __init__(self, out_range: tuple[float, float] = (0.0, 1.0),
                 percentiles: tuple[float, float] = (0.0, 100.0), p: float = 1.0):
        super().__init__(p=p)
        self.out_range = check_range(self, "out_range", out_range, -1e6, 1e6)
        self.percentiles = check_range(self, "percentiles", percentiles, 0, 100)

    def apply_volume(self, volume, params):
        return K.rescale(volume, list(self.out_range), list(self.percentiles))


class BiasField3D(VolumeTransform):
    """MR intensity inhomogeneity in 3-D: the volume times ``exp`` of a polynomial of degree
    ``order`` in z, y and x (each on [-1, 1]) whose coefficients are drawn from
    ``coefficients`` (c: (-c, c)), as TorchIO's RandomBiasField; the 3-D form of
    :class:`augkit.image.BiasField`."""

    def __init__(self, coefficients=0.5, order: int = 3, p: float = 0.5):
        super().__init__(p=p)
        self.coefficients = check_range(self, "coefficients", coefficients, -2, 2,
                                        symmetric=True)
        self.order = check_number(self, "order", order, 0, 6, integer=True)

    def sample(self, rng, state):
        count = K.n_terms(self.order)
        return {"coefficients": [float(c) for c in rng.uniform(*self.coefficients, count)]}

    def apply_volume(self, volume, params):
        return K.apply_bias(volume, self.order, params["coefficients"])


class Anisotropy3D(VolumeTransform):
    """Thick-slice acquisition: along an axis drawn from ``axes`` (default the depth axis,
    0), the volume is downsampled by a factor drawn from ``downsampling`` (nearest) and
    brought back to its size with ``interpolation``, as TorchIO's RandomAnisotropy; the
    3-D form of :class:`augkit.image.Anisotropy`. Label maps are untouched."""

    def __init__(self, downsampling: tuple[float, float] = (1.5, 5.0), axes=(0,),
                 interpolation: str = "linear", p: float = 0.5):
        super().__init__(p=p)
        self.downsampling = check_range(self, "downsampling", downsampling, 1, 64)
        self.axes = check_axes(self, "axes", axes)
        self.interpolation = check_choice(self, "interpolation", interpolation,
                                          tuple(K.INTERPOLATIONS))

    def sample(self, rng, state):
        return {"axis": int(self.axes[int(rng.integers(len(self.axes)))]),
                "factor": float(rng.uniform(*self.downsampling))}

    def apply_volume(self, volume, params):
        return K.anisotropy(volume, params["axis"], params["factor"], self.interpolation)




_IN_PLANE = ("x", "y", "random")


def _in_plane(rng, axis: str) -> str:
    return str(rng.choice(("x", "y"))) if axis == "random" else axis


class GibbsRinging3D(VolumeTransform):
    """Gibbs ringing of a multi-slice acquisition: every z slice's k-space cut to its
    central fraction (drawn from ``keep_fraction``) along an in-plane ``axis`` ("x", "y",
    "both" or "random"), through :class:`augkit.image.GibbsRinging`'s kernel on the volume
    mapped onto [0, 1] by its min..max (and back)."""

    def __init__(self, keep_fraction: tuple[float, float] = (0.3, 0.8), axis: str = "random",
                 p: float = 0.5):
        super().__init__(p=p)
        self.keep_fraction = check_range(self, "keep_fraction", keep_fraction, 0, 1)
        self.axis = check_choice(self, "axis", axis, (*_IN_PLANE, "both"))

    def sample(self, rng, state):
        return {"fraction": float(rng.uniform(*self.keep_fraction)),
                "axis": _in_plane(rng, self.axis)}

    def apply_volume(self, volume, params):
        return K.per_slice(volume, lambda s: M.gibbs(s, params["fraction"], params["axis"]))


class Ghosting3D(VolumeTransform):
    """Ghosts of periodic motion along an in-plane phase-encoding ``axis``: every
    ``num_ghosts``-th k-space line of each z slice scaled by ``1 - intensity`` (the centre,
    ``restore`` of the size, kept), through :class:`augkit.image.Ghosting`'s kernel on the
    volume mapped onto [0, 1] by its min..max (and back)."""

    def __init__(self, num_ghosts: tuple[int, int] = (4, 10),
                 intensity: tuple[float, float] = (0.5, 1.0), axis: str = "random",
                 restore: float = 0.02, p: float = 0.5):
        super().__init__(p=p)
        self.num_ghosts = check_range(self, "num_ghosts", num_ghosts, 1, 256, integer=True)
        self.intensity = check_range(self, "intensity", intensity, 0, 1)
        self.axis = check_choice(self, "axis", axis, _IN_PLANE)
        self.restore = check_number(self, "restore", restore, 0, 1)

    def sample(self, rng, state):
        return {"num_ghosts": int(rng.integers(self.num_ghosts[0], self.num_ghosts[1] + 1)),
                "intensity": float(rng.uniform(*self.intensity)),
                "axis": _in_plane(rng, self.axis)}

    def apply_volume(self, volume, params):
        return K.per_slice(volume, lambda s: M.ghosting(
            s, params["num_ghosts"], params["intensity"], params["axis"], self.restore))
