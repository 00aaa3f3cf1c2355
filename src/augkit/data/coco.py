"""COCO detection / instance-segmentation JSON: images with boxes, polygon or RLE masks and
keypoints; written back as a new annotations JSON (see :mod:`augkit.data.detection`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.data.detection import ROUND, Detection, Obj
from augkit.data.imagefile import DEFAULT_MAX_PIXELS, IMAGE_SUFFIXES
from augkit.data.images import _read_file
from augkit.data.masks import AnnotationError, polygons_to_mask, rle_to_mask
from augkit.data.paths import inside, safe_relative
from augkit.data.sample import Dataset, Skipped


class CocoDetection(Detection):
    """A COCO detection / instance-segmentation JSON (``images``, ``annotations``,
    ``categories``): SRC is the JSON file (images under ``image_root``, default its folder)
    or a folder holding ``annotations.json`` next to the images. ``file_name`` entries that
    are absolute, hold ``..``, pass a symlink or name no file are skipped with their reason;
    so is an image whose annotations are malformed, and an annotation naming no image."""

    format = "coco"
    holes_as_rle = True

    def __init__(self, path: Path, image_root: str | None = None,
                 annotations: str = "annotations.json", max_pixels: int = DEFAULT_MAX_PIXELS):
        path = Path(path)
        json_path = path / annotations if path.is_dir() else path
        root = Path(image_root) if image_root is not None else json_path.parent
        if not root.is_dir():
            raise ValueError(f"image_root {short_repr(str(root))} is not a folder; expected the "
                             "folder the JSON's file_name entries are relative to")
        Dataset.__init__(self, path, image_root=str(root.resolve()), annotations=annotations,
                         max_pixels=max_pixels)
        self._setup()
        self.json_path, self.image_root = json_path, root
        with open(json_path, encoding="utf-8") as handle:
            try:
                doc = json.load(handle)
            except ValueError as err:
                raise ValueError(f"{json_path}: not valid JSON ({err})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("images"), list) or (
                not isinstance(doc.get("annotations", []), list)):
            raise ValueError(f"{json_path}: expected a COCO object with an 'images' list and an "
                             "'annotations' list")
        self.doc = {k: v for k, v in doc.items() if k not in ("images", "annotations")}
        categories = {c.get("id") for c in doc.get("categories", []) if isinstance(c, dict)}
        self.flip_pairs = {c.get("id"): side_pairs(c.get("keypoints"))
                           for c in doc.get("categories", []) if isinstance(c, dict)}
        self.image_entries: list[dict[str, Any]] = []
        by_id: dict[Any, int] = {}
        bad: dict[int, str] = {}
        self._skipped_ids: set = set()  # images listed as skipped: their annotations go too
        for entry in doc["images"]:
            self._add_image(entry, by_id)
        for ann in doc.get("annotations", []):
            image_id = ann.get("image_id") if isinstance(ann, dict) else None
            if not isinstance(image_id, (int, str)) or image_id not in by_id:
                ident = ann.get("id") if isinstance(ann, dict) else None
                if image_id not in self._skipped_ids:
                    self.skipped.append(Skipped(f"annotation {ident}", "bad annotation",
                                                f"image_id {short_repr(image_id)} is not an "
                                                "image of the file"))
                continue
            i = by_id[image_id]
            try:
                self.objects[i].append(_coco_object(ann, categories))
            except AnnotationError as err:
                bad.setdefault(i, f"annotation {ann.get('id')}: {err}")
        self._drop(bad)

    def _add_image(self, entry: Any, by_id: dict[Any, int]) -> None:
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), (int, str)):
            self.skipped.append(Skipped(short_repr(entry), "bad annotation",
                                        "an image entry needs 'id' and 'file_name'"))
            return
        name = entry.get("file_name")
        try:
            key = safe_relative(name, "file_name")
            target = inside(self.image_root, key, "file_name")
        except ValueError as err:
            self._skipped_ids.add(entry["id"])
            self.skipped.append(Skipped(str(name), "unsafe path", str(err)))
            return
        if entry["id"] in by_id:
            raise ValueError(f"{self.json_path}: image id {short_repr(entry['id'])} is listed "
                             "twice")
        problem = None
        if Path(key).suffix.lower() not in IMAGE_SUFFIXES:
            problem = ("unsupported file", f"suffix not one of {', '.join(IMAGE_SUFFIXES)}")
        elif not target.is_file():
            problem = ("unreadable", "file_name names a file that does not exist")
        if problem:
            self._skipped_ids.add(entry["id"])
            self.skipped.append(Skipped(key, *problem))
            return
        by_id[entry["id"]] = len(self.keys)
        self.keys.append(key)
        self.labels.append(None)
        self.extras.append({})
        self.image_entries.append(entry)
        self.objects.append([])

    def _drop(self, bad: dict[int, str]) -> None:
        """Items with a malformed annotation: skipped whole (their boxes cannot be moved)."""
        if not bad:
            return
        for i, detail in sorted(bad.items()):
            self.skipped.append(Skipped(self.keys[i], "bad annotation", detail))
        keep = [i for i in range(len(self.keys)) if i not in bad]
        for name in ("keys", "labels", "extras", "image_entries", "objects"):
            values = getattr(self, name)
            setattr(self, name, [values[i] for i in keep])

    def source_bytes(self, i: int) -> bytes:
        return _read_file(self.image_root / self.keys[i])

    def _pixel_boxes(self, objs, height, width):
        b = np.array([o.box for o in objs], np.float64).reshape(-1, 4)
        return np.column_stack([b[:, 0], b[:, 1], b[:, 0] + b[:, 2], b[:, 1] + b[:, 3]])

    def _mask(self, obj, height, width):
        if obj.kind == "polygon":
            return polygons_to_mask(obj.shape, height, width)
        mask = rle_to_mask(obj.shape)
        if mask.shape != (height, width):
            raise AnnotationError(f"RLE size {list(mask.shape)} differs from the image's "
                                  f"{[height, width]}")
        return mask

    def finalize_files(self, names, entries):
        """The new annotations JSON: images numbered 1.. in output order with their new file
        names and sizes, annotations 1.. with the moved boxes and shapes."""
        images, annotations = [], []
        for image_id, ((i, copy, targets, _label), name) in enumerate(
                zip(entries, names, strict=True), start=1):
            height, width = targets["size"]
            images.append({**self.image_entries[i], "id": image_id, "file_name": name,
                           "height": height, "width": width})
            for pos, k in enumerate(targets["kept"]):
                obj = self.objects[i][k]
                ann = dict(obj.source or {})  # an original's annotation: as given
                ann.update(id=len(annotations) + 1, image_id=image_id)
                if copy is not None:
                    x0, y0, x1, y1 = targets["boxes"][pos]
                    box = [x0, y0, round(x1 - x0, ROUND), round(y1 - y0, ROUND)]
                    ann["bbox"] = box
                    shape = targets["shapes"][pos]
                    points = targets.get("keypoints", [None] * len(targets["kept"]))[pos]
                    if points is not None:
                        ann["keypoints"] = points
                        ann["num_keypoints"] = sum(v > 0 for v in points[2::3])
                    if shape is not None:  # the area of the moved mask, in pixels
                        ann["segmentation"] = shape
                        ann["area"] = float(targets["areas"][pos])
                    else:
                        ann["area"] = round(box[2] * box[3], ROUND)
                annotations.append(ann)
        doc = {**self.doc, "images": images, "annotations": annotations}
        name = self.json_path.name
        return {name: json.dumps(doc, indent=None, separators=(",", ":")).encode("utf-8")}


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


_SIDES = (("left", "right"), ("Left", "Right"), ("LEFT", "RIGHT"))


def side_pairs(names: Any) -> list[tuple[int, int]]:
    """Rows of a category's keypoint ``names`` that trade places under a mirror image: a
    name with "left" and the same name with "right" (COCO person: left_eye / right_eye)."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return []
    row = {name: k for k, name in enumerate(names)}
    pairs = []
    for k, name in enumerate(names):
        for left, right in _SIDES:
            if left in name and name.replace(left, right) in row:
                pairs.append((k, row[name.replace(left, right)]))
                break
    return pairs


