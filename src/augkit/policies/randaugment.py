"""RandAugment (Cubuk et al. 2020) and TrivialAugmentWide (Müller & Hutter 2021)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from augkit.core.validate import check_number, check_probability
from augkit.policies.base import Choice, Policy


class RandAugment(Policy):
    """Apply ``num_ops`` ops drawn uniformly (with replacement) from the op set, each at
    ``magnitude`` on a scale of 0 to ``magnitude_max``, in a random direction where an op
    has two, each with probability ``op_p`` (1 as in the paper and torchvision; timm's
    ``rand-*`` strings use 0.5).

    ``magnitude_std > 0`` draws each op's magnitude from a normal around ``magnitude``
    (clipped to [0, magnitude_max]; ``inf``: uniform in [0, magnitude]), as timm does.
    ``magnitude_max=10`` is the paper's and timm's scale; torchvision's ``RandAugment`` uses 31
    bins, i.e. ``magnitude_max=30`` (its default ``magnitude=9`` is then 0.3 of the range, not
    0.9). ``modality`` picks the op set: ``"text"`` and ``"timeseries"`` draw from every op of
    theirs that declares a magnitude; ``ops`` narrows it to names you list.

    >>> import numpy as np
    >>> aug = RandAugment(num_ops=2, magnitude=9)
    >>> out = aug(image=np.zeros((32, 32, 3), np.uint8), seed=0, return_record=True)
    >>> out["image"].shape, len(out["record"].steps) <= 2
    ((32, 32, 3), True)
    """

    def __init__(self, num_ops: int = 2, magnitude: float = 9, magnitude_std: float = 0.0,
                 magnitude_max: float = 10, op_p: float = 1.0, ops: Sequence[str] | None = None,
                 modality: str = "image", p: float = 1.0):
        super().__init__(p=p)
        self.op_p = check_probability(self, "op_p", op_p)
        self.num_ops = check_number(self, "num_ops", num_ops, 0, 100, integer=True)
        self.magnitude_max = check_number(self, "magnitude_max", magnitude_max, 1e-9, 1e6)
        self.magnitude = check_number(self, "magnitude", magnitude, 0, self.magnitude_max)
        if magnitude_std != math.inf:
            magnitude_std = check_number(self, "magnitude_std", magnitude_std, 0, 1e6)
        self.magnitude_std = magnitude_std
        self._set_ops(modality, ops)

    def level(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Magnitudes in [0, 1] for ``n`` ops."""
        if self.magnitude_std == 0:
            return np.full(n, self.magnitude / self.magnitude_max)
        if self.magnitude_std == math.inf:
            drawn = rng.uniform(0.0, self.magnitude, n)
        else:
            drawn = rng.normal(self.magnitude, self.magnitude_std, n)
        return np.clip(drawn, 0.0, self.magnitude_max) / self.magnitude_max

    def choose_batch(self, rng, n: int) -> list[list[Choice]]:
        k = self.num_ops
        picks = rng.integers(0, len(self._ops), (n, k))
        levels = self.level(rng, n * k).reshape(n, k).tolist()
        signs = self.signs_batch(rng, picks).tolist()
        rows = zip(picks.tolist(), levels, signs, strict=True)
        if self.op_p >= 1.0:
            return [list(zip(*row, strict=True)) for row in rows]
        kept = (rng.random((n, k)) < self.op_p).tolist()
        return [[c for c, keep in zip(zip(*row, strict=True), keeps, strict=True) if keep]
                for row, keeps in zip(rows, kept, strict=True)]

    def choose(self, rng) -> list[Choice]:
        picks = rng.integers(0, len(self._ops), self.num_ops).tolist()
        levels = self.level(rng, self.num_ops).tolist()
        chosen = list(zip(picks, levels, self.signs(rng, picks), strict=True))
        if self.op_p < 1.0:
            kept = rng.random(self.num_ops) < self.op_p
            chosen = [c for c, k in zip(chosen, kept, strict=True) if k]
        return chosen


class TrivialAugmentWide(Policy):
    """Apply one op drawn uniformly from the op set at a magnitude drawn uniformly from
    ``num_bins`` levels (0 to 1), in a random direction where an op has two; the image set
    uses the paper's wide ranges (``wide=False``: RandAugment's).

    >>> import numpy as np
    >>> out = TrivialAugmentWide()(image=np.zeros((8, 8, 3), np.uint8), seed=1)
    >>> out["image"].dtype
    dtype('uint8')
    """

    def __init__(self, num_bins: int = 31, wide: bool = True,
                 ops: Sequence[str] | None = None, modality: str = "image", p: float = 1.0):
        super().__init__(p=p)
        self.num_bins = check_number(self, "num_bins", num_bins, 2, 1_000_000, integer=True)
        if not isinstance(wide, bool):
            raise TypeError(f"TrivialAugmentWide: argument 'wide' got {wide!r}; expected True "
                            "or False")
        self.wide = wide
        self._set_ops(modality, ops, "wide" if wide else "standard")

    def choose_batch(self, rng, n: int) -> list[list[Choice]]:
        picks = rng.integers(0, len(self._ops), n)
        levels = (rng.integers(0, self.num_bins, n) / (self.num_bins - 1)).tolist()
        signs = self.signs_batch(rng, picks).tolist()
        return [[c] for c in zip(picks.tolist(), levels, signs, strict=True)]

    def choose(self, rng) -> list[Choice]:
        index = int(rng.integers(0, len(self._ops)))
        level = int(rng.integers(0, self.num_bins)) / (self.num_bins - 1)
        return [(index, level, self.signs(rng, [index])[0])]
