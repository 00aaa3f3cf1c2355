"""PyTorch: augmentation inside a ``Dataset`` (per sample) or a ``collate_fn`` (per batch).

``AugmentedDataset(source, pipeline)`` reads a dataset on disk (any format
:func:`augkit.data.open_dataset` knows) or wraps an indexable dataset of ``(input, label)``
pairs, and returns ``(augmented input, label)``: images as CxHxW float32 tensors in [0, 1],
series as (T, C) float32 tensors, texts as str.

``BatchAugment(pipeline)`` is a ``collate_fn``: it stacks a batch and augments it with one
``pipeline.batch`` call (the vectorised path; on tensors the flips, crops, colour tables and
warps of :mod:`augkit.image.torch_ops` run in torch), and returns tensors of the dtype and
NCHW layout the images came in.

Seeds: both call the pipeline's own generator, which augkit creates in the process that uses
it (:mod:`augkit.core.random`). So with ``Compose(..., seed=s)`` every DataLoader worker
draws its own stream, keyed by (s, worker id, PyTorch's per-epoch worker seed): workers and
epochs differ (persistent workers carry their stream on), and a run repeats exactly under
the same ``torch.manual_seed`` or ``DataLoader(generator=...)``. No ``worker_init_fn`` is
needed. An unseeded pipeline draws fresh OS entropy in every process: distinct, not
reproducible. With ``num_workers=0`` the stream is the seeded pipeline's, in call order.

``AugmentedClips(source, pipeline)`` is the same for video: ``(clip, label)`` pairs with
(T, H, W[, C]) clips, every clip augmented with one ``frames=`` call (one parameter set for
all its frames; ``frame_mode`` from the pipeline's targets), returned as (T, C, H, W) or
(C, T, H, W) float32 tensors in [0, 1].

torch is imported when a tensor is made, not when this module is imported.

>>> import numpy as np, augkit
>>> from augkit import image as A
>>> pairs = [(np.zeros((8, 8, 3), np.uint8), 1), (np.full((8, 8, 3), 255, np.uint8), 0)]
>>> ds = AugmentedDataset(pairs, augkit.Compose([A.HorizontalFlip()], seed=0))
>>> x, y = ds[1]
>>> tuple(x.shape), x.dtype, float(x.max()), y
((3, 8, 8), torch.float32, 1.0, 0)
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from augkit.core.compose import label_keyword
from augkit.core.validate import check_number, fail
from augkit.integrations._convert import (
    INPUT_KEY,
    check_modality,
    check_pipeline,
    describe,
    guess_modality,
    image_array,
    is_tensor,
    series_array,
    text_value,
    to_input,
)


def _torch():
    try:
        import torch
    except ImportError:  # pragma: no cover - the 'test' extra installs torch
        raise ImportError("augkit.integrations.torch needs PyTorch: pip install "
                          "'augkit[torch]'") from None
    return torch


def image_tensor(image: np.ndarray):
    """An HxW[xC] uint8/float32 image as a CxHxW float32 tensor in [0, 1] (one copy)."""
    torch = _torch()
    t = torch.from_numpy(np.ascontiguousarray(image))
    t = t.unsqueeze(0) if t.ndim == 2 else t.permute(2, 0, 1)
    if t.dtype == torch.uint8:
        return t.to(torch.float32, memory_format=torch.contiguous_format).div_(255.0)
    return t.to(torch.float32).contiguous()


def series_tensor(series: np.ndarray):
    """A (T, C) float32 tensor ((T,) series get one channel)."""
    torch = _torch()
    arr = np.asarray(series)
    if arr.ndim == 1:
        arr = arr[:, None]
    return torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float32))


class AugmentedDataset:
    """A map-style dataset that augments every item it returns (see the module docstring).

    ``source``: a path (folder or file) opened with :func:`augkit.data.open_dataset`
    (``reader_options`` go to the reader: ``split=``, ``text_column=``...), an
    :class:`augkit.data.Dataset`, or any object with ``__len__`` and ``__getitem__``
    returning ``(input, label)`` pairs (inputs: numpy arrays, PIL images, CxHxW tensors,
    str, series arrays). Labels of datasets read from disk are indices into
    ``class_names`` (-1 for an unlabelled item); other labels pass through unchanged.

    ``modality``: taken from the pipeline; give it for a pipeline of modality 'any'.
    ``copies``: the dataset is the source repeated ``copies`` times (item ``i`` is source
    item ``i % len(source)``), each repeat augmented afresh. ``to_tensor=False`` returns
    what the pipeline returns (images HxW[xC] numpy arrays, uint8 for uint8 inputs; series
    numpy arrays).

    It is a plain object with ``__len__``/``__getitem__`` (all ``DataLoader`` needs), so
    importing it does not import torch; it pickles for spawned workers.
    """

    def __init__(self, source: Any, pipeline, *, modality: str | None = None, copies: int = 1,
                 to_tensor: bool = True, **reader_options: Any):
        from augkit.data import Dataset as DiskDataset
        from augkit.data import open_dataset

        owner = "AugmentedDataset"
        self.pipeline = check_pipeline(owner, pipeline)
        self.copies = int(check_number(owner, "copies", copies, 1, 2**31 - 1, integer=True))
        if not isinstance(to_tensor, bool):
            fail(owner, "to_tensor", to_tensor, "expected True or False", TypeError)
        self.to_tensor = to_tensor
        wanted = check_modality(owner, modality, pipeline)
        if isinstance(source, (str, os.PathLike)):
            source = open_dataset(source, wanted, **reader_options)
        elif reader_options:
            raise TypeError(f"{owner}: reader options {sorted(reader_options)} only apply when "
                            f"'source' is a path; got {describe(source)}")
        if isinstance(source, DiskDataset):
            if wanted is not None and source.modality not in (wanted, "any"):
                raise ValueError(f"{owner}: the pipeline's modality is {wanted!r} but 'source' "
                                 f"({source!r}) holds {source.modality} data")
            wanted = wanted or (None if source.modality == "any" else source.modality)
            self.class_names: list | None = source.class_names
            self._index = {name: k for k, name in enumerate(self.class_names)}
        elif (isinstance(source, (str, bytes, Mapping)) or not hasattr(source, "__len__")
              or not hasattr(source, "__getitem__")):
            fail(owner, "source", source, "expected a path to a dataset folder or file, an "
                 "augkit.data.Dataset, or an indexable dataset of (input, label) pairs "
                 "(with __len__ and __getitem__)", TypeError)
        else:
            self.class_names = getattr(source, "classes", None)
            self._index = None
        self.source = source
        self._label_keyword = label_keyword(self.pipeline)
        self.modality = wanted  # None: guessed from the first item read
        self._n = len(source)

    def __len__(self) -> int:
        return self._n * self.copies

    def _read(self, j: int) -> tuple[Any, Any]:
        if self._index is not None:  # an augkit reader
            from augkit.data import BadFile

            try:
                sample = self.source.load(j)
            except BadFile as bad:
                raise ValueError(f"AugmentedDataset: item {j} ({self.source.keys[j]!r}) cannot "
                                 f"be used: {bad}") from None
            label = -1 if sample.label is None else self._index[sample.label]
            return sample.data, label, sample.label
        item = self.source[j]
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"AugmentedDataset: source[{j}] gave {describe(item)}; expected an "
                             "(input, label) pair")
        label = item[1]
        if is_tensor(label):
            label = label.item() if label.ndim == 0 else label.cpu().numpy()
        return item[0], item[1], label

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"AugmentedDataset: index {describe(index)}; expected an int")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"AugmentedDataset: index {index} out of range for {n} items")
        j = int(index) % n % self._n
        data, label, class_value = self._read(j)
        modality = self.modality or guess_modality("AugmentedDataset", data)
        value = to_input(modality, data, f"AugmentedDataset: source[{j}]")
        inputs = {INPUT_KEY[modality]: value}
        if self._label_keyword is not None:  # GenerativeAugment: the item's class
            if class_value is None:
                raise ValueError(f"AugmentedDataset: the pipeline needs each item's class "
                                 f"and item {j} has none")
            inputs[self._label_keyword] = class_value
        out = self.pipeline(**inputs)[INPUT_KEY[modality]]
        if self.to_tensor and modality == "image":
            out = image_tensor(out)
        elif self.to_tensor and modality == "timeseries":
            out = series_tensor(out)
        return out, label

    def __repr__(self) -> str:
        return (f"AugmentedDataset({len(self)} items = {self._n} x {self.copies} copies, "
                f"modality={self.modality!r}, pipeline={self.pipeline!r})")


CLIP_LAYOUTS = ("TCHW", "CTHW")


def clip_tensor(clip: np.ndarray, layout: str = "TCHW"):
    """A (T, H, W[, C]) uint8/float32 clip as a float32 tensor in [0, 1], frames first
    (``"TCHW"``) or channels first (``"CTHW"``, as 3D video networks take it)."""
    torch = _torch()
    t = torch.from_numpy(np.ascontiguousarray(clip))
    if t.ndim == 3:
        t = t.unsqueeze(-1)
    t = t.permute(0, 3, 1, 2) if layout == "TCHW" else t.permute(3, 0, 1, 2)
    if t.dtype == torch.uint8:
        return t.to(torch.float32, memory_format=torch.contiguous_format).div_(255.0)
    return t.to(torch.float32).contiguous()


class AugmentedClips:
    """A map-style dataset of augmented video clips.

    ``source``: any object with ``__len__`` and ``__getitem__`` returning ``(clip, label)``
    pairs, a clip being a (T, H, W[, C]) uint8/uint16/float32 array or a list of frames of
    one shape. Each item is ``pipeline(frames=clip)``: one parameter set moves all its frames
    (``Compose(..., targets={"frame_mode": "per_frame"})`` draws per frame), with the
    pipeline's own per-worker stream as in :class:`AugmentedDataset`. ``layout``: ``"TCHW"``
    or ``"CTHW"`` tensors; ``to_tensor=False`` returns the (T, H, W[, C]) array. ``copies``
    as in :class:`AugmentedDataset`.

    >>> import numpy as np, augkit
    >>> from augkit import image as A
    >>> clips = [(np.zeros((4, 8, 8, 3), np.uint8), 1)]
    >>> ds = AugmentedClips(clips, augkit.Compose([A.RandomCrop(6, 6)], seed=0), layout="CTHW")
    >>> x, y = ds[0]
    >>> tuple(x.shape), x.dtype, y
    ((3, 4, 6, 6), torch.float32, 1)
    """

    def __init__(self, source: Any, pipeline, *, layout: str = "TCHW", copies: int = 1,
                 to_tensor: bool = True):
        owner = "AugmentedClips"
        self.pipeline = check_pipeline(owner, pipeline)
        if pipeline.modality not in ("image", "any"):
            fail(owner, "pipeline", pipeline, "expected an image pipeline (clips are frames "
                 "of images)")
        if layout not in CLIP_LAYOUTS:
            fail(owner, "layout", layout, f"expected one of {', '.join(CLIP_LAYOUTS)}")
        self.layout = layout
        self.copies = int(check_number(owner, "copies", copies, 1, 2**31 - 1, integer=True))
        if not isinstance(to_tensor, bool):
            fail(owner, "to_tensor", to_tensor, "expected True or False", TypeError)
        self.to_tensor = to_tensor
        if (isinstance(source, (str, bytes, Mapping)) or not hasattr(source, "__len__")
                or not hasattr(source, "__getitem__")):
            fail(owner, "source", source, "expected an indexable dataset of (clip, label) "
                 "pairs (with __len__ and __getitem__)", TypeError)
        self.source = source
        self._n = len(source)
        self._needs_label = label_keyword(self.pipeline) == "label"

    def __len__(self) -> int:
        return self._n * self.copies

    def __getitem__(self, index: int) -> tuple[Any, Any]:
        if isinstance(index, bool) or not isinstance(index, (int, np.integer)):
            raise TypeError(f"AugmentedClips: index {describe(index)}; expected an int")
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"AugmentedClips: index {index} out of range for {n} items")
        j = int(index) % n % self._n
        item = self.source[j]
        if not isinstance(item, (tuple, list)) or len(item) != 2:
            raise ValueError(f"AugmentedClips: source[{j}] gave {describe(item)}; expected a "
                             "(clip, label) pair")
        clip, label = item
        if is_tensor(clip):  # a (T, H, W[, C]) tensor: its numpy view
            clip = clip.detach().cpu().numpy()
        # a pipeline that reads the class (GenerativeAugment) gets the clip's label
        extra = {"label": label} if self._needs_label else {}
        out = self.pipeline(frames=clip, **extra)["frames"]
        return (clip_tensor(out, self.layout) if self.to_tensor else out), label

    def __repr__(self) -> str:
        return (f"AugmentedClips({len(self)} items = {self._n} x {self.copies} copies, "
                f"layout={self.layout!r}, pipeline={self.pipeline!r})")


class BatchAugment:
    """A ``collate_fn`` that augments whole batches: ``DataLoader(ds, batch_size=64,
    collate_fn=BatchAugment(pipeline))``.

    Items are inputs or ``(input, label, ...)`` tuples. Images (CxHxW tensors, HxW[xC] numpy
    arrays or PIL images, one size) are stacked into one batch and augmented with a single
    ``pipeline.batch`` call; the batch comes back as an NxCxHxW tensor of the input dtype
    (uint8 stays uint8, float32 stays float32 in [0, 1]): from tensors, the tensor the
    torch path returns; from numpy images, the pipeline's NHWC array viewed as NCHW without
    a copy (channels-last strides). Numeric labels (one int or vector per item) go to the
    pipeline as ``label=``, so MixUp / CutMix / Mosaic mix them (into float soft labels);
    other entries are collated with ``collate`` (default: torch's ``default_collate``).
    Texts come back as a list of str; series ((T, C) arrays or tensors) as an (N, T, C)
    tensor of their dtype. Images of different sizes come back as a list of CxHxW tensors.
    """

    def __init__(self, pipeline, *, modality: str | None = None, collate=None):
        self.pipeline = check_pipeline("BatchAugment", pipeline)
        self.modality = check_modality("BatchAugment", modality, pipeline)
        if collate is not None and not callable(collate):
            fail("BatchAugment", "collate", collate, "expected a function of a list", TypeError)
        self.collate = collate
        # a mixing op's class count: integer labels always come back as (N, K) soft labels,
        # also from a batch where no sample was drawn to mix
        self._num_classes = _mixing_classes(pipeline)

    def __call__(self, samples: Sequence[Any]):
        torch = _torch()
        if not isinstance(samples, (list, tuple)) or not samples:
            raise ValueError(f"BatchAugment: got {describe(samples)}; expected a non-empty list "
                             "of dataset items")
        paired = isinstance(samples[0], (tuple, list))
        if paired and len({len(s) if isinstance(s, (tuple, list)) else -1
                           for s in samples}) != 1:
            raise ValueError("BatchAugment: every item must be a tuple of the same length "
                             "((input, label, ...))")
        inputs = [s[0] for s in samples] if paired else list(samples)
        collate = self.collate or torch.utils.data.default_collate
        rest = [collate([s[k] for s in samples]) for k in range(1, len(samples[0]))] \
            if paired else []
        modality = self.modality or guess_modality("BatchAugment", inputs[0])
        label = rest[0] if rest else None
        numeric = (is_tensor(label) and label.ndim in (1, 2) and label.dtype != torch.bool)
        if modality == "image":
            out, new_label = self._images(torch, inputs, label if numeric else None)
        elif modality == "text":
            texts = [text_value(t, f"BatchAugment: item {i}") for i, t in enumerate(inputs)]
            out, new_label = self.pipeline.batch(texts)["texts"], None
        else:
            out, new_label = self._series(torch, inputs, label if numeric and label.ndim == 1
                                          else None)
        if new_label is not None:
            rest[0] = new_label
        return (out, *rest) if paired else out

    def _images(self, torch, inputs, label):
        if all(is_tensor(x) for x in inputs):
            x = torch.stack(list(inputs))
            if x.ndim == 3:  # HxW tensors
                x = x.unsqueeze(1)
            keywords = {} if label is None else {"label": label.cpu().numpy()}
            out = self.pipeline.batch(x, **keywords)
            images = out["images"]
        else:
            arrays = [image_array(x, f"BatchAugment: item {i}") for i, x in enumerate(inputs)]
            same = all(a.shape == arrays[0].shape and a.dtype == arrays[0].dtype
                       for a in arrays)
            batch = np.stack(arrays) if same else arrays
            keywords = {} if label is None else {"label": label.cpu().numpy()}
            out = self.pipeline.batch(batch, **keywords)
            images = out["images"]
            if isinstance(images, np.ndarray):
                t = torch.from_numpy(images)
                images = t.unsqueeze(1) if t.ndim == 3 else t.permute(0, 3, 1, 2)
            else:
                images = [torch.from_numpy(np.ascontiguousarray(a)).unsqueeze(0) if a.ndim == 2
                          else torch.from_numpy(a).permute(2, 0, 1) for a in images]
        return images, _label_back(torch, out, label, self._num_classes)

    def _series(self, torch, inputs, label):
        arrays = [series_array(x, f"BatchAugment: item {i}") for i, x in enumerate(inputs)]
        same = all(a.shape == arrays[0].shape for a in arrays)
        batch = np.stack(arrays) if same else arrays
        if same and batch.ndim == 2:  # (T,) series: one channel each
            batch = batch[:, :, None]
        keywords = {} if label is None else {"labels": label.cpu().numpy()}
        out = self.pipeline.batch(batch, **keywords)
        extra = sorted(set(out) - {"series", "labels"})
        if extra:
            raise ValueError(f"BatchAugment: the pipeline returned {extra} besides the series "
                             "(a series mixing op); call pipeline.batch(X, labels=y) in the "
                             "training loop to use them")
        series = out["series"]
        series = (torch.from_numpy(np.ascontiguousarray(series)) if isinstance(series, np.ndarray)
                  else [torch.from_numpy(np.ascontiguousarray(s)) for s in series])
        return series, (None if label is None
                        else _label_back(torch, {"label": out["labels"]}, label))


def _mixing_classes(transform) -> int | None:
    """``num_classes`` of the first label-mixing op (MixUp, CutMix, Mosaic) in the pipeline."""
    if hasattr(transform, "_mix_labels") and getattr(transform, "num_classes", None):
        return transform.num_classes
    for child in getattr(transform, "transforms", None) or ():
        found = _mixing_classes(child)
        if found:
            return found
    return None


def _label_back(torch, out: dict, label, num_classes: int | None = None):
    """The pipeline's labels as a tensor: the given tensor's dtype when it is unchanged,
    float32 when a mixing op made soft labels (or could have: ``num_classes``)."""
    if label is None or "label" not in out:
        return None
    new = np.asarray(out["label"])
    if num_classes is not None and new.ndim == 1 and new.dtype.kind in "iub":
        from augkit.image.functional.mix import soft_labels

        new = soft_labels(new, num_classes, "BatchAugment")
    new = torch.from_numpy(np.ascontiguousarray(new))
    if new.shape == label.shape and not (new.is_floating_point()
                                         and not label.is_floating_point()):
        return new.to(label.dtype)
    return new.to(torch.float32)


__all__ = ["AugmentedDataset", "BatchAugment", "image_tensor", "series_tensor"]
