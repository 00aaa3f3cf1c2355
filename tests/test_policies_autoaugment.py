"""AutoAugment: the published tables, the level mappings, op probabilities, replay, batches,
configs and errors."""

from __future__ import annotations

import copy
import json
import math

import numpy as np
import pytest

import augkit
from augkit.policies import AutoAugment
from augkit.policies.autoaugment import check_tables, tables

# -- the tables, transcribed independently (torchvision's layout: magnitude-free ops have no
# level) from the paper's appendix as torchvision/transforms/autoaugment.py _get_policies
# gives it -------------------------------------------------------------------------------------
N = None
EXPECTED = {
    "imagenet": [
        (("Posterize", 0.4, 8), ("Rotate", 0.6, 9)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, N)),
        (("Equalize", 0.8, N), ("Equalize", 0.6, N)),
        (("Posterize", 0.6, 7), ("Posterize", 0.6, 6)),
        (("Equalize", 0.4, N), ("Solarize", 0.2, 4)),
        (("Equalize", 0.4, N), ("Rotate", 0.8, 8)),
        (("Solarize", 0.6, 3), ("Equalize", 0.6, N)),
        (("Posterize", 0.8, 5), ("Equalize", 1.0, N)),
        (("Rotate", 0.2, 3), ("Solarize", 0.6, 8)),
        (("Equalize", 0.6, N), ("Posterize", 0.4, 6)),
        (("Rotate", 0.8, 8), ("Color", 0.4, 0)),
        (("Rotate", 0.4, 9), ("Equalize", 0.6, N)),
        (("Equalize", 0.0, N), ("Equalize", 0.8, N)),
        (("Invert", 0.6, N), ("Equalize", 1.0, N)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Rotate", 0.8, 8), ("Color", 1.0, 2)),
        (("Color", 0.8, 8), ("Solarize", 0.8, 7)),
        (("Sharpness", 0.4, 7), ("Invert", 0.6, N)),
        (("ShearX", 0.6, 5), ("Equalize", 1.0, N)),
        (("Color", 0.4, 0), ("Equalize", 0.6, N)),
        (("Equalize", 0.4, N), ("Solarize", 0.2, 4)),
        (("Solarize", 0.6, 5), ("AutoContrast", 0.6, N)),
        (("Invert", 0.6, N), ("Equalize", 1.0, N)),
        (("Color", 0.6, 4), ("Contrast", 1.0, 8)),
        (("Equalize", 0.8, N), ("Equalize", 0.6, N)),
    ],
    "cifar10": [
        (("Invert", 0.1, N), ("Contrast", 0.2, 6)),
        (("Rotate", 0.7, 2), ("TranslateX", 0.3, 9)),
        (("Sharpness", 0.8, 1), ("Sharpness", 0.9, 3)),
        (("ShearY", 0.5, 8), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.5, N), ("Equalize", 0.9, N)),
        (("ShearY", 0.2, 7), ("Posterize", 0.3, 7)),
        (("Color", 0.4, 3), ("Brightness", 0.6, 7)),
        (("Sharpness", 0.3, 9), ("Brightness", 0.7, 9)),
        (("Equalize", 0.6, N), ("Equalize", 0.5, N)),
        (("Contrast", 0.6, 7), ("Sharpness", 0.6, 5)),
        (("Color", 0.7, 7), ("TranslateX", 0.5, 8)),
        (("Equalize", 0.3, N), ("AutoContrast", 0.4, N)),
        (("TranslateY", 0.4, 3), ("Sharpness", 0.2, 6)),
        (("Brightness", 0.9, 6), ("Color", 0.2, 8)),
        (("Solarize", 0.5, 2), ("Invert", 0.0, N)),
        (("Equalize", 0.2, N), ("AutoContrast", 0.6, N)),
        (("Equalize", 0.2, N), ("Equalize", 0.6, N)),
        (("Color", 0.9, 9), ("Equalize", 0.6, N)),
        (("AutoContrast", 0.8, N), ("Solarize", 0.2, 8)),
        (("Brightness", 0.1, 3), ("Color", 0.7, 0)),
        (("Solarize", 0.4, 5), ("AutoContrast", 0.9, N)),
        (("TranslateY", 0.9, 9), ("TranslateY", 0.7, 9)),
        (("AutoContrast", 0.9, N), ("Solarize", 0.8, 3)),
        (("Equalize", 0.8, N), ("Invert", 0.1, N)),
        (("TranslateY", 0.7, 9), ("AutoContrast", 0.9, N)),
    ],
    "svhn": [
        (("ShearX", 0.9, 4), ("Invert", 0.2, N)),
        (("ShearY", 0.9, 8), ("Invert", 0.7, N)),
        (("Equalize", 0.6, N), ("Solarize", 0.6, 6)),
        (("Invert", 0.9, N), ("Equalize", 0.6, N)),
        (("Equalize", 0.6, N), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("AutoContrast", 0.8, N)),
        (("ShearY", 0.9, 8), ("Invert", 0.4, N)),
        (("ShearY", 0.9, 5), ("Solarize", 0.2, 6)),
        (("Invert", 0.9, N), ("AutoContrast", 0.8, N)),
        (("Equalize", 0.6, N), ("Rotate", 0.9, 3)),
        (("ShearX", 0.9, 4), ("Solarize", 0.3, 3)),
        (("ShearY", 0.8, 8), ("Invert", 0.7, N)),
        (("Equalize", 0.9, N), ("TranslateY", 0.6, 6)),
        (("Invert", 0.9, N), ("Equalize", 0.6, N)),
        (("Contrast", 0.3, 3), ("Rotate", 0.8, 4)),
        (("Invert", 0.8, N), ("TranslateY", 0.0, 2)),
        (("ShearY", 0.7, 6), ("Solarize", 0.4, 8)),
        (("Invert", 0.6, N), ("Rotate", 0.8, 4)),
        (("ShearY", 0.3, 7), ("TranslateX", 0.9, 3)),
        (("ShearX", 0.1, 6), ("Invert", 0.6, N)),
        (("Solarize", 0.7, 2), ("TranslateY", 0.6, 7)),
        (("ShearY", 0.8, 4), ("Invert", 0.8, N)),
        (("ShearX", 0.7, 9), ("TranslateY", 0.8, 3)),
        (("ShearY", 0.8, 5), ("AutoContrast", 0.7, N)),
        (("ShearX", 0.7, 2), ("Invert", 0.1, N)),
    ],
}
# the paper's (and timm's) levels of the magnitude-free ops in the ImageNet table, row by row
IMAGENET_FREE_LEVELS = [None, 5, (8, 3), None, 7, 4, 7, 2, None, 8, None, 2, (7, 8), (4, 8),
                        None, None, None, 8, 9, 3, 7, 5, (4, 8), None, (8, 3)]
