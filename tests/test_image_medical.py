"""Behaviour of the medical imaging artifacts (augkit.image.medical): what each one promises
beyond the shared conformance suite."""

from __future__ import annotations

import math

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.image.functional import medical as K
from augkit.image.functional.carrier import from_carrier, to_carrier

OPS = {
    "BiasField": lambda: A.BiasField(p=1.0),
    "RicianNoise": lambda: A.RicianNoise(p=1.0),
    "GibbsRinging": lambda: A.GibbsRinging(p=1.0),
    "KSpaceSpike": lambda: A.KSpaceSpike(num_spikes=(1, 3), p=1.0),
    "Ghosting": lambda: A.Ghosting(p=1.0),
    "MotionArtifact": lambda: A.MotionArtifact(p=1.0),
    "Anisotropy": lambda: A.Anisotropy(p=1.0),
    "HEStain": lambda: A.HEStain(alpha=0.2, beta=0.1, method="macenko", p=1.0),
    "AnnotationBurnIn": lambda: A.AnnotationBurnIn(p=1.0),
}


def _phantom(h: int = 64, w: int = 64) -> np.ndarray:
    """A float32 MR-like slice: a bright disc with a darker inner disc, black around."""
    yy, xx = np.mgrid[:h, :w]
    r = np.hypot(yy - h / 2, xx - w / 2)
    img = np.where(r < 0.4 * min(h, w), 0.7, 0.0) + np.where(r < 0.15 * min(h, w), -0.3, 0.0)
    return img.astype(np.float32)


def _tissue(seed: int = 0, size: int = 48) -> np.ndarray:
    """A uint8 H&E-like tile: white background and pixels mixed from the Ruifrok H and E
    optical densities."""
    rng = np.random.default_rng(seed)
    conc = np.zeros((size, size, 2))
    conc[8:40, 8:40] = rng.uniform(0.0, 1.2, (32, 32, 2))
    od = conc @ K.RUIFROK[:2]
    return np.clip(np.round(np.exp(-od) * 255), 0, 255).astype(np.uint8)


def _record_params(out) -> dict:
    return out["record"].steps[0].params


# -- every op: determinism, exact replay, 16-bit, bands ---------------------------------------
# HEStain: RGB only; RicianNoise: one noise field per image, not per band
@pytest.mark.parametrize("name", sorted(set(OPS) - {"HEStain", "RicianNoise"}))
@pytest.mark.parametrize("channels", [2, 5])
def test_each_band_comes_out_as_it_would_alone(name, channels):
    image = np.random.default_rng(3).random((24, 28, channels), dtype=np.float32)
    out = OPS[name]()(image=image, seed=6, return_record=True)
    record = augkit.Record.from_json(out["record"].to_json())
    for c in range(channels):
        alone = record.apply(image=np.ascontiguousarray(image[:, :, c]))["image"]
        np.testing.assert_allclose(out["image"][:, :, c], alone, atol=1e-6, err_msg=str(c))


# -- every op: determinism, exact replay, 16-bit ---------------------------------------------
@pytest.mark.parametrize("name", sorted(OPS))
def test_seeded_runs_repeat_and_records_replay_after_json(name):
    image = np.dstack([_phantom()] * 3) if name == "HEStain" else _phantom()
    image = (image * 255).astype(np.uint8) if name == "HEStain" else image
    a = OPS[name]()(image=image, seed=3, return_record=True)
    b = OPS[name]()(image=image, seed=3)
    np.testing.assert_array_equal(a["image"], b["image"])
    replay = augkit.Record.from_json(a["record"].to_json()).apply(image=image)
    np.testing.assert_array_equal(replay["image"], a["image"])


