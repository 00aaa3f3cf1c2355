"""Geometric transforms: flips, rotations, affine warps, crops, resizing, zoom, padding.

Each moves masks (nearest neighbour), boxes and keypoints exactly as it moves the image.
"""

from __future__ import annotations

import math

import numpy as np

from augkit.core.magnitude import NO_MAGNITUDE, Magnitude
from augkit.core.random import uniform
from augkit.core.transform import Params
from augkit.core.validate import check_choice, check_number, check_range, fail
from augkit.image._args import check_image_bytes, fill_for
from augkit.image.base import GeometricTransform, WarpArgs
from augkit.image.functional import geometric as G


def _hw(state) -> tuple[int, int]:
    return state["image"].shape[:2]


def _check_size(owner, name: str, value) -> int:
    return check_number(owner, name, value, 1, 1 << 20, integer=True)


class HorizontalFlip(GeometricTransform):
    """Mirror left-right.

    >>> import numpy as np
    >>> HorizontalFlip(p=1.0)(image=np.array([[1, 2, 3]], np.uint8))["image"].tolist()
    [[3, 2, 1]]
    """

    magnitude = NO_MAGNITUDE

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def apply_image(self, image, params):
        return G.hflip(image)

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return G.hflip_points(xy, in_hw[1])


class VerticalFlip(GeometricTransform):
    """Mirror top-bottom."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def apply_image(self, image, params):
        return G.vflip(image)

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return G.vflip_points(xy, in_hw[0])


class Transpose(GeometricTransform):
    """Swap rows and columns (mirror along the main diagonal)."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def apply_image(self, image, params):
        return G.transpose(image)

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return G.transpose_points(xy)


