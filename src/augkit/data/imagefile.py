"""Image files: header sizes (to refuse decompression bombs before decoding), checked
decoding with OpenCV (bit depth kept, BGR -> RGB) and encoding back.

OpenCV has no header-only API, so the pixel count is read from the format's own header:
PNG IHDR, JPEG SOFn, BMP's info header, WebP's VP8/VP8L/VP8X chunk, TIFF's first IFD.

>>> import numpy as np
>>> data = encode_image(np.zeros((3, 5, 3), np.uint16), ".png")
>>> header_size(data)
(5, 3)
>>> decode_image(data).dtype
dtype('uint16')
"""

from __future__ import annotations

import struct

import cv2
import numpy as np

DEFAULT_MAX_PIXELS = 178_956_970  # Pillow's MAX_IMAGE_PIXELS: about 0.25 GiB of RGB
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp", ".dcm")


class BadFile(ValueError):
    """An input that cannot be used; ``reason`` is one of corrupt, truncated, unreadable,
    undecodable, too large, wrong shape, unsafe path, symlink."""

    def __init__(self, reason: str, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason, self.detail = reason, detail


def header_size(data: bytes) -> tuple[int, int]:
    """(width, height) from an image header; ``BadFile`` when it is missing or malformed."""
    if not data:
        raise BadFile("truncated", "the file is empty")
    try:
        if data[:8] == b"\x89PNG\r\n\x1a\n":
            if len(data) < 24:
                raise BadFile("truncated", "the image header is cut short")
            if data[12:16] != b"IHDR":
                raise BadFile("corrupt", "PNG without an IHDR chunk")
            return struct.unpack(">II", data[16:24])
        if data[:2] == b"\xff\xd8":
            return _jpeg_size(data)
        if data[:2] == b"BM":
            width, height = struct.unpack("<ii", data[18:26])
            return abs(width), abs(height)
        if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
            return _webp_size(data)
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff_size(data)
    except struct.error:
        raise BadFile("truncated", "the image header is cut short") from None
    raise BadFile("undecodable", "not a PNG, JPEG, TIFF, WebP or BMP file")


def _jpeg_size(data: bytes) -> tuple[int, int]:
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise BadFile("corrupt", f"JPEG marker expected at byte {pos}")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return width, height
        pos += 2 + length
    raise BadFile("truncated", "JPEG ends before its frame header (SOF)")


def _webp_size(data: bytes) -> tuple[int, int]:
    chunk = data[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8L":
        bits = struct.unpack("<I", data[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8 ":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    raise BadFile("corrupt", f"unknown WebP chunk {chunk!r}")


def _tiff_size(data: bytes) -> tuple[int, int]:
    end = "<" if data[:2] == b"II" else ">"
    offset = struct.unpack(end + "I", data[4:8])[0]
    count = struct.unpack(end + "H", data[offset:offset + 2])[0]
    found: dict[int, int] = {}
    for i in range(count):
        entry = data[offset + 2 + 12 * i: offset + 14 + 12 * i]
        tag, kind = struct.unpack(end + "HH", entry[:4])
        if tag in (256, 257):
            found[tag] = struct.unpack(end + ("H" if kind == 3 else "I"),
                                       entry[8:10] if kind == 3 else entry[8:12])[0]
    if len(found) != 2:
        raise BadFile("corrupt", "TIFF without ImageWidth/ImageLength")
    return found[256], found[257]


def _complete(data: bytes) -> bool:
    """False when a PNG lacks its IEND chunk or a JPEG its end marker (a cut-off file that
    OpenCV would still decode, with grey or missing rows)."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return data.rstrip(b"\x00")[-8:-4] == b"IEND"
    if data[:2] == b"\xff\xd8":
        return b"\xff\xd9" in data[-64:]
    return True


def decode_image(data: bytes, max_pixels: int = DEFAULT_MAX_PIXELS) -> np.ndarray:
    """Decode file bytes as read (8 or 16 bit, channels kept; colour as RGB / RGBA).

    Raises ``BadFile`` for an undecodable, truncated or too-large image (the pixel count is
    read from the header and checked against ``max_pixels`` before decoding). DICOM files
    go through :mod:`augkit.data.dicom` (pydicom, the ``dicom`` extra)."""
    if data[128:132] == b"DICM":
        from augkit.data.dicom import decode_dicom

        return decode_dicom(data, max_pixels)
    width, height = header_size(data)
    if width * height > max_pixels:
        raise BadFile("too large", f"{width} x {height} = {width * height} pixels, above the "
                      f"limit of {max_pixels} (max_pixels)")
    if not _complete(data):
        raise BadFile("truncated", "the file ends before the image data does")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise BadFile("undecodable", "OpenCV could not decode the image data")
    if image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_BGRA2RGBA)
    return image


def encode_image(image: np.ndarray, suffix: str, jpeg_quality: int = 95) -> bytes:
    """Encode an RGB/RGBA/grey image as ``suffix`` (``.png``, ``.jpg``...), keeping its bit
    depth; a dtype the format cannot hold gets a ``ValueError`` that says which to use."""
    suffix = suffix.lower()
    if suffix == ".dcm":
        raise ValueError("a DICOM output is derived from its source file "
                         "(augkit.data.dicom.encode_like); use .png for a new file")
    if image.dtype not in (np.uint8, np.uint16):
        raise ValueError(f"cannot write a {image.dtype} image as {suffix}: the pipeline must "
                         "return uint8 or uint16 images for image files (use --format npz "
                         "to keep other dtypes)")
    if image.dtype == np.uint16 and suffix not in (".png", ".tif", ".tiff"):
        raise ValueError(f"cannot write a uint16 image as {suffix} without losing bits; use "
                         "--format png")
    if image.ndim == 3 and image.shape[2] == 3:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    elif image.ndim == 3 and image.shape[2] == 4:
        image = cv2.cvtColor(image, cv2.COLOR_RGBA2BGRA)
    params = [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality] if suffix in (".jpg", ".jpeg") else []
    ok, buffer = cv2.imencode(suffix, np.ascontiguousarray(image), params)
    if not ok:
        raise ValueError(f"OpenCV could not encode a {image.shape} {image.dtype} image as "
                         f"{suffix}")
    return buffer.tobytes()
