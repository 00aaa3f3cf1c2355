"""Pipeline transforms that replace a sample with a synthetic sample of the same class.

``GenerativeAugment(model=FOLDER, p=0.5)`` (images) takes each image's class from
``label=``: ``aug(image=img, label=y)`` or ``aug.batch(images, label=[...])`` (the dataset
runner and ``AugmentedDataset`` pass it); ``SeriesGenerativeAugment`` (series) takes it from
``labels=``. A label is matched to the
model's class names as text (``1`` and ``"1"`` name the same class). Parameters per sample
are the class index and a ``noise_seed``; the generator makes the sample from those alone,
so records replay exactly while the model folder is there. A generated image takes the
units and channels of the image it replaces (uint8 / uint16 / float [0, 1]; grey repeated
over RGB). ``model`` is the folder path (a
:class:`~augkit.generative.model.GANModel` is accepted and stored as its folder), so
configs stay plain JSON; the model loads on first use, once per process and folder.

>>> import numpy as np, tempfile
>>> from augkit.generative import train, GANConfig
>>> x = np.random.default_rng(0).integers(0, 256, (16, 28, 28), dtype=np.uint8)
>>> model = train(x, np.arange(16) % 2, tempfile.mkdtemp() + "/m", steps=2,
...               config=GANConfig(batch_size=8, threads=1))
>>> out = GenerativeAugment(model=model, p=1.0).batch(x[:4], label=[0, 1, 0, 1], seed=0)
>>> out["images"].shape, out["images"].dtype, out["label"].tolist()
((4, 28, 28), dtype('uint8'), [0, 1, 0, 1])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.validate import fail
from augkit.image.base import ImageTransform
from augkit.timeseries.base import SEED_MAX, SeriesTransform
from augkit.timeseries.targets import NAN_KEY

_LOADED: dict[str, Any] = {}  # folder -> GANModel, per process


def _model_path(owner: Any, model: Any) -> str:
    folder = getattr(model, "folder", None) if not isinstance(model, (str, Path)) else model
    if folder is None:
        fail(owner, "model", model, "expected a model folder (str or Path) or a GANModel "
             "loaded from one", TypeError)
    path = Path(folder)
    if not (path / "model.json").is_file():
        fail(owner, "model", str(folder), "expected a folder written by augkit gan train "
             "(with model.json)")
    if not isinstance(model, (str, Path)):
        _LOADED[str(path)] = model
    return str(path)


def _loaded(path: str):
    model = _LOADED.get(path)
    if model is None:
        from augkit.generative.model import GANModel

        model = _LOADED[path] = GANModel.load(path)
    return model


def class_index(owner: Any, model, label: Any) -> int:
    """The model's class index for ``label`` (matched by its text)."""
    value = label.item() if hasattr(label, "item") else label
    names = model.spec.class_names
    text = str(value)
    if text not in names:
        raise ValueError(f"{type(owner).__name__}: label {value!r} is not a class of the model "
                         f"({', '.join(names)})")
    return names.index(text)


