"""Composition, randomness and replay, on small image inputs."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.compose import OneOf, RandomOrder, SomeOf, Sometimes
from tests.helpers import assert_same

IMAGE = np.arange(4 * 6, dtype=np.uint8).reshape(4, 6)


def names(out):
    return out["record"].names


def test_compose_applies_in_order_and_records_leaves_only():
    aug = augkit.Compose([A.HorizontalFlip(p=1.0), augkit.Compose([A.VerticalFlip(p=1.0)])])
    out = aug(image=IMAGE, return_record=True)
    assert names(out) == ["HorizontalFlip", "VerticalFlip"]
    np.testing.assert_array_equal(out["image"], IMAGE[::-1, ::-1])


def test_compose_p_zero_skips_everything():
    out = augkit.Compose([A.Invert(p=1.0)], p=0.0)(image=IMAGE, return_record=True)
    assert names(out) == []
    np.testing.assert_array_equal(out["image"], IMAGE)


def test_one_of_respects_weights():
    aug = OneOf([A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0)], weights=[1, 0])
    for seed in range(20):
        assert names(aug(image=IMAGE, seed=seed, return_record=True)) == ["HorizontalFlip"]


def test_one_of_picks_each_child_sometimes():
    aug = OneOf([A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0), A.Invert(p=1.0)])
    seen = {names(aug(image=IMAGE, seed=s, return_record=True))[0] for s in range(60)}
    assert seen == {"HorizontalFlip", "VerticalFlip", "Invert"}


def test_some_of_applies_n_distinct_children_in_list_order():
    children = [A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0), A.Invert(p=1.0),
                A.Transpose(p=1.0)]
    aug = SomeOf(children, n=2)
    order = [c.__class__.__name__ for c in children]
    for seed in range(30):
        applied = names(aug(image=IMAGE, seed=seed, return_record=True))
        assert len(applied) == 2 and len(set(applied)) == 2
        assert applied == sorted(applied, key=order.index)


def test_some_of_range_covers_its_bounds():
    aug = SomeOf([A.HorizontalFlip(p=1.0), A.VerticalFlip(p=1.0), A.Invert(p=1.0)], n=(0, 3))
    counts = {len(names(aug(image=IMAGE, seed=s, return_record=True))) for s in range(80)}
    assert counts == {0, 1, 2, 3}


def test_random_order_applies_all_in_varying_order():
    aug = RandomOrder([A.HorizontalFlip(p=1.0), A.Invert(p=1.0), A.Transpose(p=1.0)])
    orders = {tuple(names(aug(image=IMAGE, seed=s, return_record=True))) for s in range(60)}
    assert all(len(o) == 3 for o in orders) and len(orders) == 6


def test_sometimes_branches():
    aug = Sometimes(A.HorizontalFlip(p=1.0), otherwise=[A.VerticalFlip(p=1.0)], p=0.5)
    seen = {tuple(names(aug(image=IMAGE, seed=s, return_record=True))) for s in range(40)}
    assert seen == {("HorizontalFlip",), ("VerticalFlip",)}
    assert augkit.from_dict(aug.to_dict()) == aug


def test_seeded_compose_stream_is_reproducible_and_varies_between_calls():
    def run():
        aug = augkit.Compose([A.Rotate(limit=45, p=1.0)], seed=11)
        return [aug(image=IMAGE, return_record=True)["record"].steps[0].params["angle"]
                for _ in range(5)]

    first, second = run(), run()
    assert first == second
    assert len(set(first)) == 5


def test_unseeded_transforms_draw_fresh_entropy():
    angles = {augkit.Compose([A.Rotate(limit=45, p=1.0)])(
        image=IMAGE, return_record=True)["record"].steps[0].params["angle"] for _ in range(5)}
    assert len(angles) == 5


def test_per_call_seed_and_rng_are_exclusive():
    with pytest.raises(ValueError, match="either 'seed' or 'rng'"):
        A.Invert()(image=IMAGE, seed=1, rng=np.random.default_rng(1))
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        A.Invert()(image=IMAGE, rng=42)


def test_explicit_rng_is_used():
    aug = A.Rotate(limit=45, p=1.0)
    a = aug(image=IMAGE, rng=np.random.default_rng(3), return_record=True)
    b = aug(image=IMAGE, rng=np.random.default_rng(3), return_record=True)
    assert_same(a["record"].to_dict(), b["record"].to_dict())


def test_record_reapplies_to_other_data_and_mask():
    aug = augkit.Compose([A.Rotate(limit=40, p=1.0), A.HorizontalFlip(p=1.0),
                          A.Brightness(p=1.0)], seed=0)
    image = np.random.default_rng(0).integers(0, 255, (20, 20, 3), dtype=np.uint8)
    mask = np.zeros((20, 20), np.uint8)
    mask[5:9, 3:12] = 1
    out = aug(image=image, mask=mask, return_record=True)
    second = out["record"].apply(image=image, mask=mask)
    np.testing.assert_array_equal(second["mask"], out["mask"])
    np.testing.assert_array_equal(second["image"], out["image"])


def test_containers_validate_arguments():
    with pytest.raises(TypeError, match="Compose: argument 'transforms'"):
        augkit.Compose([A.Invert(), "flip"])
    with pytest.raises(ValueError, match="OneOf: argument 'weights'"):
        OneOf([A.Invert(), A.HorizontalFlip()], weights=[1])
    with pytest.raises(ValueError, match="SomeOf: argument 'n'.*5"):
        SomeOf([A.Invert()], n=5)
    with pytest.raises(ValueError, match="Compose: argument 'seed'"):
        augkit.Compose([], seed=-1)
    with pytest.raises(ValueError, match="unknown image target option"):
        augkit.Compose([A.Invert()], targets={"box_format": "coco"})


def test_unknown_constructor_argument_names_it():
    with pytest.raises(TypeError, match="limitt"):
        A.Rotate(limitt=10)


def test_modalities_cannot_be_mixed():
    from augkit.core.transform import Transform

    class _OtherModality(Transform, register=False):
        modality = "other"

    with pytest.raises(ValueError, match="cannot mix modalities"):
        augkit.Compose([A.Invert(), _OtherModality()])


def test_p_draw_is_honoured_statistically():
    aug = A.HorizontalFlip(p=0.3)
    hits = sum(len(aug(image=IMAGE, seed=s, return_record=True)["record"].steps)
               for s in range(2000))
    assert 0.25 < hits / 2000 < 0.35
