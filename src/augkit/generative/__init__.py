"""Class-conditional GANs for small data, and an honest "did it help?" step.

- :func:`train` (``augkit gan train``): a DCGAN-style image GAN (28..64 px, 1 or 3 channels)
  or a 1D-conv series GAN, with spectral norm / R1, DiffAugment and ADA's adaptive
  probability; seeded, checkpointed and exactly resumable on CPU.
- :class:`GANModel` (``augkit gan sample``): per-class or class-balancing samples in the
  source's dtype.
- :class:`Interpolator`: the SMOTE-style within-class baseline, the same interface.
- :class:`GenerativeAugment` / :class:`SeriesGenerativeAugment`: pipeline transforms that
  replace a sample with a synthetic one of its class.
- :func:`evaluate` (``augkit gan eval``): usefulness arms, TSTR, fidelity, memorisation.

torch (``pip install 'augkit[gan]'``) is imported only when a model trains or samples.
"""

from __future__ import annotations

import importlib

# the transforms register on import (configs name them); no torch until a model loads
from augkit.generative.augment import GenerativeAugment, SeriesGenerativeAugment

_EXPORTS = {
    "GANConfig": "augkit.generative.config",
    "DataSpec": "augkit.generative.scaling",
    "train": "augkit.generative.training",
    "GANModel": "augkit.generative.model",
    "class_counts": "augkit.generative.model",
    "Interpolator": "augkit.generative.interpolate",
    "fidelity": "augkit.generative.metrics",
    "evaluate": "augkit.generative.evaluation",
}

__all__ = ["GenerativeAugment", "SeriesGenerativeAugment", *sorted(_EXPORTS)]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'augkit.generative' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
