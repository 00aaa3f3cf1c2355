"""A trained generator, loaded for sampling: ``GANModel.load(folder).sample(labels, seed)``.

Sampling is deterministic: the noise of a call comes from one ``torch.Generator`` seeded by
``seed`` (in chunks, in order), the generator runs in eval mode (batch norm with its running
statistics, so each sample depends only on its own noise and class), and the output is in
the source's dtype and layout. ``sample_one(label, noise_seed)`` makes one sample from its
own seed (what :class:`~augkit.generative.augment.GenerativeAugment` records).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np

from augkit.generative.config import GANConfig
from augkit.generative.nets import build, to_channels_last
from augkit.generative.scaling import DataSpec, balance_counts
from augkit.generative.training import file_hash, read_meta

CHUNK = 2048


def class_counts(spec: DataSpec, per_class: int | list[int] | None = None,
                 balance: bool = False) -> list[int]:
    """How many samples per class: ``per_class`` (one count for all or one per class) or
    ``balance`` (every class up to the majority count)."""
    if (per_class is None) == (not balance):
        raise ValueError("give either per_class (a count, or one per class) or balance=True")
    if balance:
        return balance_counts(spec.counts)
    counts = [per_class] * spec.classes if np.ndim(per_class) == 0 else list(per_class)
    if len(counts) != spec.classes or any(isinstance(c, bool) or int(c) != c or c < 0
                                          for c in counts):
        raise ValueError(f"per_class got {per_class!r}; expected an integer >= 0 or "
                         f"{spec.classes} of them (one per class: {', '.join(spec.class_names)})")
    return [int(c) for c in counts]


def labels_for(counts: list[int]) -> np.ndarray:
    return np.repeat(np.arange(len(counts)), counts).astype(np.int64)


class GANModel:
    """A generator and what it was trained on (``spec``), at training step ``step``;
    ``checkpoint``: the hash of its weights file (named in sample manifests)."""

    def __init__(self, generator, spec: DataSpec, config: GANConfig, meta: dict[str, Any],
                 folder: Path | None = None):
        self.generator, self.spec, self.config, self.meta = generator, spec, config, meta
        self.folder = folder
        self.generator.eval()

    @property
    def step(self) -> int:
        return int(self.meta["step"])

    @property
    def checkpoint(self) -> str:
        return str(self.meta["generator_hash"])

    @classmethod
    def load(cls, folder: str | Path) -> GANModel:
        import torch

        folder = Path(folder)
        meta = read_meta(folder)
        spec, config = DataSpec.from_dict(meta["spec"]), GANConfig.from_dict(meta["config"])
        data = (folder / meta["generator"]).read_bytes()
        if file_hash(data) != meta["generator_hash"]:
            raise ValueError(f"{folder}: {meta['generator']} does not match model.json "
                             "(changed or damaged)")
        with torch.random.fork_rng(devices=[]):  # building draws initial weights
            generator, _ = build(spec.kind, spec.shape, spec.classes, config.z_dim,
                                 config.width, config.d_width, config.spectral_norm)
        generator.load_state_dict(torch.load(io.BytesIO(data), weights_only=True))
        if spec.kind == "image":  # oneDNN's transposed convolutions: ~1.4x faster so
            generator = generator.to(memory_format=torch.channels_last)
        return cls(generator, spec, config, meta, folder)

    def _check_labels(self, labels) -> np.ndarray:
        y = np.asarray(labels)
        if y.ndim != 1 or (y.size and (y.dtype.kind not in "iu" or y.min() < 0
                                       or y.max() >= self.spec.classes)):
            raise ValueError(f"GANModel.sample: labels must be class indices in "
                             f"[0, {self.spec.classes}); got {y.dtype} array of shape "
                             f"{y.shape}")
        return y.astype(np.int64)

    def _run(self, torch, z, y) -> np.ndarray:
        with torch.no_grad():
            return self.spec.from_network(to_channels_last(self.generator(z, y)))

    def sample(self, labels, seed: int = 0) -> np.ndarray:
        """One sample per entry of ``labels`` (class indices), in the source's dtype."""
        import torch

        y = self._check_labels(labels)
        gen = torch.Generator().manual_seed(int(seed))
        parts = []
        for start in range(0, y.size, CHUNK):
            yc = torch.from_numpy(y[start:start + CHUNK])
            z = torch.randn((yc.shape[0], self.config.z_dim), generator=gen)
            parts.append(self._run(torch, z, yc))
        if not parts:
            return np.zeros((0, *self.out_shape), np.dtype(self.spec.dtype))
        return np.concatenate(parts)

    def sample_one(self, label: int, noise_seed: int) -> np.ndarray:
        import torch

        gen = torch.Generator().manual_seed(int(noise_seed))
        z = torch.randn((1, self.config.z_dim), generator=gen)
        y = torch.tensor([int(label)], dtype=torch.int64)
        return self._run(torch, z, y)[0]

    @property
    def out_shape(self) -> tuple[int, ...]:
        return self.spec.shape[:-1] if self.spec.squeeze else self.spec.shape

    def generate(self, per_class=None, balance: bool = False, seed: int = 0
                 ) -> tuple[np.ndarray, np.ndarray]:
        """``(samples, labels)``: ``per_class`` samples of each class, or ``balance``."""
        y = labels_for(class_counts(self.spec, per_class, balance))
        return self.sample(y, seed), y
