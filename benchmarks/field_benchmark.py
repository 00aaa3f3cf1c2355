"""augkit in the field's own single-thread image benchmark (albumentations-team/benchmark).

The benchmark's code stays outside this repository: check it out (any recent commit; this
was run at 7f6a527) and point ``--bench-dir`` at it. Its runner
(``python -m benchmark.runner``) times every transform of its shared spec list for one
library per process, single-threaded, on images preloaded in memory; augkit takes part
through ``benchmarks/field/augkit_impl.py``, the spec file that maps each spec to an augkit op.
The peers use the benchmark's own spec files, each in its own virtualenv (albumentations
2.0.8 in ``benchmarks/.venv-albumentations``, AlbumentationsX in
``benchmarks/.venv-albumentationsx``; see ``make bench-image`` for how they are built).

    git clone https://github.com/albumentations-team/benchmark ../field-bench   # once
    .venv/bin/python benchmarks/field_benchmark.py --bench-dir ../field-bench

Each peer venv also needs the runner's own dependencies (numpy, tqdm).

The images: ``--n`` JPEGs of 500x375 (the size of a typical ImageNet validation image) cut
from the bundled photo, unless ``--data-dir`` names a folder of your own. Every library runs
``--rounds`` times, in turns, and keeps its best median per transform (the machine may be
shared). Writes benchmarks/results/field_benchmark.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "src"))

SPEC_FILES = {"augkit": ROOT / "benchmarks" / "field" / "augkit_impl.py",
              "albumentations_mit": Path("benchmark/transforms/albumentations_mit_impl.py"),
              "albumentationsx": Path("benchmark/transforms/albumentationsx_impl.py")}
PYTHONS = {"augkit": Path(sys.executable),
           "albumentations_mit": ROOT / "benchmarks/.venv-albumentations/bin/python",
           "albumentationsx": ROOT / "benchmarks/.venv-albumentationsx/bin/python"}
LABELS = {"albumentations_mit": "albumentations 2.0.8", "albumentationsx": "AlbumentationsX"}


def run_library(lib: str, python: Path, bench: Path, data: Path, n: int, runs: int,
                out: Path) -> dict:
    spec = SPEC_FILES[lib] if lib == "augkit" else bench / SPEC_FILES[lib]
    path = [str(bench)] + ([str(ROOT / "src")] if lib == "augkit" else [])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path), OMP_NUM_THREADS="1",
               OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1", NO_ALBUMENTATIONS_UPDATE="1")
    subprocess.run([str(python), "-m", "benchmark.runner", "-s", str(spec), "-d", str(data),
                    "-n", str(n), "-r", str(runs), "-o", str(out)], env=env, cwd=bench,
                   check=True, stdout=subprocess.DEVNULL)
    return json.loads(out.read_text())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench-dir", type=Path, required=True,
                        help="a checkout of albumentations-team/benchmark")
    parser.add_argument("--data-dir", type=Path, help="a folder of images (default: --n "
                        "generated 500x375 JPEGs)")
    parser.add_argument("--n", type=int, default=200, help="images per run")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per transform")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many rounds")
    parser.add_argument("--libraries", default="augkit,albumentations_mit,albumentationsx")
    args = parser.parse_args()
    libs = [lib.strip() for lib in args.libraries.split(",") if lib.strip()]
    unknown = [lib for lib in libs if lib not in SPEC_FILES]
    if unknown or "augkit" not in libs:
        parser.error(f"--libraries got {args.libraries!r}; expected augkit and any of "
                     f"{', '.join(k for k in SPEC_FILES if k != 'augkit')}")
    missing = [lib for lib in libs if not PYTHONS[lib].exists()]
    if missing:
        parser.error(f"no virtualenv for {', '.join(missing)} "
                     f"({', '.join(str(PYTHONS[m]) for m in missing)}); build it as "
                     "`make bench-image` does, or leave it out of --libraries")
    bench = args.bench_dir.resolve()
    if not (bench / "benchmark" / "runner.py").is_file():
        parser.error(f"--bench-dir {str(args.bench_dir)!r} is not a checkout of "
                     "albumentations-team/benchmark (no benchmark/runner.py there)")
    if args.data_dir is not None and not args.data_dir.is_dir():
        parser.error(f"--data-dir {str(args.data_dir)!r} is not a folder")
    best: dict[str, dict[str, float]] = {lib: {} for lib in libs}
    versions: dict[str, str] = {}
    failed: set[str] = set()
    with tempfile.TemporaryDirectory() as tmp:
        data = args.data_dir
        if data is None:
            from runner_speed import make_folder

            data = Path(tmp) / "images"
            make_folder(data, args.n)
        for round_ in range(args.rounds):
            for lib in [x for x in (libs if round_ % 2 == 0 else libs[::-1])
                        if x not in failed]:
                print(f"round {round_ + 1}: {lib}", file=sys.stderr, flush=True)
                try:
                    result = run_library(lib, PYTHONS[lib], bench, data, args.n, args.runs,
                                         Path(tmp) / f"{lib}-{round_}.json")
                except subprocess.CalledProcessError as err:  # say it, keep the others
                    print(f"{lib} failed (exit {err.returncode}; its venv needs the "
                          "benchmark's own dependencies too: numpy, tqdm); left out",
                          file=sys.stderr, flush=True)
                    failed.add(lib)
                    continue
                meta = result.get("metadata", {})
                found = meta.get("library_versions", {})
                versions[lib] = ", ".join(f"{k} {found[k]}" for k in (
                    lib, "numpy", "opencv-python-headless") if k in found)
                for name, r in result["results"].items():
                    rate = float(r.get("median_throughput") or 0.0)
                    if r.get("supported", True) and rate > 0:
                        best[lib][name] = max(best[lib].get(name, 0.0), rate)
    sys.path.insert(0, str(bench))  # the spec file's imports, for its APPROXIMATE table
    if "augkit" in failed:
        return 1
    libs = [lib for lib in libs if lib not in failed]
    text, summary = report(best, libs, args, versions)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "field_benchmark.md").write_text(text)
    (RESULTS / "field_benchmark.json").write_text(json.dumps(
        {"n": args.n, "runs": args.runs, "rounds": args.rounds, "images_per_s": best,
         "summary": summary, "versions": versions}, indent=1))
    return 0


def report(best: dict[str, dict[str, float]], libs: list[str], args, versions) -> tuple:
    from field.augkit_impl import APPROXIMATE  # noqa: PLC0415 (needs the benchmark's path)

    peers = [lib for lib in libs if lib != "augkit"]
    names = sorted(set().union(*(best[lib] for lib in libs)))
    lines = ["# augkit in the field's image benchmark (albumentations-team/benchmark)", "",
             f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; the "
             f"benchmark's runner, single-threaded, {args.n} images of 500x375 preloaded, "
             f"median of {args.runs} runs, best of {args.rounds} rounds per library. Images/s; "
             "ratio = augkit / peer; `~`: same purpose, different algorithm (see "
             "benchmarks/field/augkit_impl.py).", "",
             "| transform | augkit | " + " | ".join(LABELS[p] for p in peers) + " | "
             + " | ".join(f"vs {LABELS[p]}" for p in peers) + " |",
             "|---" * (2 + 2 * len(peers)) + "|"]
    ratios: dict[str, dict[str, float]] = {p: {} for p in peers}
    for name in names:
        ours = best["augkit"].get(name)
        cells = [f"{ours:,.0f}" if ours else "-"]
        cells += [f"{best[p][name]:,.0f}" if name in best[p] else "-" for p in peers]
        for p in peers:
            if ours and name in best[p]:
                ratios[p][name] = ours / best[p][name]
                cells.append(f"{ratios[p][name]:.2f}x")
            else:
                cells.append("-")
        mark = " ~" if name in APPROXIMATE else ""
        lines.append(f"| {name}{mark} | " + " | ".join(cells) + " |")
    summary = {}
    lines.append("")
    for p in peers:
        shared = ratios[p]
        if not shared:
            continue
        geomean = math.exp(sum(math.log(v) for v in shared.values()) / len(shared))
        slow = {k: round(v, 2) for k, v in sorted(shared.items(), key=lambda kv: kv[1])
                if v < 0.9}
        summary[p] = {"shared": len(shared), "geomean": geomean, "below_0.9": slow}
        lines.append(f"vs {LABELS[p]}: geometric mean **{geomean:.2f}x** over {len(shared)} "
                     f"shared transforms; below 0.9x: "
                     + (", ".join(f"{k} {v:.2f}x" for k, v in slow.items()) or "none"))
    lines += ["", "Versions: " + "; ".join(versions.get(lib, lib) for lib in libs)]
    return "\n".join(lines) + "\n", summary


if __name__ == "__main__":
    sys.exit(main())