FREE = {"AutoContrast", "Equalize", "Invert"}
POLICIES = ["imagenet", "cifar10", "svhn"]


@pytest.mark.parametrize("policy", POLICIES)
def test_tables_match_the_published_ones_entry_by_entry(policy):
    loaded = AutoAugment(policy).sub_policies
    assert len(loaded) == 25 and len(EXPECTED[policy]) == 25
    for row, (got, want) in enumerate(zip(loaded, EXPECTED[policy], strict=True), 1):
        assert len(got) == 2, f"{policy} row {row}"
        for (name, prob, level), (w_name, w_prob, w_level) in zip(got, want, strict=True):
            assert name == w_name, f"{policy} row {row}"
            assert prob == w_prob, f"{policy} row {row} {name}"
            if w_level is None:
                assert name in FREE and isinstance(level, int) and 0 <= level <= 9
            else:
                assert name not in FREE and level == w_level, f"{policy} row {row} {name}"


def test_imagenet_levels_of_magnitude_free_ops_are_the_papers():
    for row, want in zip(tables()["imagenet"], IMAGENET_FREE_LEVELS, strict=True):
        free = tuple(level for name, _, level in row if name in FREE)
        assert free == (() if want is None else want if isinstance(want, tuple) else (want,))


def test_imagenet_repeats_five_sub_policies():
    rows = tables()["imagenet"]
    assert [rows[i] for i in (20, 21, 22, 23, 24)] == [rows[i] for i in (4, 1, 13, 14, 2)]
    assert len(set(rows)) == 20


def test_op_names_map_onto_augkit_ops():
    aug = AutoAugment("cifar10")
    kinds = {op.name: (op.type, op.fixed) for op in aug._ops}
    assert kinds["ShearY"] == ("Shear", {"axis": "y"})
    assert kinds["TranslateX"] == ("Translate", {"axis": "x"})
    assert kinds["Brightness"] == ("Exposure", {})
    assert kinds["Color"] == ("Saturation", {})
    assert aug.op_types == {"Shear", "Translate", "Rotate", "Exposure", "Saturation",
                            "Contrast", "Sharpness", "Posterize", "Solarize", "AutoContrast",
                            "Equalize", "Invert"}


