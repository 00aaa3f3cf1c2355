"""Does GAN augmentation help a small classifier? augkit gan eval's protocol on real data.

Settings (each: train a GAN on the training subset, then ``augkit.generative.evaluate``:
real / real+classical / real+synthetic / real+classical+synthetic / real+SMOTE / TSTR, the
same proxy CNN, ``--seeds`` seeds, scored on the official test split; fidelity and
memorisation of the GAN and of SMOTE):

- ``pneumonia-minority-{10,25,100}``: PneumoniaMNIST (this copy's training split: 388 normal /
  3,494 pneumonia), the minority class (normal) at 10 %, 25 % and 100 % of its training
  count, the majority subsampled to ``--majority`` images (CPU time); synthetic samples
  balance the classes.
- ``pneumonia-100pc-diffaug-{on,off}``: 100 images per class, DiffAugment + ADA on vs off;
  synthetic samples double each class.
- ``ucr-<Name>``: a UCR set (default ECG200) with all its training series.

Data: /work/shared/datasets (PneumoniaMNIST: Yang et al. 2023, CC BY 4.0; UCR: Dau et al.
2019). Run: ``PYTHONPATH=src .venv/bin/python experiments/gan_small_data.py [--only NAME ...]``.
Writes ``experiments/results/gan_small_data/<setting>/`` (report.md/.html, arms.csv,
fidelity.csv, eval.json) and the summary ``experiments/results/gan_small_data.md`` / ``.json``
(rebuilt from every setting present).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("AUGKIT_DATASETS", "/work/shared/datasets"))
NPZ = DATA / "images" / "pneumoniamnist_variant.npz"
UCR = DATA / "timeseries" / "ucr"
RESULTS = Path(__file__).resolve().parent / "results"
OUT = RESULTS / "gan_small_data"


def _pneumonia(minority_fraction: float | None, majority: int, per_class: int | None,
               seed: int):
    from augkit.data import load_arrays

    x, y, names = load_arrays(NPZ, split="train")
    xt, yt, _ = load_arrays(NPZ, split="test")
    rng = np.random.default_rng(seed)
    normal, pneumonia = np.flatnonzero(y == 0), np.flatnonzero(y == 1)
    if per_class is not None:
        keep = [rng.choice(normal, per_class, replace=False),
                rng.choice(pneumonia, per_class, replace=False)]
    else:
        n_minority = max(2, round(minority_fraction * normal.size))
        keep = [rng.choice(normal, n_minority, replace=False),
                rng.choice(pneumonia, min(majority, pneumonia.size), replace=False)]
    idx = np.sort(np.concatenate(keep))
    return x[idx], y[idx], xt, yt, names


def _ucr(name: str):
    from augkit.data import load_arrays

    x, y, names = load_arrays(UCR / name / f"{name}_TRAIN.tsv")
    xt, yt_raw, test_names = load_arrays(UCR / name / f"{name}_TEST.tsv")
    yt = np.array([names.index(test_names[i]) for i in yt_raw])
    return x, y, xt, yt, names


def settings(args) -> dict[str, dict]:
    # run order: quickest and most informative first (each setting is written when done)
    out = {f"ucr-{args.ucr}": {"data": ("ucr", args.ucr), "synthetic": "auto",
                               "diffaug": True}}
    for pct in (100, 10):
        out[f"pneumonia-minority-{pct}"] = {"data": ("pneumonia", pct / 100, None),
                                            "synthetic": "balance", "diffaug": True}
    for on in (True, False):
        out[f"pneumonia-100pc-diffaug-{'on' if on else 'off'}"] = {
            "data": ("pneumonia", None, 100), "synthetic": "double", "diffaug": on}
    out["pneumonia-minority-25"] = {"data": ("pneumonia", 0.25, None), "synthetic": "balance",
                                    "diffaug": True}
    return out


def run_setting(name: str, spec: dict, args) -> dict:
    import torch

    from augkit.generative import GANConfig, evaluate, train

    torch.set_num_threads(args.threads)
    if spec["data"][0] == "pneumonia":
        _, fraction, per_class = spec["data"]
        x, y, xt, yt, names = _pneumonia(fraction, args.majority, per_class, args.seed)
        kind, steps = "image", args.steps
    else:
        x, y, xt, yt, names = _ucr(spec["data"][1])
        kind, steps = "timeseries", args.series_steps
    config = GANConfig(threads=args.threads, diffaug=None if spec["diffaug"] else (),
                       ada=spec["diffaug"])
    start = time.perf_counter()
    model = train(x, y, Path(tempfile.mkdtemp(prefix="augkit-gan-exp-")) / name, steps=steps,
                  seed=args.seed, config=config, class_names=names, kind=kind,
                  checkpoint_seconds=1e9)
    gan_seconds = time.perf_counter() - start
    command = " ".join(["experiments/gan_small_data.py", "--only", name, "--steps",
                        str(args.steps), "--series-steps", str(args.series_steps), "--seeds",
                        str(args.seeds), "--epochs", str(args.epochs), "--majority",
                        str(args.majority), "--seed", str(args.seed)])
    result = evaluate(model, x, y, xt, yt, modality=kind, seeds=list(range(args.seeds)),
                      synthetic=spec["synthetic"], max_epochs=args.epochs,
                      settings={"command": command, "class_names": names,
                                "class_counts": np.bincount(y).tolist(),
                                "gan_steps": steps, "gan_seconds": round(gan_seconds, 1),
                                "diffaug": spec["diffaug"]})
    result.write(OUT / name, title=f"GAN augmentation: {name}")
    print(result.comparison.to_markdown(), flush=True)
    return json.loads((OUT / name / "eval.json").read_text())


def summary() -> None:
    rows, lines = {}, ["# GAN augmentation on small real data (experiments/gan_small_data.py)",
                       "", "Test accuracy (%) of the proxy classifier, mean ± std over seeds; "
                       "Δ: paired difference to `real` with its Bonferroni-corrected 95 % "
                       "interval (* significant). Fidelity: the GAN's samples (Fréchet "
                       "distance on proxy-CNN features, NOT comparable to Inception FID; "
                       "real reference in brackets). Per-setting pages: "
                       "`experiments/results/gan_small_data/<setting>/report.md`.", "",
                       "| setting | train counts | real | +classical Δ | +synthetic Δ | "
                       "+classical+synthetic Δ | +SMOTE Δ | TSTR Δ | Fréchet (ref) | "
                       "precision / recall | possible copies | fidelity rule |",
                       "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for path in sorted(OUT.glob("*/eval.json")):
        data = json.loads(path.read_text())
        rows[path.parent.name] = data
        arms = {r["arm"]: r for r in data["arms"]}

        def delta(arm, arms=arms):
            r = arms.get(arm)
            if r is None or "diff" not in r:
                return "-"
            star = "*" if r["significant"] else ""
            return (f"{r['diff'] * 100:+.1f} [{r['ci_low'] * 100:+.1f}, "
                    f"{r['ci_high'] * 100:+.1f}]{star}")
        f = data["fidelity"]
        real = arms["real"]
        lines.append(
            f"| {path.parent.name} | {data['settings'].get('class_counts')} | "
            f"{real['mean'] * 100:.1f} ± {real['std'] * 100:.1f} | {delta('real+classical')} | "
            f"{delta('real+synthetic')} | {delta('real+classical+synthetic')} | "
            f"{delta('real+smote')} | {delta('tstr')} | {f['frechet']:.2f} "
            f"({f['frechet_reference']:.2f}) | {f['precision']:.2f} / {f['recall']:.2f} | "
            f"{f['memorisation']['flagged']} | {'passes' if f['passes'] else 'fails'} |")
    lines += ["", "Seeds, epochs and GAN steps per setting are in each `eval.json` "
              "(`settings`). Where a Δ interval includes 0 the synthetic data did not "
              "measurably help."]
    (RESULTS / "gan_small_data.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "gan_small_data.json").write_text(json.dumps(rows, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="settings to run (default: all)")
    parser.add_argument("--steps", type=int, default=2000, help="GAN steps, images")
    parser.add_argument("--series-steps", type=int, default=1500, help="GAN steps, series")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--majority", type=int, default=1000)
    parser.add_argument("--ucr", default="ECG200")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    chosen = settings(args)
    unknown = sorted(set(args.only or ()) - set(chosen))
    if unknown:
        sys.exit(f"--only: unknown settings {unknown}; known: {', '.join(chosen)}")
    for name, spec in chosen.items():
        if args.only and name not in args.only:
            continue
        print(f"== {name}", flush=True)
        run_setting(name, spec, args)
        summary()
    summary()


if __name__ == "__main__":
    main()
