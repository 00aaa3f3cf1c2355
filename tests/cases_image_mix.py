"""Conformance cases for the batch-only image mixing ops (MixUp, CutMix, Mosaic).

Their ``data`` are the keyword arguments of ``.batch``: a stack of images, soft labels and
per-sample masks, boxes and keypoints. Labels are given as one-hot float32 vectors so that a
skipped sample's label comes back bit-equal (the p=0 identity check).
"""

from __future__ import annotations

import numpy as np

from augkit.image.mix import CutMix, MixUp, Mosaic
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
