"""Format detection (``open_dataset``), in-memory arrays (``load_arrays``) and output
layouts: where each output of a dataset goes, and how it is encoded."""

from __future__ import annotations

import io
from pathlib import Path, PurePosixPath
from typing import Any

import cv2
import numpy as np

from augkit.core.limits import short_repr
from augkit.data.coco import CocoDetection
from augkit.data.detection import Detection
from augkit.data.imagefile import IMAGE_SUFFIXES, decode_image, encode_image
from augkit.data.images import ImageCSV, ImageFolder, NpzImages, labels_csv
from augkit.data.npzfile import npz_bytes
from augkit.data.parquet import (
    SeriesParquet,
    TextParquet,
    looks_like_series,
    series_parquet_bytes,
    text_parquet_bytes,
)
from augkit.data.paths import inside
from augkit.data.sample import Dataset
from augkit.data.series import NumpySeries, UCRSeries, numpy_bytes, ucr_bytes
from augkit.data.text import LabelFirstLines, TextTable, looks_label_first, table_bytes
from augkit.data.yolo import YoloDetection

KNOWN = ("image folder with one subfolder per class", "image folder with labels.csv",
         "COCO .json (or a folder with annotations.json)",
         "YOLO folder (images/ and labels/)",
         "MedMNIST-style .npz (<split>_images)", "text .csv/.tsv/.jsonl table",
         "label-first text lines ('<label> <text>')", "UCR .tsv/.csv series",
         "series .npy/.npz", "text or series .parquet (pyarrow)")
MODALITIES = ("image", "text", "timeseries")


def open_dataset(path: str | Path, modality: str | None = None, **options: Any) -> Dataset:
    """Open the dataset at ``path``, detecting its format; ``options`` go to the reader
    (``split=``, ``text_column=``, ``label_column=``, ``labels=``, ``max_pixels=``...).

    >>> import numpy as np, tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> np.savez(folder / "tiny.npz", train_images=np.zeros((4, 8, 8), np.uint8),
    ...          train_labels=np.array([[0], [1], [1], [1]]))
    >>> ds = open_dataset(folder / "tiny.npz")
    >>> ds.format, len(ds), ds.class_names, ds[0].data.shape
    ('image-npz', 4, ['0', '1'], (8, 8))
    """
    path = Path(path)
    if modality is not None and modality not in MODALITIES:
        raise ValueError(f"open_dataset: modality {short_repr(modality)} is not one of "
                         f"{', '.join(MODALITIES)}")
    if not path.exists():
        raise FileNotFoundError(2, "no such file or folder", str(path))
    reader = _detect(path, modality, options)
    if reader is None or (modality is not None and reader.modality != modality):
        raise ValueError(f"open_dataset: {str(path)!r} is not a dataset augkit knows"
                         f"{'' if modality is None else ' for modality ' + repr(modality)}; "
                         f"known formats: {'; '.join(KNOWN)}")
    try:
        return reader(path, **options)
    except TypeError as err:
        raise TypeError(f"open_dataset: {reader.format} got an unknown option: {err}") from None


