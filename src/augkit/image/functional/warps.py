"""Backward displacement fields of smooth warps: thin-plate splines through moved control
points, and random displacements on a coarse grid.

A field (dx, dy) says where each output pixel samples the input (OpenCV frame: output
pixel (i, j) reads input (j + dx, i + dy)); images go through
:func:`augkit.image.functional.distortion.remap_field` and points through
:func:`augkit.image.functional.distortion.remap_points` (Newton inversion). Fields are
cached per parameters, so an image, its masks and its points share one.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np


def _frozen(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=np.float32)
    a.flags.writeable = False
    return a


def _tps_u(r2: np.ndarray) -> np.ndarray:
    """The thin-plate kernel r^2 log r, written in r^2 (0 at r = 0)."""
    return 0.5 * r2 * np.log(np.where(r2 > 0, r2, 1.0))


def tps_fit(src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Weights (K, 2) and affine part (3, 2) of the thin-plate spline taking the K points
    ``src`` exactly to ``dst`` with the least bending."""
    k = len(src)
    d2 = ((src[:, None, :] - src[None, :, :]) ** 2).sum(axis=2)
    p = np.column_stack([np.ones(k), src])
    system = np.zeros((k + 3, k + 3))
    system[:k, :k] = _tps_u(d2)
    system[:k, k:], system[k:, :k] = p, p.T
    rhs = np.zeros((k + 3, 2))
    rhs[:k] = dst
    solution = np.linalg.lstsq(system, rhs, rcond=None)[0]
    return solution[:k], solution[k:]


def tps_apply(xy: np.ndarray, src: np.ndarray, weights: np.ndarray,
              affine: np.ndarray) -> np.ndarray:
    d2 = ((xy[:, None, :] - src[None, :, :]) ** 2).sum(axis=2)
    return _tps_u(d2) @ weights + np.column_stack([np.ones(len(xy)), xy]) @ affine


def tps_control_points(count: int) -> np.ndarray:
    """``count`` x ``count`` control points spread over [0, 1]^2, the corners included."""
    t = np.linspace(0.0, 1.0, count)
    gx, gy = np.meshgrid(t, t)
    return np.column_stack([gx.ravel(), gy.ravel()])


@lru_cache(maxsize=4)
def tps_field(height: int, width: int, count: int, offsets: tuple[float, ...]
              ) -> tuple[np.ndarray, np.ndarray]:
    """The backward field of the spline that moves the ``count`` x ``count`` control points
    by ``offsets`` (flat x, y pairs, fractions of width and height): an output point at a
    moved control point samples the input at the control point. Evaluated on a grid of at
    most 64 nodes a side and resized bilinearly (the spline is smooth)."""
    src = tps_control_points(count)
    dst = src + np.asarray(offsets, np.float64).reshape(-1, 2)
    weights, affine = tps_fit(dst, src)  # backward: output (dst) -> input (src)
    gh, gw = min(height, 64), min(width, 64)
    ys, xs = np.meshgrid((np.arange(gh) + 0.5) / gh, (np.arange(gw) + 0.5) / gw, indexing="ij")
    grid = np.column_stack([xs.ravel(), ys.ravel()])
    source = tps_apply(grid, dst, weights, affine)
    dx = ((source[:, 0] - grid[:, 0]) * width).reshape(gh, gw).astype(np.float32)
    dy = ((source[:, 1] - grid[:, 1]) * height).reshape(gh, gw).astype(np.float32)
    if (gh, gw) != (height, width):
        dx = cv2.resize(dx, (width, height), interpolation=cv2.INTER_LINEAR)
        dy = cv2.resize(dy, (width, height), interpolation=cv2.INTER_LINEAR)
    return _frozen(dx), _frozen(dy)


