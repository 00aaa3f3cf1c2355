"""Domain adaptation towards reference images: HistogramMatching, FDA and
PixelDistributionAdaptation. Pixels only: masks, boxes and keypoints are untouched.

References are given at construction as ``reference_images``: a list whose entries are
file paths (read once, when the transform is built, with OpenCV; RGB order) or numpy
arrays (uint8, uint16 or float32, HxW or HxWxC). Either way the config stays JSON: a path
as it is, an array as ``{"dtype", "shape", "base64"}`` of its bytes, so a saved pipeline
replays exactly (configs are capped at 1 MiB: give paths for large references). Each call
draws one reference; its index is in the record.
"""

from __future__ import annotations

import base64
from pathlib import Path

import cv2
import numpy as np

from augkit.core.validate import check_choice, check_range, fail
from augkit.image.base import ImageTransform
from augkit.image.functional import domain as K
from augkit.image.targets import check_image

_DTYPES = {"uint8": np.uint8, "uint16": np.uint16, "float32": np.float32}


class Reference:
    """A reference image held by value: JSON as its dtype, shape and base64 bytes."""

    def __init__(self, array: np.ndarray):
        self.array = np.ascontiguousarray(array)
        self.array.flags.writeable = False

    def to_dict(self) -> dict:
        a = self.array
        return {"dtype": str(a.dtype), "shape": list(a.shape),
                "base64": base64.b64encode(a.astype(a.dtype.newbyteorder("<")).tobytes()
                                           ).decode("ascii")}

    def __repr__(self) -> str:
        return f"Reference({self.array.dtype}, shape={self.array.shape})"


def _read(owner, path: str) -> np.ndarray:
    image = cv2.imread(str(Path(path).expanduser()), cv2.IMREAD_UNCHANGED)
    if image is None:
        fail(owner, "reference_images", path, "expected a readable image file (PNG, JPEG, "
             "TIFF, ...) or a numpy array")
    if image.ndim == 3 and image.shape[2] in (3, 4):
        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB if image.shape[2] == 3 else
                             cv2.COLOR_BGRA2RGBA)
    if image.dtype.char not in "BHf":
        image = image.astype(np.float32)
    return image


def _decode(owner, entry: dict) -> np.ndarray:
    try:
        dtype = np.dtype(_DTYPES[entry["dtype"]]).newbyteorder("<")
        shape = tuple(int(v) for v in entry["shape"])
        data = base64.b64decode(entry["base64"], validate=True)
        return np.frombuffer(data, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))
    except (KeyError, TypeError, ValueError) as err:
        fail(owner, "reference_images", entry, f"expected {{'dtype', 'shape', 'base64'}} as "
             f"written by to_dict ({err})")


def _references(owner, value) -> tuple[list, list[np.ndarray]]:
    """(the stored entries, the arrays): paths stay paths; arrays become References."""
    if isinstance(value, (str, np.ndarray)) or not isinstance(value, (list, tuple)) or not (
            value):
        fail(owner, "reference_images", value, "expected a non-empty list of image paths or "
             "numpy arrays", ValueError if isinstance(value, (list, tuple)) else TypeError)
    stored, arrays = [], []
    for entry in value:
        if isinstance(entry, (str, Path)):
            stored.append(str(entry))
            arrays.append(_read(owner, str(entry)))
            continue
        if isinstance(entry, Reference):
            array = entry.array
        elif isinstance(entry, dict):
            array = _decode(owner, entry)
        elif isinstance(entry, np.ndarray):
            try:
                array = check_image(entry, "reference_images")
            except (TypeError, ValueError) as err:
                fail(owner, "reference_images", entry, str(err), type(err))
        else:
            fail(owner, "reference_images", entry, "expected an image path or a numpy array",
                 TypeError)
        ref = Reference(array)
        stored.append(ref)
        arrays.append(ref.array)
    return stored, arrays


class _Adapt(ImageTransform, register=False):
    guard_nonfinite = True  # statistics over every pixel

    def _set_references(self, reference_images) -> None:
        self.reference_images, self._arrays = _references(self, reference_images)

    def _pick(self, rng, state) -> int:
        index = int(rng.integers(0, len(self._arrays)))
        self._reference(index, self.colour_channels(state["image"]))  # refuse early
        return index

    def _reference(self, index: int, channels: int) -> np.ndarray:
        """Reference ``index`` with ``channels`` channels: grey and RGB(A) references are
        converted to each other (luma; grey repeated), other counts must match."""
        ref = self._arrays[index]
        have = 1 if ref.ndim == 2 else ref.shape[2]
        if have == channels or (have == 4 and channels == 3):
            return ref if have == channels else ref[:, :, :3]
        if channels == 1 and have in (3, 4):
            return K.as_unit(ref)[:, :, :3] @ np.float32([0.299, 0.587, 0.114])
        if have == 1 and channels == 3:
            return np.repeat(K.as_unit(ref), 3, axis=2)
        raise ValueError(f"{type(self).__name__}: reference image {index} has {have} "
                         f"channel(s) and the image {channels}; grey and RGB references are "
                         "converted, other channel counts must match ('reference_images')")

    def _ref_for(self, image: np.ndarray, params) -> np.ndarray:
        return self._reference(params["reference"], 1 if image.ndim == 2 else image.shape[2])


