"""``augkit.integrations.ray.RayAugment``: a ``map_batches`` callable for Ray Data — the
column augmented, other columns kept, labels carried (and mixed), seeded batches that repeat
on any worker, distinct batches without a seed, and clear errors. The Ray Data runs use the
session's local Ray (tests/conftest.py)."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit import text as T
from augkit import timeseries as TS
from augkit.integrations.ray import RayAugment

pytestmark = pytest.mark.xdist_group("ray")  # with --dist loadgroup: one Ray per run

try:
    import ray.data
except ImportError:
    ray = None

needs_ray_data = pytest.mark.skipif(ray is None, reason="Ray Data is not installed: "
                                    "pip install 'augkit[ray]' (ray[data])")

X = np.random.default_rng(0).integers(0, 256, (12, 8, 10, 3), dtype=np.uint8)
FLIP = augkit.Compose([A.HorizontalFlip(p=1.0)])


def test_image_column_augmented_other_columns_kept():
    batch = {"image": X, "id": np.arange(12), "note": np.array(["x"] * 12, dtype=object)}
    out = RayAugment(FLIP, seed=0)(batch)
    np.testing.assert_array_equal(out["image"], X[:, :, ::-1])
    assert out["id"] is batch["id"] and out["note"] is batch["note"]
    assert batch["image"] is X  # the caller's batch is not changed


def test_seeded_batches_repeat_and_depend_on_content_key_and_epoch():
    pipe = augkit.Compose([A.Rotate(limit=40, p=1.0), A.ColorJitter(p=1.0)])
    batch = {"image": X, "id": np.arange(12)}
    fn = RayAugment(pipe, seed=5)
    first = fn(batch)["image"]
    np.testing.assert_array_equal(first, RayAugment(pipe, seed=5)(dict(batch))["image"])
    assert not np.array_equal(first, RayAugment(pipe, seed=6)(batch)["image"])
    assert not np.array_equal(first, RayAugment(pipe, seed=5, epoch=1)(batch)["image"])
    assert not np.array_equal(first, fn({"image": X[::-1].copy()})["image"][::-1])
    keyed = RayAugment(pipe, seed=5, key_column="id")
    a = keyed(batch)["image"]
    b = keyed({"image": X.copy(), "id": np.arange(12)})["image"]
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, keyed({"image": X, "id": np.arange(12) + 1})["image"])
    unseeded = RayAugment(pipe)
    assert not np.array_equal(unseeded(batch)["image"], unseeded(batch)["image"])


def test_labels_go_in_and_mixed_labels_come_out():
    label = np.arange(12) % 3
    out = RayAugment(augkit.Compose([A.MixUp(num_classes=3, p=1.0)]), label_column="label",
                     seed=1)({"image": X, "label": label})
    assert out["label"].shape == (12, 3) and np.allclose(out["label"].sum(1), 1.0)
    plain = RayAugment(FLIP, label_column="label", seed=1)({"image": X, "label": label})
    np.testing.assert_array_equal(plain["label"], label)


def test_ragged_images_texts_and_series():
    ragged = np.empty(2, dtype=object)
    ragged[0], ragged[1] = X[0], X[1, :5]
    out = RayAugment(FLIP, seed=0)({"image": ragged})
    assert out["image"].dtype == object
    np.testing.assert_array_equal(out["image"][1], X[1, :5, ::-1])
    texts = np.array(["a good movie", "the plot is thin and slow"], dtype=object)
    said = RayAugment(T.RandomSwap(p=1.0), seed=0)({"text": texts})["text"]
    assert [sorted(t.split()) for t in said] == [sorted(t.split()) for t in texts]
    series = np.random.default_rng(1).normal(size=(4, 30, 2)).astype(np.float32)
    moved = RayAugment(TS.Scaling(factor=(0.5, 0.8), p=1.0), seed=0)({"series": series})["series"]
    assert moved.shape == series.shape and not np.allclose(moved, series)
    assert RayAugment(FLIP)({"image": X[:0]})["image"].shape == (0, 8, 10, 3)


@pytest.mark.parametrize("args, kwargs, error, said", [
    ((FLIP,), {"column": ""}, TypeError, "'column'"),
    ((FLIP,), {"seed": -1}, ValueError, "'seed'"),
    ((FLIP,), {"epoch": 1.5}, (TypeError, ValueError), "'epoch'"),
    (("not a pipeline",), {}, TypeError, "pipeline"),
])
def test_bad_arguments_name_argument_and_value(args, kwargs, error, said):
    with pytest.raises(error, match=said):
        RayAugment(*args, **kwargs)


def test_bad_batches_say_what_was_expected():
    with pytest.raises(KeyError, match="no column 'image'; columns: 'pixels'"):
        RayAugment(FLIP)({"pixels": X})
    with pytest.raises(TypeError, match="batch_format='numpy'"):
        RayAugment(FLIP)([X])


@needs_ray_data
def test_ray_data_map_batches_covers_every_row_and_repeats_under_a_seed(ray_session):
    rows = [{"image": X[i % 12], "id": i, "label": i % 3} for i in range(48)]
    ds = ray.data.from_items(rows).repartition(4)
    pipe = augkit.Compose([A.HorizontalFlip(p=0.5), A.ColorJitter(p=1.0)])
    fn = RayAugment(pipe, label_column="label", key_column="id", seed=3)

    def run():
        return ds.map_batches(fn, batch_format="numpy", batch_size=12).take_all()

    out = run()
    assert sorted(r["id"] for r in out) == list(range(48))
    assert all(r["label"] == r["id"] % 3 for r in out)
    first = {r["id"]: r["image"] for r in out}
    again = {r["id"]: r["image"] for r in run()}
    assert all(np.array_equal(first[k], again[k]) for k in first)
    # the batches ran where Ray put them, and each one is the callable on that batch alone
    direct = fn({"image": np.stack([X[i % 12] for i in range(12)]), "id": np.arange(12),
                 "label": np.arange(12) % 3})["image"]
    assert all(np.array_equal(first[i], direct[i]) for i in range(12))
    assert len({r["image"].tobytes() for r in out}) > 12  # copies of one image differ