class RandomRotate90(GeometricTransform):
    """Rotate by a random number of quarter turns (0-3), counter-clockwise as displayed."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def sample(self, rng, state):
        return {"k": int(rng.integers(0, 4))}

    def apply_image(self, image, params):
        return G.rot90(image, params["k"])

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return G.rot90_points(xy, params["k"], *in_hw)


class _AffineBase(WarpArgs, GeometricTransform, register=False):
    """Transforms defined by a continuous-frame affine matrix in their parameters."""

    def matrix(self, params: Params, in_hw) -> np.ndarray:
        raise NotImplementedError

    def output_hw(self, params: Params, in_hw) -> tuple[int, int]:
        return in_hw

    def _warp(self, array, params, interpolation, fill):
        in_hw = array.shape[:2]
        return G.warp_affine(array, self.matrix(params, in_hw), *self.output_hw(params, in_hw),
                             interpolation=interpolation, border_mode=self.border_mode, fill=fill)

    def apply_image(self, image, params):
        return self._warp(image, params, self.interpolation,
                          fill_for(self, "fill", self.fill, image))

    def apply_mask(self, mask, params):
        return self._warp(mask, params, "nearest",
                          fill_for(self, "mask_fill", self.mask_fill, mask))

    def apply_points(self, xy, params, in_hw):
        return G.affine_points(xy, self.matrix(params, in_hw))


class Rotate(_AffineBase):
    """Rotate by an angle drawn from ``limit`` (degrees, counter-clockwise as displayed).

    A scalar ``limit`` means (-limit, limit). The canvas keeps its size; uncovered corners are
    filled per ``border_mode`` (``fill`` for the image, ``mask_fill`` for masks).
    """

    def __init__(self, limit: float | tuple[float, float] = 30.0, interpolation: str = "linear",
                 border_mode: str = "constant", fill: float = 0, mask_fill: float = 0,
                 p: float = 0.5):
        super().__init__(p=p)
        self.limit = check_range(self, "limit", limit, -360, 360, symmetric=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    magnitude = Magnitude(lambda v: {"limit": (v, v)}, span=30.0, signed=True,
                          unit="angle in degrees")

    def sample(self, rng, state):
        return {"angle": float(rng.uniform(*self.limit))}

    def matrix(self, params, in_hw):
        return G.affine_matrix(*in_hw, angle=params["angle"])


class Affine(_AffineBase):
    """Scale, translate, rotate and shear about the image centre, in one warp.

    ``scale`` is a zoom factor range, ``translate_percent`` a fraction of width/height drawn
    independently for x and y, ``rotate`` and ``shear`` in degrees (shear drawn for x and y).
    """

    def __init__(self, scale: float | tuple[float, float] = (0.9, 1.1),
                 translate_percent: float | tuple[float, float] = (-0.1, 0.1),
                 rotate: float | tuple[float, float] = (-15.0, 15.0),
                 shear: float | tuple[float, float] = (-10.0, 10.0),
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_range(self, "scale", scale, 1e-3, 1e3)
        self.translate_percent = check_range(self, "translate_percent", translate_percent, -1, 1,
                                             symmetric=True)
        self.rotate = check_range(self, "rotate", rotate, -360, 360, symmetric=True)
        self.shear = check_range(self, "shear", shear, -80, 80, symmetric=True)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    def sample(self, rng, state):
        h, w = _hw(state)
        tx, ty = rng.uniform(*self.translate_percent, size=2)
        sx, sy = rng.uniform(*self.shear, size=2)
        return {"scale": float(rng.uniform(*self.scale)), "translate": [float(tx * w),
                float(ty * h)], "angle": float(rng.uniform(*self.rotate)),
                "shear": [float(sx), float(sy)]}

    def matrix(self, params, in_hw):
        return G.affine_matrix(*in_hw, angle=params["angle"], scale=params["scale"],
                               translate=params["translate"], shear=params["shear"])


class Shear(_AffineBase):
    """Shear along one axis (``axis="x"``: rows slide sideways; ``"y"``: columns slide up and
    down) by an angle drawn from ``angle`` (degrees; a scalar means (-angle, angle)), about
    the image centre. The shear factor is ``tan(angle)``: PIL's and torchvision's ShearX 0.3
    is ``angle = atan(0.3)``, 16.7 degrees.
    """

    def __init__(self, angle: float | tuple[float, float] = 15.0, axis: str = "x",
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.angle = check_range(self, "angle", angle, -80, 80, symmetric=True)
        self.axis = check_choice(self, "axis", axis, ("x", "y"))
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    # magnitude as the shear factor (RandAugment's 0.3), turned into the angle
    magnitude = Magnitude(lambda v: {"angle": (math.degrees(math.atan(v)),) * 2}, span=0.3,
                          signed=True, unit="shear factor tan(angle)")

    def sample(self, rng, state):
        return {"angle": float(rng.uniform(*self.angle))}

    def matrix(self, params, in_hw):
        shear = (params["angle"], 0.0) if self.axis == "x" else (0.0, params["angle"])
        return G.affine_matrix(*in_hw, shear=shear)


class Translate(_AffineBase):
    """Shift along one axis (``"x"`` or ``"y"``) by a fraction of the image side drawn from
    ``fraction`` (a scalar means (-fraction, fraction)); positive moves right / down."""

    def __init__(self, fraction: float | tuple[float, float] = 0.1, axis: str = "x",
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.fraction = check_range(self, "fraction", fraction, -1, 1, symmetric=True)
        self.axis = check_choice(self, "axis", axis, ("x", "y"))
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    magnitude = Magnitude(lambda v: {"fraction": (v, v)}, span=0.45, signed=True,
                          unit="fraction of the side")

    def sample(self, rng, state):
        h, w = _hw(state)
        return {"shift": float(rng.uniform(*self.fraction)) * (w if self.axis == "x" else h)}

    def matrix(self, params, in_hw):
        shift = (params["shift"], 0.0) if self.axis == "x" else (0.0, params["shift"])
        return G.affine_matrix(*in_hw, translate=shift)


class Zoom(_AffineBase):
    """Zoom in (factor > 1, a random window enlarged to full size) or out (factor < 1, the
    image shrunk onto a canvas of the same size, placed at random). Output size is unchanged.
    """

    def __init__(self, scale: float | tuple[float, float] = (0.8, 1.25),
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_range(self, "scale", scale, 1e-2, 1e2)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)

    magnitude = Magnitude(lambda v: {"scale": (v, v)}, identity=1.0, span=0.5, signed=True,
                          unit="zoom factor")

    def sample(self, rng, state):
        h, w = _hw(state)
        zoom = float(rng.uniform(*self.scale))
        # Window (in input pixels) that fills the output; its corner stays within the range
        # that keeps the window inside the image (zoom in) or the image inside it (zoom out).
        slack_x, slack_y = w - w / zoom, h - h / zoom
        left = float(rng.uniform(min(0.0, slack_x), max(0.0, slack_x)))
        top = float(rng.uniform(min(0.0, slack_y), max(0.0, slack_y)))
        return {"zoom": zoom, "left": left, "top": top}

    def matrix(self, params, in_hw):
        z = params["zoom"]
        return np.array([[z, 0.0, -z * params["left"]], [0.0, z, -z * params["top"]]])


class Resize(GeometricTransform):
    """Resize to a fixed ``height`` x ``width``."""

    guard_nonfinite = True  # interpolation mixes neighbours
    guard_output = True

    def __init__(self, height: int, width: int, interpolation: str = "linear", p: float = 1.0):
        super().__init__(p=p)
        self.height = _check_size(self, "height", height)
        self.width = _check_size(self, "width", width)
        self.interpolation = check_choice(self, "interpolation", interpolation, G.INTERPOLATIONS)

    def apply_image(self, image, params):
        check_image_bytes(self, self.height, self.width, image)
        return G.resize(image, self.height, self.width, self.interpolation)

    def apply_mask(self, mask, params):
        check_image_bytes(self, self.height, self.width, mask)
        return G.resize(mask, self.height, self.width, "nearest")

    def apply_points(self, xy, params, in_hw):
        return xy * np.array([self.width / in_hw[1], self.height / in_hw[0]])


def _window(img: np.ndarray, params) -> np.ndarray:
    """The crop window of ``params`` as a view of ``img``."""
    top, left = params["top"], params["left"]
    return img[top:top + params["height"], left:left + params["width"]]


class _CropBase(GeometricTransform, register=False):
    """Crops: parameters are the window's ``top``, ``left``, ``height``, ``width``."""

    def apply_image(self, image, params):
        return G.crop(image, params["top"], params["left"], params["height"], params["width"])

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return xy - np.array([params["left"], params["top"]], dtype=np.float64)

    def _fit(self, state) -> tuple[int, int]:
        h, w = _hw(state)
        if self.height > h or self.width > w:
            raise ValueError(f"{type(self).__name__}: crop size ({self.height}, {self.width}) is "
                             f"larger than the image ({h}, {w}); add Pad before it or crop less")
        return h, w


