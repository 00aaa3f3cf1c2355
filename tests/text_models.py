"""Tiny random local models shared by the text tests and conformance cases, built once per
test process in a temporary folder (no download; about a second)."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from functools import lru_cache


@lru_cache(maxsize=1)
def _root() -> str:
    root = tempfile.mkdtemp(prefix="augkit-text-models-")
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


@lru_cache(maxsize=1)
def tiny_marian() -> str:
    from augkit.text.testing import make_tiny_marian

    return make_tiny_marian(f"{_root()}/marian")


@lru_cache(maxsize=1)
def tiny_bert() -> str:
    from augkit.text.testing import make_tiny_bert

    return make_tiny_bert(f"{_root()}/bert")
