"""Tiny data and models for the generative tests (one model per kind and process)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

TINY = {"batch_size": 8, "width": 8, "d_width": 4, "z_dim": 8, "threads": 1}
_MODELS: dict[str, str] = {}


def halves(n: int = 24, size: int = 28, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """uint8 images: class 0 bright in the top half, class 1 in the bottom half."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    x = rng.integers(0, 40, (n, size, size), dtype=np.uint8)
    x[y == 0, : size // 2] += 200
    x[y == 1, size // 2:] += 200
    return x, y


def waves(n: int = 24, length: int = 48, channels: int = 2, seed: int = 0):
    """float32 series: class c is a sine of frequency c + 1, channel 1 its negative."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    t = np.linspace(0, 1, length)
    x = np.sin(2 * np.pi * (y[:, None] + 1) * t)[..., None] * np.array([1.0, -1.0][:channels])
    return (x + rng.normal(0, 0.1, x.shape)).astype(np.float32), y


def tiny_model(kind: str) -> str:
    """The folder of a 2-step model of ``kind`` (image: 28x28 grey; series: (48, 2))."""
    if kind not in _MODELS:
        from augkit.generative import GANConfig, train

        x, y = halves() if kind == "image" else waves()
        folder = Path(tempfile.mkdtemp(prefix="augkit-gan-")) / kind
        train(x, y, folder, steps=2, seed=0, config=GANConfig(**TINY))
        _MODELS[kind] = str(folder)
    return _MODELS[kind]
