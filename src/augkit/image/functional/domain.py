"""Domain-adaptation kernels: histogram matching, Fourier domain adaptation (FDA) and
pixel-distribution adaptation, each towards one reference image.

Images and references are read in [0, 1] units (uint8 / 255, uint16 / 65535 on its
carrier, float32 as it is) and may differ in size; results are blended with the input by
``blend`` (0: the input, 1: fully adapted) and come back in the input's dtype.
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.noise import to_dtype

PDA_TYPES = ("pca", "standard", "minmax")


def as_unit(img: np.ndarray) -> np.ndarray:
    """A float32 copy in [0, 1] units whatever the dtype, with a channel axis."""
    scale = {"B": 1 / 255, "H": 1 / 65535}.get(img.dtype.char, 1.0)
    out = img.astype(np.float32) * np.float32(scale)
    return out[:, :, None] if out.ndim == 2 else out


def _back(values: np.ndarray, img: np.ndarray, blend: float) -> np.ndarray:
    x = as_unit(img)
    if blend < 1.0:
        values = x + np.float32(blend) * (values - x)
    out = to_dtype(values.astype(np.float32, copy=False), img)
    return out.reshape(img.shape)


def channel_covariance(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(covariance, mean) of (N, C) float32 pixels, float64, normalised by N (one OpenCV
    pass: numpy's (N, 3) products were ~10x slower)."""
    cov, mean = cv2.calcCovarMatrix(pixels, None, cv2.COVAR_NORMAL | cv2.COVAR_ROWS
                                    | cv2.COVAR_SCALE)
    return np.atleast_2d(cov), mean.reshape(-1)


def sorted_channels(ref: np.ndarray) -> list[np.ndarray]:
    """Each channel's values in [0, 1] units, sorted: what histogram matching reads of a
    reference (worth caching per reference)."""
    r = as_unit(ref)
    return [np.sort(r[:, :, c].ravel()) for c in range(r.shape[2])]


def _quantile_values(quantiles: np.ndarray, ref_sorted: np.ndarray) -> np.ndarray:
    ref_q = (np.arange(ref_sorted.size) + 0.5) / ref_sorted.size
    return np.interp(quantiles, ref_q, ref_sorted)


def _match_channel(src: np.ndarray, ref_sorted: np.ndarray) -> np.ndarray:
    """Each value of ``src`` replaced by the value at the same quantile of the reference."""
    values, index, counts = np.unique(src.ravel(), return_inverse=True, return_counts=True)
    quantiles = (np.cumsum(counts) - 0.5 * counts) / src.size
    return _quantile_values(quantiles, ref_sorted).astype(np.float32)[index].reshape(src.shape)


def histogram_match(img: np.ndarray, ref_sorted: list[np.ndarray], blend: float) -> np.ndarray:
    """Per channel, the input's value distribution mapped onto the reference's (a rank
    mapping: ties stay ties), ``ref_sorted`` from :func:`sorted_channels`. uint8 images
    map their 256 levels through one table per channel (the general path's values, as its
    distinct values are those levels, rounded once)."""
    if img.dtype == np.uint8:
        planes = [img] if img.ndim == 2 else [img[:, :, c] for c in range(img.shape[2])]
        tables = []
        for plane, ref in zip(planes, ref_sorted, strict=True):
            counts = np.bincount(plane.ravel(), minlength=256).astype(np.float64)
            quantiles = (np.cumsum(counts) - 0.5 * counts) / plane.size
            matched = _quantile_values(quantiles, ref)
            levels = np.arange(256) / 255.0
            value = levels + blend * (matched - levels)
            tables.append(np.clip(np.rint(value * 255.0), 0, 255).astype(np.uint8))
        if img.ndim == 2:
            return cv2.LUT(img, tables[0])
        return np.stack([cv2.LUT(np.ascontiguousarray(p), t) for p, t in zip(planes, tables,
                                                                           strict=True)],
                        axis=2)
    x = as_unit(img)
    out = np.stack([_match_channel(x[:, :, c], ref_sorted[c]) for c in range(x.shape[2])],
                   axis=2)
    return _back(out, img, blend)


def _low_index(n: int, b: int) -> np.ndarray:
    """Indices of the frequencies -b..b of an n-point DFT (each once)."""
    return np.unique(np.r_[0:min(b, n - 1) + 1, max(n - b, 0):n])


