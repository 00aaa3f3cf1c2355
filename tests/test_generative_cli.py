"""`augkit gan train | sample | eval` on tiny datasets on disk."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from augkit.cli.main import main
from augkit.generative import GANModel, GenerativeAugment, SeriesGenerativeAugment
from tests.gan_helpers import halves, waves

pytest.importorskip("torch", reason="augkit gan needs torch (augkit[gan])")

SMALL = ["--batch-size", "8", "--width", "8", "--d-width", "4", "--threads", "1"]


@pytest.fixture()
def xray_npz(tmp_path):
    x, y = halves(n=40)
    path = tmp_path / "xray.npz"
    np.savez(path, train_images=x[:30], train_labels=y[:30, None], test_images=x[30:],
             test_labels=y[30:, None])
    return path


@pytest.fixture()
def ucr(tmp_path):
    x, y = waves(n=30, length=32, channels=1)
    paths = []
    for name, rows in (("TRAIN", slice(0, 20)), ("TEST", slice(20, 30))):
        path = tmp_path / f"Tiny_{name}.tsv"
        lines = ["\t".join([str(int(lab) * 2 - 1)] + [f"{v:.5f}" for v in s[:, 0]])
                 for s, lab in zip(x[rows], y[rows], strict=True)]
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def _manifest(folder):
    with open(folder / "manifest.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def test_train_resume_and_sample_images(tmp_path, xray_npz, capsys):
    model = tmp_path / "model"
    assert main(["gan", "train", str(xray_npz), "--out", str(model), "--steps", "2",
                 "--seed", "3", *SMALL]) == 0
    assert "2 steps on 30 image samples" in capsys.readouterr().out
    assert main(["gan", "train", str(xray_npz), "--out", str(model), "--steps", "4",
                 "--seed", "3", "--resume"]) == 0
    meta = json.loads((model / "model.json").read_text())
    assert meta["step"] == 4 and meta["source"]["format"] == "image-npz"

    out = tmp_path / "samples"
    assert main(["gan", "sample", str(model), "--per-class", "3,5", "--out", str(out)]) == 0
    rows = _manifest(out)
    assert [r["class"] for r in rows].count("0") == 3 and len(rows) == 8
    assert len(list((out / "0").glob("*.png"))) == 3 and len(list((out / "1").glob("*.png"))) == 5
    assert {r["checkpoint"] for r in rows} == {meta["generator_hash"]}
    assert {r["seed"] for r in rows} == {"0"}
    from augkit.data import open_dataset

    written = open_dataset(out)  # the source's layout: class subfolders of PNGs
    assert len(written) == 8 and written[0].data.shape == (28, 28)

    balanced = tmp_path / "balanced"
    assert main(["gan", "sample", str(model), "--balance", "--out", str(balanced)]) == 0
    assert _manifest(balanced) == []  # 15 / 15: nothing to add


def test_series_train_sample_and_eval_end_to_end(tmp_path, ucr, capsys):
    train_tsv, test_tsv = ucr
    model = tmp_path / "model"
    assert main(["gan", "train", str(train_tsv), "--out", str(model), "--steps", "3",
                 *SMALL]) == 0
    out = tmp_path / "samples"
    assert main(["gan", "sample", str(model), "--per-class", "4", "--out", str(out),
                 "--seed", "9"]) == 0
    lines = (out / "samples.tsv").read_text().splitlines()
    assert len(lines) == 8 and {ln.split("\t")[0] for ln in lines} == {"-1", "1"}
    assert len(lines[0].split("\t")) == 33
    assert len(_manifest(out)) == 8

    report = tmp_path / "eval"
    capsys.readouterr()
    assert main(["gan", "eval", str(model), str(train_tsv), "--test", str(test_tsv),
                 "--seeds", "2", "--epochs", "2", "--out", str(report)]) == 0
    printed = capsys.readouterr().out
    assert "real+smote" in printed and "tstr" in printed and "fidelity:" in printed
    for name in ("report.md", "report.html", "arms.csv", "fidelity.csv", "eval.json"):
        assert (report / name).is_file(), name
    summary = json.loads((report / "eval.json").read_text())
    assert [r["arm"] for r in summary["arms"]] == [
        "real", "real+classical", "real+synthetic", "real+classical+synthetic", "real+smote",
        "tstr"]
    assert all(r["n"] == 2 for r in summary["arms"])
    assert "NOT comparable to Inception FID" in (report / "report.md").read_text()

    # the same model in the dataset runner: each series' class reaches the op as labels=
    op = SeriesGenerativeAugment(model=model, p=1.0)
    _replaced_by_the_runner(tmp_path, train_tsv, op, capsys)
    unlabelled = tmp_path / "plain.npy"  # series without classes: each skipped, and why
    np.save(unlabelled, waves(n=3, length=32, channels=1)[0])
    import augkit

    augkit.save(augkit.Compose([op]), tmp_path / "gen.yaml")
    assert main(["augment", str(unlabelled), "--pipeline", str(tmp_path / "gen.yaml"),
                 "--out", str(tmp_path / "none"), "--quiet"]) == 0
    skipped = json.loads((tmp_path / "none" / "summary.json").read_text())["skipped"]
    assert len(skipped) == 3 and {s["reason"] for s in skipped} == {"no label"}


def _replaced_by_the_runner(tmp_path, src, op, capsys):
    import augkit

    pipe = tmp_path / "gen.yaml"
    augkit.save(augkit.Compose([op]), pipe)
    dst = tmp_path / "augmented"
    assert main(["augment", str(src), "--pipeline", str(pipe), "--out", str(dst), "--copies",
                 "2", "--seed", "4", "--quiet"]) == 0
    rows = [json.loads(line) for line in (dst / "manifest.jsonl").read_text().splitlines()]
    made = [r for r in rows if r["copy"] is not None]
    assert made and all(r["unchanged"] is False for r in made)
    names = GANModel.load(op.model).spec.class_names
    for r in made:  # the class the generator was asked for is the item's own
        label = r["record"]["steps"][0]["params"]["label"]
        assert names[label[0] if isinstance(label, list) else label] == str(r["label"])
    summary = json.loads((dst / "summary.json").read_text())
    assert summary["skipped"] == [] and summary["written"] == len(made)
    capsys.readouterr()
    for row in (1, len(rows) - 1):
        assert main(["replay", str(dst / "manifest.jsonl"), "--row", str(row)]) == 0
        assert "identical" in capsys.readouterr().out


def test_generative_augment_in_the_dataset_runner(tmp_path, capsys):
    from tests.data_helpers import class_folder
    from tests.gan_helpers import tiny_model

    src = class_folder(tmp_path / "src", {"0": 2, "1": 2}, size=(28, 28))
    _replaced_by_the_runner(tmp_path, src, GenerativeAugment(model=tiny_model("image"), p=1.0),
                            capsys)


@pytest.mark.parametrize("args,message", [
    (["sample", "{model}", "--per-class", "-2", "--out", "{tmp}/s"], "--per-class '-2'"),
    (["sample", "{model}", "--per-class", "1,2,3", "--out", "{tmp}/s"], "2 of them"),
    (["sample", "{tmp}/nothing", "--balance", "--out", "{tmp}/s"], "is not a model folder"),
    (["train", "{data}", "--out", "{model}", "--steps", "2"], "already holds a model"),
    (["train", "{data}", "--out", "{tmp}/new", "--steps", "2", "--resume"], "holds no model"),
    (["train", "{data}", "--out", "{tmp}/new", "--steps", "2", "--modality", "text"],
     "--modality 'text'"),
    (["train", "{data}", "--out", "{tmp}/new", "--steps", "2", "--width", "7"],
     "--width must be even, got 7"),
    (["train", "{data}", "--out", "{tmp}/new", "--steps", "2", "--r1", "-1"],
     "--r1 must be a number >= 0, got -1"),
    (["train", "{data}", "--out", "{tmp}/new", "--steps", "2", "--size", "16x16"],
     "images got size 16x16"),
    (["eval", "{model}", "{data}", "--test", "{data}", "--seeds", "1", "--out", "{tmp}/e"],
     "--seeds must be >= 2"),
])
def test_bad_input_gives_one_clear_line(tmp_path, xray_npz, capsys, args, message):
    model = tmp_path / "model"
    assert main(["gan", "train", str(xray_npz), "--out", str(model), "--steps", "1",
                 *SMALL]) == 0
    capsys.readouterr()
    filled = [a.format(model=model, tmp=tmp_path, data=xray_npz) for a in args]
    assert main(["gan", *filled]) == 2
    err = capsys.readouterr().err
    assert err.startswith("augkit gan: error: ") and message in err, err


def test_steps_must_be_positive(xray_npz, tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["gan", "train", str(xray_npz), "--out", str(tmp_path / "m"), "--steps", "0"])
    assert "--steps" in capsys.readouterr().err


def test_series_npz_samples_come_back_as_npz(tmp_path, capsys):
    x, y = waves(n=20, length=32, channels=2)
    data = tmp_path / "series.npz"
    np.savez(data, X=x, y=y)
    model = tmp_path / "model"
    assert main(["gan", "train", str(data), "--out", str(model), "--steps", "2", *SMALL]) == 0
    out = tmp_path / "samples"
    assert main(["gan", "sample", str(model), "--balance", "--out", str(out)]) == 0
    assert _manifest(out) == []
    assert main(["gan", "sample", str(model), "--per-class", "2,1", "--out", str(out)]) == 0
    from augkit.data import load_arrays

    xs, ys, names = load_arrays(out / "samples.npz")
    assert xs.shape == (3, 32, 2) and xs.dtype == np.float32 and ys.tolist() == [0, 0, 1]
    assert [r["class"] for r in _manifest(out)] == ["0", "0", "1"]
