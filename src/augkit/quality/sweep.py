"""Strength sweeps: accuracy as a function of one op's strength, against no augmentation.

Each value of the swept argument is an arm of :func:`augkit.evaluate.compare_arms` (same
runs, model, budget and stopping rule for every arm), so each point carries its mean ± std
and its paired difference to no augmentation with a Bonferroni-corrected interval over the
points. The *largest safe value* is the largest one whose interval does not lie below zero
(not significantly worse than no augmentation); it is None when every value hurts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from augkit.core.registry import lookup
from augkit.evaluate.protocol import Comparison, compare_arms

__all__ = ["SweepPoint", "SweepResult", "strength_sweep"]


@dataclass(frozen=True)
class SweepPoint:
    value: Any
    n: int
    mean: float
    std: float
    diff: float
    ci_low: float
    ci_high: float
    significant: bool
    wins: int
    ties: int
    losses: int

    @property
    def hurts(self) -> bool:
        return self.ci_high < 0.0


@dataclass
class SweepResult:
    op: str
    param: str
    baseline_mean: float
    baseline_std: float
    points: list[SweepPoint]
    comparison: Comparison

    @property
    def largest_safe(self) -> Any:
        safe = [p.value for p in self.points if not p.hurts]
        return safe[-1] if safe else None

    def rows(self) -> list[dict[str, Any]]:
        return [{"op": self.op, "param": self.param, **asdict(p), "hurts": p.hurts,
                 "largest_safe": p.value == self.largest_safe and not p.hurts}
                for p in self.points]

    def to_csv(self, path: str | Path | None = None) -> str:
        rows = self.rows()
        out = io.StringIO()
        writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        if path is not None:
            Path(path).write_text(out.getvalue())
        return out.getvalue()

    def to_markdown(self) -> str:
        lines = [f"No augmentation: {self.baseline_mean:.1%} ± {self.baseline_std:.1%}", "",
                 f"| {self.op} {self.param} | accuracy | Δ vs none (corrected interval) | "
                 "W/T/L | |", "|---|---|---|---|---|"]
        for p in self.points:
            mark = "hurts" if p.hurts else ("largest safe" if p.value == self.largest_safe
                                            else "")
            lines.append(f"| {p.value} | {p.mean:.1%} ± {p.std:.1%} | {p.diff * 100:+.1f} "
                         f"[{p.ci_low * 100:+.1f}, {p.ci_high * 100:+.1f}] points | "
                         f"{p.wins}/{p.ties}/{p.losses} | {mark} |")
        return "\n".join(lines)

    def plot(self, path: str | Path) -> Path:
        """Accuracy against the swept value with intervals and the no-augmentation band
        (matplotlib: ``pip install 'augkit[plot]'``)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        xs = list(range(len(self.points)))
        means = [p.mean for p in self.points]
        lows = [self.baseline_mean + p.ci_low for p in self.points]
        highs = [self.baseline_mean + p.ci_high for p in self.points]
        fig, ax = plt.subplots(figsize=(6, 3.6), dpi=120)
        ax.axhspan(self.baseline_mean - self.baseline_std, self.baseline_mean + self.baseline_std,
                   color="0.85", label="no augmentation (mean ± std)")
        ax.axhline(self.baseline_mean, color="0.5", lw=1)
        ax.errorbar(xs, means, yerr=[[m - lo for m, lo in zip(means, lows, strict=True)],
                                     [hi - m for m, hi in zip(means, highs, strict=True)]],
                    fmt="o-", color="tab:blue", capsize=3,
                    label="mean, with the paired interval of Δ")
        safe = self.largest_safe
        for x, p in zip(xs, self.points, strict=True):
            if p.value == safe:
                ax.annotate("largest safe", (x, p.mean), textcoords="offset points",
                            xytext=(0, 10), ha="center", color="tab:green")
        ax.set_xticks(xs, [str(p.value) for p in self.points])
        ax.set_xlabel(f"{self.op} {self.param}")
        ax.set_ylabel("accuracy")
        ax.legend(fontsize=7, loc="lower left")
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path)
        plt.close(fig)
        return path


def strength_sweep(modality: str, inputs, labels, op: str | type, param: str,
                   values: Sequence[Any], *, fixed: dict[str, Any] | None = None,
                   seeds: Sequence[int] = (0, 1, 2), folds: int = 3,
                   test: tuple[Any, Any] | None = None, fit: Callable | None = None,
                   progress: Callable[[str], None] | None = None,
                   **fit_options: Any) -> SweepResult:
    """Score ``op(**fixed, param=value)`` for every value against no augmentation.

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(30, 16, 1)); y = np.arange(30) % 2; x[y == 1] += 1.0
    >>> result = strength_sweep("timeseries", x, y, "Jitter", "scale", [0.01, 0.5],
    ...                         fixed={"p": 1.0}, seeds=[0, 1], folds=2, max_epochs=2)
    >>> [p.value for p in result.points], result.rows()[0]["param"]
    ([0.01, 0.5], 'scale')
    """
    cls = lookup(op) if isinstance(op, str) else op
    fixed = dict(fixed or {})
    if param in fixed:
        raise ValueError(f"strength_sweep: {param!r} is swept; do not also fix it in 'fixed'")
    if len(values) == 0:
        raise ValueError("strength_sweep: values must not be empty")
    arms: dict[str, Any] = {"none": None}
    for value in values:
        arms[f"{param}={value}"] = cls(**fixed, **{param: value})
    comparison = compare_arms(modality, inputs, labels, arms, seeds=seeds, folds=folds,
                              test=test, fit=fit, progress=progress, **fit_options)
    rows = {r["arm"]: r for r in comparison.rows()}
    points = []
    for value in values:
        r = rows[f"{param}={value}"]
        points.append(SweepPoint(value, r["n"], r["mean"], r["std"], r["diff"], r["ci_low"],
                                 r["ci_high"], r["significant"], r["wins"], r["ties"],
                                 r["losses"]))
    return SweepResult(cls.__name__, param, rows["none"]["mean"], rows["none"]["std"], points,
                       comparison)
