"""Replay records: what was applied, with concrete parameters, re-appliable to other data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from augkit.core.limits import short_repr
from augkit.core.serialize import check_depth, from_dict, to_jsonable, unique_keys
from augkit.core.targets import get_adapter


@dataclass(frozen=True)
class Step:
    """One applied leaf transform: its config and the parameters it drew."""

    transform: dict[str, Any]
    params: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {"transform": self.transform, "params": to_jsonable(self.params)}


@dataclass
class Record:
    """The sequence of steps applied by one call.

    ``record.apply(image=other, mask=m)`` applies exactly the same operations with the same
    parameters to other data (a second view, a mask produced later, a paired sample); a
    clip's record replays with ``record.apply(frames=clip)`` (see :mod:`augkit.core.group`).
    """

    steps: list[Step] = field(default_factory=list)
    modality: str = "any"
    options: dict[str, Any] = field(default_factory=dict)

    def apply(self, **data):
        from augkit.core.group import apply_step  # (group imports Step from here)

        adapter = get_adapter(self.modality)
        options = adapter.check_options(self.options)
        state = adapter.prepare(data, options)
        for step in self.steps:
            state = apply_step(from_dict(step.transform), state, step.params)
        return adapter.finalize(state, options)

    def member(self, index: int) -> Record:
        """The record of member ``index`` of a group call (frame ``index`` of a clip, view
        ``index`` of a scene), as a single-sample record: steps drawn per member give that
        member's parameters (steps it skipped are left out), shared steps stay as they are.
        """
        from augkit.core.group import PER_MEMBER

        steps = []
        for step in self.steps:
            params = step.params
            if len(params) == 1 and PER_MEMBER in params:
                drawn = params[PER_MEMBER]
                if not -len(drawn) <= index < len(drawn):
                    raise IndexError(f"record step {step.transform.get('type')!r} was drawn "
                                     f"for {len(drawn)} members; no member {index}")
                params = drawn[index]
                if params is None:
                    continue
            steps.append(Step(step.transform, params))
        return Record(steps, self.modality, dict(self.options))

    def to_dict(self) -> dict[str, Any]:
        return {
            "modality": self.modality,
            "options": to_jsonable(self.options),
            "steps": [s.to_dict() for s in self.steps],
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), **kwargs)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Record:
        """Rebuild a record from :meth:`to_dict` output; a malformed one gets a ValueError
        that names the step and the field."""
        if not isinstance(data, dict):
            raise ValueError(f"a record must be a dict; got {short_repr(data)}")
        check_depth(data, "record")
        modality, options = data.get("modality", "any"), data.get("options", {})
        if not isinstance(modality, str):
            raise ValueError(f"record: 'modality' must be a string; got {short_repr(modality)}")
        if not isinstance(options, dict):
            raise ValueError(f"record: 'options' must be a dict; got {short_repr(options)}")
        raw_steps = data.get("steps", [])
        if not isinstance(raw_steps, list):
            raise ValueError(f"record: 'steps' must be a list; got {short_repr(raw_steps)}")
        steps = []
        for i, step in enumerate(raw_steps):
            if not isinstance(step, dict) or not {"transform", "params"} <= step.keys():
                raise ValueError(f"record step {i}: expected a dict with keys 'transform' and "
                                 f"'params'; got {short_repr(step)}")
            for key in ("transform", "params"):
                if not isinstance(step[key], dict):
                    raise ValueError(f"record step {i}: {key!r} must be a dict; got "
                                     f"{short_repr(step[key])}")
            steps.append(Step(step["transform"], step["params"]))
        return cls(steps, modality, dict(options))

    @classmethod
    def from_json(cls, text: str) -> Record:
        return cls.from_dict(json.loads(text, object_pairs_hook=unique_keys))

    @property
    def names(self) -> list[str]:
        """Names of the applied transforms, in order."""
        return [s.transform["type"] for s in self.steps]
