"""Policy speed: augkit's RandAugment, TrivialAugmentWide and AugMix against torchvision v2
and timm, on the same images with the same parameters.

Run: ``.venv/bin/python benchmarks/policy_speed.py`` after building the peer venv once::

    python -m venv benchmarks/.venv-torchvision
    benchmarks/.venv-torchvision/bin/pip install torch==2.14.1 torchvision==0.29.1
    benchmarks/.venv-torchvision/bin/pip install timm pillow

torchvision and timm run in a subprocess of that venv (augkit needs no torch); everything is
single-threaded (OpenCV, BLAS/OpenMP and torch threads = 1). Every library gets the same
decoded uint8 RGB images (the bundled photo and its crops, resized), prepared outside the
timing in its native form: numpy HWC for augkit, uint8 CHW tensors for torchvision v2, PIL
images for timm. Parameters: RandAugment with 2 ops at magnitude 9 on torchvision's 31-bin
scale (augkit ``magnitude_max=30``; timm ``rand-m3-n2-p1``: 9 of 30 is 3 of 10, every op
applied); TrivialAugmentWide with 31 bins; AugMix severity 3, width 3, depth 1-3, alpha 1,
all ops (torchvision's default; timm ``augmix-m3-w3`` is its own op set, listed as is).

Sections: ``per_image`` (images/s, one call per image, 256x256 and 32x32) and ``batch``
(N=256 images of 32x32: augkit's ``.batch`` against each peer's per-image loop). Results:
``benchmarks/results/policy_speed.md`` and ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import tempfile
from pathlib import Path

import _timing  # benchmarks/_timing.py (this script's folder is on the path)

ROOT = Path(__file__).resolve().parent
PEER = ROOT / ".venv-torchvision/bin/python"
THREADS = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
SIZES = {"256x256": 256, "32x32": 32}
POLICIES = ("RandAugment", "TrivialAugmentWide", "AugMix")
REPEATS = 3


def make_images(count: int = 16) -> dict:
    import cv2
    import numpy as np

    src = ROOT.parent / "src/augkit/resources/images/astronaut.png"
    photo = cv2.cvtColor(cv2.imread(str(src)), cv2.COLOR_BGR2RGB)
    h, w = photo.shape[:2]
    sources = [photo[y:y + h // 2, x:x + w // 2] for y in (0, h // 4, h // 2)
               for x in (0, w // 4, w // 2)] + [photo, photo[::-1].copy()]
    sources = (sources * count)[:count]
    return {name: np.stack([cv2.resize(s, (side, side), interpolation=cv2.INTER_AREA)
                            for s in sources]) for name, side in SIZES.items()}


def rate(fn, items, seconds: float) -> float:
    return _timing.rate(fn, items, seconds, REPEATS)


def augkit_policies() -> dict:
    from augkit.policies import AugMix, RandAugment, TrivialAugmentWide

    return {"RandAugment": RandAugment(num_ops=2, magnitude=9, magnitude_max=30),
            "TrivialAugmentWide": TrivialAugmentWide(num_bins=31),
            "AugMix": AugMix(severity=3, width=3, depth=-1, alpha=1.0, all_ops=True)}


def measure_augkit(images: dict, seconds: float) -> dict:
    import cv2

    cv2.setNumThreads(1)
    out: dict = {"per_image": {}, "batch": {}}
    for name, policy in augkit_policies().items():
        for size, stack in images.items():
            items = list(stack)
            out["per_image"][f"{name} {size}"] = rate(lambda x, op=policy: op(image=x), items,
                                                      seconds)
        batch = images["32x32"]
        big = batch[[i % len(batch) for i in range(256)]]
        out["batch"][name] = rate(lambda b, op=policy: op.batch(b), [big], seconds) * 256
    return out


def measure_peers(images: dict, seconds: float) -> dict:
    import numpy as np
    import timm.data.auto_augment as timm_aa
    import torch
    from PIL import Image
    from torchvision.transforms import v2

    torch.set_num_threads(1)
    tv = {"RandAugment": v2.RandAugment(num_ops=2, magnitude=9, num_magnitude_bins=31),
          "TrivialAugmentWide": v2.TrivialAugmentWide(num_magnitude_bins=31),
          "AugMix": v2.AugMix(severity=3, mixture_width=3, chain_depth=-1, alpha=1.0,
                              all_ops=True)}
    hparams = {"img_mean": (124, 116, 104)}
    timm_ops = {"RandAugment": timm_aa.rand_augment_transform("rand-m3-n2-p1", hparams),
                "AugMix": timm_aa.augment_and_mix_transform("augmix-m3-w3", hparams)}
    out: dict = {"torchvision": {"per_image": {}, "batch": {}},
                 "timm": {"per_image": {}, "batch": {}}}
    for size, stack in images.items():
        tensors = [torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))) for x in stack]
        pils = [Image.fromarray(x) for x in stack]
        for name, op in tv.items():
            out["torchvision"]["per_image"][f"{name} {size}"] = rate(op, tensors, seconds)
        for name, op in timm_ops.items():
            out["timm"]["per_image"][f"{name} {size}"] = rate(op, pils, seconds)
    batch = images["32x32"]
    tensors = [torch.from_numpy(np.ascontiguousarray(batch[i % len(batch)].transpose(2, 0, 1)))
               for i in range(256)]
    pils = [Image.fromarray(batch[i % len(batch)]) for i in range(256)]
    for name, op in tv.items():
        out["torchvision"]["batch"][name] = rate(lambda xs, op=op: [op(x) for x in xs], [tensors],
                                                 seconds) * 256
    for name, op in timm_ops.items():
        out["timm"]["batch"][name] = rate(lambda xs, op=op: [op(x) for x in xs], [pils],
                                          seconds) * 256
    import timm
    import torchvision
    out["versions"] = {"torch": torch.__version__, "torchvision": torchvision.__version__,
                       "timm": timm.__version__}
    return out


def table(results: dict) -> str:
    ours, peers = results["augkit"], results["peers"]
    lines = ["## Per image (images/s, one thread)", "",
             "| policy, size | augkit | torchvision v2 | timm | augkit / torchvision | "
             "augkit / timm |", "|---|---:|---:|---:|---:|---:|"]
    for key, value in ours["per_image"].items():
        tv = peers["torchvision"]["per_image"].get(key)
        tm = peers["timm"]["per_image"].get(key)
        lines.append(f"| {key} | {value:,.0f} | {tv:,.0f} | "
                     + (f"{tm:,.0f}" if tm else "—") + f" | {value / tv:.2f}x | "
                     + (f"{value / tm:.2f}x" if tm else "—") + " |")
    lines += ["", "## Batch of 256 images of 32x32 (images/s)", "",
              "| policy | augkit .batch | torchvision v2 loop | timm loop | augkit / torchvision "
              "|", "|---|---:|---:|---:|---:|"]
    for key, value in ours["batch"].items():
        tv = peers["torchvision"]["batch"][key]
        tm = peers["timm"]["batch"].get(key)
        lines.append(f"| {key} | {value:,.0f} | {tv:,.0f} | "
                     + (f"{tm:,.0f}" if tm else "—") + f" | {value / tv:.2f}x |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.5, help="per timing run")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--images", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        import numpy as np

        loaded = np.load(args.images)
        print(json.dumps(measure_peers({k: loaded[k] for k in SIZES}, args.seconds)))
        return
    os.environ.update(THREADS)
    if not PEER.exists():
        raise SystemExit(f"{PEER} is missing: build it as the module text says")
    import numpy as np

    images = make_images()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "images.npz"
        np.savez(path, **images)
        done = subprocess.run([str(PEER), __file__, "--worker", "--images", str(path),
                               "--seconds", str(args.seconds)], capture_output=True, text=True,
                              env={**os.environ, **THREADS}, check=False)
    if done.returncode:
        raise SystemExit(f"peer run failed:\n{done.stderr[-3000:]}")
    peers = json.loads(done.stdout.strip().splitlines()[-1])
    results = {"augkit": measure_augkit(images, args.seconds), "peers": peers,
               "machine": {"python": platform.python_version(), "cpu": platform.processor()
                           or platform.machine(), "cores": os.cpu_count()}}
    text = table(results)
    print(text)
    out = ROOT / "results"
    header = ("# Policy speed\n\n`.venv/bin/python benchmarks/policy_speed.py`, one thread, "
              f"peers {peers['versions']}, Python {results['machine']['python']}, "
              f"{results['machine']['cores']} cores.\n\n")
    (out / "policy_speed.md").write_text(header + text + "\n")
    (out / "policy_speed.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
