"""Static applicability warnings: ops that are likely wrong for this data, before any training.

The knowledge lives in a table (``resources/quality/applicability.yaml``, read with augkit's safe
YAML loader): what each
op assumes about the data, and rules saying which domains or data facts break an assumption,
why, and what to use instead. Users extend it with their own table of the same schema.

>>> from augkit import image as A
>>> import augkit
>>> found = applicability_warnings(augkit.Compose([A.HorizontalFlip(), A.Rotate(limit=10)]),
...                                domain="chest-xray")
>>> [(w.op, w.rule) for w in found]
[('HorizontalFlip', 'mirrored-anatomy')]
>>> print(found[0].instead)
a small Rotate (limit <= 10) or Affine translation/scale; keep the orientation
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from augkit.core.limits import short_repr
from augkit.core.serialize import parse_config
from augkit.quality.facts import infer_facts

__all__ = ["ApplicabilityWarning", "RuleTable", "applicability_warnings", "load_rules"]

_RULE_KEYS = {"id", "assumption", "domains", "facts", "params", "reason", "instead"}


@dataclass(frozen=True)
class ApplicabilityWarning:
    op: str          # the op's class name
    path: str        # where it sits in the pipeline, e.g. "Compose[0]" or "Compose[2].OneOf[1]"
    rule: str        # the rule's id
    trigger: str     # what made it fire: "domain 'chest-xray'" or "data: greyscale"
    reason: str
    instead: str

    def __str__(self) -> str:
        return f"{self.path} {self.op}: {self.reason} ({self.trigger}). Instead: {self.instead}"


@dataclass(frozen=True)
class RuleTable:
    domains: Mapping[str, str]
    ops: Mapping[str, tuple[str, ...]]
    rules: tuple[Mapping[str, Any], ...]

    def merged(self, other: RuleTable) -> RuleTable:
        ops = {k: tuple(dict.fromkeys(self.ops.get(k, ()) + other.ops.get(k, ())))
               for k in {**self.ops, **other.ops}}
        return RuleTable({**self.domains, **other.domains}, ops, self.rules + other.rules)


def _fail(where: str, message: str):
    raise ValueError(f"applicability rules ({where}): {message}")


def parse_rules(document: Any, where: str = "<dict>") -> RuleTable:
    """Check a rules document (the parsed YAML / JSON) and build a :class:`RuleTable`."""
    if not isinstance(document, Mapping):
        _fail(where, f"expected a mapping with domains/ops/rules, got {short_repr(document)}")
    unknown = set(document) - {"domains", "ops", "rules"}
    if unknown:
        _fail(where, f"unknown top-level keys {sorted(unknown)}; allowed: domains, ops, rules")
    domains = dict(document.get("domains") or {})
    ops = {}
    for name, assumptions in (document.get("ops") or {}).items():
        if not isinstance(assumptions, list) or not all(isinstance(a, str) for a in assumptions):
            _fail(where, f"ops.{name} must be a list of assumption names, got "
                  f"{short_repr(assumptions)}")
        ops[str(name)] = tuple(assumptions)
    rules = []
    for index, rule in enumerate(document.get("rules") or []):
        label = f"rules[{index}]"
        if not isinstance(rule, Mapping):
            _fail(where, f"{label} must be a mapping, got {short_repr(rule)}")
        bad = set(rule) - _RULE_KEYS
        if bad:
            _fail(where, f"{label} has unknown keys {sorted(bad)}; allowed: {sorted(_RULE_KEYS)}")
        for key in ("id", "assumption", "reason", "instead"):
            if not isinstance(rule.get(key), str) or not rule[key]:
                _fail(where, f"{label} needs a non-empty string '{key}'")
        if not rule.get("domains") and not rule.get("facts"):
            _fail(where, f"{label} ({rule['id']}) needs 'domains' or 'facts' (else it would "
                  "fire for every dataset)")
        for domain in rule.get("domains") or []:
            if domain not in domains:
                _fail(where, f"{label} ({rule['id']}) names domain {domain!r}, which the "
                      "table's 'domains' does not define")
        rules.append(dict(rule))
    return RuleTable(domains, ops, tuple(rules))


@lru_cache(maxsize=1)
def _builtin() -> RuleTable:
    text = resources.files("augkit.resources").joinpath(
        "quality/applicability.yaml").read_text("utf-8")
    return parse_rules(parse_config(text, "yaml"), "augkit's applicability.yaml")


def load_rules(extra: str | Path | Mapping | None = None) -> RuleTable:
    """augkit's table, plus ``extra`` (a YAML path or an already-parsed mapping) when given."""
    table = _builtin()
    if extra is None:
        return table
    if isinstance(extra, Mapping):
        return table.merged(parse_rules(extra))
    path = Path(extra)
    fmt = "json" if path.suffix.lower() == ".json" else "yaml"
    return table.merged(parse_rules(parse_config(path.read_text("utf-8"), fmt), str(path)))


def _leaves(transform, path: str) -> Iterator[tuple[str, Any]]:
    children = getattr(transform, "transforms", None)
    if children is None:
        yield path, transform
        return
    for index, child in enumerate(children):
        yield from _leaves(child, f"{path}[{index}].{type(child).__name__}"
                           if getattr(child, "transforms", None) is not None
                           else f"{path}[{index}]")


def applicability_warnings(pipeline, *, domain: str | None = None, inputs: Any = None,
                           modality: str | None = None, facts: Mapping[str, bool] | None = None,
                           rules: str | Path | Mapping | RuleTable | None = None
                           ) -> list[ApplicabilityWarning]:
    """The ops of ``pipeline`` that the rules say are likely wrong for this data.

    ``domain`` is one of the table's domains (``load_rules().domains``); ``inputs`` (with
    ``modality``, taken from the pipeline when it has one) lets augkit infer the data facts
    (:func:`augkit.quality.facts.infer_facts`); ``facts`` sets them directly.
    """
    table = rules if isinstance(rules, RuleTable) else load_rules(rules)
    if domain is not None and domain not in table.domains:
        raise ValueError(f"domain {domain!r} is not known; known domains: "
                         f"{', '.join(sorted(table.domains))} (add your own in a rules file)")
    known = dict(facts or {})
    if inputs is not None:
        modality = modality or getattr(pipeline, "modality", None)
        known = {**infer_facts(modality, inputs), **known}
    found = []
    root = type(pipeline).__name__
    for path, op in _leaves(pipeline, root):
        name = type(op).__name__
        assumptions = set(table.ops.get(name, ())) | set(getattr(op, "assumptions", ()))
        for rule in table.rules:
            if rule["assumption"] not in assumptions:
                continue
            if any(getattr(op, key, object()) != value
                   for key, value in (rule.get("params") or {}).items()):
                continue
            trigger = None
            if domain is not None and domain in (rule.get("domains") or ()):
                trigger = f"domain {domain!r}"
            wanted = rule.get("facts") or {}
            if trigger is None and wanted and all(known.get(k) == v for k, v in wanted.items()):
                trigger = "data: " + ", ".join(k if v else f"not {k}" for k, v in wanted.items())
            if trigger is not None:
                found.append(ApplicabilityWarning(name, path, rule["id"], trigger,
                                                  rule["reason"], rule["instead"]))
    return found
