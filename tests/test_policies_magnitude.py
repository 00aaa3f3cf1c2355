"""Conformance of the magnitude hook over every op that declares one: it builds at every
magnitude and sign, and its effect (a distance between input and output) does not fall as the
magnitude rises."""

from __future__ import annotations

import difflib

import cv2
import numpy as np
import pytest

import augkit
from augkit.policies import op_set
from augkit.resources import sample_image

HOOKED = sorted(name for name, cls in augkit.registered().items()
                if cls.magnitude is not None)
STRENGTH = [name for name in HOOKED if augkit.registered()[name].magnitude.has_strength]
LEVELS = (0.0, 0.25, 0.5, 0.75, 1.0)
SENTENCES = ["the quiet film was not good but the acting carried every long scene well",
             "what time does the last train leave the northern station on sunday",
             "a small cat slept on the warm wooden floor near the open kitchen door",
             # words with common misspellings, so Misspelling has something to change
             "i believe the government will receive the necessary equipment tomorrow"]


def _photo() -> np.ndarray:
    img = sample_image()
    return cv2.resize(img, (64, 64), interpolation=cv2.INTER_AREA)


def _series() -> np.ndarray:
    t = np.linspace(0, 12, 120)
    rng = np.random.default_rng(0)
    return np.stack([np.sin(t), 0.5 * np.cos(2 * t)], axis=1) + rng.normal(0, 0.05, (120, 2))


def distance(modality: str, op, seed: int) -> float:
    if modality == "image":
        x = _photo()
        y = op(image=x, seed=seed)["image"]
        return float(np.abs(y.astype(np.float64) - x).mean())
    if modality == "text":
        total = 0.0
        for s in SENTENCES:
            out = op(text=s, seed=seed)["text"]
            total += 1.0 - difflib.SequenceMatcher(None, s, out, autojunk=False).ratio()
        return total / len(SENTENCES)
    x = _series()
    return float(np.abs(op(series=x, seed=seed)["series"] - x).mean())


def test_every_policy_op_set_uses_hooked_ops_only():
    for modality in ("image", "text", "timeseries"):
        for family in ("standard", "wide", "augmix", "augmix-all"):
            for op in op_set(modality, family):
                assert op.type is None or op.type in HOOKED


@pytest.mark.parametrize("name", HOOKED)
def test_the_op_builds_at_every_magnitude_and_sign(name):
    cls = augkit.registered()[name]
    for m in LEVELS:
        for sign in (1, -1):
            op = cls.at_magnitude(m, sign)
            assert op.p == 1.0 and type(op) is cls
            assert augkit.from_dict(op.to_dict()) == op
    with pytest.raises(ValueError, match="magnitude must be a number in"):
        cls.at_magnitude(1.5)
    with pytest.raises(ValueError, match="sign must be 1 or -1"):
        cls.at_magnitude(0.5, sign=0)


@pytest.mark.parametrize("name", STRENGTH)
def test_effect_grows_with_the_magnitude(name):
    cls = augkit.registered()[name]
    signs = (1, -1) if cls.magnitude.signed else (1,)
    seeds = range(4)
    means = []
    for m in LEVELS:
        values = [distance(cls.modality, cls.at_magnitude(m, sign), seed)
                  for sign in signs for seed in seeds]
        means.append(float(np.mean(values)))
    top = means[-1]
    assert top > means[0] + 1e-9, f"{name}: no effect at m = 1 ({means})"
    for low, high in zip(means, means[1:], strict=False):
        assert high >= low - 0.05 * top - 1e-12, f"{name}: effect fell as m rose ({means})"


def test_magnitude_free_ops_ignore_m():
    for name in sorted(set(HOOKED) - set(STRENGTH)):
        cls = augkit.registered()[name]
        assert cls.at_magnitude(0.0) == cls.at_magnitude(1.0)


def test_ops_without_a_hook_say_so():
    with pytest.raises(TypeError, match="declares no magnitude"):
        augkit.registered()["HueSaturationValue"].at_magnitude(0.5)
