"""Channel kernels: shuffle, per-channel shift, weighted grey, dropout.

Amounts are fractions of full scale (255 for uint8, 1.0 for float32 in [0, 1]).
"""

from __future__ import annotations

import cv2
import numpy as np


def channel_shuffle(img: np.ndarray, order: list[int]) -> np.ndarray:
    return np.ascontiguousarray(img[:, :, order])


def channel_shift(img: np.ndarray, shifts: list[float]) -> np.ndarray:
    """Add ``shifts[c]`` (fraction of full scale) to channel c, clipped."""
    if img.dtype == np.uint8:  # one lookup table per channel, applied in one OpenCV call
        levels = np.arange(256, dtype=np.float64)[:, None]
        table = np.clip(np.rint(levels + np.asarray(shifts)[None, :] * 255.0), 0, 255)
        lut = table.astype(np.uint8).reshape(256, 1, len(shifts))
        return cv2.LUT(img, lut)
    return np.clip(img + np.asarray(shifts, np.float32), 0.0, 1.0).astype(np.float32)


def weighted_gray(img: np.ndarray, weights: list[float]) -> np.ndarray:
    """Grey level as the weighted sum of channels (weights normalised to sum to 1), repeated
    to keep the channel count."""
    w = np.asarray(weights, np.float32)
    w = w / w.sum()
    g = img.astype(np.float32) @ w
    if img.dtype == np.uint8:
        g = np.clip(np.rint(g), 0, 255).astype(np.uint8)
    else:
        g = np.clip(g, 0.0, 1.0).astype(np.float32)
    return np.repeat(g[:, :, None], img.shape[2], axis=2)


def channel_dropout(img: np.ndarray, channels: list[int], fill: float) -> np.ndarray:
    """Set the listed channels to ``fill`` (a pixel value)."""
    out = img.copy()
    out[:, :, channels] = fill
    return out


def grid_dropout(img: np.ndarray, unit: list[int], hole: list[int], shift: list[int],
                 fill: float) -> np.ndarray:
    """Fill a regular grid of ``hole`` (h, w) rectangles, one per ``unit`` (h, w) cell, with
    the grid shifted by ``shift`` (y, x) pixels."""
    h, w = img.shape[:2]
    rows = (np.arange(h) - shift[0]) % unit[0] < hole[0]
    cols = (np.arange(w) - shift[1]) % unit[1] < hole[1]
    out = img.copy()
    out[np.ix_(rows, cols)] = fill
    return out
