"""Tone and colour-cast kernels: sepia, PCA lighting noise, black-body white balance, tone
curves, vignetting.

Values are read in [0, 1] (uint8 / 255); uint8 point ops are 256-entry tables, the rest
compute in float32 and come back rounded and saturated (float32: clipped to [0, 1]).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.image.functional import color as C
from augkit.image.functional.channels import channel_shuffle
from augkit.image.functional.domain import channel_covariance
from augkit.image.functional.geometric import keep_shape
from augkit.image.functional.noise import to_dtype, unit

# the classic sepia toning matrix (rows: output R, G, B from input R, G, B)
SEPIA = np.array([[0.393, 0.769, 0.189], [0.349, 0.686, 0.168], [0.272, 0.534, 0.131]])


def sepia(img: np.ndarray) -> np.ndarray:
    """Sepia tone of an RGB image: one 3x3 colour matrix in one OpenCV pass."""
    out = cv2.transform(img, SEPIA)
    if out.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def pca_lighting(img: np.ndarray, alphas: list[float]) -> np.ndarray:
    """AlexNet's "fancy PCA" (Krizhevsky et al. 2012): add ``sum_i alpha_i lambda_i v_i`` to
    every pixel, where ``lambda_i, v_i`` are the eigenvalues and vectors of the image's
    channel covariance (in [0, 1] units). uint8 images add the shift through one table per
    channel."""
    channels = 1 if img.ndim == 2 else img.shape[2]
    pixels = img.reshape(-1, channels).astype(np.float32)
    if len(pixels) < 2:  # one pixel has no covariance: nothing to shift along
        return img.copy()
    if img.dtype == np.uint8:
        pixels *= np.float32(1 / 255)
    cov, _ = channel_covariance(pixels)
    values, vectors = np.linalg.eigh(cov)
    delta = vectors @ (np.asarray(alphas) * np.maximum(values, 0.0))
    if img.dtype == np.uint8:
        return C.per_channel_point_op(img, [lambda v, d=d: v + d for d in delta])
    x = unit(img)
    x += delta.astype(np.float32).reshape((1, 1, -1) if x.ndim == 3 else ())
    return to_dtype(x, img)


def blackbody_rgb(kelvin: float) -> np.ndarray:
    """The colour of a black body at ``kelvin`` as RGB in [0, 1], neutral (1, 1, 1) near
    6600 K: Tanner Helland's published fit of the CIE 1964 data (1000 K to 40000 K)."""
    t = kelvin / 100.0
    if t <= 66:
        r = 1.0
        g = (99.4708025861 * math.log(t) - 161.1195681661) / 255
    else:
        r = 329.698727446 * (t - 60) ** -0.1332047592 / 255
        g = 288.1221695283 * (t - 60) ** -0.0755148492 / 255
    if t >= 66:
        b = 1.0
    elif t <= 19:
        b = 0.0
    else:
        b = (138.5177312231 * math.log(t - 10) - 305.0447927307) / 255
    return np.clip([r, g, b], 0.0, 1.0)


def white_balance(img: np.ndarray, kelvin: float) -> np.ndarray:
    """Scale R, G, B as light of ``kelvin`` would (relative to green, so that the overall
    level stays near the input's)."""
    gains = blackbody_rgb(kelvin)
    gains = gains / max(gains[1], 1e-6)
    if img.dtype == np.uint8:
        return C.per_channel_point_op(img, [lambda v, g=g: v * g for g in gains])
    out = C.channel_affine(img, gains, np.zeros(3))
    np.clip(out, 0.0, 1.0, out=out)
    return out


def tone_curve(x: np.ndarray, low: float, high: float) -> np.ndarray:
    """A cubic Bezier tone curve through (0, 0) and (1, 1) with control values ``low`` at
    1/3 and ``high`` at 2/3 (x spaced evenly, so the curve is a polynomial in x). Inputs
    are clipped into [0, 1] first, where the curve is defined (an inf would give inf - inf)."""
    x = np.clip(x, 0.0, 1.0)
    u = 1.0 - x
    return 3 * x * u * u * low + 3 * x * x * u * high + x * x * x


def tone_curves(img: np.ndarray, lows: list[float], highs: list[float]) -> np.ndarray:
    """One tone curve per channel (a single pair: the same curve on every channel)."""
    fns = [lambda v, lo=lo, hi=hi: tone_curve(v, lo, hi) for lo, hi in zip(lows, highs,
                                                                          strict=True)]
    if len(fns) == 1:
        return C.point_op(img, fns[0])
    return C.per_channel_point_op(img, fns)


def vignette(img: np.ndarray, intensity: float, cx: float, cy: float) -> np.ndarray:
    """Darken towards the corners: each pixel times ``1 - intensity * (r / r_max)**2``, r
    its distance to the centre (``cx``, ``cy`` as fractions of width and height), r_max
    the distance to the farthest corner."""
    h, w = img.shape[:2]
    x0, y0 = cx * w, cy * h
    dx = (np.arange(w, dtype=np.float32) + 0.5 - x0) ** 2
    dy = (np.arange(h, dtype=np.float32) + 0.5 - y0) ** 2
    r_max = max(x0, w - x0) ** 2 + max(y0, h - y0) ** 2
    gain = 1.0 - np.float32(intensity / r_max) * (dy[:, None] + dx[None, :])
    x = unit(img)
    if x.ndim == 3:
        gain = gain[:, :, None]
    x *= gain
    return keep_shape(to_dtype(x, img), img)


def exposure_gain(img: np.ndarray, target: float, gain_range: tuple[float, float] | None
                  ) -> float:
    """The gain taking the image's mean (every pixel and channel, [0, 1] units) to
    ``target``, clipped to ``gain_range``; an all-black image gets gain 1."""
    mean = float(cv2.mean(img.reshape(img.shape[0], -1))[0]) / C.max_value(img)
    gain = target / mean if mean > 1e-6 else 1.0
    if gain_range is not None:
        gain = min(max(gain, gain_range[0]), gain_range[1])
    return gain


def photometric_distort(img: np.ndarray, brightness: float, contrast: float,
                        contrast_first: bool, saturation: float, hue: float,
                        order: list[int] | None) -> np.ndarray:
    """SSD's photometric distortion in torchvision's order: brightness (a factor), contrast
    (about the mean grey) before or after saturation and hue (RGB only: grey and other
    channel counts skip those two), then a channel permutation when ``order`` is given.
    Factors of 1 and a hue of 0 are skipped."""
    x = img
    if brightness != 1.0:
        x = C.multiply(x, brightness)
    if contrast_first and contrast != 1.0:
        x = C.brightness_contrast(x, 0.0, contrast)
    if x.ndim == 3 and x.shape[2] == 3:
        if saturation != 1.0:
            x = C.saturation(x, saturation)
        if hue != 0.0:
            x = C.hue_saturation_value(x, hue * 360.0, 0.0, 0.0)
    if not contrast_first and contrast != 1.0:
        x = C.brightness_contrast(x, 0.0, contrast)
    if order is not None and x.ndim == 3:
        x = channel_shuffle(x, order)
    return x.copy() if x is img else x
