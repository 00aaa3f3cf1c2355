"""Policies: op sampling statistics, magnitudes, records and batches, configs, errors, timm
strings, and the docs tables generated from the code."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import augkit
from augkit.policies import AugMix, RandAugment, TrivialAugmentWide, from_timm, op_set
from augkit.policies.ops import family_table, magnitude_table

ROOT = Path(__file__).resolve().parents[1]
# chi-square critical values at p = 0.001 for the degrees of freedom used below
CHI2_999 = {8: 26.12, 10: 29.59, 13: 34.53}


def chi_square(counts: Counter, k: int) -> float:
    n = sum(counts.values())
    return sum((counts.get(i, 0) - n / k) ** 2 / (n / k) for i in range(k))


def image(seed: int = 0, size: int = 32) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (size, size, 3), np.uint8)


DATA = {
    "image": lambda: {"image": image()},
    "text": lambda: {"text": "the film was not good but the acting was fine and the music "
                             "carried the quiet scenes"},
    "timeseries": lambda: {"series": np.sin(np.linspace(0, 12, 80))[:, None]
                           * np.array([1.0, 0.5])},
}


@pytest.mark.parametrize("policy", [RandAugment(num_ops=1), TrivialAugmentWide()],
                         ids=lambda p: type(p).__name__)
def test_ops_are_drawn_uniformly(policy):
    rng = np.random.default_rng(0)
    counts = Counter(index for _ in range(4200) for index, _, _ in policy.choose(rng))
    k = len(policy.op_names)
    assert k == 14 and set(counts) == set(range(k))
    assert chi_square(counts, k) < CHI2_999[13]


def test_signs_are_even_for_two_way_ops_and_fixed_otherwise():
    policy = RandAugment(num_ops=1)
    rng = np.random.default_rng(1)
    signs: dict[str, Counter] = {}
    for _ in range(3000):
        (index, _, sign), = policy.choose(rng)
        signs.setdefault(policy.op_names[index], Counter())[sign] += 1
    assert set(signs["Posterize"]) == {1} and set(signs["Equalize"]) == {1}
    for name in ("Rotate", "ShearX", "Brightness"):
        share = signs[name][-1] / sum(signs[name].values())
        assert 0.38 < share < 0.62, (name, share)


def test_trivial_augment_magnitudes_are_uniform_over_the_bins():
    policy = TrivialAugmentWide(num_bins=11)
    rng = np.random.default_rng(2)
    counts = Counter(round(m * 10) for _ in range(3300) for _, m, _ in policy.choose(rng))
    assert set(counts) == set(range(11)) and chi_square(counts, 11) < CHI2_999[10]


def test_randaugment_magnitude_scales_and_std():
    rng = np.random.default_rng(3)
    assert {m for _, m, _ in RandAugment(magnitude=9).choose(rng)} == {0.9}
    # torchvision's 31-bin scale: magnitude 9 is 0.3 of the range
    assert {m for _, m, _ in RandAugment(magnitude=9, magnitude_max=30).choose(rng)} == {0.3}
    levels = RandAugment(magnitude=5, magnitude_std=2).level(rng, 20000)
    assert 0.0 <= levels.min() and levels.max() <= 1.0
    assert abs(levels.mean() - 0.5) < 0.01 and 0.17 < levels.std() < 0.21
    uniform = RandAugment(magnitude=6, magnitude_std=math.inf).level(rng, 20000)
    assert uniform.max() <= 0.6 and abs(uniform.mean() - 0.3) < 0.01


def test_op_probability_keeps_about_that_share_of_the_ops():
    policy = RandAugment(num_ops=2, op_p=0.5)
    rng = np.random.default_rng(4)
    kept = sum(len(policy.choose(rng)) for _ in range(2000))
    assert abs(kept / 4000 - 0.5) < 0.03


def test_the_op_at_a_magnitude_is_the_published_value():
    ops = {op.name: op for op in op_set("image")}
    assert ops["Rotate"].build(0.5, -1).limit == (-15.0, -15.0)
    assert ops["ShearX"].build(1.0, 1).angle[0] == pytest.approx(math.degrees(math.atan(0.3)))
    assert ops["ShearY"].build(1.0, 1).axis == "y"
    assert ops["TranslateX"].build(1.0, -1).fraction == (-0.45, -0.45)
    assert ops["Brightness"].build(1.0, 1).factor == (1.9, 1.9)
    assert ops["Posterize"].build(1.0, 1).bits == (4, 4)
    assert ops["Solarize"].build(0.25, 1).threshold == (0.75, 0.75)
    assert ops["Identity"].build(0.7, 1) is None
    wide = {op.name: op for op in op_set("image", "wide")}
    assert wide["Rotate"].build(1.0, 1).limit == (135.0, 135.0)
    assert wide["Posterize"].build(1.0, 1).bits == (2, 2)
    augmix = {op.name: op for op in op_set("image", "augmix")}
    assert augmix["Posterize"].build(0.0, 1).bits == (4, 4)
    assert augmix["TranslateY"].build(1.0, 1).fraction[0] == pytest.approx(1 / 3)


POLICIES = [
    (RandAugment(), "image"), (RandAugment(num_ops=3, magnitude=7, magnitude_std=1.0,
                                           op_p=0.7), "image"),
    (TrivialAugmentWide(), "image"), (AugMix(), "image"), (AugMix(all_ops=True, depth=2),
                                                           "image"),
    (RandAugment(modality="text", magnitude=5), "text"),
    (TrivialAugmentWide(modality="text"), "text"),
    (RandAugment(modality="timeseries"), "timeseries"),
    (TrivialAugmentWide(modality="timeseries"), "timeseries"),
    (AugMix(modality="timeseries"), "timeseries"),
]
IDS = [f"{type(p).__name__}-{m}-{i}" for i, (p, m) in enumerate(POLICIES)]


@pytest.mark.parametrize(("policy", "modality"), POLICIES, ids=IDS)
def test_records_replay_exactly_after_json(policy, modality):
    key = {"image": "image", "text": "text", "timeseries": "series"}[modality]
    for seed in range(6):
        data = DATA[modality]()
        out = policy(seed=seed, return_record=True, **data)
        record = augkit.Record.from_json(out["record"].to_json())
        again = record.apply(**DATA[modality]())[key]
        np.testing.assert_array_equal(np.asarray(again), np.asarray(out[key]))


@pytest.mark.parametrize(("policy", "modality"), POLICIES, ids=IDS)
def test_a_batch_equals_the_replay_of_each_sample_record(policy, modality):
    if modality == "image":
        inputs = np.stack([image(i) for i in range(24)])
    elif modality == "text":
        inputs = [DATA["text"]()["text"] + f" take {i}" for i in range(24)]
    else:
        inputs = np.stack([np.sin(np.linspace(0, 12, 80) + i)[:, None] * np.array([1.0, 0.5])
                           for i in range(24)])
    single, many = {"image": ("image", "images"), "text": ("text", "texts"),
                    "timeseries": ("series", "series")}[modality]
    out = policy.batch(inputs, seed=5, return_records=True)
    assert len(out["records"]) == len(out[many]) == 24
    drawn = set()
    for i, record in enumerate(out["records"]):
        drawn.add(json.dumps(record.to_dict()["steps"]))
        np.testing.assert_array_equal(np.asarray(record.apply(**{single: inputs[i]})[single]),
                                      np.asarray(out[many][i]))
    assert len(drawn) >= 12  # the samples drew their own ops and parameters


@pytest.mark.parametrize(("policy", "modality"), POLICIES, ids=IDS)
def test_configs_round_trip_through_json_and_yaml(policy, modality, tmp_path):
    assert augkit.from_dict(json.loads(json.dumps(policy.to_dict()))) == policy
    augkit.save(policy, tmp_path / "policy.yaml")
    assert augkit.load(tmp_path / "policy.yaml") == policy


def test_a_seeded_policy_is_deterministic_and_epochs_differ():
    img = image(7)
    a = RandAugment()(image=img, seed=11)["image"]
    b = RandAugment()(image=img, seed=11)["image"]
    np.testing.assert_array_equal(a, b)
    pipeline = augkit.Compose([TrivialAugmentWide()], seed=3)
    outs = [pipeline(image=img)["image"] for _ in range(6)]
    assert len({o.tobytes() for o in outs}) >= 4


def test_ops_narrow_the_set():
    policy = RandAugment(num_ops=1, ops=["Rotate", "GaussianBlur"])
    assert policy.op_names == ["Rotate", "GaussianBlur"]
    names = {n for s in range(30) for n in
             policy(image=image(), seed=s, return_record=True)["record"].names}
    assert names == {"Rotate", "GaussianBlur"}


@pytest.mark.parametrize(("make", "error", "match"), [
    (lambda: RandAugment(modality="audio"), ValueError, "'modality'"),
    (lambda: RandAugment(magnitude=11), ValueError, "'magnitude'"),
    (lambda: RandAugment(num_ops=-1), ValueError, "'num_ops'"),
    (lambda: RandAugment(op_p=2), ValueError, "'op_p'"),
    (lambda: RandAugment(ops=["Warp9"]), ValueError, "names 'Warp9'"),
    (lambda: RandAugment(ops=["HueSaturationValue"]), ValueError, "declares a magnitude"),
    (lambda: RandAugment(ops="Rotate"), TypeError, "'ops'"),
    (lambda: RandAugment(modality="text", ops=["Rotate"]), ValueError, "text transform"),
    (lambda: TrivialAugmentWide(num_bins=1), ValueError, "'num_bins'"),
    (lambda: TrivialAugmentWide(wide="yes"), TypeError, "'wide'"),
    (lambda: AugMix(modality="text"), ValueError, "texts have no average"),
    (lambda: AugMix(depth=0), ValueError, "'depth'"),
    (lambda: AugMix(severity=11), ValueError, "'severity'"),
])
def test_bad_arguments_name_the_argument(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_augmix_refuses_spatial_targets_and_mixes_within_range():
    with pytest.raises(ValueError, match=r"AugMix: cannot carry \['bboxes'\]"):
        AugMix()(image=image(), bboxes=[[1, 1, 5, 5]], labels=[0], seed=0)
    out = AugMix(width=2)(image=image(1), seed=0)["image"]
    assert out.dtype == np.uint8 and out.shape == (32, 32, 3)
    floats = AugMix()(image=image(2).astype(np.float32) / 255, seed=1)["image"]
    assert floats.dtype == np.float32 and 0.0 <= floats.min() and floats.max() <= 1.0


def test_policies_refuse_direct_apply():
    with pytest.raises(TypeError, match="replay its record"):
        RandAugment().apply({"image": image()}, {})


def test_timm_strings():
    ra = from_timm("rand-m9-mstd0.5-n2")
    assert (ra.magnitude, ra.magnitude_std, ra.num_ops, ra.op_p) == (9, 0.5, 2, 0.5)
    assert from_timm("rand-m7-mstd101-inc1").magnitude_std == math.inf
    assert from_timm("rand-m9-n3-p1").op_p == 1.0
    mix = from_timm("augmix-m5-w3-d2-a1")
    assert (mix.severity, mix.width, mix.depth, mix.alpha) == (5, 3, 2, 1)
    assert isinstance(from_timm("trivialaugment"), TrivialAugmentWide)
    assert from_timm("rand-m5", modality="text").modality == "text"
    for bad, match in (("rand-m9-w0", "'w' is not supported"), ("rand-x3", "unknown key 'x'"),
                       ("augmix-m3-b", "blended"), ("cutmix", "not a timm string"),
                       ("rand-m", "'m' needs a number"), ("", "expected a timm string")):
        with pytest.raises(ValueError, match=match):
            from_timm(bad)


def test_docs_tables_are_the_code_tables():
    doc = (ROOT / "docs" / "policies.md").read_text()
    for modality in ("image", "text", "timeseries"):
        assert magnitude_table(modality) in doc, f"regenerate the {modality} table"
    for family in ("standard", "wide", "augmix"):
        assert family_table(family) in doc, f"regenerate the {family} table"


@pytest.mark.parametrize("family", ["standard", "wide", "augmix-all"])
def test_image_op_sets_run_on_greyscale_and_float_images(family):
    rng = np.random.default_rng(0)
    images = [rng.integers(0, 256, (20, 24), np.uint8), rng.integers(0, 256, (20, 24, 1),
                                                                      np.uint8),
              rng.random((20, 24, 3), dtype=np.float32)]
    for op in op_set("image", family):
        for m in (0.0, 0.5, 1.0):
            built = op.build(m, -1)
            for img in images if built is not None else ():
                out = built(image=img, seed=0)["image"]
                assert out.shape == img.shape and out.dtype == img.dtype, (op.name, img.shape)


def test_uint8_sharpness_is_within_one_level_of_pil_rounding():
    # PIL rounds the smoothed copy to uint8 first, then the blend; augkit rounds the blend once
    import cv2

    from augkit.image.functional.color import _SMOOTH, sharpness

    img = image(9, 24)
    smooth = np.clip(np.rint(cv2.filter2D(img.astype(np.float64), -1, _SMOOTH.astype(
        np.float64), borderType=cv2.BORDER_REPLICATE)), 0, 255)
    for factor in (0.0, 0.5, 1.9):
        want = np.clip(np.rint(smooth + factor * (img - smooth)), 0, 255)
        want[0], want[-1], want[:, 0], want[:, -1] = img[0], img[-1], img[:, 0], img[:, -1]
        got = sharpness(img, factor)
        assert np.abs(got.astype(int) - want).max() <= 1  # OpenCV's fixed-point rounding
        np.testing.assert_array_equal(got[0], img[0])


def test_uint8_equalize_is_the_cumulative_histogram_table():
    from augkit.image.functional.color import equalize

    rng = np.random.default_rng(10)
    img = rng.integers(40, 200, (30, 20, 3), np.uint8)
    img[..., 2] = 9  # a constant channel stays as it is
    got = equalize(img)
    for c in range(2):
        hist = np.bincount(img[..., c].ravel(), minlength=256)
        cdf = np.cumsum(hist)
        lo = cdf[hist > 0][0]
        table = np.rint(255 * (cdf - lo) / (cdf[-1] - lo))
        assert np.abs(got[..., c].astype(int) - table[img[..., c]]).max() <= 1
    np.testing.assert_array_equal(got[..., 2], img[..., 2])
    np.testing.assert_array_equal(equalize(img[..., 0]), got[..., 0])  # 2-D: same tables


@pytest.mark.parametrize("policy", [RandAugment(num_ops=1, ops=["Identity"]),
                                    TrivialAugmentWide(), RandAugment(p=0.0), AugMix(p=0.0)],
                         ids=["identity", "trivial", "p0", "augmix-p0"])
def test_outputs_never_share_memory_with_inputs(policy):
    for seed in range(8):
        img = image(seed)
        mask = (img[..., 0] > 128).astype(np.uint8)
        data = {"image": img} if isinstance(policy, AugMix) else {"image": img, "mask": mask}
        out = policy(seed=seed, **data)
        for key, value in data.items():
            assert not np.shares_memory(out[key], value), key
        batch = np.stack([img, img])
        assert not np.shares_memory(policy.batch(batch, seed=seed)["images"], batch)


def test_policies_take_big_endian_images_and_give_the_native_result():
    img = image(3).astype(np.float32) / 255
    for policy in (RandAugment(), TrivialAugmentWide(), AugMix()):
        native = policy(image=img, seed=4)["image"]
        big = policy(image=img.astype(">f4"), seed=4)["image"]
        np.testing.assert_array_equal(big, native)
