"""Instance-level dropout: MaskDropout removes whole objects from the image and its masks."""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_range
from augkit.image._args import MASK_FILL_MAX, check_fill, fill_for
from augkit.image.base import ImageTransform
from augkit.image.functional import instances as K


class MaskDropout(ImageTransform):
    """Remove a number of objects drawn from ``max_objects_range``: their pixels get
    ``fill`` in the image and ``mask_fill`` in the masks. Objects are the non-zero labels of
    ``mask=`` (a label map: one value per object), or, with ``masks=`` alone, the instance
    masks whose pixels are non-zero (a removed one becomes all ``mask_fill``). Without masks
    nothing happens. Boxes and keypoints are left as they are (drop a removed object's box
    with its label yourself: the record names the objects).

    >>> import numpy as np
    >>> mask = np.array([[0, 1, 1, 2]], np.uint8)
    >>> out = MaskDropout(max_objects_range=(1, 1), fill=0, p=1.0)(
    ...     image=np.full((1, 4), 9, np.uint8), mask=mask, seed=1, return_record=True)
    >>> out["record"].steps[0].params, out["image"].tolist(), out["mask"].tolist()
    ({'labels': [1], 'instances': []}, [[9, 0, 0, 9]], [[0, 0, 0, 2]])
    """

    def __init__(self, max_objects_range: int | tuple[int, int] = (1, 1), fill: float = 0,
                 mask_fill: float = 0, p: float = 0.5):
        super().__init__(p=p)
        self.max_objects_range = check_range(self, "max_objects_range", max_objects_range, 1,
                                             1 << 20, integer=True)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_fill(self, "mask_fill", mask_fill, MASK_FILL_MAX)

    def _count(self, rng, available: int) -> int:
        low, high = self.max_objects_range
        return min(available, int(rng.integers(low, high + 1)))

    def sample(self, rng, state):
        if "mask" in state:
            labels = K.labels_of(state["mask"])
            chosen = rng.choice(len(labels), self._count(rng, len(labels)), replace=False)
            return {"labels": sorted(labels[int(i)] for i in chosen), "instances": []}
        masks = state.get("masks", [])
        present = [i for i, m in enumerate(masks) if m.any()]
        chosen = rng.choice(len(present), self._count(rng, len(present)), replace=False)
        return {"labels": [], "instances": sorted(present[int(i)] for i in chosen)}

    def apply(self, state, params):
        out = dict(state)
        image = state["image"]
        # the fills are checked against the data's dtypes on every call, objects or not
        fill = fill_for(self, "fill", self.fill, image)
        for m in ([state["mask"]] if "mask" in state else []) + list(state.get("masks", [])):
            fill_for(self, "mask_fill", self.mask_fill, m)
        if params["labels"]:
            region = K.region_of(state["mask"], params["labels"])
            out["mask"] = K.fill_region(state["mask"], region, fill_for(
                self, "mask_fill", self.mask_fill, state["mask"]))
        elif params["instances"]:
            masks = list(state["masks"])
            region = None
            for i in params["instances"]:
                on = masks[i] != 0
                on = on if on.ndim == 2 else on.any(axis=2)
                region = on if region is None else region | on
                masks[i] = np.full_like(masks[i], fill_for(self, "mask_fill", self.mask_fill,
                                                           masks[i]))
            out["masks"] = masks
        else:
            out["image"] = image.copy()
            return out
        # the fill is in the image's own units (uint16 as it is: no carrier for a copy)
        channels = 3 if image.ndim == 3 and image.shape[2] == 4 else None
        out["image"] = K.fill_region(image, region, fill, channels)
        return out
