"""The float32 carrier of uint16 images (value / 65535 in, rounded and clipped back out),
and the RGB / alpha split of RGBA images under pixel ops.

Kernels written for uint8 (lookup tables) and float32 in [0, 1] take a uint16 image through
this carrier; the round trip is exact (float32 holds 16-bit steps with room to spare). Each
way is one OpenCV pass over the image seen as one channel (scale, convert, round to nearest
and saturate together), about 4x faster than the numpy steps.
"""

from __future__ import annotations

import cv2
import numpy as np

U16_MAX = 65535


def _flat(image: np.ndarray) -> np.ndarray:
    """The image as a 2-D single-channel array (any channel count; no copy if contiguous)."""
    image = np.ascontiguousarray(image)
    return image.reshape(image.shape[0], -1)


def to_carrier(image: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """A uint16 image as float32 in [0, 1] (into ``out``, a float32 array of its shape, when
    given: e.g. a scratch array, so that no page faults on a fresh temporary)."""
    flat = _flat(image)
    if out is None:
        return cv2.multiply(flat, 1.0 / U16_MAX, dtype=cv2.CV_32F).reshape(image.shape)
    cv2.multiply(flat, 1.0 / U16_MAX, dst=out.reshape(flat.shape), dtype=cv2.CV_32F)
    return out


def from_carrier(out: np.ndarray) -> np.ndarray:
    """A float32 result back to uint16: scaled, rounded to nearest, clipped to [0, 65535]
    (kernels make no NaN from finite input)."""
    back = cv2.multiply(_flat(out), float(U16_MAX), dtype=cv2.CV_16U)
    return back.reshape(out.shape)


def split_rgb(image: np.ndarray) -> np.ndarray:
    """The R, G, B planes of an RGBA image, contiguous (OpenCV for the dtypes it converts:
    a numpy strided copy of 3 of 4 channels is ~20x slower)."""
    if image.dtype.char in "BHf":
        return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGBA2RGB)
    return np.ascontiguousarray(image[..., :3])


def join_alpha(rgb: np.ndarray, rgba: np.ndarray) -> np.ndarray:
    """``rgb`` with the alpha plane of ``rgba`` as its fourth channel (in ``rgb``'s dtype)."""
    if rgb.dtype == rgba.dtype and rgb.dtype.char in "BHf" and rgb.shape[:2] == rgba.shape[:2]:
        out = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2RGBA)
        cv2.mixChannels([np.ascontiguousarray(rgba)], [out], [3, 3])
        return out
    out = np.empty(rgb.shape[:2] + (4,), rgb.dtype)
    out[..., :3] = rgb
    out[..., 3] = rgba[..., 3]
    return out