@pytest.mark.parametrize("name", sorted(OPS))
def test_uint16_stays_16_bit_and_equals_the_float_path(name):
    rng = np.random.default_rng(1)
    image = rng.integers(0, 65536, (40, 48, 3), dtype=np.uint16)
    image[:20] = (image[:20] // 64) * 64 + 7  # low bits that an 8-bit path would lose
    out16 = OPS[name]()(image=image, seed=2)["image"]
    out32 = OPS[name]()(image=to_carrier(image), seed=2)["image"]
    assert out16.dtype == np.uint16 and out16.shape == image.shape
    np.testing.assert_array_equal(out16, from_carrier(out32))
    if name in ("BiasField", "Anisotropy"):  # values come from a float path, not 8 bits
        assert len(np.unique(out16 % 256)) > 16


@pytest.mark.parametrize("name", sorted(OPS))
def test_masks_boxes_and_keypoints_are_untouched(name):
    image = np.zeros((32, 32, 3), np.uint8) + 200
    mask = np.zeros((32, 32), np.uint8)
    mask[4:9, 5:20] = 1
    out = OPS[name]()(image=image, mask=mask, bboxes=[[1, 2, 10, 12]], labels=["x"],
                      keypoints=[[3.0, 4.0]], seed=0)
    np.testing.assert_array_equal(out["mask"], mask)
    np.testing.assert_array_equal(out["bboxes"], [[1, 2, 10, 12]])
    np.testing.assert_array_equal(out["keypoints"], [[3.0, 4.0]])


@pytest.mark.parametrize(("op", "identity"), [
    (A.BiasField, 0.0), (A.RicianNoise, 0.0), (A.GibbsRinging, 0.0), (A.KSpaceSpike, 0.0),
    (A.Ghosting, 0.0), (A.MotionArtifact, 0.0), (A.Anisotropy, 0.0), (A.HEStain, 0.0)])
def test_magnitude_zero_is_the_identity(op, identity):
    image = _tissue() if op is A.HEStain else (np.clip(_phantom() + 0.2, 0, 1) * 255).astype(
        np.uint8)
    out = op.at_magnitude(identity)(image=image, seed=0)["image"]
    np.testing.assert_array_equal(out, image)


# -- BiasField ------------------------------------------------------------------------------
def test_bias_field_multiplies_by_a_smooth_positive_field():
    rng = np.random.default_rng(0)
    image = rng.uniform(0.2, 0.5, (48, 64)).astype(np.float32)
    op = A.BiasField(coefficients=0.15, order=3, p=1.0)
    out = op(image=image, seed=4, return_record=True)
    coefficients = _record_params(out)["coefficients"]
    assert len(coefficients) == 10  # (order + 1)(order + 2) / 2 terms
    ratio = out["image"] / image
    field = K.bias_field(48, 64, 3, coefficients)
    np.testing.assert_allclose(ratio, field, rtol=1e-5)
    bound = math.exp(sum(abs(c) for c in coefficients))  # |x**i y**j| <= 1 on [-1, 1]
    assert 1 / bound <= ratio.min() and ratio.max() <= bound
    assert 1 / bound <= ratio.mean() <= bound
    # smooth: neighbouring ratios differ by a tiny fraction, unlike the image's own steps
    assert np.abs(np.diff(ratio, axis=1)).max() < 0.05
    assert np.abs(np.diff(np.diff(ratio, axis=0), axis=0)).max() < 5e-3


def test_bias_field_is_one_field_for_every_channel():
    image = np.full((16, 20, 3), 0.4, np.float32)
    out = A.BiasField(coefficients=0.3, p=1.0)(image=image, seed=1)["image"]
    np.testing.assert_array_equal(out[..., 0], out[..., 2])


# -- RicianNoise ----------------------------------------------------------------------------
def test_rician_noise_on_black_is_rayleigh():
    sigma = 0.08
    out = A.RicianNoise(std_range=sigma, p=1.0)(image=np.zeros((256, 256), np.float32),
                                                 seed=0)["image"]
    assert out.min() >= 0.0
    assert abs(out.mean() - sigma * math.sqrt(math.pi / 2)) < 0.01 * sigma * 2
    assert abs(out.var() - (2 - math.pi / 2) * sigma**2) < 0.05 * sigma**2


def test_rician_noise_on_bright_signal_is_nearly_gaussian_and_biased_up():
    sigma, level = 0.02, 0.5
    image = np.full((256, 256), level, np.float32)
    out = A.RicianNoise(std_range=sigma, p=1.0)(image=image, seed=1)["image"]
    # the mean of a Rice variable is about sqrt(level**2 + sigma**2) at high SNR
    assert abs(out.mean() - math.sqrt(level**2 + sigma**2)) < 5e-4
    assert abs(out.std() - sigma) < 0.05 * sigma


# -- GibbsRinging ---------------------------------------------------------------------------
def test_gibbs_with_everything_kept_is_the_identity():
    rng = np.random.default_rng(0)
    for image in (rng.integers(0, 256, (30, 34, 3), dtype=np.uint8),
                  rng.random((30, 34), dtype=np.float32)):
        for axis in ("x", "y", "both"):
            out = A.GibbsRinging(keep_fraction=1.0, axis=axis, p=1.0)(image=image)["image"]
            np.testing.assert_array_equal(out, image)


def test_gibbs_rings_next_to_an_edge_and_only_along_its_axis():
    image = np.zeros((64, 64), np.float32)
    image[:, 24:40] = 0.8  # two vertical edges
    out = A.GibbsRinging(keep_fraction=0.25, axis="x", p=1.0)(image=image)["image"]
    row = out[10].astype(np.float64)
    assert np.allclose(out, out[:1], atol=1e-6)  # along y nothing changes
    assert row[:20].max() > 0.02 and row[28:36].min() < 0.79  # ripples both sides
    slope = np.sign(np.diff(row[:22]))
    assert (slope[1:] != slope[:-1]).sum() >= 2  # oscillation, not a plain blur
    both = A.GibbsRinging(keep_fraction=0.25, axis="both", p=1.0)(image=image)["image"]
    np.testing.assert_allclose(both, out, atol=1e-5)  # a constant along y has no y content


# -- KSpaceSpike --------------------------------------------------------------------------------
def test_spike_spectrum_changes_exactly_the_drawn_locations():
    rng = np.random.default_rng(0)
    image = rng.random((24, 30), dtype=np.float32)
    spec = K.spectrum(image)
    spiked = K.spike_spectrum(spec.copy(), [[3, -5], [-12, 14]], [1.5, 0.5])
    changed = np.argwhere(spiked != spec).tolist()  # signed frequencies, modulo the size
    assert sorted(changed) == sorted([[3, 30 - 5], [24 - 12, 14]])
    peak = np.abs(spec).max()
    np.testing.assert_allclose(spiked[3, 25] - spec[3, 25], 1.5 * peak, rtol=1e-6)


def test_spiked_image_has_the_spiked_spectrum():
    rng = np.random.default_rng(1)
    for image in (rng.random((24, 30), dtype=np.float32),
                  rng.random((24, 30, 3), dtype=np.float32)):
        spikes, intensities = [[3, -5], [-12, 14]], [1.5, 0.5]
        want = K.spike_spectrum(np.fft.fft2(image, axes=(0, 1)), spikes, intensities)
        got = np.fft.fft2(K.spiked(image, spikes, intensities), axes=(0, 1))
        np.testing.assert_allclose(got, want, atol=2e-4 * np.abs(want).max())


def test_kspace_spike_puts_stripes_at_the_drawn_frequency():
    image = _phantom() + 0.2
    for seed in range(4):
        out = A.KSpaceSpike(intensity=(0.5, 0.5), p=1.0)(image=image, seed=seed,
                                                          return_record=True)
        (dy, dx), = _record_params(out)["spikes"]
        assert (dy, dx) != (0, 0)
        gained = np.abs(K.spectrum(out["image"])) - np.abs(K.spectrum(image))
        r, c = np.unravel_index(np.argmax(gained), gained.shape)
        # a magnitude image is real: the spike shows at its frequency or the mirror one
        offset = (int(r), int(c))
        assert offset in ((dy % 64, dx % 64), (-dy % 64, -dx % 64)), (offset, dy, dx)


# -- Ghosting -----------------------------------------------------------------------------
@pytest.mark.parametrize("axis", ["x", "y"])
def test_ghosts_are_replicas_at_multiples_of_size_over_n(axis):
    image = np.zeros((64, 64), np.float32)
    image[4:10, 20:30] = 0.8
    image = image if axis == "y" else image.T.copy()
    out = A.Ghosting(num_ghosts=4, intensity=0.6, axis=axis, restore=0.0, p=1.0)(
        image=image)["image"]
    # k-space lines f % 4 == 0 scaled by 0.4: image - 0.6 / 4 * (copies shifted by 16 lines)
    a = 0 if axis == "y" else 1
    expected = image * (1 - 0.6 / 4) - 0.6 / 4 * sum(np.roll(image, 16 * m, axis=a)
                                                     for m in (1, 2, 3))
    np.testing.assert_allclose(out, np.abs(expected), atol=1e-5)


@pytest.mark.parametrize("shape", [(31, 40), (32, 27, 3)])
@pytest.mark.parametrize("axis", ["x", "y"])
def test_ghosting_equals_scaling_lines_of_the_2d_spectrum(shape, axis):
    image = np.random.default_rng(5).random(shape, dtype=np.float32)
    a = K.AXES[axis]
    n = shape[a]
    f = np.fft.fftfreq(n, 1.0 / n).round()
    factor = np.where(f % 3 == 0, 1 - 0.7, 1.0)
    factor[np.abs(f) < 0.2 * n / 2] = 1.0
    spec = np.fft.fft2(image, axes=(0, 1))
    spec *= factor.reshape([n if i == a else 1 for i in range(image.ndim)])
    want = np.clip(np.abs(np.fft.ifft2(spec, axes=(0, 1))), 0, 1)
    np.testing.assert_allclose(K.ghosting(image, 3, 0.7, axis, 0.2), want, atol=2e-6)


def test_ghosting_restore_keeps_the_centre_of_k_space():
    rows = np.arange(64)[:, None] * np.ones((1, 48))
    smooth = (0.5 + 0.2 * np.cos(2 * np.pi * rows / 64)).astype(np.float32)  # lines 0, +-1
    op = A.Ghosting(num_ghosts=5, intensity=1.0, axis="y", restore=0.1, p=1.0)
    np.testing.assert_allclose(op(image=smooth)["image"], smooth, atol=1e-6)
    detail = smooth + (0.1 * np.cos(2 * np.pi * 5 * rows / 64)).astype(np.float32)  # line 5
    np.testing.assert_allclose(op(image=detail)["image"], smooth, atol=1e-6)  # gone


# -- MotionArtifact -------------------------------------------------------------------------
def test_motion_k_space_lines_come_from_the_moved_copies():
    image = _phantom()
    moves, times = [[0.0, 0.0625, 0.0]], [0.5]  # 4 rows down for the later half of the lines
    out = K.motion(image, moves, times, "y")
    moved = np.roll(image, 4, axis=0)  # the phantom stays inside: a roll is the move
    spec = np.fft.fftshift(np.fft.fft2(image), axes=0)  # rows in scan order, -32 .. 31
    spec[32:] = np.fft.fftshift(np.fft.fft2(moved), axes=0)[32:]
    expected = np.abs(np.fft.ifft2(np.fft.ifftshift(spec, axes=0)))
    np.testing.assert_allclose(out, np.clip(expected, 0, 1), atol=1e-5)
    still = K.motion(image, [[0.0, 0.0, 0.0]], [0.3], "x")
    np.testing.assert_allclose(still, image, atol=1e-5)


# -- Anisotropy ---------------------------------------------------------------------------
def test_anisotropy_at_factor_one_is_the_identity_and_blocks_otherwise():
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (40, 36, 3), dtype=np.uint8)
    same = A.Anisotropy(factor=1.0, p=1.0)(image=image, seed=0)["image"]
    np.testing.assert_array_equal(same, image)
    out = A.Anisotropy(factor=4.0, axis="y", interpolation="nearest", p=1.0)(image=image)
    rows = out["image"]
    assert len(np.unique(rows, axis=0)) == 10  # 40 rows from 10
    linear = A.Anisotropy(factor=4.0, axis="x", p=1.0)(image=image)["image"]
    np.testing.assert_array_equal(linear.shape, image.shape)
    assert np.abs(np.diff(linear.astype(int), axis=1)).mean() < np.abs(
        np.diff(image.astype(int), axis=1)).mean() / 2  # smoother along x


