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
and series only. Its synthetic arm is ``bt:FORWARD+BACKWARD`` (or ``bt:FOLDER`` holding
``forward/`` and ``backward/``): :class:`BackTranslationArm`, round trips through two local
translation models (:class:`augkit.text.BackTranslation`, sampling), made once per text and
drawn from every epoch.
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


def translation_folders(name: str) -> tuple[Path, Path]:
    """The two model folders of a ``bt:`` arm name: ``bt:FORWARD+BACKWARD`` or ``bt:FOLDER``
    with ``FOLDER/forward`` and ``FOLDER/backward``; a missing one is an error naming it."""
    spec = name[len("bt:"):]
    if "+" in spec:
        forward, backward = (Path(part) for part in spec.split("+", 1))
    else:
        forward, backward = Path(spec) / "forward", Path(spec) / "backward"
    for role, folder in (("forward", forward), ("backward", backward)):
        if not (folder / "config.json").is_file():
            raise ValueError(f"--arms {name!r}: the {role} translation model {str(folder)!r} "
                             "is not a local model folder (with config.json); give "
                             "bt:FORWARD_DIR+BACKWARD_DIR or bt:DIR with DIR/forward and "
                             "DIR/backward")
    return forward, backward


class BackTranslationArm:
    """Back-translation as an arm: each text's ``variants`` round trips (sampled, seeds
    0..variants-1, one batched model run per variant over the texts not seen yet) are made
    on first sight and kept; every epoch then replaces each text with probability ``p`` by
    one of its variants, drawn from the epoch's seed. The models run once per text, not
    once per epoch (a round trip costs far more than a training epoch of the proxy), the way
    back-translated copies are made offline in the literature."""

    def __init__(self, forward: str | Path, backward: str | Path, variants: int = 3,
                 p: float = 0.5, batch_size: int = 32):
        from augkit.text import BackTranslation

        self.transform = BackTranslation(forward_model=str(forward),
                                         backward_model=str(backward), mode="sample",
                                         batch_size=batch_size, p=1.0)
        self.variants, self.p = int(variants), float(p)
        self._made: dict[str, list[str]] = {}

    def paraphrases(self, texts: Sequence[str]) -> list[list[str]]:
        """Each text's round trips (made now for texts not seen before)."""
        new = [t for t in dict.fromkeys(texts) if t not in self._made]
        if new:
            runs = [self.transform.batch(new, seed=v)["texts"] for v in range(self.variants)]
            for k, text in enumerate(new):
                self._made[text] = [run[k] for run in runs]
        return [self._made[t] for t in texts]

    def __call__(self, texts: Sequence[str], seed: int) -> list[str]:
        texts = list(texts)
        options = self.paraphrases(texts)
        rng = np.random.default_rng(seed)
        replaced = rng.random(len(texts)) < self.p
        picks = rng.integers(0, self.variants, len(texts))
        return [opts[int(k)] if r else t
                for t, opts, r, k in zip(texts, options, replaced, picks, strict=True)]
