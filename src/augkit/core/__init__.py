"""Modality-free machinery: the transform contract, composition, randomness, records, configs."""

from augkit.core.compose import Compose, OneOf, PerFrame, RandomOrder, SomeOf, Sometimes
from augkit.core.multiview import MultiView
from augkit.core.record import Record, Step
from augkit.core.registry import registered
from augkit.core.serialize import from_dict, load, save
from augkit.core.transform import Transform

__all__ = [
    "Compose", "MultiView", "OneOf", "PerFrame", "RandomOrder", "Record", "SomeOf", "Sometimes",
    "Step", "Transform", "from_dict", "load", "registered", "save",
]
