"""Choosing among many augmentation candidates without fooling yourself.

Two phases on the training data only:

1. **Selection** by successive halving: every candidate is trained on the first runs (seed x
   fold); the best third by mean paired difference to no augmentation goes on to three times
   as many runs, and so on, until ``finalists`` remain or the time budget (minus what the
   confirmation needs) is spent.
2. **Confirmation** on fresh runs (new seeds, so new folds and model initialisations): the
   finalists and no augmentation, ``confirm_seeds`` seeds x all folds. Only these runs decide.
   Intervals are Bonferroni-corrected over the finalists and p-values Holm-adjusted; a
   finalist *wins* when its corrected interval lies above zero.

When nothing wins the verdict says "no significant winner" and the recommendation is the
mildest finalist (lowest ``strength``) that is not significantly worse than no augmentation,
or no augmentation itself, never simply the top score. The confirmation reuses the training
data with new splits: this removes most of the optimism of picking the best of many, not all
of it; judge the final choice once on a held-out test set.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from augkit.evaluate.protocol import Trainer, as_augment
from augkit.evaluate.stats import holm_adjust, mean_std, paired_difference

__all__ = ["Candidate", "Selection", "select"]

NONE = "none"


@dataclass
class Candidate:
    """A named augmentation; ``strength`` orders candidates from mild to strong."""

    name: str
    arm: Any  # an augkit transform, a callable (inputs, seed) -> inputs, or None
    strength: float = 0.0
    description: str = ""


@dataclass
class Selection:
    rows: list[dict[str, Any]]
    verdict: str
    winner: str | None
    recommended: str
    seconds: float
    fits: int
    selection_runs: list[tuple[int, int]]
    confirmation_runs: list[tuple[int, int]]
    confidence: float
    notes: list[str] = field(default_factory=list)
    # every score trained, keyed (candidate, seed, fold): selection and confirmation runs
    scores: dict[tuple[str, int, int], float] = field(default_factory=dict)

    def row(self, name: str) -> dict[str, Any]:
        return next(r for r in self.rows if r["candidate"] == name)


def _runs(seeds: Sequence[int], folds: int) -> list[tuple[int, int]]:
    return [(int(s), f) for s in seeds for f in range(folds)]


def select(modality: str, inputs, labels, candidates: Sequence[Candidate], *,
           seed: int = 0, folds: int = 3, eta: int = 3, finalists: int = 3,
           confirm_seeds: int = 3, budget_seconds: float | None = None,
           confidence: float = 0.95, fit: Callable | None = None,
           progress: Callable[[str], None] | None = None, **fit_options: Any) -> Selection:
    """Successive halving, then a confirmation on fresh runs (see the module text).

    >>> import numpy as np
    >>> from augkit import timeseries as T
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(36, 16, 1)); y = np.arange(36) % 2; x[y == 1] += 1.0
    >>> found = select("timeseries", x, y, [Candidate("jitter", T.Jitter(), 1.0)],
    ...                folds=2, confirm_seeds=2, max_epochs=2)
    >>> found.rows[0]["candidate"], len(found.confirmation_runs)
    ('none', 4)
    """
    names = [c.name for c in candidates]
    if not candidates:
        raise ValueError("select: no candidates")
    if len(set(names)) != len(names) or NONE in names:
        raise ValueError(f"select: candidate names must be unique and not {NONE!r}: {names}")
    for name, value, low in (("eta", eta, 2), ("finalists", finalists, 1),
                             ("confirm_seeds", confirm_seeds, 2), ("folds", folds, 2)):
        if not isinstance(value, int) or value < low:
            raise ValueError(f"select: {name} must be an integer >= {low}, got {value!r}")
    trainer = Trainer(modality, inputs, labels, folds=folds, fit=fit, **fit_options)
    augments = {c.name: as_augment(c.arm, modality) for c in candidates}
    augments[NONE] = None
    scores: dict[tuple[str, int, int], float] = {}
    started = time.perf_counter()
    fit_seconds: list[float] = []

    def score(name: str, run: tuple[int, int]) -> float:
        key = (name, *run)
        if key not in scores:
            tick = time.perf_counter()
            scores[key] = trainer.score(augments[name], *run)
            fit_seconds.append(time.perf_counter() - tick)
            if progress is not None:
                progress(f"seed {run[0]} fold {run[1]} {name}: {scores[key]:.4f}")
        return scores[key]

    def mean_gain(name: str, runs) -> float:
        return float(np.mean([score(name, r) - score(NONE, r) for r in runs]))

    # selection seeds come first; confirmation seeds follow them and are never used before
    selection_pool = _runs(range(seed, seed + 1000), folds)
    used = 1
    alive = list(names)
    reached = {n: 0 for n in names}
    runs_seen = {n: 0 for n in names}
    selection_gain: dict[str, float] = {}
    notes = []
    rung = 0
    while True:
        runs = selection_pool[:used]
        for name in alive:
            selection_gain[name] = mean_gain(name, runs)
            reached[name], runs_seen[name] = rung, used
        if len(alive) <= finalists:
            break
        keep = max(finalists, math.ceil(len(alive) / eta))
        alive = sorted(alive, key=lambda n: (-selection_gain[n], names.index(n)))
        if budget_seconds is not None:
            per_fit = float(np.mean(fit_seconds)) if fit_seconds else 0.0
            confirm_cost = per_fit * (finalists + 1) * confirm_seeds * folds
            next_cost = per_fit * (keep + 1) * (used * eta - used)
            spent = time.perf_counter() - started
            if spent + next_cost + confirm_cost > budget_seconds:
                notes.append(f"budget: halving stopped at rung {rung} with {len(alive)} "
                             f"candidates; the top {finalists} go to confirmation")
                alive = alive[:finalists]
                break
        alive = alive[:keep]
        used *= eta
        rung += 1
    selection_runs = selection_pool[:used]
    last_selection_seed = max(s for s, _ in selection_runs)
    confirmation_runs = _runs(range(last_selection_seed + 1,
                                    last_selection_seed + 1 + confirm_seeds), folds)
    for run in confirmation_runs:
        score(NONE, run)
        for name in alive:
            score(name, run)

    level = 1.0 - (1.0 - confidence) / len(alive)
    base = [scores[(NONE, *r)] for r in confirmation_runs]
    diffs = {n: paired_difference([scores[(n, *r)] for r in confirmation_runs], base,
                                  confidence=level) for n in alive}
    holm = dict(zip(diffs, holm_adjust([d.p_value for d in diffs.values()]), strict=True))
    strength = {c.name: c.strength for c in candidates}
    described = {c.name: c.description for c in candidates}
    mean, std = mean_std(base)
    rows = [{"candidate": NONE, "description": "no augmentation", "strength": 0.0,
             "selection_runs": len(selection_runs), "rung": rung, "selection_gain": 0.0,
             "finalist": True, "n": len(base), "mean": mean, "std": std}]
    for name in names:
        row: dict[str, Any] = {"candidate": name, "description": described[name],
                               "strength": strength[name],
                               "selection_runs": runs_seen[name],
                               "rung": reached[name], "selection_gain": selection_gain[name],
                               "finalist": name in diffs}
        if name in diffs:
            d = diffs[name]
            values = [scores[(name, *r)] for r in confirmation_runs]
            m, s = mean_std(values)
            row.update(n=d.n, mean=m, std=s, diff=d.mean, ci_low=d.ci_low, ci_high=d.ci_high,
                       p_holm=holm[name], significant=d.significant and d.mean > 0,
                       worse=d.significant and d.mean < 0, wins=d.wins, ties=d.ties,
                       losses=d.losses)
        rows.append(row)
    winners = [n for n in alive if diffs[n].ci_low > 0]
    if winners:
        winner = max(winners, key=lambda n: diffs[n].mean)
        verdict = (f"{winner} beats no augmentation by {diffs[winner].mean:+.4f} "
                   f"[{diffs[winner].ci_low:+.4f}, {diffs[winner].ci_high:+.4f}] "
                   f"({level:.1%} interval, Bonferroni over {len(alive)} finalists)")
        recommended = winner
    else:
        winner = None
        safe = [n for n in alive if diffs[n].ci_high >= 0]
        recommended = min(safe, key=lambda n: (strength[n], names.index(n))) if safe else NONE
        verdict = ("no significant winner: no finalist's corrected interval lies above zero; "
                   f"recommended: {recommended} (the mildest finalist not significantly worse "
                   "than no augmentation)" if safe else
                   "no significant winner: every finalist is significantly worse than no "
                   "augmentation; recommended: none")
    return Selection(rows, verdict, winner, recommended, time.perf_counter() - started,
                     len(fit_seconds), selection_runs, confirmation_runs, confidence, notes,
                     dict(scores))
