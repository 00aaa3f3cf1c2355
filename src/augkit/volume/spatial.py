"""Spatial transforms of volumes: the volume, ``mask`` and ``masks`` move with one parameter
set (labels by nearest neighbour), and ``spacing`` follows where the grid changes.

Sizes and positions are voxels on the (z, y, x) axes; displacements and translations are
millimetres (divided by the voxel spacing of their axis), and rotations act in physical
space, so a sphere in anisotropic voxels stays a sphere.
"""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_choice, check_number, check_range, fail
from augkit.volume.base import (
    SEED_MAX,
    SpatialTransform,
    check_axes,
    check_fill,
    check_label_fill,
    check_ranges3,
    check_triple,
    fill_for,
    label_fill_for,
)
from augkit.volume.functional import geometry as G
from augkit.volume.functional import intensity as K


def _permuted(spacing, perm) -> tuple[float, float, float]:
    return tuple(float(spacing[a]) for a in perm)


class Flip3D(SpatialTransform):
    """Each axis of ``axes`` (0 = z, 1 = y, 2 = x) flipped with probability 1/2 (at least
    one when applied).

    >>> import numpy as np
    >>> v = np.arange(8, dtype=np.float32).reshape(2, 2, 2)
    >>> Flip3D(axes=[2], p=1.0)(volume=v)["volume"][0, 0].tolist()
    [1.0, 0.0]
    """

    def __init__(self, axes: tuple[int, ...] = (0, 1, 2), p: float = 0.5):
        super().__init__(p=p)
        self.axes = check_axes(self, "axes", axes)

    def sample(self, rng, state):
        chosen = [a for a in self.axes if rng.random() < 0.5]
        if not chosen:
            chosen = [self.axes[int(rng.integers(len(self.axes)))]]
        return {"axes": chosen}

    def move(self, array, params, spacing, label=False):
        return G.flip(array, params["axes"])


_PLANES = ((1, 2), (0, 2), (0, 1))


class RandomRotate90_3D(SpatialTransform):
    """``k`` quarter turns (1, 2 or 3, drawn) in a plane drawn from ``planes`` (pairs of
    axes; default all three planes). Odd turns swap the two sides and their spacings."""

    def __init__(self, planes: tuple = _PLANES, p: float = 0.5):
        super().__init__(p=p)
        allowed = "expected a non-empty list of axis pairs among (1, 2), (0, 2), (0, 1)"
        if not isinstance(planes, (list, tuple)) or not planes:
            fail(self, "planes", planes, allowed, TypeError)
        checked = []
        for pl in planes:
            if not isinstance(pl, (list, tuple)) or tuple(sorted(pl)) not in _PLANES:
                fail(self, "planes", planes, allowed)
            checked.append(tuple(int(a) for a in sorted(pl)))
        self.planes = tuple(checked)

    def sample(self, rng, state):
        plane = self.planes[int(rng.integers(len(self.planes)))]
        return {"axes": list(plane), "k": int(rng.integers(1, 4))}

    def move(self, array, params, spacing, label=False):
        return G.rot90(array, params["k"], params["axes"])

    def new_spacing(self, spacing, shape_in, shape_out, params):
        if params["k"] % 2 == 0:
            return spacing
        perm = [0, 1, 2]
        a, b = params["axes"]
        perm[a], perm[b] = b, a
        return _permuted(spacing, perm)


class CubicSymmetry(SpatialTransform):
    """One of the 48 symmetries of the cube (axis permutations times flips), drawn
    uniformly; ``proper_only=True`` keeps the 24 rotations (no mirror image). Spacing is
    permuted with the axes."""

    def __init__(self, proper_only: bool = False, p: float = 1.0):
        super().__init__(p=p)
        if not isinstance(proper_only, bool):
            fail(self, "proper_only", proper_only, "expected True or False", TypeError)
        self.proper_only = proper_only

    def sample(self, rng, state):
        pool = G.PROPER if self.proper_only else range(len(G.SYMMETRIES))
        return {"index": int(pool[int(rng.integers(len(pool)))])}

    def move(self, array, params, spacing, label=False):
        return G.cube_symmetry(array, params["index"])

    def new_spacing(self, spacing, shape_in, shape_out, params):
        return _permuted(spacing, G.SYMMETRIES[params["index"]][0])


