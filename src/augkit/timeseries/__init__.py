"""Time-series augmentation: noise, warps, slicing, drift, channel ops, pattern mixing, DTW.

Call with keywords: ``aug(series=x, step_labels=marks, labels=y)``. ``x`` is (T,), (T, C),
(N, T, C) (``channels_first=True``: (C, T), (N, C, T)) or a list of series of different
lengths; float32/float64. Per-step labels follow every time map; class labels are carried
(and repeated by the ``copies`` option). See :mod:`augkit.timeseries.targets`.

>>> import numpy as np
>>> import augkit
>>> from augkit import timeseries as T
>>> aug = augkit.Compose([T.Jitter(p=1.0), T.TimeWarp(p=1.0)], seed=0)
>>> X = np.random.default_rng(0).normal(size=(8, 100, 3)).astype(np.float32)
>>> out = aug(series=X, labels=np.arange(8), copies=2)
>>> out["series"].shape, out["series"].dtype, out["labels"].tolist()[:10]
((16, 100, 3), dtype('float32'), [0, 1, 2, 3, 4, 5, 6, 7, 0, 1])
"""

from augkit.timeseries import targets as _targets  # noqa: F401  (registers the adapter)
from augkit.timeseries.channels import SeriesChannelShuffle, SeriesRotation, SignFlip
from augkit.timeseries.dtw import dtw_distance, dtw_path, pairwise_dtw
from augkit.timeseries.magnitude import (
    Drift,
    FrequencySurrogate,
    Jitter,
    MagnitudeWarp,
    Scaling,
    SeriesDropout,
    SeriesPool,
    SeriesQuantize,
    SeriesSmooth,
)
from augkit.timeseries.mixing import (
    DiscriminativeGuidedWarp,
    RandomGuidedWarp,
    SeriesCutMix,
    SeriesMixUp,
    Spawner,
    WeightedDBA,
    soft_labels,
)
from augkit.timeseries.targets import TimeSeriesAdapter
from augkit.timeseries.temporal import (
    SegmentPermutation,
    SeriesCrop,
    SeriesReverse,
    TimeWarp,
    WindowSlice,
    WindowWarp,
)

__all__ = [
    "DiscriminativeGuidedWarp", "Drift", "FrequencySurrogate", "Jitter", "MagnitudeWarp",
    "RandomGuidedWarp", "Scaling", "SegmentPermutation", "SeriesChannelShuffle", "SeriesCrop",
    "SeriesCutMix", "SeriesDropout", "SeriesMixUp", "SeriesPool", "SeriesQuantize",
    "SeriesReverse", "SeriesRotation", "SeriesSmooth", "SignFlip", "Spawner",
    "TimeSeriesAdapter", "TimeWarp", "WeightedDBA", "WindowSlice", "WindowWarp",
    "dtw_distance", "dtw_path", "pairwise_dtw", "soft_labels",
]
