"""Conformance cases for image transforms, and the image output rules they are checked by."""

from __future__ import annotations

import numpy as np

from augkit import image as A
from augkit.image.base import GeometricTransform
from tests.conformance_cases import Case, add

BOX = [10.0, 8.0, 22.0, 20.0]  # pascal_voc; covers mask[8:20, 10:22]
EXACT = {"HorizontalFlip", "VerticalFlip", "Transpose", "RandomRotate90", "RandomCrop",
         "CenterCrop", "Pad"}


def image_data(rng: np.random.Generator) -> dict:
    image = rng.integers(0, 256, size=(40, 48, 3), dtype=np.uint8)
    mask = np.zeros((40, 48), np.uint8)
    mask[8:20, 10:22] = 1
    return {"image": image, "mask": mask, "bboxes": [BOX], "labels": ["box"],
            "keypoints": [[16.0, 14.0], [1.0, 1.0]]}


def mask_box(mask: np.ndarray) -> np.ndarray | None:
    rows, cols = np.nonzero(mask)
    if rows.size == 0:
        return None
    return np.array([cols.min(), rows.min(), cols.max() + 1, rows.max() + 1], dtype=float)


def check_image_output(name: str):
    geometric = issubclass(getattr(A, name), GeometricTransform)

    def check(inp: dict, out: dict) -> None:
        image, result = inp["image"], out["image"]
        assert result.dtype == image.dtype and result.ndim == image.ndim
        assert result.shape[2:] == image.shape[2:], "channel count changed"
        assert out["mask"].shape == result.shape[:2], "mask and image sizes differ"
        assert out["mask"].dtype == inp["mask"].dtype
        assert set(np.unique(out["mask"])) <= {0, 1}, "mask values were interpolated"
        if not geometric:
            np.testing.assert_array_equal(out["mask"], inp["mask"])
            np.testing.assert_array_equal(out["bboxes"], [BOX])
            np.testing.assert_array_equal(out["keypoints"], inp["keypoints"])
            return
        # a box drawn into the mask is still the box after the transform
        assert len(out["bboxes"]) == len(out["labels"]) == len(out["bbox_indices"])
        drawn = mask_box(out["mask"])
        if len(out["bboxes"]):
            assert drawn is not None, "box kept but its mask region vanished"
            tolerance = 1e-9 if name in EXACT else 1.6
            np.testing.assert_allclose(out["bboxes"][0], drawn, atol=tolerance)
        # keypoints keep their number and order; a visible one still sits on the mask
        assert out["keypoints"].shape == (2, 2) and out["keypoints_visible"].shape == (2,)
        x, y = out["keypoints"][0]
        if out["keypoints_visible"][0]:
            assert out["mask"][int(y), int(x)] == 1, "keypoint left its region"

    return check


def _add(name: str, build, bad_args, random: bool = True) -> None:
    add(name, Case(build=build, data=image_data, bad_args=bad_args,
                   check=check_image_output(name), random=random))


BAD_P = [({"p": -0.1}, ValueError, "'p'")]
_add("HorizontalFlip", lambda: A.HorizontalFlip(p=1.0), BAD_P, random=False)
_add("VerticalFlip", lambda: A.VerticalFlip(p=1.0), BAD_P, random=False)
_add("Transpose", lambda: A.Transpose(p=1.0), BAD_P, random=False)
_add("RandomRotate90", lambda: A.RandomRotate90(p=1.0), BAD_P)
_add("Rotate", lambda: A.Rotate(limit=40, p=1.0),
     [({"limit": "x"}, TypeError, "'limit'"), ({"border_mode": "mirror"}, ValueError,
                                                "'border_mode'"),
      ({"interpolation": "bilinear"}, ValueError, "'interpolation'")])
_add("Affine", lambda: A.Affine(p=1.0),
     [({"scale": (2.0, 1.0)}, ValueError, "'scale'"), ({"shear": 95}, ValueError, "'shear'")])
_add("Shear", lambda: A.Shear(angle=20, p=1.0),
     [({"angle": 85}, ValueError, "'angle'"), ({"axis": "z"}, ValueError, "'axis'")])
_add("Translate", lambda: A.Translate(fraction=0.2, axis="y", p=1.0),
     [({"fraction": 1.5}, ValueError, "'fraction'"), ({"axis": 0}, ValueError, "'axis'")])
_add("Zoom", lambda: A.Zoom(scale=(0.6, 1.6), p=1.0),
     [({"scale": 0}, ValueError, "'scale'")])
