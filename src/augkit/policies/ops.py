"""Op sets of the policies: which augkit transforms a policy draws from, under the names the
papers use, with the magnitude ranges each family publishes.

A :class:`PolicyOp` is an augkit transform type plus fixed arguments (``ShearX`` is
``Shear(axis="x")``) and, where a family widens or narrows a range, its own span (and value at
m = 0). Its strength at ``m`` comes from the transform's declared magnitude hook
(:mod:`augkit.core.magnitude`); the ranges below are the published ones:

- standard (RandAugment; torchvision and timm): shear factor 0.3, translate 0.45 of the side
  (torchvision: 150/331), rotate 30 degrees, enhance factors 1 ± 0.9, posterize 8 -> 4 bits,
  solarize threshold 1 -> 0.
- wide (TrivialAugmentWide, Müller & Hutter 2021): shear 0.99, translate 32 pixels in
  torchvision (augkit: 1.0 of a 32-pixel side, so 32 px on CIFAR-sized images), rotate 135,
  enhance 1 ± 0.99, posterize 8 -> 2 bits.
- augmix (Hendrycks et al. 2020): rotate 30, shear 0.3, translate 1/3 of the side, posterize
  4 -> 1 bits (the paper's 4 -> 0 ends at black; augkit keeps at least 1 bit), solarize 1 -> 0;
  ``all_ops`` adds the four enhance ops (factor 1 ± 0.9).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from augkit.core.magnitude import check_magnitude
from augkit.core.registry import lookup, registered
from augkit.core.transform import Transform

IDENTITY = "Identity"


@dataclass(frozen=True)
class PolicyOp:
    """One op a policy can draw: ``type`` (an augkit transform, None for Identity), its
    ``fixed`` arguments, and ``span`` / ``identity`` where the family's range differs from
    the transform's declared one."""

    name: str
    type: str | None
    fixed: dict[str, Any] = field(default_factory=dict)
    span: float | None = None
    identity: float | None = None

    @property
    def signed(self) -> bool:
        return self.type is not None and self.hook.signed

    @property
    def hook(self):
        hook = lookup(self.type).magnitude
        if hook is None:
            raise ValueError(f"policy op {self.name!r}: {self.type} declares no magnitude")
        return hook

    def build(self, m: float, sign: int = 1) -> Transform | None:
        """The op at magnitude ``m`` (None for Identity)."""
        check_magnitude(m)
        if self.type is None:
            return None
        cls, hook = lookup(self.type), self.hook
        if self.identity is None:
            return cls.at_magnitude(m, sign, span=self.span, **self.fixed)
        span = hook.span if self.span is None else self.span
        value = self.identity + span * m * (sign if hook.signed else 1)
        value = float(round(value)) if hook.integer else round(value, 12)
        return cls(**{"p": 1.0, **self.fixed, **hook.arguments(value)})

    def describe(self) -> str:
        if self.type is None:
            return "no change"
        hook = self.hook
        if self.identity is not None:
            hook = replace(hook, identity=self.identity)
        return hook.describe(self.span)


def _image_standard() -> tuple[PolicyOp, ...]:
    return (
        PolicyOp(IDENTITY, None),
        PolicyOp("ShearX", "Shear", {"axis": "x"}), PolicyOp("ShearY", "Shear", {"axis": "y"}),
        PolicyOp("TranslateX", "Translate", {"axis": "x"}),
        PolicyOp("TranslateY", "Translate", {"axis": "y"}),
        PolicyOp("Rotate", "Rotate"), PolicyOp("Brightness", "Exposure"),
        PolicyOp("Color", "Saturation"), PolicyOp("Contrast", "Contrast"),
        PolicyOp("Sharpness", "Sharpness"), PolicyOp("Posterize", "Posterize"),
        PolicyOp("Solarize", "Solarize"), PolicyOp("AutoContrast", "AutoContrast"),
        PolicyOp("Equalize", "Equalize"),
    )


def _image_wide() -> tuple[PolicyOp, ...]:
    wide = {"ShearX": 0.99, "ShearY": 0.99, "TranslateX": 1.0, "TranslateY": 1.0,
            "Rotate": 135.0, "Brightness": 0.99, "Color": 0.99, "Contrast": 0.99,
            "Sharpness": 0.99, "Posterize": -6}
    return tuple(PolicyOp(op.name, op.type, op.fixed, wide.get(op.name)) for op in
                 _image_standard())


