"""`augkit demo`: an augmented image grid with its replay records, from bundled data only."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np

import augkit
from augkit import image as A
from augkit.resources import sample_image

# The face of the bundled astronaut image, and her eyes, to show targets moving with pixels.
FACE_BOX = [80.0, 10.0, 146.0, 96.0]
EYES = [[101.0, 50.0], [125.0, 50.0]]


def demo_pipeline(seed: int) -> augkit.Compose:
    return augkit.Compose(
        [
            A.HorizontalFlip(p=0.5),
            A.Rotate(limit=30, border_mode="reflect101", p=0.8),
            A.Zoom(scale=(0.75, 1.33), border_mode="reflect101", p=0.8),
        ],
        seed=seed,
    )


def _draw_targets(tile: np.ndarray, out: dict) -> np.ndarray:
    canvas = np.ascontiguousarray(tile)
    for box in out["bboxes"]:
        x0, y0, x1, y1 = (int(round(v)) for v in box)
        cv2.rectangle(canvas, (x0, y0), (x1 - 1, y1 - 1), (255, 220, 0), 2)
    for (x, y), visible in zip(out["keypoints"], out["keypoints_visible"], strict=True):
        if visible:
            cv2.circle(canvas, (int(x), int(y)), 3, (0, 255, 255), -1)
    return canvas


def image_grid(tiles: list[np.ndarray], columns: int, gap: int = 4) -> np.ndarray:
    h, w, c = tiles[0].shape
    rows = -(-len(tiles) // columns)
    grid = np.full((rows * h + (rows + 1) * gap, columns * w + (columns + 1) * gap, c), 255,
                   np.uint8)
    for i, tile in enumerate(tiles):
        r, col = divmod(i, columns)
        y, x = gap + r * (h + gap), gap + col * (w + gap)
        grid[y:y + h, x:x + w] = tile
    return grid


def run_image_demo(out_dir: Path, seed: int = 0, tiles: int = 16) -> dict[str, Path]:
    """Write ``image_grid.png`` (tile 0 is the original) and ``image_records.json``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    image = sample_image()
    pipeline = demo_pipeline(seed)
    original = {"bboxes": np.array([FACE_BOX]), "keypoints": np.array(EYES),
                "keypoints_visible": np.array([True, True])}
    drawn = [_draw_targets(image.copy(), original)]
    records = []
    for index in range(1, tiles):
        out = pipeline(image=image, bboxes=[FACE_BOX], labels=["face"], keypoints=EYES,
                       return_record=True)
        drawn.append(_draw_targets(out["image"], out))
        records.append({"tile": index, "record": out["record"].to_dict()})
    grid_path = out_dir / "image_grid.png"
    cv2.imwrite(str(grid_path), cv2.cvtColor(image_grid(drawn, columns=4), cv2.COLOR_RGB2BGR))
    records_path = out_dir / "image_records.json"
    records_path.write_text(json.dumps({"pipeline": pipeline.to_dict(), "tiles": records},
                                       indent=1))
    return {"image grid": grid_path, "replay records": records_path}
