"""Domain-adaptation kernels: histogram matching, Fourier domain adaptation (FDA) and
pixel-distribution adaptation, each towards one reference image.

Images and references are read in [0, 1] units (uint8 / 255, uint16 / 65535 on its
carrier, float32 as it is) and may differ in size; results are blended with the input by
``blend`` (0: the input, 1: fully adapted) and come back in the input's dtype.
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.noise import to_dtype

PDA_TYPES = ("pca", "standard", "minmax")


def as_unit(img: np.ndarray) -> np.ndarray:
    """A float32 copy in [0, 1] units whatever the dtype, with a channel axis."""
    scale = {"B": 1 / 255, "H": 1 / 65535}.get(img.dtype.char, 1.0)
    out = img.astype(np.float32) * np.float32(scale)
    return out[:, :, None] if out.ndim == 2 else out


def _back(values: np.ndarray, img: np.ndarray, blend: float) -> np.ndarray:
    x = as_unit(img)
    if blend < 1.0:
        values = x + np.float32(blend) * (values - x)
    out = to_dtype(values.astype(np.float32, copy=False), img)
    return out.reshape(img.shape)


def _match_channel(src: np.ndarray, ref: np.ndarray) -> np.ndarray:
    """Each value of ``src`` replaced by the value at the same quantile of ``ref``."""
    values, index, counts = np.unique(src.ravel(), return_inverse=True, return_counts=True)
    quantiles = (np.cumsum(counts) - 0.5 * counts) / src.size
    ref_sorted = np.sort(ref.ravel())
    ref_q = (np.arange(ref_sorted.size) + 0.5) / ref_sorted.size
    return np.interp(quantiles, ref_q, ref_sorted).astype(np.float32)[index].reshape(src.shape)


def histogram_match(img: np.ndarray, ref: np.ndarray, blend: float) -> np.ndarray:
    """Per channel, the input's value distribution mapped onto the reference's (a rank
    mapping: ties stay ties; uint8 inputs have at most 256 distinct values per channel)."""
    x, r = as_unit(img), as_unit(ref)
    out = np.stack([_match_channel(x[:, :, c], r[:, :, c]) for c in range(x.shape[2])],
                   axis=2)
    return _back(out, img, blend)


def fda(img: np.ndarray, ref: np.ndarray, beta: float, blend: float) -> np.ndarray:
    """Yang and Soatto's FDA (CVPR 2020): the low-frequency amplitude spectrum of each
    channel (a centred square of half-side ``beta * min(h, w)``) replaced by the
    reference's (resized to the input), the phase kept."""
    x = as_unit(img)
    h, w = x.shape[:2]
    r = as_unit(ref)
    if r.shape[:2] != (h, w):
        r = cv2.resize(r, (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, -1)
    b = int(np.floor(min(h, w) * beta))
    out = np.empty_like(x)
    for c in range(x.shape[2]):
        fx = np.fft.fftshift(np.fft.fft2(x[:, :, c]))
        if b > 0:
            fr = np.fft.fftshift(np.fft.fft2(r[:, :, c]))
            cy, cx = h // 2, w // 2
            win = (slice(max(0, cy - b), cy + b + 1), slice(max(0, cx - b), cx + b + 1))
            fx[win] = np.abs(fr[win]) * np.exp(1j * np.angle(fx[win]))
        out[:, :, c] = np.real(np.fft.ifft2(np.fft.ifftshift(fx)))
    return _back(out, img, blend)


def _fit(pixels: np.ndarray, kind: str):
    """(forward, inverse) maps of a per-image normalisation fitted to (N, C) pixels."""
    if kind == "minmax":
        lo, hi = pixels.min(axis=0), pixels.max(axis=0)
        span = np.where(hi > lo, hi - lo, 1.0)
        return (lambda p: (p - lo) / span), (lambda z: z * span + lo)
    mean = pixels.mean(axis=0)
    if kind == "standard":
        std = pixels.std(axis=0)
        std = np.where(std > 1e-12, std, 1.0)
        return (lambda p: (p - mean) / std), (lambda z: z * std + mean)
    cov = np.atleast_2d(np.cov(pixels, rowvar=False)) if len(pixels) > 1 else np.eye(
        pixels.shape[1])
    values, vectors = np.linalg.eigh(cov)
    # eigenvectors have no sign: make each one's largest component positive so that the
    # image's and the reference's axes correspond
    flip = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(vectors.shape[1])])
    vectors = vectors * np.where(flip == 0, 1.0, flip)
    scale = np.sqrt(np.maximum(values, 1e-12))
    return (lambda p: (p - mean) @ vectors / scale), (lambda z: (z * scale) @ vectors.T + mean)


def pixel_distribution(img: np.ndarray, ref: np.ndarray, kind: str, blend: float
                       ) -> np.ndarray:
    """The input's pixels normalised by a fit to themselves ("pca": whitened, "standard":
    per-channel mean and std, "minmax": per-channel range), then mapped back through the
    same fit to the reference's pixels."""
    x, r = as_unit(img), as_unit(ref)
    channels = x.shape[2]
    pixels = x.reshape(-1, channels).astype(np.float64)
    forward, _ = _fit(pixels, kind)
    _, inverse = _fit(r.reshape(-1, channels).astype(np.float64), kind)
    out = inverse(forward(pixels)).reshape(x.shape).astype(np.float32)
    return _back(out, img, blend)
