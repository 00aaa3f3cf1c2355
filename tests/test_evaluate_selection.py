"""evaluate.select: successive halving on the training data, confirmation on fresh runs, and
an honest verdict. A scripted trainer makes each candidate's true effect known."""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from augkit.evaluate.selection import Candidate, select

N = 300
LABELS = np.arange(N) % 2
INPUTS = np.arange(N)  # the "inputs" are indices, so predict knows each one's label


class Effect:
    """An augmentation whose only property is how much it moves the score."""

    def __init__(self, effect: float):
        self.effect = effect

    def __call__(self, inputs, seed):
        return inputs


def scripted_fit(noise: float = 0.01, base: float = 0.7):
    calls = []

    def fit(x_train, y_train, x_val, y_val, *, augment, seed):
        effect = 0.0 if augment is None else augment.effect
        calls.append((seed, effect))

        def predict(x_eval):
            x_eval = np.asarray(x_eval)
            # shared by every arm of a run (paired), plus a little of the arm's own
            run = np.random.default_rng([seed, int(x_eval[0])])
            own = np.random.default_rng([seed, int(x_eval[0]), zlib.crc32(repr(effect).encode())])
            quality = base + effect + run.normal(0, 0.03) + own.normal(0, noise)
            right = np.arange(x_eval.size) < round(np.clip(quality, 0, 1) * x_eval.size)
            truth = LABELS[x_eval]
            return np.where(right, truth, 1 - truth)
        return predict
    fit.calls = calls
    return fit


def _candidates(effects):
    return [Candidate(f"c{i}", Effect(e), strength=float(i)) for i, e in enumerate(effects)]


def test_halving_keeps_the_best_and_confirms_a_real_winner():
    fit = scripted_fit()
    effects = [-0.2, -0.1, 0.0, 0.0, 0.01, 0.08, -0.05, 0.0, 0.02]
    found = select("timeseries", INPUTS, LABELS, _candidates(effects), folds=3, eta=3,
                   finalists=3, confirm_seeds=3, fit=fit)
    assert found.winner == "c5" and found.recommended == "c5"
    assert found.verdict.startswith("c5 beats no augmentation")
    finalists = [r["candidate"] for r in found.rows if r.get("finalist")]
    assert "c5" in finalists and "c0" not in finalists and len(finalists) == 4  # + none
    # confirmation seeds were never used in selection
    assert not {s for s, _ in found.confirmation_runs} & {s for s, _ in found.selection_runs}
    c0 = found.row("c0")
    assert c0["rung"] == 0 and c0["selection_runs"] == 1 and "diff" not in c0
    assert found.row("c5")["significant"] and found.row("c5")["p_holm"] < 0.05


def test_no_winner_recommends_the_mildest_safe_candidate_not_the_top_score():
    found = select("timeseries", INPUTS, LABELS, _candidates([0.004, 0.0, 0.005]), folds=3,
                   finalists=3, confirm_seeds=2, fit=scripted_fit(noise=0.02))
    assert found.winner is None and found.verdict.startswith("no significant winner")
    assert found.recommended == "c0"  # strength 0: the mildest of the not-worse finalists


def test_every_finalist_worse_recommends_no_augmentation():
    found = select("timeseries", INPUTS, LABELS, _candidates([-0.2, -0.3]), folds=3,
                   finalists=2, confirm_seeds=3, fit=scripted_fit())
    assert found.winner is None and found.recommended == "none"
    assert all(found.row(n)["worse"] for n in ("c0", "c1"))


def test_same_seed_same_search_and_budget_note():
    effects = [0.0, 0.05, -0.1, 0.02, 0.01, 0.0]
    a = select("timeseries", INPUTS, LABELS, _candidates(effects), fit=scripted_fit())
    b = select("timeseries", INPUTS, LABELS, _candidates(effects), fit=scripted_fit())
    assert a.rows == b.rows and a.verdict == b.verdict
    tight = select("timeseries", INPUTS, LABELS, _candidates(effects), fit=scripted_fit(),
                   budget_seconds=0.0)
    assert tight.notes and "budget" in tight.notes[0]


def test_select_argument_errors():
    with pytest.raises(ValueError, match="no candidates"):
        select("timeseries", INPUTS, LABELS, [])
    with pytest.raises(ValueError, match="must be unique and not 'none'"):
        select("timeseries", INPUTS, LABELS, [Candidate("none", None)])
    with pytest.raises(ValueError, match="eta must be an integer >= 2"):
        select("timeseries", INPUTS, LABELS, _candidates([0.0]), eta=1)
