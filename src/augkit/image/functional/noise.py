"""Sensor noise kernels: photon shot noise and camera ISO noise.

Every random draw comes from ``np.random.default_rng(noise_seed)``; amounts are fractions of
full scale (255 for uint8, 1.0 for float32 in [0, 1]).
"""

from __future__ import annotations

import numpy as np

from augkit.image.functional.color import max_value


def to_dtype(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Values in [0, 1] back to the dtype of ``like`` (rounded and clipped)."""
    if like.dtype == np.uint8:
        return np.clip(np.rint(values * 255.0), 0, 255).astype(np.uint8)
    return np.clip(values, 0.0, 1.0).astype(np.float32)


def unit(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32) * np.float32(1.0 / max_value(img))


def poisson_photons(values: np.ndarray, std: float, rng: np.random.Generator) -> np.ndarray:
    """Shot noise on values in [0, 1]: photon counts with ``1 / std**2`` photons at full
    scale, so the noise std is ``std`` at full scale and ``std * sqrt(x)`` at level x."""
    if std <= 0:
        return values
    photons = 1.0 / (std * std)
    counts = rng.poisson(np.clip(values, 0, None).astype(np.float64) * photons)
    return (counts / photons).astype(np.float32)


def shot_noise(img: np.ndarray, std: float, noise_seed: int) -> np.ndarray:
    rng = np.random.default_rng(noise_seed)
    return to_dtype(poisson_photons(unit(img), std, rng), img)


def iso_noise(img: np.ndarray, intensity: float, color_shift: float,
              noise_seed: int) -> np.ndarray:
    """Luminance noise shared by all channels (std ``intensity * sqrt(level)``, as photon
    noise grows with brightness) plus independent per-channel chroma noise (std
    ``color_shift``)."""
    rng = np.random.default_rng(noise_seed)
    x = unit(img)
    level = x if x.ndim == 2 else x.mean(axis=2, keepdims=True)
    luma = rng.standard_normal(level.shape, dtype=np.float32) * (
        np.float32(intensity) * np.sqrt(level))
    chroma = rng.standard_normal(x.shape, dtype=np.float32) * np.float32(color_shift)
    return to_dtype(x + luma + chroma, img)
