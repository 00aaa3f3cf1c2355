"""augkit.generative: seeded training, exact resume, sampling, the transforms, the baseline
and the metrics (tiny models: the whole file runs in seconds on one core)."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="augkit.generative needs torch (augkit[gan])")

from augkit.generative import (  # noqa: E402
    GANConfig,
    GANModel,
    GenerativeAugment,
    Interpolator,
    SeriesGenerativeAugment,
    train,
)
from augkit.generative.metrics import (  # noqa: E402
    frechet_distance,
    memorisation,
    precision_recall,
)
from augkit.generative.model import class_counts  # noqa: E402
from tests.gan_helpers import TINY, halves, tiny_model, waves  # noqa: E402

CFG = GANConfig(**TINY)


def _weights(model: GANModel) -> dict:
    return {k: v.clone() for k, v in model.generator.state_dict().items()}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


def test_training_is_deterministic_under_a_seed(tmp_path):
    x, y = halves()
    a = train(x, y, tmp_path / "a", steps=3, seed=5, config=CFG)
    b = train(x, y, tmp_path / "b", steps=3, seed=5, config=CFG)
    c = train(x, y, tmp_path / "c", steps=3, seed=6, config=CFG)
    assert _same(_weights(a), _weights(b))
    assert not _same(_weights(a), _weights(c))
    assert a.checkpoint == b.checkpoint
    np.testing.assert_array_equal(a.sample([0, 1, 1], seed=2), b.sample([0, 1, 1], seed=2))


@pytest.mark.parametrize("kind", ["image", "timeseries"])
def test_resume_equals_an_uninterrupted_run(tmp_path, kind):
    # ADA moves p every 3 steps and R1 is on, so the stop at step 4 lands mid-interval
    cfg = GANConfig(**{**TINY, "r1_gamma": 1.0, "ada_interval": 3, "ada_steps": 3,
                       "ada_target": 0.0})
    x, y = halves() if kind == "image" else waves()
    whole = train(x, y, tmp_path / "whole", steps=7, seed=1, config=cfg)
    part = train(x, y, tmp_path / "part", steps=4, seed=1, config=cfg)
    assert part.step == 4
    resumed = train(x, y, tmp_path / "part", steps=7, seed=1, resume=True)
    assert _same(_weights(whole), _weights(resumed))
    a = json.loads((tmp_path / "whole" / "model.json").read_text())
    b = json.loads((tmp_path / "part" / "model.json").read_text())
    assert a["ada"] == b["ada"] and a["history"] == b["history"]
    assert a["state_hash"] == b["state_hash"]  # discriminator and optimisers too
    assert sorted(p.name for p in (tmp_path / "part").iterdir()) == [
        "generator-00000007.pt", "model.json", "state-00000007.pt"]


def test_resume_refuses_other_data_seed_or_fewer_steps(tmp_path):
    x, y = halves()
    train(x, y, tmp_path / "m", steps=2, seed=0, config=CFG)
    with pytest.raises(ValueError, match="already holds a model"):
        train(x, y, tmp_path / "m", steps=3, seed=0, config=CFG)
    with pytest.raises(ValueError, match="other data"):
        train(x[::-1].copy(), y, tmp_path / "m", steps=3, seed=0, resume=True)
    with pytest.raises(ValueError, match="seed 1 differs"):
        train(x, y, tmp_path / "m", steps=3, seed=1, resume=True)
    with pytest.raises(ValueError, match="steps 1 is below the 2"):
        train(x, y, tmp_path / "m", steps=1, seed=0, resume=True)


@pytest.mark.parametrize("shape,dtype", [((28, 28), np.uint8), ((32, 30, 3), np.uint16),
                                         ((40,), np.float32), ((40, 3), np.float64)])
def test_samples_have_the_source_shape_and_dtype(tmp_path, shape, dtype):
    rng = np.random.default_rng(0)
    n = 12
    if np.dtype(dtype).kind == "u":
        x = rng.integers(0, np.iinfo(dtype).max, (n, *shape), dtype=dtype)
    else:
        x = rng.normal(size=(n, *shape)).astype(dtype)
    y = np.arange(n) % 3
    model = train(x, y, tmp_path / "m", steps=1, config=CFG)
    out = model.sample([0, 1, 2, 2], seed=0)
    assert out.shape == (4, *shape) and out.dtype == dtype
    assert model.spec.counts == [4, 4, 4]
    samples, labels = model.generate(balance=True)
    assert samples.shape[0] == 0 and labels.size == 0  # balanced already
    samples, labels = model.generate(per_class=[1, 0, 2])
    assert labels.tolist() == [0, 2, 2] and samples.shape == (3, *shape)


def test_class_conditioning_is_learned_in_a_short_run(tmp_path):
    # class 0 bright on top, class 1 at the bottom; a real-trained rule must recognise
    # the requested class of samples from ~150 steps
    x, y = halves(n=64)
    cfg = GANConfig(batch_size=32, width=16, d_width=8, z_dim=16, threads=1, lr_g=1e-3,
                    lr_d=1e-3)
    model = train(x, y, tmp_path / "m", steps=150, seed=0, config=cfg)
    labels = np.arange(200) % 2
    samples = model.sample(labels, seed=1).astype(float)
    top_brighter = samples[:, :14].mean((1, 2)) > samples[:, 14:].mean((1, 2))
    accuracy = np.mean(top_brighter == (labels == 0))
    assert accuracy > 0.8, accuracy


def test_bad_training_data_names_argument_value_and_range(tmp_path):
    x, y = halves()
    with pytest.raises(ValueError, match=r"images got size 20x20.*\[28, 64\]"):
        train(x[:, :20, :20], y, tmp_path / "a", steps=1)
    with pytest.raises(ValueError, match="images got 2 channels"):
        train(np.zeros((4, 28, 28, 2), np.uint8), [0, 1, 0, 1], tmp_path / "b", steps=1)
    with pytest.raises(ValueError, match="labels got .* shape \\(3,\\)"):
        train(x, y[:3], tmp_path / "c", steps=1)
    with pytest.raises(ValueError, match="series got length 4"):
        train(np.zeros((4, 4), np.float32), [0, 1, 0, 1], tmp_path / "d", steps=1)
    with pytest.raises(ValueError, match=r"GANConfig: argument 'width' got 7"):
        GANConfig(width=7)
    with pytest.raises(ValueError, match=r"GANConfig: argument 'diffaug'.*translation"):
        train(x, y, tmp_path / "e", steps=1, config=GANConfig(diffaug=("jitter",)))
    with pytest.raises(ValueError, match=r"train: argument 'steps' got 0"):
        train(x, y, tmp_path / "f", steps=0)


def test_class_counts_per_class_and_balance():
    model = GANModel.load(tiny_model("image"))
    assert class_counts(model.spec, 3) == [3, 3]
    assert class_counts(model.spec, balance=True) == [0, 0]
    with pytest.raises(ValueError, match="per_class got -1"):
        class_counts(model.spec, -1)
    with pytest.raises(ValueError, match="either per_class"):
        class_counts(model.spec)


def test_generative_augment_in_a_batch():
    folder = tiny_model("image")
    x, y = halves(n=8)
    aug = GenerativeAugment(model=folder, p=1.0)
    out = aug.batch(x, label=y, seed=0, return_records=True)
    assert out["images"].shape == x.shape and out["images"].dtype == np.uint8
    assert out["label"].tolist() == y.tolist()
    model = GANModel.load(folder)
    params = out["records"][3].steps[0].params
    assert params["label"] == y[3]
    np.testing.assert_array_equal(out["images"][3],
                                  model.sample_one(params["label"], params["noise_seed"]))
    assert not (out["images"] == x).all()
    none = GenerativeAugment(model=folder, p=0.0).batch(x, label=y, seed=0)
    np.testing.assert_array_equal(none["images"], x)
    some = GenerativeAugment(model=model, p=0.5).batch(x, label=y, seed=3)
    replaced = [(some["images"][i] != x[i]).any() for i in range(8)]
    assert 0 < sum(replaced) < 8
    with pytest.raises(ValueError, match="give the class of each image"):
        aug.batch(x, seed=0)
    with pytest.raises(ValueError, match="label 7 is not a class"):
        aug.batch(x[:1], label=[7], seed=0)
    with pytest.raises(ValueError, match=r"aug\(image=img, label=y\)"):
        aug(image=x[0])


def test_generative_augment_single_call_takes_label_and_replays():
    folder = tiny_model("image")
    x, y = halves(n=4)
    aug = GenerativeAugment(model=folder, p=1.0)
    out = aug(image=x[1], label=int(y[1]), seed=5, return_record=True)
    assert out["label"] == y[1] and out["image"].shape == x[1].shape
    params = out["record"].steps[0].params
    assert params["label"] == y[1]
    np.testing.assert_array_equal(out["image"], GANModel.load(folder).sample_one(
        params["label"], params["noise_seed"]))
    # replay needs no label: the class is in the record
    replayed = out["record"].apply(image=x[2])
    np.testing.assert_array_equal(replayed["image"], out["image"])
    # the class as text (a folder dataset's subfolder name) and as a one-hot vector
    assert aug(image=x[0], label="1", seed=5)["label"] == "1"
    np.testing.assert_array_equal(aug(image=x[0], label=np.eye(2)[1], seed=5)["image"],
                                  aug(image=x[0], label=1, seed=5)["image"])
    # skipped by p: the input comes back as a copy, label unchanged
    kept = GenerativeAugment(model=folder, p=0.0)(image=x[0], label=0, seed=0)
    np.testing.assert_array_equal(kept["image"], x[0])
    assert kept["image"] is not x[0]
    with pytest.raises(ValueError, match="masks, boxes and keypoints cannot follow"):
        aug(image=x[0], label=0, mask=np.zeros(x[0].shape, np.uint8), seed=0)


def test_generative_augment_inside_containers_of_a_batch():
    from augkit.core.compose import Compose, OneOf, label_keyword
    from augkit.image import HorizontalFlip

    folder = tiny_model("image")
    x, y = halves(n=6)
    inner = OneOf([GenerativeAugment(model=folder, p=1.0), HorizontalFlip(p=1.0)])
    pipe = Compose([inner], seed=1)
    assert label_keyword(pipe) == "label" and label_keyword(HorizontalFlip()) is None
    out = pipe.batch(x, label=y, return_records=True)
    assert out["label"].tolist() == y.tolist()
    for i, record in enumerate(out["records"]):
        np.testing.assert_array_equal(record.apply(image=x[i])["image"], out["images"][i])


def test_series_generative_augment_single_call_and_batch():
    folder = tiny_model("timeseries")
    x, y = waves(n=6)
    aug = SeriesGenerativeAugment(model=folder, p=1.0)
    out = aug(series=x, labels=y.tolist(), seed=0)
    assert out["series"].shape == x.shape and out["series"].dtype == np.float32
    batch = aug.batch(x, labels=y.tolist(), seed=0)
    assert batch["series"].shape == x.shape
    with pytest.raises(ValueError, match="give the class of each series"):
        aug(series=x, seed=0)
    with pytest.raises(ValueError, match="shape \\(48, 2\\)"):
        aug(series=x[:, :40], labels=y.tolist(), seed=0)


def test_interpolator_stays_within_class_segments():
    x, y = halves(n=20)
    out = Interpolator(x, y, k=3).sample(np.array([0] * 10 + [1] * 10), seed=0)
    assert out.dtype == np.uint8 and out.shape == (20, 28, 28)
    assert (out[:10, :14].mean() > out[:10, 14:].mean()) and (
        out[10:, 14:].mean() > out[10:, :14].mean())
    lo = x[y == 0].min(0)
    hi = x[y == 0].max(0)
    assert ((out[:10] >= lo) & (out[:10] <= hi)).all()  # convex combinations of the class
    np.testing.assert_array_equal(Interpolator(x, y).sample([1, 0], seed=4),
                                  Interpolator(x, y).sample([1, 0], seed=4))
    with pytest.raises(ValueError, match="k got 0"):
        Interpolator(x, y, k=0)


def test_metrics_on_known_sets():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(300, 4))
    assert frechet_distance(a, a) < 1e-6
    shifted = frechet_distance(a, a + 3.0)
    assert abs(shifted - 36.0) < 1e-6  # |mu difference|^2 = 4 * 3^2
    p, r = precision_recall(a, a.copy())
    assert p == 1.0 and r == 1.0
    p, r = precision_recall(a, a[:, :] * 0.01)  # collapsed: precise, no coverage
    assert p > 0.9 and r < 0.2
    x, y = halves(n=40)
    mem = memorisation(x[:30], x[30:], x[:5].copy())
    assert mem["flagged"] == 5 and mem["synthetic_nn_median"] == 0.0


def test_generative_augment_in_augmented_dataset_gets_each_items_class():
    from augkit.integrations.torch import AugmentedDataset

    folder = tiny_model("image")
    x, y = halves(n=4)
    pairs = [(x[i], int(y[i])) for i in range(4)]
    data = AugmentedDataset(pairs, GenerativeAugment(model=folder, p=1.0), to_tensor=False)
    model = GANModel.load(folder)
    for i in range(4):
        image, label = data[i]
        assert label == y[i] and image.shape == x[i].shape
        assert not np.array_equal(image, x[i])
    unlabelled = AugmentedDataset([(x[0], None)], GenerativeAugment(model=folder, p=1.0))
    with pytest.raises(ValueError, match="needs each item's class and item 0 has none"):
        unlabelled[0]
    assert model.spec.class_names == ["0", "1"]
