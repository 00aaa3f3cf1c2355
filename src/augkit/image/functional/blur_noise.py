"""Noise and blur kernels.

Noise is a pure function of its parameters: the noise field is drawn from a generator seeded
by ``noise_seed``, which the transform samples. A replay record therefore reproduces the
exact same noise without storing it.
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.bands import row_bands
from augkit.image.functional.color import max_value
from augkit.image.functional.geometric import keep_shape
from augkit.image.functional.noise import normal


def _to_dtype(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    if like.dtype == np.uint8:
        return np.clip(np.rint(values), 0, 255).astype(np.uint8)
    return np.clip(values, 0.0, 1.0).astype(np.float32)


def gaussian_noise(img: np.ndarray, std: float, mean: float, per_channel: bool,
                   noise_seed: int) -> np.ndarray:
    """Add N(mean, std) noise; ``mean`` and ``std`` are fractions of full scale."""
    rng = np.random.default_rng(noise_seed)
    top = max_value(img)
    every_value = per_channel or img.ndim == 2
    out = np.empty_like(img)
    # bands of rows drawn one after the other: the numbers of one whole-image draw, with
    # float32 temporaries of a band only (see noise.row_bands)
    for first, stop in row_bands(img, wide=True):
        band = img[first:stop]
        noise = normal(rng, band.shape if every_value else band.shape[:2] + (1,))
        noise *= np.float32(std * top)  # table-driven normals: ~3x faster than
        noise += np.float32(mean * top)  # standard_normal
        if img.dtype == np.uint8 and every_value:
            # one OpenCV pass: float add, round half to even, saturate (= clip(rint(x)))
            out[first:stop] = keep_shape(cv2.add(band, noise, dtype=cv2.CV_8U), band)
        else:
            out[first:stop] = _to_dtype(band.astype(np.float32) + noise, band)
    return out


def salt_and_pepper(img: np.ndarray, amount: float, salt_ratio: float,
                    noise_seed: int) -> np.ndarray:
    """Set a fraction ``amount`` of pixels (all channels) to the max (salt) or 0 (pepper)."""
    # 16-bit uniforms straight from the generator's raw words: 4 per draw, ~5x cheaper than
    # float64 uniforms; thresholds resolve amounts to 1/65536
    n = img.shape[0] * img.shape[1]
    words = np.random.default_rng(noise_seed).bit_generator.random_raw(-(-n // 4))
    draw = words.view(np.uint16)[:n]
    salt_below = round(amount * salt_ratio * 65536)
    pepper_below = round(amount * 65536)
    out = img.copy()
    pixels = out.reshape(n, -1)  # a view: each row is one pixel, all channels
    pixels[np.flatnonzero(draw < salt_below)] = max_value(img)
    pepper = draw < pepper_below
    pepper &= draw >= salt_below
    pixels[np.flatnonzero(pepper)] = 0
    return out


def gaussian_kernel_size(sigma: float) -> int:
    # OpenCV's own truncation for 8-bit images (GaussianBlur with ksize=0): about +-3 sigma
    return max(3, round(6 * sigma + 1) | 1)


def gaussian_blur(img: np.ndarray, sigma: float, ksize: int | None = None) -> np.ndarray:
    """Separable Gaussian, support about +-3 sigma (OpenCV's 8-bit rule, renormalised), or
    ``ksize`` taps (odd) when given.

    One float 1-D kernel through sepFilter2D: ~1.5x faster than cv2.GaussianBlur's bit-exact
    fixed-point path for uint8, and within 1 grey level of it.
    """
    size = gaussian_kernel_size(sigma) if ksize is None else ksize
    kernel = cv2.getGaussianKernel(size, sigma, cv2.CV_32F)
    return keep_shape(cv2.sepFilter2D(img, -1, kernel, kernel,
                                      borderType=cv2.BORDER_REFLECT_101), img)
