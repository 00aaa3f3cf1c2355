"""MixUp, CutMix and Mosaic: pixels, label mixing, boxes and the batch-only contract."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.image.mix import CutMix, MixUp, Mosaic


def _flat_images(n=6, h=20, w=24):
    """Sample i is a constant image of value 10 * (i + 1): every pixel names its source."""
    return np.stack([np.full((h, w, 3), 10 * (i + 1), np.uint8) for i in range(n)])


def test_mixup_blends_pixels_and_labels_with_the_same_weight():
    images = _flat_images()
    out = MixUp(alpha=0.5, num_classes=6).batch(images, label=np.arange(6), seed=1,
                                                return_records=True)
    for i, record in enumerate(out["records"]):
        prm = record.steps[0].params
        lam, j = prm["lam"], prm["partner"]
        expected = np.rint(lam * 10 * (i + 1) + (1 - lam) * 10 * (j + 1))
        assert abs(int(out["images"][i, 0, 0, 0]) - expected) <= 1
        want = np.zeros(6, np.float32)
        want[i] += lam
        want[j] += 1 - lam
        np.testing.assert_allclose(out["label"][i], want, atol=1e-6)


def test_cutmix_label_weight_is_the_pasted_area():
    images = _flat_images()
    out = CutMix(alpha=1.0, num_classes=6).batch(images, label=np.arange(6), seed=2,
                                                 return_records=True)
    for i, record in enumerate(out["records"]):
        prm = record.steps[0].params
        j, (t, left, b, r) = prm["partner"], prm["rect"]
        img = out["images"][i, :, :, 0]
        pasted = img == 10 * (j + 1)
        if j != i:
            assert pasted.sum() == (b - t) * (r - left)
            assert pasted[t:b, left:r].all()
        share = (b - t) * (r - left) / (20 * 24)
        assert out["label"][i, j] == pytest.approx(share + (1 - share) * (i == j), abs=1e-6)
        assert out["label"][i].sum() == pytest.approx(1.0)


def test_cutmix_boxes_add_partner_boxes_clipped_to_the_rectangle():
    images = _flat_images(n=2)
    boxes = [[[0, 0, 24, 20]], [[0, 0, 24, 20]]]  # each box covers its whole image
    out = CutMix(alpha=1.0, num_classes=2).batch(
        images, label=[0, 1], bboxes=boxes, labels=[["a"], ["b"]], seed=3,
        return_records=True)
    for i, record in enumerate(out["records"]):
        t, left, b, r = record.steps[0].params["rect"]
        got = out["bboxes"][i]
        if (b - t) * (r - left) == 0:
            continue
        assert out["labels"][i][0] == ["a", "b"][i]
        np.testing.assert_allclose(got[-1], [left, t, r, b])  # the partner's, clipped


def test_mosaic_tiles_sources_and_moves_their_boxes():
    images = _flat_images(n=4, h=20, w=20)
    boxes = [[[0, 0, 20, 20]]] * 4
    out = Mosaic(40, 40, num_classes=4).batch(images, label=np.arange(4), bboxes=boxes,
                                              labels=[[k] for k in range(4)], seed=4,
                                              return_records=True)
    assert out["images"].shape == (4, 40, 40, 3)
    for i, record in enumerate(out["records"]):
        cx, cy = record.steps[0].params["center"]
        sources = [i] + record.steps[0].params["partners"]
        img = out["images"][i, :, :, 0]
        assert img[0, 0] == 10 * (sources[0] + 1) and img[-1, -1] == 10 * (sources[3] + 1)
        # the top-left box now covers exactly the top-left tile
        np.testing.assert_allclose(out["bboxes"][i][0], [0, 0, cx, cy])
        assert out["label"][i].sum() == pytest.approx(1.0)
        weights = np.bincount(sources, weights=[cx * cy, (40 - cx) * cy, cx * (40 - cy),
                                                (40 - cx) * (40 - cy)], minlength=4) / 1600
        np.testing.assert_allclose(out["label"][i], weights, atol=1e-6)


def test_mosaic_accepts_images_of_different_sizes_and_masks():
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 255, (h, 30, 3), dtype=np.uint8) for h in (20, 30, 40)]
    masks = [np.ones(im.shape[:2], np.uint8) for im in images]
    out = Mosaic(32, 32).batch(images, mask=masks, seed=0)
    assert out["images"].shape == (3, 32, 32, 3) and out["mask"].shape == (3, 32, 32)
    assert out["mask"].all()


def test_mosaic_records_only_drawn_samples_and_tiles_skipped_ones_alone():
    images = _flat_images(n=8, h=20, w=20)
    out = Mosaic(40, 40, num_classes=8, p=0.5).batch(images, label=np.arange(8), seed=6,
                                                     return_records=True)
    drawn = [bool(r.steps) for r in out["records"]]
    assert 0 < sum(drawn) < 8  # this seed draws some samples and skips others
    for i, record in enumerate(out["records"]):
        if drawn[i]:
            assert record.steps[0].transform["type"] == "Mosaic"
            continue
        # skipped: the sample alone, resized to the canvas, its own label untouched
        np.testing.assert_array_equal(out["images"][i], np.full((40, 40, 3), 10 * (i + 1)))
        np.testing.assert_array_equal(out["label"][i], np.eye(8, dtype=np.float32)[i])
    nothing = Mosaic(40, 40, p=0.0).batch(images, return_records=True)
    assert all(not r.steps for r in nothing["records"])
    assert nothing["images"].shape == (8, 40, 40, 3)  # still on the canvas


def test_mix_in_a_compose_batch_and_determinism():
    images = _flat_images()
    aug = augkit.Compose([A.HorizontalFlip(), MixUp(num_classes=6)], seed=5)
    a = aug.batch(images, label=np.arange(6))
    b = augkit.Compose([A.HorizontalFlip(), MixUp(num_classes=6)], seed=5).batch(
        images, label=np.arange(6))
    np.testing.assert_array_equal(a["images"], b["images"])
    np.testing.assert_array_equal(a["label"], b["label"])


def test_single_calls_and_bad_arguments_are_refused_clearly():
    with pytest.raises(TypeError, match="MixUp mixes the samples of a batch"):
        MixUp()(image=np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(ValueError, match="MixUp.*'alpha'"):
        MixUp(alpha=0)
    with pytest.raises(ValueError, match="num_classes"):
        CutMix().batch(_flat_images(), label=np.arange(6))
    with pytest.raises(ValueError, match="Mosaic.*'center_range'"):
        Mosaic(8, 8, center_range=(0.5, 1.5))
    with pytest.raises(ValueError, match="one size"):
        MixUp().batch([np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4, 3), np.uint8)])


def test_mix_ops_round_trip_through_configs(tmp_path):
    mosaic = Mosaic(16, 24, center_range=(0.3, 0.6), interpolation="nearest", num_classes=4,
                    p=0.7)
    for transform in (MixUp(alpha=0.3, num_classes=5, p=0.5), CutMix(alpha=2.0), mosaic):
        assert augkit.registered()[type(transform).__name__] is type(transform)
        config = transform.to_dict()
        assert augkit.from_dict(config) == transform
        augkit.save(augkit.Compose([transform]), tmp_path / "mix.yaml")
        assert augkit.load(tmp_path / "mix.yaml") == augkit.Compose([transform])
    assert augkit.from_dict(mosaic.to_dict()).center_range == (0.3, 0.6)


def test_mosaic_skipped_sample_keeps_only_its_own_targets():
    images = _flat_images(n=3, h=16, w=16)
    out = Mosaic(16, 16, p=0.0).batch(images, keypoints=[[[3.0, 4.0]]] * 3,
                                      bboxes=[[[1, 1, 5, 5]]] * 3, seed=0)
    np.testing.assert_array_equal(out["images"], images)
    assert all(len(k) == 1 for k in out["keypoints"])
    np.testing.assert_allclose(out["keypoints"][0], [[3.0, 4.0]])


def test_integer_labels_become_one_hot_rows_without_a_k_by_k_table():
    import tracemalloc

    from augkit.image.functional.mix import soft_labels

    images = _flat_images(n=4, h=8, w=8)
    label = np.array([0, 99_999, 5, 99_999])
    want = np.zeros((4, 100_000), np.float32)
    want[np.arange(4), label] = 1.0
    np.testing.assert_array_equal(soft_labels(label, 100_000, "MixUp"), want)
    tracemalloc.start()
    out = MixUp(num_classes=100_000).batch(images, label=label, seed=0)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20 * want.nbytes  # a few N x K float32 arrays (np.eye: 40 GB)
    np.testing.assert_allclose(out["label"].sum(axis=1), 1.0, rtol=1e-6)
    assert set(np.flatnonzero(out["label"].any(axis=0))) <= set(label.tolist())
    with augkit.override_limits(max_output_bytes=1000), pytest.raises(
            ValueError, match=r"CutMix: one-hot labels of 4 x 100000 float32 would take "
                              r"1\.5 MiB, above the limit"):
        CutMix(num_classes=100_000).batch(images, label=label, seed=0)
