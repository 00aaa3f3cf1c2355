"""Values and target alignment of the transforms added for AlbumentationsX parity
(symmetries, grid shuffle, crops and pads, pixel effects, tone ops)."""

from __future__ import annotations

import numpy as np
import pytest

from augkit import image as A
from augkit.image.functional import symmetry as S

RNG = np.random.default_rng(0)
IMG = RNG.integers(0, 256, (30, 44, 3), dtype=np.uint8)


def _params(out) -> dict:
    return out["record"].steps[0].params


# -- SquareSymmetry --------------------------------------------------------------------------
@pytest.mark.parametrize("element", S.D4_ELEMENTS)
def test_square_symmetry_moves_every_pixel_centre_with_its_pixel(element):
    h, w = 5, 7
    img = np.arange(h * w, dtype=np.float32).reshape(h, w)
    out = A.SquareSymmetry(elements=[element], p=1.0)(image=img)["image"]
    ys, xs = np.mgrid[0:h, 0:w]
    centres = np.column_stack([xs.ravel() + 0.5, ys.ravel() + 0.5])
    moved = S.d4_points(centres, element, h, w)
    np.testing.assert_array_equal(out[moved[:, 1].astype(int), moved[:, 0].astype(int)],
                                  img.ravel())


def test_square_symmetry_elements_are_the_eight_distinct_ones():
    img = np.arange(9, dtype=np.uint8).reshape(3, 3)
    outs = {A.SquareSymmetry(elements=[e], p=1.0)(image=img)["image"].tobytes()
            for e in S.D4_ELEMENTS}
    assert len(outs) == 8
    seen = {_params(A.SquareSymmetry(p=1.0)(image=img, seed=s, return_record=True))["element"]
            for s in range(60)}
    assert seen == set(S.D4_ELEMENTS)


def test_square_symmetry_boxes_masks_keypoints_follow():
    mask = np.zeros((30, 44), np.uint8)
    mask[4:10, 6:20] = 1
    for e in S.D4_ELEMENTS:
        out = A.SquareSymmetry(elements=[e], p=1.0)(image=IMG, mask=mask, bboxes=[[6, 4, 20, 10]],
                                                    labels=[1], keypoints=[[7.5, 5.5]])
        rows, cols = np.nonzero(out["mask"])
        np.testing.assert_array_equal(out["bboxes"], [[cols.min(), rows.min(), cols.max() + 1,
                                                       rows.max() + 1]])
        x, y = out["keypoints"][0]
        assert out["mask"][int(y), int(x)] == 1
        assert out["image"].shape[:2] == out["mask"].shape


# -- RandomGridShuffle -----------------------------------------------------------------------
def test_grid_shuffle_permutes_tiles_of_equal_shape():
    img = np.arange(7 * 10, dtype=np.float32).reshape(7, 10)  # rows 2, 2, 3; cols 5, 5
    for seed in range(5):
        out = A.RandomGridShuffle(grid=(3, 2), p=1.0)(image=img, seed=seed, return_record=True)
        order = _params(out)["order"]
        tiles = S.tile_boxes(7, 10, 3, 2)
        for dst, src in enumerate(order):
            t, lft, b, r = tiles[dst]
            st, sl, sb, sr = tiles[src]
            np.testing.assert_array_equal(out["image"][t:b, lft:r], img[st:sb, sl:sr])
        assert sorted(order[4:]) == [4, 5]  # the two taller tiles swap only with each other


def test_grid_shuffle_moves_keypoints_masks_and_boxes_with_their_tiles():
    mask = np.zeros((30, 44), np.uint8)
    mask[5:25, 9:30] = 1  # spans several tiles
    aug = A.RandomGridShuffle(grid=(3, 4), p=1.0)
    ys, xs = np.mgrid[0:30, 0:44]
    points = np.column_stack([xs.ravel() + 0.5, ys.ravel() + 0.5])
    for seed in range(4):
        out = aug(image=IMG, mask=mask, bboxes=[[9, 5, 30, 25]], labels=["a"],
                  keypoints=points, seed=seed)
        moved = out["keypoints"]
        np.testing.assert_array_equal(out["image"][moved[:, 1].astype(int),
                                                   moved[:, 0].astype(int)],
                                      IMG.reshape(-1, 3))
        rows, cols = np.nonzero(out["mask"])
        np.testing.assert_array_equal(out["bboxes"], [[cols.min(), rows.min(), cols.max() + 1,
                                                       rows.max() + 1]])
    with pytest.raises(ValueError, match="RandomGridShuffle.*at least"):
        A.RandomGridShuffle(grid=(4, 4), p=1.0)(image=np.zeros((3, 8), np.uint8))


# -- Downscale, UnsharpMask, Morphological -------------------------------------------------------
def test_downscale_is_a_resize_down_then_up():
    import cv2

    img = RNG.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    out = A.Downscale(scale_range=(0.5, 0.5), down_interpolation="area",
                      up_interpolation="linear", p=1.0)(image=img)["image"]
    small = cv2.resize(img, (24, 20), interpolation=cv2.INTER_AREA)
    np.testing.assert_array_equal(out, cv2.resize(small, (48, 40), interpolation=cv2.INTER_LINEAR))
    f32 = A.Downscale(scale_range=(0.3, 0.3), up_interpolation="lanczos", p=1.0)(
        image=img.astype(np.float32) / 255)["image"]
    assert f32.dtype == np.float32 and 0 <= f32.min() and f32.max() <= 1  # overshoot clipped


def test_unsharp_mask_adds_alpha_times_the_detail():
    import cv2

    img = RNG.random((20, 24), dtype=np.float32) * 0.5 + 0.25
    out = A.UnsharpMask(blur_limit=5, sigma_limit=1.5, alpha=(0.8, 0.8), threshold=0,
                        p=1.0)(image=img)["image"]
    blurred = cv2.GaussianBlur(img, (5, 5), 1.5, borderType=cv2.BORDER_REFLECT_101)
    np.testing.assert_allclose(out, np.clip(img + 0.8 * (img - blurred), 0, 1), atol=1e-5)
    flat = np.full((10, 10), 0.5, np.float32)
    flat[5, 5] = 0.51  # detail under the threshold: left alone
    kept = A.UnsharpMask(threshold=0.1, alpha=(1.0, 1.0), p=1.0)(image=flat, seed=0)["image"]
    np.testing.assert_allclose(kept, flat, atol=1e-6)
    edge = np.zeros((10, 10), np.float32)
    edge[:, 5:] = 0.5  # the edge's detail passes: sharpened there, flat areas unchanged
    gated = A.UnsharpMask(blur_limit=3, threshold=0.05, alpha=(1.0, 1.0), p=1.0)(
        image=edge)["image"]
    assert gated[5, 5] > 0.5 and (gated[:, 8:] == 0.5).all() and (gated[:, :3] == 0).all()


