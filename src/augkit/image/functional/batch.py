"""Batch kernels: one call over an (N, H, W[, C]) array with per-sample parameters.

Each kernel gives, for sample ``i``, exactly what the single-image kernel gives with that
sample's parameters (the conformance suite checks this). Loops that remain run in OpenCV
with preallocated outputs, so the Python cost per sample is about a microsecond.
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.color import RGB_WEIGHTS, lut_into
from augkit.image.functional.color import _translate as translate
from augkit.image.functional.geometric import BORDER_MODES, INTERPOLATIONS, affine_matrices

LEVELS = np.arange(256, dtype=np.float64)[None, :] / 255.0  # (1, 256), broadcasts over N


def _select(images: np.ndarray, applied: np.ndarray, fn) -> np.ndarray:
    """``fn`` over the whole batch (cheap, one call), then skipped samples copied back."""
    out = fn(images)
    if not applied.all():
        images = np.ascontiguousarray(images)
        size = images[0].size
        src, dst = memoryview(images.reshape(-1)), memoryview(out.reshape(-1))
        for i in np.flatnonzero(~applied).tolist():  # byte copies: no per-sample indexing
            dst[i * size:(i + 1) * size] = src[i * size:(i + 1) * size]
    return out


def hflip(images: np.ndarray, applied: np.ndarray) -> np.ndarray:
    def flip(a):  # rows of all samples stacked: one OpenCV call for the whole batch
        n, h, w = a.shape[:3]
        out = cv2.flip(np.ascontiguousarray(a).reshape(n * h, w, -1), 1)
        return out.reshape(a.shape)
    return _select(images, applied, flip)


def vflip(images: np.ndarray, applied: np.ndarray) -> np.ndarray:
    if applied.all():
        return np.ascontiguousarray(images[:, ::-1])
    out = images.copy()  # one copy, then the flipped samples gathered with reversed rows
    idx = np.flatnonzero(applied)
    out[idx] = images[idx, ::-1]
    return out


def crop(images: np.ndarray, tops: np.ndarray, lefts: np.ndarray, height: int,
         width: int) -> np.ndarray:
    """One gather for the whole batch: the rows of all samples, each seen as its windows of
    ``width`` pixels (a strided view, nothing copied), indexed by (row, left) pairs; each
    pair copies one contiguous run of ``width * channels`` values."""
    n, h, w = images.shape[:3]
    channels = 1 if images.ndim == 3 else int(np.prod(images.shape[3:]))
    rows = np.ascontiguousarray(images).reshape(n * h, w * channels)
    row_stride, item = rows.strides
    windows = np.lib.stride_tricks.as_strided(
        rows, (n * h, w - width + 1, width * channels),
        (row_stride, channels * item, item), writeable=False)
    first = np.arange(n) * h + np.asarray(tops)
    picked = windows[(first[:, None] + np.arange(height)).reshape(-1),
                     np.repeat(np.asarray(lefts), height)]
    return picked.reshape((n, height, width) + images.shape[3:])


def luts_from(values: np.ndarray) -> np.ndarray:
    """(N, 256) values in [0, 1] -> uint8 tables, rounded as the single-image path rounds."""
    scaled = np.multiply(values, 255.0)
    np.rint(scaled, out=scaled)
    np.maximum(scaled, 0.0, out=scaled)  # bare in-place ufuncs: np.clip's wrapper is slower
    np.minimum(scaled, 255.0, out=scaled)
    return scaled.astype(np.uint8)


def apply_luts(images: np.ndarray, luts: np.ndarray, applied: np.ndarray) -> np.ndarray:
    """Per-sample 256-entry tables on a uint8 batch (OpenCV LUT straight into the output)."""
    images = np.ascontiguousarray(images)
    out = np.empty_like(images)
    luts = np.ascontiguousarray(luts)
    if translate is None:  # OpenCV fallback
        for i, a in enumerate(applied.tolist()):
            if a:
                lut_into(images[i], luts[i], out[i])
            else:
                out[i] = images[i]
        return out
    size = images[0].size  # 1-D memoryview slices: ~0.4 us per sample
    src, dst = memoryview(images.reshape(-1)), memoryview(out.reshape(-1))
    tables = memoryview(luts.reshape(-1))
    if applied.all():  # the common case: no branch, no enumerate
        n = len(images)
        for lo, t in zip(range(0, n * size, size), range(0, 256 * n, 256), strict=True):
            translate(src[lo:lo + size], tables[t:t + 256], out=dst[lo:lo + size])
        return out
    for i, a in enumerate(applied.tolist()):
        lo, hi = i * size, (i + 1) * size
        if a:
            translate(src[lo:hi], tables[i * 256:(i + 1) * 256], out=dst[lo:hi])
        else:
            dst[lo:hi] = src[lo:hi]
    return out


def point_op(images: np.ndarray, fn, applied: np.ndarray, **columns: np.ndarray) -> np.ndarray:
    """``fn(x, **columns)`` on [0, 1] values, one parameter row per sample.

    uint8: tables of shape (N, 256) evaluated once, then applied by :func:`apply_luts`.
    float32: evaluated on the pixels with parameters broadcast over (H, W, C).
    """
    if images.dtype == np.uint8:
        cols = {k: np.asarray(v, dtype=np.float64).reshape(-1, 1) for k, v in columns.items()}
        values = np.broadcast_to(fn(LEVELS, **cols), (len(images), 256))
        return apply_luts(images, luts_from(values), applied)
    shape = (-1,) + (1,) * (images.ndim - 1)
    cols = {k: np.asarray(v, dtype=np.float64).reshape(shape) for k, v in columns.items()}
    out = np.clip(fn(images, **cols), 0.0, 1.0).astype(np.float32)
    keep = ~applied
    out[keep] = images[keep]
    return out


def mean_gray(images: np.ndarray) -> np.ndarray:
    """Per-sample mean grey level in [0, 1]; equal, bit for bit, to the single-image
    ``color.mean_gray`` (exact integer sums for uint8, then the same float operations)."""
    n = len(images)
    if images.dtype == np.uint8:
        count = float(np.prod(images.shape[1:3]))
        sums = np.array([cv2.sumElems(a) for a in images], dtype=np.float64)
        if images.ndim == 4 and images.shape[3] == 3:
            m = sums[:, :3] / count
            return (m[:, 0] * RGB_WEIGHTS[0] + m[:, 1] * RGB_WEIGHTS[1]
                    + m[:, 2] * RGB_WEIGHTS[2]) / 255.0
        channels = 1 if images.ndim == 3 else images.shape[3]
        if channels <= 4:
            return sums[:, :channels].sum(axis=1) / (count * channels) / 255.0
    from augkit.image.functional.color import mean_gray as single

    return np.array([single(images[i]) for i in range(n)], dtype=np.float64)


def warp_affine(images: np.ndarray, matrices: np.ndarray, applied: np.ndarray, height: int,
                width: int, interpolation: str, border_mode: str, fill: float) -> np.ndarray:
    """Warp each sample by its continuous-frame 2x3 matrix (N, 2, 3); skipped samples are
    copied (they must already have the output size)."""
    cv = matrices.copy()  # to OpenCV's frame, where pixel centres sit on integers
    cv[:, :, 2] = matrices[:, :, :2] @ np.array([0.5, 0.5]) + matrices[:, :, 2] - 0.5
    flags, mode = INTERPOLATIONS[interpolation], BORDER_MODES[border_mode]
    value = (float(fill),) * 4
    out = np.empty((len(images), height, width) + images.shape[3:], images.dtype)
    channels = images.shape[3] if images.ndim == 4 else 1
    if channels > 4 and fill != 0:
        raise NotImplementedError  # callers fall back to the per-sample path
    for i, a in enumerate(applied.tolist()):
        if not a:
            out[i] = images[i]
            continue
        res = cv2.warpAffine(images[i], cv[i], (width, height), flags=flags, borderMode=mode,
                             borderValue=value)
        out[i] = res.reshape(out.shape[1:])
    return out


__all__ = ["LEVELS", "affine_matrices", "apply_luts", "crop", "hflip", "luts_from",
           "mean_gray", "point_op", "vflip", "warp_affine"]
