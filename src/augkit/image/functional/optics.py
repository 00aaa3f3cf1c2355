"""Lens and camera kernels: defocus, zoom blur, glass blur, anisotropic generalised-Gaussian
blur, lateral chromatic aberration, film grain.

Random fields come from ``np.random.default_rng(noise_seed)``. Filters run in the image's
dtype through OpenCV (uint8 rounded and saturated); the rest compute in float32.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from augkit.image.functional import geometric as G
from augkit.image.functional.noise import normal, to_dtype, unit
from augkit.image.functional.scratch import scratch

_BORDER = cv2.BORDER_REFLECT_101


def _filter(img: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    # filter2D takes any channel count; the float32 kernel keeps uint8 rounding in OpenCV
    return G.keep_shape(cv2.filter2D(img, -1, kernel.astype(np.float32), borderType=_BORDER),
                        img)


def disk_kernel(radius: int, alias_sigma: float) -> np.ndarray:
    """A normalised filled disk of ``radius`` pixels, softened by a Gaussian of
    ``alias_sigma`` (0: a hard edge)."""
    size = 2 * radius + 1
    yy, xx = np.mgrid[-radius:radius + 1, -radius:radius + 1]
    kernel = (xx * xx + yy * yy <= radius * radius + radius * 0.5).astype(np.float64)
    if alias_sigma > 0:
        kernel = cv2.GaussianBlur(kernel, (size, size), alias_sigma,
                                  borderType=cv2.BORDER_CONSTANT)
    return kernel / kernel.sum()


def defocus(img: np.ndarray, radius: int, alias_sigma: float) -> np.ndarray:
    return _filter(img, disk_kernel(radius, alias_sigma))


def zoom_blur(img: np.ndarray, factors: list[float]) -> np.ndarray:
    """The mean of the image and its enlargements about the centre by each of ``factors``
    (> 1): the streaks of a zoom during the exposure. Summed in float32; each copy is a
    resize of a central span (:func:`_zoom_roi`; float32 resizes run ~2x faster than
    uint8 ones and ~4x faster than the equivalent warp), or the exact warp where no span
    places the copy within ``_ZOOM_TOLERANCE`` px (of the uint8 image for uint8). The
    image is converted once, with the reflected margin the spans reach into (no wider);
    the temporaries are per-thread scratch arrays (fresh ones per call cost page faults at
    these sizes)."""
    h, w = img.shape[:2]
    rest = img.shape[2:]
    spans = list(zip(factors, _zoom_roi(h, factors), _zoom_roi(w, factors), strict=True))
    used = [(ys, xs) for _, ys, xs in spans if max(ys[3], xs[3]) <= _ZOOM_TOLERANCE]
    m = max([0] + [max(-ys[0], ys[1] - h, -xs[0], xs[1] - w) for ys, xs in used])
    edge = img if m == 0 else cv2.copyMakeBorder(img, m, m, m, m, _BORDER)
    shape = (h + 2 * m, w + 2 * m) + rest
    cap = (h + 2 * _ZOOM_MARGIN) * (w + 2 * _ZOOM_MARGIN) * math.prod(rest)
    padded = scratch("zoom_x", (cap,), np.float32)[:math.prod(shape)].reshape(shape)
    if img.dtype == np.uint8:
        np.multiply(edge.reshape(shape), np.float32(1.0 / 255), out=padded, casting="unsafe")
    else:
        padded[...] = edge.reshape(shape)
    x = padded[m:m + h, m:m + w]
    acc = (scratch("zoom_acc", img.shape, np.float32) if img.dtype == np.uint8
           else np.empty(img.shape, np.float32))
    acc[...] = x
    flat = scratch("zoom_big", ((h + 2 * _ZOOM_MARGIN + 16) * (w + 2 * _ZOOM_MARGIN + 16)
                                * math.prod(rest),), np.float32)
    for z, (y0, y1, oy, ey), (x0, x1, ox, ex) in spans:
        if max(ey, ex) <= _ZOOM_TOLERANCE:
            src = padded[y0 + m:y1 + m, x0 + m:x1 + m]
            size = (round((y1 - y0) * z), round((x1 - x0) * z)) + rest
            big = (flat[:math.prod(size)].reshape(size) if math.prod(size) <= flat.size
                   else np.empty(size, np.float32))
            cv2.resize(src, (0, 0), dst=big, fx=z, fy=z, interpolation=cv2.INTER_LINEAR)
            copy = big[oy:oy + h, ox:ox + w]
        else:  # the exact warp; of the uint8 image (OpenCV's fast kernel, as before)
            matrix = np.array([[z, 0.0, w / 2 * (1 - z)], [0.0, z, h / 2 * (1 - z)]])
            if img.dtype == np.uint8:
                copy = np.multiply(G.warp_affine(img, matrix, h, w, "linear", "reflect101"),
                                   np.float32(1.0 / 255), out=scratch("zoom_warp", img.shape,
                                                                      np.float32),
                                   casting="unsafe")
            else:
                copy = G.warp_affine(np.ascontiguousarray(x), matrix, h, w, "linear",
                                     "reflect101")
        cv2.add(acc, copy.reshape(acc.shape), dst=acc)
    if img.dtype == np.uint8:  # non-negative: the mean scaled, rounded, saturated at once
        return G.keep_shape(cv2.convertScaleAbs(acc, alpha=255.0 / (len(factors) + 1)), img)
    acc *= np.float32(1.0 / (len(factors) + 1))
    return to_dtype(acc, img)


_ZOOM_TOLERANCE = 0.05  # output pixels a resized copy may sit off the exact warp's place
_ZOOM_MARGIN = 32


def _zoom_roi(n: int, factors: list[float]) -> list[tuple[int, int, int, float]]:
    """Along one axis of ``n`` pixels, per factor z (> 1), the enlargement by z about the
    centre as an OpenCV resize (scale exactly z) of the input span ``[start, stop)``,
    cropped from ``offset``, and ``error``: how far (output pixels) the copy then sits from
    its exact place. The start is the last that covers the output and brings the error
    within ``_ZOOM_TOLERANCE``, up to ``_ZOOM_MARGIN`` further back (into the reflected
    margin; the least error if none does); each step back moves the offset by z. All
    factors at once (one numpy pass)."""
    z = np.asarray(factors, np.float64)[:, None]
    first = np.floor(n / 2 * (1 - 1 / z))  # the last start that still covers the output
    offsets = z * (n / 2 - first + _ZOOM_STEPS) - n / 2  # (factors, steps back)
    errors = np.abs(offsets - np.rint(offsets))
    ok = errors <= _ZOOM_TOLERANCE
    k = np.where(ok.any(axis=1), ok.argmax(axis=1), errors.argmin(axis=1))
    rows = np.arange(len(k))
    starts = (first[:, 0] - k).astype(int)
    offset = np.rint(offsets[rows, k]).astype(int)
    error = errors[rows, k]
    stops = np.minimum(n + _ZOOM_MARGIN, np.ceil((offset + n) / z[:, 0] + starts) + 2)
    short = np.rint((stops - starts) * z[:, 0]) < offset + n  # the resize would come out short
    error = np.where(short, np.inf, error)
    return list(zip(starts.tolist(), stops.astype(int).tolist(), offset.tolist(),
                    error.tolist(), strict=True))


_ZOOM_STEPS = np.arange(_ZOOM_MARGIN + 1, dtype=np.float64)[None, :]


def glass_blur(img: np.ndarray, sigma: float, max_delta: int, iterations: int,
               noise_seed: int) -> np.ndarray:
    """Gaussian blur, then ``iterations`` rounds in which each pixel takes the value of a
    random neighbour within ``max_delta`` pixels (a gather: frosted glass; edges
    replicated), then the blur again (after Hendrycks and Dietterich's ImageNet-C,
    vectorised: one nearest-neighbour remap per round)."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    ksize = max(3, round(6 * sigma + 1) | 1)
    out = G.keep_shape(cv2.GaussianBlur(img, (ksize, ksize), sigma, borderType=_BORDER), img)
    xs = np.arange(w, dtype=np.float32)[None, :]
    ys = np.arange(h, dtype=np.float32)[:, None]
    for _ in range(iterations):
        dx = rng.integers(-max_delta, max_delta + 1, (h, w), dtype=np.int16)
        dy = rng.integers(-max_delta, max_delta + 1, (h, w), dtype=np.int16)
        map_x, map_y = dx.astype(np.float32) + xs, dy.astype(np.float32) + ys
        out = G.by_band(lambda a, mx=map_x, my=map_y: cv2.remap(
            a, mx, my, cv2.INTER_NEAREST, borderMode=cv2.BORDER_REPLICATE), out)
    return G.keep_shape(cv2.GaussianBlur(out, (ksize, ksize), sigma, borderType=_BORDER), img)


