"""Object-level dropout: MaskDropout removes whole objects from the image and its masks;
ConstrainedCoarseDropout cuts holes on chosen objects only (mask classes or box labels)."""

from __future__ import annotations

import numpy as np

from augkit.core.validate import check_number, check_range, fail
from augkit.image._args import MASK_FILL_MAX, check_fill, fill_for
from augkit.image.base import ImageTransform
from augkit.image.functional import instances as K
from augkit.image.occlusion import _EraseBase


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


class ConstrainedCoarseDropout(_EraseBase):
    """Cutout holes placed on chosen objects: with ``mask_indices``, on each 8-connected
    region of ``mask=`` holding one of those values (holes centred on random pixels of the
    region, sides ``hole_height_range`` / ``hole_width_range`` times the square root of its
    area); with ``bbox_labels``, inside each box whose label is listed (sides those
    fractions of the box's). Each object gets the same number of holes, drawn from
    ``num_holes_range``; ``fill`` / ``mask_fill`` as for :class:`~augkit.image.Cutout`.

    >>> import numpy as np
    >>> out = ConstrainedCoarseDropout(bbox_labels=["cat"], hole_height_range=(0.5, 0.5),
    ...                                hole_width_range=(0.5, 0.5), p=1.0)(
    ...     image=np.full((20, 20), 9, np.uint8), bboxes=[[0, 0, 8, 8], [10, 10, 18, 18]],
    ...     labels=["dog", "cat"], seed=0)["image"]
    >>> int((out[:10, :10] == 0).sum()), int((out[10:, 10:] == 0).sum()) > 0
    (0, True)
    """

    def __init__(self, num_holes_range: int | tuple[int, int] = (1, 3),
                 hole_height_range: float | tuple[float, float] = (0.1, 0.3),
                 hole_width_range: float | tuple[float, float] = (0.1, 0.3), fill: float = 0,
                 mask_fill: float | None = None, mask_indices: list[int] | None = None,
                 bbox_labels: list | None = None, p: float = 0.5):
        super().__init__(p=p)
        self.num_holes_range = check_range(self, "num_holes_range", num_holes_range, 1, 1000,
                                           integer=True)
        self.hole_height_range = check_range(self, "hole_height_range", hole_height_range, 0, 1)
        self.hole_width_range = check_range(self, "hole_width_range", hole_width_range, 0, 1)
        self._check_fills(fill, mask_fill)
        if (mask_indices is None) == (bbox_labels is None):
            fail(self, "mask_indices", mask_indices, "give exactly one of 'mask_indices' and "
                 f"'bbox_labels' (got bbox_labels={bbox_labels!r})")
        for name, value in (("mask_indices", mask_indices), ("bbox_labels", bbox_labels)):
            if value is not None and (not isinstance(value, (list, tuple)) or not value):
                fail(self, name, value, "expected a non-empty list", TypeError)
        if mask_indices is not None:
            mask_indices = [check_number(self, "mask_indices", v, -2**53, 2**53, integer=True)
                            for v in mask_indices]
        if bbox_labels is not None and any(not isinstance(v, (str, int, float)) or isinstance(
                v, bool) for v in bbox_labels):
            fail(self, "bbox_labels", bbox_labels, "expected labels that are strings or numbers",
                 TypeError)
        self.mask_indices = mask_indices
        self.bbox_labels = None if bbox_labels is None else list(bbox_labels)

    def _holes(self, rng, centres, sizes, h, w) -> list:
        rects = []
        for (cy, cx), (sh, sw) in zip(centres, sizes, strict=True):
            hh = max(1, round(rng.uniform(*self.hole_height_range) * sh))
            hw = max(1, round(rng.uniform(*self.hole_width_range) * sw))
            top, left = int(cy) - hh // 2, int(cx) - hw // 2
            rects.append([max(0, top), max(0, left), min(h, top + hh), min(w, left + hw)])
        return rects

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        count = int(rng.integers(self.num_holes_range[0], self.num_holes_range[1] + 1))
        centres, sizes = [], []
        if self.mask_indices is not None and "mask" in state:
            for comp in K.component_pickers(K.region_of(state["mask"], self.mask_indices)):
                side = float(np.sqrt(comp.area))
                for i in rng.integers(0, comp.area, count):
                    centres.append(comp.pixel(int(i)) + 0.5)
                    sizes.append((side, side))
        boxes = state.get("bboxes")
        if self.bbox_labels is not None and boxes is not None and len(boxes.xyxy):
            labels = state.get("labels")
            wanted = set(self.bbox_labels)
            for (x0, y0, x1, y1), index in zip(boxes.xyxy.tolist(), boxes.index.tolist(),
                                               strict=True):
                label = labels[index] if labels is not None else None
                label = label.item() if hasattr(label, "item") else label
                if label not in wanted or x1 <= x0 or y1 <= y0:
                    continue
                for _ in range(count):
                    centres.append((rng.uniform(y0, y1), rng.uniform(x0, x1)))
                    sizes.append((y1 - y0, x1 - x0))
        return {"rectangles": self._holes(rng, centres, sizes, h, w)}
