"""Name -> class table of every transform augkit can build from a config.

Loading a config only ever looks names up here: nothing is imported from a name found in a
file, so a config cannot run code.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from augkit.core.transform import Transform

_REGISTRY: dict[str, type[Transform]] = {}

# augkit's own modality packages. They register their transforms on import; a lookup that
# misses imports them (a fixed list, never a name taken from user input).
BUILTIN_PACKAGES = ("augkit.image", "augkit.text", "augkit.timeseries", "augkit.volume",
                    "augkit.policies", "augkit.generative")


def register(cls: type[Transform]) -> type[Transform]:
    name = cls.__name__
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls and existing.__module__ != cls.__module__:
        raise ValueError(
            f"transform name {name!r} is already registered by {existing.__module__}; "
            "give the new transform another class name"
        )
    _REGISTRY[name] = cls
    return cls


def load_builtins() -> None:
    for package in BUILTIN_PACKAGES:
        try:
            importlib.import_module(package)
        except ModuleNotFoundError as err:
            if err.name != package:  # a real import error inside the package
                raise


def lookup(name: str) -> type[Transform]:
    if not isinstance(name, str):
        raise TypeError(f"transform type must be a string; got {name!r}")
    if name not in _REGISTRY:
        load_builtins()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown transform type {name!r}{_did_you_mean(name)}; registered "
                         f"types are: {', '.join(sorted(_REGISTRY))}") from None


def _did_you_mean(name: str) -> str:
    """Closest registered names (albumentations-style names such as RandomBrightnessContrast
    or ShiftScaleRotate find augkit's), as ' (did you mean X?)' or ''."""
    import difflib

    by_lower = {key.lower(): key for key in _REGISTRY}
    bare = name.lower().removeprefix("random")
    close = difflib.get_close_matches(name.lower(), by_lower, n=3, cutoff=0.75)
    close += [key for key in difflib.get_close_matches(bare, by_lower, n=3, cutoff=0.75)
              if key not in close]
    found = [by_lower[key] for key in close[:3]]
    return f" (did you mean {' or '.join(found)}?)" if found else ""


def registered() -> dict[str, type[Transform]]:
    """All registered transforms (after importing augkit's modality packages)."""
    load_builtins()
    return dict(sorted(_REGISTRY.items()))
