"""Policy batches large enough to run grouped (each drawn op on its sub-batch, merged back
per position): every sample equals its record replayed alone, with and without targets,
labels, skipped samples and dropped ops, on uint8, float32 and greyscale images."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit.policies import AugMix, RandAugment, TrivialAugmentWide
from augkit.policies.base import GROUPED_MIN, Policy


def _images(n: int, shape=(12, 12, 3), dtype=np.uint8, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (n, *shape), dtype=np.uint8)
    images[::7] = images[::7] // 3 + 40  # low-contrast samples: stretch and histogram cases
    return images if dtype == np.uint8 else (images / 255.0).astype(np.float32)


def _check(policy, images, **targets):
    out = policy.batch(images, seed=9, return_records=True, **targets)
    assert len(out["records"]) == len(images)
    for i, record in enumerate(out["records"]):
        single = {"image": images[i], **{k: v[i] for k, v in targets.items() if k != "label"}}
        again = augkit.Record.from_json(record.to_json()).apply(**single)
        np.testing.assert_array_equal(again["image"], out["images"][i], err_msg=f"sample {i}")
        for key in single:
            if key != "image":
                np.testing.assert_array_equal(np.asarray(again[key]), np.asarray(out[key][i]))
    return out


POLICIES = [
    RandAugment(num_ops=2, magnitude=9, magnitude_max=30),
    RandAugment(num_ops=3, magnitude=9, op_p=0.6, p=0.8),
    RandAugment(num_ops=2, magnitude=5, magnitude_std=2.0),
    TrivialAugmentWide(num_bins=31),
    TrivialAugmentWide(num_bins=5, wide=False, p=0.7),
]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: repr(p)[:60])
@pytest.mark.parametrize(("shape", "dtype"), [((12, 12, 3), np.uint8), ((10, 13), np.uint8),
                                              ((9, 9, 1), np.uint8), ((8, 8, 3), np.float32)])
def test_grouped_batches_equal_each_sample_replayed(policy, shape, dtype):
    _check(policy, _images(160, shape, dtype))


def test_the_grouped_path_runs_for_a_policy_batch(monkeypatch):
    calls = []
    original = Policy._run_plan
    monkeypatch.setattr(Policy, "_run_plan",
                        lambda self, *a: calls.append(1) or original(self, *a))
    RandAugment(num_ops=2, magnitude=9).batch(_images(GROUPED_MIN * 40, (4, 4, 3)), seed=0)
    assert not calls  # no sample ran its plan alone


def test_grouped_batches_carry_targets_and_labels():
    n = 200
    images = _images(n, (16, 16, 3))
    mask = np.zeros((16, 16), np.uint8)
    mask[4:10, 3:12] = 1
    out = _check(RandAugment(num_ops=2, magnitude=9), images, mask=[mask] * n,
                 bboxes=[[[3.0, 4.0, 12.0, 10.0]]] * n, labels=[["box"]] * n,
                 label=np.arange(n) % 10)
    np.testing.assert_array_equal(out["label"], np.arange(n) % 10)


def test_lists_of_differently_sized_images_run_per_sample():
    rng = np.random.default_rng(1)
    images = [rng.integers(0, 256, (8 + i % 3, 9, 3), dtype=np.uint8) for i in range(120)]
    out = RandAugment(num_ops=2, magnitude=9).batch(images, seed=3, return_records=True)
    assert isinstance(out["images"], list)
    for i, record in enumerate(out["records"]):
        np.testing.assert_array_equal(record.apply(image=images[i])["image"], out["images"][i])


def test_a_grouped_batch_leaves_the_input_alone():
    images = _images(160)
    before = images.copy()
    out = RandAugment(num_ops=3, magnitude=9).batch(images, seed=2)
    np.testing.assert_array_equal(images, before)
    assert not np.shares_memory(out["images"], images)


def test_choose_batch_draws_as_choose_does():
    # same op and magnitude distributions as per-sample draws (the batch draws them at once)
    for policy in (RandAugment(num_ops=2, magnitude=7, magnitude_std=1.0, op_p=0.5),
                   TrivialAugmentWide(num_bins=11)):
        plans = policy.choose_batch(np.random.default_rng(0), 6000)
        single = [policy.choose(np.random.default_rng(s)) for s in range(3000)]
        for drawn in (plans, single):
            assert all(isinstance(i, int) and isinstance(m, float) and s in (-1, 1)
                       for plan in drawn for i, m, s in plan)
        count = np.bincount([i for plan in plans for i, _, _ in plan], minlength=14)
        assert count.min() > 0.8 * count.mean()
        signs = [s for plan in plans for i, _, s in plan if policy._ops[i].signed]
        assert abs(np.mean(signs)) < 0.05
        assert all(s == 1 for plan in plans for i, _, s in plan if not policy._ops[i].signed)


def test_augmix_batches_still_replay():
    _check(AugMix(), _images(40, (10, 10, 3)))


def test_augmix_batches_larger_than_its_op_cache_replay_and_leave_nothing_behind(monkeypatch):
    import augkit.policies.augmix as augmix

    monkeypatch.setattr(augmix, "CACHE_SIZE", 16)  # fewer than the ~120 ops one batch draws
    policy = AugMix(all_ops=True)
    _check(policy, _images(24, (6, 6, 3)))
    policy.batch(_images(24, (6, 6, 3)), seed=1)
    assert len(policy._sampled) == 0  # every drawn chain op was applied, then forgotten


@pytest.mark.parametrize("policy", [RandAugment(num_ops=2, magnitude=5, magnitude_std=2.0),
                                    TrivialAugmentWide(num_bins=31)], ids=repr)
def test_fused_ops_record_each_sample_with_its_own_magnitude(policy):
    # one op at several magnitudes and signs runs as one apply; each record still holds the
    # op at that sample's magnitude, whose (fixed) range gives exactly the recorded params
    images = _images(200, (12, 12, 3))
    out = policy.batch(images, seed=4, return_records=True)
    checked = 0
    for i, record in enumerate(out["records"]):
        for step in record.steps:
            op = augkit.from_dict(step.transform)
            if step.transform["type"] in ("AutoContrast", "Equalize"):
                continue  # no parameters
            drawn = op.sample(np.random.default_rng(0), {"image": images[i]})
            assert drawn == pytest.approx(step.params, rel=1e-12, abs=1e-12), step
            checked += 1
    assert checked > 100
