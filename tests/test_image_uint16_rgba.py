"""uint16 and RGBA images through every registered image transform.

uint16 images (X-rays, microscopy) come back uint16: ops that only move pixels run on them
as they are, the rest on a float32 carrier in [0, 1]. A 4-channel image is RGBA: pixel ops
act on R, G, B and keep alpha; geometric ops move alpha with the pixels. Batches give what
single calls give, for both.
"""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.compose import Container
from augkit.image.base import GeometricTransform
from augkit.image.functional.carrier import from_carrier, to_carrier
from tests.conformance_cases import CASES
from tests.helpers import assert_same
from tests.test_conformance import LEAVES  # noqa: F401  (imports every cases_* module)

# transforms that need labels draw from a trained model of fixed size and dtype
# (GenerativeAugment: its size and dtype checks are in tests/test_generative.py)
IMAGE = sorted(n for n, cls in augkit.registered().items()
               if not issubclass(cls, Container) and cls.modality == "image" and n in CASES
               and not CASES[n].needs_label)
SINGLE = [n for n in IMAGE if not CASES[n].batch_only]
FLOAT_OUT = {"Normalize"}  # float32 whatever the input
# need 3 (or 4) channels, as for uint8: a grey image is refused with the same message
# (Normalize: its default mean and std are 3 ImageNet RGB values)
COLOUR_ONLY = {"ColorJitter", "HueSaturationValue", "RGBShift", "ChannelDropout", "Normalize",
               "ToSepia", "PlanckianJitter", "ChromaticAberration", "HEStain",
               "ChannelSwap"}


def _images(kind: str, n: int | None = None) -> np.ndarray:
    rng = np.random.default_rng(7)
    shape = {"u16": (40, 48), "u16x3": (40, 48, 3), "rgba": (40, 48, 4),
             "u16x4": (40, 48, 4)}[kind]
    shape = shape if n is None else (n,) + shape
    if kind == "rgba":
        return rng.integers(0, 256, shape, dtype=np.uint8)
    return rng.integers(0, 65536, shape, dtype=np.uint16)


def _run(name: str, image: np.ndarray) -> np.ndarray:
    t = CASES[name].build()
    if CASES[name].batch_only:
        return t.batch(np.stack([image] * 4), seed=1)["images"][0]
    return t(image=image, seed=1)["image"]


@pytest.mark.parametrize("kind", ["u16", "u16x3", "rgba", "u16x4"])
@pytest.mark.parametrize("name", IMAGE)
def test_dtype_shape_and_alpha_are_kept(name, kind):
    image = _images(kind)
    if kind == "u16" and name in COLOUR_ONLY:
        with pytest.raises(ValueError, match=name):
            _run(name, image)
        with pytest.raises(ValueError, match=name):  # the same refusal as for uint8
            _run(name, (image >> 8).astype(np.uint8))
        return
    if kind in ("rgba", "u16x4") and name == "Normalize":  # every channel: 4 values
        out = A.Normalize(mean=0.5, std=0.25)(image=image)["image"]
        assert out.shape == image.shape and out.dtype == np.float32
        return
    out = _run(name, image)
    assert out.dtype == (np.float32 if name in FLOAT_OUT else image.dtype)
    assert out.ndim == image.ndim and out.shape[2:] == image.shape[2:]
    if name in FLOAT_OUT:
        assert np.isfinite(out).all()
    if kind in ("rgba", "u16x4") and not issubclass(augkit.registered()[name],
                                                    GeometricTransform) and (
            not CASES[name].batch_only):
        np.testing.assert_array_equal(out[..., 3], image[..., 3], f"{name} changed alpha")


@pytest.mark.parametrize("name", [n for n in SINGLE if n not in FLOAT_OUT])
def test_uint16_equals_the_float32_path(name):
    """The carrier is the float32 path: a uint16 result is the float32 result of the same
    image, scaled and rounded (native uint16 ops: within a grey level of 16 bits)."""
    image = _images("u16x3")
    config = CASES[name].build().to_dict()
    if "fill" in config:
        config["fill"] = 0  # a fill is given in each dtype's own units
    out16 = augkit.from_dict(config)(image=image, seed=4)["image"]
    out32 = augkit.from_dict(config)(image=to_carrier(image), seed=4)["image"]
    diff = np.abs(out16.astype(np.int64) - from_carrier(out32).astype(np.int64))
    assert diff.max() <= 1, f"{name}: uint16 and float32 paths differ by {diff.max()}"


@pytest.mark.parametrize("kind", ["u16x3", "rgba"])
@pytest.mark.parametrize("name", SINGLE)
def test_batch_equals_single_calls(name, kind):
    images = _images(kind, 3)
    if kind == "rgba" and name == "Normalize":
        return
    out = CASES[name].build().batch(images, seed=3, return_records=True)
    for i, record in enumerate(out["records"]):
        single = augkit.Record.from_json(record.to_json()).apply(image=images[i])
        assert_same(single["image"], out["images"][i], f"{name}[{i}]")


def test_the_carrier_round_trip_is_exact_for_every_value():
    values = np.arange(65536, dtype=np.uint16).reshape(256, 256)
    np.testing.assert_array_equal(from_carrier(to_carrier(values)), values)
    assert from_carrier(np.array([-0.5, 1.5, 0.5 / 65535], np.float32)).tolist() == [0, 65535,
                                                                                      0]


def test_rgba_channel_ops_keep_alpha_last():
    image = np.dstack([np.full((4, 4), v, np.uint8) for v in (10, 20, 30, 200)])
    for seed in range(6):
        out = A.ChannelShuffle(p=1.0)(image=image, seed=seed)["image"]
        assert sorted(out[0, 0, :3].tolist()) == [10, 20, 30] and out[0, 0, 3] == 200
        dropped = A.ChannelDropout(channel_drop_range=(1, 2), p=1.0)(image=image,
                                                                      seed=seed)["image"]
        assert dropped[0, 0, 3] == 200 and (dropped[0, 0, :3] == 0).sum() in (1, 2)
    grey = A.Grayscale(p=1.0)(image=image)["image"]
    assert grey.shape == (4, 4, 4) and len(set(grey[0, 0, :3].tolist())) == 1
    assert grey[0, 0, 3] == 200


def test_rgba_tensor_batches_keep_alpha():
    torch = pytest.importorskip("torch")
    x = torch.randint(0, 256, (3, 4, 8, 8), dtype=torch.uint8)
    for name in ("Brightness", "Invert", "ColorJitter"):
        out = augkit.registered()[name](p=1.0).batch(x, seed=0)["images"]
        assert out.shape == x.shape and torch.equal(out[:, 3], x[:, 3]), name
        assert not torch.equal(out[:, :3], x[:, :3]), name