class GenerativeAugment(ImageTransform):
    """Replace each image (with probability ``p``) by a generated image of its class from the
    GAN in folder ``model``; the class comes from ``label=`` (one per image)."""

    needs_label = True  # the runner and the integrations pass each sample's class

    def __init__(self, model: Any, p: float = 0.5):
        super().__init__(p=p)
        self.model = _model_path(self, model)

    def _no_label(self) -> ValueError:
        return ValueError(f"{type(self).__name__}: give the class of each image, "
                          "aug(image=img, label=y) or aug.batch(images, label=[...])")

    def sample(self, rng, state):
        if "label" not in state:
            raise self._no_label()
        model = _loaded(self.model)
        label = np.asarray(state["label"])
        if label.ndim == 1:  # one-hot / soft vector: its largest entry
            label = label.argmax()
        return {"label": class_index(self, model, label),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply(self, state, params):
        if len(state) > 1 and any(k in state for k in ("mask", "masks", "bboxes", "keypoints")):
            raise ValueError(f"{type(self).__name__} replaces whole images; masks, boxes and "
                             "keypoints cannot follow (give images and label= only)")
        new = _loaded(self.model).sample_one(params["label"], params["noise_seed"])
        out = dict(state)
        out["image"] = conform(self, new, state["image"], 0)
        return out

    def sample_batch(self, rng, batch):
        applied = self.applied_mask(rng, batch["_n"])
        if not applied.any():
            return [None] * batch["_n"]
        if "label" not in batch:
            raise self._no_label()
        labels = np.asarray(batch["label"])
        if labels.ndim == 2:  # one-hot / soft vectors: their largest entry
            labels = labels.argmax(1)
        model = _loaded(self.model)
        return [{"label": class_index(self, model, lab),
                 "noise_seed": int(rng.integers(0, SEED_MAX))} if a else None
                for lab, a in zip(labels, applied, strict=True)]

    def apply_batch(self, batch, params):
        model = _loaded(self.model)
        images = batch["image"]
        if batch["_targets"] is not None and any(p is not None for p in params):
            raise ValueError(f"{type(self).__name__} replaces whole images; masks, boxes and "
                             "keypoints cannot follow (give images and label= only)")
        out_images = images.copy() if isinstance(images, np.ndarray) else list(images)
        for i, prm in enumerate(params):
            if prm is None:
                continue
            new = model.sample_one(prm["label"], prm["noise_seed"])
            out_images[i] = conform(self, new, images[i], i)
        return {**batch, "image": out_images}


def _unit_scale(dtype: np.dtype) -> float:
    return float(np.iinfo(dtype).max) if dtype.kind in "iu" else 1.0


def conform(owner: Any, new: np.ndarray, like: np.ndarray, i: int) -> np.ndarray:
    """A generated image in the units and channels of the image it replaces: integer
    ranges and float [0, 1] map onto each other, grey is repeated over 3 channels; the size
    must be the same and colour cannot become grey."""
    if new.shape == like.shape and new.dtype == like.dtype:
        return new
    if new.shape[:2] != like.shape[:2]:
        raise ValueError(f"{type(owner).__name__}: the model makes {new.shape[1]}x"
                         f"{new.shape[0]} images; image {i} is {like.shape[1]}x{like.shape[0]}")
    grey = new if new.ndim == 2 else (new[..., 0] if new.shape[2] == 1 else None)
    if like.ndim == 2 or like.shape[2] == 1:
        if grey is None:
            raise ValueError(f"{type(owner).__name__}: the model makes colour images; image "
                             f"{i} is grey")
        new = grey.reshape(like.shape)
    elif grey is not None:
        new = np.repeat(grey[..., None], like.shape[2], axis=2)
    elif new.shape != like.shape:
        raise ValueError(f"{type(owner).__name__}: the model makes {new.shape[2]}-channel "
                         f"images; image {i} has {like.shape[2]}")
    if new.dtype != like.dtype:
        unit = new.astype(np.float64) / _unit_scale(new.dtype)
        if like.dtype.kind in "iu":
            new = np.rint(np.clip(unit, 0.0, 1.0) * _unit_scale(like.dtype)).astype(like.dtype)
        else:
            new = unit.astype(like.dtype)
    return new


class SeriesGenerativeAugment(SeriesTransform):
    """Replace each series (with probability ``p``) by a generated series of its class
    (``labels=``) from the GAN in folder ``model``; per-step labels cannot follow."""

    needs_labels = True  # the runner passes each series' class

    def __init__(self, model: Any, p: float = 0.5):
        super().__init__(p=p)
        self.model = _model_path(self, model)

    def sample(self, rng, state):
        if "labels" not in state:
            raise ValueError(f"{type(self).__name__}: give the class of each series, "
                             "aug(series=X, labels=y)")
        if "step_labels" in state:
            raise ValueError(f"{type(self).__name__} replaces whole series; per-step labels "
                             "cannot follow (drop 'step_labels')")
        model = _loaded(self.model)
        return {"label": [class_index(self, model, lab) for lab in state["labels"]],
                "noise_seed": rng.integers(0, SEED_MAX, len(state["labels"])).tolist()}

    def apply_state(self, state, params):
        model = _loaded(self.model)
        series = state["series"]
        if isinstance(series, list):
            raise ValueError(f"{type(self).__name__}: the model makes series of one length "
                             f"{model.spec.shape[0]}; got a list of series of other lengths")
        if series.shape[1:] != model.spec.shape:
            raise ValueError(f"{type(self).__name__}: the model makes series of shape "
                             f"{model.spec.shape} (T, C); got {series.shape[1:]}")
        new = np.stack([model.sample_one(c, s).reshape(model.spec.shape)
                        for c, s in zip(params["label"], params["noise_seed"], strict=True)])
        out = dict(state)
        out["series"] = new.astype(series.dtype)
        if NAN_KEY in state:  # generated series have no gaps
            out[NAN_KEY] = np.zeros_like(state[NAN_KEY])
        return out
