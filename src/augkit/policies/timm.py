"""timm's augmentation strings as augkit policies.

``from_timm("rand-m9-mstd0.5-n2")`` is RandAugment with timm's settings: magnitude 9 of 10,
magnitude std 0.5, two ops, each applied with probability 0.5 (timm's default; ``-p`` sets
it). Keys: ``m`` magnitude, ``n`` ops, ``mstd`` magnitude std (above 100: uniform),
``mmax`` scale maximum, ``p`` op probability, ``inc`` accepted (augkit's posterize and
solarize always grow stronger with the magnitude, as timm's ``inc1`` ops do).
``augmix-m5-w3-d2-a1`` is AugMix with severity 5, width 3, depth 2 (-1: 1 to 3 per chain),
alpha 1. ``trivialaugment`` / ``ta_wide`` is TrivialAugmentWide.

Keys augkit cannot honour are refused with the reason, never dropped silently: timm's op
weights (``w``), AugMix's ``b`` (blended) variant and magnitude std.
"""

from __future__ import annotations

import math
import re

from augkit.core.transform import Transform

_NUMBER = r"-?(?:\d+(?:\.\d*)?|\.\d+)"
_KEY = re.compile(rf"^([a-z]+?)({_NUMBER})?$")

_RAND = {"m": "magnitude", "n": "num_ops", "mstd": "magnitude_std", "mmax": "magnitude_max",
         "p": "op_p"}
_AUGMIX = {"m": "severity", "w": "width", "d": "depth", "a": "alpha"}


def _fields(spec: str, allowed: dict[str, str], ignored: tuple[str, ...],
            refused: dict[str, str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in spec.split("-")[1:]:
        found = _KEY.match(part)
        if found is None:
            raise ValueError(f"timm string {spec!r}: cannot read {part!r}; expected a key "
                             f"and a number such as 'm9' (keys: {', '.join(allowed)})")
        key, number = found.groups()
        if key in refused:
            raise ValueError(f"timm string {spec!r}: {key!r} is not supported: {refused[key]}")
        if key in ignored:
            continue
        if key not in allowed:
            raise ValueError(f"timm string {spec!r}: unknown key {key!r} in {part!r}; expected "
                             f"one of {', '.join([*allowed, *ignored])}")
        if number is None:
            raise ValueError(f"timm string {spec!r}: {key!r} needs a number, e.g. '{key}1'")
        out[allowed[key]] = float(number)
    return out


def from_timm(spec: str, modality: str = "image") -> Transform:
    """The augkit policy a timm augmentation string describes.

    >>> from_timm("rand-m9-mstd0.5-n2").to_dict()["magnitude_std"]
    0.5
    """
    if not isinstance(spec, str) or not spec.strip():
        raise ValueError(f"from_timm: expected a timm string such as 'rand-m9-mstd0.5-n2'; got "
                         f"{spec!r}")
    spec = spec.strip()
    head = spec.split("-")[0]
    if head == "rand":
        from augkit.policies.randaugment import RandAugment

        args = _fields(spec, _RAND, ("inc",), {
            "w": "timm's op weight sets are not reproduced; pass ops=[...] to RandAugment"})
        if "num_ops" in args:
            args["num_ops"] = int(args["num_ops"])
        if args.get("magnitude_std", 0) > 100:
            args["magnitude_std"] = math.inf
        args.setdefault("op_p", 0.5)
        return RandAugment(modality=modality, **args)
    if head == "augmix":
        from augkit.policies.augmix import AugMix

        args = _fields(spec, _AUGMIX, (), {
            "b": "timm's blended AugMix variant is not implemented",
            "mstd": "AugMix draws each op's severity uniformly, as the paper does"})
        for key in ("width", "depth"):
            if key in args:
                args[key] = int(args[key])
        return AugMix(modality=modality, **args)
    if spec in ("trivialaugment", "ta_wide"):
        from augkit.policies.randaugment import TrivialAugmentWide

        return TrivialAugmentWide(modality=modality)
    raise ValueError(f"from_timm: {spec!r} is not a timm string augkit reads; expected "
                     "'rand-...', 'augmix-...' or 'trivialaugment'")
