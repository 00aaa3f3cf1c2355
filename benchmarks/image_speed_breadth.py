"""Speed of the wider image set (warps, blurs, channel, level, noise, dropout, weather ops)
against albumentations 2.0.8 and albumentationsx, per image at 256x256 and 500x375.

Companion of ``benchmarks/image_speed.py`` and built on its harness (same images, one
process per library in its own virtualenv, single-threaded, best of 3 timed runs). Kornia is
left out here: its CPU per-image path is not competitive for these ops and several have no
kornia counterpart. Parameters are matched as closely as the libraries allow; where the
algorithms differ (elastic field, fog, rain, snow, flare) the closest documented setting is
used and the row is marked with ``~``. MedianBlur is timed at one kernel size per row: with a
random size, the rate would follow how often the 7x7 kernel (~100x the cost of 3x3) is drawn.

Each library runs ``--rounds`` times, interleaved, keeping the best rate per transform (the
machine may be shared). Run: ``.venv/bin/python benchmarks/image_speed_breadth.py`` (writes
``benchmarks/results/image_speed_breadth.md`` and ``.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import image_speed as base  # noqa: E402  (the shared harness)

PEERS = {k: v for k, v in base.PEERS.items() if k != "kornia"}
APPROXIMATE = {"ElasticTransform", "RandomFog", "RandomRain", "RandomSnow", "RandomSunFlare",
               "ISONoise", "ShotNoise"}  # same purpose, different algorithm
RESIZE_TO = 192


def augkit_table() -> dict:
    from augkit import image as A

    return {
        "Perspective": A.Perspective(scale=(0.05, 0.1), p=1.0),
        "ElasticTransform": A.ElasticTransform(alpha=0.04, sigma=0.06, p=1.0),
        "GridDistortion": A.GridDistortion(num_steps=5, distort_limit=0.3, p=1.0),
        "OpticalDistortion": A.OpticalDistortion(distort_limit=0.05, p=1.0),
        "ShiftScaleRotate": A.ShiftScaleRotate(p=1.0),
        "RandomSizedBBoxSafeCrop": A.RandomSizedBBoxSafeCrop(RESIZE_TO, RESIZE_TO),
        "LongestMaxSize": A.LongestMaxSize(RESIZE_TO),
        "SmallestMaxSize": A.SmallestMaxSize(RESIZE_TO),
        "Blur": A.Blur(blur_limit=(3, 7), p=1.0),
        # one kernel size per row: a random size would time the draws (7x7 costs ~100x 3x3)
        "MedianBlur 5x5": A.MedianBlur(blur_limit=(5, 5), p=1.0),
        "MedianBlur 7x7": A.MedianBlur(blur_limit=(7, 7), p=1.0),
        "MotionBlur": A.MotionBlur(blur_limit=(3, 7), p=1.0),
        "CLAHE": A.CLAHE(clip_limit=(1, 4), p=1.0),
        "ChannelShuffle": A.ChannelShuffle(p=1.0),
        "RGBShift": A.RGBShift(20 / 255, 20 / 255, 20 / 255, p=1.0),
        "ToGray": A.Grayscale(weights=(0.299, 0.587, 0.114), p=1.0),
        "ImageCompression": A.ImageCompression(quality_range=(50, 95), p=1.0),
        "ISONoise": A.ISONoise(p=1.0),
        "ShotNoise": A.ShotNoise(p=1.0),
        "GridDropout": A.GridDropout(ratio=0.5, p=1.0),
        "ChannelDropout": A.ChannelDropout(p=1.0),
        "Normalize": A.Normalize(),
        "RandomFog": A.RandomFog(p=1.0),
        "RandomRain": A.RandomRain(p=1.0),
        "RandomSnow": A.RandomSnow(p=1.0),
        "RandomShadow": A.RandomShadow(p=1.0),
        "RandomSunFlare": A.RandomSunFlare(radius=0.1, p=1.0),  # = src_radius 10% of side
    }


def albumentations_table(h: int, w: int) -> dict:
    import albumentations as A

    new = not A.__version__.startswith("2.0.")  # albumentationsx renamed *_limit -> *_range

    def make(name: str, old: dict, renamed: dict | None = None):
        kwargs = (renamed if (new and renamed is not None) else old)
        return lambda: getattr(A, name)(**kwargs, p=1.0)

    short = min(h, w)
    return {
        "Perspective": make("Perspective", {"scale": (0.05, 0.1)}),
        # elastic: peak displacement ~4% of the short side, smooth over ~6% of it
        "ElasticTransform": make("ElasticTransform", {"alpha": 0.04 * short * 30,
                                                      "sigma": 0.06 * short},
                                 {"displacement_range": (0.04, 0.04)}),
        "GridDistortion": make("GridDistortion", {"num_steps": 5, "distort_limit": 0.3},
                               {"num_steps": 5, "distort_range": (-0.3, 0.3)}),
        "OpticalDistortion": make("OpticalDistortion", {"distort_limit": 0.05},
                                  {"distort_range": (-0.05, 0.05)}),
        "ShiftScaleRotate": make("ShiftScaleRotate", {"border_mode": 0},
                                 {"border_mode": 0}),
        "RandomSizedBBoxSafeCrop": lambda: _with_boxes(
            A.Compose([A.RandomSizedBBoxSafeCrop(RESIZE_TO, RESIZE_TO)],
                      bbox_params=_bbox_params(A, new))),
        "LongestMaxSize": lambda: A.LongestMaxSize(max_size=RESIZE_TO),
        "SmallestMaxSize": lambda: A.SmallestMaxSize(max_size=RESIZE_TO),
        "Blur": make("Blur", {"blur_limit": (3, 7)}, {"blur_range": (3, 7)}),
        "MedianBlur 5x5": make("MedianBlur", {"blur_limit": (5, 5)}, {"blur_range": (5, 5)}),
        "MedianBlur 7x7": make("MedianBlur", {"blur_limit": (7, 7)}, {"blur_range": (7, 7)}),
        "MotionBlur": make("MotionBlur", {"blur_limit": (3, 7)}, {"blur_range": (3, 7)}),
        "CLAHE": make("CLAHE", {"clip_limit": (1, 4)}, {"clip_range": (1, 4)}),
        "ChannelShuffle": make("ChannelShuffle", {}),
        "RGBShift": make("RGBShift", {"r_shift_limit": 20, "g_shift_limit": 20,
                                      "b_shift_limit": 20},
                         {"r_shift_range": (-20, 20), "g_shift_range": (-20, 20),
                          "b_shift_range": (-20, 20)}),
        "ToGray": make("ToGray", {}),
        "ImageCompression": make("ImageCompression", {"quality_range": (50, 95)}),
        "ISONoise": make("ISONoise", {}),
        "ShotNoise": make("ShotNoise", {}),
        "GridDropout": make("GridDropout", {"ratio": 0.5}),
        "ChannelDropout": make("ChannelDropout", {}),
        "Normalize": make("Normalize", {}),
        "RandomFog": make("RandomFog", {"fog_coef_range": (0.3, 0.7)}),
        "RandomRain": make("RandomRain", {}),
        "RandomSnow": make("RandomSnow", {}),
        "RandomShadow": make("RandomShadow", {}),
        "RandomSunFlare": make("RandomSunFlare", {"src_radius": int(0.1 * short)}),
    }


def _bbox_params(A, new: bool):
    key = "coord_format" if new else "format"  # renamed in albumentationsx
    return A.BboxParams(**{key: "pascal_voc"})


def _with_boxes(transform, label: bool = True):
    """The box-safe crop gets one box on both sides (albumentations requires a ``bboxes``
    target for it), so both do the same work."""
    boxes = [[40, 40, 120, 120, 0]] if label else [[40, 40, 120, 120]]
    return lambda image: transform(image=image, bboxes=boxes)


def work(lib: str, images: dict, seconds: float) -> dict:
    base.set_threads()
    out: dict = {"per_image": {}}
    for size in base.SIZES:
        imgs = list(images[size])
        h, w = images[size].shape[1:3]
        out["per_image"][size] = {}
        if lib == "augkit":
            for name, t in augkit_table().items():
                if name == "RandomSizedBBoxSafeCrop":
                    t = _with_boxes(t, label=False)
                out["per_image"][size][name] = base.rate(base.call_image(t), imgs, seconds)
        else:
            for name, make in albumentations_table(h, w).items():
                out["per_image"][size][name] = base.guarded(
                    name, lambda m=make, i=imgs: base.rate(base.call_image(m()), i, seconds))
    return out


def run_all(seconds: float, libs: list[str], rounds: int, script: str = __file__) -> dict:
    """Each library's worker runs ``rounds`` times, interleaved with the others, and the best
    rate per transform is kept: on a shared machine, load that comes and goes then biases no
    library in particular. ``script``: the file whose ``--worker`` mode measures (this one,
    or a companion such as ``image_speed_added.py``)."""
    import numpy as np

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        images_path = os.path.join(tmp, "images.npz")
        np.savez(images_path, **base.make_images())
        for _ in range(rounds):
            for lib in libs:
                python = sys.executable if lib == "augkit" else str(PEERS[lib])
                if not Path(python).exists():
                    print(f"skipping {lib}: {python} not found", file=sys.stderr)
                    continue
                out_path = os.path.join(tmp, f"{lib}.json")
                print(f"measuring {lib} ...", file=sys.stderr, flush=True)
                subprocess.run([python, script, "--worker", lib, "--images", images_path,
                                "--out", out_path, "--seconds", str(seconds)], check=True,
                               env={**os.environ, **base.THREAD_ENV})
                _keep_best(results, lib, json.loads(Path(out_path).read_text()))
    return results


def _keep_best(results: dict, lib: str, new: dict) -> None:
    if lib not in results:
        results[lib] = new
        return
    for size, rates in new["per_image"].items():
        old = results[lib]["per_image"][size]
        for name, value in rates.items():
            if value is not None and (old.get(name) is None or value > old[name]):
                old[name] = value


def report(results: dict, title: str = "the wider set",
           approximate: set[str] | frozenset[str] = frozenset(APPROXIMATE)) -> str:
    peers = [p for p in PEERS if p in results]
    ours = results["augkit"]
    lines = [f"# Image augmentation speed: {title}", "",
             "Versions: " + ", ".join(f"{k} {v['version']}" for k, v in results.items()),
             "", "`~`: same purpose, different algorithm (speed compared, output not equal).",
             ""]
    for size in base.SIZES:
        lines += [f"## Per image, {size} (images/s; ratio = augkit / best peer)", "",
                  "| transform | augkit | " + " | ".join(peers) + " | ratio |",
                  "|---|---:|" + "---:|" * len(peers) + "---:|"]
        ratios, low = [], []
        for name, mine in ours["per_image"][size].items():
            theirs = [results[p]["per_image"][size].get(name) for p in peers]
            best = max((v for v in theirs if v), default=None)
            if best:
                ratios.append(mine / best)
            mark = " ~" if name in approximate else ""
            ratio = f"{mine / best:.2f}" if best else "-"
            if best and mine / best < 0.9:
                low.append(name)
            lines.append(f"| {name}{mark} | {mine:,.0f} | "
                         + " | ".join(f"{v:,.0f}" if v else "-" for v in theirs)
                         + f" | {ratio} |")
        lines += ["", f"Geometric mean ratio: **{base.geomean(ratios):.2f}** over "
                  f"{len(ratios)} shared transforms; below 0.9: {len(low)} "
                  f"({', '.join(low) or 'none'})", ""]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.2)
    parser.add_argument("--libs", default="augkit,albumentations,albumentationsx")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved runs per library; the best rate is kept")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--images", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        import numpy as np

        with np.load(args.images) as data:
            images = {k: data[k] for k in data.files}
        result = work(args.worker, images, args.seconds)
        result["version"] = base.version_of(args.worker)
        Path(args.out).write_text(json.dumps(result))
        return
    results = run_all(args.seconds, args.libs.split(","), args.rounds)
    base.write_results("image_speed_breadth", report(results), results)


if __name__ == "__main__":
    main()