# -- HEStain ------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["ruifrok", "macenko"])
def test_stain_is_identity_at_zero_perturbation_and_keeps_background_white(method):
    image = _tissue()
    same = A.HEStain(alpha=0.0, beta=0.0, method=method, p=1.0)(image=image)["image"]
    np.testing.assert_array_equal(same, image)
    for seed in range(4):
        out = A.HEStain(alpha=0.2, beta=0.05, method=method, p=1.0)(image=image,
                                                                    seed=seed)["image"]
        background = out[:6, :6].astype(int)
        assert background.min() >= 215, background.min()  # beta 0.05: a faint tint
        assert np.abs(out[8:40, 8:40].astype(int) - image[8:40, 8:40]).mean() > 1


def test_macenko_finds_the_stain_vectors_of_the_tissue():
    vectors = K.macenko_vectors(K.optical_density(_tissue().astype(np.float32) / 255))
    for got, want in zip(vectors[:2], K.RUIFROK[:2], strict=True):
        assert float(got @ want) > 0.99


def test_macenko_on_a_sample_of_the_pixels_finds_the_same_vectors(monkeypatch):
    rng = np.random.default_rng(0)
    conc = rng.uniform(0.0, 1.2, (256, 256, 2))
    od = K.optical_density(np.exp(-(conc @ K.RUIFROK[:2])))
    sampled = K.macenko_vectors(od)
    monkeypatch.setattr(K, "MACENKO_SAMPLE", 10**9)
    every = K.macenko_vectors(od)
    assert (sampled[:2] * every[:2]).sum(axis=1).min() > 0.9999


