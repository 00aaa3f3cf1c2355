"""Speed of augkit's 3-D volume ops against TorchIO and MONAI, single-threaded.

Every library runs in its own process (TorchIO and MONAI in ``benchmarks/.venv-torchio``,
built by ``benchmarks/setup_torchio.sh``, which also installs MONAI) on the same input: a
128 x 128 x 128 float32 phantom (an ellipsoid with a brighter core plus noise, made from one
seed in every process) and its uint8 label map (0 outside, 1 ellipsoid, 2 core). Each call
moves or keeps the label map as the op requires: augkit ``op(volume=v, mask=m)``; TorchIO a
``Subject`` of a ``ScalarImage`` and a ``LabelMap`` (1 x D x H x W, made once, outside the
timing); MONAI a dictionary transform over ``{"image", "label"}`` (1 x D x H x W
``MetaTensor``s). Parameters are the peers' usual ones, matched in augkit's terms (TorchIO's
degrees and mm, MONAI's radians). Rows marked ``~`` compare different models of one op
(MONAI's elastic smooths a full-size random field with a Gaussian; augkit and TorchIO
interpolate a coarse grid of control points; MONAI's bias field draws coefficients in
(0, c), the others in (-c, c)). Rows marked ``*`` in the table: MONAI hands back a view of
its input or writes into it, where augkit copies (see the note written with the table).

Threads: ``torch.set_num_threads(1)``, SimpleITK's global default of 1, ``cv2.setNumThreads(1)``
and OMP/MKL/OpenBLAS at 1. The libraries run ``--rounds`` times, interleaved, keeping each
op's best rate. Run from the repository root:

    .venv/bin/python benchmarks/volume_speed.py

(writes ``benchmarks/results/volume_speed.md`` and ``.json``).
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

SIZE = 128
CROP = 96
PEER_VENV = HERE / ".venv-torchio" / "bin" / "python"
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
              "ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS": "1"}
APPROXIMATE = {"Elastic/monai", "BiasField/monai"}
# the peer returns a strided view of its input (crops, torch.rot90's transposed flip) or
# writes into it (RandCoarseDropout); augkit always returns new contiguous arrays
NO_COPY = {"Rotate90/monai", "RandomCrop/monai", "CenterCrop/monai",
           "CoarseDropout/monai"}
LIBS = ("augkit", "torchio", "monai")


def phantom():
    """The benchmark's volume and label map."""
    import numpy as np

    rng = np.random.default_rng(SIZE)
    zz, yy, xx = np.indices((SIZE,) * 3, dtype=np.float32) / SIZE - 0.5
    r = np.sqrt((zz / 0.8) ** 2 + yy ** 2 + (xx / 0.9) ** 2)
    label = np.where(r < 0.4, 1, 0).astype(np.uint8)
    label[r < 0.15] = 2
    vol = (0.1 + 0.5 * (label > 0) + 0.3 * (label == 2)).astype(np.float32)
    vol += rng.normal(0, 0.02, vol.shape).astype(np.float32)
    return vol, label


def augkit_ops() -> dict:
    from augkit import volume as V

    return {
        "Flip": V.Flip3D(axes=(0, 1, 2), p=1.0),
        "Rotate90": V.RandomRotate90_3D(planes=[(1, 2)], p=1.0),
        "Affine": V.Affine3D(degrees=10, scale=(0.9, 1.1), p=1.0),
        "Elastic": V.ElasticTransform3D(control_points=7, max_displacement=7.5, p=1.0),
        "RandomCrop": V.RandomCrop3D(size=CROP),
        "CenterCrop": V.CenterCrop3D(size=CROP),
        "ForegroundCrop": V.ForegroundCrop3D(size=CROP, pos=1, neg=1),
        "Pad": V.Pad3D(padding=8),
        "Resize": V.Resize3D(shape=(CROP,) * 3),
        "Resample": V.Resample3D(spacing=(1.5, 1.5, 1.5)),
        "CoarseDropout": V.CoarseDropout3D(num_holes=(4, 4), hole_size=(0.125, 0.125), p=1.0),
        "Noise": V.GaussianNoise3D(std=(0.0, 0.25), p=1.0),
        "Gamma": V.Gamma3D(gamma=(0.74, 1.35), p=1.0),
        "RescaleIntensity": V.RescaleIntensity3D(out_range=(0, 1)),
        "BiasField": V.BiasField3D(coefficients=0.5, order=3, p=1.0),
        "Anisotropy": V.Anisotropy3D(downsampling=(1.5, 5.0), axes=(0,), p=1.0),
    }


