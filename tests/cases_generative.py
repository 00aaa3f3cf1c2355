"""Conformance cases for the generative transforms (a tiny model trained on first use)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conformance_cases import Case, add
from tests.gan_helpers import tiny_model

try:
    import torch  # noqa: F401
except ImportError:  # pragma: no cover - the cases need a model, which needs torch
    torch = None

from augkit.generative import GenerativeAugment, SeriesGenerativeAugment


def _build(cls, kind):
    def build():
        if torch is None:
            pytest.skip("augkit.generative needs torch (augkit[gan])")
        return cls(model=tiny_model(kind), p=1.0)
    return build


def image_data(rng: np.random.Generator) -> dict:
    return {"image": rng.integers(0, 256, (28, 28), dtype=np.uint8),
            "label": int(rng.integers(0, 2))}


def check_image(inp: dict, out: dict) -> None:
    assert out["image"].shape == inp["image"].shape
    assert out["image"].dtype == np.uint8
    assert out["label"] == inp["label"]


def series_data(rng: np.random.Generator) -> dict:
    x = rng.normal(size=(6, 48, 2)).astype(np.float32)
    return {"series": x, "labels": [0, 0, 0, 1, 1, 1]}


def check_series(inp: dict, out: dict) -> None:
    assert out["series"].shape == inp["series"].shape
    assert out["series"].dtype == inp["series"].dtype
    assert np.isfinite(out["series"]).all() and out["labels"] == inp["labels"]


_BAD = [({"model": 3}, TypeError, "'model'"), ({"model": "/no/such/model"}, ValueError,
                                                 "'model'")]
add("GenerativeAugment", Case(build=_build(GenerativeAugment, "image"), data=image_data,
                              bad_args=_BAD, check=check_image, needs_label=True))
add("SeriesGenerativeAugment", Case(build=_build(SeriesGenerativeAugment, "timeseries"),
                                    data=series_data, bad_args=_BAD, check=check_series))
