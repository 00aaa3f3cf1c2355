"""Lossy compression kernels: encode and decode through JPEG or WebP with OpenCV.

Colour images are taken to be RGB (converted to OpenCV's BGR order around the codec, so
chroma subsampling treats red and blue correctly). Channel counts the codecs do not know are
handled per plane: 4 channels as colour plus an untouched fourth (alpha) channel, any other
count as separate grey planes.
"""

from __future__ import annotations

import cv2
import numpy as np

CODECS = {"jpeg": (".jpg", cv2.IMWRITE_JPEG_QUALITY), "webp": (".webp", cv2.IMWRITE_WEBP_QUALITY)}
# OpenCV >= 4.11 decodes straight to RGB order, which saves one colour-order pass per call
_DECODE_RGB = getattr(cv2, "IMREAD_COLOR_RGB", None)


def _roundtrip(img8: np.ndarray, kind: str, quality: int,
               read: int = cv2.IMREAD_UNCHANGED) -> np.ndarray:
    ext, flag = CODECS[kind]
    ok, buf = cv2.imencode(ext, img8, [flag, int(quality)])
    if not ok:  # pragma: no cover - OpenCV built without the codec
        raise RuntimeError(f"ImageCompression: OpenCV could not encode {kind}")
    decoded = cv2.imdecode(buf, read)
    if img8.ndim == 2 and decoded.ndim == 3:  # WebP always decodes to colour
        decoded = decoded[:, :, 0]
    return decoded


def _colour_roundtrip(bgr: np.ndarray, kind: str, quality: int) -> np.ndarray:
    """A BGR image through the codec, returned in RGB order."""
    if _DECODE_RGB is not None:
        return _roundtrip(bgr, kind, quality, _DECODE_RGB)
    return cv2.cvtColor(_roundtrip(bgr, kind, quality), cv2.COLOR_BGR2RGB)


def _compress_u8(img: np.ndarray, kind: str, quality: int) -> np.ndarray:
    if img.ndim == 2:
        return _roundtrip(img, kind, quality)
    channels = img.shape[2]
    if channels == 3:
        return _colour_roundtrip(cv2.cvtColor(img, cv2.COLOR_RGB2BGR), kind, quality)
    if channels == 4:  # colour through the codec, the fourth (alpha) channel as it was
        out = img.copy()
        out[:, :, :3] = _colour_roundtrip(cv2.cvtColor(img, cv2.COLOR_RGBA2BGR), kind, quality)
        return out
    return np.stack([_roundtrip(np.ascontiguousarray(img[:, :, c]), kind, quality)
                     for c in range(channels)], axis=2)


def compress(img: np.ndarray, kind: str, quality: int) -> np.ndarray:
    """``img`` after a round trip through ``kind`` ("jpeg" or "webp") at ``quality`` 1-100.
    float32 images go through 8-bit levels, as a real codec would store them."""
    if img.dtype == np.uint8:
        return _compress_u8(img, kind, quality)
    levels = np.clip(np.rint(img * 255.0), 0, 255).astype(np.uint8)
    return (_compress_u8(levels, kind, quality).astype(np.float32) / np.float32(255.0))