class RandomCrop(_CropBase):
    """Crop a ``height`` x ``width`` window at a random position."""

    def __init__(self, height: int, width: int, p: float = 1.0):
        super().__init__(p=p)
        self.height = _check_size(self, "height", height)
        self.width = _check_size(self, "width", width)

    def sample(self, rng, state):
        h, w = self._fit(state)
        # uniform offsets from scalar uniforms: ~4x cheaper per call than rng.integers,
        # which dominated the cost of a crop (the batch path draws integer arrays)
        return {"top": int(rng.random() * (h - self.height + 1)),
                "left": int(rng.random() * (w - self.width + 1)),
                "height": self.height, "width": self.width}


class CenterCrop(_CropBase):
    """Crop a ``height`` x ``width`` window from the centre."""

    def __init__(self, height: int, width: int, p: float = 1.0):
        super().__init__(p=p)
        self.height = _check_size(self, "height", height)
        self.width = _check_size(self, "width", width)

    def sample(self, rng, state):
        h, w = self._fit(state)
        return {"top": (h - self.height) // 2, "left": (w - self.width) // 2,
                "height": self.height, "width": self.width}


class _CropResizeBase(_CropBase, register=False):
    """Crops whose window is then resized to a fixed ``height`` x ``width``."""

    guard_nonfinite = True  # interpolation mixes neighbours
    guard_output = True

    height: int
    width: int
    interpolation: str

    # resize straight from the window (a view): OpenCV reads strided rows, so the crop is
    # never copied (same pixels; it saved ~10% of RandomResizedCrop at 500x375)
    def apply_image(self, image, params):
        check_image_bytes(self, self.height, self.width, image)
        return G.resize(_window(image, params), self.height, self.width, self.interpolation)

    def apply_mask(self, mask, params):
        check_image_bytes(self, self.height, self.width, mask)
        return G.resize(_window(mask, params), self.height, self.width, "nearest")

    def apply_points(self, xy, params, in_hw):
        scale = np.array([self.width / params["width"], self.height / params["height"]])
        return super().apply_points(xy, params, in_hw) * scale


