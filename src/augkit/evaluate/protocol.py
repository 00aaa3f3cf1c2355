"""One fair protocol for comparing augmentation arms; search, checks and experiments use it.

Fair by construction: every arm is trained by the same function, on the same runs (seed x
fold), with the same model initialisation, batch order, maximum budget and validation split;
only the augmentation differs, so scores pair up run by run. With ``test=`` every run is
scored on that held-out set (touched once per trained model); without it the training data
is cross-validated (stratified folds), so a policy search never sees a test set.

``fit`` is the proxy trainer (:func:`augkit.evaluate.models.fit_proxy`) unless you pass your
own with the signature ``fit(x_train, y_train, x_val, y_val, *, augment, seed) -> predict``,
where ``augment(inputs, seed)`` is None or makes augmented training inputs and ``predict``
maps inputs to class indices.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from augkit.evaluate.folds import split_validation, stratified_folds
from augkit.evaluate.models import accuracy, augmenter, fit_proxy
from augkit.evaluate.stats import PairedDifference, holm_adjust, mean_std, paired_difference

__all__ = ["Comparison", "Trainer", "as_augment", "compare_arms"]


@dataclass
class Comparison:
    """Scores per arm, one per run (seed x fold, the same runs for every arm)."""

    baseline: str
    scores: dict[str, np.ndarray]
    runs: list[dict[str, int]]
    confidence: float = 0.95

    @property
    def arms(self) -> list[str]:
        return list(self.scores)

    def difference(self, arm: str, confidence: float | None = None) -> PairedDifference:
        return paired_difference(self.scores[arm], self.scores[self.baseline],
                                 confidence=confidence or self.confidence)

    def rows(self) -> list[dict[str, Any]]:
        """One row per arm. Intervals against the baseline are Bonferroni-corrected for the
        number of arms compared (each at ``1 - (1 - confidence) / m``, so all hold at once);
        ``p_holm`` are Holm-adjusted paired t-test p-values. ``significant`` means the
        corrected interval excludes zero."""
        others = [a for a in self.scores if a != self.baseline]
        level = 1.0 - (1.0 - self.confidence) / max(1, len(others))
        diffs = {a: self.difference(a, level) for a in others} if len(self.runs) > 1 else {}
        holm = dict(zip(diffs, holm_adjust([d.p_value for d in diffs.values()]), strict=True))
        rows = []
        for arm, values in self.scores.items():
            mean, std = mean_std(values)
            row: dict[str, Any] = {"arm": arm, "n": len(values), "mean": mean, "std": std}
            d = diffs.get(arm)
            if d is not None:
                row.update(diff=d.mean, ci_low=d.ci_low, ci_high=d.ci_high, p_holm=holm[arm],
                           significant=d.significant, wins=d.wins, ties=d.ties,
                           losses=d.losses)
            rows.append(row)
        return rows

    def to_csv(self, path: str | Path | None = None) -> str:
        columns = ["arm", "n", "mean", "std", "diff", "ci_low", "ci_high", "p_holm",
                   "significant", "wins", "ties", "losses"]
        out = io.StringIO()
        writer = csv.DictWriter(out, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows())
        if path is not None:
            Path(path).write_text(out.getvalue())
        return out.getvalue()

    def to_markdown(self, scale: float = 100.0, unit: str = "%") -> str:
        """A table: mean ± std per arm, the paired difference to the baseline with its
        corrected interval, and wins/ties/losses over runs."""
        level = 1.0 - (1.0 - self.confidence) / max(1, len(self.scores) - 1)
        lines = [f"| arm | score ({unit}) | Δ vs {self.baseline} ({level:.1%} interval) | "
                 "significant | W/T/L |", "|---|---|---|---|---|"]
        for r in self.rows():
            score = f"{r['mean'] * scale:.1f} ± {r['std'] * scale:.1f}"
            if "diff" in r:
                delta = (f"{r['diff'] * scale:+.1f} [{r['ci_low'] * scale:+.1f}, "
                         f"{r['ci_high'] * scale:+.1f}]")
                lines.append(f"| {r['arm']} | {score} | {delta} | "
                             f"{'yes' if r['significant'] else 'no'} | "
                             f"{r['wins']}/{r['ties']}/{r['losses']} |")
            else:
                lines.append(f"| {r['arm']} | {score} | (baseline) | | |")
        return "\n".join(lines)


def as_augment(arm: Any, modality: str):
    """An arm as ``None`` or an ``(inputs, seed) -> inputs`` function."""
    if arm is None or arm == "none":
        return None
    if hasattr(arm, "batch") and hasattr(arm, "sample"):  # an augkit transform
        return augmenter(arm, modality)
    if callable(arm):
        return arm
    raise TypeError(f"an arm must be None, an augkit transform or a callable (inputs, seed) -> "
                    f"inputs; got {type(arm).__name__}")


def _take(inputs, idx):
    return inputs[idx] if isinstance(inputs, np.ndarray) else [inputs[i] for i in idx]


class Trainer:
    """The runs of the protocol and the training of one arm on one run.

    A run is ``(seed, fold)``: the seed's stratified folds (or, with ``test``, the whole
    training set and the test set), a stratified validation part of the training split, and
    the seed for the model. Splits are made once per seed and shared by every arm.
    """

    def __init__(self, modality: str, inputs, labels, *, folds: int = 3,
                 test: tuple[Any, Any] | None = None, val_fraction: float = 0.2,
                 fit: Callable | None = None,
                 metric: Callable[[Any, Any], float] = accuracy, **fit_options: Any):
        self.labels = np.asarray(labels)
        if len(inputs) != self.labels.size:
            raise ValueError(f"compare_arms: {len(inputs)} inputs but {self.labels.size} "
                             "labels")
        if not 0.0 < val_fraction < 1.0:
            raise ValueError(f"compare_arms: val_fraction must be in (0, 1), got "
                             f"{val_fraction!r}")
        if fit is None:
            classes = int(self.labels.max()) + 1

            def fit(xt, yt, xv, yv, *, augment, seed):
                return fit_proxy(modality, xt, yt, xv, yv, augment=augment, seed=seed,
                                 num_classes=classes, **fit_options).predict
        elif fit_options:
            raise ValueError(f"compare_arms: options {sorted(fit_options)} go to the built-in "
                             "proxy trainer; your own fit takes none")
        self.modality, self.inputs, self.fit, self.metric = modality, inputs, fit, metric
        self.folds, self.test, self.val_fraction = folds, test, val_fraction
        self.folds_per_seed = 1 if test is not None else folds
        self._splits: dict[int, list] = {}

    def _split(self, seed: int, fold: int):
        if seed not in self._splits:
            labels = self.labels
            splits = ([(np.arange(labels.size), None)] if self.test is not None
                      else stratified_folds(labels, self.folds, seed))
            made = []
            for train_idx, eval_idx in splits:
                fit_idx, val_idx = split_validation(labels, train_idx, self.val_fraction, seed)
                made.append((fit_idx, val_idx, eval_idx))
            self._splits[seed] = made
        return self._splits[seed][fold]

    def score(self, augment, seed: int, fold: int) -> float:
        """Train with ``augment`` (None or ``(inputs, seed) -> inputs``) on run (seed, fold)
        and score it on the run's evaluation part."""
        fit_idx, val_idx, eval_idx = self._split(seed, fold)
        if self.test is not None:
            x_eval, y_eval = self.test
        else:
            x_eval, y_eval = _take(self.inputs, eval_idx), self.labels[eval_idx]
        predict = self.fit(_take(self.inputs, fit_idx), self.labels[fit_idx],
                           _take(self.inputs, val_idx), self.labels[val_idx],
                           augment=augment, seed=seed)
        return float(self.metric(np.asarray(y_eval), predict(x_eval)))


