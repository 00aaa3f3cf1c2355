"""Warps beyond rotation and scale: perspective, elastic, grid and lens distortion, and the
classic shift-scale-rotate.

Masks move with nearest-neighbour sampling, keypoints through the same mapping as the pixels,
and boxes through points sampled about one pixel apart along their edges (a curved warp bends
box edges, so corners alone would under-estimate the box). See
:mod:`augkit.image.functional.distortion` for how each mapping is inverted for points and how
accurate that is.
"""

from __future__ import annotations

import numpy as np

from augkit.core.transform import Params, State
from augkit.core.validate import check_number, check_range
from augkit.image._args import SEED_MAX, fill_for
from augkit.image.base import GeometricTransform, WarpArgs
from augkit.image.functional import distortion as D
from augkit.image.functional import geometric as G
from augkit.image.geometric import _AffineBase


class _CurvedWarp(WarpArgs, GeometricTransform, register=False):
    """A same-size warp whose straight lines may bend: boxes go through edge samples."""

    def maps(self, params: Params, in_hw) -> tuple[np.ndarray, np.ndarray]:
        """Backward sampling maps (OpenCV frame), cached per parameters by the kernels."""
        raise NotImplementedError

    def _warp(self, array, params, interpolation, fill):
        map_x, map_y = self.maps(params, array.shape[:2])
        return D.remap(array, map_x, map_y, interpolation, self.border_mode, fill)

    def apply_image(self, image, params):
        return self._warp(image, params, self.interpolation,
                          fill_for(self, "fill", self.fill, image))

    def apply_mask(self, mask, params):
        return self._warp(mask, params, "nearest",
                          fill_for(self, "mask_fill", self.mask_fill, mask))

    def move_targets(self, state: State, params: Params, in_hw, out_hw) -> State:
        """As for any geometric op, except that boxes go through points along their edges."""
        rest = {k: v for k, v in state.items() if k != "bboxes"}
        out = super().move_targets(rest, params, in_hw, out_hw)
        boxes = state.get("bboxes")
        if boxes is not None:
            if len(boxes.xyxy):
                points = D.box_edge_points(boxes.xyxy)
                moved = self.apply_points(points.reshape(-1, 2), params, in_hw)
                boxes = boxes.moved(moved.reshape(points.shape), *out_hw)
            out["bboxes"] = boxes
        return out


