"""Conformance cases for the batch-only image mixing ops (MixUp, CutMix, Mosaic, CopyAndPaste).

Their ``data`` are the keyword arguments of ``.batch``: a stack of images, soft labels and
per-sample masks, boxes and keypoints. Labels are given as one-hot float32 vectors so that a
skipped sample's label comes back bit-equal (the p=0 identity check).
"""

from __future__ import annotations

import numpy as np

from augkit.image.mix import CopyAndPaste, CutMix, MixUp, Mosaic
from tests.conformance_cases import Case, add

N, H, W, K = 4, 24, 32, 3


def batch_data(rng: np.random.Generator) -> dict:
    images = rng.integers(0, 256, size=(N, H, W, 3), dtype=np.uint8)
    masks = np.zeros((N, H, W), np.uint8)
    masks[:, 4:12, 6:18] = 1
    return {"inputs": images, "mask": list(masks),
            "label": np.eye(K, dtype=np.float32)[rng.integers(0, K, N)],
            "bboxes": [[[6.0, 4.0, 18.0, 12.0]] for _ in range(N)],
            "labels": [[f"box{i}"] for i in range(N)],
            "keypoints": [[[10.0, 8.0]] for _ in range(N)]}


def check_mixed(height: int, width: int):
    def check(inp: dict, out: dict) -> None:
        images = out["images"]
        assert images.dtype == np.uint8 and images.shape == (N, height, width, 3)
        assert out["mask"].shape == (N, height, width)
        assert set(np.unique(out["mask"])) <= {0, 1}, "mask values were interpolated"
        label = out["label"]
        assert label.shape == (N, K) and label.dtype == np.float32
        np.testing.assert_allclose(label.sum(axis=1), 1.0, atol=1e-6)
        assert (label >= 0).all()
        for i in range(N):  # every box keeps its label; visible keypoints lie in the image
            assert len(out["bboxes"][i]) == len(out["labels"][i])
    return check


def _bad_common():
    return [({"alpha": 0}, ValueError, "'alpha'"),
            ({"num_classes": 0}, ValueError, "'num_classes'")]


add("MixUp", Case(build=lambda: MixUp(alpha=0.4, num_classes=K), data=batch_data,
                  bad_args=_bad_common(), check=check_mixed(H, W), batch_only=True))
add("CutMix", Case(build=lambda: CutMix(alpha=1.0, num_classes=K), data=batch_data,
                   bad_args=_bad_common(), check=check_mixed(H, W), batch_only=True))
# canvas = input size, so a skipped sample (p=0) is tiled alone at its own size: identity
add("Mosaic", Case(build=lambda: Mosaic(H, W, num_classes=K), data=batch_data,
                   bad_args=[({"center_range": (0.5, 1.5)}, ValueError, "'center_range'"),
                             ({"height": 0}, ValueError, "'height'"),
                             ({"interpolation": "bogus"}, ValueError, "'interpolation'")],
                   check=check_mixed(H, W), batch_only=True))


def instance_data(rng: np.random.Generator) -> dict:
    """Two instances per sample (instance masks with their boxes and labels), a label map of
    their classes and keypoints on both, for CopyAndPaste."""
    data = batch_data(rng)
    masks, boxes, classes = [], [], []
    for i in range(N):
        t, left = int(rng.integers(0, 8)), int(rng.integers(0, 12))
        first = np.zeros((H, W), np.uint8)
        first[t:t + 10, left:left + 12] = 1
        second = np.zeros((H, W), np.uint8)
        second[14:22, 16 + i:28 + i] = 1
        masks.append([first, second])
        boxes.append([[left, t, left + 12, t + 10], [16 + i, 14, 28 + i, 22]])
        classes.append(first + 2 * second * (first == 0))
    data.update(masks=masks, bboxes=boxes, mask=classes,
                labels=[[f"a{i}", f"b{i}"] for i in range(N)],
                keypoints=[[[float(boxes[i][0][0]) + 1, float(boxes[i][0][1]) + 1], [20.0, 18.0]]
                           for i in range(N)])
    return data


def check_pasted(inp: dict, out: dict) -> None:
    images = out["images"]
    assert images.dtype == np.uint8 and images.shape == (N, H, W, 3)
    assert out["mask"].shape == (N, H, W) and set(np.unique(out["mask"])) <= {0, 1, 2}
    np.testing.assert_array_equal(out["label"], inp["label"])  # image classes pass through
    for i in range(N):
        masks, boxes = out["masks"][i], out["bboxes"][i]
        assert len(masks) == len(boxes) == len(out["labels"][i])
        for m, box in zip(masks, boxes, strict=True):  # each box is its mask's tight box
            assert m.dtype == np.uint8 and set(np.unique(m)) <= {0, 1} and m.any()
            ys, xs = np.nonzero(m)
            np.testing.assert_allclose(box, [xs.min(), ys.min(), xs.max() + 1, ys.max() + 1])
        assert len(out["keypoints"][i]) == 2  # kept, never removed


add("CopyAndPaste", Case(
    build=lambda: CopyAndPaste(scale_range=(0.8, 1.25), blend_mode="gaussian"),
    data=instance_data,
    bad_args=[({"scale_range": (0.0, 1.0)}, ValueError, "'scale_range'"),
              ({"blend_mode": "soft"}, ValueError, "'blend_mode'"),
              ({"blend_sigma_range": (3.0, 1.0)}, ValueError, "'blend_sigma_range'"),
              ({"min_visibility_after_paste": 1.5}, ValueError, "'min_visibility_after_paste'"),
              ({"min_paste_area": -1}, ValueError, "'min_paste_area'"),
              ({"min_paste_area": 2.5}, TypeError, "'min_paste_area'")],
    check=check_pasted, batch_only=True))
