"""Policy search: which policy helps a model learn *your* data, with an honest verdict.

:func:`search` builds a space of candidate policies and hands them to
:func:`augkit.evaluate.select` (training data only): successive halving over seed x fold runs,
then a confirmation on fresh seeds, paired run by run with no augmentation. A candidate is
called better only when its Bonferroni-corrected interval (over the finalists) lies above
zero; otherwise the verdict is "no significant winner" and the recommendation is the mildest
finalist that is not significantly worse than no augmentation (or no augmentation).

Spaces (``strength`` orders candidates from mild to strong):

- ``"randaugment"``: ``RandAugment(num_ops, magnitude)`` over num_ops 1, 2, 3 x magnitude 1,
  3, 5, 7, 9 (of 10); strength ``num_ops * magnitude``.
- ``"trivial"``: ``TrivialAugmentWide()`` (wide ranges), ``TrivialAugmentWide(wide=False)``
  (RandAugment's ranges; images only, the other modalities have one set) and TrivialAugment
  capped at magnitude 2, 4, 6, 8 (one op at a magnitude uniform in [0, cap], i.e.
  ``RandAugment(1, cap, magnitude_std=inf)``); strength: the mean magnitude, wide ranges
  counted x1.5.
- ``"subpolicy"``: AutoAugment-style sub-policies sampled from the seed: two different ops of
  :func:`augkit.policies.op_set` at magnitudes 1-9 (of 10), each applied with probability 0.2
  to 0.8 (a signed op in a random direction: ``OneOf`` of both), as ``Compose([a, b])`` of
  ordinary augkit transforms; strength: the sum of probability x magnitude.

Every space also holds the two references, ``RandAugment(2, 9)`` (``randaugment-2-9``) and
``TrivialAugmentWide()`` (``trivial-wide``), scored on the same runs as the rest. Ops that
cannot run on the data (probed once on a few inputs) are left out of every candidate and
named in the result.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.compose import Compose, OneOf
from augkit.core.serialize import from_dict, json_default
from augkit.evaluate.models import augmenter
from augkit.evaluate.selection import NONE, Candidate, Selection, select
from augkit.policies.ops import IDENTITY, MODALITIES, PolicyOp, op_set
from augkit.policies.randaugment import RandAugment, TrivialAugmentWide

__all__ = ["SPACES", "SearchResult", "fingerprint", "planned_fits", "search",
           "space_candidates"]

SPACES = ("randaugment", "trivial", "subpolicy")
RA_NUM_OPS = (1, 2, 3)
RA_MAGNITUDES = (1, 3, 5, 7, 9)
TRIVIAL_CAPS = (2, 4, 6, 8)
SUB_LEVELS = tuple(range(1, 10))
SUB_PROBABILITIES = (0.2, 0.4, 0.6, 0.8)
REFERENCES = ("randaugment-2-9", "trivial-wide")
ETA, FINALISTS = 3, 3
WIDE_FACTOR = 1.5
CSV_COLUMNS = ["candidate", "description", "strength", "reference", "phase", "n", "mean", "std",
               "diff", "ci_low", "ci_high", "p_holm", "significant", "recommended"]


# -- the candidate spaces --------------------------------------------------------------------
def _take(inputs, idx):
    return inputs[idx] if isinstance(inputs, np.ndarray) else [inputs[i] for i in idx]


def usable_ops(modality: str, inputs) -> tuple[list[str] | None, dict[str, str]]:
    """Try every op of the modality's sets at full magnitude (both directions) on the first
    inputs; returns the names to keep (None: all of them) and ``{name: why}`` for the rest."""
    sample = _take(inputs, np.arange(min(4, len(inputs))))
    names: list[str] = []
    left_out: dict[str, str] = {}
    families = ("standard", "wide") if modality == "image" else ("standard",)
    for family in families:
        for op in op_set(modality, family):
            if op.name not in names:
                names.append(op.name)
            if op.type is None or op.name in left_out:
                continue
            for sign in ((1, -1) if op.signed else (1,)):
                try:
                    augmenter(op.build(1.0, sign), modality)(sample, 0)
                except Exception as err:  # noqa: BLE001 - any failure rules the op out
                    left_out[op.name] = " ".join(str(err).split())[:200] or type(err).__name__
                    break
    kept = [n for n in names if n not in left_out]
    if not [n for n in kept if n != IDENTITY]:
        raise ValueError(f"search: no op of the {modality} set runs on this data: "
                         + "; ".join(f"{k}: {v}" for k, v in left_out.items()))
    return (None if not left_out else kept), left_out


def _references(modality: str, ops) -> list[Candidate]:
    wide = WIDE_FACTOR if modality == "image" else 1.0
    return [
        Candidate("randaugment-2-9", RandAugment(2, 9, ops=ops, modality=modality), 18.0,
                  "RandAugment: 2 ops at magnitude 9/10 (reference: the paper's default)"),
        Candidate("trivial-wide", TrivialAugmentWide(ops=ops, modality=modality), 5.0 * wide,
                  "TrivialAugmentWide: one op at a magnitude uniform in 0-1"
                  + (", wide ranges" if modality == "image" else "")
                  + " (reference: the paper's default)"),
    ]


def _randaugment_space(modality: str, ops) -> list[Candidate]:
    out = []
    for n in RA_NUM_OPS:
        for m in RA_MAGNITUDES:
            if (n, m) == (2, 9):
                continue  # the reference
            out.append(Candidate(f"randaugment-{n}-{m}",
                                 RandAugment(n, m, ops=ops, modality=modality), float(n * m),
                                 f"RandAugment: {n} op{'s' if n > 1 else ''} at magnitude "
                                 f"{m}/10"))
    return out


def _trivial_space(modality: str, ops) -> list[Candidate]:
    out = [Candidate(f"trivial-cap-{c}",
                     RandAugment(1, c, magnitude_std=math.inf, ops=ops, modality=modality),
                     c / 2.0, f"TrivialAugment capped: one op at a magnitude uniform in "
                     f"[0, {c}/10] (RandAugment(1, {c}, magnitude_std=inf))") for c in TRIVIAL_CAPS]
    if modality == "image":  # text and series have one op set: wide=False is the same
        out.append(Candidate("trivial-standard",
                             TrivialAugmentWide(wide=False, ops=ops, modality=modality), 5.0,
                             "TrivialAugment with RandAugment's ranges (wide=False)"))
    return out


def _sub_op(op: PolicyOp, level: int, probability: float):
    m = level / 10
    if op.signed:
        return OneOf([op.build(m, 1), op.build(m, -1)], p=probability)
    built = op.build(m)
    return from_dict({**built.to_dict(), "p": probability})


def _subpolicy_space(modality: str, ops, seed: int, count: int) -> list[Candidate]:
    pool = [op for op in op_set(modality) if op.type is not None
            and (ops is None or op.name in ops)]
    if len(pool) < 2:
        raise ValueError(f"search: the subpolicy space needs two ops that run on this data; "
                         f"{modality} has {[op.name for op in pool]}")
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x5B9]))
    out: list[Candidate] = []
    seen: set = set()
    for _ in range(count * 20):
        if len(out) == count:
            break
        picks = rng.choice(len(pool), 2, replace=False).tolist()
        levels = rng.choice(SUB_LEVELS, 2).tolist()
        probs = rng.choice(SUB_PROBABILITIES, 2).tolist()
        parts = []
        for i, level, p in zip(picks, levels, probs, strict=True):
            has_strength = pool[i].hook.has_strength
            parts.append((pool[i], int(level) if has_strength else None, float(p)))
        key = tuple((op.name, level, p) for op, level, p in parts)
        if key in seen:
            continue
        seen.add(key)
        arm = Compose([_sub_op(op, 5 if level is None else level, p) for op, level, p in parts])
        strength = sum(p * (5 if level is None else level) for _, level, p in parts)
        text = ", then ".join(f"{op.name}" + ("" if level is None else f" m={level}/10")
                              + f" p={p:g}" for op, level, p in parts)
        out.append(Candidate(f"subpolicy-{len(out) + 1:02d}", arm, round(strength, 6),
                             f"sub-policy: {text}"))
    return out


def space_candidates(space: str, modality: str, inputs, *, seed: int = 0,
                     subpolicies: int = 12) -> tuple[list[Candidate], dict[str, str]]:
    """The candidates of ``space`` for this data (the two references included) and the ops
    left out because they cannot run on it (``{name: why}``)."""
    if space not in SPACES:
        raise ValueError(f"search: space {space!r} is not one of {', '.join(SPACES)}")
    if modality not in MODALITIES:
        raise ValueError(f"search: modality {modality!r} is not one of {', '.join(MODALITIES)}")
    ops, left_out = usable_ops(modality, inputs)
    if space == "randaugment":
        body = _randaugment_space(modality, ops)
    elif space == "trivial":
        body = _trivial_space(modality, ops)
    else:
        if not isinstance(subpolicies, int) or subpolicies < 1:
            raise ValueError(f"search: subpolicies must be an integer >= 1, got "
                             f"{subpolicies!r}")
        body = _subpolicy_space(modality, ops, seed, subpolicies)
    return _references(modality, ops) + body, left_out


def planned_fits(candidates: int, folds: int = 3, seeds: int = 3, eta: int = ETA,
                 finalists: int = FINALISTS) -> int:
    """Models :func:`search` trains when the budget does not stop the halving early."""
    alive, used, fits = candidates, 1, candidates + 1
    while alive > finalists:
        keep = max(finalists, math.ceil(alive / eta))
        fits += (keep + 1) * (used * eta - used)
        alive, used = keep, used * eta
    return fits + (alive + 1) * seeds * folds


# -- the result --------------------------------------------------------------------------------
def fingerprint(inputs, labels) -> str:
    """``sha256:`` of the inputs (dtype, shape and bytes; texts as UTF-8) and the labels."""
    h = hashlib.sha256()
    if isinstance(inputs, np.ndarray):
        a = np.ascontiguousarray(inputs)
        h.update(f"array {a.dtype.str} {a.shape}\n".encode())
        h.update(a.tobytes())
    elif all(isinstance(t, str) for t in inputs):
        h.update(f"texts {len(inputs)}\n".encode())
        for text in inputs:
            b = text.encode("utf-8", "surrogatepass")
            h.update(len(b).to_bytes(8, "little"))
            h.update(b)
    else:
        return fingerprint(np.asarray(inputs), labels)
    y = np.asarray(labels).astype(np.int64)
    h.update(f"labels {y.shape}\n".encode())
    h.update(y.tobytes())
    return "sha256:" + h.hexdigest()


def versions() -> dict[str, str | None]:
    import augkit

    try:
        from importlib.metadata import version

        torch = version("torch")
    except Exception:  # noqa: BLE001 - not installed
        torch = None
    return {"augkit": augkit.__version__, "numpy": np.__version__, "torch": torch,
            "python": platform.python_version()}


@dataclass
class SearchResult:
    """The Selection of :func:`search` with what it needs to be reproduced and used:
    every candidate's description and augkit config (``configs[name]``; ``"none"`` is an empty
    ``Compose``)."""

    modality: str
    space: str
    selection: Selection
    candidates: list[Candidate]
    configs: dict[str, dict[str, Any]]
    seed: int
    seeds: int
    folds: int
    budget_seconds: float | None
    fingerprint: str
    samples: int
    classes: int
    left_out_ops: dict[str, str] = field(default_factory=dict)
    fit_options: dict[str, Any] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        return self.selection.verdict

    @property
    def recommended(self) -> str:
        return self.selection.recommended

    @property
    def winner(self) -> str | None:
        return self.selection.winner

    @property
    def correction(self) -> str:
        m = sum(1 for r in self.selection.rows if r["candidate"] != NONE and r["finalist"])
        level = 1.0 - (1.0 - self.selection.confidence) / max(1, m)
        return (f"Bonferroni over the {m} finalists (each interval at {level:.2%}, all "
                f"{self.selection.confidence:.0%} together), Holm-adjusted paired t-test "
                f"p-values; decided on {len(self.selection.confirmation_runs)} fresh "
                "confirmation runs only")

    def pipeline(self, name: str | None = None):
        """The augkit transform of candidate ``name`` (default: the recommended one)."""
        return from_dict(self.configs[name or self.recommended])

    def table(self) -> list[dict[str, Any]]:
        """One row per candidate (no augmentation first): confirmation figures for the
        finalists; for the others the selection runs they reached, with no interval."""
        sel = self.selection
        references = set(REFERENCES)
        rows = []
        for r in sel.rows:
            name = r["candidate"]
            row: dict[str, Any] = {c: None for c in CSV_COLUMNS}
            row.update(candidate=name, description=r["description"], strength=r["strength"],
                       reference="yes" if name in references else "no",
                       recommended="yes" if name == sel.recommended else "no")
            if r["finalist"]:
                row.update(phase="confirmation", n=r["n"], mean=r["mean"], std=r["std"])
                if name != NONE:
                    row.update(diff=r["diff"], ci_low=r["ci_low"], ci_high=r["ci_high"],
                               p_holm=r["p_holm"],
                               significant="yes" if r["ci_low"] > 0 or r["ci_high"] < 0
                               else "no")
            else:
                runs = sel.selection_runs[:r["selection_runs"]]
                values = [sel.scores[(name, *run)] for run in runs]
                row.update(phase=f"selection (dropped at rung {r['rung']})", n=len(values),
                           mean=float(np.mean(values)),
                           std=float(np.std(values, ddof=1)) if len(values) > 1 else 0.0,
                           diff=r["selection_gain"], significant="no")
            rows.append(row)
        return rows

    def to_csv(self, path: str | Path | None = None) -> str:
        import csv

        out = io.StringIO()
        writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.table())
        if path is not None:
            Path(path).write_text(out.getvalue(), encoding="utf-8")
        return out.getvalue()

    def to_markdown(self, scale: float = 100.0) -> str:
        lines = ["| candidate | phase | n | accuracy (%) | Δ vs none [corrected interval] | "
                 "significant |", "|---|---|---|---|---|---|"]
        for r in self.table():
            score = f"{r['mean'] * scale:.1f} ± {r['std'] * scale:.1f}"
            if r["candidate"] == NONE:
                delta = "(baseline)"
            elif r["ci_low"] is None:
                delta = f"{r['diff'] * scale:+.1f} (selection runs, no interval)"
            else:
                delta = (f"{r['diff'] * scale:+.1f} [{r['ci_low'] * scale:+.1f}, "
                         f"{r['ci_high'] * scale:+.1f}]")
            mark = " (recommended)" if r["recommended"] == "yes" else ""
            lines.append(f"| {r['candidate']}{mark} | {r['phase']} | {r['n']} | {score} | "
                         f"{delta} | {r['significant'] or ''} |")
        return "\n".join(lines)

    def summary(self) -> dict[str, Any]:
        """Everything search.json holds: settings, data fingerprint, versions, verdict, rows
        and each candidate's config."""
        sel = self.selection
        return {
            "modality": self.modality, "space": self.space, "seed": self.seed,
            "seeds": self.seeds, "folds": self.folds, "budget_seconds": self.budget_seconds,
            "budget_stopped_halving": any(n.startswith("budget") for n in sel.notes),
            "fit_options": self.fit_options, "data_fingerprint": self.fingerprint,
            "samples": self.samples, "classes": self.classes, "versions": versions(),
            "verdict": self.verdict, "correction": self.correction,
            "recommended": self.recommended, "winner": self.winner,
            "seconds": round(sel.seconds, 2), "fits": sel.fits,
            "candidates_evaluated": len(self.candidates),
            "selection_runs": [list(r) for r in sel.selection_runs],
            "confirmation_runs": [list(r) for r in sel.confirmation_runs],
            "notes": sel.notes, "left_out_ops": self.left_out_ops,
            "rows": self.table(),
            "candidates": [{"name": NONE, "description": "no augmentation", "strength": 0.0,
                            "config": self.configs[NONE]}]
            + [{"name": c.name, "description": c.description, "strength": c.strength,
                "config": self.configs[c.name]} for c in self.candidates],
        }

    def plot(self, path: str | Path) -> Path:
        """Each candidate's paired difference to no augmentation: finalists with their
        corrected interval (confirmation runs), the others at their selection-phase mean
        (hollow, no interval). matplotlib (``pip install 'augkit[plot]'``)."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        rows = [r for r in self.table() if r["candidate"] != NONE]
        rows.sort(key=lambda r: (r["ci_low"] is None, -(r["diff"] or 0.0)))
        ys = np.arange(len(rows))[::-1]
        fig, ax = plt.subplots(figsize=(7, 1.2 + 0.28 * len(rows)), dpi=120)
        ax.axvline(0.0, color="0.4", lw=1)
        for y, r in zip(ys, rows, strict=True):
            colour = "tab:green" if r["significant"] == "yes" and r["diff"] > 0 else (
                "tab:red" if r["significant"] == "yes" else "tab:blue")
            if r["ci_low"] is None:
                ax.plot([r["diff"]], [y], "o", mfc="none", color="0.5")
            else:
                ax.errorbar([r["diff"]], [y], xerr=[[r["diff"] - r["ci_low"]],
                                                    [r["ci_high"] - r["diff"]]],
                            fmt="o", color=colour, capsize=3)
        labels = [r["candidate"] + (" *" if r["recommended"] == "yes" else "") for r in rows]
        ax.set_yticks(ys, labels, fontsize=7)
        ax.set_xlabel("accuracy minus no augmentation (paired); bars: corrected interval")
        ax.set_title(f"{self.space} search: {self.verdict.split(':')[0]}", fontsize=9)
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path)
        plt.close(fig)
        return path

    def best_yaml(self) -> str:
        """The recommended pipeline as YAML (loads with ``augkit.load``), headed by the verdict
        as comments; with no augmentation recommended, an empty ``Compose``."""
        import yaml

        header = [f"augkit search ({self.space}, {self.modality}, seed {self.seed}): "
                  f"recommended {self.recommended}", self.verdict, "correction: "
                  + self.correction]
        if self.recommended == NONE:
            header.append("no augmentation: an empty Compose (applies nothing)")
        lines = []
        for text in header:
            lines += ["# " + part for part in _wrap(text, 94)]
        return "\n".join(lines) + "\n" + yaml.safe_dump(self.configs[self.recommended],
                                                        sort_keys=False)

    def write(self, folder: str | Path, *, title: str | None = None,
              extra: dict[str, Any] | None = None) -> dict[str, Path]:
        """Write best.yaml, candidates.csv, search.png, report.html, report.md and
        search.json (with ``extra``, e.g. the data path and command) into ``folder``."""
        from augkit.evaluate.report import Report

        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        paths = {"best": folder / "best.yaml", "csv": folder / "candidates.csv",
                 "figure": folder / "search.png", "json": folder / "search.json"}
        paths["best"].write_text(self.best_yaml(), encoding="utf-8")
        self.to_csv(paths["csv"])
        self.plot(paths["figure"])
        summary = {**(extra or {}), **self.summary()}
        paths["json"].write_text(json.dumps(summary, indent=1, default=json_default),
                                 encoding="utf-8")
        sel = self.selection
        report = Report(title or f"augkit search: {self.space} space, {self.modality}",
                        meta=f"{self.samples} samples, {self.classes} classes, seed {self.seed}, "
                             f"{self.seeds} confirmation seeds x {self.folds} folds, "
                             f"{len(self.candidates)} candidates, {sel.fits} models trained "
                             f"in {sel.seconds:.0f} s, data {self.fingerprint[:19]}…")
        report.heading("Verdict")
        report.paragraph(self.verdict)
        report.paragraph("Correction: " + self.correction + ".")
        report.paragraph(
            "How this was decided: every candidate and no augmentation were trained on the same "
            "runs (seed x fold of the training data, same model initialisation and batch "
            "order), so scores pair up run by run. Successive halving kept the best third by "
            "mean paired gain until the finalists remained; the finalists were then trained on "
            "fresh seeds (new folds, new initialisations), and only those runs decide. A "
            "candidate is called better only when its corrected interval lies above zero; "
            "otherwise the mildest finalist that is not significantly worse than no "
            "augmentation is recommended. The confirmation reuses the training data with new "
            "splits, which removes most, not all, of the optimism of choosing: judge the "
            "recommendation once on a held-out test set.")
        report.table(self.table())
        report.figure(paths["figure"], "paired difference to no augmentation; bars: corrected "
                      "intervals of the finalists; hollow: dropped in selection (no interval)")
        report.heading("Recommended pipeline (best.yaml)")
        report.code(paths["best"].read_text(encoding="utf-8"))
        notes = list(sel.notes) + [f"left out {k}: {v}" for k, v in self.left_out_ops.items()]
        if notes:
            report.heading("Notes")
            for note in notes:
                report.paragraph(note)
        report.heading("Reproduce")
        lines = [f"{k}: {summary[k]}" for k in ("command", "data") if k in summary]
        lines += [f"data fingerprint: {self.fingerprint}", f"seed: {self.seed}",
                  f"budget seconds: {self.budget_seconds}",
                  "versions: " + ", ".join(f"{k} {v}" for k, v in versions().items())]
        if summary["budget_stopped_halving"]:
            lines.append("the budget stopped the halving: a run with another speed may stop at "
                         "another rung (give a larger budget to reproduce exactly)")
        report.code("\n".join(lines))
        paths.update({f"report_{k}": v for k, v in report.write(folder).items()})
        return paths


def _wrap(text: str, width: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


# -- progress with the best so far -------------------------------------------------------------
_MESSAGE = re.compile(r"^seed (\d+) fold (\d+) (\S+): (-?[\d.]+)$")


class _BestSoFar:
    """Wraps a ``progress(message)`` callback: adds the candidate with the best mean paired
    gain so far (over the runs it shares with no augmentation)."""

    def __init__(self, progress: Callable[[str], None]):
        self.progress = progress
        self.scores: dict[str, dict[tuple[int, int], float]] = {}

    def __call__(self, message: str) -> None:
        match = _MESSAGE.match(message)
        if match is None:
            self.progress(message)
            return
        seed, fold, name, value = match.groups()
        self.scores.setdefault(name, {})[(int(seed), int(fold))] = float(value)
        base = self.scores.get(NONE, {})
        best = None
        for arm, runs in self.scores.items():
            shared = [r for r in runs if r in base and arm != NONE]
            if shared:
                gain = float(np.mean([runs[r] - base[r] for r in shared]))
                if best is None or gain > best[1]:
                    best = (arm, gain)
        self.progress(message if best is None else
                      f"{message} | best {best[0]} {best[1] * 100:+.1f}")


# -- the search ----------------------------------------------------------------------------------
def search(modality: str, inputs, labels, space: str = "randaugment", *,
           budget_seconds: float | None = 600.0, seeds: int = 3, seed: int = 0, folds: int = 3,
           subpolicies: int = 12, fit: Callable | None = None,
           progress: Callable[[str], None] | bool | None = None,
           **fit_options: Any) -> SearchResult:
    """Search ``space`` for the policy that helps a proxy model learn ``(inputs, labels)``;
    see the module text. ``seeds``: confirmation seeds (x ``folds`` runs each);
    ``budget_seconds``: the time the halving may take with the confirmation's share kept
    for it (None: no limit; the first round and the confirmation always run); ``fit`` and
    ``fit_options`` (``max_epochs``, ``patience``, ...) as in
    :func:`augkit.evaluate.compare_arms`; ``progress``: a ``progress(message)`` callback
    (each message ends with the best candidate so far) or True for a tqdm bar on stderr
    (shown when stderr is a terminal).

    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = np.arange(36) % 2
    >>> x = rng.normal(size=(36, 24, 1)) + y[:, None, None]
    >>> found = search("timeseries", x, y, "trivial", seeds=2, folds=2, max_epochs=1)
    >>> found.recommended in found.configs, found.table()[0]["candidate"]
    (True, 'none')
    """
    if space not in SPACES:
        raise ValueError(f"search: space {space!r} is not one of {', '.join(SPACES)}")
    if modality not in MODALITIES:
        raise ValueError(f"search: modality {modality!r} is not one of {', '.join(MODALITIES)}")
    if budget_seconds is not None and (isinstance(budget_seconds, bool)
                                       or not isinstance(budget_seconds, (int, float))
                                       or not budget_seconds > 0):
        raise ValueError(f"search: budget_seconds must be a number > 0 (or None), got "
                         f"{budget_seconds!r}")
    for name, value, low in (("seeds", seeds, 2), ("folds", folds, 2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"search: {name} must be an integer >= {low}, got {value!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"search: seed must be an integer >= 0, got {seed!r}")
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"search: labels must be a non-empty 1-D array of integers, got "
                         f"{y.dtype} of shape {y.shape}")
    if len(inputs) != y.size:
        raise ValueError(f"search: {len(inputs)} inputs but {y.size} labels")
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        raise ValueError(f"search: the labels hold one class ({classes[0]}); a search needs at "
                         "least 2")
    if counts.min() < folds:
        raise ValueError(f"search: {folds} folds need at least {folds} samples of every class; "
                         f"class {classes[np.argmin(counts)]} has {counts.min()}")
    candidates, left_out = space_candidates(space, modality, inputs, seed=int(seed),
                                            subpolicies=subpolicies)
    bar = None
    callback: Callable[[str], None] | None
    if progress is True:
        from augkit.core.progress import Progress

        bar = Progress(planned_fits(len(candidates), folds, seeds), "fit",
                       f"search {space}", enabled=None)
        callback = _BestSoFar(bar)
    elif progress in (None, False):
        callback = None
    else:
        callback = _BestSoFar(progress)
    try:
        selection = select(modality, inputs, y, candidates, seed=int(seed), folds=folds,
                           eta=ETA, finalists=FINALISTS, confirm_seeds=seeds,
                           budget_seconds=budget_seconds, fit=fit, progress=callback,
                           **fit_options)
    finally:
        if bar is not None:
            bar.close()
    configs = {NONE: Compose([]).to_dict(), **{c.name: c.arm.to_dict() for c in candidates}}
    return SearchResult(modality, space, selection, list(candidates), configs, int(seed),
                        seeds, folds, budget_seconds, fingerprint(inputs, y), int(y.size),
                        int(classes.size), left_out, dict(fit_options))


def describe_space(space: str) -> str:
    """One line on what ``space`` holds (for help texts)."""
    return {"randaugment": "RandAugment over num_ops 1-3 x magnitude 1, 3, 5, 7, 9",
            "trivial": "TrivialAugmentWide, wide=False and capped at magnitude 2, 4, 6, 8",
            "subpolicy": "sampled AutoAugment-style pairs of ops with magnitudes and "
                         "probabilities"}[space]