def generalized_gaussian_kernel(ksize: int, sigma_x: float, sigma_y: float, angle: float,
                                beta: float, noise: np.ndarray | None = None) -> np.ndarray:
    """``exp(-(q / 2) ** beta)`` with ``q`` the squared Mahalanobis distance of an
    anisotropic Gaussian (sigmas along axes rotated by ``angle`` degrees): beta 1 is a
    Gaussian, below 1 heavier tails, above 1 a flatter plateau. ``noise`` (ksize x ksize)
    multiplies the kernel before it is normalised."""
    r = ksize // 2
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float64)
    a = math.radians(angle)
    u = xx * math.cos(a) + yy * math.sin(a)
    v = -xx * math.sin(a) + yy * math.cos(a)
    q = (u / sigma_x) ** 2 + (v / sigma_y) ** 2
    kernel = np.exp(-np.power(q / 2, beta))
    if noise is not None:
        kernel = kernel * noise
    return kernel / kernel.sum()


def advanced_blur(img: np.ndarray, ksize: int, sigma_x: float, sigma_y: float, angle: float,
                  beta: float, noise_range: tuple[float, float], noise_seed: int
                  ) -> np.ndarray:
    rng = np.random.default_rng(noise_seed)
    noise = rng.uniform(noise_range[0], noise_range[1], (ksize, ksize))
    return _filter(img, generalized_gaussian_kernel(ksize, sigma_x, sigma_y, angle, beta,
                                                    noise))


