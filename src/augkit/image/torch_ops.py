"""The torch path of batched image augmentation: (N, C, H, W) tensors, CPU or GPU.

``transform.batch(tensor)`` (uint8 or float32 in [0, 1]) keeps the data on its device for
the transforms listed in :data:`KERNELS` (flips, crops, lookup-table colour ops, affine
warps). Parameters are drawn exactly as for a numpy batch of the same shape (same seed, same
parameters), so the two paths agree: exactly for flips, crops and uint8 colour ops, within
interpolation tolerance for warps (``grid_sample`` against OpenCV) and float rounding for
float colour ops. Any other transform (and the mixing ops) runs through the numpy path and
comes back as a tensor on the same device. Targets other than ``label`` are not supported
on tensors: use numpy batches for masks, boxes and keypoints.

This module imports torch; augkit only imports it when a tensor is passed.

>>> import torch
>>> from augkit import image as A
>>> x = torch.zeros(4, 3, 8, 8, dtype=torch.uint8)
>>> A.HorizontalFlip(p=0.5).batch(x, seed=0)["images"].shape
torch.Size([4, 3, 8, 8])
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from augkit.image import batch_ops as B
from augkit.image import color as C
from augkit.image import geometric as G
from augkit.image.functional import batch as K
from augkit.image.functional.color import RGB_WEIGHTS


def is_tensor(value) -> bool:
    return isinstance(value, torch.Tensor)


def proxy(x: torch.Tensor) -> np.ndarray:
    """A zero-memory numpy stand-in of NHWC shape and dtype, for the numpy samplers."""
    n, c, h, w = x.shape
    dtype = np.uint8 if x.dtype == torch.uint8 else np.float32
    return np.broadcast_to(np.zeros((), dtype), (n, h, w, c))


def check_tensor(x: torch.Tensor) -> torch.Tensor:
    if x.ndim != 4 or x.shape[0] == 0 or x.dtype not in (torch.uint8, torch.float32):
        raise ValueError(f"image targets: 'images' got a tensor of shape {tuple(x.shape)} and "
                         f"dtype {x.dtype}; expected (N, C, H, W) uint8 or float32")
    return x


def to_numpy_batch(batch: dict) -> dict:
    out = {k: v for k, v in batch.items() if k != "_proxy"}
    out["image"] = batch["image"].permute(0, 2, 3, 1).contiguous().cpu().numpy()
    out["_device"] = batch["image"].device
    return out


def to_torch_batch(batch: dict, device) -> dict:
    out = {k: v for k, v in batch.items() if k != "_device"}
    images = batch["image"]
    if not isinstance(images, np.ndarray):
        raise ValueError("image batch: on tensors, every transform must keep one image size "
                         "for the whole batch (e.g. a crop with p < 1 does not)")
    out["image"] = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).to(
        device).contiguous()
    out["_proxy"] = proxy(out["image"])
    return out


def _mask(applied: np.ndarray, x: torch.Tensor) -> torch.Tensor:
    return torch.as_tensor(applied, device=x.device).view(-1, 1, 1, 1)


# -- kernels: (transform, x (N, C, H, W), ColumnParams, numpy proxy) -> tensor or None --------
def _hflip(t, x, prm, _):
    return torch.where(_mask(prm.applied, x), x.flip(-1), x)


def _vflip(t, x, prm, _):
    return torch.where(_mask(prm.applied, x), x.flip(-2), x)


def _crop(t, x, prm, _):
    if not prm.applied.all():
        return None
    n, dev = x.shape[0], x.device
    rows = torch.as_tensor(prm.top, device=dev).view(n, 1) + torch.arange(prm.height, device=dev)
    cols = torch.as_tensor(prm.left, device=dev).view(n, 1) + torch.arange(prm.width, device=dev)
    idx = torch.arange(n, device=dev).view(n, 1, 1)
    out = x.permute(0, 2, 3, 1)[idx, rows.view(n, -1, 1), cols.view(n, 1, -1)]
    return out.permute(0, 3, 1, 2).contiguous()


def _luts(x: torch.Tensor, values: np.ndarray, applied: np.ndarray) -> torch.Tensor:
    """uint8: per-sample tables (computed in numpy, exactly as the numpy path) gathered."""
    n = x.shape[0]
    luts = K.luts_from(np.broadcast_to(values, (n, 256))).copy()
    luts[~applied] = np.arange(256, dtype=np.uint8)
    table = torch.from_numpy(luts).to(x.device)
    flat = x.reshape(n, -1).long()
    return torch.gather(table, 1, flat).view_as(x)


def _mean_gray(x: torch.Tensor) -> np.ndarray:
    """As ``functional.batch.mean_gray``: exact uint8 sums, then the same float64 steps."""
    n, c, h, w = x.shape
    if x.dtype != torch.uint8 or c != 3:
        return K.mean_gray(np.ascontiguousarray(x.permute(0, 2, 3, 1).cpu().numpy()))
    sums = x.to(torch.float64).sum(dim=(2, 3)).cpu().numpy()
    m = sums / float(h * w)
    w_ = RGB_WEIGHTS
    return (m[:, 0] * w_[0] + m[:, 1] * w_[1] + m[:, 2] * w_[2]) / 255.0


def _point(x, prm, level_fn, torch_fn, **cols):
    """uint8 through lookup tables; float32 through ``torch_fn`` on the pixels."""
    if x.dtype == torch.uint8:
        shaped = {k: np.asarray(v, np.float64).reshape(-1, 1) for k, v in cols.items()}
        return _luts(x, level_fn(K.LEVELS, **shaped), prm.applied)
    shaped = {k: torch.as_tensor(np.asarray(v, np.float64), device=x.device,
                                 dtype=torch.float32).view(-1, 1, 1, 1) for k, v in cols.items()}
    out = torch_fn(x, **shaped).clamp(0.0, 1.0)
    return torch.where(_mask(prm.applied, x), out, x)


def _bc(t, x, prm, _):
    n = x.shape[0]
    beta = prm.columns.get("beta", np.zeros(n))
    alpha = prm.columns.get("alpha", np.ones(n))
    m = np.zeros(n)
    contrast = alpha != 1.0
    if contrast.any():
        m[contrast] = _mean_gray(x[torch.as_tensor(contrast, device=x.device)])
    return _point(x, prm, B._bc, B._bc, beta=beta, alpha=alpha, m=m)


def _gamma(t, x, prm, _):
    return _point(x, prm, lambda v, gamma: np.power(v, gamma), lambda v, gamma: v.pow(gamma),
                  gamma=prm.gamma)


def _invert(t, x, prm, _):
    return _point(x, prm, lambda v: 1.0 - v, lambda v: 1.0 - v)


def _solarize(t, x, prm, _):
    return _point(x, prm, lambda v, threshold: np.where(v >= threshold, 1.0 - v, v),
                  lambda v, threshold: torch.where(v >= threshold, 1.0 - v, v),
                  threshold=prm.threshold)


def _posterize(t, x, prm, _):
    if x.dtype != torch.uint8:
        return None
    return _point(x, prm, B._posterize, None, bits=prm.bits)


def _warp(t, x, prm, matrices: np.ndarray):
    """``grid_sample`` with the inverse of each continuous-frame matrix; align_corners=False
    puts -1 / +1 on the outer pixel edges, which is exactly the continuous frame."""
    if t.interpolation not in ("linear", "nearest") or t.border_mode != "constant" or t.fill:
        return None
    n, c, h, w = x.shape
    full = np.concatenate([matrices, np.broadcast_to([[[0.0, 0.0, 1.0]]], (n, 1, 3))], axis=1)
    inv = np.linalg.inv(full)[:, :2]
    ys, xs = np.meshgrid(np.arange(h) + 0.5, np.arange(w) + 0.5, indexing="ij")
    pts = np.stack([xs, ys, np.ones_like(xs)], axis=-1).reshape(-1, 3)  # (HW, 3)
    src = np.einsum("nij,pj->npi", inv, pts)  # (N, HW, 2) input x, y
    grid = np.empty_like(src)
    grid[..., 0] = 2.0 * src[..., 0] / w - 1.0
    grid[..., 1] = 2.0 * src[..., 1] / h - 1.0
    grid_t = torch.as_tensor(grid.reshape(n, h, w, 2), dtype=torch.float32, device=x.device)
    mode = "bilinear" if t.interpolation == "linear" else "nearest"
    out = F.grid_sample(x.float(), grid_t, mode=mode, padding_mode="zeros", align_corners=False)
    if x.dtype == torch.uint8:
        out = out.round().clamp(0, 255).to(torch.uint8)
    return torch.where(_mask(prm.applied, x), out, x)


def _affine(t, x, prm, images):
    _, h, w = B._n_hw(images)
    return _warp(t, x, prm, K.affine_matrices(h, w, prm.angle, prm.scale, prm.translate,
                                              prm.shear))


def _rotate(t, x, prm, images):
    n, h, w = B._n_hw(images)
    zeros = np.zeros((n, 2))
    return _warp(t, x, prm, K.affine_matrices(h, w, prm.angle, np.ones(n), zeros, zeros))


def _zoom(t, x, prm, images):
    z, zero = prm.zoom, np.zeros(len(images))
    matrices = np.stack([np.stack([z, zero, -z * prm.left], axis=1),
                         np.stack([zero, z, -z * prm.top], axis=1)], axis=1)
    return _warp(t, x, prm, matrices)


KERNELS = {
    G.HorizontalFlip: _hflip, G.VerticalFlip: _vflip, G.RandomCrop: _crop,
    G.CenterCrop: _crop, C.Brightness: _bc, C.Contrast: _bc, C.BrightnessContrast: _bc,
    C.Gamma: _gamma, C.Invert: _invert, C.Solarize: _solarize, C.Posterize: _posterize,
    G.Affine: _affine, G.Rotate: _rotate, G.Zoom: _zoom,
}
