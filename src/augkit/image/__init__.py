"""Image augmentation with aligned targets (masks, boxes, keypoints).

>>> import numpy as np
>>> from augkit import Compose
>>> from augkit import image as A
>>> aug = Compose([A.HorizontalFlip(p=1.0)], targets={"bbox_format": "coco"})
>>> out = aug(image=np.zeros((10, 20, 3), np.uint8), bboxes=[[2, 3, 4, 5]], labels=["cat"])
>>> out["bboxes"].tolist(), out["labels"]
([[14.0, 3.0, 4.0, 5.0]], ['cat'])
"""

from augkit.image.base import GeometricTransform, ImageTransform
from augkit.image.blur import Blur, MedianBlur, MotionBlur
from augkit.image.blur_noise import GaussianBlur, GaussianNoise, SaltAndPepper
from augkit.image.channels import ChannelShuffle, RGBShift
from augkit.image.color import (
    AutoContrast,
    Brightness,
    BrightnessContrast,
    ColorJitter,
    Contrast,
    Equalize,
    Exposure,
    Gamma,
    Grayscale,
    HueSaturationValue,
    Invert,
    Posterize,
    Saturation,
    Sharpness,
    Solarize,
)
from augkit.image.compression import ImageCompression
from augkit.image.crops2 import (
    AtLeastOneBBoxRandomCrop,
    BBoxSafeRandomCrop,
    BBoxSubsetSafeRandomCrop,
    Crop,
    CropAndPad,
    CropNonEmptyMaskIfExists,
    PadIfNeeded,
    RandomCropFromBorders,
    RandomSizedCrop,
)
from augkit.image.distortion import (
    ElasticTransform,
    GridDistortion,
    OpticalDistortion,
    Perspective,
    ShiftScaleRotate,
)
from augkit.image.domain import FDA, HistogramMatching, PixelDistributionAdaptation
from augkit.image.dropout import ChannelDropout, GridDropout
from augkit.image.effects import (
    Downscale,
    Emboss,
    FrequencyMasking,
    Morphological,
    MultiplicativeNoise,
    PixelDropout,
    TimeMasking,
    UnsharpMask,
    XYMasking,
)
from augkit.image.filters import AdditiveNoise, ChannelSwap, Enhance, StochasticConvolution
from augkit.image.fit import RandomScale, SafeRotate
from augkit.image.geometric import (
    Affine,
    CenterCrop,
    HorizontalFlip,
    Pad,
    RandomCrop,
    RandomResizedCrop,
    RandomRotate90,
    Resize,
    Rotate,
    Shear,
    Translate,
    Transpose,
    VerticalFlip,
    Zoom,
)
from augkit.image.instances import ConstrainedCoarseDropout, MaskDropout
from augkit.image.levels import CLAHE, Normalize
from augkit.image.light import (
    AtmosphericFog,
    Illumination,
    PlasmaBrightnessContrast,
    PlasmaShadow,
    Spatter,
)
from augkit.image.medical import (
    Anisotropy,
    AnnotationBurnIn,
    BiasField,
    Ghosting,
    GibbsRinging,
    HEStain,
    KSpaceSpike,
    MotionArtifact,
    RicianNoise,
)
from augkit.image.mix import CopyAndPaste, CutMix, MixUp, Mosaic
from augkit.image.noise import ISONoise, ShotNoise
from augkit.image.occlusion import Cutout, RandomErasing
from augkit.image.optics import (
    AdvancedBlur,
    ChromaticAberration,
    Defocus,
    Dithering,
    FilmGrain,
    GlassBlur,
    Halftone,
    RingingOvershoot,
    ZoomBlur,
)
from augkit.image.resize import LongestMaxSize, RandomSizedBBoxSafeCrop, SmallestMaxSize
from augkit.image.symmetry import RandomGridShuffle, SquareSymmetry
from augkit.image.targets import BOX_FORMATS, boxes_from_xyxy, boxes_to_xyxy
from augkit.image.tone import (
    ExposureMatching,
    FancyPCA,
    PhotoMetricDistort,
    PlanckianJitter,
    RandomToneCurve,
    ToSepia,
    Vignetting,
)
from augkit.image.warps import (
    GridElasticDeform,
    PiecewiseAffine,
    ThinPlateSpline,
    WaterRefraction,
)
from augkit.image.weather import (
    LowLight,
    RandomFog,
    RandomRain,
    RandomShadow,
    RandomSnow,
    RandomSunFlare,
)

