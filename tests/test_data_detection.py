"""COCO JSON and YOLO txt detection sets: read with boxes and masks, augmented by the runner
with the boxes moving with the pixels, written back in the same format; dropped boxes and
bad annotations listed, never silent."""

from __future__ import annotations

import json

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.cli.main import main
from augkit.data import open_dataset
from augkit.data.coco import CocoDetection
from augkit.data.masks import mask_to_rle, rle_to_mask
from augkit.data.yolo import YoloDetection
from tests.data_helpers import photo, write_rgb

H, W = 40, 48


def _pipe(tmp_path, transforms, **targets):
    path = tmp_path / "pipe.yaml"
    augkit.save(augkit.Compose(transforms, targets=targets or None), path)
    return path


def _augment(*args) -> int:
    return main(["augment", *map(str, args), "--quiet"])


def coco_set(root, bad=True):
    rng = np.random.default_rng(0)
    for k in range(3):
        write_rgb(root / "img" / f"{k}.png", photo(rng, (W, H)))
    square = np.zeros((H, W), np.uint8)
    square[10:20, 5:15] = 1
    doc = {"info": {"description": "test"},
           "categories": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}],
           "images": [{"id": 10 + k, "file_name": f"img/{k}.png", "height": H, "width": W,
                       "license": 3} for k in range(3)],
           "annotations": [
               {"id": 1, "image_id": 10, "category_id": 1, "bbox": [5, 10, 10, 10],
                "iscrowd": 0, "area": 100, "segmentation": [[5, 10, 14, 10, 14, 19, 5, 19]],
                "keypoints": [7, 12, 2, 0, 0, 0, 12, 15, 1], "num_keypoints": 2},
               {"id": 2, "image_id": 10, "category_id": 2, "bbox": [30, 2, 8, 6], "iscrowd": 0,
                "area": 48},
               {"id": 3, "image_id": 11, "category_id": 1, "bbox": [5, 10, 10, 10],
                "iscrowd": 1, "area": 100, "segmentation": mask_to_rle(square, True)},
               {"id": 4, "image_id": 99, "category_id": 1, "bbox": [0, 0, 1, 1]}]}
    if bad:
        doc["images"].append({"id": 13, "file_name": "../escape.png", "height": H, "width": W})
        doc["annotations"].append({"id": 5, "image_id": 12, "category_id": 1,
                                   "bbox": [1, 2, -3, 4]})
    (root / "annotations.json").write_text(json.dumps(doc))
    return root


def test_coco_reader_gives_boxes_masks_and_lists_bad_entries(tmp_path):
    ds = open_dataset(coco_set(tmp_path / "src"))
    assert isinstance(ds, CocoDetection) and ds.keys == ["img/0.png", "img/1.png"]
    reasons = {(s.key, s.reason) for s in ds.skipped}
    assert reasons == {("annotation 4", "bad annotation"), ("../escape.png", "unsafe path"),
                       ("img/2.png", "bad annotation")}
    first = ds[0]
    np.testing.assert_array_equal(first.targets["bboxes"], [[5, 10, 15, 20], [30, 2, 38, 8]])
    assert first.targets["labels"] == [1, 2]
    assert first.targets["masks"][0][10:20, 5:15].all() and first.targets["masks"][1].sum() == 0
    assert ds[1].targets["masks"][0].sum() == 100


