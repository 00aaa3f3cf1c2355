"""Image targets: box formats, the internal box/keypoint state, and the image adapter.

Coordinates are continuous pixel coordinates: the top-left corner of the image is (0, 0) and
the bottom-right corner is (width, height); a pixel with index (row r, column c) covers
[c, c + 1) x [r, r + 1). In that frame a pascal_voc box [10, 5, 20, 15] covers exactly the
mask pixels ``mask[5:15, 10:20]``, and geometric ops move boxes and masks identically.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from augkit.core.group import GroupState
from augkit.core.limits import short_repr
from augkit.core.targets import TargetAdapter, register_adapter

BOX_FORMATS = ("pascal_voc", "coco", "yolo", "normalized_xyxy")
IMAGE_KEYS = ("image", "mask", "masks", "bboxes", "labels", "keypoints", "label")
# OpenCV moves masks of these dtypes as they are. Others (bool, int64, uint32, float16, ...)
# travel in a carrier dtype that holds each of their values exactly, and come back as given.
_CV_MASK_DTYPES = frozenset(np.dtype(t) for t in (np.uint8, np.int8, np.uint16, np.int16,
                                                  np.int32, np.float32, np.float64))
_INT32 = np.iinfo(np.int32)
_EXACT_IN_FLOAT64 = 2**53


def mask_carrier(key: str, mask: np.ndarray) -> np.ndarray:
    """``mask`` in a dtype OpenCV can move that holds each of its values exactly."""
    mask = native(mask)  # big-endian masks: native inside, cast back to theirs at the end
    dtype = mask.dtype
    if dtype in _CV_MASK_DTYPES:
        return mask
    if dtype == np.bool_:
        return mask.view(np.uint8)
    if dtype == np.float16:
        return mask.astype(np.float32)
    if dtype.kind in "iu":
        lo, hi = (int(mask.min()), int(mask.max())) if mask.size else (0, 0)
        if _INT32.min <= lo and hi <= _INT32.max:
            return mask.astype(np.int32)
        if -_EXACT_IN_FLOAT64 <= lo and hi <= _EXACT_IN_FLOAT64:
            return mask.astype(np.float64)
    _error(key, mask, "expected a bool, integer or float mask (integers within +-2**53)",
           TypeError)


def boxes_to_xyxy(boxes: np.ndarray, fmt: str, height: int, width: int) -> np.ndarray:
    """Convert (N, 4) boxes of ``fmt`` to pixel x_min, y_min, x_max, y_max."""
    b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    if fmt == "pascal_voc":
        return b.copy()
    if fmt == "coco":  # x_min, y_min, width, height in pixels
        return np.column_stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]])
    scale = np.array([width, height, width, height], dtype=np.float64)
    if fmt == "normalized_xyxy":
        return b * scale
    if fmt == "yolo":  # normalized x_center, y_center, width, height
        half_w, half_h = b[:, 2] / 2, b[:, 3] / 2
        xyxy = np.column_stack([b[:, 0] - half_w, b[:, 1] - half_h,
                                b[:, 0] + half_w, b[:, 1] + half_h])
        return xyxy * scale
    raise ValueError(f"bbox_format {fmt!r} is not one of {BOX_FORMATS}")


def boxes_from_xyxy(xyxy: np.ndarray, fmt: str, height: int, width: int) -> np.ndarray:
    """Inverse of :func:`boxes_to_xyxy`."""
    b = np.asarray(xyxy, dtype=np.float64).reshape(-1, 4)
    if fmt == "pascal_voc":
        return b.copy()
    if fmt == "coco":
        return np.column_stack([b[:, 0], b[:, 1], b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]])
    scale = np.array([width, height, width, height], dtype=np.float64)
    n = b / scale
    if fmt == "normalized_xyxy":
        return n
    if fmt == "yolo":
        return np.column_stack([(n[:, 0] + n[:, 2]) / 2, (n[:, 1] + n[:, 3]) / 2,
                                n[:, 2] - n[:, 0], n[:, 3] - n[:, 1]])
    raise ValueError(f"bbox_format {fmt!r} is not one of {BOX_FORMATS}")


def box_areas(xyxy: np.ndarray) -> np.ndarray:
    return np.clip(xyxy[:, 2] - xyxy[:, 0], 0, None) * np.clip(xyxy[:, 3] - xyxy[:, 1], 0, None)


@dataclass(frozen=True)
class BoxState:
    """Boxes while a pipeline runs: pixel xyxy, the visible fraction so far, input indices."""

    xyxy: np.ndarray  # (N, 4) float64
    visibility: np.ndarray  # (N,) fraction of each box still inside the image
    index: np.ndarray  # (N,) position of each box in the caller's input

    def moved(self, corners_to: np.ndarray, height: int, width: int) -> BoxState:
        """Boxes whose 4 corners went to ``corners_to`` (N, 4, 2), clipped to the new image."""
        if len(self.xyxy) == 0:
            return self
        lo, hi = corners_to.min(axis=1), corners_to.max(axis=1)
        unclipped = np.column_stack([lo, hi])
        clipped = clip_boxes(unclipped, height, width)
        whole, kept = box_areas(unclipped), box_areas(clipped)
        ratio = np.divide(kept, whole, out=np.zeros_like(kept), where=whole > 0)
        # a box mapped exactly onto the edge can lose a rounding ulp: still fully visible
        ratio[ratio > 1.0 - 1e-9] = 1.0
        return replace(self, xyxy=clipped, visibility=self.visibility * ratio)

    def corners(self) -> np.ndarray:
        """(N, 4, 2) corner points in order TL, TR, BR, BL."""
        x0, y0, x1, y1 = self.xyxy.T
        return np.stack([np.column_stack([x0, y0]), np.column_stack([x1, y0]),
                         np.column_stack([x1, y1]), np.column_stack([x0, y1])], axis=1)


def clip_boxes(xyxy: np.ndarray, height: int, width: int) -> np.ndarray:
    limits = np.array([width, height, width, height], dtype=np.float64)
    return np.clip(xyxy, 0.0, limits)


@dataclass(frozen=True)
class KeypointState:
    """Keypoints while a pipeline runs. Points are never removed or renumbered; a point that
    leaves the image is marked not visible and keeps its (outside) coordinates."""

    xy: np.ndarray  # (K, 2) float64, x then y
    visible: np.ndarray  # (K,) bool
    extra: np.ndarray | None = None  # (K, E): the caller's further columns, carried unchanged
    # (K,) row order after a mirror image (keypoint_flip_pairs: left and right swapped)
    mirror: np.ndarray | None = None

    def moved(self, xy: np.ndarray, height: int, width: int) -> KeypointState:
        inside = (xy[:, 0] >= 0) & (xy[:, 0] < width) & (xy[:, 1] >= 0) & (xy[:, 1] < height)
        return replace(self, xy=xy, visible=self.visible & inside)

    def mirrored(self) -> KeypointState:
        """After a mirroring move: each row of a left/right pair takes its partner's point
        (a flipped person's left eye is the point that was the right eye)."""
        order = self.mirror
        return replace(self, xy=self.xy[order], visible=self.visible[order],
                       extra=None if self.extra is None else self.extra[order])

    def as_array(self) -> np.ndarray:
        """The caller's layout: x, y, then any extra columns."""
        return self.xy if self.extra is None else np.column_stack([self.xy, self.extra])


def _error(key: str, value: Any, allowed: str, exc=ValueError):
    shown = f"array of shape {value.shape} and dtype {value.dtype}" if isinstance(
        value, np.ndarray) else short_repr(value, 80)
    raise exc(f"image targets: '{key}' got {shown}; {allowed}")


def as_float64(key: str, value: Any, allowed: str) -> np.ndarray:
    """``value`` as a new float64 array (never a view of the caller's), or an error naming
    ``key`` for what numpy cannot convert (strings, ragged rows, objects)."""
    try:
        return np.array(value, dtype=np.float64)
    except (TypeError, ValueError):
        _error(key, value, allowed)


_U8, _F32 = np.dtype(np.uint8), np.dtype(np.float32)


def native(array: np.ndarray) -> np.ndarray:
    """``array`` in native byte order (a converted copy only when it is not)."""
    return array if array.dtype.isnative else array.astype(array.dtype.newbyteorder("="))


def check_image(image: Any, key: str = "image") -> np.ndarray:
    """The image, checked: 2 or 3 non-empty axes, uint8, uint16 or float32; a big-endian
    image (on a little-endian machine) comes back converted to native byte order."""
    allowed = "expected an HxW or HxWxC numpy array of dtype uint8, uint16 or float32"
    if not isinstance(image, np.ndarray):
        _error(key, image, allowed, TypeError)
    shape = image.shape
    if len(shape) not in (2, 3) or 0 in shape:  # 2 or 3 axes, none empty
        _error(key, image, allowed)
    dtype = image.dtype
    if dtype is not _U8 and dtype is not _F32:  # identity: the cheap test (singletons)
        if dtype.char not in "BHf":
            _error(key, image, allowed + " (convert with .astype(np.float32))", TypeError)
        # OpenCV cannot write into non-native arrays (mixChannels, dst= kernels)
        return native(image)
    return image


def _flip_pairs(value: Any) -> tuple[tuple[int, int], ...]:
    """``keypoint_flip_pairs`` checked: (i, j) rows of keypoints that trade places when the
    image is mirrored (left / right eye), each row in one pair at most."""
    allowed = ("expected a list of (i, j) pairs of keypoint rows that swap under a mirror "
               "image, e.g. [(1, 2), (3, 4)], each row in one pair at most")
    try:
        pairs = tuple((int(i), int(j)) for i, j in value)
        exact = all(isinstance(v, (int, np.integer)) and not isinstance(v, bool)
                    for pair in value for v in pair)
    except (TypeError, ValueError):
        _error("keypoint_flip_pairs", value, allowed)
    rows = [v for pair in pairs for v in pair]
    if not exact or min(rows, default=0) < 0 or len(set(rows)) != len(rows):
        _error("keypoint_flip_pairs", value, allowed)
    return pairs


def _mirror_order(pairs, count: int) -> np.ndarray | None:
    if not pairs:
        return None
    order = np.arange(count)
    for i, j in pairs:
        if max(i, j) >= count:
            raise ValueError(f"image targets: 'keypoint_flip_pairs' names row {max(i, j)} but "
                             f"'keypoints' has {count} rows")
        order[i], order[j] = j, i
    return order


class _Prepared(dict):
    """The state exactly as ``prepare`` made it. Every applied transform returns a new dict,
    so ``finalize`` receiving this very type means every transform was skipped and the
    image is still the caller's array: it is copied then (outputs never alias inputs)."""

    __slots__ = ()


class ImageAdapter(TargetAdapter):
    """Keyword targets for images, in the vocabulary CV users know.

    ``image`` (required), ``mask`` (HxW[xC]), ``masks`` (list of HxW or (M, H, W) array),
    ``bboxes`` (N, 4) in ``bbox_format`` with optional per-box ``labels``, ``keypoints``
    (K, 2) as x, y pixels, and ``label``: the image's class, for the ops that need it
    (``GenerativeAugment``), returned unchanged. Output adds ``bbox_indices`` (which input
    boxes survived) and ``keypoints_visible`` when those targets are given.

    ``frames=`` (a clip) or ``views=`` (views of one scene) instead of ``image`` run one
    pipeline over several images with per-frame targets; ``frame_mode`` says whether they
    share parameters (see :mod:`augkit.image.frames`).
    """

    modality = "image"
    option_defaults = {"bbox_format": "pascal_voc", "min_area": 0.0, "min_visibility": 0.0,
                       "keypoint_flip_pairs": None, "frame_mode": "shared"}

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        merged = super().check_options(options)
        if merged["bbox_format"] not in BOX_FORMATS:
            raise ValueError(f"image targets: 'bbox_format' got {merged['bbox_format']!r}; "
                             f"expected one of {list(BOX_FORMATS)}")
        for key, hi in (("min_area", np.inf), ("min_visibility", 1.0)):
            value = merged[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    0 <= value <= hi):
                raise ValueError(f"image targets: '{key}' got {value!r}; "
                                 f"expected a number in [0, {hi}]")
        if merged["keypoint_flip_pairs"] is not None:
            merged["keypoint_flip_pairs"] = _flip_pairs(merged["keypoint_flip_pairs"])
        mode = merged["frame_mode"]
        if not (isinstance(mode, str) and mode == "shared"):
            from augkit.image.frames import check_frame_mode

            check_frame_mode(merged["frame_mode"])
        return merged

    def prepare(self, data: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        if len(data) == 1 and "image" in data:  # fast path: an image alone
            return _Prepared(image=check_image(data["image"]))
        if "frames" in data or "views" in data:  # a clip, or views of a scene
            from augkit.image.frames import prepare_group

            return prepare_group(self, data, options)
        if "label" in data:  # the image's class: read by ops that need it, returned as given
            rest = {k: v for k, v in data.items() if k != "label"}
            state = self.prepare(rest, options)
            if type(state) is _Prepared:  # (finalize copies the image from _given instead)
                state = {"image": state["image"], "_given": [state["image"]]}
            state["label"] = data["label"]
            return state
        self.check_keywords(data, IMAGE_KEYS, "image", "'image' is required, e.g. aug(image=img) "
                            "(a clip: frames=, views of one scene: views=)")
        image = check_image(data["image"])
        height, width = image.shape[:2]
        state: dict[str, Any] = {"image": image}
        # the caller's arrays that may come back untouched (skipped ops, pixel-only ops
        # leave masks): finalize copies those, so no output shares memory with an input
        given = [image]
        dtypes: dict[str, Any] = {}  # masks moved in a carrier dtype: their own dtypes
        if "mask" in data:
            mask = self._check_mask("mask", data["mask"], height, width)
            state["mask"] = mask_carrier("mask", mask)
            if state["mask"] is mask:  # (a carrier is a cast, or a view cast back at the end)
                given.append(mask)
            if state["mask"].dtype != mask.dtype:
                dtypes["mask"] = mask.dtype
        if "masks" in data:
            masks = data["masks"]
            if not isinstance(masks, (list, tuple, np.ndarray)):
                _error("masks", masks, "expected a list of HxW arrays or an (M, H, W) array",
                       TypeError)
            masks = [self._check_mask("masks", m, height, width) for m in masks]
            state["masks"] = [mask_carrier("masks", m) for m in masks]
            if not isinstance(data["masks"], np.ndarray):  # (an array is stacked anew)
                given.extend(c for c, m in zip(state["masks"], masks, strict=True) if c is m)
            if any(c.dtype != m.dtype for c, m in zip(state["masks"], masks, strict=True)):
                dtypes["masks"] = [m.dtype for m in masks]
            state["_masks_type"] = "array" if isinstance(data["masks"], np.ndarray) else "list"
        state["_given"] = given
        if dtypes:
            state["_mask_dtypes"] = dtypes
        if "bboxes" in data:
            state["bboxes"] = self._prepare_boxes(data, options, height, width)
            if "labels" in data:
                state["labels"] = data["labels"]
        elif "labels" in data:
            raise ValueError("image targets: 'labels' given without 'bboxes'")
        if "keypoints" in data:
            allowed = ("expected (K, 2) finite x, y pixels, optionally followed by extra "
                       "columns (e.g. visibility, score) that are carried along unchanged")
            points = as_float64("keypoints", data["keypoints"], allowed)  # never a view
            if points.size == 0 and points.ndim < 2:
                points = points.reshape(0, 2)
            if points.ndim != 2 or points.shape[1] < 2 or not np.isfinite(points[:, :2]).all():
                _error("keypoints", data["keypoints"], allowed)
            xy = points[:, :2]
            extra = points[:, 2:] if points.shape[1] > 2 else None
            inside = (xy[:, 0] >= 0) & (xy[:, 0] < width) & (xy[:, 1] >= 0) & (xy[:, 1] < height)
            mirror = _mirror_order(options.get("keypoint_flip_pairs"), len(xy))
            state["keypoints"] = KeypointState(xy=xy, visible=inside, extra=extra,
                                               mirror=mirror)
        return state

    @staticmethod
    def _check_mask(key: str, mask: Any, height: int, width: int) -> np.ndarray:
        allowed = f"expected a numpy array with height and width ({height}, {width})"
        if not isinstance(mask, np.ndarray):
            _error(key, mask, allowed, TypeError)
        if mask.ndim not in (2, 3) or mask.shape[:2] != (height, width):
            _error(key, mask, allowed)
        return mask

    @staticmethod
    def _prepare_boxes(data, options, height: int, width: int) -> BoxState:
        fmt = options["bbox_format"]
        allowed = f"expected finite (N, 4) boxes (numbers) in {fmt} format"
        raw = as_float64("bboxes", data["bboxes"], allowed)
        if raw.size == 0:
            raw = raw.reshape(0, 4)
        if raw.ndim != 2 or raw.shape[1] != 4 or not np.isfinite(raw).all():
            _error("bboxes", data["bboxes"], allowed)
        xyxy = boxes_to_xyxy(raw, fmt, height, width)
        bad = np.flatnonzero((xyxy[:, 2] < xyxy[:, 0]) | (xyxy[:, 3] < xyxy[:, 1]))
        if bad.size:
            raise ValueError(f"image targets: 'bboxes' row {int(bad[0])} {raw[bad[0]].tolist()} "
                             f"has max < min in {fmt} format")
        labels = data.get("labels", ())
        if isinstance(labels, (str, bytes)) or not hasattr(labels, "__len__") or (
                isinstance(labels, np.ndarray) and labels.ndim == 0):
            _error("labels", data["labels"], "expected a sequence with one label per box",
                   TypeError)
        if "labels" in data and len(data["labels"]) != len(raw):
            raise ValueError(f"image targets: 'labels' has {len(data['labels'])} entries for "
                             f"{len(raw)} boxes; give one label per box")
        whole = box_areas(xyxy)
        clipped = clip_boxes(xyxy, height, width)
        visibility = np.divide(box_areas(clipped), whole, out=np.ones_like(whole),
                               where=whole > 0)
        return BoxState(xyxy=clipped, visibility=visibility, index=np.arange(len(raw)))

    def finalize(self, state: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        cls = state.__class__
        if cls is not dict and cls is not _Prepared and isinstance(state, GroupState):
            from augkit.image.frames import finalize_group

            return finalize_group(self, state, options)
        if len(state) == 1:  # fast path: an image alone
            image = state["image"]
            return {"image": image.copy() if type(state) is _Prepared else image}
        out = {k: v for k, v in state.items() if not k.startswith("_") and k != "labels"}
        given = state.get("_given", ())
        for key in ("image", "mask"):
            if key in out and any(out[key] is g for g in given):
                out[key] = out[key].copy()
        if "masks" in out:
            out["masks"] = [m.copy() if any(m is g for g in given) else m
                            for m in out["masks"]]
        height, width = state["image"].shape[:2]
        dtypes = state.get("_mask_dtypes", {})
        if "mask" in dtypes:
            out["mask"] = out["mask"].astype(dtypes["mask"])
        if "masks" in dtypes:
            out["masks"] = [m.astype(d) for m, d in zip(out["masks"], dtypes["masks"],
                                                        strict=True)]
        if "masks" in state and state.get("_masks_type") == "array":
            out["masks"] = np.stack(out["masks"]) if out["masks"] else np.asarray(out["masks"])
        if "bboxes" in state:
            boxes: BoxState = state["bboxes"]
            areas = box_areas(boxes.xyxy)
            keep = (areas > 0) & (areas >= options["min_area"]) & (
                boxes.visibility >= options["min_visibility"])
            out["bboxes"] = boxes_from_xyxy(boxes.xyxy[keep], options["bbox_format"],
                                            height, width)
            out["bbox_indices"] = boxes.index[keep]
            labels = state.get("labels")
            if labels is not None:
                picked = [labels[i] for i in boxes.index[keep]]
                out["labels"] = np.asarray(picked, dtype=np.asarray(labels).dtype) if isinstance(
                    labels, np.ndarray) else picked
        if "keypoints" in state:
            kp: KeypointState = state["keypoints"]
            out["keypoints"], out["keypoints_visible"] = kp.as_array(), kp.visible
        return out


register_adapter(ImageAdapter())
