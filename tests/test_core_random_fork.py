"""A forked child makes its own generator (the process id is tracked by a fork hook)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from augkit import image as A
from augkit.core import random as R
from augkit.core.random import ProcessLocalGenerator

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _in_child(fn) -> bytes:
    """Run ``fn`` (returning bytes) in a forked child and return what it wrote."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.write(write, fn())
        finally:
            os._exit(0)
    os.close(write)
    os.waitpid(pid, 0)
    with os.fdopen(read, "rb") as f:
        return f.read()


def test_the_tracked_id_follows_forks():
    assert R._PID == os.getpid()
    tracked, actual = _in_child(lambda: b"%d %d" % (R._PID, os.getpid())).split()
    assert tracked == actual and int(actual) != os.getpid()
    assert R._PID == os.getpid()


def test_a_forked_child_makes_its_own_generator():
    holder = ProcessLocalGenerator(None)
    parent = holder.get()
    assert holder.get() is parent
    assert _in_child(lambda: b"new" if holder.get() is not parent else b"same") == b"new"
    assert holder.get() is parent


def test_an_unseeded_transform_does_not_repeat_its_parent_after_a_fork():
    t = A.Brightness(limit=0.5, p=1.0)
    img = np.arange(256, dtype=np.uint8).reshape(16, 16)
    t(image=img)  # the generator now exists in the parent

    def draws() -> bytes:
        return b"".join(t(image=img)["image"].tobytes() for _ in range(4))

    child = _in_child(draws)
    assert len(child) == 4 * img.size and child != draws()
