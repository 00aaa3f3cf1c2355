"""Lighting kernels: smooth illumination gradients and fractal ("plasma") fields.

Fields are float32 HxW arrays in [0, 1] that scale or shift the pixels' [0, 1] values;
random fields come from ``np.random.default_rng(noise_seed)``.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from augkit.image.functional.noise import normal, to_dtype, unit
from augkit.image.functional.scratch import scratch

ILLUMINATION_MODES = ("linear", "corner", "gaussian")


def _grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    """Pixel-centre coordinates as fractions of width and height (broadcastable)."""
    return ((np.arange(w, dtype=np.float32) + 0.5) / w)[None, :], (
        (np.arange(h, dtype=np.float32) + 0.5) / h)[:, None]


def illumination_pattern(h: int, w: int, mode: str, angle: float, corner: int,
                         cx: float, cy: float, sigma: float) -> np.ndarray:
    """A light pattern in [0, 1]: "linear" rises along ``angle`` degrees (counter-clockwise
    from +x as displayed), "corner" falls with the distance from corner ``corner`` (0-3:
    top-left, top-right, bottom-right, bottom-left), "gaussian" is a spot at (``cx``,
    ``cy``) of width ``sigma`` (fractions of the sides)."""
    x, y = _grid(h, w)
    if mode == "linear":
        a = math.radians(angle)
        t = x * np.float32(math.cos(a)) - y * np.float32(math.sin(a))
        t = t - t.min()
        return (t / max(float(t.max()), 1e-12)).astype(np.float32)
    if mode == "corner":
        px, py = (0.0, 1.0, 1.0, 0.0)[corner], (0.0, 0.0, 1.0, 1.0)[corner]
        d = np.sqrt((x - np.float32(px)) ** 2 + (y - np.float32(py)) ** 2)
        return np.clip(1.0 - d / np.float32(math.sqrt(2.0)), 0.0, 1.0).astype(np.float32)
    r2 = (x - np.float32(cx)) ** 2 + (y - np.float32(cy)) ** 2
    return np.exp(-r2 / np.float32(2 * sigma * sigma)).astype(np.float32)


def scale_by(img: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """``img`` times an HxW ``gain`` (every channel), in [0, 1] units, back to the dtype."""
    if img.dtype == np.uint8 and (img.ndim == 2 or img.shape[2] <= 4):
        # one OpenCV multiply of the uint8 pixels by the gain spread to the channels (in a
        # scratch array), rounded and saturated: no full-size float copy of the image
        g = np.ascontiguousarray(gain, np.float32)
        src = np.ascontiguousarray(img)
        if src.ndim == 3 and src.shape[2] > 1:
            g = cv2.merge([g] * src.shape[2], dst=scratch("gain", src.shape, np.float32))
        return cv2.multiply(src, g.reshape(src.shape), dtype=cv2.CV_8U).reshape(img.shape)
    x = unit(img)
    x *= gain[:, :, None] if x.ndim == 3 else gain
    return to_dtype(x, img)


@lru_cache(maxsize=16)
def _spectral_gain(gh: int, gw: int, roughness: float) -> np.ndarray:
    """1 / f**roughness on a ``gh`` x ``gw`` DFT grid, 0 at f = 0 (no mean: the stretch in
    :func:`plasma` sets the range); (gh, gw, 1) read-only float32, cached per grid."""
    fy = np.fft.fftfreq(gh).astype(np.float32)[:, None]
    fx = np.fft.fftfreq(gw).astype(np.float32)[None, :]
    f = np.sqrt(fx * fx + fy * fy)
    f[0, 0] = 1.0
    gain = f ** np.float32(-roughness)
    gain[0, 0] = 0.0
    gain = gain[:, :, None]
    gain.flags.writeable = False
    return gain


def plasma(h: int, w: int, roughness: float, size: int, noise_seed: int) -> np.ndarray:
    """A fractal field in [0, 1]: white noise on a grid of at most ``size`` pixels a side,
    its spectrum shaped to fall as 1 / f**roughness (larger: smoother; OpenCV's float32
    DFT), enlarged bilinearly to ``h`` x ``w`` and stretched to [0, 1]."""
    rng = np.random.default_rng(noise_seed)
    scale = min(1.0, size / max(h, w))
    gh, gw = max(2, round(h * scale)), max(2, round(w * scale))
    spectrum = cv2.dft(normal(rng, (gh, gw)), flags=cv2.DFT_COMPLEX_OUTPUT)
    spectrum *= _spectral_gain(gh, gw, float(roughness))
    field = cv2.idft(spectrum, flags=cv2.DFT_REAL_OUTPUT)
    field -= field.min()
    field /= max(float(field.max()), 1e-12)
    if (gh, gw) != (h, w):
        field = cv2.resize(field, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(field, 0.0, 1.0, out=field)


def plasma_brightness_contrast(img: np.ndarray, field: np.ndarray, brightness: float,
                               contrast: float) -> np.ndarray:
    """Contrast about the image mean by ``1 + contrast * field`` and a shift of
    ``brightness * field``, per pixel."""
    x = unit(img)
    mean = np.float32(x.mean(dtype=np.float64))
    f = field[:, :, None] if x.ndim == 3 else field
    x -= mean
    x *= 1.0 + np.float32(contrast) * f
    x += mean + np.float32(brightness) * f
    return to_dtype(x, img)


SPATTER_COLOURS = {"rain": (0.8, 0.85, 0.9), "mud": (0.3, 0.22, 0.13)}  # RGB in [0, 1]


def spatter_layer(height: int, width: int, mean: float, std: float, sigma: float,
                  cutoff: float, noise_seed: int) -> np.ndarray:
    """Where drops cover the lens, in [0, 1]: Gaussian noise N(``mean``, ``std``) smoothed by a
    Gaussian of ``sigma`` pixels, kept above ``cutoff`` and rescaled from there to 1."""
    rng = np.random.default_rng(noise_seed)
    field = (rng.standard_normal((height, width)) * std + mean).astype(np.float32)
    size = max(3, round(6 * sigma + 1) | 1)
    field = cv2.GaussianBlur(field, (size, size), sigma, borderType=cv2.BORDER_REFLECT_101)
    layer = (field - np.float32(cutoff)) / np.float32(max(1.0 - cutoff, 1e-6))
    return np.clip(layer, 0.0, 1.0)


def spatter(img: np.ndarray, layer: np.ndarray, colour: tuple[float, float, float],
            intensity: float) -> np.ndarray:
    """``img`` blended towards ``colour`` (RGB; its luma for other channel counts) by
    ``intensity * layer``."""
    x = unit(img)
    channels = 1 if x.ndim == 2 else x.shape[2]
    value = np.asarray(colour, np.float32) if channels == 3 else np.full(
        channels, np.float32(np.dot(colour, (0.299, 0.587, 0.114))))
    a = layer * np.float32(intensity)
    if x.ndim == 3:
        a = a[:, :, None]
        value = value.reshape(1, 1, -1)
    else:
        value = value[0]
    x += a * (value - x)
    return to_dtype(x, img)


DEPTH_MODES = ("linear", "diagonal", "radial")


def synthetic_depth(height: int, width: int, mode: str) -> np.ndarray:
    """A depth map in [0, 1] from pixel position: "linear" far at the top, "diagonal" far
    at the top left, "radial" far at the corners (near at the centre)."""
    x, y = _grid(height, width)
    if mode == "linear":
        depth = np.broadcast_to(1.0 - y, (height, width))
    elif mode == "diagonal":
        depth = 1.0 - (x + y) / 2
    else:
        depth = np.sqrt((x - 0.5) ** 2 + (y - 0.5) ** 2) / np.float32(np.sqrt(0.5))
    return np.ascontiguousarray(depth, dtype=np.float32)


def atmospheric_fog(img: np.ndarray, depth: np.ndarray, density: float,
                    fog_value: float) -> np.ndarray:
    """The scattering model ``x t + fog (1 - t)``, transmission ``t = exp(-density *
    depth)``."""
    t = np.exp(-np.float32(density) * depth)
    x = unit(img)
    if x.ndim == 3:
        t = t[:, :, None]
    x *= t
    x += np.float32(fog_value) * (1.0 - t)
    return to_dtype(x, img)
