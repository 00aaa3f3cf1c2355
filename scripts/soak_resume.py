"""Soak test of ``augkit augment --resume``: kill -9 a run at random points, resume, and
compare the folder byte for byte with an uninterrupted run; repeat N times.

    python scripts/soak_resume.py --trials 50 --kills 5 --workers 2 --layout csv

Layouts: csv (flat folder + labels.csv), folder (class subfolders), npz (MedMNIST-style),
text (label-first lines). Exit status 1 if any trial differs.
"""

from __future__ import annotations

import argparse
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from tests.data_helpers import (  # noqa: E402
    augment_command,
    class_folder,
    csv_folder,
    environment,
    pipeline_file,
    run_command,
    tree,
)

import augkit  # noqa: E402
from augkit import text as T  # noqa: E402


def make_source(layout: str, root: Path) -> tuple[Path, Path]:
    if layout == "csv":
        return csv_folder(root / "src", n=100, size=(64, 48)), pipeline_file(root)
    if layout == "folder":
        return class_folder(root / "src", {"a": 60, "b": 40}, size=(64, 48)), pipeline_file(root)
    if layout == "npz":
        rng = np.random.default_rng(0)
        path = root / "med.npz"
        np.savez(path, train_images=rng.integers(0, 255, (300, 28, 28), dtype=np.uint8),
                 train_labels=rng.integers(0, 3, (300, 1)))
        return path, pipeline_file(root)
    path = root / "lines.train"
    words = "the a film good bad long short moving dull bright story cast".split()
    rng = random.Random(0)
    path.write_text("".join(f"{rng.randint(0, 1)} {' '.join(rng.choices(words, k=12))}\n"
                            for _ in range(1500)))
    pipe = root / "text.yaml"
    augkit.save(augkit.Compose([T.RandomSwap(p=1.0), T.RandomDeletion(p=0.5)]), pipe)
    return path, pipe


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=50)
    parser.add_argument("--kills", type=int, default=5, help="kills per trial before finishing")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--layout", choices=("csv", "folder", "npz", "text"), default="csv")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        src, pipe = make_source(args.layout, root)
        base = [str(src), "--pipeline", str(pipe), "--copies", "3", "--quiet",
                "--workers", str(args.workers), "--balance"]
        start = time.monotonic()
        done = run_command(augment_command(*base, "--out", str(root / "ref")))
        if done.returncode:
            print(done.stderr)
            return 1
        elapsed = time.monotonic() - start
        expected = tree(root / "ref")
        failures = interrupted = 0
        for trial in range(args.trials):
            dst = root / f"t{trial}"
            for _ in range(args.kills):
                process = subprocess.Popen(augment_command(*base, "--out", str(dst),
                                                           "--resume"),
                                           env=environment(), stderr=subprocess.DEVNULL)
                time.sleep(rng.uniform(0.05, 1.0) * elapsed)
                interrupted += process.poll() is None
                process.send_signal(signal.SIGKILL)
                process.wait()
            finished = run_command(augment_command(*base, "--out", str(dst), "--resume"))
            same = finished.returncode == 0 and tree(dst) == expected
            failures += not same
            print(f"trial {trial}: {'same' if same else 'DIFFERENT'}", flush=True)
        total = args.trials * args.kills
        print(f"{args.trials - failures}/{args.trials} trials equal to the uninterrupted run; "
              f"{interrupted}/{total} kills landed while the run was going "
              f"(uninterrupted run: {elapsed:.2f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
