"""Conformance of the batched path, over every registered image transform.

For each transform (built and fed as in its conformance case): a seeded batch is
reproducible, samples get independent parameters, and every sample of the batch equals a
single call replaying that sample's parameters (exactly; within one grey level for warps).
"""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.compose import Container
from tests.conformance_cases import CASES
from tests.helpers import assert_same
from tests.test_conformance import LEAVES  # noqa: F401  (imports every cases_* module)

IMAGE = sorted(n for n, cls in augkit.registered().items()
               if not issubclass(cls, Container) and cls.modality == "image" and n in CASES
               # batch-only mixing ops have no single call to compare with; the conformance
               # suite runs their batch checks
               and not CASES[n].batch_only)
N = 5


def _batch_data(name: str):
    """N samples of the case's data: stacked images, per-sample targets."""
    samples = [CASES[name].data(np.random.default_rng(100 + i)) for i in range(N)]
    images = np.stack([s["image"] for s in samples])
    targets = {k: [s[k] for s in samples] for k in samples[0] if k != "image"}
    return samples, images, targets


@pytest.mark.parametrize("name", IMAGE)
def test_batch_is_reproducible_under_a_seed(name):
    _, images, targets = _batch_data(name)
    a = CASES[name].build().batch(images, seed=11, **targets)
    b = CASES[name].build().batch(images, seed=11, **targets)
    assert_same(a, b)


@pytest.mark.parametrize("name", IMAGE)
def test_batch_samples_match_single_calls_with_their_params(name):
    samples, images, targets = _batch_data(name)
    out = CASES[name].build().batch(images, seed=3, return_records=True, **targets)
    assert len(out["records"]) == N
    for i, (sample, record) in enumerate(zip(samples, out["records"], strict=True)):
        assert record.names == [name]
        single = augkit.Record.from_json(record.to_json()).apply(**sample)
        assert_same(single["image"], out["images"][i], f"{name}[{i}] image")
        for key in single:
            if key != "image":
                assert_same(single[key], out[key][i], f"{name}[{i}] {key}")


@pytest.mark.parametrize("name", IMAGE)
def test_batch_draws_independent_params_per_sample(name):
    if not CASES[name].random:
        pytest.skip(f"{name} has no random parameters")
    sample = CASES[name].data(np.random.default_rng(0))  # the same sample, 8 times
    images = np.repeat(sample["image"][None], 8, axis=0)
    targets = {k: [v] * 8 for k, v in sample.items() if k != "image"}
    out = CASES[name].build().batch(images, seed=5, return_records=True, **targets)
    params = {repr(r.steps[0].params) for r in out["records"]}
    assert len(params) > 1, f"{name}: one parameter set for the whole batch"


def test_probability_is_drawn_per_sample():
    images = np.arange(64 * 2 * 3 * 3, dtype=np.uint8).reshape(64, 2, 3, 3)
    out = A.HorizontalFlip(p=0.5).batch(images, seed=0, return_records=True)
    flipped = np.array([len(r.steps) == 1 for r in out["records"]])
    assert 10 < flipped.sum() < 54
    np.testing.assert_array_equal(out["images"][flipped], images[flipped][:, :, ::-1])
    np.testing.assert_array_equal(out["images"][~flipped], images[~flipped])


def test_compose_batch_with_targets_keeps_boxes_on_masks():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (6, 40, 48, 3), dtype=np.uint8)
    masks = np.zeros((6, 40, 48), np.uint8)
    masks[:, 8:20, 10:22] = 1
    aug = augkit.Compose([A.HorizontalFlip(), A.RandomCrop(32, 40),
                          augkit.OneOf([A.Brightness(p=1.0), A.Gamma(p=1.0)]),
                          A.VerticalFlip()], seed=1)
    out = aug.batch(images, mask=masks, bboxes=[[[10, 8, 22, 20]]] * 6, labels=[["a"]] * 6)
    assert out["images"].shape == (6, 32, 40, 3) and out["mask"].shape == (6, 32, 40)
    for i in range(6):
        rows, cols = np.nonzero(out["mask"][i])
        drawn = [cols.min(), rows.min(), cols.max() + 1, rows.max() + 1]
        np.testing.assert_allclose(out["bboxes"][i][0], drawn)
        assert out["labels"][i] == ["a"]


def test_partial_compose_and_variable_sizes_give_a_list():
    images = np.zeros((16, 10, 12, 3), np.uint8)
    out = augkit.Compose([A.RandomCrop(5, 6)], p=0.5).batch(images, seed=2)
    shapes = {im.shape for im in out["images"]}
    assert isinstance(out["images"], list) and shapes == {(10, 12, 3), (5, 6, 3)}


def test_float_batches_match_uint8_semantics():
    rng = np.random.default_rng(1)
    images = rng.integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    aug = A.BrightnessContrast(p=1.0)
    a = aug.batch(images, seed=4)["images"].astype(np.float32) / 255
    b = aug.batch(images.astype(np.float32) / 255, seed=4)["images"]
    np.testing.assert_allclose(a, b, atol=1 / 255 + 1e-6)


@pytest.mark.parametrize("bad, error, text", [
    (np.zeros((4, 4), np.uint8), ValueError, "'images'"),
    (np.zeros((2, 4, 4, 3), np.int64), TypeError, "'images'"),
    ("img", TypeError, "'images'"),
])
def test_bad_batches_are_rejected(bad, error, text):
    with pytest.raises(error, match=text):
        A.HorizontalFlip().batch(bad)


def test_per_sample_targets_need_one_entry_per_image():
    with pytest.raises(ValueError, match="'bboxes'.*one entry per image"):
        A.HorizontalFlip().batch(np.zeros((3, 4, 4), np.uint8), bboxes=[[]])
    with pytest.raises(ValueError, match="unknown batch keyword"):
        A.HorizontalFlip().batch(np.zeros((3, 4, 4), np.uint8), boxes=[[]] * 3)


def test_batch_options_are_checked_per_call_and_records_keep_their_own():
    images = np.zeros((3, 4, 4, 3), np.uint8)
    with pytest.raises(ValueError, match="bbox_format"):
        A.HorizontalFlip().batch(images, bbox_format="xywh?")
    first = A.HorizontalFlip(p=1.0).batch(images, seed=0, return_records=True)["records"]
    first[0].options["min_area"] = 99.0  # a caller editing one record's options ...
    again = A.HorizontalFlip(p=1.0).batch(images, seed=0, return_records=True)["records"]
    assert again[0].options["min_area"] == 0.0  # ... leaves the defaults of later calls
    boxes = [np.array([[0.0, 0.0, 1.0, 1.0]])] * 3
    out = A.HorizontalFlip(p=1.0).batch(images, bboxes=boxes, min_area=2.0)
    assert [len(b) for b in out["bboxes"]] == [0, 0, 0]  # the per-call option applied
