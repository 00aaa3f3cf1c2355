"""3-D volume augmentation (CT, MR, microscopy stacks) with aligned label maps.

Call with keywords: ``aug(volume=v, mask=labels, masks=[...], spacing=(sz, sy, sx))``. ``v``
is (D, H, W) or (D, H, W, C), uint8, uint16, int16 or float32; label maps are (D, H, W) bool
or integer arrays and move with every spatial op (nearest neighbour); ``spacing`` is the
voxel size in mm, honoured by the affine and elastic warps and updated by ops that change
the grid. See docs/volumes.md.

>>> import numpy as np
>>> import augkit
>>> from augkit import volume as V
>>> aug = augkit.Compose([V.Flip3D(p=1.0), V.Affine3D(degrees=15, p=1.0),
...                       V.RandomCrop3D(size=(8, 16, 16))], seed=0)
>>> v = np.random.default_rng(0).random((12, 24, 24), dtype=np.float32)
>>> out = aug(volume=v, mask=(v > 0.5).astype(np.uint8), spacing=(2.0, 1.0, 1.0))
>>> out["volume"].shape, out["mask"].shape, out["spacing"]
((8, 16, 16), (8, 16, 16), (2.0, 1.0, 1.0))
"""

from augkit.volume import targets as _targets  # noqa: F401  (registers the adapter)
from augkit.volume.base import SpatialTransform, VolumeTransform
from augkit.volume.intensity import (
    Anisotropy3D,
    BiasField3D,
    BrightnessContrast3D,
    Gamma3D,
    GaussianNoise3D,
    Ghosting3D,
    GibbsRinging3D,
    RescaleIntensity3D,
    RicianNoise3D,
)
from augkit.volume.spatial import (
    Affine3D,
    CenterCrop3D,
    CoarseDropout3D,
    CubicSymmetry,
    ElasticTransform3D,
    Flip3D,
    ForegroundCrop3D,
    GridShuffle3D,
    Pad3D,
    PadIfNeeded3D,
    RandomCrop3D,
    RandomResizedCrop3D,
    RandomRotate90_3D,
    Resample3D,
    Resize3D,
)

__all__ = [
    "Affine3D", "Anisotropy3D", "BiasField3D", "BrightnessContrast3D", "CenterCrop3D",
    "CoarseDropout3D", "CubicSymmetry", "ElasticTransform3D", "Flip3D", "ForegroundCrop3D",
    "Gamma3D", "GaussianNoise3D", "Ghosting3D", "GibbsRinging3D", "GridShuffle3D", "Pad3D",
    "PadIfNeeded3D", "RandomCrop3D", "RandomResizedCrop3D", "RandomRotate90_3D", "Resample3D",
    "RescaleIntensity3D", "Resize3D", "RicianNoise3D", "SpatialTransform", "VolumeTransform",
]
