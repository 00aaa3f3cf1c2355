"""Image augmentation speed: augkit against albumentations 2.0.8, albumentationsx and kornia.

Run with ``make bench-image`` (or ``.venv/bin/python benchmarks/image_speed.py``). Peers live in
their own virtualenvs (``benchmarks/.venv-<name>``; albumentations and albumentationsx share
an import name), so the driver runs each library's measurements in a subprocess of that venv;
inside one subprocess everything runs in one process, single-threaded (OpenCV, BLAS/OpenMP
and torch threads = 1). Every library gets the same decoded uint8 RGB images (written once
by the driver) and equivalent parameters with p=1 (flips: p=0.5 in the batch section).

Every timed call ends with the output made C-contiguous (``np.ascontiguousarray``; kornia:
``Tensor.contiguous``), a no-op for outputs that already are. augkit always returns fresh
contiguous arrays, while albumentationsx returns flips (negative strides) and crops as views
of the input: without this step a flip would be timed as a view against a copy. The raw
view-returning flip rates are measured too (``per_image_raw``) and shown in one extra line.

Sections:
* ``per_image``: images/s of one transform called on one image, at 256x256 and 500x375.
  Kornia gets float32 (1, 3, H, W) tensors prepared outside the timing (its native input).
* ``batch32``: N=256 images of 32x32: augkit's ``transform.batch`` against each peer's
  per-image loop over the same 256 images (kornia also with its own batched call).
* ``copy``: augkit HorizontalFlip and lookup-table colour ops against ``np.copy``.
* ``pipeline``: whole training pipelines per image, with their targets: classification
  (random resized crop, flip, colour jitter, normalize), segmentation (affine, flip, crop,
  brightness/contrast, with a mask) and detection (flip, affine, brightness/contrast, with
  three labelled boxes). Each library's own Compose; kornia runs the image-only one.

Results: a markdown table on stdout and in ``benchmarks/results/image_speed.md``, raw
numbers in ``benchmarks/results/image_speed.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import _timing  # benchmarks/_timing.py (this script's folder is on the path)

ROOT = Path(__file__).resolve().parent
PEERS = {"albumentations": ROOT / ".venv-albumentations/bin/python",
         "albumentationsx": ROOT / ".venv-albumentationsx/bin/python",
         "kornia": ROOT / ".venv-kornia/bin/python"}
SIZES = {"256x256": (256, 256), "500x375": (375, 500)}  # name: (height, width)
CROP = 224
THREAD_ENV = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
                               "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS")}


# -- images: the same decoded uint8 RGB arrays for every library -----------------------------
def make_images(count: int = 8) -> dict:
    """Variants of the bundled astronaut photo plus upscaled PneumoniaMNIST x-rays when
    ../shared is present; returns {size name: (count, H, W, 3) uint8}, plus 32x32 images."""
    import cv2
    import numpy as np

    src = ROOT.parent / "src/augkit/resources/images/astronaut.png"
    photo = cv2.cvtColor(cv2.imread(str(src)), cv2.COLOR_BGR2RGB)
    sources = [photo, photo[::-1].copy(), photo[50:400, 80:500], photo[100:, :300]]
    xray = ROOT.parent.parent / "shared/datasets/images/pneumoniamnist_variant.npz"
    if xray.exists():
        gray = np.load(xray)["test_images"][:count]
        sources += [np.repeat(g[:, :, None], 3, axis=2) for g in gray]
    sources = (sources * count)[:count]
    out = {}
    for name, (h, w) in list(SIZES.items()) + [("32x32", (32, 32))]:
        out[name] = np.stack([cv2.resize(s, (w, h), interpolation=cv2.INTER_AREA)
                              for s in sources])
    return out


# -- per-library transform tables ------------------------------------------------------------
def augkit_table(h: int, w: int) -> dict:
    from augkit import image as A

    return {
        "HorizontalFlip": A.HorizontalFlip(p=1.0), "VerticalFlip": A.VerticalFlip(p=1.0),
        "Transpose": A.Transpose(p=1.0), "RandomRotate90": A.RandomRotate90(p=1.0),
        "Rotate": A.Rotate(limit=30, p=1.0),
        "Affine": A.Affine(scale=(0.9, 1.1), translate_percent=(-0.1, 0.1), rotate=(-15, 15),
                           shear=(-10, 10), p=1.0),
        "RandomCrop": A.RandomCrop(CROP, CROP), "CenterCrop": A.CenterCrop(CROP, CROP),
        "RandomResizedCrop": A.RandomResizedCrop(CROP, CROP),
        "Resize": A.Resize(CROP, CROP), "Pad": A.Pad(4),
        "Brightness": A.Brightness(limit=0.2, p=1.0),
        "Contrast": A.Contrast(limit=0.2, p=1.0),
        "BrightnessContrast": A.BrightnessContrast(0.2, 0.2, p=1.0),
        "Gamma": A.Gamma((0.8, 1.25), p=1.0),
        "HueSaturationValue": A.HueSaturationValue(20, 0.12, 0.08, p=1.0),
        "ColorJitter": A.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0),
        "Grayscale": A.Grayscale(p=1.0), "Invert": A.Invert(p=1.0),
        "Solarize": A.Solarize((0.5, 1.0), p=1.0), "Posterize": A.Posterize((4, 7), p=1.0),
        "Equalize": A.Equalize(p=1.0), "AutoContrast": A.AutoContrast(p=1.0),
        "Sharpness": A.Sharpness(factor=(0.5, 2.0), p=1.0),
        "GaussianBlur": A.GaussianBlur((0.5, 1.5), p=1.0),
        "GaussianNoise": A.GaussianNoise((0.02, 0.08), p=1.0),
        "SaltAndPepper": A.SaltAndPepper((0.01, 0.05), p=1.0),
        "Cutout": A.Cutout((1, 3), (0.1, 0.25), (0.1, 0.25), p=1.0),
        "RandomErasing": A.RandomErasing(p=1.0),
    }


def albumentations_table(h: int, w: int) -> dict:
    """The same transforms for albumentations 2.0.8 and albumentationsx (which renamed
    several range arguments: ``*_limit`` -> ``*_range``, ``limit`` -> ``angle_range``)."""
    import inspect

    import albumentations as A
    import cv2

    const = cv2.BORDER_CONSTANT

    def make(name: str, old: dict, new: dict | None = None):
        cls = getattr(A, name)
        params = inspect.signature(cls.__init__).parameters
        kwargs = old if new is None or all(k in params for k in old) else new
        return lambda: cls(**kwargs, p=1.0)

    return {
        "HorizontalFlip": make("HorizontalFlip", {}), "VerticalFlip": make("VerticalFlip", {}),
        "Transpose": make("Transpose", {}), "RandomRotate90": make("RandomRotate90", {}),
        "Rotate": make("Rotate", {"limit": (-30, 30), "border_mode": const},
                       {"angle_range": (-30, 30), "border_mode": const}),
        "Affine": make("Affine", {"scale": (0.9, 1.1), "translate_percent": (-0.1, 0.1),
                                  "rotate": (-15, 15), "shear": (-10, 10),
                                  "border_mode": const}),
        "RandomCrop": make("RandomCrop", {"height": CROP, "width": CROP}),
        "CenterCrop": make("CenterCrop", {"height": CROP, "width": CROP}),
        "RandomResizedCrop": make("RandomResizedCrop", {"size": (CROP, CROP)}),
        "Resize": make("Resize", {"height": CROP, "width": CROP}),
        "Pad": make("Pad", {"padding": 4, "border_mode": const}),
        "Brightness": make("RandomBrightnessContrast",
                           {"brightness_limit": (-0.2, 0.2), "contrast_limit": (0.0, 0.0)},
                           {"brightness_range": (-0.2, 0.2), "contrast_range": (0.0, 0.0)}),
        "Contrast": make("RandomBrightnessContrast",
                         {"brightness_limit": (0.0, 0.0), "contrast_limit": (-0.2, 0.2)},
                         {"brightness_range": (0.0, 0.0), "contrast_range": (-0.2, 0.2)}),
        "BrightnessContrast": make(
            "RandomBrightnessContrast",
            {"brightness_limit": (-0.2, 0.2), "contrast_limit": (-0.2, 0.2)},
            {"brightness_range": (-0.2, 0.2), "contrast_range": (-0.2, 0.2)}),
        "Gamma": make("RandomGamma", {"gamma_limit": (80, 125)}, {"gamma_range": (80, 125)}),
        "HueSaturationValue": make(
            "HueSaturationValue",
            {"hue_shift_limit": (-20, 20), "sat_shift_limit": (-30, 30),
             "val_shift_limit": (-20, 20)},
            {"hue_shift_range": (-20, 20), "sat_shift_range": (-30, 30),
             "val_shift_range": (-20, 20)}),
        "ColorJitter": make("ColorJitter",
                            {"brightness": (0.8, 1.2), "contrast": (0.8, 1.2),
                             "saturation": (0.8, 1.2), "hue": (-0.05, 0.05)},
                            {"brightness_range": (0.8, 1.2), "contrast_range": (0.8, 1.2),
                             "saturation_range": (0.8, 1.2), "hue_range": (-0.05, 0.05)}),
        "Grayscale": make("ToGray", {}), "Invert": make("InvertImg", {}),
        "Solarize": make("Solarize", {"threshold_range": (0.5, 1.0)}),
        "Posterize": make("Posterize", {"num_bits": (4, 7)}),
        "Equalize": make("Equalize", {}), "AutoContrast": make("AutoContrast", {}),
        # a 3x3 sharpening kernel blended with the image, as augkit's (PIL's) Sharpness
        "Sharpness": make("Sharpen", {"alpha": (0.2, 0.5), "lightness": (0.5, 1.0)}),
        "GaussianBlur": make("GaussianBlur", {"blur_limit": 0, "sigma_limit": (0.5, 1.5)},
                             {"blur_range": (0, 0), "sigma_range": (0.5, 1.5)}),
        "GaussianNoise": make("GaussNoise", {"std_range": (0.02, 0.08)}),
        "SaltAndPepper": make("SaltAndPepper", {"amount": (0.01, 0.05)},
                              {"amount_range": (0.01, 0.05)}),
        "Cutout": make("CoarseDropout", {"num_holes_range": (1, 3),
                                         "hole_height_range": (0.1, 0.25),
                                         "hole_width_range": (0.1, 0.25)}),
        "RandomErasing": make("Erasing", {}),
    }


def kornia_table(h: int, w: int) -> dict:
    import kornia.augmentation as K

    return {
        "HorizontalFlip": lambda: K.RandomHorizontalFlip(p=1.0),
        "VerticalFlip": lambda: K.RandomVerticalFlip(p=1.0),
        "RandomRotate90": lambda: K.RandomRotation90(times=(0, 3), p=1.0),
        "Rotate": lambda: K.RandomRotation(degrees=30.0, p=1.0),
        "Affine": lambda: K.RandomAffine(degrees=15.0, translate=(0.1, 0.1), scale=(0.9, 1.1),
                                         shear=10.0, p=1.0),
        "RandomCrop": lambda: K.RandomCrop((CROP, CROP), p=1.0),
        "CenterCrop": lambda: K.CenterCrop((CROP, CROP), p=1.0),
        "RandomResizedCrop": lambda: K.RandomResizedCrop((CROP, CROP), p=1.0),
        "Resize": lambda: K.Resize((CROP, CROP), p=1.0),
        "Brightness": lambda: K.RandomBrightness(brightness=(0.8, 1.2), p=1.0),
        "Contrast": lambda: K.RandomContrast(contrast=(0.8, 1.2), p=1.0),
        "Gamma": lambda: K.RandomGamma(gamma=(0.8, 1.25), p=1.0),
        "ColorJitter": lambda: K.ColorJitter(0.2, 0.2, 0.2, 0.05, p=1.0),
        "Grayscale": lambda: K.RandomGrayscale(p=1.0), "Invert": lambda: K.RandomInvert(p=1.0),
        "Solarize": lambda: K.RandomSolarize(thresholds=0.25, additions=0.0, p=1.0),
        "Posterize": lambda: K.RandomPosterize(bits=(4, 7), p=1.0),
        "Equalize": lambda: K.RandomEqualize(p=1.0),
        "AutoContrast": lambda: K.RandomAutoContrast(p=1.0),
        "Sharpness": lambda: K.RandomSharpness(sharpness=0.5, p=1.0),
        "GaussianBlur": lambda: K.RandomGaussianBlur((7, 7), (0.5, 1.5), p=1.0),
        "GaussianNoise": lambda: K.RandomGaussianNoise(std=0.05, p=1.0),
        "SaltAndPepper": lambda: K.RandomSaltAndPepperNoise(amount=(0.01, 0.05), p=1.0),
        "RandomErasing": lambda: K.RandomErasing(p=1.0),
    }


# -- whole pipelines (same steps and probabilities in every library) -------------------------
PIPELINES = ("classification", "segmentation + mask", "detection + 3 boxes")
AFFINE = {"scale": (0.9, 1.1), "translate_percent": (-0.1, 0.1), "rotate": (-15, 15),
          "shear": (-10, 10)}
IMAGENET = {"mean": (0.485, 0.456, 0.406), "std": (0.229, 0.224, 0.225)}


def augkit_pipelines() -> dict:
    from augkit import image as A
    from augkit.core.compose import Compose

    return {
        "classification": lambda: Compose([
            A.RandomResizedCrop(CROP, CROP), A.HorizontalFlip(p=0.5),
            A.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8), A.Normalize(**IMAGENET)]),
        "segmentation + mask": lambda: Compose([
            A.Affine(**AFFINE, p=0.5), A.HorizontalFlip(p=0.5), A.RandomCrop(CROP, CROP),
            A.BrightnessContrast(0.2, 0.2, p=0.5)]),
        "detection + 3 boxes": lambda: Compose([
            A.HorizontalFlip(p=0.5), A.Affine(**AFFINE, p=0.5),
            A.BrightnessContrast(0.2, 0.2, p=0.5)]),
    }


def albumentations_pipelines() -> dict:
    """albumentations 2.0.8 and albumentationsx (renamed range arguments, as in the table)."""
    import inspect

    import albumentations as A
    import cv2

    def make(name: str, old: dict, new: dict | None = None, p: float = 1.0):
        cls = getattr(A, name)
        params = inspect.signature(cls.__init__).parameters
        return cls(**(old if new is None or all(k in params for k in old) else new), p=p)

    def jitter():
        return make("ColorJitter", {"brightness": (0.6, 1.4), "contrast": (0.6, 1.4),
                                    "saturation": (0.6, 1.4), "hue": (-0.1, 0.1)},
                    {"brightness_range": (0.6, 1.4), "contrast_range": (0.6, 1.4),
                     "saturation_range": (0.6, 1.4), "hue_range": (-0.1, 0.1)}, p=0.8)

    def bc():
        return make("RandomBrightnessContrast",
                    {"brightness_limit": (-0.2, 0.2), "contrast_limit": (-0.2, 0.2)},
                    {"brightness_range": (-0.2, 0.2), "contrast_range": (-0.2, 0.2)}, p=0.5)

    def affine():
        return A.Affine(**AFFINE, border_mode=cv2.BORDER_CONSTANT, p=0.5)

    box_format = ("format" if "format" in inspect.signature(A.BboxParams.__init__).parameters
                  else "coord_format")  # albumentationsx renamed it
    boxes = A.BboxParams(**{box_format: "pascal_voc"}, label_fields=["labels"])
    # albumentationsx's Compose reports usage unless told not to: off, as for a real run
    quiet = ({"telemetry": False}
             if "telemetry" in inspect.signature(A.Compose.__init__).parameters else {})
    return {
        "classification": lambda: A.Compose([
            A.RandomResizedCrop(size=(CROP, CROP)), A.HorizontalFlip(p=0.5), jitter(),
            A.Normalize(**IMAGENET)], **quiet),
        "segmentation + mask": lambda: A.Compose([
            affine(), A.HorizontalFlip(p=0.5), A.RandomCrop(height=CROP, width=CROP), bc()],
            **quiet),
        "detection + 3 boxes": lambda: A.Compose(
            [A.HorizontalFlip(p=0.5), affine(), bc()], bbox_params=boxes, **quiet),
    }


def kornia_pipelines() -> dict:
    import kornia.augmentation as K
    import torch

    return {"classification": lambda: K.AugmentationSequential(
        K.RandomResizedCrop((CROP, CROP)), K.RandomHorizontalFlip(p=0.5),
        K.ColorJitter(0.4, 0.4, 0.4, 0.1, p=0.8),
        K.Normalize(torch.tensor(IMAGENET["mean"]), torch.tensor(IMAGENET["std"])))}


def pipeline_inputs(images) -> dict:
    """Per pipeline, the keyword data of each call: the image, plus a mask (the brighter
    half of the red channel) or three labelled boxes in pascal_voc pixels."""
    import numpy as np

    out = {"classification": [{"image": x} for x in images],
           "segmentation + mask": [{"image": x, "mask": (x[:, :, 0] > 127).astype(np.uint8)}
                                   for x in images]}
    boxes = []
    for x in images:
        h, w = x.shape[:2]
        boxes.append({"image": x, "labels": ["a", "b", "c"], "bboxes": [
            [0.1 * w, 0.1 * h, 0.4 * w, 0.5 * h], [0.5 * w, 0.2 * h, 0.9 * w, 0.6 * h],
            [0.3 * w, 0.6 * h, 0.7 * w, 0.95 * h]]})
    out["detection + 3 boxes"] = boxes
    return out


BATCH_OPS = ("HorizontalFlip", "VerticalFlip", "RandomCrop", "Brightness", "Contrast",
             "BrightnessContrast", "Affine")
BATCH_CROP = 28
RAW_OPS = ("HorizontalFlip", "VerticalFlip")  # also timed without the contiguity step
COPY_OPS = ("HorizontalFlip", "Brightness", "Contrast", "Gamma", "Invert", "Solarize",
            "Posterize")


# -- timing ----------------------------------------------------------------------------------
REPEATS = 2


def rate(fn, items: list, seconds: float, repeats: int | None = None) -> float:
    return _timing.rate(fn, items, seconds, repeats or REPEATS)


def guarded(name: str, measure):
    """A measurement, or None (with a note on stderr) when the library rejects the setup."""
    try:
        return measure()
    except Exception as exc:  # a peer's API difference must not stop the whole run
        print(f"  {name}: not measured ({type(exc).__name__}: {str(exc)[:120]})",
              file=sys.stderr)
        return None


def call_image(transform, contiguous: bool = True):
    """One image in, the output image out; made C-contiguous unless ``contiguous=False``."""
    if not contiguous:
        return lambda x: transform(image=x)["image"]
    import numpy as np

    return lambda x: np.ascontiguousarray(transform(image=x)["image"])


def set_threads() -> None:
    import cv2

    cv2.setNumThreads(1)
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)


# -- workers (one per library, each in its own venv) -----------------------------------------
# A worker answers measurement requests on stdin/stdout, one JSON line each, so the driver
# can interleave libraries task by task: load from other processes on the machine then
# hits every library alike, and each number is the best over the rounds.
class Worker:
    """Measurements of one library, built lazily and cached by task key."""

    def __init__(self, lib: str, images: dict, seconds: float):
        set_threads()
        self.lib, self.images, self.seconds = lib, images, seconds
        self.cache: dict = {}
        self.tables = {size: self.table(*images[size].shape[1:3]) for size in SIZES}
        self.batch_table = self.table(32, 32)
        self.batch_table.update(self.batch_overrides())

    def keys(self) -> list:
        keys = [["per_image", size, name] for size in SIZES for name in self.tables[size]]
        keys += [["per_image_raw", size, name] for size in SIZES for name in RAW_OPS
                 if name in self.tables[size]]
        keys += [["batch32", name] for name in BATCH_OPS if name in self.batch_table]
        keys += [["pipeline", size, name] for size in SIZES for name in self.pipelines()]
        return keys

    def measure(self, key: list):
        return guarded(" ".join(key), lambda: self._measure(key))

    def _measure(self, key: list) -> float:
        if key[0] in ("per_image", "per_image_raw"):
            size, name = key[1], key[2]
            return rate(self.call(self.build(self.tables[size][name]),
                                  contiguous=key[0] == "per_image"),
                        self.inputs(size), self.seconds)
        if key[0] == "copy":
            import numpy as np

            return rate(np.copy, list(self.images[key[1]]), self.seconds)
        if key[0] == "pipeline":
            return self.measure_pipeline(key[1], key[2])
        return self.measure_batch(key[0], key[1])

    def pipelines(self) -> dict:
        return {"augkit": augkit_pipelines, "kornia": kornia_pipelines}.get(
            self.lib, albumentations_pipelines)()

    def measure_pipeline(self, size: str, name: str) -> float:
        """One call per image with its targets; the output image made C-contiguous."""
        pipeline = self.pipelines()[name]()
        if self.lib == "kornia":
            return rate(lambda x: pipeline(x).contiguous(), self.inputs(size), self.seconds)
        import numpy as np

        calls = pipeline_inputs(self.images[size])[name]
        return rate(lambda data: np.ascontiguousarray(pipeline(**data)["image"]), calls,
                    self.seconds)

    # library specifics
    def table(self, h: int, w: int) -> dict:
        return {"augkit": augkit_table, "kornia": kornia_table}.get(
            self.lib, albumentations_table)(h, w)

    @staticmethod
    def build(entry):
        return entry() if callable(entry) and not hasattr(entry, "sample") else entry

    def call(self, transform, contiguous: bool = True):
        if self.lib != "kornia":
            return call_image(transform, contiguous)
        return (lambda x: transform(x).contiguous()) if contiguous else transform

    def inputs(self, size: str) -> list:
        if size not in self.cache:
            arr = self.images[size]
            if self.lib == "kornia":  # kornia's native input, prepared outside the timing
                import torch

                self.cache[size] = [torch.from_numpy(a).permute(2, 0, 1)[None].float() / 255
                                    for a in arr]
            else:
                self.cache[size] = list(arr)
        return self.cache[size]

    def batch_overrides(self) -> dict:
        if self.lib == "augkit":
            from augkit import image as A

            return {"HorizontalFlip": A.HorizontalFlip(p=0.5),
                    "VerticalFlip": A.VerticalFlip(p=0.5),
                    "RandomCrop": A.RandomCrop(BATCH_CROP, BATCH_CROP)}
        if self.lib == "kornia":
            import kornia.augmentation as K

            return {"HorizontalFlip": lambda: K.RandomHorizontalFlip(p=0.5),
                    "VerticalFlip": lambda: K.RandomVerticalFlip(p=0.5),
                    "RandomCrop": lambda: K.RandomCrop((BATCH_CROP, BATCH_CROP), p=1.0)}
        import albumentations as A

        return {"HorizontalFlip": lambda: A.HorizontalFlip(p=0.5),
                "VerticalFlip": lambda: A.VerticalFlip(p=0.5),
                "RandomCrop": lambda: A.RandomCrop(height=BATCH_CROP, width=BATCH_CROP, p=1.0)}

    def measure_batch(self, kind: str, name: str) -> float:
        """N=256 images of 32x32: augkit's batch call, or a peer's per-image loop
        (``batch32``) / kornia's own batched call (``batch32_native``)."""
        t = self.build(self.batch_table[name])
        small = self.inputs("32x32") * 32
        if self.lib == "augkit":
            import numpy as np

            batch = np.stack(small)
            return rate(lambda x: t.batch(x)["images"], [batch], self.seconds) * len(batch)
        if kind == "batch32_native":
            import torch

            return rate(t, [torch.cat(small)], self.seconds) * len(small)
        return rate(self.call(t), small, self.seconds)


