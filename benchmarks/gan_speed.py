"""GAN speed on a CPU: the 28x28 grey class-conditional GAN of augkit.generative on 1,000
PneumoniaMNIST training images (a stratified subset of this copy's training split).

Three figures, written to ``benchmarks/results/gan_speed.md`` and ``.json``:

- training steps/s (batch 64, default settings), over ``--rate-steps`` steps after warm-up;
- sampling images/s (10,000 images, best of 3, the generator in eval mode);
- time to a model that passes augkit's fidelity rule (:class:`augkit.generative.metrics.
  Fidelity`, against the real test split): training in chunks of ``--chunk`` steps
  (resumed, so the run is the same as one uninterrupted run), the rule checked after each
  chunk; the training seconds (checks excluded) up to the first pass, or "not reached"
  within ``--budget-minutes`` of training.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/gan_speed.py [--threads 2]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("AUGKIT_DATASETS", "/work/shared/datasets"))
NPZ = DATA / "images" / "pneumoniamnist_variant.npz"
RESULTS = ROOT / "benchmarks" / "results"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--images", type=int, default=1000)
    parser.add_argument("--rate-steps", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--budget-minutes", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    import torch

    from augkit.data import load_arrays
    from augkit.evaluate import fit_proxy, split_validation, stratified_subset
    from augkit.generative import GANConfig, train
    from augkit.generative.metrics import fidelity

    torch.set_num_threads(args.threads)
    x, y, names = load_arrays(NPZ, split="train")
    idx = stratified_subset(y, args.images, args.seed)
    x, y = x[idx], y[idx]
    xt, yt, _ = load_arrays(NPZ, split="test")
    config = GANConfig(threads=args.threads)
    work = Path(tempfile.mkdtemp(prefix="augkit-gan-bench-"))

    # steps/s: a warm-up model, then timed steps on a resumed run
    train(x, y, work / "rate", steps=10, seed=args.seed, config=config)
    start = time.perf_counter()
    train(x, y, work / "rate", steps=10 + args.rate_steps, seed=args.seed, resume=True)
    steps_per_s = args.rate_steps / (time.perf_counter() - start)

    # time to fidelity; one real-data classifier gives the features for every check
    fit_idx, val_idx = split_validation(y, np.arange(y.size), 0.2, args.seed)
    classifier = fit_proxy("image", x[fit_idx], y[fit_idx], x[val_idx], y[val_idx],
                           seed=args.seed, max_epochs=15, num_classes=2)
    checks, reached, model = [], None, None
    budget = args.budget_minutes * 60.0
    steps = 0
    while True:
        steps += args.chunk
        model = train(x, y, work / "fid", steps=steps, seed=args.seed, config=config,
                      resume=steps > args.chunk, checkpoint_seconds=1e9)
        fid = fidelity(model, "image", x, y, xt, yt, seed=args.seed, classifier=classifier)
        checks.append({"step": steps, "train_seconds": round(model.meta["seconds"], 1),
                       **{k: v for k, v in fid.to_dict().items() if k != "memorisation"},
                       "flagged_fraction": fid.memorisation["flagged_fraction"]})
        print(json.dumps(checks[-1]))
        if fid.passes:
            reached = checks[-1]
            break
        if model.meta["seconds"] >= budget:
            break

    labels = np.arange(10_000) % 2
    model.sample(labels[:256], seed=0)
    best = 0.0
    for repeat in range(3):
        start = time.perf_counter()
        model.sample(labels, seed=repeat)
        best = max(best, labels.size / (time.perf_counter() - start))

    result = {"machine": platform.processor() or platform.machine(),
              "cpus": os.cpu_count(), "threads": args.threads, "torch": torch.__version__,
              "images": int(y.size), "class_counts": np.bincount(y).tolist(),
              "config": config.to_dict(), "train_steps_per_s": round(steps_per_s, 2),
              "sample_images_per_s": round(best), "fidelity_checks": checks,
              "time_to_fidelity_s": None if reached is None else reached["train_seconds"],
              "steps_to_fidelity": None if reached is None else reached["step"],
              "budget_minutes": args.budget_minutes}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "gan_speed.json").write_text(json.dumps(result, indent=1))
    lines = ["# GAN speed (benchmarks/gan_speed.py)", "",
             f"28x28 grey cGAN, {y.size} PneumoniaMNIST training images "
             f"({', '.join(f'{n}: {c}' for n, c in zip(names, np.bincount(y), strict=True))}), "
             f"CPU, torch threads: {args.threads}, torch {torch.__version__}, "
             f"{os.cpu_count()} cores seen (shared machine: other jobs ran alongside).", "",
             "| measure | value | target |", "|---|---|---|",
             f"| training steps/s (batch {config.batch_size}) | {steps_per_s:.1f} | |",
             f"| sampling images/s | {best:,.0f} | >= 5,000 |",
             "| training time to a model passing the fidelity rule | "
             + ("not reached in the budget" if reached is None else
                f"{reached['train_seconds']:.0f} s ({reached['step']} steps)")
             + " | <= 600 s |", "",
             "Fidelity checks (after each chunk; features of a proxy CNN trained on the real "
             "subset, not comparable to Inception FID):", "",
             "| step | train s | Fréchet | ref | precision | ref | recall | ref | class acc | "
             "real acc | passes |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for c in checks:
        lines.append(f"| {c['step']} | {c['train_seconds']:.0f} | {c['frechet']:.2f} | "
                     f"{c['frechet_reference']:.2f} | {c['precision']:.2f} | "
                     f"{c['precision_reference']:.2f} | {c['recall']:.2f} | "
                     f"{c['recall_reference']:.2f} | {c['class_accuracy']:.2f} | "
                     f"{c['real_accuracy']:.2f} | {'yes' if c['passes'] else 'no'} |")
    (RESULTS / "gan_speed.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