def chromatic_aberration(img: np.ndarray, red_scale: float, blue_scale: float,
                         interpolation: str) -> np.ndarray:
    """Lateral chromatic aberration: the red and blue planes of an RGB image magnified
    about the centre by their own factors (green stays), as a lens focuses each wavelength
    at a slightly different size; edges replicated."""
    h, w = img.shape[:2]
    out = img.copy()
    for channel, z in ((0, red_scale), (2, blue_scale)):
        if z == 1.0:
            continue
        m = np.array([[z, 0.0, w / 2 * (1 - z)], [0.0, z, h / 2 * (1 - z)]])
        plane = np.ascontiguousarray(img[:, :, channel])
        out[:, :, channel] = G.warp_affine(plane, m, h, w, interpolation, "replicate")
    return out


def film_grain(img: np.ndarray, intensity: float, grain_size: float,
               noise_seed: int) -> np.ndarray:
    """Monochrome grain: Gaussian noise drawn on a grid ``grain_size`` times coarser than
    the image, enlarged (bilinear) to it, and added with std ``intensity`` (fraction of full
    scale) weighted by ``4 x (1 - x)``, so mid-tones grain most and black and white stay."""
    rng = np.random.default_rng(noise_seed)
    h, w = img.shape[:2]
    gh, gw = max(1, round(h / grain_size)), max(1, round(w / grain_size))
    grain = normal(rng, (gh, gw))
    if (gh, gw) != (h, w):
        grain = cv2.resize(grain, (w, h), interpolation=cv2.INTER_LINEAR)
    x = unit(img)
    level = np.clip(x, 0.0, 1.0)
    weight = 4.0 * level * (1.0 - level)
    grain = grain * np.float32(intensity)
    x += weight * (grain[:, :, None] if x.ndim == 3 else grain)
    return to_dtype(x, img)


def _bessel_j1(x: np.ndarray) -> np.ndarray:
    """J1 by its integral (1/pi) int_0^pi cos(t - x sin t) dt, 96-point midpoint rule:
    the integrand is periodic and smooth, so the rule is exact to ~1e-12 for the |x| < 60 a
    kernel needs (numpy has no Bessel J)."""
    t = (np.arange(96) + 0.5) * (np.pi / 96)
    return np.cos(t[None, :] - np.asarray(x).reshape(-1, 1) * np.sin(t)[None, :]).mean(
        axis=1).reshape(np.shape(x))


