"""Groups: several samples moved by one run of a pipeline (a clip's frames, a scene's views).

A :class:`GroupState` is the working state of such a call. Its own dict items are the state of
its *key member* (the first), which is what a transform's ``sample`` reads, and ``members``
holds the state of every member. A leaf transform that meets a group (``Transform.run``)
hands itself to :meth:`GroupState.run_leaf` instead of applying to one state, so containers,
policies and ``p`` draws run once per group, unchanged:

* ``mode="shared"``: one ``p`` draw and one ``sample`` on the key member; the same parameters
  are applied to every member (a flip, crop or colour jitter consistent over a clip).
* ``mode="per_member"``: every member draws its own ``p`` and parameters, one after another
  from the same generator (temporal jitter, independent views).
* ``mode="smooth"``: one ``p`` draw and two parameter sets, for the first and the last
  member; member ``i`` of ``n`` gets their float values interpolated at ``i / (n - 1)``
  (every other value, integers included, is the first set's): a rotation or a brightness
  that drifts over a clip.

A step drawn per member records ``{PER_MEMBER: [params or None, ...]}``; a shared step records
plain parameters, so a shared record also replays on a single member (one frame). Modalities
subclass the group to sample differently (image views of different sizes) and to say how the
members come back (see ``augkit.image.frames``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from augkit.core.record import Step

PER_MEMBER = "_per_member"  # the params key of a step drawn per member
GROUPS = "_groups"  # a batch of groups: the adapter's batch holds them under this key, and
# Transform.batch runs each as its own call (no vectorised path across groups)
MODES = ("shared", "per_member", "smooth")


class GroupState(dict):
    """The state of a group call: the key member's items, plus ``members`` and ``mode``.

    ``info`` is what the modality needs to hand the members back (input layout, kinds);
    transforms never read it. Subclasses override :meth:`sample_shared` (how one parameter
    set is drawn for all members).

    A subclass with ``lazy = True`` (clips) applies each step to the key member at once and
    keeps it in ``pending`` for the others, which are brought up to date one member at a
    time (:meth:`iter_members`, when the modality hands them back, or :meth:`flushed`,
    before a step that reads every member): a member's intermediate images are freed
    before the next member's are made, so a clip never holds one temporary per frame and
    op (with glibc's allocator, many live arrays of a few hundred kB that are then freed
    come back from the OS with every page faulting again: 1.6x the time of a 16-frame
    256x256 clip).
    """

    __slots__ = ("members", "mode", "info", "pending")
    lazy = False

    def __init__(self, members: list[dict[str, Any]], mode: str = "shared",
                 info: dict[str, Any] | None = None, pending: tuple = ()):
        super().__init__(members[0])
        self.members = members  # members[0] is current; the others lag by ``pending``
        self.mode = mode
        self.info = info if info is not None else {}
        self.pending = pending  # ((transform, params), ...) applied to the key member only

    def rebuilt(self, members: list[dict[str, Any]], pending: tuple = ()) -> GroupState:
        return type(self)(members, self.mode, self.info, pending)

    def with_mode(self, mode: str) -> GroupState:
        return type(self)(self.members, mode, self.info, self.pending)

    # -- members brought up to date ---------------------------------------------------------
    def _caught_up(self, index: int) -> dict[str, Any]:
        member = self.members[index]
        if index == 0:
            return member
        for transform, params in self.pending:
            per = params.get(PER_MEMBER) if len(params) == 1 else None
            if per is None:
                member = transform.apply(member, params)
            elif per[index] is not None:
                member = transform.apply(member, per[index])
        return member

    def iter_members(self):
        """Every member's current state, in order, each made when it is asked for."""
        for index in range(len(self.members)):
            yield self._caught_up(index)

    def flushed(self) -> GroupState:
        """This group with every member up to date (nothing pending)."""
        if not self.pending:
            return self
        return self.rebuilt(list(self.iter_members()))

    # -- running one leaf transform ---------------------------------------------------------
    def run_leaf(self, transform, rng: np.random.Generator, steps: list[Step] | None
                 ) -> GroupState:
        """``transform.run`` on every member: one draw (shared) or one per member."""
        if self.mode == "per_member":
            return self.flushed()._run_per_member(transform, rng, steps)
        if transform.p < 1.0 and not rng.random() < transform.p:
            return self
        params = self.sample_shared(transform, rng)
        if self.mode == "smooth" and len(self.members) > 1:
            params = smooth_params(params, self.sample_shared(transform, rng),
                                   len(self.members))
        if steps is not None:
            steps.append(Step(transform.to_dict(), params))
        return self.apply_params(transform, params)

    def _run_per_member(self, transform, rng, steps) -> GroupState:
        drawn: list[Any] = []
        out = []
        for member in self.members:
            if transform.p < 1.0 and not rng.random() < transform.p:
                drawn.append(None)
                out.append(member)
                continue
            params = transform.sample(rng, member)
            drawn.append(params)
            out.append(transform.apply(member, params))
        if steps is not None and any(d is not None for d in drawn):
            steps.append(Step(transform.to_dict(), {PER_MEMBER: drawn}))
        return self.rebuilt(out)

    def sample_shared(self, transform, rng: np.random.Generator) -> dict[str, Any]:
        """The parameters of a shared step. Default: ``sample`` on the key member (members
        of one shape, such as frames, would all draw the same)."""
        return transform.sample(rng, self)

    # -- applying parameters (a run, or a record replayed) ----------------------------------
    def apply_params(self, transform, params: dict[str, Any]) -> GroupState:
        """One step's parameters (shared, or ``{PER_MEMBER: [...]}``) on every member."""
        per = params.get(PER_MEMBER) if len(params) == 1 else None
        if per is not None and len(per) != len(self.members):
            raise ValueError(f"record step {transform.to_dict()['type']}: drawn for "
                             f"{len(per)} members, replayed on {len(self.members)}; replay a "
                             "record on a group of the size it was drawn for")
        if self.lazy:  # the key member now, the others when they are asked for
            own = params if per is None else per[0]
            key = self.members[0] if own is None else transform.apply(self.members[0], own)
            return self.rebuilt([key, *self.members[1:]],
                                self.pending + ((transform, params),))
        if per is None:
            return self.rebuilt([transform.apply(m, params) for m in self.members])
        return self.rebuilt([m if p is None else transform.apply(m, p)
                             for m, p in zip(self.members, per, strict=True)])