class Perspective(WarpArgs, GeometricTransform):
    """Move each image corner by up to ``scale`` (a fraction of width / height, drawn per
    call from the range) and warp the image so its corners land there; the canvas keeps its
    size. Straight lines stay straight, so boxes follow their corners exactly.

    >>> import numpy as np
    >>> out = Perspective(scale=0.1, p=1.0)(image=np.zeros((32, 32, 3), np.uint8), seed=0)
    >>> out["image"].shape
    (32, 32, 3)
    """

    def __init__(self, scale: float | tuple[float, float] = (0.05, 0.1),
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_range(self, "scale", scale, 0, 0.45)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        amount = float(rng.uniform(*self.scale))
        offsets = rng.uniform(-amount, amount, size=(4, 2))
        return {"offsets": offsets.tolist()}

    @staticmethod
    def matrix(params: Params, in_hw) -> np.ndarray:
        h, w = in_hw
        src = D.image_corners(h, w)
        dst = src + np.asarray(params["offsets"], np.float64) * np.array([w, h])
        return D.perspective_matrix(src, dst)

    def _warp(self, array, params, interpolation, fill):
        h, w = array.shape[:2]
        return D.warp_perspective(array, self.matrix(params, (h, w)), h, w, interpolation,
                                  self.border_mode, fill)

    def apply_image(self, image, params):
        return self._warp(image, params, self.interpolation,
                          fill_for(self, "fill", self.fill, image))

    def apply_mask(self, mask, params):
        return self._warp(mask, params, "nearest",
                          fill_for(self, "mask_fill", self.mask_fill, mask))

    def apply_points(self, xy, params, in_hw):
        return D.perspective_points(xy, self.matrix(params, in_hw))


class ElasticTransform(_CurvedWarp):
    """Elastic deformation: a smooth random displacement field (Simard et al. 2003).

    ``alpha`` is the largest displacement and ``sigma`` the smoothness (Gaussian width), both
    as fractions of the image's short side, drawn per call from their ranges; the field itself
    comes from a sampled ``noise_seed``, so a record replays the same warp.

    >>> import numpy as np
    >>> out = ElasticTransform(p=1.0)(image=np.zeros((32, 32), np.uint8),
    ...                               keypoints=[[16.0, 16.0]], seed=0)
    >>> bool(np.abs(out["keypoints"] - 16).max() < 0.04 * 32 + 1e-6)  # moved <= alpha
    True
    """

    def __init__(self, alpha: float | tuple[float, float] = 0.04,
                 sigma: float | tuple[float, float] = 0.06, interpolation: str = "linear",
                 border_mode: str = "constant", fill: float = 0, mask_fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.alpha = check_range(self, "alpha", alpha, 0, 1)
        self.sigma = check_range(self, "sigma", sigma, 1e-3, 1)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        return {"alpha": float(rng.uniform(*self.alpha)), "sigma": float(rng.uniform(*self.sigma)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def _warp(self, array, params, interpolation, fill):
        dx, dy = D.elastic_field(*array.shape[:2], params["alpha"], params["sigma"],
                                 params["noise_seed"])
        return D.remap_field(array, dx, dy, interpolation, self.border_mode, fill)

    def apply_points(self, xy, params, in_hw):
        field = D.elastic_field(*in_hw, params["alpha"], params["sigma"], params["noise_seed"])
        return D.remap_points(xy, *field)


class GridDistortion(_CurvedWarp):
    """Cut each axis into ``num_steps`` cells and stretch or squeeze each cell by a factor
    ``1 + d``, d drawn from ``distort_limit`` per cell; the image edges stay in place.

    The warp is separable and monotonic, so points and boxes map exactly.

    >>> import numpy as np
    >>> out = GridDistortion(p=1.0)(image=np.zeros((30, 40, 3), np.uint8),
    ...                             bboxes=[[0, 0, 40, 30]], seed=0)
    >>> out["bboxes"].tolist()  # the image edges stay in place
    [[0.0, 0.0, 40.0, 30.0]]
    """

    def __init__(self, num_steps: int = 5, distort_limit: float | tuple[float, float] = 0.3,
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.num_steps = check_number(self, "num_steps", num_steps, 1, 256, integer=True)
        self.distort_limit = check_range(self, "distort_limit", distort_limit, -0.9, 10,
                                         symmetric=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        steps = rng.uniform(*self.distort_limit, size=(2, self.num_steps))
        return {"steps_x": steps[0].tolist(), "steps_y": steps[1].tolist()}

    def maps(self, params, in_hw):
        return D.grid_maps(*in_hw, tuple(params["steps_x"]), tuple(params["steps_y"]))

    def apply_points(self, xy, params, in_hw):
        return D.grid_points(xy, *in_hw, params["steps_x"], params["steps_y"])


class OpticalDistortion(_CurvedWarp):
    """Radial lens distortion: the output point at normalised radius r (1 at the corners)
    shows the source at radius ``r (1 + k r^2)``; k drawn from ``distort_limit``. k > 0 gives
    barrel distortion (corners filled per ``border_mode``), k < 0 pincushion. This is the
    fisheye model of Albumentations' ``OpticalDistortion(mode="fisheye")``, with the same
    ``k``: ``distort_limit=0.5`` draws k from (-0.5, 0.5). Below k = -1/3 the outer ring
    folds back (it shows radii already seen further in); keypoints there keep the inner,
    unfolded place.

    >>> import numpy as np
    >>> t = OpticalDistortion(distort_limit=(0.5, 0.5), p=1.0)
    >>> int(t(image=np.full((20, 20), 9, np.uint8))["image"][0, 0])  # corner uncovered
    0
    """

    def __init__(self, distort_limit: float | tuple[float, float] = 0.15,
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        # below -1/3 the model folds over inside the image (allowed, as the field's
        # benchmarks use (-0.5, 0.5)); at -1 the corners would show the centre
        self.distort_limit = check_range(self, "distort_limit", distort_limit, -1.0, 1.0,
                                         symmetric=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        return {"k": float(rng.uniform(*self.distort_limit))}

    def maps(self, params, in_hw):
        return D.optical_maps(*in_hw, params["k"])

    def apply_points(self, xy, params, in_hw):
        return D.optical_points(xy, *in_hw, params["k"])


class ShiftScaleRotate(_AffineBase):
    """Shift (fraction of width / height, per axis), scale (``1 + s``) and rotate (degrees)
    about the centre, in one affine warp. A shorthand for the common case of
    :class:`~augkit.image.Affine` (which adds shear), with the familiar argument names.

    >>> import numpy as np
    >>> t = ShiftScaleRotate(shift_limit=(0.5, 0.5), scale_limit=0, rotate_limit=0, p=1.0)
    >>> t(image=np.zeros((10, 10), np.uint8), keypoints=[[1.0, 2.0]])["keypoints"].tolist()
    [[6.0, 7.0]]
    """

    def __init__(self, shift_limit: float | tuple[float, float] = 0.0625,
                 scale_limit: float | tuple[float, float] = 0.1,
                 rotate_limit: float | tuple[float, float] = 45.0,
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.shift_limit = check_range(self, "shift_limit", shift_limit, -1, 1, symmetric=True)
        self.scale_limit = check_range(self, "scale_limit", scale_limit, -0.99, 100,
                                       symmetric=True)
        self.rotate_limit = check_range(self, "rotate_limit", rotate_limit, -360, 360,
                                        symmetric=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        sx, sy = rng.uniform(*self.shift_limit, size=2)
        return {"shift": [float(sx * w), float(sy * h)],
                "scale": 1.0 + float(rng.uniform(*self.scale_limit)),
                "angle": float(rng.uniform(*self.rotate_limit))}

    def matrix(self, params, in_hw):
        return G.affine_matrix(*in_hw, angle=params["angle"], scale=params["scale"],
                               translate=params["shift"])
