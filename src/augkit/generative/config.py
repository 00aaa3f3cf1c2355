"""Training settings of a GAN (validated once, stored in the model's ``model.json``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from augkit.core.validate import check_number, fail
from augkit.generative.diffaug import ops_for

OWNER = "GANConfig"


@dataclass(frozen=True)
class GANConfig:
    """``z_dim`` noise size; ``width`` base channel count of the generator, ``d_width`` of the
    discriminator; ``batch_size``; ``balanced``: class-balanced batches (every class fills
    an equal share of each batch, so a rare class trains as often as a common one);
    Adam learning rates ``lr_g`` / ``lr_d`` (betas 0.5, 0.999; the spectrally normalised
    discriminator learns at twice the generator's rate); ``spectral_norm`` on the
    discriminator; ``r1_gamma`` weight of the R1 penalty (0: off); ``diffaug`` the
    differentiable augmentations (None: all of the data's kind, ``()``: none; see
    :mod:`augkit.generative.diffaug`); ``ada``: tune their probability from
    ``r_t = E[sign(D(real))]`` toward ``ada_target`` every ``ada_interval`` steps, by at most
    ``ada_interval / ada_steps`` a time (0 -> 1 in ``ada_steps`` steps); without ADA the
    probability is ``p`` (DiffAugment: 1); ``threads`` torch CPU threads (None: torch's).
    """

    z_dim: int = 64
    width: int = 32
    d_width: int = 32
    batch_size: int = 64
    balanced: bool = True
    lr_g: float = 2e-4
    lr_d: float = 4e-4
    spectral_norm: bool = True
    r1_gamma: float = 0.0
    diffaug: tuple[str, ...] | None = None
    ada: bool = True
    ada_target: float = 0.6
    ada_interval: int = 4
    ada_steps: int = 500
    p: float = 1.0
    threads: int | None = None

    def __post_init__(self) -> None:
        for name, lo, hi in (("z_dim", 2, 1024), ("width", 8, 512), ("d_width", 4, 512),
                             ("batch_size", 2, 4096), ("ada_interval", 1, 10_000),
                             ("ada_steps", 1, 10_000_000)):
            check_number(OWNER, name, getattr(self, name), lo, hi, integer=True)
        if self.width % 2:
            fail(OWNER, "width", self.width, "expected an even integer")
        for name, lo, hi in (("lr_g", 1e-7, 1.0), ("lr_d", 1e-7, 1.0), ("r1_gamma", 0.0, 1e4),
                             ("ada_target", 0.0, 1.0), ("p", 0.0, 1.0)):
            check_number(OWNER, name, getattr(self, name), lo, hi)
        for name in ("spectral_norm", "ada", "balanced"):
            if not isinstance(getattr(self, name), bool):
                fail(OWNER, name, getattr(self, name), "expected True or False", TypeError)
        if self.threads is not None:
            check_number(OWNER, "threads", self.threads, 1, 256, integer=True)
        if self.diffaug is not None:
            object.__setattr__(self, "diffaug", tuple(self.diffaug))

    def ops(self, kind: str) -> tuple[str, ...]:
        """The differentiable augmentations used for data of ``kind``, checked."""
        allowed = ops_for(kind)
        chosen = allowed if self.diffaug is None else self.diffaug
        unknown = [op for op in chosen if op not in allowed]
        if unknown:
            fail(OWNER, "diffaug", list(self.diffaug or ()),
                 f"expected names from {', '.join(allowed)} for {kind} data")
        return tuple(chosen)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["diffaug"] = None if self.diffaug is None else list(self.diffaug)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> GANConfig:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            fail(OWNER, "keys", unknown, f"expected keys from {', '.join(sorted(known))}")
        return cls(**data)