_add("Resize", lambda: A.Resize(30, 36), [({"height": 0}, ValueError, "'height'"),
                                          ({"width": 2.5}, TypeError, "'width'")], random=False)
_add("RandomCrop", lambda: A.RandomCrop(24, 30), [({"height": -1}, ValueError, "'height'")])
_add("CenterCrop", lambda: A.CenterCrop(24, 30), [({"width": None}, TypeError, "'width'")],
     random=False)
_add("RandomResizedCrop", lambda: A.RandomResizedCrop(32, 32, scale=(0.3, 1.0)),
     [({"scale": (0.5, 2.0)}, ValueError, "'scale'")])
_add("Pad", lambda: A.Pad((2, 3, 4, 5), fill=7),
     [({"padding": (1, 2, 3)}, ValueError, "'padding'"), ({"padding": -1}, ValueError,
                                                         "'padding'")], random=False)
_add("Brightness", lambda: A.Brightness(p=1.0), [({"limit": (0.5, 2)}, ValueError, "'limit'")])
_add("Contrast", lambda: A.Contrast(p=1.0), [({"limit": "a"}, TypeError, "'limit'")])
_add("BrightnessContrast", lambda: A.BrightnessContrast(p=1.0),
     [({"brightness_limit": 3}, ValueError, "'brightness_limit'")])
_add("Exposure", lambda: A.Exposure(p=1.0), [({"factor": -0.5}, ValueError, "'factor'")])
_add("Saturation", lambda: A.Saturation(p=1.0), [({"factor": "x"}, TypeError, "'factor'")])
_add("Gamma", lambda: A.Gamma(p=1.0), [({"gamma_limit": (0, 1)}, ValueError, "'gamma_limit'")])
_add("HueSaturationValue", lambda: A.HueSaturationValue(p=1.0),
     [({"hue_shift_limit": 200}, ValueError, "'hue_shift_limit'")])
_add("ColorJitter", lambda: A.ColorJitter(p=1.0), [({"hue": 0.7}, ValueError, "'hue'")])
_add("Grayscale", lambda: A.Grayscale(p=1.0), BAD_P, random=False)
_add("Invert", lambda: A.Invert(p=1.0), BAD_P, random=False)
_add("Solarize", lambda: A.Solarize(p=1.0), [({"threshold": 1.5}, ValueError, "'threshold'")])
_add("Posterize", lambda: A.Posterize(bits=(1, 6), p=1.0),
     [({"bits": 9}, ValueError, "'bits'"), ({"bits": 2.5}, TypeError, "'bits'")])
_add("Equalize", lambda: A.Equalize(p=1.0), BAD_P, random=False)
_add("AutoContrast", lambda: A.AutoContrast(p=1.0), BAD_P, random=False)
_add("Sharpness", lambda: A.Sharpness(p=1.0), [({"factor": -1}, ValueError, "'factor'")])
_add("GaussianNoise", lambda: A.GaussianNoise(p=1.0),
     [({"std_range": (0.1, 0.01)}, ValueError, "'std_range'"),
      ({"per_channel": "yes"}, TypeError, "'per_channel'")])
_add("SaltAndPepper", lambda: A.SaltAndPepper(p=1.0),
     [({"salt_vs_pepper": 2}, ValueError, "'salt_vs_pepper'")])
_add("GaussianBlur", lambda: A.GaussianBlur(p=1.0), [({"sigma": 0}, ValueError, "'sigma'")])
_add("Cutout", lambda: A.Cutout(num_holes=(2, 4), p=1.0),
     [({"num_holes": (3, 1)}, ValueError, "'num_holes'")])
_add("RandomErasing", lambda: A.RandomErasing(p=1.0),
     [({"scale": (0.2, 0.1)}, ValueError, "'scale'")])

# -- warps and resizing (augkit.image.distortion, augkit.image.resize) --------------------------
_add("Perspective", lambda: A.Perspective(scale=(0.05, 0.15), p=1.0),
     [({"scale": 0.6}, ValueError, "'scale'"), ({"fill": -1}, ValueError, "'fill'")])
_add("ElasticTransform", lambda: A.ElasticTransform(alpha=0.06, sigma=0.08, p=1.0),
     [({"sigma": 0}, ValueError, "'sigma'"), ({"alpha": "big"}, TypeError, "'alpha'")])
_add("GridDistortion", lambda: A.GridDistortion(num_steps=4, distort_limit=0.4, p=1.0),
     [({"num_steps": 0}, ValueError, "'num_steps'"), ({"distort_limit": 1.5}, ValueError,
                                                      "'distort_limit'")])
