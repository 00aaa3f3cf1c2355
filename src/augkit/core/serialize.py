"""Dict / JSON / YAML round-trip of transforms, safe by construction.

Only names found in the transform registry are built, with arguments checked against the
class signature; YAML is read with ``yaml.safe_load``. No pickle, no imports from config text.
"""

from __future__ import annotations

import functools
import inspect
import json
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core import registry
from augkit.core.limits import get_limits, short_repr


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
    """Build a transform (and its children) from ``Transform.to_dict()`` output.

    The config is checked first against the nesting limit (``max_config_depth``), so a
    hostile document gets a clear ``ValueError`` rather than a ``RecursionError``.
    """
    check_depth(config, "config")
    return _build(config)


def _build(config: Any):
    if not isinstance(config, dict) or "type" not in config:
        raise ValueError("a transform config must be a dict with a 'type' key; got "
                         f"{short_repr(config)}")
    cls = registry.lookup(config["type"])
    kwargs = {k: v for k, v in config.items() if k != "type"}
    accepted = _accepted(cls)
    unknown = set(kwargs) - accepted
    if unknown:
        raise ValueError(
            f"{cls.__name__}: unknown argument(s) {short_repr(sorted(map(str, unknown)))} in "
            f"config; accepted: {', '.join(sorted(accepted))}"
        )
    return cls(**{k: _build_children(v) for k, v in kwargs.items()})


@functools.cache
def _accepted(cls: type) -> frozenset[str]:
    """``cls.__init__``'s argument names, read once per class (replayed records rebuild
    their ops: inspect.signature costs ~50 us a call)."""
    return frozenset(inspect.signature(cls.__init__).parameters) - {"self"}


def _is_config(value: Any) -> bool:
    return isinstance(value, dict) and "type" in value


def _build_children(value: Any) -> Any:
    """Nested transform configs (containers' children) become transforms; the rest stays."""
    if _is_config(value):
        return _build(value)
    if isinstance(value, list) and value and all(_is_config(v) for v in value):
        return [_build(v) for v in value]
    return value


def check_depth(value: Any, what: str) -> None:
    """Refuse lists/dicts nested deeper than ``max_config_depth`` (walked without recursion)."""
    limit = get_limits().max_config_depth
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, (list, tuple)):
            children = item
        else:
            continue
        if depth > limit:
            raise ValueError(f"{what} is nested more than {limit} levels deep; raise "
                             "augkit.set_limits(max_config_depth=...) if you mean it")
        stack.extend((child, depth + 1) for child in children)


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
    """Read a transform config written by :func:`save` (or by hand).

    Files past ``max_config_bytes`` (1 MiB) are refused before they are read, as are
    duplicate keys, YAML documents whose aliases expand past ``max_config_nodes`` values and
    nesting past ``max_config_depth`` (see :mod:`augkit.core.limits`).
    """
    path = Path(path)
    fmt = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(f"load: path {str(path)!r} must end in .json, .yaml or .yml")
    check_text_size(path.stat().st_size, f"config file {str(path)!r}")
    return from_dict(parse_config(path.read_text(), fmt))


def check_text_size(nbytes: int, what: str) -> None:
    limit = get_limits().max_config_bytes
    if nbytes > limit:
        raise ValueError(f"{what} has {nbytes} bytes, above the limit of {limit} "
                         "(augkit.set_limits(max_config_bytes=...) raises it)")


def parse_config(text: str, fmt: str) -> Any:
    """Parse config text (``fmt`` "json" or "yaml") into plain dicts and lists, safely."""
    check_text_size(len(text.encode("utf-8", "surrogatepass")), f"{fmt.upper()} text")
    try:
        if fmt == "json":
            value = json.loads(text, object_pairs_hook=unique_keys)
        elif fmt == "yaml":
            value = _parse_yaml(text)
        else:
            raise ValueError(f"config format {fmt!r} is not one of ['json', 'yaml']")
    except RecursionError:
        raise ValueError(f"{fmt.upper()} config is nested too deeply to parse (limit "
                         f"{get_limits().max_config_depth} levels)") from None
    check_depth(value, f"{fmt.upper()} config")
    return value


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {short_repr(key)} in JSON object: a config key "
                             "may appear once")
        out[key] = value
    return out


def _yaml_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster

    class UniqueKeySafeLoader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _ in node.value:
                key = self.construct_object(key_node, deep=True)
                if isinstance(key, (list, dict)):
                    continue  # SafeConstructor reports unhashable keys itself
                if key in seen:
                    raise ValueError(f"duplicate key {short_repr(key)} in YAML mapping (line "
                                     f"{key_node.start_mark.line + 1}): a config key may "
                                     "appear once")
                seen.add(key)
            return super().construct_mapping(node, deep=deep)

    return UniqueKeySafeLoader


def _parse_yaml(text: str) -> Any:
    loader = _yaml_loader()(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _check_expanded_size(root) -> None:
    """Count the values a YAML node graph holds once its aliases are expanded, without
    expanding them: a node's size is computed once and shared by every alias to it."""
    import yaml

    limit = get_limits().max_config_nodes
    sizes: dict[int, int] = {}
    pending: set[int] = set()
    stack = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        if isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = node.value
        else:
            sizes[key] = 1
            continue
        if not children_done:
            if key in pending:
                raise ValueError("YAML config refers to itself through an alias; configs "
                                 "must be trees")
            pending.add(key)
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in sizes)
            continue
        pending.discard(key)
        sizes[key] = 1 + sum(sizes[id(child)] for child in children)
        if sizes[key] > limit:
            raise ValueError(f"YAML config holds more than {limit} values once its aliases "
                             "are expanded; refused (augkit.set_limits(max_config_nodes=...) "
                             "raises the limit)")


def json_default(value: Any) -> Any:
    """``json.dumps(..., default=json_default)``: numpy scalars, arrays, tuples and paths as
    JSON values (reports and summaries)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (tuple, np.ndarray)):
        return list(value) if isinstance(value, tuple) else value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} to JSON")