def fda(img: np.ndarray, ref: np.ndarray, beta: float, blend: float) -> np.ndarray:
    """Yang and Soatto's FDA (CVPR 2020): the low-frequency amplitude spectrum of each
    channel (frequencies within ``beta * min(h, w)`` of zero along both axes: the centred
    square of the shifted spectrum) replaced by the reference's (resized to the input), the
    phase kept. OpenCV's float32 DFT."""
    x = as_unit(img)
    h, w = x.shape[:2]
    b = int(np.floor(min(h, w) * beta))
    if b == 0:  # nothing but the zero frequency would change: take it from the reference
        b = -1
    r = as_unit(ref)
    if r.shape[:2] != (h, w):
        r = cv2.resize(r, (w, h), interpolation=cv2.INTER_LINEAR).reshape(h, w, -1)
    rows, cols = np.ix_(_low_index(h, max(b, 0)), _low_index(w, max(b, 0)))
    out = np.empty_like(x)
    for c in range(x.shape[2]):
        fx = cv2.dft(np.ascontiguousarray(x[:, :, c]), flags=cv2.DFT_COMPLEX_OUTPUT)
        if b >= 0:
            fr = cv2.dft(np.ascontiguousarray(r[:, :, c]), flags=cv2.DFT_COMPLEX_OUTPUT)
            src, amp = fx[rows, cols], np.hypot(fr[rows, cols, 0], fr[rows, cols, 1])
            norm = np.hypot(src[..., 0], src[..., 1])
            unit_phase = np.where(norm[..., None] > 0, src / np.maximum(norm, 1e-30)[..., None],
                                  np.array([1.0, 0.0], np.float32))
            fx[rows, cols] = unit_phase * amp[..., None]
        out[:, :, c] = cv2.idft(fx, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)
    return _back(out, img, blend)


def _fit(pixels: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(centre, to_normal, from_normal) of a normalisation fitted to (N, C) float32 pixels:
    ``z = (p - centre) @ to_normal`` and ``p = z @ from_normal + centre``."""
    channels = pixels.shape[1]
    if kind == "minmax":
        lo, hi = pixels.min(axis=0).astype(np.float64), pixels.max(axis=0).astype(np.float64)
        span = np.where(hi > lo, hi - lo, 1.0)
        return lo, np.diag(1 / span), np.diag(span)
    cov, mean = channel_covariance(pixels) if len(pixels) > 1 else (
        np.zeros((channels, channels)), pixels.mean(axis=0).astype(np.float64))
    if kind == "standard":
        std = np.sqrt(np.maximum(np.diag(cov), 0.0))
        std = np.where(std > 1e-12, std, 1.0)
        return mean, np.diag(1 / std), np.diag(std)
    values, vectors = np.linalg.eigh(cov)
    # eigenvectors have no sign: make each one's largest component positive so that the
    # image's and the reference's axes correspond
    flip = np.sign(vectors[np.abs(vectors).argmax(axis=0), np.arange(channels)])
    vectors = vectors * np.where(flip == 0, 1.0, flip)
    scale = np.sqrt(np.maximum(values, 1e-12))
    return mean, vectors / scale, (vectors * scale).T


def reference_fit(ref: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(centre, from_normal) of the fit of :func:`pixel_distribution` to a reference
    (computed once per reference and kept by the transform)."""
    r = as_unit(ref)
    c_ref, _, from_normal = _fit(r.reshape(-1, r.shape[2]), kind)
    return c_ref, from_normal


def pixel_distribution(img: np.ndarray, ref: np.ndarray, kind: str, blend: float,
                       ref_fit: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """The input's pixels normalised by a fit to themselves ("pca": whitened, "standard":
    per-channel mean and std, "minmax": per-channel range), then mapped back through the
    same fit to the reference's pixels (``ref_fit``: :func:`reference_fit` of ``ref``,
    computed here when not given). The two maps and the blend with the input compose into
    one affine colour map, applied in one OpenCV pass (uint8 straight to uint8, rounded
    and saturated)."""
    x = as_unit(img)
    channels = x.shape[2]
    c_in, to_normal, _ = _fit(x.reshape(-1, channels), kind)
    c_ref, from_normal = ref_fit if ref_fit is not None else reference_fit(ref, kind)
    m = to_normal @ from_normal  # p' = p @ m + (c_ref - c_in @ m)
    offset = c_ref - c_in @ m
    b = float(blend)  # blended: p + b (p' - p) = p @ (b m + (1 - b) I) + b offset
    m = b * m + (1.0 - b) * np.eye(channels)
    offset = b * offset
    if channels <= 4 and img.dtype == np.uint8:
        src = np.ascontiguousarray(img)
        out = cv2.transform(src.reshape(src.shape[0], src.shape[1], channels),
                            np.column_stack([m.T, 255.0 * offset]))
        return out.reshape(img.shape)
    if channels <= 4:
        out = cv2.transform(x, np.column_stack([m.T, offset])).reshape(x.shape)
    else:
        out = (x.reshape(-1, channels) @ m.astype(np.float32) + offset.astype(np.float32)
               ).reshape(x.shape)
    return to_dtype(out.astype(np.float32, copy=False), img).reshape(img.shape)
