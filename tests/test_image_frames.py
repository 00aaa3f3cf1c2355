"""Clips (``frames=``), views of a scene (``views=``), batches of clips and MultiView."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import image as A
from augkit.core.group import PER_MEMBER
from augkit.image.base import GeometricTransform
from tests.cases_image import EXACT, mask_box
from tests.conformance_cases import CASES
from tests.helpers import assert_same

# every modality's cases, as the conformance suite loads them (the image ones are picked)
for _module in pkgutil.iter_modules([os.path.dirname(__file__)]):
    if _module.name.startswith("cases_"):
        importlib.import_module(f"tests.{_module.name}")

IMAGE_CASES = sorted(n for n, c in CASES.items()
                     if not c.batch_only and c.build().modality == "image")
T, H, W = 3, 16, 20
TARGETS = ("mask", "masks", "bboxes", "labels", "keypoints")


def clip_data(name: str) -> tuple[dict, list[dict]]:
    """T frames of the case's own data (one seed per frame), as frames= keywords, and the
    per-frame single-image keywords."""
    per_frame = [CASES[name].data(np.random.default_rng(t)) for t in range(T)]
    clip = {"frames": np.stack([d["image"] for d in per_frame])}
    for key in per_frame[0]:
        if key == "label":  # the class of the whole clip: the key frame's
            clip[key] = per_frame[0][key]
            for d in per_frame:
                d[key] = clip[key]
        elif key != "image":
            clip[key] = [d[key] for d in per_frame]
    return clip, per_frame


def frame_of(out: dict, t: int, kind: str = "frames") -> dict:
    """Frame ``t`` of a clip output, in a single call's layout."""
    single = {"image": out[kind][t]}
    for key, value in out.items():
        if key == "label":  # the clip's class, once
            single[key] = value
        elif key not in (kind, "record"):
            single[key] = value[t]
    return single


def small_clip(seed: int = 0, t: int = T) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (t, H, W, 3), dtype=np.uint8)


# -- every registered image transform ------------------------------------------------------------
@pytest.mark.parametrize("name", IMAGE_CASES)
def test_clip_equals_each_frame_with_the_clip_record(name):
    clip, per_frame = clip_data(name)
    transform = CASES[name].build()
    out = transform(**clip, seed=4, return_record=True)
    record = out["record"]
    assert all(PER_MEMBER not in s.params for s in record.steps), "shared steps drew per frame"
    assert isinstance(out["frames"], np.ndarray) or len(out["frames"]) == T
    for t in range(T):
        reference = record.apply(**per_frame[t])
        assert_same(frame_of(out, t), reference, f"{name} frame {t}")
        if CASES[name].check is not None:  # the modality's alignment rules, per frame
            CASES[name].check(per_frame[t], frame_of(out, t))
    # the key frame is what a single call with the same seed gives
    assert_same(frame_of(out, 0), transform(**per_frame[0], seed=4), f"{name} key frame")
    # and the record replays the clip after JSON
    replayed = augkit.Record.from_json(record.to_json()).apply(**clip)
    assert_same({k: v for k, v in out.items() if k != "record"}, replayed)


@pytest.mark.parametrize("name", sorted(n for n in IMAGE_CASES
                                        if issubclass(augkit.registered()[n],
                                                      GeometricTransform)))
