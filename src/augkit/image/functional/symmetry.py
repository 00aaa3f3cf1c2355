"""Kernels of the square's symmetries (the dihedral group D4) and of grid shuffles.

Points are in the continuous pixel frame of :mod:`augkit.image.functional.geometric` (image
corner at (0, 0), far corner at (width, height)).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from augkit.image.functional import geometric as G

# the 8 symmetries of a square: identity, 3 rotations (counter-clockwise as displayed) and
# 4 reflections (left-right, top-bottom, main diagonal, anti-diagonal)
D4_ELEMENTS = ("e", "r90", "r180", "r270", "hflip", "vflip", "transpose", "transverse")
_TURNS = {"e": 0, "r90": 1, "r180": 2, "r270": 3}


def d4(img: np.ndarray, element: str) -> np.ndarray:
    """``img`` under one of :data:`D4_ELEMENTS` (a new array; shape (W, H) for the four
    elements that swap the axes)."""
    if element in _TURNS:
        return G.rot90(img, _TURNS[element])
    if element == "hflip":
        return G.hflip(img)
    if element == "vflip":
        return G.vflip(img)
    if element == "transpose":
        return G.transpose(img)
    return G.rot90(G.transpose(img), 2)  # transverse: (r, c) -> (W-1-c, H-1-r)


def d4_points(xy: np.ndarray, element: str, height: int, width: int) -> np.ndarray:
    """Points under the same element as :func:`d4` of an image of ``height`` x ``width``."""
    if element in _TURNS:
        return G.rot90_points(xy, _TURNS[element], height, width)
    if element == "hflip":
        return G.hflip_points(xy, width)
    if element == "vflip":
        return G.vflip_points(xy, height)
    if element == "transpose":
        return G.transpose_points(xy)
    return np.column_stack([height - xy[:, 1], width - xy[:, 0]])


def grid_edges(size: int, parts: int) -> np.ndarray:
    """``parts + 1`` integer tile edges splitting ``size`` pixels as evenly as possible."""
    return (np.arange(parts + 1) * size) // parts


@lru_cache(maxsize=64)
def tile_boxes(height: int, width: int, rows: int, cols: int) -> np.ndarray:
    """(rows * cols, 4) tiles as ``[top, left, bottom, right]``, row-major (cached per
    layout: a read-only array)."""
    ys, xs = grid_edges(height, rows), grid_edges(width, cols)
    top, left = np.meshgrid(ys[:-1], xs[:-1], indexing="ij")
    bottom, right = np.meshgrid(ys[1:], xs[1:], indexing="ij")
    out = np.stack([top.ravel(), left.ravel(), bottom.ravel(), right.ravel()], axis=1)
    out.flags.writeable = False
    return out


@lru_cache(maxsize=64)
def tile_groups(height: int, width: int, rows: int, cols: int) -> tuple[np.ndarray, ...]:
    """The tile indices of each tile shape (tiles swap only within a group), cached."""
    tiles = tile_boxes(height, width, rows, cols)
    shapes = tiles[:, 2:] - tiles[:, :2]
    groups = tuple(np.flatnonzero((shapes == shape).all(axis=1))
                   for shape in np.unique(shapes, axis=0))
    for g in groups:
        g.flags.writeable = False
    return groups


@lru_cache(maxsize=64)
def _tile_slices(height: int, width: int, rows: int, cols: int) -> list[tuple[slice, slice]]:
    return [(slice(t, b), slice(lft, r))
            for t, lft, b, r in tile_boxes(height, width, rows, cols).tolist()]


def shuffle_tiles(img: np.ndarray, rows: int, cols: int, order: list[int]) -> np.ndarray:
    """Tile ``order[j]`` of ``img`` written into tile ``j`` (tiles of one shape swap only
    among themselves, so every copy fits)."""
    slices = _tile_slices(img.shape[0], img.shape[1], rows, cols)
    out = np.empty_like(img)
    for dst, src in zip(slices, order, strict=True):
        out[dst] = img[slices[src]]
    return out


def tile_offsets(height: int, width: int, rows: int, cols: int, order: list[int]
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row / column edges and, per source tile, the (dx, dy) shift that carries it to where
    :func:`shuffle_tiles` writes it."""
    tiles = tile_boxes(height, width, rows, cols)
    shift = np.zeros((len(tiles), 2))
    dest = np.asarray(order)
    shift[dest] = tiles[:, [1, 0]] - tiles[dest][:, [1, 0]]
    return grid_edges(height, rows), grid_edges(width, cols), shift


def shuffle_points(xy: np.ndarray, height: int, width: int, rows: int, cols: int,
                   order: list[int]) -> np.ndarray:
    """Points moved with the tile they lie in; points outside the image stay where they are
    (a point on the far edge belongs to the last tile)."""
    ys, xs, shift = tile_offsets(height, width, rows, cols, order)
    inside = (xy[:, 0] >= 0) & (xy[:, 0] <= width) & (xy[:, 1] >= 0) & (xy[:, 1] <= height)
    col = np.clip(np.searchsorted(xs, xy[:, 0], side="right") - 1, 0, cols - 1)
    row = np.clip(np.searchsorted(ys, xy[:, 1], side="right") - 1, 0, rows - 1)
    return xy + shift[row * cols + col] * inside[:, None]


def shuffle_box_hulls(xyxy: np.ndarray, height: int, width: int, rows: int, cols: int,
                      order: list[int]) -> np.ndarray:
    """(N, 2, 2) corners (low, high) of the hull of each box's pieces after the shuffle: a
    box is cut along the tile edges and each piece inside the image moves with its tile.
    A box with no area inside the image moves as its two corners do."""
    ys, xs, shift = tile_offsets(height, width, rows, cols, order)
    out = np.empty((len(xyxy), 2, 2))
    for i, (x0, y0, x1, y1) in enumerate(xyxy.tolist()):
        cx0, cy0, cx1, cy1 = max(x0, 0.0), max(y0, 0.0), min(x1, width), min(y1, height)
        if cx1 <= cx0 or cy1 <= cy0:
            pts = shuffle_points(np.array([[x0, y0], [x1, y1]]), height, width, rows, cols,
                                 order)
            out[i] = [pts.min(axis=0), pts.max(axis=0)]
            continue
        lo, hi = np.full(2, np.inf), np.full(2, -np.inf)
        for r in range(rows):
            py0, py1 = max(cy0, ys[r]), min(cy1, ys[r + 1])
            if py1 <= py0:
                continue
            for c in range(cols):
                px0, px1 = max(cx0, xs[c]), min(cx1, xs[c + 1])
                if px1 <= px0:
                    continue
                dx, dy = shift[r * cols + c]
                lo = np.minimum(lo, [px0 + dx, py0 + dy])
                hi = np.maximum(hi, [px1 + dx, py1 + dy])
        out[i] = [lo, hi]
    return out