_add("OpticalDistortion", lambda: A.OpticalDistortion(distort_limit=0.3, p=1.0),
     [({"distort_limit": (-1.5, 0.1)}, ValueError, "'distort_limit'"),
      ({"distort_limit": 1.2}, ValueError, "'distort_limit'")])
_add("ShiftScaleRotate", lambda: A.ShiftScaleRotate(p=1.0),
     [({"scale_limit": (-1.0, 0.1)}, ValueError, "'scale_limit'"),
      ({"shift_limit": 2}, ValueError, "'shift_limit'")])
_add("LongestMaxSize", lambda: A.LongestMaxSize([24, 60]),
     [({"max_size": 0}, ValueError, "'max_size'"), ({"max_size": []}, ValueError, "'max_size'")])
_add("SmallestMaxSize", lambda: A.SmallestMaxSize(30),
     [({"max_size": 2.5}, TypeError, "'max_size'")], random=False)
_add("RandomSizedBBoxSafeCrop", lambda: A.RandomSizedBBoxSafeCrop(32, 32),
     [({"erosion_rate": 1.5}, ValueError, "'erosion_rate'"), ({"height": 0}, ValueError,
                                                               "'height'")])

# -- blur, channels, levels, compression, noise, dropout, weather -------------------------------
_add("Blur", lambda: A.Blur(p=1.0), [({"blur_limit": (4, 4)}, ValueError, "'blur_limit'"),
                                     ({"blur_limit": 1}, ValueError, "'blur_limit'")])
_add("MedianBlur", lambda: A.MedianBlur(blur_limit=(3, 9), p=1.0),
     [({"blur_limit": (9, 3)}, ValueError, "'blur_limit'")])
_add("MotionBlur", lambda: A.MotionBlur(p=1.0),
     [({"direction_range": (-2, 0)}, ValueError, "'direction_range'")])
_add("ChannelShuffle", lambda: A.ChannelShuffle(p=1.0), BAD_P)
_add("RGBShift", lambda: A.RGBShift(p=1.0), [({"r_shift_limit": 2}, ValueError,
                                              "'r_shift_limit'")])
_add("ChannelDropout", lambda: A.ChannelDropout(channel_drop_range=(1, 2), fill=7, p=1.0),
     [({"channel_drop_range": 0}, ValueError, "'channel_drop_range'")])
_add("GridDropout", lambda: A.GridDropout(p=1.0),
     [({"ratio": 1.5}, ValueError, "'ratio'"), ({"random_offset": 1}, TypeError,
                                                 "'random_offset'")])
_add("CLAHE", lambda: A.CLAHE(clip_limit=(1, 8), tile_grid_size=(2, 2), p=1.0),
     [({"tile_grid_size": (8, 0)}, ValueError,
                                        "'tile_grid_size'")])
_add("ImageCompression", lambda: A.ImageCompression(quality_range=(5, 60), p=1.0),
     [({"compression_type": "png"}, ValueError, "'compression_type'"),
      ({"quality_range": (0, 50)}, ValueError, "'quality_range'")])
_add("ShotNoise", lambda: A.ShotNoise(p=1.0), [({"std_range": -0.1}, ValueError, "'std_range'")])
_add("ISONoise", lambda: A.ISONoise(p=1.0), [({"intensity": (0.5, 0.1)}, ValueError,
                                              "'intensity'")])
_add("RandomFog", lambda: A.RandomFog(p=1.0), [({"fog_value": 2}, ValueError, "'fog_value'")])
_add("RandomRain", lambda: A.RandomRain(density=0.02, p=1.0),
     [({"slant": 90}, ValueError, "'slant'")])
_add("RandomSnow", lambda: A.RandomSnow(density=0.02, p=1.0),
     [({"flake_size": 0.9}, ValueError, "'flake_size'")])
_add("RandomShadow", lambda: A.RandomShadow(num_shadows=(1, 3), p=1.0),
     [({"shadow_roi": (0.5, 0, 0.2, 1)}, ValueError, "'shadow_roi'"),
      ({"num_vertices": 2}, ValueError, "'num_vertices'")])
_add("RandomSunFlare", lambda: A.RandomSunFlare(p=1.0),
     [({"flare_roi": (0, 0, 1)}, TypeError, "'flare_roi'")])
_add("LowLight", lambda: A.LowLight(p=1.0), [({"gamma": (0, 1)}, ValueError, "'gamma'")])

