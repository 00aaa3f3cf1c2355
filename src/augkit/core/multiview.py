"""MultiView: several independently augmented views of one sample (contrastive learning).

SimCLR-style pairs are one pipeline run twice; DINO-style multi-crop is two global views from
one pipeline and several small local views from another. Each view is an ordinary call of its
pipeline with its own draws from one generator, so every view has its own record. Any
modality works (two augmented views of a sentence, of a series).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from augkit.core.random import ProcessLocalGenerator, resolve
from augkit.core.validate import check_number, fail


class MultiView:
    """``n_views`` augmented views of the data of one call, per pipeline.

    ``pipelines`` is a transform or a list of them; ``n_views`` an int (views of each
    pipeline) or one int per pipeline. A call returns each output key as a list with one entry
    per view (pipeline by pipeline, in order), plus ``"records"`` (one per view) with
    ``return_records=True``. ``seed`` makes the stream of calls reproducible, as in
    ``Compose``. Not a transform: its output has one entry per view, not the input's layout.

    >>> import numpy as np, augkit
    >>> from augkit import image as A
    >>> views = augkit.MultiView([A.RandomResizedCrop(8, 8), A.RandomResizedCrop(4, 4)],
    ...                          n_views=[2, 3], seed=0)
    >>> out = views(image=np.zeros((16, 16, 3), np.uint8), return_records=True)
    >>> [v.shape[:2] for v in out["image"]], len(out["records"])
    ([(8, 8), (8, 8), (4, 4), (4, 4), (4, 4)], 5)
    """

    def __init__(self, pipelines: Any, n_views: int | Sequence[int] = 2, seed: int | None = None):
        from augkit.core.transform import Transform  # (transform imports core.group)

        single = isinstance(pipelines, Transform)
        items = [pipelines] if single else pipelines
        if not isinstance(items, (list, tuple)) or not items or not all(
                isinstance(t, Transform) for t in items):
            fail(self, "pipelines", pipelines, "expected an augkit transform or a non-empty "
                 "list of them", TypeError)
        counts = [n_views] * len(items) if isinstance(n_views, int) and not isinstance(
            n_views, bool) else n_views
        if not isinstance(counts, (list, tuple)) or len(counts) != len(items):
            fail(self, "n_views", n_views, f"expected an int or {len(items)} ints (one per "
                 "pipeline)", TypeError)
        for count in counts:
            check_number(self, "n_views", count, 1, 10_000, integer=True)
        if seed is not None:
            check_number(self, "seed", seed, 0, 2**63 - 1, integer=True)
        self.pipelines = list(items)
        self.n_views = n_views
        self.seed = seed
        self._counts = [int(c) for c in counts]
        self._rng = ProcessLocalGenerator(seed)

    def __call__(self, *, seed: int | None = None, rng: np.random.Generator | None = None,
                 return_records: bool = False, **data: Any) -> dict[str, Any]:
        generator = resolve(seed, rng, self._rng)
        outs = []
        for pipeline, count in zip(self.pipelines, self._counts, strict=True):
            for _ in range(count):
                outs.append(pipeline(rng=generator, return_record=return_records, **data))
        result: dict[str, Any] = {}
        for key in outs[0]:
            if key != "record":
                result[key] = [o[key] for o in outs]
        if return_records:
            result["records"] = [o["record"] for o in outs]
        return result

    def __len__(self) -> int:
        return sum(self._counts)

    def __repr__(self) -> str:
        return f"MultiView({self.pipelines!r}, n_views={self.n_views!r}, seed={self.seed!r})"
