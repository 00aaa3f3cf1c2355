"""Noise measured against the channel's std or against its step-to-step changes?

On smooth series a step changes by a small fraction of the channel's standard deviation, so
noise scaled by the std buries the shape at strengths that look mild. ``Jitter(reference=
"steps")`` scales by the spread of the first differences instead. This study trains the
proxy 1D CNN of ``augkit.evaluate`` on five UCR sets with each arm (p=1), scores it on the
sets' test splits, and reports each arm's paired difference to no augmentation
(Bonferroni-corrected 95 % intervals over the arms, ``augkit.evaluate.compare_arms``).

Data: /work/shared/datasets/timeseries/ucr (UCR archive 2018, Dau et al. 2019).
Run: .venv/bin/python experiments/timeseries_jitter_reference.py [--seeds 5 --epochs 40]
Writes experiments/results/timeseries_jitter_reference.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
from timeseries_defaults import DATA, SETS  # same folder: the sets and their reader
from timeseries_defaults import load as load_ucr

from augkit import timeseries as TS
from augkit.evaluate import compare_arms

RESULTS = Path(__file__).resolve().parent / "results"


def load(name: str, split: str) -> tuple[np.ndarray, np.ndarray]:
    """The UCR set as timeseries_defaults.py reads it (z-normalised), labels as 0..K-1."""
    x, raw = load_ucr(name, split)
    return x, np.unique(raw, return_inverse=True)[1]


def arms() -> dict:
    return {"none": None,
            "std 0.05": TS.Jitter(scale=0.05, p=1.0),
            "steps 0.05": TS.Jitter(scale=0.05, reference="steps", p=1.0),
            "steps 0.5": TS.Jitter(scale=0.5, reference="steps", p=1.0)}


def step_to_std(x: np.ndarray) -> float:
    """Median over series of std(first differences) / std: how smooth the set is."""
    return float(np.median(np.diff(x, axis=1).std(axis=1) / x.std(axis=1)))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=40)
    args = parser.parse_args(argv)
    if not DATA.exists():
        sys.exit(f"{DATA} is missing (the shared datasets)")
    rows, raw = [], {}
    for name in SETS:
        x, y = load(name, "TRAIN")
        xt, yt = load(name, "TEST")
        start = time.perf_counter()
        result = compare_arms("timeseries", x, y, arms(), seeds=list(range(args.seeds)),
                              test=(xt, yt), max_epochs=args.epochs)
        seconds = time.perf_counter() - start
        smooth = step_to_std(x)
        for row in result.rows():
            rows.append({"set": name, "step/std": round(smooth, 3), **row})
        raw[name] = {"rows": result.rows(), "seconds": round(seconds, 1), "step_to_std": smooth}
        print(f"{name} ({seconds:.0f} s, step/std {smooth:.3f})\n{result.to_markdown()}\n",
              flush=True)
    lines = ["# Jitter against the std or the steps", "",
             f"`.venv/bin/python experiments/timeseries_jitter_reference.py --seeds "
             f"{args.seeds} --epochs {args.epochs}`: proxy 1D CNN (augkit.evaluate), test "
             "splits, p=1, Bonferroni-corrected 95 % intervals over the arms.", "",
             "| set | step/std | arm | accuracy | Δ vs none (points) | interval |",
             "|---|---:|---|---:|---:|---|"]
    for r in rows:
        diff = "" if r["arm"] == "none" else f"{100 * r['diff']:+.1f}"
        ci = "" if r["arm"] == "none" else (f"[{100 * r['ci_low']:+.1f}, "
                                            f"{100 * r['ci_high']:+.1f}]")
        lines.append(f"| {r['set']} | {r['step/std']} | {r['arm']} | "
                     f"{100 * r['mean']:.1f} ± {100 * r['std']:.1f} | {diff} | {ci} |")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "timeseries_jitter_reference.md").write_text("\n".join(lines) + "\n")
    (RESULTS / "timeseries_jitter_reference.json").write_text(json.dumps(raw, indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
