"""Small convolution filters: Pillow's edge / detail enhancement kernels and random
identity-centred kernels; and additive noise of several distributions.

Filters run through OpenCV in the image's dtype (uint8 rounded and saturated; float32
clipped to [0, 1]); noise is drawn from ``np.random.default_rng(noise_seed)``.
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional import geometric as G
from augkit.image.functional.noise import normal, to_dtype, unit

_BORDER = cv2.BORDER_REFLECT_101
# Pillow's ImageFilter kernels, each summing to 1: EDGE_ENHANCE and DETAIL
ENHANCE_KERNELS = {
    "edge": np.array([[-1, -1, -1], [-1, 10, -1], [-1, -1, -1]], np.float64) / 2,
    "detail": np.array([[0, -1, 0], [-1, 10, -1], [0, -1, 0]], np.float64) / 6,
}
NOISE_TYPES = ("uniform", "gaussian", "laplace")
SPATIAL_MODES = ("constant", "per_pixel", "shared")


def filtered(img: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    out = G.keep_shape(cv2.filter2D(img, -1, kernel.astype(np.float32), borderType=_BORDER),
                       img)
    if out.dtype == np.float32:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def enhance_kernel(mode: str, alpha: float) -> np.ndarray:
    """``(1 - alpha) * identity + alpha * E``: alpha 1 is Pillow's filter, 2 (edge) its
    EDGE_ENHANCE_MORE; the kernel sums to 1, so flat areas keep their level."""
    kernel = alpha * ENHANCE_KERNELS[mode]
    kernel[1, 1] += 1 - alpha
    return kernel


def stochastic_kernels(ksize: int, strength: float, count: int, noise_seed: int
                       ) -> list[np.ndarray]:
    """``count`` kernels: an impulse plus Gaussian noise of std ``strength / ksize`` whose
    own mean is taken out, so each kernel sums to 1 (the image keeps its level)."""
    rng = np.random.default_rng(noise_seed)
    kernels = []
    for _ in range(count):
        field = rng.standard_normal((ksize, ksize)) * (strength / ksize)
        field -= field.mean()
        field[ksize // 2, ksize // 2] += 1.0
        kernels.append(field)
    return kernels


def stochastic_convolution(img: np.ndarray, kernels: list[np.ndarray]) -> np.ndarray:
    """One kernel for the whole image, or one per channel."""
    if len(kernels) == 1 or img.ndim == 2:
        return filtered(img, kernels[0])
    return np.stack([filtered(np.ascontiguousarray(img[:, :, c]), k)
                     for c, k in enumerate(kernels)], axis=2)


def _draw(rng, kind: str, scale: float, shape: tuple[int, ...]) -> np.ndarray:
    """float32 noise: uniform from float32 draws, gaussian from the quantile table of
    :func:`~augkit.image.functional.noise.normal` (~5x faster than float64 draws cast)."""
    if kind == "uniform":  # scale: the half-width
        out = rng.random(shape, dtype=np.float32)
        out *= np.float32(2.0 * scale)
        out -= np.float32(scale)
        return out
    if kind == "gaussian":  # scale: the std
        out = normal(rng, shape)
        out *= np.float32(scale)
        return out
    return rng.laplace(0.0, scale / np.sqrt(2.0), shape).astype(np.float32)  # std = scale


def additive_noise(img: np.ndarray, kind: str, mode: str, scale: float,
                   noise_seed: int) -> np.ndarray:
    """Noise of ``kind`` and size ``scale`` (fraction of full scale) added in [0, 1] units:
    one value per channel ("constant"), per pixel and channel ("per_pixel") or per pixel
    shared by the channels ("shared")."""
    rng = np.random.default_rng(noise_seed)
    if img.dtype == np.uint8 and mode != "constant":  # the noise array holds the sum
        noise = _draw(rng, kind, scale * 255.0, img.shape[:2] if mode == "shared" and
                      img.ndim == 3 else img.shape)
        if noise.shape != img.shape:
            noise = np.repeat(noise[:, :, None], img.shape[2], axis=2)
        noise += img
        np.maximum(noise, 0.0, out=noise)
        return G.keep_shape(cv2.convertScaleAbs(noise), img)
    x = unit(img)
    channels = 1 if x.ndim == 2 else x.shape[2]
    if mode == "constant":
        noise = _draw(rng, kind, scale, (channels,))
        noise = noise.reshape(()) if x.ndim == 2 else noise.reshape(1, 1, -1)
    elif mode == "per_pixel":
        noise = _draw(rng, kind, scale, x.shape)
    else:
        noise = _draw(rng, kind, scale, x.shape[:2])
        noise = noise if x.ndim == 2 else noise[:, :, None]
    x += noise
    return to_dtype(x, img)
