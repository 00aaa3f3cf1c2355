"""Do augkit's default time-series strengths hurt? A small 1D CNN on five UCR sets.

Three training regimes, same model, same epochs, several seeds (mean +- std of test accuracy):

- ``none``: no augmentation;
- ``defaults``: augkit defaults, each op at its default p=0.5: Jitter, Scaling, MagnitudeWarp,
  TimeWarp, Drift, WindowSlice;
- ``strong``: the common strong settings the issue warns about: noise std 0.1 x the series
  range and drift up to 0.5 x the range (converted to augkit's std units per data set).

Data: /work/shared/datasets/timeseries/ucr (UCR archive 2018, Dau et al. 2019).
Run: .venv/bin/python experiments/timeseries_defaults.py [--seeds 3 --epochs 100]
     (per-op: --regimes none jitter scaling magwarp timewarp drift windowslice --tag NAME)
Writes experiments/results/<tag>.{md,json} (tag: timeseries_defaults).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

import augkit
from augkit import timeseries as TS

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "datasets" / "timeseries" / "ucr"
RESULTS = Path(__file__).resolve().parent / "results"
SETS = ("CBF", "ECG200", "Trace", "SyntheticControl", "Plane")


def load(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    raw = np.loadtxt(DATA / name / f"{name}_{split}.tsv", delimiter="\t")
    x = raw[:, 1:]
    x = (x - x.mean(axis=1, keepdims=True)) / (x.std(axis=1, keepdims=True) + 1e-8)
    return x[:, :, None].astype(np.float32), raw[:, 0]


def pipelines(x_train: np.ndarray, seed: int) -> dict[str, augkit.Compose | None]:
    ratio = float(np.mean(np.ptp(x_train, axis=1) / x_train.std(axis=1)))  # range in stds
    singles = {"jitter": TS.Jitter(), "scaling": TS.Scaling(), "magwarp": TS.MagnitudeWarp(),
               "timewarp": TS.TimeWarp(), "drift": TS.Drift(), "windowslice": TS.WindowSlice()}
    out: dict[str, augkit.Compose | None] = {
        "none": None,
        "defaults": augkit.Compose(list(singles.values()), seed=seed),
        "strong": augkit.Compose([TS.Jitter(scale=0.1 * ratio, p=1.0),
                                  TS.Drift(max_drift=0.5 * ratio, p=1.0)], seed=seed),
    }
    singles["timewarp_0.1"] = TS.TimeWarp(sigma=0.1)  # the common settings, for comparison
    singles["windowslice_0.9"] = TS.WindowSlice(ratio=(0.9, 0.95))
    for name, op in singles.items():  # each op alone, at its default p
        out[name] = augkit.Compose([op], seed=seed)
    return out


def make_model(n_classes: int):
    import torch.nn as nn

    def block(i, o, k):
        return [nn.Conv1d(i, o, k, padding=k // 2), nn.BatchNorm1d(o), nn.ReLU()]

    return nn.Sequential(*block(1, 32, 7), *block(32, 64, 5), *block(64, 64, 3),
                         nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(64, n_classes))


def train_eval(name: str, regime: str, seed: int, epochs: int) -> float:
    import torch

    x_tr, y_tr = load(name, "TRAIN")
    x_te, y_te = load(name, "TEST")
    classes, y_tr_i = np.unique(y_tr, return_inverse=True)
    y_te_i = np.searchsorted(classes, y_te)
    aug = pipelines(x_tr, seed)[regime]
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = make_model(len(classes))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()
    n = len(x_tr)
    for _ in range(epochs):
        xb_all = x_tr if aug is None else aug(series=x_tr)["series"]
        order = rng.permutation(n)
        model.train()
        for s in range(0, n, 32):
            idx = order[s:s + 32]
            if len(idx) < 2:
                continue
            xb = torch.from_numpy(np.ascontiguousarray(xb_all[idx].transpose(0, 2, 1)))
            yb = torch.from_numpy(y_tr_i[idx].astype(np.int64))
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    model.eval()
    with torch.no_grad():
        logits = model(torch.from_numpy(np.ascontiguousarray(x_te.transpose(0, 2, 1))))
    return float((logits.argmax(1).numpy() == y_te_i).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    parser.add_argument("--regimes", nargs="*", default=["none", "defaults", "strong"],
                        help="also: jitter scaling magwarp timewarp drift windowslice "
                        "timewarp_0.1 windowslice_0.9")
    parser.add_argument("--tag", default="timeseries_defaults", help="results file name")
    args = parser.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"UCR data not found at {DATA}")
    import torch

    torch.set_num_threads(1)
    results: dict[str, dict[str, list[float]]] = {}
    start = time.time()
    for name in args.sets:
        results[name] = {}
        for regime in args.regimes:
            accs = [train_eval(name, regime, s, args.epochs) for s in range(args.seeds)]
            results[name][regime] = accs
            print(f"{name:18s} {regime:9s} {np.mean(accs):.3f} +- {np.std(accs):.3f} "
                  f"({time.time() - start:.0f} s)", flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.tag}.json").write_text(json.dumps(
        {"seeds": args.seeds, "epochs": args.epochs, "accuracy": results}, indent=2))
    lines = [f"Test accuracy, 1D CNN, {args.epochs} epochs, mean +- std over {args.seeds} "
             f"seeds (`experiments/timeseries_defaults.py {' '.join(sys.argv[1:])}`).", "",
             "| data set | " + " | ".join(args.regimes) + " |",
             "|---|" + "---:|" * len(args.regimes)]
    for name, by in results.items():
        cells = [f"{np.mean(by[r]):.3f} +- {np.std(by[r]):.3f}" for r in args.regimes]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    means = [np.mean([np.mean(by[r]) for by in results.values()]) for r in args.regimes]
    lines.append("| mean | " + " | ".join(f"{m:.3f}" for m in means) + " |")
    lines += ["", "strong = noise std 0.1 x series range and drift up to 0.5 x range; defaults "
              "= Jitter, Scaling, MagnitudeWarp, TimeWarp, Drift, WindowSlice at their "
              "defaults (p=0.5 each); a single name = that op alone at its defaults; "
              "timewarp_0.1 / windowslice_0.9 = TimeWarp(sigma=0.1) / "
              "WindowSlice(ratio=(0.9, 0.95)), the common settings."]
    text = "\n".join(lines) + "\n"
    (RESULTS / f"{args.tag}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
