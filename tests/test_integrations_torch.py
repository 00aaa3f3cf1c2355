"""augkit.integrations.torch: AugmentedDataset and BatchAugment, in and out of DataLoader
workers (fork and spawn, persistent and not): the outputs are the pipeline's own, seeded
per worker and epoch exactly as augkit.core.random promises."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit import text as X
from augkit import timeseries as T
from tests.data_helpers import ROOT, class_folder

torch = pytest.importorskip("torch", reason="torch is installed by the 'test' extra")

from augkit.integrations.torch import AugmentedDataset, BatchAugment  # noqa: E402

SEED = 3


def _pipeline(seed=SEED):
    return augkit.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=30, p=1.0),
                           A.Brightness(p=0.5)], seed=seed)


def _images(n=8):
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, (8, 10, 3), dtype=np.uint8) for _ in range(n)]


def _worker():
    info = torch.utils.data.get_worker_info()
    return (-1, -1) if info is None else (int(info.id), int(info.seed))


class _Tagged:
    """(image, (index, worker id, worker seed)): the label says where the item was made."""

    def __init__(self, images, tensors=False):
        self.images = images
        self.tensors = tensors

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        image = self.images[i]
        if self.tensors:
            return (torch.from_numpy(image).permute(2, 0, 1).contiguous(), i, *_worker())
        return image, (i, *_worker())


def _stream(key):
    """The generator a seeded Compose uses in the worker with this (id, seed)."""
    if key == (-1, -1):
        return np.random.default_rng(SEED)
    return np.random.default_rng(np.random.SeedSequence(SEED, spawn_key=key))


def _epochs(workers=2, persistent=False, context="fork", torch_seed=0, epochs=2):
    """[(index, worker id, worker seed, output)] per epoch, in loader order."""
    torch.manual_seed(torch_seed)
    ds = AugmentedDataset(_Tagged(_images()), _pipeline(), to_tensor=False)
    loader = torch.utils.data.DataLoader(
        ds, batch_size=None, shuffle=True, num_workers=workers, persistent_workers=persistent,
        multiprocessing_context=context if workers else None)
    return [[(int(i), int(w), int(s), out.numpy()) for out, (i, w, s) in loader]
            for _ in range(epochs)]


def _check_against_pipeline(run):
    """Every output is what the pipeline gives, in that worker's stream, in order."""
    images, pipeline, streams = _images(), _pipeline(), {}
    for epoch in run:
        for index, wid, wseed, out in epoch:
            rng = streams.setdefault((wid, wseed), _stream((wid, wseed)))
            assert np.array_equal(out, pipeline(image=images[index], rng=rng)["image"])
    return streams


def _by_index(epoch):
    return {index: out for index, _, _, out in epoch}


def _epochs_differ(run):
    first, second = _by_index(run[0]), _by_index(run[1])
    assert sorted(first) == sorted(second) == list(range(8))
    assert all(not np.array_equal(first[i], second[i]) for i in first)


@pytest.mark.parametrize("persistent", [False, True])
def test_fork_workers_epochs_and_runs(persistent):
    run = _epochs(persistent=persistent)
    streams = _check_against_pipeline(run)
    assert {w for w, _ in streams} == {0, 1}
    assert len(streams) == (2 if persistent else 4)  # non-persistent: new seeds each epoch
    _epochs_differ(run)
    again = _epochs(persistent=persistent)
    assert all(np.array_equal(a[3], b[3]) and a[:3] == b[:3]
               for ea, eb in zip(run, again, strict=True) for a, b in zip(ea, eb, strict=True))
    other = _epochs(persistent=persistent, torch_seed=1, epochs=1)[0]
    assert any(not np.array_equal(_by_index(other)[i], _by_index(run[0])[i]) for i in range(8))


def test_spawn_persistent_workers():
    run = _epochs(persistent=True, context="spawn")
    assert len(_check_against_pipeline(run)) == 2
    _epochs_differ(run)


def test_main_process_is_the_pipelines_stream():
    run = _epochs(workers=0)
    assert len(_check_against_pipeline(run)) == 1
    _epochs_differ(run)


