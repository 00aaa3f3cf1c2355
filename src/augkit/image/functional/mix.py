"""Mixing kernels: samples of a batch blended (MixUp), pasted (CutMix), tiled (Mosaic) or
pasted instance by instance (CopyAndPaste).

Pure functions of the batch and the drawn parameters (partners, weights, rectangles).
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.core.limits import check_output_bytes
from augkit.image.functional.geometric import resize


def soft_labels(label: np.ndarray, num_classes: int | None, owner: str) -> np.ndarray:
    """Per-sample labels as float (N, K) vectors: integer class ids become one-hot."""
    label = np.asarray(label)
    if label.ndim == 1 and label.dtype.kind in "iub":
        if num_classes is None:
            raise ValueError(f"{owner}: integer 'label' needs the argument 'num_classes' "
                             "(got None); or pass one-hot / soft label vectors")
        if label.size and (label.min() < 0 or label.max() >= num_classes):
            raise ValueError(f"{owner}: 'label' values must be in [0, {num_classes}); "
                             f"got {int(label.min())}..{int(label.max())}")
        n = len(label)
        check_output_bytes(owner, f"one-hot labels of {n} x {num_classes} float32",
                           4 * n * num_classes)
        one_hot = np.zeros((n, num_classes), np.float32)  # N x K rows only, never K x K
        one_hot[np.arange(n), label] = 1.0
        return one_hot
    if label.ndim != 2:
        raise ValueError(f"{owner}: 'label' must be N class ids or an (N, K) array; "
                         f"got shape {label.shape}")
    return label.astype(np.float32)


def mix_labels(y: np.ndarray, partners: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``sum_k weights[:, k] * y[sources[:, k]]`` with sources = [self, partners...]."""
    sources = np.column_stack([np.arange(len(y)), partners])
    return np.einsum("nk,nkc->nc", weights.astype(np.float32), y[sources])


def mixup(images: np.ndarray, partner: np.ndarray, lam: np.ndarray,
          applied: np.ndarray) -> np.ndarray:
    """``lam * x_i + (1 - lam) * x_partner`` per sample (rounded back for uint8 and uint16;
    float32 holds every 16-bit value exactly)."""
    shape = (-1,) + (1,) * (images.ndim - 1)
    w = np.where(applied, lam, 1.0).astype(np.float32).reshape(shape)
    out = images.astype(np.float32) * w + images[partner].astype(np.float32) * (1 - w)
    if images.dtype.kind == "u":
        return np.clip(np.rint(out), 0, np.iinfo(images.dtype).max).astype(images.dtype)
    return out


def paste(arrays: np.ndarray, partner: np.ndarray, rects: np.ndarray,
          applied: np.ndarray) -> np.ndarray:
    """Copy rectangle ``[top, left, bottom, right]`` of the partner into each sample."""
    out = arrays.copy()
    for i in np.flatnonzero(applied):
        t, left, b, r = (int(v) for v in rects[i])
        out[i, t:b, left:r] = arrays[partner[i], t:b, left:r]
    return out


def quadrants(height: int, width: int, cx: int, cy: int) -> list[tuple[int, int, int, int]]:
    """The four tiles (top, left, bottom, right) of a canvas split at (cx, cy):
    top-left, top-right, bottom-left, bottom-right."""
    return [(0, 0, cy, cx), (0, cx, cy, width), (cy, 0, height, cx), (cy, cx, height, width)]


def mosaic_one(arrays: list[np.ndarray], height: int, width: int, cx: int, cy: int,
               interpolation: str) -> np.ndarray:
    """Tile four arrays (each resized to its tile) on a ``height`` x ``width`` canvas."""
    first = arrays[0]
    out = np.zeros((height, width) + first.shape[2:], first.dtype)
    for src, (t, left, b, r) in zip(arrays, quadrants(height, width, cx, cy), strict=True):
        if b > t and r > left:
            out[t:b, left:r] = resize(src, b - t, r - left, interpolation)
    return out


