"""Paired-by-seed statistics: the one place augkit decides whether an augmentation helped.

Every comparison in augkit (policy search, label-preservation checks, GAN evaluation,
experiments) scores two arms on the same seeds and folds and looks at the per-pair
differences, which removes the seed-to-seed spread both arms share. Intervals are Student-t
intervals of the mean difference; numpy only (the t distribution is computed here, so no
scipy is needed).

>>> d = paired_difference([0.82, 0.85, 0.80, 0.84], [0.80, 0.81, 0.79, 0.80])
>>> round(d.mean, 4), d.wins, d.losses, d.significant
(0.0275, 4, 0, True)
>>> round(t_quantile(0.975, 4), 4)
2.7764
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["PairedDifference", "holm_adjust", "mean_std", "paired_difference", "t_cdf",
           "t_quantile"]


def _beta_fraction(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 500):
        for num in (m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
                    -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1))):
            d = 1.0 + num * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + num / c
            c = c if abs(c) > tiny else tiny
            h *= d * c
        if abs(d * c - 1.0) < eps:
            break
    return h


def _regularized_beta(a: float, b: float, x: float) -> float:
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b)
                 + a * math.log(x) + b * math.log1p(-x))
    if x < (a + 1.0) / (a + b + 2.0):  # the fraction converges fast on this side
        return math.exp(log_front) * _beta_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """P(T <= t) for Student's t with ``df`` degrees of freedom."""
    if math.isinf(t):
        return 1.0 if t > 0 else 0.0
    tail = 0.5 * _regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def t_quantile(p: float, df: float) -> float:
    """The ``p`` quantile of Student's t (bisection on :func:`t_cdf`, to ~1e-12)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"t_quantile: p must be in (0, 1), got {p!r}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    low, high = 0.0, 1.0
    while t_cdf(high, df) < p:
        high *= 2.0
    for _ in range(200):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if t_cdf(mid, df) < p else (low, mid)
        if high - low < 1e-12 * max(1.0, high):
            break
    return 0.5 * (low + high)


def mean_std(values: Sequence[float]) -> tuple[float, float]:
    """Mean and sample standard deviation (ddof=1; 0.0 for a single value)."""
    array = np.asarray(values, dtype=float)
    if array.size == 0:
        raise ValueError("mean_std: no values")
    return float(array.mean()), float(array.std(ddof=1)) if array.size > 1 else 0.0


@dataclass(frozen=True)
class PairedDifference:
    """Treated minus baseline over paired runs (same seed and fold)."""

    mean: float
    std: float
    n: int
    ci_low: float
    ci_high: float
    p_value: float  # two-sided paired t-test
    wins: int
    ties: int
    losses: int
    confidence: float

    @property
    def significant(self) -> bool:
        """The interval excludes zero."""
        return self.ci_low > 0.0 or self.ci_high < 0.0

    def as_dict(self) -> dict:
        return {**asdict(self), "significant": self.significant}


def paired_difference(treated: Sequence[float], baseline: Sequence[float], *,
                      confidence: float = 0.95, tie_tolerance: float = 0.0) -> PairedDifference:
    """Mean paired difference with a Student-t interval at ``confidence``.

    For several candidates against one baseline, pass a Bonferroni level
    (``1 - 0.05 / m``) so that every interval holds at once, or adjust the p-values with
    :func:`holm_adjust`.
    """
    a, b = np.asarray(treated, dtype=float), np.asarray(baseline, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired_difference: treated and baseline must be 1-D and paired, "
                         f"got shapes {a.shape} and {b.shape}")
    if a.size < 2:
        raise ValueError(f"paired_difference: need at least 2 pairs, got {a.size}")
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"paired_difference: confidence must be in (0, 1), got {confidence!r}")
    diff = a - b
    n = diff.size
    mean, std = float(diff.mean()), float(diff.std(ddof=1))
    half = t_quantile(0.5 + confidence / 2.0, n - 1) * std / math.sqrt(n)
    if std == 0.0:
        p_value = 1.0 if mean == 0.0 else 0.0
    else:
        p_value = 2.0 * (1.0 - t_cdf(abs(mean) / (std / math.sqrt(n)), n - 1))
    wins = int(np.sum(diff > tie_tolerance))
    losses = int(np.sum(diff < -tie_tolerance))
    return PairedDifference(mean, std, n, mean - half, mean + half, min(1.0, p_value), wins,
                            n - wins - losses, losses, confidence)


def holm_adjust(p_values: Sequence[float]) -> list[float]:
    """Holm-Bonferroni adjusted p-values (family-wise error control, any dependence)."""
    p = np.asarray(p_values, dtype=float)
    order = np.argsort(p)
    m = p.size
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[index]))
        adjusted[index] = running
    return adjusted.tolist()
