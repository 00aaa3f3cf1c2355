"""`augkit experiment` and evaluate.experiment: tables, pairing, subsets, determinism, errors."""

from __future__ import annotations

import csv
import json
import re

import numpy as np
import pytest

from augkit.cli.main import main
from augkit.evaluate.arms import ARMS, WithLabels, arm_names
from augkit.evaluate.experiment import run_experiment

pytest.importorskip("torch", reason="experiments train the proxy models (torch)")


def _series(rng, n, length=24):
    y = np.arange(n) % 3
    steps = np.linspace(0, 1, length)
    x = np.sin(2 * np.pi * (y[:, None] + 1) * steps) + rng.normal(0, 0.3, (n, length))
    return x, y


def _ucr(path, x, y):
    path.write_text("\n".join("\t".join([str(label + 1)] + [f"{v:.5f}" for v in row])
                              for row, label in zip(x, y, strict=True)) + "\n")
    return str(path)


@pytest.fixture(scope="module")
def ucr(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ucr")
    rng = np.random.default_rng(0)
    return (_ucr(folder / "Tiny_TRAIN.tsv", *_series(rng, 30)),
            _ucr(folder / "Tiny_TEST.tsv", *_series(rng, 30)))


def _read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _run(ucr, out, *extra):
    return main(["experiment", "timeseries", ucr[0], "--test", ucr[1], "--seeds", "2",
                 "--epochs", "2", "--patience", "1", "--out", str(out), *extra])


def test_cli_writes_paired_tables_figure_and_page(ucr, tmp_path, capsys):
    out = tmp_path / "study"
    assert _run(ucr, out, "--arms", "none,jitter,wdba", "--n-train", "12,all") == 0
    printed = capsys.readouterr().out
    assert "n_train = 12 (2 runs)" in printed and "n_train = 30 (2 runs)" in printed
    rows = _read(out / "experiment.csv")
    assert [(r["n_train"], r["arm"]) for r in rows] == [
        ("12", "none"), ("12", "jitter"), ("12", "wdba"),
        ("30", "none"), ("30", "jitter"), ("30", "wdba")]
    for r in rows:
        assert r["n"] == "2"
        if r["arm"] != "none":  # paired against none: Δ, interval, W/T/L over the 2 seeds
            assert float(r["ci_low"]) <= float(r["diff"]) <= float(r["ci_high"])
            assert int(r["wins"]) + int(r["ties"]) + int(r["losses"]) == 2
        else:
            assert r["diff"] == ""
    runs = _read(out / "runs.csv")
    assert len(runs) == 2 * 2 * 3 and {r["seed"] for r in runs} == {"0", "1"}
    summary = json.loads((out / "experiment.json").read_text())
    assert summary["command"].startswith("augkit experiment timeseries ")
    assert "--n-train 12,all" in summary["command"] and summary["settings"]["test"] is True
    page = (out / "report.html").read_text()
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["n_train = 12", "n_train = 30",
                                                   "Reproduce"]
    assert page.count("<table") == 2 and 'src="data:image/png;base64,' in page
    assert (out / "experiment.png").read_bytes()[:4] == b"\x89PNG"


def test_same_seed_same_numbers(ucr, tmp_path):
    for name in ("a", "b"):
        assert _run(ucr, tmp_path / name, "--arms", "none,scaling", "--n-train", "15") == 0
    assert (tmp_path / "a" / "runs.csv").read_text() == (tmp_path / "b" / "runs.csv").read_text()


def test_a_pipeline_file_is_an_arm(ucr, tmp_path):
    import augkit
    from augkit import timeseries as T

    config = tmp_path / "mild-noise.yaml"
    augkit.save(augkit.Compose([T.Jitter(p=1.0)]), config)
    assert _run(ucr, tmp_path / "out", "--arms", f"none,{config}", "--n-train", "15") == 0
    assert [r["arm"] for r in _read(tmp_path / "out" / "experiment.csv")] == ["none",
                                                                             "mild-noise"]


@pytest.mark.parametrize("extra, message", [
    (["--arms", "none,jiter"], "--arms: 'jiter' is not an arm for timeseries; allowed: none, "
                               "searched, jitter"),
    (["--arms", "none,,jitter"], "--arms 'none,,jitter': give arm names"),
    (["--arms", "none,missing.yaml"], "pipeline file 'missing.yaml' does not exist"),
    (["--n-train", "ten"], "--n-train: 'ten' is not an integer or 'all'"),
    (["--n-train", "1"], "--n-train: 1 is too small"),
    (["--n-train", "31"], "--n-train 31 is more than the 30 training samples"),
    (["--n-train", "5"], "--n-train 5: must be between 6 (two per class) and 30"),
    (["--search-space", "grid"], "--search-space 'grid' is not one of randaugment, trivial"),
    (["--text-model", "cnn"], "--text-model cnn is for text; timeseries has one proxy model"),
])
def test_bad_arguments_name_the_argument_and_what_is_allowed(ucr, tmp_path, capsys, extra,
                                                             message):
    assert _run(ucr, tmp_path / "out", *extra) == 2
    err = capsys.readouterr().err
    assert err.startswith("augkit experiment: error: ") and message in err
    assert "Traceback" not in err


def test_bad_modality(ucr, tmp_path, capsys):
    assert main(["experiment", "audio", ucr[0], "--out", str(tmp_path)]) == 2
    assert "MODALITY 'audio' is not one of image, text, timeseries" in capsys.readouterr().err


def test_basic_expands_per_modality_and_none_comes_first():
    assert arm_names("image", "basic") == ["none", "basic"]
    assert arm_names("text", "eda,basic") == ["none", "eda", "sr", "ri", "rs", "rd"]
    series = arm_names("timeseries", "basic,none")
    assert series[0] == "none" and {"wdba", "spawner", "windowslice"} <= set(series)
    assert set(series) <= set(ARMS["timeseries"])


def test_subsets_are_stratified_and_drawn_per_seed():
    """The texts name their class; a recording arm sees each seed's training part."""
    labels = np.array([0] * 60 + [1] * 30 + [2] * 10)
    texts = [f"class{c} sample{i}" for i, c in enumerate(labels)]
    seen: dict[int, list[str]] = {}

    def record(batch, seed):
        seen.setdefault(len(seen), list(batch))
        return batch

    run_experiment("text", texts, labels, {"none": None, "record": record}, seeds=[0, 1],
                   n_train=[50], test=(texts[:5], labels[:5]), max_epochs=1)
    assert len(seen) == 2
    for batch in seen.values():  # the fit part: 40 of the 50 (10 held out for validation)
        counts = np.bincount([int(t[5]) for t in batch], minlength=3)
        assert counts.sum() == 40 and abs(counts - np.array([24, 12, 4])).max() <= 1
    assert set(seen[0]) != set(seen[1])


def test_label_aware_arms_are_bound_and_callable_arms_are_accepted():
    from augkit import timeseries as T

    rng = np.random.default_rng(1)
    x, y = _series(rng, 24)
    with pytest.raises(TypeError, match="needs the training labels"):
        WithLabels(T.Spawner())(x, 0)
    result = run_experiment("timeseries", x[..., None], y,
                            {"none": None, "spawner": WithLabels(T.Spawner(p=1.0)),
                             "flip": lambda s, seed: -s},
                            seeds=[0, 1], folds=2, max_epochs=1)
    assert [r["arm"] for r in result.rows()] == ["none", "spawner", "flip"]
    assert result.rows()[2]["description"] == "given by the caller"


def test_searched_arm_searches_the_training_subset_only(ucr, tmp_path):
    assert _run(ucr, tmp_path / "out", "--arms", "none,searched", "--n-train", "all",
                "--search-space", "trivial", "--search-minutes", "0.2") == 0
    summary = json.loads((tmp_path / "out" / "experiment.json").read_text())
    note = summary["notes"]["30"][0]
    assert note.startswith("searched: augkit search (trivial") and "recommended" in note
    assert "--search-space trivial --search-minutes 0.2" in summary["command"]


def test_every_named_arm_is_documented():
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[1] / "docs" / "experiments.md").read_text()
    for modality, names in ARMS.items():
        for name in names:
            assert f"`{name}`" in doc, (modality, name)