def test_coco_flip_moves_boxes_and_masks_and_writes_a_new_json(tmp_path):
    src = coco_set(tmp_path / "src")
    pipe = _pipe(tmp_path, [A.HorizontalFlip(p=1.0)])
    assert _augment(src, "--pipeline", pipe, "--out", tmp_path / "out", "--copies", 1) == 0
    doc = json.loads((tmp_path / "out" / "annotations.json").read_text())
    names = [im["file_name"] for im in doc["images"]]
    assert names == ["img/0.png", "img/0__aug0.png", "img/1.png", "img/1__aug0.png"]
    assert [im["id"] for im in doc["images"]] == [1, 2, 3, 4]
    assert all(im["license"] == 3 and (im["height"], im["width"]) == (H, W)
               for im in doc["images"])
    assert doc["categories"] == json.loads((src / "annotations.json").read_text())["categories"]
    anns = {(a["image_id"], a["category_id"]): a for a in doc["annotations"]}
    assert [a["id"] for a in doc["annotations"]] == [1, 2, 3, 4, 5, 6]
    assert anns[(1, 1)]["segmentation"] == [[5, 10, 14, 10, 14, 19, 5, 19]]  # original as is
    assert anns[(2, 1)]["bbox"] == [W - 15, 10, 10, 10] and anns[(2, 2)]["bbox"] == [
        W - 38, 2, 8, 6]
    assert anns[(1, 1)]["keypoints"] == [7, 12, 2, 0, 0, 0, 12, 15, 1]
    assert anns[(2, 1)]["keypoints"] == [W - 7, 12, 2, 0, 0, 0, W - 12, 15, 1]  # moved
    assert anns[(2, 1)]["num_keypoints"] == 2 and "keypoints" not in anns[(2, 2)]
    flipped = anns[(2, 1)]["segmentation"]  # traced back from the flipped mask
    xs = flipped[0][0::2]
    assert min(xs) == W - 15 and max(xs) == W - 6 and anns[(2, 1)]["area"] == 100
    rle = anns[(4, 1)]["segmentation"]
    assert isinstance(rle["counts"], str) and anns[(4, 1)]["iscrowd"] == 1  # compressed kept
    assert rle_to_mask(rle)[10:20, W - 15:W - 5].all() and anns[(4, 1)]["area"] == 100
    out = open_dataset(tmp_path / "out")  # the output reads back as a COCO set
    assert len(out) == 4 and not out.skipped
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["boxes"] == {"kept": 6, "dropped": 0, "outputs": []}
    assert main(["replay", str(tmp_path / "out" / "manifest.jsonl"), "--row", "1"]) == 0


def test_keypoints_leaving_the_image_become_unlabelled(tmp_path):
    src = coco_set(tmp_path / "src", bad=False)
    pipe = _pipe(tmp_path, [A.Translate(fraction=(0.2, 0.2), axis="x", p=1.0)])
    assert _augment(src, "--pipeline", pipe, "--out", tmp_path / "o", "--no-originals") == 0
    doc = json.loads((tmp_path / "o" / "annotations.json").read_text())
    points = [a for a in doc["annotations"] if "keypoints" in a][0]["keypoints"]
    shift = points[0] - 7  # the first point moved by the shift; all kept as given otherwise
    assert abs(shift) == pytest.approx(0.2 * W, abs=1) and points[3:6] == [0, 0, 0]
    assert points[6:] == [12 + shift, 15, 1] or points[6:] == [0, 0, 0]


def test_dropped_boxes_are_reported(tmp_path, capsys):
    src = coco_set(tmp_path / "src", bad=False)
    # half the width out of the image: boxes leave it, or keep less than min_visibility
    pipe = _pipe(tmp_path, [A.Translate(fraction=(0.5, 0.5), axis="x", p=1.0)],
                 min_visibility=0.5)
    assert main(["augment", str(src), "--pipeline", str(pipe), "--out",
                 str(tmp_path / "out"), "--no-originals"]) == 0
    err = capsys.readouterr().err
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["boxes"]["dropped"] >= 1 and "boxes: kept" in err and "dropped" in err
    dropped = {d["source"]: d["dropped"] for d in summary["boxes"]["outputs"]}
    rows = [json.loads(line) for line in (tmp_path / "out" / "manifest.jsonl").open()]
    for row in rows:
        assert row["targets"]["dropped"] == dropped.get(row["source"], [])
        assert len(row["targets"]["kept"]) + len(row["targets"]["dropped"]) == {
            "img/0.png": 2, "img/1.png": 1, "img/2.png": 0}[row["source"]]


def yolo_set(root):
    rng = np.random.default_rng(1)
    for k in range(2):
        write_rgb(root / "images" / "train" / f"{k}.jpg", photo(rng, (W, H)))
    write_rgb(root / "images" / "train" / "empty.png", photo(rng, (W, H)))
    labels = root / "labels" / "train"
    labels.mkdir(parents=True)
    # box 0 covers x 6..18, y 8..24; a triangle polygon; a malformed file
    (labels / "0.txt").write_text(f"0 {12 / W} {16 / H} {12 / W} {16 / H}\n"
                                  "1 0.5 0.25 0.75 0.25 0.75 0.75\n")
    (labels / "1.txt").write_text("0 0.5 0.5 0.1\n")
    (root / "data.yaml").write_text(f"path: {root}\ntrain: images/train\nnames: [a, b]\n")
    return root


