"""Speed of the 2-D image transforms added for issue 17 §2 (docs/image_coverage.md, status
"added", ``augkit.image``) against AlbumentationsX, per image at 256x256 and 500x375 RGB uint8.

Built on the harness of ``benchmarks/image_speed.py`` and the runner of
``benchmarks/image_speed_breadth.py``: the same images, one process per library in its own
virtualenv (``benchmarks/.venv-albumentationsx``, see ``make bench-image``), single-threaded
(OpenCV, BLAS/OpenMP and torch threads = 1), ``--rounds`` interleaved runs keeping the best
rate per transform. Every added op that AlbumentationsX has gets a row. Parameters are matched
as closely as the two APIs allow (augkit amounts are fractions of full scale: 10 grey levels
on uint8 = 10 / 255); where the algorithms differ the closest setting is used and the row is
marked ``~`` (speed compared, output not equal). Ops that need targets get the same ones on
both sides, prepared outside the timing: three labelled boxes for the box-safe crops, a
label map with two objects for the mask ops, one reference image (another photo of the set)
for the domain-adaptation ops.

Run (about 13 minutes at --rounds 6 on the shared 2-core machine)::

    PYTHONPATH=src .venv/bin/python benchmarks/image_speed_added.py --rounds 6

writes ``benchmarks/results/image_speed_added.md`` and ``.json`` (per-op ratio, geometric
mean per size, the rows below 0.9x).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import image_speed as base  # noqa: E402  (the shared harness)
import image_speed_breadth as breadth  # noqa: E402  (its interleaved runner and report)

LIBS = "augkit,albumentationsx"
# same purpose, a different algorithm or parameter model (speed compared, output not equal)
APPROXIMATE = frozenset({
    "ChromaticAberration",  # per-plane magnification vs radial distortion coefficients
    "Dithering",  # both ordered; augkit's 8x8 Bayer matrix, n_colors=2 on grey
    "PlasmaBrightnessContrast", "PlasmaShadow",  # spectral noise field vs diamond-square
    "ThinPlateSpline",  # uniform control-point offsets vs normal ones (std matched)
    "GlassBlur",  # one random neighbour per pixel vs AlbumentationsX's "fast" swaps
    "PlanckianJitter",  # Helland's fit vs AlbumentationsX's table
    "Spatter",
})
BOX_OPS = {"AtLeastOneBBoxRandomCrop", "BBoxSafeRandomCrop", "BBoxSubsetSafeRandomCrop"}
MASK_OPS = {"ConstrainedCoarseDropout", "CropNonEmptyMaskIfExists", "MaskDropout"}
REF_OPS = {"FDA": "fda_metadata", "HistogramMatching": "hm_metadata",
           "PixelDistributionAdaptation": "pda_metadata"}
CROP = 192


def augkit_table(ref) -> dict:
    from augkit import image as A

    return {
        "AdditiveNoise": A.AdditiveNoise("gaussian", "per_pixel", (0.05, 0.1), p=1.0),
        "AdvancedBlur": A.AdvancedBlur(p=1.0),
        "AtLeastOneBBoxRandomCrop": A.AtLeastOneBBoxRandomCrop(CROP, CROP),
        "AtmosphericFog": A.AtmosphericFog(fog_value=200 / 255, p=1.0),
        "BBoxSafeRandomCrop": A.BBoxSafeRandomCrop(),
        "BBoxSubsetSafeRandomCrop": A.BBoxSubsetSafeRandomCrop(),
        "ChannelSwap": A.ChannelSwap(p=1.0),
        "ChromaticAberration": A.ChromaticAberration(0.02, mode="random", p=1.0),
        "ConstrainedCoarseDropout": A.ConstrainedCoarseDropout(
            (1, 3), (0.1, 0.3), (0.1, 0.3), mask_indices=[1], p=1.0),
        "Crop": A.Crop(10, 10, 10 + CROP, 10 + CROP),
        "CropAndPad": A.CropAndPad(percent=(-0.1, 0.1)),
        "CropNonEmptyMaskIfExists": A.CropNonEmptyMaskIfExists(CROP, CROP),
        "Defocus": A.Defocus(p=1.0),
        "Dithering": A.Dithering("ordered", p=1.0),
        "Downscale": A.Downscale((0.25, 0.5), p=1.0),
        "Emboss": A.Emboss(p=1.0),
        "Enhance": A.Enhance(p=1.0),
        "ExposureMatching": A.ExposureMatching(p=1.0),
        "FDA": A.FDA([ref], beta_limit=(0.0, 0.1), p=1.0),
        "FancyPCA": A.FancyPCA(p=1.0),
        "FilmGrain": A.FilmGrain((0.1, 0.3), (1, 3), p=1.0),
        "FrequencyMasking": A.FrequencyMasking(30, p=1.0),
        "GlassBlur": A.GlassBlur(p=1.0),
        "GridElasticDeform": A.GridElasticDeform((4, 4), 10, p=1.0),
        "Halftone": A.Halftone(p=1.0),
        "HistogramMatching": A.HistogramMatching([ref], p=1.0),
        "Illumination": A.Illumination(p=1.0),
        "MaskDropout": A.MaskDropout(p=1.0),
        "Morphological": A.Morphological(p=1.0),
        "MultiplicativeNoise": A.MultiplicativeNoise(p=1.0),
        "PadIfNeeded": A.PadIfNeeded(512, 512),
        "PhotoMetricDistort": A.PhotoMetricDistort(p=1.0),
        "PiecewiseAffine": A.PiecewiseAffine(p=1.0),
        "PixelDistributionAdaptation": A.PixelDistributionAdaptation([ref], p=1.0),
        "PixelDropout": A.PixelDropout(p=1.0),
        "PlanckianJitter": A.PlanckianJitter((3000, 15000), p=1.0),
        "PlasmaBrightnessContrast": A.PlasmaBrightnessContrast(p=1.0),
        "PlasmaShadow": A.PlasmaShadow(p=1.0),
        "RandomCropFromBorders": A.RandomCropFromBorders(),
        "RandomGridShuffle": A.RandomGridShuffle((3, 3), p=1.0),
        "RandomScale": A.RandomScale(0.1, p=1.0),
        "RandomSizedCrop": A.RandomSizedCrop((100, 200), (CROP, CROP)),
        "RandomToneCurve": A.RandomToneCurve(p=1.0),
        "RingingOvershoot": A.RingingOvershoot(p=1.0),
        "SafeRotate": A.SafeRotate(90, p=1.0),
        "Spatter": A.Spatter(p=1.0),
        "SquareSymmetry": A.SquareSymmetry(),
        "StochasticConvolution": A.StochasticConvolution(p=1.0),
        # AlbumentationsX: offsets ~ N(0, s / 10), s in (0.2, 0.4); uniform half-width
        # sqrt(3) * std gives the same spread
        "ThinPlateSpline": A.ThinPlateSpline((0.035, 0.07), p=1.0),
        "TimeMasking": A.TimeMasking(40, p=1.0),
        "ToSepia": A.ToSepia(p=1.0),
        "UnsharpMask": A.UnsharpMask(threshold=10 / 255, p=1.0),
        "Vignetting": A.Vignetting(p=1.0),
        "WaterRefraction": A.WaterRefraction((0.01, 0.05), (0.05, 0.2), p=1.0),
        "XYMasking": A.XYMasking((1, 2), (1, 2), (10, 30), (10, 30), p=1.0),
        "ZoomBlur": A.ZoomBlur(p=1.0),
    }


def albumentationsx_table() -> dict:
    import albumentations as A

    return {
        "AdditiveNoise": lambda: A.AdditiveNoise(
            "gaussian", "per_pixel", {"mean_range": (0.0, 0.0), "std_range": (0.05, 0.1)},
            p=1.0),
        "AdvancedBlur": lambda: A.AdvancedBlur(p=1.0),
        "AtLeastOneBBoxRandomCrop": lambda: A.AtLeastOneBBoxRandomCrop(CROP, CROP),
        "AtmosphericFog": lambda: A.AtmosphericFog(p=1.0),
        "BBoxSafeRandomCrop": lambda: A.BBoxSafeRandomCrop(),
        "BBoxSubsetSafeRandomCrop": lambda: A.BBoxSubsetSafeRandomCrop(),
        "ChannelSwap": lambda: A.ChannelSwap(p=1.0),
        "ChromaticAberration": lambda: A.ChromaticAberration(mode="random", p=1.0),
        "ConstrainedCoarseDropout": lambda: A.ConstrainedCoarseDropout(
            (1, 3), (0.1, 0.3), (0.1, 0.3), mask_indices=[1], p=1.0),
        "Crop": lambda: A.Crop(10, 10, 10 + CROP, 10 + CROP),
        "CropAndPad": lambda: A.CropAndPad(percent=(-0.1, 0.1)),
        "CropNonEmptyMaskIfExists": lambda: A.CropNonEmptyMaskIfExists(CROP, CROP),
        "Defocus": lambda: A.Defocus(p=1.0),
        "Dithering": lambda: A.Dithering("ordered", bayer_matrix_size=8, p=1.0),
        "Downscale": lambda: A.Downscale((0.25, 0.5), p=1.0),
        "Emboss": lambda: A.Emboss(p=1.0),
        "Enhance": lambda: A.Enhance(p=1.0),
        "ExposureMatching": lambda: A.ExposureMatching(p=1.0),
        "FDA": lambda: A.FDA((0.0, 0.1), p=1.0),
        "FancyPCA": lambda: A.FancyPCA(p=1.0),
        "FilmGrain": lambda: A.FilmGrain((0.1, 0.3), (1, 3), p=1.0),
        "FrequencyMasking": lambda: A.FrequencyMasking(30, p=1.0),
        "GlassBlur": lambda: A.GlassBlur(p=1.0),
        "GridElasticDeform": lambda: A.GridElasticDeform((4, 4), 10, p=1.0),
        "Halftone": lambda: A.Halftone(p=1.0),
        "HistogramMatching": lambda: A.HistogramMatching(p=1.0),
        "Illumination": lambda: A.Illumination(p=1.0),
        "MaskDropout": lambda: A.MaskDropout(p=1.0),
        "Morphological": lambda: A.Morphological(p=1.0),
        "MultiplicativeNoise": lambda: A.MultiplicativeNoise(p=1.0),
        "PadIfNeeded": lambda: A.PadIfNeeded(512, 512),
        "PhotoMetricDistort": lambda: A.PhotoMetricDistort(p=1.0),
        "PiecewiseAffine": lambda: A.PiecewiseAffine(p=1.0),
        "PixelDistributionAdaptation": lambda: A.PixelDistributionAdaptation(p=1.0),
        "PixelDropout": lambda: A.PixelDropout(p=1.0),
        "PlanckianJitter": lambda: A.PlanckianJitter(temperature_range=(3000, 15000), p=1.0),
        "PlasmaBrightnessContrast": lambda: A.PlasmaBrightnessContrast(p=1.0),
        "PlasmaShadow": lambda: A.PlasmaShadow(p=1.0),
        "RandomCropFromBorders": lambda: A.RandomCropFromBorders(),
        "RandomGridShuffle": lambda: A.RandomGridShuffle((3, 3), p=1.0),
        "RandomScale": lambda: A.RandomScale((-0.1, 0.1), p=1.0),
        "RandomSizedCrop": lambda: A.RandomSizedCrop((100, 200), (CROP, CROP)),
        "RandomToneCurve": lambda: A.RandomToneCurve(p=1.0),
        "RingingOvershoot": lambda: A.RingingOvershoot(p=1.0),
        "SafeRotate": lambda: A.SafeRotate((-90, 90), p=1.0),
        "Spatter": lambda: A.Spatter(p=1.0),
        "SquareSymmetry": lambda: A.SquareSymmetry(),
        "StochasticConvolution": lambda: A.StochasticConvolution(p=1.0),
        "ThinPlateSpline": lambda: A.ThinPlateSpline((0.2, 0.4), p=1.0),
        "TimeMasking": lambda: A.TimeMasking(40, p=1.0),
        "ToSepia": lambda: A.ToSepia(p=1.0),
        "UnsharpMask": lambda: A.UnsharpMask(threshold=10, p=1.0),
        "Vignetting": lambda: A.Vignetting(p=1.0),
        "WaterRefraction": lambda: A.WaterRefraction((0.01, 0.05), (0.05, 0.2), p=1.0),
        "XYMasking": lambda: A.XYMasking((1, 2), (1, 2), (10, 30), (10, 30), p=1.0),
        "ZoomBlur": lambda: A.ZoomBlur(p=1.0),
    }


def label_map(h: int, w: int):
    """Two rectangular objects (labels 1 and 2) on background 0."""
    import numpy as np

    mask = np.zeros((h, w), np.uint8)
    mask[h // 4:h // 2, w // 4:w // 2] = 1
    mask[h // 2:3 * h // 4, w // 2:3 * w // 4] = 2
    return mask


def boxes(h: int, w: int) -> list:
    return [[0.1 * w, 0.1 * h, 0.4 * w, 0.5 * h], [0.5 * w, 0.2 * h, 0.9 * w, 0.6 * h],
            [0.3 * w, 0.6 * h, 0.7 * w, 0.95 * h]]


def calls(name: str, lib: str, imgs: list, ref) -> list:
    """The keyword data of each call (targets built here, outside the timing)."""
    h, w = imgs[0].shape[:2]
    out = []
    for x in imgs:
        data = {"image": x}
        if name in BOX_OPS:
            data["bboxes"] = boxes(h, w)
            if lib != "augkit":
                data["labels"] = [0, 1, 2]
        if name in MASK_OPS:  # AlbumentationsX's mask dropouts index a channel axis
            data["mask"] = label_map(h, w)[..., None] if (
                lib != "augkit" and name != "CropNonEmptyMaskIfExists") else label_map(h, w)
        if name in REF_OPS and lib != "augkit":
            data[REF_OPS[name]] = [ref]
        out.append(data)
    return out


def work(lib: str, images: dict, seconds: float, only: set[str] | None = None) -> dict:
    import numpy as np

    base.set_threads()
    out: dict = {"per_image": {}}
    for size in base.SIZES:
        imgs = list(images[size])
        ref = imgs[1]  # the reference photo for the domain-adaptation ops
        out["per_image"][size] = {}
        if lib == "augkit":
            table = {k: (lambda t=t: t) for k, t in augkit_table(ref).items()}
        else:
            import albumentations as A

            table = albumentationsx_table()
            boxed = {n: table[n] for n in BOX_OPS}
            for n, make in boxed.items():  # box targets go through a Compose
                table[n] = (lambda m=make: A.Compose(
                    [m()], bbox_params=A.BboxParams(coord_format="pascal_voc",
                                                    label_fields=["labels"]),
                    telemetry=False))
        for name, make in table.items():
            if only and name not in only:
                continue
            data = calls(name, lib, imgs, ref)

            def measure(make=make, data=data):
                t = make()
                return base.rate(lambda d: np.ascontiguousarray(t(**d)["image"]), data, seconds)

            out["per_image"][size][name] = base.guarded(name, measure)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.2)
    parser.add_argument("--libs", default=LIBS)
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved runs per library; the best rate is kept")
    parser.add_argument("--only", default="",
                        help="comma-separated transform names: measure and print these only "
                             "(no results files)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--images", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.only:
        import os

        os.environ["AUGKIT_BENCH_ONLY"] = args.only
    if args.worker:
        import os

        import numpy as np

        with np.load(args.images) as data:
            images = {k: data[k] for k in data.files}
        only = set(filter(None, os.environ.get("AUGKIT_BENCH_ONLY", "").split(",")))
        result = work(args.worker, images, args.seconds, only)
        result["version"] = base.version_of(args.worker)
        Path(args.out).write_text(json.dumps(result))
        return
    results = breadth.run_all(args.seconds, args.libs.split(","), args.rounds, __file__)
    text = breadth.report(results, "the transforms added for issue 17 §2", APPROXIMATE)
    if args.only:
        print(text)
    else:
        base.write_results("image_speed_added", text, results)


if __name__ == "__main__":
    main()
