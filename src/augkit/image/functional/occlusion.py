"""Occlusion kernels: fill rectangles."""

from __future__ import annotations

import numpy as np


def erase_rectangles(img: np.ndarray, rectangles: list, fill: float) -> np.ndarray:
    """Fill each ``[top, left, bottom, right]`` (pixel indices, end exclusive) with ``fill``."""
    out = img.copy()
    for top, left, bottom, right in rectangles:
        out[int(top):int(bottom), int(left):int(right)] = fill
    return out
