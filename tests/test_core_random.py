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


def _angles(seed, workers):
    pipeline = augkit.Compose([A.Rotate(limit=90, p=1.0)], seed=seed)
    loader = torch.utils.data.DataLoader(_AngleDataset(pipeline), batch_size=None,
                                         num_workers=workers, multiprocessing_context="fork")
    return [float(a) for a in loader]


@pytest.mark.parametrize("seed", [None, 3])
def test_workers_do_not_repeat_each_other(seed):
    angles = _angles(seed, workers=2)
    assert len(set(angles)) == len(angles) == 8


def test_seeded_workers_are_reproducible():
    assert _angles(3, workers=2) == _angles(3, workers=2)


def test_unseeded_runs_differ():
    assert _angles(None, workers=2) != _angles(None, workers=2)


def test_a_pickled_generator_starts_its_own_stream():
    holder = ProcessLocalGenerator(5)
    holder.get().random(10)  # advance the original
    copy = pickle.loads(pickle.dumps(holder))
    assert copy.get().random() == np.random.default_rng(5).random()

