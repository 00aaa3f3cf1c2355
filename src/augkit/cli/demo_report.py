"""`augkit demo`'s report page: every modality, a small with/without result and a sweep.

Bundled data only (the astronaut image, the synthetic demo series, sentences written here),
so it runs offline in seconds. The with/without-augmentation result and the strength sweep
train the 1D proxy CNN on a small synthetic three-class series set drawn from the demo's
example series; they need torch and matplotlib and are left out, with a note on the page,
when either is missing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np

SENTENCES = (
    "The movie was a great film with a truly moving story.",
    "What city hosted the first modern Olympic games?",
    "I did not enjoy the slow and predictable second half.",
)
STUDY_SEEDS = (0, 1, 2, 3, 4)  # both the with/without result and the sweep
STUDY_OPTIONS = {"max_epochs": 20, "patience": 6}


def text_examples(seed: int = 0) -> list[tuple[str, str, str]]:
    """(op, original, augmented) rows: each EDA op and character noise on the sentences."""
    from augkit import text as T

    ops = {"SynonymReplacement(rate=0.3)": T.SynonymReplacement(rate=0.3, at_least_one=True),
           "RandomInsertion(rate=0.2)": T.RandomInsertion(rate=0.2, at_least_one=True),
           "RandomSwap(rate=0.2)": T.RandomSwap(rate=0.2, at_least_one=True),
           "RandomDeletion(rate=0.2)": T.RandomDeletion(rate=0.2, at_least_one=True),
           "KeyboardTypo(rate=0.3)": T.KeyboardTypo(rate=0.3)}
    rows = []
    for i, (name, op) in enumerate(ops.items()):
        sentence = SENTENCES[i % len(SENTENCES)]
        rows.append((name, sentence, op(text=sentence, seed=seed + i)["text"]))
    return rows


def series_task(seed: int = 0, n_train: int = 24, n_test: int = 300):
    """A small three-class set from the demo's example series: the class is where an added
    bump sits (a quarter, half or three quarters in); every series is shifted in time,
    rescaled and noisy, so shift-tolerant augmentation has something to teach."""
    from augkit.timeseries.demo import example_series

    rng = np.random.default_rng(seed)
    base = example_series(64)
    steps = np.linspace(0.0, 1.0, base.size)

    def draw(n):
        labels = np.arange(n) % 3
        centres = np.array([0.25, 0.5, 0.75])[labels]
        bumps = 1.5 * np.exp(-0.5 * ((steps[None] - centres[:, None]) / 0.04) ** 2)
        x = np.stack([np.roll(row, s) for row, s in zip(base[None] + bumps,
                                                         rng.integers(-5, 6, n), strict=True)])
        x = x * rng.uniform(0.8, 1.2, (n, 1)) + rng.normal(0.0, 0.3, x.shape)
        return x[..., None].astype(np.float32), labels
    return draw(n_train), draw(n_test)


def small_study(seed: int = 0) -> dict[str, Any]:
    """With / without augmentation and a Jitter strength sweep on :func:`series_task`."""
    from augkit import timeseries as T
    from augkit.evaluate import compare_arms
    from augkit.quality import strength_sweep

    (x, y), test = series_task(seed)
    options = STUDY_OPTIONS
    start = time.perf_counter()
    arms = {"none": None, "window slice + time warp": _slice_warp(T)}
    comparison = compare_arms("timeseries", x, y, arms, seeds=STUDY_SEEDS, test=test,
                              **options)
    sweep = strength_sweep("timeseries", x, y, "Jitter", "scale", [0.02, 0.1, 0.3, 1.0],
                           fixed={"p": 1.0}, seeds=STUDY_SEEDS, test=test, **options)
    return {"comparison": comparison, "sweep": sweep, "seconds": time.perf_counter() - start,
            "n_train": int(y.size), "n_test": int(test[1].size)}


def _slice_warp(T):
    import augkit

    return augkit.Compose([T.WindowSlice(ratio=0.9, p=0.5), T.TimeWarp(sigma=0.1, p=0.5)])


def write_report(out_dir: Path, written: dict[str, Path], seed: int = 0) -> Path:
    """Assemble ``report.html`` / ``report.md`` in ``out_dir`` from the demo's outputs."""
    from augkit.evaluate.report import Report

    report = Report("augkit demo", meta=f"seed {seed}; bundled data only; every number on "
                    "this page is recomputed by `augkit demo`")
    report.heading("Images: geometry moves the targets too")
    report.paragraph("Tile 1 is the bundled astronaut image with a face box and two eye "
                     "keypoints; the other tiles are HorizontalFlip(p=0.5) + Rotate(30) + "
                     "Zoom(0.75-1.33), with the box and keypoints moved by the same "
                     "parameters. image_records.json replays each tile exactly.")
    report.figure(written["image grid"], "augmented tiles with boxes and keypoints")
    if "time-series figure" in written:
        report.heading("Time series: warping, noise and drift")
        report.figure(written["time-series figure"], "one series and three augmentations, "
                      "overlaid")
    report.heading("Text: the EDA ops and keyboard typos")
    report.paragraph("Deleted words are struck out, inserted ones highlighted. Stop words, "
                     "negations and question words are protected by default.")
    report.changes(text_examples(seed))
    try:
        study = small_study(seed)
    except ImportError as err:  # torch or matplotlib absent: say so instead of failing
        report.heading("With and without augmentation")
        report.paragraph(f"Left out: {err} (pip install 'augkit[torch,plot]').")
    else:
        _study_blocks(report, study, out_dir)
    report.heading("Reproduce")
    report.code(f"augkit demo --seed {seed} --out {out_dir.name}")
    return report.write(out_dir)["html"]