def interpolate(a: Any, b: Any, w: float) -> Any:
    """``a`` moved ``w`` of the way to ``b``: floats (not bools, not integers) interpolated,
    lists and dicts of one structure element by element, anything else ``a``."""
    if type(a) is float and type(b) is float:
        return a + (b - a) * w
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [interpolate(x, y, w) for x, y in zip(a, b, strict=True)]
    if isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys():
        return {k: interpolate(v, b[k], w) for k, v in a.items()}
    return a


def smooth_params(first: dict[str, Any], last: dict[str, Any], n: int) -> dict[str, Any]:
    """The params of a smooth step over ``n`` members: plain when nothing varies."""
    drawn = [interpolate(first, last, i / (n - 1)) for i in range(n)]
    if all(d == first for d in drawn[1:]):
        return first
    return {PER_MEMBER: drawn}


def apply_step(transform, state: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """``transform.apply`` of one recorded step, on a group or on a single state."""
    if isinstance(state, GroupState):
        return state.apply_params(transform, params)
    if len(params) == 1 and PER_MEMBER in params:
        raise ValueError(f"record step {transform.to_dict()['type']} drew parameters per "
                         "frame or view; replay the record on a group (e.g. "
                         "record.apply(frames=...) or record.apply(views=...))")
    return transform.apply(state, params)
