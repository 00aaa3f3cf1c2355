"""Bad targets get an error naming the argument (never numpy's or OpenCV's own message), and
inputs in non-native byte order work in every op, with the values of native inputs."""

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
               if not issubclass(cls, Container) and cls.modality == "image" and n in CASES)
IMG = np.zeros((16, 16, 3), np.uint8)
BAD = [
    ({"bboxes": "abc"}, ValueError, r"'bboxes' got 'abc'; expected finite \(N, 4\) boxes"),
    ({"bboxes": [[1, 2, 3, 4], [1, 2]]}, ValueError, r"'bboxes' got \[\[1, 2, 3, 4\], \[1, 2\]\]"),
    ({"bboxes": [["a", "b", "c", "d"]]}, ValueError, r"'bboxes' got \[\['a', 'b'"),
    ({"bboxes": [[1, 2, 3, object()]]}, ValueError, r"'bboxes' got .*boxes \(numbers\)"),
    ({"keypoints": [[1, 2], [1]]}, ValueError, r"'keypoints' got \[\[1, 2\], \[1\]\]; expected"),
    ({"keypoints": [["a", "b"]]}, ValueError, r"'keypoints' got \[\['a', 'b'\]\]; expected"),
    ({"bboxes": [[1, 2, 3, 4]], "labels": 5}, TypeError, r"'labels' got 5; expected a sequence"),
    ({"bboxes": [[1, 2, 3, 4]], "labels": "a"}, TypeError, r"'labels' got 'a'"),
    ({"mask": [[0] * 16] * 16}, TypeError, r"'mask' got list of 16 items: .*; expected a numpy"),
    ({"mask": np.zeros((16, 16), complex)}, TypeError, r"'mask' got .*complex128; expected"),
]


@pytest.mark.parametrize(("data", "exc", "message"), BAD)
def test_bad_targets_name_the_argument_and_value(data, exc, message):
    for transform in (A.HorizontalFlip(p=1.0), A.Brightness(p=1.0)):
        with pytest.raises(exc, match="image targets: " + message):
            transform(image=IMG, **data)
    per_sample = {k: [v, v] for k, v in data.items()}
    with pytest.raises(exc, match=message + r".*\(sample 0 of the batch\)"):
        A.HorizontalFlip().batch(np.stack([IMG, IMG]), **per_sample)


def test_huge_bad_values_are_shown_briefly():
    with pytest.raises(ValueError) as info:
        A.HorizontalFlip()(image=IMG, bboxes=[["x" * 10**6] * 4] * 1000)
    assert len(str(info.value)) < 400


def _big_endian(data: dict) -> dict:
    """The case's data with a big-endian float32 image (or batch) and big-endian masks."""
    out = dict(data)
    key = "inputs" if "inputs" in out else "image"
    out[key] = (out[key].astype(np.float32) / 255).astype(">f4")
    if key == "image":
        out["mask"] = out["mask"].astype(">i4")
    elif "mask" in out:  # per-sample masks of a batch
        out["mask"] = [m.astype(">f4") for m in out["mask"]]
    return out


def _native(value):
    if isinstance(value, np.ndarray):
        return value.astype(value.dtype.newbyteorder("="))
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


@pytest.mark.parametrize("name", [n for n in IMAGE if not CASES[n].needs_label])
def test_non_native_byte_order_gives_the_native_result(name):
    big = _big_endian(CASES[name].data(np.random.default_rng(0)))
    native = {k: _native(v) for k, v in big.items()}
    transform = CASES[name].build()
    if getattr(transform, "fill", 0) > 1:  # the case's fill is in uint8 units; these are float
        transform.fill = transform.fill / 255
    if CASES[name].batch_only:
        got, want = transform.batch(**big, seed=3), transform.batch(**native, seed=3)
        images = got["images"]
    else:
        got, want = transform(**big, seed=3), transform(**native, seed=3)
        assert got["mask"].dtype == np.dtype(">i4")  # masks come back in their own dtype
        images = got["image"]
        batch = transform.batch(big["image"][None], seed=4)["images"]
        assert_same(batch, transform.batch(native["image"][None], seed=4)["images"])
    assert images.dtype == np.float32 and images.dtype.isnative
    assert_same({k: _native(v) for k, v in got.items()}, want)
