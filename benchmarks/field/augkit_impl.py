"""augkit as a library in the field's own image benchmark (albumentations-team/benchmark).

This is a *spec file* for that benchmark's runner: it defines ``LIBRARY``, ``__call__`` and
``TRANSFORMS`` the way the benchmark's ``benchmark/transforms/<library>_impl.py`` files do,
from the benchmark's shared ``TransformSpec`` list. The benchmark's code is not part of
augkit: check it out next to this repository and run ``benchmarks/field_benchmark.py``,
which puts it on ``PYTHONPATH`` and runs this file with the benchmark's runner.

Each spec is mapped to the augkit op and arguments that do what the Albumentations 2.0.8
spec file asks (its parameter conversions are the reference; augkit amounts are fractions
of full scale, so pixel values are divided by 255 and pixel lengths by the spec's
``reference_size`` of 512). Specs marked in ``APPROXIMATE`` use a different algorithm for
the same purpose (the speed is compared, the outputs are not equal). Specs augkit has no
op for return None, which the benchmark reads as "not supported".
"""

from __future__ import annotations

from typing import Any

import numpy as np
from benchmark.transforms.registry import build_transforms, register_library
from benchmark.transforms.specs import TransformSpec

from augkit import image as A

LIBRARY = "augkit"
REFERENCE = 512  # the spec's reference_size: pixel amounts -> fractions of the image side
APPROXIMATE = {
    "Elastic": "field smoothed at low resolution (alpha, sigma as fractions of the side)",
    "Sharpen": "PIL-style Sharpness (blend with a smoothed copy), factor 1 + alpha",
    "Rain": "augkit's rain streaks (density, length) at the spec's drop width",
    "Snow": "augkit's snow flakes, not Albumentations' bleach on bright pixels",
    "OpticalDistortion": "fisheye model (Albumentations 2.0.8's spec file uses its camera "
                         "model with the same k)",
    "ChromaticAberration": "per-plane magnification, not lens distortion coefficients",
    "ShotNoise": "Poisson-like noise with std as a fraction of full scale",
    "RandomFog": "augkit's fog blend",
    "RandomSunFlare": "augkit's flare and halos",
    "GridDropout": "unit sizes 2-10 px given as fractions of 512",
    "PhotoMetricDistort": "augkit's PhotoMetricDistort, every step applied",
    "GridMask": "GridDropout (the GridMask paper's op): unit 1/num_grid, ratio = line width",
}


def _interp(params: dict[str, Any]) -> str:
    return "linear" if params.get("interpolation", "bilinear") == "bilinear" else "nearest"


def _border(params: dict[str, Any], key: str = "border_mode") -> str:
    return "constant" if params.get(key, "constant") == "constant" else "reflect"


def _fixed(value: float) -> tuple[float, float]:
    return (value, value)


