"""Experiments: arms x training sizes x seeds, under :func:`compare_arms`' protocol.

A study asks "what does each augmentation buy on this data, at this training size?":

- for every training size ``n`` and seed, a stratified subset of ``n`` training samples is
  drawn with that seed (``None``: all of them), so the spread over seeds includes the luck of
  the draw;
- every arm is trained on that subset by the same trainer (model, initialisation, batch
  order, validation split, maximum epochs and best-validation-epoch stopping), so the scores
  pair up by seed;
- with a test set each trained model is scored on it once; without one the subset is
  cross-validated (``folds``);
- a searched arm runs :func:`augkit.policies.search` on the training subset of the first
  seed only (never the test set) and uses its recommended pipeline for every seed.

The result has, per size and arm, mean ± std, the paired difference to ``none`` with its
Bonferroni-corrected 95 % interval, Holm-adjusted p-values and wins/ties/losses, as CSV,
Markdown, a figure and an HTML page (:class:`augkit.evaluate.Report`).
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.serialize import json_default
from augkit.evaluate.arms import Built, WithLabels, arm_names, build_arm, facts
from augkit.evaluate.folds import stratified_subset
from augkit.evaluate.models import fit_proxy
from augkit.evaluate.protocol import Comparison, compare_arms
from augkit.evaluate.text_models import check_text_model

__all__ = ["ExperimentResult", "Study", "run_experiment"]

CSV_COLUMNS = ["n_train", "arm", "n", "mean", "std", "diff", "ci_low", "ci_high", "p_holm",
               "significant", "wins", "ties", "losses", "description"]


@dataclass
class Study:
    """One training size: its comparison (runs paired by seed) and the arms' settings."""

    n_train: int
    comparison: Comparison
    descriptions: dict[str, str]
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        return [{"n_train": self.n_train, **r, "description": self.descriptions[r["arm"]]}
                for r in self.comparison.rows()]


