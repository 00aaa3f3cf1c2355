"""Batch kernels: one call over an (N, H, W[, C]) array with per-sample parameters.

Each kernel gives, for sample ``i``, exactly what the single-image kernel gives with that
sample's parameters (the conformance suite checks this). Loops that remain run in OpenCV
with preallocated outputs, so the Python cost per sample is about a microsecond.
"""

from __future__ import annotations

import math
from functools import lru_cache
from itertools import repeat

import cv2
import numpy as np

from augkit.image.functional.color import RGB_WEIGHTS, clipped_unit, lut_into
from augkit.image.functional.color import _translate as translate
from augkit.image.functional.geometric import (
    BORDER_MODES,
    CV_NATIVE_CHANNELS,
    INTERPOLATIONS,
    affine_matrices,
    as_rgba,
    from_rgba,
    rgba_is_faster,
)
from augkit.image.functional.scratch import scratch

LEVELS = np.arange(256, dtype=np.float64)[None, :] / 255.0  # (1, 256), broadcasts over N


def _samples(images: np.ndarray) -> np.ndarray:
    """A C-contiguous batch seen as N opaque items of one sample each (a void dtype), so
    numpy moves whole samples with one memcpy each instead of element by element."""
    return images.reshape(-1).view(np.dtype((np.void, images.nbytes // len(images))))


def keep_skipped(out: np.ndarray, images: np.ndarray, applied: np.ndarray) -> np.ndarray:
    """Copy the skipped samples of ``images`` over ``out`` (same shape, both C-contiguous)."""
    if not applied.all():
        np.copyto(_samples(out), _samples(images), where=~applied)
    return out


def hflip(images: np.ndarray, applied: np.ndarray) -> np.ndarray:
    """The rows of all samples stacked flip in one OpenCV call (twice a plain copy for
    3-byte pixels at 32x32, cheaper than gathering the applied half and scattering it back);
    skipped samples are then copied back over theirs in one masked copy."""
    images = np.ascontiguousarray(images)
    n, h, w = images.shape[:3]
    out = np.empty_like(images)
    cv2.flip(images.reshape(n * h, w, -1), 1, dst=out.reshape(n * h, w, -1))
    return keep_skipped(out, images, applied)


def _row_grid(n: int, h: int, count: int, reverse: bool = False) -> np.ndarray:
    """Row ``i * h + j`` of sample ``i`` for ``j < count`` (``j`` from ``h - 1`` down when
    ``reverse``), flat and read-only. Small grids are cached: batch shapes repeat, and
    building one per call costs numpy a loop per sample, which shows on small images."""
    if n * count <= 1 << 16:
        return _cached_grid(n, h, count, reverse)
    return _grid(n, h, count, reverse)


def _grid(n: int, h: int, count: int, reverse: bool) -> np.ndarray:
    j = np.arange(h - 1, h - 1 - count, -1) if reverse else np.arange(count)
    grid = (np.arange(0, n * h, h)[:, None] + j).reshape(-1)
    grid.flags.writeable = False
    return grid


_cached_grid = lru_cache(maxsize=16)(_grid)


def vflip(images: np.ndarray, applied: np.ndarray) -> np.ndarray:
    """One gather of whole rows (a void dtype per row): sample ``i`` takes its rows reversed
    where applied, in order where skipped."""
    images = np.ascontiguousarray(images)
    n, h = images.shape[:2]
    rows = images.reshape(n * h, -1)
    rows = rows.view(np.dtype((np.void, rows.shape[1] * rows.itemsize))).reshape(-1)
    src = np.where(np.repeat(applied, h), _row_grid(n, h, h, True), _row_grid(n, h, h))
    return np.take(rows, src).view(images.dtype).reshape(images.shape)


def crop(images: np.ndarray, tops: np.ndarray, lefts: np.ndarray, height: int,
         width: int) -> np.ndarray:
    """One gather for the whole batch. The batch is seen as its runs of ``width`` pixels
    starting at every pixel (a strided view of opaque ``width * pixel``-byte items, nothing
    copied); the crop of sample ``i`` is the runs starting at (row ``i * H + top + j``,
    column ``left``), and each one is a single memcpy."""
    images = np.ascontiguousarray(images)
    n, h, w = images.shape[:3]
    pixel = images.itemsize * math.prod(images.shape[3:])
    run = np.dtype((np.void, width * pixel))
    count = (images.nbytes - run.itemsize) // pixel + 1
    runs = np.ndarray((count,), run, images, 0, (pixel,))
    starts = _row_grid(n, h, height) * w  # flat: numpy loops per row when broadcasting
    starts += np.repeat(np.asarray(tops) * w + np.asarray(lefts), height)
    picked = runs[starts]  # indexing, not np.take: take would copy the view
    return picked.view(images.dtype).reshape((n, height, width) + images.shape[3:])


# OpenCV's float64 -> uint8 conversion rounds half to even and saturates, as rint + clip do,
# in one pass instead of four; it rounds to int32 first, so only where |values| * 255 stays
# well inside int32 (the caller vouches with ``bound``).
_CV_SAFE_BOUND = 2.0**30 / 255.0


def luts_from(values: np.ndarray, bound: float | None = None) -> np.ndarray:
    """(N, 256) values in [0, 1] -> uint8 tables, rounded as the single-image path rounds.

    ``bound``: a known bound on ``|values|`` (finite), which allows the one-pass conversion.
    """
    if bound is not None and bound < _CV_SAFE_BOUND and values.ndim == 2 and (
            values.dtype == np.float64 and values.flags.c_contiguous):
        return cv2.multiply(values, 255.0, dtype=cv2.CV_8U)
    scaled = np.multiply(values, 255.0)
    np.rint(scaled, out=scaled)
    np.maximum(scaled, 0.0, out=scaled)  # bare in-place ufuncs: np.clip's wrapper is slower
    np.minimum(scaled, 255.0, out=scaled)
    return scaled.astype(np.uint8)


_LEVEL_BASIS = np.vstack([LEVELS, np.ones((1, 256))])  # (2, 256): x = k / 255, and 1


def affine_luts(scale: np.ndarray, offset: np.ndarray, exact, bound: float) -> np.ndarray:
    """uint8 tables (N, 256) of the level maps ``x -> scale * x + offset`` (x = k / 255),
    equal, entry for entry, to ``luts_from(exact(rows), bound)``, where ``exact(rows)``
    evaluates the same maps for those rows with the single-image float steps.

    Broadcasting per-sample parameters over (N, 256) costs numpy a loop per row; here one
    outer product (a BLAS call) evaluates all maps, within ``tol`` of the exact steps (their
    rounding errors are ~1e-13 * (1 + bound)**2). Every entry that rounds the same at
    ``t - tol`` and ``t + tol`` is therefore the exact table entry; rows holding any other
    entry (within ``tol`` of a rounding tie: practically never) are recomputed exactly.
    ``bound``: a bound on ``|scale| + |offset|`` and on the exact values.
    """
    if bound >= _CV_SAFE_BOUND:
        return luts_from(exact(np.arange(len(scale))))
    coef = np.empty((len(scale), 2))
    coef[:, 0], coef[:, 1] = scale, offset
    coef *= 255.0
    t = coef @ _LEVEL_BASIS
    tol = 1e-9 * (1.0 + bound) ** 2
    lo = cv2.add(t, -tol, dtype=cv2.CV_8U)  # rounds half to even and saturates, as rint+clip
    hi = cv2.add(t, tol, dtype=cv2.CV_8U)
    if not np.array_equal(lo, hi):
        rows = np.flatnonzero((lo != hi).any(axis=1))
        lo[rows] = luts_from(exact(rows), bound)
    return lo


def apply_luts(images: np.ndarray, luts: np.ndarray, applied: np.ndarray) -> np.ndarray:
    """Per-sample 256-entry tables on a uint8 batch: one copy of the batch (skipped samples
    stay as they are), then each applied sample translated in place."""
    images = np.ascontiguousarray(images)
    out = images.copy()
    luts = np.ascontiguousarray(luts)
    n, size = len(images), images[0].size
    if applied.all():
        starts, rows = range(0, n * size, size), range(0, n * 256, 256)
    else:
        picked = np.flatnonzero(applied)
        starts, rows = (picked * size).tolist(), (picked * 256).tolist()
    if translate is None:  # OpenCV fallback
        for lo, t in zip(starts, rows, strict=True):
            i = lo // size
            lut_into(images[i], luts[t // 256], out[i])
        return out
    dst, tables = memoryview(out.reshape(-1)), memoryview(luts.reshape(-1))
    for lo, t in zip(starts, rows, strict=True):  # positional, in place: ~0.2 us a sample
        translate(dst, tables[t:t + 256], True, lo, lo + size)
    return out


def point_op(images: np.ndarray, fn, applied: np.ndarray, bound: float | None = None,
             **columns: np.ndarray) -> np.ndarray:
    """``fn(x, **columns)`` on [0, 1] values, one parameter row per sample.

    uint8: tables of shape (N, 256) evaluated once, then applied by :func:`apply_luts`
    (``bound``: a bound on ``|fn|``, see :func:`luts_from`).
    float32: evaluated on the pixels with parameters broadcast over (H, W, C); float
    parameters as float32, as the single path's Python floats meet float32 pixels (numpy's
    weak scalars), so that each sample gets the same float32 operations.
    """
    if images.dtype == np.uint8:
        cols = {k: np.asarray(v, dtype=np.float64).reshape(-1, 1) for k, v in columns.items()}
        values = fn(LEVELS, **cols)
        if values.shape != (len(images), 256):
            values, bound = np.broadcast_to(values, (len(images), 256)), None
        return apply_luts(images, luts_from(values, bound), applied)
    shape = (-1,) + (1,) * (images.ndim - 1)
    cols = {}
    for k, v in columns.items():
        v = np.asarray(v)
        cols[k] = v.astype(images.dtype if v.dtype.kind == "f" else v.dtype).reshape(shape)
    out = clipped_unit(fn(images, **cols), images)
    keep = ~applied
    out[keep] = images[keep]
    return out


_LANES = (np.arange(24)[:, None] % 3 == np.arange(3)).astype(np.float64)  # byte -> channel


def channel_sums(images: np.ndarray) -> np.ndarray:
    """Exact per-sample channel sums of a uint8 (N, H, W, C) batch, as float64 (N, C).

    One transpose turns the batch into rows holding one slice of every sample; the sums are
    then one column reduction over all samples at once (OpenCV's fast direction), instead
    of one call per sample. For 3 channels the transpose moves 24-byte items (8 pixels, a
    3-channel float64 element to OpenCV, copied bit for bit), 3x cheaper than bytes. int32
    sums are exact while H * W * 255 < 2**31.
    """
    n, h, w, c = images.shape
    if h * w * 255 >= 2**31:
        return np.array(list(map(cv2.sumElems, images)), dtype=np.float64)[:, :c]
    flat = np.ascontiguousarray(images).reshape(n, -1)
    if c == 3 and flat.shape[1] % 24 == 0 and flat.ctypes.data % 8 == 0:
        items = cv2.transpose(flat.view(np.float64).reshape(n, -1, 3))  # (H*W/8, N) items
        rows = items.reshape(len(items), -1).view(np.uint8)  # (H*W/8, N*24)
        sums = cv2.reduce(rows, 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S)
        return sums.reshape(n, 24) @ _LANES  # exact: integers far below 2**53
    rows = cv2.transpose(flat)  # (H*W*C, N)
    sums = cv2.reduce(rows.reshape(h * w, c * n), 0, cv2.REDUCE_SUM, dtype=cv2.CV_32S)
    return sums.reshape(c, n).T.astype(np.float64)


def mean_gray(images: np.ndarray) -> np.ndarray:
    """Per-sample mean grey level in [0, 1]; equal, bit for bit, to the single-image
    ``color.mean_gray`` (exact integer sums for uint8, then the same float operations)."""
    n = len(images)
    if images.dtype == np.uint8:
        count = float(np.prod(images.shape[1:3]))
        if images.ndim == 4 and images.shape[3] == 3:
            sums = channel_sums(images)
            m = sums[:, :3] / count
            return (m[:, 0] * RGB_WEIGHTS[0] + m[:, 1] * RGB_WEIGHTS[1]
                    + m[:, 2] * RGB_WEIGHTS[2]) / 255.0
        channels = 1 if images.ndim == 3 else images.shape[3]
        if channels <= 4:
            sums = np.array(list(map(cv2.sumElems, images)), dtype=np.float64)
            return sums[:, :channels].sum(axis=1) / (count * channels) / 255.0
    from augkit.image.functional.color import mean_gray as single

    return np.array([single(images[i]) for i in range(n)], dtype=np.float64)


def warp_affine(images: np.ndarray, matrices: np.ndarray, applied: np.ndarray, height: int,
                width: int, interpolation: str, border_mode: str, fill: float) -> np.ndarray:
    """Warp each sample by its continuous-frame 2x3 matrix (N, 2, 3); skipped samples are
    copied (they must already have the output size)."""
    cv = matrices.copy()  # to OpenCV's frame, where pixel centres sit on integers
    cv[:, :, 2] = matrices[:, :, :2] @ np.array([0.5, 0.5]) + matrices[:, :, 2] - 0.5
    if images.shape[1:3] == (height, width):  # exact identities are copies, as one image's
        applied = applied & ~(cv == np.eye(2, 3)).all(axis=(1, 2))  # (geometric.is_identity)
    flags, mode = INTERPOLATIONS[interpolation], BORDER_MODES[border_mode]
    value = (float(fill),) * 4
    channels = images.shape[3] if images.ndim == 4 else 1
    if channels not in CV_NATIVE_CHANNELS:
        raise NotImplementedError  # band by band: callers fall back to the per-sample path
    n = int(np.count_nonzero(applied))
    whole = n == len(images)
    srcs, mats = (images, cv) if whole else (images[applied], cv[applied])
    four = n > 0 and rgba_is_faster(images, interpolation, batch=True)  # alpha once a batch
    if four:  # RGBA temporaries in per-thread scratch arrays (fresh ones fault every page)
        srcs = as_rgba(srcs, scratch("batch_warp_src", srcs.shape[:3] + (4,)))
        target = scratch("batch_warp_dst", (n, height, width, 4))
    else:
        target = np.empty((n, height, width) + srcs.shape[3:], images.dtype)
    dsts = list(target)  # per-sample views: OpenCV writes each result straight into its slot
    # all arguments positional and iterated in C: ~0.3 us of Python per sample
    done = list(map(cv2.warpAffine, srcs, mats, repeat((width, height), n), dsts,
                    repeat(flags, n), repeat(mode, n), repeat(value, n)))
    if n and not np.shares_memory(done[0], dsts[0]):  # pragma: no cover - OpenCV reallocated
        target[...] = np.stack(done).reshape(target.shape)
    if four:
        target = from_rgba(target)
    if whole:
        return target
    out = np.empty((len(images), height, width) + images.shape[3:], images.dtype)
    keep_skipped(out, np.ascontiguousarray(images), applied)
    out[applied] = target
    return out



def planes(images: np.ndarray) -> list[np.ndarray] | None:
    """The channels of a uint8 batch as contiguous (N * H, W) planes (one OpenCV split of
    the stacked rows; the array itself, as rows, without a channel axis or with one), or
    None beyond 4 channels."""
    n, h, w = images.shape[:3]
    channels = 1 if images.ndim == 3 else images.shape[3]
    rows = np.ascontiguousarray(images).reshape(n * h, w, channels)
    if channels == 1:
        return [rows.reshape(n * h, w).copy()]
    if channels > 4:
        return None
    return list(cv2.split(rows))


def merge_planes(parts: list[np.ndarray], like: np.ndarray) -> np.ndarray:
    """:func:`planes` back to a batch shaped as ``like``."""
    if len(parts) == 1:
        return parts[0].reshape(like.shape)
    return cv2.merge(parts).reshape(like.shape)


def plane_luts(parts: list[np.ndarray], luts: np.ndarray, picked: np.ndarray) -> None:
    """Table ``luts[i, c]`` (N, C, 256 uint8) on plane ``c`` of sample ``i`` for the
    samples ``picked``, in place (the planes of :func:`planes`)."""
    n = luts.shape[0]
    size = parts[0].size // n
    tables = np.ascontiguousarray(luts)
    channels = len(parts)
    for c, part in enumerate(parts):
        if translate is None:  # OpenCV fallback
            rows = part.reshape(n, size)
            for i in picked.tolist():
                rows[i] = cv2.LUT(rows[i], tables[i, c]).reshape(size)
            continue
        dst, flat = memoryview(part.reshape(-1)), memoryview(tables.reshape(-1))
        for i in picked.tolist():
            t = (i * channels + c) * 256
            translate(dst[i * size:(i + 1) * size], flat[t:t + 256], inplace=True)


def autocontrast_u8(images: np.ndarray, applied: np.ndarray) -> np.ndarray | None:
    """Per-sample, per-channel stretch of a uint8 batch; sample ``i`` equals
    ``functional.color.autocontrast`` of it: the same tables (``(x - lo) / (hi - lo)`` on the
    256 levels, the same float64 steps, an identity where a channel is flat), applied to each
    contiguous plane. None beyond 4 channels."""
    parts = planes(images)
    if parts is None:
        return None
    n = len(images)
    lows = np.stack([p.reshape(n, -1).min(axis=1) for p in parts], axis=1) / 255.0
    highs = np.stack([p.reshape(n, -1).max(axis=1) for p in parts], axis=1) / 255.0
    span = highs - lows  # (N, C); flat channels keep x (the single path's identity)
    flat = ~(span > 0)
    lows[flat], span[flat] = 0.0, 1.0
    values = (LEVELS[None] - lows[:, :, None]) / span[:, :, None]
    values[flat] = LEVELS[0]  # x itself: the single path's lambda x: x
    luts = luts_from(values.reshape(-1, 256)).reshape(n, len(parts), 256)
    plane_luts(parts, luts, np.flatnonzero(applied))
    return merge_planes(parts, images)


def equalize_u8(images: np.ndarray, applied: np.ndarray) -> np.ndarray | None:
    """OpenCV's equalizeHist on each contiguous plane of each applied sample, in place in
    the split planes (exactly the single path's kernel on the same bytes; one split and one
    merge for the batch instead of per sample). None beyond 4 channels."""
    parts = planes(images)
    if parts is None:
        return None
    h = images.shape[1]
    views = [part[i * h:(i + 1) * h] for part in parts for i in np.flatnonzero(applied).tolist()]
    list(map(cv2.equalizeHist, views, views))
    return merge_planes(parts, images)


def filter_stack(images: np.ndarray, kernel: np.ndarray, border: int) -> np.ndarray:
    """``cv2.filter2D`` of every sample with one kernel, as one call over the samples'
    rows stacked (each row is filtered as in a single image: same width, same SIMD split);
    rows within ``kernel``'s reach of a sample's top or bottom read the neighbouring
    sample, so callers overwrite them."""
    n, h, w = images.shape[:3]
    rows = np.ascontiguousarray(images).reshape((n * h, w) + images.shape[3:])
    return cv2.filter2D(rows, -1, kernel, borderType=border).reshape(images.shape)


__all__ = ["LEVELS", "affine_luts", "affine_matrices", "apply_luts", "autocontrast_u8",
           "channel_sums", "crop", "equalize_u8", "filter_stack", "hflip", "keep_skipped",
           "luts_from", "mean_gray", "merge_planes", "plane_luts", "planes", "point_op",
           "vflip", "warp_affine"]