def _image_augmix(all_ops: bool) -> tuple[PolicyOp, ...]:
    ops = [PolicyOp("AutoContrast", "AutoContrast"), PolicyOp("Equalize", "Equalize"),
           PolicyOp("Posterize", "Posterize", span=-3, identity=4),
           PolicyOp("Rotate", "Rotate"), PolicyOp("Solarize", "Solarize"),
           PolicyOp("ShearX", "Shear", {"axis": "x"}), PolicyOp("ShearY", "Shear", {"axis": "y"}),
           PolicyOp("TranslateX", "Translate", {"axis": "x"}, span=1 / 3),
           PolicyOp("TranslateY", "Translate", {"axis": "y"}, span=1 / 3)]
    if all_ops:
        ops += [PolicyOp("Color", "Saturation"), PolicyOp("Contrast", "Contrast"),
                PolicyOp("Brightness", "Exposure"), PolicyOp("Sharpness", "Sharpness")]
    return tuple(ops)


# ops with a magnitude that a default set leaves out: they need data the set cannot assume
# (SeriesRotation: two or more channels); name them in ``ops=[...]`` to use them
NOT_BY_DEFAULT = frozenset({"SeriesRotation"})


def _declared(modality: str) -> tuple[PolicyOp, ...]:
    """Identity and every transform of ``modality`` that declares a magnitude (less
    :data:`NOT_BY_DEFAULT`)."""
    ops = [PolicyOp(name, name) for name, cls in registered().items()
           if cls.modality == modality and cls.magnitude is not None
           and name not in NOT_BY_DEFAULT]
    return (PolicyOp(IDENTITY, None), *ops)


MODALITIES = ("image", "text", "timeseries")
FAMILIES = ("standard", "wide", "augmix", "augmix-all")


def op_set(modality: str, family: str = "standard") -> tuple[PolicyOp, ...]:
    """The ops a policy of ``family`` draws from for ``modality``. Text and time series have
    one set, every op that declares a magnitude (plus Identity), for every family.

    >>> [op.name for op in op_set("image")][:3]
    ['Identity', 'ShearX', 'ShearY']
    """
    if modality not in MODALITIES:
        raise ValueError(f"policy: modality {modality!r} is not one of {list(MODALITIES)}")
    if family not in FAMILIES:
        raise ValueError(f"policy: op family {family!r} is not one of {list(FAMILIES)}")
    if modality != "image":
        ops = _declared(modality)
        return tuple(op for op in ops if op.type is not None) if family.startswith(
            "augmix") else ops
    if family == "standard":
        return _image_standard()
    if family == "wide":
        return _image_wide()
    return _image_augmix(family == "augmix-all")


def resolve_ops(owner: str, modality: str, family: str, ops) -> tuple[PolicyOp, ...]:
    """``ops=None``: the family's set; else a list of names, each a name of that set
    (``"ShearX"``) or any transform of the modality with a magnitude (``"GaussianBlur"``)."""
    known = op_set(modality, family)
    if ops is None:
        return known
    if isinstance(ops, str) or not isinstance(ops, (list, tuple)) or not ops:
        raise TypeError(f"{owner}: argument 'ops' got {ops!r}; expected a non-empty list of op "
                        "names")
    by_name = {op.name: op for op in known}
    out = []
    for name in ops:
        if name in by_name:
            out.append(by_name[name])
            continue
        cls = registered().get(name) if isinstance(name, str) else None
        if cls is None or cls.modality != modality or cls.magnitude is None:
            raise ValueError(
                f"{owner}: argument 'ops' names {name!r}, which is neither an op of the "
                f"{family} {modality} set ({', '.join(by_name)}) nor a {modality} transform "
                "that declares a magnitude")
        out.append(PolicyOp(name, name))
    return tuple(out)


def magnitude_table(modality: str) -> str:
    """A Markdown table of every ``modality`` transform that declares a magnitude: what the
    magnitude m in [0, 1] sets (docs/policies.md holds these tables; a test keeps them true)."""
    rows = ["| op | what m sets | two directions |", "|---|---|---|"]
    for name, cls in registered().items():
        if cls.modality == modality and cls.magnitude is not None:
            hook = cls.magnitude
            rows.append(f"| {name} | {hook.describe()} | {'yes' if hook.signed else ''} |")
    return "\n".join(rows)


def family_table(family: str) -> str:
    """A Markdown table of the image op set of ``family`` with its ranges."""
    rows = ["| op | augkit transform | what m sets |", "|---|---|---|"]
    for op in op_set("image", family):
        fixed = ", ".join(f"{k}={v!r}" for k, v in op.fixed.items())
        kind = "—" if op.type is None else f"{op.type}({fixed})"
        rows.append(f"| {op.name} | {kind} | {op.describe()} |")
    return "\n".join(rows)
