"""Blur kernels: box, median and motion blur (any channel count, uint8 or float32)."""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.image.functional.geometric import keep_shape

_BORDER = cv2.BORDER_REFLECT_101


def box_blur(img: np.ndarray, ksize: int) -> np.ndarray:
    """Mean over a ``ksize`` x ``ksize`` window."""
    return keep_shape(cv2.blur(img, (ksize, ksize), borderType=_BORDER), img)


def median_blur(img: np.ndarray, ksize: int) -> np.ndarray:
    """Median over a ``ksize`` x ``ksize`` window (odd ksize)."""
    channels = 1 if img.ndim == 2 else img.shape[2]
    if ksize <= 5 and img.dtype in (np.uint8, np.float32):
        return keep_shape(cv2.medianBlur(img, ksize), img)
    if img.dtype == np.uint8:  # OpenCV: large windows only for 1, 3 or 4 uint8 channels
        if channels in (1, 3, 4):
            return keep_shape(cv2.medianBlur(img, ksize), img)
        return np.stack([cv2.medianBlur(np.ascontiguousarray(img[:, :, c]), ksize)
                         for c in range(channels)], axis=2)
    # float32 with a large window: exact median, edges replicated as OpenCV does
    r = ksize // 2
    padded = np.pad(img, ((r, r), (r, r)) + ((0, 0),) * (img.ndim - 2), mode="edge")
    windows = np.lib.stride_tricks.sliding_window_view(padded, (ksize, ksize), axis=(0, 1))
    return np.median(windows.reshape(*img.shape, ksize * ksize), axis=-1).astype(np.float32)


def motion_kernel(ksize: int, angle: float, direction: float) -> np.ndarray:
    """A normalised line kernel of length ``ksize`` through the centre at ``angle`` degrees
    (counter-clockwise as displayed); ``direction`` in [-1, 1] weights one end more (0: even).
    """
    kernel = np.zeros((ksize, ksize), np.float64)
    centre = (ksize - 1) / 2.0
    t = np.linspace(-1.0, 1.0, 4 * ksize)
    a = math.radians(angle)
    xs = np.rint(centre + t * centre * math.cos(a)).astype(np.int64)
    ys = np.rint(centre - t * centre * math.sin(a)).astype(np.int64)
    weights = np.clip(1.0 + direction * t, 0.0, None)
    np.add.at(kernel, (ys, xs), weights)
    return (kernel / kernel.sum()).astype(np.float32)


def motion_blur(img: np.ndarray, ksize: int, angle: float, direction: float) -> np.ndarray:
    kernel = motion_kernel(ksize, angle, direction)
    return keep_shape(cv2.filter2D(img, -1, kernel, borderType=_BORDER), img)