def test_yolo_reader_and_bad_lines(tmp_path):
    ds = open_dataset(yolo_set(tmp_path / "src"))
    assert isinstance(ds, YoloDetection)
    assert ds.keys == ["images/train/0.jpg", "images/train/empty.png"]
    assert [(s.key, s.reason) for s in ds.skipped] == [("images/train/1.jpg",
                                                         "bad annotation")]
    assert "labels/train/1.txt line 1" in ds.skipped[0].detail
    first = ds[0]
    np.testing.assert_allclose(first.targets["bboxes"][0], [6, 8, 18, 24])
    assert first.targets["labels"] == [0, 1] and len(first.targets["masks"]) == 2
    assert ds[1].targets["bboxes"].shape == (0, 4)


def test_yolo_flip_writes_images_and_label_files(tmp_path):
    src = yolo_set(tmp_path / "src")
    pipe = _pipe(tmp_path, [A.HorizontalFlip(p=1.0)])
    out = tmp_path / "out"
    assert _augment(src, "--pipeline", pipe, "--out", out) == 0
    assert (out / "labels/train/0.txt").read_bytes() == (
        src / "labels/train/0.txt").read_bytes()
    lines = (out / "labels/train/0__aug0.txt").read_text().splitlines()
    cls, *box = lines[0].split()
    assert cls == "0"
    np.testing.assert_allclose([float(v) for v in box], [(W - 12) / W, 16 / H, 12 / W, 16 / H],
                               atol=1e-6)
    poly = np.array([float(v) for v in lines[1].split()[1:]]).reshape(-1, 2)
    assert lines[1].startswith("1 ") and len(poly) >= 3
    assert 0.2 < poly[:, 0].min() < 0.3 and 0.45 < poly[:, 0].max() < 0.55  # x mirrored
    assert (out / "labels/train/empty__aug0.txt").read_text() == ""
    assert (out / "images/train/0__aug0.jpg").is_file()
    yaml_text = (out / "data.yaml").read_text()
    assert yaml_text.startswith("# path:") and "train: images/train" in yaml_text
    back = open_dataset(out)
    assert isinstance(back, YoloDetection) and len(back) == 4 and not back.skipped


def test_detection_refuses_npz_and_balance(tmp_path):
    src = yolo_set(tmp_path / "src")
    pipe = _pipe(tmp_path, [A.HorizontalFlip(p=1.0)])
    with pytest.raises(SystemExit):  # argparse knows npz; the layout refuses it
        main(["augment", str(src), "--pipeline", str(pipe), "--out", str(tmp_path / "o"),
              "--format", "bogus"])
    assert _augment(src, "--pipeline", pipe, "--out", tmp_path / "o2", "--format", "npz") != 0
    assert _augment(src, "--pipeline", pipe, "--out", tmp_path / "o3", "--balance") != 0


@pytest.mark.parametrize("kind", ["coco", "yolo"])
def test_an_interrupted_run_resumes_to_the_same_files(tmp_path, monkeypatch, kind):
    """Interrupted after k writes (for YOLO also between a label file and its image), then
    resumed: the folder holds exactly the files of an uninterrupted run."""
    import augkit.data.runner as R
    from tests.data_helpers import tree

    src = coco_set(tmp_path / "src", bad=False) if kind == "coco" else yolo_set(
        tmp_path / "src")
    pipeline = augkit.Compose([A.Rotate(limit=30, p=1.0), A.GaussianNoise(p=0.5)])

    def job(dst, resume=False):
        return R.Job(src=src, dst=dst, pipeline=pipeline, copies=2, seed=5, resume=resume,
                     progress=False)
    R.run(job(tmp_path / "ref"))
    expected = tree(tmp_path / "ref")
    real = R.atomic_write
    for stop in (1, 2, 5):
        calls = []

        def flaky(path, data, calls=calls, stop=stop):
            calls.append(path)
            if len(calls) == stop + 1:  # the state file is write 1
                raise KeyboardInterrupt
            real(path, data)
        dst = tmp_path / f"cut{stop}"
        monkeypatch.setattr(R, "atomic_write", flaky)
        with pytest.raises(KeyboardInterrupt):
            R.run(job(dst))
        monkeypatch.setattr(R, "atomic_write", real)
        R.run(job(dst, resume=True))
        assert tree(dst) == expected


def test_coco_errors_name_the_problem(tmp_path):
    src = coco_set(tmp_path / "src", bad=False)
    with pytest.raises(ValueError, match="image_root '.*nowhere' is not a folder"):
        open_dataset(src / "annotations.json", image_root=str(tmp_path / "nowhere"))
    (tmp_path / "list.json").write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a COCO object with an 'images' list"):
        open_dataset(tmp_path / "list.json")
    out = tmp_path / "src" / "o"
    pipe = _pipe(tmp_path, [A.HorizontalFlip(p=1.0)])
    assert _augment(src / "annotations.json", "--pipeline", pipe, "--out", out) == 2


