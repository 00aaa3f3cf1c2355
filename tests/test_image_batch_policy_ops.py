"""Vectorised batch paths of the policy image ops (Shear, Translate, Exposure, Saturation,
Sharpness, AutoContrast, Equalize; the point ops Brightness, Contrast, Gamma, Invert,
Solarize, Posterize, also at policy magnitudes)
against each sample's record replayed alone, bit for bit: greyscale 2-D and (H, W, 1)
batches, 3, 4 and 5 channels, float32, tiny images, skipped samples, fixed ranges ``(v, v)``
as a policy builds them, and lists of differently sized images (the per-sample fallback)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
import augkit.image.batch_ops  # noqa: F401  (fills the table)
from augkit import image as A
from augkit.image.batch import VECTORISED
from augkit.policies import op_set

OPS = {
    "Shear": lambda p, v: A.Shear(angle=(v * 30, v * 30) if v is not None else 25, p=p),
    "ShearY": lambda p, v: A.Shear(angle=20 if v is None else (v * 20,) * 2, axis="y", p=p),
    "Translate": lambda p, v: A.Translate(fraction=0.3 if v is None else (v * 0.4,) * 2,
                                          p=p),
    "TranslateY": lambda p, v: A.Translate(fraction=0.3, axis="y", border_mode="reflect",
                                           p=p),
    "Exposure": lambda p, v: A.Exposure(factor=(0.0, 2.5) if v is None else (1 + v,) * 2,
                                        p=p),
    "Saturation": lambda p, v: A.Saturation(factor=(0.0, 2.5) if v is None else (1 + v,) * 2,
                                            p=p),
    "SaturationGrey": lambda p, v: A.Saturation(factor=(0.0, 0.0), p=p),
    "Sharpness": lambda p, v: A.Sharpness(factor=(0.0, 3.0) if v is None else (1 + v,) * 2,
                                          p=p),
    "AutoContrast": lambda p, v: A.AutoContrast(p=p),
    "Equalize": lambda p, v: A.Equalize(p=p),
    "Brightness": lambda p, v: A.Brightness(limit=0.3 if v is None else (v, v), p=p),
    "BrightnessContrast": lambda p, v: A.BrightnessContrast(p=p),
    "Gamma": lambda p, v: A.Gamma(gamma_limit=(0.3, 3.0) if v is None else (2 ** v,) * 2,
                                  p=p),
    "Invert": lambda p, v: A.Invert(p=p),
    "Contrast": lambda p, v: A.Contrast(limit=0.8 if v is None else (v, v), p=p),
    "Solarize": lambda p, v: A.Solarize(threshold=(0.2, 0.9) if v is None else
                                        (abs(v),) * 2, p=p),
    "Posterize": lambda p, v: A.Posterize(bits=(1, 8) if v is None else
                                          (int(4 + 4 * abs(v)),) * 2, p=p),
}


def test_the_policy_image_ops_have_vectorised_paths():
    names = {op.type for family in ("standard", "wide", "augmix-all")
             for op in op_set("image", family) if op.type is not None}
    missing = {n for n in names if getattr(A, n) not in VECTORISED}
    assert not missing


def _flat(images: np.ndarray, kind: str) -> np.ndarray:
    """Images with large flat (constant) regions and channels: stretch and histogram edge
    cases (a channel that is one value, one that spans all levels)."""
    out = images.copy()
    if kind == "flat":
        out[..., :] = out[:, :1, :1]
    elif kind == "spans" and out.dtype == np.uint8:
        values = out.reshape(len(out), -1)  # a view: the copy is contiguous
        values[:, 0], values[:, -1] = 0, 255
    return out


@st.composite
def batches(draw):
    n = draw(st.integers(1, 7))
    h, w = draw(st.integers(1, 11)), draw(st.integers(1, 11))
    channels = draw(st.sampled_from([None, 1, 3, 3, 4, 5]))
    shape = (n, h, w) if channels is None else (n, h, w, channels)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    if draw(st.integers(0, 3)):
        images = rng.integers(0, 256, shape, dtype=np.uint8)
    else:
        images = rng.random(shape, dtype=np.float32)
    images = _flat(images, draw(st.sampled_from(["", "", "flat", "spans"])))
    return images


def _replays(transform, images, **kwargs):
    try:
        out = transform.batch(images, seed=4, return_records=True, **kwargs)
    except ValueError as exc:  # e.g. Saturation of 4 channels: the single call refuses too
        always = augkit.from_dict({**transform.to_dict(), "p": 1.0})
        with pytest.raises(ValueError, match=str(exc).split(":")[0]):
            always(image=images[0], seed=0)
        return
    for i, record in enumerate(out["records"]):
        single = augkit.Record.from_json(record.to_json()).apply(image=images[i])["image"]
        got = out["images"][i]
        assert got.dtype == single.dtype and got.shape == single.shape
        np.testing.assert_array_equal(got, single, err_msg=f"sample {i}")


@settings(max_examples=60, deadline=None)
@given(batches(), st.sampled_from(sorted(OPS)), st.sampled_from([1.0, 0.5]),
       st.sampled_from([None, 0.3, -0.3, 0.9, -0.9, 0.0]))
def test_batch_equals_each_sample_replayed(images, name, p, level):
    _replays(OPS[name](p, level), images)


@pytest.mark.parametrize("name", sorted(OPS))
@pytest.mark.parametrize("shape", [(9, 32, 32, 3), (6, 17, 23), (6, 17, 23, 1), (5, 12, 9, 4)])
def test_policy_sized_batches(name, shape):
    rng = np.random.default_rng(len(shape) + shape[-1])
    images = rng.integers(0, 256, shape, dtype=np.uint8)
    images[0] = 7  # a flat sample
    for p, level in ((1.0, 0.3), (0.5, -0.6), (1.0, None)):
        _replays(OPS[name](p, level), images)


@pytest.mark.parametrize("name", sorted(OPS))
def test_differently_sized_images_use_the_per_sample_path(name):
    rng = np.random.default_rng(3)
    images = [rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for h, w in
              ((8, 9), (12, 5), (8, 9))]
    _replays(OPS[name](1.0, None), images)


def test_stacked_filter_rows_match_one_image_at_a_time():
    # Sharpness runs one 3x3 filter over every sample's rows stacked; the rows next to a
    # neighbour are the border rows, which come back unchanged
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (16, 32, 32, 3), dtype=np.uint8)
    for factor in (0.1, 0.55, 1.0, 1.9, 7.5):
        out = A.Sharpness(factor=(factor, factor), p=1.0).batch(images)["images"]
        for i in range(len(images)):
            np.testing.assert_array_equal(
                out[i], augkit.image.functional.color.sharpness(images[i], factor))


FUSABLE = sorted(cls.__name__ for cls, path in VECTORISED.items() if path.fusable)


@pytest.mark.parametrize("name", FUSABLE)
def test_fusable_ops_apply_their_params_whatever_their_magnitude(name):
    # the promise behind fusable=True: a policy runs one op at several magnitudes through
    # one apply, so apply may read the params and fixed arguments only
    cls = getattr(A, name)
    assert cls.can_fuse()
    image = np.random.default_rng(5).integers(0, 256, (16, 20, 3), dtype=np.uint8)
    state = {"image": image}
    if cls.magnitude is None or not cls.magnitude.span:
        return  # one op for every magnitude
    low, high = cls.at_magnitude(0.2), cls.at_magnitude(0.9, sign=-1)
    images = np.stack([image] * 3)
    for params in (low.sample(np.random.default_rng(1), state),
                   high.sample(np.random.default_rng(1), state)):
        np.testing.assert_array_equal(low.apply(state, params)["image"],
                                      high.apply(state, params)["image"])
        vector = VECTORISED[cls]
        column = vector.sample(low, np.random.default_rng(1), images)
        np.testing.assert_array_equal(vector.apply(low, images, column),
                                      vector.apply(high, images, column))