def _detect(path: Path, modality: str | None, options: dict[str, Any]) -> type | None:
    if path.is_dir():
        if (path / options.get("annotations", "annotations.json")).is_file():
            return CocoDetection
        if (path / "images").is_dir() and (path / "labels").is_dir():
            return YoloDetection
        if (path / options.get("labels", "labels.csv")).is_file():
            return ImageCSV
        folders = [p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")]
        if any(f.suffix.lower() in IMAGE_SUFFIXES for d in folders for f in d.iterdir()):
            return ImageFolder
        return None
    suffix = path.suffix.lower()
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as npz:
            images = any(name.endswith("_images") for name in npz.files)
        return NpzImages if images and modality != "timeseries" else NumpySeries
    if suffix == ".npy":
        return NumpySeries
    if suffix == ".jsonl":
        return TextTable
    if suffix == ".json":
        return CocoDetection
    if suffix == ".parquet":
        if modality in ("text", "timeseries"):
            return TextParquet if modality == "text" else SeriesParquet
        return SeriesParquet if looks_like_series(
            path, options.get("text_column") or "text") else TextParquet
    if suffix in (".csv", ".tsv"):
        if modality == "text":
            return TextTable
        if modality == "timeseries" or _numeric_first_line(path, suffix):
            return UCRSeries
        return TextTable
    if looks_label_first(path):
        return LabelFirstLines
    return None


def _numeric_first_line(path: Path, suffix: str) -> bool:
    with open(path, encoding="latin-1") as handle:
        cells = handle.readline().strip().split("," if suffix == ".csv" else "\t")
    try:
        [float(c) for c in cells]
    except ValueError:
        return False
    return len(cells) > 1


def load_arrays(source: str | Path | Dataset, modality: str | None = None,
                size: tuple[int, int] | None = None, **options: Any):
    """``(X, y, class_names)`` in memory for proxy models: images (N, H, W[, C]) (all the
    same size, or pass ``size=(width, height)`` to resize), texts a list of str, series
    (N, T, C). ``y[i]`` indexes ``class_names``. Skipped inputs are left out; open the
    dataset first to see them in ``dataset.skipped``."""
    dataset = source if isinstance(source, Dataset) else open_dataset(source, modality,
                                                                      **options)
    if dataset.labels and any(lab is None for lab in dataset.labels):
        raise ValueError(f"load_arrays: {str(dataset.path)!r} has no labels")
    names = dataset.class_names
    index = {name: k for k, name in enumerate(names)}
    samples = list(dataset)
    if not samples:
        raise ValueError(f"load_arrays: {str(dataset.path)!r} holds no usable items "
                         f"({len(dataset.skipped)} skipped)")
    y = np.array([index[s.label] for s in samples], np.int64)
    if dataset.modality == "text":
        return [s.data for s in samples], y, names
    items = [s.data for s in samples]
    if size is not None and dataset.modality == "image":
        items = [cv2.resize(x, tuple(size), interpolation=cv2.INTER_AREA) for x in items]
    shapes = {x.shape for x in items}
    if len(shapes) > 1:
        first = items[0].shape
        odd = next(s for s in samples if s.data.shape != first) if size is None else samples[0]
        raise ValueError(f"load_arrays: items differ in shape ({samples[0].key!r} is {first}, "
                         f"{odd.key!r} is {odd.data.shape}); pass size=(width, height) to "
                         "resize images")
    return np.stack(items), y, names


def _stem_copy(key: str, copy: int | None, suffix: str) -> str:
    pure = PurePosixPath(key)
    stem = pure.stem if copy is None else f"{pure.stem}__aug{copy}"
    return str(pure.with_name(stem + suffix))


def _array_part(data: np.ndarray) -> bytes:
    out = io.BytesIO()
    np.save(out, np.ascontiguousarray(data), allow_pickle=False)
    return out.getvalue()


def _from_part(part: bytes) -> np.ndarray:
    return np.load(io.BytesIO(part), allow_pickle=False)


class Layout:
    """Where outputs go. ``aggregate`` layouts gather every output in one file at the end
    (``finalize``); the others write one file per output (``name``, ``encode``)."""

    def __init__(self, dataset: Dataset, fmt: str = "same", jpeg_quality: int = 95):
        allowed = {"image": ("same", "png", "npz"), "text": ("same", "parquet"),
                   "timeseries": ("same", "npz", "parquet")}[dataset.modality]
        self.detection = isinstance(dataset, Detection)  # boxes travel: one file per image
        if self.detection:
            allowed = ("same", "png")
        if fmt not in allowed:
            raise ValueError(f"--format {short_repr(fmt)} does not apply to {dataset.format} "
                             f"data; allowed: {', '.join(allowed)}")
        self.dataset, self.fmt, self.jpeg_quality = dataset, fmt, jpeg_quality
        per_file_source = isinstance(dataset, ImageFolder)
        self.aggregate = not ((per_file_source and fmt in ("same", "png"))
                              or (isinstance(dataset, NpzImages) and fmt == "png"))
        self.copy_originals_as_bytes = per_file_source and fmt == "same"

    # -- per-file layouts ------------------------------------------------------------------
    def name(self, i: int, copy: int | None) -> str:
        """The output's path relative to DST (for aggregates: the file they all go in)."""
        ds = self.dataset
        if self.aggregate:
            if self.fmt == "npz":
                return "images.npz" if ds.modality == "image" else "series.npz"
            if self.fmt == "parquet":
                return ds.path.stem + ".parquet"
            return ds.path.name
        if isinstance(ds, NpzImages):
            key = f"{ds.labels[i]}/{ds.keys[i].replace('/', '_')}"
            return _stem_copy(key, copy, ".png")
        suffix = ".png" if self.fmt == "png" else PurePosixPath(ds.keys[i]).suffix
        return _stem_copy(ds.keys[i], copy, suffix)

    def probes_geometry(self, i: int) -> bool:
        """Whether item ``i``'s outputs need the pixel geometry of the move (DICOM: the new
        PixelSpacing), so the runner moves probe points with the pixels."""
        return (not self.aggregate and self.dataset.modality == "image"
                and PurePosixPath(self.name(i, 0)).suffix.lower() == ".dcm")

    def encode_for(self, i: int, copy: int | None, data: Any,
                   pixel_steps: np.ndarray | None = None) -> bytes:
        """An output's bytes: the file (per-file layouts) or its part (aggregates).
        ``pixel_steps``: an output pixel step along x and y in source pixels (columns of a
        2x2 matrix), for formats that record the pixel size."""
        if self.aggregate:
            return data.encode("utf-8") if isinstance(data, str) else _array_part(data)
        suffix = PurePosixPath(self.name(i, copy)).suffix
        if suffix.lower() == ".dcm":  # the source's header, new pixels and identity
            from augkit.data.dicom import encode_like

            return encode_like(self.dataset.source_bytes(i), data, copy, pixel_steps)
        return encode_image(data, suffix, self.jpeg_quality)

    def decode_part(self, part: bytes) -> Any:
        return part.decode("utf-8") if self.dataset.modality == "text" else _from_part(part)

    def decode_output(self, data: bytes) -> Any:
        """An output file's content as data (per-file layouts), for checks and replay."""
        return decode_image(data)

    # -- files written at the end ----------------------------------------------------------
    def finalize(self, entries: list[tuple[int, int | None, Any, str | None]],
                 ) -> dict[str, bytes]:
        """The files that gather the outputs: ``entries`` are (item, copy, data, label) in
        the run's order (data None for per-file layouts; for detection sets, the output's
        objects as its manifest row holds them)."""
        ds = self.dataset
        if self.detection:
            return ds.finalize_files([self.name(i, copy) for i, copy, _, _ in entries], entries)
        if isinstance(ds, ImageCSV) and not self.aggregate:
            rows = [{ds.options["file_column"]: self.name(i, copy),
                     ds.options["label_column"]: label, **ds.extras[i]}
                    for i, copy, _, label in entries]
            return {ds.options["labels"]: labels_csv(ds.columns, rows)}
        if not self.aggregate or not entries:  # (every item skipped: no empty table)
            return {}
        name = self.name(0, 0)
        if ds.modality == "text":
            rows = [(d, lab, ds.extras[i]) for i, _, d, lab in entries]
            if self.fmt == "parquet" or isinstance(ds, TextParquet):
                return {name: text_parquet_bytes(ds, rows)}
            return {name: table_bytes(ds, rows)}
        rows = [(d, lab) for _, _, d, lab in entries]
        if self.fmt == "parquet" or isinstance(ds, SeriesParquet):
            extras = [ds.extras[i] for i, _, _, _ in entries] if isinstance(
                ds, SeriesParquet) else None
            return {name: series_parquet_bytes(ds, rows, extras)}
        if ds.modality == "timeseries":
            if isinstance(ds, UCRSeries) and self.fmt == "same":
                return {name: ucr_bytes(ds.delimiter, rows)}
            if isinstance(ds, NumpySeries) and self.fmt == "same":
                return {name: numpy_bytes(ds, rows)}
            return {name: _npz(rows, ds.class_names, "X", "y")}
        if isinstance(ds, NpzImages):
            return {name: self._npz_images(rows)}
        return {name: _npz(rows, ds.class_names, "train_images", "train_labels")}

    def _npz_images(self, rows: list[tuple[np.ndarray, str | None]]) -> bytes:
        ds, split = self.dataset, self.dataset.options["split"]
        with np.load(ds.path, allow_pickle=False) as npz:
            arrays = {name: npz[name] for name in npz.files}
        images = _stack([d for d, _ in rows])
        arrays[f"{split}_images"] = images.astype(arrays[f"{split}_images"].dtype, copy=False)
        if f"{split}_labels" in arrays:
            old = arrays[f"{split}_labels"]
            labels = np.array([lab for _, lab in rows]).astype(old.dtype)
            arrays[f"{split}_labels"] = labels.reshape((len(rows),) + old.shape[1:])
        return npz_bytes(arrays)


def _stack(items: list[np.ndarray]) -> np.ndarray:
    shapes = {x.shape for x in items}
    if len(shapes) > 1:
        raise ValueError(f"outputs of different shapes {sorted(shapes)[:3]} cannot share one "
                         ".npz array; add a Resize to the pipeline or use --format png")
    return np.stack(items)


def _npz(rows, class_names: list[str], data_key: str, label_key: str) -> bytes:
    index = {name: k for k, name in enumerate(class_names)}
    arrays = {data_key: _stack([d for d, _ in rows])}
    if class_names:
        arrays[label_key] = np.array([index[lab] for _, lab in rows], np.int64)
        arrays["class_names"] = np.array(class_names)
    return npz_bytes(arrays)


def output_path(dst: Path, rel: str, checked: set[str] | None = None) -> Path:
    """``dst / rel`` checked to stay inside ``dst`` (no ``..``, absolute part or symlink);
    ``checked``: folders already verified (see :func:`augkit.data.paths.inside`)."""
    return inside(dst, rel, "output path", checked)
