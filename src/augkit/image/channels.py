"""Channel transforms: shuffle the channel order and shift each RGB channel.

Weighted conversion to grey is :class:`augkit.image.Grayscale` with ``weights``.
"""

from __future__ import annotations

from augkit.core.validate import check_range
from augkit.image.base import ImageTransform
from augkit.image.functional import channels as K
from augkit.image.functional.color import require_colour, require_rgb


class ChannelShuffle(ImageTransform):
    """Permute the channels at random (any channel count; one channel stays as it is).

    >>> import numpy as np
    >>> img = np.dstack([np.full((1, 1), v, np.uint8) for v in (1, 2, 3)])
    >>> sorted(ChannelShuffle(p=1.0)(image=img, seed=0)["image"].ravel().tolist())
    [1, 2, 3]
    """

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def sample(self, rng, state):
        channels = self.colour_channels(state["image"])  # RGBA: alpha stays last
        return {"order": [int(i) for i in rng.permutation(channels)]}

    def apply_image(self, image, params):
        if image.ndim == 2:
            return image.copy()
        return K.channel_shuffle(image, params["order"])


class RGBShift(ImageTransform):
    """Add a value to each of the R, G and B channels, drawn from ``r_shift_limit``,
    ``g_shift_limit`` and ``b_shift_limit`` (fractions of full scale). RGB input (RGBA:
    alpha is kept).

    >>> import numpy as np
    >>> t = RGBShift((0.1, 0.1), (0, 0), (-0.1, -0.1), p=1.0)
    >>> t(image=np.full((1, 1, 3), 100, np.uint8))["image"].ravel().tolist()
    [126, 100, 74]
    """

    def __init__(self, r_shift_limit: float | tuple[float, float] = 0.08,
                 g_shift_limit: float | tuple[float, float] = 0.08,
                 b_shift_limit: float | tuple[float, float] = 0.08, p: float = 0.5):
        super().__init__(p=p)
        self.r_shift_limit = check_range(self, "r_shift_limit", r_shift_limit, -1, 1,
                                         symmetric=True)
        self.g_shift_limit = check_range(self, "g_shift_limit", g_shift_limit, -1, 1,
                                         symmetric=True)
        self.b_shift_limit = check_range(self, "b_shift_limit", b_shift_limit, -1, 1,
                                         symmetric=True)

    def sample(self, rng, state):
        require_colour(state["image"], type(self).__name__)
        limits = (self.r_shift_limit, self.g_shift_limit, self.b_shift_limit)
        return {"shifts": [float(rng.uniform(*lim)) for lim in limits]}

    def apply_image(self, image, params):
        require_rgb(image, type(self).__name__)
        return K.channel_shift(image, params["shifts"])