@dataclass
class ExperimentResult:
    modality: str
    studies: list[Study]
    settings: dict[str, Any]
    seconds: float = 0.0

    def rows(self) -> list[dict[str, Any]]:
        return [row for study in self.studies for row in study.rows()]

    def run_rows(self) -> list[dict[str, Any]]:
        """Every score: one row per (size, seed, fold, arm)."""
        out = []
        for study in self.studies:
            c = study.comparison
            for i, run in enumerate(c.runs):
                for arm, scores in c.scores.items():
                    out.append({"n_train": study.n_train, **run, "arm": arm,
                                "score": float(scores[i])})
        return out

    def to_csv(self, path: str | Path | None = None) -> str:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, CSV_COLUMNS, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(self.rows())
        if path is not None:
            Path(path).write_text(buffer.getvalue(), encoding="utf-8")
        return buffer.getvalue()

    def to_markdown(self) -> str:
        parts = []
        for study in self.studies:
            parts += [f"n_train = {study.n_train} ({len(study.comparison.runs)} runs)", "",
                      study.comparison.to_markdown(), ""]
        return "\n".join(parts).rstrip() + "\n"

    def plot(self, path: str | Path) -> Path:
        """Paired Δ vs none per arm with its corrected interval, one panel per size
        (matplotlib, imported here: ``pip install 'augkit[plot]'``)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        arms = [a for a in self.studies[0].comparison.arms if a != "none"]
        fig, axes = plt.subplots(1, len(self.studies), squeeze=False, sharey=True,
                                 figsize=(2.2 + 3.2 * len(self.studies),
                                          1.0 + 0.32 * max(1, len(arms))), dpi=110)
        ys = np.arange(len(arms))[::-1]
        for ax, study in zip(axes[0], self.studies, strict=True):
            rows = {r["arm"]: r for r in study.comparison.rows()}
            ax.axvline(0.0, color="0.4", lw=1)
            for y, arm in zip(ys, arms, strict=True):
                r = rows[arm]
                if "diff" not in r:
                    continue
                colour = ("tab:green" if r["significant"] and r["diff"] > 0 else
                          "tab:red" if r["significant"] else "tab:blue")
                ax.errorbar([r["diff"] * 100], [y],
                            xerr=[[(r["diff"] - r["ci_low"]) * 100],
                                  [(r["ci_high"] - r["diff"]) * 100]],
                            fmt="o", color=colour, capsize=3)
            ax.set_title(f"n_train = {study.n_train}", fontsize=9)
            ax.set_xlabel("Δ accuracy vs none (points)", fontsize=8)
        axes[0][0].set_yticks(ys, arms, fontsize=8)
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path)
        plt.close(fig)
        return path

    def write(self, folder: str | Path, *, title: str, command: str | None = None,
              extra: Mapping[str, Any] | None = None) -> dict[str, Path]:
        """experiment.csv, runs.csv, experiment.png, experiment.json, report.md/.html."""
        from augkit.evaluate.report import Report

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"csv": folder / "experiment.csv", "runs": folder / "runs.csv",
                 "figure": folder / "experiment.png", "json": folder / "experiment.json"}
        self.to_csv(paths["csv"])
        _write_rows(paths["runs"], self.run_rows())
        self.plot(paths["figure"])
        summary = {"command": command, **(extra or {}), "modality": self.modality,
                   "settings": self.settings, "seconds": round(self.seconds, 1),
                   "rows": self.rows(),
                   "notes": {s.n_train: s.notes for s in self.studies if s.notes}}
        paths["json"].write_text(json.dumps(summary, indent=1, default=json_default),
                                 encoding="utf-8")
        s = self.settings
        proxy = f" ({s['text_model']} proxy)" if "text_model" in s else ""
        report = Report(title, meta=f"modality {self.modality}{proxy}, seeds {s['seeds']}, "
                        f"{'test set' if s['test'] else str(s['folds']) + ' folds'}, "
                        f"max {s['max_epochs']} epochs (patience {s['patience']}), "
                        f"{self.seconds:.0f} s")
        report.paragraph(
            "Each arm is trained by the same proxy model on the same stratified training "
            "subset per seed, with the same initialisation, batch order, validation split and "
            "maximum budget; the weights of the best validation epoch are kept. Δ is the mean "
            "paired difference to no augmentation over seeds, with a Student-t interval "
            "Bonferroni-corrected over the arms; 'significant' means that interval excludes "
            "zero. W/T/L count the seeds on which the arm beat, tied or lost to none.")
        for study in self.studies:
            report.heading(f"n_train = {study.n_train}")
            level = 1.0 - 0.05 / max(1, len(study.comparison.arms) - 1)
            column = f"Δ vs none, points [{level:.1%} interval]"
            report.table([_pretty(r, column) for r in study.rows()],
                         columns=["arm", "accuracy", column, "significant", "W/T/L",
                                  "settings"])
            for note in study.notes:
                report.paragraph(note)
        report.figure(paths["figure"], "paired Δ vs none (points); bars: corrected intervals; "
                      "green / red: significant gain / loss")
        if command:
            report.heading("Reproduce")
            report.code(command)
        paths.update({f"report_{k}": v for k, v in report.write(folder).items()})
        return paths


def _pretty(row: dict[str, Any], column: str) -> dict[str, Any]:
    out = {"arm": row["arm"], "accuracy": f"{row['mean']:.1%} ± {row['std']:.1%}",
           "settings": row["description"]}
    if "diff" in row:
        out.update({column: f"{row['diff'] * 100:+.1f} [{row['ci_low'] * 100:+.1f}, "
                    f"{row['ci_high'] * 100:+.1f}]", "significant": bool(row["significant"]),
                    "W/T/L": f"{row['wins']}/{row['ties']}/{row['losses']}"})
    return out


def _write_rows(path: Path, rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def _take(inputs, idx):
    return inputs[idx] if isinstance(inputs, np.ndarray) else [inputs[i] for i in idx]


def _trainer(modality: str, classes: int, fit_options: dict[str, Any]) -> Callable:
    """The proxy trainer, binding the training labels of label-aware arms (WithLabels)."""

    def fit(xt, yt, xv, yv, *, augment, seed):
        if isinstance(augment, WithLabels):
            augment = augment.bind(yt)
        return fit_proxy(modality, xt, yt, xv, yv, augment=augment, seed=seed,
                         num_classes=classes, **fit_options).predict
    return fit


def _sizes(n_train: Sequence[int | None], total: int, classes: int) -> list[int]:
    sizes = []
    for n in n_train:
        size = total if n is None else int(n)
        # two per class at least: one for the validation part, one to train on
        if not 2 * classes <= size <= total:
            raise ValueError(f"--n-train {n}: must be between {2 * classes} (two per class) "
                             f"and {total} (all training samples), or 'all'")
        sizes.append(size)
    return list(dict.fromkeys(sizes))


def run_experiment(modality: str, inputs, labels, arms: Sequence[str] | Mapping[str, Any], *,
                   seeds: Sequence[int] = (0, 1, 2), n_train: Sequence[int | None] = (None,),
                   test: tuple[Any, Any] | None = None, folds: int = 3,
                   max_epochs: int = 40, patience: int = 10,
                   search_space: str = "randaugment", search_minutes: float = 2.0,
                   class_names: Sequence[str] | None = None, text_model: str = "ngram",
                   progress: Callable[[str], None] | None = None) -> ExperimentResult:
    """Run the study described in the module text.

    ``arms``: names (see :mod:`augkit.evaluate.arms`; "basic" expands per modality; pipeline
    files by path) or a mapping ``{name: arm}`` whose values are names, None, augkit
    transforms, callables ``(inputs, seed) -> inputs`` or :class:`WithLabels` — the way in for
    arms built elsewhere (e.g. generated samples). ``n_train``: training sizes (None: all).
    ``class_names``: the names of the label indices (default "0", "1", ...), which a
    ``gan:MODEL_DIR`` arm matches to its model's classes. ``text_model``: the text proxy
    (``fit_proxy``'s: "ngram", "cnn" or "pretrained"); a searched arm's search keeps the
    n-gram proxy.

    >>> rng = np.random.default_rng(0)
    >>> y = np.arange(48) % 2
    >>> x = rng.normal(size=(48, 24, 1)) + y[:, None, None]
    >>> result = run_experiment("timeseries", x, y, "none,jitter", seeds=[0, 1],
    ...                         n_train=[24], folds=2, max_epochs=2)
    >>> [(r["n_train"], r["arm"], r["n"]) for r in result.rows()]
    [(24, 'none', 4), (24, 'jitter', 4)]
    """
    start = time.perf_counter()
    y = np.asarray(labels)
    if y.ndim != 1 or len(inputs) != y.size or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"run_experiment: {len(inputs)} inputs need as many integer labels; "
                         f"got {y.dtype} of shape {y.shape}")
    check_text_model("run_experiment", text_model)
    seeds = [int(s) for s in seeds]
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"run_experiment: seeds must be distinct and non-empty, got {seeds}")
    if isinstance(arms, Mapping):
        named: dict[str, Any] = dict(arms)
    else:
        named = {name: name for name in arm_names(modality, arms)}
    if "none" not in named:
        named = {"none": None, **named}
    classes = int(max(y.max(), test[1].max() if test is not None else 0)) + 1
    options = {"max_epochs": max_epochs, "patience": patience}
    if modality == "text":
        options["text_model"] = text_model
    fit = _trainer(modality, classes, options)
    names = [str(c) for c in (class_names or range(classes))]
    data_facts = facts(modality, inputs, names)
    studies = []
    for size in _sizes(n_train, y.size, np.unique(y).size):
        subsets = {s: (np.arange(y.size) if size == y.size else stratified_subset(y, size, s))
                   for s in seeds}
        built, notes = _build(modality, named, data_facts, inputs, y, subsets[seeds[0]],
                              folds, search_space, search_minutes, max_epochs, patience)
        arm_objects = {b.name: b.arm for b in built}
        merged: dict[str, list[float]] = {name: [] for name in arm_objects}
        runs: list[dict[str, int]] = []
        for seed in seeds:
            idx = subsets[seed]
            report = None if progress is None else (
                lambda m, size=size: progress(f"n_train {size} {m}"))
            comparison = compare_arms(modality, _take(inputs, idx), y[idx], arm_objects,
                                      seeds=[seed], folds=folds, test=test, fit=fit,
                                      progress=report)
            for name in merged:
                merged[name] += comparison.scores[name].tolist()
            runs += comparison.runs
        result = Comparison("none", {k: np.asarray(v) for k, v in merged.items()}, runs)
        studies.append(Study(size, result, {b.name: b.description for b in built}, notes))
    settings = {"seeds": seeds, "n_train": [s.n_train for s in studies], "folds": folds,
                "test": test is not None, "max_epochs": max_epochs, "patience": patience,
                "arms": list(studies[0].descriptions), "search_space": search_space,
                "search_minutes": search_minutes}
    if modality == "text":
        settings["text_model"] = text_model
    return ExperimentResult(modality, studies, settings, time.perf_counter() - start)


def _build(modality, named, data_facts, inputs, y, search_idx, folds, space, minutes,
           max_epochs, patience) -> tuple[list[Built], list[str]]:
    built, notes = [], []
    for name, arm in named.items():
        if arm == "searched":
            found = _searched(modality, _take(inputs, search_idx), y[search_idx], folds, space,
                              minutes, max_epochs, patience)
            built.append(found[0])
            notes.append(found[1])
        elif isinstance(arm, str):
            b = build_arm(modality, arm, data_facts)
            built.append(Built(name if name != arm else b.name, b.arm, b.description))
        else:
            built.append(Built(name, arm, "given by the caller" if arm is not None
                               else "no augmentation"))
    names = [b.name for b in built]
    if len(set(names)) != len(names):
        raise ValueError(f"run_experiment: arm names repeat: {names}")
    return built, notes


def _searched(modality, x, y, folds, space, minutes, max_epochs, patience
              ) -> tuple[Built, str]:
    from augkit.core.serialize import from_dict
    from augkit.policies.search import search

    folds = max(2, min(folds, int(np.bincount(y).min())))
    found = search(modality, x, y, space, budget_seconds=minutes * 60.0, seeds=2, seed=0,
                   folds=folds, max_epochs=max_epochs, patience=patience)
    pipeline = from_dict(found.configs[found.recommended])
    note = (f"searched: augkit search ({space}, {minutes:g} min, training subset of the first "
            f"seed, {folds} folds) recommended {found.recommended}; {found.verdict}")
    return Built("searched", pipeline, f"search {space}: {found.recommended}"), note
