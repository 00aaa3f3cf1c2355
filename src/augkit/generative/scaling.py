"""What a generative model knows about its data: kind, shape, dtype, classes, and the map
between the source's values and the networks' range (numpy only).

Images: integers scaled from ``[0, dtype max]`` (uint8, uint16) or floats from ``[0, 1]`` to
``[-1, 1]`` (the generator ends in tanh), and back with rounding and clipping to the source
dtype. Series: standardised per channel with the training set's mean and standard deviation
(the generator's output is linear), and back to the source float dtype.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from augkit.core.limits import short_repr

KINDS = ("image", "timeseries")
IMAGE_DTYPES = ("uint8", "uint16", "float32", "float64")
SERIES_DTYPES = ("float32", "float64")
MIN_SIDE, MAX_SIDE = 28, 64
MAX_CHANNELS_IMAGE = 3


@dataclass
class DataSpec:
    """The data a model was trained on: ``kind`` (image / timeseries), one sample's
    ``shape`` ((H, W, C) or (T, C)), the source ``dtype``, ``class_names`` and the training
    ``counts`` per class; ``mean`` / ``std`` per channel (series only)."""

    kind: str
    shape: tuple[int, ...]
    dtype: str
    class_names: list[str]
    counts: list[int]
    squeeze: bool = False  # the source had no channel axis ((N, H, W) / (N, T))
    mean: list[float] = field(default_factory=list)
    std: list[float] = field(default_factory=list)

    @property
    def classes(self) -> int:
        return len(self.class_names)

    @property
    def channels(self) -> int:
        return self.shape[-1]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["shape"] = list(self.shape)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataSpec:
        return cls(**{**data, "shape": tuple(data["shape"])})

    # -- source values <-> network values ----------------------------------------------------
    def to_network(self, x: np.ndarray) -> np.ndarray:
        """Source samples (N, *shape) -> float32 in the networks' range."""
        x = np.asarray(x)
        if self.kind == "image":
            top = float(np.iinfo(x.dtype).max) if x.dtype.kind == "u" else 1.0
            return (x.astype(np.float32) * (2.0 / top) - 1.0).astype(np.float32)
        mean, std = np.asarray(self.mean), np.asarray(self.std)
        return ((np.nan_to_num(x.astype(np.float64)) - mean) / std).astype(np.float32)

    def from_network(self, x: np.ndarray) -> np.ndarray:
        """Network outputs (N, *shape) float -> samples in the source's dtype and layout."""
        dtype = np.dtype(self.dtype)
        if self.kind == "image":
            unit = (np.clip(x, -1.0, 1.0) + 1.0) * 0.5
            if dtype.kind == "u":
                top = np.iinfo(dtype).max
                out = np.rint(unit * top).astype(dtype)
            else:
                out = unit.astype(dtype)
        else:
            out = (x.astype(np.float64) * np.asarray(self.std) + np.asarray(self.mean)
                   ).astype(dtype)
        return out[..., 0] if self.squeeze else out


def _fail(argument: str, value: Any, allowed: str) -> ValueError:
    return ValueError(f"augkit.generative: {argument} got {value}; {allowed}")


def describe(x: Any, y: Any, class_names: list[str] | None = None,
             kind: str | None = None) -> tuple[DataSpec, np.ndarray, np.ndarray]:
    """Check training data and return its spec, the samples with a channel axis and the
    labels as int64. ``kind`` None: images for integer arrays or 3-4 dims, else series."""
    x = np.asarray(x)
    y = np.asarray(y)
    if x.ndim < 2 or x.shape[0] == 0:
        raise _fail("inputs", f"an array of shape {x.shape}",
                    "expected images (N, H, W[, C]) or series (N, T[, C]) with N >= 1")
    if kind is None:
        kind = "image" if (x.dtype.kind == "u" or x.ndim == 4) else "timeseries"
    if kind not in KINDS:
        raise _fail("kind", short_repr(kind), f"expected one of {', '.join(KINDS)}")
    if y.ndim != 1 or y.size != x.shape[0] or y.dtype.kind not in "iu":
        raise _fail("labels", f"{y.dtype} array of shape {y.shape}",
                    f"expected {x.shape[0]} integer class indices (one per sample)")
    if y.min() < 0:
        raise _fail("labels", f"minimum {int(y.min())}", "expected class indices >= 0")
    classes = int(y.max()) + 1 if class_names is None else len(class_names)
    if y.max() >= classes:
        raise _fail("labels", f"maximum {int(y.max())}",
                    f"expected indices below the {classes} class names")
    names = [str(c) for c in (class_names or range(classes))]
    counts = np.bincount(y, minlength=classes).astype(int).tolist()
    squeeze = False
    if kind == "image":
        if x.ndim == 3:
            x, squeeze = x[..., None], True
        if x.ndim != 4:
            raise _fail("images", f"an array of shape {x.shape}", "expected (N, H, W[, C])")
        h, w, c = x.shape[1:]
        if not (MIN_SIDE <= h <= MAX_SIDE and MIN_SIDE <= w <= MAX_SIDE):
            raise _fail("images", f"size {h}x{w} (HxW)", f"expected sides in [{MIN_SIDE}, "
                        f"{MAX_SIDE}]; resize first (augkit: --size 28x28)")
        if c not in (1, MAX_CHANNELS_IMAGE):
            raise _fail("images", f"{c} channels", "expected 1 (grey) or 3 (RGB)")
        if x.dtype.name not in IMAGE_DTYPES:
            raise _fail("images", f"dtype {x.dtype}", f"expected one of {', '.join(IMAGE_DTYPES)}")
        spec = DataSpec("image", (h, w, c), x.dtype.name, names, counts, squeeze)
        return spec, x, y.astype(np.int64)
    if x.ndim == 2:
        x, squeeze = x[..., None], True
    if x.ndim != 3:
        raise _fail("series", f"an array of shape {x.shape}", "expected (N, T[, C])")
    if x.shape[1] < 8:
        raise _fail("series", f"length {x.shape[1]}", "expected at least 8 steps")
    dtype = x.dtype.name if x.dtype.name in SERIES_DTYPES else "float64"
    values = x.astype(np.float64)
    if not np.isfinite(values).all():
        raise _fail("series", "NaN or infinite values", "expected finite values (fill gaps "
                    "first)")
    mean = values.mean(axis=(0, 1))
    std = values.std(axis=(0, 1))
    std = np.where(std > 0, std, 1.0)
    spec = DataSpec("timeseries", tuple(x.shape[1:]), dtype, names, counts, squeeze,
                    mean.tolist(), std.tolist())
    return spec, x, y.astype(np.int64)


def balance_counts(counts: list[int]) -> list[int]:
    """Synthetic samples per class that bring every class up to the majority count."""
    top = max(counts)
    return [top - c for c in counts]
