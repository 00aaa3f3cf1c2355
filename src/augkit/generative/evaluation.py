"""Did the synthetic data help? ``augkit gan eval`` through :mod:`augkit.evaluate`.

Every arm trains the same proxy classifier (:func:`~augkit.evaluate.fit_proxy`) under
:func:`~augkit.evaluate.compare_arms`' protocol (same seeds, splits, initialisation, budget
and validation stopping; scored once on the real test set), so the paired differences mean
what they say:

- ``real``: the real training data alone (the baseline);
- ``real+classical``: a fresh classical augmentation every epoch (images: small affine and
  brightness/contrast; series: jitter and scaling);
- ``real+synthetic``: the real data plus GAN samples (``synthetic="balance"``: every class up
  to the majority; ``"double"``: as many again per class; ``"auto"``: balance when the
  classes differ by 1.5x or more, else double), drawn afresh for each seed;
- ``real+classical+synthetic``: both;
- ``real+smote``: the same counts from within-class interpolation of the run's own training
  split (:class:`~augkit.generative.interpolate.Interpolator`), the baseline a GAN must beat;
- ``tstr``: train on synthetic samples only (the training split's class counts), test on
  real.

The GAN was trained on the whole training set, validation part included, so its samples
have seen the data that picks the stopping epoch (not the test set); SMOTE draws from the
run's training split only. Fidelity and memorisation: :mod:`augkit.generative.metrics`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from augkit.generative.interpolate import Interpolator
from augkit.generative.metrics import Fidelity, fidelity

SYNTHETIC_MODES = ("auto", "balance", "double")
ARMS = ("real", "real+classical", "real+synthetic", "real+classical+synthetic", "real+smote",
        "tstr")


def extra_counts(y: np.ndarray, classes: int, mode: str) -> np.ndarray:
    """Synthetic samples per class added to training labels ``y`` under ``mode``."""
    counts = np.bincount(y, minlength=classes)
    present = counts[counts > 0]
    if mode == "auto":
        mode = "balance" if present.max() >= 1.5 * present.min() else "double"
    if mode == "balance":
        return np.where(counts > 0, counts.max() - counts, 0)
    return counts.copy()


def classical_pipeline(modality: str):
    """The classical arm's augmentation: mild, label-preserving defaults."""
    from augkit.core.compose import Compose

    if modality == "image":
        from augkit import image as A

        return Compose([A.Affine(scale=(0.95, 1.05), translate_percent=(-0.05, 0.05),
                                 rotate=(-10.0, 10.0), shear=0.0, p=0.5),
                        A.BrightnessContrast(0.1, 0.1, p=0.5)])
    from augkit import timeseries as T

    return Compose([T.Jitter(p=0.5), T.Scaling(p=0.5)])


@dataclass
class _Arm:
    """What an arm adds to the proxy's training set (passed to ``fit`` as its ``augment``)."""

    name: str
    classical: Callable | None = None
    source: str | None = None  # "gan", "smote" or None
    only_synthetic: bool = False

    def __call__(self, inputs, seed):  # compare_arms' augment protocol (unused directly)
        return inputs if self.classical is None else self.classical(inputs, seed)


def _seed(seed: int, salt: int) -> int:
    return int(np.random.SeedSequence([seed, salt]).generate_state(1, np.uint32)[0])


@dataclass
class GanEvaluation:
    """The outcome of :func:`evaluate`: the arms' comparison, the fidelity of the GAN and of
    the SMOTE baseline, and what was run."""

    comparison: Any
    fidelity: Fidelity
    fidelity_smote: Fidelity
    settings: dict[str, Any] = field(default_factory=dict)

    def fidelity_rows(self) -> list[dict[str, Any]]:
        rows = []
        for gan, smote in zip(self.fidelity.rows(), self.fidelity_smote.rows(), strict=True):
            rows.append({"measure": gan["measure"], "GAN": gan["synthetic"],
                         "SMOTE": smote["synthetic"], "real reference": gan["real reference"]})
        rows.append({"measure": "passes augkit's fidelity rule", "GAN": self.fidelity.passes,
                     "SMOTE": self.fidelity_smote.passes, "real reference": None})
        return rows

    def write(self, folder: str | Path, title: str = "augkit gan eval") -> dict[str, Path]:
        from augkit.evaluate import Report

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        s = self.settings
        report = Report(title, meta=s.get("command"))
        report.paragraph(
            f"{s['seeds']} seeds; proxy classifier trained per arm and seed, scored once on "
            f"the real test set ({s['test_size']} samples). Synthetic samples per class "
            f"added to the training data: {s['extra_counts']} (mode {s['synthetic']}). "
            "Paired differences against 'real' with Bonferroni-corrected intervals. The GAN "
            "was trained on the whole training set, including the part each run holds out "
            "for early stopping; SMOTE draws from each run's training split only; neither "
            "saw the test set.")
        report.heading("Usefulness (test accuracy)")
        report.code(self.comparison.to_markdown())
        report.table(self.comparison.rows(), ["arm", "n", "mean", "std", "diff", "ci_low",
                                              "ci_high", "significant", "wins", "ties",
                                              "losses"], flag="significant")
        verdicts = []
        for row in self.comparison.rows():
            if "diff" in row and row["arm"] != "tstr":
                word = ("helped" if row["significant"] and row["diff"] > 0 else
                        "hurt" if row["significant"] else "made no significant difference")
                verdicts.append(f"{row['arm']} {word} ({row['diff'] * 100:+.1f} points)")
        report.paragraph("; ".join(verdicts) + ".")
        report.heading("Fidelity, coverage and memorisation")
        report.paragraph(
            "Fréchet distance and k-NN precision/recall on the features of a small classifier "
            "trained on the real training data: NOT comparable to Inception FID; judge them "
            "against the real reference (a real training subset vs the test set). "
            "Memorisation: distance to the nearest training sample; a sample closer than the "
            "1st percentile of real test-to-train distances is flagged as a possible copy.")
        report.table(self.fidelity_rows())
        paths = report.write(folder)
        (folder / "arms.csv").write_text(self.comparison.to_csv())
        (folder / "fidelity.csv").write_text(_csv(self.fidelity_rows()))
        summary = {"settings": self.settings, "arms": self.comparison.rows(),
                   "fidelity": self.fidelity.to_dict(),
                   "fidelity_smote": self.fidelity_smote.to_dict()}
        from augkit.cli.args import json_default

        (folder / "eval.json").write_text(json.dumps(summary, indent=1, default=json_default))
        return {**paths, "arms": folder / "arms.csv", "fidelity": folder / "fidelity.csv",
                "json": folder / "eval.json"}


