"""Channel kernels: shuffle, per-channel shift, weighted grey, dropout.

Amounts are fractions of full scale (255 for uint8, 1.0 for float32 in [0, 1]).
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.geometric import keep_shape

_LUMA_601 = (0.299, 0.587, 0.114)


def channel_shuffle(img: np.ndarray, order: list[int]) -> np.ndarray:
    """Output channel i is input channel ``order[i]``.

    Three channels (uint8 256x256): the reversal is OpenCV's RGB<->BGR swap (~5 us), the
    other orders a split and merge of the planes (~40 us); mixChannels (~60-85 us) for
    the rest."""
    if img.ndim == 3 and img.shape[2] == 3 and img.dtype.char in "BHf":
        if order == [0, 1, 2]:
            return img.copy()
        if order == [2, 1, 0]:
            return cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        planes = cv2.split(img)
        return cv2.merge([planes[c] for c in order])
    out = np.empty(img.shape, img.dtype)  # C order whatever the input's: OpenCV writes rows
    pairs = [v for i, c in enumerate(order) for v in (int(c), i)]
    cv2.mixChannels([img], [out], pairs)
    return out


def channel_shift(img: np.ndarray, shifts: list[float]) -> np.ndarray:
    """Add ``shifts[c]`` (fraction of full scale) to channel c, clipped."""
    channels = len(shifts)
    if img.dtype == np.uint8 and channels <= 4:
        levels = [float(s) * 255.0 for s in shifts]
        rounded = [float(np.rint(v)) for v in levels]
        if all(2.0 * v != round(2.0 * v) or v == r for v, r in zip(levels, rounded, strict=True)):
            # no shift ends in exactly .5, so rint(x + s) = x + rint(s) for every level x:
            # one saturating add of the positive shifts, one subtract of the negative ones.
            # OpenCV's scalar add is ~30x faster with non-negative whole numbers than with
            # fractions or negatives (which take its float path)
            pad = (0.0,) * (4 - channels)
            out = cv2.add(img, tuple(max(r, 0.0) for r in rounded) + pad)
            if any(r < 0 for r in rounded):
                cv2.subtract(out, tuple(max(-r, 0.0) for r in rounded) + pad, dst=out)
            return keep_shape(out, img)
    if channels <= 4 and img.dtype != np.uint8:  # float32: a per-channel scalar add, clipped
        out = cv2.add(img, tuple(float(s) for s in shifts) + (0.0,) * (4 - channels))
        np.clip(out, 0.0, 1.0, out=out)
        return out
    if img.dtype == np.uint8:  # one lookup table per channel (exact for ties), one OpenCV call
        levels = np.arange(256, dtype=np.float64)[:, None]
        table = np.clip(np.rint(levels + np.asarray(shifts)[None, :] * 255.0), 0, 255)
        return keep_shape(cv2.LUT(img, table.astype(np.uint8).reshape(256, 1, channels)), img)
    return np.clip(img + np.asarray(shifts, np.float32), 0.0, 1.0).astype(np.float32)


def weighted_gray(img: np.ndarray, weights: list[float]) -> np.ndarray:
    """Grey level as the weighted sum of channels (weights normalised to sum to 1), repeated
    to keep the channel count."""
    total = float(sum(weights))
    w = [float(v) / total for v in weights]
    if len(w) == 3 and all(abs(a - b) < 5e-4 for a, b in zip(w, _LUMA_601, strict=True)):
        # OpenCV's own luma conversion is 3x faster (fixed-point, within one level)
        return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    g = cv2.transform(img, np.asarray(w, np.float32).reshape(1, -1))  # uint8: rounded
    if g.ndim == 3:
        g = g[:, :, 0]
    if img.dtype != np.uint8:
        np.clip(g, 0.0, 1.0, out=g)
    if img.shape[2] == 3:
        return cv2.cvtColor(g, cv2.COLOR_GRAY2RGB)
    return cv2.merge([g] * img.shape[2])


def channel_dropout(img: np.ndarray, channels: list[int], fill: float) -> np.ndarray:
    """Set the listed channels to ``fill`` (a pixel value, cast as numpy assigns it)."""
    count = img.shape[2]
    if count <= 4 and img.dtype.char in "Bf":
        # one masked pass in OpenCV (~3x faster than a strided numpy write): AND keeps or
        # clears each channel's bits (float32 as int32 bit patterns), OR puts fill's bits in
        bits = img.view(np.int32) if img.dtype == np.float32 else img
        keep = -1.0 if img.dtype == np.float32 else 255.0
        dropped = [c in channels for c in range(count)] + [True] * (4 - count)
        out = cv2.bitwise_and(bits, tuple(0.0 if d else keep for d in dropped))
        pattern = float(np.asarray(fill).astype(img.dtype).view(bits.dtype))
        if pattern:
            out = cv2.bitwise_or(out, tuple(pattern if d else 0.0 for d in dropped), dst=out)
        return out.view(img.dtype).reshape(img.shape)
    out = img.copy()
    for c in channels:  # a basic-index write per channel beats one fancy-index write
        out[:, :, c] = fill
    return out


def grid_dropout(img: np.ndarray, unit: list[int], hole: list[int], shift: list[int],
                 fill: float) -> np.ndarray:
    """Fill a regular grid of ``hole`` (h, w) rectangles, one per ``unit`` (h, w) cell, with
    the grid shifted by ``shift`` (y, x) pixels."""
    h, w = img.shape[:2]
    out = img.copy()
    # holes start at shift + k * unit; the one before 0 may still overlap the image
    tops = range(shift[0] % unit[0] - unit[0], h, unit[0])
    lefts = range(shift[1] % unit[1] - unit[1], w, unit[1])
    for top in tops:
        rows = slice(max(top, 0), max(top + hole[0], 0))
        for left in lefts:
            out[rows, max(left, 0):max(left + hole[1], 0)] = fill
    return out
