"""Lens and camera effects: Defocus, ZoomBlur, GlassBlur, AdvancedBlur, RingingOvershoot,
ChromaticAberration, FilmGrain, and the print-style Dithering and Halftone. Pixels only:
masks, boxes and keypoints are untouched."""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_choice, check_number, check_range
from augkit.image._args import SEED_MAX, check_odd_range, sample_odd
from augkit.image.base import ImageTransform
from augkit.image.functional import color as C
from augkit.image.functional import optics as K
from augkit.image.functional.geometric import INTERPOLATIONS


class Defocus(ImageTransform):
    """Out-of-focus blur: a filled disk kernel of radius drawn from ``radius`` (pixels),
    its edge softened by a Gaussian of sigma drawn from ``alias_blur``.

    >>> import numpy as np
    >>> img = np.zeros((9, 9), np.float32); img[4, 4] = 1.0
    >>> out = Defocus(radius=2, alias_blur=0, p=1.0)(image=img)["image"]
    >>> int((out > 0).sum()), round(float(out.sum()), 5)  # a disk of 21 pixels, same total
    (21, 1.0)
    """

    guard_nonfinite = True  # the kernel mixes neighbours

    def __init__(self, radius: int | tuple[int, int] = (3, 10),
                 alias_blur: float | tuple[float, float] = (0.1, 0.5), p: float = 0.5):
        super().__init__(p=p)
        self.radius = check_range(self, "radius", radius, 1, 100, integer=True)
        self.alias_blur = check_range(self, "alias_blur", alias_blur, 0, 20)

    def sample(self, rng, state):
        return {"radius": int(rng.integers(self.radius[0], self.radius[1] + 1)),
                "alias_sigma": float(rng.uniform(*self.alias_blur))}

    def apply_image(self, image, params):
        return K.defocus(image, params["radius"], params["alias_sigma"])


class ZoomBlur(ImageTransform):
    """Zoom during the exposure: the mean of the image and its enlargements about the centre
    by 1 + step, 1 + 2 step, ... up to a factor drawn from ``max_factor`` (step drawn from
    ``step_factor``; at most 64 copies).

    >>> import numpy as np
    >>> img = np.zeros((21, 21), np.uint8); img[10, 16] = 255
    >>> out = ZoomBlur(max_factor=(1.2, 1.2), step_factor=(0.05, 0.05), p=1.0)(image=img)
    >>> row = out["image"][10].tolist()  # the dot streaks outwards, away from the centre
    >>> row[16] < 255 and row[17] > 0 and row[15] == 0
    True
    """

    guard_nonfinite = True  # interpolation mixes neighbours

    def __init__(self, max_factor: float | tuple[float, float] = (1.0, 1.31),
                 step_factor: float | tuple[float, float] = (0.01, 0.03), p: float = 0.5):
        super().__init__(p=p)
        self.max_factor = check_range(self, "max_factor", max_factor, 1.0, 10.0)
        self.step_factor = check_range(self, "step_factor", step_factor, 1e-3, 1.0)

    def sample(self, rng, state):
        top, step = float(rng.uniform(*self.max_factor)), float(rng.uniform(*self.step_factor))
        count = min(64, int((top - 1.0) / step + 1e-9))  # copies cost one warp each
        factors = 1.0 + step * np.arange(1, count + 1)
        return {"factors": [float(f) for f in factors]}

    def apply_image(self, image, params):
        return K.zoom_blur(image, params["factors"])


class GlassBlur(ImageTransform):
    """Frosted glass (ImageNet-C): a Gaussian blur of ``sigma``, ``iterations`` rounds of
    each pixel taking a random neighbour's value within ``max_delta`` pixels, and the blur
    again.

    >>> import numpy as np
    >>> img = np.zeros((16, 16), np.uint8); img[:, 8:] = 255
    >>> out = GlassBlur(p=1.0)(image=img, seed=0)["image"]
    >>> bool(0 < out[:, 6:10].mean() < 255) and out.shape == (16, 16)
    True
    """

    guard_nonfinite = True  # blurs and gathers mix neighbours

    def __init__(self, sigma: float = 0.7, max_delta: int = 4, iterations: int = 2,
                 p: float = 0.5):
        super().__init__(p=p)
        self.sigma = check_number(self, "sigma", sigma, 0.05, 50)
        self.max_delta = check_number(self, "max_delta", max_delta, 1, 100, integer=True)
        self.iterations = check_number(self, "iterations", iterations, 1, 20, integer=True)

    def sample(self, rng, state):
        return {"noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.glass_blur(image, self.sigma, self.max_delta, self.iterations,
                            params["noise_seed"])


