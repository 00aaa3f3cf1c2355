"""Cases for the shared conformance suite (tests/test_conformance.py).

Every registered transform needs exactly one ``Case``: how to build it so that it certainly
acts (p=1 and strong settings), example data for its modality, and arguments it must reject.
Each modality keeps its cases in ``tests/cases_<modality>.py`` and adds them with ``add``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass
class Case:
    build: Callable[[], Any]  # -> Transform, acting with certainty
    data: Callable[[np.random.Generator], dict[str, Any]]  # -> keyword data for one call
    # (kwargs, exception type, text that must appear in the message) for bad constructions
    bad_args: list[tuple[dict[str, Any], type[Exception], str]] = field(default_factory=list)
    # modality check of one output against its input: dtype, shape, target alignment rules
    check: Callable[[dict[str, Any], dict[str, Any]], None] | None = None
    # seeds that must give different outputs (False for ops with no randomness)
    random: bool = True
    # only runs on batches (mixes samples): ``data`` gives the keyword arguments of
    # ``.batch`` (``inputs`` plus per-sample targets), ``check`` sees a batch output, and
    # the suite runs batch equivalents of its single-call checks
    batch_only: bool = False
    # what a batch-only transform's single call says (after its name), before ".batch("
    batch_message: str = "mixes the samples of a batch"
    # cannot run without ``label=`` (the class of each sample, from the model's classes)
    needs_label: bool = False


CASES: dict[str, Case] = {}


def add(name: str, case: Case) -> None:
    if name in CASES:
        raise ValueError(f"conformance case {name!r} defined twice")
    CASES[name] = case