class _Warp(SpatialTransform, register=False):
    """Shared part of the warps: one pass computes source positions chunk by chunk and
    samples the volume (trilinear) and every label map (nearest) with them."""

    def coords(self, state, params):
        raise NotImplementedError

    def apply_spatial(self, state, params):
        volume = state["volume"]
        labels = ([state["mask"]] if "mask" in state else []) + list(state.get("masks", []))
        coords = self.coords(state, params)
        fills = [label_fill_for(lbl, self.mask_fill) for lbl in labels]
        moved, moved_labels = G.warp(volume, labels, coords, volume.shape[:3],
                                     fill_for(volume, self.fill), fills)
        out = dict(state)
        out["volume"] = moved
        rest = moved_labels
        if "mask" in state:
            out["mask"], rest = rest[0], rest[1:]
        if "masks" in state:
            out["masks"] = list(rest)
        return out


class Affine3D(_Warp):
    """Rotation about the z, y and x axes (degrees, each drawn from its range), scale
    (one factor for all axes with ``isotropic=True``), shear (tangents zy, zx, yx) and
    translation (mm), about the volume centre, in physical space (voxel spacing honoured).
    The volume is sampled trilinearly with ``fill`` outside, label maps by nearest
    neighbour with ``mask_fill``.

    ``degrees``, ``translation`` and ``shear``: a number v (-v..v on every axis), a pair, or
    one number/pair per axis.
    """

    def __init__(self, degrees=10.0, scale: tuple[float, float] = (0.9, 1.1),
                 isotropic: bool = True, translation=0.0, shear=0.0, fill: float = 0.0,
                 mask_fill: int = 0, p: float = 0.5):
        super().__init__(p=p)
        self.degrees = check_ranges3(self, "degrees", degrees, -180, 180)
        self.scale = check_range(self, "scale", scale, 0.05, 20)
        if not isinstance(isotropic, bool):
            fail(self, "isotropic", isotropic, "expected True or False", TypeError)
        self.isotropic = isotropic
        self.translation = check_ranges3(self, "translation", translation, -1e6, 1e6)
        self.shear = check_ranges3(self, "shear", shear, -2, 2)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_label_fill(self, "mask_fill", mask_fill)
        if self.mask_fill is None:
            fail(self, "mask_fill", mask_fill, "expected an integer >= 0", TypeError)

    def sample(self, rng, state):
        def draw(ranges):
            return [float(rng.uniform(lo, hi)) for lo, hi in ranges]

        scales = ([float(rng.uniform(*self.scale))] * 3 if self.isotropic
                  else [float(rng.uniform(*self.scale)) for _ in range(3)])
        return {"angles": draw(self.degrees), "scales": scales,
                "shear": draw(self.shear), "translation": draw(self.translation)}

    def coords(self, state, params):
        matrix = G.affine_matrix(params["angles"], params["scales"], params["shear"])
        return G.affine_coords(state["volume"].shape[:3], state["spacing"], matrix,
                               params["translation"])


class ElasticTransform3D(_Warp):
    """Elastic deformation: a coarse grid of ``control_points`` per axis gets uniform
    displacements up to ``max_displacement`` mm per axis (drawn in the kernel from a sampled
    ``noise_seed``), interpolated cubically to every voxel and divided by its spacing; the
    volume is sampled trilinearly, label maps by nearest neighbour."""

    def __init__(self, control_points=7, max_displacement=7.5, fill: float = 0.0,
                 mask_fill: int = 0, p: float = 0.5):
        super().__init__(p=p)
        self.control_points = check_triple(self, "control_points", control_points, 4, 64,
                                           integer=True)
        self.max_displacement = check_triple(self, "max_displacement", max_displacement, 0,
                                             1e4)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_label_fill(self, "mask_fill", mask_fill)
        if self.mask_fill is None:
            fail(self, "mask_fill", mask_fill, "expected an integer >= 0", TypeError)

    def sample(self, rng, state):
        return {"noise_seed": int(rng.integers(0, SEED_MAX))}

    def coords(self, state, params):
        field = G.elastic_field(state["volume"].shape[:3], state["spacing"],
                                list(self.control_points), list(self.max_displacement),
                                params["noise_seed"])
        return G.elastic_coords(field)


