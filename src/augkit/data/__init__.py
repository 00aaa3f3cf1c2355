"""Datasets on disk: readers, writers and the local runner behind ``augkit augment``.

Every reader gives the same model (:class:`Sample`: ``key``, ``data``, ``label``,
``extras``) and lists bad inputs in ``dataset.skipped`` instead of failing::

    ds = open_dataset("xrays/")            # format detected; modality="image" to insist
    ds.class_names, ds.labels[:3]          # no decoding needed
    for sample in ds: ...                  # decodes one item at a time
    X, y, names = load_arrays("xrays/", size=(64, 64))

No torch here: numpy, OpenCV and the standard library; pyarrow (Parquet) and pydicom
(DICOM) only when such a file is read or written.
"""

from augkit.data.coco import CocoDetection
from augkit.data.formats import KNOWN, Layout, load_arrays, open_dataset
from augkit.data.imagefile import DEFAULT_MAX_PIXELS, BadFile, decode_image, encode_image
from augkit.data.images import ImageCSV, ImageFolder, NpzImages
from augkit.data.parquet import SeriesParquet, TextParquet
from augkit.data.sample import Dataset, Sample, Skipped
from augkit.data.series import NumpySeries, UCRSeries
from augkit.data.text import LabelFirstLines, TextTable
from augkit.data.yolo import YoloDetection

__all__ = [
    "DEFAULT_MAX_PIXELS", "KNOWN", "BadFile", "CocoDetection", "Dataset", "ImageCSV",
    "ImageFolder", "LabelFirstLines", "Layout", "NpzImages", "NumpySeries", "Sample",
    "SeriesParquet", "Skipped", "TextParquet", "TextTable", "UCRSeries", "YoloDetection",
    "decode_image", "encode_image", "load_arrays", "open_dataset",
]
