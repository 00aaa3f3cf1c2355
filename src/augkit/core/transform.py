"""The transform contract.

Every augmentation is two steps:

1. ``sample(rng, state)`` draws concrete parameters (plain Python numbers and lists) from a
   ``numpy.random.Generator`` and what is known about the input. Nothing is changed yet.
2. ``apply(state, params)`` is pure: it hands the data and those parameters to kernels that
   contain no randomness, so the same parameters always give the same output.

The split gives reproducibility, replay records, aligned targets (one parameter set applied to
image, mask, boxes, ...) and policies, with one mechanism.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Sequence
from typing import Any, ClassVar

import numpy as np

from augkit.core import registry
from augkit.core.group import GROUPS, GroupState
from augkit.core.magnitude import Magnitude
from augkit.core.random import ProcessLocalGenerator, resolve
from augkit.core.record import Record, Step
from augkit.core.serialize import to_jsonable
from augkit.core.targets import get_adapter
from augkit.core.validate import check_probability

Params = dict[str, Any]
State = dict[str, Any]
Batch = dict[str, Any]


class ColumnParams(Sequence):
    """Per-sample parameters of a batch kept as columns, so vectorised kernels need no loop.

    ``applied`` is a bool array (which samples the transform acts on); each column is an
    array of length N (one value or row per sample) or a plain constant shared by all.
    Indexing gives what ``sample`` would have returned for that sample (plain Python values),
    or None where the sample is skipped.
    """

    __slots__ = ("applied", "columns")

    def __init__(self, applied: np.ndarray, **columns: Any):
        self.applied = np.asarray(applied, dtype=bool)
        self.columns = columns

    def __len__(self) -> int:
        return len(self.applied)

    def __getitem__(self, i):  # type: ignore[override]
        if not self.applied[i]:
            return None
        return {k: (v[i].tolist() if isinstance(v, np.ndarray) else v)
                for k, v in self.columns.items()}

    def __getattr__(self, name: str):
        try:
            return self.columns[name]
        except KeyError:
            raise AttributeError(name) from None

    @staticmethod
    def concatenate(parts: Sequence[ColumnParams]) -> ColumnParams:
        """The samples of ``parts`` one after another (array columns only; the same keys)."""
        first = parts[0]
        if len(parts) == 1:
            return first
        columns = {}
        for key, value in first.columns.items():
            if not isinstance(value, np.ndarray):
                raise TypeError(f"ColumnParams.concatenate: column {key!r} is not an array")
            columns[key] = np.concatenate([p.columns[key] for p in parts])
        return ColumnParams(np.concatenate([p.applied for p in parts]), **columns)


_DEFAULT_OPTIONS: dict[Any, dict[str, Any]] = {}  # adapter -> its checked default options


def _call_options(adapter, stored: dict[str, Any], data: dict[str, Any],
                  fresh: bool) -> dict[str, Any]:
    """The checked options of a batch call; option keywords are popped from ``data``.

    The common case (no stored or given options) reuses the adapter's default options,
    checked once (as ``__call__`` does); ``fresh`` copies them for records, which keep them.
    """
    if stored or not data.keys().isdisjoint(adapter.option_defaults):
        given = {k: data.pop(k) for k in list(data) if k in adapter.option_defaults}
        return adapter.check_options({**stored, **given})
    options = _DEFAULT_OPTIONS.get(adapter)
    if options is None:
        options = _DEFAULT_OPTIONS[adapter] = adapter.check_options({})
    return dict(options) if fresh else options


def _batch_adapter(modality: str):
    adapter = get_adapter(modality)
    if not hasattr(adapter, "prepare_batch"):
        raise TypeError(f"modality {modality!r} has no batch support")
    return adapter


@functools.cache
def _argument_names(cls: type) -> tuple[str, ...]:
    """``cls.__init__``'s named arguments, read once per class (a record step and every
    policy op asks for a config; inspect.signature costs ~30 us a call)."""
    sig = inspect.signature(cls.__init__)
    return tuple(n for n, prm in sig.parameters.items()
                 if n != "self" and prm.kind not in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD))


class Transform:
    """Base class of every augkit transform.

    Subclasses set ``modality``, store each ``__init__`` argument under its own name (that is
    what ``to_dict`` reads back), and implement ``sample`` and ``apply``. Subclasses are
    registered by class name; pass ``register=False`` in the class statement for base classes.
    """

    modality: ClassVar[str] = "any"
    # False where a skipped sample still changes (Mosaic tiles it alone on its canvas), so a
    # batch with no sample drawn is not returned as it came
    skipped_unchanged: ClassVar[bool] = True
    # how a policy's magnitude in [0, 1] maps onto the arguments (core.magnitude); None: the
    # op takes no part in magnitude-driven policies
    magnitude: ClassVar[Magnitude | None] = None

    def __init_subclass__(cls, register: bool = True, **kwargs):
        super().__init_subclass__(**kwargs)
        if register:
            registry.register(cls)

    def __init__(self, p: float = 1.0):
        self.p = check_probability(self, "p", p)
        self._rng = ProcessLocalGenerator(None)

    # -- the contract -----------------------------------------------------------------------
    def sample(self, rng: np.random.Generator, state: State) -> Params:
        """Draw concrete parameters for one application. Default: none."""
        return {}

    def apply(self, state: State, params: Params) -> State:
        """Apply ``params`` to every target in ``state``; pure."""
        raise NotImplementedError(f"{type(self).__name__} does not implement apply()")

    # -- running ----------------------------------------------------------------------------
    def run(self, state: State, rng: np.random.Generator, steps: list[Step] | None) -> State:
        """Apply with probability ``p``, appending what was applied to ``steps``. A group
        state (frames, views: :mod:`augkit.core.group`) runs this leaf on every member."""
        if state.__class__ is not dict and isinstance(state, GroupState):
            return state.run_leaf(self, rng, steps)
        if self.p < 1.0 and not rng.random() < self.p:
            return state
        params = self.sample(rng, state)
        if steps is not None:
            steps.append(Step(self.to_dict(), params))
        return self.apply(state, params)

    # -- batches ----------------------------------------------------------------------------
    def applied_mask(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Which of ``n`` samples this transform acts on (``p`` drawn per sample)."""
        if self.p >= 1.0:
            return np.ones(n, dtype=bool)
        return rng.random(n) < self.p

    def sample_batch(self, rng: np.random.Generator, batch: Batch) -> Sequence[Params | None]:
        """Independent parameters for every sample of ``batch`` (None where skipped).

        Default: ``p`` and then ``sample`` once per sample on that sample's own state.
        Vectorised transforms override this to return :class:`ColumnParams`.
        """
        states = get_adapter(self.modality).split_batch(batch)
        applied = self.applied_mask(rng, len(states))
        return [self.sample(rng, st) if a else None for st, a in zip(states, applied, strict=True)]

    def apply_batch(self, batch: Batch, params: Sequence[Params | None]) -> Batch:
        """Apply per-sample ``params`` to a batch; pure. Default: ``apply`` per sample."""
        adapter = get_adapter(self.modality)
        states = adapter.split_batch(batch)
        out = [st if prm is None else self.apply(st, prm)
               for st, prm in zip(states, params, strict=True)]
        return adapter.join_batch(out, batch)

    @classmethod
    def can_fuse(cls) -> bool:
        """Whether :meth:`run_batch_fused` can run instances of this class. Default: no."""
        return False

    def run_batch_fused(self, batch: Batch, rng: np.random.Generator,
                        steps: list[list[Step]] | None, parts: list[tuple[Transform, int]]
                        ) -> Batch | None:
        """Run ops of this class that differ only in their magnitude-set arguments on one
        batch: ``parts`` gives each op and how many samples it takes, in order (the first
        ``count`` rows are the first op's, and so on). None where this class has no such
        path (then each op runs its own sub-batch). Default: None."""
        return None

    def run_batch(self, batch: Batch, rng: np.random.Generator,
                  steps: list[list[Step]] | None) -> Batch:
        """Sample per-sample parameters, record them, apply them."""
        params = self.sample_batch(rng, batch)
        if steps is not None:
            config = self.to_dict()
            for i, prm in enumerate(params):
                if prm is not None:
                    steps[i].append(Step(config, prm))
        if isinstance(params, ColumnParams):
            none_drawn = not params.applied.any()
        else:
            none_drawn = all(prm is None for prm in params)
        if none_drawn and self.skipped_unchanged:
            return batch
        return self.apply_batch(batch, params)

    def batch(self, inputs: Any = None, *, seed: int | None = None,
              rng: np.random.Generator | None = None, return_records: bool = False,
              **data: Any) -> dict[str, Any]:
        """Augment a batch, drawing independent parameters for every sample.

        For images ``inputs`` is an (N, H, W[, C]) array (or a list of images) and targets
        are given per sample by keyword (see :mod:`augkit.image.batch`); a batch of clips
        comes as ``frames=[clip, ...]`` (see :mod:`augkit.image.frames`). ``seed``/``rng``
        as in ``__call__``; ``return_records=True`` adds ``"records"``, one per sample.
        """
        adapter = _batch_adapter(self.modality)
        options = _call_options(adapter, self.target_options, data, return_records)
        batch = adapter.prepare_batch(inputs, data, options)
        steps = [[] for _ in range(adapter.batch_size(batch))] if return_records else None
        generator = resolve(seed, rng, self._rng)
        groups = batch.get(GROUPS) if isinstance(batch, dict) else None
        if groups is None:
            batch = self.run_batch(batch, generator, steps)
        else:  # a batch of groups (clips, views): each one as its own call, in order
            batch = {**batch, GROUPS: [self.run(g, generator, None if steps is None
                                                else steps[i]) for i, g in enumerate(groups)]}
        out = adapter.finalize_batch(batch, options)
        if return_records:
            # an adapter may replay one sample with other options than the batch's
            # (time series: no batch axis in the layout, no copies)
            per_sample = getattr(adapter, "record_options", None)
            kept = options if per_sample is None else per_sample(options)
            out["records"] = [Record(s, self.modality, kept) for s in steps]
        return out

    @property
    def target_options(self) -> dict[str, Any]:
        """Call-level options stored on the transform (see ``Compose(targets=...)``)."""
        return {}

    def __call__(self, *, seed: int | None = None, rng: np.random.Generator | None = None,
                 return_record: bool = False, **data: Any) -> dict[str, Any]:
        """Augment the data given by keyword; returns a dict with the same keys.

        ``seed`` makes this one call deterministic; ``rng`` uses a generator you own; with
        neither, the transform's own generator is used (seeded by ``Compose(seed=...)``, else
        fresh per process). With ``return_record=True`` the result also holds ``"record"``,
        a :class:`~augkit.core.record.Record` that replays the call on other data.
        """
        adapter = get_adapter(self.modality)
        if self.target_options or not data.keys().isdisjoint(adapter.option_defaults):
            given = {k: data.pop(k) for k in list(data) if k in adapter.option_defaults}
            options = adapter.check_options({**self.target_options, **given})
        else:  # the common case: default options, checked once per adapter
            options = _DEFAULT_OPTIONS.get(adapter)
            if options is None:
                options = _DEFAULT_OPTIONS[adapter] = adapter.check_options({})
            if return_record:
                options = dict(options)
        state = adapter.prepare(data, options)
        steps: list[Step] | None = [] if return_record else None
        generator = self._rng.get() if seed is None and rng is None else resolve(seed, rng,
                                                                                  self._rng)
        state = self.run(state, generator, steps)
        out = adapter.finalize(state, options)
        if return_record:
            out["record"] = Record(steps, self.modality, options)
        return out

    @classmethod
    def at_magnitude(cls, m: float, sign: int = 1, span: float | None = None,
                     **fixed: Any) -> Transform:
        """This op at magnitude ``m`` in [0, 1] (``sign`` -1: the other direction), a fixed
        strength applied with ``p=1``; ``fixed`` sets its other arguments, ``span`` replaces
        the declared one (see :mod:`augkit.core.magnitude`).

        >>> from augkit.image import Rotate
        >>> Rotate.at_magnitude(0.5, sign=-1).limit
        (-15.0, -15.0)
        """
        if cls.magnitude is None:
            raise TypeError(f"{cls.__name__} declares no magnitude, so policies cannot use it")
        arguments = cls.magnitude.arguments(cls.magnitude.value(m, sign, span))
        return cls(**{"p": 1.0, **fixed, **arguments})

    # -- configuration ----------------------------------------------------------------------
    def get_config(self) -> dict[str, Any]:
        """Constructor arguments as stored on the instance."""
        return {n: getattr(self, n) for n in _argument_names(type(self))}

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able config; ``augkit.from_dict`` rebuilds an equal transform."""
        return {"type": type(self).__name__, **to_jsonable(self.get_config())}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(type(self).__name__)
