"""The rest of the crop and pad family: Crop (a fixed box), PadIfNeeded, CropAndPad,
RandomSizedCrop, RandomCropFromBorders, and crops that keep an object:
AtLeastOneBBoxRandomCrop, CropNonEmptyMaskIfExists, BBoxSafeRandomCrop and
BBoxSubsetSafeRandomCrop.

Parameters are a window ``top, left, height, width`` in input pixels, which may reach past
the image (that part is padded per ``border_mode``); masks, boxes and keypoints move with the
window exactly, and through the same scale when the window is resized.
"""

from __future__ import annotations

import math
from dataclasses import replace

import cv2
import numpy as np

from augkit.core.validate import check_choice, check_number, check_range, fail
from augkit.image._args import check_bool, check_image_bytes, fill_for
from augkit.image.base import GeometricTransform, WarpArgs
from augkit.image.functional import crops as K
from augkit.image.functional import geometric as G
from augkit.image.geometric import _CropBase, _CropResizeBase, _hw
from augkit.image.resize import RandomSizedBBoxSafeCrop
from augkit.image.targets import box_areas

_SIZE_MAX = 1 << 20
POSITIONS = ("center", "top_left", "top_right", "bottom_left", "bottom_right", "random")


def _size(owner, name: str, value) -> int:
    return check_number(owner, name, value, 1, _SIZE_MAX, integer=True)


class _WindowBase(WarpArgs, GeometricTransform, register=False):
    """A window, padded where it reaches past the image; resized to ``_out_hw(params)`` when
    that differs from the window's size."""

    guard_nonfinite = False  # pure copies (a resizing subclass turns this on)
    interpolation = "nearest"

    def _out_hw(self, params) -> tuple[int, int]:
        return params["height"], params["width"]

    def _move(self, array, params, interpolation, fill):
        out_h, out_w = self._out_hw(params)
        check_image_bytes(self, max(out_h, params["height"]), max(out_w, params["width"]),
                          array)
        out = K.window(array, params["top"], params["left"], params["height"], params["width"],
                       self.border_mode, fill)
        return G.resize(out, out_h, out_w, interpolation) if (out_h, out_w) != out.shape[:2] \
            else out

    def apply_image(self, image, params):
        return self._move(image, params, self.interpolation,
                          fill_for(self, "fill", self.fill, image))

    def apply_mask(self, mask, params):
        return self._move(mask, params, "nearest",
                          fill_for(self, "mask_fill", self.mask_fill, mask))

    def move_codes(self, codes, params):
        return self._move(codes, params, "nearest", 0)

    def apply_points(self, xy, params, in_hw):
        out_h, out_w = self._out_hw(params)
        scale = np.array([out_w / params["width"], out_h / params["height"]])
        return (xy - np.array([params["left"], params["top"]], dtype=np.float64)) * scale


class Crop(_WindowBase):
    """Crop the fixed box ``x_min, y_min`` (inclusive) to ``x_max, y_max`` (exclusive), in
    pixels. A box reaching past the image is refused, unless ``pad_if_needed``: then the
    overhang is padded per ``border_mode`` (``fill`` / ``mask_fill`` for "constant").

    >>> import numpy as np
    >>> img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    >>> Crop(1, 0, 3, 2)(image=img)["image"].tolist()
    [[1, 2], [5, 6]]
    >>> Crop(2, 1, 5, 3, pad_if_needed=True)(image=img)["image"].tolist()
    [[6, 7, 0], [10, 11, 0]]
    """

    def __init__(self, x_min: int, y_min: int, x_max: int, y_max: int,
                 pad_if_needed: bool = False, border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 1.0):
        super().__init__(p=p)
        self.x_min = check_number(self, "x_min", x_min, 0, _SIZE_MAX, integer=True)
        self.y_min = check_number(self, "y_min", y_min, 0, _SIZE_MAX, integer=True)
        self.x_max = check_number(self, "x_max", x_max, self.x_min + 1, _SIZE_MAX, integer=True)
        self.y_max = check_number(self, "y_max", y_max, self.y_min + 1, _SIZE_MAX, integer=True)
        self.pad_if_needed = check_bool(self, "pad_if_needed", pad_if_needed)
        self._set_warp_args("nearest", border_mode, fill, mask_fill)

    def sample(self, rng, state):
        h, w = _hw(state)
        if not self.pad_if_needed and (self.x_max > w or self.y_max > h):
            raise ValueError(f"Crop: the box x {self.x_min}..{self.x_max}, y {self.y_min}.."
                             f"{self.y_max} reaches past the image ({h}, {w}); set "
                             "pad_if_needed=True to pad it")
        return {"top": self.y_min, "left": self.x_min, "height": self.y_max - self.y_min,
                "width": self.x_max - self.x_min}