# -- CopyAndPaste ------------------------------------------------------------------------------

def placement(src_hw: tuple[int, int], size: tuple[int, int], offset: tuple[int, int],
              out_hw: tuple[int, int]) -> tuple[int, int, int, int, np.ndarray, np.ndarray]:
    """Where a source of ``src_hw`` pixels, resized to ``size`` (h, w) and put with its
    top-left corner at ``offset`` (y, x), lands on an ``out_hw`` canvas: the destination
    rectangle (top, left, bottom, right) and, for its rows and columns, the source rows and
    columns that nearest-neighbour resizing reads there (pixel centres mapped onto pixel
    centres, the frame OpenCV's bilinear resize uses)."""
    (hs, ws), (nh, nw), (oy, ox), (h, w) = src_hw, size, offset, out_hw
    top, left = max(0, oy), max(0, ox)
    bottom, right = max(top, min(h, oy + nh)), max(left, min(w, ox + nw))
    rows = np.minimum(((np.arange(top - oy, bottom - oy) + 0.5) * hs / nh).astype(np.intp),
                      hs - 1)
    cols = np.minimum(((np.arange(left - ox, right - ox) + 0.5) * ws / nw).astype(np.intp),
                      ws - 1)
    return top, left, bottom, right, rows, cols


def resized_area(binary: np.ndarray, size: tuple[int, int]) -> int:
    """The pixel count of bool ``binary`` nearest-resized to ``size`` (without resizing)."""
    hs, ws = binary.shape
    nh, nw = size
    if (nh, nw) == (hs, ws):
        return int(np.count_nonzero(binary))
    rows = np.minimum(((np.arange(nh) + 0.5) * hs / nh).astype(np.intp), hs - 1)
    cols = np.minimum(((np.arange(nw) + 0.5) * ws / nw).astype(np.intp), ws - 1)
    per_row = np.bincount(rows, minlength=hs).astype(np.float64)
    per_col = np.bincount(cols, minlength=ws).astype(np.float64)
    used = np.flatnonzero(binary.any(axis=1))  # only the rows that hold the instance
    return int(round(float(per_row[used] @ (binary[used].astype(np.float64) @ per_col))))


def blend_region(dst: np.ndarray, src: np.ndarray, hard: np.ndarray,
                 sigma: float) -> np.ndarray:
    """``src`` over ``dst`` (same shape) where bool ``hard`` is set; with ``sigma`` > 0 the
    alpha is ``hard`` blurred by a Gaussian of that sigma (values in between blended in
    float32 and rounded back for integer dtypes). A pixel of alpha 0 keeps ``dst`` and one of
    alpha 1 takes ``src`` as it is (so NaN or inf stay where they were)."""
    if sigma <= 0:
        out = dst.copy()
        np.copyto(out, src, where=hard[..., None] if dst.ndim == 3 else hard)
        return out
    alpha = cv2.GaussianBlur(hard.astype(np.float32), (0, 0), sigmaX=float(sigma),
                             borderType=cv2.BORDER_REPLICATE)
    alpha[hard & (alpha > 1.0 - 1e-6)] = 1.0
    a = alpha[..., None] if dst.ndim == 3 else alpha
    with np.errstate(invalid="ignore", over="ignore"):  # (inf * 0 where the alpha is 0 or 1:
        mixed = dst.astype(np.float32) * (1.0 - a) + src.astype(np.float32) * a  # not used)
    if dst.dtype.kind == "u":
        mixed = np.clip(np.rint(mixed), 0, np.iinfo(dst.dtype).max)
    mixed = mixed.astype(dst.dtype)
    some = np.broadcast_to(a > 0, dst.shape)
    full = np.broadcast_to(a >= 1.0, dst.shape)
    return np.where(full, src, np.where(some, mixed, dst))
