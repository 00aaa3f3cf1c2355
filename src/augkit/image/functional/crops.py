"""Window kernels: a crop whose window may reach past the image, the overhang padded."""

from __future__ import annotations

import numpy as np

from augkit.image.functional import geometric as G


def overhang(h: int, w: int, top: int, left: int, height: int, width: int
             ) -> tuple[int, int, int, int]:
    """Pixels the window ``top, left, height, width`` reaches past each side of an ``h`` x
    ``w`` image: (top, bottom, left, right), each >= 0."""
    return (max(0, -top), max(0, top + height - h), max(0, -left), max(0, left + width - w))


def window(img: np.ndarray, top: int, left: int, height: int, width: int,
           border_mode: str = "constant", fill: float = 0) -> np.ndarray:
    """The ``height`` x ``width`` window at (``top``, ``left``) of ``img`` (a new array);
    where it reaches past the image, the border is made by ``border_mode`` (``fill`` for
    "constant"), as :func:`augkit.image.functional.geometric.pad` makes it."""
    pt, pb, pl, pr = overhang(img.shape[0], img.shape[1], top, left, height, width)
    if not (pt or pb or pl or pr):
        return G.crop(img, top, left, height, width)
    # pad only the part of the image the window covers (plus what reflection needs)
    y0, x0 = max(0, top), max(0, left)
    y1, x1 = min(img.shape[0], top + height), min(img.shape[1], left + width)
    if border_mode == "constant" and y1 > y0 and x1 > x0:
        return G.pad(img[y0:y1, x0:x1], pt, pb, pl, pr, border_mode, fill)
    padded = G.pad(img, pt, pb, pl, pr, border_mode, fill)
    return G.crop(padded, top + pt, left + pl, height, width)
