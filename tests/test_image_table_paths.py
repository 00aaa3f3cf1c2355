"""Shortcuts of the per-image uint8 colour ops equal the plain point formulas bit for bit.

Brightness tables come from a saturating ramp, solarize tables from a cache keyed by how
many levels lie below the threshold, posterize is a bitwise AND, gamma and contrast tables
take fewer numpy steps, and single images skip the generic call plumbing. Each is compared
with the plain ``lut_from`` formula (or the generic path) here.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.random import ProcessLocalGenerator, uniform
from augkit.core.transform import Transform
from augkit.image.functional import color as C

LEVELS = np.arange(256, dtype=np.float64) / 255.0
RNG = np.random.default_rng(2024)
IMAGES = [RNG.integers(0, 256, shape, dtype=np.uint8)
          for shape in [(9, 11, 3), (9, 11), (9, 11, 1), (9, 11, 4), (5, 6, 5)]]


def shift_tables(betas: np.ndarray) -> np.ndarray:
    """The plain brightness tables of many betas at once (elementwise the same float64
    steps as ``lut_from(lambda x: x + beta)``: IEEE operations do not depend on layout)."""
    values = np.rint((LEVELS[None, :] + betas[:, None]) * 255.0)
    return np.clip(values, 0, 255).astype(np.uint8)


def ramp(k: int) -> np.ndarray:
    return np.clip(np.arange(256) + k, 0, 255).astype(np.uint8)


def near_ties() -> list[float]:
    """Betas with 255 * beta at, or a few ulps / 1e-7 around, every half-integer."""
    out = []
    for half in np.arange(-509.5, 510.0, 1.0):
        beta = half / 255.0
        out += [beta, math.nextafter(beta, 3.0), math.nextafter(beta, -3.0),
                (half + 1e-7) / 255.0, (half - 1e-7) / 255.0,
                (half + 2e-6) / 255.0, (half - 2e-6) / 255.0]
    return out


def test_brightness_shift_tables_equal_the_float_tables():
    betas = np.concatenate([RNG.uniform(-2.0, 2.0, 300_000), RNG.uniform(-0.2, 0.2, 100_000),
                            np.array(near_ties()), np.arange(-510, 511) / 255.0])
    for beta, table in zip(betas[:50].tolist(), shift_tables(betas[:50]), strict=True):
        assert np.array_equal(table, C.lut_from(lambda x, b=beta: x + b))  # the helper itself
    shifts = [C.brightness_shift(beta) for beta in betas.tolist()]
    decided = np.array([k is not None for k in shifts])
    ks = np.array([0 if k is None else k for k in shifts])
    assert decided[:400_000].mean() > 0.9999  # random betas: the ramp nearly always
    for start in range(0, len(betas), 20_000):
        part = slice(start, start + 20_000)
        got = np.clip(np.arange(256)[None, :] + ks[part, None], 0, 255).astype(np.uint8)
        wrong = decided[part] & (got != shift_tables(betas[part])).any(axis=1)
        assert not wrong.any(), betas[part][wrong][:5]


@pytest.mark.parametrize("beta", [0.2, -0.15, 0.0, -0.0, 1, 0, -1, 1.999, -1.999, 1e-300,
                                  np.float64(0.123), 0.5 / 255, 2.5 / 255, *near_ties()[::97]])
def test_brightness_ramp_path_equals_the_point_function(beta):
    plain = C.lut_from(lambda x: x + beta)
    assert np.array_equal(C._brightness_contrast_lut(0.0, 1.0, beta), plain)
    k = C.brightness_shift(beta)
    if k is not None:
        assert np.array_equal(np.frombuffer(C._RAMP[k + 255:k + 511], np.uint8), plain)
    for img in IMAGES:
        out = C.brightness_contrast(img, beta, 1.0)
        assert out.dtype == np.uint8 and out.shape == img.shape and out.flags.writeable
        assert np.array_equal(out, plain[img])


@pytest.mark.parametrize("beta", [np.float32(0.2), np.int64(1), float("nan"), float("inf"),
                                  -float("inf"), 2.0, -2.0, 7.5, 1e300, 0.1, -0.1])
def test_brightness_shift_declines_what_it_cannot_prove(beta):
    assert C.brightness_shift(beta) is None
    with np.errstate(invalid="ignore"):
        plain = C.lut_from(lambda x: x + beta)
        assert np.array_equal(C.brightness_contrast(IMAGES[0], beta, 1.0), plain[IMAGES[0]])


def test_brightness_shift_is_clamped_where_the_table_saturates():
    assert C.brightness_shift(1.31) == 255 and C.brightness_shift(-1.31) == -255
    assert not C._RAMP[:256].tobytes().strip(b"\0")
    assert C._RAMP[510:].tobytes() == b"\xff" * 256


def test_solarize_cache_covers_every_split_of_the_levels():
    for below in range(257):
        inverted = np.arange(256) >= below
        want = np.where(inverted, 255 - np.arange(256), np.arange(256)).astype(np.uint8)
        table = np.frombuffer(C._solarize_table(below), np.uint8)
        assert np.array_equal(table, want)
        threshold = LEVELS[below] if below < 256 else 1.5
        assert np.array_equal(table, C.lut_from(lambda x, t=threshold: np.where(x >= t, 1.0 - x,
                                                                                 x)))


def solarize_thresholds() -> list:
    at_levels = LEVELS.tolist()
    out = [*at_levels, *(math.nextafter(v, 2.0) for v in at_levels),
           *(math.nextafter(v, -1.0) for v in at_levels), *RNG.uniform(-0.1, 1.1, 3000).tolist()]
    return out + [0, 1, True, -0.0, -5, 7, np.float64(0.5), 1e300, -float("inf"), float("inf")]


def test_solarize_fast_path_equals_the_point_function():
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)  # every level once
    for t in solarize_thresholds():
        plain = C.lut_from(lambda x, t=t: np.where(x >= t, 1.0 - x, x))
        assert np.array_equal(C.solarize(img, t), plain[img]), t


@pytest.mark.parametrize("threshold", [float("nan"), np.float32(0.5), np.float32(0.70196)])
def test_solarize_other_thresholds_take_the_float_path(threshold):
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    plain = C.lut_from(lambda x: np.where(x >= threshold, 1.0 - x, x))
    assert np.array_equal(C.solarize(img, threshold), plain[img])


@pytest.mark.parametrize("bits", range(1, 9))
def test_posterize_and_equals_the_table(bits):
    table = C.lut_from(C._posterize_fn(bits))
    assert np.array_equal(np.arange(256, dtype=np.uint8) & C._POSTERIZE_MASKS[bits], table)
    for img in [*IMAGES, IMAGES[0][:, ::-1], IMAGES[0][::2]]:  # views: the table path
        out = C.posterize(img, bits)
        assert out.flags.c_contiguous and out.dtype == np.uint8
        assert np.array_equal(out, table[img])
    assert np.array_equal(C.posterize(IMAGES[0], np.int64(bits)), table[IMAGES[0]])


def test_posterize_other_bit_counts_keep_their_old_behaviour():
    assert np.array_equal(C.posterize(IMAGES[0], 0), np.zeros_like(IMAGES[0]))
    with pytest.raises(ValueError):
        C.posterize(IMAGES[0], 9)


def gammas() -> list:
    return [*np.exp(RNG.uniform(math.log(1e-3), math.log(100.0), 3000)).tolist(),
            *RNG.uniform(0.8, 1.25, 1000).tolist(), 1, 2, 3, 1.0, 2.0, 0.5, 1e-300, 5e-324,
            1e300, np.float64(1.1), True]


def test_gamma_tables_equal_the_point_function():
    for g in gammas():
        assert np.array_equal(C._gamma_lut(g), C.lut_from(lambda x, g=g: np.power(x, g))), g


@pytest.mark.parametrize("g", [0.9, 2, 0, -1.0, float("inf"), np.float32(1.1)])
def test_gamma_images_equal_the_point_function(g):
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        plain = C.lut_from(lambda x: np.power(x, g))
        for img in [*IMAGES, IMAGES[0][:, ::-1]]:
            out = C.gamma(img, g)
            assert out.shape == img.shape and np.array_equal(out, plain[img])


def test_saturate_integral_is_clip_and_cast():
    values = np.rint(RNG.uniform(-3000.0, 3000.0, 5000))
    values[:4] = [0.0, 255.0, -0.0, 256.0]
    assert np.array_equal(C.saturate_integral(values), np.clip(values, 0, 255).astype(np.uint8))


def test_contrast_tables_equal_the_point_function():
    cases = [(m, a, b) for m, a, b in zip(RNG.uniform(0, 1, 3000).tolist(),
                                          RNG.uniform(-1.0, 11.0, 3000).tolist(),
                                          RNG.uniform(-1.0, 1.0, 3000).tolist(), strict=True)]
    cases += [(m, a, b) for m, a, b in zip(RNG.uniform(0, 1, 2000).tolist(),  # no clipping
                                           RNG.uniform(0.0, 1.0, 2000).tolist(),
                                           RNG.uniform(-0.05, 0.05, 2000).tolist(), strict=True)]
    cases += [(0.5, 2e6, 0.0), (0.3, 1.5, -3e6), (0.0, 1.0, 0.25), (1.0, 11.0, 0.0),
              (0.4, 1e300, 0.0), (2.0, 1.2, 0.0)]
    with np.errstate(over="ignore", invalid="ignore"):
        for m, a, b in cases:
            plain = C.lut_from(lambda x, m=m, a=a, b=b: (x - m) * a + m + b)
            assert np.array_equal(C._brightness_contrast_lut(m, a, b), plain), (m, a, b)


@pytest.mark.parametrize("shape", [(9, 11, 3), (9, 11), (9, 11, 1), (9, 11, 4), (3, 4, 7)])
def test_translated_equals_indexing_for_any_256_byte_table(shape):
    img = RNG.integers(0, 256, shape, dtype=np.uint8)
    table = RNG.integers(0, 256, 256, dtype=np.uint8)
    padded = memoryview(b"\x07" * 13 + table.tobytes() + b"\x09" * 5)
    before = img.copy()
    for t in [table.tobytes(), memoryview(table), padded[13:269]]:
        for src in [img, img[:, ::-1], img[::2]]:
            out = C.translated(src, t)
            assert out.flags.c_contiguous and out.flags.writeable and out.shape == src.shape
            assert np.array_equal(out, table[src])
    assert np.array_equal(img, before)


@pytest.mark.parametrize("transform", [
    A.Brightness(p=1.0), A.Contrast(p=1.0), A.Gamma(p=1.0), A.Solarize(p=1.0),
    A.Posterize(p=1.0), A.Invert(p=1.0), A.HorizontalFlip(p=1.0), A.Brightness(p=0.5),
    A.Rotate(limit=30, p=1.0), A.RandomCrop(5, 7), A.GaussianBlur(p=1.0)])
def test_image_alone_calls_equal_the_generic_path(transform):
    generic = augkit.from_dict(transform.to_dict())
    transform._rng, generic._rng = ProcessLocalGenerator(7), ProcessLocalGenerator(7)
    for img in [IMAGES[0], IMAGES[1], IMAGES[0].astype(np.float32) / 255, IMAGES[0][:, ::-1]]:
        for _ in range(3):
            fast = transform(image=img)
            slow = Transform.__call__(generic, image=img)
            assert list(fast) == list(slow) == ["image"]
            assert fast["image"].dtype == slow["image"].dtype
            assert np.array_equal(fast["image"], slow["image"])


@pytest.mark.parametrize("bad, error", [
    ([[1, 2]], TypeError), (np.zeros((2, 2), np.int64), TypeError),
    (np.zeros((0, 3), np.uint8), ValueError), (np.zeros((2, 2, 0), np.uint8), ValueError),
    (np.zeros(4, np.uint8), ValueError)])
def test_image_alone_calls_raise_as_before(bad, error):
    t = A.Brightness(p=1.0)
    with pytest.raises(error) as fast:
        t(image=bad)
    with pytest.raises(error) as generic:
        Transform.__call__(t, image=bad)
    assert str(fast.value) == str(generic.value)


def test_other_calls_still_take_the_generic_path():
    t = A.Brightness(p=1.0)
    img = IMAGES[0]
    out = t(image=img, mask=img[:, :, 0], seed=3)
    assert np.array_equal(out["mask"], img[:, :, 0])
    seeded = [t(image=img, seed=5)["image"] for _ in range(2)]
    assert np.array_equal(*seeded)
    assert "record" in t(image=img, return_record=True)
    with pytest.raises(ValueError, match="unknown keyword"):
        t(image=img, depth=img)


@pytest.mark.parametrize("transform, name, field, offset", [
    (A.Brightness(limit=(-0.3, 0.2)), "beta", "limit", 0.0),
    (A.Contrast(limit=(-0.4, 0.7)), "alpha", "limit", 1.0),
    (A.Gamma((0.8, 1.25)), "gamma", "gamma_limit", 0.0),
    (A.Solarize((0.5, 1.0)), "threshold", "threshold", 0.0)])
def test_inline_draws_equal_uniform(transform, name, field, offset):
    a, b = np.random.default_rng(11), np.random.default_rng(11)
    for _ in range(200):
        got = transform.sample(a, {})[name]
        assert got == offset + uniform(b, *getattr(transform, field)) and type(got) is float


def test_without_stringzilla_the_opencv_lookup_gives_the_same_bytes(monkeypatch):
    table = RNG.integers(0, 256, 256, dtype=np.uint8)
    with_sz = [C.translated(img, table.tobytes()) for img in IMAGES]
    ops = [lambda im: C.brightness_contrast(im, 0.2, 1.0), lambda im: C.solarize(im, 0.6),
           lambda im: C.gamma(im, 1.3), lambda im: C.brightness_contrast(im, 0.0, 1.2)]
    ops_sz = [[op(img) for img in IMAGES[:2]] for op in ops]
    monkeypatch.setattr(C, "_translate", None)
    for img, want in zip(IMAGES, with_sz, strict=True):
        got = C.translated(img, table.tobytes())
        assert got.shape == img.shape and np.array_equal(got, want)
        assert np.array_equal(C.translated(img, memoryview(table)), want)
    for op, wants in zip(ops, ops_sz, strict=True):
        for img, want in zip(IMAGES[:2], wants, strict=True):
            assert np.array_equal(op(img), want)


def _image_cases():
    import tests.cases_image  # noqa: F401  (fills CASES)
    from tests.conformance_cases import CASES

    return [name for name, case in CASES.items()
            if not case.batch_only and hasattr(A, name)
            and issubclass(getattr(A, name), A.ImageTransform)]


@pytest.mark.parametrize("name", _image_cases())
@pytest.mark.parametrize("p", [1.0, 0.5])
def test_every_image_transform_alone_equals_the_generic_call(name, p):
    from tests.conformance_cases import CASES

    transform = CASES[name].build()
    transform.p = p
    generic = augkit.from_dict(transform.to_dict())
    transform._rng, generic._rng = ProcessLocalGenerator(3), ProcessLocalGenerator(3)
    image = CASES[name].data(np.random.default_rng(5))["image"]
    for _ in range(4):
        fast, slow = transform(image=image), Transform.__call__(generic, image=image)
        assert list(fast) == list(slow)
        for key in fast:
            assert np.array_equal(fast[key], slow[key]), key
