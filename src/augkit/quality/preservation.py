"""Label preservation: how often does augmenting a sample change what a model predicts for it?

A proxy model is trained on the original data with cross-fitting (each sample is predicted by
a model that did not train on it, ``folds`` folds), then predicts augmented copies of every
sample. Per op (each op of the pipeline alone, made to act with p=1) and for the whole pipeline
as configured, the report gives the rate at which the predicted label differs from the
prediction on the original, with a 95 % Wilson interval. Copies of one sample are correlated,
so the interval counts each sample once (the conservative count). An op is flagged when its
rate is above ``threshold``.

An op that cannot run on the data (a colour op on greyscale images, say) gets a row with its
error message, flagged, instead of stopping the check. Also reported: the fraction of outputs
identical to their input (wasted copies), accuracy on originals and on augmented copies, and
per modality a size of the change: the changed-word fraction for text, and for series the DTW
distance to the original relative to the median distance of a series to its nearest neighbour
of the same class.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from augkit.core.serialize import from_dict
from augkit.evaluate.folds import split_validation, stratified_folds, stratified_subset
from augkit.evaluate.models import augmenter, fit_proxy

__all__ = ["OpPreservation", "PreservationReport", "label_preservation", "wilson_interval"]

_WORDS = re.compile(r"\S+")


def wilson_interval(successes: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a proportion (normal quantile from erfinv-free bisection)."""
    if n <= 0:
        return 0.0, 1.0
    z = _normal_quantile(0.5 + confidence / 2)
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


def _normal_quantile(q: float) -> float:
    low, high = -10.0, 10.0
    for _ in range(100):
        mid = (low + high) / 2
        low, high = (mid, high) if 0.5 * math.erfc(-mid / math.sqrt(2)) < q else (low, mid)
    return (low + high) / 2


@dataclass
class OpPreservation:
    op: str               # the op's class name, or "pipeline" for the whole pipeline
    path: str             # where the op sits ("Compose[1]"), "" for the pipeline
    samples: int
    outputs: int          # samples x copies
    changed_rate: float   # predicted label differs from the prediction on the original
    ci_low: float
    ci_high: float
    unchanged_outputs: float  # fraction of outputs identical to their input
    accuracy_original: float
    accuracy_augmented: float
    flagged: bool
    extra: dict[str, float] = field(default_factory=dict)
    error: str = ""       # the op cannot run on this data (its error message); rates are NaN

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row.update(row.pop("extra"))
        return row


@dataclass
class PreservationReport:
    modality: str
    threshold: float
    copies: int
    ops: list[OpPreservation]

    def flagged(self) -> list[OpPreservation]:
        return [op for op in self.ops if op.flagged]

    def rows(self) -> list[dict[str, Any]]:
        return [op.as_row() for op in self.ops]

    def to_markdown(self) -> str:
        lines = ["| op | label changed (95 % interval) | unchanged outputs | accuracy orig -> aug "
                 "| flagged |", "|---|---|---|---|---|"]
        for r in self.ops:
            name = r.op if not r.path else f"{r.op} ({r.path})"
            if r.error:
                lines.append(f"| {name} | cannot run on this data: {r.error} | | | **yes** |")
                continue
            lines.append(f"| {name} | {r.changed_rate:.1%} [{r.ci_low:.1%}, {r.ci_high:.1%}] | "
                         f"{r.unchanged_outputs:.1%} | {r.accuracy_original:.1%} -> "
                         f"{r.accuracy_augmented:.1%} | {'**yes**' if r.flagged else 'no'} |")
        return "\n".join(lines)


def _leaves(transform, path: str) -> Iterator[tuple[str, Any]]:
    children = getattr(transform, "transforms", None)
    if children is None:
        yield path, transform
        return
    for index, child in enumerate(children):
        yield from _leaves(child, f"{path}[{index}]")


def _always(op):
    """The op with p=1 (rebuilt from its config, so the caller's object is untouched)."""
    config = op.to_dict()
    if "p" in config:
        config["p"] = 1.0
    return from_dict(config)


def _same(a, b) -> bool:
    if isinstance(a, str):
        return a == b
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.array_equal(a, b, equal_nan=True))


def _changed_words(a: str, b: str) -> float:
    x, y = _WORDS.findall(a), _WORDS.findall(b)
    if not x and not y:
        return 0.0
    return 1.0 - difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()


def _take(inputs, idx):
    return inputs[idx] if isinstance(inputs, np.ndarray) else [inputs[i] for i in idx]