# -- level mappings ----------------------------------------------------------------------------
def _op(aug: AutoAugment, name: str, level: int, sign: int = 1):
    index = aug.op_names.index(name)
    return aug._ops[index].build(level / (10 if aug.levels == "paper" else 9), sign)


@pytest.mark.parametrize("level", range(10))
def test_paper_levels(level):
    aug = AutoAugment("cifar10")  # every op kind but ShearX (same as ShearY)
    shear = _op(aug, "ShearY", level, -1)
    assert shear.angle[0] == pytest.approx(-math.degrees(math.atan(0.03 * level)))
    assert _op(aug, "TranslateX", level).fraction[0] == pytest.approx(150 / 331 * level / 10)
    assert _op(aug, "Rotate", level, -1).limit == (-3.0 * level, -3.0 * level)
    factor = 0.1 + 0.18 * level
    for name, attribute in (("Color", "factor"), ("Sharpness", "factor"),
                            ("Brightness", "factor")):
        # no direction: the sign of a draw is ignored
        assert getattr(_op(aug, name, level, -1), attribute)[0] == pytest.approx(factor)
    assert _op(aug, "Contrast", level).limit[0] == pytest.approx(factor - 1)
    bits = 4 - int(level * 4 / 10)
    assert _op(aug, "Posterize", level).bits == (bits, bits)


@pytest.mark.parametrize("level", range(10))
def test_torchvision_levels(level):
    aug = AutoAugment("cifar10", levels="torchvision")
    m = np.linspace(0, 1, 10)[level]
    assert _op(aug, "ShearY", level).angle[0] == pytest.approx(
        math.degrees(math.atan(np.linspace(0, 0.3, 10)[level])))
    assert _op(aug, "TranslateY", level, -1).fraction[0] == pytest.approx(-150 / 331 * m)
    assert _op(aug, "Rotate", level).limit[0] == pytest.approx(np.linspace(0, 30, 10)[level])
    for sign in (1, -1):
        assert _op(aug, "Color", level, sign).factor[0] == pytest.approx(1 + sign * 0.9 * m)
        assert _op(aug, "Contrast", level, sign).limit[0] == pytest.approx(sign * 0.9 * m)
    bits = [8, 8, 7, 7, 6, 6, 5, 5, 4, 4][level]  # 8 - round(l / (9 / 4))
    assert _op(aug, "Posterize", level).bits == (bits, bits)


def _levels_image() -> np.ndarray:
    return np.arange(256, dtype=np.uint8).reshape(16, 16)[..., None].repeat(3, axis=2)


@pytest.mark.parametrize("level", range(10))
def test_paper_solarize_and_posterize_match_pil(level):
    PIL = pytest.importorskip("PIL.Image")
    from PIL import ImageOps

    aug, image = AutoAugment("imagenet"), _levels_image()
    pil = PIL.fromarray(image)
    solarize = _op(aug, "Solarize", level)
    want = np.asarray(ImageOps.solarize(pil, 256 - int(level * 256 / 10)))
    got = image if solarize is None else solarize(image=image)["image"]
    np.testing.assert_array_equal(got, want)
    want = np.asarray(ImageOps.posterize(pil, 4 - int(level * 4 / 10)))
    np.testing.assert_array_equal(_op(aug, "Posterize", level)(image=image)["image"], want)


@pytest.mark.parametrize("level", range(10))
def test_torchvision_solarize_thresholds(level):
    torch = pytest.importorskip("torch")
    threshold = float(torch.linspace(255.0, 0.0, 10)[level])  # torchvision's table
    image = _levels_image()
    want = np.where(image >= threshold, 255 - image, image)
    aug = AutoAugment("imagenet", levels="torchvision")
    np.testing.assert_array_equal(_op(aug, "Solarize", level)(image=image)["image"], want)


# -- drawing ------------------------------------------------------------------------------------
def _keys(aug: AutoAugment, row) -> list[tuple[str, float]]:
    scale = 10 if aug.levels == "paper" else 9
    return [(name, 0.0 if name in FREE else level / scale) for name, _, level in row]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("levels", ["paper", "torchvision"])
