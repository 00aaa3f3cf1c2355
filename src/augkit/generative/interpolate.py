"""SMOTE-style synthetic samples (Chawla et al. 2002): a point on the segment between a
sample and one of its ``k`` nearest neighbours of the same class. numpy only.

The baseline any GAN result must beat: ``Interpolator(x, y).sample(labels, seed)`` has the
same interface as :meth:`GANModel.sample <augkit.generative.model.GANModel.sample>`, so it
serves as a sample source anywhere a model does (``augkit gan eval``'s SMOTE arm).

>>> import numpy as np
>>> x = np.arange(40, dtype=np.uint8).reshape(10, 2, 2); y = np.array([0] * 5 + [1] * 5)
>>> out = Interpolator(x, y, k=2).sample([0, 1, 1], seed=0)
>>> out.shape, out.dtype, bool(out[0].max() < 20), bool(out[1].min() >= 20)
((3, 2, 2), dtype('uint8'), True, True)
"""

from __future__ import annotations

import numpy as np


class Interpolator:
    """Within-class interpolation between a sample and one of its ``k`` nearest
    neighbours (Euclidean, on the flattened values). A class with one sample repeats it.
    Integer data is rounded back to its dtype."""

    def __init__(self, x, y, k: int = 5):
        self.x = np.asarray(x)
        self.y = np.asarray(y, dtype=np.int64)
        if self.x.shape[0] != self.y.size or self.y.size == 0:
            raise ValueError(f"Interpolator: {self.x.shape[0]} samples but {self.y.size} "
                             "labels; expected one label per sample")
        if isinstance(k, bool) or not isinstance(k, int) or k < 1:
            raise ValueError(f"Interpolator: k got {k!r}; expected an integer >= 1")
        self.k = k
        self._members = {int(c): np.flatnonzero(self.y == c) for c in np.unique(self.y)}
        self._neighbours: dict[int, np.ndarray] = {}

    def _knn(self, c: int) -> np.ndarray:
        if c not in self._neighbours:
            idx = self._members[c]
            flat = self.x[idx].reshape(idx.size, -1).astype(np.float64)
            sq = (flat * flat).sum(1)
            dist = sq[:, None] + sq[None, :] - 2.0 * flat @ flat.T
            np.fill_diagonal(dist, np.inf)
            k = min(self.k, max(1, idx.size - 1))
            near = np.argsort(dist, axis=1, kind="stable")[:, :k]
            self._neighbours[c] = idx[near] if idx.size > 1 else idx[:, None]
        return self._neighbours[c]

    def sample(self, labels, seed: int = 0) -> np.ndarray:
        labels = np.asarray(labels, dtype=np.int64)
        rng = np.random.default_rng(seed)
        out = np.empty((labels.size, *self.x.shape[1:]), dtype=self.x.dtype)
        for c in np.unique(labels):
            where = np.flatnonzero(labels == c)
            if int(c) not in self._members:
                raise ValueError(f"Interpolator.sample: class {int(c)} has no samples; known "
                                 f"classes: {sorted(self._members)}")
            idx = self._members[int(c)]
            near = self._knn(int(c))
            pick = rng.integers(0, idx.size, where.size)
            partner = near[pick, rng.integers(0, near.shape[1], where.size)]
            lam = rng.random(where.size).reshape((-1,) + (1,) * (self.x.ndim - 1))
            a = self.x[idx[pick]].astype(np.float64)
            b = self.x[partner].astype(np.float64)
            mixed = a + lam * (b - a)
            if self.x.dtype.kind in "iu":
                mixed = np.rint(mixed)
            out[where] = mixed.astype(self.x.dtype)
        return out