def _study_blocks(report, study: dict[str, Any], out_dir: Path) -> None:
    comparison, sweep = study["comparison"], study["sweep"]
    report.heading("With and without augmentation")
    report.paragraph(
        f"A 1D CNN trained on {study['n_train']} synthetic series (three classes: where a "
        f"bump sits), scored on {study['n_test']} more, over {len(STUDY_SEEDS)} seeds: the "
        "same initialisation, batch order and budget for both arms, best validation epoch "
        "kept. Δ is the paired difference with its 95 % Student-t interval; a small, "
        f"synthetic task, here to show the protocol ({study['seconds']:.0f} s).")
    rows = []
    for r in comparison.rows():
        row = {"arm": r["arm"], "accuracy": f"{r['mean']:.1%} ± {r['std']:.1%}"}
        if "diff" in r:
            row.update({"Δ vs none [95 % interval]": f"{r['diff'] * 100:+.1f} "
                        f"[{r['ci_low'] * 100:+.1f}, {r['ci_high'] * 100:+.1f}] points",
                        "W/T/L": f"{r['wins']}/{r['ties']}/{r['losses']}"})
        rows.append(row)
    report.table(rows, columns=["arm", "accuracy", "Δ vs none [95 % interval]", "W/T/L"])
    report.heading("Strength sweep: Jitter scale")
    report.paragraph(
        f"Jitter(p=1) at four noise scales (x the series' std) against no augmentation on the "
        "same runs (intervals Bonferroni-corrected over the values); a value hurts when its "
        f"interval lies below zero. Largest value that does not hurt: {sweep.largest_safe}.")
    report.table([{"scale": p.value, "accuracy": f"{p.mean:.1%} ± {p.std:.1%}",
                   "Δ [interval]": f"{p.diff * 100:+.1f} [{p.ci_low * 100:+.1f}, "
                   f"{p.ci_high * 100:+.1f}]", "hurts": p.hurts} for p in sweep.points],
                 flag="hurts")
    report.figure(sweep.plot(out_dir / "sweep.png"), "accuracy against the Jitter scale")
