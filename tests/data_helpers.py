"""Small synthetic datasets on disk, and tree comparison, for the data / runner tests and
scripts/soak_resume.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np

import augkit
from augkit import image as A

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def photo(rng: np.random.Generator, size=(40, 30), dtype=np.uint8) -> np.ndarray:
    """An RGB test image: a gradient plus noise, so JPEG/PNG encodings are not trivial."""
    w, h = size
    top = np.iinfo(dtype).max
    ramp = np.linspace(0, top, w * h * 3).reshape(h, w, 3)
    noise = rng.integers(0, top // 8, (h, w, 3))
    return np.clip(ramp + noise, 0, top).astype(dtype)


def write_rgb(path: Path, image: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image[..., ::-1])


def class_folder(root: Path, counts=None, suffix=".png", size=(40, 30), seed=0) -> Path:
    rng = np.random.default_rng(seed)
    for label, n in (counts or {"cat": 3, "dog": 1}).items():
        for k in range(n):
            write_rgb(root / label / f"{k:03d}{suffix}", photo(rng, size))
    return root


def csv_folder(root: Path, n=6, size=(40, 30), seed=0) -> Path:
    rng = np.random.default_rng(seed)
    lines = ["filename,label,note"]
    for k in range(n):
        write_rgb(root / "img" / f"{k}.png", photo(rng, size))
        lines.append(f"img/{k}.png,{'ab'[k % 2]},n{k}")
    (root / "labels.csv").write_text("\n".join(lines) + "\n")
    return root


def pipeline_file(folder: Path) -> Path:
    path = folder / "pipe.yaml"
    augkit.save(augkit.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=20, p=0.8),
                                A.GaussianNoise(p=0.5)]), path)
    return path


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (hidden ones too) with its bytes."""
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            path = Path(folder, name)
            out[str(path.relative_to(root))] = path.read_bytes()
    return out


def augment_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "augkit.cli.main", "augment", *args]


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def run_command(args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, env=environment(), capture_output=True, text=True,
                          timeout=120)