def test_each_op_fires_with_its_probability_in_order(policy, levels):
    aug = AutoAugment(policy, levels=levels)
    rows = tables()[policy]
    rng = np.random.default_rng(0)
    drawn_rows = np.zeros(25, int)
    fired: list[dict] = [{} for _ in range(25)]
    for _ in range(12500):
        row = int(copy.deepcopy(rng).integers(0, 25))  # the row this draw picks
        drawn_rows[row] += 1
        keys = [(aug.op_names[index], m) for index, m, _ in aug.choose(rng)]
        allowed = _keys(aug, rows[row])
        # what fired is the row's ops, in the row's order
        assert keys in ([], allowed[:1], allowed[1:], allowed), (row, keys)
        for key in keys:
            fired[row][key] = fired[row].get(key, 0) + 1
    # rows drawn uniformly
    assert drawn_rows.min() > 500 * 0.8 and drawn_rows.max() < 500 * 1.2
    for row, entries in enumerate(rows):
        want: dict = {}
        for key, (_, prob, _) in zip(_keys(aug, entries), entries, strict=True):
            want[key] = want.get(key, 0.0) + prob
        n = drawn_rows[row]
        for key, rate in want.items():
            got = fired[row].get(key, 0)
            if rate in (0.0, 1.0, 2.0):  # never / always fires: exactly
                assert got == rate * n, (row, key)
                continue
            single = min(rate, 2 - rate, 1.0)
            sd = math.sqrt(2 * n * single * (1 - min(single, 0.99)))
            assert abs(got - rate * n) < 5 * sd, (policy, row + 1, key, got, rate * n)


@pytest.mark.parametrize("levels", ["paper", "torchvision"])
def test_directions(levels):
    aug = AutoAugment("cifar10", levels=levels)
    rng = np.random.default_rng(2)
    signs: dict[str, list[int]] = {}
    for _ in range(6000):
        for index, _, sign in aug.choose(rng):
            signs.setdefault(aug.op_names[index], []).append(sign)
    for name in ("Rotate", "ShearY", "TranslateY"):
        assert 0.4 < np.mean(np.array(signs[name]) == -1) < 0.6, name
    for name in ("Color", "Brightness", "Sharpness", "Contrast"):
        flipped = np.mean(np.array(signs[name]) == -1)
        if levels == "paper":
            assert flipped == 0.0, name
        else:
            assert 0.35 < flipped < 0.65, name
    for name in ("Posterize", "Solarize", "Equalize", "AutoContrast", "Invert"):
        assert set(signs[name]) == {1}


def test_p_skips_the_whole_policy():
    image = _levels_image()
    aug = AutoAugment("svhn", p=0.0)
    out = aug(image=image, seed=0, return_record=True)
    assert out["record"].steps == [] and np.array_equal(out["image"], image)
    applied = [bool(AutoAugment("imagenet", p=0.3)(image=image, seed=s, return_record=True)[
        "record"].steps) for s in range(400)]
    # each call: 0.3 of applying the policy, which changes nothing in ~ a fifth of draws
    assert 0.15 < np.mean(applied) < 0.35


# -- replay, batches, configs -----------------------------------------------------------------
def _data(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, size=(36, 44, 3), dtype=np.uint8)
    mask = np.zeros((36, 44), np.uint8)
    mask[8:20, 10:24] = 1
    return {"image": image, "mask": mask, "bboxes": [[10.0, 8.0, 24.0, 20.0]],
            "labels": ["box"], "keypoints": [[16.0, 14.0]]}


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("levels", ["paper", "torchvision"])
def test_records_replay_exactly(policy, levels):
    aug = AutoAugment(policy, levels=levels)
    kinds = set()
    for seed in range(30):
        data = _data(seed)
        out = aug(**data, seed=seed, return_record=True)
        record = augkit.Record.from_json(out["record"].to_json())
        replayed = record.apply(**_data(seed))
        kinds |= set(record.names)
        for key in ("image", "mask", "bboxes", "keypoints"):
            np.testing.assert_array_equal(replayed[key], out[key], err_msg=key)
        assert out["record"].apply(image=data["image"])["image"].tobytes() == \
            out["image"].tobytes()
    assert len(kinds) >= 4  # the seeds reached several ops


