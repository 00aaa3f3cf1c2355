"""Target adapters: how a modality turns call keywords into working state and back.

A call such as ``aug(image=img, bboxes=boxes, labels=labels)`` is first *prepared* by the
adapter of the transform's modality (inputs checked, boxes converted to an internal format),
then every transform works on that state, then the adapter *finalizes* it (boxes filtered and
converted back). Core knows only this protocol; each modality registers its own adapter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from augkit.core.limits import short_repr


class TargetAdapter:
    """Adapter for data that needs no preparation: keywords pass through unchanged.

    ``options`` are call-level settings that are not data (for images: the box format and
    box filtering thresholds). They can be given per call or stored on a ``Compose``.
    """

    modality = "any"
    option_defaults: Mapping[str, Any] = {}

    def check_options(self, options: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(options) - set(self.option_defaults)
        if unknown:
            allowed = ", ".join(sorted(self.option_defaults)) or "none"
            raise ValueError(
                f"unknown {self.modality} target option(s) {sorted(unknown)}; allowed: {allowed}"
            )
        return {**self.option_defaults, **options}

    def check_keywords(self, data: Mapping[str, Any], allowed: Sequence[str], required: str,
                       missing: str) -> None:
        """Reject keywords outside ``allowed``, and a call without ``required`` (``missing``
        says how to call instead)."""
        unknown = set(data) - set(allowed)
        if unknown:
            raise ValueError(f"{self.modality} targets: unknown keyword(s) {sorted(unknown)}; "
                             f"allowed: {', '.join(allowed)}")
        if required not in data:
            raise ValueError(f"{self.modality} targets: {missing}")

    def prepare(self, data: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        if not data:
            raise ValueError("no data given: pass the data by keyword, e.g. aug(image=img)")
        return dict(data)

    def finalize(self, state: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        return state


_ADAPTERS: dict[str, TargetAdapter] = {"any": TargetAdapter()}


def register_adapter(adapter: TargetAdapter) -> TargetAdapter:
    _ADAPTERS[adapter.modality] = adapter
    return adapter


def get_adapter(modality: str) -> TargetAdapter:
    """The adapter of ``modality``; augkit's own modality packages are imported on a miss
    (a record or config replayed after only ``import augkit``)."""
    adapter = _ADAPTERS.get(modality)
    if adapter is None:
        from augkit.core import registry

        registry.load_builtins()
        adapter = _ADAPTERS.get(modality)
    if adapter is None:
        raise ValueError(f"no target adapter registered for modality {short_repr(modality)}; "
                         f"known: {', '.join(sorted(_ADAPTERS))}")
    return adapter