def test_geometric_ops_keep_per_frame_targets_aligned(name):
    """Each frame has its own box, mask region and keypoint; all move with that frame."""
    base = CASES[name].data(np.random.default_rng(0))
    h, w = base["image"].shape[:2]
    masks, boxes, points = [], [], []
    for t in range(T):
        x0, y0 = 8 + 4 * t, 6 + 3 * t
        box = [x0, y0, x0 + 14, y0 + 12]
        mask = np.zeros((h, w), np.uint8)
        mask[y0:y0 + 12, x0:x0 + 14] = 1
        masks.append(mask)
        boxes.append([box])
        points.append([[x0 + 7.0, y0 + 6.0]])
    frames = np.stack([base["image"]] * T)
    out = CASES[name].build()(frames=frames, mask=np.stack(masks), bboxes=boxes,
                              labels=[["a"]] * T, keypoints=points, seed=2)
    assert out["mask"].shape[0] == T
    tolerance = 1e-9 if name in EXACT else 1.6
    for t in range(T):
        drawn = mask_box(out["mask"][t])
        if len(out["bboxes"][t]):
            assert drawn is not None, f"{name} frame {t}: box kept, mask region gone"
            np.testing.assert_allclose(out["bboxes"][t][0], drawn, atol=tolerance)
        if out["keypoints_visible"][t][0]:
            x, y = out["keypoints"][t][0]
            assert out["mask"][t][int(y), int(x)] == 1, f"{name} frame {t}: keypoint moved off"


# -- shared and per-frame modes -------------------------------------------------------------------
PIPELINE = [A.HorizontalFlip(p=0.5), A.RandomCrop(10, 12), A.Rotate(limit=20),
            A.ColorJitter(), A.GaussianNoise(p=1.0)]


def test_shared_mode_moves_every_frame_the_same():
    frame = small_clip(1, 1)[0]
    aug = augkit.Compose(PIPELINE, seed=3)
    out = aug(frames=np.stack([frame] * T))
    for t in range(1, T):
        np.testing.assert_array_equal(out["frames"][t], out["frames"][0])


def test_per_frame_mode_differs_across_frames_and_replays():
    frame = small_clip(1, 1)[0]
    clip = np.stack([frame] * T)
    aug = augkit.Compose(PIPELINE, seed=3, targets={"frame_mode": "per_frame"})
    out = aug(frames=clip, return_record=True)
    assert not np.array_equal(out["frames"][0], out["frames"][1])
    record = augkit.Record.from_json(out["record"].to_json())
    assert all(PER_MEMBER in s.params for s in record.steps)
    np.testing.assert_array_equal(record.apply(frames=clip)["frames"], out["frames"])
    # the per-call option does the same as the stored one
    again = augkit.Compose(PIPELINE, seed=3)(frames=clip, frame_mode="per_frame")
    np.testing.assert_array_equal(again["frames"], out["frames"])


def test_per_frame_mode_keeps_each_frames_targets():
    clip = small_clip(2)
    boxes = [[[2, 2, 8, 8]], [[4, 4, 12, 10]], [[1, 3, 6, 9]]]
    aug = augkit.Compose([A.Rotate(limit=30, p=1.0), A.Brightness(p=1.0)], seed=1)
    out = aug(frames=clip, bboxes=boxes, labels=[[0], [1], [2]], frame_mode="per_frame",
              return_record=True)
    for t in range(T):  # frame t alone, from its own parameters
        one = out["record"].member(t)
        assert one.names == ["Rotate", "Brightness"]
        assert all(PER_MEMBER not in s.params for s in one.steps)
        ref = one.apply(image=clip[t], bboxes=boxes[t], labels=[t])
        np.testing.assert_array_equal(out["frames"][t], ref["image"])
        np.testing.assert_allclose(out["bboxes"][t], ref["bboxes"])
        assert out["labels"][t] == ref["labels"]
    with pytest.raises(IndexError, match="drawn for 3 members; no member 3"):
        out["record"].member(3)


def test_containers_choose_once_per_clip():
    aug = augkit.Compose([augkit.OneOf([A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0)])],
                         seed=0)
    for _ in range(5):
        out = aug(frames=small_clip(), frame_mode="per_frame", return_record=True)
        assert len(out["record"].steps) == 1  # one op chosen for the whole clip


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), t=st.integers(1, 4),
       op=st.sampled_from(["Rotate", "RandomResizedCrop", "ColorJitter", "Cutout", "Affine",
                           "GaussianNoise", "ElasticTransform", "HueSaturationValue"]))