__all__ = [
    "BOX_FORMATS", "Affine", "AutoContrast", "Brightness", "BrightnessContrast", "CenterCrop",
    "ColorJitter", "Contrast", "Cutout", "Equalize", "Exposure", "Gamma", "GaussianBlur",
    "GaussianNoise", "GeometricTransform", "Grayscale", "HorizontalFlip", "HueSaturationValue",
    "ImageTransform", "Invert", "Pad", "Posterize", "RandomCrop", "RandomErasing",
    "RandomResizedCrop", "RandomRotate90", "Resize", "Rotate", "SaltAndPepper", "Saturation",
    "Sharpness", "Shear", "Solarize", "Translate", "Transpose", "VerticalFlip", "Zoom",
    "boxes_from_xyxy", "boxes_to_xyxy",
    # warps, resizing (augkit.image.distortion, augkit.image.resize)
    "ElasticTransform", "GridDistortion", "LongestMaxSize", "OpticalDistortion", "Perspective",
    "RandomSizedBBoxSafeCrop", "ShiftScaleRotate", "SmallestMaxSize",
    # blur, channels, levels, compression, noise, dropout, weather
    "Blur", "CLAHE", "ChannelDropout", "ChannelShuffle", "GridDropout", "ISONoise",
    "ImageCompression", "LowLight", "MedianBlur", "MotionBlur", "Normalize", "RGBShift",
    "RandomFog", "RandomRain", "RandomShadow", "RandomSnow", "RandomSunFlare", "ShotNoise",
    # medical imaging artifacts (augkit.image.medical)
    "AnnotationBurnIn", "Anisotropy", "BiasField", "Ghosting", "GibbsRinging", "HEStain",
    "KSpaceSpike", "MotionArtifact", "RicianNoise",
    # batch-only mixing (augkit.image.mix)
    "CopyAndPaste", "CutMix", "MixUp", "Mosaic",
    # symmetries and grid shuffles (augkit.image.symmetry)
    "RandomGridShuffle", "SquareSymmetry",
    # crops and pads (augkit.image.crops2)
    "AtLeastOneBBoxRandomCrop", "Crop", "CropAndPad", "CropNonEmptyMaskIfExists", "PadIfNeeded",
    "RandomSizedCrop", "BBoxSafeRandomCrop", "BBoxSubsetSafeRandomCrop", "RandomCropFromBorders",
    # rotations and scalings that keep the whole image (augkit.image.fit)
    "RandomScale", "SafeRotate",
    # smooth random warps (augkit.image.warps)
    "GridElasticDeform", "PiecewiseAffine", "ThinPlateSpline", "WaterRefraction",
    # tone and colour casts (augkit.image.tone)
    "ExposureMatching", "FancyPCA", "PhotoMetricDistort", "PlanckianJitter", "RandomToneCurve",
    "ToSepia", "Vignetting",
    # lens and camera effects (augkit.image.optics)
    "AdvancedBlur", "ChromaticAberration", "Defocus", "Dithering", "FilmGrain", "GlassBlur",
    "Halftone", "RingingOvershoot", "ZoomBlur",
    # lighting fields (augkit.image.light)
    "AtmosphericFog", "Illumination", "PlasmaBrightnessContrast", "PlasmaShadow", "Spatter",
    # domain adaptation towards reference images (augkit.image.domain)
    "FDA", "HistogramMatching", "PixelDistributionAdaptation",
    # pixel effects and stripe masks (augkit.image.effects)
    "Downscale", "Emboss", "FrequencyMasking", "Morphological", "MultiplicativeNoise",
    "PixelDropout", "TimeMasking", "UnsharpMask", "XYMasking",
    # small filters and additive noise (augkit.image.filters)
    "AdditiveNoise", "ChannelSwap", "Enhance", "StochasticConvolution",
    # object-level dropout (augkit.image.instances)
    "ConstrainedCoarseDropout", "MaskDropout",
]
