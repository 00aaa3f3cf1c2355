"""Smooth random warps: ThinPlateSpline (control points moved, a thin-plate spline between
them), GridElasticDeform (random displacements on a coarse grid), PiecewiseAffine (a
triangle mesh) and WaterRefraction (sine ripples).

Masks move by nearest neighbour, keypoints through the inverse of the sampling field
(Newton), boxes through points along their edges, as for
:class:`augkit.image.ElasticTransform`.
"""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_number, check_range, fail
from augkit.image._args import SEED_MAX
from augkit.image.distortion import _CurvedWarp
from augkit.image.functional import distortion as D
from augkit.image.functional import warps as K


class _FieldWarp(_CurvedWarp, register=False):
    def field(self, params, in_hw):
        raise NotImplementedError

    def _warp(self, array, params, interpolation, fill):
        dx, dy = self.field(params, array.shape[:2])
        return D.remap_field(array, dx, dy, interpolation, self.border_mode, fill)

    def apply_points(self, xy, params, in_hw):
        return D.remap_points(xy, *self.field(params, in_hw))


class ThinPlateSpline(_FieldWarp):
    """Move each of ``num_control_points`` x ``num_control_points`` control points spread
    over the image (corners included) by a uniform offset in [-s, s] of the image size per
    axis, s drawn from ``scale_range``, and warp smoothly between them with the thin-plate
    spline through the moved points (Bookstein 1989).

    >>> import numpy as np
    >>> out = ThinPlateSpline(scale_range=(0.05, 0.05), p=1.0)(
    ...     image=np.zeros((32, 32), np.uint8), keypoints=[[16.0, 16.0]], seed=0)
    >>> bool(np.abs(out["keypoints"] - 16).max() < 0.1 * 32)
    True
    """

    def __init__(self, scale_range: float | tuple[float, float] = (0.02, 0.05),
                 num_control_points: int = 4, interpolation: str = "linear",
                 border_mode: str = "constant", fill: float = 0, mask_fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.scale_range = check_range(self, "scale_range", scale_range, 0, 0.25)
        self.num_control_points = check_number(self, "num_control_points", num_control_points,
                                               2, 16, integer=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        s = float(rng.uniform(*self.scale_range))
        count = self.num_control_points ** 2
        return {"offsets": [float(v) for v in rng.uniform(-s, s, 2 * count)]}

    def field(self, params, in_hw):
        return K.tps_field(in_hw[0], in_hw[1], self.num_control_points,
                           tuple(params["offsets"]))


class GridElasticDeform(_FieldWarp):
    """Elastic deformation on a coarse grid: displacements drawn uniformly in
    [-magnitude, magnitude] pixels at the nodes of a ``num_grid_xy`` = (columns, rows)
    grid of cells, interpolated bicubically in between (the field comes from a sampled
    ``noise_seed``).

    >>> import numpy as np
    >>> out = GridElasticDeform((4, 4), magnitude=3, p=1.0)(image=np.zeros((40, 40), np.uint8),
    ...                                                    keypoints=[[20.0, 20.0]], seed=1)
    >>> bool(np.abs(out["keypoints"] - 20).max() <= 4)
    True
    """

    def __init__(self, num_grid_xy: tuple[int, int] = (4, 4), magnitude: float = 10,
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        if not isinstance(num_grid_xy, (list, tuple)) or len(num_grid_xy) != 2:
            fail(self, "num_grid_xy", num_grid_xy, "expected (columns, rows), two integers "
                 "in [1, 64]", TypeError if not isinstance(num_grid_xy, (list, tuple))
                 else ValueError)
        self.num_grid_xy = tuple(check_number(self, "num_grid_xy", v, 1, 64, integer=True)
                                 for v in num_grid_xy)
        self.magnitude = check_number(self, "magnitude", magnitude, 0, 1000)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        return {"noise_seed": int(rng.integers(0, SEED_MAX))}

    def field(self, params, in_hw):
        cols, rows = self.num_grid_xy
        return K.grid_field(in_hw[0], in_hw[1], rows, cols, self.magnitude,
                            params["noise_seed"])


class PiecewiseAffine(_FieldWarp):
    """A random piecewise-affine warp: a mesh of (rows, cols) cells drawn from
    ``nb_rows_range`` / ``nb_cols_range``, each cut into two triangles; every mesh node is
    displaced by N(0, s) of the image size (s drawn from ``scale_range``), and each triangle
    is mapped affinely (the field comes from a sampled ``noise_seed``).

    >>> import numpy as np
    >>> out = PiecewiseAffine(scale_range=(0.0, 0.0), p=1.0)(image=np.eye(8, dtype=np.uint8))
    >>> out["image"].tolist() == np.eye(8, dtype=np.uint8).tolist()  # no displacement
    True
    """

    def __init__(self, scale_range: float | tuple[float, float] = (0.03, 0.05),
                 nb_rows_range: int | tuple[int, int] = (4, 4),
                 nb_cols_range: int | tuple[int, int] = (4, 4), interpolation: str = "linear",
                 border_mode: str = "constant", fill: float = 0, mask_fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.scale_range = check_range(self, "scale_range", scale_range, 0, 0.25)
        self.nb_rows_range = check_range(self, "nb_rows_range", nb_rows_range, 1, 64,
                                         integer=True)
        self.nb_cols_range = check_range(self, "nb_cols_range", nb_cols_range, 1, 64,
                                         integer=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        return {"scale": float(rng.uniform(*self.scale_range)),
                "rows": int(rng.integers(self.nb_rows_range[0], self.nb_rows_range[1] + 1)),
                "cols": int(rng.integers(self.nb_cols_range[0], self.nb_cols_range[1] + 1)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def field(self, params, in_hw):
        return K.piecewise_affine_field(in_hw[0], in_hw[1], params["rows"], params["cols"],
                                        params["scale"], params["noise_seed"])


class WaterRefraction(_FieldWarp):
    """The view through rippled water: ``num_waves_range`` sine waves with random directions
    and phases, amplitudes drawn from ``amplitude_range`` and wavelengths from
    ``wavelength_range`` (fractions of the short side; each wave's amplitude is divided by
    the number of waves), displace the sampling points. Keep ``amplitude * 2 pi /
    wavelength`` below 1 so the surface does not fold (where it folds, a point maps to one
    of several places).

    >>> import numpy as np
    >>> out = WaterRefraction(p=1.0)(image=np.zeros((40, 40), np.uint8),
    ...                              keypoints=[[20.0, 20.0]], seed=0)
    >>> bool(np.abs(out["keypoints"] - 20).max() <= 0.02 * 40 + 1e-6)
    True
    """

    def __init__(self, amplitude_range: float | tuple[float, float] = (0.005, 0.02),
                 wavelength_range: float | tuple[float, float] = (0.1, 0.3),
                 num_waves_range: int | tuple[int, int] = (3, 7), interpolation: str = "linear",
                 border_mode: str = "reflect101", fill: float = 0, mask_fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.amplitude_range = check_range(self, "amplitude_range", amplitude_range, 0, 0.2)
        self.wavelength_range = check_range(self, "wavelength_range", wavelength_range, 0.01,
                                            10)
        self.num_waves_range = check_range(self, "num_waves_range", num_waves_range, 1, 32,
                                           integer=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        count = int(rng.integers(self.num_waves_range[0], self.num_waves_range[1] + 1))
        return {"waves": [[float(rng.uniform(*self.amplitude_range)) / count,
                           float(rng.uniform(*self.wavelength_range)),
                           float(rng.uniform(0, 2 * np.pi)), float(rng.uniform(0, 2 * np.pi))]
                          for _ in range(count)]}

    def field(self, params, in_hw):
        return K.wave_field(in_hw[0], in_hw[1], tuple(tuple(w) for w in params["waves"]))