def test_folder_source_tensors_labels_copies(tmp_path):
    root = class_folder(tmp_path, size=(10, 8))
    from augkit.data import open_dataset

    reader = open_dataset(root)
    ds = AugmentedDataset(root, _pipeline(), copies=3)
    assert len(ds) == 12 and ds.class_names == ["cat", "dog"] and ds.modality == "image"
    rng, pipeline = np.random.default_rng(SEED), _pipeline()
    outputs = []
    for i in range(len(ds)):
        x, y = ds[i]
        assert y == [0, 0, 0, 1][i % 4]
        assert x.shape == (3, 8, 10) and x.dtype == torch.float32 and x.is_contiguous()
        expected = pipeline(image=reader.load(i % 4).data, rng=rng)["image"]
        assert torch.equal(x, torch.from_numpy(expected).permute(2, 0, 1).float() / 255)
        outputs.append(x)
    assert not torch.equal(outputs[0], outputs[4])  # copies are augmented afresh
    raw = AugmentedDataset(reader, _pipeline(), to_tensor=False)
    image, label = raw[-1]
    assert isinstance(image, np.ndarray) and image.dtype == np.uint8 and image.shape == (8, 10, 3)
    assert label == 1


def test_other_inputs_convert():
    from PIL import Image

    pipeline = augkit.Compose([A.HorizontalFlip(p=1.0)], seed=0)
    rgb = _images(1)[0]
    ds = AugmentedDataset([(Image.fromarray(rgb), "a"), (Image.fromarray(rgb[..., 0]), "b"),
                           (Image.fromarray(rgb).convert("P"), "c"),
                           (torch.from_numpy(rgb).permute(2, 0, 1), "d"),
                           ((rgb.astype(np.uint16) * 257), "e")], pipeline)
    x, y = ds[0]
    assert y == "a" and torch.equal(x, torch.from_numpy(rgb[:, ::-1].copy()).permute(2, 0, 1)
                                    .float() / 255)
    assert ds[1][0].shape == (1, 8, 10)
    assert ds[2][0].shape == (3, 8, 10)
    assert torch.equal(ds[3][0], x)
    assert torch.allclose(ds[4][0], x, atol=1e-6)  # uint16 -> float32 in [0, 1]


def test_text_and_series_sources():
    texts = AugmentedDataset([("the quick brown fox jumps over the lazy dog", 1)],
                             augkit.Compose([X.RandomSwap(p=1.0)], seed=0))
    out, label = texts[0]
    assert isinstance(out, str) and label == 1
    assert out == augkit.Compose([X.RandomSwap(p=1.0)], seed=0)(
        text="the quick brown fox jumps over the lazy dog")["text"]
    series = AugmentedDataset([(np.zeros((20, 2)), 0), (np.zeros(20), 1)],
                              augkit.Compose([T.Jitter(p=1.0)], seed=0))
    assert series[0][0].shape == (20, 2) and series[0][0].dtype == torch.float32
    assert series[1][0].shape == (20, 1)


def test_errors_name_the_argument(tmp_path):
    pipeline = _pipeline()
    with pytest.raises(TypeError, match="'source'"):
        AugmentedDataset(5, pipeline)
    with pytest.raises(TypeError, match="'pipeline'"):
        AugmentedDataset([], lambda **kw: kw)
    with pytest.raises(ValueError, match="'copies'"):
        AugmentedDataset([], pipeline, copies=0)
    with pytest.raises(TypeError, match="reader options"):
        AugmentedDataset([], pipeline, split="train")
    with pytest.raises(ValueError, match="pipeline's modality 'image'"):
        AugmentedDataset([], pipeline, modality="text")
    with pytest.raises(ValueError, match=r"\(input, label\) pair"):
        AugmentedDataset([_images(1)[0]], pipeline)[0]
    with pytest.raises(TypeError, match="expected an image"):
        AugmentedDataset([("some text", 0)], pipeline)[0]
    with pytest.raises(IndexError, match="out of range"):
        AugmentedDataset([(_images(1)[0], 0)], pipeline)[1]
    with pytest.raises(ValueError, match="modality"):
        AugmentedDataset([(np.zeros((4, 4, 3), np.uint8), 0)], augkit.Compose([]))[0]
    root = class_folder(tmp_path, size=(10, 8))
    (root / "cat" / "zzz.png").write_bytes(b"not a png")
    ds = AugmentedDataset(root, pipeline)
    with pytest.raises(ValueError, match=r"\('cat/zzz.png'\) cannot be used: undecodable"):
        ds[3]
    with pytest.raises(ValueError, match="modality 'text'"):
        AugmentedDataset(root, augkit.Compose([X.RandomSwap()]))


