"""Kernels of pixel effects: downscaling, unsharp masking, morphology, emboss,
multiplicative noise, pixel dropout.

Amounts are fractions of full scale (255 for uint8, 1.0 for float32 in [0, 1]); float
results are clipped to [0, 1], uint8 results rounded and saturated.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.core.random import random_uint16
from augkit.image.functional import geometric as G
from augkit.image.functional.noise import to_dtype, unit
from augkit.image.functional.scratch import scratch

_BORDER = cv2.BORDER_REFLECT_101
MORPH_OPS = {"erosion": cv2.MORPH_ERODE, "dilation": cv2.MORPH_DILATE,
             "opening": cv2.MORPH_OPEN, "closing": cv2.MORPH_CLOSE}


def downscale(img: np.ndarray, scale: float, down: str, up: str) -> np.ndarray:
    """Resize by ``scale`` (each side at least 1 pixel) with ``down``, then back to the
    original size with ``up``: the detail a low-resolution camera would lose."""
    h, w = img.shape[:2]
    small = G.resize(img, max(1, round(h * scale)), max(1, round(w * scale)), down)
    out = G.resize(small, h, w, up)
    if out.dtype == np.float32 and up in ("cubic", "lanczos"):  # these overshoot
        np.clip(out, 0.0, 1.0, out=out)
    return out


def unsharp_mask(img: np.ndarray, ksize: int, sigma: float, alpha: float,
                 threshold: float) -> np.ndarray:
    """``x + alpha * (x - blur(x))``, kept only where the detail ``|x - blur(x)|`` reaches
    ``threshold`` (per value, Pillow's UnsharpMask gate: flat areas and their noise stay
    as they are). uint8 in uint8 OpenCV passes (float32 temporaries cost their page faults,
    ~10x the arithmetic at 256x256); other images in float32, clipped to [0, 1]."""
    work = img[:, :, 0] if img.ndim == 3 and img.shape[2] == 1 else img  # OpenCV drops it
    work = np.ascontiguousarray(work, dtype=np.uint8 if img.dtype == np.uint8 else np.float32)
    # the temporaries are per-thread scratch arrays: only the result is a new array
    blurred = cv2.GaussianBlur(work, (ksize, ksize), sigma, borderType=_BORDER,
                               dst=scratch("usm_blur", work.shape, work.dtype))
    sharp = cv2.addWeighted(work, 1.0 + alpha, blurred, -alpha, 0.0)
    if work.dtype != np.uint8:
        np.clip(sharp, 0.0, 1.0, out=sharp)
    if threshold > 0:
        detail = cv2.absdiff(work, blurred, dst=scratch("usm_detail", work.shape, work.dtype))
        if work.dtype == np.uint8:
            # |detail| >= threshold on integer levels is |detail| > ceil(threshold) - 1 (a
            # scalar threshold applies to every channel; cv2.compare's scalar would not)
            level = math.ceil(threshold * 255.0 - 1e-9) - 1
            keep = cv2.threshold(detail, level, 255, cv2.THRESH_BINARY, dst=detail)[1]
            cv2.bitwise_and(sharp, keep, dst=sharp)
            cv2.bitwise_not(keep, dst=keep)
            cv2.bitwise_and(work, keep, dst=keep)
            cv2.bitwise_or(sharp, keep, dst=sharp)
        else:
            np.copyto(sharp, work, where=detail < np.float32(threshold))
    return sharp.reshape(img.shape)


def morphology(img: np.ndarray, operation: str, ksize: int) -> np.ndarray:
    """Erode / dilate / open / close with an elliptic ``ksize`` x ``ksize`` element
    (OpenCV; images with 2 or more than 4 channels band by band)."""
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (ksize, ksize))
    op = MORPH_OPS[operation]
    return G.by_band(lambda a: cv2.morphologyEx(a, op, element, borderType=cv2.BORDER_REPLICATE),
                     img)


def dropout_map(shape: tuple[int, ...], prob: float, noise_seed: int) -> np.ndarray:
    """A bool map of ``shape``, each entry True with probability ``prob`` (16-bit draws:
    steps of 1/65536)."""
    rng = np.random.default_rng(noise_seed)
    count = int(np.prod(shape))
    return (random_uint16(rng, count) < round(prob * 65536)).reshape(shape)


def pixel_dropout(img: np.ndarray, drop: np.ndarray, fill: float) -> np.ndarray:
    """``img`` with ``fill`` where ``drop`` (HxW: whole pixels, HxWxC: single values)."""
    out = img.copy()
    if drop.ndim == 2 and img.ndim == 3:
        out[drop] = fill
    else:
        out[drop.reshape(img.shape)] = fill
    return out


def multiply_noise(img: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """``img`` times ``factors`` (float32, broadcastable to the image), in [0, 1] units,
    back to the dtype."""
    x = unit(img)
    x *= factors
    return to_dtype(x, img)


def emboss_kernel(alpha: float, strength: float) -> np.ndarray:
    """The 3x3 emboss filter (light from the top left) blended with the identity by
    ``alpha``: 0 is the image, 1 the full relief of ``strength``."""
    s = strength
    effect = np.array([[-1 - s, -s, 0], [-s, 1, s], [0, s, 1 + s]], np.float32)
    identity = np.zeros((3, 3), np.float32)
    identity[1, 1] = 1
    return (1 - alpha) * identity + alpha * effect


def emboss(img: np.ndarray, alpha: float, strength: float) -> np.ndarray:
    out = G.keep_shape(cv2.filter2D(img, -1, emboss_kernel(alpha, strength),
                                    borderType=_BORDER), img)
    if out.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out