# -- symmetries, grid shuffles (augkit.image.symmetry) ----------------------------------------
EXACT |= {"SquareSymmetry", "RandomGridShuffle"}
_add("SquareSymmetry", lambda: A.SquareSymmetry(p=1.0),
     [({"elements": ["r45"]}, ValueError, "'elements'"),
      ({"elements": []}, ValueError, "'elements'"), ({"elements": "e"}, ValueError, "'elements'")])
_add("RandomGridShuffle", lambda: A.RandomGridShuffle(grid=(3, 4), p=1.0),
     [({"grid": (1, 1)}, ValueError, "'grid'"), ({"grid": 3}, TypeError, "'grid'"),
      ({"grid": (0, 3)}, ValueError, "'grid'"), ({"grid": (2, 2.5)}, TypeError, "'grid'")])

# -- pixel effects, stripe masks (augkit.image.effects) -------------------------------------
_add("Downscale", lambda: A.Downscale(scale_range=(0.3, 0.7), up_interpolation="linear", p=1.0),
     [({"scale_range": (0.0, 0.5)}, ValueError, "'scale_range'"),
      ({"down_interpolation": "bilinear"}, ValueError, "'down_interpolation'")])
_add("UnsharpMask", lambda: A.UnsharpMask(alpha=(0.5, 1.0), threshold=0.01, p=1.0),
     [({"blur_limit": (4, 4)}, ValueError, "'blur_limit'"), ({"alpha": -1}, ValueError,
                                                              "'alpha'"),
      ({"threshold": 2}, ValueError, "'threshold'")])
_add("Morphological", lambda: A.Morphological(scale=(2, 5), p=1.0),
     [({"operation": "erode"}, ValueError, "'operation'"), ({"scale": (3, 1)}, ValueError,
                                                             "'scale'"),
      ({"scale": 2.5}, TypeError, "'scale'")])
_add("PixelDropout", lambda: A.PixelDropout(dropout_prob=0.1, per_channel=True, fill=9,
                                             p=1.0),
     [({"dropout_prob": 1.5}, ValueError, "'dropout_prob'"),
      ({"per_channel": 1}, TypeError, "'per_channel'"), ({"mask_fill": -1}, ValueError,
                                                          "'mask_fill'")])
_add("XYMasking", lambda: A.XYMasking(mask_x_length=(2, 8), mask_y_length=(2, 8), fill=5,
                                       p=1.0),
     [({"num_masks_x": -1}, ValueError, "'num_masks_x'"),
      ({"mask_y_length": (5, 2)}, ValueError, "'mask_y_length'"),
      ({"fill": "x"}, TypeError, "'fill'")])
_add("TimeMasking", lambda: A.TimeMasking(time_mask_param=12, p=1.0),
     [({"time_mask_param": 0}, ValueError, "'time_mask_param'"),
      ({"time_mask_param": 2.5}, TypeError, "'time_mask_param'")])
_add("FrequencyMasking", lambda: A.FrequencyMasking(freq_mask_param=12, p=1.0),
     [({"freq_mask_param": -3}, ValueError, "'freq_mask_param'")])

# -- crops and pads (augkit.image.crops2) -------------------------------------------------------
EXACT |= {"Crop", "PadIfNeeded", "AtLeastOneBBoxRandomCrop", "CropNonEmptyMaskIfExists"}
_add("Crop", lambda: A.Crop(5, 4, 40, 36, pad_if_needed=True, fill=3),
     [({"x_max": 5}, ValueError, "'x_max'"), ({"y_min": -1}, ValueError, "'y_min'"),
      ({"pad_if_needed": "yes"}, TypeError, "'pad_if_needed'")], random=False)
_add("PadIfNeeded", lambda: A.PadIfNeeded(50, 64, position="random", fill=7),
     [({"min_height": 0}, ValueError, "'min_height'"),
      ({"pad_height_divisor": 32}, ValueError, "'min_height'"),
      ({"position": "middle"}, ValueError, "'position'")])
_add("CropAndPad", lambda: A.CropAndPad(percent=(-0.2, 0.25), fill=5),
     [({"percent": (-0.6, 0.1)}, ValueError, "'percent'"), ({"px": 3}, ValueError, "'px'"),
      ({"keep_size": 1}, TypeError, "'keep_size'")])
_add("RandomSizedCrop", lambda: A.RandomSizedCrop((20, 36), (32, 32), w2h_ratio=1.2),
     [({"min_max_height": (30, 10)}, ValueError, "'min_max_height'"),
      ({"size": 32}, TypeError, "'size'"), ({"w2h_ratio": 0}, ValueError, "'w2h_ratio'")])
