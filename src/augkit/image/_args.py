"""Argument helpers shared by the newer image transform modules."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from numbers import Real

import numpy as np

from augkit.core import limits
from augkit.core.validate import check_range, fail

SEED_MAX = 2**63 - 1  # noise seeds are drawn from [0, SEED_MAX)


def check_odd_range(owner, name: str, value, lo: int = 3, hi: int = 255) -> tuple[int, int]:
    """An integer (low, high) range holding at least one odd number (a kernel size)."""
    low, high = check_range(owner, name, value, lo, hi, integer=True)
    if low == high and low % 2 == 0:
        fail(owner, name, value, f"expected a range of kernel sizes in [{lo}, {hi}] that "
             "contains an odd number")
    return low, high


def sample_odd(rng, low: int, high: int) -> int:
    """An odd integer drawn uniformly from [low, high]."""
    first = low if low % 2 else low + 1
    return first + 2 * int(rng.integers(0, (high - first) // 2 + 1))


def check_bool(owner, name: str, value) -> bool:
    if not isinstance(value, bool):
        fail(owner, name, value, "expected True or False", TypeError)
    return value


def check_image_bytes(owner, height: int, width: int, like, count: int = 1) -> None:
    """Refuse (``core.limits.check_output_bytes``) to make ``count`` arrays of ``height`` x
    ``width`` with the channels and dtype of ``like`` past ``max_output_bytes``: a few
    integer products per call, before anything is allocated."""
    channels = like.shape[2] if like.ndim == 3 else 1
    nbytes = count * height * width * channels * like.itemsize
    if nbytes > limits.get_limits().max_output_bytes:
        shape = f"{height} x {width}" + (f" x {channels}" if like.ndim == 3 else "")
        what = f"a {shape} {like.dtype} array" if count == 1 else (
            f"{count} arrays of {shape} {like.dtype}")
        limits.check_output_bytes(type(owner).__name__ if not isinstance(owner, str)
                                  else owner, what, nbytes)


# -- fill values: given in the units of the array they are written into ------------------------
FILL_UNITS = "uint8 images take [0, 255], uint16 images [0, 65535], float32 images [0, 1]"
FILL_MAX = 65535  # the largest fill of any image dtype (uint16); checked per dtype at call
MASK_FILL_MAX = 2**53  # mask values are exact within +-2**53 (see targets.mask_carrier)
U16_MAX = 65535


class _CarrierState(threading.local):
    uint16 = False  # True while a uint16 image runs on its float32 carrier (this thread)


_carrier = _CarrierState()


@contextmanager
def uint16_fills():
    """While a uint16 image runs on its float32 carrier: ``fill`` is read in uint16 units
    (an integer in [0, 65535]) and handed to the kernel as fill / 65535."""
    _carrier.uint16 = True
    try:
        yield
    finally:
        _carrier.uint16 = False


def check_fill(owner, name: str, value, hi: float = FILL_MAX) -> float:
    """A finite fill value in [0, hi] (construction time: the image dtype is not known yet)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        fail(owner, name, value, f"expected a number ({FILL_UNITS})", TypeError)
    if not 0 <= value <= hi:  # also refuses NaN and inf
        units = FILL_UNITS if name == "fill" else "the mask's own units"
        fail(owner, name, value, f"expected a finite number in [0, {hi}] ({units})")
    return float(value)


def fill_for(owner, name: str, fill: float, array: np.ndarray) -> float:
    """``fill`` checked against the units of ``array`` (per call, since only the data tells
    the dtype; a few scalar tests): at most 1 for a float32 image, an integer within the
    dtype's range for integer and bool arrays; float masks take any checked value. On a
    uint16 image's float32 carrier, an image fill is a uint16 value, scaled to [0, 1]."""
    char = array.dtype.char
    if char in "fd":
        if name == "fill" and _carrier.uint16:
            if fill != int(fill) or fill > U16_MAX:
                fail(owner, name, fill, f"a uint16 image takes an integer fill in [0, "
                     f"{U16_MAX}], in its own units ({FILL_UNITS})")
            return fill / U16_MAX
        if fill > 1.0 and name == "fill":
            fail(owner, name, fill, "a float32 image takes a fill in [0, 1], in its own units "
                 f"({FILL_UNITS}); scale it, e.g. fill / 255 from uint8 units")
        return fill
    if fill == 0:
        return fill
    info = _INT_RANGES.get(char) or _int_range(array.dtype)
    if fill != int(fill) or not info.min <= fill <= info.max:
        what = "image" if name == "fill" else "mask"
        fail(owner, name, fill, f"a {array.dtype} {what} takes an integer fill in "
             f"[{info.min}, {info.max}], in its own units ({FILL_UNITS})")
    return fill


class _Range:
    def __init__(self, low: int, high: int):
        self.min, self.max = low, high


_INT_RANGES = {"?": _Range(0, 1)}  # dtype char -> range (np.iinfo costs ~1 us a call)


def _int_range(dtype: np.dtype) -> _Range:
    info = np.iinfo(dtype)
    return _INT_RANGES.setdefault(dtype.char, _Range(int(info.min), int(info.max)))
