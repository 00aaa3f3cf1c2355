"""Data bundled with augkit (see the licence notes next to each file)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def path(*parts: str) -> Path:
    """Filesystem path of a bundled resource, e.g. ``path("images", "astronaut.png")``."""
    return Path(str(resources.files("augkit.resources").joinpath(*parts)))


def sample_image():
    """The bundled 256x256 RGB sample image (public domain, NASA) as a uint8 array."""
    import cv2

    bgr = cv2.imread(str(path("images", "astronaut.png")), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
