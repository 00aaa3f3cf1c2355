"""Base classes of image transforms: dispatch one parameter set to every target."""

from __future__ import annotations

from typing import Any

import numpy as np

from augkit.core.transform import Params, State, Transform
from augkit.core.validate import check_choice, check_number
from augkit.image.functional.geometric import BORDER_MODES, INTERPOLATIONS
from augkit.image.targets import BoxState, KeypointState


class ImageTransform(Transform, register=False):
    """An image transform. Pixel-only ops implement ``apply_image``; masks, boxes and
    keypoints pass through untouched."""

    modality = "image"

    def apply(self, state: State, params: Params) -> State:
        out = dict(state)
        out["image"] = self.apply_image(state["image"], params)
        return out

    def apply_image(self, image: np.ndarray, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_image()")


class GeometricTransform(ImageTransform, register=False):
    """A transform that moves pixels: masks, boxes and keypoints move with the image.

    Subclasses implement ``apply_image``, ``apply_mask`` and ``apply_points`` (continuous
    pixel coordinates, see :mod:`augkit.image.targets`); boxes follow from their corners.
    """

    def apply(self, state: State, params: Params) -> State:
        out = dict(state)
        image = state["image"]
        out["image"] = self.apply_image(image, params)
        in_hw = image.shape[:2]
        out_h, out_w = out["image"].shape[:2]
        if "mask" in state:
            out["mask"] = self.apply_mask(state["mask"], params)
        if "masks" in state:
            out["masks"] = [self.apply_mask(m, params) for m in state["masks"]]
        boxes: BoxState | None = state.get("bboxes")
        if boxes is not None and len(boxes.xyxy):
            corners = boxes.corners().reshape(-1, 2)
            moved = self.apply_points(corners, params, in_hw).reshape(-1, 4, 2)
            out["bboxes"] = boxes.moved(moved, out_h, out_w)
        keypoints: KeypointState | None = state.get("keypoints")
        if keypoints is not None and len(keypoints.xy):
            out["keypoints"] = keypoints.moved(self.apply_points(keypoints.xy, params, in_hw),
                                               out_h, out_w)
        return out

    def apply_mask(self, mask: np.ndarray, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_mask()")

    def apply_points(self, xy: np.ndarray, params: Params, in_hw: tuple[int, int]) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_points()")


class WarpArgs:
    """Validation of the interpolation / border arguments shared by warping transforms."""

    def _set_warp_args(self, interpolation: str, border_mode: str, fill: Any,
                       mask_fill: Any) -> None:
        self.interpolation = check_choice(self, "interpolation", interpolation, INTERPOLATIONS)
        self.border_mode = check_choice(self, "border_mode", border_mode, BORDER_MODES)
        self.fill = check_number(self, "fill", fill, 0)
        self.mask_fill = check_number(self, "mask_fill", mask_fill, 0)
