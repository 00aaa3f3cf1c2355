"""augkit.integrations.hf: hf_transform with Hugging Face datasets' set_transform /
with_transform (images as PIL or arrays, texts), values equal to pipeline.batch."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit import text as X
from augkit.integrations.hf import hf_transform

datasets = pytest.importorskip(
    "datasets", reason="Hugging Face datasets is optional: pip install 'augkit[hf]'")
Image = pytest.importorskip("PIL.Image", reason="PIL comes with datasets' Image feature")


def _pipeline(seed=0):
    return augkit.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=30, p=1.0)], seed=seed)


def _arrays(n=4):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (8, 10, 3), dtype=np.uint8) for _ in range(n)]


def _image_dataset():
    features = datasets.Features({"image": datasets.Image(),
                                  "label": datasets.ClassLabel(names=["a", "b"])})
    return datasets.Dataset.from_dict(
        {"image": [Image.fromarray(a) for a in _arrays()], "label": [0, 1, 0, 1]},
        features=features)


def test_pil_images_in_a_dataset():
    ds = _image_dataset().with_transform(hf_transform(_pipeline(), "image"))
    batch = ds[:4]
    assert batch["label"] == [0, 1, 0, 1]
    assert all(isinstance(img, Image.Image) and img.size == (10, 8) for img in batch["image"])
    expected = _pipeline().batch(np.stack(_arrays()), seed=0)["images"]
    assert np.array_equal(np.stack([np.asarray(i) for i in batch["image"]]), expected)
    one = ds[0]  # a single row goes through the same function as a batch of one
    assert isinstance(one["image"], Image.Image) and one["label"] == 0


def test_torch_output_and_a_dataloader():
    torch = pytest.importorskip("torch")
    ds = _image_dataset()
    ds.set_transform(hf_transform(_pipeline(), "image", output="torch",
                                  output_column="pixel_values"))
    row = ds[1]
    assert set(row) == {"image", "pixel_values", "label"}
    assert row["pixel_values"].shape == (3, 8, 10) and row["pixel_values"].dtype == torch.float32
    loader = torch.utils.data.DataLoader(
        ds.with_transform(hf_transform(_pipeline(), "image", output="torch")), batch_size=2,
        num_workers=0)
    first = next(iter(loader))
    assert first["image"].shape == (2, 3, 8, 10) and float(first["image"].max()) <= 1.0
    assert first["label"].tolist() == [0, 1]


def test_arrays_lists_and_sizes():
    fn = hf_transform(_pipeline(), "image")
    arrays = _arrays(2) + [np.zeros((5, 7), np.uint8)]  # mixed sizes: a list batch
    out = fn({"image": arrays, "id": [1, 2, 3]})
    assert out["id"] == [1, 2, 3]
    assert [a.shape for a in out["image"]] == [(8, 10, 3), (8, 10, 3), (5, 7)]
    assert all(isinstance(a, np.ndarray) for a in out["image"])
    pil = hf_transform(_pipeline(), "image", output="pil")({"image": _arrays(1)})["image"][0]
    assert isinstance(pil, Image.Image)


def test_text_column():
    rows = ["the quick brown fox jumps over the lazy dog", "a b c d e f"]
    ds = datasets.Dataset.from_dict({"text": rows, "label": [0, 1]})
    swap = augkit.Compose([X.RandomSwap(p=1.0)], seed=0)
    out = ds.with_transform(hf_transform(swap, "text"))[:2]
    assert out["text"] == augkit.Compose([X.RandomSwap(p=1.0)], seed=0).batch(rows)["texts"]
    assert out["label"] == [0, 1]


def test_label_column_goes_in_and_mixed_labels_come_back():
    images = np.stack(_arrays(4))
    mix = augkit.Compose([A.MixUp(num_classes=2, p=1.0)], seed=0)
    fn = hf_transform(mix, "image", output="numpy", label_column="label")
    out = _image_dataset().with_transform(fn)[:4]
    want = augkit.Compose([A.MixUp(num_classes=2, p=1.0)], seed=0).batch(
        images, label=np.array([0, 1, 0, 1]))
    np.testing.assert_allclose(np.array(out["label"]), want["label"])
    np.testing.assert_array_equal(np.stack(out["image"]), want["images"])
    kept = hf_transform(_pipeline(), "image", label_column="label")(
        {"image": _arrays(2), "label": [1, 0]})
    assert kept["label"] == [1, 0]
    with pytest.raises(KeyError, match="no column 'y'"):
        hf_transform(_pipeline(), "image", label_column="y")({"image": _arrays(1)})
    with pytest.raises(TypeError, match="'label_column'"):
        hf_transform(_pipeline(), "image", label_column=3)


def test_errors():
    with pytest.raises(TypeError, match="'pipeline'"):
        hf_transform(None, "image")
    with pytest.raises(ValueError, match="'output'"):
        hf_transform(_pipeline(), "image", output="tensor")
    with pytest.raises(TypeError, match="'column'"):
        hf_transform(_pipeline(), 3)
    fn = hf_transform(_pipeline(), "img")
    with pytest.raises(KeyError, match="no column 'img'; columns: 'image'"):
        fn({"image": _arrays(1)})
    with pytest.raises(TypeError, match=r"image\[0\].*expected an image"):
        hf_transform(_pipeline(), "image")({"image": ["not an image"]})
    with pytest.raises(TypeError, match="expected a str"):
        hf_transform(augkit.Compose([X.RandomSwap()]), "text")({"text": [3]})


def test_dataloader_workers_epochs_differ_and_runs_repeat():
    torch = pytest.importorskip("torch")
    ds = _image_dataset().with_transform(hf_transform(_pipeline(), "image", output="torch"))

    def run(torch_seed):
        torch.manual_seed(torch_seed)
        loader = torch.utils.data.DataLoader(ds, batch_size=2, num_workers=2,
                                             multiprocessing_context="fork")
        return [torch.cat([b["image"] for b in loader]) for _ in range(2)]

    first = run(0)
    assert first[0].shape == (4, 3, 8, 10) and not torch.equal(first[0], first[1])
    assert all(torch.equal(a, b) for a, b in zip(first, run(0), strict=True))
