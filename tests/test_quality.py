"""augkit.quality: the applicability table and its rules, data facts, label preservation and
strength sweeps."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit import text as X
from augkit import timeseries as T
from augkit.core.registry import lookup
from augkit.quality import (
    applicability_warnings,
    infer_facts,
    label_preservation,
    load_rules,
    strength_sweep,
    wilson_interval,
)
from augkit.quality.applicability import parse_rules

TABLE = load_rules()


def _op_with(assumption: str, params: dict):
    for name, assumptions in TABLE.ops.items():
        if assumption in assumptions:
            try:
                return lookup(name)(**params)
            except TypeError:  # this op does not take the rule's params
                continue
    raise AssertionError(f"no op in the table makes assumption {assumption!r}")


@pytest.mark.parametrize("rule", TABLE.rules, ids=[r["id"] for r in TABLE.rules])
def test_every_rule_fires_on_its_own_case_and_only_then(rule):
    op = _op_with(rule["assumption"], rule.get("params") or {})
    pipeline = augkit.Compose([op])
    if rule.get("domains"):
        found = applicability_warnings(pipeline, domain=rule["domains"][0])
        assert rule["id"] in {w.rule for w in found}
    if rule.get("facts"):
        found = applicability_warnings(pipeline, facts=rule["facts"])
        hit = [w for w in found if w.rule == rule["id"]]
        assert hit and hit[0].trigger.startswith("data:")
        opposite = {k: not v for k, v in rule["facts"].items()}
        assert rule["id"] not in {w.rule for w in applicability_warnings(pipeline,
                                                                         facts=opposite)}
    assert rule["id"] not in {w.rule for w in applicability_warnings(pipeline)}


def test_known_cases_are_caught_from_domain_or_data():
    digits = applicability_warnings(augkit.Compose([A.VerticalFlip(), A.Rotate(limit=10)]),
                                    domain="digits")
    assert [(w.op, w.rule) for w in digits] == [("VerticalFlip", "upside-down-glyphs")]
    xray = applicability_warnings(augkit.Compose([A.HorizontalFlip()]), domain="chest-xray")
    assert xray[0].rule == "mirrored-anatomy" and "heart" in xray[0].reason
    grey = np.repeat(np.random.default_rng(0).integers(0, 256, (6, 20, 20, 1), np.uint8), 3, 3)
    hue = applicability_warnings(augkit.Compose([A.HueSaturationValue()]), inputs=grey)
    assert [w.rule for w in hue] == ["colour-on-greyscale"] and hue[0].trigger == "data: greyscale"
    colour = np.random.default_rng(0).integers(0, 256, (6, 20, 20, 3), np.uint8)
    assert applicability_warnings(augkit.Compose([A.HueSaturationValue()]), inputs=colour) == []
    sentiment = applicability_warnings(augkit.Compose([X.WordShuffle()]), domain="sentiment")
    assert sentiment[0].rule == "word-order-sentiment"
    texts = ["it is not good", "never again", "fine film", "I don't like it"]
    deletion = applicability_warnings(
        augkit.Compose([X.RandomDeletion(protect_negations=False)]), inputs=texts)
    assert [w.rule for w in deletion] == ["deleting-negations"]
    assert applicability_warnings(augkit.Compose([X.RandomDeletion()]), inputs=texts) == []
    trend = np.linspace(0, 10, 64)[None, :, None] + np.random.default_rng(1).normal(
        0, 0.2, (8, 64, 1))
    permuted = applicability_warnings(augkit.Compose([T.SegmentPermutation()]), inputs=trend)
    assert [w.rule for w in permuted] == ["permuting-a-trend"]


def test_nested_paths_class_assumptions_and_user_tables(tmp_path):
    class Mirror(A.HorizontalFlip, register=False):
        assumptions = ("my-assumption",)
    pipeline = augkit.Compose([A.Rotate(), augkit.OneOf([A.Blur(), Mirror()])])
    table = tmp_path / "mine.yaml"
    table.write_text("domains:\n  lungs: my lungs\nrules:\n  - id: mine\n"
                     "    assumption: my-assumption\n    domains: [lungs]\n"
                     "    reason: mirrors\n    instead: yes please\n")
    found = applicability_warnings(pipeline, domain="lungs", rules=table)
    assert [(w.path, w.op, w.rule) for w in found] == [
        ("Compose[1].OneOf[1]", "Mirror", "mine")]
    assert "Instead: yes please" in str(found[0])


@pytest.mark.parametrize(("document", "message"), [
    ({"rulez": []}, "unknown top-level keys"),
    ({"rules": [{"id": "a", "assumption": "x", "reason": "r", "instead": "i"}]},
     "needs 'domains' or 'facts'"),
    ({"rules": [{"id": "a", "assumption": "x", "reason": "r", "instead": "i",
                 "domains": ["moon"]}]}, "names domain 'moon'"),
    ({"rules": [{"id": "a", "assumption": "x", "reason": "r", "instead": "i",
                 "facts": {"small": True}, "when": 1}]}, "unknown keys"),
    ({"ops": {"HorizontalFlip": "mirror"}}, "must be a list of assumption names"),
])
def test_rule_table_errors_name_the_problem(document, message):
    with pytest.raises(ValueError, match=message):
        parse_rules(document)


def test_unknown_domain_lists_the_known_ones():
    with pytest.raises(ValueError, match="known domains: .*chest-xray"):
        applicability_warnings(augkit.Compose([A.HorizontalFlip()]), domain="xray")


def test_facts_from_data():
    rng = np.random.default_rng(0)
    assert infer_facts("image", np.zeros((3, 28, 28), np.uint16)) == {
        "greyscale": True, "sixteen_bit": True, "small": True}
    photo = rng.integers(0, 256, (2, 64, 64, 3), np.uint8)
    assert infer_facts("image", photo) == {"greyscale": False, "sixteen_bit": False,
                                           "small": False}
    facts = infer_facts("text", ["what is it?", "who won?", "a long sentence " * 10])
    assert facts == {"negations": False, "questions": True, "short": True}
    t = np.linspace(0, 1, 200)
    periodic = np.sin(2 * np.pi * 8 * t)[None, :, None] + rng.normal(0, 0.1, (6, 200, 1))
    assert infer_facts("timeseries", periodic) == {"multichannel": False, "periodic": True,
                                                   "trending": False}
    noise = rng.normal(size=(6, 100, 2))
    assert infer_facts("timeseries", noise) == {"multichannel": True, "periodic": False,
                                                "trending": False}


# -- label preservation ---------------------------------------------------------------------------
def test_wilson_interval_known_values():
    assert wilson_interval(0, 10) == pytest.approx((0.0, 0.27753), abs=1e-4)
    assert wilson_interval(5, 10) == pytest.approx((0.23659, 0.76341), abs=1e-4)


def _flat_images(n=40):
    """Uniform images, dark (class 0) or bright (class 1): a flip leaves them identical,
    Invert swaps the class."""
    y = np.arange(n) % 2
    x = np.where(y[:, None, None] == 1, 200, 50).astype(np.uint8) * np.ones((1, 8, 8), np.uint8)
    return x, y


def _brightness_fit(x_train, y_train, x_val, y_val, *, augment, seed):
    return lambda images: (np.asarray(images).reshape(len(images), -1).mean(1) > 128).astype(int)


def test_label_preservation_matches_a_hand_computed_case():
    x, y = _flat_images()
    report = label_preservation("image", x, y, augkit.Compose([A.HorizontalFlip(p=0.5),
                                                               A.Invert(p=0.5)]),
                                copies=3, folds=2, fit=_brightness_fit)
    rows = {r.op: r for r in report.ops}
    flip, invert = rows["HorizontalFlip"], rows["Invert"]
    assert flip.changed_rate == 0.0 and flip.unchanged_outputs == 1.0 and not flip.flagged
    assert invert.changed_rate == 1.0 and invert.unchanged_outputs == 0.0 and invert.flagged
    assert invert.accuracy_original == 1.0 and invert.accuracy_augmented == 0.0
    assert (invert.samples, invert.outputs) == (40, 120)
    assert (flip.ci_low, flip.ci_high) == pytest.approx(wilson_interval(0, 40))
    whole = rows["pipeline"]  # Invert at p=0.5: about half the outputs change
    assert 0.3 < whole.changed_rate < 0.7 and whole.flagged
    assert "| Invert (Compose[1]) | 100.0%" in report.to_markdown()


def test_destructive_op_flagged_mild_flip_not_with_the_proxy_model():
    rng = np.random.default_rng(0)
    y = np.arange(120) % 2
    x = rng.integers(0, 60, (120, 16, 16), np.uint8)
    x[y == 0, :8] += 150  # class 0: bright top half, class 1: bright bottom half
    x[y == 1, 8:] += 150
    # Cutout with 12 holes of half the side covers ~90 % of the image on average
    pipeline = augkit.Compose([A.HorizontalFlip(), A.Cutout(num_holes=(12, 12), hole_height=0.5,
                                                            hole_width=0.5, fill=0)])
    report = label_preservation("image", x, y, pipeline, copies=1, max_epochs=15, seed=1)
    rows = {r.op: r for r in report.ops}
    assert not rows["HorizontalFlip"].flagged and rows["HorizontalFlip"].changed_rate < 0.05
    assert rows["Cutout"].flagged and rows["Cutout"].accuracy_augmented < 0.8


def test_label_preservation_size_of_change_for_text_and_series():
    texts = [f"the film was {'good' if i % 2 else 'bad'} number {i}" for i in range(24)]
    y = np.arange(24) % 2
    fixed = lambda xt, yt, xv, yv, *, augment, seed: (  # noqa: E731
        lambda batch: np.array([int("good" in t) for t in batch]))
    report = label_preservation("text", texts, y, augkit.Compose([X.RandomSwap(rate=0.3)]),
                                fit=fixed, per_op=False)
    assert 0 < report.ops[0].extra["changed_words"] <= 1
    series = np.random.default_rng(0).normal(size=(20, 24, 1))
    labels = np.arange(20) % 2
    zero = lambda xt, yt, xv, yv, *, augment, seed: (  # noqa: E731
        lambda batch: np.zeros(len(batch), int))
    report = label_preservation("timeseries", series, labels,
                                augkit.Compose([T.Jitter(p=1.0)]), fit=zero, per_op=False)
    assert report.ops[0].extra["dtw_to_neighbour"] > 0 and report.ops[0].changed_rate == 0


def test_label_preservation_argument_errors():
    x, y = _flat_images()
    with pytest.raises(ValueError, match="copies must be a positive integer"):
        label_preservation("image", x, y, A.HorizontalFlip(), copies=0)
    with pytest.raises(ValueError, match="threshold must be in"):
        label_preservation("image", x, y, A.HorizontalFlip(), threshold=2)


# -- strength sweep -------------------------------------------------------------------------------
def test_strength_sweep_rows_and_the_largest_safe_value(tmp_path):
    x, y = _flat_images(36)

    def fit(x_train, y_train, x_val, y_val, *, augment, seed):
        # a "model" that learns the class threshold from its (augmented) training images:
        # noise so strong that the classes overlap ruins it
        images = x_train if augment is None else augment(x_train, seed)
        means = np.asarray(images, float).reshape(len(images), -1).mean(1)
        cut = (means[y_train == 0].mean() + means[y_train == 1].mean()) / 2
        shuffled = np.random.default_rng(seed).random() < 0.5 and augment is not None
        return lambda batch: ((np.asarray(batch, float).reshape(len(batch), -1).mean(1) > cut)
                              ^ (shuffled and np.std(means) < 60)).astype(int)
    result = strength_sweep("image", x, y, "Brightness", "limit", [0.0, 0.1, 0.2],
                            fixed={"p": 1.0}, seeds=[0, 1, 2], folds=2, fit=fit)
    assert [p.value for p in result.points] == [0.0, 0.1, 0.2]
    rows = result.rows()
    assert len(rows) == 3 and {"mean", "std", "ci_low", "ci_high", "hurts"} <= set(rows[0])
    assert result.largest_safe == 0.2 and rows[-1]["largest_safe"]
    csv_text = result.to_csv(tmp_path / "sweep.csv")
    assert csv_text.count("\n") == 4 and (tmp_path / "sweep.csv").exists()
    png = result.plot(tmp_path / "sweep.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_strength_sweep_marks_values_that_hurt():
    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    t = np.linspace(0, 1, 32)
    x = rng.normal(0, 0.2, (60, 32, 1)) + np.sin(2 * np.pi * (y[:, None] + 1) * t)[..., None]
    result = strength_sweep("timeseries", x, y, T.Jitter, "scale", [0.01, 10.0],
                            fixed={"p": 1.0}, seeds=[0, 1], folds=3, max_epochs=12)
    low, high = result.points
    assert high.hurts and not low.hurts and result.largest_safe == 0.01
    assert "hurts" in result.to_markdown()


def test_strength_sweep_argument_errors():
    x, y = _flat_images()
    with pytest.raises(ValueError, match="is swept"):
        strength_sweep("image", x, y, "Brightness", "limit", [0.1], fixed={"limit": 0.2})
    with pytest.raises(ValueError, match="unknown transform type 'Brightnes'"):
        strength_sweep("image", x, y, "Brightnes", "limit", [0.1])


def test_an_op_that_cannot_run_on_the_data_is_reported_not_fatal():
    x, y = _flat_images()
    report = label_preservation("image", x, y, augkit.Compose([A.HorizontalFlip(),
                                                               A.HueSaturationValue()]),
                                copies=1, fit=_brightness_fit)
    rows = {r.op: r for r in report.ops}
    assert "RGB" in rows["HueSaturationValue"].error and rows["HueSaturationValue"].flagged
    assert rows["pipeline"].error and not rows["HorizontalFlip"].error
    assert "cannot run on this data" in report.to_markdown()