def test_stain_scales_haematoxylin_alone():
    image = _tissue()
    out = A.HEStain()
    params = {"alphas": [1.5, 1.0, 1.0], "betas": [0.0, 0.0, 0.0]}
    darker = out.apply_image(image, params)
    od_in = K.optical_density(image / 255.0) @ np.linalg.inv(K.RUIFROK)
    od_out = K.optical_density(darker / 255.0) @ np.linalg.inv(K.RUIFROK)
    tissue = (od_in[:, 0] > 0.3) & (od_in[:, 0] < 0.9)  # away from 8-bit saturation
    np.testing.assert_allclose(od_out[tissue, 0], 1.5 * od_in[tissue, 0], atol=0.03)


def test_stain_refuses_non_rgb_images_clearly():
    with pytest.raises(ValueError, match="HEStain: 'image' must be RGB"):
        A.HEStain(p=1.0)(image=np.zeros((8, 8), np.uint8))
    rgba = np.dstack([_tissue(), np.full((48, 48), 77, np.uint8)])
    out = A.HEStain(p=1.0)(image=rgba, seed=0)["image"]
    assert (out[..., 3] == 77).all()


# -- AnnotationBurnIn ---------------------------------------------------------------------------
def test_burn_in_writes_near_max_pixels_in_a_bounded_area():
    h, w = 128, 160
    for seed in range(8):
        image = np.zeros((h, w), np.uint8)
        out = A.AnnotationBurnIn(num_marks=(1, 3), size=(0.05, 0.1), intensity=(0.9, 1.0),
                                 p=1.0)(image=image, seed=seed, return_record=True)
        marks = _record_params(out)["marks"]
        written = out["image"] > 0
        assert written.any() and written.mean() < 0.15
        assert out["image"][written].min() >= round(0.9 * 255)
        allowed = np.zeros((h, w), bool)
        for mark in marks:  # every mark stays within a few of its sizes of its anchor
            px, py, reach = mark["x"] * (w - 1), mark["y"] * (h - 1), 6 * mark["size"] * h
            allowed[max(0, int(py - reach)):int(py + reach) + 1,
                    max(0, int(px - reach)):int(px + reach) + 1] = True
        assert not (written & ~allowed).any()


def test_burn_in_marks_every_channel_and_keeps_the_rest():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 100, (64, 64, 3), dtype=np.uint8)
    out = A.AnnotationBurnIn(kinds=["lr"], p=1.0)(image=image, seed=1)["image"]
    changed = (out != image).any(axis=2)
    assert changed.any()
    assert (out[changed].min(axis=1) >= 229).all()  # every channel written
    np.testing.assert_array_equal(out[~changed], image[~changed])