def _csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def evaluate(model, x, y, x_test, y_test, *, modality: str | None = None,
             seeds: Sequence[int] = (0, 1, 2, 3, 4), synthetic: str = "auto",
             arms: Sequence[str] = ARMS, classical=None, max_epochs: int = 15,
             progress: Callable[[str], None] | None = None,
             settings: dict[str, Any] | None = None) -> GanEvaluation:
    """Compare the arms (module text) on real training data ``(x, y)`` and real test data,
    with samples of ``model`` (a :class:`~augkit.generative.model.GANModel` or anything with
    ``sample(labels, seed)``); labels are class indices of the model's classes."""
    from augkit.evaluate import compare_arms, fit_proxy
    from augkit.evaluate.models import augmenter

    modality = modality or getattr(getattr(model, "spec", None), "kind", None) or "image"
    if synthetic not in SYNTHETIC_MODES:
        raise ValueError(f"evaluate: synthetic got {synthetic!r}; expected one of "
                         f"{', '.join(SYNTHETIC_MODES)}")
    unknown = [a for a in arms if a not in ARMS]
    if unknown or "real" not in arms:
        raise ValueError(f"evaluate: arms got {list(arms)}; expected 'real' and names from "
                         f"{', '.join(ARMS)}")
    if len(seeds) < 2:
        raise ValueError(f"evaluate: seeds got {list(seeds)}; expected at least 2 (the "
                         "differences pair runs over seeds)")
    x, y = np.asarray(x), np.asarray(y, np.int64)
    x_test, y_test = np.asarray(x_test), np.asarray(y_test, np.int64)
    classes = int(max(y.max(), y_test.max())) + 1
    spec = getattr(model, "spec", None)
    if spec is not None:
        classes = max(classes, spec.classes)
        shape = tuple(spec.shape[:-1]) if spec.squeeze else tuple(spec.shape)
        if tuple(x.shape[1:]) != shape:
            raise ValueError(f"evaluate: the model makes samples of shape {shape}; the data "
                             f"has {tuple(x.shape[1:])}")
    classic = augmenter(classical or classical_pipeline(modality), modality)
    made = {"real": None,
            "real+classical": _Arm("real+classical", classic),
            "real+synthetic": _Arm("real+synthetic", None, "gan"),
            "real+classical+synthetic": _Arm("real+classical+synthetic", classic, "gan"),
            "real+smote": _Arm("real+smote", None, "smote"),
            "tstr": _Arm("tstr", None, "gan", only_synthetic=True)}

    def fit(xt, yt, xv, yv, *, augment, seed):
        train_x, train_y, aug = xt, yt, augment
        if isinstance(augment, _Arm):
            aug = augment.classical
            if augment.source is not None:
                counts = (np.bincount(yt, minlength=classes) if augment.only_synthetic
                          else extra_counts(yt, classes, synthetic))
                labels = np.repeat(np.arange(classes), counts)
                source = model if augment.source == "gan" else Interpolator(xt, yt)
                made_x = source.sample(labels, _seed(seed, 7))
                if augment.only_synthetic:
                    train_x, train_y = made_x, labels
                elif labels.size:
                    train_x = np.concatenate([xt, made_x.astype(xt.dtype)])
                    train_y = np.concatenate([yt, labels])
        return fit_proxy(modality, train_x, train_y, xv, yv, augment=aug, seed=seed,
                         max_epochs=max_epochs, num_classes=classes).predict

    comparison = compare_arms(modality, x, y, {a: made[a] for a in arms}, seeds=list(seeds),
                              test=(x_test, y_test), baseline="real", fit=fit,
                              progress=progress)
    from augkit.evaluate import split_validation

    fit_idx, val_idx = split_validation(y, np.arange(y.size), 0.2, int(seeds[0]))
    classifier = fit_proxy(modality, x[fit_idx], y[fit_idx], x[val_idx], y[val_idx],
                           seed=int(seeds[0]), max_epochs=max_epochs, num_classes=classes)
    fid = fidelity(model, modality, x, y, x_test, y_test, seed=int(seeds[0]),
                   classifier=classifier)
    fid_smote = fidelity(Interpolator(x, y), modality, x, y, x_test, y_test,
                         seed=int(seeds[0]), classifier=classifier)
    info = {"seeds": len(seeds), "synthetic": synthetic, "max_epochs": max_epochs,
            "train_size": int(y.size), "test_size": int(y_test.size),
            "extra_counts": extra_counts(y, classes, synthetic).tolist(),
            "checkpoint": getattr(model, "checkpoint", None),
            "model_step": getattr(model, "step", None), **(settings or {})}
    return GanEvaluation(comparison, fid, fid_smote, info)