_add("AtLeastOneBBoxRandomCrop", lambda: A.AtLeastOneBBoxRandomCrop(24, 28, erosion_factor=0.2),
     [({"erosion_factor": 2}, ValueError, "'erosion_factor'"), ({"height": 0}, ValueError,
                                                                 "'height'")])
_add("CropNonEmptyMaskIfExists", lambda: A.CropNonEmptyMaskIfExists(16, 20),
     [({"ignore_values": 3}, TypeError, "'ignore_values'"), ({"width": -2}, ValueError,
                                                              "'width'")])

# -- tone and colour casts (augkit.image.tone) ---------------------------------------------------
_add("ToSepia", lambda: A.ToSepia(p=1.0), BAD_P, random=False)
_add("FancyPCA", lambda: A.FancyPCA(alpha=0.5, p=1.0), [({"alpha": -0.1}, ValueError, "'alpha'")])
_add("PlanckianJitter", lambda: A.PlanckianJitter(p=1.0),
     [({"temperature_limit": (500, 4000)}, ValueError, "'temperature_limit'")])
_add("RandomToneCurve", lambda: A.RandomToneCurve(scale=0.2, per_channel=True, p=1.0),
     [({"scale": 2}, ValueError, "'scale'"), ({"per_channel": "no"}, TypeError,
                                              "'per_channel'")])
_add("Vignetting", lambda: A.Vignetting(p=1.0),
     [({"intensity_range": (0.5, 1.5)}, ValueError, "'intensity_range'"),
      ({"center_range": "mid"}, TypeError, "'center_range'")])

# -- lens and camera effects (augkit.image.optics) -----------------------------------------------
_add("Defocus", lambda: A.Defocus(radius=(2, 5), p=1.0),
     [({"radius": 0}, ValueError, "'radius'"), ({"alias_blur": -1}, ValueError, "'alias_blur'")])
_add("ZoomBlur", lambda: A.ZoomBlur(max_factor=(1.05, 1.2), step_factor=(0.02, 0.04), p=1.0),
     [({"max_factor": 0.9}, ValueError, "'max_factor'"),
      ({"step_factor": (0.0, 0.1)}, ValueError, "'step_factor'")])
_add("GlassBlur", lambda: A.GlassBlur(max_delta=2, iterations=1, p=1.0),
     [({"sigma": 0}, ValueError, "'sigma'"), ({"max_delta": 1.5}, TypeError, "'max_delta'"),
      ({"iterations": 0}, ValueError, "'iterations'")])
_add("AdvancedBlur", lambda: A.AdvancedBlur(p=1.0),
     [({"blur_limit": (2, 2)}, ValueError, "'blur_limit'"),
      ({"beta_limit": (0.0, 1.0)}, ValueError, "'beta_limit'"),
      ({"noise_limit": (0.0, 0.0)}, ValueError, "'noise_limit'")])
_add("ChromaticAberration", lambda: A.ChromaticAberration(shift_limit=0.05, p=1.0),
     [({"shift_limit": 0.7}, ValueError, "'shift_limit'"), ({"mode": "rgb"}, ValueError,
                                                             "'mode'")])
_add("FilmGrain", lambda: A.FilmGrain(p=1.0),
     [({"grain_size_range": (0.5, 2)}, ValueError, "'grain_size_range'"),
      ({"intensity_range": (0.3, 0.1)}, ValueError, "'intensity_range'")])

# -- lighting fields (augkit.image.light) -------------------------------------------------------
_add("Illumination", lambda: A.Illumination(mode="gaussian", intensity_range=(0.1, 0.3), p=1.0),
     [({"mode": "radial"}, ValueError, "'mode'"), ({"effect_type": "dim"}, ValueError,
                                                   "'effect_type'"),
      ({"sigma_range": (0, 1)}, ValueError, "'sigma_range'")])
_add("PlasmaBrightnessContrast", lambda: A.PlasmaBrightnessContrast(plasma_size=32, p=1.0),
     [({"roughness": 0}, ValueError, "'roughness'"), ({"plasma_size": 1}, ValueError,
                                                      "'plasma_size'"),
      ({"brightness_range": (-2, 0)}, ValueError, "'brightness_range'")])
_add("PlasmaShadow", lambda: A.PlasmaShadow(p=1.0),
     [({"shadow_intensity_range": (0.5, 1.5)}, ValueError, "'shadow_intensity_range'"),
      ({"plasma_size": 2.5}, TypeError, "'plasma_size'")])

# -- domain adaptation (augkit.image.domain): the bundled sample image as the reference ---------
def _reference() -> list:
    from augkit.resources import path

    return [str(path("images", "astronaut.png"))]


