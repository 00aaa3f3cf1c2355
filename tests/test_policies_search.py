"""augkit.policies.search and `augkit search`: tiny deterministic searches, the honest
"no significant winner" path, every output file, and errors."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

import augkit
from augkit.cli.main import main
from augkit.policies.search import (
    SPACES,
    fingerprint,
    planned_fits,
    search,
    space_candidates,
)

pytest.importorskip("torch", reason="the proxy models need torch (augkit[torch])")

TINY = {"seeds": 2, "folds": 2, "max_epochs": 2, "patience": 2}


def stripes(n: int = 48, side: int = 12, seed: int = 0):
    """Greyscale images: class 0 horizontal stripes, class 1 vertical, with noise."""
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    grid = (np.arange(side) // 2 % 2) * 120
    x = rng.integers(0, 80, (n, side, side)).astype(np.int64)
    x[y == 0] += grid[None, :, None]
    x[y == 1] += grid[None, None, :]
    return x.astype(np.uint8), y


def test_same_seed_same_search_and_the_plan_matches():
    x, y = stripes()
    messages: list[str] = []
    a = search("image", x, y, "randaugment", budget_seconds=None, progress=messages.append,
               **TINY)
    b = search("image", x, y, "randaugment", budget_seconds=None, **TINY)
    assert a.selection.rows == b.selection.rows and a.verdict == b.verdict
    assert a.selection.scores == b.selection.scores and a.configs == b.configs
    names = [c.name for c in a.candidates]
    assert names[:2] == ["randaugment-2-9", "trivial-wide"] and len(names) == 16
    assert a.selection.fits == planned_fits(16, folds=2, seeds=2) == len(messages)
    assert "| best " in messages[-1]  # the progress line carries the best so far
    table = a.table()
    assert [r["candidate"] for r in table] == ["none", *names]
    assert {r["significant"] for r in table[1:]} <= {"yes", "no"}
    assert a.recommended in a.configs and augkit.from_dict(a.configs[a.recommended]) is not None
    assert a.fingerprint == fingerprint(x, y) and a.fingerprint.startswith("sha256:")
    assert fingerprint(x, 1 - y) != a.fingerprint


def test_labels_independent_of_inputs_give_no_significant_winner():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, (40, 10, 10), np.uint8)
    y = rng.permutation(np.arange(40) % 2)
    found = search("image", x, y, "trivial", budget_seconds=None, **TINY)
    assert found.winner is None and found.verdict.startswith("no significant winner")
    assert "Bonferroni" in found.correction and "Holm" in found.correction
    finalists = [r for r in found.table()[1:] if r["phase"] == "confirmation"]
    safe = [r for r in finalists if r["ci_high"] >= 0]
    mildest = min(safe, key=lambda r: r["strength"])["candidate"] if safe else "none"
    assert found.recommended == mildest
    assert all(r["significant"] == "no" or r["diff"] < 0 for r in finalists)


def test_spaces_hold_the_references_and_sample_subpolicies_from_the_seed():
    x, _ = stripes(8)
    for space in SPACES:
        candidates, left_out = space_candidates(space, "image", x, subpolicies=5)
        assert [c.name for c in candidates[:2]] == ["randaugment-2-9", "trivial-wide"]
        assert left_out == {}
        for c in candidates:  # every candidate is an ordinary config that round-trips
            assert augkit.from_dict(c.arm.to_dict()).to_dict() == c.arm.to_dict()
    sub, _ = space_candidates("subpolicy", "image", x, seed=1, subpolicies=5)
    again, _ = space_candidates("subpolicy", "image", x, seed=1, subpolicies=5)
    other, _ = space_candidates("subpolicy", "image", x, seed=2, subpolicies=5)
    assert len(sub) == 7 and type(sub[2].arm).__name__ == "Compose"
    assert [c.description for c in sub] == [c.description for c in again]
    assert [c.description for c in sub] != [c.description for c in other]
    assert sub[2].arm.batch(x, seed=0)["images"].shape == x.shape
    text, _ = space_candidates("trivial", "text", ["a short sentence here"] * 4)
    assert "trivial-standard" not in [c.name for c in text]  # one op set for text


def test_timeseries_subpolicy_search_writes_every_output(tmp_path):
    rng = np.random.default_rng(1)
    y = np.arange(36) % 3
    x = rng.normal(0, 0.3, (36, 32, 1)) + np.sin(
        np.linspace(0, 6, 32)[None, :] * (y[:, None] + 1))[..., None]
    found = search("timeseries", x, y, "subpolicy", subpolicies=4, **TINY)
    paths = found.write(tmp_path)
    assert {p.name for p in paths.values()} == {"best.yaml", "candidates.csv", "search.png",
                                                "search.json", "report.html", "report.md"}
    loaded = augkit.load(paths["best"])
    assert loaded.to_dict() == found.configs[found.recommended]


def test_cli_writes_every_output_and_best_yaml_loads(tmp_path, capsys):
    x, y = stripes(48, 12)
    data = tmp_path / "stripes.npz"
    np.savez(data, train_images=x, train_labels=y[:, None])
    out = tmp_path / "search"
    code = main(["search", str(data), "--modality", "image", "--space", "trivial",
                 "--budget-minutes", "5", "--seeds", "2", "--folds", "2", "--epochs", "2",
                 "--seed", "4", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "verdict: " in printed and "correction: Bonferroni" in printed
    for name in ("best.yaml", "candidates.csv", "search.png", "report.html", "report.md",
                 "search.json"):
        assert (out / name).stat().st_size > 0, name
    summary = json.loads((out / "search.json").read_text())
    assert summary["seed"] == 4 and summary["budget_seconds"] == 300.0
    assert summary["data_fingerprint"] == fingerprint(x, y)
    assert set(summary["versions"]) >= {"augkit", "numpy", "torch"}
    assert summary["command"].startswith("augkit search ") and "--seed 4" in summary["command"]
    rows = list(csv.DictReader((out / "candidates.csv").open()))
    assert len(rows) == summary["candidates_evaluated"] + 1 == 8
    assert {"description", "n", "mean", "std", "diff", "ci_low", "ci_high",
            "significant"} <= set(rows[0])
    best = augkit.load(out / "best.yaml")
    assert best.to_dict() == next(c["config"] for c in summary["candidates"]
                                  if c["name"] == summary["recommended"])
    assert (out / "search.png").read_bytes()[:4] == b"\x89PNG"
    assert summary["verdict"] in (out / "report.md").read_text()
    assert "<table>" in (out / "report.html").read_text()


def test_none_recommended_writes_an_empty_compose(tmp_path):
    x, y = stripes(24)
    found = search("image", x, y, "trivial", budget_seconds=None, **TINY)
    found.selection.recommended = "none"  # as when every finalist is significantly worse
    path = found.write(tmp_path)["best"]
    loaded = augkit.load(path)
    assert type(loaded).__name__ == "Compose" and loaded.transforms == []
    assert path.read_text().startswith("# augkit search")


@pytest.mark.parametrize(("argv", "message"), [
    (["--space", "grid"], "--space 'grid' is not one of randaugment, trivial, subpolicy"),
    (["--budget-minutes", "0"], "--budget-minutes must be a number > 0"),
    (["--budget-minutes", "-1"], "--budget-minutes must be a number > 0"),
    (["--seeds", "1"], "--seeds must be >= 2"),
    (["--modality", "audio"], "--modality 'audio' is not one of"),
])
def test_cli_argument_errors(tmp_path, capsys, argv, message):
    x, y = stripes(12)
    data = tmp_path / "d.npz"
    np.savez(data, train_images=x, train_labels=y[:, None])
    assert main(["search", str(data), "--out", str(tmp_path / "o"), *argv]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("augkit search: error: ") and message in err and "\n" not in err


def test_cli_one_class_data(tmp_path, capsys):
    data = tmp_path / "one.npz"
    np.savez(data, train_images=np.zeros((10, 8, 8), np.uint8),
             train_labels=np.zeros((10, 1), np.int64))
    assert main(["search", str(data), "--out", str(tmp_path / "o")]) == 2
    assert "has 1 class(es)" in capsys.readouterr().err


def test_search_argument_errors():
    x, y = stripes(12)
    with pytest.raises(ValueError, match="space 'grid' is not one of"):
        search("image", x, y, "grid")
    with pytest.raises(ValueError, match="budget_seconds must be a number > 0"):
        search("image", x, y, budget_seconds=0)
    with pytest.raises(ValueError, match="one class"):
        search("image", x, np.zeros(12, np.int64))
    with pytest.raises(ValueError, match="seeds must be an integer >= 2"):
        search("image", x, y, seeds=1)
    with pytest.raises(ValueError, match="12 inputs but 11 labels"):
        search("image", x, y[:11])
    with pytest.raises(ValueError, match="need at least 5 samples of every class"):
        search("image", x[:8], y[:8], folds=5)
