"""Weather and lighting kernels: fog, rain, snow, shadows, sun flare and low light.

Blends happen in the image's own dtype (uint8 stays uint8: lookup tables and OpenCV's
per-pixel ``blendLinear``), and every kernel works for any channel count; colours (fog,
rain, snow, flare) are grey levels given as fractions of full scale. Random layouts (fog
density, rain drops, snow flakes) come from ``np.random.default_rng(noise_seed)``; shadows
and flares take their concrete geometry as parameters.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.image.functional.color import point_op
from augkit.image.functional.geometric import keep_shape
from augkit.image.functional.noise import normal, poisson_photons, to_dtype, unit


def blend_towards(img: np.ndarray, alpha: np.ndarray, value: float) -> np.ndarray:
    """``img * (1 - alpha) + value * alpha`` with an HxW ``alpha`` in [0, 1] and ``value`` a
    fraction of full scale, in the image's own dtype (one OpenCV pass, no float copy of a
    uint8 image)."""
    full = 255.0 if img.dtype == np.uint8 else 1.0
    target = np.full_like(img, np.clip(round(value * full, 6), 0, full))
    weight = np.ascontiguousarray(alpha, dtype=np.float32)
    out = cv2.blendLinear(img, target, np.float32(1.0) - weight, weight)
    return keep_shape(out, img)


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
    out = blend_towards(img, alpha, fog_value)
    sigma = density * min(h, w) / 200.0
    if sigma > 0.3:
        out = keep_shape(cv2.GaussianBlur(out, (0, 0), sigma,
                                          borderType=cv2.BORDER_REFLECT_101), img)
    return out


def _draw_segments(img: np.ndarray, segments: np.ndarray, value: float, thickness: int,
                   line_type: int = cv2.LINE_8) -> np.ndarray:
    """Draw (N, 2, 2) pixel segments on ``img`` (in place) in grey ``value`` (fraction of
    full scale), in one OpenCV call (per channel for counts OpenCV draws differently).
    Plain 8-connected lines: anti-aliasing would cost 3-6x more for thin streaks and dots."""
    if not len(segments):
        return img
    full = 255.0 if img.dtype == np.uint8 else 1.0
    polylines = list(np.rint(segments).astype(np.int32))
    channels = 1 if img.ndim == 2 else img.shape[2]
    if channels in (1, 3, 4):
        cv2.polylines(img, polylines, False, (value * full,) * channels, thickness, line_type)
        return img
    for c in range(channels):
        plane = np.ascontiguousarray(img[:, :, c])
        cv2.polylines(plane, polylines, False, value * full, thickness, line_type)
        img[:, :, c] = plane
    return img


def rain(img: np.ndarray, density: float, length: float, angle: float, brightness: float,
         drop_value: float, noise_seed: int) -> np.ndarray:
    """Darken by ``brightness`` and draw streaks of ``drop_value``: one line per drop (drops
    at a fraction ``density`` of pixels), ``length`` (fraction of the height) long and
    slanted ``angle`` degrees from vertical, all drawn in one OpenCV call."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    xs, ys = sparse_points(h, w, density, rng)
    size = max(2.0, length * h)
    a = math.radians(angle)
    ends = np.column_stack([xs + size * math.sin(a), ys + size * math.cos(a)])
    segments = np.stack([np.column_stack([xs, ys]), ends], axis=1)
    out = point_op(img, lambda v: v * brightness)  # a lookup table for uint8
    return _draw_segments(out, segments, drop_value, 1)


def snow(img: np.ndarray, density: float, flake_size: float, whiten: float,
         noise_seed: int) -> np.ndarray:
    """Whiten the scene by ``whiten`` and add white flakes: round dots of diameter
    ``flake_size`` (fraction of the short side, at least a pixel) at a fraction ``density``
    of pixels."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    xs, ys = sparse_points(h, w, density, rng)
    dots = np.repeat(np.column_stack([xs, ys])[:, None, :], 2, axis=1)  # zero-length lines
    out = point_op(img, lambda v: v + (1.0 - v) * whiten)
    diameter = max(1, int(round(flake_size * min(h, w))))
    return _draw_segments(out, dots, 1.0, diameter)


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
    """Screen-blend a bright Gaussian sun at ``center`` (fractions of width / height) whose
    light fades to 1% at ``radius`` (fraction of the short side), and soft halos
    ``[x, y, r, alpha]`` with the same meaning of r.

    Each blob is the outer product of two 1-D Gaussians and is blended only inside its
    window of 3.5 radii (where it fades below 0.3% of its peak)."""
    h, w = img.shape[:2]
    short = min(h, w)
    out = img.copy()
    for cx, cy, r, amount in [[center[0], center[1], radius, intensity], *halos]:
        sigma = max(r * short / 3.0, 0.5)  # the light fades to 1% at the radius
        reach = 3.5 * sigma
        x0, x1 = max(0, int(cx * w - reach)), min(w, int(cx * w + reach) + 1)
        y0, y1 = max(0, int(cy * h - reach)), min(h, int(cy * h + reach) + 1)
        if x0 >= x1 or y0 >= y1:
            continue
        gx = np.exp(-((np.arange(x0, x1) + 0.5 - cx * w) ** 2) / (2 * sigma * sigma))
        gy = np.exp(-((np.arange(y0, y1) + 0.5 - cy * h) ** 2) / (2 * sigma * sigma))
        light = np.clip(np.outer(gy * amount, gx), 0.0, 1.0)
        out[y0:y1, x0:x1] = blend_towards(out[y0:y1, x0:x1], light, 1.0)
    return out


def low_light(img: np.ndarray, exposure: float, gamma: float, shot_std: float,
              read_std: float, noise_seed: int) -> np.ndarray:
    """An under-exposed capture: ``exposure * x ** gamma``, then photon shot noise (std
    ``shot_std`` at full scale) and Gaussian read noise (std ``read_std``), quantised."""
    rng = np.random.default_rng(noise_seed)
    x = unit(img)
    np.maximum(x, 0.0, out=x)  # negative floats: a power of them is NaN
    np.power(x, np.float32(gamma), out=x)
    x *= np.float32(exposure)
    x = poisson_photons(x, shot_std, rng)
    read = normal(rng, x.shape)
    read *= np.float32(read_std)
    x += read
    return to_dtype(x, img)
