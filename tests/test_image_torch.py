"""The torch path: (N, C, H, W) tensors agree with the numpy batch path (same seed, same
parameters), for every transform with a tensor kernel and through the numpy fallback."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

import augkit  # noqa: E402
from augkit import image as A  # noqa: E402
from augkit.image import torch_ops  # noqa: E402
from augkit.image.mix import MixUp  # noqa: E402
from tests.conformance_cases import CASES  # noqa: E402
from tests.test_conformance import LEAVES  # noqa: E402,F401  (loads every case)

KERNEL_NAMES = sorted(cls.__name__ for cls in torch_ops.KERNELS)
WARPS = {"Affine", "Rotate", "Zoom"}


def _images(n=6, h=40, w=48, c=3):
    return np.random.default_rng(7).integers(0, 256, (n, h, w, c), dtype=np.uint8)


def _to_tensor(images):
    return torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()


def _to_numpy(x):
    return x.permute(0, 2, 3, 1).numpy()


@pytest.mark.parametrize("channels", [1, 2, 3, 6])
@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_uint8_tensor_path_matches_numpy_path(name, channels):
    images = _images(c=channels)
    transform = CASES[name].build()
    a = transform.batch(images, seed=4)["images"]
    b = _to_numpy(transform.batch(_to_tensor(images), seed=4)["images"])
    assert b.dtype == np.uint8 and a.shape == b.shape
    diff = np.abs(a.astype(int) - b.astype(int))
    if name in WARPS:  # grid_sample against OpenCV's fixed-point bilinear
        assert diff.max() <= 2 and diff.mean() < 0.05, (diff.max(), diff.mean())
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_float_tensor_path_matches_numpy_path(name):
    images = _images().astype(np.float32) / 255
    transform = CASES[name].build()
    a = transform.batch(images, seed=5)["images"]
    out = transform.batch(_to_tensor(images), seed=5)["images"]
    assert out.dtype == torch.float32
    tol = 2.5 / 255 if name in WARPS else 1e-5
    np.testing.assert_allclose(_to_numpy(out), a, atol=tol)


@pytest.mark.parametrize("name", KERNEL_NAMES)
def test_tensor_batches_are_seeded_and_per_sample(name):
    x = _to_tensor(np.repeat(_images(1), 8, axis=0))
    transform = CASES[name].build()
    a = transform.batch(x, seed=9, return_records=True)
    b = transform.batch(x, seed=9)
    assert torch.equal(a["images"], b["images"])
    if CASES[name].random:
        params = {repr(r.steps[0].params) for r in a["records"] if r.steps}
        assert len(params) > 1


def test_transforms_without_a_kernel_run_through_numpy_and_return_tensors():
    images = _images()
    aug = augkit.Compose([A.HorizontalFlip(), A.GaussianBlur(p=1.0), A.RandomCrop(32, 32),
                          A.Brightness(p=1.0)], seed=1)
    a = aug.batch(images)["images"]
    b = augkit.Compose([A.HorizontalFlip(), A.GaussianBlur(p=1.0), A.RandomCrop(32, 32),
                        A.Brightness(p=1.0)], seed=1).batch(_to_tensor(images))["images"]
    assert isinstance(b, torch.Tensor) and b.shape == (6, 3, 32, 32)
    np.testing.assert_array_equal(_to_numpy(b), a)


def test_mixing_on_tensors_mixes_labels():
    x = _to_tensor(_images())
    out = MixUp(num_classes=3).batch(x, label=[0, 1, 2, 0, 1, 2], seed=0)
    assert isinstance(out["images"], torch.Tensor)
    np.testing.assert_allclose(out["label"].sum(axis=1), 1.0, rtol=1e-6)


def test_bad_tensors_and_targets_are_rejected():
    with pytest.raises(ValueError, match="'images'.*\\(N, C, H, W\\)"):
        A.HorizontalFlip().batch(torch.zeros(3, 4, 4))
    with pytest.raises(ValueError, match="float32"):
        A.HorizontalFlip().batch(torch.zeros(2, 3, 4, 4, dtype=torch.float64))
    with pytest.raises(ValueError, match="not supported with tensors"):
        A.HorizontalFlip().batch(torch.zeros(2, 3, 4, 4), bboxes=[[], []])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device on this machine")
def test_gpu_tensors_stay_on_the_gpu_and_match_cpu():
    x = _to_tensor(_images())
    aug = augkit.Compose([A.HorizontalFlip(), A.BrightnessContrast(p=1.0), A.Affine(p=1.0)],
                         seed=2)
    cpu = aug.batch(x)["images"]
    aug2 = augkit.Compose([A.HorizontalFlip(), A.BrightnessContrast(p=1.0), A.Affine(p=1.0)],
                          seed=2)
    gpu = aug2.batch(x.cuda())["images"]
    assert gpu.is_cuda
    assert (gpu.cpu().int() - cpu.int()).abs().max() <= 1
