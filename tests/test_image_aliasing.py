"""No output shares memory with an input, for every registered image transform: applied or
skipped by ``p``, an image alone or with targets, single calls, records and batches (array
and list inputs). Writing into a result must never change the caller's data."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit.core.compose import Container
from tests.conformance_cases import CASES
from tests.test_conformance import LEAVES  # noqa: F401  (imports every cases_* module)

IMAGE = sorted(n for n, cls in augkit.registered().items()
               if not issubclass(cls, Container) and cls.modality == "image" and n in CASES)


def _arrays(value):
    if isinstance(value, np.ndarray):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _arrays(item)


def _assert_fresh(out: dict, inputs: dict, where: str) -> None:
    given = [a for v in inputs.values() for a in _arrays(v)]
    for key, value in out.items():
        for array in _arrays(value):
            for source in given:
                assert not np.shares_memory(array, source), f"{where}: '{key}' aliases an input"


def _build(name: str, p: float):
    transform = CASES[name].build()
    transform.p = p  # a validated attribute; p=0 skips every sample
    return transform


def _single_inputs(name: str) -> dict:
    data = CASES[name].data(np.random.default_rng(0))
    data["bboxes"] = np.asarray(data["bboxes"], np.float64)  # arrays np.asarray would keep
    data["keypoints"] = np.asarray(data["keypoints"], np.float64)
    data["masks"] = [data["mask"].copy(), data["mask"].astype(bool)]
    return data


@pytest.mark.parametrize("p", [1.0, 0.0])
# (ops that need label= replace the whole image and refuse masks: tests/test_generative.py)
@pytest.mark.parametrize("name", [n for n in IMAGE if not CASES[n].batch_only
                                  and not CASES[n].needs_label])
def test_single_calls_never_return_input_memory(name, p):
    data = _single_inputs(name)
    transform = _build(name, p)
    image = {"image": data["image"]}
    _assert_fresh(transform(**image), image, f"{name} p={p} image alone")
    _assert_fresh(transform(**image, seed=1), image, f"{name} p={p} image alone, seeded")
    _assert_fresh(augkit.Compose([transform])(**image), image, f"{name} p={p} in a Compose")
    out = transform(**data, seed=1, return_record=True)
    record = out.pop("record")
    _assert_fresh(out, data, f"{name} p={p} with targets")
    _assert_fresh(record.apply(**data), data, f"{name} p={p} record replay")


@pytest.mark.parametrize("p", [1.0, 0.0])
@pytest.mark.parametrize("name", IMAGE)
def test_batches_never_return_input_memory(name, p):
    rng = np.random.default_rng(1)
    if CASES[name].batch_only:
        data = CASES[name].data(rng)
        images = data.pop("inputs")
    else:
        samples = [CASES[name].data(rng) for _ in range(3)]
        images = np.stack([s["image"] for s in samples])
        data = {k: [s[k] for s in samples] for k in samples[0] if k != "image"}
        data.setdefault("label", np.arange(3))
    transform = _build(name, p)
    for inputs in (images, list(images)):
        out = transform.batch(inputs, seed=2, **data)
        _assert_fresh(out, {"images": inputs, **data}, f"{name} p={p} batch of "
                      f"{type(inputs).__name__}")
        alone = {"label": data["label"]} if CASES[name].needs_label else {}
        _assert_fresh(transform.batch(inputs, seed=2, **alone), {"images": inputs, **alone},
                      f"{name} p={p} images alone")


def test_rotate90_by_zero_turns_is_a_copy():
    from augkit.image import RandomRotate90

    image = np.arange(24, dtype=np.uint8).reshape(2, 4, 3)
    out = RandomRotate90().apply({"image": image}, {"k": 0})["image"]
    np.testing.assert_array_equal(out, image)
    out[0, 0, 0] = 99
    assert image[0, 0, 0] == 0


def test_a_skipped_tensor_batch_is_a_new_tensor():
    torch = pytest.importorskip("torch")
    from augkit.image import HorizontalFlip

    x = torch.zeros((2, 3, 4, 5), dtype=torch.uint8)
    out = HorizontalFlip(p=0.0).batch(x, seed=0)["images"]
    assert out is not x and out.data_ptr() != x.data_ptr()
    assert torch.equal(out, x)
