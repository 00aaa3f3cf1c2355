"""Seeded, stratified splits: the same folds for every arm of a comparison.

>>> labels = np.array([0] * 6 + [1] * 4)
>>> folds = stratified_folds(labels, k=2, seed=0)
>>> [sorted(np.bincount(labels[val]).tolist()) for _, val in folds]
[[2, 3], [2, 3]]
>>> np.bincount(labels[stratified_subset(labels, 5, seed=0)]).tolist()
[3, 2]
"""

from __future__ import annotations

import numpy as np

__all__ = ["split_validation", "stratified_folds", "stratified_subset"]


def _labels(labels) -> np.ndarray:
    array = np.asarray(labels)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"labels must be a non-empty 1-D sequence, got shape {array.shape}")
    return array


def stratified_folds(labels, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` (train, validation) index pairs; each class is dealt round-robin over the folds
    after a seeded shuffle, so every fold holds each class in proportion (within one)."""
    y = _labels(labels)
    if not isinstance(k, int) or k < 2:
        raise ValueError(f"stratified_folds: k must be an integer >= 2, got {k!r}")
    counts = np.unique(y, return_counts=True)[1]
    if counts.min() < k:
        raise ValueError(f"stratified_folds: k={k} folds need at least {k} samples of every "
                         f"class; the smallest class has {counts.min()}")
    rng = np.random.default_rng(seed)
    fold_of = np.empty(y.size, dtype=np.int64)
    offset = 0
    for cls in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == cls))
        # continue the deal where the previous class stopped, so fold sizes stay even
        fold_of[members] = (np.arange(members.size) + offset) % k
        offset = (offset + members.size) % k
    everything = np.arange(y.size)
    return [(everything[fold_of != f], everything[fold_of == f]) for f in range(k)]


def stratified_subset(labels, n: int, seed: int) -> np.ndarray:
    """Indices of ``n`` samples drawn without replacement, class proportions kept (largest
    remainders) and at least one of every class; sorted."""
    y = _labels(labels)
    classes, counts = np.unique(y, return_counts=True)
    if not isinstance(n, (int, np.integer)) or not classes.size <= n <= y.size:
        raise ValueError(f"stratified_subset: n must be an integer in [{classes.size}, "
                         f"{y.size}] (one per class up to all), got {n!r}")
    share = counts * n / y.size
    take = np.maximum(1, np.floor(share).astype(np.int64))
    for index in np.argsort(-(share - np.floor(share)), kind="stable"):
        if take.sum() >= n:
            break
        if take[index] < counts[index]:
            take[index] += 1
    while take.sum() > n:  # the one-per-class floor can overshoot: trim the largest
        take[np.argmax(take)] -= 1
    rng = np.random.default_rng(seed)
    picked = [rng.choice(np.flatnonzero(y == cls), size=int(t), replace=False)
              for cls, t in zip(classes, take, strict=True)]
    return np.sort(np.concatenate(picked))


def split_validation(labels, train_idx: np.ndarray, fraction: float, seed: int
                     ) -> tuple[np.ndarray, np.ndarray]:
    """``train_idx`` split into (fit, validation) indices: a stratified ``fraction`` (at least
    one per class) for validation-based stopping."""
    y = _labels(labels)[train_idx]
    n_val = max(len(np.unique(y)), int(round(fraction * train_idx.size)))
    val_pos = stratified_subset(y, n_val, seed)
    fit_pos = np.setdiff1d(np.arange(train_idx.size), val_pos)
    return train_idx[fit_pos], train_idx[val_pos]