def test_experiment_page_renders_in_headless_chromium(ucr, tmp_path):
    from tests.browser import BROWSER, console_lines, probe

    if BROWSER is None:
        pytest.skip("no headless Chromium here (Debian package 'chromium'; .ci/run installs "
                    "it best-effort)")
    assert _run(ucr, tmp_path / "out", "--arms", "none,jitter", "--n-train", "15,all") == 0
    page = tmp_path / "out" / "report.html"
    found = probe(page)
    assert [i["width"] > 0 for i in found["images"]] == [True]
    assert found["tables"] == 2 and found["violations"] == []
    assert console_lines(page) == []


def test_smote_arm_replaces_about_p_within_class_and_replays_by_seed():
    from augkit.evaluate.arms import build_arm, facts
    from tests.gan_helpers import halves

    x, y = halves(40)
    built = build_arm("image", "smote", facts("image", x))
    augment = built.arm.bind(y)
    out = augment(x, 7)
    assert out.shape == x.shape and out.dtype == x.dtype
    changed = (out != x).any(axis=(1, 2))
    assert 10 <= changed.sum() <= 30  # p = 0.5 of 40
    top = out[:, :14].mean(axis=(1, 2)) > out[:, 14:].mean(axis=(1, 2))
    assert (top == (y == 0)).all()  # an interpolation of class 0 stays bright on top
    assert (augment(x, 7) == out).all() and (augment(x, 8) != out).any()
    series = build_arm("timeseries", "smote", {}).arm.bind(y)(x.astype(np.float32), 0)
    assert series.shape == x.shape and series.dtype == np.float32


def test_smote_and_gan_arms_train_in_an_experiment():
    from tests.gan_helpers import halves, tiny_model

    x, y = halves(24)
    folder = tiny_model("image")
    result = run_experiment("image", x, y, f"none,smote,gan:{folder}", seeds=[0, 1],
                            folds=2, max_epochs=1)
    rows = result.rows()
    assert [r["arm"] for r in rows] == ["none", "smote", "gan:image"]
    assert rows[2]["description"].startswith("GAN samples of the same class from ")


