"""Every image transform on every supported input kind: dtype, channels, clear errors."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.image.functional.geometric import INTERPOLATIONS
from augkit.image.targets import check_image
from tests import cases_image  # noqa: F401  (registers the image cases)
from tests.conformance_cases import CASES

# (ops that need label= make the model's image size: tests/test_generative.py)
IMAGE_CASES = sorted(n for n, c in CASES.items()
                     if augkit.registered()[n].modality == "image" and not c.batch_only
                     and not c.needs_label)


def _inputs():
    rng = np.random.default_rng(0)
    u8 = rng.integers(0, 256, size=(36, 44, 3), dtype=np.uint8)
    yield "rgb-uint8", u8
    yield "rgb-float32", (u8 / 255.0).astype(np.float32)
    yield "gray-2d", u8[:, :, 0].copy()
    yield "gray-hw1", u8[:, :, :1].copy()
    yield "five-channel", rng.integers(0, 256, size=(36, 44, 5), dtype=np.uint8)
    yield "five-channel-float", rng.random((36, 44, 5), dtype=np.float32)


INPUTS = dict(_inputs())


@pytest.mark.parametrize("kind", sorted(INPUTS))
@pytest.mark.parametrize("name", IMAGE_CASES)
def test_dtype_and_channels_are_kept(name, kind):
    image = INPUTS[kind]
    transform = CASES[name].build()
    config = transform.to_dict()
    if image.dtype == np.float32 and config.get("fill", 0) > 1:  # fill is in image units
        transform = augkit.from_dict({**config, "fill": config["fill"] / 255.0})
    rgb = image.ndim == 3 and image.shape[2] == 3
    try:
        out = transform(image=image, seed=0)["image"]
    except ValueError as err:
        # only colour-model ops may refuse, and only non-RGB input, naming the need
        assert not rgb and "RGB" in str(err) and name in str(err), str(err)
        return
    standardised = name == "Normalize"  # the one op meant to output float32 for a model
    assert out.dtype == (np.float32 if standardised else image.dtype)
    assert out.ndim == image.ndim and out.shape[2:] == image.shape[2:]
    if image.dtype == np.float32 and not standardised:
        assert np.isfinite(out).all() and out.min() >= 0.0 and out.max() <= 1.0


def _strided_layouts(image):
    yield "fortran", np.asfortranarray(image)
    yield "negative-stride", np.ascontiguousarray(image[:, ::-1])[:, ::-1]
    yield "every-other-row", np.repeat(image, 2, axis=0)[::2]
    yield "channel-slice", np.concatenate([image, image[:, :, :1]], axis=2)[:, :, :3]


@pytest.mark.parametrize("name", IMAGE_CASES)
def test_any_memory_layout_gives_the_contiguous_result(name):
    """Views and Fortran-ordered arrays are valid inputs: the output is what the same
    pixels give in a C-contiguous array, under the same seed."""
    image = INPUTS["rgb-uint8"]
    transform = CASES[name].build()
    want = transform(image=image, seed=5)["image"]
    for layout, view in _strided_layouts(image):
        np.testing.assert_array_equal(view, image)
        np.testing.assert_array_equal(transform(image=view, seed=5)["image"], want,
                                      err_msg=layout)


@pytest.mark.parametrize("bad, error, text", [
    (np.zeros((4, 4), np.int16), TypeError, "uint8, uint16 or float32"),
    (np.zeros((4, 4), np.float64), TypeError, "astype"),
    (np.zeros((4,), np.uint8), ValueError, "HxW or HxWxC"),
    (np.zeros((0, 4), np.uint8), ValueError, "HxW or HxWxC"),
    ([[1, 2]], TypeError, "numpy array"),
])
def test_bad_images_are_refused_clearly(bad, error, text):
    with pytest.raises(error, match=text):
        check_image(bad)


def test_unknown_keyword_and_missing_image():
    with pytest.raises(ValueError, match="unknown keyword.*'bbox'"):
        A.Invert()(image=np.zeros((2, 2), np.uint8), bbox=[[0, 0, 1, 1]])
    with pytest.raises(ValueError, match="'image' is required"):
        A.Invert()(mask=np.zeros((2, 2), np.uint8))


def test_mask_size_mismatch_is_refused():
    with pytest.raises(ValueError, match=r"'mask'.*\(2, 2\)"):
        A.Invert()(image=np.zeros((2, 2), np.uint8), mask=np.zeros((3, 2), np.uint8))


def test_point_ops_match_between_uint8_and_float32():
    rng = np.random.default_rng(1)
    u8 = rng.integers(0, 256, size=(16, 16, 3), dtype=np.uint8)
    f32 = (u8 / 255.0).astype(np.float32)
    for transform in (A.Brightness(limit=(0.1, 0.1), p=1), A.Gamma(gamma_limit=(1.5, 1.5), p=1),
                      A.Invert(p=1), A.Contrast(limit=(0.3, 0.3), p=1)):
        a = transform(image=u8, seed=0)["image"].astype(np.float32) / 255
        b = transform(image=f32, seed=0)["image"]
        assert np.abs(a - b).max() <= 1 / 255 + 1e-6, type(transform).__name__


def test_color_values():
    img = np.array([[0, 64, 128, 255]], np.uint8)
    assert A.Invert(p=1)(image=img)["image"].tolist() == [[255, 191, 127, 0]]
    assert A.Solarize(threshold=(0.5, 0.5), p=1)(image=img)["image"].tolist() == [
        [0, 64, 127, 0]]
    assert A.Posterize(bits=(2, 2), p=1)(image=img)["image"].tolist() == [[0, 64, 128, 192]]
    assert A.AutoContrast(p=1)(image=np.array([[50, 100]], np.uint8))["image"].tolist() == [
        [0, 255]]
    gray = A.Grayscale(p=1)(image=np.array([[[255, 0, 0]]], np.uint8))["image"]
    assert gray.tolist() == [[[76, 76, 76]]]


def test_equalize_spreads_a_narrow_histogram():
    img = np.repeat(np.arange(100, 116, dtype=np.uint8), 4).reshape(8, 8)
    out = A.Equalize(p=1)(image=img)["image"]
    assert out.min() == 0 and out.max() == 255


def test_hue_shift_of_pure_red():
    red = np.zeros((2, 2, 3), np.uint8)
    red[..., 0] = 255
    green = A.HueSaturationValue(hue_shift_limit=(120, 120), sat_shift_limit=0,
                                 val_shift_limit=0, p=1)(image=red)["image"]
    assert green[0, 0].tolist() == [0, 255, 0]


def test_noise_statistics_follow_parameters():
    img = np.full((200, 200), 128, np.uint8)
    out = A.GaussianNoise(std_range=(0.05, 0.05), p=1)(image=img, seed=0)["image"]
    assert abs(out.astype(float).std() - 0.05 * 255) < 0.5
    sp = A.SaltAndPepper(amount=(0.1, 0.1), p=1)(image=img, seed=0)["image"]
    assert abs(np.mean((sp == 0) | (sp == 255)) - 0.1) < 0.01


def test_gaussian_blur_preserves_mean_and_smooths():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (64, 64), dtype=np.uint8)
    out = A.GaussianBlur(sigma=(2, 2), p=1)(image=img)["image"]
    assert abs(out.mean() - img.mean()) < 2 and out.std() < img.std() / 3


@pytest.mark.parametrize("blur_limit", [3, 5, (3, 7)])
def test_gaussian_blur_takes_a_kernel_size_as_albumentations_does(blur_limit):
    import cv2

    rng = np.random.default_rng(1)
    img = rng.random((32, 32)).astype(np.float32)
    out = A.GaussianBlur(sigma=2.0, blur_limit=blur_limit, p=1)(image=img, seed=3,
                                                               return_record=True)
    ksize = out["record"].steps[0].params["ksize"]
    assert ksize % 2 == 1 and (ksize == blur_limit if isinstance(blur_limit, int)
                               else 3 <= ksize <= 7)
    expected = cv2.GaussianBlur(img, (ksize, ksize), 2.0, borderType=cv2.BORDER_REFLECT_101)
    np.testing.assert_allclose(out["image"], expected, atol=1e-5)
    with pytest.raises(ValueError, match="'blur_limit'.*odd"):
        A.GaussianBlur(blur_limit=4)


def test_cutout_holes_and_optional_mask_fill():
    img = np.full((20, 20), 200, np.uint8)
    mask = np.ones((20, 20), np.uint8)
    out = A.Cutout(num_holes=(2, 2), fill=0, mask_fill=0, p=1)(image=img, mask=mask, seed=1,
                                                             return_record=True)
    rects = out["record"].steps[0].params["rectangles"]
    assert len(rects) == 2
    np.testing.assert_array_equal(out["image"] == 0, out["mask"] == 0)
    untouched = A.Cutout(p=1)(image=img, mask=mask, seed=1)["mask"]
    assert untouched.all()


# moves the red and blue planes of an RGB image: there are no bands to warp alone
RGB_ONLY = {"ChromaticAberration"}


def _interpolating_transforms():
    for name in IMAGE_CASES:
        cls = augkit.registered()[name]
        if "interpolation" in inspect.signature(cls.__init__).parameters and (
                name not in RGB_ONLY):
            yield name


@pytest.mark.parametrize("channels", [2, 7])
@pytest.mark.parametrize("fill", [0, 9])
@pytest.mark.parametrize("interpolation", sorted(INTERPOLATIONS))
@pytest.mark.parametrize("name", sorted(_interpolating_transforms()))
def test_every_band_warps_as_it_would_alone(name, interpolation, fill, channels):
    """OpenCV refuses more than 4 channels for cubic / Lanczos warps and area resizing (and
    for border values), and warps 2 channels unlike 1: a 2- or 7-channel image must come
    out, single and batched, exactly as each of its bands does alone, same parameters."""
    base = CASES[name].build()
    config = {**base.get_config(), "interpolation": interpolation}
    if "fill" in config:
        config["fill"] = fill
    transform = type(base)(**config)
    rng = np.random.default_rng(1)
    wide = rng.integers(0, 256, size=(3, 36, 44, channels), dtype=np.uint8)
    out = transform.batch(wide, seed=4, return_records=True)
    for image, result, record in zip(wide, out["images"], out["records"], strict=True):
        single = transform(image=image, seed=4, return_record=True)
        for got, rec in ((result, record), (single["image"], single["record"])):
            bands = [rec.apply(image=np.ascontiguousarray(image[:, :, c]))["image"]
                     for c in range(channels)]
            np.testing.assert_array_equal(got, np.stack(bands, axis=2))
