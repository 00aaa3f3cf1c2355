"""Label-preservation check on PneumoniaMNIST: wall time and the per-op table.

The issue's target: `augkit check` on 1,000 28x28 images with a 5-op pipeline in <= 2 minutes
on 2 CPU cores. This runs the same check through the Python API on a stratified 1,000-image
subset of the training split of ``../shared/datasets/images/pneumoniamnist_variant.npz``
(MedMNIST, CC BY 4.0), 2 copies, 2 cross-fitting folds, the image proxy CNN (15 epochs max).

    .venv/bin/python benchmarks/quality_check.py [--n 1000] [--copies 2]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

import augkit
from augkit import image as A
from augkit.evaluate import stratified_subset
from augkit.quality import label_preservation

DATA = (Path(__file__).resolve().parents[2] / "shared" / "datasets" / "images"
        / "pneumoniamnist_variant.npz")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--copies", type=int, default=2)
    args = parser.parse_args()
    data = np.load(DATA)
    labels = data["train_labels"].ravel()
    keep = stratified_subset(labels, args.n, seed=0)
    pipeline = augkit.Compose([
        A.HorizontalFlip(), A.Rotate(limit=10, p=0.5), A.Brightness(p=0.5),
        A.GaussianNoise(p=0.3),
        A.Cutout(num_holes=(12, 12), hole_height=0.5, hole_width=0.5, p=0.5)])
    start = time.perf_counter()
    report = label_preservation("image", data["train_images"][keep], labels[keep], pipeline,
                                copies=args.copies, folds=2, max_epochs=15)
    seconds = time.perf_counter() - start
    print(report.to_markdown())
    print(f"\n{args.n} images, {len(report.ops)} rows (pipeline + each op), "
          f"{args.copies} copies: {seconds:.1f} s")


if __name__ == "__main__":
    main()
