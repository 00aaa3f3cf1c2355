"""Differentiable augmentation for GAN training (DiffAugment, Zhao et al. 2020; the adaptive
probability of ADA, Karras et al. 2020), written over torch tensors.

The same random transformation family is applied to real and generated batches before the
discriminator sees them, and every operation is differentiable in its input, so the
generator's gradient flows through it. Each operation is applied to each sample with
probability ``p`` (ADA tunes ``p``; plain DiffAugment uses ``p = 1``). All randomness comes
from the ``torch.Generator`` passed in, so a training step is a pure function of its seed.

Images (N, C, H, W) in [-1, 1]: ``color`` (brightness, saturation for RGB, contrast),
``translation`` (up to 1/8 of each side, zero padding), ``cutout`` (a zeroed square of half
the side). Series (N, C, T), standardised: ``jitter`` (Gaussian noise, 0.05 std), ``scaling``
(per-channel factor ~ N(1, 0.1)), ``shift`` (time shift up to 1/8 of the length, edge
padding).
"""

from __future__ import annotations

IMAGE_OPS = ("color", "translation", "cutout")
SERIES_OPS = ("jitter", "scaling", "shift")


def ops_for(kind: str) -> tuple[str, ...]:
    return IMAGE_OPS if kind == "image" else SERIES_OPS


def _chosen(torch, x, p: float, gen):
    """A (N, 1, 1[, 1]) float mask: which samples this op acts on."""
    shape = (x.shape[0],) + (1,) * (x.ndim - 1)
    return (torch.rand(shape, generator=gen) < p).to(x.dtype)


def _mix(x, new, mask):
    return x + mask * (new - x)


def _color(torch, x, p, gen):
    n = x.shape[0]
    shape = (n,) + (1,) * (x.ndim - 1)
    out = _mix(x, x + (torch.rand(shape, generator=gen) - 0.5), _chosen(torch, x, p, gen))
    if x.shape[1] == 3:
        mean = out.mean(1, keepdim=True)
        sat = (out - mean) * (torch.rand(shape, generator=gen) * 2) + mean
        out = _mix(out, sat, _chosen(torch, x, p, gen))
    mean = out.mean(dim=(1, 2, 3), keepdim=True)
    con = (out - mean) * (torch.rand(shape, generator=gen) + 0.5) + mean
    return _mix(out, con, _chosen(torch, x, p, gen))


def _translate(torch, x, p, gen):
    n, _, h, w = x.shape
    limit = torch.tensor([h // 8, w // 8], dtype=torch.int64)
    shift = (torch.rand((n, 2), generator=gen) * (2 * limit + 1)).floor().long() - limit
    shift = shift * (torch.rand((n, 1), generator=gen) < p).long()
    rows = torch.arange(h).view(1, h, 1) - shift[:, 0].view(n, 1, 1)
    cols = torch.arange(w).view(1, 1, w) - shift[:, 1].view(n, 1, 1)
    valid = ((rows >= 0) & (rows < h) & (cols >= 0) & (cols < w)).to(x.dtype)
    flat = (rows.clamp(0, h - 1) * w + cols.clamp(0, w - 1)).view(n, 1, h * w)
    moved = x.reshape(n, x.shape[1], h * w).gather(2, flat.expand(-1, x.shape[1], -1))
    return moved.view_as(x) * valid.unsqueeze(1)


def _cutout(torch, x, p, gen):
    n, _, h, w = x.shape
    ch, cw = h // 2, w // 2
    top = (torch.rand((n, 1, 1), generator=gen) * (h + 1 - ch)).floor()
    left = (torch.rand((n, 1, 1), generator=gen) * (w + 1 - cw)).floor()
    on = (torch.rand((n, 1, 1), generator=gen) < p)
    rows = torch.arange(h).view(1, h, 1)
    cols = torch.arange(w).view(1, 1, w)
    hole = (rows >= top) & (rows < top + ch) & (cols >= left) & (cols < left + cw) & on
    return x * (~hole).unsqueeze(1).to(x.dtype)


def _jitter(torch, x, p, gen):
    noise = torch.randn(x.shape, generator=gen) * 0.05
    return x + noise * _chosen(torch, x, p, gen)


def _scaling(torch, x, p, gen):
    factor = 1.0 + 0.1 * torch.randn((x.shape[0], x.shape[1], 1), generator=gen)
    return _mix(x, x * factor, _chosen(torch, x, p, gen))


def _shift(torch, x, p, gen):
    n, c, t = x.shape
    limit = t // 8
    shift = (torch.rand((n, 1), generator=gen) * (2 * limit + 1)).floor().long() - limit
    shift = shift * (torch.rand((n, 1), generator=gen) < p).long()
    idx = (torch.arange(t).view(1, t) - shift).clamp(0, t - 1)
    return x.gather(2, idx.view(n, 1, t).expand(-1, c, -1))


_KERNELS = {"color": _color, "translation": _translate, "cutout": _cutout,
            "jitter": _jitter, "scaling": _scaling, "shift": _shift}


def augment(x, ops: tuple[str, ...], p: float, gen):
    """``x`` with each of ``ops`` applied per sample with probability ``p``."""
    import torch

    if p <= 0.0 or not ops:
        return x
    for op in ops:
        x = _KERNELS[op](torch, x, p, gen)
    return x
