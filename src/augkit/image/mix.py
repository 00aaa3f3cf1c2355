"""Batch mixing: MixUp, CutMix and Mosaic, with label mixing and (CutMix, Mosaic) boxes, and
CopyAndPaste, which pastes instances (masks, boxes, labels) from partner samples.

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
from augkit.image.functional import geometric as G
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


def _binary(mask: np.ndarray) -> np.ndarray:
    """The pixels of one instance mask: non-zero (in any channel)."""
    return mask.any(axis=2) if mask.ndim == 3 else mask != 0


def _tight_box(binary: np.ndarray) -> list[float]:
    """x_min, y_min, x_max, y_max (pixel edges) of the set pixels of a non-empty bool map."""
    ys, xs = np.flatnonzero(binary.any(axis=1)), np.flatnonzero(binary.any(axis=0))
    return [float(xs[0]), float(ys[0]), float(xs[-1] + 1), float(ys[-1] + 1)]


def _mask_dtypes(t: dict) -> list:
    """The caller's dtype of each instance mask of one sample (its carrier's when the same)."""
    given = t.get("_mask_dtypes", {}).get("masks")
    return list(given) if given is not None else [m.dtype for m in t["masks"]]


class CopyAndPaste(_MixTransform):
    """Simple Copy-Paste for instance segmentation (Ghiasi et al. 2021): paste a random subset
    of the instances of a random partner of the batch onto each image.

    Instances are the instance masks given in ``masks=`` (one mask per instance, its pixels
    the non-zero ones); with ``bboxes=`` (and ``labels=``) box ``k`` and its label belong to
    mask ``k``, so a sample must have as many boxes as masks. For each sample drawn (``p``),
    a partner (another sample) is picked and a random non-empty subset of its non-empty
    instances is chosen. The partner is resized by a factor drawn from ``scale_range`` and
    placed on the sample's canvas at a random offset: cropped where it is larger and padded
    where it is smaller, so images may differ in size (at scale 1 the partner is only
    cropped or padded). The chosen instances' pixels then replace the sample's, as they are
    (``blend_mode="hard"``) or through an alpha blurred by a Gaussian of sigma drawn from
    ``blend_sigma_range`` (``"gaussian"``; targets use the hard masks).

    Targets:

    * ``masks``: the sample's own masks lose the pasted pixels (set to 0); the pasted
      instances' masks (the partner's, moved like its pixels, values kept) are appended in
      the partner's order. A pasted instance whose pixels on the canvas number fewer than
      ``min_paste_area``, or fewer than ``min_visibility_after_paste`` of its resized area
      (the rest fell off the canvas), is not pasted. An own instance that loses pixels and
      keeps fewer than ``min_paste_area``, or fewer than ``min_visibility_after_paste`` of
      what it had, is dropped from the targets (mask, box and label); its remaining pixels
      stay in the image. Own instances the paste does not touch are kept as they are.
    * ``bboxes``: boxes of occluded own instances and of pasted ones are the tight boxes of
      their masks (visibility scaled by the fraction of pixels kept, like CutMix); untouched
      boxes stay. Boxes (own first, then pasted) are renumbered, so ``bbox_indices`` index
      the new list.
    * ``mask`` (one label map): pasted pixels take the partner's label map values there,
      moved like its pixels (the pasted instances' classes when the map holds them).
    * ``keypoints``: the sample's keypoints are kept (not removed, not renumbered); those
      under pasted pixels are marked not visible, as CutMix does. The partner's keypoints are
      not carried over.

    A sample is left unchanged (its record has no CopyAndPaste step) when the batch holds a
    single image or its partner has no non-empty instance mask, which includes batches
    without ``masks=``. ``label=`` (image classes) passes through unchanged. The record
    names the partner, the chosen partner ``instances`` (indices into its masks), the scale,
    the offset (y, x) and the blur sigma (0 for hard pasting); it does not list which
    instances ``min_paste_area`` / ``min_visibility_after_paste`` then dropped.

    >>> import numpy as np
    >>> images = np.stack([np.full((4, 4), v, np.uint8) for v in (10, 20)])
    >>> masks = [[np.pad(np.ones((2, 2), np.uint8), ((0, 2), (0, 2)))]] * 2
    >>> out = CopyAndPaste(min_visibility_after_paste=0.5).batch(images, masks=masks, seed=0)
    >>> out["images"][0].tolist()
    [[20, 20, 10, 10], [20, 20, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]]
    >>> len(out["masks"][0])  # the own instance was fully covered: dropped; the pasted one
    1
    """

    def __init__(self, min_visibility_after_paste: float = 0.05, blend_mode: str = "hard",
                 blend_sigma_range: tuple[float, float] = (1.0, 3.0),
                 scale_range: tuple[float, float] = (1.0, 1.0), min_paste_area: int = 1,
                 p: float = 1.0):
        super().__init__(p=p)
        self.min_visibility_after_paste = check_number(
            self, "min_visibility_after_paste", min_visibility_after_paste, 0.0, 1.0)
        self.blend_mode = check_choice(self, "blend_mode", blend_mode, ("hard", "gaussian"))
        self.blend_sigma_range = check_range(self, "blend_sigma_range", blend_sigma_range,
                                             0.01, 100.0)
        self.scale_range = check_range(self, "scale_range", scale_range, 0.01, 100.0)
        self.min_paste_area = check_number(self, "min_paste_area", min_paste_area, 0,
                                           1 << 40, integer=True)

    def sample_batch(self, rng, batch):
        images = self._images(batch, same_size=False)
        targets = batch["_targets"]
        n = len(images)
        applied = self.applied_mask(rng, n)
        if targets is not None:
            for i, t in enumerate(targets):
                if "masks" in t and "bboxes" in t and len(t["bboxes"].xyxy) != len(t["masks"]):
                    raise ValueError(
                        f"CopyAndPaste: box k belongs to instance mask k, but sample {i} has "
                        f"{len(t['bboxes'].xyxy)} boxes and {len(t['masks'])} masks; give one "
                        "box per instance mask")
        present: dict[int, list[int]] = {}  # non-empty instance masks of each partner
        params: list = []
        for i in range(n):
            if not applied[i] or n < 2 or targets is None:
                params.append(None)
                continue
            j = int((i + rng.integers(1, n)) % n)
            if j not in present:
                present[j] = [k for k, m in enumerate(targets[j].get("masks", ()))
                              if m.any()]
            scale = float(rng.uniform(*self.scale_range))
            sigma = (float(rng.uniform(*self.blend_sigma_range))
                     if self.blend_mode == "gaussian" else 0.0)
            u = rng.random(2)
            have = present[j]
            if not have:
                params.append(None)
                continue
            chosen = rng.choice(len(have), int(rng.integers(1, len(have) + 1)), replace=False)
            (h, w), (hp, wp) = images[i].shape[:2], images[j].shape[:2]
            nh, nw = max(1, round(hp * scale)), max(1, round(wp * scale))
            offset = [int(min(0, h - nh) + u[0] * (abs(h - nh) + 1)),
                      int(min(0, w - nw) + u[1] * (abs(w - nw) + 1))]
            params.append({"partner": j, "instances": sorted(have[int(c)] for c in chosen),
                           "scale": scale, "offset": offset, "sigma": sigma})
        return params

    def apply_batch(self, batch, params):
        images = self._images(batch, same_size=False)
        targets = batch["_targets"]
        new_images = list(images)
        new_targets = list(targets)
        for i, prm in enumerate(params):
            if prm is not None:
                j = prm["partner"]
                new_images[i], new_targets[i] = self._paste(images[i], targets[i], images[j],
                                                            targets[j], prm)
        out = dict(batch)
        out["image"] = (np.stack(new_images) if isinstance(images, np.ndarray)
                        else new_images)
        out["_targets"] = new_targets
        return out

    def _placed_image(self, img: np.ndarray, size, region, offset) -> np.ndarray:
        """The partner's pixels on the destination rectangle ``region``."""
        top, left, bottom, right = region
        (hp, wp), (nh, nw) = img.shape[:2], size
        if (nh, nw) == (hp, wp):  # no resize: a crop
            return img[top - offset[0]:bottom - offset[0], left - offset[1]:right - offset[1]]
        matrix = np.array([[nw / wp, 0.0, offset[1] - left], [0.0, nh / hp, offset[0] - top]])
        height, width = bottom - top, right - left
        if all_finite(img):
            return G.warp_affine(img, matrix, height, width, "linear", "replicate")
        finite, codes = finite_standin(img)  # NaN / inf: warp stand-ins, put the values back
        out = G.warp_affine(finite, matrix, height, width, "linear", "replicate")
        return put_back(out, G.warp_affine(codes, matrix, height, width, "nearest",
                                           "replicate"))

    def _paste(self, img, own: dict, partner_img, other: dict, prm: dict):
        h, w = img.shape[:2]
        hp, wp = partner_img.shape[:2]
        scale, offset = prm["scale"], prm["offset"]
        size = (max(1, round(hp * scale)), max(1, round(wp * scale)))
        top, left, bottom, right, rows, cols = M.placement((hp, wp), size, offset, (h, w))
        if bottom <= top or right <= left:
            return img, own
        pasted = []  # (partner instance k, its mask on the canvas, its box (t, l, b, r), share)
        hard = np.zeros((h, w), bool)
        for k in prm["instances"]:
            source = other["masks"][k]
            binary = _binary(source)
            ys, xs = np.flatnonzero(binary.any(axis=1)), np.flatnonzero(binary.any(axis=0))
            # the canvas rows / columns that read the instance's rows / columns
            r0, r1 = np.searchsorted(rows, [ys[0], ys[-1] + 1])
            c0, c1 = np.searchsorted(cols, [xs[0], xs[-1] + 1])
            if r1 <= r0 or c1 <= c0:
                continue
            sub = source[np.ix_(rows[r0:r1], cols[c0:c1])]
            sub_binary = _binary(sub)
            area = int(np.count_nonzero(sub_binary))
            whole = M.resized_area(binary, size)
            if not (area and area >= self.min_paste_area
                    and area >= self.min_visibility_after_paste * whole):
                continue
            mask = np.zeros((h, w) + source.shape[2:], source.dtype)
            window = (slice(top + r0, top + r1), slice(left + c0, left + c1))
            mask[window] = sub
            hard[window] |= sub_binary
            sy, sx = np.flatnonzero(sub_binary.any(axis=1)), np.flatnonzero(
                sub_binary.any(axis=0))
            box = (top + r0 + sy[0], left + c0 + sx[0], top + r0 + sy[-1] + 1,
                   left + c0 + sx[-1] + 1)
            pasted.append((k, mask, box, area / whole))
        if not pasted:
            return img, own
        boxes = np.array([b for _, _, b, _ in pasted])
        used = (int(boxes[:, 0].min()), int(boxes[:, 1].min()), int(boxes[:, 2].max()),
                int(boxes[:, 3].max()))  # the pasted pixels' bounding rectangle
        reach = int(np.ceil(4 * prm["sigma"])) + 1 if prm["sigma"] > 0 else 0
        blend = (max(top, used[0] - reach), max(left, used[1] - reach),
                 min(bottom, used[2] + reach), min(right, used[3] + reach))
        t, lf, b, r = blend
        source = self._placed_image(partner_img, size, blend, offset)
        out_img = img.copy()
        out_img[t:b, lf:r] = M.blend_region(img[t:b, lf:r], source, hard[t:b, lf:r],
                                            prm["sigma"])
        return out_img, self._targets(own, other, pasted, hard, used, (top, left, rows, cols))

    def _targets(self, own: dict, other: dict, pasted: list, hard: np.ndarray, used,
                 grid) -> dict:
        t, lf, b, r = used
        win = (slice(t, b), slice(lf, r))
        under = hard[win]
        out = dict(own)
        keep, boxes, shares = [], {}, {}  # own instances kept; new boxes and kept shares
        masks = list(own["masks"])
        for k, m in enumerate(masks):
            lost = int(np.count_nonzero(_binary(m[win]) & under))
            if not lost:
                keep.append(k)
                continue
            binary = _binary(m)
            before = int(np.count_nonzero(binary))
            after = before - lost
            if after and after >= self.min_paste_area and (
                    after >= self.min_visibility_after_paste * before):
                masks[k] = m.copy()
                masks[k][win][under] = 0
                binary[win] &= ~under
                keep.append(k)
                boxes[k] = _tight_box(binary)
                shares[k] = after / before
        out["masks"] = [masks[k] for k in keep] + [m for _, m, _, _ in pasted]
        dtypes = ([_mask_dtypes(own)[k] for k in keep]
                  + [_mask_dtypes(other)[k] for k, _, _, _ in pasted])
        mask_dtypes = {key: v for key, v in own.get("_mask_dtypes", {}).items()
                       if key != "masks"}
        if any(m.dtype != d for m, d in zip(out["masks"], dtypes, strict=True)):
            mask_dtypes["masks"] = dtypes
        if mask_dtypes:
            out["_mask_dtypes"] = mask_dtypes
        else:
            out.pop("_mask_dtypes", None)
        if "mask" in own:
            top, left, rows, cols = grid
            mask = own["mask"].copy()
            theirs = other["mask"][np.ix_(rows[t - top:b - top], cols[lf - left:r - left])]
            mask[win][under] = theirs[under]
            out["mask"] = mask
        if "bboxes" in own:
            mine: BoxState = own["bboxes"]
            theirs_boxes: BoxState = other["bboxes"]
            xyxy = [boxes.get(k, mine.xyxy[k].tolist()) for k in keep] + [
                [float(x0), float(y0), float(x1), float(y1)]
                for _, _, (y0, x0, y1, x1), _ in pasted]
            vis = [mine.visibility[k] * shares.get(k, 1.0) for k in keep] + [
                theirs_boxes.visibility[k] * share for k, _, _, share in pasted]
            out["bboxes"] = BoxState(np.asarray(xyxy, np.float64).reshape(-1, 4),
                                     np.asarray(vis, np.float64), np.arange(len(xyxy)))
            if "labels" in own:
                out["labels"] = ([own["labels"][mine.index[k]] for k in keep]
                                 + [other["labels"][theirs_boxes.index[k]]
                                    for k, _, _, _ in pasted])
        if "keypoints" in own:
            kp: KeypointState = own["keypoints"]
            h, w = hard.shape
            x, y = np.floor(kp.xy[:, 0]).astype(np.intp), np.floor(kp.xy[:, 1]).astype(np.intp)
            inside = (x >= 0) & (x < w) & (y >= 0) & (y < h)
            hidden = np.zeros(len(x), bool)
            hidden[inside] = hard[y[inside], x[inside]]
            out["keypoints"] = replace(kp, visible=kp.visible & ~hidden)
        return out


__all__ = ["CopyAndPaste", "CutMix", "MixUp", "Mosaic"]
