"""Search speed: a complete ``augkit search --space randaugment`` (16 candidates: the
RandAugment grid num_ops 1-3 x magnitude 1, 3, 5, 7, 9 plus TrivialAugmentWide; 3
confirmation seeds x 3 folds; proxy models at most 15 epochs) on three real training sets,
each under a 10-minute budget:

- PneumoniaMNIST (this copy's training split): 1,000 images of 28x28, a stratified subset;
- UCR SyntheticControl: all 300 training series (length 60, 6 classes);
- SST-2 (stsa.binary.train): 500 sentences, a stratified subset.

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/search_speed.py`` (one search after the
other; each proxy fit is single-threaded). Reports wall time, candidates, models trained,
whether the budget stopped the halving, the verdict and the recommendation in
``benchmarks/results/search_speed.md`` and ``.json``. ``--only NAME`` runs one set.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("AUGKIT_DATASETS", "/work/shared/datasets"))
RESULTS = ROOT / "benchmarks" / "results"
BUDGET_MINUTES = 10
SETS = {
    "PneumoniaMNIST": (DATA / "images/pneumoniamnist_variant.npz", "image", 1000),
    "SyntheticControl": (DATA / "timeseries/ucr/SyntheticControl/SyntheticControl_TRAIN.tsv",
                         "timeseries", None),
    "SST-2": (DATA / "text/sst2/stsa.binary.train", "text", 500),
}


def run(name: str, out: Path) -> dict:
    from augkit.cli.main import main

    path, modality, samples = SETS[name]
    argv = ["search", str(path), "--modality", modality, "--space", "randaugment",
            "--budget-minutes", str(BUDGET_MINUTES), "--seeds", "3", "--seed", "0",
            "--out", str(out)]
    if samples:
        argv += ["--max-samples", str(samples)]
    start = time.perf_counter()
    code = main(argv)
    wall = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"{name}: augkit search exited {code}")
    summary = json.loads((out / "search.json").read_text())
    return {"set": name, "modality": modality, "samples": summary["samples"],
            "classes": summary["classes"], "wall_seconds": round(wall, 1),
            "search_seconds": summary["seconds"],
            "candidates": summary["candidates_evaluated"], "fits": summary["fits"],
            "budget_stopped_halving": summary["budget_stopped_halving"],
            "verdict": summary["verdict"], "recommended": summary["recommended"],
            "command": summary["command"].replace(str(out), "OUT"),
            "rows": summary["rows"]}


def markdown(results: list[dict], machine: str) -> str:
    lines = ["# augkit search speed (RandAugment space, 3 seeds, 10-minute budget)", "",
             f"Machine: {machine}. One search at a time; each proxy fit single-threaded. "
             "16 candidates (RandAugment num_ops 1-3 x magnitude 1, 3, 5, 7, 9, with "
             "RandAugment(2, 9) among them, and TrivialAugmentWide) plus no augmentation; "
             "successive halving on seed x fold runs, then 3 fresh seeds x 3 folds confirm "
             "the 3 finalists. Run: `PYTHONPATH=src .venv/bin/python "
             "benchmarks/search_speed.py`.", "",
             "| data | samples | wall time (s) | candidates | models trained | budget stopped "
             "halving | recommended | verdict |", "|---|---|---|---|---|---|---|---|"]
    for r in results:
        verdict = r["verdict"].split(":")[0] if r["verdict"].startswith("no significant") \
            else r["verdict"]
        lines.append(f"| {r['set']} ({r['modality']}) | {r['samples']} | {r['wall_seconds']:.0f}"
                     f" | {r['candidates']} | {r['fits']} | "
                     f"{'yes' if r['budget_stopped_halving'] else 'no'} | {r['recommended']} | "
                     f"{verdict} |")
    lines += ["", "Wall time is the whole command (reading the data, the search, writing the "
              "outputs) on a machine shared with other work, so it is an upper figure. The "
              "verdicts are the searches' own: no candidate's corrected interval lay above "
              "zero unless a verdict says otherwise; a finalist whose interval lies below "
              "zero is significantly worse than no augmentation. A baseline near chance "
              "means the proxy model cannot tell policies apart on that data.",
              "", "Commands (OUT: an output folder):", ""]
    lines += [f"- `{r['command']}`" for r in results]
    lines += ["", "Finalists on the confirmation runs (accuracy %, Δ vs none with the "
              "Bonferroni interval):", ""]
    for r in results:
        lines.append(f"- {r['set']}: " + "; ".join(
            f"{row['candidate']} {row['mean'] * 100:.1f}"
            + ("" if row["ci_low"] is None else
               f" (Δ {row['diff'] * 100:+.1f} [{row['ci_low'] * 100:+.1f}, "
               f"{row['ci_high'] * 100:+.1f}])")
            for row in r["rows"] if row["phase"] == "confirmation"))
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=list(SETS))
    parser.add_argument("--markdown-only", action="store_true",
                        help="rewrite the .md from results/search_speed.json (no search)")
    args = parser.parse_args()
    if args.markdown_only:
        saved = json.loads((RESULTS / "search_speed.json").read_text())
        (RESULTS / "search_speed.md").write_text(markdown(saved["results"], saved["machine"]))
        return
    names = [args.only] if args.only else list(SETS)
    machine = f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores"
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            results.append(run(name, Path(tmp) / name))
            print(f"{name}: {results[-1]['wall_seconds']} s, {results[-1]['fits']} models",
                  flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "search_speed.json").write_text(json.dumps(
        {"machine": machine, "budget_minutes": BUDGET_MINUTES, "results": results}, indent=1))
    (RESULTS / "search_speed.md").write_text(markdown(results, machine))
    print(markdown(results, machine))


if __name__ == "__main__":
    main()
