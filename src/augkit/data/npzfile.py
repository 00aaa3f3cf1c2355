"""``.npz`` bytes that depend only on the arrays (``np.savez`` stamps the current time in
the zip headers, so two equal runs would differ byte for byte)."""

from __future__ import annotations

import io
import zipfile

import numpy as np


def npz_bytes(arrays: dict[str, np.ndarray]) -> bytes:
    """An uncompressed ``.npz`` of ``arrays`` with fixed zip timestamps; ``np.load`` reads it.

    >>> data = npz_bytes({"x": np.arange(3)})
    >>> np.load(io.BytesIO(data))["x"].tolist(), npz_bytes({"x": np.arange(3)}) == data
    ([0, 1, 2], True)
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive:
        for name, array in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.asanyarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            archive.writestr(info, member.getvalue())
    return out.getvalue()