def torchio_ops() -> dict:
    import torchio as tio

    return {
        "Flip": tio.RandomFlip(axes=(0, 1, 2), flip_probability=0.5),
        "Affine": tio.RandomAffine(scales=(0.9, 1.1), degrees=10),
        "Elastic": tio.RandomElasticDeformation(num_control_points=7, max_displacement=7.5),
        "CenterCrop": tio.CropOrPad(CROP),
        "Pad": tio.Pad(8),
        "Resize": tio.Resize(CROP),
        "Resample": tio.Resample(1.5),
        "Noise": tio.RandomNoise(std=(0.0, 0.25)),
        "Gamma": tio.RandomGamma(log_gamma=0.3),
        "RescaleIntensity": tio.RescaleIntensity(out_min_max=(0, 1)),
        "BiasField": tio.RandomBiasField(coefficients=0.5, order=3),
        "Anisotropy": tio.RandomAnisotropy(axes=(0,), downsampling=(1.5, 5.0)),
    }


def monai_ops() -> dict:
    import monai.transforms as mt

    keys = ["image", "label"]
    angle = math.radians(10)
    return {
        "Flip": mt.Compose([mt.RandFlipd(keys, prob=0.5, spatial_axis=a) for a in range(3)]),
        "Rotate90": mt.RandRotate90d(keys, prob=1.0, max_k=3, spatial_axes=(1, 2)),
        "Affine": mt.RandAffined(keys, prob=1.0, rotate_range=(angle,) * 3,
                                 scale_range=(0.1,) * 3, mode=("bilinear", "nearest"),
                                 padding_mode="zeros"),
        "Elastic": mt.Rand3DElasticd(keys, sigma_range=(5, 7), magnitude_range=(50, 150),
                                     prob=1.0, mode=("bilinear", "nearest")),
        "RandomCrop": mt.RandSpatialCropd(keys, roi_size=CROP, random_size=False),
        "CenterCrop": mt.CenterSpatialCropd(keys, roi_size=CROP),
        "ForegroundCrop": mt.RandCropByPosNegLabeld(keys, label_key="label",
                                                    spatial_size=CROP, pos=1, neg=1,
                                                    num_samples=1),
        "Pad": mt.BorderPadd(keys, spatial_border=8),
        "Resize": mt.Resized(keys, spatial_size=(CROP,) * 3, mode=("trilinear", "nearest")),
        "Resample": mt.Spacingd(keys, pixdim=(1.5, 1.5, 1.5), mode=("bilinear", "nearest")),
        "CoarseDropout": mt.RandCoarseDropoutd(["image"], holes=4, spatial_size=16,
                                               prob=1.0),
        "Noise": mt.RandGaussianNoised(["image"], prob=1.0, std=0.25),
        "Gamma": mt.RandAdjustContrastd(["image"], prob=1.0, gamma=(0.74, 1.35)),
        "RescaleIntensity": mt.ScaleIntensityd(["image"], minv=0.0, maxv=1.0),
        "BiasField": mt.RandBiasFieldd(["image"], prob=1.0, degree=3, coeff_range=(0.0, 0.5)),
    }


def worker(lib: str, seconds: float) -> dict:
    """Calls per second of every op, in this process."""
    if lib == "augkit":
        import cv2

        cv2.setNumThreads(1)
    else:
        import torch

        torch.set_num_threads(1)
        try:
            import SimpleITK as sitk

            sitk.ProcessObject.SetGlobalDefaultNumberOfThreads(1)
        except ImportError:
            pass
    vol, label = phantom()
    out: dict = {}
    if lib == "augkit":
        ops = augkit_ops()
        item = (vol, label)

        def call(op, x):
            return op(volume=x[0], mask=x[1])
    elif lib == "torchio":
        import torch
        import torchio as tio

        ops = torchio_ops()
        item = tio.Subject(image=tio.ScalarImage(tensor=torch.from_numpy(vol[None].copy())),
                           label=tio.LabelMap(tensor=torch.from_numpy(label[None].copy())))

        def call(op, x):
            return op(x)
    else:
        import torch
        from monai.data import MetaTensor

        ops = monai_ops()
        item = {"image": MetaTensor(torch.from_numpy(vol[None].copy())),
                "label": MetaTensor(torch.from_numpy(label[None].copy()))}

        def call(op, x):
            return op(dict(x))
    for name, op in ops.items():
        out[name] = rate(lambda x, op=op: call(op, x), [item], seconds)
    return out


