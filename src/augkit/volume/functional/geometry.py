"""Geometric kernels of volumes.

Axes are (z, y, x) = (depth, height, width); a trailing channel axis rides along. Label maps
go through the same functions with ``label=True`` (nearest neighbour, never blended).

The warps (affine, elastic) map every output voxel to a source position and interpolate:
trilinear for the volume, nearest for labels. Trilinear sampling is done by OpenCV's 2-D
``remap`` on a *tiled* copy of the volume: every slice is laid out as one tile of a 2-D
canvas with one row and one column of fill after it (and a fill slice before the first and
after the last), so a bilinear read at (y, x) in the tile of slice z0 and another in the tile
of z0 + 1, blended by the fraction of z, is exactly the trilinear value with a constant
border. Positions outside are clipped into the fill rows, so no read reaches a neighbour tile.
"""

from __future__ import annotations

import itertools
import math

import cv2
import numpy as np

SHRT_MAX = 32767  # OpenCV's remap takes images and maps below this size on each side
CHUNK_VOXELS = 1 << 18  # output voxels per remap chunk (keeps temporaries in cache-sized bits)


# -- exact moves ----------------------------------------------------------------------------
_CV_DTYPES = {np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16, np.int32,
                                    np.float32, np.float64)}


def _cv_view(vol: np.ndarray) -> np.ndarray | None:
    """``vol`` as an array OpenCV's per-slice kernels take (bool seen as uint8), or None."""
    if vol.dtype == np.bool_:
        vol = vol.view(np.uint8)
    if vol.dtype not in _CV_DTYPES or (vol.ndim == 4 and vol.shape[3] > 4):
        return None
    return vol


def flip(vol: np.ndarray, axes: list[int]) -> np.ndarray:
    """``vol`` reversed along each axis in ``axes`` (a new contiguous array): slices taken
    in reverse order for z, OpenCV's SIMD flip per slice for y and x."""
    if not axes:
        return vol.copy()
    cv = _cv_view(vol) if vol.flags.c_contiguous else None
    in_plane = tuple(a for a in sorted(axes) if a > 0)
    if cv is None or not in_plane:
        return np.ascontiguousarray(np.flip(vol, axis=tuple(axes)))
    code = {(1,): 0, (2,): 1, (1, 2): -1}[in_plane]
    out = np.empty_like(cv)
    src = cv[::-1] if 0 in axes else cv
    for k in range(cv.shape[0]):
        cv2.flip(src[k], code, dst=out[k])
    return out.view(vol.dtype)


_ROTATE = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}


def rot90(vol: np.ndarray, k: int, axes: list[int]) -> np.ndarray:
    """``k`` quarter turns in the plane of ``axes`` (two of 0, 1, 2), as ``np.rot90``; in
    the (y, x) plane OpenCV turns each slice."""
    k %= 4
    cv = _cv_view(vol) if tuple(axes) == (1, 2) and k and vol.flags.c_contiguous else None
    if cv is None:
        return np.ascontiguousarray(np.rot90(vol, k, axes=tuple(axes)))
    D, H, W = vol.shape[:3]
    out = np.empty((D, *((W, H) if k % 2 else (H, W)), *vol.shape[3:]), cv.dtype)
    for z in range(D):
        cv2.rotate(cv[z], _ROTATE[k], dst=out[z])
    return out.view(vol.dtype)


def _symmetries() -> list[tuple[tuple[int, int, int], tuple[int, ...], int]]:
    """The 48 symmetries of the cube as (axis permutation, flipped axes, determinant)."""
    out = []
    for perm in itertools.permutations(range(3)):
        # sign of the permutation: parity of its inversions
        inversions = sum(perm[i] > perm[j] for i in range(3) for j in range(i + 1, 3))
        for bits in range(8):
            flips = tuple(a for a in range(3) if bits >> a & 1)
            det = (-1) ** (inversions + len(flips))
            out.append((perm, flips, det))
    return out


SYMMETRIES = _symmetries()  # index 0 is the identity
PROPER = [i for i, s in enumerate(SYMMETRIES) if s[2] == 1]  # the 24 rotations


def cube_symmetry(vol: np.ndarray, index: int) -> np.ndarray:
    """Symmetry ``index`` of :data:`SYMMETRIES`: axes permuted, then flipped."""
    perm, flips, _ = SYMMETRIES[index]
    moved = np.transpose(vol, (*perm, *range(3, vol.ndim)))
    return np.ascontiguousarray(np.flip(moved, axis=flips) if flips else moved)


