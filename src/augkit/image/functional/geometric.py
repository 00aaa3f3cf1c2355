"""Geometric kernels for images, masks and points.

Images and masks go through OpenCV (any channel count; an HxWx1 input stays HxWx1). Points
are in continuous pixel coordinates (image corner at (0, 0), far corner at (width, height));
affine matrices are written in that frame and converted once for OpenCV, whose frame puts
pixel centres on integers.
"""

from __future__ import annotations

import cv2
import numpy as np

from augkit.image.functional.scratch import scratch

INTERPOLATIONS = {
    "nearest": cv2.INTER_NEAREST,
    "linear": cv2.INTER_LINEAR,
    "cubic": cv2.INTER_CUBIC,
    "area": cv2.INTER_AREA,
    "lanczos": cv2.INTER_LANCZOS4,
}
BORDER_MODES = {
    "constant": cv2.BORDER_CONSTANT,
    "reflect": cv2.BORDER_REFLECT,
    "reflect101": cv2.BORDER_REFLECT_101,
    "replicate": cv2.BORDER_REPLICATE,
    "wrap": cv2.BORDER_WRAP,
}
# OpenCV's kernels are built for 1, 3 or 4 channels: border values hold 4 numbers, cubic and
# Lanczos warps and area resizing refuse wider images, wider warps round coordinates
# differently (nearest picks other pixels than for the same image's mask), and 2-channel
# bilinear warps differ by up to 5 grey levels from the same bands warped alone. Images with
# other channel counts therefore go through warps and resizes band by band.
_CV_MAX_BORDER_CHANNELS = 4
CV_NATIVE_CHANNELS = (1, 3, 4)


def keep_shape(out: np.ndarray, like: np.ndarray) -> np.ndarray:
    """OpenCV drops a trailing channel axis of size 1; put it back."""
    if like.ndim == 3 and out.ndim == 2:
        return out[:, :, None]
    return out


def hflip(img: np.ndarray) -> np.ndarray:
    return keep_shape(cv2.flip(img, 1), img)


def vflip(img: np.ndarray) -> np.ndarray:
    return keep_shape(cv2.flip(img, 0), img)


def _cv_layout(img: np.ndarray) -> bool:
    """OpenCV's copy kernels handle this array (<= 4 channels) bit-exactly."""
    return img.ndim == 2 or img.shape[2] <= _CV_MAX_BORDER_CHANNELS


def transpose(img: np.ndarray) -> np.ndarray:
    if _cv_layout(img):  # ~15x faster than numpy's strided copy for interleaved channels
        return keep_shape(cv2.transpose(img), img)
    return np.ascontiguousarray(img.swapaxes(0, 1))


_ROTATIONS = {1: cv2.ROTATE_90_COUNTERCLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_CLOCKWISE}


def rot90(img: np.ndarray, k: int) -> np.ndarray:
    """Rotate by k quarter turns counter-clockwise (as displayed)."""
    k %= 4
    if k == 0:
        return img.copy()  # a new array, as for every other k (never the input or a view)
    if _cv_layout(img):
        return keep_shape(cv2.rotate(img, _ROTATIONS[k]), img)
    return np.ascontiguousarray(np.rot90(img, k))


def crop(img: np.ndarray, top: int, left: int, height: int, width: int) -> np.ndarray:
    return img[top:top + height, left:left + width].copy()


def resize(img: np.ndarray, height: int, width: int, interpolation: str = "linear") -> np.ndarray:
    if img.shape[:2] == (height, width):
        return img.copy()
    flag = INTERPOLATIONS[interpolation]
    return by_band(lambda a: cv2.resize(a, (width, height), interpolation=flag), img)


def _fill_value(fill: float, img: np.ndarray):
    return (float(fill),) * _CV_MAX_BORDER_CHANNELS


