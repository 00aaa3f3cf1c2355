"""Vectorised batch paths of the built-in image transforms.

Each entry draws a whole batch of parameters with array calls (same distributions as the
transform's ``sample``) and runs one batch kernel. Row ``i`` of the parameters is exactly what
``sample`` would return, so ``transform.apply(state_i, params[i])`` reproduces sample ``i``.
``fusable=True`` marks the ops whose apply reads no magnitude-set argument (a policy runs the
op at all its magnitudes and signs in one apply).
An ``apply`` that returns None hands the batch to the per-sample fallback (e.g. a crop that
skipped some samples, so sizes differ).
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.core.transform import ColumnParams
from augkit.image import color as C
from augkit.image import geometric as G
from augkit.image._args import fill_for
from augkit.image.batch import vectorised
from augkit.image.functional import batch as K
from augkit.image.functional import color as FC
from augkit.image.functional.geometric import CV_NATIVE_CHANNELS


def _n_hw(images):
    return len(images), images.shape[1], images.shape[2]


# -- flips ------------------------------------------------------------------------------------
def _sample_flag(t, rng, images):
    return ColumnParams(t.applied_mask(rng, len(images)))


vectorised(G.HorizontalFlip, _sample_flag, lambda t, x, prm: K.hflip(x, prm.applied))
vectorised(G.VerticalFlip, _sample_flag, lambda t, x, prm: K.vflip(x, prm.applied))


# -- crops ------------------------------------------------------------------------------------
def _sample_random_crop(t, rng, images):
    n, h, w = _n_hw(images)
    t._fit({"image": images[0]})
    return ColumnParams(t.applied_mask(rng, n), top=rng.integers(0, h - t.height + 1, n),
                        left=rng.integers(0, w - t.width + 1, n), height=t.height,
                        width=t.width)


def _sample_center_crop(t, rng, images):
    n, h, w = _n_hw(images)
    t._fit({"image": images[0]})
    return ColumnParams(t.applied_mask(rng, n), top=np.full(n, (h - t.height) // 2),
                        left=np.full(n, (w - t.width) // 2), height=t.height, width=t.width)


def _apply_crop(t, images, prm):
    if not prm.applied.all():
        return None  # skipped samples keep their size: per-sample path, list output
    return K.crop(images, prm.top, prm.left, prm.height, prm.width)


vectorised(G.RandomCrop, _sample_random_crop, _apply_crop)
vectorised(G.CenterCrop, _sample_center_crop, _apply_crop)


# -- point ops (per-sample lookup tables for uint8) -------------------------------------------
def _bc(x, beta, alpha, m):  # the same float steps as functional.color.brightness_contrast
    if isinstance(x, np.ndarray):  # in place, same left-to-right rounding as the expression
        v = x - m
        v *= alpha
        v += m
        v += beta
        return v
    return (x - m) * alpha + m + beta


def _shift(x, beta):  # _bc with m = 0, alpha = 1: x - 0, * 1 and + 0 are exact, so equal
    return x + beta


def _abs_max(column) -> float:
    return 0.0 if column is None else float(np.abs(column).max())


def _affine_point_op(images, prm, fn, bound, scale, offset, **cols):
    """``fn`` on [0, 1] values, an affine map of the level per sample (``scale * x +
    offset``, up to rounding): uint8 tables through one outer product, exact as ``fn``."""
    if images.dtype != np.uint8:
        return K.point_op(images, fn, prm.applied, bound, **cols)

    def exact(rows):
        return fn(K.LEVELS, **{k: np.asarray(v, np.float64)[rows, None] for k, v in cols.items()})

    luts = K.affine_luts(scale, offset, exact, bound)
    return K.apply_luts(images, luts, prm.applied)


def _uint8_only(apply):
    """A vectorised apply for uint8 batches; float32 ones run per sample (their single
    kernels round in OpenCV's or numpy's float32 steps, which a broadcast cannot copy)."""
    def uint8_apply(t, images, prm):
        return apply(t, images, prm) if images.dtype == np.uint8 else None
    return uint8_apply


@_uint8_only
def _apply_bc(t, images, prm):
    n = len(images)
    beta = prm.columns.get("beta")
    alpha = prm.columns.get("alpha")
    # for x, m in [0, 1]: |(x - m) * alpha + m + beta| <= 1 + |alpha| + |beta|, and the
    # expanded map alpha * x + (m - alpha * m + beta) has |scale| + |offset| below this
    bound = 1.0 + 2.0 * _abs_max(alpha) + _abs_max(beta)
    beta = np.zeros(n) if beta is None else beta
    contrast = None if alpha is None else (alpha != 1.0) & prm.applied
    if contrast is None or not contrast.any():  # brightness only: no mean grey needed
        return _affine_point_op(images, prm, _shift, bound, np.ones(n), beta, beta=beta)
    m = np.zeros(n)  # the mean grey only where a sample gets contrast
    m[contrast] = K.mean_gray(images if contrast.all() else images[contrast])
    offset = m - alpha * m + beta  # (x - m) * alpha + m + beta, expanded
    return _affine_point_op(images, prm, _bc, bound, alpha, offset, beta=beta, alpha=alpha,
                            m=m)


def _sample_brightness(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), beta=rng.uniform(*t.limit, n))


def _sample_contrast(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), alpha=1.0 + rng.uniform(*t.limit, n))


def _sample_bc(t, rng, images):
    n = len(images)
    applied = t.applied_mask(rng, n)
    beta = rng.uniform(*t.brightness_limit, n)
    return ColumnParams(applied, beta=beta, alpha=1.0 + rng.uniform(*t.contrast_limit, n))


vectorised(C.Brightness, _sample_brightness, _apply_bc, fusable=True)
vectorised(C.Contrast, _sample_contrast, _apply_bc, fusable=True)
vectorised(C.BrightnessContrast, _sample_bc, _apply_bc)


def _sample_gamma(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), gamma=rng.uniform(*t.gamma_limit, n))


# values stay in [0, 1] (gamma > 0, thresholds and bits validated): bound 1
vectorised(C.Gamma, _sample_gamma, _uint8_only(lambda t, x, prm: K.point_op(
    x, lambda v, gamma: np.power(v if v.min() >= 0 else np.maximum(v, 0.0), gamma),
    prm.applied, 1.0, gamma=prm.gamma)))  # negatives as 0 (see color.nonnegative_power)
vectorised(C.Invert, _sample_flag, lambda t, x, prm: K.point_op(
    x, lambda v: 1.0 - v, prm.applied), fusable=True)


def _sample_solarize(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), threshold=rng.uniform(*t.threshold, n))


vectorised(C.Solarize, _sample_solarize, lambda t, x, prm: K.point_op(
    x, lambda v, threshold: np.where(v >= threshold, 1.0 - v, v), prm.applied, 1.0,
    threshold=prm.threshold), fusable=True)


def _sample_posterize(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), bits=rng.integers(t.bits[0], t.bits[1] + 1, n))


def _posterize(v, bits):
    mask = (0xFF << (8 - bits.astype(np.int64))) & 0xFF
    return (np.clip(np.floor(v * 255.0 + 1e-6), 0, 255).astype(np.int64) & mask) / 255.0


vectorised(C.Posterize, _sample_posterize,
           lambda t, x, prm: K.point_op(x, _posterize, prm.applied, 1.0, bits=prm.bits),
           fusable=True)


# -- affine warps (one OpenCV call per sample, matrices built for the whole batch) -----------
def _warp(t, images, prm, matrices):
    channels = images.shape[3] if images.ndim == 4 else 1
    if channels not in CV_NATIVE_CHANNELS:
        return None  # warped band by band (see geometric.py): the per-sample path
    _, h, w = _n_hw(images)
    return K.warp_affine(images, matrices, prm.applied, h, w, t.interpolation, t.border_mode,
                         fill_for(t, "fill", t.fill, images))


def _sample_affine(t, rng, images):
    n, h, w = _n_hw(images)
    applied = t.applied_mask(rng, n)
    translate = rng.uniform(*t.translate_percent, size=(n, 2)) * np.array([w, h])
    shear = rng.uniform(*t.shear, size=(n, 2))
    return ColumnParams(applied, scale=rng.uniform(*t.scale, n), translate=translate,
                        angle=rng.uniform(*t.rotate, n), shear=shear)


def _apply_affine(t, images, prm):
    _, h, w = _n_hw(images)
    return _warp(t, images, prm, K.affine_matrices(h, w, prm.angle, prm.scale, prm.translate,
                                                   prm.shear))


def _sample_rotate(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), angle=rng.uniform(*t.limit, n))


def _apply_rotate(t, images, prm):
    n, h, w = _n_hw(images)
    zeros = np.zeros((n, 2))
    return _warp(t, images, prm, K.affine_matrices(h, w, prm.angle, np.ones(n), zeros, zeros))


def _sample_zoom(t, rng, images):
    n, h, w = _n_hw(images)
    applied = t.applied_mask(rng, n)
    zoom = rng.uniform(*t.scale, n)
    slack_x, slack_y = w - w / zoom, h - h / zoom
    left = rng.uniform(np.minimum(0.0, slack_x), np.maximum(0.0, slack_x))
    top = rng.uniform(np.minimum(0.0, slack_y), np.maximum(0.0, slack_y))
    return ColumnParams(applied, zoom=zoom, left=left, top=top)


def _apply_zoom(t, images, prm):
    z, zero = prm.zoom, np.zeros(len(images))
    matrices = np.stack([np.stack([z, zero, -z * prm.left], axis=1),
                         np.stack([zero, z, -z * prm.top], axis=1)], axis=1)
    return _warp(t, images, prm, matrices)


vectorised(G.Affine, _sample_affine, _apply_affine)
vectorised(G.Rotate, _sample_rotate, _apply_rotate, fusable=True)
vectorised(G.Zoom, _sample_zoom, _apply_zoom, fusable=True)


# -- one-axis warps (Shear, Translate) ----------------------------------------------------------
def _sample_shear(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), angle=rng.uniform(*t.angle, n))


def _apply_shear(t, images, prm):
    n, h, w = _n_hw(images)
    shear = np.zeros((n, 2))
    shear[:, 0 if t.axis == "x" else 1] = prm.angle
    return _warp(t, images, prm, K.affine_matrices(h, w, np.zeros(n), np.ones(n),
                                                   np.zeros((n, 2)), shear))


def _sample_translate(t, rng, images):
    n, h, w = _n_hw(images)
    side = w if t.axis == "x" else h  # float * int per sample, as the single path multiplies
    return ColumnParams(t.applied_mask(rng, n), shift=rng.uniform(*t.fraction, n) * side)


def _apply_translate(t, images, prm):
    n, h, w = _n_hw(images)
    shift = np.zeros((n, 2))
    shift[:, 0 if t.axis == "x" else 1] = prm.shift
    return _warp(t, images, prm, K.affine_matrices(h, w, np.zeros(n), np.ones(n), shift,
                                                   np.zeros((n, 2))))


vectorised(G.Shear, _sample_shear, _apply_shear, fusable=True)
vectorised(G.Translate, _sample_translate, _apply_translate, fusable=True)


# -- enhance ops (PIL's ImageEnhance family at a factor) -------------------------------------
def _sample_factor(t, rng, images):
    n = len(images)
    return ColumnParams(t.applied_mask(rng, n), factor=rng.uniform(*t.factor, n))


def _times(x, factor):  # the single path's point function (functional.color.multiply)
    return x * factor


def _apply_exposure(t, images, prm):
    if images.dtype != np.uint8:
        # float32 * a Python float is a float32 product: the factor as float32, per sample
        shape = (-1,) + (1,) * (images.ndim - 1)
        out = images * prm.factor.astype(np.float32).reshape(shape)
        np.clip(out, 0.0, 1.0, out=out)
        keep = ~prm.applied
        out[keep] = images[keep]
        return out
    n = len(images)
    # x * factor for x in [0, 1]: |values| and |scale| + |offset| are at most max |factor|
    return _affine_point_op(images, prm, _times, 1.0 + _abs_max(prm.factor), prm.factor,
                            np.zeros(n), factor=prm.factor)


def _by_value(prm, column):
    """Applied samples grouped by their value in ``column``: {value: sample indices}
    (a policy's op at one magnitude gives one group)."""
    picked = np.flatnonzero(prm.applied)
    values = np.asarray(column)[picked]
    if len(values) and (values == values[0]).all():
        return {float(values[0]): picked}
    groups: dict[float, list] = {}
    for i, v in zip(picked.tolist(), values.tolist(), strict=True):
        groups.setdefault(v, []).append(i)
    return {v: np.array(idx) for v, idx in groups.items()}


def _apply_saturation(t, images, prm):
    channels = 1 if images.ndim == 3 else images.shape[3]
    if channels == 1:  # greyscale: no colour, every sample comes back as it is
        return images.copy()
    if channels != 3 or images.dtype != np.uint8:
        return None  # non-RGB refuses per sample; float32 runs per sample
    return _per_factor(images, prm, _saturate)


def _saturate(src, factor):
    """uint8 RGB: the 3x3 colour matrix runs in OpenCV's integer fixed point, the same
    arithmetic for every pixel, so one call over the stacked rows of a group is exact."""
    rows = src.reshape(-1, src.shape[2], 3)
    if factor == 0.0:  # the single path's grey (OpenCV's luma, repeated)
        return FC.to_gray_rgb(rows).reshape(src.shape)
    return cv2.transform(rows, FC._saturation_matrix(factor)).reshape(src.shape)


def _sharpen(src, factor):
    done = K.filter_stack(src, FC._sharpen_kernel(float(factor)), cv2.BORDER_REPLICATE)
    # the one-pixel border stays (the stacked rows there read the next sample)
    done[:, 0], done[:, -1], done[:, :, 0], done[:, :, -1] = (
        src[:, 0], src[:, -1], src[:, :, 0], src[:, :, -1])
    return done


def _per_factor(images, prm, kernel):
    """``kernel(samples, factor)`` on each group of applied samples sharing a factor (a
    policy's op: one group); skipped samples are copied."""
    images = np.ascontiguousarray(images)
    groups = _by_value(prm, prm.factor)
    if len(groups) == 1 and prm.applied.all():
        return kernel(images, next(iter(groups)))
    out = images.copy()
    for factor, idx in groups.items():
        out[idx] = kernel(images[idx], factor)
    return out


def _apply_sharpness(t, images, prm):
    channels = 1 if images.ndim == 3 else images.shape[3]
    if (images.dtype != np.uint8 or images.shape[1] <= 2 or images.shape[2] <= 2
            or channels not in CV_NATIVE_CHANNELS):
        return None  # float32 (row bands), tiny images, odd channel counts: per sample
    return _per_factor(images, prm, _sharpen)


def _apply_levels(kernel):
    return _uint8_only(lambda t, images, prm: kernel(images, prm.applied))


vectorised(C.Exposure, _sample_factor, _apply_exposure, fusable=True)
vectorised(C.Saturation, _sample_factor, _apply_saturation, fusable=True)
vectorised(C.Sharpness, _sample_factor, _apply_sharpness, fusable=True)
vectorised(C.AutoContrast, _sample_flag, _apply_levels(K.autocontrast_u8), fusable=True)
vectorised(C.Equalize, _sample_flag, _apply_levels(K.equalize_u8), fusable=True)