class HistogramMatching(_Adapt):
    """Match each channel's histogram to a reference image's (a reference drawn from
    ``reference_images`` per call), blended with the input by a ratio drawn from
    ``blend_ratio`` (1: fully matched).

    >>> import numpy as np
    >>> ref = np.array([[0, 100], [200, 250]], np.uint8)
    >>> t = HistogramMatching([ref], blend_ratio=(1.0, 1.0), p=1.0)
    >>> t(image=np.array([[10, 20], [30, 40]], np.uint8))["image"].tolist()
    [[0, 100], [200, 250]]
    """

    def __init__(self, reference_images: list, blend_ratio: tuple[float, float] = (0.5, 1.0),
                 p: float = 0.5):
        super().__init__(p=p)
        self._set_references(reference_images)
        self.blend_ratio = check_range(self, "blend_ratio", blend_ratio, 0, 1)
        self._sorted: dict = {}

    def sample(self, rng, state):
        return {"reference": self._pick(rng, state),
                "blend": float(rng.uniform(*self.blend_ratio))}

    def apply_image(self, image, params):
        channels = 1 if image.ndim == 2 else image.shape[2]
        key = (params["reference"], channels)
        if key not in self._sorted:  # sorting a reference once per channel count
            self._sorted[key] = K.sorted_channels(self._ref_for(image, params))
        return K.histogram_match(image, self._sorted[key], params["blend"])


class FDA(_Adapt):
    """Fourier domain adaptation (Yang and Soatto 2020): the lowest frequencies of each
    channel's amplitude spectrum (a centred square of half-side ``beta * min(h, w)``, beta
    drawn from ``beta_limit``) taken from a reference image resized to the input, the
    phase (the content) kept; blended by ``blend_ratio``.

    >>> import numpy as np
    >>> img = np.full((16, 16), 0.2, np.float32)
    >>> out = FDA([np.full((8, 8), 0.7, np.float32)], beta_limit=(0.1, 0.1),
    ...           blend_ratio=(1.0, 1.0), p=1.0)(image=img)["image"]
    >>> round(float(out.mean()), 3)  # the mean (zero frequency) is the reference's
    0.7
    """

    def __init__(self, reference_images: list, beta_limit: float | tuple[float, float] = (0.0, 0.1),
                 blend_ratio: tuple[float, float] = (1.0, 1.0), p: float = 0.5):
        super().__init__(p=p)
        self._set_references(reference_images)
        self.beta_limit = check_range(self, "beta_limit", beta_limit, 0, 0.5)
        self.blend_ratio = check_range(self, "blend_ratio", blend_ratio, 0, 1)

    def sample(self, rng, state):
        return {"reference": self._pick(rng, state),
                "beta": float(rng.uniform(*self.beta_limit)),
                "blend": float(rng.uniform(*self.blend_ratio))}

    def apply_image(self, image, params):
        return K.fda(image, self._ref_for(image, params), params["beta"], params["blend"])


class PixelDistributionAdaptation(_Adapt):
    """Map the input's pixel distribution onto a reference image's: normalise the pixels
    by a fit to the input (``transform_type`` "pca": whitening, "standard": per-channel
    mean and std, "minmax": per-channel range) and map them back through the same fit to
    the reference; blended by ``blend_ratio``.

    >>> import numpy as np
    >>> img = np.array([[0.1, 0.2], [0.3, 0.4]], np.float32)
    >>> ref = np.array([[0.5, 0.9]], np.float32)
    >>> out = PixelDistributionAdaptation([ref], transform_type="minmax",
    ...                                   blend_ratio=(1.0, 1.0), p=1.0)(image=img)["image"]
    >>> [round(float(v), 3) for v in out.ravel()]  # 0.1..0.4 stretched onto 0.5..0.9
    [0.5, 0.633, 0.767, 0.9]
    """

    def __init__(self, reference_images: list, blend_ratio: tuple[float, float] = (0.25, 1.0),
                 transform_type: str = "pca", p: float = 0.5):
        super().__init__(p=p)
        self._set_references(reference_images)
        self.blend_ratio = check_range(self, "blend_ratio", blend_ratio, 0, 1)
        self.transform_type = check_choice(self, "transform_type", transform_type, K.PDA_TYPES)
        self._fits: dict = {}

    def sample(self, rng, state):
        return {"reference": self._pick(rng, state),
                "blend": float(rng.uniform(*self.blend_ratio))}

    def apply_image(self, image, params):
        channels = 1 if image.ndim == 2 else image.shape[2]
        key = (params["reference"], channels)
        ref = self._ref_for(image, params)
        if key not in self._fits:  # a reference's fit once per channel count
            self._fits[key] = K.reference_fit(ref, self.transform_type)
        return K.pixel_distribution(image, ref, self.transform_type, params["blend"],
                                    self._fits[key])
