"""Dataset runner speed: ``augkit augment`` with 1 and 2 workers vs the plain loop a user
would write (cv2.imread -> the same augkit pipeline -> cv2.imwrite), end to end (decode,
augment, encode, write), on a generated folder of JPEGs.

The folder: ``--n`` JPEGs of 500x375 cut from the bundled photo at random offsets and
scales, with noise, in two class subfolders. One augmented copy per image, originals not
copied (``--no-originals``), so every configuration decodes, augments, encodes and writes
the same images. Each configuration runs in its own process, after ``os.sync()`` (peak RSS from
``ru_maxrss``); OpenCV and BLAS threads are set to 1 so "workers" means cores.

    python benchmarks/runner_speed.py --n 2000 --ray

Writes benchmarks/results/runner_speed.{md,json} (runner_speed_nN.* for another --n).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(ROOT / "src"))


def pipeline():
    import augkit
    from augkit import image as A
    return augkit.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=15, p=0.5),
                           A.ColorJitter(p=0.5)])


def make_folder(root: Path, n: int) -> None:
    from augkit.resources import sample_image
    photo = cv2.cvtColor(sample_image(), cv2.COLOR_RGB2BGR)
    rng = np.random.default_rng(0)
    for k in range(n):
        scale = rng.uniform(1.0, 1.8)
        big = cv2.resize(photo, None, fx=scale * 2.2, fy=scale * 2.2)
        y, x = rng.integers(0, big.shape[0] - 375), rng.integers(0, big.shape[1] - 500)
        tile = big[y:y + 375, x:x + 500].astype(np.int16)
        tile = np.clip(tile + rng.integers(-8, 9, tile.shape), 0, 255).astype(np.uint8)
        folder = root / ("a" if k % 2 else "b")
        folder.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(folder / f"{k:05d}.jpg"), tile, [cv2.IMWRITE_JPEG_QUALITY, 90])


def _warm() -> int:
    """A task that imports what the runner's tasks import (a warm worker process)."""
    import augkit.data.runner  # noqa: F401

    time.sleep(0.5)  # held, so the warm-up tasks land on both workers
    return os.getpid()


def one(config: str, src: Path, dst: Path) -> dict:
    """Run one configuration in this process; returns seconds and peak RSS."""
    cv2.setNumThreads(1)
    start = time.perf_counter()
    if config == "plain":
        from augkit.data.runner import output_seed
        aug = pipeline()
        for path in sorted(src.glob("*/*.jpg")):
            image = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
            # the runner's seed for this image: the same parameters, so the same work (with
            # other seeds the JPEG encode alone varies by 20 % with what the rotations drew)
            seed = output_seed(0, f"{path.parent.name}/{path.name}", 0)
            out = aug(image=image, seed=seed)["image"]
            target = dst / path.parent.name / f"{path.stem}__aug0.jpg"
            target.parent.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(target), cv2.cvtColor(out, cv2.COLOR_RGB2BGR),
                        [cv2.IMWRITE_JPEG_QUALITY, 95])
    elif config.startswith("ray"):
        from augkit.data.runner import Job, run
        if config == "ray2-warm":  # Ray (and its 2 worker processes) up before the timer:
            import ray  # the case of a running cluster, `--address auto`

            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
            ray.get([ray.remote(_warm).remote() for _ in range(4)])
            start = time.perf_counter()
        run(Job(src=src, dst=dst, pipeline=pipeline(), copies=1, originals=False,
                workers=2, engine="ray", progress=False))
    else:
        from augkit.data.runner import Job, run
        run(Job(src=src, dst=dst, pipeline=pipeline(), copies=1, originals=False,
                workers=int(config[-1]), progress=False))
    seconds = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"seconds": seconds, "peak_rss_mib": rss, "worker_peak_rss_mib": kids}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="JPEGs in the folder")
    parser.add_argument("--repeats", type=int, default=2, help="best of this many runs")
    parser.add_argument("--ray", action="store_true", help="also --engine ray at 2 CPUs: "
                        "ray2 starts its local Ray inside the timed run, ray2-warm joins a "
                        "Ray started (workers imported) before the timer")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    parser.add_argument("--dst", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one, Path(args.src), Path(args.dst))))
        return 0
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
               PYTHONPATH=str(ROOT / "src"))
    results: dict[str, dict] = {}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as folder:
        src = Path(folder) / "src"
        make_folder(src, args.n)
        configs = ["plain", "workers1", "workers2"] + (
            ["ray2", "ray2-warm"] if args.ray else [])
        for repeat in range(args.repeats):  # in turns, order reversed every other round
            for config in configs if repeat % 2 == 0 else configs[::-1]:
                dst = Path(folder) / "dst"
                shutil.rmtree(dst, ignore_errors=True)
                os.sync()  # the last run's dirty pages are not written back during this one
                done = subprocess.run([sys.executable, __file__, "--one", config, "--src",
                                       str(src), "--dst", str(dst)], env=env, check=True,
                                      capture_output=True, text=True)
                result = json.loads(done.stdout)
                best = results.get(config)
                if best is None or result["seconds"] < best["seconds"]:
                    results[config] = result
    plain = results["plain"]["seconds"]
    lines = [f"# Runner speed: {args.n} JPEGs of 500x375, one augmented copy each",
             "", f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; best "
             f"of {args.repeats}; OpenCV threads 1; load average before/after "
             f"{load_before:.1f}/{os.getloadavg()[0]:.1f} (other work on the machine skews "
             "the figures)", "",
             "| configuration | seconds | images/s | vs plain loop | vs workers2 | peak RSS MiB "
             "(main / worker) |", "|---|---|---|---|---|---|"]
    two = results["workers2"]["seconds"]
    for config, r in results.items():
        lines.append(f"| {config} | {r['seconds']:.2f} | {args.n / r['seconds']:.0f} | "
                     f"{plain / r['seconds']:.2f}x | {two / r['seconds']:.2f}x | "
                     f"{r['peak_rss_mib']:.0f} / {r['worker_peak_rss_mib']:.0f} |")
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(exist_ok=True)
    name = "runner_speed" if args.n == 2000 else f"runner_speed_n{args.n}"
    (RESULTS / f"{name}.md").write_text(text)
    (RESULTS / f"{name}.json").write_text(json.dumps({"n": args.n, **results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
