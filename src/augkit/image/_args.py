"""Argument helpers shared by the newer image transform modules."""

from __future__ import annotations

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
