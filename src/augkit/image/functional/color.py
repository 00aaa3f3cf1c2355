"""Colour kernels.

Point operations are written once, as a function on values scaled to [0, 1]. For uint8 that
function is evaluated on the 256 possible values and applied as a lookup table (the image
never leaves uint8); for float32 it is evaluated on the pixels directly. Both paths therefore
mean the same thing, and float32 images are taken to be in [0, 1].
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable
from functools import lru_cache

import cv2
import numpy as np

from augkit.image.functional.bands import row_bands
from augkit.image.functional.geometric import keep_shape
from augkit.image.functional.scratch import scratch

try:  # SIMD byte translation: ~10x faster than cv2.LUT for uint8 lookup tables
    from stringzilla import translate as _translate
except ImportError:  # pragma: no cover - optional speed-up, cv2.LUT gives the same bytes
    _translate = None

_LEVELS = np.arange(256, dtype=np.float64) / 255.0
_LEVEL_LIST = _LEVELS.tolist()  # the same doubles, for bisect
_U8_LEVELS = np.arange(256, dtype=np.uint8)
_TOP = np.array(255.0)  # a 0-d operand: numpy skips converting a Python scalar (~0.1 us)
# _RAMP[j] = clip(j - 255, 0, 255): its 256-byte slice at k + 255 is the table clip(i + k)
_RAMP = memoryview(bytes(min(max(j - 255, 0), 255) for j in range(766)))
RGB_WEIGHTS = np.array([0.299, 0.587, 0.114])


def max_value(img: np.ndarray) -> float:
    return 255.0 if img.dtype == np.uint8 else 1.0


def lut_from(fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    values = np.multiply(fn(_LEVELS), 255.0)
    np.rint(values, out=values)  # bare ufuncs in place: np.clip's wrapper costs ~2 us here
    np.maximum(values, 0.0, out=values)
    np.minimum(values, 255.0, out=values)
    return values.astype(np.uint8)


def apply_lut(img: np.ndarray, lut: np.ndarray) -> np.ndarray:
    if _translate is not None and lut.size == 256 and img.flags.c_contiguous:
        out = np.empty_like(img)
        _translate(memoryview(img), memoryview(lut), out=memoryview(out))
        return out
    out = cv2.LUT(img, lut)
    return out[:, :, None] if img.ndim == 3 and out.ndim == 2 else out


def translated(img: np.ndarray, table) -> np.ndarray:
    """A new uint8 array ``table[img]``; ``table`` is 256 bytes (``bytes`` or a
    ``memoryview``, e.g. of a uint8 array).

    stringzilla reads and writes the arrays' buffers as they are (no flattening casts:
    those cost ~0.2 us per call, which shows next to a ~5 us pass at 256x256).

    >>> import numpy as np
    >>> translated(np.array([[0, 1], [2, 255]], np.uint8), bytes(range(255, -1, -1)))
    array([[255, 254],
           [253,   0]], dtype=uint8)
    """
    src = img.data  # the array's memoryview
    if _translate is not None and src.c_contiguous:
        out = np.empty_like(img)
        _translate(src, table, out=out.data)
        return out
    out = cv2.LUT(img, np.frombuffer(table, np.uint8))
    return out[:, :, None] if img.ndim == 3 and out.ndim == 2 else out


def lut_into(img: np.ndarray, lut: np.ndarray, out: np.ndarray) -> None:
    """Write ``lut[img]`` into ``out`` (both C-contiguous uint8 of the same size)."""
    if _translate is not None:
        _translate(memoryview(img.reshape(-1)), memoryview(lut), out=memoryview(out.reshape(-1)))
    else:
        cv2.LUT(img.reshape(img.shape[0], -1), lut, dst=out.reshape(img.shape[0], -1))


def point_op(img: np.ndarray, fn: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """Apply ``fn`` (on [0, 1] values) to every pixel, clipped to the valid range."""
    if img.dtype == np.uint8:
        return apply_lut(img, lut_from(fn))
    return clipped_unit(fn(img), img)


def clipped_unit(values: np.ndarray, source: np.ndarray) -> np.ndarray:
    """``values`` clipped to [0, 1] as float32, in place when they are a fresh float32 array
    (not ``source``'s memory): a clip into a new array costs ~8x a clip in place."""
    if values.dtype != np.float32 or np.may_share_memory(values, source):
        values = values.astype(np.float32)
    np.clip(values, 0.0, 1.0, out=values)
    return values


def channel_affine(img: np.ndarray, scale, offset) -> np.ndarray:
    """``img[..., c] * scale[c] + offset[c]`` for an HxWxC image with C <= 4, as one OpenCV
    pass (a per-channel affine colour matrix) into a new array of the same dtype."""
    channels = img.shape[2]
    matrix = np.zeros((channels, channels + 1))
    matrix[np.arange(channels), np.arange(channels)] = scale
    matrix[:, channels] = offset
    return keep_shape(cv2.transform(img, matrix), img)


def _interleaved(img: np.ndarray) -> bool:
    """uint8 with 2-4 interleaved channels: the layout of the OpenCV plane fast paths."""
    return img.ndim == 3 and img.dtype.char == "B" and 1 < img.shape[2] <= 4


def planes_of(img: np.ndarray) -> list[np.ndarray]:
    """Contiguous copies of the channels of an :func:`_interleaved` image (OpenCV's channel
    copy: ~2x faster than numpy's strided one at 500x375)."""
    return [cv2.extractChannel(img, c) for c in range(img.shape[2])]


def tables_per_channel(img: np.ndarray, tables: list[np.ndarray]) -> np.ndarray:
    """``tables[c]`` (256 uint8 each) on channel c of an :func:`_interleaved` image.

    Equal tables (a grey image stored as RGB, channels that all span the full range) go
    over the interleaved bytes in one pass; otherwise each contiguous plane is translated
    in place and the planes are merged (~3x faster than per-channel numpy copies, ~1.7x
    faster than OpenCV's multi-channel LUT).
    """
    first = tables[0]
    if all(np.array_equal(first, t) for t in tables[1:]):
        return apply_lut(img, first)
    planes = planes_of(img)
    for plane, table in zip(planes, tables, strict=True):
        if _translate is not None:
            _translate(memoryview(plane).cast("B"), memoryview(table), inplace=True)
        else:
            cv2.LUT(plane, table, dst=plane)
    return cv2.merge(planes)


def per_channel_point_op(img: np.ndarray, fns: list) -> np.ndarray:
    """Like :func:`point_op` with one function per channel."""
    if img.ndim == 2:
        return point_op(img, fns[0])
    if _interleaved(img):
        return tables_per_channel(img, [lut_from(fn) for fn in fns])
    return np.stack([point_op(np.ascontiguousarray(img[:, :, c]), fn)
                     for c, fn in enumerate(fns)], axis=2)


def gray(img: np.ndarray) -> np.ndarray:
    """Luminance as float in [0, 1] (ITU-R 601 weights for 3 channels, else the mean)."""
    scaled = img.astype(np.float32) / np.float32(max_value(img))
    if img.ndim == 2:
        return scaled
    if img.shape[2] == 3:
        return scaled @ RGB_WEIGHTS.astype(np.float32)
    return scaled.mean(axis=2)


_W_R, _W_G, _W_B = (float(w) for w in RGB_WEIGHTS)  # Python floats: same doubles, cheaper


def mean_gray(img: np.ndarray) -> float:
    if img.dtype.char == "B" and img.ndim == 3 and img.shape[2] == 3:
        # exact integer sums, then the same float steps as the batch kernel (bit-equal)
        count = float(img.shape[0] * img.shape[1])
        s = cv2.sumElems(img)
        return (s[0] / count * _W_R + s[1] / count * _W_G + s[2] / count * _W_B) / 255.0
    if img.ndim == 3 and img.shape[2] == 3:
        channel_means = np.asarray(cv2.mean(img)[:3])
        m = float(channel_means @ RGB_WEIGHTS) / max_value(img)
    else:
        m = float(img.mean()) / max_value(img)
    # a NaN or inf pixel makes the mean non-finite: take the finite pixels' mean instead, so
    # it cannot spread into the others (a check of one scalar on the common path)
    return m if math.isfinite(m) else _finite_mean_gray(img)


def _finite_mean_gray(img: np.ndarray) -> float:
    """``mean_gray`` over the finite values of each channel (0 where a channel has none)."""
    planes = _channels(img) if img.ndim == 3 and img.shape[2] == 3 else [img]
    means = []
    for plane in planes:
        good = plane[np.isfinite(plane)]
        means.append(float(good.mean(dtype=np.float64)) if good.size else 0.0)
    if len(means) == 3:
        return float(np.asarray(means) @ RGB_WEIGHTS)
    return means[0]


def brightness_contrast(img: np.ndarray, beta: float, alpha: float) -> np.ndarray:
    """Contrast ``alpha`` around the mean grey level, then add ``beta`` (fraction of max)."""
    if img.dtype.char == "B":  # uint8 (the char test is the cheap one)
        if alpha == 1.0:
            shift = brightness_shift(beta)
            if shift is not None:
                return translated(img, _RAMP[shift + 255:shift + 511])
            return apply_lut(img, _brightness_contrast_lut(0.0, 1.0, beta))
        return apply_lut(img, _brightness_contrast_lut(mean_gray(img), alpha, beta))
    m = mean_gray(img) if alpha != 1.0 else 0.0
    if img.dtype == np.float32:  # alpha * x + (m - alpha * m + beta): one OpenCV pass
        # over one channel of (H, W * C) values: the same sums as addWeighted(img, alpha,
        # img, 0, offset), without its 0 * x term, which turned an inf pixel into NaN
        matrix = np.array([[float(alpha), m - float(alpha) * m + float(beta)]])
        out = cv2.transform(img.reshape(img.shape[0], -1, 1), matrix).reshape(img.shape)
        np.clip(out, 0.0, 1.0, out=out)
        return out
    return point_op(img, lambda x: (x - m) * alpha + m + beta)


def brightness_shift(beta: float) -> int | None:
    """The integer k with ``_brightness_contrast_lut(0, 1, beta)[i] == clip(i + k, 0, 255)``
    for every level i, or None where that is not certain (255 * beta within 1e-6 of a
    half-integer, |beta| >= 2, or beta not a Python number).

    Why this is exact: the table is rint(fl(fl(fl(i / 255) + beta) * 255)); with |beta| < 2
    the three roundings move the value by less than 255 * 7 * 2**-53 (< 1e-12) away from
    the real number i + 255 * beta (and fl(255 * beta) is as close to 255 * beta), so away
    from half-integers rint lands on i + round(255 * beta). k is clamped to [-255, 255],
    beyond which the clipped table no longer changes.

    >>> brightness_shift(0.2), brightness_shift(-0.15), brightness_shift(0.1)  # 25.5: a tie
    (51, -38, None)
    """
    if type(beta) is not float:
        if not isinstance(beta, (float, int)):
            return None  # numpy scalars of other widths: the float path decides
        beta = float(beta)
    s = beta * 255.0
    if -510.0 < s < 510.0:  # (NaN fails)
        k = round(s)
        if abs(s - k) < 0.499999:  # else within 1e-6 of a tie: the float steps decide
            return -255 if k < -255 else 255 if k > 255 else k
    return None


def _brightness_contrast_lut(m: float, alpha: float, beta: float) -> np.ndarray:
    """``lut_from(lambda x: (x - m) * alpha + m + beta)``, the same float64 steps in one
    buffer (bit-equal; this table is built on every call, so each small numpy call shows in
    the per-image time). Steps that are exact identities (- 0, * 1, + 0) are skipped."""
    t = np.subtract(_LEVELS, m) if m else _LEVELS.copy()
    if alpha != 1.0:
        np.multiply(t, alpha, out=t)
    if m:
        np.add(t, m, out=t)
    if beta:
        np.add(t, beta, out=t)
    np.multiply(t, _TOP, t)
    np.rint(t, t)
    # every step is monotone in the level (rounding keeps order), so all entries lie between
    # the two ends: when both are in range the clip is an identity
    if 0.0 <= t[0] <= 255.0 and 0.0 <= t[255] <= 255.0:
        return t.astype(np.uint8)
    if 0.0 <= m <= 1.0 and abs(alpha) <= 1e6 and abs(beta) <= 1e6:
        return saturate_integral(t)
    np.maximum(t, 0.0, out=t)  # NaN or inf possible: numpy's own clip and cast
    np.minimum(t, 255.0, out=t)
    return t.astype(np.uint8)


def saturate_integral(t: np.ndarray) -> np.ndarray:
    """``np.clip(t, 0, 255).astype(np.uint8)`` for whole-number float64 values of moderate
    size (|t| < 2**62; no NaN or inf): a clamped take from the 256 levels, two numpy calls
    instead of three.

    >>> import numpy as np
    >>> saturate_integral(np.array([-3.0, 0.0, 17.0, 255.0, 900.0]))
    array([  0,   0,  17, 255, 255], dtype=uint8)
    """
    return _U8_LEVELS.take(t.astype(np.intp), mode="clip")


def multiply(img: np.ndarray, factor: float) -> np.ndarray:
    return point_op(img, lambda x: x * factor)


def gamma(img: np.ndarray, value: float) -> np.ndarray:
    if img.dtype.char == "B" and isinstance(value, (float, int)) and 0.0 < value < math.inf:
        return translated(img, _gamma_lut(value).data)
    return point_op(img, lambda x: nonnegative_power(x, value))


def nonnegative_power(x: np.ndarray, value) -> np.ndarray:
    """``max(x, 0) ** value`` as a new array: a negative float (outside [0, 1]) is taken as
    0, since its power would be NaN; NaN stays NaN. One SIMD min (~6 us at 256x256x3) spares
    the common, non-negative image numpy's maximum (~58 us)."""
    if x.size and x.min() >= 0:  # False for NaN too: the careful path keeps it
        return np.power(x, value)
    return np.power(np.maximum(x, np.float32(0.0)), value)


def _gamma_lut(value: float) -> np.ndarray:
    """``lut_from(lambda x: np.power(x, value))`` for 0 < value < inf, bit-equal in four
    numpy calls: x ** value stays in [0, 1] for x in [0, 1], so the clip is an identity."""
    t = np.power(_LEVELS, value)
    np.multiply(t, _TOP, t)
    np.rint(t, t)
    return t.astype(np.uint8)


def invert(img: np.ndarray) -> np.ndarray:
    if img.dtype.char == "B":  # 255 - x, exactly what the table would give
        if img.flags.c_contiguous:  # numpy's bitwise not: a little leaner per call
            return np.invert(img)
        return keep_shape(cv2.bitwise_not(img), img)
    return point_op(img, lambda x: 1.0 - x)


def solarize(img: np.ndarray, threshold: float) -> np.ndarray:
    if img.dtype.char == "B" and isinstance(threshold, (float, int)) and threshold == threshold:
        # the table depends on the threshold only through how many levels lie below it
        return translated(img, _solarize_table(bisect_left(_LEVEL_LIST, threshold)))
    return point_op(img, lambda x: np.where(x >= threshold, 1.0 - x, x))


@lru_cache(maxsize=257)
def _solarize_table(below: int) -> bytes:
    """The uint8 solarize table inverting levels ``below``..255: exactly the table of any
    threshold with ``below`` levels (of i / 255) under it."""
    inverted = np.arange(256) >= below
    return lut_from(lambda x: np.where(inverted, 1.0 - x, x)).tobytes()


def _posterize_fn(bits: int):
    mask = (0xFF << (8 - bits)) & 0xFF
    return lambda x: (np.clip(np.floor(x * 255.0 + 1e-6), 0, 255).astype(np.int64) & mask
                      ) / 255.0


# index: bits 1..8 (the mask of _posterize_fn as a numpy scalar, made once)
_POSTERIZE_MASKS = [np.uint8((0xFF << (8 - bits)) & 0xFF) for bits in range(9)]


@lru_cache(maxsize=16)
def _posterize_lut(bits: int) -> bytes:  # one table per bit count, built once
    return lut_from(_posterize_fn(bits)).tobytes()


def posterize(img: np.ndarray, bits: int) -> np.ndarray:
    """Keep the ``bits`` most significant bits of each 8-bit level.

    >>> import numpy as np
    >>> posterize(np.array([[0, 77, 200, 255]], np.uint8), 3)
    array([[  0,  64, 192, 224]], dtype=uint8)
    """
    if img.dtype.char == "B":
        bits = int(bits)
        if 1 <= bits <= 8 and img.flags.c_contiguous:
            # the table is level & mask (the tests check every bit count): numpy's AND is a
            # plain SIMD pass, ~1.3x faster than a table lookup
            return np.bitwise_and(img, _POSTERIZE_MASKS[bits])
        return translated(img, _posterize_lut(bits))
    if img.dtype == np.float32 and 1 <= int(bits) <= 8:
        # the same float32 steps to an 8-bit level, then one float32 table (level & mask)
        # / 255 instead of int64 and float64 passes: bit-equal, ~4x faster
        levels = np.multiply(img, 255.0)
        levels += 1e-6
        np.floor(levels, out=levels)
        np.clip(levels, 0, 255, out=levels)
        return keep_shape(cv2.LUT(levels.astype(np.uint8), _posterize_floats(int(bits))), img)
    return point_op(img, _posterize_fn(bits))


@lru_cache(maxsize=8)
def _posterize_floats(bits: int) -> np.ndarray:
    return ((np.arange(256) & int(_POSTERIZE_MASKS[bits])) / 255.0).astype(np.float32)


def _channels(img: np.ndarray) -> list[np.ndarray]:
    if img.ndim == 2:
        return [img]
    return [img[:, :, c] for c in range(img.shape[2])]


def _levels(channel: np.ndarray) -> np.ndarray:
    if channel.dtype == np.uint8:
        return channel
    return np.clip(np.rint(channel * 255.0), 0, 255).astype(np.uint8)


def _histograms(img: np.ndarray) -> list[np.ndarray]:
    """256-bin counts per channel of the image's 256 levels (OpenCV reads interleaved
    uint8 channels in place; other inputs go through their levels)."""
    levels = img if img.dtype == np.uint8 else _levels(img)
    src = levels if levels.ndim == 3 else levels[:, :, None]
    if src.shape[2] <= 4:  # within OpenCV's channel limit
        return [cv2.calcHist([src], [c], None, [256], [0, 256]).ravel().astype(np.int64)
                for c in range(src.shape[2])]
    return [np.bincount(ch.ravel(), minlength=256) for ch in _channels(levels)]


def equalize(img: np.ndarray) -> np.ndarray:
    """Histogram equalisation per channel (float images via 256 levels). uint8 goes through
    OpenCV's equalizeHist on each contiguous plane: the same tables (``(cdf - cdf_min) /
    (total - cdf_min)``, rounded; a constant channel kept), about 1.3x faster than building
    them here from strided histograms."""
    if img.dtype == np.uint8 and (img.ndim == 2 or img.shape[2] <= 4):
        if img.ndim == 2:
            return cv2.equalizeHist(np.ascontiguousarray(img))
        out = cv2.merge([cv2.equalizeHist(plane) for plane in cv2.split(img)])
        return out.reshape(img.shape)
    fns = []
    for hist in _histograms(img):
        cdf = np.cumsum(hist).astype(np.float64)
        nonzero = cdf[hist > 0]
        lo, total = (nonzero[0] if nonzero.size else 0.0), cdf[-1]
        table = (cdf - lo) / max(total - lo, 1.0)
        if total == lo:  # a constant channel stays as it is
            table = _LEVELS
        fns.append(lambda x, t=table: np.interp(x, _LEVELS, t))
    return per_channel_point_op(img, fns)


def autocontrast(img: np.ndarray) -> np.ndarray:
    """Stretch each channel so its darkest pixel is 0 and its brightest is the maximum."""
    top = max_value(img)
    many = img.ndim == 3 and 1 < img.shape[2] <= 4 and img.dtype.char in "Bf"
    if many:  # min / max of every channel from two row-wise reductions
        rows = np.ascontiguousarray(img).reshape(img.shape[0], -1)  # (H, W * C): SIMD rows
        lows = np.minimum.reduce(rows, axis=0).reshape(-1, img.shape[2]).min(axis=0)
        highs = np.maximum.reduce(rows, axis=0).reshape(-1, img.shape[2]).max(axis=0)
        ranges = list(zip(lows.tolist(), highs.tolist(), strict=True))
    else:
        ranges = [(channel.min(), channel.max()) for channel in _channels(img)]
    if img.dtype.char == "f" and not math.isfinite(sum(lo + hi for lo, hi in ranges)):
        ranges = _finite_ranges(img)  # NaN / inf pixels: the range of the finite ones
    if many and img.dtype == np.float32:  # (x - lo) / (hi - lo) per channel: one OpenCV pass
        scale = [1.0 / (hi - lo) if hi > lo else 1.0 for lo, hi in ranges]
        offset = [-lo * k if hi > lo else 0.0 for (lo, hi), k in zip(ranges, scale, strict=True)]
        out = channel_affine(img, scale, offset)
        np.clip(out, 0.0, 1.0, out=out)
        return out
    fns = []
    for low, high in ranges:
        lo, hi = float(low) / top, float(high) / top
        if hi > lo:
            fns.append(lambda x, lo=lo, hi=hi: (x - lo) / (hi - lo))
        else:
            fns.append(lambda x: x)
    return per_channel_point_op(img, fns)


def _finite_ranges(img: np.ndarray) -> list[tuple[float, float]]:
    ranges = []
    for channel in _channels(img):
        good = channel[np.isfinite(channel)]
        ranges.append((float(good.min()), float(good.max())) if good.size else (0.0, 0.0))
    return ranges


def require_rgb(img: np.ndarray, owner: str) -> None:
    if img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f"{owner}: needs an RGB image (HxWx3); got shape {img.shape}")


