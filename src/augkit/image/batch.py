"""Batched image augmentation: the batch side of the image adapter, and the table of
vectorised paths.

``transform.batch(images, **targets)`` takes an (N, H, W[, C]) array (or a list of images of
any sizes) and per-sample targets by keyword, each a sequence of N entries:

* ``mask`` / ``masks`` / ``bboxes`` / ``labels`` / ``keypoints`` - as in a single call, one
  entry per sample (``labels`` are per-box labels);
* ``label`` - one class label per sample (an int or a label vector), mixed by MixUp, CutMix
  and Mosaic, passed through by every other transform.

It returns ``{"images": ..., <the same target keys>: [one entry per sample], ...}``, plus
``bbox_indices`` / ``keypoints_visible`` lists when boxes / keypoints were given. Images come
back as one array when all samples share a shape, otherwise as a list.

Every transform draws independent parameters per sample. Transforms listed in the
vectorised table (see :mod:`augkit.image.batch_ops`) sample them as arrays and run one kernel
over the batch; every other transform falls back to ``sample`` / ``apply`` per sample, with
the same results it gives in single calls.

>>> import numpy as np
>>> from augkit import image as A
>>> out = A.HorizontalFlip(p=0.5).batch(np.zeros((8, 4, 4, 3), np.uint8), seed=0)
>>> out["images"].shape
(8, 4, 4, 3)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from augkit.core.group import GROUPS
from augkit.core.limits import check_output_bytes, get_limits
from augkit.core.targets import register_adapter
from augkit.image.targets import ImageAdapter, _error, check_image, native

PER_SAMPLE_KEYS = ("mask", "masks", "bboxes", "labels", "keypoints")
BATCH_KEYS = PER_SAMPLE_KEYS + ("label",)


@dataclass(frozen=True)
class Vectorised:
    """A transform's vectorised batch path: ``sample(t, rng, images) -> ColumnParams`` and
    ``apply(t, images, params) -> images`` (the applied mask lives in the params).

    ``fusable``: ``apply`` (and the single ``apply``) read none of the arguments that the
    class's magnitude sets, and ``sample`` returns array columns only; so instances that
    differ only in those arguments (a policy op at several magnitudes and signs) can run one
    ``apply`` over their samples' concatenated parameters."""

    sample: Callable
    apply: Callable
    fusable: bool = False


VECTORISED: dict[type, Vectorised] = {}


def vectorised(cls: type, sample: Callable, apply: Callable, fusable: bool = False) -> None:
    """Register a vectorised batch path for exactly ``cls`` (not its subclasses, whose
    ``sample`` may differ). Its sample ``i`` must equal, bit for bit, ``apply`` of the single
    path with that sample's parameters (the conformance suite checks this); ``fusable``: see
    :class:`Vectorised`."""
    VECTORISED[cls] = Vectorised(sample, apply, fusable)


def _check_images(inputs: Any) -> np.ndarray | list:
    allowed = ("expected an (N, H, W[, C]) uint8/uint16/float32 array or a list of HxW[xC] images")
    if isinstance(inputs, np.ndarray):
        if inputs.ndim not in (3, 4) or inputs.shape[0] == 0:
            _error("images", inputs, allowed)
        check_image(inputs[0], "images")  # dtype and per-image shape rules, once
        return native(inputs)
    if isinstance(inputs, (list, tuple)) and inputs:
        return [check_image(img, "images") for img in inputs]
    _error("images", inputs, allowed, TypeError)


def _stack(images: list) -> np.ndarray | list:
    first = images[0]
    if all(img.shape == first.shape and img.dtype == first.dtype for img in images):
        if first.nbytes * len(images) > get_limits().max_output_bytes:
            check_output_bytes("image batch", f"{len(images)} images of shape {first.shape} "
                               f"and dtype {first.dtype}", first.nbytes * len(images))
        return np.stack(images)
    return images