# -- crops and pads -------------------------------------------------------------------------
def _check_fits(owner, size, shape):
    if any(s > n for s, n in zip(size, shape, strict=True)):
        raise ValueError(f"{type(owner).__name__}: crop 'size' {list(size)} is larger than "
                         f"the volume {list(shape)} on some axis; pad first (PadIfNeeded3D)")


class _Crop(SpatialTransform, register=False):
    def move(self, array, params, spacing, label=False):
        return G.crop(array, params["start"], list(self.size))


class RandomCrop3D(_Crop):
    """A ``size`` = (d, h, w) window at a uniformly drawn position."""

    def __init__(self, size=(16, 16, 16), p: float = 1.0):
        super().__init__(p=p)
        self.size = check_triple(self, "size", size, 1, 1 << 20, integer=True)

    def sample(self, rng, state):
        shape = state["volume"].shape[:3]
        _check_fits(self, self.size, shape)
        return {"start": [int(rng.integers(0, n - s + 1))
                          for n, s in zip(shape, self.size, strict=True)]}


class CenterCrop3D(_Crop):
    """The central ``size`` = (d, h, w) window."""

    def __init__(self, size=(16, 16, 16), p: float = 1.0):
        super().__init__(p=p)
        self.size = check_triple(self, "size", size, 1, 1 << 20, integer=True)

    def sample(self, rng, state):
        shape = state["volume"].shape[:3]
        _check_fits(self, self.size, shape)
        return {"start": [(n - s) // 2 for n, s in zip(shape, self.size, strict=True)]}


class ForegroundCrop3D(_Crop):
    """A ``size`` window centred on a foreground voxel of ``mask`` with probability
    ``pos / (pos + neg)``, else on a background voxel (as MONAI's RandCropByPosNegLabel),
    shifted inside the volume where the centre is near a side. Foreground: the values in
    ``labels`` (None: every non-zero value). When the chosen kind is absent, the other is
    used; the params say which centre was drawn (``foreground``)."""

    def __init__(self, size=(16, 16, 16), pos: float = 1.0, neg: float = 1.0,
                 labels: list[int] | None = None, p: float = 1.0):
        super().__init__(p=p)
        self.size = check_triple(self, "size", size, 1, 1 << 20, integer=True)
        self.pos = check_number(self, "pos", pos, 0, 1e9)
        self.neg = check_number(self, "neg", neg, 0, 1e9)
        if self.pos + self.neg <= 0:
            fail(self, "pos", pos, "pos and neg must not both be 0")
        if labels is not None:
            if not isinstance(labels, (list, tuple)) or not labels or any(
                    isinstance(v, bool) or not isinstance(v, int) for v in labels):
                fail(self, "labels", labels, "expected None or a non-empty list of integers",
                     TypeError)
            labels = tuple(int(v) for v in labels)
        self.labels = labels

    def sample(self, rng, state):
        if "mask" not in state:
            raise ValueError("ForegroundCrop3D needs a label map: call with mask=...")
        mask = state["mask"]
        shape = mask.shape
        _check_fits(self, self.size, shape)
        fg = mask != 0 if self.labels is None else np.isin(mask, self.labels)
        want = bool(rng.random() < self.pos / (self.pos + self.neg))
        flat = fg.reshape(-1)
        count = int(np.count_nonzero(flat))
        kind = want
        if (kind and count == 0) or (not kind and count == flat.size):
            kind = not kind
        nth = int(rng.integers(count if kind else flat.size - count))
        index = int(np.flatnonzero(flat if kind else ~flat)[nth])
        centre = np.unravel_index(index, shape)
        start = [int(min(max(c - s // 2, 0), n - s))
                 for c, s, n in zip(centre, self.size, shape, strict=True)]
        return {"start": start, "foreground": kind}


class RandomResizedCrop3D(SpatialTransform):
    """A window holding a fraction of the volume drawn from ``scale`` (each side scaled by
    its cube root, then by a factor drawn from ``ratio`` per axis, within the volume), at a
    uniformly drawn position, resized to ``size`` (``interpolation`` for the volume, nearest
    for labels); the spacing follows the resize."""

    def __init__(self, size=(16, 16, 16), scale: tuple[float, float] = (0.3, 1.0),
                 ratio: tuple[float, float] = (0.8, 1.25), interpolation: str = "linear",
                 p: float = 1.0):
        super().__init__(p=p)
        self.size = check_triple(self, "size", size, 1, 1 << 16, integer=True)
        self.scale = check_range(self, "scale", scale, 1e-6, 1)
        self.ratio = check_range(self, "ratio", ratio, 0.1, 10)
        self.interpolation = check_choice(self, "interpolation", interpolation,
                                          _INTERPOLATIONS)

    def sample(self, rng, state):
        shape = state["volume"].shape[:3]
        side = float(rng.uniform(*self.scale)) ** (1 / 3)
        window = [int(min(n, max(1, round(n * side * rng.uniform(*self.ratio)))))
                  for n in shape]
        start = [int(rng.integers(0, n - s + 1)) for n, s in zip(shape, window, strict=True)]
        return {"start": start, "window": window}

    def move(self, array, params, spacing, label=False):
        part = G.crop(array, params["start"], params["window"])
        return G.resize(part, list(self.size), label, self.interpolation)

    def new_spacing(self, spacing, shape_in, shape_out, params):
        return tuple(float(s * a / b) for s, a, b in zip(spacing, params["window"], shape_out,
                                                        strict=True))


def _pad_widths(owner, name, value):
    allowed = "expected an integer >= 0 or six (z0, z1, y0, y1, x0, x1) integers >= 0"
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,) * 6
    if not isinstance(value, (list, tuple)) or len(value) != 6:
        fail(owner, name, value, allowed, TypeError)
    for v in value:
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 1 << 20:
            fail(owner, name, value, allowed)
    return tuple(int(v) for v in value)


class _Pad(SpatialTransform, register=False):
    def widths(self, shape):
        raise NotImplementedError

    def sample(self, rng, state):
        return {"widths": list(self.widths(state["volume"].shape[:3]))}

    def move(self, array, params, spacing, label=False):
        if label:
            fill = label_fill_for(array, self.mask_fill)
            mode = "constant" if self.mode == "constant" else self.mode
            return G.pad(array, params["widths"], mode, fill)
        return G.pad(array, params["widths"], self.mode, fill_for(array, self.fill))


class Pad3D(_Pad):
    """Pad by ``padding`` voxels (one number for every side, or z0, z1, y0, y1, x0, x1)
    with ``mode`` constant (``fill``; labels ``mask_fill``), edge, reflect or symmetric
    (labels are padded the same way)."""

    def __init__(self, padding=4, mode: str = "constant", fill: float = 0.0,
                 mask_fill: int = 0, p: float = 1.0):
        super().__init__(p=p)
        self.padding = _pad_widths(self, "padding", padding)
        self.mode = check_choice(self, "mode", mode, tuple(G.PAD_MODES))
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_label_fill(self, "mask_fill", mask_fill) or 0

    def widths(self, shape):
        return self.padding


class PadIfNeeded3D(_Pad):
    """Pad each axis up to ``min_shape`` (centred: the odd voxel after), as above."""

    def __init__(self, min_shape=(16, 16, 16), mode: str = "constant", fill: float = 0.0,
                 mask_fill: int = 0, p: float = 1.0):
        super().__init__(p=p)
        self.min_shape = check_triple(self, "min_shape", min_shape, 1, 1 << 20, integer=True)
        self.mode = check_choice(self, "mode", mode, tuple(G.PAD_MODES))
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_label_fill(self, "mask_fill", mask_fill) or 0

    def widths(self, shape):
        out = []
        for n, m in zip(shape, self.min_shape, strict=True):
            extra = max(0, m - n)
            out += [extra // 2, extra - extra // 2]
        return out


# -- resizes ----------------------------------------------------------------------------------
_INTERPOLATIONS = ("nearest", "linear", "cubic")


class Resize3D(SpatialTransform):
    """Resize to ``shape`` = (d, h, w): separable ``interpolation`` for the volume, nearest
    for labels; the spacing grows by the same factors (the physical extent is kept)."""

    def __init__(self, shape=(32, 32, 32), interpolation: str = "linear", p: float = 1.0):
        super().__init__(p=p)
        self.shape = check_triple(self, "shape", shape, 1, 1 << 16, integer=True)
        self.interpolation = check_choice(self, "interpolation", interpolation,
                                          _INTERPOLATIONS)

    def target_shape(self, state):
        return list(self.shape)

    def sample(self, rng, state):
        return {"shape": self.target_shape(state)}

    def move(self, array, params, spacing, label=False):
        return G.resize(array, params["shape"], label, self.interpolation)

    def new_spacing(self, spacing, shape_in, shape_out, params):
        return tuple(float(s * a / b) for s, a, b in zip(spacing, shape_in, shape_out,
                                                        strict=True))


class Resample3D(Resize3D):
    """Resample to the voxel size ``spacing`` (mm): each axis gets round(n * s / target)
    voxels (at least 1); the returned spacing is the grid's actual one."""

    def __init__(self, spacing=(1.0, 1.0, 1.0), interpolation: str = "linear",
                 p: float = 1.0):
        SpatialTransform.__init__(self, p=p)
        self.spacing = check_triple(self, "spacing", spacing, 1e-6, 1e6)
        self.interpolation = check_choice(self, "interpolation", interpolation,
                                          _INTERPOLATIONS)

    def target_shape(self, state):
        return [max(1, round(n * s / t)) for n, s, t in
                zip(state["volume"].shape[:3], state["spacing"], self.spacing, strict=True)]


# -- occlusion and tiles ------------------------------------------------------------------
class CoarseDropout3D(SpatialTransform):
    """``num_holes`` boxes (drawn from the integer range) whose sides are fractions of the
    volume's sides drawn from ``hole_size``, set to ``fill``; label maps get ``mask_fill``
    in the same boxes (None: labels untouched)."""

    def __init__(self, num_holes: tuple[int, int] = (1, 4),
                 hole_size: tuple[float, float] = (0.1, 0.3), fill: float = 0.0,
                 mask_fill: int | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.num_holes = check_range(self, "num_holes", num_holes, 1, 1000, integer=True)
        self.hole_size = check_range(self, "hole_size", hole_size, 0, 1)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_label_fill(self, "mask_fill", mask_fill)

    def sample(self, rng, state):
        shape = state["volume"].shape[:3]
        boxes = []
        for _ in range(int(rng.integers(self.num_holes[0], self.num_holes[1] + 1))):
            sides = [max(1, round(n * rng.uniform(*self.hole_size))) for n in shape]
            start = [int(rng.integers(0, n - s + 1)) for n, s in zip(shape, sides, strict=True)]
            boxes.append([*start, *(a + s for a, s in zip(start, sides, strict=True))])
        return {"boxes": boxes}

    def move(self, array, params, spacing, label=False):
        if label:
            if self.mask_fill is None:
                return array
            return K.dropout(array, params["boxes"], label_fill_for(array, self.mask_fill))
        return K.dropout(array, params["boxes"], fill_for(array, self.fill))


class GridShuffle3D(SpatialTransform):
    """The volume cut into a ``grid`` = (gz, gy, gx) of equal tiles (a remainder past the
    last whole tile stays where it is), the tiles shuffled; label maps move with them."""

    def __init__(self, grid=(2, 2, 2), p: float = 0.5):
        super().__init__(p=p)
        self.grid = check_triple(self, "grid", grid, 1, 64, integer=True)
        if self.grid == (1, 1, 1):
            fail(self, "grid", grid, "expected more than one tile")

    def sample(self, rng, state):
        shape = state["volume"].shape[:3]
        if any(n < g for n, g in zip(shape, self.grid, strict=True)):
            raise ValueError(f"GridShuffle3D: 'grid' {list(self.grid)} has more tiles than "
                             f"voxels on some axis of the volume {list(shape)}")
        n = self.grid[0] * self.grid[1] * self.grid[2]
        return {"order": [int(i) for i in rng.permutation(n)]}

    def move(self, array, params, spacing, label=False):
        return K.grid_shuffle(array, list(self.grid), params["order"])