def test_repeated_frame_clip_equals_single_call(seed, t, op):
    """Invariant: a clip of one frame repeated, in shared mode, is that frame's single call
    (same seed) in every position."""
    transform = CASES[op].build()
    data = CASES[op].data(np.random.default_rng(0))
    single = transform(**data, seed=seed)
    clip = transform(frames=np.stack([data["image"]] * t), mask=[data["mask"]] * t,
                     bboxes=[data["bboxes"]] * t, labels=[data["labels"]] * t,
                     keypoints=[data["keypoints"]] * t, seed=seed)
    for i in range(t):
        assert_same(frame_of(clip, i), single)


def test_frames_as_a_list_and_grey_frames():
    frames = list(small_clip(3))
    out = A.HorizontalFlip(p=1.0)(frames=frames)
    assert isinstance(out["frames"], np.ndarray) and out["frames"].shape == (T, H, W, 3)
    np.testing.assert_array_equal(out["frames"][1], frames[1][:, ::-1])
    grey = small_clip(3)[..., 0]
    out = A.VerticalFlip(p=1.0)(frames=grey, mask=grey > 100)
    assert out["frames"].shape == (T, H, W) and out["mask"].dtype == bool
    np.testing.assert_array_equal(out["mask"], (grey > 100)[:, ::-1])


def test_outputs_never_share_memory_with_inputs():
    clip = small_clip()
    mask = (clip[..., 0] > 128).astype(np.uint8)
    out = A.Brightness(p=0.0)(frames=clip, mask=mask)  # skipped: everything as it came
    np.testing.assert_array_equal(out["frames"], clip)
    assert not np.shares_memory(out["frames"], clip)
    assert not np.shares_memory(out["mask"], mask)


def test_masks_and_keypoints_arrays_come_back_as_arrays():
    clip = small_clip()
    masks = np.zeros((T, 2, H, W), np.uint8)
    masks[:, 0, 2:6, 3:9] = 1
    points = np.tile(np.array([[4.0, 3.0], [10.0, 8.0]]), (T, 1, 1))
    out = A.HorizontalFlip(p=1.0)(frames=clip, masks=masks, keypoints=points)
    assert out["masks"].shape == (T, 2, H, W) and out["keypoints"].shape == (T, 2, 2)
    assert out["keypoints_visible"].shape == (T, 2)
    np.testing.assert_array_equal(out["masks"], masks[..., ::-1])
    np.testing.assert_allclose(out["keypoints"][:, :, 0], W - points[:, :, 0])