_add("HistogramMatching", lambda: A.HistogramMatching(_reference(), p=1.0),
     [({"reference_images": []}, ValueError, "'reference_images'"),
      ({"reference_images": ["/no/such.png"]}, ValueError, "'reference_images'"),
      ({"blend_ratio": (0.5, 1.5)}, ValueError, "'blend_ratio'")])
_add("FDA", lambda: A.FDA(_reference(), beta_limit=(0.02, 0.1), p=1.0),
     [({"beta_limit": 0.7}, ValueError, "'beta_limit'"),
      ({"reference_images": [np.zeros((4, 4), np.int16)]}, TypeError, "'reference_images'")])
_add("PixelDistributionAdaptation", lambda: A.PixelDistributionAdaptation(_reference(), p=1.0),
     [({"transform_type": "qda"}, ValueError, "'transform_type'"),
      ({"reference_images": "ref.png"}, TypeError, "'reference_images'")])

# -- more crops, whole-image rotation and scale (augkit.image.crops2, augkit.image.fit) ---------
EXACT |= {"BBoxSafeRandomCrop", "RandomCropFromBorders"}
_add("BBoxSafeRandomCrop", lambda: A.BBoxSafeRandomCrop(erosion_rate=0.3),
     [({"erosion_rate": -0.1}, ValueError, "'erosion_rate'")])
_add("RandomCropFromBorders", lambda: A.RandomCropFromBorders(0.3, 0.3, 0.3, 0.3),
     [({"crop_left": 1.5}, ValueError, "'crop_left'"), ({"crop_top": "x"}, TypeError,
                                                        "'crop_top'")])
_add("SafeRotate", lambda: A.SafeRotate(limit=60, p=1.0),
     [({"limit": 400}, ValueError, "'limit'"), ({"border_mode": "mirror"}, ValueError,
                                                 "'border_mode'")])
_add("RandomScale", lambda: A.RandomScale(scale_limit=(-0.4, 0.6), p=1.0),
     [({"scale_limit": (-1.5, 0)}, ValueError, "'scale_limit'"),
      ({"interpolation": "bilinear"}, ValueError, "'interpolation'")])

# -- smooth random warps (augkit.image.warps) ---------------------------------------------------
_add("ThinPlateSpline", lambda: A.ThinPlateSpline(scale_range=(0.03, 0.06), p=1.0),
     [({"scale_range": (0, 0.5)}, ValueError, "'scale_range'"),
      ({"num_control_points": 1}, ValueError, "'num_control_points'")])
_add("GridElasticDeform", lambda: A.GridElasticDeform((4, 3), magnitude=3, p=1.0),
     [({"num_grid_xy": 4}, TypeError, "'num_grid_xy'"), ({"num_grid_xy": (0, 2)}, ValueError,
                                                          "'num_grid_xy'"),
      ({"magnitude": -1}, ValueError, "'magnitude'")])
_add("PiecewiseAffine", lambda: A.PiecewiseAffine(scale_range=(0.01, 0.03), nb_rows_range=(2, 5),
                                                   p=1.0),
     [({"nb_rows_range": (0, 3)}, ValueError, "'nb_rows_range'"),
      ({"scale_range": "big"}, TypeError, "'scale_range'")])
_add("MultiplicativeNoise", lambda: A.MultiplicativeNoise(per_channel=True, elementwise=True,
                                                           p=1.0),
     [({"multiplier": (1.2, 0.8)}, ValueError, "'multiplier'"),
      ({"elementwise": "y"}, TypeError, "'elementwise'")])
_add("Emboss", lambda: A.Emboss(p=1.0),
     [({"alpha_range": (0.5, 2)}, ValueError, "'alpha_range'"),
      ({"strength_range": -1}, ValueError, "'strength_range'")])


def _check_mask_dropout(inp: dict, out: dict) -> None:
    """The one object of the case's mask is removed: its pixels filled, its labels gone;
    boxes and keypoints stay."""
    region = inp["mask"] == 1
    assert out["image"].dtype == inp["image"].dtype and out["image"].shape == inp["image"].shape
    assert (out["image"][region] == 7).all()
    np.testing.assert_array_equal(out["image"][~region], inp["image"][~region])
    assert not out["mask"].any() and out["mask"].dtype == inp["mask"].dtype
    np.testing.assert_array_equal(out["bboxes"], [BOX])


add("MaskDropout", Case(build=lambda: A.MaskDropout(fill=7, p=1.0), data=image_data,
                        check=_check_mask_dropout, random=False,
                        bad_args=[({"max_objects_range": 0}, ValueError, "'max_objects_range'"),
                                  ({"mask_fill": -2}, ValueError, "'mask_fill'")]))

