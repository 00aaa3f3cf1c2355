"""Non-affine warp kernels: perspective, elastic, grid and optical (lens) distortion.

Frames follow :mod:`augkit.image.functional.geometric`: points are continuous pixel
coordinates (image corner at (0, 0)). Remap-based warps are described by backward sampling
maps: output pixel (row i, column j) takes its value from the source point
(map_x[i, j], map_y[i, j]) in OpenCV's frame (pixel centres on integers), i.e. a displacement
field (map_x - j, map_y - i). Images go through ``cv2.remap``; points need the *forward* map,
i.e. the inverse of that field:

- grid distortion is separable and monotonic, so its inverse is exact (piecewise linear);
- optical distortion is radial, inverted per point by Newton's method on the radius
  (residual < 1e-6 px; for pincushion (k < 0) source points beyond the fold of the lens model
  have no preimage and are sent out of view, where they are marked not visible);
- elastic fields are inverted numerically per point (Newton's method on the bilinearly
  interpolated field, with a coarse grid search as a fallback); the residual is below 0.01 px
  wherever the field does not fold. Outside the image the field is extended by its edge
  values, so far-away points move by a plain translation.

Random fields are drawn inside the kernels from a ``noise_seed`` parameter, so a record of
the parameters replays the exact same warp.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np

from augkit.image.functional.bands import row_bands
from augkit.image.functional.geometric import (
    BORDER_MODES,
    INTERPOLATIONS,
    _fill_value,
    as_rgba,
    by_band,
    is_identity,
    keep_shape,
    rgba_is_faster,
    warp_channels,
)
from augkit.image.functional.scratch import LIMIT, scratch

# -- perspective ------------------------------------------------------------------------------


def image_corners(height: int, width: int) -> np.ndarray:
    """The four image corners TL, TR, BR, BL in the continuous frame."""
    return np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float64)


def perspective_matrix(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """3x3 homography (continuous frame) sending the 4 points ``src`` onto ``dst``."""
    return cv2.getPerspectiveTransform(np.asarray(src, np.float32), np.asarray(dst, np.float32)
                                       ).astype(np.float64)


def _to_opencv_homography(matrix: np.ndarray) -> np.ndarray:
    shift = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]])
    unshift = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]])
    return unshift @ matrix @ shift


def warp_perspective(img: np.ndarray, matrix: np.ndarray, height: int, width: int,
                     interpolation: str = "linear", border_mode: str = "constant",
                     fill: float = 0) -> np.ndarray:
    """Warp with a continuous-frame 3x3 ``matrix`` mapping input points to output points."""
    cv_matrix = _to_opencv_homography(np.asarray(matrix, np.float64))
    if is_identity(cv_matrix, img, height, width):
        return img.copy()
    flags, mode = INTERPOLATIONS[interpolation], BORDER_MODES[border_mode]
    return warp_channels(
        lambda a, dst=None: cv2.warpPerspective(a, cv_matrix, (width, height), dst=dst,
                                                flags=flags, borderMode=mode,
                                                borderValue=_fill_value(fill, a)),
        img, interpolation, (height, width))


def perspective_points(xy: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Map (K, 2) points through a 3x3 homography (exact)."""
    h = np.asarray(matrix, np.float64)
    pts = np.column_stack([xy, np.ones(len(xy))]) @ h.T
    w = pts[:, 2:3]
    w = np.where(np.abs(w) < 1e-12, 1e-12, w)  # points on the horizon line go far away
    return pts[:, :2] / w


# -- remap-based warps ------------------------------------------------------------------------


def remap(img: np.ndarray, map_x: np.ndarray, map_y: np.ndarray, interpolation: str = "linear",
          border_mode: str = "constant", fill: float = 0) -> np.ndarray:
    """Output pixel (i, j) samples the source at (map_x[i, j], map_y[i, j]) (OpenCV frame)."""
    flags, mode = INTERPOLATIONS[interpolation], BORDER_MODES[border_mode]
    if flags == cv2.INTER_AREA:  # not defined for remap; linear is its closest match
        flags = cv2.INTER_LINEAR
    return warp_channels(
        lambda a, dst=None: cv2.remap(a, map_x, map_y, flags, dst=dst, borderMode=mode,
                                      borderValue=_fill_value(fill, a)),
        img, interpolation, map_x.shape[:2])


