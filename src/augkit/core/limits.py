"""Size limits: the bounds past which augkit refuses work instead of exhausting memory.

A typo in a config (``Resize(30000, 30000)``, ``copies=10**6``) should fail at once with a
message that says what was asked and how to allow it, not swap for minutes. The limits are
process-wide, read from environment variables at import, and can be changed in code:

>>> import augkit
>>> augkit.get_limits().max_output_bytes == 2**31
True
>>> with augkit.override_limits(max_copies=4):
...     augkit.get_limits().max_copies
4

Environment variables (plain integers): ``AUGKIT_MAX_OUTPUT_BYTES``, ``AUGKIT_MAX_COPIES``,
``AUGKIT_MAX_CONFIG_BYTES``, ``AUGKIT_MAX_CONFIG_NODES``, ``AUGKIT_MAX_CONFIG_DEPTH``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Iterator
from typing import Any


@dataclasses.dataclass(frozen=True)
class Limits:
    """Process-wide bounds (see the module docstring for how to change them).

    - ``max_output_bytes``: the largest single array one call may create (2 GiB).
    - ``max_copies``: the most augmented copies asked of one input (``copies=``,
      ``n_aug=``; 10,000).
    - ``max_config_bytes``: the largest config file or text that is parsed (1 MiB).
    - ``max_config_nodes``: the most values a parsed config may hold once YAML aliases are
      expanded (100,000), which stops "billion laughs" documents.
    - ``max_config_depth``: the deepest nesting of a config (64 levels).
    """

    max_output_bytes: int = 2**31
    max_copies: int = 10_000
    max_config_bytes: int = 2**20
    max_config_nodes: int = 100_000
    max_config_depth: int = 64


def _from_environment() -> Limits:
    values: dict[str, int] = {}
    for field in dataclasses.fields(Limits):
        name = "AUGKIT_" + field.name.upper()
        raw = os.environ.get(name)
        if raw is None:
            continue
        try:
            value = int(raw)
        except ValueError:
            raise ValueError(f"environment variable {name}={raw[:40]!r} must be a positive "
                             "integer") from None
        values[field.name] = _checked(field.name, value)
    return Limits(**values)


def _checked(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"limit '{name}' got {short_repr(value)}; expected a positive integer")
    return value


_current = _from_environment()


def get_limits() -> Limits:
    """The limits in force now."""
    return _current


def set_limits(**changes: int) -> Limits:
    """Change some limits for this process; returns the previous ones (to restore later).

    Unknown names and non-positive values raise ``ValueError``.
    """
    global _current
    known = {f.name for f in dataclasses.fields(Limits)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValueError(f"unknown limit(s) {unknown}; known: {', '.join(sorted(known))}")
    previous = _current
    _current = dataclasses.replace(_current, **{k: _checked(k, v) for k, v in changes.items()})
    return previous


@contextlib.contextmanager
def override_limits(**changes: int) -> Iterator[Limits]:
    """``with override_limits(max_output_bytes=2**34): ...`` changes limits inside the block."""
    global _current
    previous = set_limits(**changes)
    try:
        yield _current
    finally:
        _current = previous


def _size(nbytes: int) -> str:
    for unit, scale in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} bytes"


def check_output_bytes(owner: str, what: str, nbytes: int) -> None:
    """Refuse to create an array of ``nbytes`` past ``max_output_bytes``.

    ``what`` describes the array (``"a 30000 x 30000 x 3 uint8 image"``).
    """
    limit = _current.max_output_bytes
    if nbytes > limit:
        raise ValueError(
            f"{owner}: {what} would take {_size(nbytes)}, above the limit of {_size(limit)}; "
            "raise it with augkit.set_limits(max_output_bytes=...) or the environment "
            "variable AUGKIT_MAX_OUTPUT_BYTES if you mean it")


def check_copies(owner: str, name: str, value: int) -> None:
    """Refuse more than ``max_copies`` copies of one input (``copies=``, ``n_aug=``)."""
    limit = _current.max_copies
    if value > limit:
        raise ValueError(
            f"{owner}: argument '{name}' got {value}; at most {limit} copies of one input "
            "(raise it with augkit.set_limits(max_copies=...) or the environment variable "
            "AUGKIT_MAX_COPIES)")


MAX_REPR_CHARS = 200


def short_repr(value: Any, limit: int = MAX_REPR_CHARS) -> str:
    """``repr(value)`` cut to about ``limit`` characters, for error messages.

    Containers show their first items, each briefly, so even a config built from nested
    YAML aliases (a billion leaves) gives a short message at once:

    >>> short_repr(list(range(10**6)))
    'list of 1000000 items: [0, 1, 2, 3, 4, 5, 6, 7, ...]'
    >>> short_repr([[1, 2], "x" * 500])
    "[[1, 2], 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... (500 characters)']"
    """
    text = _brief(value, limit, nested=0)
    return text if len(text) <= limit + 40 else text[:limit] + "..."


_BRACKETS = {list: "[]", tuple: "()", dict: "{}", set: "{}", frozenset: "{}"}


def _brief(value: Any, limit: int, nested: int) -> str:
    kind = type(value)
    if isinstance(value, (list, tuple, dict, set, frozenset)):
        if nested >= 2:
            return f"<{kind.__name__} of {len(value)} items>"
        pairs = isinstance(value, dict)
        items = list(value.items() if pairs else value)[:8]
        parts = [f"{_brief(k, 40, nested + 1)}: {_brief(v, 40, nested + 1)}" if pairs
                 else _brief(v, 40, nested + 1) for k, v in (items if pairs else
                                                             ((None, v) for v in items))]
        opening, closing = next(b for t, b in _BRACKETS.items() if isinstance(value, t))
        if len(value) > 8:
            return (f"{kind.__name__} of {len(value)} items: "
                    f"{opening}{', '.join(parts)}, ...{closing}")
        if kind is tuple and len(value) == 1:
            return f"({parts[0]},)"
        return f"{opening}{', '.join(parts)}{closing}"
    if hasattr(value, "shape") and hasattr(value, "dtype") and getattr(value, "size", 0) > 16:
        return f"{kind.__name__} of shape {tuple(value.shape)} and dtype {value.dtype}"
    if isinstance(value, (str, bytes)) and len(value) > limit:
        return repr(value[:30])[:-1] + f"... ({len(value)} characters){repr(value[:0])[-1]}"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} characters)"
