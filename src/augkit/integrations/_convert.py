"""Conversions shared by the integrations: what datasets hand over (numpy arrays, PIL
images, torch tensors) into what augkit transforms take, and back. torch and PIL are only
touched when the value is one of theirs (found by its type's module, never imported here)."""

from __future__ import annotations

from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.core.transform import Transform
from augkit.core.validate import fail

MODALITIES = ("image", "text", "timeseries")
INPUT_KEY = {"image": "image", "text": "text", "timeseries": "series"}
# PIL modes numpy reads as augkit images as they are; every other mode converts
_PIL_AS_IS = ("L", "RGB", "RGBA", "I;16", "I;16L", "I;16B", "F")


def is_pil(value: Any) -> bool:
    return type(value).__module__.startswith("PIL.") and hasattr(value, "convert")


def is_tensor(value: Any) -> bool:
    return type(value).__module__.startswith("torch") and hasattr(value, "detach")


def describe(value: Any) -> str:
    if isinstance(value, np.ndarray) or is_tensor(value):
        return f"{type(value).__name__} of shape {tuple(value.shape)} and dtype {value.dtype}"
    if is_pil(value):
        return f"PIL image of mode {value.mode!r} and size {value.size}"
    shown, kind = short_repr(value, 60), type(value).__name__
    return shown if shown.startswith(kind) else f"{kind} {shown}"


def check_pipeline(owner: str, pipeline: Any) -> Transform:
    if not isinstance(pipeline, Transform):
        fail(owner, "pipeline", pipeline, "expected an augkit transform, e.g. "
             "augkit.Compose([...], seed=0)", TypeError)
    return pipeline


def check_modality(owner: str, modality: Any, pipeline: Transform) -> str | None:
    """The modality given, else the pipeline's (None when both leave it open)."""
    if modality is not None and modality not in MODALITIES:
        fail(owner, "modality", modality, f"expected one of {', '.join(MODALITIES)} or None")
    own = None if pipeline.modality == "any" else pipeline.modality
    if modality is not None and own is not None and modality != own:
        raise ValueError(f"{owner}: modality={modality!r} does not match the pipeline's "
                         f"modality {own!r}")
    return modality or own


def guess_modality(owner: str, value: Any) -> str:
    """For pipelines of modality 'any' (e.g. an empty Compose): text for a str, image for a
    PIL image; anything else is ambiguous."""
    if isinstance(value, str):
        return "text"
    if is_pil(value):
        return "image"
    raise ValueError(f"{owner}: cannot tell the modality of {describe(value)} with a pipeline "
                     "of modality 'any'; pass modality='image', 'text' or 'timeseries'")


def image_array(value: Any, where: str) -> np.ndarray:
    """An augkit image (HxW[xC], uint8 or float32) from a numpy array (HxW[xC]), a PIL image
    or a tensor (CxHxW, the torch layout; HxW). uint16 pixels become float32 in [0, 1]."""
    if is_pil(value):
        if value.mode not in _PIL_AS_IS:
            alpha = "A" in value.mode or "transparency" in value.info
            value = value.convert("L" if value.mode == "1" else "RGBA" if alpha else "RGB")
        arr = np.asarray(value)
    elif is_tensor(value):
        if value.ndim not in (2, 3):
            raise ValueError(f"{where}: got a {describe(value)}; expected a CxHxW or HxW "
                             "tensor")
        arr = value.detach().cpu().numpy()
        if arr.ndim == 3:
            arr = np.ascontiguousarray(arr.transpose(1, 2, 0))
    elif isinstance(value, np.ndarray):
        arr = value
    else:
        raise TypeError(f"{where}: got {describe(value)}; expected an image: an HxW[xC] numpy "
                        "array, a PIL image or a CxHxW tensor")
    if arr.dtype == np.uint16:
        return (arr.astype(np.float32) / np.float32(65535)).astype(np.float32)
    if arr.dtype == np.float64:
        return arr.astype(np.float32)
    if arr.dtype not in (np.uint8, np.float32):
        raise TypeError(f"{where}: got {describe(value)}; expected uint8, uint16 or float32 "
                        "pixels")
    return arr


def series_array(value: Any, where: str) -> np.ndarray:
    """A (T, C) or (T,) series from a numpy array, a tensor or a list of numbers."""
    if is_tensor(value):
        value = value.detach().cpu().numpy()
    if isinstance(value, (list, tuple)):
        value = np.asarray(value, dtype=np.float64)
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiu":
        raise TypeError(f"{where}: got {describe(value)}; expected a series: a (T, C) or (T,) "
                        "numeric array or tensor")
    return value


def text_value(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{where}: got {describe(value)}; expected a str for a text pipeline")
    return value


def to_input(modality: str, value: Any, where: str) -> Any:
    if modality == "image":
        return image_array(value, where)
    if modality == "text":
        return text_value(value, where)
    return series_array(value, where)