_add("WaterRefraction", lambda: A.WaterRefraction(p=1.0),
     [({"amplitude_range": (0, 0.5)}, ValueError, "'amplitude_range'"),
      ({"num_waves_range": (0, 2)}, ValueError, "'num_waves_range'")])
_add("RingingOvershoot", lambda: A.RingingOvershoot(p=1.0),
     [({"blur_range": (8, 8)}, ValueError, "'blur_range'"), ({"cutoff_range": (0.5, 4.0)},
                                                             ValueError, "'cutoff_range'")])
_add("Dithering", lambda: A.Dithering(method="random", n_colors=4, color_mode="per_channel",
                                       p=1.0),
     [({"method": "error_diffusion"}, ValueError, "'method'"), ({"n_colors": 1}, ValueError,
                                                                "'n_colors'"),
      ({"color_mode": "rgb"}, ValueError, "'color_mode'")])

_add("ConstrainedCoarseDropout", lambda: A.ConstrainedCoarseDropout(mask_indices=[1], fill=3,
                                                                     p=1.0),
     [({"bbox_labels": ["box"]}, ValueError, "'mask_indices'"),
      ({"mask_indices": 1}, TypeError, "'mask_indices'"),
      ({"num_holes_range": (0, 2)}, ValueError, "'num_holes_range'")])
_add("ExposureMatching", lambda: A.ExposureMatching(p=1.0),
     [({"target_mean_range": (0.5, 1.5)}, ValueError, "'target_mean_range'"),
      ({"gain_range": (2, 1)}, ValueError, "'gain_range'")])

# -- small filters and additive noise (augkit.image.filters) -------------------------------------
_add("Enhance", lambda: A.Enhance(mode="detail", p=1.0),
     [({"mode": "sharpen"}, ValueError, "'mode'"), ({"alpha_range": (0, 6)}, ValueError,
                                                    "'alpha_range'")])
_add("StochasticConvolution", lambda: A.StochasticConvolution(per_channel=True, p=1.0),
     [({"kernel_range": (4, 4)}, ValueError, "'kernel_range'"),
      ({"per_channel": 0}, TypeError, "'per_channel'")])
_add("AdditiveNoise", lambda: A.AdditiveNoise(noise_type="laplace", spatial_mode="shared",
                                               p=1.0),
     [({"noise_type": "beta"}, ValueError, "'noise_type'"),
      ({"spatial_mode": "patch"}, ValueError, "'spatial_mode'"),
      ({"scale_range": (0.1, 2)}, ValueError, "'scale_range'")])

_add("Halftone", lambda: A.Halftone(p=1.0),
     [({"dot_size_range": (1, 4)}, ValueError, "'dot_size_range'"),
      ({"blend_range": (0.5, 0.2)}, ValueError, "'blend_range'")])

_add("Spatter", lambda: A.Spatter(mode="mud", std_range=(0.3, 0.5), p=1.0),
     [({"mode": "snow"}, ValueError, "'mode'"), ({"gauss_sigma_range": (0, 2)}, ValueError,
                                                 "'gauss_sigma_range'"),
      ({"intensity_range": 2}, ValueError, "'intensity_range'")])

EXACT |= {"BBoxSubsetSafeRandomCrop"}
_add("BBoxSubsetSafeRandomCrop", lambda: A.BBoxSubsetSafeRandomCrop(erosion_rate=0.3),
     [({"subset_fraction_range": (0, 1)}, ValueError, "'subset_fraction_range'"),
      ({"erosion_rate": 2}, ValueError, "'erosion_rate'")])

_add("ChannelSwap", lambda: A.ChannelSwap((1, 2, 0)),
     [({"channel_order": (0, 0, 1)}, ValueError, "'channel_order'"),
      ({"channel_order": 2}, TypeError, "'channel_order'")], random=False)

_add("PhotoMetricDistort", lambda: A.PhotoMetricDistort(distort_p=0.8, p=1.0),
     [({"hue_range": (-0.6, 0)}, ValueError, "'hue_range'"), ({"distort_p": 2}, ValueError,
                                                              "'distort_p'")])

_add("AtmosphericFog", lambda: A.AtmosphericFog(depth_mode="radial", p=1.0),
     [({"depth_mode": "sky"}, ValueError, "'depth_mode'"), ({"fog_value": 200}, ValueError,
                                                            "'fog_value'")])


