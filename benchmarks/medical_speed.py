"""Speed of augkit's medical artifacts against TorchIO on 2-D slices, single-threaded.

Each library runs in its own process (TorchIO in ``benchmarks/.venv-torchio``, built by
``benchmarks/setup_torchio.sh``) on the same float32 slices in [0, 1] (a phantom disc with
noise, made from one seed in both processes); TorchIO sees each slice as a 1 x H x W x 1
``ScalarImage`` made once, outside the timing, and augkit the H x W array. Parameters are
TorchIO's defaults, matched in augkit's terms (a shift of 10 mm at 1 mm spacing is 10
pixels, given to augkit as a fraction of the side). Rows marked ``~`` compare different
models of the same artifact: TorchIO's RandomNoise is Gaussian, augkit's RicianNoise is
Rician (two normals and a magnitude); TorchIO's RandomMotion draws rotations about three
axes of a 1-slice volume, augkit's about the slice normal.

The libraries run ``--rounds`` times, interleaved, keeping the best rate of each op (the
machine may be shared). Run from the repository root:

    .venv/bin/python benchmarks/medical_speed.py

(writes ``benchmarks/results/medical_speed.md`` and ``.json``).
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _timing import rate  # noqa: E402

SIZES = (256, 512)
PER_SIZE = 4  # slices per size, cycled through by the timing loop
SHIFT_PX = 10.0  # TorchIO's default translation (mm) at 1 mm spacing
APPROXIMATE = {"Noise", "Motion"}
TORCHIO_VENV = HERE / ".venv-torchio" / "bin" / "python"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS": "1"}


def slices(size: int):
    """The benchmark's float32 slices: a bright disc with a darker core, plus noise."""
    import numpy as np

    rng = np.random.default_rng(size)
    yy, xx = np.mgrid[:size, :size]
    r = np.hypot(yy - size / 2, xx - size / 2) / size
    base = np.where(r < 0.4, 0.7, 0.05) - np.where(r < 0.15, 0.3, 0.0)
    return [np.clip(base + rng.normal(0, 0.02, base.shape), 0, 1).astype(np.float32)
            for _ in range(PER_SIZE)]


def augkit_ops(size: int) -> dict:
    from augkit import image as A

    return {
        "BiasField": A.BiasField(coefficients=0.5, order=3, p=1.0),
        "Motion": A.MotionArtifact(degrees=10, translation=SHIFT_PX / size, num_transforms=2,
                                   p=1.0),
        "Ghosting": A.Ghosting(num_ghosts=(4, 10), intensity=(0.5, 1.0), axis="random",
                               restore=0.02, p=1.0),
        "Spike": A.KSpaceSpike(num_spikes=1, intensity=(1.0, 3.0), p=1.0),
        "Noise": A.RicianNoise(std_range=(0.0, 0.25), p=1.0),
        "Anisotropy": A.Anisotropy(factor=(1.5, 5.0), axis="random", p=1.0),
    }


def torchio_ops(size: int) -> dict:
    import torchio as tio

    return {
        "BiasField": tio.RandomBiasField(coefficients=0.5, order=3),
        "Motion": tio.RandomMotion(degrees=10, translation=SHIFT_PX, num_transforms=2),
        "Ghosting": tio.RandomGhosting(num_ghosts=(4, 10), axes=(0, 1), intensity=(0.5, 1.0),
                                       restore=0.02),
        "Spike": tio.RandomSpike(num_spikes=1, intensity=(1.0, 3.0)),
        "Noise": tio.RandomNoise(mean=0.0, std=(0.0, 0.25)),
        "Anisotropy": tio.RandomAnisotropy(axes=(0, 1), downsampling=(1.5, 5.0)),
    }


