"""Intensity kernels of volumes.

Values are computed on the volume's *unit scale*: integer volumes as value / full scale
(uint8: 255, uint16: 65535, int16: 32767, so CT's negative values stay negative), float32
volumes as they are. Results go back to the input dtype, rounded and clipped to its range
(float32 is not clipped: CT and MR values have no fixed range).
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.image.functional.noise import normal
from augkit.volume.functional.geometry import resize_axis

FULL_SCALE = {np.dtype(np.uint8): 255.0, np.dtype(np.uint16): 65535.0,
              np.dtype(np.int16): 32767.0}


def to_unit(vol: np.ndarray) -> np.ndarray:
    """A new float32 array on the unit scale."""
    scale = FULL_SCALE.get(vol.dtype)
    if scale is None:
        return vol.astype(np.float32, copy=True)
    out = vol.astype(np.float32)
    out *= np.float32(1.0 / scale)
    return out


def from_unit(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Unit-scale float32 values back to ``like``'s dtype (may reuse ``values``)."""
    scale = FULL_SCALE.get(like.dtype)
    if scale is None:
        return values
    info = np.iinfo(like.dtype)
    values *= np.float32(scale)
    np.rint(values, out=values)
    np.clip(values, info.min, info.max, out=values)
    return values.astype(like.dtype)


def gaussian_noise(vol: np.ndarray, mean: float, std: float, noise_seed: int) -> np.ndarray:
    """``vol`` plus normal noise of ``mean`` and ``std`` (unit scale)."""
    noise = normal(np.random.default_rng(noise_seed), vol.shape)
    if vol.dtype == np.float32 and vol.flags.c_contiguous:  # std * noise + vol: one pass
        flat = noise.reshape(-1, vol.shape[-1])
        cv2.scaleAdd(flat, float(std), vol.reshape(-1, vol.shape[-1]), dst=flat)
        if mean:
            noise += np.float32(mean)
        return noise
    x = to_unit(vol)
    noise *= np.float32(std)
    if mean:
        noise += np.float32(mean)
    x += noise
    return from_unit(x, vol)


def rician_noise(vol: np.ndarray, std: float, noise_seed: int) -> np.ndarray:
    """Magnitude MR noise ``sqrt((x + n1)^2 + n2^2)`` (unit scale)."""
    x = to_unit(vol)
    rng = np.random.default_rng(noise_seed)
    real = normal(rng, x.shape)
    real *= np.float32(std)
    real += x
    imag = normal(rng, x.shape)
    imag *= np.float32(std)
    real *= real
    imag *= imag
    real += imag
    return from_unit(np.sqrt(real, out=real), vol)


def _range(x: np.ndarray) -> tuple[float, float]:
    lo, hi = float(x.min()), float(x.max())
    return lo, hi


def gamma(vol: np.ndarray, g: float) -> np.ndarray:
    """Gamma on the volume's own range: ((x - min) / (max - min))^g, mapped back onto
    [min, max] (a constant volume is kept)."""
    if vol.dtype == np.uint8:
        lo, hi = int(vol.min()), int(vol.max())
        if hi == lo:
            return vol.copy()
        levels = np.arange(256, dtype=np.float64)
        t = np.clip((levels - lo) / (hi - lo), 0.0, 1.0) ** g
        table = np.clip(np.rint(t * (hi - lo) + lo), 0, 255).astype(np.uint8)
        return table.take(vol)
    if vol.dtype == np.float32:  # OpenCV: min/max and the map onto [0, 1] in one call
        flat = vol.reshape(-1, vol.shape[-1])
        lo, hi = cv2.minMaxLoc(flat)[:2]
        if not hi > lo:
            return vol.copy()
        x = cv2.normalize(flat, None, 0.0, 1.0, cv2.NORM_MINMAX, dtype=cv2.CV_32F)
        cv2.pow(x, g, x)
        x *= np.float32(hi - lo)
        x += np.float32(lo)
        return x.reshape(vol.shape)
    x = to_unit(vol)
    lo, hi = _range(x)
    if not hi > lo:
        return vol.copy()
    x -= np.float32(lo)
    x *= np.float32(1.0 / (hi - lo))
    cv2.pow(x.reshape(-1), g, x.reshape(-1))
    x *= np.float32(hi - lo)
    x += np.float32(lo)
    return from_unit(x, vol)


def brightness_contrast(vol: np.ndarray, alpha: float, beta: float) -> np.ndarray:
    """``alpha * x + beta`` (unit scale)."""
    if vol.dtype == np.uint8:
        t = np.arange(256, dtype=np.float64) * alpha + beta * 255.0
        return np.clip(np.rint(t), 0, 255).astype(np.uint8).take(vol)
    x = to_unit(vol)
    x *= np.float32(alpha)
    x += np.float32(beta)
    return from_unit(x, vol)