def crop(vol: np.ndarray, start: list[int], size: list[int]) -> np.ndarray:
    (z, y, x), (d, h, w) = start, size
    return vol[z:z + d, y:y + h, x:x + w].copy()


PAD_MODES = {"constant": "constant", "edge": "edge", "reflect": "reflect", "symmetric":
             "symmetric"}


def pad(vol: np.ndarray, widths: list[int], mode: str, fill: float) -> np.ndarray:
    """Pad by ``widths`` = (z0, z1, y0, y1, x0, x1) voxels."""
    spec = [(widths[0], widths[1]), (widths[2], widths[3]), (widths[4], widths[5])]
    spec += [(0, 0)] * (vol.ndim - 3)
    if mode == "constant":  # the volume copied in, only the six border slabs filled
        shape = tuple(s + a + b for s, (a, b) in zip(vol.shape, spec, strict=True))
        out = np.empty(shape, vol.dtype)
        out[tuple(slice(a, a + s) for s, (a, _) in zip(vol.shape, spec, strict=True))] = vol
        (z0, z1), (y0, y1), (x0, x1) = spec[:3]
        D, H, W = shape[:3]
        out[:z0] = fill
        out[D - z1:] = fill
        out[z0:D - z1, :y0] = fill
        out[z0:D - z1, H - y1:] = fill
        out[z0:D - z1, y0:H - y1, :x0] = fill
        out[z0:D - z1, y0:H - y1, W - x1:] = fill
        return out
    return np.pad(vol, spec, mode=PAD_MODES[mode])


# -- resizes (separable) --------------------------------------------------------------------
def _nearest_index(n_in: int, n_out: int) -> np.ndarray:
    """Source index of each output index, pixel centres aligned (as OpenCV's linear)."""
    return np.minimum(((np.arange(n_out) + 0.5) * (n_in / n_out)).astype(np.intp), n_in - 1)


def _resize_rows(arr2d: np.ndarray, n_out: int, interpolation: int) -> np.ndarray:
    """Resize a 2-D array along its first axis (columns untouched); OpenCV takes up to 4
    channels in one call, so wide rows are split into blocks below SHRT_MAX columns."""
    n, m = arr2d.shape
    if m < SHRT_MAX:
        return cv2.resize(arr2d, (m, n_out), interpolation=interpolation)
    out = np.empty((n_out, m), arr2d.dtype)
    step = SHRT_MAX - 1
    for a in range(0, m, step):
        out[:, a:a + step] = cv2.resize(np.ascontiguousarray(arr2d[:, a:a + step]),
                                        (min(step, m - a), n_out), interpolation=interpolation)
    return out


def _resize_plane(plane: np.ndarray, h: int, w: int, interpolation: int) -> np.ndarray:
    if plane.ndim == 3 and plane.shape[2] > 4:
        return np.stack([cv2.resize(np.ascontiguousarray(plane[:, :, c]), (w, h),
                                    interpolation=interpolation)
                         for c in range(plane.shape[2])], axis=2)
    out = cv2.resize(plane, (w, h), interpolation=interpolation)
    return out[:, :, None] if plane.ndim == 3 and out.ndim == 2 else out


_REMAP_DTYPES = {np.dtype(t) for t in (np.uint8, np.uint16, np.int16, np.float32,
                                       np.float64)}


def _resize_nearest(vol: np.ndarray, d: int, h: int, w: int) -> np.ndarray:
    """Nearest resize (centres aligned): whole slices picked along z, and in-plane an
    OpenCV remap at whole-voxel positions (an exact gather) where the dtype allows."""
    D, H, W = vol.shape[:3]
    iz, iy, ix = _nearest_index(D, d), _nearest_index(H, h), _nearest_index(W, w)
    cv = _cv_view(vol)
    if cv is None or cv.dtype not in _REMAP_DTYPES:
        return np.ascontiguousarray(vol[iz][:, iy][:, :, ix])
    mx = np.broadcast_to(ix.astype(np.float32)[None, :], (h, w)).copy()
    my = np.broadcast_to(iy.astype(np.float32)[:, None], (h, w)).copy()
    out = np.empty((d, h, w, *vol.shape[3:]), cv.dtype)
    for k in range(d):
        got = cv2.remap(cv[iz[k]], mx, my, cv2.INTER_NEAREST)
        out[k] = got.reshape(out.shape[1:])
    return out.view(vol.dtype)