def test_gan_arm_for_series_swaps_in_generated_series_of_the_class():
    from augkit.evaluate.arms import build_arm, facts
    from tests.gan_helpers import tiny_model, waves

    x, y = waves(12)
    built = build_arm("timeseries", f"gan:{tiny_model('series')}", facts("timeseries", x,
                                                                          ["0", "1"]))
    out = built.arm.bind(y)(x, 3)
    assert out.shape == x.shape and 0 < (out != x).any(axis=(1, 2)).sum() < 12
    assert (built.arm.bind(y)(x, 3) == out).all()
    with pytest.raises(ValueError, match=r"classes \['2'\] of the data are not classes"):
        build_arm("timeseries", f"gan:{tiny_model('series')}",
                  facts("timeseries", x, ["0", "1", "2"]))
    with pytest.raises(ValueError, match="the model makes timeseries data, the experiment is "
                       "image"):
        build_arm("image", f"gan:{tiny_model('series')}", facts("image", x, ["0", "1"]))


def test_text_has_no_smote_or_gan_arm_and_a_gan_folder_is_checked(ucr, tmp_path, capsys):
    for name in ("smote", "gan:somewhere"):
        with pytest.raises(ValueError, match=f"'{name}' is not an arm for text"):
            arm_names("text", f"none,{name}")
    assert _run(ucr, tmp_path / "out", "--arms", f"none,gan:{tmp_path}") == 2
    assert "expected gan:MODEL_DIR with a folder written by augkit gan train" in \
        capsys.readouterr().err


def test_text_model_reaches_the_trainer_settings_and_command(tmp_path, capsys):
    words = ["good", "bad"]
    lines = [f"{i % 2} the film was {words[i % 2]} number {i}" for i in range(24)]
    (tmp_path / "train.txt").write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    assert main(["experiment", "text", str(tmp_path / "train.txt"), "--test",
                 str(tmp_path / "train.txt"), "--arms", "none,rd", "--seeds", "2", "--epochs",
                 "3", "--text-model", "cnn", "--out", str(out)]) == 0
    summary = json.loads((out / "experiment.json").read_text())
    assert summary["settings"]["text_model"] == "cnn"
    assert "--text-model cnn" in summary["command"]
    assert "(cnn proxy)" in (out / "report.md").read_text()
    with pytest.raises(ValueError, match="run_experiment: argument 'text_model' got 'rnn'"):
        run_experiment("text", lines, np.arange(24) % 2, "none", text_model="rnn")


def test_make_digits_writes_a_stratified_medmnist_style_split(tmp_path):
    pytest.importorskip("sklearn", reason="experiments/make_digits.py needs scikit-learn")
    import runpy
    from pathlib import Path

    from augkit.data import load_arrays, open_dataset

    script = Path(__file__).resolve().parents[1] / "experiments" / "make_digits.py"
    arrays = runpy.run_path(str(script))["digits_arrays"]()
    assert arrays["train_images"].shape == (1195, 8, 8) and arrays["test_labels"].shape == (602, 1)
    assert arrays["train_images"].dtype == np.uint8 and arrays["train_images"].max() == 255
    assert np.bincount(arrays["train_labels"][:, 0]).min() >= 50  # 50 per class fit
    np.savez(tmp_path / "digits.npz", **arrays)
    _, labels, names = load_arrays(open_dataset(tmp_path / "digits.npz", "image", split="test"))
    assert names == [str(c) for c in range(10)] and len(labels) == 602


def test_back_translation_arm_makes_round_trips_once_and_draws_them_per_epoch(tmp_path):
    pytest.importorskip("transformers", reason="back-translation needs transformers")
    from augkit.evaluate.arms import build_arm
    from tests.text_models import tiny_marian

    model = tiny_marian()
    texts = ["the film was good", "a dull and slow plot", "the film was good"]
    built = build_arm("text", f"bt:{model}+{model}", {})
    assert built.name == "bt:marian+marian" and "3 round trips" in built.description
    built.arm.transform.max_new_tokens = 6  # a random model never ends a sentence itself
    calls = []
    run = built.arm.transform.batch
    built.arm.transform.batch = lambda batch, **kw: calls.append(list(batch)) or run(batch, **kw)
    first = built.arm(texts, 5)
    assert len(first) == 3 and calls == [texts[:2]] * 3  # 3 variants of the 2 distinct texts
    assert built.arm(texts, 5) == first and len(calls) == 3  # kept: no second model run
    options = built.arm.paraphrases(texts)
    assert all(out == t or out in opts for out, t, opts in zip(first, texts, options,
                                                                strict=True))
    folder = tmp_path / "pair"
    (folder / "forward").mkdir(parents=True)
    with pytest.raises(ValueError, match="the forward translation model .* is not a local"):
        build_arm("text", f"bt:{folder}", {})
    assert arm_names("text", f"none,bt:{model}+{model}") == ["none", f"bt:{model}+{model}"]
    with pytest.raises(ValueError, match="bt:FORWARD_DIR"):
        arm_names("text", "none,nope")
