"""Image datasets: a folder of class subfolders, a flat folder with a labels CSV, and
MedMNIST-style ``.npz`` files (``train_images``, ``train_labels``, optional ``val_*`` /
``test_*``)."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.data.imagefile import DEFAULT_MAX_PIXELS, IMAGE_SUFFIXES, BadFile, decode_image
from augkit.data.paths import TMP_PREFIX, inside, safe_relative
from augkit.data.sample import Dataset, Skipped

# what a runner adds to a folder
RESERVED = {".augkit", "manifest.jsonl", "manifest.parquet", "summary.json"}


def _read_file(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class ImageFolder(Dataset):
    """``ROOT/<class>/<image>``: one subfolder per class, images directly inside each.

    Symlinks, nested folders and files that are not images are listed in ``skipped``.
    Option ``max_pixels`` (default 178,956,970) refuses decompression bombs."""

    modality, format, per_file = "image", "image-folder", True

    def __init__(self, path: Path, max_pixels: int = DEFAULT_MAX_PIXELS):
        super().__init__(path, max_pixels=max_pixels)
        for entry in sorted(os.scandir(self.path), key=lambda e: e.name):
            if entry.name.startswith(".") or entry.name in RESERVED:
                continue
            if entry.is_symlink():
                self.skipped.append(Skipped(entry.name, "symlink", "symlinks are not followed"))
            elif entry.is_dir():
                self._class(entry)
            else:
                self.skipped.append(Skipped(entry.name, "unexpected file", "images belong in "
                                            "one subfolder per class"))

    def _class(self, folder: os.DirEntry) -> None:
        for entry in sorted(os.scandir(folder.path), key=lambda e: e.name):
            key = f"{folder.name}/{entry.name}"
            if entry.name.startswith(TMP_PREFIX):
                continue
            if entry.is_symlink():
                self.skipped.append(Skipped(key, "symlink", "symlinks are not followed"))
            elif entry.is_dir():
                self.skipped.append(Skipped(key, "unexpected folder", "class folders hold "
                                            "image files only"))
            elif Path(entry.name).suffix.lower() not in IMAGE_SUFFIXES:
                self.skipped.append(Skipped(key, "unsupported file",
                                            f"suffix not one of {', '.join(IMAGE_SUFFIXES)}"))
            else:
                self.keys.append(key)
                self.labels.append(folder.name)
                self.extras.append({})

    def source_bytes(self, i: int) -> bytes:
        return _read_file(self.path / self.keys[i])

    def _decode(self, i: int) -> np.ndarray:
        return decode_image(self.source_bytes(i), self.options["max_pixels"])


class ImageCSV(ImageFolder):
    """A folder of images plus a CSV (default ``labels.csv``) with a file column (default
    ``filename``) and a label column (default ``label``); other columns are kept as extras
    and written back. A file name that is absolute, has ``..``, goes through a symlink or is
    missing is listed in ``skipped``."""

    format = "image-csv"

    def __init__(self, path: Path, labels: str = "labels.csv", file_column: str = "filename",
                 label_column: str = "label", max_pixels: int = DEFAULT_MAX_PIXELS):
        Dataset.__init__(self, path, labels=labels, file_column=file_column,
                         label_column=label_column, max_pixels=max_pixels)
        table = inside(self.path, labels, "labels file")
        with open(table, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            self.columns = list(reader.fieldnames or [])
            for column, flag in ((file_column, "file_column"), (label_column, "label_column")):
                if column not in self.columns:
                    raise ValueError(f"{table}: no column {short_repr(column)} ({flag}); the "
                                     f"header has {short_repr(self.columns)}")
            for line, row in enumerate(reader, start=2):
                name = row[file_column] or ""
                try:
                    key = safe_relative(name, f"{labels} line {line}: file name")
                    target = inside(self.path, key, f"{labels} line {line}: file name")
                except ValueError as err:
                    self.skipped.append(Skipped(name, "unsafe path", str(err)))
                    continue
                if Path(key).suffix.lower() not in IMAGE_SUFFIXES:
                    self.skipped.append(Skipped(key, "unsupported file", "suffix not one of "
                                                f"{', '.join(IMAGE_SUFFIXES)}"))
                    continue
                if not target.is_file():
                    self.skipped.append(Skipped(key, "unreadable", f"{labels} line {line} "
                                                "names a file that does not exist"))
                    continue
                self.keys.append(key)
                self.labels.append(row[label_column])
                self.extras.append({k: v for k, v in row.items()
                                    if k not in (file_column, label_column)})


class NpzImages(Dataset):
    """A MedMNIST-style ``.npz``: ``<split>_images`` (N, H, W[, C]) and ``<split>_labels``
    (N,) or (N, 1); ``split`` picks which (default ``train``). Keys are ``<split>/<row>``."""

    modality, format = "image", "image-npz"

    def __init__(self, path: Path, split: str = "train"):
        super().__init__(path, split=split)
        with np.load(self.path, allow_pickle=False) as npz:
            names = set(npz.files)
            if f"{split}_images" not in names:
                splits = sorted(n[:-7] for n in names if n.endswith("_images"))
                raise ValueError(f"{self.path}: split {short_repr(split)} not found; it has "
                                 f"{', '.join(splits) or 'no <split>_images arrays'}")
            images = npz[f"{split}_images"]
            labels = npz[f"{split}_labels"] if f"{split}_labels" in names else None
        if images.ndim not in (3, 4):
            raise ValueError(f"{self.path}: {split}_images has shape {images.shape}; expected "
                             "(N, H, W) or (N, H, W, C)")
        if labels is not None:
            labels = labels.reshape(len(labels), -1)
            if labels.shape != (len(images), 1):
                raise ValueError(f"{self.path}: {split}_labels has shape {labels.shape}; "
                                 f"expected ({len(images)},) or ({len(images)}, 1)")
        self.keys = [f"{split}/{i}" for i in range(len(images))]
        self.labels = [None] * len(images) if labels is None else [str(v) for v in labels[:, 0]]
        self.extras = [{} for _ in self.keys]
        self.label_dtype = None if labels is None else str(labels.dtype)
        self._images: np.ndarray | None = images

    def __getstate__(self) -> dict[str, Any]:  # workers reopen the file instead of a copy
        state = dict(self.__dict__)
        state["_images"] = None
        return state

    def _decode(self, i: int) -> np.ndarray:
        if self._images is None:
            with np.load(self.path, allow_pickle=False) as npz:
                self._images = npz[f"{self.options['split']}_images"]
        return self._images[i].copy()


def labels_csv(columns: list[str], rows: list[dict[str, Any]]) -> bytes:
    """A labels CSV with ``columns`` in order (``\\n`` line ends, so runs compare equal)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


__all__ = ["BadFile", "ImageCSV", "ImageFolder", "NpzImages", "labels_csv"]