@pytest.mark.parametrize("operation, expected", [("erosion", 0), ("dilation", 200)])
def test_morphological_erodes_and_dilates(operation, expected):
    img = np.zeros((11, 11), np.uint8)
    img[3:8, 3:8] = 200
    out = A.Morphological(scale=(3, 3), operation=operation, p=1.0)(image=img)["image"]
    assert out[3, 5] == expected and out[5, 5] == 200 and out[0, 0] == 0
    assert out[2, 5] == (200 if operation == "dilation" else 0)


# -- PixelDropout, XYMasking and the spectrogram masks --------------------------------------------
def test_pixel_dropout_rate_fill_and_mask():
    img = np.full((200, 200, 3), 100, np.uint8)
    mask = np.ones((200, 200), np.uint8)
    out = A.PixelDropout(dropout_prob=0.2, fill=7, mask_fill=0, p=1.0)(image=img, mask=mask,
                                                                      seed=3)
    dropped = (out["image"] == 7).all(axis=2)
    assert abs(dropped.mean() - 0.2) < 0.01 and ((out["image"] == 7).any(axis=2) == dropped).all()
    np.testing.assert_array_equal(out["mask"] == 0, dropped)
    per = A.PixelDropout(dropout_prob=0.2, per_channel=True, p=1.0)(image=img, seed=3)["image"]
    some = (per == 0).any(axis=2) & ~(per == 0).all(axis=2)
    assert some.mean() > 0.3  # values dropped one channel at a time
    u16 = A.PixelDropout(dropout_prob=0.5, fill=65535, p=1.0)(
        image=np.zeros((8, 8), np.uint16), seed=0)["image"]
    assert set(np.unique(u16).tolist()) == {0, 65535}


def test_xy_masking_fills_whole_stripes_and_optionally_masks():
    img = np.full((32, 40), 50, np.uint8)
    mask = np.ones((32, 40), np.uint8)
    out = A.XYMasking(num_masks_x=2, num_masks_y=1, mask_x_length=(3, 5),
                      mask_y_length=(4, 4), fill=0, mask_fill=2, p=1.0)(image=img, mask=mask,
                                                                        seed=1)
    cols = (out["image"] == 0).all(axis=0)
    rows = (out["image"] == 0).all(axis=1)
    assert 3 <= cols.sum() <= 10 and rows.sum() == 4
    np.testing.assert_array_equal(out["image"] == 0, cols[None, :] | rows[:, None])
    np.testing.assert_array_equal(out["mask"] == 2, out["image"] == 0)
    t = A.TimeMasking(time_mask_param=10, p=1.0)(image=img, seed=2, return_record=True)
    (rect,) = _params(t)["rectangles"]
    assert rect[0] == 0 and rect[2] == 32 and rect[3] - rect[1] <= 10
    f = A.FrequencyMasking(freq_mask_param=10, p=1.0)(image=img, seed=2, return_record=True)
    (rect,) = _params(f)["rectangles"]
    assert rect[1] == 0 and rect[3] == 40 and rect[2] - rect[0] <= 10


# -- crops and pads ------------------------------------------------------------------------------
def _mask_and_box():
    mask = np.zeros((30, 44), np.uint8)
    mask[6:14, 30:40] = 1
    return mask, [[30, 6, 40, 14]]


def _aligned(out, atol=1e-9):
    rows, cols = np.nonzero(out["mask"])
    np.testing.assert_allclose(out["bboxes"], [[cols.min(), rows.min(), cols.max() + 1,
                                                rows.max() + 1]], atol=atol)
    x, y = out["keypoints"][0]
    assert out["mask"][int(y), int(x)] == 1


def test_crop_is_the_fixed_box_and_pads_past_the_edge_on_request():
    mask, box = _mask_and_box()
    out = A.Crop(20, 2, 50, 20, pad_if_needed=True, fill=9)(image=IMG, mask=mask, bboxes=box,
                                                           labels=[0], keypoints=[[35, 10]])
    np.testing.assert_array_equal(out["image"][:, :24], IMG[2:20, 20:44])
    assert (out["image"][:, 24:] == 9).all() and out["image"].shape == (18, 30, 3)
    _aligned(out)
    with pytest.raises(ValueError, match="Crop.*pad_if_needed"):
        A.Crop(20, 2, 50, 20)(image=IMG)


@pytest.mark.parametrize("position, corner", [("top_left", (0, 0)), ("bottom_right", (10, 6)),
                                              ("center", (5, 3))])
def test_pad_if_needed_places_the_image(position, corner):
    mask, box = _mask_and_box()
    out = A.PadIfNeeded(40, 50, position=position)(image=IMG, mask=mask, bboxes=box, labels=[0],
                                                   keypoints=[[35, 10]])
    top, left = corner
    assert out["image"].shape == (40, 50, 3)
    np.testing.assert_array_equal(out["image"][top:top + 30, left:left + 44], IMG)
    _aligned(out)
    div = A.PadIfNeeded(None, None, pad_height_divisor=32, pad_width_divisor=32)(image=IMG)
    assert div["image"].shape == (32, 64, 3)
    assert A.PadIfNeeded(10, 10)(image=IMG)["image"].shape == IMG.shape


def test_crop_and_pad_takes_one_amount_per_side():
    # Albumentations' four-entry form: (top, right, bottom, left), each fixed or a range
    img = np.arange(20 * 30, dtype=np.uint16).reshape(20, 30)
    t = A.CropAndPad(px=(-2, 3, -4, (5, 5)), keep_size=False, fill=7)
    out = t(image=img, keypoints=[[10.0, 10.0]], seed=0)
    assert out["image"].shape == (20 - 2 - 4, 30 + 3 + 5)
    np.testing.assert_array_equal(out["image"][:, 5:35], img[2:16])
    assert (out["image"][:, :5] == 7).all() and (out["image"][:, 35:] == 7).all()
    np.testing.assert_allclose(out["keypoints"], [[15.0, 8.0]])
    again = A.CropAndPad(**{k: v for k, v in t.to_dict().items() if k != "type"})
    assert again.px == t.px
    with pytest.raises(ValueError, match=r"argument 'px' got \(1, 2, 3\); .*four entries"):
        A.CropAndPad(px=(1, 2, 3))
    with pytest.raises(ValueError, match="argument 'percent'"):
        A.CropAndPad(percent=(0.1, 0.1, 0.1, 20.0))