def versions(python: str) -> str:
    code = ("import importlib.metadata as m\n"
            "for p in ('torchio', 'monai', 'torch', 'SimpleITK', 'numpy',"
            " 'opencv-python-headless'):\n"
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


def _cell(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=LIBS)
    parser.add_argument("--out")
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    if args.worker:
        Path(args.out).write_text(json.dumps(worker(args.worker, args.seconds)))
        return
    if not PEER_VENV.exists():
        raise SystemExit(f"{PEER_VENV} is missing: run benchmarks/setup_torchio.sh")
    pythons = {"augkit": sys.executable, "torchio": str(PEER_VENV), "monai": str(PEER_VENV)}
    env = {**os.environ, **ONE_THREAD, "PYTHONPATH": str(ROOT / "src")}
    best: dict = {lib: {} for lib in LIBS}
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for lib, python in pythons.items():
                path = Path(tmp) / f"{lib}{round_}.json"
                subprocess.run([python, __file__, "--worker", lib, "--out", str(path),
                                "--seconds", str(args.seconds)], check=True, env=env)
                for name, value in json.loads(path.read_text()).items():
                    best[lib][name] = max(best[lib].get(name, 0.0), value)
    load_after = os.getloadavg()[0]
    rows, ratios = [], {"torchio": [], "monai": []}
    for name, ours in best["augkit"].items():
        cells = [f"| {name} | {_cell(ours)} "]
        for peer in ("torchio", "monai"):
            theirs = best[peer].get(name)
            cells.append(f"| {_cell(theirs)} ")
        for peer in ("torchio", "monai"):
            theirs = best[peer].get(name)
            if theirs is None:
                cells.append("| - ")
                continue
            ratio = ours / theirs
            ratios[peer].append(ratio)
            key = f"{name}/{peer}"
            mark = ("~" if key in APPROXIMATE else "") + ("*" if key in NO_COPY else "")
            cells.append(f"| {ratio:.1f}x{mark} ")
        rows.append("".join(cells) + "|")
    geomeans = {p: math.exp(sum(map(math.log, r)) / len(r)) for p, r in ratios.items() if r}
    mins = {p: min(r) for p, r in ratios.items() if r}
    lines = [
        "# 3-D volumes: augkit vs TorchIO and MONAI (one thread)",
        "",
        f"Written by `benchmarks/volume_speed.py --seconds {args.seconds} --rounds "
        f"{args.rounds}` on {cpu_name()} ({os.cpu_count()} cores, shared). Calls per second "
        f"on a {SIZE}^3 float32 volume with its uint8 label map (moved by spatial ops), best "
        "of the rounds; crops and resizes to 96^3, resample from 1 mm to 1.5 mm. `-`: no "
        "counterpart. `~`: a different model of the same op (see the script). `*`: MONAI "
        "returns a strided view of its input (crops; RandRotate90's flipped, transposed view) "
        "or writes into it (RandCoarseDropout), where augkit returns new contiguous arrays "
        "(a copy of 8 + 2 MB is most of augkit's time there). Load average "
        f"(1 min) {load_before:.1f} before, {load_after:.1f} after.",
        "",
        "| op | augkit /s | TorchIO /s | MONAI /s | vs TorchIO | vs MONAI |",
        "|---|---|---|---|---|---|",
        *rows,
        "",
        *(f"Geometric mean vs {p}: {g:.2f}x over {len(ratios[p])} shared ops "
          f"(lowest {mins[p]:.2f}x)." for p, g in geomeans.items()),
        "",
        "augkit side: " + versions(sys.executable).replace("\n", ", "),
        "",
        "Peer side: " + versions(str(PEER_VENV)).replace("\n", ", "),
        "",
    ]
    results = HERE / "results"
    (results / "volume_speed.md").write_text("\n".join(lines))
    (results / "volume_speed.json").write_text(json.dumps(
        {"rates": best, "geomean": geomeans, "min_ratio": mins, "seconds": args.seconds,
         "rounds": args.rounds, "size": SIZE, "load_average": [load_before, load_after]},
        indent=1))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
