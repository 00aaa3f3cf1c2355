"""Level kernels: contrast-limited adaptive histogram equalisation and normalisation."""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.color import max_value
from augkit.image.functional.geometric import keep_shape

_U16 = 65535.0


def _clahe_plane(plane: np.ndarray, clip_limit: float, tiles: tuple[int, int]) -> np.ndarray:
    """CLAHE of one uint8 or uint16 plane."""
    op = cv2.createCLAHE(clipLimit=clip_limit, tileGridSize=tiles)
    return op.apply(plane)


def clahe(img: np.ndarray, clip_limit: float, tile_grid_size: tuple[int, int]) -> np.ndarray:
    """CLAHE on lightness for RGB input (LAB L channel), else on each channel.

    uint8 works on 256 levels; float32 works on 65536 levels (OpenCV's 16-bit CLAHE).
    """
    tiles = (int(tile_grid_size[1]), int(tile_grid_size[0]))  # OpenCV wants (columns, rows)
    if img.ndim == 3 and img.shape[2] == 3:
        lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB)
        if img.dtype == np.uint8:
            lab[:, :, 0] = _clahe_plane(np.ascontiguousarray(lab[:, :, 0]), clip_limit, tiles)
        else:  # float LAB has L in [0, 100]
            level = np.rint(np.clip(lab[:, :, 0] / 100.0, 0, 1) * _U16).astype(np.uint16)
            lab[:, :, 0] = _clahe_plane(level, clip_limit, tiles).astype(np.float32) * (
                100.0 / _U16)
        out = cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)
        return out if img.dtype == np.uint8 else np.clip(out, 0, 1).astype(np.float32)
    planes = [img] if img.ndim == 2 else [np.ascontiguousarray(img[:, :, c])
                                          for c in range(img.shape[2])]
    done = []
    for plane in planes:
        if img.dtype == np.uint8:
            done.append(_clahe_plane(plane, clip_limit, tiles))
        else:
            level = np.rint(np.clip(plane, 0, 1) * _U16).astype(np.uint16)
            done.append(_clahe_plane(level, clip_limit, tiles).astype(np.float32) / _U16)
    return done[0] if img.ndim == 2 else keep_shape(np.stack(done, axis=2), img)


def normalize(img: np.ndarray, mean: list[float], std: list[float]) -> np.ndarray:
    """(value / full scale - mean) / std per channel, as float32."""
    scale = np.float32(1.0 / max_value(img))
    m = np.asarray(mean, np.float32)
    inv = np.float32(1.0) / np.asarray(std, np.float32)
    return ((img.astype(np.float32) * scale - m) * inv).astype(np.float32, copy=False)