@pytest.mark.parametrize("policy", POLICIES)
def test_batch_equals_per_sample_replays(policy):
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, size=(48, 24, 28, 3), dtype=np.uint8)
    masks = [(rng.random((24, 28)) < 0.3).astype(np.uint8) for _ in range(48)]
    aug = AutoAugment(policy)
    out = aug.batch(images, mask=masks, seed=4, return_records=True)
    assert out["images"].shape == images.shape and len(out["records"]) == 48
    assert len({tuple(r.names) for r in out["records"]}) > 3  # per-sample draws
    for i, record in enumerate(out["records"]):
        replayed = record.apply(image=images[i], mask=masks[i])
        np.testing.assert_array_equal(replayed["image"], out["images"][i], err_msg=str(i))
        np.testing.assert_array_equal(replayed["mask"], out["mask"][i], err_msg=str(i))
    # the same seed gives the same batch
    again = aug.batch(images, mask=masks, seed=4)
    np.testing.assert_array_equal(again["images"], out["images"])


def test_same_seed_same_output_and_seeds_differ():
    aug = AutoAugment("cifar10")
    data = _data(0)
    a, b = aug(**data, seed=11), aug(**data, seed=11)
    np.testing.assert_array_equal(a["image"], b["image"])
    outputs = {aug(**data, seed=s)["image"].tobytes() for s in range(10)}
    assert len(outputs) > 3


@pytest.mark.parametrize("levels", ["paper", "torchvision"])
def test_config_round_trip(levels, tmp_path):
    aug = AutoAugment("svhn", levels=levels, p=0.75)
    config = aug.to_dict()
    assert config == {"type": "AutoAugment", "policy": "svhn", "levels": levels, "p": 0.75}
    rebuilt = augkit.from_dict(json.loads(json.dumps(config)))
    assert rebuilt == aug and rebuilt.to_dict() == config
    for suffix in (".json", ".yaml"):
        path = tmp_path / f"aa{suffix}"
        augkit.save(aug, path)
        assert augkit.load(path) == aug
    composed = augkit.from_dict(augkit.Compose([aug]).to_dict())
    data = _data(1)
    np.testing.assert_array_equal(composed(**data, seed=5)["image"],
                                  augkit.Compose([aug])(**data, seed=5)["image"])
    np.testing.assert_array_equal(rebuilt(**data, seed=5)["image"], aug(**data, seed=5)["image"])


# -- errors ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs, pattern", [
    ({"policy": "coco"}, r"AutoAugment: argument 'policy' got 'coco'; expected one of "
                         r"\['cifar10', 'imagenet', 'svhn'\]"),
    ({"policy": "ImageNet"}, r"'policy' got 'ImageNet'"),
    ({"levels": "timm"}, r"AutoAugment: argument 'levels' got 'timm'; expected one of "
                         r"\['paper', 'torchvision'\]"),
    ({"p": 1.5}, r"AutoAugment: argument 'p' got 1\.5"),
])
def test_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match=pattern):
        AutoAugment(**kwargs)


def test_unknown_config_key_is_rejected():
    with pytest.raises(ValueError, match="AutoAugment.*magnitude"):
        augkit.from_dict({"type": "AutoAugment", "policy": "svhn", "magnitude": 9})


def _raw() -> dict:
    return {name: [[list(e) for e in row] for row in rows] for name, rows in tables().items()}


@pytest.mark.parametrize("edit, pattern", [
    (lambda d: d.pop("svhn"), r"expected the policies"),
    (lambda d: d["cifar10"].pop(), r"cifar10 must list 25 sub-policies"),
    (lambda d: d["svhn"][2].pop(), r"svhn sub-policy 3: expected two ops"),
    (lambda d: d["imagenet"][0][0].__setitem__(0, "Blur"), r"imagenet sub-policy 1: op 'Blur'"),
    (lambda d: d["imagenet"][4][1].__setitem__(1, 1.2), r"Solarize probability 1\.2"),
    (lambda d: d["cifar10"][1][1].__setitem__(2, 10), r"TranslateX level 10 is not an integer"),
    (lambda d: d["cifar10"][1][1].__setitem__(2, 2.5), r"level 2\.5"),
    (lambda d: d["cifar10"][1].__setitem__(0, ["Rotate", 0.7]), r"\[op, probability, level\]"),
])
def test_table_checks_name_the_entry(edit, pattern):
    data = _raw()
    edit(data)
    with pytest.raises(ValueError, match=pattern):
        check_tables(data, "test")


def test_tables_come_from_the_package_resource():
    from augkit import resources
    from augkit.core.serialize import parse_config

    path = resources.path("policies", "autoaugment.yaml")
    assert path.is_file()
    assert check_tables(parse_config(path.read_text("utf-8"), "yaml"), "t") == tables()
