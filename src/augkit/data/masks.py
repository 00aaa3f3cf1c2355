"""Instance masks in annotation files: COCO polygons and RLE (plain and compressed), YOLO
segmentation polygons, to and from (H, W) uint8 masks.

A polygon is drawn filled with OpenCV (vertices rounded to pixels) and traced back with
``cv2.findContours`` (outer boundaries, simple chains): a mask that went through a warp
comes back as the polygons of its pixels. RLE is exact both ways. COCO's RLE runs go down
the columns (Fortran order), starting with a run of zeros; its compressed form packs each
run (after the first two, as the difference to the run two before) into 5-bit groups.

>>> import numpy as np
>>> mask = np.zeros((4, 5), np.uint8); mask[1:3, 1:4] = 1
>>> rle = mask_to_rle(mask, compressed=True)
>>> rle
{'size': [4, 5], 'counts': '5220003'}
>>> bool((rle_to_mask(rle) == mask).all())
True
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np


class AnnotationError(ValueError):
    """An annotation that cannot be read (the item is skipped with this detail)."""


def polygons_to_mask(polygons: list[list[float]], height: int, width: int) -> np.ndarray:
    """Flat [x0, y0, x1, y1, ...] pixel polygons, filled into one (height, width) mask."""
    mask = np.zeros((height, width), np.uint8)
    points = []
    for poly in polygons:
        values = np.asarray(poly, dtype=np.float64)
        if values.ndim != 1 or values.size < 6 or values.size % 2 or not np.isfinite(
                values).all():
            raise AnnotationError("a polygon needs an even count (>= 6) of finite numbers")
        points.append(np.round(values.reshape(-1, 2)).astype(np.int32))
    if points:
        cv2.fillPoly(mask, points, 1)
    return mask


def mask_to_polygons(mask: np.ndarray) -> list[list[float]]:
    """The outer boundaries of ``mask``'s regions as flat pixel polygons (>= 3 vertices)."""
    contours, _ = cv2.findContours(np.ascontiguousarray(mask, dtype=np.uint8),
                                   cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return [c.reshape(-1).astype(float).tolist() for c in contours if len(c) >= 3]


def has_holes(mask: np.ndarray) -> bool:
    """Whether a region of ``mask`` encloses background (a hole that outer polygons would
    fill: a dropout cut into an object, a ring)."""
    _contours, hierarchy = cv2.findContours(np.ascontiguousarray(mask, dtype=np.uint8),
                                            cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    return hierarchy is not None and bool((hierarchy[0][:, 3] >= 0).any())  # inner contours


def rle_to_mask(rle: dict[str, Any]) -> np.ndarray:
    """A COCO RLE (``{"size": [h, w], "counts": list or compressed str}``) as a mask."""
    try:
        height, width = (int(v) for v in rle["size"])
        counts = rle["counts"]
    except (KeyError, TypeError, ValueError):
        raise AnnotationError("an RLE needs 'size' [h, w] and 'counts'") from None
    if isinstance(counts, str):
        counts = _counts_from_string(counts)
    elif not isinstance(counts, list) or not all(isinstance(c, int) and c >= 0
                                                 for c in counts):
        raise AnnotationError("RLE 'counts' must be a string or a list of integers >= 0")
    if sum(counts) != height * width:
        raise AnnotationError(f"RLE runs cover {sum(counts)} pixels; the size says "
                              f"{height} x {width}")
    values = np.zeros(len(counts), np.uint8)
    values[1::2] = 1
    flat = np.repeat(values, counts)
    return flat.reshape(width, height).T.copy()  # runs go down the columns


def mask_to_rle(mask: np.ndarray, compressed: bool = False) -> dict[str, Any]:
    """A mask as COCO RLE: ``counts`` a list of runs, or COCO's compressed string."""
    height, width = mask.shape
    flat = (np.asarray(mask).T.reshape(-1) > 0).astype(np.int8)
    edges = np.flatnonzero(np.diff(flat)) + 1
    bounds = np.concatenate([[0], edges, [flat.size]])
    counts = np.diff(bounds).tolist()
    if flat.size and flat[0] == 1:  # the first run counts zeros
        counts = [0] + counts
    if not flat.size:
        counts = []
    return {"size": [height, width],
            "counts": _counts_to_string(counts) if compressed else counts}


def _counts_from_string(text: str) -> list[int]:
    counts: list[int] = []
    p = 0
    while p < len(text):
        x, k, more = 0, 0, True
        while more:
            if p >= len(text):
                raise AnnotationError("compressed RLE 'counts' is cut short")
            c = ord(text[p]) - 48
            if not 0 <= c < 64:
                raise AnnotationError("compressed RLE 'counts' holds a character outside "
                                      "'0'..'o'")
            x |= (c & 0x1F) << (5 * k)
            more = bool(c & 0x20)
            p += 1
            k += 1
            if not more and c & 0x10:
                x |= -1 << (5 * k)  # a negative difference: sign-extend
        if len(counts) > 2:
            x += counts[-2]
        if x < 0:
            raise AnnotationError("compressed RLE 'counts' decodes to a negative run")
        counts.append(x)
    return counts


def _counts_to_string(counts: list[int]) -> str:
    out = []
    for i, run in enumerate(counts):
        x = run - counts[i - 2] if i > 2 else run
        more = True
        while more:
            c = x & 0x1F
            x >>= 5  # arithmetic shift, as in COCO's C code
            more = x != -1 if c & 0x10 else x != 0
            out.append(chr((c | 0x20 if more else c) + 48))
    return "".join(out)
