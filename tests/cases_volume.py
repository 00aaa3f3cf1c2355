"""Conformance cases for volume transforms, and the volume output rules they are checked by."""

from __future__ import annotations

import numpy as np

from augkit import volume as V
from augkit.volume.base import SpatialTransform
from tests.conformance_cases import Case, add

SHAPE = (12, 20, 24)


def volume_data(rng: np.random.Generator) -> dict:
    mask = np.zeros(SHAPE, np.uint8)
    mask[3:9, 5:15, 6:18] = 1
    mask[5:7, 8:12, 9:14] = 2
    volume = (rng.random(SHAPE, dtype=np.float32) * 0.1 + mask * 0.4).astype(np.float32)
    return {"volume": volume, "mask": mask, "masks": [mask > 0], "spacing": (2.0, 1.0, 1.0)}


def check_volume_output(name: str):
    spatial = issubclass(getattr(V, name), SpatialTransform)

    def check(inp: dict, out: dict) -> None:
        vol, result = inp["volume"], out["volume"]
        assert result.dtype == vol.dtype and result.ndim == vol.ndim
        assert out["mask"].shape == result.shape[:3], "mask and volume sizes differ"
        assert out["mask"].dtype == inp["mask"].dtype
        assert set(np.unique(out["mask"])) <= {0, 1, 2}, "label values were interpolated"
        assert len(out["masks"]) == 1 and out["masks"][0].dtype == np.bool_
        assert out["masks"][0].shape == result.shape[:3]
        assert len(out["spacing"]) == 3 and all(s > 0 for s in out["spacing"])
        if not spatial:
            assert result.shape == vol.shape
            np.testing.assert_array_equal(out["mask"], inp["mask"])
            assert out["spacing"] == inp["spacing"]
            return
        # the bool map of "label > 0" moved with the label map
        if name not in ("CoarseDropout3D",):
            np.testing.assert_array_equal(out["masks"][0], out["mask"] > 0)

    return check


def _add(name: str, build, bad_args, random: bool = True) -> None:
    add(name, Case(build=build, data=volume_data, bad_args=bad_args,
                   check=check_volume_output(name), random=random))


BAD_P = [({"p": -0.1}, ValueError, "'p'")]
_add("Flip3D", lambda: V.Flip3D(p=1.0), [({"axes": [3]}, ValueError, "'axes'"),
                                         ({"axes": [0, 0]}, ValueError, "'axes'")])
_add("RandomRotate90_3D", lambda: V.RandomRotate90_3D(p=1.0),
     [({"planes": [(0, 0)]}, ValueError, "'planes'"), ({"planes": 3}, TypeError, "'planes'")])
_add("CubicSymmetry", lambda: V.CubicSymmetry(p=1.0),
     [({"proper_only": 1}, TypeError, "'proper_only'")])
_add("Affine3D", lambda: V.Affine3D(degrees=20, scale=(0.8, 1.2), translation=3, shear=0.1,
                                    p=1.0),
     [({"degrees": 200}, ValueError, "'degrees'"), ({"scale": (2.0, 1.0)}, ValueError,
                                                    "'scale'"),
      ({"degrees": "x"}, TypeError, "'degrees'"), ({"fill": float("nan")}, ValueError,
                                                   "'fill'")])
_add("ElasticTransform3D",
     lambda: V.ElasticTransform3D(control_points=5, max_displacement=3.0, p=1.0),
     [({"control_points": 2}, ValueError, "'control_points'"),
      ({"max_displacement": -1}, ValueError, "'max_displacement'")])
_add("RandomCrop3D", lambda: V.RandomCrop3D(size=(8, 12, 16)),
     [({"size": 0}, ValueError, "'size'"), ({"size": (1, 2)}, ValueError, "'size'")])
_add("RandomResizedCrop3D", lambda: V.RandomResizedCrop3D(size=(10, 16, 16)),
     [({"scale": (0, 1)}, ValueError, "'scale'"), ({"ratio": (2, 1)}, ValueError, "'ratio'")])