class AdvancedBlur(ImageTransform):
    """Anisotropic generalised-Gaussian blur (Real-ESRGAN's degradation): odd kernel size
    from ``blur_limit``, sigmas along two axes from ``sigma_x_limit`` / ``sigma_y_limit``
    (pixels), the axes rotated by an angle from ``rotate_limit`` (degrees; a scalar v is
    (-v, v)), shape ``beta`` from ``beta_limit`` (1: Gaussian, < 1 heavier tails, > 1
    flatter), and each kernel weight multiplied by uniform noise from ``noise_limit``.

    >>> import numpy as np
    >>> img = np.zeros((15, 15), np.float32); img[7, 7] = 1.0
    >>> t = AdvancedBlur(blur_limit=7, sigma_x_limit=(3.0, 3.0), sigma_y_limit=(0.3, 0.3),
    ...                  rotate_limit=0, noise_limit=(1.0, 1.0), p=1.0)
    >>> out = t(image=img, seed=0)["image"]
    >>> bool(out[7, 4] > 0.05 and out[4, 7] < 1e-3)  # spread along x only
    True
    """

    guard_nonfinite = True  # the kernel mixes neighbours

    def __init__(self, blur_limit: int | tuple[int, int] = (3, 7),
                 sigma_x_limit: float | tuple[float, float] = (0.2, 1.0),
                 sigma_y_limit: float | tuple[float, float] = (0.2, 1.0),
                 rotate_limit: float | tuple[float, float] = 90.0,
                 beta_limit: float | tuple[float, float] = (0.5, 8.0),
                 noise_limit: float | tuple[float, float] = (0.9, 1.1), p: float = 0.5):
        super().__init__(p=p)
        self.blur_limit = check_odd_range(self, "blur_limit", blur_limit)
        self.sigma_x_limit = check_range(self, "sigma_x_limit", sigma_x_limit, 0.05, 100)
        self.sigma_y_limit = check_range(self, "sigma_y_limit", sigma_y_limit, 0.05, 100)
        self.rotate_limit = check_range(self, "rotate_limit", rotate_limit, -360, 360,
                                        symmetric=True)
        self.beta_limit = check_range(self, "beta_limit", beta_limit, 0.05, 20)
        self.noise_limit = check_range(self, "noise_limit", noise_limit, 0.0, 10)
        if self.noise_limit[1] <= 0:
            check_range(self, "noise_limit", noise_limit, 1e-6, 10)

    def sample(self, rng, state):
        return {"ksize": sample_odd(rng, *self.blur_limit),
                "sigma_x": float(rng.uniform(*self.sigma_x_limit)),
                "sigma_y": float(rng.uniform(*self.sigma_y_limit)),
                "angle": float(rng.uniform(*self.rotate_limit)),
                "beta": float(rng.uniform(*self.beta_limit)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.advanced_blur(image, params["ksize"], params["sigma_x"], params["sigma_y"],
                               params["angle"], params["beta"], self.noise_limit,
                               params["noise_seed"])


class ChromaticAberration(ImageTransform):
    """Lateral chromatic aberration of an RGB image (RGBA: alpha kept): the red and blue
    planes magnified about the centre by ``1 + a`` (a drawn from ``shift_limit``, a
    fraction of the image size; a scalar v is (-v, v)). ``mode`` "red_blue": blue by
    ``1 - a`` (red / cyan and blue / yellow fringes), "green_purple": blue by ``1 + a`` too
    (green / purple fringes), "random": one of the two per image.

    >>> import numpy as np
    >>> img = np.zeros((21, 21, 3), np.uint8); img[:, 14:] = 255
    >>> t = ChromaticAberration(shift_limit=(0.1, 0.1), mode="red_blue", p=1.0)
    >>> out = t(image=img)["image"]
    >>> out[10, 13].tolist(), out[10, 14].tolist()  # blue shrinks inwards, red grows out
    ([0, 0, 85], [162, 255, 255])
    """

    guard_nonfinite = True  # interpolation mixes neighbours

    MODES = ("red_blue", "green_purple", "random")

    def __init__(self, shift_limit: float | tuple[float, float] = 0.01, mode: str = "random",
                 interpolation: str = "linear", p: float = 0.5):
        super().__init__(p=p)
        self.shift_limit = check_range(self, "shift_limit", shift_limit, -0.5, 0.5,
                                       symmetric=True)
        self.mode = check_choice(self, "mode", mode, self.MODES)
        self.interpolation = check_choice(self, "interpolation", interpolation, INTERPOLATIONS)

    def sample(self, rng, state):
        C.require_colour(state["image"], type(self).__name__)
        a = float(rng.uniform(*self.shift_limit))
        mode = self.mode if self.mode != "random" else self.MODES[int(rng.integers(0, 2))]
        return {"red_scale": 1.0 + a, "blue_scale": 1.0 - a if mode == "red_blue" else 1.0 + a}

    def apply_image(self, image, params):
        C.require_rgb(image, type(self).__name__)
        return K.chromatic_aberration(image, params["red_scale"], params["blue_scale"],
                                      self.interpolation)


class FilmGrain(ImageTransform):
    """Photographic film grain: monochrome Gaussian grain with std drawn from
    ``intensity_range`` (fraction of full scale), clumped over ``grain_size_range``
    pixels, strongest in mid-tones (weight ``4 x (1 - x)``: black and white keep their
    level), the same on every channel.

    >>> import numpy as np
    >>> out = FilmGrain(p=1.0)(image=np.full((32, 32), 128, np.uint8), seed=0)["image"]
    >>> bool(out.std() > 1) and abs(float(out.mean()) - 128) < 3
    True
    """

    def __init__(self, intensity_range: float | tuple[float, float] = (0.05, 0.15),
                 grain_size_range: float | tuple[float, float] = (1.0, 3.0), p: float = 0.5):
        super().__init__(p=p)
        self.intensity_range = check_range(self, "intensity_range", intensity_range, 0, 1)
        self.grain_size_range = check_range(self, "grain_size_range", grain_size_range, 1, 100)

    def sample(self, rng, state):
        return {"intensity": float(rng.uniform(*self.intensity_range)),
                "grain_size": float(rng.uniform(*self.grain_size_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.film_grain(image, params["intensity"], params["grain_size"],
                            params["noise_seed"])


class RingingOvershoot(ImageTransform):
    """Ringing and overshoot around edges, as from an ideal low-pass filter (Real-ESRGAN's
    sinc degradation): a circular sinc kernel of odd size drawn from ``blur_range`` and
    cut-off frequency drawn from ``cutoff_range`` (radians per pixel, up to pi).

    >>> import numpy as np
    >>> img = np.zeros((21, 21), np.float32); img[:, 10:] = 0.5
    >>> out = RingingOvershoot(blur_range=(15, 15), cutoff_range=(1.0, 1.0), p=1.0)(
    ...     image=img)["image"]
    >>> bool(out[10, 12:16].max() > 0.5)  # overshoot next to the edge
    True
    """

    guard_nonfinite = True  # the kernel mixes neighbours

    def __init__(self, blur_range: int | tuple[int, int] = (7, 15),
                 cutoff_range: float | tuple[float, float] = (np.pi / 4, np.pi / 2),
                 p: float = 0.5):
        super().__init__(p=p)
        self.blur_range = check_odd_range(self, "blur_range", blur_range, 3, 63)
        self.cutoff_range = check_range(self, "cutoff_range", cutoff_range, 0.05, np.pi)

    def sample(self, rng, state):
        return {"ksize": sample_odd(rng, *self.blur_range),
                "cutoff": float(rng.uniform(*self.cutoff_range))}

    def apply_image(self, image, params):
        return K.ringing(image, params["ksize"], params["cutoff"])


class Dithering(ImageTransform):
    """Quantise to ``n_colors`` levels per channel with a varying rounding threshold, so
    that areas keep their mean tone: ``method`` "ordered" (an 8x8 Bayer matrix) or
    "random" (uniform noise); ``color_mode`` "grayscale" dithers the luma into every
    channel, "per_channel" each channel alone. (Error diffusion is not implemented.)

    >>> import numpy as np
    >>> out = Dithering(method="ordered", n_colors=2, p=1.0)(
    ...     image=np.full((8, 8), 64, np.uint8))["image"]
    >>> sorted(set(out.ravel().tolist())), int((out == 255).sum())  # 16 of 64 pixels on
    ([0, 255], 16)
    """

    METHODS = ("ordered", "random")
    COLOR_MODES = ("grayscale", "per_channel")

    def __init__(self, method: str = "ordered", n_colors: int = 2,
                 color_mode: str = "grayscale", p: float = 0.5):
        super().__init__(p=p)
        self.method = check_choice(self, "method", method, self.METHODS)
        self.n_colors = check_number(self, "n_colors", n_colors, 2, 256, integer=True)
        self.color_mode = check_choice(self, "color_mode", color_mode, self.COLOR_MODES)

    def sample(self, rng, state):
        return {"noise_seed": int(rng.integers(0, SEED_MAX)) if self.method == "random" else 0}

    def apply_image(self, image, params):
        return K.dither(image, self.n_colors, self.method, self.color_mode == "grayscale",
                        params["noise_seed"])


class Halftone(ImageTransform):
    """Print-style halftone: cells of a size drawn from ``dot_size_range`` (pixels), each
    channel drawn as a round dot covering the cell's mean fraction of its pixels (bright
    cells: big dots),
    blended with the image by a weight drawn from ``blend_range`` (0: dots only).

    >>> import numpy as np
    >>> out = Halftone(dot_size_range=(8, 8), blend_range=(0, 0), p=1.0)(
    ...     image=np.full((16, 16), 0.5, np.float32))["image"]
    >>> sorted(set(out.ravel().tolist())), abs(float(out.mean()) - 0.5) < 0.05
    ([0.0, 1.0], True)
    """

    guard_nonfinite = True  # cell means mix neighbours

    def __init__(self, dot_size_range: int | tuple[int, int] = (4, 10),
                 blend_range: float | tuple[float, float] = (0.0, 0.5), p: float = 0.5):
        super().__init__(p=p)
        self.dot_size_range = check_range(self, "dot_size_range", dot_size_range, 2, 256,
                                          integer=True)
        self.blend_range = check_range(self, "blend_range", blend_range, 0, 1)

    def sample(self, rng, state):
        return {"dot": int(rng.integers(self.dot_size_range[0], self.dot_size_range[1] + 1)),
                "blend": float(rng.uniform(*self.blend_range))}

    def apply_image(self, image, params):
        return K.halftone(image, params["dot"], params["blend"])
