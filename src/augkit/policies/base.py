"""What every policy shares: its op set, cached ops at a magnitude, and running the ops it
draws one after another (single calls and batches).

A policy is a container whose children are built on the fly: each draw names ops, their
magnitudes and signs, and the chosen op (a fixed-strength augkit transform) runs as usual, so
a record holds the leaf ops with their parameters and replays exactly. In a batch each sample
draws its own ops; at each position of the op sequence the samples that drew the same op
run it together with its batch kernel, unless so many distinct ops were drawn that the groups
are tiny: then each sample runs its own ops.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import numpy as np

from augkit.core.registry import lookup
from augkit.core.targets import get_adapter
from augkit.core.transform import State, Transform
from augkit.core.validate import check_choice
from augkit.policies.ops import MODALITIES, PolicyOp, resolve_ops

Choice = tuple[int, float, int]  # (op index, magnitude in [0, 1], sign)
CACHE_SIZE = 4096  # ops at distinct (op, magnitude, sign): a continuous magnitude makes many
GROUPED_MIN = 4  # samples per drawn op, on average, below which a batch runs sample by sample


class Policy(Transform, register=False):
    """Base of RandAugment, TrivialAugmentWide, AutoAugment: subclasses implement
    :meth:`choose`."""

    family = "standard"

    def _set_ops(self, modality: str, ops, family: str | None = None) -> None:
        self.modality = check_choice(self, "modality", modality, MODALITIES)
        self.ops = None if ops is None else list(ops)
        self._use_ops(resolve_ops(type(self).__name__, self.modality, family or self.family,
                                  ops))

    def _use_ops(self, ops: tuple[PolicyOp, ...]) -> None:
        """The op set this policy draws from, with what the batch path needs to know."""
        self._ops: tuple[PolicyOp, ...] = ops
        self._built: OrderedDict = OrderedDict()
        self._signed = np.array([op.signed for op in self._ops], dtype=bool)
        self._fusable = [op.type is None or lookup(op.type).can_fuse() for op in self._ops]

    @property
    def op_names(self) -> list[str]:
        """Names of the ops this policy draws from."""
        return [op.name for op in self._ops]

    @property
    def op_types(self) -> set[str]:
        """The augkit transforms its records can hold."""
        return {op.type for op in self._ops if op.type is not None}

    def choose(self, rng: np.random.Generator) -> list[Choice]:
        """The ops of one application, in order."""
        raise NotImplementedError

    def choose_batch(self, rng: np.random.Generator, n: int) -> list[list[Choice]]:
        """The ops of ``n`` applications (one plan per sample, each distributed as
        :meth:`choose`); subclasses draw them with array calls."""
        return [self.choose(rng) for _ in range(n)]

    def signs(self, rng: np.random.Generator, picks) -> list[int]:
        """A random direction (±1, even odds) for each picked op that has two."""
        flips = rng.random(len(picks)) < 0.5
        signed = self._signed
        return [-1 if f and signed[i] else 1 for i, f in zip(picks, flips, strict=True)]

    def signs_batch(self, rng: np.random.Generator, picks: np.ndarray) -> np.ndarray:
        """:meth:`signs` for an integer array of picks (same shape out)."""
        flips = rng.random(picks.shape) < 0.5
        return np.where(flips & self._signed[picks], -1, 1)

    def op_at(self, index: int, m: float, sign: int) -> Transform | None:
        key = (index, m, sign)
        op = self._built.get(key)
        if op is None and key not in self._built:
            op = self._ops[index].build(m, sign)
            self._built[key] = op
            if len(self._built) > CACHE_SIZE:
                self._built.popitem(last=False)
        return op

    # -- running ----------------------------------------------------------------------------
    def run(self, state: State, rng: np.random.Generator, steps) -> State:
        if self.p < 1.0 and not rng.random() < self.p:
            return state
        return self._run_plan(state, self.choose(rng), rng, steps)

    def run_batch(self, batch, rng: np.random.Generator, steps) -> Any:
        adapter = get_adapter(self.modality)
        n = adapter.batch_size(batch)
        applied = self.applied_mask(rng, n)
        if applied.all():
            plans = self.choose_batch(rng, n)
        else:
            drawn = iter(self.choose_batch(rng, int(np.count_nonzero(applied))))
            plans = [next(drawn) if a else [] for a in applied.tolist()]
        positions = max((len(plan) for plan in plans), default=0)
        groups = [self._fused(self._groups(plans, position)) for position in range(positions)]
        if groups and n < GROUPED_MIN * max(len(g) for g in groups):
            # most samples drew an op of their own (TrivialAugment with ops that cannot fuse:
            # ~800 op x magnitude x sign keys): sub-batches of one cost more than running
            # each sample's plan
            states = adapter.split_batch(batch)
            out = [self._run_plan(st, plan, rng, None if steps is None else steps[i])
                   for i, (st, plan) in enumerate(zip(states, plans, strict=True))]
            return adapter.join_batch(out, batch)
        put_many = getattr(adapter, "put_batches", None)
        owned = False  # whether the batch's arrays are ours to write into (see put_batches)
        for by_op in groups:
            # the groups of one position hold distinct samples: each takes its sub-batch from
            # the batch as it was before this position, and all go back in one merge
            parts = []
            for keyed in by_op:
                ops = [(op, members) for op, members in
                       ((self.op_at(*key), members) for key, members in keyed.items())
                       if op is not None]
                if not ops:
                    continue
                if len(ops) == 1 and len(ops[0][1]) == n:
                    batch, owned = ops[0][0].run_batch(batch, rng, steps), False
                    continue
                members = [i for _, rows in ops for i in rows]
                idx = np.asarray(members)
                sub_steps = None if steps is None else [steps[i] for i in members]
                sub = adapter.take_batch(batch, idx)
                out = None
                if len(ops) > 1:  # one op at several magnitudes / signs: one apply if it can
                    out = ops[0][0].run_batch_fused(sub, rng, sub_steps,
                                                    [(op, len(rows)) for op, rows in ops])
                if out is None:
                    for op, rows in ops:
                        part = np.asarray(rows)
                        sub_part = sub if len(ops) == 1 else adapter.take_batch(batch, part)
                        parts.append((part, op.run_batch(sub_part, rng, None if steps is None
                                                         else [steps[i] for i in rows])))
                    continue
                parts.append((idx, out))
            if not parts:
                continue
            if put_many is not None:
                batch, owned = put_many(batch, parts, owned)
            else:
                for idx, sub in parts:
                    batch = adapter.put_batch(batch, idx, sub)
        return batch

    def _fused(self, groups: dict[Choice, list[int]]) -> list[dict[Choice, list[int]]]:
        """The groups of one position, those of one op (any magnitude or sign) together
        where its class can run them as one batch (``Transform.run_batch_fused``; the
        policy's op set fixes every other argument)."""
        by_index: dict[int, dict[Choice, list[int]]] = {}
        out = []
        for key, members in groups.items():
            if self._fusable[key[0]]:
                by_index.setdefault(key[0], {})[key] = members
            else:
                out.append({key: members})
        return out + list(by_index.values())

    @staticmethod
    def _groups(plans: list[list[Choice]], position: int) -> dict[Choice, list[int]]:
        """Samples by the op they drew at ``position``."""
        groups: dict[Choice, list[int]] = {}
        for i, plan in enumerate(plans):
            if position < len(plan):
                groups.setdefault(plan[position], []).append(i)
        return groups

    def _run_plan(self, state: State, plan: list[Choice], rng, steps) -> State:
        for index, m, sign in plan:
            op = self.op_at(index, m, sign)
            if op is not None:
                state = op.run(state, rng, steps)
        return state

    def __call__(self, *, seed=None, rng=None, return_record: bool = False, **data):
        out = super().__call__(seed=seed, rng=rng, return_record=return_record, **data)
        for key, value in data.items():  # a draw of Identity only: never the input itself
            if isinstance(value, np.ndarray) and out.get(key) is value:
                out[key] = value.copy()
        return out

    __call__.__doc__ = Transform.__call__.__doc__

    def apply(self, state: State, params) -> State:
        raise TypeError(f"{type(self).__name__} is a policy; replay its record (the ops it "
                        "drew) instead")
