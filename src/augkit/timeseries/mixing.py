"""Pattern mixing: transforms that combine several series of a batch.

They act on the whole batch in one call, ``aug(series=X, labels=y)`` with ``X`` of shape
(N, T, C), and choose partners inside it:

- ``SeriesMixUp`` / ``SeriesCutMix`` mix any two series. The output keeps ``labels`` and adds
  ``mix_index`` (the partner of each series), ``mix_lambda`` (the weight of the series' own
  label) and ``labels_mix`` (the partner's label, when labels are given). Train with
  ``lam * loss(y) + (1 - lam) * loss(labels_mix)``, or build soft targets with
  :func:`soft_labels`. ``p`` is drawn per series: a series not drawn is its own partner
  with ``lam = 1``; a call that mixes none adds no mix keys (read that as ``lam = 1``).
- ``Spawner``, ``WeightedDBA``, ``RandomGuidedWarp`` and ``DiscriminativeGuidedWarp`` combine
  series of the *same class* (``labels`` required), so every output keeps its own label;
  the series drawn by ``p`` are rebuilt with partners from the whole batch.
  The guided warps move per-step labels with the series; SPAWNER and DBA build new time
  axes and reject ``step_labels``.

>>> import numpy as np
>>> X = np.random.default_rng(0).normal(size=(6, 40, 1))
>>> out = SeriesMixUp(p=1.0)(series=X, labels=[0, 0, 1, 1, 2, 2], seed=0)
>>> out["series"].shape, len(out["labels_mix"]), len(out["mix_lambda"])
((6, 40, 1), 6, 6)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from augkit.core.transform import Params, State
from augkit.core.validate import check_number
from augkit.timeseries.base import APPLIED_TO, SEED_MAX, SeriesTransform, n_series, step_mode
from augkit.timeseries.dtw import BACKENDS, band
from augkit.timeseries.functional import mix as M
from augkit.timeseries.functional.resample import gather
from augkit.timeseries.targets import ADAPTER, NAN_KEY

MIX_KEYS = ("mix_index", "mix_lambda", "labels_mix")


def soft_labels(labels: Any, labels_mix: Any, mix_lambda: Any, num_classes: int) -> np.ndarray:
    """(N, num_classes) targets ``lam * onehot(labels) + (1 - lam) * onehot(labels_mix)``
    for integer class labels.

    >>> soft_labels([0, 1], [1, 1], [0.75, 0.5], 2).tolist()
    [[0.75, 0.25], [0.0, 1.0]]
    """
    y, ym = np.asarray(labels, np.intp), np.asarray(labels_mix, np.intp)
    lam = np.asarray(mix_lambda, np.float64)[:, None]
    eye = np.eye(num_classes)
    return lam * eye[y] + (1.0 - lam) * eye[ym]


def _check_window(owner, window):
    if window is None:
        return None
    try:
        band(window, 10, 10)
    except (TypeError, ValueError):
        raise ValueError(f"{type(owner).__name__}: argument 'window' got {window!r}; expected "
                         "None, an int >= 0 (steps) or a float in (0, 1]") from None
    return float(window) if isinstance(window, float) else int(window)


def _check_backend(owner, backend):
    if backend not in BACKENDS:
        raise ValueError(f"{type(owner).__name__}: argument 'backend' got {backend!r}; "
                         f"expected one of {list(BACKENDS)}")
    return backend


class MixTransform(SeriesTransform, register=False):
    """Base of the mixing transforms: needs an equal-length batch of >= 2 series."""

    needs_labels = False
    keeps_step_labels = True

    def check_state(self, state: State) -> None:
        name = type(self).__name__
        if isinstance(state["series"], list):
            raise ValueError(f"{name}: needs a batch of equal-length series (an (N, T, C) "
                             "array); got a list of series")
        if n_series(state) < 2:
            raise ValueError(f"{name}: needs a batch of at least 2 series to mix; got "
                             f"{n_series(state)}")
        if self.needs_labels and "labels" not in state:
            raise ValueError(f"{name}: combines series of the same class; pass class labels, "
                             "e.g. aug(series=X, labels=y)")
        if not self.keeps_step_labels and "step_labels" in state:
            raise ValueError(f"{name}: builds a new time axis, so per-step labels cannot be "
                             "carried; drop 'step_labels' or use RandomGuidedWarp")

    def sample_some(self, rng, state: State, idx: np.ndarray) -> Params:
        # the series drawn by p are mixed with partners from the whole batch
        return self.sample(rng, state)

    def apply(self, state: State, params: Params) -> State:
        if APPLIED_TO not in params:
            return self.apply_rows(state, params, None)
        idx = np.asarray(params[APPLIED_TO], np.intp)
        return self.apply_rows(state, {k: v for k, v in params.items() if k != APPLIED_TO},
                               idx)

    def apply_rows(self, state: State, params: Params, rows: np.ndarray | None) -> State:
        """``state`` with series ``rows`` (None: all) mixed, partners from the whole batch,
        the others as they came. Default (ops that implement ``apply_state``): mix all, keep
        those rows; the DTW ops override this to build only those rows."""
        full = self.apply_state(state, params)
        if rows is None:
            return full
        out = ADAPTER.put_batch(state, rows, ADAPTER.take_batch(full, rows))
        return self.untouched(out, full, rows)

    @staticmethod
    def rebuilt(state: State, rows: np.ndarray | None, sub: State) -> State:
        """``sub`` (the new state of series ``rows``) put back into ``state``."""
        return sub if rows is None else ADAPTER.put_batch(state, rows, sub)

    @staticmethod
    def some(state: State, rows: np.ndarray | None) -> State:
        """A new state of series ``rows`` (None: all) to build the output in."""
        return dict(state) if rows is None else ADAPTER.take_batch(state, rows)

    def untouched(self, out: State, full: State, idx: np.ndarray) -> State:
        """``out`` (series ``idx`` from ``full``), completed with what the op adds."""
        return out

    def run_batch(self, batch, rng, steps):
        # the batch state is the call state: mix as a call does (p per series); a record of
        # one series would name partners it does not carry, so records are refused
        if steps is not None:
            raise ValueError(f"{type(self).__name__} combines series of one batch, so it "
                             "cannot give a record per series; use aug.batch(X, labels=y) "
                             "without return_records, or one call on the whole batch: "
                             "aug(series=X, labels=y, return_record=True)")
        return self.run(batch, rng, None)

    @staticmethod
    def classes(state: State) -> np.ndarray:
        labels = np.asarray(state["labels"])
        return np.unique(labels, return_inverse=True, axis=0 if labels.ndim > 1 else None)[1]

    @staticmethod
    def same_class_partner(rng, cls: np.ndarray) -> list[int]:
        """A random other series of the same class for each series (itself if alone)."""
        out = []
        for i, c in enumerate(cls):
            pool = np.flatnonzero((cls == c) & (np.arange(len(cls)) != i))
            out.append(int(rng.choice(pool)) if pool.size else i)
        return out

    def moved(self, state: State, positions: np.ndarray) -> State:
        """Gather series, per-step labels and NaN mask from the same positions."""
        out = dict(state)
        out["series"] = gather(state["series"], positions)
        if "step_labels" in state:
            out["step_labels"] = gather(state["step_labels"], positions, step_mode(state))
        if NAN_KEY in state:
            out[NAN_KEY] = gather(state[NAN_KEY], positions, "nearest")
        return out


class _LabelMixing(MixTransform, register=False):
    def sample(self, rng, state):
        self.check_state(state)
        n = n_series(state)
        partner = rng.permutation(n)
        lam = rng.beta(self.alpha, self.alpha, n) if self.alpha > 0 else np.full(n, 0.5)
        return {"partner": partner.tolist(), "lam": lam.tolist(), **self.extra(rng, n)}

    def extra(self, rng, n: int) -> Params:
        return {}

    def finish(self, state: State, out: State, partner: np.ndarray, lam: np.ndarray) -> State:
        if "mix_index" in state:
            raise ValueError(f"{type(self).__name__}: the batch was already mixed by MixUp or "
                             "CutMix; use one label-mixing transform per pipeline")
        out["mix_index"] = partner
        out["mix_lambda"] = lam
        if "labels" in state:
            out["labels_mix"] = np.asarray(state["labels"])[partner]
        return out

    def untouched(self, out: State, full: State, idx: np.ndarray) -> State:
        # series not drawn by p are their own partner with weight 1
        keep = np.ones(len(full["mix_index"]), bool)
        keep[idx] = False
        out["mix_index"] = np.where(keep, np.arange(keep.size), full["mix_index"])
        out["mix_lambda"] = np.where(keep, 1.0, full["mix_lambda"])
        if "labels_mix" in full:
            labels = np.asarray(out["labels"])
            mixed = full["labels_mix"].astype(np.result_type(labels, full["labels_mix"]))
            mixed[keep] = labels[keep]
            out["labels_mix"] = mixed
        return out


class SeriesMixUp(_LabelMixing):
    """MixUp for series: ``lam * x + (1 - lam) * x[partner]``, ``lam ~ Beta(alpha, alpha)``
    per series, partners a random permutation of the batch. Float per-step labels are mixed
    the same way; integer ones come from whichever series has the larger weight."""

    def __init__(self, alpha: float = 0.2, p: float = 0.5):
        super().__init__(p=p)
        self.alpha = check_number(self, "alpha", alpha, 0.0, 100.0)

    def apply_state(self, state, params):
        self.check_state(state)
        partner = np.asarray(params["partner"], np.intp)
        lam = np.asarray(params["lam"], np.float64)
        out = dict(state)
        out["series"] = M.mixup(state["series"], partner, lam)
        if "step_labels" in state:
            lab = state["step_labels"]
            if step_mode(state) == "nearest":
                out["step_labels"] = np.where((lam >= 0.5)[:, None, None], lab, lab[partner])
            else:
                out["step_labels"] = M.mixup(lab, partner, lam)
        if NAN_KEY in state:
            nan = state[NAN_KEY]
            out[NAN_KEY] = (nan & (lam > 0)[:, None, None]) | (nan[partner]
                                                              & (lam < 1)[:, None, None])
        return self.finish(state, out, partner, lam)


class SeriesCutMix(_LabelMixing):
    """CutMix for series: a segment of ``1 - lam`` x the length (``lam ~ Beta(alpha,
    alpha)``) at a random place is replaced by the partner's same segment; ``mix_lambda`` is
    the exact fraction of steps kept. Per-step labels and NaN marks are pasted alike."""

    def __init__(self, alpha: float = 1.0, p: float = 0.5):
        super().__init__(p=p)
        self.alpha = check_number(self, "alpha", alpha, 0.0, 100.0)

    def extra(self, rng, n):
        return {"start": rng.random(n).tolist()}

    def apply_state(self, state, params):
        self.check_state(state)
        x = state["series"]
        n, t, _ = x.shape
        partner = np.asarray(params["partner"], np.intp)
        mask = M.cut_mask(n, t, np.asarray(params["start"]), 1.0 - np.asarray(params["lam"]))
        out = dict(state)
        for key in ("series", "step_labels", NAN_KEY):
            if key in state:
                out[key] = np.where(mask[..., None], state[key][partner], state[key])
        lam = 1.0 - mask.mean(axis=1)
        return self.finish(state, out, partner, lam)


class Spawner(MixTransform):
    """SPAWNER (Kamycki et al. 2020): each series and a random same-class partner are split
    at a random point, both halves aligned by DTW (band ``window``) and averaged along the
    path, then resampled to the length with noise of ``sigma`` x channel std added. A NaN of
    the series stays NaN where the steps averaged from it land (the partner's gaps enter as
    their interpolated fill)."""

    needs_labels = True
    keeps_step_labels = False

    def __init__(self, sigma: float = 0.05, window: int | float | None = 0.1,
                 backend: str = "auto", p: float = 0.5):
        super().__init__(p=p)
        self.sigma = check_number(self, "sigma", sigma, 0.0, 10.0)
        self.window = _check_window(self, window)
        self.backend = _check_backend(self, backend)

    def sample(self, rng, state):
        self.check_state(state)
        n = n_series(state)
        return {"partner": self.same_class_partner(rng, self.classes(state)),
                "cut": rng.uniform(0.1, 0.9, n).tolist(),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_rows(self, state, params, rows):
        self.check_state(state)
        out = self.some(state, rows)
        out["series"], source = M.spawner(state["series"], params["partner"], params["cut"],
                                          self.sigma, self.window, params["noise_seed"],
                                          self.backend, rows)
        if NAN_KEY in out:  # a step averaged from a missing step of the series is missing
            out[NAN_KEY] = gather(out[NAN_KEY], source)
        return self.rebuilt(state, rows, out)


class WeightedDBA(MixTransform):
    """Weighted DTW barycentre averaging (Forestier et al. 2017): each series is averaged
    with up to ``n_neighbors`` random series of its class, weighted ``0.5 ** (d / d_min)`` by
    DTW distance to it (itself weight 1), refined for ``iterations`` DBA steps. The average
    lives on the series' own time axis, so its NaN marks stay in place (members' gaps enter
    as their interpolated fill)."""

    needs_labels = True
    keeps_step_labels = False

    def __init__(self, n_neighbors: int = 5, iterations: int = 3,
                 window: int | float | None = 0.1, backend: str = "auto", p: float = 0.5):
        super().__init__(p=p)
        self.n_neighbors = check_number(self, "n_neighbors", n_neighbors, 1, 1000, integer=True)
        self.iterations = check_number(self, "iterations", iterations, 1, 100, integer=True)
        self.window = _check_window(self, window)
        self.backend = _check_backend(self, backend)

    def sample(self, rng, state):
        self.check_state(state)
        cls = self.classes(state)
        members = []
        for i, c in enumerate(cls):
            pool = np.flatnonzero((cls == c) & (np.arange(len(cls)) != i))
            k = min(self.n_neighbors, pool.size)
            members.append(sorted(int(j) for j in rng.choice(pool, k, replace=False)))
        return {"members": members}

    def apply_rows(self, state, params, rows):
        self.check_state(state)
        out = self.some(state, rows)
        out["series"] = M.weighted_dba(state["series"], params["members"], self.iterations,
                                       self.window, self.backend, rows)
        # the average lives on the series' own time axis: its NaN marks stay
        return self.rebuilt(state, rows, out)


class RandomGuidedWarp(MixTransform):
    """Random guided warping (Iwana & Uchida 2021): each series is re-timed to follow a
    random same-class prototype, using the DTW alignment between them (band ``window``).
    Per-step labels and NaN marks move with the series."""

    needs_labels = True

    def __init__(self, window: int | float | None = 0.1, backend: str = "auto",
                 p: float = 0.5):
        super().__init__(p=p)
        self.window = _check_window(self, window)
        self.backend = _check_backend(self, backend)

    def sample(self, rng, state):
        self.check_state(state)
        return {"prototype": self.same_class_partner(rng, self.classes(state))}

    def apply_rows(self, state, params, rows):
        self.check_state(state)
        pos = M.guided_positions(state["series"], params["prototype"], self.window,
                                 self.backend, rows)
        return self.rebuilt(state, rows, self.moved(self.some(state, rows), pos))


class DiscriminativeGuidedWarp(RandomGuidedWarp):
    """Discriminative guided warping (Iwana & Uchida 2021), with plain DTW: the prototype is
    the one of ``n_candidates`` random same-class series whose mean DTW distance to
    ``n_candidates`` random other-class series, minus that to the other candidates, is
    largest; the series is then re-timed to follow it."""

    def __init__(self, n_candidates: int = 4, window: int | float | None = 0.1,
                 backend: str = "auto", p: float = 0.5):
        super().__init__(window=window, backend=backend, p=p)
        self.n_candidates = check_number(self, "n_candidates", n_candidates, 1, 1000,
                                         integer=True)

    def sample(self, rng, state):
        self.check_state(state)
        cls = self.classes(state)
        idx = np.arange(len(cls))
        pos, neg = [], []
        for i, c in enumerate(cls):
            same = idx[(cls == c) & (idx != i)]
            other = idx[cls != c]
            k_pos, k_neg = min(self.n_candidates, same.size), min(self.n_candidates, other.size)
            pos.append(sorted(int(j) for j in rng.choice(same, k_pos, replace=False)))
            neg.append(sorted(int(j) for j in rng.choice(other, k_neg, replace=False)))
        return {"positives": pos, "negatives": neg}

    def apply_rows(self, state, params, rows):
        self.check_state(state)
        x = state["series"]
        proto = M.discriminative_prototypes(x, params["positives"], params["negatives"],
                                            self.window, self.backend, rows)
        pos = M.guided_positions(x, proto, self.window, self.backend, rows)
        return self.rebuilt(state, rows, self.moved(self.some(state, rows), pos))


__all__ = ["DiscriminativeGuidedWarp", "MIX_KEYS", "RandomGuidedWarp", "SeriesCutMix",
           "SeriesMixUp", "Spawner", "WeightedDBA", "soft_labels"]