def _fresh(images: np.ndarray | list, given: np.ndarray | list) -> np.ndarray | list:
    """``images``, with a copy of any array that may share memory with the caller's input:
    a batch whose transforms all skipped, or skipped samples left in a list (a bounds check
    against an input array, an identity check against a list's images; no pixel is read)."""
    if isinstance(given, np.ndarray):
        def shared(img):
            return np.may_share_memory(img, given)
    else:
        ids = {id(g) for g in given}

        def shared(img):
            return id(img) in ids
    if isinstance(images, np.ndarray):
        return images.copy() if shared(images) else images
    return [img.copy() if shared(img) else img for img in images]


class BatchImageAdapter(ImageAdapter):
    """The image adapter, with batches. Batch state: ``image`` (array or list), ``_n``,
    ``_targets`` (None, or one prepared single-image target dict per sample) and ``label``."""

    def prepare_batch(self, inputs: Any, data: dict[str, Any],
                      options: Mapping[str, Any]) -> dict[str, Any]:
        if inputs is None or "frames" in data or "views" in data:  # clips, or view sets
            from augkit.image.frames import prepare_group_batch

            return prepare_group_batch(self, inputs, data, options)
        unknown = set(data) - set(BATCH_KEYS) if data else None
        if unknown:
            raise ValueError(f"image targets: unknown batch keyword(s) {sorted(unknown)}; "
                             f"allowed: {', '.join(BATCH_KEYS)}")
        if type(inputs).__module__.startswith("torch"):  # imports torch only for tensors
            return self._prepare_tensor_batch(inputs, data)
        images = _check_images(inputs)
        n = len(images)
        # "_given": the caller's images, which finalize_batch never hands back (nor a view)
        batch: dict[str, Any] = {"image": images, "_n": n, "_targets": None, "_given": images}
        if not data:  # images alone: nothing per sample to check or prepare
            return batch
        for key, value in data.items():
            if not hasattr(value, "__len__") or len(value) != n:
                _error(key, value, f"expected one entry per image ({n})")
        if "label" in data:
            batch["label"] = np.array(data["label"])  # a copy: returned when nothing mixes
        given = [k for k in PER_SAMPLE_KEYS if k in data]
        if given:
            targets = []
            for i in range(n):
                try:
                    state = self.prepare({"image": images[i], **{k: data[k][i] for k in given}},
                                         options)
                except (TypeError, ValueError) as exc:  # say which sample
                    raise type(exc)(f"{exc} (sample {i} of the batch)") from None
                del state["image"]
                targets.append(state)
            batch["_targets"] = targets
        return batch

    @staticmethod
    def _prepare_tensor_batch(inputs: Any, data: dict[str, Any]) -> dict[str, Any]:
        from augkit.image import torch_ops

        x = torch_ops.check_tensor(inputs)
        if set(data) - {"label"}:
            raise ValueError(f"image targets: {sorted(set(data) - {'label'})} are not "
                             "supported with tensors; use a numpy batch for masks, boxes "
                             "and keypoints")
        batch = {"image": x, "_n": x.shape[0], "_targets": None, "_proxy": torch_ops.proxy(x),
                 "_given": inputs}
        if "label" in data:
            if len(data["label"]) != x.shape[0]:
                _error("label", data["label"], f"expected one entry per image ({x.shape[0]})")
            batch["label"] = np.array(data["label"])
        return batch

    def batch_size(self, batch: dict[str, Any]) -> int:
        return batch["_n"]

    def split_batch(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        images, targets = batch["image"], batch["_targets"]
        states = ([{"image": img} for img in images] if targets is None else
                  [{"image": img, **t} for img, t in zip(images, targets, strict=True)])
        if "label" in batch:  # each sample's class, for the ops that read it
            for state, label in zip(states, batch["label"], strict=True):
                state["label"] = label
        return states

    def join_batch(self, states: list[dict[str, Any]], like: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in like.items() if k not in ("image", "_targets")}
        out["image"] = _stack([st["image"] for st in states])
        out["_targets"] = (None if like["_targets"] is None else
                           [{k: v for k, v in st.items() if k not in ("image", "label")}
                            for st in states])
        return out

    def take_batch(self, batch: dict[str, Any], idx: np.ndarray) -> dict[str, Any]:
        images = batch["image"]
        out = dict(batch, _n=len(idx))
        out["image"] = (images[idx] if isinstance(images, np.ndarray)
                        else [images[i] for i in idx])
        if batch["_targets"] is not None:
            out["_targets"] = [batch["_targets"][i] for i in idx]
        if "label" in batch:
            out["label"] = batch["label"][idx]
        return out

    def put_batch(self, batch: dict[str, Any], idx: np.ndarray,
                  sub: dict[str, Any]) -> dict[str, Any]:
        out = dict(batch)
        images, new = batch["image"], sub["image"]
        if (isinstance(images, np.ndarray) and isinstance(new, np.ndarray)
                and images.shape[1:] == new.shape[1:] and images.dtype == new.dtype):
            merged = images.copy()
            merged[idx] = new
        else:
            merged = list(images)
            for j, i in enumerate(idx):
                merged[i] = new[j]
            merged = _stack(merged)
        out["image"] = merged
        if batch["_targets"] is not None:
            targets = list(batch["_targets"])
            for j, i in enumerate(idx):
                targets[i] = sub["_targets"][j]
            out["_targets"] = targets
        if "label" in batch:
            label = batch["label"]
            if sub["label"].shape[1:] != label.shape[1:]:
                raise ValueError("image batch: a transform that changes the label shape "
                                 "(MixUp, CutMix, Mosaic) cannot run on part of a batch; "
                                 "give it integer labels with num_classes, or p=1 containers")
            merged_label = label.astype(np.result_type(label, sub["label"]), copy=True)
            merged_label[idx] = sub["label"]
            out["label"] = merged_label
        return out

    def put_batches(self, batch: dict[str, Any], parts: list, owned: bool = False
                    ) -> tuple[dict[str, Any], bool]:
        """:meth:`put_batch` of several disjoint ``(idx, sub)`` parts at once: one copy of the
        images (none when ``owned``: the caller made them, here, and holds no other
        reference), then each part written in. Returns the batch and whether its images
        are now owned (a fresh array). Other batches (targets, labels, images of another
        shape or dtype, lists) merge part by part."""
        images = batch["image"]
        if (isinstance(images, np.ndarray) and batch["_targets"] is None
                and "label" not in batch and all(
                    isinstance(sub["image"], np.ndarray) and sub["image"].dtype == images.dtype
                    and sub["image"].shape[1:] == images.shape[1:] for _, sub in parts)):
            merged = images if owned else images.copy()
            for idx, sub in parts:
                merged[idx] = sub["image"]
            out = dict(batch)
            out["image"] = merged
            return out, True
        for idx, sub in parts:
            batch = self.put_batch(batch, idx, sub)
        return batch, False

    def finalize_batch(self, batch: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        if GROUPS in batch:
            from augkit.image.frames import finalize_group_batch

            return finalize_group_batch(self, batch, options)
        images = batch["image"]
        if "_proxy" in batch:
            out = {"images": images.clone() if images is batch["_given"] else images}
            if "label" in batch:
                out["label"] = batch["label"]
            return out
        out: dict[str, Any] = {"images": _fresh(images if isinstance(images, np.ndarray)
                                                else _stack(list(images)), batch["_given"])}
        if batch["_targets"] is not None:
            finals = [self.finalize({"image": img, **t}, options)
                      for img, t in zip(images, batch["_targets"], strict=True)]
            for key in finals[0]:
                if key != "image":
                    out[key] = [f[key] for f in finals]
            if "mask" in out:
                out["mask"] = _stack(out["mask"])
        if "label" in batch:
            out["label"] = batch["label"]
        return out


register_adapter(BatchImageAdapter())
