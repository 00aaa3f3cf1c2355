"""Random generators: reproducible with a seed, independent across processes and epochs.

A generator is created lazily in the process that uses it. That is what keeps PyTorch
DataLoader workers from repeating each other: a transform built in the main process and
copied into workers re-creates its generator in each worker. Without a seed it comes from
fresh OS entropy. With a seed (``Compose(seed=s)``) a worker's stream is
``SeedSequence(s, spawn_key=(worker id, worker seed))``, where the worker seed is what PyTorch
gives that worker for this epoch (``get_worker_info().seed``: a base seed drawn from torch's
generator when the epoch's workers start, plus the worker id). So workers differ, epochs differ
(non-persistent workers are started afresh every epoch with a new base seed; persistent ones
keep their stream running), and a run is reproducible whenever torch's generator is:
``torch.manual_seed(k)`` or ``DataLoader(generator=torch.Generator().manual_seed(k))``.
"""

from __future__ import annotations

import os
import sys

import numpy as np


def torch_worker_seed() -> tuple[int, int] | None:
    """``(worker id, worker seed)`` of this PyTorch DataLoader worker, or None outside one."""
    torch = sys.modules.get("torch")  # only if the user already imported torch
    if torch is None:
        return None
    info = torch.utils.data.get_worker_info()
    return None if info is None else (int(info.id), int(info.seed))


def new_generator(seed: int | None) -> np.random.Generator:
    if seed is None:
        return np.random.default_rng()
    worker = torch_worker_seed()
    if worker is None:
        return np.random.default_rng(seed)
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=worker))


_PID = os.getpid()  # this process's id, kept current across forks by the hook below


def _refresh_pid() -> None:
    global _PID
    _PID = os.getpid()


# os.getpid() is a system call (~0.1 us, on every transform call); a fork is the one way the
# id changes under a running interpreter, and Python runs this hook in every forked child
# (os.fork, multiprocessing's fork and forkserver); spawned processes import afresh
_AT_FORK = hasattr(os, "register_at_fork")
if _AT_FORK:
    os.register_at_fork(after_in_child=_refresh_pid)


class ProcessLocalGenerator:
    """Holds one generator per process, created on first use in that process."""

    __slots__ = ("seed", "_pid", "_generator")

    def __init__(self, seed: int | None):
        self.seed = seed
        self._pid = -1
        self._generator: np.random.Generator | None = None

    def get(self) -> np.random.Generator:
        pid = _PID if _AT_FORK else os.getpid()
        if self._generator is None or pid != self._pid:
            self._generator = new_generator(self.seed)
            self._pid = pid
        return self._generator

    def __getstate__(self):  # a copy sent to another process starts its own stream
        return {"seed": self.seed}

    def __setstate__(self, state):
        self.__init__(state["seed"])


def resolve(seed: int | None, rng: np.random.Generator | None,
            fallback: ProcessLocalGenerator) -> np.random.Generator:
    """The generator one call uses: an explicit rng, a per-call seed, or the transform's own."""
    if rng is not None and seed is not None:
        raise ValueError("pass either 'seed' or 'rng', not both")
    if rng is not None:
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"'rng' must be a numpy.random.Generator; got {type(rng).__name__}")
        return rng
    if seed is not None:
        return np.random.default_rng(seed)
    return fallback.get()


def uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """``float(rng.uniform(low, high))``, bit for bit: numpy computes ``low + (high - low) * u``
    from the same double ``u`` that ``rng.random()`` returns; calling that directly skips
    ~0.6 us of argument handling, which shows in per-image samplers.

    >>> import numpy as np
    >>> uniform(np.random.default_rng(3), -0.2, 0.2) == float(
    ...     np.random.default_rng(3).uniform(-0.2, 0.2))
    True
    """
    return low + (high - low) * rng.random()


def random_uint16(rng: np.random.Generator, count: int) -> np.ndarray:
    """``np.frombuffer(rng.bytes(2 * count), "<u2")``: the same numbers and the same generator
    state afterwards, ~5x faster for large draws. numpy's ``bytes`` draws 32-bit integers
    one by one, which are the little-endian halves of the bit generator's 64-bit words, low
    half first (PCG64, numpy's default; the upper half of an odd last word stays buffered
    for the next 32-bit draw, as numpy leaves it); here the words come in one call and are
    viewed, not copied. Other generators and byte orders go through ``rng.bytes``."""
    bits = rng.bit_generator
    if count < 32 or sys.byteorder != "little" or type(bits) is not np.random.PCG64:
        return np.frombuffer(rng.bytes(2 * count), dtype="<u2")
    state = bits.state
    if state["has_uint32"]:  # a buffered half word comes first: numpy's own path
        return np.frombuffer(rng.bytes(2 * count), dtype="<u2")
    halves = -(-count // 2)  # 32-bit draws numpy would make
    words = bits.random_raw(-(-halves // 2))
    if halves % 2:  # numpy keeps the last word's upper half for the next 32-bit draw
        state = bits.state
        state["has_uint32"], state["uinteger"] = 1, int(words[-1] >> np.uint64(32))
        bits.state = state
    return words.view(np.uint16)[:count]
