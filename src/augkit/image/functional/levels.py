"""Level kernels: contrast-limited adaptive histogram equalisation and normalisation."""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.color import channel_affine, max_value
from augkit.image.functional.geometric import keep_shape


def _clahe_plane(plane: np.ndarray, clip_limit: float, tiles: tuple[int, int]) -> np.ndarray:
    """CLAHE of one uint8 plane."""
    return cv2.createCLAHE(clipLimit=clip_limit, tileGridSize=tiles).apply(plane)


def _levels(x: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(x * 255.0), 0, 255).astype(np.uint8)


def clahe(img: np.ndarray, clip_limit: float, tile_grid_size: tuple[int, int]) -> np.ndarray:
    """CLAHE on lightness for RGB input (LAB L channel), else on each channel.

    Histograms have 256 bins, so float32 input is equalised on 256 levels (OpenCV's 16-bit
    CLAHE would spread the same counts over 65536 bins and change what ``clip_limit`` means).
    """
    tiles = (int(tile_grid_size[1]), int(tile_grid_size[0]))  # OpenCV wants (columns, rows)
    floating = img.dtype != np.uint8
    if img.ndim == 3 and img.shape[2] == 3:
        lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
        if not floating:
            lab[:, :, 0] = _clahe_plane(np.ascontiguousarray(lab[:, :, 0]), clip_limit, tiles)
            return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
        level = _levels(lab[:, :, 0] / 100.0)  # float LAB has L in [0, 100]
        lab[:, :, 0] = _clahe_plane(level, clip_limit, tiles).astype(np.float32) * (100 / 255)
        return np.clip(cv2.cvtColor(lab, cv2.COLOR_LAB2RGB), 0, 1).astype(np.float32)
    planes = [img] if img.ndim == 2 else [np.ascontiguousarray(img[:, :, c])
                                          for c in range(img.shape[2])]
    done = []
    for plane in planes:
        if floating:
            done.append(_clahe_plane(_levels(plane), clip_limit, tiles).astype(np.float32) / 255)
        else:
            done.append(_clahe_plane(plane, clip_limit, tiles))
    return done[0] if img.ndim == 2 else keep_shape(np.stack(done, axis=2), img)


def normalize(img: np.ndarray, mean: list[float], std: list[float]) -> np.ndarray:
    """(value / full scale - mean) / std per channel, as float32.

    uint8 goes through a float32 lookup table per channel (one pass over the image)."""
    channels = 1 if img.ndim == 2 else img.shape[2]
    m = np.broadcast_to(np.asarray(mean, np.float64), (channels,))
    inv = 1.0 / np.broadcast_to(np.asarray(std, np.float64), (channels,))
    if img.dtype == np.uint8:
        table = ((np.arange(256)[:, None] / 255.0 - m[None, :]) * inv[None, :]).astype(
            np.float32)
        out = cv2.LUT(img, table.reshape(256, 1, channels) if channels > 1 else table[:, 0])
        return keep_shape(out, img)
    if img.ndim == 3 and channels <= 4:  # x * a - b per channel: one OpenCV pass
        return channel_affine(img, inv / max_value(img), -m * inv)
    a = (inv / max_value(img)).astype(np.float32)
    b = (m * inv).astype(np.float32)
    out = np.multiply(img, a if img.ndim == 3 else a[0], dtype=np.float32)
    out -= b if img.ndim == 3 else b[0]
    return out
