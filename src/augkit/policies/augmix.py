"""AugMix (Hendrycks et al., ICLR 2020): ``width`` chains of 1-3 random ops, mixed with
Dirichlet weights, then blended with the original by a Beta-drawn factor."""

from __future__ import annotations

import json
from collections.abc import Sequence

import cv2
import numpy as np

from augkit.core.serialize import from_dict
from augkit.core.transform import Params, State, Transform
from augkit.core.validate import check_number
from augkit.policies.base import CACHE_SIZE, Policy

_ARRAY_KEY = {"image": "image", "timeseries": "series"}
_REFUSED = {"image": ("mask", "masks", "bboxes", "keypoints"), "timeseries": ("step_labels",)}


class AugMix(Policy):
    """``mixed = (1 - m) * x + m * sum_i w_i chain_i(x)`` with ``w ~ Dirichlet(alpha)`` over
    ``width`` chains and ``m ~ Beta(alpha, alpha)``; each chain applies ``depth`` ops
    (``depth=-1``: 1 to 3, drawn per chain) drawn uniformly from the AugMix set, each at a
    magnitude drawn uniformly from [0.1, severity] / 10, as in the paper's code.
    ``all_ops=True`` adds the colour, contrast, brightness and sharpness ops (which overlap
    ImageNet-C's corruptions, hence off by default). Image (uint8 results rounded) and
    time-series arrays; masks, boxes, keypoints and per-step labels are refused, since the
    chains move them differently.

    The whole mix is one record step (its chains' ops and parameters inside), so it replays.

    >>> import numpy as np
    >>> out = AugMix()(image=np.full((16, 16, 3), 128, np.uint8), seed=0)
    >>> out["image"].shape
    (16, 16, 3)
    """

    def __init__(self, severity: float = 3, width: int = 3, depth: int = -1,
                 alpha: float = 1.0, all_ops: bool = False, ops: Sequence[str] | None = None,
                 modality: str = "image", p: float = 1.0):
        super().__init__(p=p)
        self.severity = check_number(self, "severity", severity, 0.1, 10)
        self.width = check_number(self, "width", width, 1, 100, integer=True)
        self.depth = check_number(self, "depth", depth, -1, 100, integer=True)
        if self.depth == 0:
            raise ValueError("AugMix: argument 'depth' got 0; expected -1 (1 to 3 ops per "
                             "chain, drawn) or a count >= 1")
        self.alpha = check_number(self, "alpha", alpha, 1e-6, 1e6)
        if not isinstance(all_ops, bool):
            raise TypeError(f"AugMix: argument 'all_ops' got {all_ops!r}; expected True or "
                            "False")
        self.all_ops = all_ops
        if modality == "text":
            raise ValueError("AugMix: modality 'text' cannot be mixed (texts have no "
                             "average); use RandAugment or TrivialAugmentWide for text")
        self._set_ops(modality, ops, "augmix-all" if all_ops else "augmix")
        self._replay: dict[str, object] = {}  # config (JSON) -> op, for replayed records
        self._sampled: dict[int, tuple] = {}  # id(config) -> (config, op) of sampled chains

    # AugMix draws and mixes inside one step: the plain leaf contract, not the policy's
    run = Transform.run
    run_batch = Transform.run_batch

    @property
    def op_types(self) -> set[str]:
        return {"AugMix"}  # the chains live inside its one record step

    def _check(self, state: State) -> None:
        given = [k for k in _REFUSED[self.modality] if k in state]
        if given:
            raise ValueError(f"AugMix: cannot carry {given}: each chain moves them "
                             "differently, so the mix has no single position for them; use "
                             "AugMix for classification inputs only")

    def sample(self, rng: np.random.Generator, state: State) -> Params:
        self._check(state)
        chains = []
        for _ in range(self.width):
            depth = self.depth if self.depth > 0 else int(rng.integers(1, 4))
            picks = rng.integers(0, len(self._ops), depth).tolist()
            levels = (rng.uniform(0.1, self.severity, depth) / 10.0).clip(0, 1).tolist()
            chain = []
            for index, m, sign in zip(picks, levels, self.signs(rng, picks), strict=True):
                op = self.op_at(index, m, sign)
                # every AugMix op keeps the shape, so its parameters come from the input
                chain.append({"transform": self._config(op), "params": op.sample(rng, state)})
            chains.append(chain)
        weights = rng.dirichlet([self.alpha] * self.width).tolist()
        return {"chains": chains, "weights": weights, "mix": float(rng.beta(self.alpha,
                                                                           self.alpha))}

    def _config(self, op) -> dict:
        """``op.to_dict()``, kept with the op so that :meth:`apply` finds the op of a config
        it sampled without rebuilding it."""
        config = op.to_dict()
        self._sampled[id(config)] = (config, op)
        if len(self._sampled) > CACHE_SIZE:  # drawn but never applied: forget the oldest
            self._sampled.pop(next(iter(self._sampled)))
        return config

    def _op(self, config: dict):
        sampled = self._sampled.pop(id(config), None)  # applied once: then forgotten
        if sampled is not None and sampled[0] is config:
            return sampled[1]
        key = json.dumps(config, sort_keys=True)  # a replayed record: rebuild once per config
        op = self._replay.get(key)
        if op is None:
            op = self._replay[key] = from_dict(config)
            if len(self._replay) > CACHE_SIZE:
                self._replay.clear()
        return op

    def apply(self, state: State, params: Params) -> State:
        self._check(state)
        key = _ARRAY_KEY[self.modality]
        x = state[key]
        work = np.float64 if x.dtype == np.float64 else np.float32
        total = None
        for chain, weight in zip(params["chains"], params["weights"], strict=True):
            branch = dict(state)
            for step in chain:
                branch = self._op(step["transform"]).apply(branch, step["params"])
            term = np.multiply(branch[key], work(weight), dtype=work)
            if total is None:
                total = term
            else:
                total += term
        mix = params["mix"]
        total *= work(mix)
        total += np.multiply(x, work(1.0 - mix), dtype=work)
        out = dict(state)
        out[key] = _like(total, x)
        return out


def _like(values: np.ndarray, like: np.ndarray) -> np.ndarray:
    if like.dtype == np.uint8:  # the mix is convex, so values lie in [0, 255]: round, saturate
        out = cv2.convertScaleAbs(values)
        return out.reshape(like.shape)
    if np.issubdtype(like.dtype, np.integer):
        info = np.iinfo(like.dtype)
        return np.clip(np.rint(values), info.min, info.max).astype(like.dtype)
    return values.astype(like.dtype, copy=False)