def rgba_is_faster(img: np.ndarray, interpolation: str, batch: bool = False) -> bool:
    """uint8 RGB bilinear warps and remaps run 2-2.7x faster through OpenCV's 4-channel
    kernel than its 3-channel one (256x256 affine: 340 -> 155 us, plus ~18 us to add and
    drop the fourth channel), with the same values (tested); "area" warps are bilinear.
    ``img``: one HxWxC image, or an (N, H, W[, C]) batch when ``batch``."""
    return (img.dtype == np.uint8 and img.ndim == (4 if batch else 3) and img.shape[-1] == 3
            and interpolation in ("linear", "area"))


def as_rgba(img: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """(..., H, W, 3) uint8 -> (..., H, W, 4) with an opaque fourth channel, one OpenCV call
    (into ``out`` when given: a C-contiguous array of that shape)."""
    rows = np.ascontiguousarray(img).reshape(-1, img.shape[-2], 3)
    dst = None if out is None else out.reshape(rows.shape[:2] + (4,))
    return cv2.cvtColor(rows, cv2.COLOR_RGB2RGBA, dst=dst).reshape(img.shape[:-1] + (4,))


def from_rgba(img: np.ndarray) -> np.ndarray:
    """The first three channels of an (..., H, W, 4) uint8 array, as a new array."""
    rows = img.reshape(-1, img.shape[-2], 4)
    return cv2.cvtColor(rows, cv2.COLOR_RGBA2RGB).reshape(img.shape[:-1] + (3,))


def warp_channels(fn, img: np.ndarray, interpolation: str, out_hw: tuple[int, int]
                  ) -> np.ndarray:
    """``fn(src, dst=None)`` (one OpenCV warp or remap, ``out_hw`` output) on ``img`` in the
    channel layout OpenCV warps best: uint8 RGB bilinear through RGBA (:func:`rgba_is_faster`;
    the RGBA temporaries are per-thread scratch arrays), band by band for 2 or more than 4
    channels (:func:`by_band`), else as it is."""
    if rgba_is_faster(img, interpolation):
        src = as_rgba(img, scratch("warp_src", img.shape[:2] + (4,)))
        dst = scratch("warp_dst", (int(out_hw[0]), int(out_hw[1]), 4))
        return from_rgba(fn(src, dst=dst))
    return by_band(fn, img)


def by_band(fn, img: np.ndarray, split: bool = True) -> np.ndarray:
    """``fn(img)``, or, when ``split`` and ``img`` has 2 or more than 4 channels, ``fn`` on
    each band alone, stacked back (see ``CV_NATIVE_CHANNELS``)."""
    if not split or img.ndim == 2 or img.shape[2] in CV_NATIVE_CHANNELS:
        return keep_shape(fn(img), img)
    return np.stack([fn(np.ascontiguousarray(img[:, :, c])) for c in range(img.shape[2])],
                    axis=2)


def pad(img: np.ndarray, top: int, bottom: int, left: int, right: int,
        border_mode: str = "constant", fill: float = 0) -> np.ndarray:
    mode = BORDER_MODES[border_mode]
    return by_band(
        lambda a: cv2.copyMakeBorder(a, top, bottom, left, right, mode,
                                     value=_fill_value(fill, a)), img, fill != 0)


def to_opencv_matrix(matrix: np.ndarray) -> np.ndarray:
    """Continuous-frame 2x3 affine -> OpenCV's frame (pixel centres on integers)."""
    out = np.array(matrix, dtype=np.float64, copy=True)
    out[:, 2] = matrix[:, :2] @ np.array([0.5, 0.5]) + matrix[:, 2] - 0.5
    return out


_EYE_2X3 = np.eye(2, 3).tobytes()
_EYE_3X3 = np.eye(3).tobytes()


def is_identity(cv_matrix: np.ndarray, img: np.ndarray, height: int, width: int) -> bool:
    """A float64 2x3 or 3x3 warp matrix that is exactly the identity, to a same-size output.

    Such a warp copies every pixel, and is done as a copy: OpenCV's SIMD paths compute the
    source coordinates with rounding that differs per CPU (float32 perspective warps on
    AVX-512 drift by an ulp), so only the copy is exact everywhere."""
    return (img.shape[:2] == (height, width)
            and cv_matrix.tobytes() == (_EYE_2X3 if len(cv_matrix) == 2 else _EYE_3X3))


def warp_affine(img: np.ndarray, matrix: np.ndarray, height: int, width: int,
                interpolation: str = "linear", border_mode: str = "constant",
                fill: float = 0) -> np.ndarray:
    """Warp with a continuous-frame 2x3 ``matrix`` mapping input points to output points."""
    cv_matrix = to_opencv_matrix(np.asarray(matrix, dtype=np.float64))
    if is_identity(cv_matrix, img, height, width):
        return img.copy()
    flags = INTERPOLATIONS[interpolation]
    mode = BORDER_MODES[border_mode]
    return warp_channels(
        lambda a, dst=None: cv2.warpAffine(a, cv_matrix, (width, height), dst=dst, flags=flags,
                                           borderMode=mode, borderValue=_fill_value(fill, a)),
        img, interpolation, (height, width))


def affine_points(xy: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    m = np.asarray(matrix, dtype=np.float64)
    return xy @ m[:, :2].T + m[:, 2]


def affine_matrix(height: int, width: int, *, angle: float = 0.0, scale: float = 1.0,
                  translate: tuple[float, float] = (0.0, 0.0),
                  shear: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Continuous-frame affine about the image centre.

    ``angle`` in degrees, counter-clockwise as displayed (y points down); ``translate`` in
    pixels (x, y); ``shear`` in degrees along x and y.
    """
    return affine_matrices(height, width, np.array([angle], dtype=np.float64),
                           np.array([scale], dtype=np.float64),
                           np.array([translate], dtype=np.float64),
                           np.array([shear], dtype=np.float64))[0]


def affine_matrices(height: int, width: int, angle: np.ndarray, scale: np.ndarray,
                    translate: np.ndarray, shear: np.ndarray) -> np.ndarray:
    """:func:`affine_matrix` for N parameter sets at once: (N,), (N,), (N, 2), (N, 2) ->
    (N, 2, 3). The single-image function calls this one, so both paths agree exactly."""
    a = np.deg2rad(angle)
    cos, sin = np.cos(a), np.sin(a)
    tx, ty = np.tan(np.deg2rad(shear[:, 0])), np.tan(np.deg2rad(shear[:, 1]))
    # rotation [[c, s], [-s, c]] times shear [[1, tx], [ty, 1]], times scale
    l00, l01 = (cos + sin * ty) * scale, (cos * tx + sin) * scale
    l10, l11 = (-sin + cos * ty) * scale, (-sin * tx + cos) * scale
    cx, cy = width / 2.0, height / 2.0
    ox = cx + translate[:, 0] - (l00 * cx + l01 * cy)
    oy = cy + translate[:, 1] - (l10 * cx + l11 * cy)
    return np.stack([np.stack([l00, l01, ox], axis=1), np.stack([l10, l11, oy], axis=1)],
                    axis=1)


def hflip_points(xy: np.ndarray, width: int) -> np.ndarray:
    return np.column_stack([width - xy[:, 0], xy[:, 1]])


def vflip_points(xy: np.ndarray, height: int) -> np.ndarray:
    return np.column_stack([xy[:, 0], height - xy[:, 1]])


def transpose_points(xy: np.ndarray) -> np.ndarray:
    return xy[:, ::-1].copy()


def rot90_points(xy: np.ndarray, k: int, height: int, width: int) -> np.ndarray:
    out = xy.copy()
    for _ in range(k % 4):  # one counter-clockwise quarter turn: (x, y) -> (y, W - x)
        out = np.column_stack([out[:, 1], width - out[:, 0]])
        height, width = width, height
    return out
