"""Argument checks run once, when a transform is built.

Every message names the transform, the argument, the value received and what is allowed, so
that a typo in a YAML config points straight at the line to fix.
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from augkit.core.limits import short_repr


def _owner(owner: Any) -> str:
    return owner if isinstance(owner, str) else type(owner).__name__


def fail(owner: Any, name: str, value: Any, allowed: str, exc: type[Exception] = ValueError):
    raise exc(f"{_owner(owner)}: argument '{name}' got {short_repr(value)}; {allowed}")


def check_number(owner: Any, name: str, value: Any, lo: float = -math.inf, hi: float = math.inf,
                 *, integer: bool = False) -> float | int:
    """A real (or integer) scalar within [lo, hi]."""
    kind = "an integer" if integer else "a number"
    if isinstance(value, bool) or not isinstance(value, Integral if integer else Real):
        fail(owner, name, value, f"expected {kind} in [{lo}, {hi}]", TypeError)
    if not (lo <= value <= hi) or (not integer and math.isnan(value)):
        fail(owner, name, value, f"expected {kind} in [{lo}, {hi}]")
    return int(value) if integer else float(value)


def check_probability(owner: Any, name: str, value: Any) -> float:
    return check_number(owner, name, value, 0.0, 1.0)


def check_range(owner: Any, name: str, value: Any, lo: float = -math.inf, hi: float = math.inf,
                *, symmetric: bool = False, integer: bool = False) -> tuple:
    """A (low, high) pair within [lo, hi] with low <= high.

    A scalar ``v`` is accepted as ``(-v, v)`` when ``symmetric`` is set, else as ``(v, v)``.
    """
    kind = "integers" if integer else "numbers"
    allowed = f"expected a number or a (low, high) pair of {kind} with {lo} <= low <= high <= {hi}"
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            fail(owner, name, value, allowed)
        pair = tuple(value)
    elif isinstance(value, Real) and not isinstance(value, bool):
        pair = (-value, value) if symmetric else (value, value)
    else:
        fail(owner, name, value, allowed, TypeError)
    for v in pair:
        if isinstance(v, bool) or not isinstance(v, Integral if integer else Real):
            fail(owner, name, value, allowed, TypeError)
        if math.isnan(v):
            fail(owner, name, value, allowed)
    low, high = pair
    if not (lo <= low <= high <= hi):
        fail(owner, name, value, allowed)
    cast = int if integer else float
    return (cast(low), cast(high))


def check_choice(owner: Any, name: str, value: Any, choices) -> Any:
    if value not in choices:
        fail(owner, name, value, f"expected one of {sorted(choices)}")
    return value
