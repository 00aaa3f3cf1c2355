"""Level transforms: CLAHE (local contrast) and Normalize (mean / std standardisation)."""

from __future__ import annotations

from numbers import Real

from augkit.core.validate import check_number, check_range, fail
from augkit.image.base import ImageTransform
from augkit.image.functional import levels as K


class CLAHE(ImageTransform):
    """Contrast-limited adaptive histogram equalisation (Zuiderveld 1994).

    Histograms are equalised per tile of a ``tile_grid_size`` (rows, columns) grid, each
    clipped at ``clip_limit`` (drawn from the range) times the mean bin height. RGB images are
    equalised on lightness (LAB L channel), others per channel.

    >>> import numpy as np
    >>> img = (np.arange(64 * 64) % 7 + 100).astype(np.uint8).reshape(64, 64)
    >>> out = CLAHE(clip_limit=(4, 4), tile_grid_size=(2, 2), p=1.0)(image=img)["image"]
    >>> bool(out.std() > img.std())  # local contrast stretched
    True
    """

    guard_nonfinite = True  # 8-bit tiles and histograms

    def __init__(self, clip_limit: float | tuple[float, float] = (1.0, 4.0),
                 tile_grid_size: tuple[int, int] = (8, 8), p: float = 0.5):
        super().__init__(p=p)
        self.clip_limit = check_range(self, "clip_limit", clip_limit, 1e-3, 1000)
        if not isinstance(tile_grid_size, (list, tuple)) or len(tile_grid_size) != 2:
            fail(self, "tile_grid_size", tile_grid_size, "expected (rows, columns)", TypeError)
        self.tile_grid_size = tuple(check_number(self, "tile_grid_size", v, 1, 1024,
                                                 integer=True) for v in tile_grid_size)

    def sample(self, rng, state):
        return {"clip_limit": float(rng.uniform(*self.clip_limit))}

    def apply_image(self, image, params):
        return K.clahe(image, params["clip_limit"], self.tile_grid_size)


class Normalize(ImageTransform):
    """Standardise: ``(value / full scale - mean) / std`` per channel; the output is float32
    (usually the last step before a model). ``mean`` and ``std`` are fractions of full scale,
    one per channel or a single value for all; defaults are the ImageNet statistics.

    >>> import numpy as np
    >>> Normalize(mean=0.5, std=0.5)(image=np.array([[0, 255]], np.uint8))["image"]
    array([[-1.,  1.]], dtype=float32)
    """

    keep_alpha = False  # every channel is standardised (give 4 values for RGBA)
    float_output = True

    def __init__(self, mean: float | tuple[float, ...] = (0.485, 0.456, 0.406),
                 std: float | tuple[float, ...] = (0.229, 0.224, 0.225), p: float = 1.0):
        super().__init__(p=p)
        self.mean = self._values("mean", mean, -1e6)
        self.std = self._values("std", std, 1e-12)

    def _values(self, name, value, lo):
        if isinstance(value, Real) and not isinstance(value, bool):
            return check_number(self, name, value, lo, 1e6)
        if not isinstance(value, (list, tuple)) or not value:
            fail(self, name, value, "expected a number or one number per channel", TypeError)
        return tuple(check_number(self, name, v, lo, 1e6) for v in value)

    def apply_image(self, image, params):
        channels = 1 if image.ndim == 2 else image.shape[2]
        mean = [self.mean] if isinstance(self.mean, float) else list(self.mean)
        std = [self.std] if isinstance(self.std, float) else list(self.std)
        for name, values in (("mean", mean), ("std", std)):
            if len(values) not in (1, channels):
                default = " (the defaults are ImageNet RGB statistics)" if (
                    values == [0.485, 0.456, 0.406] or values == [0.229, 0.224, 0.225]) else ""
                raise ValueError(f"Normalize: '{name}' has {len(values)} values for an image "
                                 f"with {channels} channel(s){default}; give 1 or {channels}")
        if image.ndim == 2:
            return K.normalize(image, mean[:1], std[:1])
        return K.normalize(image, mean, std)