def _check_normalize(inp: dict, out: dict) -> None:
    """Normalize is the one image op whose output dtype differs: always float32."""
    assert out["image"].dtype == np.float32 and out["image"].shape == inp["image"].shape
    expected = (inp["image"] / 255.0 - np.array([0.485, 0.456, 0.406])) / np.array(
        [0.229, 0.224, 0.225])
    np.testing.assert_allclose(out["image"], expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(out["mask"], inp["mask"])
    np.testing.assert_array_equal(out["bboxes"], [BOX])


add("Normalize", Case(build=lambda: A.Normalize(), data=image_data, random=False,
                      bad_args=[({"std": (0.2, 0.0, 0.2)}, ValueError, "'std'"),
                                ({"mean": "imagenet"}, TypeError, "'mean'")],
                      check=_check_normalize))


# -- policies over the image ops (augkit.policies) ------------------------------------------
def _check_policy_output(inp: dict, out: dict) -> None:
    """A policy runs leaf ops, geometric or not: sizes, dtypes and target structure hold."""
    assert out["image"].shape == inp["image"].shape and out["image"].dtype == inp["image"].dtype
    assert out["mask"].shape == out["image"].shape[:2] and out["mask"].dtype == inp["mask"].dtype
    assert set(np.unique(out["mask"])) <= {0, 1}, "mask values were interpolated"
    assert len(out["bboxes"]) == len(out["labels"])
    assert np.asarray(out["keypoints"]).shape == (2, 2)


def _autoaugment():
    from augkit.policies import AutoAugment

    return AutoAugment("cifar10")  # geometric and colour ops


add("AutoAugment", Case(build=_autoaugment, data=image_data, check=_check_policy_output,
                        bad_args=[({"policy": "coco"}, ValueError, "'policy'"),
                                  ({"levels": "timm"}, ValueError, "'levels'")]))

# -- medical imaging artifacts (augkit.image.medical) -------------------------------------------
_add("BiasField", lambda: A.BiasField(p=1.0),
     [({"coefficients": 3}, ValueError, "'coefficients'"),
      ({"order": 1.5}, TypeError, "'order'"), ({"order": -1}, ValueError, "'order'")])
_add("RicianNoise", lambda: A.RicianNoise(std_range=(0.05, 0.1), p=1.0),
     [({"std_range": (0.2, 0.1)}, ValueError, "'std_range'"),
      ({"std_range": "x"}, TypeError, "'std_range'")])
_add("GibbsRinging", lambda: A.GibbsRinging(keep_fraction=(0.2, 0.5), axis="both", p=1.0),
     [({"keep_fraction": 1.5}, ValueError, "'keep_fraction'"),
      ({"axis": "z"}, ValueError, "'axis'")])
_add("KSpaceSpike", lambda: A.KSpaceSpike(num_spikes=(1, 3), p=1.0),
     [({"num_spikes": 0}, ValueError, "'num_spikes'"),
      ({"num_spikes": 1.5}, TypeError, "'num_spikes'"),
      ({"intensity": (-1, 2)}, ValueError, "'intensity'")])
_add("Ghosting", lambda: A.Ghosting(p=1.0),
     [({"num_ghosts": 1}, ValueError, "'num_ghosts'"), ({"intensity": 2}, ValueError,
                                                         "'intensity'"),
      ({"axis": 0}, ValueError, "'axis'"), ({"restore": -0.1}, ValueError, "'restore'")])
_add("MotionArtifact", lambda: A.MotionArtifact(degrees=15, translation=0.1, p=1.0),
     [({"degrees": 200}, ValueError, "'degrees'"), ({"translation": 0.7}, ValueError,
                                                     "'translation'"),
      ({"num_transforms": 0}, ValueError, "'num_transforms'")])
_add("Anisotropy", lambda: A.Anisotropy(factor=(2, 6), p=1.0),
     [({"factor": 0.5}, ValueError, "'factor'"),
      ({"interpolation": "bicubic"}, ValueError, "'interpolation'")])
_add("HEStain", lambda: A.HEStain(alpha=0.2, beta=0.2, p=1.0),
     [({"alpha": -0.1}, ValueError, "'alpha'"), ({"beta": "x"}, TypeError, "'beta'"),
      ({"method": "reinhard"}, ValueError, "'method'")])
_add("AnnotationBurnIn", lambda: A.AnnotationBurnIn(num_marks=(2, 4), p=1.0),
     [({"num_marks": (3, 1)}, ValueError, "'num_marks'"),
      ({"kinds": ["text", "circle"]}, ValueError, "'kinds'"),
      ({"kinds": "text"}, TypeError, "'kinds'"), ({"size": 2}, ValueError, "'size'")])