def test_crop_and_pad_crops_negative_and_pads_positive_sides():
    img = np.arange(20, dtype=np.uint8).reshape(4, 5)
    out = A.CropAndPad(px=(-1, 2), keep_size=False, fill=99)(image=img, seed=0,
                                                            return_record=True)
    prm = _params(out)
    assert out["image"].shape == (prm["height"], prm["width"])
    top, left = -prm["top"], -prm["left"]
    ys, xs = np.mgrid[0:4, 0:5]
    inside = (ys + top >= 0) & (ys + top < prm["height"]) & (xs + left >= 0) & (
        xs + left < prm["width"])
    np.testing.assert_array_equal(out["image"][(ys + top)[inside], (xs + left)[inside]],
                                  img[inside])
    mask, box = _mask_and_box()
    kept = A.CropAndPad(percent=(-0.1, 0.1), interpolation="nearest")(
        image=IMG, mask=mask, bboxes=box, labels=[0], keypoints=[[35, 10]], seed=1)
    assert kept["image"].shape == IMG.shape and len(kept["bboxes"]) == 1
    _aligned(kept, atol=1.6)  # the mask is resized by nearest neighbour


def test_random_sized_crop_size_and_ratio():
    out = A.RandomSizedCrop((10, 20), (16, 24), w2h_ratio=1.5)(image=IMG, seed=2,
                                                               return_record=True)
    prm = _params(out)
    assert out["image"].shape == (16, 24, 3) and 10 <= prm["height"] <= 20
    assert prm["width"] == round(prm["height"] * 1.5)


def test_crops_that_keep_an_object():
    mask, box = _mask_and_box()
    for seed in range(20):
        out = A.AtLeastOneBBoxRandomCrop(16, 16)(image=IMG, mask=mask, bboxes=box, labels=[0],
                                                 keypoints=[[35, 10]], seed=seed)
        np.testing.assert_allclose(out["bboxes"], [[out["bboxes"][0][0], out["bboxes"][0][1],
                                                    out["bboxes"][0][0] + 10,
                                                    out["bboxes"][0][1] + 8]])  # whole box
        _aligned(out)
        tiny = np.zeros((30, 44), np.uint8)
        tiny[27, 2] = 3
        crop = A.CropNonEmptyMaskIfExists(8, 8, ignore_values=[5])(image=IMG, mask=tiny,
                                                                   seed=seed)
        assert crop["mask"].sum() == 3
        ignored = A.CropNonEmptyMaskIfExists(8, 8, ignore_values=[3])(image=IMG, mask=tiny,
                                                                      seed=seed)
        assert ignored["image"].shape == (8, 8, 3)
    with pytest.raises(ValueError, match="AtLeastOneBBoxRandomCrop.*PadIfNeeded"):
        A.AtLeastOneBBoxRandomCrop(40, 40)(image=IMG)


