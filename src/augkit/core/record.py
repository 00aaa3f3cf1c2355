"""Replay records: what was applied, with concrete parameters, re-appliable to other data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from augkit.core.serialize import from_dict, to_jsonable
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
    parameters to other data (a second view, a mask produced later, a paired sample).
    """

    steps: list[Step] = field(default_factory=list)
    modality: str = "any"
    options: dict[str, Any] = field(default_factory=dict)

    def apply(self, **data):
        adapter = get_adapter(self.modality)
        options = adapter.check_options(self.options)
        state = adapter.prepare(data, options)
        for step in self.steps:
            state = from_dict(step.transform).apply(state, step.params)
        return adapter.finalize(state, options)

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
        steps = [Step(s["transform"], s["params"]) for s in data.get("steps", [])]
        return cls(steps, data.get("modality", "any"), dict(data.get("options", {})))

    @classmethod
    def from_json(cls, text: str) -> Record:
        return cls.from_dict(json.loads(text))

    @property
    def names(self) -> list[str]:
        """Names of the applied transforms, in order."""
        return [s.transform["type"] for s in self.steps]
