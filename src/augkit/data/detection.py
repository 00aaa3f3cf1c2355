"""Detection datasets: COCO JSON and YOLO txt, read as images with boxes (and instance
masks), written back in the same format after the boxes moved with the pixels.

Every item's objects are read when the dataset is opened (annotation files are small);
pixels are decoded per item. ``Sample.targets`` holds the keyword targets the runner hands
the pipeline: ``bboxes`` (pixel x_min, y_min, x_max, y_max), ``labels`` (category ids) and,
where an object has a polygon or RLE, ``masks`` (one (H, W) uint8 per object, zeros for
objects without). A box the pipeline drops (``min_visibility`` / ``min_area`` in the
pipeline's targets, or a crop that left nothing) is named in the manifest row and counted
in the summary, never dropped silently.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.data.imagefile import DEFAULT_MAX_PIXELS, IMAGE_SUFFIXES, BadFile
from augkit.data.images import ImageFolder, _read_file
from augkit.data.masks import (
    AnnotationError,
    mask_to_polygons,
    mask_to_rle,
    polygons_to_mask,
    rle_to_mask,
)
from augkit.data.paths import TMP_PREFIX, inside, safe_relative
from augkit.data.sample import Dataset, Skipped

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
            elif kind == "polygon":
                shapes.append([[round(v, ROUND) for v in p] for p in mask_to_polygons(
                    masks[k])])
            else:
                shapes.append(mask_to_rle(masks[k], compressed=kind == "rle-string"))
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


# -- COCO ------------------------------------------------------------------------------------
class CocoDetection(Detection):
    """A COCO detection / instance-segmentation JSON (``images``, ``annotations``,
    ``categories``): SRC is the JSON file (images under ``image_root``, default its folder)
    or a folder holding ``annotations.json`` next to the images. ``file_name`` entries that
    are absolute, hold ``..``, pass a symlink or name no file are skipped with their reason;
    so is an image whose annotations are malformed, and an annotation naming no image."""

    format = "coco"

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


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and np.isfinite(value)


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


# -- YOLO ------------------------------------------------------------------------------------
_ROOT_FILES = re.compile(r".+\.(ya?ml|txt|names)$", re.IGNORECASE)


class YoloDetection(Detection):
    """A YOLO folder: ``images/**/<name>.<ext>`` with ``labels/**/<name>.txt`` mirroring it,
    one object per line, ``class cx cy w h`` normalised to [0, 1] (or a segmentation line
    ``class x1 y1 x2 y2 ...``); an image without a label file has no objects. Root files
    (``data.yaml``, ``classes.txt``) are copied to the output; a top-level ``path:`` in a
    YAML file (it names SRC) is commented out, so the output's root is the YAML's folder.
    A malformed line skips its image, named."""

    format = "yolo"

    def __init__(self, path: Path, max_pixels: int = DEFAULT_MAX_PIXELS):
        Dataset.__init__(self, path, max_pixels=max_pixels)
        self._setup()
        images = self.path / "images"
        if not images.is_dir() or images.is_symlink():
            raise ValueError(f"{self.path}: a YOLO folder needs an images/ folder (not a "
                             "symlink)")
        for folder, dirs, files in os.walk(images):
            rel_folder = Path(folder).relative_to(self.path).as_posix()
            for d in sorted(dirs):
                if os.path.islink(os.path.join(folder, d)):
                    self.skipped.append(Skipped(f"{rel_folder}/{d}", "symlink",
                                                "symlinks are not followed"))
            dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d))
                             and not d.startswith("."))
            for name in sorted(files):
                self._add(f"{rel_folder}/{name}", Path(folder) / name)

    def _add(self, key: str, path: Path) -> None:
        if path.name.startswith((TMP_PREFIX, ".")):
            return
        if path.is_symlink():
            self.skipped.append(Skipped(key, "symlink", "symlinks are not followed"))
            return
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            self.skipped.append(Skipped(key, "unsupported file",
                                        f"suffix not one of {', '.join(IMAGE_SUFFIXES)}"))
            return
        label = self.path / label_name(key)
        objs: list[Obj] = []
        if label.is_symlink():
            self.skipped.append(Skipped(key, "symlink", f"{label_name(key)} is a symlink"))
            return
        if label.is_file():
            try:
                objs = _yolo_objects(label.read_text(encoding="utf-8"))
            except (AnnotationError, UnicodeDecodeError) as err:
                self.skipped.append(Skipped(key, "bad annotation", f"{label_name(key)} {err}"))
                return
        self.keys.append(key)
        self.labels.append(None)
        self.extras.append({})
        self.objects.append(objs)

    def _pixel_boxes(self, objs, height, width):
        b = np.array([o.box for o in objs], np.float64).reshape(-1, 4)
        scale = np.array([width, height, width, height], np.float64)
        half = b[:, 2:] / 2
        return np.column_stack([b[:, :2] - half, b[:, :2] + half]) * scale

    def _mask(self, obj, height, width):
        poly = np.asarray(obj.shape, np.float64).reshape(-1, 2) * (width, height)
        return polygons_to_mask([poly.reshape(-1).tolist()], height, width)

    def side_files(self, name, copy, targets, i):
        """The label file of an output (the original's is copied as it is)."""
        rel = label_name(name)
        if copy is None:
            source = self.path / label_name(self.keys[i])
            return {rel: source.read_bytes()} if source.is_file() else {}
        height, width = targets["size"]
        lines = []
        for pos, k in enumerate(targets["kept"]):
            obj = self.objects[i][k]
            x0, y0, x1, y1 = targets["boxes"][pos]
            shape = targets["shapes"][pos]
            if obj.kind is None:
                values = [(x0 + x1) / 2 / width, (y0 + y1) / 2 / height, (x1 - x0) / width,
                          (y1 - y0) / height]
            else:  # the largest traced polygon, or the box's corners if the mask vanished
                poly = max(shape, key=len) if shape else [x0, y0, x1, y0, x1, y1, x0, y1]
                values = [v / (width if j % 2 == 0 else height) for j, v in enumerate(poly)]
            lines.append(" ".join([str(obj.category)] + [f"{v:.6f}" for v in values]))
        return {rel: "".join(line + "\n" for line in lines).encode("utf-8")}

    def finalize_files(self, names, entries):
        out = {}
        for entry in sorted(os.scandir(self.path), key=lambda e: e.name):
            if entry.is_file(follow_symlinks=False) and _ROOT_FILES.match(entry.name):
                data = Path(entry.path).read_bytes()
                if entry.name.lower().endswith((".yaml", ".yml")):
                    data = _without_root_path(data)
                out[entry.name] = data
        return out


def label_name(key: str) -> str:
    """``images/a/x.jpg`` -> ``labels/a/x.txt`` (YOLO's convention)."""
    parts = PurePosixPath(key).with_suffix(".txt").parts
    return "/".join(("labels",) + parts[1:])


def _without_root_path(data: bytes) -> bytes:
    """A dataset YAML with its top-level ``path:`` commented out: it names SRC, and without
    it YOLO tools take the YAML's own folder (DST) as the root."""
    lines = data.decode("utf-8").splitlines(keepends=True)
    for j, line in enumerate(lines):
        if re.match(r"path\s*:", line):  # top level only (no indent)
            lines[j] = "# " + line.rstrip("\n") + "  (augkit: the root is this file's folder)\n"
    return "".join(lines).encode("utf-8")


def _yolo_objects(text: str) -> list[Obj]:
    objs = []
    for number, line in enumerate(text.splitlines(), start=1):
        cells = line.split()
        if not cells:
            continue
        where = f"line {number}"
        if not re.fullmatch(r"\d+", cells[0]):
            raise AnnotationError(f"{where}: class {short_repr(cells[0])} is not an integer "
                                  ">= 0")
        try:
            values = [float(c) for c in cells[1:]]
        except ValueError:
            raise AnnotationError(f"{where}: {short_repr(line)} holds a non-number") from None
        if not all(np.isfinite(values)):
            raise AnnotationError(f"{where}: {short_repr(line)} holds a non-finite number")
        category = int(cells[0])
        if len(values) == 4:
            if values[2] < 0 or values[3] < 0:
                raise AnnotationError(f"{where}: negative width or height")
            objs.append(Obj(number, category, tuple(values)))
        elif len(values) >= 6 and len(values) % 2 == 0:
            xy = np.asarray(values).reshape(-1, 2)
            lo, hi = xy.min(axis=0), xy.max(axis=0)
            box = (*((lo + hi) / 2).tolist(), *(hi - lo).tolist())
            objs.append(Obj(number, category, box, "polygon", values))
        else:
            raise AnnotationError(f"{where}: expected 'class cx cy w h' or 'class x1 y1 x2 y2 "
                                  f"x3 y3 ...'; got {len(values)} numbers")
    return objs


__all__ = ["BadFile", "CocoDetection", "Detection", "YoloDetection", "label_name"]