@lru_cache(maxsize=4)
def grid_field(height: int, width: int, rows: int, cols: int, magnitude: float,
               noise_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Displacements drawn uniformly in [-magnitude, magnitude] pixels at the nodes of a
    (rows + 1) x (cols + 1) grid over the image, interpolated bicubically between them
    (edge nodes included, so the border moves too)."""
    rng = np.random.default_rng(noise_seed)
    nodes = rng.uniform(-magnitude, magnitude, (rows + 1, cols + 1, 2)).astype(np.float32)
    # the node grid spans the image corner to corner: node (r, c) at row r * (H - 1) / rows
    ys = np.linspace(0, rows, height, dtype=np.float32)
    xs = np.linspace(0, cols, width, dtype=np.float32)
    map_x, map_y = np.meshgrid(xs, ys)
    dx = cv2.remap(np.ascontiguousarray(nodes[:, :, 0]), map_x, map_y, cv2.INTER_CUBIC,
                   borderMode=cv2.BORDER_REPLICATE)
    dy = cv2.remap(np.ascontiguousarray(nodes[:, :, 1]), map_x, map_y, cv2.INTER_CUBIC,
                   borderMode=cv2.BORDER_REPLICATE)
    return _frozen(dx), _frozen(dy)


@lru_cache(maxsize=4)
def piecewise_affine_field(height: int, width: int, rows: int, cols: int, scale: float,
                           noise_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A piecewise-affine backward field: the output is cut into ``rows`` x ``cols`` cells
    (corner to corner), each split along its anti-diagonal into two triangles; the nodes'
    displacements are drawn from N(0, ``scale``) (fractions of width and height), and
    inside a triangle the displacement is the affine blend of its three nodes. Built cell
    by cell in float32 (whole-image gathers of the node values cost ~10x more)."""
    rng = np.random.default_rng(noise_seed)
    nodes = (rng.normal(0.0, scale, (rows + 1, cols + 1, 2)) * np.array([width, height])
             ).astype(np.float32)
    gx = (np.arange(width, dtype=np.float32) + 0.5) / np.float32(width / cols)
    gy = (np.arange(height, dtype=np.float32) + 0.5) / np.float32(height / rows)
    jx = np.minimum(gx.astype(np.int64), cols - 1)
    iy = np.minimum(gy.astype(np.int64), rows - 1)
    x_edges = np.searchsorted(jx, np.arange(cols + 1))  # pixel columns of each cell
    y_edges = np.searchsorted(iy, np.arange(rows + 1))
    fields = (np.empty((height, width), np.float32), np.empty((height, width), np.float32))
    for i in range(rows):
        y0, y1 = y_edges[i], y_edges[i + 1]
        v = (gy[y0:y1] - i)[:, None]
        for j in range(cols):
            x0, x1 = x_edges[j], x_edges[j + 1]
            if y1 <= y0 or x1 <= x0:
                continue
            u = (gx[x0:x1] - j)[None, :]
            lower = (u + v) <= 1.0
            for axis, out in enumerate(fields):
                d00, d01 = nodes[i, j, axis], nodes[i, j + 1, axis]
                d10, d11 = nodes[i + 1, j, axis], nodes[i + 1, j + 1, axis]
                # triangle (00, 01, 10) where u + v <= 1, else (11, 10, 01)
                out[y0:y1, x0:x1] = np.where(lower, d00 + u * (d01 - d00) + v * (d10 - d00),
                                             d11 + (1 - u) * (d10 - d11) + (1 - v) * (d01 - d11))
    return _frozen(fields[0]), _frozen(fields[1])


@lru_cache(maxsize=4)
def wave_field(height: int, width: int, waves: tuple[tuple[float, ...], ...]
               ) -> tuple[np.ndarray, np.ndarray]:
    """Refraction through a rippled water surface: each wave (amplitude and wavelength as
    fractions of the short side, direction and phase in radians) displaces the sampling
    point along its direction by ``amplitude * sin(2 pi s / wavelength + phase)``, s the
    position along that direction; the waves add up."""
    short = min(height, width)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    dx = np.zeros((height, width), np.float32)
    dy = np.zeros((height, width), np.float32)
    for amplitude, wavelength, angle, phase in waves:
        c, s = np.float32(np.cos(angle)), np.float32(np.sin(angle))
        along = (xs * c + ys * s) * np.float32(2 * np.pi / (wavelength * short)) + np.float32(
            phase)
        shift = np.sin(along) * np.float32(amplitude * short)
        dx += shift * c
        dy += shift * s
    return _frozen(dx), _frozen(dy)
