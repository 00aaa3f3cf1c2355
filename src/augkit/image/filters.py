"""Small filters and additive noise: Enhance (Pillow's edge / detail enhancement),
StochasticConvolution (random identity-centred kernels), AdditiveNoise (uniform, Gaussian
or Laplace noise, per image, pixel or value), and ChannelSwap (a fixed channel order).
Pixels only: masks, boxes and keypoints are untouched."""

from __future__ import annotations

from augkit.core.validate import check_choice, check_number, check_range, fail
from augkit.image._args import SEED_MAX, check_bool, check_odd_range, sample_odd
from augkit.image.base import ImageTransform
from augkit.image.functional import filters as K
from augkit.image.functional.channels import channel_shuffle


class Enhance(ImageTransform):
    """Pillow's local enhancement, blended with the image: ``mode`` "edge" (EDGE_ENHANCE;
    alpha 2 is EDGE_ENHANCE_MORE) or "detail" (DETAIL), at a strength drawn from
    ``alpha_range`` (0: the image, 1: Pillow's filter).

    >>> import numpy as np
    >>> img = np.zeros((3, 5), np.uint8); img[:, 2:] = 100
    >>> Enhance(mode="edge", alpha_range=(1, 1), p=1.0)(image=img)["image"][1].tolist()
    [0, 0, 250, 100, 100]
    """

    guard_nonfinite = True  # the kernel mixes neighbours

    def __init__(self, mode: str = "edge", alpha_range: tuple[float, float] = (0.5, 1.0),
                 p: float = 0.5):
        super().__init__(p=p)
        self.mode = check_choice(self, "mode", mode, K.ENHANCE_KERNELS)
        self.alpha_range = check_range(self, "alpha_range", alpha_range, 0, 5)

    def sample(self, rng, state):
        return {"alpha": float(rng.uniform(*self.alpha_range))}

    def apply_image(self, image, params):
        return K.filtered(image, K.enhance_kernel(self.mode, params["alpha"]))


class StochasticConvolution(ImageTransform):
    """Convolve with a random kernel near the identity: an impulse plus Gaussian noise of
    std ``strength / K`` (strength drawn from ``strength_range``, odd size K from
    ``kernel_range``), its mean removed so the kernel sums to 1; ``per_channel`` draws one
    kernel per channel. Small strengths blur and sharpen a little in random directions.

    >>> import numpy as np
    >>> out = StochasticConvolution(p=1.0)(image=np.full((8, 8), 100, np.uint8), seed=0)
    >>> int(out["image"].min()), int(out["image"].max())  # a flat image stays flat
    (100, 100)
    """

    guard_nonfinite = True  # the kernel mixes neighbours

    def __init__(self, kernel_range: int | tuple[int, int] = (3, 7),
                 strength_range: float | tuple[float, float] = (0.0, 1.0),
                 per_channel: bool = False, p: float = 0.5):
        super().__init__(p=p)
        self.kernel_range = check_odd_range(self, "kernel_range", kernel_range, 3, 31)
        self.strength_range = check_range(self, "strength_range", strength_range, 0, 10)
        self.per_channel = check_bool(self, "per_channel", per_channel)

    def sample(self, rng, state):
        return {"ksize": sample_odd(rng, *self.kernel_range),
                "strength": float(rng.uniform(*self.strength_range)),
                "count": self.colour_channels(state["image"]) if self.per_channel else 1,
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        kernels = K.stochastic_kernels(params["ksize"], params["strength"], params["count"],
                                       params["noise_seed"])
        return K.stochastic_convolution(image, kernels)


class AdditiveNoise(ImageTransform):
    """Add noise of ``noise_type`` "uniform" (half-width s), "gaussian" or "laplace" (std
    s), s drawn from ``scale_range`` (fraction of full scale): one value per channel
    (``spatial_mode`` "constant"), per pixel and channel ("per_pixel") or per pixel shared
    by the channels ("shared").

    >>> import numpy as np
    >>> out = AdditiveNoise(noise_type="uniform", spatial_mode="per_pixel",
    ...                     scale_range=(0.1, 0.1), p=1.0)(
    ...     image=np.full((64, 64), 0.5, np.float32), seed=0)["image"]
    >>> bool(0.4 <= out.min() and out.max() <= 0.6 and out.std() > 0.05)
    True
    """

    def __init__(self, noise_type: str = "uniform", spatial_mode: str = "constant",
                 scale_range: float | tuple[float, float] = (0.01, 0.05), p: float = 0.5):
        super().__init__(p=p)
        self.noise_type = check_choice(self, "noise_type", noise_type, K.NOISE_TYPES)
        self.spatial_mode = check_choice(self, "spatial_mode", spatial_mode, K.SPATIAL_MODES)
        self.scale_range = check_range(self, "scale_range", scale_range, 0, 1)

    def sample(self, rng, state):
        return {"scale": float(rng.uniform(*self.scale_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.additive_noise(image, self.noise_type, self.spatial_mode, params["scale"],
                                params["noise_seed"])


class ChannelSwap(ImageTransform):
    """Reorder the channels by the fixed ``channel_order`` (output channel i is input
    channel ``channel_order[i]``; e.g. (2, 1, 0) turns RGB into BGR). The image must have
    as many colour channels as the order names (RGBA: alpha stays last).

    >>> import numpy as np
    >>> img = np.dstack([np.full((1, 1), v, np.uint8) for v in (1, 2, 3)])
    >>> ChannelSwap((2, 0, 1), p=1.0)(image=img)["image"].ravel().tolist()
    [3, 1, 2]
    """

    def __init__(self, channel_order: tuple[int, ...] = (2, 1, 0), p: float = 1.0):
        super().__init__(p=p)
        if not isinstance(channel_order, (list, tuple)) or not channel_order:
            fail(self, "channel_order", channel_order, "expected a permutation of 0..C-1, "
                 "e.g. (2, 1, 0)", TypeError)
        order = tuple(check_number(self, "channel_order", v, 0, 4095, integer=True)
                      for v in channel_order)
        if sorted(order) != list(range(len(order))):
            fail(self, "channel_order", channel_order, "expected a permutation of 0..C-1, "
                 "e.g. (2, 1, 0)")
        self.channel_order = order

    def sample(self, rng, state):
        image = state["image"]
        channels = self.colour_channels(image)
        if channels != len(self.channel_order):
            raise ValueError(f"ChannelSwap: 'channel_order' {self.channel_order} names "
                             f"{len(self.channel_order)} channels; the image has {channels} "
                             f"(shape {image.shape}; RGB images take 3)")
        return {}

    def apply_image(self, image, params):
        if image.ndim == 2:  # one channel: the order is (0,)
            return image.copy()
        return channel_shuffle(image, list(self.channel_order))