def rescale(vol: np.ndarray, out_range: list[float], percentiles: list[float]) -> np.ndarray:
    """Values between the given percentiles mapped linearly onto ``out_range`` (unit
    scale), clipped to it."""
    x = to_unit(vol)
    if percentiles[0] <= 0 and percentiles[1] >= 100:
        lo, hi = _range(x)
    else:
        lo, hi = (float(v) for v in np.percentile(x, percentiles))
    a, b = out_range
    if not hi > lo:
        x.fill(np.float32(a))
        return from_unit(x, vol)
    x -= np.float32(lo)
    x *= np.float32((b - a) / (hi - lo))
    x += np.float32(a)
    np.clip(x, a, b, out=x)
    return from_unit(x, vol)


def poly_terms(order: int) -> list[tuple[int, int, int]]:
    """The exponents (i, j, k) of z^i y^j x^k with i + j + k <= order, in a fixed order."""
    return [(i, j, k) for i in range(order + 1) for j in range(order + 1 - i)
            for k in range(order + 1 - i - j)]


def bias_field(shape: tuple[int, int, int], order: int, coefficients: list[float]
               ) -> np.ndarray:
    """``exp`` of the polynomial sum c * z^i y^j x^k (z, y, x on [-1, 1]): a smooth
    positive (D, H, W) float32 field, evaluated as one (H, W) plane per power of z."""
    d, h, w = shape
    zs = np.linspace(-1.0, 1.0, d) if d > 1 else np.zeros(1)
    ys = np.linspace(-1.0, 1.0, h)[:, None] ** np.arange(order + 1)
    xs = np.linspace(-1.0, 1.0, w)[:, None] ** np.arange(order + 1)
    tables = np.zeros((order + 1, order + 1, order + 1))
    for c, (i, j, k) in zip(coefficients, poly_terms(order), strict=True):
        tables[i, j, k] = c
    log = np.zeros(shape, np.float32)
    for i in range(order + 1):
        plane = (ys @ tables[i] @ xs.T).astype(np.float32)  # (h, w)
        if not plane.any():
            continue
        zi = (zs ** i).astype(np.float32)[:, None, None]
        log += zi * plane[None]
    return np.exp(log, out=log)


def apply_bias(vol: np.ndarray, order: int, coefficients: list[float]) -> np.ndarray:
    x = to_unit(vol)
    field = bias_field(vol.shape[:3], order, coefficients)
    x *= field if x.ndim == 3 else field[..., None]
    return from_unit(x, vol)


INTERPOLATIONS = {"nearest": cv2.INTER_NEAREST, "linear": cv2.INTER_LINEAR,
                  "cubic": cv2.INTER_CUBIC}


def anisotropy(vol: np.ndarray, axis: int, factor: float, interpolation: str) -> np.ndarray:
    """Downsample along ``axis`` by ``factor`` (nearest: thick slices of a coarse
    acquisition) and back to the original size with ``interpolation``."""
    n = vol.shape[axis]
    m = max(1, round(n / factor))
    if m == n:
        return vol.copy()
    down = resize_axis(vol, axis, m, cv2.INTER_NEAREST)
    return resize_axis(down, axis, n, INTERPOLATIONS[interpolation])


def dropout(vol: np.ndarray, boxes: list[list[int]], fill: float) -> np.ndarray:
    """Boxes (z0, y0, x0, z1, y1, x1) set to ``fill``."""
    out = vol.copy()
    for z0, y0, x0, z1, y1, x1 in boxes:
        out[z0:z1, y0:y1, x0:x1] = fill
    return out


def grid_shuffle(vol: np.ndarray, grid: list[int], order: list[int]) -> np.ndarray:
    """Equal tiles of a (gz, gy, gx) grid rearranged: output tile t holds input tile
    ``order[t]`` (tiles numbered z-major); a remainder past the last whole tile stays."""
    gz, gy, gx = grid
    tz, ty, tx = (s // g for s, g in zip(vol.shape[:3], grid, strict=True))
    out = vol.copy()
    for t, src in enumerate(order):
        if t == src:
            continue
        a = (t // (gy * gx), t // gx % gy, t % gx)
        b = (src // (gy * gx), src // gx % gy, src % gx)
        out[a[0] * tz:(a[0] + 1) * tz, a[1] * ty:(a[1] + 1) * ty, a[2] * tx:(a[2] + 1) * tx] = \
            vol[b[0] * tz:(b[0] + 1) * tz, b[1] * ty:(b[1] + 1) * ty, b[2] * tx:(b[2] + 1) * tx]
    return out


def n_terms(order: int) -> int:
    return math.comb(order + 3, 3)


def per_slice(vol: np.ndarray, kernel) -> np.ndarray:
    """``kernel`` (a 2-D image kernel on float32 in [0, 1]) run on every z slice, the volume
    first mapped onto [0, 1] by its own min..max and mapped back after (a constant volume
    is kept). In-plane k-space artifacts of multi-slice acquisitions are exactly this:
    the 2-D spectrum of each slice is the 3-D spectrum along y and x."""
    x = to_unit(vol)
    lo, hi = _range(x)
    if not hi > lo:
        return vol.copy()
    x -= np.float32(lo)
    x *= np.float32(1.0 / (hi - lo))
    for k in range(x.shape[0]):
        x[k] = kernel(x[k])
    x *= np.float32(hi - lo)
    x += np.float32(lo)
    return from_unit(x, vol)