def worker(lib: str, seconds: float) -> dict:
    """Calls per second of every op at every size, in this process."""
    if lib == "augkit":
        import cv2

        cv2.setNumThreads(1)
    else:
        import SimpleITK as sitk
        import torch

        torch.set_num_threads(1)
        sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
    out: dict = {}
    for size in SIZES:
        images = slices(size)
        if lib == "augkit":
            ops = augkit_ops(size)
            items = images
        else:
            import torch
            import torchio as tio

            ops = torchio_ops(size)
            items = [tio.ScalarImage(tensor=torch.from_numpy(i[None, :, :, None].copy()))
                     for i in images]
        for name, op in ops.items():
            fn = (lambda x, op=op: op(image=x)) if lib == "augkit" else op
            out.setdefault(name, {})[str(size)] = rate(fn, items, seconds)
    return out


def versions(python: str) -> str:
    code = ("import importlib.metadata as m\n"
            "for p in ('torchio', 'torch', 'numpy', 'opencv-python-headless'):\n"
            "    try: print(p, m.version(p))\n"
            "    except Exception: pass\n")
    return subprocess.run([python, "-c", code], capture_output=True, text=True).stdout.strip()


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=("augkit", "torchio"))
    parser.add_argument("--out")
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if args.worker:
        Path(args.out).write_text(json.dumps(worker(args.worker, args.seconds)))
        return
    if not TORCHIO_VENV.exists():
        raise SystemExit(f"{TORCHIO_VENV} is missing: run benchmarks/setup_torchio.sh")
    pythons = {"augkit": sys.executable, "torchio": str(TORCHIO_VENV)}
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(ROOT / "src")}
    best: dict = {"augkit": {}, "torchio": {}}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for lib, python in pythons.items():
                path = Path(tmp) / f"{lib}{round_}.json"
                subprocess.run([python, __file__, "--worker", lib, "--out", str(path),
                                "--seconds", str(args.seconds)], check=True, env=env)
                for name, rates in json.loads(path.read_text()).items():
                    row = best[lib].setdefault(name, {})
                    for size, value in rates.items():
                        row[size] = max(row.get(size, 0.0), value)
    load_after = os.getloadavg()[0]
    rows, ratios = [], []
    for name in best["augkit"]:
        for size in map(str, SIZES):
            ours, theirs = best["augkit"][name][size], best["torchio"][name][size]
            ratio = ours / theirs
            ratios.append(ratio)
            mark = "~" if name in APPROXIMATE else ""
            rows.append(f"| {name}{mark} | {size}x{size} | {ours:,.0f} | {theirs:,.0f} | "
                        f"{ratio:.2f}x |")
    geomean = math.exp(sum(map(math.log, ratios)) / len(ratios))
    lines = [
        "# Medical artifacts: augkit vs TorchIO (2-D slices, one thread)",
        "",
        f"Written by `benchmarks/medical_speed.py --seconds {args.seconds} --rounds "
        f"{args.rounds}` on {cpu_name()} ({os.cpu_count()} cores, shared). Calls per second, "
        "best of the rounds; float32 slices in [0, 1]; TorchIO on a 1 x H x W x 1 "
        "ScalarImage. `~`: a different model of the same artifact (see the script). "
        f"Load average (1 min) {load_before:.1f} before, {load_after:.1f} after: absolute "
        "rates move with the machine's other work, the ratios (interleaved rounds) less.",
        "",
        "| op | size | augkit /s | TorchIO /s | augkit / TorchIO |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"Geometric mean over the {len(ratios)} rows: {geomean:.2f}x.",
        "",
        "augkit side: " + versions(sys.executable).replace("\n", ", "),
        "",
        "TorchIO side: " + versions(str(TORCHIO_VENV)).replace("\n", ", "),
        "",
    ]
    results = HERE / "results"
    (results / "medical_speed.md").write_text("\n".join(lines))
    (results / "medical_speed.json").write_text(json.dumps(
        {"rates": best, "geomean": geomean, "seconds": args.seconds, "rounds": args.rounds,
         "load_average": [load_before, load_after]},
        indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
