"""Class-conditional generator / discriminator pairs (torch; imported only when used).

Images (28..64 px, 1 or 3 channels): a DCGAN-style generator (class embedding joined to the
noise, a linear layer to a (2w, H/4, W/4) map, two stride-2 transposed convolutions, batch
norm between them, tanh, cropped to H x W: the last layer writes the output directly, which
keeps sampling fast on a CPU) and a discriminator of strided convolutions, a minibatch-std
channel before the last one, and a projection head for the class (Miyato & Koyama 2018:
``linear(h) + <embed(y), h>``). Series ((T, C)): the same shapes in 1D, with a linear output
(series are standardised). Spectral norm on every discriminator layer is optional (on by default).
"""

from __future__ import annotations

import math
from typing import Any


def _parts(kind: str):
    import torch.nn as nn

    if kind == "image":
        return nn.Conv2d, nn.ConvTranspose2d, nn.BatchNorm2d
    return nn.Conv1d, nn.ConvTranspose1d, nn.BatchNorm1d


def build(kind: str, shape: tuple[int, ...], classes: int, z_dim: int, width: int,
          d_width: int, spectral_norm: bool):
    """``(generator, discriminator)`` for samples of ``shape`` ((H, W, C) or (T, C))."""
    import torch
    import torch.nn as nn

    conv, up, norm = _parts(kind)
    spatial, channels = tuple(shape[:-1]), shape[-1]
    start = tuple(math.ceil(s / 4) for s in spatial)
    sn = nn.utils.parametrizations.spectral_norm if spectral_norm else (lambda m: m)

    class Generator(nn.Module):
        def __init__(self):
            super().__init__()
            self.z_dim = z_dim
            self.embed = nn.Embedding(classes, z_dim)
            self.fc = nn.Linear(2 * z_dim, 2 * width * math.prod(start))
            self.body = nn.Sequential(
                norm(2 * width), nn.ReLU(),
                up(2 * width, width, 4, 2, 1), norm(width), nn.ReLU(),
                up(width, channels, 4, 2, 1))

        def forward(self, z, y):
            h = self.fc(torch.cat([z, self.embed(y)], 1)).view(-1, 2 * width, *start)
            out = self.body(h)
            out = out[(..., *[slice(0, s) for s in spatial])]  # crop the /4 rounding
            return torch.tanh(out) if kind == "image" else out

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = nn.Sequential(
                sn(conv(channels, d_width, 4, 2, 1)), nn.LeakyReLU(0.2),
                sn(conv(d_width, 2 * d_width, 4, 2, 1)), nn.LeakyReLU(0.2))
            # + 1 channel: the batch's feature spread (minibatch std, Karras et al. 2018), so
            # a generator that collapses onto a few modes is easy to tell from the data
            self.head = nn.Sequential(sn(conv(2 * d_width + 1, 4 * d_width, 3, 1, 1)),
                                      nn.LeakyReLU(0.2))
            self.out = sn(nn.Linear(4 * d_width, 1))
            self.embed = sn(nn.Embedding(classes, 4 * d_width))

        def features(self, x):
            h = self.body(x)
            spread = h.std(0, unbiased=False).mean() if h.shape[0] > 1 else h.sum() * 0
            h = torch.cat([h, spread.expand(h.shape[0], 1, *h.shape[2:])], 1)
            return self.head(h).flatten(2).sum(2)  # sum pooling over positions

        def forward(self, x, y):
            h = self.features(x)
            return self.out(h).squeeze(1) + (self.embed(y) * h).sum(1)

    return Generator(), Discriminator()


def to_channels_first(torch: Any, x):
    """(N, *spatial, C) numpy float32 -> (N, C, *spatial) tensor."""
    import numpy as np

    axes = (0, x.ndim - 1, *range(1, x.ndim - 1))
    return torch.from_numpy(np.ascontiguousarray(x.transpose(axes)))


def to_channels_last(x):
    """(N, C, *spatial) tensor -> (N, *spatial, C) numpy float32."""
    axes = (0, *range(2, x.ndim), 1)
    return x.detach().permute(*axes).contiguous().numpy()
