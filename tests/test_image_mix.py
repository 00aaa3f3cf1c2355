"""MixUp, CutMix, Mosaic and CopyAndPaste: pixels, label mixing, boxes, instance masks and the
batch-only contract."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.image.mix import CopyAndPaste, CutMix, MixUp, Mosaic


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
    paste = CopyAndPaste(min_visibility_after_paste=0.2, blend_mode="gaussian",
                         blend_sigma_range=(0.5, 2.0), scale_range=(0.5, 1.5), min_paste_area=4,
                         p=0.6)
    for transform in (MixUp(alpha=0.3, num_classes=5, p=0.5), CutMix(alpha=2.0), mosaic, paste):
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


def _box_mask(h, w, top, left, bottom, right, dtype=np.uint8):
    m = np.zeros((h, w), dtype)
    m[top:bottom, left:right] = 1
    return m


def _two_samples(dtype=np.uint8, channels=(3,)):
    """Two random images; sample 0 has instance A (rows 2:10, cols 2:12), sample 1 instance B
    (rows 0:16, cols 8:20), which covers the right part of A when pasted onto sample 0."""
    rng = np.random.default_rng(0)
    shape = (2, 16, 24) + channels
    images = (rng.random(shape, dtype=np.float32) if dtype == np.float32 else
              rng.integers(0, np.iinfo(dtype).max, shape, dtype=dtype))
    masks = [[_box_mask(16, 24, 2, 2, 10, 12)], [_box_mask(16, 24, 0, 8, 16, 20)]]
    boxes = [[[2, 2, 12, 10]], [[8, 0, 20, 16]]]
    return images, masks, boxes


@pytest.mark.parametrize("dtype,channels", [(np.uint8, (3,)), (np.uint16, ()),
                                            (np.float32, (3,)), (np.float32, ())])
def test_copy_and_paste_hard_pastes_partner_pixels_and_occludes_own_masks(dtype, channels):
    images, masks, boxes = _two_samples(dtype, channels)
    out = CopyAndPaste(min_visibility_after_paste=0.0).batch(
        images, masks=masks, bboxes=boxes, labels=[["A"], ["B"]], seed=0, return_records=True)
    assert out["images"].dtype == images.dtype and out["images"].shape == images.shape
    prm = out["records"][0].steps[0].params
    assert prm["partner"] == 1 and prm["instances"] == [0] and prm["offset"] == [0, 0]
    pasted = masks[1][0].astype(bool)
    got = out["images"][0]
    np.testing.assert_array_equal(got[pasted], images[1][pasted])  # the partner's pixels
    np.testing.assert_array_equal(got[~pasted], images[0][~pasted])  # the rest untouched
    own, theirs = out["masks"][0]
    np.testing.assert_array_equal(own, masks[0][0] * ~pasted)  # exactly the pasted pixels lost
    np.testing.assert_array_equal(theirs, masks[1][0])
    # A keeps rows 2:10, cols 2:8: its box shrinks to that; B's box is its mask's
    np.testing.assert_allclose(out["bboxes"][0], [[2, 2, 8, 10], [8, 0, 20, 16]])
    assert list(out["labels"][0]) == ["A", "B"]
    np.testing.assert_array_equal(out["bbox_indices"][0], [0, 1])
    # sample 1 gets A, which B's remaining pixels (rows 0:16, cols 8:20 less A) surround
    np.testing.assert_allclose(out["bboxes"][1], [[8, 0, 20, 16], [2, 2, 12, 10]])


def test_copy_and_paste_drops_instances_below_min_visibility_and_min_paste_area():
    images, masks, boxes = _two_samples()
    # A keeps 6 x 8 = 48 of its 80 pixels (0.6): kept at 0.5, dropped at 0.7
    kept = CopyAndPaste(min_visibility_after_paste=0.5).batch(
        images, masks=masks, bboxes=boxes, labels=[["A"], ["B"]], seed=0)
    assert len(kept["masks"][0]) == 2 and list(kept["labels"][0]) == ["A", "B"]
    dropped = CopyAndPaste(min_visibility_after_paste=0.7).batch(
        images, masks=masks, bboxes=boxes, labels=[["A"], ["B"]], seed=0)
    assert len(dropped["masks"][0]) == 1 and list(dropped["labels"][0]) == ["B"]
    np.testing.assert_array_equal(dropped["masks"][0][0], masks[1][0])
    np.testing.assert_allclose(dropped["bboxes"][0], [[8, 0, 20, 16]])
    # the dropped instance's remaining pixels stay in the image
    np.testing.assert_array_equal(dropped["images"][0], kept["images"][0])
    # min_paste_area: A keeps 48 pixels (dropped at 49); B (192 pixels) is not pasted at 200
    small = CopyAndPaste(min_visibility_after_paste=0.0, min_paste_area=49).batch(
        images, masks=masks, bboxes=boxes, seed=0)
    assert [len(m) for m in small["masks"]] == [1, 2]  # sample 1: B keeps 160, A pasted
    none = CopyAndPaste(min_paste_area=200).batch(images, masks=masks, bboxes=boxes, seed=0)
    np.testing.assert_array_equal(none["images"], images)
    np.testing.assert_array_equal(none["masks"][0][0], masks[0][0])


def test_copy_and_paste_scaled_partner_masks_boxes_and_pixels_stay_aligned():
    rng = np.random.default_rng(3)
    h, w = 40, 48
    images = np.zeros((2, h, w, 3), np.uint8)
    images[1, 8:24, 10:30] = 200  # the partner's object, on a black background
    masks = [[_box_mask(h, w, 30, 40, 36, 46)], [_box_mask(h, w, 8, 10, 24, 30)]]
    out = CopyAndPaste(scale_range=(0.5, 2.0), min_visibility_after_paste=0.0).batch(
        images, masks=masks, seed=int(rng.integers(1000)), return_records=True)
    prm = out["records"][0].steps[0].params
    assert prm["scale"] != 1.0
    theirs = out["masks"][0][-1].astype(bool)
    assert theirs.any()
    # the pasted mask is the partner's, nearest-resized and moved by the drawn offset
    nh, nw = round(h * prm["scale"]), round(w * prm["scale"])
    oy, ox = prm["offset"]
    ys, xs = np.nonzero(theirs)
    expect = np.array([10 * nw / w + ox, 8 * nh / h + oy, 30 * nw / w + ox, 24 * nh / h + oy])
    got = np.array([xs.min(), ys.min(), xs.max() + 1, ys.max() + 1], float)
    np.testing.assert_allclose(got, np.clip(expect, 0, [w, h, w, h]), atol=1.0)
    # pixels under the pasted mask are the object's, away from its (interpolated) edges
    inner = np.zeros_like(theirs)
    inner[1:-1, 1:-1] = theirs[1:-1, 1:-1] & theirs[:-2, 1:-1] & theirs[2:, 1:-1] & (
        theirs[1:-1, :-2] & theirs[1:-1, 2:])
    assert (out["images"][0][inner] == 200).all()
    assert (out["images"][0][~theirs] == 0).all()  # nothing else was pasted
    # with boxes: each box is its mask's tight box at every scale drawn
    for seed in range(6):
        res = CopyAndPaste(scale_range=(0.5, 2.0), min_visibility_after_paste=0.0).batch(
            images, masks=masks, bboxes=[[[40, 30, 46, 36]], [[10, 8, 30, 24]]], seed=seed)
        for ms, bs in zip(res["masks"], res["bboxes"], strict=True):
            for m, b in zip(ms, bs, strict=True):
                ys, xs = np.nonzero(m)
                np.testing.assert_allclose(b, [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])


def test_copy_and_paste_gaussian_blends_edges_only():
    images, masks, _ = _two_samples()
    out = CopyAndPaste(blend_mode="gaussian", blend_sigma_range=(1.0, 1.0)).batch(
        images, masks=masks, seed=0, return_records=True)
    assert out["records"][0].steps[0].params["sigma"] == 1.0
    got = out["images"][0].astype(int)
    # deep inside B (3 sigma from its edges): the partner's pixels; far outside: the sample's
    np.testing.assert_array_equal(got[4:12, 12:16], images[1][4:12, 12:16])
    np.testing.assert_array_equal(got[:, :4], images[0][:, :4])
    edge = got[:, 7:9]  # across B's left edge: between the two images
    lo = np.minimum(images[0][:, 7:9], images[1][:, 7:9]).astype(int)
    hi = np.maximum(images[0][:, 7:9], images[1][:, 7:9]).astype(int)
    assert ((edge >= lo) & (edge <= hi)).all()
    assert not np.array_equal(got[:, 7:9], images[1][:, 7:9])
    np.testing.assert_array_equal(out["masks"][0][-1], masks[1][0])  # targets: hard masks


def test_copy_and_paste_label_map_keypoints_and_unchanged_cases():
    images, masks, boxes = _two_samples()
    label_map = [masks[0][0] * 3, masks[1][0] * 5]
    points = [[[3.0, 3.0], [10.5, 5.0]], [[1.0, 1.0]]]
    out = CopyAndPaste(min_visibility_after_paste=0.0).batch(
        images, masks=masks, mask=label_map, keypoints=points, label=[0, 1], seed=0)
    pasted = masks[1][0].astype(bool)
    np.testing.assert_array_equal(out["mask"][0], np.where(pasted, 5, label_map[0]))
    np.testing.assert_allclose(out["keypoints"][0], points[0])  # kept, not removed
    np.testing.assert_array_equal(out["keypoints_visible"][0], [True, False])  # (10.5, 5): B
    np.testing.assert_array_equal(out["label"], [0, 1])
    # no instance masks, or one image: nothing to paste, nothing recorded
    alone = CopyAndPaste().batch(images, mask=label_map, seed=0, return_records=True)
    np.testing.assert_array_equal(alone["images"], images)
    assert all(not r.steps for r in alone["records"])
    one = CopyAndPaste().batch(images[:1], masks=masks[:1], seed=0, return_records=True)
    np.testing.assert_array_equal(one["images"], images[:1])
    assert not one["records"][0].steps
    empty = CopyAndPaste().batch(images, masks=[masks[0], [np.zeros((16, 24), np.uint8)]],
                                 seed=0, return_records=True)
    assert not empty["records"][0].steps and empty["records"][1].steps


def test_copy_and_paste_images_of_different_sizes_and_mask_arrays():
    rng = np.random.default_rng(5)
    images = [rng.integers(0, 255, (h, w, 3), dtype=np.uint8) for h, w in ((20, 30), (36, 24))]
    masks = [np.stack([_box_mask(20, 30, 2, 2, 18, 28)]), np.stack([_box_mask(36, 24, 4, 4, 30,
                                                                               20)])]
    out = CopyAndPaste(min_visibility_after_paste=0.0).batch(images, masks=masks, seed=1,
                                                               return_records=True)
    assert [im.shape for im in out["images"]] == [(20, 30, 3), (36, 24, 3)]
    for i in range(2):
        got = out["masks"][i]
        assert isinstance(got, np.ndarray) and got.shape[1:] == images[i].shape[:2]
        offset = out["records"][i].steps[0].params["offset"]
        j = 1 - i
        # a crop or pad of the partner at the drawn offset: its pixels under its mask
        under = got[-1].astype(bool)
        ys, xs = np.nonzero(under)
        np.testing.assert_array_equal(out["images"][i][under],
                                      images[j][ys - offset[0], xs - offset[1]])


def test_copy_and_paste_is_deterministic_and_refuses_bad_input():
    images, masks, boxes = _two_samples()
    aug = CopyAndPaste(scale_range=(0.5, 1.5), blend_mode="gaussian")
    a = aug.batch(images, masks=masks, bboxes=boxes, seed=4)
    b = CopyAndPaste(scale_range=(0.5, 1.5), blend_mode="gaussian").batch(
        images, masks=masks, bboxes=boxes, seed=4)
    np.testing.assert_array_equal(a["images"], b["images"])
    for x, y in zip(a["masks"], b["masks"], strict=True):
        np.testing.assert_array_equal(np.stack(x), np.stack(y))
    np.testing.assert_array_equal(np.concatenate(a["bboxes"]), np.concatenate(b["bboxes"]))
    with pytest.raises(TypeError, match="CopyAndPaste mixes the samples of a batch"):
        CopyAndPaste()(image=images[0], masks=masks[0])
    with pytest.raises(ValueError, match=r"CopyAndPaste: argument 'scale_range' got \(2, 1\)"):
        CopyAndPaste(scale_range=(2, 1))
    with pytest.raises(ValueError, match=r"'blend_mode' got 'soft'; expected one of"):
        CopyAndPaste(blend_mode="soft")
    with pytest.raises(ValueError, match="'min_visibility_after_paste' got -0.1"):
        CopyAndPaste(min_visibility_after_paste=-0.1)
    with pytest.raises(TypeError, match="'min_paste_area' got 1.5"):
        CopyAndPaste(min_paste_area=1.5)
    with pytest.raises(ValueError, match="sample 1 has 2 boxes and 1 masks"):
        CopyAndPaste().batch(images, masks=masks, bboxes=[boxes[0], boxes[1] * 2])


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("mode", ["hard", "gaussian"])
def test_copy_and_paste_keeps_nonfinite_pixels_local(mode):
    images, masks, _ = _two_samples(np.float32)
    images[1, 5, 10] = np.nan  # under B: pasted onto sample 0
    images[1, 5, 22] = np.inf  # outside B: stays in sample 1 only
    out = CopyAndPaste(blend_mode=mode, scale_range=(0.8, 1.25)).batch(images, masks=masks,
                                                                        seed=1)
    for i, got in enumerate(out["images"]):
        bad = (~np.isfinite(got)).any(axis=-1)
        assert bad.sum() <= 4, (i, bad.sum())  # at most duplicated by the upscale
        assert not np.isnan(got).any() or i == 0 or np.isnan(images[i]).any()