def resize(vol: np.ndarray, shape: list[int], label: bool = False,
           interpolation: str = "linear") -> np.ndarray:
    """``vol`` resized to ``shape`` = (d, h, w): separable linear (in-plane with OpenCV per
    slice, then along z), or nearest for labels (index gathers, centres aligned)."""
    D, H, W = vol.shape[:3]
    d, h, w = shape
    if label or interpolation == "nearest":
        return _resize_nearest(vol, d, h, w)
    flag = cv2.INTER_CUBIC if interpolation == "cubic" else cv2.INTER_LINEAR
    out = vol
    if (h, w) != (H, W):
        out = np.stack([_resize_plane(vol[k], h, w, flag) for k in range(D)])
    if d != D:
        rest = out.shape[1:]
        out = _resize_rows(out.reshape(D, -1), d, flag).reshape(d, *rest)
    return out if out is not vol else vol.copy()


def resize_axis(vol: np.ndarray, axis: int, n_out: int, interpolation: int) -> np.ndarray:
    """``vol`` resized along one axis only (OpenCV flag ``interpolation``)."""
    D, H, W = vol.shape[:3]
    if axis == 0:
        rest = vol.shape[1:]
        return _resize_rows(vol.reshape(D, -1), n_out, interpolation).reshape(n_out, *rest)
    h, w = (n_out, W) if axis == 1 else (H, n_out)
    return np.stack([_resize_plane(vol[k], h, w, interpolation) for k in range(D)])


# -- warps --------------------------------------------------------------------------------------
class Tiled:
    """The tiled canvas of a volume (see the module docstring) with each padded slice's
    tile offsets (float32 tables indexed by padded slice number)."""

    __slots__ = ("canvas", "offx", "offy", "tile_width", "one_row")

    def __init__(self, canvas: np.ndarray, offx: np.ndarray, offy: np.ndarray,
                 tile_width: int, one_row: bool):
        self.canvas, self.offx, self.offy = canvas, offx, offy
        self.tile_width, self.one_row = tile_width, one_row

    def maps(self, t: np.ndarray, sx: np.ndarray, sy: np.ndarray, shift: int = 0):
        """OpenCV maps reading (sy, sx) in the tile of padded slice ``t + shift`` (``t`` a
        float32 array of whole numbers)."""
        if self.one_row:  # every tile in one row: the x offset is arithmetic, no gather
            mx = t * np.float32(self.tile_width)
            mx += sx if not shift else sx + np.float32(shift * self.tile_width)
            return mx, sy
        ti = t.astype(np.int32)
        offx, offy = (self.offx, self.offy) if not shift else (self.offx[shift:],
                                                                self.offy[shift:])
        mx = offx.take(ti)
        mx += sx
        my = offy.take(ti)
        my += sy
        return mx, my


