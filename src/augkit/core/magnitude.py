"""The magnitude hook: how one strength ``m`` in [0, 1] (and a sign, for ops with two
directions) maps onto an op's constructor arguments.

Policies (RandAugment, TrivialAugment, AugMix, AutoAugment, searches) speak only of
magnitudes; each op says once, next to its code, what a magnitude means for it::

    class Rotate(...):
        magnitude = Magnitude(lambda v: {"limit": (v, v)}, span=30.0, signed=True,
                              unit="degrees")

The op at ``m`` has one value ``v = identity + span * m * sign`` (rounded for integer
arguments), a fixed strength with ``p=1``: ``Rotate.at_magnitude(0.5, sign=-1)`` is
``Rotate(limit=(-15.0, -15.0), p=1.0)``. A policy may widen or narrow ``span`` (the "wide"
ranges of TrivialAugmentWide).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Magnitude:
    """``arguments(v)``: the constructor arguments at value ``v``; ``identity``: the value at
    m = 0; ``span``: how far m = 1 moves it; ``signed``: sign -1 moves it the other way;
    ``integer``: round ``v``; ``unit``: what ``v`` is, for the docs table."""

    arguments: Callable[[float], dict[str, Any]]
    identity: float = 0.0
    span: float = 0.0
    signed: bool = False
    integer: bool = False
    unit: str = ""

    @property
    def has_strength(self) -> bool:
        """False for ops that are the same at every magnitude (Equalize, AutoContrast)."""
        return self.span != 0.0

    def value(self, m: float, sign: int = 1, span: float | None = None) -> float:
        check_magnitude(m)
        if sign not in (1, -1):
            raise ValueError(f"magnitude sign must be 1 or -1; got {sign!r}")
        if not self.signed:
            sign = 1
        v = self.identity + (self.span if span is None else span) * m * sign
        return float(round(v)) if self.integer else round(float(v), 12)  # 0.1, not 0.0999..

    def describe(self, span: float | None = None) -> str:
        """``'angle in degrees = ±30 m'``-style line for the docs table."""
        if not self.has_strength:
            return "no magnitude (the same at every m)"
        s = self.span if span is None else span
        if self.signed:
            sign = "± "
        elif self.identity == 0:
            sign = "" if s > 0 else "− "
        else:
            sign = "+ " if s > 0 else "− "
        base = "" if self.identity == 0 else f"{_num(self.identity)} "
        formula = f"{base}{sign}{_num(abs(s))} m"
        return f"{self.unit} = " + (f"round({formula})" if self.integer else formula)


NO_MAGNITUDE = Magnitude(lambda v: {})


def check_magnitude(m: Any) -> float:
    if isinstance(m, bool) or not isinstance(m, (int, float)) or not math.isfinite(m) \
            or not 0.0 <= m <= 1.0:
        raise ValueError(f"magnitude must be a number in [0, 1]; got {m!r}")
    return float(m)


def _num(x: float) -> str:
    return f"{x:g}"
