"""Weather and lighting kernels: fog, rain, snow, shadows, sun flare and low light.

Pixels are handled as values in [0, 1] (uint8 is scaled and rounded back), so every kernel
works for any channel count; colours (fog, rain, snow, flare) are grey levels given as
fractions of full scale. Random layouts (fog density, rain drops, snow flakes) come from
``np.random.default_rng(noise_seed)``; shadows and flares take their concrete geometry as
parameters.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.image.functional.blur import motion_kernel
from augkit.image.functional.noise import poisson_photons, to_dtype, unit


def _blend(x: np.ndarray, alpha: np.ndarray, value: float) -> np.ndarray:
    """x * (1 - alpha) + value * alpha, with an HxW alpha broadcast over channels."""
    a = alpha if x.ndim == 2 else alpha[:, :, None]
    return x + (np.float32(value) - x) * a


def smooth_field(height: int, width: int, cell: float, rng: np.random.Generator) -> np.ndarray:
    """Smooth random values in [0, 1]: uniform noise on a grid ``cell`` pixels apart,
    upsampled with cubic interpolation."""
    gh, gw = max(2, math.ceil(height / cell) + 2), max(2, math.ceil(width / cell) + 2)
    coarse = rng.random((gh, gw)).astype(np.float32)
    full = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    return np.clip(full, 0.0, 1.0)


def fog(img: np.ndarray, density: float, fog_value: float, noise_seed: int) -> np.ndarray:
    """Blend towards ``fog_value`` by ``density`` modulated by a smooth random field
    (between 60% and 100% of ``density``), then soften detail in proportion."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    alpha = np.float32(density) * (0.6 + 0.4 * smooth_field(h, w, max(h, w) / 4.0, rng))
    x = _blend(unit(img), alpha, fog_value)
    sigma = density * min(h, w) / 200.0
    if sigma > 0.3:
        x = cv2.GaussianBlur(x, (0, 0), sigma, borderType=cv2.BORDER_REFLECT_101).reshape(
            x.shape)
    return to_dtype(x, img)


def rain(img: np.ndarray, density: float, length: float, angle: float, brightness: float,
         drop_value: float, noise_seed: int) -> np.ndarray:
    """Darken by ``brightness`` and draw streaks: drops seeded at a fraction ``density`` of
    pixels, each smeared along a line ``length`` (fraction of height) long, slanted
    ``angle`` degrees from vertical."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    seeds = (rng.random((h, w)) < density).astype(np.float32)
    size = max(3, int(round(length * h)) | 1)
    line = motion_kernel(size, 90.0 - angle, 0.0)
    streaks = cv2.filter2D(seeds, -1, line / line.max(), borderType=cv2.BORDER_CONSTANT)
    alpha = np.clip(streaks, 0.0, 1.0) * np.float32(0.8)
    return to_dtype(_blend(unit(img) * np.float32(brightness), alpha, drop_value), img)


def snow(img: np.ndarray, density: float, flake_size: float, whiten: float,
         noise_seed: int) -> np.ndarray:
    """Whiten the scene by ``whiten`` and add soft flakes: seeds at a fraction ``density`` of
    pixels, blurred to Gaussian blobs of ``flake_size`` (fraction of the short side)."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    seeds = (rng.random((h, w)) < density).astype(np.float32)
    sigma = max(0.5, flake_size * min(h, w))
    blobs = cv2.GaussianBlur(seeds, (0, 0), sigma) * np.float32(2 * math.pi * sigma * sigma)
    x = _blend(unit(img), np.full((h, w), whiten, np.float32), 1.0)
    return to_dtype(_blend(x, np.clip(blobs, 0.0, 1.0), 1.0), img)


def shadow(img: np.ndarray, polygons: list, darkness: list[float]) -> np.ndarray:
    """Darken each polygon (vertices as (x, y) fractions of width / height) by its
    ``darkness`` (0: no change, 1: black)."""
    h, w = img.shape[:2]
    factor = np.ones((h, w), np.float32)
    for vertices, dark in zip(polygons, darkness, strict=True):
        region = np.zeros((h, w), np.uint8)
        pts = np.rint(np.asarray(vertices, np.float64) * [w, h]).astype(np.int32)
        cv2.fillPoly(region, [pts], 1)
        factor[region > 0] *= np.float32(1.0 - dark)
    x = unit(img)
    return to_dtype(x * (factor if x.ndim == 2 else factor[:, :, None]), img)


def sun_flare(img: np.ndarray, center: list[float], radius: float, intensity: float,
              halos: list) -> np.ndarray:
    """Screen-blend a bright Gaussian sun at ``center`` (fractions of width / height) of
    ``radius`` (fraction of the short side) and soft halos ``[x, y, r, alpha]``."""
    h, w = img.shape[:2]
    short = min(h, w)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    xs += 0.5
    ys += 0.5

    def blob(cx, cy, r):
        d2 = (xs - cx * w) ** 2 + (ys - cy * h) ** 2
        return np.exp(-d2 / np.float32(2.0 * max(r * short, 0.5) ** 2))

    light = np.float32(intensity) * blob(center[0], center[1], radius)
    for hx, hy, hr, ha in halos:
        light += np.float32(ha) * blob(hx, hy, hr)
    light = np.clip(light, 0.0, 1.0)
    return to_dtype(_blend(unit(img), light, 1.0), img)


def low_light(img: np.ndarray, exposure: float, gamma: float, shot_std: float,
              read_std: float, noise_seed: int) -> np.ndarray:
    """An under-exposed capture: ``exposure * x ** gamma``, then photon shot noise (std
    ``shot_std`` at full scale) and Gaussian read noise (std ``read_std``), quantised."""
    rng = np.random.default_rng(noise_seed)
    x = np.float32(exposure) * np.power(unit(img), np.float32(gamma))
    x = poisson_photons(x, shot_std, rng)
    x = x + rng.standard_normal(x.shape, dtype=np.float32) * np.float32(read_std)
    return to_dtype(x, img)
