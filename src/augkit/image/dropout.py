"""Structured dropout: a regular grid of holes (GridDropout) and whole channels
(ChannelDropout). ``fill`` is a pixel value, as for :class:`augkit.image.Cutout`."""

from __future__ import annotations

from augkit.core.validate import check_range
from augkit.image._args import MASK_FILL_MAX, check_bool, check_fill, fill_for
from augkit.image.base import ImageTransform
from augkit.image.functional import channels as K


class GridDropout(ImageTransform):
    """Drop a regular grid of square holes (Chen et al. 2020, "GridMask").

    The grid unit is drawn from ``unit_size`` (fraction of the image's short side); in each
    unit a hole of side ``ratio`` (fraction of the unit, drawn from the range) is filled with
    ``fill``; ``random_offset`` shifts the grid by a random amount. With ``mask_fill`` set,
    the holes are cut from masks too.

    >>> import numpy as np
    >>> out = GridDropout(unit_size=0.5, ratio=0.5, random_offset=False, p=1.0)(
    ...     image=np.ones((4, 4), np.uint8))["image"]
    >>> out.tolist()
    [[0, 1, 0, 1], [1, 1, 1, 1], [0, 1, 0, 1], [1, 1, 1, 1]]
    """

    def __init__(self, unit_size: float | tuple[float, float] = (0.1, 0.25),
                 ratio: float | tuple[float, float] = 0.5, random_offset: bool = True,
                 fill: float = 0, mask_fill: float | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.unit_size = check_range(self, "unit_size", unit_size, 1e-3, 1)
        self.ratio = check_range(self, "ratio", ratio, 0, 1)
        self.random_offset = check_bool(self, "random_offset", random_offset)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = None if mask_fill is None else check_fill(self, "mask_fill",
                                                                   mask_fill, MASK_FILL_MAX)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        unit = max(2, int(round(rng.uniform(*self.unit_size) * min(h, w))))
        hole = min(unit, max(1, int(round(rng.uniform(*self.ratio) * unit))))
        shift = [int(rng.integers(0, unit)), int(rng.integers(0, unit))] if (
            self.random_offset) else [0, 0]
        return {"unit": [unit, unit], "hole": [hole, hole], "shift": shift}

    def apply_image(self, image, params):
        return K.grid_dropout(image, params["unit"], params["hole"], params["shift"],
                              fill_for(self, "fill", self.fill, image))

    def apply(self, state, params):
        out = super().apply(state, params)
        if self.mask_fill is not None:
            def cut(m):
                return K.grid_dropout(m, params["unit"], params["hole"], params["shift"],
                                      fill_for(self, "mask_fill", self.mask_fill, m))
            if "mask" in state:
                out["mask"] = cut(state["mask"])
            if "masks" in state:
                out["masks"] = [cut(m) for m in state["masks"]]
        return out


class ChannelDropout(ImageTransform):
    """Fill a random number (drawn from ``channel_drop_range``) of channels with ``fill``.
    Needs at least two channels; at least one channel is always kept.

    >>> import numpy as np
    >>> out = ChannelDropout(p=1.0)(image=np.ones((2, 2, 3), np.uint8), seed=0)["image"]
    >>> int((out == 0).all(axis=(0, 1)).sum())  # one whole channel dropped
    1
    """

    def __init__(self, channel_drop_range: int | tuple[int, int] = (1, 1), fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.channel_drop_range = check_range(self, "channel_drop_range", channel_drop_range,
                                              1, 1 << 16, integer=True)
        self.fill = check_fill(self, "fill", fill)

    def sample(self, rng, state):
        image = state["image"]
        channels = self.colour_channels(image)  # RGBA: alpha is never dropped
        low, high = self.channel_drop_range
        if channels < 2 or low >= channels:
            raise ValueError(f"ChannelDropout: needs an image with more channels than it drops "
                             f"(e.g. RGB); got shape {image.shape} and 'channel_drop_range' "
                             f"{self.channel_drop_range}")
        count = int(rng.integers(low, min(high, channels - 1) + 1))
        return {"channels": sorted(int(c) for c in rng.choice(channels, count, replace=False))}

    def apply_image(self, image, params):
        return K.channel_dropout(image, params["channels"], fill_for(self, "fill", self.fill,
                                                                      image))