def ringing_kernel(ksize: int, cutoff: float) -> np.ndarray:
    """An ideal circular low-pass filter (the 2-D "sinc", ``cutoff`` in radians per pixel),
    cut to ``ksize`` x ``ksize`` and normalised: sharp cut-offs ring around edges."""
    r = ksize // 2
    yy, xx = np.mgrid[-r:r + 1, -r:r + 1].astype(np.float64)
    d2, inverse = np.unique(xx * xx + yy * yy, return_inverse=True)  # J1 once per radius
    d = np.sqrt(d2)
    safe = np.where(d > 0, d, 1.0)
    values = np.where(d > 0, cutoff * _bessel_j1(cutoff * safe) / (2 * np.pi * safe),
                      cutoff ** 2 / (4 * np.pi))
    kernel = values[inverse].reshape(ksize, ksize)
    return kernel / kernel.sum()


def ringing(img: np.ndarray, ksize: int, cutoff: float) -> np.ndarray:
    kernel = ringing_kernel(ksize, cutoff)
    if img.dtype == np.uint8 and (img.ndim == 2 or img.shape[2] <= 4):
        return _filter_uint8_via_float(img, kernel)
    out = _filter(img, kernel)
    if out.dtype == np.float32:  # the negative lobes overshoot
        np.clip(out, 0.0, 1.0, out=out)
    return out


_DFT_AREA = 130  # OpenCV's float32 filter2D switches to a (here slower) DFT from this many taps