def compare_arms(modality: str, inputs, labels, arms: Mapping[str, Any], *,
                 seeds: Sequence[int] = (0, 1, 2), folds: int = 3,
                 test: tuple[Any, Any] | None = None, val_fraction: float = 0.2,
                 baseline: str = "none", fit: Callable | None = None,
                 metric: Callable[[Any, Any], float] = accuracy, confidence: float = 0.95,
                 progress: Callable[[str], None] | None = None,
                 **fit_options: Any) -> Comparison:
    """Train and score every arm on the same runs; see the module text for the protocol.

    ``arms`` maps a name to None (no augmentation), an augkit transform, or a callable
    ``(inputs, seed) -> inputs``; ``baseline`` names the arm the others are paired against.
    ``fit_options`` go to :func:`fit_proxy` (``max_epochs``, ``patience``, ...).

    >>> import numpy as np
    >>> from augkit import timeseries as T
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(40, 16, 1)); y = np.arange(40) % 2; x[y == 1] += 1.5
    >>> result = compare_arms("timeseries", x, y, {"none": None, "jitter": T.Jitter()},
    ...                       seeds=[0, 1], folds=2, max_epochs=3)
    >>> result.arms, len(result.runs), result.scores["jitter"].shape
    (['none', 'jitter'], 4, (4,))
    >>> sorted(result.rows()[1])[:4]
    ['arm', 'ci_high', 'ci_low', 'diff']
    """
    if baseline not in arms:
        raise ValueError(f"baseline {baseline!r} is not one of the arms {list(arms)}")
    trainer = Trainer(modality, inputs, labels, folds=folds, test=test,
                      val_fraction=val_fraction, fit=fit, metric=metric, **fit_options)
    augments = {name: as_augment(arm, modality) for name, arm in arms.items()}
    scores: dict[str, list[float]] = {name: [] for name in arms}
    runs: list[dict[str, int]] = []
    for seed in seeds:
        for fold in range(trainer.folds_per_seed):
            for name, augment in augments.items():
                scores[name].append(trainer.score(augment, seed, fold))
                if progress is not None:
                    progress(f"seed {seed} fold {fold} {name}: {scores[name][-1]:.4f}")
            runs.append({"seed": int(seed), "fold": fold})
    return Comparison(baseline, {k: np.asarray(v) for k, v in scores.items()}, runs,
                      confidence)
