"""AutoAugment (Cubuk et al., CVPR 2019): the published ImageNet, CIFAR-10 and SVHN policies.

Each policy is 25 sub-policies of two ops; a call picks one sub-policy uniformly and applies
its ops in order, each with its own probability, at its magnitude level (0-9). The tables are
data, in ``resources/policies/autoaugment.yaml``.

How a level becomes an op's strength (``levels=``):

``"paper"`` (default): the paper's ranges with its reference code's scale, a level ``l`` is
``l / 10`` of the range (the code's ``PARAMETER_MAX = 10``; tensorflow/models
research/autoaugment, augmentation_transforms.py):

- ShearX/Y: shear factor ``0.3 l / 10``; TranslateX/Y: ``150/331 * l / 10`` of the side;
  Rotate: ``3 l`` degrees. Each in a random direction, even odds.
- Color, Contrast, Brightness, Sharpness: factor ``0.1 + 1.8 l / 10`` (no direction: below 1
  for l < 5, above for l > 5).
- Posterize: keep ``4 - int(4 l / 10)`` bits (4 down to 1).
- Solarize: invert the levels at or above ``256 - int(25.6 l)`` (l = 0 inverts nothing).
- AutoContrast, Equalize, Invert: no magnitude (the tables' levels are kept, unused).

``"torchvision"``: torchvision's ``AutoAugment``, a level is ``l / 9`` of the range (10 bins
from 0 to the maximum): shear ``0.3 m``, translate ``150/331 m`` of the side, rotate ``30 m``
degrees, the four enhance ops at factor ``1 ± 0.9 m`` (random direction), Posterize
``8 - round(4 m)`` bits, Solarize at or above ``255 (1 - m)``.

Where the strengths are equal, the pixels still differ from both references: augkit's
Shear turns about the image centre (PIL and torchvision about the top-left corner), warps
interpolate linearly (the references: nearest), and Translate shifts by the exact fraction
(torchvision: truncated to whole pixels); Equalize maps levels a little differently from
PIL's and AutoContrast rounds up to one level differently. Posterize, Solarize and Invert on
uint8 images give the references' pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from augkit.core.registry import lookup
from augkit.core.serialize import parse_config
from augkit.core.transform import Transform
from augkit.core.validate import check_choice
from augkit.policies.base import Choice, Policy
from augkit.policies.ops import PolicyOp

POLICIES = ("imagenet", "cifar10", "svhn")
LEVELS = ("paper", "torchvision")
SUB_POLICIES = 25
MAX_LEVEL = 9  # the tables' levels are 0..9
RESOURCE = ("policies", "autoaugment.yaml")

# table name -> augkit transform and its fixed arguments
OPS: dict[str, tuple[str, dict]] = {
    "ShearX": ("Shear", {"axis": "x"}), "ShearY": ("Shear", {"axis": "y"}),
    "TranslateX": ("Translate", {"axis": "x"}), "TranslateY": ("Translate", {"axis": "y"}),
    "Rotate": ("Rotate", {}), "Color": ("Saturation", {}), "Contrast": ("Contrast", {}),
    "Brightness": ("Exposure", {}), "Sharpness": ("Sharpness", {}),
    "Posterize": ("Posterize", {}), "Solarize": ("Solarize", {}),
    "AutoContrast": ("AutoContrast", {}), "Equalize": ("Equalize", {}), "Invert": ("Invert", {}),
}
GEOMETRIC = frozenset({"ShearX", "ShearY", "TranslateX", "TranslateY", "Rotate"})
ENHANCE = frozenset({"Color", "Contrast", "Brightness", "Sharpness"})
MAGNITUDE_FREE = frozenset({"AutoContrast", "Equalize", "Invert"})
TRANSLATE = 150 / 331  # the paper's 150 pixels of a 331-pixel side


@dataclass(frozen=True)
class TableOp(PolicyOp):
    """An op of the AutoAugment tables; ``build(m, sign)`` takes ``m = level / 10``
    (``levels="paper"``) or ``level / 9`` (``"torchvision"``)."""

    levels: str = "paper"

    @property
    def scale(self) -> int:
        return 10 if self.levels == "paper" else 9

    @property
    def signed(self) -> bool:
        if self.name in GEOMETRIC:
            return True
        return self.levels == "torchvision" and self.name in ENHANCE

    def level(self, m: float) -> int:
        return round(m * self.scale)

    def build(self, m: float, sign: int = 1) -> Transform | None:
        if self.name not in ENHANCE | {"Posterize", "Solarize"}:
            return super().build(m, sign)  # geometric ranges and the magnitude-free ops
        level = self.level(m)
        if self.name == "Posterize":
            bits = 4 - (4 * level) // 10 if self.levels == "paper" else 8 - round(4 * m)
            return self._make(bits=(bits, bits))
        if self.name == "Solarize":
            if self.levels == "paper":
                if level == 0:
                    return None  # threshold 256: nothing to invert
                first = 256 - (256 * level) // 10
            else:  # levels at or above 255 (9 - l) / 9
                first = -(-255 * (9 - level) // 9)
            # half a level below the first inverted one: exact for uint8 whatever the rounding
            threshold = min(max((first - 0.5) / 255.0, 0.0), 1.0)
            return self._make(threshold=(threshold, threshold))
        if self.levels == "paper":
            factor = round(0.1 + 1.8 * level / 10, 12)
        else:
            factor = round(1.0 + 0.9 * m * sign, 12)
        return self._make(**self.hook.arguments(factor))

    def _make(self, **arguments) -> Transform:
        return lookup(self.type)(**{"p": 1.0, **self.fixed, **arguments})


def _table_op(name: str, levels: str) -> TableOp:
    kind, fixed = OPS[name]
    return TableOp(name, kind, fixed, span=TRANSLATE if name.startswith("Translate") else None,
                   levels=levels)


@lru_cache(maxsize=1)
def tables() -> dict[str, tuple]:
    """The three policies as read from the package resource: policy name -> 25 sub-policies,
    each two ``(op name, probability, level)`` tuples."""
    from augkit import resources

    where = "augkit resources/" + "/".join(RESOURCE)
    text = resources.path(*RESOURCE).read_text("utf-8")
    return check_tables(parse_config(text, "yaml"), where)


def check_tables(data, where: str) -> dict[str, tuple]:
    """Validate raw table data (see :func:`tables`); errors name the entry."""
    if not isinstance(data, dict) or sorted(data) != sorted(POLICIES):
        raise ValueError(f"{where}: expected the policies {list(POLICIES)}; got "
                         f"{sorted(data) if isinstance(data, dict) else type(data).__name__}")
    out = {}
    for policy in POLICIES:
        rows = data[policy]
        if not isinstance(rows, list) or len(rows) != SUB_POLICIES:
            raise ValueError(f"{where}: {policy} must list {SUB_POLICIES} sub-policies")
        parsed = []
        for i, row in enumerate(rows, 1):
            at = f"{where}: {policy} sub-policy {i}"
            if not isinstance(row, list) or len(row) != 2:
                raise ValueError(f"{at}: expected two ops; got {row!r}")
            parsed.append(tuple(_check_entry(entry, at) for entry in row))
        out[policy] = tuple(parsed)
    return out


def _check_entry(entry, at: str) -> tuple[str, float, int]:
    if not isinstance(entry, list) or len(entry) != 3:
        raise ValueError(f"{at}: expected [op, probability, level]; got {entry!r}")
    name, prob, level = entry
    if name not in OPS:
        raise ValueError(f"{at}: op {name!r} is not one of {sorted(OPS)}")
    if isinstance(prob, bool) or not isinstance(prob, (int, float)) or not 0 <= prob <= 1:
        raise ValueError(f"{at}: {name} probability {prob!r} is not in [0, 1]")
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= MAX_LEVEL:
        raise ValueError(f"{at}: {name} level {level!r} is not an integer in [0, {MAX_LEVEL}]")
    return name, float(prob), level


class AutoAugment(Policy):
    """Apply one of the 25 sub-policies of the AutoAugment ``policy`` learned on ImageNet,
    CIFAR-10 or SVHN (Cubuk et al. 2019), drawn uniformly: each of its two ops runs with its
    probability, at its level mapped by ``levels`` (``"paper"``: the paper's reference code;
    ``"torchvision"``: torchvision's scale; see :mod:`augkit.policies.autoaugment`).
    Shear, translate and rotate go either way with even odds. Images (RGB for the Color op);
    masks, boxes and keypoints follow the geometric ops.

    >>> import numpy as np
    >>> aug = AutoAugment("cifar10")
    >>> image = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    >>> out = aug(image=image, seed=3, return_record=True)
    >>> np.array_equal(out["record"].apply(image=image)["image"], out["image"])
    True
    >>> aug.sub_policies[1]
    (('Rotate', 0.7, 2), ('TranslateX', 0.3, 9))
    """

    def __init__(self, policy: str = "imagenet", levels: str = "paper", p: float = 1.0):
        super().__init__(p=p)
        self.modality = "image"  # per instance, as the other policies (the class says "any")
        self.policy = check_choice(self, "policy", policy, POLICIES)
        self.levels = check_choice(self, "levels", levels, LEVELS)
        self.sub_policies = tables()[self.policy]
        names = list(dict.fromkeys(e[0] for row in self.sub_policies for e in row))
        self._use_ops(tuple(_table_op(name, levels) for name in names))
        index = {name: i for i, name in enumerate(names)}
        scale = 10 if levels == "paper" else 9
        # per sub-policy: (op index, probability, m) twice; magnitude-free ops at m = 0, so
        # that a batch runs each of them as one group
        self._plans = tuple(
            tuple((index[name], prob, 0.0 if name in MAGNITUDE_FREE else level / scale)
                  for name, prob, level in row) for row in self.sub_policies)

    def choose(self, rng: np.random.Generator) -> list[Choice]:
        plan = self._plans[int(rng.integers(0, len(self._plans)))]
        draws = rng.random(2)
        flips = rng.random(2) < 0.5
        chosen = []
        for (index, prob, m), u, flip in zip(plan, draws, flips, strict=True):
            if u < prob:
                chosen.append((index, m, -1 if flip and self._ops[index].signed else 1))
        return chosen
