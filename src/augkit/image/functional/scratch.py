"""Reusable per-thread work arrays for kernels that need a temporary of image size.

A fresh array of a few hundred kilobytes or more comes from the operating system with
untouched pages, and every page faults on its first write; in a per-image loop that can cost
as much as the work itself (a 500x375 RGBA temporary doubled the time of an affine warp).
Each thread keeps its latest array per named slot instead. Arrays above ``LIMIT`` bytes are
not kept, so a thread holds at most ``LIMIT`` bytes per slot.

A scratch array is overwritten by the next call that uses the same slot in the same thread:
kernels must never return one (or a view of one) to their caller.
"""

from __future__ import annotations

import math
import threading

import numpy as np

LIMIT = 8 << 20  # bytes per slot: a 2-megapixel RGBA uint8 image
_local = threading.local()


def scratch(slot: str, shape: tuple[int, ...], dtype=np.uint8) -> np.ndarray:
    """An uninitialised C-contiguous array of ``shape``, reused by later calls in this thread
    that name the same ``slot`` and shape (a new array otherwise)."""
    dtype = np.dtype(dtype)
    if math.prod(shape) * dtype.itemsize > LIMIT:
        return np.empty(shape, dtype)
    arrays = getattr(_local, "arrays", None)
    if arrays is None:
        arrays = _local.arrays = {}
    array = arrays.get(slot)
    if array is None or array.shape != shape or array.dtype != dtype:
        array = arrays[slot] = np.empty(shape, dtype)
    return array