_add("CenterCrop3D", lambda: V.CenterCrop3D(size=(8, 12, 16)),
     [({"size": 1.5}, TypeError, "'size'")], random=False)
_add("ForegroundCrop3D", lambda: V.ForegroundCrop3D(size=(6, 8, 8), pos=1.0, neg=1.0),
     [({"pos": -1}, ValueError, "'pos'"), ({"pos": 0, "neg": 0}, ValueError, "'pos'"),
      ({"labels": "1"}, TypeError, "'labels'")])
_add("Pad3D", lambda: V.Pad3D(padding=(1, 2, 0, 3, 2, 0)),
     [({"padding": -1}, ValueError, "'padding'"), ({"mode": "wrap"}, ValueError, "'mode'")],
     random=False)
_add("PadIfNeeded3D", lambda: V.PadIfNeeded3D(min_shape=(16, 16, 30)),
     [({"min_shape": (0, 1, 1)}, ValueError, "'min_shape'")], random=False)
_add("Resize3D", lambda: V.Resize3D(shape=(9, 16, 30)),
     [({"shape": (0, 4, 4)}, ValueError, "'shape'"),
      ({"interpolation": "area"}, ValueError, "'interpolation'")], random=False)
_add("Resample3D", lambda: V.Resample3D(spacing=(1.0, 1.5, 1.5)),
     [({"spacing": (0, 1, 1)}, ValueError, "'spacing'")], random=False)
_add("CoarseDropout3D", lambda: V.CoarseDropout3D(num_holes=(2, 4), hole_size=(0.2, 0.4),
                                                  mask_fill=0, p=1.0),
     [({"num_holes": (0, 2)}, ValueError, "'num_holes'"),
      ({"hole_size": (0.5, 2.0)}, ValueError, "'hole_size'"),
      ({"mask_fill": -1}, ValueError, "'mask_fill'")])
_add("GridShuffle3D", lambda: V.GridShuffle3D(grid=(2, 2, 3), p=1.0),
     [({"grid": (1, 1, 1)}, ValueError, "'grid'"), ({"grid": (2, 0, 2)}, ValueError, "'grid'")])
_add("GaussianNoise3D", lambda: V.GaussianNoise3D(std=(0.02, 0.1), p=1.0),
     [({"std": (-1, 1)}, ValueError, "'std'"), ({"mean": "a"}, TypeError, "'mean'")])
_add("RicianNoise3D", lambda: V.RicianNoise3D(p=1.0), [({"std": 20}, ValueError, "'std'")])
_add("Gamma3D", lambda: V.Gamma3D(p=1.0), [({"gamma": (0, 2)}, ValueError, "'gamma'")])
_add("BrightnessContrast3D", lambda: V.BrightnessContrast3D(p=1.0),
     [({"contrast": (-2, 0)}, ValueError, "'contrast'")])
_add("RescaleIntensity3D", lambda: V.RescaleIntensity3D(percentiles=(1, 99)),
     [({"percentiles": (50, 10)}, ValueError, "'percentiles'")], random=False)
_add("BiasField3D", lambda: V.BiasField3D(coefficients=0.4, order=2, p=1.0),
     [({"order": 9}, ValueError, "'order'"), ({"coefficients": 3}, ValueError,
                                              "'coefficients'")])
_add("Anisotropy3D", lambda: V.Anisotropy3D(downsampling=(2, 4), axes=(0, 1, 2), p=1.0),
     [({"downsampling": (0.5, 2)}, ValueError, "'downsampling'"),
      ({"axes": [5]}, ValueError, "'axes'"),
      ({"interpolation": "area"}, ValueError, "'interpolation'")])
_add("GibbsRinging3D", lambda: V.GibbsRinging3D(p=1.0),
     [({"keep_fraction": (0.5, 2)}, ValueError, "'keep_fraction'"),
      ({"axis": "z"}, ValueError, "'axis'")])
_add("Ghosting3D", lambda: V.Ghosting3D(p=1.0),
     [({"num_ghosts": (0, 3)}, ValueError, "'num_ghosts'"), ({"axis": "z"}, ValueError,
                                                             "'axis'")])