def _coco_object(ann: dict[str, Any], categories: set) -> Obj:
    box = ann.get("bbox")
    if not isinstance(box, list) or len(box) != 4 or not all(_number(v) for v in box):
        raise AnnotationError(f"'bbox' {short_repr(box)} is not [x, y, width, height]")
    if box[2] < 0 or box[3] < 0:
        raise AnnotationError(f"'bbox' {short_repr(box)} has a negative width or height")
    category = ann.get("category_id")
    if categories and category not in categories:
        raise AnnotationError(f"category_id {short_repr(category)} is not in 'categories'")
    seg = ann.get("segmentation")
    kind = None
    if isinstance(seg, list) and seg:
        kind = "polygon"
        for poly in seg:
            if not isinstance(poly, list) or len(poly) < 6 or len(poly) % 2 or not all(
                    _number(v) for v in poly):
                raise AnnotationError("'segmentation' polygons need an even count (>= 6) "
                                      "of numbers")
    elif isinstance(seg, dict):
        kind = "rle-string" if isinstance(seg.get("counts"), str) else "rle"
    elif seg not in (None, []):
        raise AnnotationError(f"'segmentation' {short_repr(seg)} is neither polygons nor RLE")
    points = ann.get("keypoints")
    if points is not None:
        if not isinstance(points, list) or len(points) % 3 or not all(_number(v)
                                                                       for v in points):
            raise AnnotationError("'keypoints' must be a flat list of x, y, v triples")
        points = np.asarray(points, np.float64).reshape(-1, 3)
    return Obj(ann.get("id"), category, tuple(float(v) for v in box), kind, seg, ann, points)


__all__ = ["CocoDetection"]
