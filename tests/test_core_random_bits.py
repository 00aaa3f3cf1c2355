"""Fast raw draws that reproduce numpy's own streams exactly."""

from __future__ import annotations

import numpy as np
import pytest

from augkit.core.random import random_uint16


@pytest.mark.parametrize("count", [0, 1, 31, 32, 33, 34, 35, 1000, 196608, 196609])
@pytest.mark.parametrize("before", [0, 1, 2])
def test_random_uint16_equals_numpy_bytes_and_leaves_the_same_state(count, before):
    """Same numbers as ``rng.bytes`` read as little-endian uint16, and every later draw
    (bytes, 32-bit integers, floats) the same, after odd and even earlier 32-bit draws."""
    a, b = np.random.default_rng(count + 11), np.random.default_rng(count + 11)
    for _ in range(before):
        a.integers(0, 2**32, dtype=np.uint32)
        b.integers(0, 2**32, dtype=np.uint32)
    np.testing.assert_array_equal(random_uint16(b, count),
                                  np.frombuffer(a.bytes(2 * count), dtype="<u2"))
    assert a.bytes(13) == b.bytes(13)
    np.testing.assert_array_equal(a.integers(0, 2**32, 5, dtype=np.uint32),
                                  b.integers(0, 2**32, 5, dtype=np.uint32))
    assert a.random() == b.random()