def _padded_side(side: int, minimum: int | None, divisor: int | None) -> int:
    if divisor is not None:
        return -(-side // divisor) * divisor
    return max(side, minimum or 0)


class PadIfNeeded(_WindowBase):
    """Pad to at least ``min_height`` x ``min_width`` (or up to the next multiple of
    ``pad_height_divisor`` / ``pad_width_divisor``: give one of the two per side, ``None``
    for the other); larger images pass unchanged. ``position`` places the image: "center"
    (odd padding: one more pixel at the bottom / right), a corner ("top_left": padding
    at the bottom and right), or "random".

    >>> import numpy as np
    >>> PadIfNeeded(4, 3, fill=9)(image=np.ones((2, 3), np.uint8))["image"].tolist()
    [[9, 9, 9], [1, 1, 1], [1, 1, 1], [9, 9, 9]]
    """

    def __init__(self, min_height: int | None = 1024, min_width: int | None = 1024,
                 pad_height_divisor: int | None = None, pad_width_divisor: int | None = None,
                 position: str = "center", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 1.0):
        super().__init__(p=p)
        for side, minimum, divisor in (("height", min_height, pad_height_divisor),
                                       ("width", min_width, pad_width_divisor)):
            if (minimum is None) == (divisor is None):
                fail(self, f"min_{side}", minimum, f"give exactly one of 'min_{side}' and "
                     f"'pad_{side}_divisor' (got pad_{side}_divisor={divisor!r})")
        self.min_height = None if min_height is None else _size(self, "min_height", min_height)
        self.min_width = None if min_width is None else _size(self, "min_width", min_width)
        self.pad_height_divisor = None if pad_height_divisor is None else _size(
            self, "pad_height_divisor", pad_height_divisor)
        self.pad_width_divisor = None if pad_width_divisor is None else _size(
            self, "pad_width_divisor", pad_width_divisor)
        self.position = check_choice(self, "position", position, POSITIONS)
        self._set_warp_args("nearest", border_mode, fill, mask_fill)

    def sample(self, rng, state):
        h, w = _hw(state)
        out_h = _padded_side(h, self.min_height, self.pad_height_divisor)
        out_w = _padded_side(w, self.min_width, self.pad_width_divisor)
        extra_h, extra_w = out_h - h, out_w - w
        if self.position == "random":
            pad_top, pad_left = int(rng.integers(0, extra_h + 1)), int(rng.integers(0, extra_w + 1))
        else:
            pad_top = {"c": extra_h // 2, "t": 0, "b": extra_h}[self.position[0]]
            pad_left = extra_w // 2 if self.position == "center" else (
                0 if self.position.endswith("left") else extra_w)
        return {"top": -pad_top, "left": -pad_left, "height": out_h, "width": out_w}


class CropAndPad(_WindowBase):
    """Crop (negative values) or pad (positive) each side by an amount drawn from ``px``
    (pixels, integers) or ``percent`` (fractions of that side's length): give one. A scalar
    is the same amount on every side, a (low, high) pair a range drawn for every side
    independently (``sample_independently``) or once for all four, and four entries
    (top, right, bottom, left; each a number or a (low, high) pair) one amount per side,
    as in Albumentations. With ``keep_size`` the result is resized back to the input size.
    Padding follows ``border_mode``.

    >>> import numpy as np
    >>> out = CropAndPad(px=-1, keep_size=False)(image=np.ones((4, 5), np.uint8))
    >>> out["image"].shape
    (2, 3)
    """

    def __init__(self, px: int | tuple[int, int] | None = None,
                 percent: float | tuple[float, float] | None = None,
                 keep_size: bool = True, sample_independently: bool = True,
                 interpolation: str = "linear", border_mode: str = "constant", fill: float = 0,
                 mask_fill: float = 0, p: float = 1.0):
        super().__init__(p=p)
        if (px is None) == (percent is None):
            fail(self, "px", px, f"give exactly one of 'px' and 'percent' (got percent="
                 f"{percent!r})")
        self.px = None if px is None else _amounts(self, "px", px, -_SIZE_MAX, _SIZE_MAX,
                                                   integer=True)
        self.percent = None if percent is None else _amounts(self, "percent", percent,
                                                             -0.49, 10.0)
        self.keep_size = check_bool(self, "keep_size", keep_size)
        self.sample_independently = check_bool(self, "sample_independently",
                                               sample_independently)
        self._set_warp_args(interpolation, border_mode, fill, mask_fill)
        self.guard_nonfinite = keep_size  # the resize back mixes neighbours

    def sample(self, rng, state):
        h, w = _hw(state)
        count = 4 if self.sample_independently else 1
        if self.px is not None:
            amounts = _draw_sides(self.px, count, lambda lo, hi, size=None: rng.integers(
                lo, hi + 1, size=size))
            top, right, bottom, left = (int(v) for v in amounts)
        else:
            f = _draw_sides(self.percent, count, rng.uniform)
            top, right, bottom, left = (int(round(v * s)) for v, s in zip(f, (h, w, h, w),
                                                                          strict=True))
        height, width = h + top + bottom, w + left + right
        if height < 1 or width < 1:
            raise ValueError(f"CropAndPad: cropping {-top - bottom} rows or {-left - right} "
                             f"columns of an image of ({h}, {w}) leaves nothing; crop less")
        return {"top": -top, "left": -left, "height": height, "width": width,
                "out": [h, w] if self.keep_size else [height, width]}

    def _out_hw(self, params):
        return tuple(params["out"])


def _amounts(owner, name: str, value, low: float, high: float, integer: bool = False):
    """A (low, high) range for every side, or four of them (top, right, bottom, left)."""
    if isinstance(value, (list, tuple)) and len(value) == 4:
        return tuple(check_range(owner, name, v, low, high, integer=integer) for v in value)
    if isinstance(value, (list, tuple)) and len(value) != 2:
        fail(owner, name, value, "expected a number, a (low, high) pair, or four entries "
             "(top, right, bottom, left), each a number or a (low, high) pair")
    return check_range(owner, name, value, low, high, integer=integer)


def _draw_sides(amounts, count: int, draw) -> np.ndarray:
    """(top, right, bottom, left): one draw per side from four ranges, or ``count`` draws
    from the one range repeated over the sides."""
    if len(amounts) == 4:
        return np.resize([draw(lo, hi) for lo, hi in amounts], 4)
    return np.resize(draw(*amounts, size=count), 4)


class RandomSizedCrop(_CropResizeBase):
    """Crop a window of height drawn from ``min_max_height`` (pixels) and width
    ``height * w2h_ratio`` at a random position (both cut to the image), then resize it to
    ``size`` = (height, width).

    >>> import numpy as np
    >>> out = RandomSizedCrop((10, 20), (16, 16))(image=np.zeros((30, 40, 3), np.uint8),
    ...                                            seed=0)
    >>> out["image"].shape
    (16, 16, 3)
    """

    def __init__(self, min_max_height: tuple[int, int], size: tuple[int, int],
                 w2h_ratio: float = 1.0, interpolation: str = "linear", p: float = 1.0):
        super().__init__(p=p)
        self.min_max_height = check_range(self, "min_max_height", min_max_height, 1,
                                          _SIZE_MAX, integer=True)
        if not isinstance(size, (list, tuple)) or len(size) != 2:
            fail(self, "size", size, "expected (height, width), two integers",
                 TypeError if not isinstance(size, (list, tuple)) else ValueError)
        self.size = (_size(self, "size", size[0]), _size(self, "size", size[1]))
        self.height, self.width = self.size  # the output size read by _CropResizeBase
        self.w2h_ratio = check_number(self, "w2h_ratio", w2h_ratio, 1e-3, 1e3)
        self.interpolation = check_choice(self, "interpolation", interpolation, G.INTERPOLATIONS)

    def sample(self, rng, state):
        h, w = _hw(state)
        ch = min(h, int(rng.integers(self.min_max_height[0], self.min_max_height[1] + 1)))
        cw = min(w, max(1, int(round(ch * self.w2h_ratio))))
        return {"top": int(rng.integers(0, h - ch + 1)), "left": int(rng.integers(0, w - cw + 1)),
                "height": ch, "width": cw}


def _start(low: float, high: float, side: int, size: int, rng) -> int:
    """A window start in [0, side - size] whose window covers [low, high] when it can (else
    the one centred on it)."""
    lo, hi = max(0, math.ceil(high) - size), min(math.floor(low), side - size)
    if lo > hi:
        return int(min(max(round((low + high - size) / 2), 0), side - size))
    return int(rng.integers(lo, hi + 1))


class _FixedCrop(GeometricTransform, register=False):
    height: int
    width: int

    def apply_image(self, image, params):
        return G.crop(image, params["top"], params["left"], params["height"], params["width"])

    apply_mask = apply_image

    def apply_points(self, xy, params, in_hw):
        return xy - np.array([params["left"], params["top"]], dtype=np.float64)

    def _window(self, rng, state, target: tuple[float, float, float, float] | None):
        h, w = _hw(state)
        if self.height > h or self.width > w:
            raise ValueError(f"{type(self).__name__}: crop size ({self.height}, {self.width}) "
                             f"is larger than the image ({h}, {w}); add PadIfNeeded before it")
        if target is None:
            top = int(rng.integers(0, h - self.height + 1))
            left = int(rng.integers(0, w - self.width + 1))
        else:
            x0, y0, x1, y1 = target
            top, left = _start(y0, y1, h, self.height, rng), _start(x0, x1, w, self.width, rng)
        return {"top": top, "left": left, "height": self.height, "width": self.width}


class AtLeastOneBBoxRandomCrop(_FixedCrop):
    """Crop a ``height`` x ``width`` window that holds at least one box: a box drawn at
    random, shrunk by ``erosion_factor`` (a fraction of its sides, so the window may cut off
    part of it), lies inside the window when it fits (a box larger than the window gets the
    window centred on it). Without boxes, a random crop.

    >>> import numpy as np
    >>> out = AtLeastOneBBoxRandomCrop(20, 20)(image=np.zeros((60, 80), np.uint8),
    ...                                        bboxes=[[50, 30, 60, 40]], seed=0)
    >>> len(out["bboxes"])
    1
    """

    def __init__(self, height: int, width: int, erosion_factor: float = 0.0, p: float = 1.0):
        super().__init__(p=p)
        self.height = _size(self, "height", height)
        self.width = _size(self, "width", width)
        self.erosion_factor = check_number(self, "erosion_factor", erosion_factor, 0, 1)

    def sample(self, rng, state):
        boxes = state.get("bboxes")
        xyxy = np.empty((0, 4)) if boxes is None else boxes.xyxy[box_areas(boxes.xyxy) > 0]
        target = None
        if len(xyxy):
            x0, y0, x1, y1 = xyxy[int(rng.integers(0, len(xyxy)))].tolist()
            dx, dy = (x1 - x0) * self.erosion_factor / 2, (y1 - y0) * self.erosion_factor / 2
            target = (x0 + dx, y0 + dy, x1 - dx, y1 - dy)
        return self._window(rng, state, target)


class CropNonEmptyMaskIfExists(_FixedCrop):
    """Crop a ``height`` x ``width`` window around a foreground pixel of the mask (a pixel
    drawn at random among those whose value is not 0 or in ``ignore_values``), so that the
    crop holds some of the object; without such pixels (or without a mask), a random crop.
    With ``masks=`` the union of the masks counts.

    >>> import numpy as np
    >>> mask = np.zeros((50, 50), np.uint8); mask[45, 3] = 1
    >>> out = CropNonEmptyMaskIfExists(10, 10)(image=np.zeros((50, 50), np.uint8), mask=mask,
    ...                                        seed=0)
    >>> int(out["mask"].sum())
    1
    """

    def __init__(self, height: int, width: int, ignore_values: list[int] | None = None,
                 p: float = 1.0):
        super().__init__(p=p)
        self.height = _size(self, "height", height)
        self.width = _size(self, "width", width)
        if ignore_values is not None and (not isinstance(ignore_values, (list, tuple)) or any(
                isinstance(v, bool) or not isinstance(v, (int, float)) for v in ignore_values)):
            fail(self, "ignore_values", ignore_values, "expected None or a list of numbers",
                 TypeError)
        self.ignore_values = None if ignore_values is None else [
            int(v) if float(v).is_integer() else float(v) for v in ignore_values]

    def _foreground(self, state) -> np.ndarray | None:
        masks = ([state["mask"]] if "mask" in state else []) + list(state.get("masks", []))
        found = None
        for m in masks:
            m = m if m.ndim == 2 else m.reshape(m.shape[0], m.shape[1], -1).any(axis=2)
            on = m != 0
            if self.ignore_values:
                on &= ~np.isin(m, self.ignore_values)
            found = on if found is None else found | on
        return found

    def sample(self, rng, state):
        on = self._foreground(state)
        target = None
        if on is not None:
            # the i-th foreground pixel in row-major order (as np.nonzero would list them)
            # from per-row counts: one OpenCV row sum instead of listing every pixel
            rows = cv2.reduce(on.view(np.uint8), 1, cv2.REDUCE_SUM, dtype=cv2.CV_32S).ravel()
            ends = np.cumsum(rows)
            if len(ends) and ends[-1] > 0:
                i = int(rng.integers(0, int(ends[-1])))
                y = int(np.searchsorted(ends, i, side="right"))
                x = int(np.flatnonzero(on[y])[i - (int(ends[y - 1]) if y else 0)])
                target = (float(x), float(y), x + 1.0, y + 1.0)
        return self._window(rng, state, target)


class BBoxSafeRandomCrop(_CropBase):
    """Crop a random window that contains every box, without resizing (each side drawn
    between the image edge and the union of the boxes; boxes outside the image are
    ignored). Without boxes the window keeps at least ``1 - erosion_rate`` of each side.
    :class:`~augkit.image.RandomSizedBBoxSafeCrop` is the same crop resized to a size.

    >>> import numpy as np
    >>> out = BBoxSafeRandomCrop()(image=np.zeros((40, 60), np.uint8),
    ...                            bboxes=[[10, 10, 30, 20]], seed=0)
    >>> out["bboxes"].shape, bool(out["image"].shape[0] >= 10)
    ((1, 4), True)
    """

    def __init__(self, erosion_rate: float = 0.0, p: float = 1.0):
        super().__init__(p=p)
        self.erosion_rate = check_number(self, "erosion_rate", erosion_rate, 0, 1)

    sample = RandomSizedBBoxSafeCrop.sample  # the same window; only the resize differs


class RandomCropFromBorders(_CropBase):
    """Cut a random amount from each border: up to ``crop_left`` / ``crop_right`` of the
    width and ``crop_top`` / ``crop_bottom`` of the height (fractions; at least one pixel
    always remains).

    >>> import numpy as np
    >>> out = RandomCropFromBorders(0.5, 0.0, 0.0, 0.0)(image=np.zeros((4, 10), np.uint8),
    ...                                                 seed=1)
    >>> out["image"].shape[0], 5 <= out["image"].shape[1] <= 10
    (4, True)
    """

    def __init__(self, crop_left: float = 0.1, crop_right: float = 0.1, crop_top: float = 0.1,
                 crop_bottom: float = 0.1, p: float = 1.0):
        super().__init__(p=p)
        self.crop_left = check_number(self, "crop_left", crop_left, 0, 1)
        self.crop_right = check_number(self, "crop_right", crop_right, 0, 1)
        self.crop_top = check_number(self, "crop_top", crop_top, 0, 1)
        self.crop_bottom = check_number(self, "crop_bottom", crop_bottom, 0, 1)

    def sample(self, rng, state):
        h, w = _hw(state)
        left = int(rng.integers(0, int(self.crop_left * w) + 1))
        right = int(rng.integers(0, int(self.crop_right * w) + 1))
        top = int(rng.integers(0, int(self.crop_top * h) + 1))
        bottom = int(rng.integers(0, int(self.crop_bottom * h) + 1))
        left, right = min(left, w - 1), min(right, w - 1 - min(left, w - 1))
        top, bottom = min(top, h - 1), min(bottom, h - 1 - min(top, h - 1))
        return {"top": top, "left": left, "height": h - top - bottom, "width": w - left - right}


class BBoxSubsetSafeRandomCrop(_CropBase):
    """Crop a random window that contains a random subset of the boxes (their count a
    fraction drawn from ``subset_fraction_range`` of the boxes inside the image, at least
    one), not resized: each side is drawn between the image edge and the subset's union.
    Other boxes may be cut or dropped (``min_visibility``). Without boxes, a window keeping
    ``1 - erosion_rate`` of each side. (No aspect-ratio constraint, unlike
    Albumentations' ``aspect_ratio_range``.)

    >>> import numpy as np
    >>> out = BBoxSubsetSafeRandomCrop(subset_fraction_range=(0.5, 0.5))(
    ...     image=np.zeros((40, 60), np.uint8), bboxes=[[2, 2, 8, 8], [40, 30, 50, 38]],
    ...     seed=0, return_record=True)
    >>> len(out["bboxes"]) >= 1
    True
    """

    def __init__(self, subset_fraction_range: tuple[float, float] = (0.5, 1.0),
                 erosion_rate: float = 0.0, p: float = 1.0):
        super().__init__(p=p)
        self.subset_fraction_range = check_range(self, "subset_fraction_range",
                                                 subset_fraction_range, 1e-6, 1)
        self.erosion_rate = check_number(self, "erosion_rate", erosion_rate, 0, 1)

    def sample(self, rng, state):
        boxes = state.get("bboxes")
        xyxy = np.empty((0, 4)) if boxes is None else boxes.xyxy[box_areas(boxes.xyxy) > 0]
        if len(xyxy):
            count = max(1, round(len(xyxy) * rng.uniform(*self.subset_fraction_range)))
            xyxy = xyxy[np.sort(rng.choice(len(xyxy), min(count, len(xyxy)), replace=False))]
            state = {**state, "bboxes": replace(boxes, xyxy=xyxy, visibility=np.ones(len(xyxy)),
                                                index=np.arange(len(xyxy)))}
        return RandomSizedBBoxSafeCrop.sample(self, rng, state)
