"""Dict / JSON / YAML round-trip of transforms, safe by construction.

Only names found in the transform registry are built, with arguments checked against the
class signature; YAML is read with ``yaml.safe_load``. No pickle, no imports from config text.
"""

from __future__ import annotations

import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core import registry


def to_jsonable(value: Any) -> Any:
    """Plain JSON types from numpy scalars/arrays and tuples (tuples become lists)."""
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return to_jsonable(value.tolist())
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    return value


def from_dict(config: dict[str, Any]):
    """Build a transform (and its children) from ``Transform.to_dict()`` output."""
    if not isinstance(config, dict) or "type" not in config:
        raise ValueError(f"a transform config must be a dict with a 'type' key; got {config!r}")
    cls = registry.lookup(config["type"])
    kwargs = {k: v for k, v in config.items() if k != "type"}
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    unknown = set(kwargs) - accepted
    if unknown:
        raise ValueError(
            f"{cls.__name__}: unknown argument(s) {sorted(unknown)} in config; "
            f"accepted: {', '.join(sorted(accepted))}"
        )
    return cls(**{k: _build_children(v) for k, v in kwargs.items()})


def _is_config(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value


def _build_children(value: Any) -> Any:
    """Nested transform configs (containers' children) become transforms; the rest stays."""
    if _is_config(value):
        return from_dict(value)
    if isinstance(value, list) and value and all(_is_config(v) for v in value):
        return [from_dict(v) for v in value]
    return value


def save(transform, path: str | Path) -> None:
    """Write a transform config as ``.json`` or ``.yaml``/``.yml`` (chosen by suffix)."""
    path = Path(path)
    config = transform.to_dict()
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        path.write_text(yaml.safe_dump(config, sort_keys=False))
    elif path.suffix.lower() == ".json":
        path.write_text(json.dumps(config, indent=2))
    else:
        raise ValueError(f"save: path {str(path)!r} must end in .json, .yaml or .yml")


def load(path: str | Path):
    """Read a transform config written by :func:`save` (or by hand)."""
    path = Path(path)
    text = path.read_text()
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        config = yaml.safe_load(text)
    elif path.suffix.lower() == ".json":
        config = json.loads(text)
    else:
        raise ValueError(f"load: path {str(path)!r} must end in .json, .yaml or .yml")
    return from_dict(config)
