"""Random streams across processes: PyTorch DataLoader workers never repeat each other."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import augkit
from augkit import image as A
from augkit.core.random import ProcessLocalGenerator

torch = pytest.importorskip("torch", reason="torch is installed by the 'test' extra")


class _AngleDataset(torch.utils.data.Dataset):
    """Each item is the rotation angle the pipeline drew for it."""

    def __init__(self, pipeline):
        self.pipeline = pipeline
        self.image = np.zeros((8, 8), np.uint8)

    def __len__(self):
        return 8

    def __getitem__(self, index):
        out = self.pipeline(image=self.image, return_record=True)
        return out["record"].steps[0].params["angle"]


def _epochs(seed, workers=2, *, epochs=2, context="fork", persistent=False, torch_seed=0):
    """The angles drawn in each epoch of one training run (a fresh loader, torch seeded)."""
    torch.manual_seed(torch_seed)
    pipeline = augkit.Compose([A.Rotate(limit=90, p=1.0)], seed=seed)
    loader = torch.utils.data.DataLoader(_AngleDataset(pipeline), batch_size=None,
                                         num_workers=workers, multiprocessing_context=context,
                                         persistent_workers=persistent)
    return [[float(a) for a in loader] for _ in range(epochs)]


def _angles(seed, workers):
    return _epochs(seed, workers, epochs=1)[0]


@pytest.mark.parametrize("seed", [None, 3])
def test_workers_do_not_repeat_each_other(seed):
    angles = _angles(seed, workers=2)
    assert len(set(angles)) == len(angles) == 8


def test_seeded_workers_are_reproducible():
    assert _angles(3, workers=2) == _angles(3, workers=2)


def test_unseeded_runs_differ():
    assert _angles(None, workers=2) != _angles(None, workers=2)


@pytest.mark.parametrize("context, persistent", [("fork", False), ("fork", True),
                                                 ("spawn", False), ("spawn", True)])
def test_seeded_epochs_differ_and_runs_repeat(context, persistent):
    """A seeded pipeline in a DataLoader: every epoch draws new parameters (non-persistent
    workers are new processes each epoch), and the whole run repeats under the same torch
    seed, but not under another."""
    run = _epochs(3, context=context, persistent=persistent)
    assert run[0] != run[1]
    assert len(set(run[0] + run[1])) == 16
    assert _epochs(3, context=context, persistent=persistent) == run
    if context == "fork":  # spawn start-up is slow; one contrast is enough
        assert _epochs(3, context=context, persistent=persistent, torch_seed=1) != run


def test_a_loader_generator_makes_the_run_reproducible():
    def run(k):
        pipeline = augkit.Compose([A.Rotate(limit=90, p=1.0)], seed=3)
        loader = torch.utils.data.DataLoader(
            _AngleDataset(pipeline), batch_size=None, num_workers=2,
            multiprocessing_context="fork", generator=torch.Generator().manual_seed(k))
        return [[float(a) for a in loader] for _ in range(2)]

    torch.manual_seed(0)
    first = run(5)
    torch.manual_seed(1)  # the global seed does not matter once the loader has its own
    assert run(5) == first and first[0] != first[1]
    assert run(6) != first


def test_a_pickled_generator_starts_its_own_stream():
    holder = ProcessLocalGenerator(5)
    holder.get().random(10)  # advance the original
    copy = pickle.loads(pickle.dumps(holder))
    assert copy.get().random() == np.random.default_rng(5).random()