def worker_main(lib: str, images_path: str, seconds: float) -> None:
    import numpy as np

    with np.load(images_path) as data:
        images = {k: data[k] for k in data.files}
    worker = Worker(lib, images, seconds)
    keys = worker.keys()
    if lib == "augkit":
        keys += [["copy", size] for size in SIZES]
    if lib == "kornia":
        keys += [["batch32_native", name] for name in BATCH_OPS if name in worker.batch_table]
    print(json.dumps({"version": version_of(lib), "keys": keys}), flush=True)
    for line in sys.stdin:
        print(json.dumps(worker.measure(json.loads(line))), flush=True)


def version_of(lib: str) -> str:
    from importlib.metadata import version

    return version({"augkit": "augkit", "albumentations": "albumentations",
                    "albumentationsx": "albumentationsx", "kornia": "kornia"}[lib])


# -- driver ----------------------------------------------------------------------------------
def run_all(seconds: float, libs: list[str], rounds: int,
            sections: set[str] | None = None) -> dict:
    """Start one worker per library, then measure task by task, libraries interleaved, for
    ``rounds`` rounds; keep each library's best rate per task. ``sections``: only those
    (``per_image``, ``batch32``, ``copy``; their ``_raw`` / ``_native`` extras follow)."""
    import numpy as np

    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        images_path = os.path.join(tmp, "images.npz")
        np.savez(images_path, **make_images())
        procs, keys = {}, {}
        for lib in libs:
            python = sys.executable if lib == "augkit" else str(PEERS[lib])
            if not Path(python).exists():
                print(f"skipping {lib}: {python} not found (see make bench-image)",
                      file=sys.stderr)
                continue
            procs[lib] = subprocess.Popen(
                [python, __file__, "--worker", lib, "--images", images_path, "--seconds",
                 str(seconds)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                env={**os.environ, **THREAD_ENV})
            hello = json.loads(procs[lib].stdout.readline())
            keys[lib] = [tuple(k) for k in hello["keys"]]
            results[lib] = {"version": hello["version"]}
        order = list(dict.fromkeys(k for lib in procs for k in keys[lib]))
        if sections:
            order = [k for k in order if k[0] in sections or k[0].rsplit("_", 1)[0] in sections]
        for r in range(rounds):
            print(f"round {r + 1}/{rounds} ({len(order)} tasks)", file=sys.stderr, flush=True)
            for i, key in enumerate(order):
                names = [lib for lib in procs if key in keys[lib]]
                for lib in names[i % len(names):] + names[:i % len(names)]:  # rotate
                    procs[lib].stdin.write(json.dumps(list(key)) + "\n")
                    procs[lib].stdin.flush()
                    value = json.loads(procs[lib].stdout.readline())
                    node = results[lib]
                    for part in key[:-1]:
                        node = node.setdefault(part, {})
                    if value is not None:
                        node[key[-1]] = max(node.get(key[-1], 0.0), value)
        for proc in procs.values():
            proc.stdin.close()
            proc.wait()
    ours = results.get("augkit", {})
    for size in SIZES:  # the copy section reuses augkit's per-image numbers
        if "copy" in ours and "per_image" in ours:
            base = {"np.copy": ours["copy"][size]}
            base.update({n: ours["per_image"][size][n] for n in COPY_OPS})
            ours["copy"][size] = base
    return results


def geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def report(results: dict) -> str:
    peers = [p for p in PEERS if p in results]
    ours = results["augkit"]
    lines = ["# Image augmentation speed", "",
             "Versions: " + ", ".join(f"{k} {v['version']}" for k, v in results.items()), ""]
    lines += ["Per image: every library's output is made C-contiguous inside the timing "
              "(`np.ascontiguousarray`, a no-op for arrays that already are; kornia: "
              "`.contiguous()`), so a view is not timed against a copy: albumentationsx "
              "returns flips and crops as views of the input, augkit returns fresh "
              "contiguous arrays.", ""]
    for size in SIZES:
        lines += [f"## Per image, {size} (images/s; ratio = augkit / best peer)", "",
                  "| transform | augkit | " + " | ".join(peers) + " | ratio |",
                  "|---|---:|" + "---:|" * len(peers) + "---:|"]
        ratios = []
        for name, mine in ours["per_image"][size].items():
            theirs = [results[p]["per_image"][size].get(name) for p in peers]
            shown = [f"{v:,.0f}" if v else "-" for v in theirs]
            best = max((v for v in theirs if v), default=None)
            ratio = f"{mine / best:.2f}" if best else "-"
            if best:
                ratios.append(mine / best)
            lines.append(f"| {name} | {mine:,.0f} | " + " | ".join(shown) + f" | {ratio} |")
        low = [r for r in ratios if r < 0.9]
        lines += ["", f"Geometric mean ratio: **{geomean(ratios):.2f}** over {len(ratios)} "
                  f"shared transforms; below 0.9: {len(low)}", ""]
        raw = [(lib, results[lib].get("per_image_raw", {}).get(size, {}))
               for lib in ["augkit", *peers]]
        if any(values for _, values in raw):
            lines += ["Flips as returned, without the contiguity step (a view where the "
                      "library returns one): " + "; ".join(
                          f"{name}: " + ", ".join(f"{lib} {values[name]:,.0f}"
                                                  for lib, values in raw if name in values)
                          for name in RAW_OPS), ""]
    lines += pipeline_report(results, peers)
    lines += batch_report(results, peers)
    lines += ["", "## Against a plain memory copy (images/s; ratio = copy / op, target <= 2)",
              ""]
    for size in SIZES:
        copy = ours["copy"][size]
        base = copy["np.copy"]
        lines.append(f"- {size}: np.copy {base:,.0f}/s; " + "; ".join(
            f"{n} {v:,.0f}/s ({base / v:.2f}x)" for n, v in copy.items() if n != "np.copy"))
    return "\n".join(lines) + "\n"


def pipeline_report(results: dict, peers: list[str]) -> list[str]:
    """The ``pipeline`` tables: whole Compose pipelines per image, with their targets."""
    lines = []
    for size in SIZES:
        lines += [f"## Pipelines, {size} (images/s; ratio = augkit / best peer)", "",
                  "Each library's own Compose, one call per image with its targets (see "
                  "``PIPELINES`` in the script for the steps).", "",
                  "| pipeline | augkit | " + " | ".join(peers) + " | ratio |",
                  "|---|---:|" + "---:|" * len(peers) + "---:|"]
        for name, mine in results["augkit"].get("pipeline", {}).get(size, {}).items():
            theirs = [results[p].get("pipeline", {}).get(size, {}).get(name) for p in peers]
            best = max((v for v in theirs if v), default=None)
            lines.append(f"| {name} | {mine:,.0f} | "
                         + " | ".join(f"{v:,.0f}" if v else "-" for v in theirs)
                         + (f" | {mine / best:.2f} |" if best else " | - |"))
        lines.append("")
    return lines


def batch_report(results: dict, peers: list[str]) -> list[str]:
    """The ``batch32`` table: augkit's batch call against each peer's per-image loop."""
    lines = ["## Batched, N=256 images of 32x32 (images/s)", "",
             "augkit `transform.batch` against each peer's per-image loop; ratio = augkit / "
             "fastest per-image loop. kornia's own batched call is shown for reference.", "",
             "| transform | augkit batch | " + " | ".join(f"{p} loop" for p in peers)
             + " | kornia batch | ratio |",
             "|---|---:|" + "---:|" * (len(peers) + 2)]
    for name, mine in results["augkit"]["batch32"].items():
        theirs = [results[p].get("batch32", {}).get(name) for p in peers]
        best = max((v for v in theirs if v), default=None)
        native = results.get("kornia", {}).get("batch32_native", {}).get(name)
        native_s = f"{native:,.0f}" if native else "-"
        ratio = f"{mine / best:.1f}x" if best else "-"
        lines.append(f"| {name} | {mine:,.0f} | "
                     + " | ".join(f"{v:,.0f}" if v else "-" for v in theirs)
                     + f" | {native_s} | {ratio} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=0.15,
                        help="time per measurement run")
    parser.add_argument("--libs", default="augkit,albumentations,albumentationsx,kornia")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--images", help=argparse.SUPPRESS)
    parser.add_argument("--rounds", type=int, default=5,
                        help="interleaved rounds; each rate is the best over rounds")
    parser.add_argument("--sections", default="",
                        help="comma-separated subset of per_image,batch32,copy,pipeline "
                             "(default: all); "
                             "a partial run prints its numbers and writes no results files")
    args = parser.parse_args(argv)
    if args.worker:
        worker_main(args.worker, args.images, args.seconds)
        return
    sections = set(args.sections.split(",")) - {""}
    results = run_all(args.seconds, args.libs.split(","), args.rounds, sections)
    if not sections:
        write_results("image_speed", report(results), results)
    elif sections & {"batch32", "pipeline"}:
        peers = [p for p in PEERS if p in results]
        print("\n".join((pipeline_report(results, peers) if "pipeline" in sections else [])
                        + (batch_report(results, peers) if "batch32" in sections else [])))
    else:
        print(json.dumps(results, indent=1))


def write_results(name: str, text: str, results: dict) -> None:
    """Print the table and write ``results/<name>.md`` and ``.json``."""
    print(text)
    out_dir = ROOT / "results"
    out_dir.mkdir(exist_ok=True)
    (out_dir / f"{name}.md").write_text(text)
    (out_dir / f"{name}.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
