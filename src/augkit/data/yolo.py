"""YOLO detection folders: ``images/**`` with ``labels/**`` txt files of normalised boxes or
polygons, written back as images plus label files (see :mod:`augkit.data.detection`)."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

import numpy as np

from augkit.core.limits import short_repr
from augkit.data.detection import Detection, Obj
from augkit.data.imagefile import DEFAULT_MAX_PIXELS, IMAGE_SUFFIXES
from augkit.data.masks import AnnotationError, polygons_to_mask
from augkit.data.paths import TMP_PREFIX
from augkit.data.sample import Dataset, Skipped

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


__all__ = ["YoloDetection", "label_name"]