def maps_from_field(dx: np.ndarray, dy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Absolute sampling maps from a backward displacement field."""
    h, w = dx.shape
    map_x = np.arange(w, dtype=np.float32)[None, :] + dx
    map_y = np.arange(h, dtype=np.float32)[:, None] + dy
    return _frozen(map_x.astype(np.float32, copy=False)), _frozen(
        map_y.astype(np.float32, copy=False))


def _bilinear(field: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Bilinear value of an HxW field at continuous points, clamped to the edge values."""
    h, w = field.shape
    x = np.clip(xy[:, 0] - 0.5, 0, w - 1)
    y = np.clip(xy[:, 1] - 0.5, 0, h - 1)
    x0 = np.minimum(np.floor(x).astype(np.int64), max(w - 2, 0))
    y0 = np.minimum(np.floor(y).astype(np.int64), max(h - 2, 0))
    x1, y1 = np.minimum(x0 + 1, w - 1), np.minimum(y0 + 1, h - 1)
    fx, fy = x - x0, y - y0
    top = field[y0, x0] * (1 - fx) + field[y0, x1] * fx
    bottom = field[y1, x0] * (1 - fx) + field[y1, x1] * fx
    return top * (1 - fy) + bottom * fy


def _source_of(xy: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    return xy + np.column_stack([_bilinear(dx, xy), _bilinear(dy, xy)])


def _newton(target: np.ndarray, guess: np.ndarray, dx: np.ndarray, dy: np.ndarray,
            iterations: int = 12) -> np.ndarray:
    """Solve source_of(q) = target for q, starting at ``guess``."""
    q = guess.copy()
    step = 0.5
    ex, ey = np.array([step, 0.0]), np.array([0.0, step])
    for _ in range(iterations):
        residual = _source_of(q, dx, dy) - target
        if np.abs(residual).max(initial=0.0) < 1e-4:
            break
        jx = (_source_of(q + ex, dx, dy) - _source_of(q - ex, dx, dy)) / (2 * step)
        jy = (_source_of(q + ey, dx, dy) - _source_of(q - ey, dx, dy)) / (2 * step)
        a, b, c, d = jx[:, 0], jy[:, 0], jx[:, 1], jy[:, 1]
        det = a * d - b * c
        ok = np.abs(det) > 1e-6
        det = np.where(ok, det, 1.0)
        ux = np.where(ok, (d * residual[:, 0] - b * residual[:, 1]) / det, residual[:, 0])
        uy = np.where(ok, (-c * residual[:, 0] + a * residual[:, 1]) / det, residual[:, 1])
        update = np.column_stack([ux, uy])
        # limit a step to a few pixels so a bad Jacobian cannot throw a point far away
        norm = np.linalg.norm(update, axis=1, keepdims=True)
        q -= update * np.minimum(1.0, 4.0 / np.maximum(norm, 1e-12))
    return q


def remap_points(xy: np.ndarray, dx: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Forward-map source points through the warp whose backward field is (dx, dy)."""
    xy = np.asarray(xy, np.float64)
    if len(xy) == 0:
        return xy.copy()
    dx64, dy64 = dx.astype(np.float64), dy.astype(np.float64)
    guess = xy - np.column_stack([_bilinear(dx64, xy), _bilinear(dy64, xy)])
    q = _newton(xy, guess, dx64, dy64)
    bad = np.linalg.norm(_source_of(q, dx64, dy64) - xy, axis=1) > 0.01
    if bad.any():  # start again from the best node of a coarse grid
        h, w = dx.shape
        stride = max(1, max(h, w) // 64)
        gy, gx = np.mgrid[0:h:stride, 0:w:stride]
        nodes = np.column_stack([gx.ravel() + 0.5, gy.ravel() + 0.5]).astype(np.float64)
        mapped = _source_of(nodes, dx64, dy64)
        targets = xy[bad]
        best = np.empty((len(targets), 2))
        for start in range(0, len(targets), 256):  # bounded memory per chunk
            chunk = targets[start:start + 256]
            dist = ((mapped[None, :, :] - chunk[:, None, :]) ** 2).sum(axis=2)
            best[start:start + 256] = nodes[dist.argmin(axis=1)]
        retry = _newton(targets, best, dx64, dy64, iterations=20)
        before = np.linalg.norm(_source_of(q[bad], dx64, dy64) - targets, axis=1)
        after = np.linalg.norm(_source_of(retry, dx64, dy64) - targets, axis=1)
        q[bad] = np.where((after < before)[:, None], retry, q[bad])
    return q


# -- elastic ----------------------------------------------------------------------------------


def elastic_field(height: int, width: int, alpha: float, sigma: float,
                  noise_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`make_elastic_field`, cached: image, mask and points of one call share it.
    Fields up to the scratch size (``scratch.LIMIT``) keep the last 4 (freeing and faulting
    in a new field per call cost ~15% at 500x375), larger ones only the last one (a
    12-megapixel field is 96 MB)."""
    cache = _SMALL_FIELDS if 8 * height * width <= LIMIT else _LARGE_FIELDS
    return cache(height, width, alpha, sigma, noise_seed)


def make_elastic_field(height: int, width: int, alpha: float, sigma: float,
                       noise_seed: int) -> tuple[np.ndarray, np.ndarray]:
    """A smooth random displacement field (Simard et al. 2003).

    Uniform noise smoothed by a Gaussian of ``sigma`` (fraction of the short side), scaled so
    its largest displacement is (at most) ``alpha`` (fraction of the short side). The noise
    is drawn on a grid about sigma/2 pixels apart, smoothed there and resized, which is much
    cheaper than smoothing at full resolution and looks the same.
    """
    short = min(height, width)
    sigma_px = max(sigma * short, 0.5)
    step = max(1, int(sigma_px // 2))  # the smoothed noise spans 2+ grid cells per sigma
    gh, gw = math.ceil(height / step) + 1, math.ceil(width / step) + 1
    rng = np.random.default_rng(noise_seed)
    noise = rng.uniform(-1.0, 1.0, size=(gh, gw, 2)).astype(np.float32)
    size = 2 * math.ceil(3 * sigma_px / step) + 1
    smooth = cv2.GaussianBlur(noise, (size, size), sigma_px / step,
                              borderType=cv2.BORDER_REFLECT_101)
    # scale on the small grid; linear resizing cannot exceed its extremes
    smooth *= np.float32(alpha * short / max(float(np.abs(smooth).max()), 1e-12))
    dx, dy = (cv2.resize(np.ascontiguousarray(smooth[:, :, i]), (width, height),
                         interpolation=cv2.INTER_LINEAR) for i in range(2))
    return _frozen(dx), _frozen(dy)


_SMALL_FIELDS = lru_cache(maxsize=4)(make_elastic_field)
_LARGE_FIELDS = lru_cache(maxsize=1)(make_elastic_field)


def remap_field(img: np.ndarray, dx: np.ndarray, dy: np.ndarray,
                interpolation: str = "linear", border_mode: str = "constant",
                fill: float = 0) -> np.ndarray:
    """:func:`remap` by the maps of a backward field (:func:`maps_from_field`), built and
    applied one band of output rows at a time: the same maps and pixels, without two
    whole-image float32 maps and a whole RGBA output next to the cached field (an elastic
    warp of a 12-megapixel photo took 9x its size)."""
    flags, mode = INTERPOLATIONS[interpolation], BORDER_MODES[border_mode]
    if flags == cv2.INTER_AREA:  # not defined for remap; linear is its closest match
        flags = cv2.INTER_LINEAR
    height, width = dx.shape
    xs = np.arange(width, dtype=np.float32)[None, :]
    bands = row_bands(img, wide=True)
    rows = bands[0][1]  # the tallest band: one set of scratch arrays serves them all
    ys = np.arange(height, dtype=np.float32)[:, None]

    def band_maps(first: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
        # the float32 sums of maps_from_field, row by row, into per-thread scratch arrays
        # (fresh ones fault their pages in: that alone cost as much as the remap)
        n = stop - first
        map_x = np.add(xs, dx[first:stop], out=scratch("remap_x", (rows, width),
                                                        np.float32)[:n])
        map_y = np.add(ys[first:stop], dy[first:stop], out=scratch("remap_y", (rows, width),
                                                                   np.float32)[:n])
        return map_x, map_y

    def warp(src: np.ndarray, rgba: bool = False) -> np.ndarray:
        value = _fill_value(fill, src)
        out = np.empty((height, width) + ((3,) if rgba else src.shape[2:]), src.dtype)
        for first, stop in bands:
            maps = band_maps(first, stop)
            if rgba:  # RGBA rows in a scratch array, their RGB straight into the output
                dst = scratch("warp_dst", (rows, width, 4))[:stop - first]
                cv2.remap(src, *maps, flags, dst=dst, borderMode=mode, borderValue=value)
                cv2.cvtColor(dst, cv2.COLOR_RGBA2RGB, dst=out[first:stop])
            else:
                out[first:stop] = keep_shape(cv2.remap(src, *maps, flags, borderMode=mode,
                                                       borderValue=value), src)
        return out

    if rgba_is_faster(img, interpolation):  # the RGBA kernel, as remap's warp_channels
        return warp(as_rgba(img, scratch("warp_src", img.shape[:2] + (4,))), rgba=True)
    return by_band(warp, img)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.setflags(write=False)  # cached: callers must not change it
    return array


# -- grid distortion --------------------------------------------------------------------------


def grid_edges(size: int, steps: list[float]) -> tuple[np.ndarray, np.ndarray]:
    """(output edges, source edges) of a 1-D grid distortion along an axis of ``size``.

    The axis is cut into ``len(steps)`` equal output cells; cell k shows a source stretch of
    relative length 1 + steps[k]; stretches are rescaled so the image edges stay in place.
    """
    n = len(steps)
    out_edges = np.linspace(0.0, float(size), n + 1)
    lengths = 1.0 + np.asarray(steps, np.float64)
    src_edges = np.concatenate([[0.0], np.cumsum(lengths)]) * (size / lengths.sum())
    return out_edges, src_edges


@lru_cache(maxsize=4)
def grid_maps(height: int, width: int, steps_x: tuple[float, ...],
              steps_y: tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Sampling maps of a grid distortion (separable: x depends on the column only)."""
    out_x, src_x = grid_edges(width, list(steps_x))
    out_y, src_y = grid_edges(height, list(steps_y))
    sx = (np.interp(np.arange(width) + 0.5, out_x, src_x) - 0.5).astype(np.float32)
    sy = (np.interp(np.arange(height) + 0.5, out_y, src_y) - 0.5).astype(np.float32)
    return (_frozen(np.ascontiguousarray(np.broadcast_to(sx[None, :], (height, width)))),
            _frozen(np.ascontiguousarray(np.broadcast_to(sy[:, None], (height, width)))))


def grid_points(xy: np.ndarray, height: int, width: int, steps_x: list[float],
                steps_y: list[float]) -> np.ndarray:
    """Exact forward map of a grid distortion (piecewise linear, extended linearly)."""
    out_x, src_x = grid_edges(width, steps_x)
    out_y, src_y = grid_edges(height, steps_y)
    return np.column_stack([_interp_extended(xy[:, 0], src_x, out_x),
                            _interp_extended(xy[:, 1], src_y, out_y)])


def _interp_extended(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """np.interp that continues with the end slopes outside [xp[0], xp[-1]]."""
    out = np.interp(x, xp, fp)
    lo_slope = (fp[1] - fp[0]) / (xp[1] - xp[0])
    hi_slope = (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    out = np.where(x < xp[0], fp[0] + (x - xp[0]) * lo_slope, out)
    return np.where(x > xp[-1], fp[-1] + (x - xp[-1]) * hi_slope, out)


# -- optical (radial lens) distortion ---------------------------------------------------------


def _lens_frame(height: int, width: int) -> tuple[np.ndarray, float]:
    return np.array([width / 2.0, height / 2.0]), math.hypot(width, height) / 2.0


@lru_cache(maxsize=4)
def optical_maps(height: int, width: int, k: float) -> tuple[np.ndarray, np.ndarray]:
    """Radial model: the output point at normalised radius r samples radius r (1 + k r^2).

    Radii are normalised by the half-diagonal, so ``k`` is the relative displacement of the
    corners: k > 0 gives barrel distortion, k < 0 pincushion. Built from two 1-D coordinate
    vectors, so it costs a few passes over the image.
    """
    centre, radius = _lens_frame(height, width)
    px = (np.arange(width, dtype=np.float32) + np.float32(0.5 - centre[0]))  # pixels
    py = (np.arange(height, dtype=np.float32) + np.float32(0.5 - centre[1]))
    scale = np.float32(k / (radius * radius))
    factor = (px * px * scale)[None, :] + (py * py * scale)[:, None]
    factor += np.float32(1.0)
    map_x = factor * px[None, :]
    map_x += np.float32(centre[0] - 0.5)
    map_y = factor * py[:, None]
    map_y += np.float32(centre[1] - 0.5)
    return _frozen(map_x), _frozen(map_y)


def optical_points(xy: np.ndarray, height: int, width: int, k: float) -> np.ndarray:
    """Forward map: solve r (1 + k r^2) = r_source per point (Newton's method)."""
    centre, radius = _lens_frame(height, width)
    u = (np.asarray(xy, np.float64) - centre) / radius
    r_src = np.linalg.norm(u, axis=1)
    r = r_src.copy()
    for _ in range(30):
        derivative = 1.0 + 3.0 * k * r * r
        r = r - (r * (1.0 + k * r * r) - r_src) / np.where(np.abs(derivative) < 1e-9, 1e-9,
                                                           derivative)
        r = np.maximum(r, 0.0)
    if k < 0:  # pincushion: radii beyond the fold have no preimage; send them out of view
        r_fold = 1.0 / math.sqrt(-3.0 * k)
        f_fold = 2.0 * r_fold / 3.0
        r = np.where(r_src >= f_fold, r_fold + (r_src - f_fold), r)
    ratio = np.divide(r, r_src, out=np.ones_like(r), where=r_src > 0)
    return centre + u * ratio[:, None] * radius


# -- boxes through curved warps ---------------------------------------------------------------


def box_edge_points(xyxy: np.ndarray, max_per_edge: int = 64) -> np.ndarray:
    """(N, P, 2) points along the four edges of each box, about one pixel apart (at most
    ``max_per_edge`` per edge), so a curved warp of the edges is bounded tightly."""
    xyxy = np.asarray(xyxy, np.float64)
    sides = np.maximum(xyxy[:, 2] - xyxy[:, 0], xyxy[:, 3] - xyxy[:, 1])
    n = int(np.clip(math.ceil(float(sides.max(initial=1.0))) + 1, 2, max_per_edge))
    t = np.linspace(0.0, 1.0, n)[None, :]
    x0, y0, x1, y1 = (xyxy[:, i:i + 1] for i in range(4))
    xs = np.concatenate([x0 + (x1 - x0) * t, x1 + 0 * t, x1 - (x1 - x0) * t, x0 + 0 * t],
                        axis=1)
    ys = np.concatenate([y0 + 0 * t, y0 + (y1 - y0) * t, y1 + 0 * t, y1 - (y1 - y0) * t],
                        axis=1)
    return np.stack([xs, ys], axis=2)
