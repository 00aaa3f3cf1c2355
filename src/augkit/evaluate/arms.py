"""The named arms of ``augkit experiment``: what "basic", "eda" or "wdba" means, per modality.

An arm is built from its name and what is known about the training data (image size, number
of channels, the training split itself for a searched policy). Every arm is one of what
:func:`augkit.evaluate.compare_arms` takes (None, an augkit transform, a callable
``(inputs, seed) -> inputs``) or a :class:`WithLabels` (series mixing ops, which pick
same-class partners and so need the training labels; the experiment's trainer binds them).
A name ending in ``.yaml``/``.yml``/``.json`` is a pipeline file loaded with ``augkit.load``;
``gan:MODEL_DIR`` (images, series) samples a model written by ``augkit gan train``, and
``smote`` interpolates within classes, and ``bt:FORWARD+BACKWARD`` (text) back-translates
through two local translation models (see :mod:`augkit.evaluate.sample_arms`).

Strengths are the library's defaults unless stated; single ops run with ``p=0.5`` so half of
each epoch's fresh copy is augmented. The settings are listed by :func:`describe`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["ARMS", "PIPELINE_SUFFIXES", "Built", "GuardedText", "WithLabels", "arm_names",
           "build_arm", "describe"]

PIPELINE_SUFFIXES = (".yaml", ".yml", ".json")


class WithLabels:
    """An arm that needs the training labels (series mixing: same-class partners).

    ``bind(labels)`` gives the ``(inputs, seed) -> inputs`` function for one training split.
    Calling it unbound is an error, so a trainer that does not bind labels fails loudly.
    """

    def __init__(self, transform):
        self.transform = transform

    def bind(self, labels) -> Callable[[Any, int], Any]:
        labels = np.asarray(labels)
        return lambda series, seed: self.transform(series=series, labels=labels,
                                                   seed=seed)["series"]

    def __call__(self, inputs, seed):
        raise TypeError(f"{type(self.transform).__name__} needs the training labels; train it "
                        "through augkit.evaluate.experiment (or call .bind(labels) first)")


class GuardedText:
    """A text op whose outputs are kept only when every guard accepts them; a rejected text
    stays as it was (so an epoch's copy has the same length and order)."""

    def __init__(self, transform, guards: Sequence[Any]):
        self.transform, self.guards = transform, list(guards)

    def __call__(self, texts, seed):
        texts = list(texts)
        out = self.transform.batch(texts, seed=seed)["texts"]
        return [new if all(g.keep(old, [new])[0] for g in self.guards) else old
                for old, new in zip(texts, out, strict=True)]


@dataclass
class Built:
    name: str
    arm: Any
    description: str


# -- the builders: (facts) -> (arm, description) ---------------------------------------------
SMOTE_TEXT = "within-class interpolation (SMOTE, k=5 same-class neighbours), p=0.5"


def _smote(f):
    from augkit.evaluate.sample_arms import SmoteArm

    return SmoteArm(p=0.5, k=5), SMOTE_TEXT


def _image_arms() -> dict[str, Callable[[dict], tuple[Any, str]]]:
    from augkit import image as A
    from augkit.core.compose import Compose
    from augkit.policies import AugMix, RandAugment, TrivialAugmentWide

    def crop(f):
        h, w = f["height"], f["width"]
        pad = max(1, round(min(h, w) / 8))  # CIFAR-style: pad by 1/8 of the side, crop back
        return Compose([A.Pad(pad, border_mode="reflect101"), A.RandomCrop(h, w)])

    return {
        "flip": lambda f: (A.HorizontalFlip(p=0.5), "HorizontalFlip(p=0.5)"),
        "rotate": lambda f: (A.Rotate(limit=15, border_mode="reflect101", p=0.5),
                             "Rotate(limit=15, reflect101, p=0.5)"),
        "crop": lambda f: (crop(f), "Pad(side/8, reflect101) + RandomCrop(back to size)"),
        "basic": lambda f: (Compose([A.HorizontalFlip(p=0.5),
                                     A.Rotate(limit=15, border_mode="reflect101", p=0.5),
                                     crop(f)]),
                            "HorizontalFlip + Rotate(15) + pad-crop, each as alone"),
        "randaugment": lambda f: (RandAugment(), "RandAugment(num_ops=2, magnitude=9)"),
        "trivialaugment": lambda f: (TrivialAugmentWide(), "TrivialAugmentWide()"),
        "augmix": lambda f: (AugMix(), "AugMix(severity=3, width=3)"),
        "smote": _smote,
    }


def _text_arms() -> dict[str, Callable[[dict], tuple[Any, str]]]:
    from augkit import text as T
    from augkit.policies import RandAugment, TrivialAugmentWide

    rate = 0.1  # the EDA paper's alpha for small sets
    return {
        "sr": lambda f: (T.SynonymReplacement(rate=rate), f"SynonymReplacement(rate={rate})"),
        "ri": lambda f: (T.RandomInsertion(rate=rate), f"RandomInsertion(rate={rate})"),
        "rs": lambda f: (T.RandomSwap(rate=rate), f"RandomSwap(rate={rate})"),
        "rd": lambda f: (T.RandomDeletion(rate=rate), f"RandomDeletion(rate={rate})"),
        "eda": lambda f: (T.eda(rate=rate), f"eda(rate={rate}): one of SR/RI/RS/RD per text"),
        "eda-guarded": lambda f: (GuardedText(T.eda(rate=rate), [T.MaxChangedFraction(0.2)]),
                                  f"eda(rate={rate}), outputs with > 20 % of words changed "
                                  "kept unchanged (MaxChangedFraction(0.2))"),
        "randaugment": lambda f: (RandAugment(num_ops=1, magnitude=3, modality="text"),
                                  "RandAugment(num_ops=1, magnitude=3, modality='text')"),
        "trivialaugment": lambda f: (TrivialAugmentWide(modality="text"),
                                     "TrivialAugmentWide(modality='text')"),
    }


def _series_arms() -> dict[str, Callable[[dict], tuple[Any, str]]]:
    from augkit import timeseries as T
    from augkit.policies import RandAugment, TrivialAugmentWide

    def rotation(f):
        # Iwana & Uchida's rotation of a univariate series is a sign flip
        if f["channels"] >= 2:
            return T.SeriesRotation(p=0.5), "SeriesRotation(angle=15, p=0.5)"
        return T.SignFlip(p=0.5), "SignFlip(p=0.5) (one channel: rotation is a sign flip)"

    def mixing(cls, text):
        return lambda f: (WithLabels(cls(p=0.5)), f"{text}(p=0.5), same-class partners")

    return {
        "jitter": lambda f: (T.Jitter(p=0.5), "Jitter(scale=(0.01, 0.05) x std, p=0.5)"),
        "scaling": lambda f: (T.Scaling(p=0.5), "Scaling(factor=(0.9, 1.1), p=0.5)"),
        "magwarp": lambda f: (T.MagnitudeWarp(p=0.5), "MagnitudeWarp(sigma=0.1, p=0.5)"),
        "timewarp": lambda f: (T.TimeWarp(p=0.5), "TimeWarp(sigma=0.05, p=0.5)"),
        "windowwarp": lambda f: (T.WindowWarp(p=0.5), "WindowWarp(ratio=0.1, scales 0.5/2, "
                                 "p=0.5)"),
        "windowslice": lambda f: (T.WindowSlice(ratio=0.9, p=0.5),
                                  "WindowSlice(ratio=0.9, p=0.5), as Le Guennec et al."),
        "permutation": lambda f: (T.SegmentPermutation(p=0.5),
                                  "SegmentPermutation(2-5 segments, p=0.5)"),
        "rotation": rotation,
        "spawner": mixing(T.Spawner, "Spawner"),
        "wdba": mixing(T.WeightedDBA, "WeightedDBA"),
        "rgw": mixing(T.RandomGuidedWarp, "RandomGuidedWarp"),
        "dgw": mixing(T.DiscriminativeGuidedWarp, "DiscriminativeGuidedWarp"),
        "randaugment": lambda f: (RandAugment(num_ops=1, magnitude=3, modality="timeseries"),
                                  "RandAugment(num_ops=1, magnitude=3, modality='timeseries')"),
        "trivialaugment": lambda f: (TrivialAugmentWide(modality="timeseries"),
                                     "TrivialAugmentWide(modality='timeseries')"),
        "smote": _smote,
    }


_BUILDERS = {"image": _image_arms, "text": _text_arms, "timeseries": _series_arms}
# names that need more than a builder: handled by build_arm / the experiment
SPECIAL = ("none", "searched")
ARMS = {
    "image": SPECIAL + ("flip", "rotate", "crop", "basic", "randaugment", "trivialaugment",
                        "augmix", "smote"),
    "text": SPECIAL + ("sr", "ri", "rs", "rd", "eda", "eda-guarded", "randaugment",
                       "trivialaugment"),
    "timeseries": SPECIAL + ("jitter", "scaling", "magwarp", "timewarp", "windowwarp",
                             "windowslice", "permutation", "rotation", "spawner", "wdba",
                             "rgw", "dgw", "randaugment", "trivialaugment", "smote"),
}
# prefixed names: gan:MODEL_DIR (no GAN for text: the GANs make images and series only)
GAN_MODALITIES = ("image", "timeseries")
# "basic" for text and series: the single ops of the family, expanded by arm_names
BASIC = {"image": ("basic",), "text": ("sr", "ri", "rs", "rd"),
         "timeseries": ("jitter", "scaling", "magwarp", "timewarp", "windowwarp",
                        "windowslice", "permutation", "rotation", "spawner", "wdba", "rgw",
                        "dgw")}


def is_pipeline_file(name: str) -> bool:
    return Path(name).suffix.lower() in PIPELINE_SUFFIXES


def arm_names(modality: str, text: str | Sequence[str]) -> list[str]:
    """Check and expand ``--arms`` (a comma-separated string or a list): "basic" of text and
    series stands for each op of the family alone; "none" (the baseline) always comes first.
    Unknown names raise ValueError naming the value and the allowed names."""
    if modality not in ARMS:
        raise ValueError(f"modality {modality!r} is not one of {', '.join(ARMS)}")
    parts = [p.strip() for p in (text.split(",") if isinstance(text, str) else text)]
    if not parts or any(not p for p in parts):
        raise ValueError(f"--arms {text!r}: give arm names separated by commas, e.g. "
                         f"none,{ARMS[modality][2]}")
    names: list[str] = []
    for part in parts:
        if is_pipeline_file(part) or (part.startswith("gan:") and modality in GAN_MODALITIES
                                      ) or (part.startswith("bt:") and modality == "text"):
            names.append(part)
        elif part == "basic" and modality != "image":
            names += BASIC[modality]
        elif part in ARMS[modality]:
            names.append(part)
        else:
            allowed = dict.fromkeys((*ARMS[modality], "basic"))  # image lists it already
            raise ValueError(f"--arms: {part!r} is not an arm for {modality}; allowed: "
                             f"{', '.join(allowed)}, "
                             + ("gan:MODEL_DIR, " if modality in GAN_MODALITIES else
                                "bt:FORWARD_DIR+BACKWARD_DIR, " if modality == "text" else "")
                             + f"or a pipeline file ({'/'.join(PIPELINE_SUFFIXES)})")
    return ["none", *(n for n in dict.fromkeys(names) if n != "none")]


def facts(modality: str, inputs, class_names: Sequence[str] = ()) -> dict[str, Any]:
    """What the builders need to know about the data: image size, series channels, the
    names of the label indices (a GAN model matches classes by name)."""
    out: dict[str, Any] = {"class_names": [str(c) for c in class_names]}
    if modality == "image":
        shape = np.asarray(inputs[:1]).shape
        out.update(height=int(shape[1]), width=int(shape[2]))
    elif modality == "timeseries":
        shape = np.asarray(inputs[:1]).shape
        out["channels"] = int(shape[2]) if len(shape) == 3 else 1
    return out


def build_arm(modality: str, name: str, data_facts: dict[str, Any]) -> Built:
    """The arm called ``name`` (not "searched": the experiment runs the search itself)."""
    if name == "none":
        return Built(name, None, "no augmentation")
    if is_pipeline_file(name):
        import augkit

        pipeline = augkit.load(name)
        return Built(Path(name).stem, pipeline, f"pipeline file {name}")
    if name.startswith("gan:") and modality in GAN_MODALITIES:
        from augkit.evaluate.sample_arms import GanArm, gan_folder

        folder = gan_folder(name)
        arm = GanArm(modality, folder, data_facts["class_names"], p=0.5)
        return Built(f"gan:{folder.name}", arm, f"GAN samples of the same class from {folder} "
                     "(augkit gan train), p=0.5")
    if name.startswith("bt:") and modality == "text":
        from augkit.evaluate.sample_arms import BackTranslationArm, translation_folders

        forward, backward = translation_folders(name)
        arm = BackTranslationArm(forward, backward, variants=3, p=0.5)
        return Built(f"bt:{forward.name}+{backward.name}", arm, f"back-translation through "
                     f"{forward} and {backward} (sampled, 3 round trips per text made once), "
                     "p=0.5")
    builders = _BUILDERS[modality]()
    if name not in builders:
        raise ValueError(f"arm {name!r} is not built here; allowed: {', '.join(builders)}")
    arm, description = builders[name](data_facts)
    return Built(name, arm, description)


def describe(modality: str) -> list[dict[str, str]]:
    """Every named arm of ``modality`` with its settings (for docs and reports)."""
    example = {"height": 28, "width": 28, "channels": 1}
    rows = [{"arm": "none", "settings": "no augmentation"},
            {"arm": "searched", "settings": "augkit search on the training split only; its "
             "recommended pipeline"}]
    if modality in GAN_MODALITIES:
        rows.append({"arm": "gan:MODEL_DIR", "settings": "GAN samples of the same class "
                     "(augkit gan train), p=0.5"})
    if modality == "text":
        rows.append({"arm": "bt:FORWARD_DIR+BACKWARD_DIR", "settings": "back-translation "
                     "through two local translation models (sampled; 3 round trips per text "
                     "made once), p=0.5"})
    for name, builder in _BUILDERS[modality]().items():
        rows.append({"arm": name, "settings": builder(example)[1]})
    return rows