# -- bad inputs -----------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"frames": [np.zeros((16, 20, 3), np.uint8), np.zeros((16, 21, 3), np.uint8)]},
     ValueError, r"'frames' frame 1 has shape \(16, 21, 3\).*frame 0 has \(16, 20, 3\).*views="),
    ({"frames": [np.zeros((16, 20), np.uint8), np.zeros((16, 20), np.float32)]},
     ValueError, r"'frames' frame 1 .*float32"),
    ({"frames": np.zeros((0, 16, 20, 3), np.uint8)}, ValueError,
     r"'frames' got array of shape \(0, 16, 20, 3\).*at least one frame"),
    ({"frames": []}, ValueError, r"'frames' got \[\].*at least one frame"),
    ({"frames": "clip.mp4"}, TypeError, r"'frames' got 'clip.mp4'.*\(T, H, W\[, C\]\)"),
    ({"frames": np.zeros((3, 16, 20, 3), np.int64)}, TypeError, r"'frames'.*int64"),
    ({"frames": small_clip(), "mask": np.zeros((2, H, W), np.uint8)}, ValueError,
     r"'mask' got array of shape \(2, 16, 20\).*one entry per frame: 3 \(got 2\)"),
    ({"frames": small_clip(), "bboxes": [[[1, 1, 4, 4]]] * 2}, ValueError,
     r"'bboxes'.*one entry per frame: 3 \(got 2\)"),
    ({"frames": small_clip(), "keypoints": [[[1.0, 1.0]]] * 4}, ValueError,
     r"'keypoints'.*one entry per frame: 3 \(got 4\)"),
    ({"frames": small_clip(), "bboxes": [[[1, 1, 4, 4]]] * 3, "labels": [[0]] * 3 + [[1]]},
     ValueError, r"'labels'.*one entry per frame: 3 \(got 4\)"),
    ({"frames": small_clip(), "mask": 5}, TypeError, r"'mask' got 5.*one entry per frame"),
    ({"frames": small_clip(), "mask": [np.zeros((H, W)), np.zeros((H, W + 1)), np.zeros((H, W))]},
     ValueError, r"'mask'.*\(16, 21\).*\(16, 20\).*frame 1 of 'frames'"),
    ({"frames": small_clip(), "image": small_clip()[0]}, ValueError,
     r"'frames', 'image'.*one of image="),
    ({"frames": small_clip(), "views": list(small_clip())}, ValueError, r"one of image="),
    ({"views": []}, ValueError, r"'views' got \[\].*at least one view"),
    ({"frames": small_clip(), "frame_mode": "wobbly"}, ValueError,
     r"'frame_mode' got 'wobbly'.*\['shared', 'per_frame', 'smooth'\]"),
    ({"frames": small_clip(), "depth": small_clip()}, ValueError, r"unknown keyword.*depth"),
])
def test_bad_clip_inputs_name_the_argument(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        A.HorizontalFlip(p=1.0)(**kwargs)


def test_per_frame_records_refuse_other_groups():
    out = A.Rotate(p=1.0)(frames=small_clip(), frame_mode="per_frame", return_record=True)
    with pytest.raises(ValueError, match="per frame or view.*frames="):
        out["record"].apply(image=small_clip()[0])
    with pytest.raises(ValueError, match="drawn for 3 members, replayed on 2"):
        out["record"].apply(frames=small_clip(t=2))


def test_shared_record_replays_on_one_frame():
    out = A.Rotate()(frames=small_clip(), return_record=True)
    np.testing.assert_array_equal(out["record"].apply(image=small_clip()[2])["image"],
                                  out["frames"][2])


# -- views of a scene -----------------------------------------------------------------------------
def test_views_of_one_size_share_parameters():
    img = small_clip(4, 1)[0]
    aug = augkit.Compose(PIPELINE, seed=5)
    out = aug(views=[img, img.copy()], return_record=True)
    np.testing.assert_array_equal(out["views"][0], out["views"][1])
    assert all(PER_MEMBER not in s.params for s in out["record"].steps)


def test_views_of_different_sizes():
    """Size-free draws are shared (flip, angle, colour factors, noise seed); pixel draws come
    from the same random numbers within each view's size; fixed sizes are kept."""
    rng = np.random.default_rng(6)
    left = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    right = rng.integers(0, 256, (2 * H, 2 * W, 3), dtype=np.uint8)
    aug = augkit.Compose([A.HorizontalFlip(p=1.0), A.Rotate(limit=30, p=1.0), A.ColorJitter(p=1.0),
                          A.RandomCrop(10, 12)], seed=2)
    boxes = [[[2, 2, 8, 8]], [[4, 4, 16, 16]]]
    out = aug(views=[left, right], bboxes=boxes, labels=[["a"], ["b"]], return_record=True)
    assert [v.shape for v in out["views"]] == [(10, 12, 3), (10, 12, 3)]
    steps = {s.transform["type"]: s.params for s in out["record"].steps}
    assert PER_MEMBER not in steps["Rotate"] and PER_MEMBER not in steps["ColorJitter"]
    crops = steps["RandomCrop"][PER_MEMBER]
    assert crops[0]["top"] <= H - 10 and crops[1]["top"] <= 2 * H - 10
    for key, small, large in (("top", H - 10 + 1, 2 * H - 10 + 1),
                              ("left", W - 12 + 1, 2 * W - 12 + 1)):
        # one random number scaled onto each view's range: about the same place
        assert abs(crops[0][key] / small - crops[1][key] / large) <= 1 / small + 1 / large
    replayed = augkit.Record.from_json(out["record"].to_json()).apply(
        views=[left, right], bboxes=boxes, labels=[["a"], ["b"]])
    assert_same({k: v for k, v in out.items() if k != "record"}, replayed)


def test_views_per_view_mode_is_independent():
    img = small_clip(4, 1)[0]
    out = A.Rotate(limit=40, p=1.0)(views=[img] * 4, frame_mode="per_frame", seed=0)
    assert len({o.tobytes() for o in out["views"]}) == 4


@pytest.mark.parametrize("name", IMAGE_CASES)
def test_every_op_runs_on_views_of_two_sizes(name):
    data = CASES[name].data(np.random.default_rng(0))
    image = data["image"]

    def doubled(a):
        return np.repeat(np.repeat(a, 2, axis=0), 2, axis=1)

    views = {"views": [image, doubled(image)]}
    if "mask" in data:
        views["mask"] = [data["mask"], doubled(data["mask"])]
    if "bboxes" in data:
        views["bboxes"] = [data["bboxes"], [[2 * v for v in data["bboxes"][0]]]]
        views["labels"] = [data["labels"]] * 2
    if "label" in data:  # the scene's class
        views["label"] = data["label"]
    if name == "GenerativeAugment":  # its model makes images of one size: it says so
        with pytest.raises(ValueError, match="the model makes 28x28 images; image 0 is 56x56"):
            CASES[name].build()(**views, seed=3)
        return
    out = CASES[name].build()(**views, seed=3, return_record=True)
    assert len(out["views"]) == 2
    for i, view in enumerate(views["views"]):
        assert out["views"][i].shape[2:] == view.shape[2:]
        if "mask" in out:
            assert out["mask"][i].shape == out["views"][i].shape[:2]
    replayed = out["record"].apply(**views)
    assert_same({k: v for k, v in out.items() if k != "record"}, replayed)
    # the key view gets what a single call with the same seed gives it
    key = {("image" if k == "views" else k): (v if k == "label" else v[0])
           for k, v in views.items()}
    assert_same(frame_of(out, 0, "views"), CASES[name].build()(**key, seed=3))


# -- batches of clips -----------------------------------------------------------------------------
def test_batch_of_clips_each_its_own_parameters():
    clips = np.stack([small_clip(s) for s in range(4)])
    masks = (clips[..., 0] > 128).astype(np.uint8)
    aug = augkit.Compose([A.HorizontalFlip(p=0.5), A.RandomCrop(10, 12), A.Brightness()],
                         seed=9)
    out = aug.batch(frames=clips, mask=list(masks), label=[0, 1, 2, 3], return_records=True)
    assert out["frames"].shape == (4, T, 10, 12, 3) and out["label"].tolist() == [0, 1, 2, 3]
    assert len(out["records"]) == 4 and len(out["mask"]) == 4
    for i in range(4):
        ref = out["records"][i].apply(frames=clips[i], mask=masks[i])
        np.testing.assert_array_equal(out["frames"][i], ref["frames"])
        np.testing.assert_array_equal(out["mask"][i], ref["mask"])
    tops = {s.params["top"] for r in out["records"] for s in r.steps
            if s.transform["type"] == "RandomCrop"}
    assert len(tops) > 1  # clips draw their own parameters


def test_batch_of_clips_errors():
    aug = A.HorizontalFlip()
    with pytest.raises(ValueError, match="got more than one of them; give images"):
        aug.batch(small_clip(), frames=[small_clip()])
    with pytest.raises(ValueError, match=r"got no images; .*aug.batch\(frames=\[clip"):
        aug.batch()
    with pytest.raises(ValueError, match=r"'mask'.*one entry per sample of the batch \(2\)"):
        aug.batch(frames=[small_clip(), small_clip()], mask=[np.zeros((T, H, W))])
    with pytest.raises(ValueError, match=r"frame 1 of 'frames'.*sample 1 of the batch"):
        aug.batch(frames=[small_clip(), small_clip()],
                  mask=[np.zeros((T, H, W)), [np.zeros((H, W)), np.zeros((H, 3)),
                                              np.zeros((H, W))]])
    with pytest.raises(TypeError, match="'frames'.*non-empty list"):
        aug.batch(frames=[])


# -- MultiView ------------------------------------------------------------------------------------
def test_multiview_global_and_local_crops():
    global_aug = augkit.Compose([A.RandomResizedCrop(12, 12, scale=(0.4, 1.0)),
                                 A.HorizontalFlip(p=0.5), A.ColorJitter()])
    local_aug = augkit.Compose([A.RandomResizedCrop(6, 6, scale=(0.05, 0.4)),
                                A.HorizontalFlip(p=0.5)])
    views = augkit.MultiView([global_aug, local_aug], n_views=[2, 4], seed=0)
    image = small_clip(7, 1)[0]
    out = views(image=image, return_records=True)
    assert len(views) == 6 and len(out["image"]) == 6 and len(out["records"]) == 6
    assert [v.shape[:2] for v in out["image"]] == [(12, 12)] * 2 + [(6, 6)] * 4
    for view, record in zip(out["image"], out["records"], strict=True):
        np.testing.assert_array_equal(record.apply(image=image)["image"], view)
    again = augkit.MultiView([global_aug, local_aug], n_views=[2, 4], seed=0)(image=image)
    assert_same(again["image"], out["image"])
    assert not np.array_equal(out["image"][0], out["image"][1])


def test_multiview_text_and_targets():
    from augkit import text as X

    pair = augkit.MultiView(X.RandomDeletion(p=1.0), seed=1)(text="a small cat sat on the mat")
    assert len(pair["text"]) == 2
    boxes = augkit.MultiView(A.HorizontalFlip(p=1.0))(image=small_clip()[0],
                                                     bboxes=[[1, 2, 5, 6]], seed=0)
    assert [b.tolist() for b in boxes["bboxes"]] == [[[15.0, 2.0, 19.0, 6.0]]] * 2


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"pipelines": "flip"}, TypeError, r"MultiView: argument 'pipelines' got 'flip'"),
    ({"pipelines": []}, TypeError, r"'pipelines' got \[\]"),
    ({"pipelines": A.HorizontalFlip(), "n_views": 0}, ValueError, r"'n_views' got 0"),
    ({"pipelines": [A.HorizontalFlip()] * 2, "n_views": [2]}, TypeError,
     r"'n_views' got \[2\]; expected an int or 2 ints"),
])
def test_multiview_bad_arguments(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        augkit.MultiView(**kwargs)


def test_record_json_of_a_clip_is_plain():
    out = augkit.Compose(PIPELINE, seed=0)(frames=small_clip(), frame_mode="per_frame",
                                           return_record=True)
    assert json.loads(out["record"].to_json())["options"]["frame_mode"] == "per_frame"


# -- PerFrame: temporal jitter for part of a pipeline ---------------------------------------------
def test_per_frame_container_jitters_only_its_children():
    frame = small_clip(8, 1)[0]
    clip = np.stack([frame] * T)
    aug = augkit.Compose([A.RandomCrop(10, 12), augkit.PerFrame([A.Brightness(p=1.0)])], seed=0)
    out = aug(frames=clip, return_record=True)
    crop, brightness = out["record"].steps
    assert PER_MEMBER not in crop.params and len(brightness.params[PER_MEMBER]) == T
    assert len({f.tobytes() for f in out["frames"]}) == T  # same crop, own brightness
    np.testing.assert_array_equal(out["record"].apply(frames=clip)["frames"], out["frames"])
    # the same pipeline without PerFrame moves every frame alike
    plain = augkit.Compose([A.RandomCrop(10, 12), A.Brightness(p=1.0)], seed=0)(frames=clip)
    assert len({f.tobytes() for f in plain["frames"]}) == 1
    # on one image, and in a config, it is a Compose
    single = aug(image=frame, seed=1)["image"]
    assert single.shape == (10, 12, 3)
    rebuilt = augkit.from_dict(aug.to_dict())
    assert rebuilt.to_dict() == aug.to_dict()
    assert_same(rebuilt(frames=clip, seed=4), aug(frames=clip, seed=4))
    # and it runs in batches (per sample)
    assert aug.batch(np.stack([frame] * 4), seed=0)["images"].shape == (4, 10, 12, 3)


# -- torch: a dataset of clips --------------------------------------------------------------------
def test_augmented_clips_dataset():
    torch = pytest.importorskip("torch", reason="torch is installed by the 'test' extra")
    from augkit.integrations.torch import AugmentedClips

    clips = [(small_clip(s), s % 2) for s in range(4)]
    pipeline = augkit.Compose([A.HorizontalFlip(), A.RandomCrop(10, 12)], seed=0)
    ds = AugmentedClips(clips, pipeline, layout="CTHW", copies=2)
    assert len(ds) == 8
    x, y = ds[5]
    assert tuple(x.shape) == (3, T, 10, 12) and x.dtype == torch.float32 and y == 1
    assert 0.0 <= float(x.min()) and float(x.max()) <= 1.0
    frames = AugmentedClips(clips, pipeline, to_tensor=False)[0][0]
    assert frames.shape == (T, 10, 12, 3) and frames.dtype == np.uint8
    loader = torch.utils.data.DataLoader(AugmentedClips(clips, pipeline), batch_size=2)
    batch, labels = next(iter(loader))
    assert tuple(batch.shape) == (2, T, 3, 10, 12) and labels.tolist() == [0, 1]
    with pytest.raises(ValueError, match=r"AugmentedClips: argument 'layout' got 'NCHW'"):
        AugmentedClips(clips, pipeline, layout="NCHW")
    with pytest.raises(ValueError, match=r"'frames' frame 1 has shape"):
        AugmentedClips([([np.zeros((4, 4, 3), np.uint8), np.zeros((5, 4, 3), np.uint8)], 0)],
                       pipeline)[0]


@pytest.mark.parametrize("kind", ["uint16", "float32", "rgba", "grey"])
@pytest.mark.parametrize("op", [A.Rotate(limit=30, p=1.0), A.ColorJitter(p=1.0),
                                A.GaussianBlur(p=1.0), A.RandomCrop(10, 12),
                                A.GaussianNoise(p=1.0)], ids=lambda o: type(o).__name__)
def test_clip_dtypes_and_channels(kind, op):
    clip = small_clip(9)
    if kind == "uint16":
        clip = clip.astype(np.uint16) * 257
    elif kind == "float32":
        clip = clip.astype(np.float32) / 255
        clip[1, 3, 4, 0] = np.nan  # a non-finite pixel stays local, in its frame
    elif kind == "rgba":
        clip = np.concatenate([clip, clip[..., :1]], axis=3)
    else:
        clip = clip[..., 0]
        if isinstance(op, A.ColorJitter):
            with pytest.raises(ValueError, match="needs an RGB"):  # as for a single image
                op(frames=clip)
            return
    out = op(frames=clip, seed=5, return_record=True)
    assert out["frames"].dtype == clip.dtype and out["frames"].shape[0] == T
    for t in range(T):
        assert_same(out["frames"][t], out["record"].apply(image=clip[t])["image"])


# -- smooth: parameters that drift over the clip --------------------------------------------------
def test_smooth_mode_interpolates_floats_only():
    frame = small_clip(10, 1)[0]
    clip = np.stack([frame] * 5)
    aug = augkit.Compose([A.RandomCrop(10, 12), A.Rotate(limit=40, p=1.0),
                          A.Brightness(p=1.0)], seed=2)
    out = aug(frames=clip, frame_mode="smooth", return_record=True)
    crop, rotate, brightness = out["record"].steps
    assert PER_MEMBER not in crop.params  # integers (offsets) are the first draw's
    angles = [p["angle"] for p in rotate.params[PER_MEMBER]]
    steps = np.diff(angles)
    assert np.allclose(steps, steps[0]) and steps[0] != 0  # a linear drift
    assert len({p["beta"] for p in brightness.params[PER_MEMBER]}) == 5
    replayed = augkit.Record.from_json(out["record"].to_json()).apply(frames=clip)
    np.testing.assert_array_equal(replayed["frames"], out["frames"])
    with pytest.raises(ValueError, match="'smooth' with views="):
        aug(views=[frame, frame], frame_mode="smooth")


@pytest.mark.parametrize("name", IMAGE_CASES)
def test_smooth_mode_runs_every_op_and_replays(name):
    clip, per_frame = clip_data(name)
    out = CASES[name].build()(**clip, frame_mode="smooth", seed=4, return_record=True)
    for t in range(T):
        assert_same(frame_of(out, t), out["record"].member(t).apply(**per_frame[t]),
                    f"{name} frame {t}")
        if CASES[name].check is not None:
            CASES[name].check(per_frame[t], frame_of(out, t))


def test_per_frame_sizes_may_differ_then_lists_come_back():
    clip = small_clip(11)
    mask = (clip[..., 0] > 128).astype(np.uint8)
    out = A.RandomScale(scale_limit=(-0.5, 0.5), p=1.0)(frames=clip, mask=mask,
                                                        frame_mode="per_frame", seed=3,
                                                        return_record=True)
    shapes = [f.shape for f in out["frames"]]
    assert isinstance(out["frames"], list) and len(set(shapes)) > 1
    assert [m.shape for m in out["mask"]] == [s[:2] for s in shapes]
    replayed = out["record"].apply(frames=clip, mask=mask)
    assert_same({k: v for k, v in out.items() if k != "record"}, replayed)


def test_clip_label_is_the_clips_class():
    out = A.HorizontalFlip(p=1.0)(frames=small_clip(), label=4, return_record=True)
    assert out["label"] == 4 and out["frames"].shape == (T, H, W, 3)
    assert out["record"].apply(frames=small_clip(), label=4)["label"] == 4
    batch = A.HorizontalFlip(p=1.0).batch(frames=[small_clip(), small_clip(1)], label=[2, 5])
    assert batch["label"].tolist() == [2, 5]


@pytest.mark.parametrize("mode", ["shared", "per_frame", "smooth"])
def test_mixed_pipeline_each_frame_is_its_member_record(mode):
    """Shared steps (replayed frame by frame), a PerFrame part in the middle and shared steps
    after it: every frame and its targets equal its own record replayed alone."""
    clip = small_clip(12)
    masks = (clip[..., 1] > 120).astype(np.uint8)
    boxes = [[[2, 2, 9, 8]], [[3, 4, 12, 11]], [[1, 1, 6, 6]]]
    points = [[[5.0, 5.0]], [[8.0, 6.0]], [[3.0, 2.0]]]
    aug = augkit.Compose([A.Rotate(limit=20, p=1.0), augkit.PerFrame([A.Brightness(p=1.0)]),
                          A.RandomCrop(12, 16), A.HorizontalFlip(p=0.5), A.Affine(p=1.0)],
                         seed=7)
    out = aug(frames=clip, mask=masks, bboxes=boxes, keypoints=points, frame_mode=mode,
              return_record=True)
    for t in range(T):
        ref = out["record"].member(t).apply(image=clip[t], mask=masks[t], bboxes=boxes[t],
                                            keypoints=points[t])
        assert_same(frame_of(out, t), ref, f"{mode} frame {t}")


def test_keypoint_flip_pairs_apply_to_every_frame():
    points = [[[2.0, 3.0], [15.0, 3.0]], [[4.0, 5.0], [12.0, 6.0]], [[1.0, 1.0], [9.0, 9.0]]]
    aug = A.HorizontalFlip(p=1.0)
    out = aug(frames=small_clip(), keypoints=points, keypoint_flip_pairs=[(0, 1)])
    for t in range(T):
        single = aug(image=small_clip()[t], keypoints=points[t], keypoint_flip_pairs=[(0, 1)])
        np.testing.assert_array_equal(out["keypoints"][t], single["keypoints"])
    assert out["keypoints"][0][0][0] == W - 15.0  # the rows traded places
