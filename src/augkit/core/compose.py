"""Composition: Compose, OneOf, SomeOf, Sometimes, RandomOrder (all nestable).

Containers are transforms too; only the leaf transforms they apply appear in a record.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from augkit.core.group import GroupState
from augkit.core.random import ProcessLocalGenerator
from augkit.core.record import Step
from augkit.core.targets import get_adapter
from augkit.core.transform import State, Transform
from augkit.core.validate import check_number, check_range, fail


def _check_transforms(owner: str, name: str, value: Any, *, allow_empty: bool = True) -> list:
    if isinstance(value, Transform):
        value = [value]
    if not isinstance(value, (list, tuple)) or not all(isinstance(t, Transform) for t in value):
        fail(owner, name, value, "expected a list of augkit transforms", TypeError)
    if not allow_empty and not value:
        fail(owner, name, value, "expected at least one transform")
    return list(value)


def _common_modality(owner: str, transforms: Sequence[Transform]) -> str:
    found = {t.modality for t in transforms} - {"any"}
    if len(found) > 1:
        raise ValueError(f"{owner}: cannot mix modalities {sorted(found)} in one container")
    return found.pop() if found else "any"


class Container(Transform, register=False):
    """Shared machinery of the containers: children, modality, a generator."""

    transforms: list[Transform]

    def _set_children(self, transforms, *, allow_empty: bool = True) -> None:
        self.transforms = _check_transforms(type(self).__name__, "transforms", transforms,
                                             allow_empty=allow_empty)
        self.modality = _common_modality(type(self).__name__, self.transforms)

    def run(self, state: State, rng: np.random.Generator, steps: list[Step] | None) -> State:
        if self.p < 1.0 and not rng.random() < self.p:
            return state
        for child in self.chosen(rng):
            state = child.run(state, rng, steps)
        return state

    def chosen(self, rng: np.random.Generator) -> Sequence[Transform]:
        return self.transforms

    def run_batch(self, batch, rng: np.random.Generator, steps) -> Any:
        """Per-sample choices: Compose runs its children batch-wise on the samples it acts
        on; other containers pick per sample, so they run sample by sample."""
        adapter = get_adapter(self.modality)
        if type(self).chosen is not Container.chosen or type(self).run is not Container.run:
            states = adapter.split_batch(batch)
            out = [self.run(st, rng, None if steps is None else steps[i])
                   for i, st in enumerate(states)]
            return adapter.join_batch(out, batch)
        applied = self.applied_mask(rng, adapter.batch_size(batch))
        if applied.all():
            for child in self.transforms:
                batch = child.run_batch(batch, rng, steps)
            return batch
        if not applied.any():
            return batch
        picked = np.flatnonzero(applied)
        sub = adapter.take_batch(batch, picked)
        sub_steps = None if steps is None else [steps[i] for i in picked]
        for child in self.transforms:
            sub = child.run_batch(sub, rng, sub_steps)
        return adapter.put_batch(batch, picked, sub)

    def apply(self, state: State, params) -> State:  # containers replay through their leaves
        raise TypeError(f"{type(self).__name__} is a container; replay its record instead")

    def __len__(self) -> int:
        return len(self.transforms)

    def __getitem__(self, index: int) -> Transform:
        return self.transforms[index]


class Compose(Container):
    """Apply transforms in order.

    ``seed`` makes the whole stream of calls reproducible (in any process; DataLoader workers
    get distinct, still reproducible streams). ``targets`` holds call-level options of the
    modality, e.g. ``{"bbox_format": "coco", "min_visibility": 0.3}`` for images.

    >>> import numpy as np, augkit.image as A
    >>> aug = Compose([A.HorizontalFlip(p=1.0)], seed=0)
    >>> aug(image=np.arange(6, dtype=np.uint8).reshape(2, 3))["image"].tolist()
    [[2, 1, 0], [5, 4, 3]]
    """

    def __init__(self, transforms: Sequence[Transform], p: float = 1.0, seed: int | None = None,
                 targets: dict[str, Any] | None = None):
        super().__init__(p=p)
        self._set_children(transforms)
        if seed is not None:
            check_number(self, "seed", seed, 0, 2**63 - 1, integer=True)
        self.seed = seed
        self._rng = ProcessLocalGenerator(seed)
        if targets is not None and not isinstance(targets, dict):
            fail(self, "targets", targets, "expected a dict of target options", TypeError)
        self.targets = dict(targets or {})
        if self.targets:
            from augkit.core.targets import get_adapter

            get_adapter(self.modality).check_options(self.targets)

    @property
    def target_options(self) -> dict[str, Any]:
        return self.targets


class OneOf(Container):
    """Apply exactly one child, picked with ``weights`` (uniform by default).

    The picked child still honours its own ``p``.
    """

    def __init__(self, transforms: Sequence[Transform], weights: Sequence[float] | None = None,
                 p: float = 1.0):
        super().__init__(p=p)
        self._set_children(transforms, allow_empty=False)
        if weights is not None:
            if (not isinstance(weights, (list, tuple)) or len(weights) != len(self.transforms)
                    or any(isinstance(w, bool) or not isinstance(w, (int, float))
                           or not math.isfinite(w) or w < 0 for w in weights)
                    or not 0 < sum(weights) < math.inf):
                fail(self, "weights", weights,
                     f"expected {len(self.transforms)} finite non-negative numbers with a "
                     "positive, finite sum")
            weights = [float(w) for w in weights]
        self.weights = weights
        total = sum(weights) if weights else 0.0
        self._probs = None if weights is None else np.asarray(weights) / total

    def chosen(self, rng):
        return [self.transforms[int(rng.choice(len(self.transforms), p=self._probs))]]

    def run_batch(self, batch, rng: np.random.Generator, steps) -> Any:
        """Each sample picks its child (same probabilities as a single call); every child
        then runs batch-wise on the samples that picked it, so vectorised children stay
        vectorised."""
        adapter = get_adapter(self.modality)
        n = adapter.batch_size(batch)
        applied = self.applied_mask(rng, n)
        picks = rng.choice(len(self.transforms), size=n, p=self._probs)
        for c, child in enumerate(self.transforms):
            idx = np.flatnonzero(applied & (picks == c))
            if len(idx) == n:
                return child.run_batch(batch, rng, steps)
            if len(idx):
                sub = child.run_batch(adapter.take_batch(batch, idx), rng,
                                      None if steps is None else [steps[i] for i in idx])
                batch = adapter.put_batch(batch, idx, sub)
        return batch


class SomeOf(Container):
    """Apply ``n`` distinct children (an int or an inclusive (low, high) range), in list order."""

    def __init__(self, transforms: Sequence[Transform], n: int | tuple[int, int] = (1, 2),
                 p: float = 1.0):
        super().__init__(p=p)
        self._set_children(transforms, allow_empty=False)
        self.n = check_range(self, "n", n, 0, len(self.transforms), integer=True)

    def chosen(self, rng):
        k = int(rng.integers(self.n[0], self.n[1] + 1))
        picked = np.sort(rng.choice(len(self.transforms), size=k, replace=False))
        return [self.transforms[i] for i in picked]


class RandomOrder(Container):
    """Apply every child, in a fresh random order each call."""

    def __init__(self, transforms: Sequence[Transform], p: float = 1.0):
        super().__init__(p=p)
        self._set_children(transforms)

    def chosen(self, rng):
        return [self.transforms[i] for i in rng.permutation(len(self.transforms))]


class Sometimes(Container):
    """With probability ``p`` apply ``then`` (in order), otherwise apply ``otherwise``."""

    def __init__(self, then: Sequence[Transform] | Transform,
                 otherwise: Sequence[Transform] | Transform | None = None, p: float = 0.5):
        super().__init__(p=check_number(self, "p", p, 0.0, 1.0))
        self.then = _check_transforms("Sometimes", "then", then)
        self.otherwise = (None if otherwise is None
                          else _check_transforms("Sometimes", "otherwise", otherwise))
        self.transforms = self.then + (self.otherwise or [])
        self.modality = _common_modality("Sometimes", self.transforms)

    def run(self, state, rng, steps):
        branch = self.then if rng.random() < self.p else (self.otherwise or [])
        for child in branch:
            state = child.run(state, rng, steps)
        return state


class PerFrame(Container):
    """Apply transforms in order, each drawing its parameters per frame (or view) of a group.

    In a clip call (``frames=``, shared parameters by default) this is temporal jitter for
    part of a pipeline: ``Compose([RandomCrop(...), PerFrame([ColorJitter(...)])])`` crops
    every frame alike and jitters each frame's colour on its own. On a single sample (or a
    group already drawn per frame) it runs like ``Compose``.
    """

    def __init__(self, transforms: Sequence[Transform], p: float = 1.0):
        super().__init__(p=p)
        self._set_children(transforms)

    def run(self, state: State, rng: np.random.Generator, steps: list[Step] | None) -> State:
        if not isinstance(state, GroupState) or state.mode == "per_member":
            return super().run(state, rng, steps)
        if self.p < 1.0 and not rng.random() < self.p:
            return state
        group = state.with_mode("per_member")
        for child in self.transforms:
            group = child.run(group, rng, steps)
        return group.with_mode(state.mode)


def label_keyword(transform: Transform) -> str | None:
    """The keyword through which ``transform`` (or any transform inside it) reads each
    sample's class: ``"label"`` (images: ``needs_label``), ``"labels"`` (series:
    ``needs_labels``), or None. Jobs that hold the labels (the dataset runner, the
    integrations) pass them only then, so other pipelines keep their fast paths."""
    found = None
    stack = [transform]
    while stack:
        t = stack.pop()
        if getattr(t, "needs_label", False):
            return "label"
        if getattr(t, "needs_labels", False):
            found = "labels"
        stack.extend(getattr(t, "transforms", None) or ())
    return found