def _tiled(vol: np.ndarray, fill: float) -> Tiled | None:
    """``vol`` laid out as tiles of a 2-D canvas; None where it would not fit OpenCV's
    size limit."""
    D, H, W = vol.shape[:3]
    n, th, tw = D + 2, H + 1, W + 1
    cols = max(1, min(n, (SHRT_MAX - 1) // tw))
    rows = math.ceil(n / cols)
    if rows * th >= SHRT_MAX or tw >= SHRT_MAX:
        return None
    extra = vol.shape[3:]
    canvas = np.full((rows * th, cols * tw, *extra), fill, vol.dtype)
    view = canvas.reshape(rows, th, cols, tw, *extra)
    for r in range(rows):
        lo, hi = max(r * cols, 1), min((r + 1) * cols, D + 1)  # padded slice indices
        if lo >= hi:
            continue
        part = vol[lo - 1:hi - 1]  # (m, H, W, ...)
        view[r, :H, lo - r * cols:hi - r * cols, :W] = np.swapaxes(part, 0, 1)
    t = np.arange(n + 1)
    return Tiled(canvas, (t % cols * tw).astype(np.float32),
                 (t // cols * th).astype(np.float32), tw, rows == 1)


def _remap(canvas: np.ndarray, mx: np.ndarray, my: np.ndarray, fill: float) -> np.ndarray:
    if canvas.ndim == 3 and canvas.shape[2] > 4:
        return np.stack([_remap(np.ascontiguousarray(canvas[:, :, c]), mx, my, fill)
                         for c in range(canvas.shape[2])], axis=-1)
    out = cv2.remap(canvas, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                    borderValue=(fill,) * 4)
    return out[..., None] if canvas.ndim == 3 and out.ndim == 2 else out


def _trilinear_chunk(tiled: Tiled, shape, sz, sy, sx, fill, dtype):
    D, H, W = shape
    k, h, w = sz.shape
    np.clip(sz, -1.0, float(D), out=sz)
    z0 = np.floor(sz)
    np.clip(z0, -1.0, float(D - 1), out=z0)
    sz -= z0  # the fraction along z
    z0 += 1.0  # padded slice index of the lower plane
    np.clip(sy, -1.0, float(H), out=sy)
    np.clip(sx, -1.0, float(W), out=sx)
    planes = []
    for step in (0, 1):
        mx, my = tiled.maps(z0, sx, sy, step)
        planes.append(_remap(tiled.canvas, mx.reshape(k * h, w), my.reshape(k * h, w), fill))
    lo, hi = planes
    frac = sz.reshape(k * h, w)
    if lo.ndim == 3:
        frac = frac[:, :, None]
    hi -= lo
    hi *= frac
    hi += lo
    out = hi
    if dtype != np.float32:  # integer volumes: one rounding, at the end
        info = np.iinfo(dtype)
        np.rint(out, out=out)
        np.clip(out, info.min, info.max, out=out)
        out = out.astype(dtype)
    return out.reshape(k, h, w, *lo.shape[2:])


def _trilinear_numpy(vol, sz, sy, sx, fill):
    """Plain numpy trilinear sampling (for volumes too large for the tiled canvas)."""
    D, H, W = vol.shape[:3]
    padded = np.pad(vol.astype(np.float32), [(1, 1)] * 3 + [(0, 0)] * (vol.ndim - 3),
                    constant_values=fill)
    z = np.clip(sz, -1, D) + 1
    y = np.clip(sy, -1, H) + 1
    x = np.clip(sx, -1, W) + 1
    z0 = np.clip(np.floor(z), 0, D).astype(np.intp)
    y0 = np.clip(np.floor(y), 0, H).astype(np.intp)
    x0 = np.clip(np.floor(x), 0, W).astype(np.intp)
    fz, fy, fx = z - z0, y - y0, x - x0
    out = 0.0
    for dz, wz in ((0, 1 - fz), (1, fz)):
        for dy, wy in ((0, 1 - fy), (1, fy)):
            for dx, wx in ((0, 1 - fx), (1, fx)):
                weight = wz * wy * wx
                value = padded[z0 + dz, y0 + dy, x0 + dx]
                out = out + (value * weight[..., None] if value.ndim > weight.ndim
                             else value * weight)
    out = np.asarray(out, np.float32)
    if vol.dtype != np.float32:
        info = np.iinfo(vol.dtype)
        out = np.clip(np.rint(out), info.min, info.max).astype(vol.dtype)
    return out


def _nearest_chunk(labels, shape, sz, sy, sx, fills):
    """Nearest-neighbour gathers of every label map (numpy; any dtype)."""
    D, H, W = shape
    iz = np.rint(sz).astype(np.intp)
    iy = np.rint(sy).astype(np.intp)
    ix = np.rint(sx).astype(np.intp)
    inside = (iz >= 0) & (iz < D) & (iy >= 0) & (iy < H) & (ix >= 0) & (ix < W)
    flat = (iz * H + iy) * W + ix
    flat[~inside] = 0
    outside = None if inside.all() else ~inside
    out = []
    for lbl, fill in zip(labels, fills, strict=True):
        got = lbl.reshape(-1).take(flat)
        if outside is not None:
            got[outside] = fill
        out.append(got)
    return out


_CV_LABEL = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.int16))


def _label_carrier(lbl: np.ndarray, fill: int) -> np.dtype | None:
    """A dtype OpenCV's remap takes that holds every value of ``lbl`` and ``fill``."""
    if lbl.dtype in _CV_LABEL:
        return lbl.dtype if np.can_cast(np.min_scalar_type(fill), lbl.dtype) or (
            lbl.dtype.kind == "i" and -32768 <= fill <= 32767) else None
    if lbl.dtype == np.bool_:
        return np.dtype(np.uint8)
    lo, hi = int(lbl.min()), int(lbl.max())
    lo, hi = min(lo, int(fill)), max(hi, int(fill))
    if 0 <= lo and hi <= 65535:
        return np.dtype(np.uint16)
    if -32768 <= lo and hi <= 32767:
        return np.dtype(np.int16)
    return None


def _nearest_tiled(tiled: Tiled, shape, sz, sy, sx, fill) -> np.ndarray:
    D, H, W = shape
    k, h, w = sz.shape
    t = np.rint(np.clip(sz, -1.0, float(D)))
    t += 1.0
    mx, my = tiled.maps(t, np.clip(sx, -1.0, float(W)), np.clip(sy, -1.0, float(H)))
    out = cv2.remap(tiled.canvas, mx.reshape(k * h, w), my.reshape(k * h, w),
                    cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=(int(fill),) * 4)
    return out.reshape(k, h, w)


def warp(vol: np.ndarray, labels: list[np.ndarray], coords, out_shape: tuple[int, int, int],
         fill: float = 0.0, label_fills: list | None = None
         ) -> tuple[np.ndarray, list[np.ndarray]]:
    """Sample ``vol`` (trilinear) and each label map (nearest) at source positions.

    ``coords(z0, z1)`` gives float32 source (z, y, x) arrays of shape (z1 - z0, h, w) for
    output slices z0..z1 (it may return fresh arrays: they are changed in place).
    ``label_fills``: the value of each label map outside (default 0).
    """
    fills = [0] * len(labels) if label_fills is None else list(label_fills)
    d, h, w = out_shape
    shape = vol.shape[:3]
    # integer volumes are sampled on a float32 copy (OpenCV's integer remap rounds each
    # plane, which the blend along z would double)
    tiled = _tiled(vol if vol.dtype == np.float32 else vol.astype(np.float32), fill)
    out = np.empty((d, h, w, *vol.shape[3:]), vol.dtype)
    outs = [np.empty((d, h, w), lbl.dtype) for lbl in labels]
    # label maps OpenCV can move go through tiles of their own (nearest); others, numpy
    label_tiles = []
    for lbl, lf in zip(labels, fills, strict=True):
        carrier = _label_carrier(lbl, lf) if tiled is not None else None
        label_tiles.append(None if carrier is None else
                           _tiled(lbl.astype(carrier, copy=False), lf))
    slow = [i for i, lt in enumerate(label_tiles) if lt is None]
    step = max(1, min(CHUNK_VOXELS // max(1, h * w), (SHRT_MAX - 1) // max(1, h)))
    for z0 in range(0, d, step):
        z1 = min(d, z0 + step)
        sz, sy, sx = coords(z0, z1)
        if slow:
            got = _nearest_chunk([labels[i] for i in slow], shape, sz, sy, sx,
                                 [fills[i] for i in slow])
            for i, g in zip(slow, got, strict=True):
                outs[i][z0:z1] = g.reshape(z1 - z0, h, w)
        for i, lt in enumerate(label_tiles):
            if lt is not None:
                outs[i][z0:z1] = _nearest_tiled(lt, shape, sz, sy, sx, fills[i])
        if tiled is None:
            out[z0:z1] = _trilinear_numpy(vol, sz, sy, sx, fill)
        else:
            out[z0:z1] = _trilinear_chunk(tiled, shape, sz, sy, sx, fill, vol.dtype)
    return out, outs


def rotation_matrix(angles_deg: list[float]) -> np.ndarray:
    """Rotation about the z, y and x axes (in that order of application: x first), in
    (z, y, x) coordinates."""
    az, ay, ax = (math.radians(a) for a in angles_deg)
    cz, sz_, cy, sy_, cx, sx_ = (math.cos(az), math.sin(az), math.cos(ay), math.sin(ay),
                                 math.cos(ax), math.sin(ax))
    rz = np.array([[1, 0, 0], [0, cz, -sz_], [0, sz_, cz]])  # turns y towards x
    ry = np.array([[cy, 0, sy_], [0, 1, 0], [-sy_, 0, cy]])  # turns x towards z
    rx = np.array([[cx, -sx_, 0], [sx_, cx, 0], [0, 0, 1]])  # turns z towards y
    return rz @ ry @ rx


def affine_matrix(angles: list[float], scales: list[float], shear: list[float]) -> np.ndarray:
    """The forward map in physical space: rotation @ scale @ shear. ``shear`` = (zy, zx,
    yx) tangents: z += zy * y + zx * x, y += yx * x."""
    sh = np.eye(3)
    sh[0, 1], sh[0, 2], sh[1, 2] = shear
    return rotation_matrix(angles) @ np.diag(scales) @ sh


def affine_coords(shape: tuple[int, int, int], spacing: tuple[float, float, float],
                  matrix: np.ndarray, translation_mm: list[float]):
    """The ``coords`` function of :func:`warp` for a forward physical map ``matrix`` about
    the volume centre followed by ``translation_mm``: an output voxel o reads the source at
    c + S^-1 M^-1 (S (o - c) - t), S = diag(spacing), c the centre voxel."""
    s = np.asarray(spacing, np.float64)
    c = (np.asarray(shape, np.float64) - 1.0) / 2.0
    inv = np.linalg.inv(matrix)
    a = (inv * s[None, :]) / s[:, None]  # S^-1 M^-1 S
    b = c - a @ c - (inv @ np.asarray(translation_mm, np.float64)) / s
    d, h, w = shape
    oy = np.arange(h, dtype=np.float64)[:, None]
    ox = np.arange(w, dtype=np.float64)[None, :]
    planes = [(a[i, 1] * oy + a[i, 2] * ox + b[i]).astype(np.float32) for i in range(3)]

    def coords(z0: int, z1: int):
        oz = np.arange(z0, z1, dtype=np.float32)[:, None, None]
        return tuple(planes[i][None] + np.float32(a[i, 0]) * oz for i in range(3))

    return coords


def bspline_matrix(n_out: int, n_ctrl: int) -> np.ndarray:
    """(n_out, n_ctrl) weights of a uniform cubic B-spline whose ``n_ctrl`` control points
    span the axis from the first to the last voxel (ends repeated past the last point):
    each row sums to 1 and is non-negative, so the curve stays within its control values
    (no overshoot) and is twice continuously differentiable."""
    t = np.arange(n_out, dtype=np.float64) * ((n_ctrl - 1) / max(1, n_out - 1))
    out = np.zeros((n_out, n_ctrl))
    base = np.floor(t).astype(int)
    for offset in range(-1, 3):
        j = base + offset
        u = np.abs(t - j)
        w = np.where(u < 1, (4 - 6 * u ** 2 + 3 * u ** 3) / 6,
                     np.where(u < 2, (2 - u) ** 3 / 6, 0.0))
        np.add.at(out, (np.arange(n_out), np.clip(j, 0, n_ctrl - 1)), w)
    return out


def upsample_field(coarse: np.ndarray, shape: tuple[int, int, int]) -> np.ndarray:
    """A (nz, ny, nx) grid of control values, cubic B-spline interpolated to ``shape``
    (three small matrix products, one per axis)."""
    d, h, w = shape
    nz, ny, nx = coarse.shape
    mz, my, mx = (bspline_matrix(n, m).astype(np.float32)
                  for n, m in ((d, nz), (h, ny), (w, nx)))
    along_x = coarse.astype(np.float32) @ mx.T  # (nz, ny, w)
    along_y = np.matmul(my, along_x)  # (nz, h, w)
    return (mz @ along_y.reshape(nz, h * w)).reshape(d, h, w)


def elastic_field(shape: tuple[int, int, int], spacing: tuple[float, float, float],
                  control_points: list[int], max_displacement_mm: list[float],
                  noise_seed: int) -> np.ndarray:
    """A smooth (3, D, H, W) float32 displacement in voxels: uniform control-point
    displacements in [-max, max] mm per axis (``noise_seed``'s stream), cubic between them,
    divided by the spacing of that axis."""
    rng = np.random.default_rng(noise_seed)
    coarse = rng.uniform(-1.0, 1.0, (3, *control_points))
    out = np.empty((3, *shape), np.float32)
    for axis in range(3):
        scale = max_displacement_mm[axis] / spacing[axis]
        out[axis] = upsample_field(coarse[axis] * scale, shape)
    return out


def elastic_coords(field: np.ndarray):
    """The ``coords`` function of :func:`warp` for a displacement ``field`` (3, D, H, W)."""
    _, d, h, w = field.shape
    oy = np.arange(h, dtype=np.float32)[:, None]
    ox = np.arange(w, dtype=np.float32)[None, :]

    def coords(z0: int, z1: int):
        oz = np.arange(z0, z1, dtype=np.float32)[:, None, None]
        return field[0, z0:z1] + oz, field[1, z0:z1] + oy, field[2, z0:z1] + ox

    return coords
