"""Volume transforms: label maps aligned under every spatial op, spacing honoured in physical
space, foreground-balanced crops, exact identities, batches, records, dtypes and input errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import volume as V
from augkit.volume.functional import geometry as G

SHAPE = (16, 24, 24)


def blobs(shape=SHAPE, seed=0) -> np.ndarray:
    """A label map of a few large boxes of label 1 (so most voxels have same-label
    neighbours)."""
    rng = np.random.default_rng(seed)
    mask = np.zeros(shape, np.uint8)
    for _ in range(4):
        lo = [int(rng.integers(0, n - 6)) for n in shape]
        size = [int(rng.integers(4, max(5, n // 2))) for n in shape]
        mask[tuple(slice(a, a + s) for a, s in zip(lo, size, strict=True))] = 1
    return mask


SPATIAL = {
    "Flip3D": lambda: V.Flip3D(p=1.0),
    "RandomRotate90_3D": lambda: V.RandomRotate90_3D(p=1.0),
    "CubicSymmetry": lambda: V.CubicSymmetry(p=1.0),
    "Affine3D": lambda: V.Affine3D(degrees=25, scale=(0.8, 1.25), translation=4, shear=0.1,
                                   isotropic=False, p=1.0),
    "ElasticTransform3D": lambda: V.ElasticTransform3D(control_points=5, max_displacement=4.0,
                                                       p=1.0),
    "RandomCrop3D": lambda: V.RandomCrop3D(size=(10, 13, 17)),
    "RandomResizedCrop3D": lambda: V.RandomResizedCrop3D(size=(12, 20, 14)),
    "CenterCrop3D": lambda: V.CenterCrop3D(size=(9, 12, 20)),
    "ForegroundCrop3D": lambda: V.ForegroundCrop3D(size=(8, 8, 8)),
    "Pad3D": lambda: V.Pad3D(padding=(1, 2, 3, 0, 2, 2)),
    "PadIfNeeded3D": lambda: V.PadIfNeeded3D(min_shape=(20, 20, 31)),
    "Resize3D": lambda: V.Resize3D(shape=(11, 30, 17)),
    "Resample3D": lambda: V.Resample3D(spacing=(0.7, 1.3, 1.0)),
    "CoarseDropout3D": lambda: V.CoarseDropout3D(mask_fill=0, p=1.0),
    "GridShuffle3D": lambda: V.GridShuffle3D(grid=(2, 3, 2), p=1.0),
}
EXACT = {"Flip3D", "RandomRotate90_3D", "CubicSymmetry", "RandomCrop3D", "CenterCrop3D",
         "ForegroundCrop3D", "Pad3D", "PadIfNeeded3D", "CoarseDropout3D", "GridShuffle3D"}


def test_every_spatial_op_is_tested_here():
    spatial = {n for n, c in augkit.registered().items()
               if c.modality == "volume" and issubclass(c, V.SpatialTransform)}
    assert spatial == set(SPATIAL)


@pytest.mark.parametrize("name", sorted(SPATIAL))
def test_label_maps_stay_aligned_with_the_volume(name):
    """The volume holds the label as its value: after the op, wherever the volume is
    exactly 0 or 1 (every voxel it was interpolated from had that label), the label map
    says the same; exact moves agree everywhere."""
    mask = blobs()
    out = SPATIAL[name]()(volume=mask.astype(np.float32), mask=mask, masks=[mask > 0],
                          spacing=(1.5, 1.0, 0.8), seed=3)
    vol, lbl = out["volume"], out["mask"]
    assert vol.shape == lbl.shape == out["masks"][0].shape
    np.testing.assert_array_equal(out["masks"][0], lbl > 0)
    if name in EXACT:
        np.testing.assert_array_equal(vol, lbl.astype(np.float32))
        return
    pure = (vol == 0) | (vol == 1)
    assert pure.mean() > 0.5
    agree = (lbl[pure] == vol[pure]).mean()
    assert agree > 0.998, f"{name}: labels agree on {agree:.4f} of the pure voxels"
    # and the label map is not a stale copy
    assert lbl.sum() > 0


def test_integer_volumes_and_channels_move_like_the_float_one():
    mask = blobs()
    vol = np.stack([mask * 100, mask * 200 + 7], axis=-1).astype(np.uint16)
    for build in SPATIAL.values():
        out = build()(volume=vol, mask=mask, seed=1)
        ref = build()(volume=vol.astype(np.float32), mask=mask, seed=1)
        assert out["volume"].dtype == np.uint16 and out["volume"].shape[-1] == 2
        np.testing.assert_array_equal(out["mask"], ref["mask"])
        # OpenCV resizes integers in fixed point
        np.testing.assert_allclose(out["volume"], ref["volume"], atol=1.0)


def test_int16_ct_volume_keeps_negative_values():
    ct = np.full(SHAPE, -1000, np.int16)
    ct[4:12, 6:18, 6:18] = 400
    for op in (V.Affine3D(degrees=20, p=1.0), V.GaussianNoise3D(std=(0.001, 0.001), p=1.0),
               V.BiasField3D(p=1.0), V.Anisotropy3D(p=1.0), V.ElasticTransform3D(p=1.0)):
        out = op(volume=ct, seed=0)["volume"]
        assert out.dtype == np.int16 and out.min() < -900 and out.max() > 300


def test_identity_warps_are_exact():
    rng = np.random.default_rng(0)
    vol = rng.random(SHAPE, dtype=np.float32)
    still = V.Affine3D(degrees=0, scale=(1, 1), p=1.0)(volume=vol, spacing=(3.0, 1.0, 0.5))
    np.testing.assert_array_equal(still["volume"], vol)
    calm = V.ElasticTransform3D(max_displacement=0.0, p=1.0)(volume=vol, seed=0)
    np.testing.assert_array_equal(calm["volume"], vol)


def test_tiled_trilinear_sampler_matches_plain_trilinear():
    rng = np.random.default_rng(1)
    vol = rng.random((9, 13, 11, 2), dtype=np.float32)
    matrix = G.affine_matrix([30.0, -20.0, 10.0], [1.2, 0.9, 1.0], [0.1, 0.0, -0.1])
    coords = G.affine_coords(vol.shape[:3], (1.5, 1.0, 1.0), matrix, [1.0, -2.0, 0.5])
    fast, _ = G.warp(vol, [], coords, vol.shape[:3])
    plain = G._trilinear_numpy(vol, *coords(0, vol.shape[0]), 0.0)
    # OpenCV's bilinear weights are quantised to 1/32 of a voxel in-plane
    np.testing.assert_allclose(fast, plain, atol=2e-2)
    assert np.abs(fast - plain).mean() < 5e-3


def test_tiles_over_several_rows_sample_the_same(monkeypatch):
    """Large volumes lay their tiles out over several canvas rows (OpenCV's size limit):
    the values and labels are those of the one-row layout."""
    rng = np.random.default_rng(2)
    vol = rng.random((9, 13, 11), dtype=np.float32)
    mask = (vol > 0.5).astype(np.int32) * 300
    matrix = G.affine_matrix([30.0, -20.0, 10.0], [1.2, 0.9, 1.0], [0.0, 0.0, 0.0])
    coords = G.affine_coords(vol.shape, (1.0, 1.0, 1.0), matrix, [1.0, -2.0, 0.5])
    one_row = G.warp(vol, [mask], coords, vol.shape, 0.0, [7])
    monkeypatch.setattr(G, "SHRT_MAX", 64)
    assert not G._tiled(vol, 0.0).one_row
    rows = G.warp(vol, [mask], coords, vol.shape, 0.0, [7])
    np.testing.assert_allclose(rows[0], one_row[0], atol=1e-5)  # float offsets differ
    np.testing.assert_array_equal(rows[1][0], one_row[1][0])
    assert (one_row[1][0] == 7).any()  # outside voxels got the label fill


def _physical_moments(mask, spacing):
    idx = np.argwhere(mask).astype(np.float64) * np.asarray(spacing)
    centred = idx - idx.mean(axis=0)
    return np.linalg.eigvalsh(centred.T @ centred / len(idx))


def test_rotation_respects_voxel_spacing():
    """A ball in 2 x 1 x 1 mm voxels, turned 45 degrees about y (mixing z and x), is still a
    ball in mm; ignoring the spacing would turn it into an ellipsoid."""
    shape, spacing = (24, 48, 48), (2.0, 1.0, 1.0)
    zz, yy, xx = np.indices(shape).astype(np.float64)
    c = [(n - 1) / 2 for n in shape]
    r = np.sqrt(((zz - c[0]) * 2) ** 2 + (yy - c[1]) ** 2 + (xx - c[2]) ** 2)
    ball = (r < 14).astype(np.uint8)
    turn = V.Affine3D(degrees=((0, 0), (45, 45), (0, 0)), scale=(1, 1), p=1.0)
    out = turn(volume=ball.astype(np.float32), mask=ball, spacing=spacing)
    moments = _physical_moments(out["mask"], spacing)
    assert moments.max() / moments.min() < 1.1
    assert abs(out["mask"].sum() / ball.sum() - 1) < 0.05
    wrong = turn(volume=ball.astype(np.float32), mask=ball, spacing=(1.0, 1.0, 1.0))
    bad = _physical_moments(wrong["mask"], spacing)
    assert bad.max() / bad.min() > 1.5


def test_translation_and_elastic_displacement_are_in_millimetres():
    vol = np.zeros(SHAPE, np.float32)
    vol[8, 12, 12] = 1.0
    out = V.Affine3D(degrees=0, scale=(1, 1), translation=((4, 4), (0, 0), (0, 0)),
                     p=1.0)(volume=vol, spacing=(2.0, 1.0, 1.0))
    assert np.argwhere(out["volume"] == 1.0).tolist() == [[10, 12, 12]]  # 4 mm = 2 voxels
    field = G.elastic_field(SHAPE, (2.0, 1.0, 0.5), [5, 5, 5], [4.0, 4.0, 4.0], 0)
    assert np.abs(field[0]).max() <= 2.0 + 1e-4 and np.abs(field[2]).max() > 4.0


def test_foreground_crop_hits_foreground_at_the_requested_ratio():
    mask = np.zeros(SHAPE, np.uint8)
    mask[2:5, 3:6, 17:21] = 1  # a small object near a corner
    crop = V.ForegroundCrop3D(size=(6, 8, 8), pos=3.0, neg=1.0)
    rng = np.random.default_rng(0)
    hits = []
    for _ in range(400):
        out = crop(volume=mask.astype(np.float32), mask=mask, rng=rng, return_record=True)
        params = out["record"].steps[0].params
        assert out["mask"].shape == (6, 8, 8)
        if params["foreground"]:
            assert out["mask"].any(), "a foreground crop missed the object"
        hits.append(params["foreground"])
    assert abs(np.mean(hits) - 0.75) < 0.07
    # only background when neg is everything; an empty map falls back to background
    empty = np.zeros(SHAPE, np.uint8)
    out = V.ForegroundCrop3D(size=(6, 8, 8), pos=1, neg=0)(volume=empty.astype(np.float32),
                                                           mask=empty, seed=0)
    assert out["mask"].shape == (6, 8, 8)
    with pytest.raises(ValueError, match="mask="):
        crop(volume=mask.astype(np.float32))


def test_resize_and_resample_update_spacing():
    vol = np.zeros((10, 20, 30), np.float32)
    out = V.Resample3D(spacing=(1.0, 1.0, 1.0))(volume=vol, spacing=(2.0, 1.0, 0.5))
    assert out["volume"].shape == (20, 20, 15)
    assert out["spacing"] == (1.0, 1.0, 1.0)
    out = V.Resize3D(shape=(5, 40, 30))(volume=vol, spacing=(2.0, 1.0, 0.5))
    assert out["spacing"] == (4.0, 0.5, 0.5)
    out = V.RandomRotate90_3D(planes=[(0, 2)], p=1.0)(volume=vol, spacing=(2.0, 1.0, 0.5), seed=0)
    k = 1 if out["volume"].shape == (30, 20, 10) else 2
    assert out["spacing"] == ((0.5, 1.0, 2.0) if k == 1 else (2.0, 1.0, 0.5))


def test_cube_symmetries_are_48_distinct_and_24_proper():
    cube = np.arange(27, dtype=np.float32).reshape(3, 3, 3)
    seen = {G.cube_symmetry(cube, i).tobytes() for i in range(48)}
    assert len(seen) == 48 and len(G.PROPER) == 24
    assert np.array_equal(G.cube_symmetry(cube, 0), cube)
    # a proper symmetry is a rotation: reachable by np.rot90 turns
    rotations = set()
    for a in range(4):
        for b in range(4):
            for c in range(4):
                r = np.rot90(np.rot90(np.rot90(cube, a, (0, 1)), b, (0, 2)), c, (1, 2))
                rotations.add(r.tobytes())
    assert {G.cube_symmetry(cube, i).tobytes() for i in G.PROPER} == rotations


@settings(max_examples=40, deadline=None)
@given(index=st.integers(0, 47), shape=st.tuples(st.integers(1, 6), st.integers(1, 6),
                                                  st.integers(1, 6)),
       sz=st.floats(0.1, 5), sy=st.floats(0.1, 5), sx=st.floats(0.1, 5))
def test_symmetry_moves_labels_values_and_spacing_together(index, shape, sz, sy, sx):
    rng = np.random.default_rng(index)
    mask = rng.integers(0, 5, shape).astype(np.int32)
    op = V.CubicSymmetry(p=1.0)
    step = augkit.Record.from_json(
        op(volume=mask.astype(np.float32), seed=0, return_record=True)["record"].to_json())
    step.steps[0].params["index"] = index
    out = step.apply(volume=mask.astype(np.float32), mask=mask, spacing=(sz, sy, sx))
    np.testing.assert_array_equal(out["volume"], out["mask"].astype(np.float32))
    assert sorted(out["mask"].ravel()) == sorted(mask.ravel())
    perm = G.SYMMETRIES[index][0]
    assert out["volume"].shape == tuple(shape[a] for a in perm)
    assert out["spacing"] == tuple(float((sz, sy, sx)[a]) for a in perm)


def test_record_replays_on_another_volume_of_the_same_shape():
    mask = blobs()
    aug = augkit.Compose([V.Affine3D(p=1.0), V.ElasticTransform3D(p=1.0), V.GaussianNoise3D(p=1.0),
                          V.RandomCrop3D(size=(8, 16, 16))], seed=4)
    first = aug(volume=mask.astype(np.float32), mask=mask, return_record=True)
    record = augkit.Record.from_json(first["record"].to_json())
    again = record.apply(volume=mask.astype(np.float32), mask=mask)
    np.testing.assert_array_equal(again["volume"], first["volume"])
    np.testing.assert_array_equal(again["mask"], first["mask"])
    other = record.apply(volume=np.zeros(SHAPE, np.uint8) + 9, mask=mask)
    np.testing.assert_array_equal(other["mask"], first["mask"])


def test_batch_draws_per_sample_and_matches_records():
    masks = np.stack([blobs(seed=s) for s in range(3)])
    vols = masks.astype(np.float32)
    aug = augkit.Compose([V.Flip3D(p=1.0), V.Affine3D(p=1.0),
                          V.RandomCrop3D(size=(8, 12, 12))])
    out = aug.batch(vols, mask=masks, spacing=(2.0, 1.0, 1.0), seed=0, return_records=True)
    assert out["volumes"].shape == (3, 8, 12, 12) and out["mask"].shape == (3, 8, 12, 12)
    assert out["spacing"] == [(2.0, 1.0, 1.0)] * 3
    for i in range(3):
        again = out["records"][i].apply(volume=vols[i], mask=masks[i],
                                        spacing=(2.0, 1.0, 1.0))
        np.testing.assert_array_equal(again["volume"], out["volumes"][i])
        np.testing.assert_array_equal(again["mask"], out["mask"][i])
    ragged = V.Flip3D(p=1.0).batch([vols[0], vols[1][:8]], seed=0)
    assert isinstance(ragged["volumes"], list)


def test_configs_name_volume_ops(tmp_path):
    aug = augkit.Compose([V.Affine3D(degrees=(5, 10)), V.BiasField3D(order=2),
                          V.ForegroundCrop3D(size=8, pos=2, neg=1, labels=[1, 2])])
    path = tmp_path / "vol.yaml"
    augkit.save(aug, path)
    assert augkit.load(path) == aug
    assert augkit.from_dict({"type": "Anisotropy3D", "axes": [0, 1]}).axes == (0, 1)


def test_intensity_ops():
    vol = np.linspace(0, 1, 16 * 24 * 24, dtype=np.float32).reshape(SHAPE)
    g = V.Gamma3D(gamma=(2, 2), p=1.0)(volume=vol)["volume"]
    np.testing.assert_allclose(g, vol ** 2, atol=1e-5)
    u8 = (vol * 255).round().astype(np.uint8)
    g8 = V.Gamma3D(gamma=(2, 2), p=1.0)(volume=u8)["volume"]
    assert np.abs(g8.astype(int) - np.round(u8 / 255.0 ** 1 * 0 + (u8 / 255.0) ** 2 * 255)
                  ).max() <= 1
    bc = V.BrightnessContrast3D(brightness=(0.1, 0.1), contrast=(1, 1), p=1.0)(volume=vol)
    np.testing.assert_allclose(bc["volume"], 2 * vol + 0.1, atol=1e-6)
    rs = V.RescaleIntensity3D(out_range=(-1, 1))(volume=vol * 5 + 3)["volume"]
    assert rs.min() == -1 and abs(rs.max() - 1) < 1e-6
    field = V.BiasField3D(coefficients=0.3, order=3, p=1.0)(
        volume=np.ones(SHAPE, np.float32), seed=0)["volume"]
    assert field.min() > 0 and field.std() > 0
    # z-dependence: a 3-D field, not one slice repeated
    assert not np.allclose(field[0], field[-1])
    coarse = V.Anisotropy3D(downsampling=(4, 4), p=1.0)(volume=vol, seed=0)["volume"]
    assert coarse.shape == vol.shape
    assert len(np.unique(coarse[:, 5, 5].round(5))) < len(np.unique(vol[:, 5, 5]))


@pytest.mark.parametrize("data, key, text", [
    ({"volume": np.zeros((4, 4), np.float32)}, "'volume'", "(D, H, W)"),
    ({"volume": np.zeros((4, 4, 4), np.float64)}, "'volume'", "uint8, uint16, int16"),
    ({"volume": [[[0.0]]]}, "'volume'", "numpy array"),
    ({"volume": np.zeros((4, 4, 4), np.float32), "mask": np.zeros((4, 4, 5), np.uint8)},
     "'mask'", "(4, 4, 4)"),
    ({"volume": np.zeros((4, 4, 4), np.float32), "mask": np.zeros((4, 4, 4), np.float32)},
     "'mask'", "integer label map"),
    ({"volume": np.zeros((4, 4, 4), np.float32), "spacing": (1.0, -1.0, 1.0)},
     "'spacing'", "positive finite"),
    ({"volume": np.zeros((4, 4, 4), np.float32), "spacing": (1.0, 1.0)},
     "'spacing'", "three"),
    ({"volume": np.zeros((4, 4, 4), np.float32), "image": np.zeros((4, 4))},
     "unknown keyword", "allowed: volume"),
])
def test_bad_inputs_name_the_key_value_and_what_is_allowed(data, key, text):
    with pytest.raises((TypeError, ValueError)) as info:
        V.Flip3D(p=1.0)(**data)
    assert key in str(info.value) and text in str(info.value)


def test_crop_larger_than_volume_says_so():
    with pytest.raises(ValueError, match=r"RandomCrop3D.*'size' \[20, 8, 8\].*PadIfNeeded3D"):
        V.RandomCrop3D(size=(20, 8, 8))(volume=np.zeros(SHAPE, np.float32))


@pytest.mark.parametrize("name", ["GibbsRinging3D", "Ghosting3D"])
def test_in_plane_kspace_artifacts_are_the_image_kernels_slice_by_slice(name):
    from augkit import image as A

    rng = np.random.default_rng(0)
    vol = rng.random(SHAPE, dtype=np.float32)
    vol[0, 0, 0], vol[0, 0, 1] = 0.0, 1.0  # min 0 and max 1: the unit mapping is the identity
    op = getattr(V, name)(axis="y", p=1.0)
    out = op(volume=vol, seed=0, return_record=True)
    params = out["record"].steps[0].params
    image_op = {"GibbsRinging3D": A.GibbsRinging(axis="y", p=1.0),
                "Ghosting3D": A.Ghosting(axis="y", p=1.0)}[name]
    for k in (0, 7, 15):
        ref = image_op.apply({"image": vol[k]}, params)["image"]
        np.testing.assert_allclose(out["volume"][k], ref, atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8, np.bool_, np.int64])
def test_opencv_moves_equal_numpy(dtype):
    rng = np.random.default_rng(0)
    vol = (rng.random((5, 7, 9, 3)) * 100).astype(dtype)
    for axes in ([0], [1], [2], [0, 2], [1, 2], [0, 1, 2]):
        np.testing.assert_array_equal(G.flip(vol, axes), np.flip(vol, axes))
    for k in range(4):
        for plane in ([1, 2], [0, 2], [0, 1]):
            np.testing.assert_array_equal(G.rot90(vol, k, plane), np.rot90(vol, k, plane))
    ref = vol[G._nearest_index(5, 8)][:, G._nearest_index(7, 3)][:, :, G._nearest_index(9, 13)]
    np.testing.assert_array_equal(G.resize(vol, [8, 3, 13], label=True), ref)


def test_constant_pad_equals_numpy_pad():
    vol = np.random.default_rng(0).random((4, 5, 6, 2)).astype(np.float32)
    for widths in ([0, 0, 0, 0, 0, 0], [1, 2, 0, 3, 2, 0], [3, 0, 1, 1, 0, 4]):
        spec = [widths[0:2], widths[2:4], widths[4:6], [0, 0]]
        np.testing.assert_array_equal(G.pad(vol, widths, "constant", 7.0),
                                      np.pad(vol, spec, constant_values=7.0))