# masks packed with np.packbits (row-major) and their compressed RLE as pycocotools writes it
PYCOCOTOOLS_RLE = [([207, 104, 155, 43, 41, 0], 6, 7, "022OO010O0031M00O034NLO0000"),
                   ([4, 64, 96, 64, 176], 9, 4, "81110O0050M050"),
                   ([185, 255, 255, 255, 126, 201, 254], 5, 11, "051N01060J0N0<0E1N")]


@pytest.mark.parametrize("packed, h, w, counts", PYCOCOTOOLS_RLE)
def test_compressed_rle_matches_pycocotools(packed, h, w, counts):
    mask = np.unpackbits(np.array(packed, np.uint8))[:h * w].reshape(h, w)
    assert mask_to_rle(mask, compressed=True) == {"size": [h, w], "counts": counts}
    np.testing.assert_array_equal(rle_to_mask({"size": [h, w], "counts": counts}), mask)


def test_rle_round_trips_and_bad_rle_is_named():
    rng = np.random.default_rng(0)
    for _ in range(50):
        h, w = rng.integers(1, 30, 2)
        mask = (rng.random((h, w)) < rng.random()).astype(np.uint8)
        for compressed in (False, True):
            np.testing.assert_array_equal(rle_to_mask(mask_to_rle(mask, compressed)), mask)
    from augkit.data.masks import AnnotationError
    with pytest.raises(AnnotationError, match="RLE runs cover 5 pixels; the size says 2 x 2"):
        rle_to_mask({"size": [2, 2], "counts": [1, 4]})
    with pytest.raises(AnnotationError, match="cut short"):
        rle_to_mask({"size": [2, 2], "counts": "o"})


def test_coco_left_and_right_keypoints_are_relabelled_by_a_flip(tmp_path):
    src = coco_set(tmp_path / "src", bad=False)
    doc = json.loads((src / "annotations.json").read_text())
    doc["categories"][0]["keypoints"] = ["left_eye", "nose", "right_eye"]
    (src / "annotations.json").write_text(json.dumps(doc))
    assert open_dataset(src)[0].targets["keypoint_flip_pairs"] == [(0, 2)]
    for op, swapped in ((A.HorizontalFlip(p=1.0), True), (A.RandomRotate90(p=1.0), False)):
        out = tmp_path / type(op).__name__
        assert _augment(src, "--pipeline", _pipe(tmp_path, [op]), "--out", out, "--copies",
                        1, "--seed", 2) == 0
        anns = {(a["image_id"], a["category_id"]): a for a in json.loads(
            (out / "annotations.json").read_text())["annotations"]}
        points = anns[(2, 1)]["keypoints"]
        if swapped:  # the flipped left eye (x = W - 7) is now labelled right_eye (row 2)
            assert points == [W - 12, 15, 1, 0, 0, 0, W - 7, 12, 2]
        else:
            assert points[2::3] == [2, 0, 1]  # rows kept: visibility flags in place


def test_a_polygon_object_whose_moved_mask_has_a_hole_is_written_as_rle(tmp_path):
    from augkit.data.masks import has_holes

    ring = np.zeros((H, W), np.uint8)
    ring[10:20, 5:15] = 1
    assert not has_holes(ring)
    ring[13:16, 8:11] = 0  # a dropout cut into the object
    assert has_holes(ring)
    ds = open_dataset(coco_set(tmp_path / "src", bad=False))
    image = ds[0].data
    out = {"bboxes": [[5, 10, 15, 20], [30, 2, 38, 8]], "bbox_indices": [0, 1],
           "masks": [ring, np.zeros((H, W), np.uint8)], "keypoints": ds[0].targets["keypoints"],
           "keypoints_visible": np.ones(3, bool)}
    shapes = ds.output_targets(0, out, image)["shapes"]
    assert isinstance(shapes[0], dict) and isinstance(shapes[0]["counts"], str)
    np.testing.assert_array_equal(rle_to_mask(shapes[0]), ring)  # the hole is kept exactly
    out["masks"][0] = (ring > 0).astype(np.uint8)
    out["masks"][0][13:16, 8:11] = 1
    assert isinstance(ds.output_targets(0, out, image)["shapes"][0], list)  # no hole: polygon
