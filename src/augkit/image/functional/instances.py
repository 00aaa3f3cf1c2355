"""Instance kernels: the pixels of chosen objects of a label mask or of instance masks."""

from __future__ import annotations

import numpy as np


def labels_of(mask: np.ndarray) -> list:
    """The object labels of a label mask: its distinct values other than 0 (an HxWxC mask:
    of its first channel)."""
    plane = mask if mask.ndim == 2 else mask[:, :, 0]
    values = np.unique(plane)
    return [v.item() for v in values if v != 0]


def region_of(mask: np.ndarray, labels: list) -> np.ndarray:
    """HxW bool: where the label mask holds one of ``labels``."""
    plane = mask if mask.ndim == 2 else mask[:, :, 0]
    return np.isin(plane, labels)


def fill_region(array: np.ndarray, region: np.ndarray, fill: float,
                channels: int | None = None) -> np.ndarray:
    """A copy of ``array`` with ``fill`` where ``region``; only the first ``channels``
    channels when given (an RGBA image keeps its alpha)."""
    out = array.copy()
    if channels is None or array.ndim == 2:
        out[region] = fill
    else:
        view = out[:, :, :channels]
        view[region] = fill
    return out


class _Component:
    """One 8-connected component: ``area`` pixels, ``pixel(i)`` the i-th (row, col) in
    row-major order (as :func:`components` lists it), found from per-row counts."""

    def __init__(self, on: np.ndarray, ends: np.ndarray):
        self.on, self.ends, self.area = on, ends, int(ends[-1])

    def pixel(self, i: int) -> np.ndarray:
        y = int(np.searchsorted(self.ends, i, side="right"))
        x = int(np.flatnonzero(self.on[y])[i - (int(self.ends[y - 1]) if y else 0)])
        return np.array([y, x])


class _Listed:
    def __init__(self, pixels: np.ndarray):
        self.pixels, self.area = pixels, len(pixels)

    def pixel(self, i: int) -> np.ndarray:
        return self.pixels[i]


_FEW_COMPONENTS = 16  # up to this many, per-row counts beat listing and sorting every pixel


def component_pickers(region: np.ndarray) -> list:
    """The 8-connected components of an HxW bool map, as :func:`components` orders them,
    each with ``area`` and ``pixel(i)`` (the i-th of its pixels): for a few components,
    one comparison and one OpenCV row sum each instead of listing every pixel."""
    import cv2

    count, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=8)
    if count <= 1:
        return []
    if count > _FEW_COMPONENTS + 1:
        return [_Listed(c) for c in components(region)]
    out = []
    for c in range(1, count):
        on = labels == c
        rows = cv2.reduce(on.view(np.uint8), 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
        out.append(_Component(on, np.cumsum(rows)))
    return out


def components(region: np.ndarray) -> list[np.ndarray]:
    """The 8-connected components of an HxW bool map, each as (K, 2) pixel (row, col)."""
    import cv2

    count, labels = cv2.connectedComponents(region.astype(np.uint8), connectivity=8)
    if count <= 1:
        return []
    rows, cols = np.nonzero(labels)
    ids = labels[rows, cols]
    order = np.argsort(ids, kind="stable")
    splits = np.cumsum(np.bincount(ids, minlength=count)[1:])[:-1]
    return np.split(np.column_stack([rows, cols])[order], splits)