class RandomResizedCrop(_CropResizeBase):
    """Crop a random window (area fraction ``scale``, aspect ``ratio``), resize to a fixed size.

    The Inception-style crop: up to 10 tries for a window that fits, else a central crop with
    the aspect clamped to ``ratio``.
    """

    def __init__(self, height: int, width: int, scale: tuple[float, float] = (0.08, 1.0),
                 ratio: tuple[float, float] = (3 / 4, 4 / 3), interpolation: str = "linear",
                 p: float = 1.0):
        super().__init__(p=p)
        self.height = _check_size(self, "height", height)
        self.width = _check_size(self, "width", width)
        self.scale = check_range(self, "scale", scale, 1e-6, 1.0)
        self.ratio = check_range(self, "ratio", ratio, 1e-3, 1e3)
        self.interpolation = check_choice(self, "interpolation", interpolation, G.INTERPOLATIONS)

    def sample(self, rng, state):
        h, w = _hw(state)
        area = h * w
        log_ratio = (math.log(self.ratio[0]), math.log(self.ratio[1]))
        for _ in range(10):
            target = area * uniform(rng, *self.scale)
            aspect = math.exp(uniform(rng, *log_ratio))
            cw = int(round(math.sqrt(target * aspect)))
            ch = int(round(math.sqrt(target / aspect)))
            if 0 < cw <= w and 0 < ch <= h:
                return {"top": int(rng.integers(0, h - ch + 1)),
                        "left": int(rng.integers(0, w - cw + 1)), "height": ch, "width": cw}
        aspect = w / h
        if aspect < self.ratio[0]:
            cw, ch = w, int(round(w / self.ratio[0]))
        elif aspect > self.ratio[1]:
            ch, cw = h, int(round(h * self.ratio[1]))
        else:
            cw, ch = w, h
        return {"top": (h - ch) // 2, "left": (w - cw) // 2, "height": ch, "width": cw}



class Pad(WarpArgs, GeometricTransform):
    """Pad the borders by ``padding``: an int (all sides), (vertical, horizontal), or
    (top, bottom, left, right) in pixels."""

    guard_nonfinite = False  # copies border pixels: NaN and inf stay as they are

    def __init__(self, padding: int | tuple[int, ...] = 4, border_mode: str = "constant",
                 fill: float = 0, mask_fill: float = 0, p: float = 1.0):
        super().__init__(p=p)
        values = [padding] if not isinstance(padding, (list, tuple)) else list(padding)
        if len(values) not in (1, 2, 4):
            fail(self, "padding", padding, "expected an int, (vertical, horizontal) or "
                 "(top, bottom, left, right)")
        for v in values:
            check_number(self, "padding", v, 0, 1 << 16, integer=True)
        self.padding = padding if isinstance(padding, int) else tuple(int(v) for v in values)
        if len(values) == 2:  # (vertical, horizontal)
            values = [values[0]] * 2 + [values[1]] * 2
        self._sides = tuple(int(v) for v in (values * 4 if len(values) == 1 else values))
        self._set_warp_args("nearest", border_mode, fill, mask_fill)

    def _check(self, array):
        top, bottom, left, right = self._sides
        height, width = array.shape[0] + top + bottom, array.shape[1] + left + right
        check_image_bytes(self, height, width, array)

    def apply_image(self, image, params):
        self._check(image)
        return G.pad(image, *self._sides, border_mode=self.border_mode,
                     fill=fill_for(self, "fill", self.fill, image))

    def apply_mask(self, mask, params):
        self._check(mask)
        return G.pad(mask, *self._sides, border_mode=self.border_mode,
                     fill=fill_for(self, "mask_fill", self.mask_fill, mask))

    def apply_points(self, xy, params, in_hw):
        top, _, left, _ = self._sides
        return xy + np.array([left, top], dtype=np.float64)
