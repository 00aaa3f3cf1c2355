"""The time-series demo figure is written from bundled (synthetic) data."""

from __future__ import annotations

import numpy as np
import pytest

from augkit.timeseries import demo


def test_versions_differ_from_the_original_and_are_reproducible():
    a, b = demo.augmented_versions(0), demo.augmented_versions(0)
    assert list(a) == ["original", "time warp (sigma=0.3)", "noise (0.1 x std)",
                       "drift (max 0.5 x std)"]
    for key in a:
        np.testing.assert_array_equal(a[key], b[key])
        assert a[key].shape == (200,)
        if key != "original":
            assert not np.allclose(a[key], a["original"])


def test_write_figure_makes_a_png(tmp_path):
    pytest.importorskip("matplotlib", reason="matplotlib is the optional 'plot' extra")
    path = demo.write_figure(tmp_path / "out")
    assert path == tmp_path / "out" / "timeseries.png"
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
