"""sklearn's 8x8 digits (bundled with scikit-learn, no download) as a MedMNIST-style .npz,
so ``augkit experiment image`` reads it like any other image set.

The 1,797 images (values 0-16) become uint8 0-255; a stratified split (every third image of
each class from the first, in sklearn's order, goes to the test split: 602 test / 1,195
train, ~120 train images per class) is written as ``train_images``/``train_labels``/``test_images``/
``test_labels``. Needs ``pip install 'augkit[experiments]'`` (scikit-learn).

    python experiments/make_digits.py build/digits.npz
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from augkit.data.npzfile import npz_bytes


def digits_arrays() -> dict[str, np.ndarray]:
    from sklearn.datasets import load_digits

    data = load_digits()
    images = np.rint(data.images * (255.0 / 16.0)).astype(np.uint8)
    labels = data.target.astype(np.int64)
    test = np.zeros(labels.size, dtype=bool)
    for c in np.unique(labels):  # deterministic and stratified: no seed to record
        test[np.flatnonzero(labels == c)[::3]] = True
    return {"train_images": images[~test], "train_labels": labels[~test, None],
            "test_images": images[test], "test_labels": labels[test, None]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", default="build/digits.npz", type=Path)
    out = parser.parse_args().out
    out.parent.mkdir(parents=True, exist_ok=True)
    arrays = digits_arrays()
    out.write_bytes(npz_bytes(arrays))  # the same bytes on every run (no zip timestamps)
    print(f"wrote {out}: {len(arrays['train_labels'])} train / {len(arrays['test_labels'])} "
          "test images, 8x8 uint8, 10 classes")


if __name__ == "__main__":
    main()