def require_colour(img: np.ndarray, owner: str) -> None:
    """RGB, or RGBA (whose alpha the transform keeps): checked at sampling time."""
    if img.ndim != 3 or img.shape[2] not in (3, 4):
        raise ValueError(f"{owner}: needs an RGB or RGBA image (HxWx3 or HxWx4); got shape "
                         f"{img.shape}")


def _grey_rgb_u8(img: np.ndarray) -> np.ndarray:
    """OpenCV's luma of a uint8 RGB image, repeated to 3 channels (GRAY2RGB: faster here
    than cv2.merge of three references to the grey plane)."""
    return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)


def to_gray_rgb(img: np.ndarray) -> np.ndarray:
    """Luminance, repeated to keep the channel count (1-channel images are unchanged)."""
    if img.ndim == 2 or img.shape[2] == 1:
        return img.copy()
    if img.dtype == np.uint8 and img.shape[2] == 3:
        # OpenCV's fixed-point luma (same 601 weights, within 1 level of the float path),
        # ~10x faster than going through float32
        return _grey_rgb_u8(img)
    if img.dtype == np.float32 and img.shape[2] == 3:  # luma into all 3 channels, one pass
        return cv2.transform(img, np.tile(RGB_WEIGHTS, (3, 1)))
    g = gray(img) * max_value(img)
    g = np.clip(np.rint(g), 0, 255).astype(np.uint8) if img.dtype == np.uint8 else g
    return np.repeat(g[:, :, None], img.shape[2], axis=2)