def label_preservation(modality: str, inputs, labels, pipeline, *, copies: int = 2,
                       folds: int = 2, seed: int = 0, threshold: float = 0.1,
                       per_op: bool = True, max_samples: int | None = 1000,
                       fit: Callable | None = None,
                       progress: Callable[[str], None] | None = None,
                       **fit_options: Any) -> PreservationReport:
    """Cross-fit a proxy model, then measure label changes under each op and the pipeline.

    ``fit`` is a user training function ``fit(x_train, y_train, x_val, y_val, *, augment,
    seed) -> predict`` (as in :func:`augkit.evaluate.compare_arms`); ``fit_options`` go to the
    built-in :func:`augkit.evaluate.fit_proxy` otherwise. ``max_samples`` caps how many
    samples are augmented and scored (a stratified subset; ``None`` for all).
    """
    labels = np.asarray(labels)
    if len(inputs) != labels.size:
        raise ValueError(f"label_preservation: {len(inputs)} inputs but {labels.size} labels")
    if not isinstance(copies, int) or copies < 1:
        raise ValueError(f"label_preservation: copies must be a positive integer, got {copies!r}")
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"label_preservation: threshold must be in [0, 1], got {threshold!r}")
    if max_samples is not None and labels.size > max_samples:
        keep = stratified_subset(labels, max_samples, seed)
        inputs, labels = _take(inputs, keep), labels[keep]
    if fit is None:
        def fit(xt, yt, xv, yv, *, augment, seed):
            return fit_proxy(modality, xt, yt, xv, yv, augment=augment, seed=seed,
                             num_classes=int(labels.max()) + 1, **fit_options).predict

    candidates = [("pipeline", "", pipeline)]
    if per_op and getattr(pipeline, "transforms", None) is not None:
        candidates += [(type(op).__name__, path, _always(op))
                       for path, op in _leaves(pipeline, type(pipeline).__name__)]
    augmented = {key: [] for key in range(len(candidates))}  # per candidate: (copy, idx, out)
    predictions_original = np.empty(labels.size, dtype=np.int64)
    predictions = {key: np.empty((copies, labels.size), np.int64) for key in augmented}
    unchanged = {key: 0 for key in augmented}
    extras: dict[int, list[float]] = {key: [] for key in augmented}
    errors: dict[int, str] = {}
    reference = _series_reference(modality, inputs, labels)

    for fold, (train_idx, eval_idx) in enumerate(stratified_folds(labels, folds, seed)):
        fit_idx, val_idx = split_validation(labels, train_idx, 0.2, seed)
        predict = fit(_take(inputs, fit_idx), labels[fit_idx], _take(inputs, val_idx),
                      labels[val_idx], augment=None, seed=seed)
        originals = _take(inputs, eval_idx)
        predictions_original[eval_idx] = predict(originals)
        for key, (_, _, transform) in enumerate(candidates):
            if key in errors:
                continue
            run = augmenter(transform, modality, keep_shape=False)
            for copy in range(copies):
                try:
                    out = run(originals, int(np.random.SeedSequence([seed, fold, key, copy])
                                             .generate_state(1)[0]))
                except (ValueError, TypeError) as err:  # e.g. a colour op on greyscale
                    errors[key] = " ".join(str(err).split())[:300]
                    break
                predictions[key][copy, eval_idx] = predict(out)
                for before, after in zip(originals, out, strict=True):
                    unchanged[key] += _same(before, after)
                    extras[key].append(_size_of_change(modality, before, after, reference))
            if progress is not None:
                progress(f"fold {fold}: {candidates[key][0]} done")

    ops = []
    accuracy_original = float(np.mean(predictions_original == labels))
    for key, (name, path, _) in enumerate(candidates):
        if key in errors:
            nan = float("nan")
            ops.append(OpPreservation(name, path, int(labels.size), 0, nan, nan, nan, nan,
                                      accuracy_original, nan, True, {}, errors[key]))
            continue
        changed = predictions[key] != predictions_original[None, :]
        rate = float(changed.mean())
        low, high = wilson_interval(rate * labels.size, labels.size)
        extra = {}
        if modality == "text":
            extra["changed_words"] = float(np.mean(extras[key]))
        elif modality == "timeseries" and reference is not None:
            extra["dtw_to_neighbour"] = float(np.median(extras[key]))
        ops.append(OpPreservation(
            name, path, int(labels.size), int(changed.size), rate, low, high,
            unchanged[key] / changed.size, accuracy_original,
            float(np.mean(predictions[key] == labels[None, :])), rate > threshold, extra))
    return PreservationReport(modality, threshold, copies, ops)


def _series_reference(modality: str, inputs, labels) -> float | None:
    """Median DTW distance of a series to its nearest neighbour of the same class (up to 200
    series), the scale a change of a series is measured against."""
    if modality != "timeseries":
        return None
    from augkit.timeseries.dtw import pairwise_dtw

    x = np.nan_to_num(np.asarray(inputs, dtype=np.float64))
    keep = np.arange(labels.size) if labels.size <= 200 else stratified_subset(labels, 200, 0)
    distances = pairwise_dtw(x[keep], window=0.1)
    np.fill_diagonal(distances, np.inf)
    same = labels[keep][:, None] == labels[keep][None, :]
    nearest = np.where(same, distances, np.inf).min(axis=1)
    nearest = nearest[np.isfinite(nearest)]
    return float(np.median(nearest)) if nearest.size else None


def _size_of_change(modality: str, before, after, reference: float | None) -> float:
    if modality == "text":
        return _changed_words(before, after)
    if modality == "timeseries" and reference:
        from augkit.timeseries.dtw import dtw_distance

        a, b = np.nan_to_num(np.asarray(before)), np.nan_to_num(np.asarray(after))
        return dtw_distance(a, b, window=0.1) / reference
    return 0.0
