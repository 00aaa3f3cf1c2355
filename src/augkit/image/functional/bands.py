"""Bands of rows: kernels whose float temporaries would be several times the image work on
one band of rows at a time, with the arithmetic of the whole image (every pixel's value is
computed as before; random fields are drawn in the same order).
"""

from __future__ import annotations

import numpy as np

# Kernels with float temporaries work in bands of rows of about this many values, so those
# stay small whatever the image (ISONoise on a 12-megapixel photo took 20x its size), and a
# band's temporaries stay in cache and are reused rather than page-faulted anew: ISONoise,
# ShotNoise and Sharpness ran 2-7x faster at 256x256 and 500x375 with 2**17 than unbanded
BAND_VALUES = 1 << 17
# for kernels that are one streaming pass per band (GaussianNoise, the elastic remap), where
# more bands only add calls: 500x375 RGB stays one band
WIDE_BAND_VALUES = 1 << 20


def row_bands(img: np.ndarray, wide: bool = False) -> list[tuple[int, int]]:
    """(first, stop) rows covering ``img`` in bands of about ``BAND_VALUES`` values
    (``WIDE_BAND_VALUES`` when ``wide``). Bands are a multiple of 4 rows, so every band
    but the last draws whole 64-bit words from the generator, and drawing band after band
    gives the very numbers of one whole draw (:func:`augkit.core.random.random_uint16` is
    ``rng.bytes``, which splits exactly at 4-byte boundaries); a small image is one band."""
    height = img.shape[0]
    per_row = img.size // height
    rows = max(4, ((WIDE_BAND_VALUES if wide else BAND_VALUES) // per_row) // 4 * 4)
    return [(r, min(r + rows, height)) for r in range(0, height, rows)]
