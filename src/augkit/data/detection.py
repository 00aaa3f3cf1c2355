"""Detection datasets, the common part: objects per item, the targets the pipeline gets,
and what an output's manifest row records. The formats: :mod:`augkit.data.coco` (COCO
JSON) and :mod:`augkit.data.yolo` (YOLO txt), written back in the same format after the
boxes moved with the pixels.

Every item's objects are read when the dataset is opened (annotation files are small);
pixels are decoded per item. ``Sample.targets`` holds the keyword targets the runner hands
the pipeline: ``bboxes`` (pixel x_min, y_min, x_max, y_max), ``labels`` (category ids) and,
where an object has a polygon or RLE, ``masks`` (one (H, W) uint8 per object, zeros for
objects without). A box the pipeline drops (``min_visibility`` / ``min_area`` in the
pipeline's targets, or a crop that left nothing) is named in the manifest row and counted
in the summary, never dropped silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from augkit.data.images import ImageFolder
from augkit.data.masks import has_holes, mask_to_polygons, mask_to_rle

ROUND = 3  # decimals of pixel coordinates written to COCO JSON and kept in manifest rows


@dataclass
class Obj:
    """One annotated object: ``category`` (int id), ``box`` (COCO: pixel x, y, w, h; YOLO:
    normalised cx, cy, w, h), ``kind`` of its shape (None, "polygon", "rle", "rle-string")
    and the shape as given (COCO: pixel polygons or RLE; YOLO: one normalised polygon)."""

    ident: int  # COCO annotation id; YOLO line number
    category: int
    box: tuple[float, ...]
    kind: str | None = None
    shape: Any = None
    source: dict[str, Any] | None = None  # COCO: the annotation (other fields written back)
    keypoints: np.ndarray | None = None  # COCO: (K, 3) x, y, v (v: 0 unlabelled, 1, 2)


class Detection(ImageFolder):
    """Base of the detection readers: per-file images plus objects per item."""

    objects: list[list[Obj]]
    # a polygon object whose moved mask has a hole is written as RLE (COCO can; YOLO's one
    # polygon per line cannot, and keeps the outer boundary)
    holes_as_rle = False
    # category -> keypoint rows that swap under a mirror image (COCO: left_* / right_*)
    flip_pairs: dict[Any, list[tuple[int, int]]] = {}

    def _setup(self) -> None:
        self.objects = []

    def _pixel_boxes(self, objs: list[Obj], height: int, width: int) -> np.ndarray:
        raise NotImplementedError

    def _mask(self, obj: Obj, height: int, width: int) -> np.ndarray:
        raise NotImplementedError

    def targets(self, i: int, image: np.ndarray) -> dict[str, Any]:
        """Keyword targets of item ``i`` for the pipeline (see the module docstring)."""
        height, width = image.shape[:2]
        objs = self.objects[i]
        out: dict[str, Any] = {"bboxes": self._pixel_boxes(objs, height, width),
                               "labels": [o.category for o in objs]}
        if any(o.kind for o in objs):
            out["masks"] = [self._mask(o, height, width) if o.kind else
                            np.zeros((height, width), np.uint8) for o in objs]
        points = [o.keypoints for o in objs if o.keypoints is not None]
        if points:  # x, y move; v rides along as an extra column
            out["keypoints"] = np.concatenate(points)
            pairs, start = [], 0
            for obj in objs:  # each object's left/right rows, at its place in the list
                if obj.keypoints is None:
                    continue
                pairs += [(start + a, start + b) for a, b in self.flip_pairs.get(
                    obj.category, ()) if max(a, b) < len(obj.keypoints)]
                start += len(obj.keypoints)
            if pairs:  # a mirroring op relabels them (image targets' keypoint_flip_pairs)
                out["keypoint_flip_pairs"] = pairs
        return out

    # -- what the runner records and writes ------------------------------------------------
    def output_targets(self, i: int, out: dict[str, Any] | None,
                       image: np.ndarray) -> dict[str, Any]:
        """The objects of one output as a manifest-row dict: ``size`` [h, w], ``kept``
        (source object positions), ``boxes`` (pixel xyxy), ``shapes`` and ``areas`` (per
        kept object: polygons / RLE of the moved mask and its pixel count, or None),
        ``keypoints`` (when objects have them), ``dropped`` (ids of objects the pipeline
        dropped). ``out`` None: the original, objects as given."""
        height, width = image.shape[:2]
        objs = self.objects[i]
        if out is None:
            boxes = self._pixel_boxes(objs, height, width)
            return {"size": [height, width], "kept": list(range(len(objs))),
                    "boxes": np.round(boxes, ROUND).tolist(), "shapes": None, "dropped": []}
        kept = [int(k) for k in out["bbox_indices"]]
        masks = out.get("masks")
        shapes, areas = [], []
        for k in kept:
            kind = objs[k].kind
            areas.append(None if kind is None or masks is None else int(
                np.count_nonzero(masks[k])))
            if kind is None or masks is None:
                shapes.append(None)
            elif kind == "polygon" and not (self.holes_as_rle and has_holes(masks[k])):
                shapes.append([[round(v, ROUND) for v in p] for p in mask_to_polygons(
                    masks[k])])
            else:  # RLE as it came; a polygon object whose moved mask has a hole: RLE
                shapes.append(mask_to_rle(masks[k], compressed=kind != "rle"))
        gone = sorted(set(range(len(objs))) - set(kept))
        result = {"size": [height, width], "kept": kept,
                  "boxes": np.round(np.asarray(out["bboxes"], np.float64).reshape(-1, 4),
                                    ROUND).tolist(),
                  "shapes": shapes, "areas": areas, "dropped": [objs[k].ident for k in gone]}
        if "keypoints" in out:
            result["keypoints"] = _moved_keypoints(objs, kept, out["keypoints"],
                                                   out["keypoints_visible"])
        return result

    def side_files(self, name: str, copy: int | None, targets: dict[str, Any],
                   i: int) -> dict[str, bytes]:
        """Files written next to an output image (YOLO: its label file)."""
        return {}

    def finalize_files(self, names: list[str], entries: list) -> dict[str, bytes]:
        """Files gathered at the end of a run (COCO: the annotations JSON)."""
        return {}


def _moved_keypoints(objs: list[Obj], kept: list[int], moved: np.ndarray,
                     visible: np.ndarray) -> list[list[float] | None]:
    """Per kept object, its moved keypoints as COCO's flat [x, y, v, ...]: a point that was
    unlabelled (v = 0) or left the image becomes 0, 0, 0."""
    starts, start = [], 0
    for obj in objs:
        starts.append(start)
        start += 0 if obj.keypoints is None else len(obj.keypoints)
    result: list[list[float] | None] = []
    for k in kept:
        obj = objs[k]
        if obj.keypoints is None:
            result.append(None)
            continue
        flat: list[float] = []
        for j in range(starts[k], starts[k] + len(obj.keypoints)):
            x, y, v = moved[j]
            flat += [round(float(x), 2), round(float(y), 2), int(v)] if (
                v > 0 and visible[j]) else [0, 0, 0]
        result.append(flat)
    return result


__all__ = ["ROUND", "Detection", "Obj"]
