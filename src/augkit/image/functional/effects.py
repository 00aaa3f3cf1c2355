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
    """``x + alpha * (x - blur(x))`` where the detail ``|x - blur(x)|`` reaches
    ``threshold``; the on/off map is smoothed with the same Gaussian so that the edge of a
    thresholded region does not show as a step. float32 OpenCV passes throughout (numpy's
    temporaries cost as much as the two blurs)."""
    if img.dtype == np.uint8:
        return _unsharp_mask_u8(img, ksize, sigma, alpha, threshold)
    x = unit(img)
    work = x[:, :, 0] if x.ndim == 3 and x.shape[2] == 1 else x  # OpenCV drops that axis
    kernel = cv2.getGaussianKernel(ksize, sigma, cv2.CV_32F)
    blurred = cv2.sepFilter2D(work, -1, kernel, kernel, borderType=_BORDER)
    detail = cv2.subtract(work, blurred)
    if threshold > 0:
        _, on = cv2.threshold(cv2.absdiff(work, blurred), threshold * (1 - 1e-7), 1.0,
                              cv2.THRESH_BINARY)
        on = cv2.sepFilter2D(on, -1, kernel, kernel, borderType=_BORDER)
        detail = cv2.multiply(detail, on)
    out = cv2.scaleAdd(detail, float(alpha), work).reshape(x.shape)
    return to_dtype(out, img)


def _unsharp_mask_u8(img: np.ndarray, ksize: int, sigma: float, alpha: float,
                     threshold: float) -> np.ndarray:
    """:func:`unsharp_mask` in uint8 / int16 OpenCV passes (each float32 temporary of the
    float path costs its page faults, ~10x the arithmetic at 256x256): the sharpened image
    saturated, then blended with the input by the smoothed on/off map of the detail. Within
    a grey level of the float path on average; pixels right at the threshold may switch
    on in one path and not the other."""
    work = img[:, :, 0] if img.ndim == 3 and img.shape[2] == 1 else img
    blurred = cv2.GaussianBlur(work, (ksize, ksize), sigma, borderType=_BORDER)
    sharp = cv2.addWeighted(work, 1.0 + alpha, blurred, -alpha, 0.0)
    if threshold > 0:
        # |detail| >= threshold on integer levels is |detail| > ceil(threshold) - 1 (a
        # scalar threshold applies to every channel; cv2.compare's scalar would not)
        level = math.ceil(threshold * 255.0 - 1e-9) - 1
        _, on = cv2.threshold(cv2.absdiff(work, blurred), level, 255, cv2.THRESH_BINARY)
        soft = cv2.GaussianBlur(on, (ksize, ksize), sigma, borderType=_BORDER)
        step = cv2.subtract(sharp, work, dtype=cv2.CV_16S)
        step = cv2.multiply(step, soft.astype(np.int16), scale=1.0 / 255.0, dtype=cv2.CV_16S)
        sharp = cv2.add(work, step, dtype=cv2.CV_8U)
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
