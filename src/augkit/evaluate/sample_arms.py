"""Arms that swap training samples for synthetic ones of the same class: ``smote`` and
``gan:MODEL_DIR`` of ``augkit experiment`` (images and series).

Both need each sample's class, so they are :class:`~augkit.evaluate.arms.WithLabels`: the
experiment's trainer binds the labels of the training part, and the bound function is called
once per epoch with the seed the trainer derives from ``(seed, epoch)``. Each sample is
replaced with probability ``p`` (the same ``p=0.5`` as the single-op arms), so an epoch's copy
keeps its size, order and class counts; which samples are replaced, and by what, depend on
that seed only.

- ``smote``: :class:`augkit.generative.Interpolator` (Chawla et al. 2002) fitted on the
  training part itself; a replaced sample becomes a point between a random sample of its
  class and one of that sample's ``k=5`` nearest same-class neighbours. numpy only.
- ``gan:MODEL_DIR``: :class:`augkit.generative.GenerativeAugment` (images) or
  :class:`~augkit.generative.SeriesGenerativeAugment` (series) with a model folder written by
  ``augkit gan train``; a replaced sample becomes a generated sample of its class.

Text has neither: interpolating two sentences has no meaning on words (SMOTE for text works
in an embedding space, which the hashed n-gram proxy does not have) and the GANs make images
and series only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from augkit.evaluate.arms import WithLabels

__all__ = ["GAN_PREFIX", "GanArm", "SmoteArm", "check_model", "gan_folder"]

GAN_PREFIX = "gan:"


def _streams(seed: int) -> tuple[np.random.Generator, int]:
    """Independent streams for "which samples" and "what replaces them"."""
    mask_seq, sample_seq = np.random.SeedSequence(seed).spawn(2)
    return np.random.default_rng(mask_seq), int(sample_seq.generate_state(1)[0])


class SmoteArm(WithLabels):
    """Replace each sample (probability ``p``) by a within-class interpolation."""

    def __init__(self, p: float = 0.5, k: int = 5):
        super().__init__(None)
        self.p, self.k = p, k

    def bind(self, labels) -> Callable[[Any, int], Any]:
        from augkit.generative.interpolate import Interpolator

        labels = np.asarray(labels, dtype=np.int64)
        cache: dict[int, Interpolator] = {}  # the training part is the same every epoch

        def augment(inputs, seed: int):
            if isinstance(inputs, list):
                raise ValueError("the smote arm needs inputs of one shape (an array); got a "
                                 "list (series of different lengths?)")
            x = np.asarray(inputs)
            if id(inputs) not in cache:
                cache.clear()
                cache[id(inputs)] = Interpolator(x, labels, k=self.k)
            rng, sample_seed = _streams(seed)
            replace = rng.random(labels.size) < self.p
            out = x.copy()
            if replace.any():
                out[replace] = cache[id(inputs)].sample(labels[replace], seed=sample_seed)
            return out
        return augment


def gan_folder(name: str) -> Path:
    """The model folder of a ``gan:MODEL_DIR`` arm name (checked: written by gan train)."""
    folder = Path(name[len(GAN_PREFIX):])
    if not name.startswith(GAN_PREFIX) or not (folder / "model.json").is_file():
        raise ValueError(f"arm {name!r}: expected gan:MODEL_DIR with a folder written by "
                         "augkit gan train (with model.json)")
    return folder


def check_model(folder: Path, modality: str, class_names: Sequence[str]) -> None:
    """Fail before any training when the model cannot serve this data: another modality,
    or a class of the data that the model does not make."""
    spec = json.loads((folder / "model.json").read_text(encoding="utf-8"))["spec"]
    if spec["kind"] != modality:
        raise ValueError(f"arm gan:{folder}: the model makes {spec['kind']} data, the "
                         f"experiment is {modality}")
    missing = sorted(set(class_names) - set(spec["class_names"]))
    if missing:
        raise ValueError(f"arm gan:{folder}: classes {missing} of the data are not classes "
                         f"of the model ({', '.join(spec['class_names'])})")


class GanArm(WithLabels):
    """Replace each sample (probability ``p``) by a generated sample of its class. The
    experiment's labels are indices into ``class_names``; the model matches them by name."""

    def __init__(self, modality: str, folder: str | Path, class_names: Sequence[str],
                 p: float = 0.5):
        from augkit.generative import GenerativeAugment, SeriesGenerativeAugment

        check_model(Path(folder), modality, [str(c) for c in class_names])
        cls = GenerativeAugment if modality == "image" else SeriesGenerativeAugment
        super().__init__(cls(model=str(folder), p=p))
        self.modality, self.class_names = modality, [str(c) for c in class_names]

    def bind(self, labels) -> Callable[[Any, int], Any]:
        names = np.asarray(self.class_names, dtype=object)[np.asarray(labels, dtype=np.int64)]
        if self.modality == "image":
            return lambda images, seed: self.transform.batch(images, label=list(names),
                                                             seed=seed)["images"]
        return lambda series, seed: self.transform(series=series, labels=list(names),
                                                   seed=seed)["series"]
