"""The float32 carrier of uint16 images: value / 65535 in, rounded and clipped back out.

Kernels written for uint8 (lookup tables) and float32 in [0, 1] take a uint16 image through
this carrier; the round trip is exact (float32 holds 16-bit steps with room to spare).
"""

from __future__ import annotations

import numpy as np

U16_MAX = 65535
_SCALE_IN = np.float32(1.0 / U16_MAX)
_SCALE_OUT = np.float32(U16_MAX)


def to_carrier(image: np.ndarray) -> np.ndarray:
    """A uint16 image as float32 in [0, 1]."""
    return np.multiply(image, _SCALE_IN, dtype=np.float32)


def from_carrier(out: np.ndarray) -> np.ndarray:
    """A float32 result back to uint16: scaled, rounded to nearest, clipped to [0, 65535]
    (NaN, which no kernel makes from finite input, would become 0)."""
    scaled = np.multiply(out, _SCALE_OUT, dtype=np.float32)
    np.clip(scaled, 0, _SCALE_OUT, out=scaled)
    np.rint(scaled, out=scaled)
    return scaled.astype(np.uint16)