def create_transform(spec: TransformSpec) -> Any:  # noqa: C901, PLR0911, PLR0912 (a table)
    """The augkit op for one field spec, or None where augkit has none."""
    p, name = spec.params, spec.name
    geometric = {"interpolation": _interp(p)}
    if name == "Resize":
        return A.Resize(p["target_size"], p["target_size"], **geometric)
    if name == "RandomCrop224":
        return A.RandomCrop(p["height"], p["width"])
    if name == "RandomResizedCrop":
        return A.RandomResizedCrop(*p["size"], scale=p["scale"], ratio=p["ratio"], **geometric)
    if name == "CenterCrop224":
        return A.CenterCrop(p["height"], p["width"])
    if name == "HorizontalFlip":
        return A.HorizontalFlip(p=1.0)
    if name == "VerticalFlip":
        return A.VerticalFlip(p=1.0)
    if name == "Pad":
        return A.Pad(p["padding"], border_mode=_border(p), fill=p["fill"])
    if name == "Rotate":
        return A.Rotate(limit=p["angle_range"], border_mode=_border(p, "mode"), fill=p["fill"],
                        p=1.0, **geometric)
    if name == "Affine":
        shift = p["shift"][0] / p["reference_size"]
        return A.Affine(scale=_fixed(p["scale"]), translate_percent=_fixed(shift),
                        rotate=_fixed(p["angle"]), shear=p["shear"],
                        border_mode=_border(p, "mode"), fill=p["fill"], p=1.0, **geometric)
    if name == "Perspective":
        return A.Perspective(scale=p["scale"], fill=p["fill"], p=1.0, **geometric)
    if name == "Elastic":
        return A.ElasticTransform(alpha=p["alpha"] / REFERENCE, sigma=p["sigma"] / REFERENCE,
                                  p=1.0, **geometric)
    if name == "ColorJitter":
        return A.ColorJitter(brightness=p["brightness"], contrast=p["contrast"],
                             saturation=p["saturation"], hue=p["hue"], p=1.0)
    if name == "ChannelShuffle":
        return A.ChannelShuffle(p=1.0)
    if name == "Grayscale":  # augkit keeps the channel count: 3 in, 3 out, as the spec asks
        return A.Grayscale(p=1.0)
    if name == "RGBShift":
        shift = p["pixel_shift"] / 255
        return A.RGBShift(shift, shift, shift, p=1.0)
    if name == "GaussianBlur":
        return A.GaussianBlur(sigma=_fixed(p["sigma"]), blur_limit=p["kernel_size"], p=1.0)
    if name == "GaussianNoise":
        return A.GaussianNoise(std_range=_fixed(p["std"]), mean=p["mean"],
                               per_channel=p["per_channel"], p=1.0)
    if name == "Invert":
        return A.Invert(p=1.0)
    if name == "Posterize":
        return A.Posterize(bits=p["bits"], p=1.0)
    if name == "Solarize":
        return A.Solarize(threshold=_fixed(p["threshold"]), p=1.0)
    if name == "Sharpen":
        return A.Sharpness(factor=(1 + p["alpha"][0], 1 + p["alpha"][1]), p=1.0)
    if name == "AutoContrast":
        return A.AutoContrast(p=1.0)
    if name == "Equalize":
        return A.Equalize(p=1.0)
    if name == "Normalize":
        return A.Normalize(mean=p["mean"], std=p["std"])
    if name == "Erasing":
        return A.RandomErasing(scale=p["scale"], ratio=p["ratio"], fill=p["fill"], p=1.0)
    if name == "JpegCompression":
        return A.ImageCompression(quality_range=_fixed(p["quality"]), p=1.0)
    if name == "RandomGamma":
        return A.Gamma(gamma_limit=_fixed(p["gamma"] / 100), p=1.0)
    if name == "PlankianJitter":  # blackbody, Albumentations' default temperatures
        return A.PlanckianJitter(temperature_limit=(3000, 15000), p=1.0)
    if name == "MedianBlur":
        return A.MedianBlur(blur_limit=_fixed(p["blur_limit"]), p=1.0)
    if name == "MotionBlur":  # an int limit k means kernels 3..k in Albumentations
        return A.MotionBlur(blur_limit=(3, p["kernel_size"]), angle_range=p["angle_range"],
                            direction_range=p["direction_range"], p=1.0)
    if name == "CLAHE":
        return A.CLAHE(clip_limit=p["clip_limit"], tile_grid_size=p["tile_grid_size"], p=1.0)
    if name == "Brightness":
        return A.Brightness(limit=p["brightness_limit"], p=1.0)
    if name == "Contrast":
        return A.Contrast(limit=p["contrast_limit"], p=1.0)
    if name == "CoarseDropout":
        return A.Cutout(num_holes=p["num_holes_range"], hole_height=p["hole_height_range"],
                        hole_width=p["hole_width_range"], p=1.0)
    if name == "Blur":
        return A.Blur(blur_limit=_fixed(p["radius"]), p=1.0)
    if name == "HSV":  # Albumentations' spec file: hue * 255 degrees, the others * 255 levels
        return A.HueSaturationValue(hue_shift_limit=p["hue"] * 255,
                                    sat_shift_limit=p["saturation"],
                                    val_shift_limit=p["value"], p=1.0)
    if name == "ChannelDropout":
        return A.ChannelDropout(p=1.0)
    if name == "LinearIllumination":
        return A.Illumination(mode="linear", angle_range=(90, 90), p=1.0)
    if name == "CornerIllumination":
        return A.Illumination(mode="corner", p=1.0)
    if name == "GaussianIllumination":
        return A.Illumination(mode="gaussian", p=1.0)
    if name == "Hue":
        return A.HueSaturationValue(hue_shift_limit=p["hue"], sat_shift_limit=0,
                                    val_shift_limit=0, p=1.0)
    if name == "PlasmaBrightness":
        return A.PlasmaBrightnessContrast(contrast_range=(0.0, 0.0), roughness=p["roughness"],
                                          p=1.0)
    if name == "PlasmaContrast":
        return A.PlasmaBrightnessContrast(brightness_range=(0.0, 0.0),
                                          roughness=p["roughness"], p=1.0)
    if name == "PlasmaShadow":
        return A.PlasmaShadow(roughness=p["roughness"], p=1.0)
    if name == "Rain":
        return A.RandomRain(brightness=_fixed(p["brightness_coefficient"]), p=1.0)
    if name == "SaltAndPepper":  # augkit draws one salt share per call: the range's middle
        return A.SaltAndPepper(amount=p["amount"], salt_vs_pepper=float(np.mean(
            p["salt_vs_pepper"])), p=1.0)
    if name == "Saturation":
        return A.HueSaturationValue(hue_shift_limit=0, sat_shift_limit=p["saturation_factor"],
                                    val_shift_limit=0, p=1.0)
    if name == "Snow":
        return A.RandomSnow(p=1.0)
    if name == "OpticalDistortion":
        return A.OpticalDistortion(distort_limit=p["distort_limit"], p=1.0)
    if name == "Shear":
        return A.Affine(scale=1.0, translate_percent=0.0, rotate=0.0, shear=p["shear"], p=1.0)
    if name == "ThinPlateSpline":
        # Albumentations: normal offsets with std scale / 10 of the side; augkit: uniform
        # in [-s, s], std s / sqrt(3)
        s_uniform = p["distortion_scale"] / 10 * 3 ** 0.5
        return A.ThinPlateSpline(scale_range=_fixed(s_uniform),
                                 num_control_points=p["num_control_points"], p=1.0)
    if name == "PhotoMetricDistort":
        return A.PhotoMetricDistort(brightness_range=p["brightness_range"],
                                    contrast_range=p["contrast_range"],
                                    saturation_range=p["saturation_range"],
                                    hue_range=p["hue_range"], distort_p=1.0, p=1.0)
    if name == "LongestMaxSize":
        return A.LongestMaxSize(p["max_size"], **geometric)
    if name == "SmallestMaxSize":
        return A.SmallestMaxSize(p["max_size"], **geometric)
    if name == "AdvancedBlur":
        return A.AdvancedBlur(blur_limit=p["blur_limit"], sigma_x_limit=p["sigma_x_limit"],
                              sigma_y_limit=p["sigma_y_limit"], p=1.0)
    if name == "Defocus":
        return A.Defocus(radius=p["radius"], alias_blur=p["alias_blur"], p=1.0)
    if name == "ZoomBlur":
        return A.ZoomBlur(max_factor=p["max_factor"], p=1.0)
    if name == "GlassBlur":
        return A.GlassBlur(sigma=p["sigma"], max_delta=p["max_delta"],
                           iterations=p["iterations"], p=1.0)
    if name == "SquareSymmetry":
        return A.SquareSymmetry(p=1.0)
    if name == "Transpose":
        return A.Transpose(p=1.0)
    if name == "SafeRotate":
        return A.SafeRotate(limit=p["limit"], border_mode=_border(p), fill=p["fill"], p=1.0,
                            **geometric)
    if name == "RandomRotate90":
        return A.RandomRotate90(p=1.0)
    if name == "RandomScale":
        return A.RandomScale(scale_limit=p["scale_limit"], p=1.0, **geometric)
    if name == "ShiftScaleRotate":
        return A.ShiftScaleRotate(shift_limit=p["shift_limit"], scale_limit=p["scale_limit"],
                                  rotate_limit=p["rotate_limit"], border_mode=_border(p),
                                  fill=p["fill"], p=1.0, **geometric)
    if name == "GridDistortion":
        return A.GridDistortion(num_steps=p["num_steps"], distort_limit=p["distort_limit"],
                                border_mode=_border(p), fill=p["fill"], p=1.0, **geometric)
    if name == "PiecewiseAffine":
        return A.PiecewiseAffine(scale_range=p["scale"], nb_rows_range=_fixed(p["nb_rows"]),
                                 nb_cols_range=_fixed(p["nb_cols"]), p=1.0)
    if name == "RandomGridShuffle":
        return A.RandomGridShuffle(grid=p["grid"], p=1.0)
    if name == "Morphological":
        return A.Morphological(scale=p["scale"], operation=p["operation"], p=1.0)
    if name == "Downscale":
        down, up = ("linear" if v == "bilinear" else v for v in p["interpolation_pair"])
        return A.Downscale(scale_range=p["scale_range"], down_interpolation=down,
                           up_interpolation=up, p=1.0)
    if name in ("EnhanceEdge", "EnhanceDetail"):
        return A.Enhance(mode=p["mode"], alpha_range=p["alpha_range"], p=1.0)
    if name == "Emboss":
        return A.Emboss(alpha_range=p["alpha"], strength_range=p["strength"], p=1.0)
    if name == "ChromaticAberration":
        return A.ChromaticAberration(shift_limit=p["primary_distortion_limit"], p=1.0)
    if name == "ISONoise":
        return A.ISONoise(color_shift=p["color_shift"], intensity=p["intensity"], p=1.0)
    if name == "ShotNoise":
        return A.ShotNoise(std_range=p["scale_range"], p=1.0)
    if name == "MultiplicativeNoise":
        return A.MultiplicativeNoise(multiplier=p["multiplier"], per_channel=p["per_channel"],
                                     p=1.0)
    if name == "AdditiveNoise":
        return A.AdditiveNoise(noise_type=p["noise_type"], spatial_mode=p["spatial_mode"],
                               scale_range=p["scale_range"], p=1.0)
    if name == "RandomFog":
        return A.RandomFog(fog_coef=p["fog_coef_range"], p=1.0)
    if name == "RandomShadow":
        return A.RandomShadow(num_shadows=p["num_shadows_limit"],
                              num_vertices=_fixed(p["shadow_dimension"]), p=1.0)
    if name == "RandomSunFlare":
        return A.RandomSunFlare(flare_roi=p["flare_roi"],
                                num_halos=p["num_flare_circles_range"], p=1.0)
    if name == "RandomToneCurve":
        return A.RandomToneCurve(scale=p["scale"], p=1.0)
    if name == "RingingOvershoot":
        return A.RingingOvershoot(blur_range=p["blur_limit"], cutoff_range=p["cutoff"], p=1.0)
    if name == "Spatter":
        return A.Spatter(mean_range=_fixed(p["mean"]), std_range=_fixed(p["std"]),
                         gauss_sigma_range=_fixed(p["gauss_sigma"]),
                         cutoff_threshold_range=_fixed(p["cutout_threshold"]),
                         intensity_range=_fixed(p["intensity"]), mode=p["mode"], p=1.0)
    if name == "UnsharpMask":
        return A.UnsharpMask(blur_limit=p["blur_limit"], sigma_limit=p["sigma_limit"],
                             alpha=p["alpha"], threshold=p["threshold"] / 255, p=1.0)
    if name == "FancyPCA":
        return A.FancyPCA(alpha=p["alpha"], p=1.0)
    if name == "ToSepia":
        return A.ToSepia(p=1.0)
    if name == "GridDropout":
        low, high = (v / REFERENCE for v in p["unit_size_range"])
        return A.GridDropout(unit_size=(low, high), ratio=p["ratio"],
                             random_offset=p["random_offset"], p=1.0)
    if name == "GridMask":  # GridDropout is the GridMask paper's op: units of 1/num_grid
        low, high = p["num_grid_range"]
        return A.GridDropout(unit_size=(1 / high, 1 / low), ratio=p["line_width_range"],
                             p=1.0)
    if name == "PixelDropout":
        return A.PixelDropout(dropout_prob=p["dropout_prob"], per_channel=p["per_channel"],
                              fill=p["drop_value"], p=1.0)
    if name == "PadIfNeeded":
        return A.PadIfNeeded(min_height=p["min_height"], min_width=p["min_width"],
                             border_mode=_border(p), fill=p["fill"])
    if name == "CropAndPad":
        return A.CropAndPad(px=p["px"], keep_size=p["keep_size"], border_mode=_border(p),
                            fill=p["fill"], **geometric)
    if name == "RandomSizedCrop":
        return A.RandomSizedCrop(p["min_max_height"], p["size"], **geometric)
    if name == "AtmosphericFog":
        return A.AtmosphericFog(density_range=p["density_range"], depth_mode=p["depth_mode"],
                                p=1.0)
    if name == "Vignetting":
        return A.Vignetting(intensity_range=p["intensity_range"], p=1.0)
    if name == "FilmGrain":
        return A.FilmGrain(intensity_range=p["intensity_range"],
                           grain_size_range=p["grain_size_range"], p=1.0)
    if name == "Halftone":
        return A.Halftone(dot_size_range=p["dot_size_range"], blend_range=p["blend_range"],
                          p=1.0)
    if name == "ChannelSwap":
        return A.ChannelSwap(p=1.0)
    if name == "WaterRefraction":
        return A.WaterRefraction(p=1.0)
    # no augkit op (docs/image_coverage.md says why): RandomJigsaw, Colorize, PixelSpread,
    # Superpixels, RandomGravel, ConstrainedCoarseDropout (needs a mask, the spec gives
    # none), ColorJiggle (Kornia's ColorJitter order), LensFlare, CopyAndPaste (a batch op
    # with instance masks; the spec times single images)
    return None


def __call__(transform: Any, image: np.ndarray) -> np.ndarray:  # noqa: N807 (the runner's name)
    """One image (H, W, 3) uint8 RGB, as the benchmark loads it for Albumentations."""
    return np.ascontiguousarray(transform(image=image)["image"])


def _use_the_numpy_loader() -> None:
    # the runner picks its image loader by library name; augkit reads the same RGB uint8
    # arrays as Albumentations, so it gets the same loader
    from benchmark.media import loaders
    from benchmark.utils import read_img_cv2

    known = loaders.get_image_loader

    def get_image_loader(library: str):
        return read_img_cv2 if library == LIBRARY else known(library)
    loaders.get_image_loader = get_image_loader


_use_the_numpy_loader()
register_library(LIBRARY, create_image_fn=create_transform)
TRANSFORMS = build_transforms(LIBRARY, media="image")
