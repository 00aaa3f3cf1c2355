"""Sensor noise kernels: photon shot noise and camera ISO noise.

Every random draw comes from ``np.random.default_rng(noise_seed)``; amounts are fractions of
full scale (255 for uint8, 1.0 for float32 in [0, 1]).
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist

import cv2
import numpy as np

from augkit.core.random import random_uint16
from augkit.image.functional.bands import row_bands
from augkit.image.functional.color import max_value
from augkit.image.functional.geometric import keep_shape

EXACT_POISSON_BELOW = 10.0  # expected photons under which counts are drawn exactly


def to_dtype(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Float values in [0, 1] back to the dtype of ``like`` (rounded and clipped); may
    reuse ``values``' memory."""
    if like.dtype == np.uint8:  # two SIMD passes: clip below, then scale-round-saturate
        np.maximum(values, 0.0, out=values)
        return keep_shape(cv2.convertScaleAbs(values, alpha=255.0), like)
    np.clip(values, 0.0, 1.0, out=values)
    return values.astype(np.float32, copy=False)


def unit(img: np.ndarray) -> np.ndarray:
    """A new float32 array of the image scaled to [0, 1]."""
    out = img.astype(np.float32)
    if img.dtype == np.uint8:
        out *= np.float32(1.0 / max_value(img))
    return out


@lru_cache(maxsize=1)
def _normal_table() -> np.ndarray:
    inv = NormalDist().inv_cdf
    return np.array([inv((i + 0.5) / 65536) for i in range(65536)], dtype=np.float32)


def normal(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Standard normal float32 noise, about 4x faster than ``rng.standard_normal``: 16-bit
    uniform draws looked up in a table of the 65536 normal quantiles (tails cut at 4.3
    sigma, which 8-bit images cannot show anyway)."""
    count = math.prod(shape)
    index = random_uint16(rng, count).reshape(shape)
    return np.take(_normal_table(), index)


def poisson_photons(values: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """Shot noise on values in [0, 1]: photon counts with ``1 / std**2`` photons at full
    scale, so the noise std is ``std`` at full scale and ``std * sqrt(x)`` at level x.

    Counts are Poisson; where at least ``EXACT_POISSON_BELOW`` photons are expected they are
    drawn from the matching normal distribution (the usual, accurate approximation there),
    below that exactly, which keeps dark regions right and the cost low.
    """
    if std <= 0:
        return values
    photons = 1.0 / (std * std)
    x = np.maximum(values, 0.0).astype(np.float32)
    noise = normal(rng, x.shape)
    noise *= np.sqrt(x)
    noise *= np.float32(std)
    out = x + noise
    dark = x < np.float32(EXACT_POISSON_BELOW / photons)
    if dark.any():
        out[dark] = rng.poisson(x[dark].astype(np.float64) * photons) / photons
    return out


def after_uint16(noise_seed: int, count: int) -> np.random.Generator:
    """``np.random.default_rng(noise_seed)`` in the state ``random_uint16(rng, count)``
    leaves it, without drawing: a second stream that starts where a first one ends, so
    two fields drawn one after the other can be produced band by band side by side."""
    rng = np.random.default_rng(noise_seed)
    if count < 32:  # random_uint16's small draws go through rng.bytes: just draw them
        random_uint16(rng, count)
        return rng
    bits = rng.bit_generator
    halves = -(-count // 2)  # 32-bit draws: two per 64-bit word, low half first
    bits.advance(halves // 2)
    if halves % 2:  # the last word's upper half stays buffered for the next 32-bit draw
        word = int(bits.random_raw())
        state = bits.state
        state["has_uint32"], state["uinteger"] = 1, word >> 32
        bits.state = state
    return rng


def shot_noise(img: np.ndarray, std: float, noise_seed: int) -> np.ndarray:
    """:func:`poisson_photons` on the image, band by band: the normals of a band come from
    the stream's start, the exact dark-pixel counts from a second stream that starts where
    all the normals end, which is where one whole-image call would draw them."""
    if std <= 0:
        return to_dtype(unit(img), img)
    normals = np.random.default_rng(noise_seed)
    counts = after_uint16(noise_seed, img.size)
    out = np.empty_like(img)
    for first, stop in row_bands(img):
        band = img[first:stop]
        out[first:stop] = to_dtype(_photons_band(unit(band), std, normals, counts), band)
    return out


@np.errstate(invalid="ignore")  # inf pixels give NaN there only (float policy)
def _photons_band(values: np.ndarray, std: float, normals: np.random.Generator,
                  counts: np.random.Generator) -> np.ndarray:
    """:func:`poisson_photons` with its normal and its Poisson draws from two streams."""
    photons = 1.0 / (std * std)
    x = np.maximum(values, 0.0, out=values)
    noise = normal(normals, x.shape)
    noise *= np.sqrt(x)
    noise *= np.float32(std)
    noise += x
    dark = x < np.float32(EXACT_POISSON_BELOW / photons)
    if dark.any():
        noise[dark] = counts.poisson(x[dark].astype(np.float64) * photons) / photons
    return noise


@np.errstate(invalid="ignore")  # inf pixels give NaN there only (float policy)
def iso_noise(img: np.ndarray, intensity: float, color_shift: float,
              noise_seed: int) -> np.ndarray:
    """Luminance noise shared by all channels (std ``intensity * sqrt(level)``, as photon
    noise grows with brightness) plus independent per-channel chroma noise (std
    ``color_shift``).

    The luminance field comes first in the seed's stream, then the chroma field; bands of
    rows draw each from its own generator (the chroma one started where the luminance
    field ends), so the image is built band by band with the numbers of whole-image draws.
    """
    luma_rng = np.random.default_rng(noise_seed)
    chroma_rng = after_uint16(noise_seed, img.shape[0] * img.shape[1])
    out = np.empty_like(img)
    for first, stop in row_bands(img):
        band = img[first:stop]
        x = unit(band)
        if x.ndim == 2:
            level = x
        else:  # channel mean in one OpenCV pass (numpy's small-axis mean is slow)
            level = cv2.transform(x, np.full((1, x.shape[2]), 1.0 / x.shape[2], np.float32))
            level = level.reshape(x.shape[:2])
        luma = normal(luma_rng, level.shape)
        luma *= np.sqrt(np.maximum(level, 0.0))
        luma *= np.float32(intensity)
        chroma = normal(chroma_rng, x.shape)
        chroma *= np.float32(color_shift)
        x += chroma
        x += luma if x.ndim == 2 else luma[:, :, None]
        out[first:stop] = to_dtype(x, band)
    return out