# -- tone and colour casts ---------------------------------------------------------------------
def test_sepia_is_the_sepia_matrix_and_needs_rgb():
    from augkit.image.functional.tone import SEPIA

    img = RNG.random((6, 7, 3), dtype=np.float32)
    out = A.ToSepia(p=1.0)(image=img)["image"]
    np.testing.assert_allclose(out, np.clip(img @ SEPIA.T, 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match="ToSepia.*RGB"):
        A.ToSepia(p=1.0)(image=np.zeros((4, 4), np.uint8))


def test_fancy_pca_shifts_along_the_principal_axis():
    rng = np.random.default_rng(1)
    t = rng.random((40, 40, 1), dtype=np.float32) * 0.5 + 0.25
    img = np.concatenate([t, t, t], axis=2)  # all the variance lies along (1, 1, 1)
    out = A.FancyPCA(alpha=1.0, p=1.0)(image=img, seed=3)["image"]
    delta = (out - img).reshape(-1, 3)
    assert np.allclose(delta, delta[:1], atol=1e-6)  # one shift for every pixel
    np.testing.assert_allclose(delta[0, 0], delta[0, 1], atol=1e-6)  # along (1, 1, 1)
    assert abs(delta[0, 0]) > 1e-4


def test_planckian_jitter_warms_and_cools():
    img = np.full((2, 2, 3), 0.5, np.float32)
    warm = A.PlanckianJitter(temperature_limit=(2500, 2500), p=1.0)(image=img)["image"][0, 0]
    cool = A.PlanckianJitter(temperature_limit=(12000, 12000), p=1.0)(image=img)["image"][0, 0]
    neutral = A.PlanckianJitter(temperature_limit=(6600, 6600), p=1.0)(image=img)["image"][0, 0]
    assert warm[0] > warm[1] > warm[2] and cool[2] > cool[1] > cool[0]
    np.testing.assert_allclose(neutral, 0.5, atol=0.01)
    u8 = A.PlanckianJitter(temperature_limit=(2500, 2500), p=1.0)(
        image=np.full((2, 2, 3), 128, np.uint8))["image"][0, 0]
    np.testing.assert_allclose(u8 / 255, warm, atol=1 / 255)


def test_tone_curve_is_monotone_for_small_scale_and_fixes_the_ends():
    ramp = np.arange(256, dtype=np.uint8)[None]
    for seed in range(5):
        out = A.RandomToneCurve(scale=0.05, p=1.0)(image=ramp, seed=seed)["image"][0]
        assert out[0] == 0 and out[-1] == 255 and (np.diff(out.astype(int)) >= 0).all()
    rgb = np.repeat(np.linspace(0, 1, 50, dtype=np.float32)[None, :, None], 3, axis=2)
    per = A.RandomToneCurve(scale=0.2, per_channel=True, p=1.0)(image=rgb, seed=1)["image"]
    assert not np.allclose(per[..., 0], per[..., 1])


def test_vignetting_darkens_with_distance_from_the_centre():
    img = np.ones((21, 31), np.float32)
    out = A.Vignetting(intensity_range=(0.6, 0.6), center_range=(0.5, 0.5), p=1.0)(
        image=img)["image"]
    assert out[10, 15] > 0.99 and out[0, 0] < out[0, 15] < out[10, 15]
    np.testing.assert_allclose(out[0, 0], 1 - 0.6 * (10 ** 2 + 15 ** 2) / (10.5 ** 2 + 15.5 ** 2),
                               rtol=1e-5)


# -- lens and camera effects -------------------------------------------------------------------
def test_defocus_is_a_normalised_disk():
    from augkit.image.functional.optics import disk_kernel

    k = disk_kernel(3, 0.0)
    assert k.shape == (7, 7) and abs(k.sum() - 1) < 1e-12 and k[3, 0] > 0 and k[0, 0] == 0
    img = RNG.integers(0, 256, (20, 20), dtype=np.uint8)
    out = A.Defocus(radius=3, alias_blur=0, p=1.0)(image=img)["image"]
    assert abs(float(out.mean()) - float(img.mean())) < 2 and out.std() < img.std()


def test_zoom_blur_averages_zoomed_copies():
    img = RNG.random((24, 24), dtype=np.float32)
    out = A.ZoomBlur(max_factor=(1.1, 1.1), step_factor=(0.05, 0.05), p=1.0)(
        image=img, seed=0, return_record=True)
    np.testing.assert_allclose(_params(out)["factors"], [1.05, 1.1])
    assert out["image"].std() < img.std()


def test_glass_blur_moves_values_only_locally():
    img = np.zeros((32, 32), np.uint8)
    img[:, 16:] = 255
    out = A.GlassBlur(sigma=0.5, max_delta=2, iterations=2, p=1.0)(image=img, seed=1)["image"]
    assert (out[:, :10] == 0).all() and (out[:, 22:] == 255).all()  # far from the edge
    assert 0 < out[:, 14:18].mean() < 255


def test_advanced_blur_kernel_is_anisotropic_and_rotates():
    from augkit.image.functional.optics import generalized_gaussian_kernel as gk

    k = gk(9, 3.0, 0.5, 0.0, 1.0)
    assert k[4, 0] > k[0, 4] and abs(k.sum() - 1) < 1e-12
    np.testing.assert_allclose(gk(9, 3.0, 0.5, 90.0, 1.0), k.T, atol=1e-12)
    flat, peaked = gk(9, 2.0, 2.0, 0.0, 4.0), gk(9, 2.0, 2.0, 0.0, 0.5)
    assert flat[4, 4] / flat[4, 2] < peaked[4, 4] / peaked[4, 2]  # beta: plateau vs peak


def test_chromatic_aberration_moves_red_and_blue_only():
    img = RNG.integers(0, 256, (30, 40, 3), dtype=np.uint8)
    out = A.ChromaticAberration(shift_limit=(0.05, 0.05), mode="green_purple", p=1.0)(
        image=img)["image"]
    np.testing.assert_array_equal(out[..., 1], img[..., 1])
    assert (out[..., 0] != img[..., 0]).any() and (out[..., 2] != img[..., 2]).any()
    with pytest.raises(ValueError, match="ChromaticAberration.*RGB"):
        A.ChromaticAberration(p=1.0)(image=img[..., 0])


def test_film_grain_spares_black_and_white_and_is_monochrome():
    img = np.zeros((40, 40, 3), np.float32)
    img[:, 20:] = 1.0
    img[20:] = 0.5
    out = A.FilmGrain(intensity_range=(0.1, 0.1), p=1.0)(image=img, seed=2)["image"]
    np.testing.assert_array_equal(out[:20], img[:20])  # black and white stay
    grain = out[20:] - img[20:]
    assert 0.05 < grain.std() < 0.15
    np.testing.assert_array_equal(grain[..., 0], grain[..., 2])  # one grain for all channels


# -- lighting fields ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["linear", "corner", "gaussian"])
def test_illumination_patterns_span_zero_to_one_and_scale_the_image(mode):
    from augkit.image.functional.light import illumination_pattern

    pattern = illumination_pattern(30, 40, mode, 30.0, 2, 0.5, 0.5, 0.3)
    assert pattern.shape == (30, 40) and 0 <= pattern.min() and pattern.max() <= 1
    img = np.full((30, 40, 3), 0.5, np.float32)
    out = A.Illumination(mode=mode, intensity_range=(0.4, 0.4), effect_type="brighten",
                         p=1.0)(image=img, seed=0, return_record=True)
    prm = _params(out)
    want = illumination_pattern(30, 40, mode, prm["angle"], prm["corner"], prm["cx"],
                                prm["cy"], prm["sigma"])
    np.testing.assert_allclose(out["image"][..., 1], 0.5 * (1 + 0.4 * want), rtol=1e-5)
    if mode == "corner":  # corner 2 is the bottom right: brightest there
        assert pattern[-1, -1] > pattern[0, 0]


def test_plasma_fields_are_smooth_and_seeded():
    from augkit.image.functional.light import plasma

    a, b = plasma(64, 80, 3.0, 256, 5), plasma(64, 80, 3.0, 256, 5)
    np.testing.assert_array_equal(a, b)
    assert a.min() == 0 and a.max() == 1
    rough = plasma(64, 80, 0.5, 256, 5)
    assert np.abs(np.diff(a, axis=1)).mean() < np.abs(np.diff(rough, axis=1)).mean()
    img = np.full((64, 80), 0.8, np.float32)
    out = A.PlasmaShadow(shadow_intensity_range=(0.5, 0.5), p=1.0)(image=img, seed=1)["image"]
    assert abs(out.min() - 0.4) < 1e-6 and abs(out.max() - 0.8) < 1e-6
    flat = A.PlasmaBrightnessContrast(brightness_range=(0, 0), contrast_range=(0.5, 0.5),
                                      p=1.0)(image=img, seed=1)["image"]
    np.testing.assert_allclose(flat, img, atol=1e-6)  # contrast of a flat image: nothing


def test_fancy_pca_leaves_a_single_pixel_alone():
    one = np.array([[[10, 20, 30]]], np.uint8)
    np.testing.assert_array_equal(A.FancyPCA(alpha=1.0, p=1.0)(image=one, seed=0)["image"], one)


# -- domain adaptation ---------------------------------------------------------------------------
def test_array_references_round_trip_through_json_exactly():
    import json

    import augkit

    refs = [RNG.integers(0, 65536, (6, 5, 3), dtype=np.uint16),
            RNG.random((4, 4), dtype=np.float32)]
    t = A.HistogramMatching(refs, blend_ratio=(1.0, 1.0), p=1.0)
    rebuilt = augkit.from_dict(json.loads(json.dumps(t.to_dict())))
    assert rebuilt == t
    for a, b in zip(t._arrays, rebuilt._arrays, strict=True):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    img = RNG.integers(0, 256, (10, 12, 3), dtype=np.uint8)
    np.testing.assert_array_equal(t(image=img, seed=1)["image"],
                                  rebuilt(image=img, seed=1)["image"])


def test_histogram_matching_takes_the_reference_distribution():
    img = RNG.random((40, 40), dtype=np.float32)
    ref = (RNG.random((30, 30), dtype=np.float32) ** 3) * 0.5
    out = A.HistogramMatching([ref], blend_ratio=(1.0, 1.0), p=1.0)(image=img)["image"]
    np.testing.assert_allclose(np.quantile(out, [0.1, 0.5, 0.9]),
                               np.quantile(ref, [0.1, 0.5, 0.9]), atol=0.01)
    assert (np.argsort(out.ravel(), kind="stable") == np.argsort(img.ravel(),
                                                                 kind="stable")).mean() > 0.99
    half = A.HistogramMatching([ref], blend_ratio=(0.5, 0.5), p=1.0)(image=img)["image"]
    np.testing.assert_allclose(half, (img + out) / 2, atol=1e-6)


def test_fda_swaps_only_the_low_frequencies():
    img = np.zeros((32, 32), np.float32)
    img[:, ::2] = 0.6  # a high-frequency pattern
    ref = np.full((16, 16), 0.3, np.float32)
    out = A.FDA([ref], beta_limit=(0.05, 0.05), blend_ratio=(1.0, 1.0), p=1.0)(
        image=img)["image"]
    assert abs(out.mean() - 0.3) < 0.02  # the mean came from the reference
    np.testing.assert_allclose(out[:, 0] - out[:, 1], 0.6, atol=0.02)  # the stripes stayed
    same = A.FDA([ref], beta_limit=(0.0, 0.0), p=1.0)(image=img)["image"]
    np.testing.assert_allclose(same, img, atol=1e-6)


@pytest.mark.parametrize("kind", ["standard", "pca", "minmax"])
def test_pixel_distribution_adaptation_takes_the_reference_statistics(kind):
    rng = np.random.default_rng(4)
    img = np.clip(rng.normal([0.3, 0.5, 0.4], [0.05, 0.1, 0.08], (40, 40, 3)), 0, 1).astype(
        np.float32)
    ref = np.clip(rng.normal([0.6, 0.4, 0.5], [0.1, 0.05, 0.1], (30, 30, 3)), 0, 1).astype(
        np.float32)
    out = A.PixelDistributionAdaptation([ref], transform_type=kind, blend_ratio=(1.0, 1.0),
                                        p=1.0)(image=img)["image"]
    np.testing.assert_allclose(out.reshape(-1, 3).mean(axis=0), ref.reshape(-1, 3).mean(axis=0),
                               atol=0.03)
    if kind != "minmax":
        np.testing.assert_allclose(out.reshape(-1, 3).std(axis=0),
                                   ref.reshape(-1, 3).std(axis=0), atol=0.02)


def test_references_convert_between_grey_and_rgb_and_refuse_other_counts():
    rgb = RNG.integers(0, 256, (8, 8, 3), dtype=np.uint8)
    grey_out = A.HistogramMatching([rgb], p=1.0)(image=RNG.integers(0, 256, (8, 8), np.uint8),
                                                 seed=0)["image"]
    assert grey_out.shape == (8, 8)
    with pytest.raises(ValueError, match="HistogramMatching.*channel"):
        A.HistogramMatching([rgb], p=1.0)(image=np.zeros((8, 8, 5), np.uint8))
    with pytest.raises(ValueError, match="FDA.*'reference_images'"):
        A.FDA(["/no/such/file.png"])


# -- more crops, SafeRotate, RandomScale -------------------------------------------------------
def test_bbox_safe_random_crop_keeps_every_box_whole_and_unscaled():
    boxes = [[5, 4, 12, 10], [30, 18, 40, 26]]
    for seed in range(10):
        out = A.BBoxSafeRandomCrop()(image=IMG, bboxes=boxes, labels=[0, 1], seed=seed,
                                     return_record=True)
        prm = _params(out)
        np.testing.assert_allclose(out["bboxes"], np.array(boxes) - [prm["left"], prm["top"]] * 2)
        np.testing.assert_array_equal(out["image"], IMG[prm["top"]:prm["top"] + prm["height"],
                                                        prm["left"]:prm["left"] + prm["width"]])


def test_random_crop_from_borders_cuts_within_the_limits():
    for seed in range(10):
        out = A.RandomCropFromBorders(0.2, 0.1, 0.5, 0.0)(image=IMG, seed=seed,
                                                         return_record=True)
        prm = _params(out)
        assert prm["left"] <= 8 and 44 - prm["left"] - prm["width"] <= 4
        assert prm["top"] <= 15 and prm["top"] + prm["height"] == 30
    tiny = A.RandomCropFromBorders(1, 1, 1, 1)(image=np.zeros((2, 2), np.uint8), seed=0)
    assert min(tiny["image"].shape) >= 1


def test_safe_rotate_keeps_every_corner_inside():
    mask = np.ones((30, 44), np.uint8)
    for seed in range(6):
        out = A.SafeRotate(limit=180, p=1.0)(image=IMG, mask=mask, bboxes=[[0, 0, 44, 30]],
                                             labels=[0], keypoints=[[0, 0], [44, 30]],
                                             seed=seed)
        assert len(out["bboxes"]) == 1
        pts = out["keypoints"]  # the image corners stay within the frame
        assert (pts >= -1e-9).all() and (pts[:, 0] <= 44 + 1e-9).all() and (
            pts[:, 1] <= 30 + 1e-9).all()


def test_random_scale_resizes_image_and_targets():
    mask, box = _mask_and_box()
    out = A.RandomScale(scale_limit=(0.5, 0.5), interpolation="nearest", p=1.0)(
        image=IMG, mask=mask, bboxes=box, labels=[0], keypoints=[[35, 10]])
    assert out["image"].shape == (45, 66, 3) and out["mask"].shape == (45, 66)
    np.testing.assert_allclose(out["bboxes"], [[45, 9, 60, 21]])
    np.testing.assert_allclose(out["keypoints"], [[52.5, 15]])
    _aligned(out, atol=1.6)


# -- smooth random warps ---------------------------------------------------------------------
def test_thin_plate_spline_takes_control_points_to_their_moved_places():
    from augkit.image.functional.warps import tps_apply, tps_control_points, tps_fit

    src = tps_control_points(3)
    dst = src + np.random.default_rng(2).uniform(-0.05, 0.05, src.shape)
    w, a = tps_fit(src, dst)
    np.testing.assert_allclose(tps_apply(src, src, w, a), dst, atol=1e-9)
    t = A.ThinPlateSpline(scale_range=(0.05, 0.05), num_control_points=3, p=1.0)
    out = t(image=np.zeros((48, 64), np.uint8), keypoints=[[32.0, 24.0]], seed=3,
            return_record=True)
    dx, dy = np.asarray(_params(out)["offsets"]).reshape(-1, 2)[4]  # the centre point
    np.testing.assert_allclose(out["keypoints"][0], [32 + dx * 64, 24 + dy * 48], atol=0.3)


def test_warps_move_a_dot_and_its_keypoint_together():
    for t in (A.ThinPlateSpline(scale_range=(0.05, 0.05), p=1.0),
              A.GridElasticDeform((3, 3), magnitude=4, p=1.0),
              A.PiecewiseAffine(scale_range=(0.02, 0.02), p=1.0),
              A.WaterRefraction(amplitude_range=(0.02, 0.02), p=1.0)):
        mask = np.zeros((48, 64), np.uint8)
        mask[20:24, 30:34] = 1
        out = t(image=np.zeros((48, 64), np.uint8), mask=mask, keypoints=[[32.0, 22.0]],
                seed=5)
        x, y = out["keypoints"][0]
        rows, cols = np.nonzero(out["mask"])
        assert abs(x - (cols.mean() + 0.5)) < 1.0 and abs(y - (rows.mean() + 0.5)) < 1.0
    zero = A.GridElasticDeform(magnitude=0, p=1.0)(image=IMG, seed=0)["image"]
    np.testing.assert_array_equal(zero, IMG)


def test_piecewise_affine_field_is_affine_inside_a_triangle_and_continuous():
    from augkit.image.functional.warps import piecewise_affine_field

    dx, dy = piecewise_affine_field(40, 40, 2, 2, 0.05, 7)  # cells of 20 x 20 pixels
    # inside the lower-left triangle of cell (0, 0): second differences vanish
    for d in (dx, dy):
        assert np.abs(d[2, 1:8] - 2 * d[2, 2:9] + d[2, 3:10]).max() < 1e-4
        assert np.abs(d[1:8, 2] - 2 * d[2:9, 2] + d[3:10, 2]).max() < 1e-4
        assert np.abs(np.diff(d, axis=0)).max() < 1.0 and np.abs(np.diff(d, axis=1)).max() < 1.0


# -- Emboss, MultiplicativeNoise, MaskDropout ------------------------------------------------------
def test_emboss_is_the_blended_kernel():
    import cv2

    from augkit.image.functional.effects import emboss_kernel

    img = RNG.random((12, 14), dtype=np.float32)
    out = A.Emboss(alpha_range=(0.5, 0.5), strength_range=(0.4, 0.4), p=1.0)(image=img)["image"]
    want = cv2.filter2D(img, -1, emboss_kernel(0.5, 0.4), borderType=cv2.BORDER_REFLECT_101)
    np.testing.assert_allclose(out, np.clip(want, 0, 1), atol=1e-6)
    assert abs(emboss_kernel(0.5, 0.4).sum() - 1) < 1e-6  # flat regions keep their level


def test_multiplicative_noise_granularity():
    img = np.full((20, 20, 3), 0.5, np.float32)
    one = A.MultiplicativeNoise(p=1.0)(image=img, seed=0)["image"]
    assert len(np.unique(one)) == 1
    per = A.MultiplicativeNoise(per_channel=True, p=1.0)(image=img, seed=0)["image"]
    assert len(np.unique(per[0, 0])) == 3 and (per == per[0, 0]).all()
    pix = A.MultiplicativeNoise(elementwise=True, p=1.0)(image=img, seed=0)["image"]
    assert (pix[..., 0] == pix[..., 2]).all() and len(np.unique(pix[..., 0])) > 100
    assert 0.45 <= pix.min() and pix.max() <= 0.55


def test_mask_dropout_removes_whole_objects_from_label_maps_and_instance_masks():
    mask = np.zeros((30, 44), np.int32)
    mask[2:8, 2:8], mask[10:20, 10:20], mask[22:28, 30:40] = 4, 7, 9
    out = A.MaskDropout(max_objects_range=(2, 2), fill=0, p=1.0)(image=IMG, mask=mask, seed=1,
                                                               return_record=True)
    gone = _params(out)["labels"]
    assert len(gone) == 2 and set(gone) <= {4, 7, 9}
    region = np.isin(mask, gone)
    assert (out["image"][region] == 0).all() and not np.isin(out["mask"], gone).any()
    np.testing.assert_array_equal(out["image"][~region], IMG[~region])
    instances = [(mask == v).astype(np.uint8) for v in (4, 7, 9)]
    out = A.MaskDropout(fill=5, p=1.0)(image=IMG, masks=instances, seed=2, return_record=True)
    (i,) = _params(out)["instances"]
    assert not out["masks"][i].any() and (out["image"][instances[i] == 1] == 5).all()
    rgba = np.dstack([IMG, np.full((30, 44), 200, np.uint8)])
    kept = A.MaskDropout(p=1.0)(image=rgba, mask=mask, seed=0)["image"]
    assert (kept[..., 3] == 200).all()
    np.testing.assert_array_equal(A.MaskDropout(p=1.0)(image=IMG, seed=0)["image"], IMG)


# -- RingingOvershoot, Dithering ---------------------------------------------------------------
def test_ringing_kernel_is_the_circular_sinc():
    from augkit.image.functional.optics import _bessel_j1, ringing_kernel

    np.testing.assert_allclose(_bessel_j1(np.array([1.0, 3.8317059702, 10.0])),
                               [0.4400505857, 0.0, 0.0434727462], atol=1e-9)
    k = ringing_kernel(15, np.pi / 3)
    assert abs(k.sum() - 1) < 1e-12 and (k < 0).any()  # negative lobes: the ringing
    np.testing.assert_allclose(k, k.T, atol=1e-15)
    np.testing.assert_allclose(k, k[::-1, ::-1], atol=1e-15)


@pytest.mark.parametrize("method", ["ordered", "random"])
def test_dithering_keeps_the_mean_tone_with_few_levels(method):
    ramp = np.tile(np.linspace(0, 1, 64, dtype=np.float32), (64, 1))
    out = A.Dithering(method=method, n_colors=2, p=1.0)(image=ramp, seed=0)["image"]
    assert set(np.unique(out).tolist()) <= {0.0, 1.0}
    blocks = out.reshape(64, 8, 8).mean(axis=(0, 2))  # 8-column blocks: every threshold
    np.testing.assert_allclose(blocks, ramp[0].reshape(8, 8).mean(axis=1), atol=0.08)
    assert abs(out.mean() - ramp.mean()) < 0.02
    rgb = np.dstack([ramp, 1 - ramp, ramp])
    grey = A.Dithering(method=method, p=1.0)(image=rgb, seed=0)["image"]
    assert (grey[..., 0] == grey[..., 1]).all()  # the luma, in every channel
    per = A.Dithering(method=method, color_mode="per_channel", n_colors=3, p=1.0)(
        image=rgb, seed=0)["image"]
    assert set(np.unique(per).tolist()) <= {0.0, 0.5, 1.0} and (per[..., 0] != per[..., 1]).any()


# -- ExposureMatching, ConstrainedCoarseDropout ----------------------------------------------------
def test_exposure_matching_reaches_the_target_mean_and_bounds_the_gain():
    img = RNG.random((20, 20, 3), dtype=np.float32) * 0.4
    out = A.ExposureMatching(target_mean_range=(0.3, 0.3), p=1.0)(image=img)["image"]
    np.testing.assert_allclose(out.mean(), 0.3, atol=1e-4)
    np.testing.assert_allclose(out / np.maximum(img, 1e-9), 0.3 / img.mean(), rtol=1e-4)
    capped = A.ExposureMatching(target_mean_range=(0.9, 0.9), gain_range=(1.0, 1.5), p=1.0)(
        image=img)["image"]
    np.testing.assert_allclose(capped, np.clip(img * 1.5, 0, 1), rtol=1e-5)
    black = np.zeros((4, 4), np.uint8)
    np.testing.assert_array_equal(A.ExposureMatching(p=1.0)(image=black)["image"], black)


def test_constrained_dropout_puts_holes_only_on_the_chosen_objects():
    mask = np.zeros((30, 44), np.uint8)
    mask[2:12, 2:12], mask[16:28, 20:40] = 1, 2
    img = np.full((30, 44), 200, np.uint8)
    for seed in range(5):
        out = A.ConstrainedCoarseDropout(mask_indices=[2], num_holes_range=(2, 2), p=1.0)(
            image=img, mask=mask, seed=seed, return_record=True)
        holes = out["image"] == 0
        assert holes.any() and not holes[mask == 1].any()
        assert len(_params(out)["rectangles"]) == 2
        # hole sides at most 0.3 * sqrt(area) (+ rounding); a hole may spill past its object
        for top, left, bottom, right in _params(out)["rectangles"]:
            assert max(bottom - top, right - left) <= round(0.3 * np.sqrt(240)) + 1
    boxes = A.ConstrainedCoarseDropout(bbox_labels=[7], p=1.0)(
        image=img, bboxes=[[2, 2, 12, 12], [20, 16, 40, 28]], labels=[3, 7], seed=1)
    assert (boxes["image"][16:28, 20:40] == 0).any() and not (boxes["image"][:14, :14] == 0).any()


# -- Enhance, StochasticConvolution, AdditiveNoise -----------------------------------------------
def test_enhance_kernels_are_pillows_and_keep_flat_areas():
    from augkit.image.functional.filters import enhance_kernel

    np.testing.assert_allclose(enhance_kernel("edge", 2.0),
                               [[-1, -1, -1], [-1, 9, -1], [-1, -1, -1]])  # EDGE_ENHANCE_MORE
    np.testing.assert_allclose(enhance_kernel("detail", 0.0), [[0, 0, 0], [0, 1, 0], [0, 0, 0]])
    flat = np.full((6, 6, 3), 0.4, np.float32)
    out = A.Enhance(mode="detail", alpha_range=(1, 1), p=1.0)(image=flat)["image"]
    np.testing.assert_allclose(out, flat, atol=1e-6)


def test_stochastic_kernels_sum_to_one_and_differ_per_channel():
    from augkit.image.functional.filters import stochastic_kernels

    ks = stochastic_kernels(5, 0.8, 3, 11)
    for k in ks:
        assert k.shape == (5, 5) and abs(k.sum() - 1) < 1e-12
    assert not np.allclose(ks[0], ks[1])
    img = RNG.random((20, 20, 3), dtype=np.float32)
    out = A.StochasticConvolution(strength_range=(0, 0), p=1.0)(image=img, seed=0)["image"]
    np.testing.assert_allclose(out, img, atol=1e-6)  # strength 0: the identity


@pytest.mark.parametrize("kind", ["uniform", "gaussian", "laplace"])
def test_additive_noise_scale_and_sharing(kind):
    img = np.full((100, 100, 3), 0.5, np.float32)
    out = A.AdditiveNoise(noise_type=kind, spatial_mode="per_pixel", scale_range=(0.05, 0.05),
                          p=1.0)(image=img, seed=1)["image"]
    want = 0.05 / np.sqrt(3) if kind == "uniform" else 0.05  # uniform: half-width 0.05
    assert abs(out.std() - want) < 0.005
    shared = A.AdditiveNoise(noise_type=kind, spatial_mode="shared", p=1.0)(image=img,
                                                                           seed=1)["image"]
    assert (shared[..., 0] == shared[..., 2]).all()
    const = A.AdditiveNoise(noise_type=kind, spatial_mode="constant", p=1.0)(image=img,
                                                                            seed=1)["image"]
    assert (const == const[0, 0]).all()


def test_halftone_dots_grow_with_the_tone_and_keep_it():
    ramp = np.repeat(np.linspace(0.1, 0.9, 8, dtype=np.float32), 8)[None].repeat(8, axis=0)
    out = A.Halftone(dot_size_range=(8, 8), blend_range=(0, 0), p=1.0)(image=ramp)["image"]
    cells = out.reshape(8, 8, 8).mean(axis=(0, 2))  # ink per 8x8 cell
    assert (np.diff(cells) > 0).all()
    np.testing.assert_allclose(cells, ramp[0, ::8], atol=1 / 128)  # round(m * 64) pixels
    half = A.Halftone(dot_size_range=(8, 8), blend_range=(0.5, 0.5), p=1.0)(image=ramp)["image"]
    np.testing.assert_allclose(half, (out + ramp) / 2, atol=1e-6)


def test_spatter_blends_drops_towards_the_mode_colour():
    from augkit.image.functional.light import SPATTER_COLOURS, spatter_layer

    img = np.full((64, 64, 3), 0.5, np.float32)
    out = A.Spatter(mode="mud", intensity_range=(0.8, 0.8), p=1.0)(image=img, seed=3,
                                                                  return_record=True)
    prm = _params(out)
    layer = spatter_layer(64, 64, prm["mean"], prm["std"], prm["sigma"], prm["cutoff"],
                          prm["noise_seed"])
    assert 0 < (layer > 0).mean() < 0.5  # some drops, not a sheet
    want = 0.5 + 0.8 * layer[..., None] * (np.array(SPATTER_COLOURS["mud"]) - 0.5)
    np.testing.assert_allclose(out["image"], want, atol=1e-5)
    grey = A.Spatter(p=1.0)(image=np.full((32, 32), 100, np.uint8), seed=0)["image"]
    assert grey.shape == (32, 32)


def test_bbox_subset_safe_crop_keeps_the_drawn_subset_whole():
    boxes = [[2, 2, 8, 8], [30, 18, 40, 26], [14, 10, 20, 16]]
    for seed in range(10):
        out = A.BBoxSubsetSafeRandomCrop(subset_fraction_range=(0.3, 0.3))(
            image=IMG, bboxes=boxes, labels=[0, 1, 2], seed=seed, return_record=True)
        prm = _params(out)
        whole = [b for b in np.array(boxes) - [prm["left"], prm["top"]] * 2
                 if (b[:2] >= 0).all() and b[2] <= prm["width"] and b[3] <= prm["height"]]
        assert len(whole) >= 1  # the subset (one box) lies inside the window


def test_channel_swap_reorders_and_checks_the_count():
    rgba = np.dstack([IMG, np.full((30, 44), 200, np.uint8)])
    out = A.ChannelSwap((2, 1, 0))(image=rgba)["image"]
    np.testing.assert_array_equal(out[..., :3], IMG[..., ::-1])
    assert (out[..., 3] == 200).all()
    np.testing.assert_array_equal(A.ChannelSwap((0,))(image=IMG[..., 0])["image"], IMG[..., 0])
    with pytest.raises(ValueError, match="ChannelSwap.*3 channels.*has 5"):
        A.ChannelSwap((2, 1, 0))(image=np.zeros((4, 4, 5), np.uint8))


def test_photometric_distort_steps():
    img = RNG.random((10, 12, 3), dtype=np.float32)
    none = A.PhotoMetricDistort(distort_p=0.0, p=1.0)(image=img, seed=0)["image"]
    np.testing.assert_array_equal(none, img)
    fixed = {"brightness_range": (1, 1), "contrast_range": (1, 1), "saturation_range": (1, 1),
             "hue_range": (0, 0), "distort_p": 1.0, "p": 1.0}
    bright = A.PhotoMetricDistort(**{**fixed, "brightness_range": (1.2, 1.2)})(
        image=img, seed=0, return_record=True)
    order = _params(bright)["order"]
    want = A.Exposure(factor=(1.2, 1.2), p=1.0)(image=img)["image"][..., order]
    np.testing.assert_allclose(bright["image"], want, atol=1e-6)
    grey = A.PhotoMetricDistort(**{**fixed, "saturation_range": (0, 0)})(image=img, seed=1)
    assert np.allclose(grey["image"][..., 0], grey["image"][..., 1], atol=1e-6)
    mono = A.PhotoMetricDistort(**{**fixed, "saturation_range": (0, 0)})(image=img[..., 0],
                                                                          seed=1)["image"]
    np.testing.assert_array_equal(mono, img[..., 0])  # grey: no colour steps, nothing to swap


@pytest.mark.parametrize("mode", ["linear", "diagonal", "radial"])
def test_atmospheric_fog_follows_the_scattering_model(mode):
    from augkit.image.functional.light import synthetic_depth

    img = RNG.random((20, 30, 3), dtype=np.float32)
    out = A.AtmosphericFog(density_range=(1.5, 1.5), fog_value=0.8, depth_mode=mode, p=1.0)(
        image=img)["image"]
    z = synthetic_depth(20, 30, mode)
    assert 0 <= z.min() and z.max() <= 1
    t = np.exp(-1.5 * z)[..., None]
    np.testing.assert_allclose(out, img * t + 0.8 * (1 - t), atol=1e-5)
    far = {"linear": (0, 15), "diagonal": (0, 0), "radial": (0, 0)}[mode]
    assert z[far] > z[10, 15]


@pytest.mark.parametrize("threshold", [0.0, 0.03])
def test_unsharp_mask_uint8_path_follows_the_float_path(threshold):
    """The same formula in uint8: within rounding, except values right at the threshold,
    which may be kept in one path and sharpened in the other."""
    img = RNG.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    t = A.UnsharpMask(blur_limit=5, alpha=(0.6, 0.6), threshold=threshold, p=1.0)
    u8 = t(image=img, seed=2)["image"].astype(np.int16)
    f32 = t(image=(img / 255).astype(np.float32), seed=2)["image"] * 255
    assert np.abs(u8 - f32).mean() < 1.0 and np.percentile(np.abs(u8 - f32), 99) <= 8


def test_multiplicative_noise_uint8_tables_equal_the_float_formula():
    img = RNG.integers(0, 256, (20, 20, 3), dtype=np.uint8)
    out = A.MultiplicativeNoise(per_channel=True, p=1.0)(image=img, seed=4, return_record=True)
    factors = np.asarray(_params(out)["factors"])
    want = np.clip(np.rint(img * factors), 0, 255)
    assert np.abs(out["image"] - want).max() <= 1
