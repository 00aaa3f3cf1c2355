"""Peak memory and time of the DTW-based series transforms on long series, by hand:

    PYTHONPATH=src python benchmarks/timeseries_dtw_long.py Spawner 10000

Runs one transform (p=1, default band 0.1, numpy backend) on 4 univariate series of length T
(two classes of two) in this process and prints wall time and peak resident memory (the
peak of the whole process, so run one case per process)."""

from __future__ import annotations

import resource
import sys
import time

import numpy as np

import augkit.timeseries as T

name, length = sys.argv[1], int(sys.argv[2])
x = np.random.default_rng(0).normal(size=(4, length, 1))
aug = getattr(T, name)(backend="numpy", p=1.0)
start = time.perf_counter()
aug(series=x, labels=[0, 0, 1, 1], seed=0)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{name} T={length}: {seconds:.2f} s, peak RSS {peak:.0f} MiB")
