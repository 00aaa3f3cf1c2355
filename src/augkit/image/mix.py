"""Batch mixing: MixUp, CutMix and Mosaic, with label mixing and (CutMix, Mosaic) boxes.

These transforms combine samples of a batch, so they only run through ``.batch(...)``
(directly or inside a ``Compose`` called with ``.batch``); a single-image call raises a
TypeError that says so. Per-sample class labels go in ``label=`` (N class ids with
``num_classes``, or (N, K) one-hot / soft vectors) and come back as mixed (N, K) float32
vectors, weighted by the share of pixels each source contributes.

Like every transform they round-trip through configs (``to_dict``/``from_dict``,
``save``/``load``). Their per-sample records name partner samples of one batch, so a record
documents a batch but does not replay on other data.

>>> import numpy as np
>>> from augkit.image.mix import MixUp
>>> out = MixUp(alpha=0.4, num_classes=3).batch(np.zeros((4, 8, 8, 3), np.uint8),
...                                             label=[0, 1, 2, 0], seed=0)
>>> out["label"].shape, bool(np.allclose(out["label"].sum(axis=1), 1.0))
((4, 3), True)
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from augkit.core.transform import ColumnParams
from augkit.core.validate import check_choice, check_number, check_range
from augkit.image._args import check_image_bytes
from augkit.image.base import ImageTransform
from augkit.image.functional import mix as M
from augkit.image.functional.finite import all_finite, finite_standin, put_back
from augkit.image.functional.geometric import INTERPOLATIONS
from augkit.image.targets import BoxState, KeypointState, box_areas


class _MixTransform(ImageTransform, register=False):
    """Batch-only: mixes samples with partners drawn from the same batch."""

    num_classes: int | None

    def _set_num_classes(self, num_classes) -> None:
        self.num_classes = (None if num_classes is None else
                            check_number(self, "num_classes", num_classes, 1, 1 << 24,
                                         integer=True))

    def _refuse(self, *_args):
        name = type(self).__name__
        raise TypeError(f"{name} mixes the samples of a batch; call it on a batch: "
                        f"{name}(...).batch(images, label=...)")

    sample = apply = _refuse

    def _images(self, batch, same_size: bool = True) -> np.ndarray:
        images = batch["image"]
        if same_size and not isinstance(images, np.ndarray):
            first = images[0]
            if all(img.shape == first.shape and img.dtype == first.dtype for img in images):
                return np.stack(images)  # a list of equal images is a batch array
            raise ValueError(f"{type(self).__name__}: needs images of one size (an "
                             "(N, H, W[, C]) array); resize or crop them first")
        return images

    def _mix_labels(self, batch, out, partners: np.ndarray, weights: np.ndarray) -> None:
        if "label" in batch:
            y = M.soft_labels(batch["label"], self.num_classes, type(self).__name__)
            out["label"] = M.mix_labels(y, partners, weights)


class MixUp(_MixTransform):
    """Blend each image with a random partner of the batch: ``lam * x + (1 - lam) * x_j``,
    ``lam ~ Beta(alpha, alpha)`` (Zhang et al. 2018). Labels mix with the same weight;
    masks, boxes and keypoints of the sample itself are kept."""

    def __init__(self, alpha: float = 0.4, num_classes: int | None = None, p: float = 1.0):
        super().__init__(p=p)
        self.alpha = check_number(self, "alpha", alpha, 1e-3, 1e3)
        self._set_num_classes(num_classes)

    def sample_batch(self, rng, batch):
        n = len(self._images(batch))
        return ColumnParams(self.applied_mask(rng, n), lam=rng.beta(self.alpha, self.alpha, n),
                            partner=rng.permutation(n))

    def apply_batch(self, batch, params):
        images = self._images(batch)
        out = dict(batch)
        out["image"] = M.mixup(images, params.partner, params.lam, params.applied)
        lam = np.where(params.applied, params.lam, 1.0)
        self._mix_labels(batch, out, params.partner[:, None], np.column_stack([lam, 1 - lam]))
        return out


def _joined_extra(parts: list[np.ndarray | None]) -> np.ndarray | None:
    """The extra keypoint columns of the tiled samples, in tile order (all or none)."""
    widths = {0 if p is None else p.shape[1] for p in parts}
    if widths == {0}:
        return None
    if len(widths) > 1:
        raise ValueError(f"Mosaic: the samples' keypoints have different numbers of extra "
                         f"columns ({sorted(w + 2 for w in widths)} in all); give every sample "
                         "the same keypoint layout")
    return np.concatenate(parts)


def _combine_boxes(parts: list[tuple[BoxState, list | None]], has_labels: bool):
    """One BoxState (and label list) from several, renumbered 0..K-1."""
    xyxy = np.concatenate([b.xyxy for b, _ in parts]).reshape(-1, 4)
    vis = np.concatenate([b.visibility for b, _ in parts])
    labels = None
    if has_labels:
        labels = [lab[k] for b, lab in parts for k in b.index]
    return BoxState(xyxy=xyxy, visibility=vis, index=np.arange(len(xyxy))), labels


class CutMix(_MixTransform):
    """Paste a random rectangle of a partner image into each image (Yun et al. 2019).

    The rectangle covers a fraction ``1 - lam`` of the image, ``lam ~ Beta(alpha, alpha)``
    (clipped at the borders; labels use the clipped area). Masks are pasted like pixels;
    the sample's boxes stay, with their visible fraction reduced by the covered part, and
    the partner's boxes are added, clipped to the rectangle. Keypoints under the rectangle
    are marked not visible. After CutMix ``bbox_indices`` index the combined box list
    (own boxes first, then the partner's).
    """

    def __init__(self, alpha: float = 1.0, num_classes: int | None = None, p: float = 1.0):
        super().__init__(p=p)
        self.alpha = check_number(self, "alpha", alpha, 1e-3, 1e3)
        self._set_num_classes(num_classes)

    def sample_batch(self, rng, batch):
        images = self._images(batch)
        n, h, w = images.shape[:3]
        cut = np.sqrt(1.0 - rng.beta(self.alpha, self.alpha, n))
        ch, cw = (cut * h).astype(int), (cut * w).astype(int)
        cy, cx = rng.integers(0, h, n), rng.integers(0, w, n)
        top, left = np.clip(cy - ch // 2, 0, h), np.clip(cx - cw // 2, 0, w)
        bottom, right = np.clip(cy - ch // 2 + ch, 0, h), np.clip(cx - cw // 2 + cw, 0, w)
        lam = 1.0 - (bottom - top) * (right - left) / float(h * w)
        return ColumnParams(self.applied_mask(rng, n), lam=lam, partner=rng.permutation(n),
                            rect=np.column_stack([top, left, bottom, right]))

    def apply_batch(self, batch, params):
        images = self._images(batch)
        partner, rects, applied = params.partner, params.rect, params.applied
        out = dict(batch)
        out["image"] = M.paste(images, partner, rects, applied)
        lam = np.where(applied, params.lam, 1.0)
        self._mix_labels(batch, out, partner[:, None], np.column_stack([lam, 1 - lam]))
        if batch["_targets"] is not None:
            out["_targets"] = [t if not applied[i] else
                               self._targets(t, batch["_targets"][partner[i]], rects[i])
                               for i, t in enumerate(batch["_targets"])]
        return out

    @staticmethod
    def _targets(own: dict, other: dict, rect: np.ndarray) -> dict:
        top, left, bottom, right = (float(v) for v in rect)
        out = dict(own)
        if "masks" in own:
            raise ValueError("CutMix: 'masks' lists are not supported; use 'mask'")
        if "mask" in own:
            mask = own["mask"].copy()
            t, lf, b, r = (int(v) for v in rect)
            mask[t:b, lf:r] = other["mask"][t:b, lf:r]
            out["mask"] = mask
        if "bboxes" in own:
            mine: BoxState = own["bboxes"]
            area = box_areas(mine.xyxy)
            ix = np.clip(np.minimum(mine.xyxy[:, 2], right) - np.maximum(mine.xyxy[:, 0], left),
                         0, None)
            iy = np.clip(np.minimum(mine.xyxy[:, 3], bottom) - np.maximum(mine.xyxy[:, 1], top),
                         0, None)
            left_over = 1.0 - np.divide(ix * iy, area, out=np.zeros_like(area), where=area > 0)
            mine = BoxState(mine.xyxy, mine.visibility * left_over, mine.index)
            theirs: BoxState = other["bboxes"]
            clipped = np.column_stack([np.clip(theirs.xyxy[:, 0], left, right),
                                       np.clip(theirs.xyxy[:, 1], top, bottom),
                                       np.clip(theirs.xyxy[:, 2], left, right),
                                       np.clip(theirs.xyxy[:, 3], top, bottom)]).reshape(-1, 4)
            whole = box_areas(theirs.xyxy)
            ratio = np.divide(box_areas(clipped), whole, out=np.zeros_like(whole),
                              where=whole > 0)
            theirs = BoxState(clipped, theirs.visibility * ratio, theirs.index)
            out["bboxes"], labels = _combine_boxes(
                [(mine, own.get("labels")), (theirs, other.get("labels"))], "labels" in own)
            if labels is not None:
                out["labels"] = labels
        if "keypoints" in own:
            kp: KeypointState = own["keypoints"]
            under = ((kp.xy[:, 0] >= left) & (kp.xy[:, 0] < right) & (kp.xy[:, 1] >= top)
                     & (kp.xy[:, 1] < bottom))
            out["keypoints"] = replace(kp, visible=kp.visible & ~under)
        return out


class Mosaic(_MixTransform):
    """Tile each image with three random partners on a ``height`` x ``width`` canvas split
    at a random centre (fractions ``center_range`` of the sides); each source is resized to
    its tile. Boxes, masks and keypoints of all four sources move with their pixels (boxes
    and keypoints of non-empty tiles are concatenated in tile order: top-left = the sample
    itself, top-right, bottom-left, bottom-right); labels mix by tile area. Images may
    differ in size. A sample skipped by ``p`` fills the canvas alone (resized); its record
    has no Mosaic step.
    """

    skipped_unchanged = False  # a skipped sample is still resized to the canvas

    def __init__(self, height: int, width: int,
                 center_range: tuple[float, float] = (0.25, 0.75),
                 interpolation: str = "linear", num_classes: int | None = None,
                 p: float = 1.0):
        super().__init__(p=p)
        self.height = check_number(self, "height", height, 1, 1 << 20, integer=True)
        self.width = check_number(self, "width", width, 1, 1 << 20, integer=True)
        self.center_range = check_range(self, "center_range", center_range, 0.0, 1.0)
        self.interpolation = check_choice(self, "interpolation", interpolation,
                                          INTERPOLATIONS)
        self._set_num_classes(num_classes)

    def sample_batch(self, rng, batch):
        n = len(self._images(batch, same_size=False))
        applied = self.applied_mask(rng, n)
        cx = (rng.uniform(*self.center_range, n) * self.width).astype(int)
        cy = (rng.uniform(*self.center_range, n) * self.height).astype(int)
        partners = rng.integers(0, n, (n, 3))
        # a skipped sample fills the whole canvas alone (same output size for every sample)
        cx[~applied], cy[~applied] = self.width, self.height
        partners[~applied] = np.arange(n)[~applied, None]
        return ColumnParams(applied, center=np.column_stack([cx, cy]), partners=partners)

    def _weights(self, center: np.ndarray) -> np.ndarray:
        areas = [[(b - t) * (r - lf) for t, lf, b, r in M.quadrants(
            self.height, self.width, int(cx), int(cy))] for cx, cy in center]
        return np.asarray(areas, dtype=np.float64) / float(self.height * self.width)

    def apply_batch(self, batch, params):
        images = self._images(batch, same_size=False)
        check_image_bytes(self, self.height, self.width, images[0], count=len(images))
        center, partners = params.center, params.partners
        sources = np.column_stack([np.arange(len(images)), partners])
        out = dict(batch)
        out["image"] = np.stack([self._canvas([images[s] for s in src], int(cx), int(cy))
                                 for src, (cx, cy) in zip(sources, center, strict=True)])
        self._mix_labels(batch, out, partners, self._weights(center))
        if batch["_targets"] is not None:
            out["_targets"] = [self._targets([batch["_targets"][s] for s in src],
                                             [images[s].shape[:2] for s in src], int(cx), int(cy))
                               for src, (cx, cy) in zip(sources, center, strict=True)]
        return out

    def _canvas(self, sources: list[np.ndarray], cx: int, cy: int) -> np.ndarray:
        if all(all_finite(s) for s in sources):
            return M.mosaic_one(sources, self.height, self.width, cx, cy, self.interpolation)
        # NaN / inf: resize finite stand-ins, then put the values back where they land
        pairs = [finite_standin(s) if s.dtype.char == "f" else (s, None) for s in sources]
        out = M.mosaic_one([f for f, _ in pairs], self.height, self.width, cx, cy,
                           self.interpolation)
        codes = M.mosaic_one([np.zeros(f.shape, np.uint8) if c is None else c
                              for f, c in pairs], self.height, self.width, cx, cy, "nearest")
        return put_back(out, codes)

    def _targets(self, parts: list[dict], sizes: list, cx: int, cy: int) -> dict:
        tiles = M.quadrants(self.height, self.width, cx, cy)
        own = parts[0]
        out = {k: v for k, v in own.items() if k.startswith("_")}
        if "masks" in own:
            raise ValueError("Mosaic: 'masks' lists are not supported; use 'mask'")
        if "mask" in own:
            out["mask"] = M.mosaic_one([p["mask"] for p in parts], self.height, self.width,
                                       cx, cy, "nearest")
        maps = []  # per tile: scale (sx, sy) and offset (left, top) of source pixels
        for (t, lf, b, r), (h, w) in zip(tiles, sizes, strict=True):
            maps.append((np.array([(r - lf) / w, (b - t) / h]), np.array([lf, t], float)))
        if "bboxes" in own:
            moved = []
            for p, (scale, offset), (t, lf, b, r) in zip(parts, maps, tiles, strict=True):
                boxes: BoxState = p["bboxes"]
                if b <= t or r <= lf:  # an empty tile shows nothing of its source
                    boxes = BoxState(boxes.xyxy[:0], boxes.visibility[:0], boxes.index[:0])
                xyxy = boxes.xyxy * np.tile(scale, 2) + np.tile(offset, 2)
                moved.append((BoxState(xyxy, boxes.visibility, boxes.index), p.get("labels")))
            out["bboxes"], labels = _combine_boxes(moved, "labels" in own)
            if labels is not None:
                out["labels"] = labels
        if "keypoints" in own:
            xy, vis, extra = [], [], []
            for p, (scale, offset), (t, lf, b, r) in zip(parts, maps, tiles, strict=True):
                if b <= t or r <= lf:  # like boxes: an empty tile contributes no keypoints
                    continue  # (so a skipped sample, tiled alone, keeps just its own)
                kp: KeypointState = p["keypoints"]
                xy.append(kp.xy * scale + offset)
                vis.append(kp.visible)
                extra.append(kp.extra)
            out["keypoints"] = KeypointState(np.concatenate(xy).reshape(-1, 2),
                                             np.concatenate(vis), _joined_extra(extra))
        return out


__all__ = ["CutMix", "MixUp", "Mosaic"]