def saturation(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend an RGB image with its luma: 0 gives grey, 1 the original, >1 more saturated.

    ``f * x + (1 - f) * luma(x)`` is one 3x3 colour matrix per pixel, applied in a single
    OpenCV pass (uint8 rounded and saturated by OpenCV; float32 clipped to [0, 1]).
    """
    if factor == 0.0:
        return to_gray_rgb(img)
    out = cv2.transform(img, _saturation_matrix(factor))
    if img.dtype != np.uint8:
        np.clip(out, 0.0, 1.0, out=out)
    return out


def _saturation_matrix(factor: float) -> np.ndarray:
    return float(factor) * np.eye(3) + (1.0 - float(factor)) * RGB_WEIGHTS[None, :]


def _hue_table(hue_shift: float) -> np.ndarray:
    """uint8 hue plane table for a shift in degrees (OpenCV stores 8-bit hue as degrees / 2)."""
    return (np.rint(np.arange(256) + hue_shift / 2.0) % 180).astype(np.uint8)


def hsv_tables_u8(img: np.ndarray, tables: list[np.ndarray], out: np.ndarray) -> np.ndarray:
    """A uint8 RGB image through HSV, ``tables[c]`` on HSV plane c (hue alone when only
    one table is given: the S and V tables are then identities), and back to RGB into
    ``out``. The HSV image and its planes live in per-thread scratch arrays: fresh ones
    page-faulted on every call at 500x375."""
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV, dst=scratch("hsv", img.shape))
    if len(tables) == 1:  # hue alone: one plane out, through its table, and back in
        plane = cv2.extractChannel(hsv, 0, dst=scratch("hsv_plane0", img.shape[:2]))
        lut_into(plane, tables[0], plane)
        cv2.insertChannel(plane, hsv, 0)
    else:  # every plane: split, tables in place, one merge
        planes = [cv2.extractChannel(hsv, c, dst=scratch(f"hsv_plane{c}", img.shape[:2]))
                  for c in range(3)]
        for plane, table in zip(planes, tables, strict=True):
            lut_into(plane, table, plane)
        cv2.merge(planes, dst=hsv)
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB, dst=out)


def jitter_u8(img: np.ndarray, steps: list[tuple[str, float]]) -> np.ndarray:
    """ColorJitter on a uint8 RGB image: ``steps`` of (op, value) in order, op one of
    brightness / contrast / saturation (factors) and hue (degrees). Each step gives exactly
    its own kernel's result (:func:`multiply`, :func:`brightness_contrast`,
    :func:`saturation`, :func:`hue_saturation_value`), but all write into one output array:
    separate kernels left a fresh intermediate image per step, whose first writes
    page-faulted (about a third of the time at 500x375)."""
    out = np.empty(img.shape, np.uint8)
    src = img
    for op, value in steps:
        if op == "brightness":
            lut_into(src, lut_from(lambda x, f=value: x * f), out)
        elif op == "contrast":
            lut_into(src, _brightness_contrast_lut(mean_gray(src), value, 0.0), out)
        elif op == "saturation" and value == 0.0:
            cv2.cvtColor(cv2.cvtColor(src, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB, dst=out)
        elif op == "saturation":
            cv2.transform(src, _saturation_matrix(value), dst=out)
        else:  # hue: only the hue plane goes through a table
            hsv_tables_u8(src, [_hue_table(value)], out)
        src = out
    return out if src is out else img.copy()


def _back(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    if like.dtype == np.uint8:
        return np.clip(np.rint(values), 0, 255).astype(np.uint8)
    return np.clip(values, 0.0, 1.0).astype(np.float32)


def hue_saturation_value(img: np.ndarray, hue_shift: float, sat_shift: float,
                         val_shift: float) -> np.ndarray:
    """Shift hue (degrees) and add to saturation and value (fractions of full scale)."""
    if img.dtype == np.uint8:
        tables = [_hue_table(hue_shift)]
        if sat_shift != 0.0 or val_shift != 0.0:
            tables += [lut_from(lambda x: x + sat_shift), lut_from(lambda x: x + val_shift)]
        return hsv_tables_u8(img, tables, np.empty(img.shape, np.uint8))
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    h, s, v = cv2.split(hsv)  # float32: hue in degrees, s and v in [0, 1]
    h = np.mod(h + hue_shift, 360.0).astype(np.float32)
    s = np.clip(s + sat_shift, 0, 1).astype(np.float32)
    v = np.clip(v + val_shift, 0, 1).astype(np.float32)
    return cv2.cvtColor(cv2.merge([h, s, v]), cv2.COLOR_HSV2RGB)


_SMOOTH = np.array([[1, 1, 1], [1, 5, 1], [1, 1, 1]], dtype=np.float32) / 13.0


@lru_cache(maxsize=64)
def _sharpen_kernel(factor: float) -> np.ndarray:
    """``factor`` x identity + (1 - factor) x the smoothing kernel, in float64 so OpenCV's
    uint8 filter rounds the exact blend."""
    kernel = (1.0 - factor) * _SMOOTH.astype(np.float64)
    kernel[1, 1] += factor
    return kernel


def sharpness(img: np.ndarray, factor: float) -> np.ndarray:
    """Blend with a smoothed copy: 0 smooths, 1 is the original, 2 sharpens (PIL semantics;
    the one-pixel border is left unchanged).

    uint8: the blend ``f * x + (1 - f) * smooth(x)`` is one 3x3 kernel, so one OpenCV pass
    rounds it once and saturates (PIL rounds the smoothed copy first: within one level of
    it). Float images blend in float32.
    """
    if img.dtype == np.uint8 and img.shape[0] > 2 and img.shape[1] > 2:
        out = cv2.filter2D(img, -1, _sharpen_kernel(float(factor)),
                           borderType=cv2.BORDER_REPLICATE).reshape(img.shape)
        out[0], out[-1], out[:, 0], out[:, -1] = img[0], img[-1], img[:, 0], img[:, -1]
        return out
    height = img.shape[0]
    result = np.empty_like(img)
    for first, stop in row_bands(img):  # float32 temporaries of one band (+1 row each side)
        lo, hi = max(first - 1, 0), min(stop + 1, height)
        src = img[lo:hi].astype(np.float32)
        blurred = cv2.filter2D(src, -1, _SMOOTH, borderType=cv2.BORDER_REPLICATE)
        if blurred.ndim == 2 and src.ndim == 3:
            blurred = blurred[:, :, None]
        src, blurred = src[first - lo:stop - lo], blurred[first - lo:stop - lo]
        out = blurred + (src - blurred) * np.float32(factor)
        out[:, 0], out[:, -1] = src[:, 0], src[:, -1]
        if first == 0:
            out[0] = src[0]
        if stop == height:
            out[-1] = src[-1]
        result[first:stop] = _back(out, img)
    return result