# -- BatchAugment ---------------------------------------------------------------------------
def test_batch_augment_tensors_keep_dtype_and_layout():
    images = np.stack(_images(4))
    nchw = torch.from_numpy(images).permute(0, 3, 1, 2).contiguous()
    collate = BatchAugment(_pipeline())
    x, y = collate([(nchw[i], i) for i in range(4)])
    expected = _pipeline().batch(nchw, seed=SEED)["images"]
    assert x.dtype == torch.uint8 and x.shape == (4, 3, 8, 10) and torch.equal(x, expected)
    assert torch.equal(y, torch.arange(4))
    floats = nchw.float() / 255
    xf, _ = collate([(floats[i], i) for i in range(4)])
    assert xf.dtype == torch.float32 and xf.shape == (4, 3, 8, 10)
    # numpy items: the pipeline's NHWC batch viewed as NCHW (no copy), values as .batch
    xn, _ = BatchAugment(_pipeline())([(images[i], i) for i in range(4)])
    assert xn.dtype == torch.uint8 and xn.is_contiguous(memory_format=torch.channels_last)
    ref = _pipeline().batch(images, seed=SEED)["images"]
    assert torch.equal(xn, torch.from_numpy(ref).permute(0, 3, 1, 2))
    assert BatchAugment(_pipeline())([images[i] for i in range(4)]).shape == (4, 3, 8, 10)


def test_batch_augment_mixes_labels_texts_series():
    mix = augkit.Compose([A.MixUp(num_classes=3, p=1.0)], seed=0)
    x, y = BatchAugment(mix)([(img, k % 3) for k, img in enumerate(_images(4))])
    assert x.shape == (4, 3, 8, 10) and y.dtype == torch.float32 and y.shape == (4, 3)
    assert torch.allclose(y.sum(dim=1), torch.ones(4))
    # a batch with no sample drawn to mix still gives (N, K) soft labels (one-hot)
    rare = augkit.Compose([augkit.OneOf([A.MixUp(num_classes=3, p=1e-9)])], seed=0)
    _, y = BatchAugment(rare)([(img, k % 3) for k, img in enumerate(_images(4))])
    assert torch.equal(y, torch.eye(3)[[0, 1, 2, 0]])
    swap = augkit.Compose([X.RandomSwap(p=1.0)], seed=0)
    texts, labels = BatchAugment(swap)([("a b c d e", 0), ("f g h i j", 1)])
    assert texts == augkit.Compose([X.RandomSwap(p=1.0)], seed=0).batch(
        ["a b c d e", "f g h i j"])["texts"]
    assert torch.equal(labels, torch.tensor([0, 1]))
    series, _ = BatchAugment(augkit.Compose([T.Jitter(p=1.0)], seed=0))(
        [(torch.zeros(20, 2), 0), (torch.zeros(20, 2), 1)])
    assert series.shape == (2, 20, 2) and series.dtype == torch.float32
    with pytest.raises(ValueError, match="mixing op"):
        BatchAugment(augkit.Compose([T.SeriesMixUp(p=1.0)]))(
            [(np.zeros((20, 1)), 0), (np.zeros((20, 1)), 1)])
    with pytest.raises(ValueError, match="non-empty list"):
        BatchAugment(swap)([])
    with pytest.raises(ValueError, match="same length"):
        BatchAugment(swap)([("a b", 0), ("c d", 0, 1)])


def test_batch_augment_in_workers_epochs_and_runs():
    def run(torch_seed):
        torch.manual_seed(torch_seed)
        loader = torch.utils.data.DataLoader(
            _Tagged(np.stack(_images()), tensors=True), batch_size=4, shuffle=True,
            num_workers=2, multiprocessing_context="fork", collate_fn=BatchAugment(_pipeline()))
        return [[(x, i, w, s) for x, i, w, s in loader] for _ in range(2)]

    first, images = run(0), torch.from_numpy(np.stack(_images())).permute(0, 3, 1, 2)
    for epoch in first:  # each batch is one .batch call on that worker's stream, in order
        streams = {}
        for x, index, wid, wseed in epoch:
            key = (int(wid[0]), int(wseed[0]))
            rng = streams.setdefault(key, _stream(key))
            assert torch.equal(x, _pipeline().batch(images[index].contiguous(), rng=rng)["images"])
    assert not torch.equal(first[0][0][0], first[1][0][0])
    again = run(0)
    assert all(torch.equal(a[0], b[0]) for ea, eb in zip(first, again, strict=True)
               for a, b in zip(ea, eb, strict=True))


def test_importing_the_integrations_imports_no_framework():
    code = ("import sys, augkit.integrations.torch, augkit.integrations.hf; "
            "print(sorted(m for m in ('torch', 'datasets', 'PIL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT / "src")}, check=True)
    assert out.stdout.strip() == "[]"
