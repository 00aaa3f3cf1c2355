"""Clip augmentation speed: augkit ``frames=`` against a per-frame Python loop and against
albumentations 2.0.8's ``images=`` (the same parameters for every frame of a clip).

Run with ``.venv/bin/python benchmarks/video_speed.py`` (from the repository root). The
albumentations side runs in its own virtualenv (``benchmarks/.venv-albumentations``, built
by ``make bench-image``; skipped when absent) in a subprocess; each side runs in one
process, single-threaded (OpenCV and BLAS threads = 1), on the same decoded clips: 16 frames
of 256x256 RGB (the bundled photo panned across, so frames differ), four clips.

Pipeline, p=1 for every op: horizontal flip, random 224x224 crop, colour jitter (brightness,
contrast, saturation 0.2, hue 0.05); once on the clip alone, once with a per-frame mask
(video segmentation). Rows:

* ``augkit frames=``: one call per clip, one parameter set for all frames;
* ``augkit loop``: what one writes without clip support: a call on the first frame with
  its record, the record replayed on each further frame (``record.apply(image=f)``);
* ``augkit per_frame``: ``frame_mode="per_frame"`` (every frame its own parameters);
* ``albumentations images=``: ``A.Compose(...)(images=clip)`` (``masks=`` for the masks).

Every output is stacked into one (T, H, W, C) array, as both libraries return it. Results:
a markdown table on stdout and in ``benchmarks/results/video_speed.md``, raw numbers in
``benchmarks/results/video_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import _timing  # benchmarks/_timing.py (this script's folder is on the path)

ROOT = Path(__file__).resolve().parent
PEER = ROOT / ".venv-albumentations/bin/python"
FRAMES, SIZE, CROP, CLIPS = 16, 256, 224, 4
THREAD_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


def make_clips():
    """CLIPS clips of FRAMES frames: a SIZE window panned across the bundled photo."""
    import cv2
    import numpy as np

    src = ROOT.parent / "src/augkit/resources/images/astronaut.png"
    photo = cv2.cvtColor(cv2.imread(str(src)), cv2.COLOR_BGR2RGB)
    photo = cv2.resize(photo, (384, 384), interpolation=cv2.INTER_AREA)
    clips, masks = [], []
    for c in range(CLIPS):
        frames = [photo[4 * t + 8 * c:4 * t + 8 * c + SIZE, 3 * t:3 * t + SIZE]
                  for t in range(FRAMES)]
        clip = np.ascontiguousarray(np.stack(frames))
        clips.append(clip)
        masks.append((clip[..., 0] > 128).astype(np.uint8))
    return np.stack(clips), np.stack(masks)


def run_augkit(clips, masks, seconds: float) -> dict:
    import cv2
    import numpy as np

    import augkit
    from augkit import image as A

    cv2.setNumThreads(1)
    aug = augkit.Compose([A.HorizontalFlip(p=1.0), A.RandomCrop(CROP, CROP),
                          A.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0)], seed=0)

    def loop(clip, mask=None):
        first = {"image": clip[0]} if mask is None else {"image": clip[0], "mask": mask[0]}
        out = aug(**first, return_record=True)
        record, images, moved = out["record"], [out["image"]], [out.get("mask")]
        for t in range(1, len(clip)):
            one = record.apply(image=clip[t]) if mask is None else record.apply(
                image=clip[t], mask=mask[t])
            images.append(one["image"])
            moved.append(one.get("mask"))
        return np.stack(images) if mask is None else (np.stack(images), np.stack(moved))

    items = list(range(len(clips)))
    return {
        "frames=": _timing.rate(lambda i: aug(frames=clips[i])["frames"], items, seconds),
        "loop": _timing.rate(lambda i: loop(clips[i]), items, seconds),
        "per_frame": _timing.rate(lambda i: aug(frames=clips[i], frame_mode="per_frame")[
            "frames"], items, seconds),
        "frames= + mask": _timing.rate(lambda i: aug(frames=clips[i], mask=masks[i]), items,
                                       seconds),
        "loop + mask": _timing.rate(lambda i: loop(clips[i], masks[i]), items, seconds),
        "per_frame + mask": _timing.rate(lambda i: aug(frames=clips[i], mask=masks[i],
                                                       frame_mode="per_frame"), items, seconds),
    }


def run_albumentations(clips, masks, seconds: float) -> dict:
    import albumentations as A
    import cv2

    cv2.setNumThreads(1)
    aug = A.Compose([A.HorizontalFlip(p=1.0), A.RandomCrop(CROP, CROP, p=1.0),
                     A.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0)], seed=0)
    items = list(range(len(clips)))
    return {
        "images=": _timing.rate(lambda i: aug(images=clips[i])["images"], items, seconds),
        "images= + masks": _timing.rate(lambda i: aug(images=clips[i], masks=masks[i]), items,
                                        seconds),
        "version": A.__version__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="per timed run")
    parser.add_argument("--peer", help=argparse.SUPPRESS)  # internal: the subprocess side
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer:
        import numpy as np

        loaded = np.load(args.data)
        print(json.dumps(run_albumentations(loaded["clips"], loaded["masks"], args.seconds)))
        return
    os.environ.update(THREAD_ENV)
    import numpy as np

    clips, masks = make_clips()
    results = {"augkit": run_augkit(clips, masks, args.seconds)}
    if PEER.exists():
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "clips.npz"
            np.savez(data, clips=clips, masks=masks)
            done = subprocess.run([str(PEER), __file__, "--peer", "albumentations", "--data",
                                   str(data), "--seconds", str(args.seconds)],
                                  capture_output=True, text=True, check=True,
                                  env={**os.environ, **THREAD_ENV})
            results["albumentations"] = json.loads(done.stdout.strip().splitlines()[-1])
    write(results)


def write(results: dict) -> None:
    ours, peer = results["augkit"], results.get("albumentations")
    lines = [f"# Clip speed: {CLIPS} clips of {FRAMES} frames {SIZE}x{SIZE} RGB, flip + "
             f"{CROP} crop + colour jitter", "",
             "Clips per second (frames per second = x16), single-threaded, one process per "
             "library; `benchmarks/video_speed.py`.", "",
             "| pipeline | augkit frames= | augkit loop (record per frame) | augkit per_frame "
             f"| albumentations {peer['version'] if peer else '(absent)'} images= "
             "| frames= / albumentations |", "|---|---|---|---|---|---|"]
    for label, suffix, peer_key in (("clip alone", "", "images="),
                                    ("clip + per-frame mask", " + mask", "images= + masks")):
        theirs = peer[peer_key] if peer else None
        ratio = f"{ours['frames=' + suffix] / theirs:.1f}x" if theirs else "-"
        lines.append(f"| {label} | {ours['frames=' + suffix]:.1f} | {ours['loop' + suffix]:.1f} "
                     f"| {ours['per_frame' + suffix]:.1f} | "
                     f"{f'{theirs:.1f}' if theirs else '-'} | {ratio} |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = ROOT / "results"
    (out / "video_speed.md").write_text(text)
    (out / "video_speed.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
