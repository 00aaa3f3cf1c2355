"""Ray Data: a ``map_batches`` callable that augments one column of every batch.

``ds.map_batches(RayAugment(pipeline, column="image"), batch_format="numpy")`` augments
``column`` of each batch (a dict of column name -> numpy array, Ray Data's numpy format)
with one ``pipeline.batch`` call and returns the batch with the augmented column; other
columns pass through. Images come as an (N, H, W[, C]) array, or as an object array of
images of different sizes (Ray's ragged tensors); texts as an array of str; series as an
(N, T[, C]) array. With ``label_column`` the labels go to the pipeline (``label=`` for
images and texts, ``labels=`` for series): MixUp / CutMix replace them by their mixed
labels, ``GenerativeAugment`` reads them.

Seeding: Ray runs the callable in several worker processes that each hold a copy of the
pipeline, so a seeded pipeline would repeat the same stream in every worker. The callable
therefore seeds every batch itself. ``seed=None`` (default): fresh OS entropy per batch,
so workers never repeat each other. ``seed=S``: the batch's seed is
``SeedSequence([S, epoch, sha256 of the batch])`` (of ``key_column``'s values when given,
else of the column's bytes): the same rows in the same batch give the same outputs on any
worker and in any order; a new ``epoch`` draws anew. Ray Data does not promise the same
batch boundaries on every run; for a dataset job whose every output is reproducible bit for
bit, use ``augkit augment --engine ray`` (seeds per item and copy, a manifest, replay).

Ray is not imported here; the callable is a plain picklable object.

>>> import numpy as np, augkit
>>> from augkit import image as A
>>> fn = RayAugment(augkit.Compose([A.HorizontalFlip(p=1.0)]), column="image", seed=0)
>>> batch = {"image": np.arange(24, dtype=np.uint8).reshape(2, 2, 2, 3), "id": np.array([7, 8])}
>>> out = fn(batch)
>>> out["image"].shape, out["id"].tolist(), bool((out["image"] == batch["image"][:, :, ::-1]).all())
((2, 2, 2, 3), [7, 8], True)
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import numpy as np

from augkit.core.validate import check_number, fail
from augkit.integrations._convert import check_modality, check_pipeline, describe

DEFAULT_COLUMN = {"image": "image", "text": "text", "timeseries": "series"}
_LABEL_KEY = {"image": "label", "text": "label", "timeseries": "labels"}
_OUT_KEY = {"image": "images", "text": "texts", "timeseries": "series"}


class RayAugment:
    """``map_batches`` callable: augments ``column`` of each numpy-format batch (see the
    module docstring for inputs, labels and seeding)."""

    def __init__(self, pipeline, column: str | None = None, *, label_column: str | None = None,
                 key_column: str | None = None, seed: int | None = None, epoch: int = 0,
                 modality: str | None = None):
        owner = "RayAugment"
        self.pipeline = check_pipeline(owner, pipeline)
        self.modality = check_modality(owner, modality, pipeline)
        if self.modality is None:
            fail(owner, "modality", modality, "expected 'image', 'text' or 'timeseries' for "
                 "a pipeline of modality 'any'")
        column = DEFAULT_COLUMN[self.modality] if column is None else column
        for name, value in (("column", column), ("label_column", label_column),
                            ("key_column", key_column)):
            if value is not None and (not isinstance(value, str) or not value):
                fail(owner, name, value, "expected a column name (str)", TypeError)
        self.column, self.label_column, self.key_column = column, label_column, key_column
        if seed is not None:
            check_number(owner, "seed", seed, 0, 2**63 - 1, integer=True)
        self.seed = seed
        self.epoch = int(check_number(owner, "epoch", epoch, 0, 2**31 - 1, integer=True))

    def batch_seed(self, batch: Mapping[str, Any]) -> int:
        """The seed of this batch (see the module docstring)."""
        if self.seed is None:
            return int(np.random.SeedSequence().generate_state(1, np.uint64)[0])
        digest = hashlib.sha256()
        if self.key_column is not None:
            digest.update(repr(np.asarray(batch[self.key_column]).tolist()).encode())
        else:
            values = batch[self.column]
            if isinstance(values, np.ndarray) and values.dtype != object:
                digest.update(np.ascontiguousarray(values).data)
            else:
                for value in values:
                    digest.update(value.encode() if isinstance(value, str)
                                  else np.ascontiguousarray(value).data)
        words = np.frombuffer(digest.digest()[:16], "<u4").tolist()
        state = np.random.SeedSequence([self.seed, self.epoch, *words]).generate_state(
            2, np.uint32)
        return int(state[0]) | (int(state[1]) << 32)

    def __call__(self, batch: Mapping[str, Any]) -> dict[str, Any]:
        owner = "RayAugment"
        if not isinstance(batch, Mapping):
            raise TypeError(f"{owner}: got {describe(batch)}; expected a dict of numpy arrays "
                            "(map_batches(..., batch_format='numpy'))")
        for name in (self.column, self.label_column, self.key_column):
            if name is not None and name not in batch:
                raise KeyError(f"{owner}: the batch has no column {name!r}; columns: "
                               f"{', '.join(map(repr, batch)) or 'none'}")
        values = batch[self.column]
        out = dict(batch)
        if len(values) == 0:
            return out
        keywords: dict[str, Any] = {"seed": self.batch_seed(batch)}
        if self.label_column is not None:
            keywords[_LABEL_KEY[self.modality]] = np.asarray(batch[self.label_column])
        result = self.pipeline.batch(self._inputs(values), **keywords)
        out[self.column] = self._column(result[_OUT_KEY[self.modality]])
        if self.label_column is not None:
            out[self.label_column] = np.asarray(result.get(_LABEL_KEY[self.modality],
                                                           batch[self.label_column]))
        return out

    def _inputs(self, values: Any) -> Any:
        if self.modality == "text":
            return [str(v) for v in values]
        if isinstance(values, np.ndarray) and values.dtype != object:
            return values
        arrays = [np.asarray(v) for v in values]  # ragged: one array per row
        if len({(a.shape, a.dtype) for a in arrays}) == 1:
            return np.stack(arrays)
        return arrays

    @staticmethod
    def _column(result: Any) -> np.ndarray:
        if isinstance(result, np.ndarray):
            return result
        column = np.empty(len(result), dtype=object)  # ragged outputs: an object column
        for i, value in enumerate(result):
            column[i] = value
        if all(isinstance(v, str) for v in result):
            return np.array(result, dtype=object)
        return column

    def __repr__(self) -> str:
        return (f"RayAugment(column={self.column!r}, label_column={self.label_column!r}, "
                f"seed={self.seed}, epoch={self.epoch}, pipeline={self.pipeline!r})")


__all__ = ["RayAugment"]
