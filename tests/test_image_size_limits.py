"""Ops that can grow the output refuse past ``max_output_bytes`` with a clear message, before
anything is allocated; below it they run as before."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A

IMG = np.zeros((20, 30, 3), np.uint8)
GROWERS = {  # transform -> the output of a 20 x 30 x 3 uint8 image, in bytes
    "Resize": (A.Resize(300, 400), 300 * 400 * 3),
    "RandomResizedCrop": (A.RandomResizedCrop(300, 400), 300 * 400 * 3),
    "RandomSizedBBoxSafeCrop": (A.RandomSizedBBoxSafeCrop(300, 400), 300 * 400 * 3),
    "LongestMaxSize": (A.LongestMaxSize(600), 400 * 600 * 3),
    "SmallestMaxSize": (A.SmallestMaxSize(400), 400 * 600 * 3),
    "Pad": (A.Pad(200), 420 * 430 * 3),
}


@pytest.mark.parametrize("name", sorted(GROWERS))
def test_growing_ops_stop_at_the_output_limit(name):
    transform, nbytes = GROWERS[name]
    with augkit.override_limits(max_output_bytes=nbytes):  # exactly at the limit: runs
        assert transform(image=IMG, seed=0)["image"].nbytes == nbytes
    with augkit.override_limits(max_output_bytes=nbytes - 1), pytest.raises(
            ValueError, match=rf"^{name}: a \d+ x \d+ x 3 uint8 array would take "
                              r"[\d.]+ KiB, above the limit of .*set_limits"):
        transform(image=IMG, seed=0)
    mask = np.zeros(IMG.shape[:2], np.float64)  # a mask wider per pixel than the image
    with augkit.override_limits(max_output_bytes=nbytes), pytest.raises(
            ValueError, match=rf"^{name}: a \d+ x \d+ float64 array"):
        transform(image=IMG, mask=mask, seed=0)


def test_the_default_limit_refuses_a_huge_resize_at_once():
    with pytest.raises(ValueError, match=r"Resize: a 30000 x 30000 x 3 uint8 array would "
                                         r"take 2\.5 GiB, above the limit of 2\.0 GiB"):
        A.Resize(30000, 30000)(image=IMG)


def test_batches_and_mosaic_count_every_sample():
    images = np.zeros((8, 20, 30, 3), np.uint8)
    each = 100 * 100 * 3
    with augkit.override_limits(max_output_bytes=8 * each - 1):
        with pytest.raises(ValueError, match=r"image batch: 8 images of shape \(100, 100, 3\)"):
            A.Resize(100, 100).batch(images)
        with pytest.raises(ValueError, match=r"Mosaic: 8 arrays of 100 x 100 x 3 uint8"):
            A.Mosaic(100, 100).batch(images)
    with augkit.override_limits(max_output_bytes=8 * each):
        assert A.Resize(100, 100).batch(images)["images"].shape == (8, 100, 100, 3)
        assert A.Mosaic(100, 100).batch(images)["images"].shape == (8, 100, 100, 3)