def _filter_uint8_via_float(img: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """``_filter`` of a uint8 image through OpenCV's float32 direct convolution, ~1.3x
    faster than its uint8 one at these kernel sizes: the image converted once into a
    scratch array, a kernel of ``_DFT_AREA`` or more taps split into its top and bottom
    rows (each anchored where the full kernel's centre falls, below the DFT threshold), the
    sum rounded and saturated back to uint8 (the uint8 filter's values; a sum on a rounding
    tie may land one level apart)."""
    src = scratch("ring_src", img.shape, np.float32)
    src[...] = img
    k = kernel.astype(np.float32)
    r = k.shape[0] // 2
    if k.size < _DFT_AREA:
        out = cv2.filter2D(src, -1, k, dst=scratch("ring_out", img.shape, np.float32),
                           borderType=_BORDER)
    else:  # rows 0..r with the centre row, then r..end with that row zeroed
        top, bottom = k[:r + 1], k[r:].copy()
        bottom[0] = 0.0
        out = cv2.filter2D(src, -1, top, dst=scratch("ring_out", img.shape, np.float32),
                           anchor=(r, r), borderType=_BORDER)
        part = cv2.filter2D(src, -1, bottom, dst=scratch("ring_part", img.shape, np.float32),
                            anchor=(r, 0), borderType=_BORDER)
        cv2.add(out, part, dst=out)
    np.maximum(out, 0.0, out=out)  # the negative lobes undershoot
    return G.keep_shape(cv2.convertScaleAbs(out), img)


_BAYER = np.array([[0]])
for _ in range(3):  # the 8x8 Bayer index matrix, by its recursive definition
    _BAYER = np.block([[4 * _BAYER, 4 * _BAYER + 2], [4 * _BAYER + 3, 4 * _BAYER + 1]])
BAYER_THRESHOLDS = ((_BAYER + 0.5) / 64).astype(np.float32)


def dither(img: np.ndarray, levels: int, method: str, grey: bool, noise_seed: int
           ) -> np.ndarray:
    """Quantise to ``levels`` levels per channel, the rounding threshold varied per pixel:
    an 8x8 Bayer matrix ("ordered") or uniform noise ("random"). ``grey``: the luma is
    dithered and written to every channel."""
    if img.dtype == np.uint8 and (img.ndim == 2 or img.shape[2] <= 4):
        return _dither_uint8(img, levels, method, grey, noise_seed)
    x = unit(img)
    if x.ndim == 3 and grey and x.shape[2] > 1:
        weights = np.full(x.shape[2], 1.0 / x.shape[2])
        if x.shape[2] == 3:
            weights = np.array([0.299, 0.587, 0.114])
        plane = np.ascontiguousarray(x @ weights.astype(np.float32))
    else:
        plane = x
    h, w = plane.shape[:2]
    if method == "ordered":
        t = np.tile(BAYER_THRESHOLDS, (h // 8 + 1, w // 8 + 1))[:h, :w]
    else:
        t = np.random.default_rng(noise_seed).random((h, w), dtype=np.float32)
    if plane.ndim == 3:
        t = t[:, :, None]
    q = np.floor(np.clip(plane, 0.0, 1.0) * (levels - 1) + t)
    q = np.minimum(q, levels - 1) / np.float32(levels - 1)
    if q.ndim == 2 and x.ndim == 3:
        q = np.repeat(q[:, :, None], x.shape[2], axis=2)
    return to_dtype(q.astype(np.float32), img)


@lru_cache(maxsize=8)
def _bayer_tile(h: int, w: int) -> np.ndarray:
    tile = np.tile(BAYER_THRESHOLDS, (h // 8 + 1, w // 8 + 1))[:h, :w].copy()
    tile.flags.writeable = False
    return tile


@lru_cache(maxsize=64)
def _level_lut(levels: int) -> np.ndarray:
    """uint8 value of each level index (then 0 up to 255), rounded as :func:`to_dtype`."""
    values = np.zeros(256, np.float32)
    values[:levels] = np.arange(levels, dtype=np.float32) / np.float32(levels - 1)
    values[levels:] = 1.0
    return to_dtype(values, np.zeros(1, np.uint8)).reshape(256)


def _dither_uint8(img: np.ndarray, levels: int, method: str, grey: bool, noise_seed: int
                  ) -> np.ndarray:
    """:func:`dither` for uint8 up to 4 channels: the luma by one OpenCV transform, the
    Bayer tile cached per size, the level index to uint8 by a lookup table and the grey
    result spread to the channels by OpenCV (the float path's levels, ~10x faster)."""
    channels = 1 if img.ndim == 2 else img.shape[2]
    if channels > 1 and grey:
        weights = (np.array([[0.299, 0.587, 0.114]]) if channels == 3
                   else np.full((1, channels), 1.0 / channels))
        plane = cv2.transform(img.astype(np.float32), weights.astype(np.float32))
    else:
        plane = img.astype(np.float32).reshape(img.shape[:2] + ((channels,) if channels > 1
                                                                else ()))
    h, w = plane.shape[:2]
    if method == "ordered":
        t = _bayer_tile(h, w)
    else:
        t = np.random.default_rng(noise_seed).random((h, w), dtype=np.float32)
    plane *= np.float32((levels - 1) / 255.0)
    plane += t[:, :, None] if plane.ndim == 3 else t
    np.clip(plane, 0.0, 255.0, out=plane)
    index = plane.astype(np.uint8)  # floor of the non-negative values
    out = cv2.LUT(index, _level_lut(levels))
    if channels > 1 and grey:
        out = (cv2.cvtColor(out, cv2.COLOR_GRAY2RGB) if channels == 3
               else np.repeat(out[:, :, None], channels, axis=2))
    return out.reshape(img.shape)


def halftone(img: np.ndarray, dot: int, blend: float) -> np.ndarray:
    """Amplitude-modulated screening: the image cut into ``dot`` x ``dot`` cells (edges
    replicated to whole cells), each channel of a cell drawn as a dot of ink 1 on 0 that
    covers round(mean x dot**2) of its pixels, nearest the centre first (a clustered-dot
    threshold matrix, so the dot is round and tones keep their mean), blended with the
    image by ``blend`` (1: the image)."""
    x = unit(img)
    planes = x if x.ndim == 3 else x[:, :, None]
    h, w, c = planes.shape
    ch, cw = -(-h // dot), -(-w // dot)
    padded = np.pad(planes, ((0, ch * dot - h), (0, cw * dot - w), (0, 0)), mode="edge")
    means = np.clip(padded.reshape(ch, dot, cw, dot, c).mean(axis=(1, 3)), 0.0, 1.0)
    counts = np.rint(means * (dot * dot))
    offset = np.arange(dot) - (dot - 1) / 2
    dist = np.hypot(offset[:, None], offset[None, :]).ravel()
    rank = np.argsort(np.argsort(dist, kind="stable"), kind="stable").reshape(dot, dot)
    ink = rank[None, :, None, :, None] < counts[:, None, :, None, :]
    out = ink.reshape(ch * dot, cw * dot, c)[:h, :w].astype(np.float32)
    if blend > 0:
        out += np.float32(blend) * (planes - out)
    return to_dtype(out.reshape(x.shape), img)
