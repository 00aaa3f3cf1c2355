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

from augkit.image.functional.color import point_op
from augkit.image.functional.noise import normal, poisson_photons, to_dtype, unit


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


def sparse_points(height: int, width: int, density: float,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Positions (x, y) of about ``density * height * width`` random pixels (a binomial
    count, then uniform positions: cheaper than a random draw per pixel)."""
    count = int(rng.binomial(height * width, min(max(density, 0.0), 1.0)))
    return rng.integers(0, width, count), rng.integers(0, height, count)


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
    """Darken by ``brightness`` and draw streaks of ``drop_value``: one anti-aliased line per
    drop (drops at a fraction ``density`` of pixels), ``length`` (fraction of the height)
    long and slanted ``angle`` degrees from vertical, all drawn in one OpenCV call."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    xs, ys = sparse_points(h, w, density, rng)
    size = max(2.0, length * h)
    a = math.radians(angle)
    ends_x, ends_y = xs + size * math.sin(a), ys + size * math.cos(a)
    lines = np.stack([np.column_stack([xs, ys]), np.column_stack([ends_x, ends_y])], axis=1)
    layer = np.zeros((h, w), np.uint8)
    if len(lines):
        cv2.polylines(layer, list(np.rint(lines).astype(np.int32)), False, 204, 1,
                      cv2.LINE_AA)  # 204 / 255 = 0.8 opacity at the streak's core
    alpha = layer.astype(np.float32) * np.float32(1 / 255)
    return to_dtype(_blend(unit(img) * np.float32(brightness), alpha, drop_value), img)


def snow(img: np.ndarray, density: float, flake_size: float, whiten: float,
         noise_seed: int) -> np.ndarray:
    """Whiten the scene by ``whiten`` and add soft flakes: seeds at a fraction ``density`` of
    pixels, blurred to Gaussian blobs of ``flake_size`` (fraction of the short side)."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    seeds = np.zeros((h, w), np.float32)
    xs, ys = sparse_points(h, w, density, rng)
    sigma = max(0.5, flake_size * min(h, w))
    seeds[ys, xs] = np.float32(2 * math.pi * sigma * sigma)  # peak of 1 after the blur
    blobs = cv2.GaussianBlur(seeds, (0, 0), sigma)
    np.clip(blobs, 0.0, 1.0, out=blobs)
    x = unit(img)
    x += (np.float32(1.0) - x) * np.float32(whiten)
    return to_dtype(_blend(x, blobs, 1.0), img)


def shadow(img: np.ndarray, polygons: list, darkness: list[float]) -> np.ndarray:
    """Darken each polygon (vertices as (x, y) fractions of width / height) by its
    ``darkness`` (0: no change, 1: black); overlapping shadows multiply.

    Works on each polygon's bounding box only, in the image's own dtype (a lookup table for
    uint8), so a small shadow costs little."""
    h, w = img.shape[:2]
    out = img.copy()
    for vertices, dark in zip(polygons, darkness, strict=True):
        pts = np.rint(np.asarray(vertices, np.float64) * [w, h]).astype(np.int32)
        x0, y0 = np.clip(pts.min(axis=0), 0, [w, h])
        x1, y1 = np.clip(pts.max(axis=0) + 1, 0, [w, h])
        if x0 >= x1 or y0 >= y1:
            continue
        region = np.zeros((y1 - y0, x1 - x0), np.uint8)
        cv2.fillPoly(region, [pts - [x0, y0]], 1)
        roi = out[y0:y1, x0:x1]
        factor = 1.0 - dark
        darker = point_op(roi, lambda v, f=factor: v * f)
        inside = region.astype(bool)
        np.copyto(roi, darker, where=inside if roi.ndim == 2 else inside[:, :, None])
    return out


def sun_flare(img: np.ndarray, center: list[float], radius: float, intensity: float,
              halos: list) -> np.ndarray:
    """Screen-blend a bright Gaussian sun at ``center`` (fractions of width / height) of
    ``radius`` (fraction of the short side) and soft halos ``[x, y, r, alpha]``.

    A Gaussian blob is the outer product of two 1-D Gaussians, so each costs one pass, and
    halos only touch the window within 3 radii of their centre."""
    h, w = img.shape[:2]
    short = min(h, w)
    light = np.zeros((h, w), np.float32)

    def add_blob(cx, cy, r, amount, window):
        sigma = max(r * short, 0.5)
        x0, x1 = (0, w) if not window else (max(0, int(cx * w - 3 * sigma)),
                                            min(w, int(cx * w + 3 * sigma) + 1))
        y0, y1 = (0, h) if not window else (max(0, int(cy * h - 3 * sigma)),
                                            min(h, int(cy * h + 3 * sigma) + 1))
        if x0 >= x1 or y0 >= y1:
            return
        gx = np.exp(-((np.arange(x0, x1) + 0.5 - cx * w) ** 2) / (2 * sigma * sigma))
        gy = np.exp(-((np.arange(y0, y1) + 0.5 - cy * h) ** 2) / (2 * sigma * sigma))
        light[y0:y1, x0:x1] += np.outer(gy * amount, gx).astype(np.float32)

    add_blob(center[0], center[1], radius, intensity, window=False)
    for hx, hy, hr, ha in halos:
        add_blob(hx, hy, hr, ha, window=True)
    np.clip(light, 0.0, 1.0, out=light)
    return to_dtype(_blend(unit(img), light, 1.0), img)


def low_light(img: np.ndarray, exposure: float, gamma: float, shot_std: float,
              read_std: float, noise_seed: int) -> np.ndarray:
    """An under-exposed capture: ``exposure * x ** gamma``, then photon shot noise (std
    ``shot_std`` at full scale) and Gaussian read noise (std ``read_std``), quantised."""
    rng = np.random.default_rng(noise_seed)
    x = np.float32(exposure) * np.power(unit(img), np.float32(gamma))
    x = poisson_photons(x, shot_std, rng)
    read = normal(rng, x.shape)
    read *= np.float32(read_std)
    x += read
    return to_dtype(x, img)
