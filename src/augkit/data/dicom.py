"""DICOM images through pydicom (the ``dicom`` extra; imported only when a .dcm is read or
written).

Reading applies the modality rescale (``RescaleSlope`` / ``RescaleIntercept``) and the
photometric interpretation, then maps the values onto the image's own integer range so
that every image transform takes them: the full range of modality values the stored bits
can hold (``BitsStored``, signed or not) becomes [0, 65535] (uint16; [0, 255] uint8 for
8-bit data), increasing with the modality value; MONOCHROME1 (low values shown white) is
inverted so that bright means high, as in MONOCHROME2. RGB data (8 bit) is read as it is.
:func:`scale_of` gives the mapping, to turn pixels back into modality units (e.g. HU).

Writing (``--format same``) starts from the source file: the pixels are mapped back to
stored values (rounded, clipped to the stored range, MONOCHROME1 inverted again), the file
gets a new SOP Instance UID (derived from the source UID, the copy and the pixels, so a
rerun writes the same bytes), ImageType DERIVED\\SECONDARY, a derivation description and a
reference to its source image, and is stored uncompressed (Explicit VR Little Endian).
``--format png`` writes 16-bit PNGs instead.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

import numpy as np

from augkit.data.imagefile import BadFile

MONO = ("MONOCHROME1", "MONOCHROME2")


def pydicom():
    """The pydicom module, or an ImportError naming the extra."""
    try:
        import pydicom as module
    except ImportError:
        raise ImportError("DICOM files need pydicom: pip install 'augkit[dicom]'") from None
    return module


def is_dicom(data: bytes) -> bool:
    """A DICOM Part 10 file: 128-byte preamble, then ``DICM``."""
    return data[128:132] == b"DICM"


@dataclass(frozen=True)
class Scale:
    """How stored values map to the pixels augkit hands out: ``modality = stored * slope +
    intercept``; pixels run over [0, ``full``] as modality runs over [``low``, ``high``]
    (inverted for MONOCHROME1)."""

    slope: float
    intercept: float
    low: float
    high: float
    stored_min: int
    stored_max: int
    full: int
    invert: bool

    def to_modality(self, pixels: np.ndarray) -> np.ndarray:
        """Pixels (as read) back in modality units (float64), e.g. Hounsfield units."""
        p = pixels.astype(np.float64)
        if self.invert:
            p = self.full - p
        return self.low + p / self.full * (self.high - self.low)


def _read(data: bytes):
    dicom = pydicom()
    try:
        return dicom.dcmread(io.BytesIO(data))
    except Exception as err:  # pydicom raises several kinds for broken files
        raise BadFile("corrupt", f"pydicom could not read the file ({type(err).__name__}: "
                      f"{' '.join(str(err).split())[:120]})") from None


def scale_of(ds) -> Scale:
    """The mapping of a monochrome dataset (see :class:`Scale`)."""
    bits = int(ds.get("BitsStored", ds.get("BitsAllocated", 16)))
    signed = int(ds.get("PixelRepresentation", 0)) == 1
    lo_s, hi_s = (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)
    slope = float(ds.get("RescaleSlope", 1.0) or 1.0)
    intercept = float(ds.get("RescaleIntercept", 0.0) or 0.0)
    ends = sorted((lo_s * slope + intercept, hi_s * slope + intercept))
    return Scale(slope, intercept, ends[0], ends[1], lo_s, hi_s, 255 if bits <= 8 else 65535,
                 ds.get("PhotometricInterpretation") == "MONOCHROME1")


def decode_dicom(data: bytes, max_pixels: int) -> np.ndarray:
    """A DICOM file's image as augkit reads it (see the module docstring); ``BadFile`` for
    a file it cannot use (the pixel count is checked before the pixels are decoded)."""
    ds = _read(data)
    if "PixelData" not in ds:
        raise BadFile("undecodable", "the DICOM file has no pixel data")
    rows, cols = int(ds.get("Rows", 0)), int(ds.get("Columns", 0))
    frames = int(ds.get("NumberOfFrames", 1) or 1)
    if rows * cols * frames > max_pixels:
        raise BadFile("too large", f"{cols} x {rows} x {frames} frames = {rows * cols * frames} "
                      f"pixels, above the limit of {max_pixels} (max_pixels)")
    if frames != 1:
        raise BadFile("wrong shape", f"{frames} frames; augkit reads single-frame images")
    kind = ds.get("PhotometricInterpretation", "")
    if kind not in MONO + ("RGB",):
        raise BadFile("undecodable", f"photometric interpretation {kind!r} is not supported "
                      "(MONOCHROME1, MONOCHROME2, RGB)")
    try:
        stored = ds.pixel_array
    except Exception as err:  # a missing decoder for a compressed transfer syntax, or bad data
        raise BadFile("undecodable", f"pydicom could not decode the pixels "
                      f"({' '.join(str(err).split())[:160]})") from None
    if kind == "RGB":
        if stored.dtype != np.uint8:
            raise BadFile("undecodable", f"{stored.dtype} RGB pixels; augkit reads 8-bit RGB")
        return np.ascontiguousarray(stored)
    scale = scale_of(ds)
    modality = stored.astype(np.float64) * scale.slope + scale.intercept
    span = (scale.high - scale.low) or 1.0
    pixels = np.rint((modality - scale.low) / span * scale.full)
    if scale.invert:
        pixels = scale.full - pixels
    return np.clip(pixels, 0, scale.full).astype(np.uint8 if scale.full == 255 else np.uint16)


def derived_uid(source_uid: str, copy: int | None, stored: np.ndarray) -> str:
    """A UID under the UUID arc 2.25 from 128 bits of SHA-256 over the source UID, the copy
    and the pixels: the same output always gets the same UID, different ones never share
    one (pydicom's ``generate_uid(prefix=None)`` is random, so it is not used)."""
    digest = hashlib.sha256(f"{source_uid}|{copy}|".encode() + np.ascontiguousarray(
        stored).tobytes()).digest()
    return f"2.25.{int.from_bytes(digest[:16], 'big')}"


SPACING_TAGS = ("PixelSpacing", "ImagerPixelSpacing", "NominalScannedPixelSpacing")


def moved_spacing(spacing, steps: np.ndarray) -> list[float]:
    """``[row, column]`` spacing (mm) of output pixels whose steps along x and y are the
    columns of ``steps`` in source pixels: each step's physical length. A crop or flip keeps
    it, a resize by s divides it by s, a 90-degree turn swaps it; a general rotation of
    non-square pixels gives the lengths of the rotated pixel edges."""
    row_mm, col_mm = float(spacing[0]), float(spacing[1])
    (xx, xy), (yx, yy) = steps[:, 0], steps[:, 1]
    return [round(float(np.hypot(yx * col_mm, yy * row_mm)), 9),
            round(float(np.hypot(xx * col_mm, xy * row_mm)), 9)]


def encode_like(source: bytes, image: np.ndarray, copy: int | None,
                pixel_steps: np.ndarray | None = None) -> bytes:
    """A derived DICOM file: ``source``'s header with ``image`` (augkit pixels, as
    :func:`decode_dicom` gives them) as its pixel data (see the module docstring).
    ``pixel_steps`` (the move's output pixel steps in source pixels): PixelSpacing,
    ImagerPixelSpacing and NominalScannedPixelSpacing are rescaled to the new pixels."""
    dicom = pydicom()
    from pydicom.dataset import Dataset
    from pydicom.uid import ExplicitVRLittleEndian

    ds = _read(source)
    kind = ds.get("PhotometricInterpretation", "")
    if kind == "RGB":
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
            raise ValueError(f"an RGB DICOM takes (H, W, 3) uint8 pixels; got {image.shape} "
                             f"{image.dtype}")
        stored, bits = image, 8
    else:
        scale = scale_of(ds)
        if image.ndim != 2:
            raise ValueError(f"a {kind} DICOM takes (H, W) pixels; got shape {image.shape}")
        pixels = image.astype(np.float64)
        if scale.invert:
            pixels = scale.full - pixels
        modality = scale.low + pixels / scale.full * (scale.high - scale.low)
        values = np.rint((modality - scale.intercept) / scale.slope)
        values = np.clip(values, scale.stored_min, scale.stored_max)
        signed = scale.stored_min < 0
        bits_allocated = int(ds.get("BitsAllocated", 16))
        dtype = {(8, False): np.uint8, (8, True): np.int8, (16, False): np.uint16,
                 (16, True): np.int16}.get((bits_allocated, signed), np.int32 if signed
                                           else np.uint32)
        stored, bits = values.astype(dtype), int(ds.get("BitsStored", bits_allocated))
    source_uid = str(ds.get("SOPInstanceUID", ""))
    uid = derived_uid(source_uid, copy, stored)
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian  # written uncompressed
    ds.set_pixel_data(np.ascontiguousarray(stored), kind, bits, generate_instance_uid=False)
    ds.SOPInstanceUID = uid
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    old_type = list(ds.get("ImageType", []))
    ds.ImageType = ["DERIVED", "SECONDARY"] + [str(v) for v in old_type[2:]]
    ds.DerivationDescription = "augkit augmentation" + ("" if copy is None else f" (copy {copy})")
    if pixel_steps is not None and not np.allclose(pixel_steps, np.eye(2), atol=1e-12):
        for tag in SPACING_TAGS:
            value = ds.get(tag)
            if value is not None and len(value) == 2:
                setattr(ds, tag, moved_spacing(value, pixel_steps))
    if source_uid and "SOPClassUID" in ds:
        ref = Dataset()
        ref.ReferencedSOPClassUID = ds.SOPClassUID
        ref.ReferencedSOPInstanceUID = source_uid
        ds.SourceImageSequence = [ref]
    out = io.BytesIO()
    dicom.dcmwrite(out, ds, enforce_file_format=True)
    return out.getvalue()


__all__ = ["Scale", "decode_dicom", "encode_like", "is_dicom", "moved_spacing", "scale_of"]
