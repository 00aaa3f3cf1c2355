"""Video clips and paired views: one pipeline run over several images and their targets.

``aug(frames=clip)`` takes a clip, a (T, H, W[, C]) array or a list of T images of one shape
and dtype; ``aug(views=[left, right])`` takes views of one scene, images of any sizes (stereo
pairs, a scene seen by several cameras). ``label`` is the class of the whole clip (read by
the ops that need it, returned as given); targets are given per frame / per view, each a
sequence of T entries: ``mask`` ((T, H, W[, C]) array or a list), ``masks`` (per frame a
list or an (M, H, W) array; or a (T, M, H, W) array), ``bboxes`` with ``labels`` (per frame
(N_t, 4) boxes and their labels) and ``keypoints`` ((T, K, 2) array or per frame (K, 2)).

The result holds ``frames`` (an array when every frame comes out with one shape, else a list)
or ``views`` (a list), and each target as one entry per frame / view (``mask``, ``masks`` and
``keypoints`` given as arrays come back as arrays where their shapes agree).

``frame_mode`` (a target option, per call or on ``Compose(targets=...)``):

* ``"shared"`` (default): each transform draws its ``p`` and parameters once, and the same
  parameters move every frame and its targets. Frames share their shape, so a transform
  samples on the first frame (the *key frame*); samplers that read targets (box-safe crops,
  ``CropNonEmptyMaskIfExists``, ``MaskDropout``) read the key frame's. Views may differ in
  size: there each transform samples once per view from the same random numbers (the
  generator's state before the draw; the key view draws what a single call would), so
  views of one size (and the same targets) get identical parameters, and the draws that do
  not depend on the size (flips, angles, colour factors, noise seeds) are the same for every
  view; those in pixels (crop offsets, hole positions) come from the same random numbers
  within each view's own range (about the same relative place). Ops with a fixed size in
  pixels (``RandomCrop``, ``Resize``) use that size in every view.
* ``"per_frame"``: every frame (view) draws its own ``p`` and parameters: temporal jitter,
  or independent views. Containers (``OneOf``, ``SomeOf``, ``Sometimes``) still choose once
  per clip, so the same ops run on every frame with jittered parameters.
* ``"smooth"`` (clips only): each transform draws ``p`` once and two parameter sets, for the
  first and the last frame; the float parameters in between are interpolated linearly
  (angles, factors, scales drift over the clip), integer and other values (crop offsets,
  flags, noise seeds) are the first frame's.

Records replay the clip exactly (``record.apply(frames=clip, ...)``). A shared step records
plain parameters (so ``record.apply(image=frame)`` replays one frame); a step drawn per frame
records ``{"_per_member": [params or None, ...]}`` and replays only on a group of that size.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from augkit.core.group import GROUPS, PER_MEMBER, GroupState
from augkit.core.limits import check_output_bytes, get_limits
from augkit.image.targets import _error, check_image, native

GROUP_KINDS = ("frames", "views")
TARGET_KEYS = ("mask", "masks", "bboxes", "labels", "keypoints")
FRAME_MODES = ("shared", "per_frame", "smooth")
# targets given as one array come back as one array (where the per-frame shapes agree)
_STACKABLE = ("mask", "masks", "keypoints", "keypoints_visible")


class FrameGroup(GroupState):
    """A clip: frames of one shape; shared parameters are sampled on the key frame, and the
    other frames replay the key frame's steps one frame at a time (``lazy``)."""

    __slots__ = ()
    lazy = True


class ViewGroup(GroupState):
    """Views of one scene, of any sizes: a shared step samples every view from one seed."""

    __slots__ = ()

    def sample_shared(self, transform, rng: np.random.Generator) -> dict[str, Any]:
        """Every view samples from the generator as it is now (the same random numbers);
        the stream then goes on from where the key view's draw left it, so the key view
        gets what a single call with the same seed would."""
        if len(self.members) == 1:
            return transform.sample(rng, self)
        bits = rng.bit_generator
        start = bits.state
        first = transform.sample(rng, self)
        after_key = bits.state
        drawn = [first]
        for member in self.members[1:]:
            bits.state = start
            drawn.append(transform.sample(rng, member))
        bits.state = after_key
        if all(d == first for d in drawn[1:]):
            return first
        return {PER_MEMBER: drawn}


def _unit(kind: str) -> str:
    return "frame" if kind == "frames" else "view"


def check_members(kind: str, value: Any) -> tuple[list[np.ndarray], bool]:
    """The images of ``frames`` / ``views``, checked, and whether they came as one array."""
    unit = _unit(kind)
    allowed = (f"expected a ({'T' if kind == 'frames' else 'V'}, H, W[, C]) uint8/uint16/"
               f"float32 array or a non-empty list of HxW[xC] images, one per {unit}")
    if isinstance(value, np.ndarray):
        if value.ndim not in (3, 4) or 0 in value.shape:
            _error(kind, value, allowed + f" (at least one {unit}, no empty axis)")
        check_image(value[0], kind)  # dtype rules, once
        value = native(value)
        return list(value), True
    if not isinstance(value, (list, tuple)):
        _error(kind, value, allowed, TypeError)
    if not value:
        _error(kind, value, allowed + f" (at least one {unit})")
    images = [check_image(img, f"{kind}[{i}]") for i, img in enumerate(value)]
    if kind == "frames":
        first = images[0]
        for i, img in enumerate(images[1:], 1):
            if img.shape != first.shape or img.dtype != first.dtype:
                raise ValueError(
                    f"image targets: 'frames' frame {i} has shape {img.shape} and dtype "
                    f"{img.dtype}, frame 0 has {first.shape} and {first.dtype}; every frame "
                    "of a clip shares one shape and dtype (images of different sizes: "
                    "views=[...])")
    return images, False


def prepare_group(adapter, data: dict[str, Any], options: Mapping[str, Any]) -> GroupState:
    """The group state of a ``frames=`` / ``views=`` call: each member prepared as a single
    image call with its own targets."""
    kinds = [k for k in GROUP_KINDS if k in data]
    if len(kinds) > 1 or "image" in data:
        given = sorted(k for k in ("image", *GROUP_KINDS) if k in data)
        raise ValueError(f"image targets: got {', '.join(repr(k) for k in given)}; give one "
                         "of image= (one image), frames= (a clip) or views= (views of a scene)")
    kind = kinds[0]
    adapter.check_keywords(data, (kind, *TARGET_KEYS, "label"), kind, f"'{kind}' is required")
    mode = {"shared": "shared", "per_frame": "per_member", "smooth": "smooth"}[
        options["frame_mode"]]
    if mode == "smooth" and kind == "views":
        raise ValueError("image targets: 'frame_mode' got 'smooth' with views=; a smooth "
                         "change runs over the frames of a clip (frames=): use 'shared' or "
                         "'per_frame' for views")
    images, _ = check_members(kind, data[kind])
    n, unit = len(images), _unit(kind)
    present = [k for k in TARGET_KEYS if k in data]
    for key in present:
        value = data[key]
        if (isinstance(value, (str, bytes, dict)) or not hasattr(value, "__len__")
                or not hasattr(value, "__getitem__")
                or (isinstance(value, np.ndarray) and value.ndim == 0)):
            _error(key, value, f"expected a sequence with one entry per {unit} ({n}) with "
                   f"{kind}=", TypeError)
        if len(value) != n:
            _error(key, value, f"expected one entry per {unit}: {n} (got {len(value)})")
    # ``label``: the class of the whole clip (scene), seen by every member, returned once
    shared = {"label": data["label"]} if "label" in data else {}
    members = []
    for i, image in enumerate(images):
        item = {"image": image, **{k: data[k][i] for k in present}, **shared}
        try:
            members.append(adapter.prepare(item, options))
        except (TypeError, ValueError) as exc:  # say which frame
            raise type(exc)(f"{exc} ({unit} {i} of '{kind}')") from None
    info = {"kind": kind, "arrays": {k for k in (kind, *present)
                                     if isinstance(data[k], np.ndarray)}}
    group = FrameGroup if kind == "frames" else ViewGroup
    return group(members, mode, info)


def _clip_array(first: np.ndarray, n: int) -> np.ndarray:
    """An empty (n, *first.shape) array for a clip's frames (the output size limit checked
    as for batches)."""
    nbytes = first.nbytes * n
    if nbytes > get_limits().max_output_bytes:
        check_output_bytes("image clip", f"{n} frames of shape {first.shape} and dtype "
                           f"{first.dtype}", nbytes)
    return np.empty((n, *first.shape), first.dtype)


def _stack_same(values: list) -> np.ndarray | list:
    first = values[0]
    if all(isinstance(v, np.ndarray) and v.shape == first.shape and v.dtype == first.dtype
           for v in values):
        return np.stack(values)
    return values


def finalize_group(adapter, state: GroupState, options: Mapping[str, Any]) -> dict[str, Any]:
    """The caller's layout: the images under ``frames`` / ``views`` and every target as one
    entry per member."""
    kind, arrays = state.info["kind"], state.info["arrays"]
    finals, images = [], None
    # one member at a time (a clip's frames catch up on their steps here), each image
    # written into the clip array as soon as it is made
    for index, member in enumerate(state.iter_members()):
        final = adapter.finalize(member, options)
        image = final.pop("image")
        finals.append(final)
        if index == 0:
            images = _clip_array(image, len(state.members)) if kind == "frames" else None
            if images is None:
                images = [image]
            else:
                images[0] = image
        elif isinstance(images, np.ndarray) and (image.shape == images.shape[1:]
                                                  and image.dtype == images.dtype):
            images[index] = image
        else:  # frames of different sizes (drawn per frame): a list
            images = [*images[:index], image]
    out: dict[str, Any] = {kind: images}
    for key in finals[0]:
        if key == "label":  # the clip's class, as given
            out[key] = finals[0][key]
            continue
        values = [f[key] for f in finals]
        stack = key in _STACKABLE and (key in arrays or (key == "keypoints_visible"
                                                         and "keypoints" in arrays))
        if key == "mask" and kind == "frames":
            stack = True  # as batches do: a mask per frame, one array where shapes agree
        out[key] = _stack_same(values) if stack else values
    return out


def check_frame_mode(value: Any) -> str:
    if not isinstance(value, str) or value not in FRAME_MODES:
        raise ValueError(f"image targets: 'frame_mode' got {value!r}; expected one of "
                         f"{list(FRAME_MODES)}")
    return value


# -- batches of clips / view sets: ``aug.batch(frames=[clip, ...])`` ------------------------------
def prepare_group_batch(adapter, inputs: Any, data: dict[str, Any],
                        options: Mapping[str, Any]) -> dict[str, Any]:
    """A batch of groups: ``frames`` (or ``views``) holds one clip per sample, each target one
    entry per clip (itself per frame), ``label`` one class label per clip. Each clip runs as
    its own call (``GROUPS``), with its own parameters."""
    kinds = [k for k in GROUP_KINDS if k in data]
    if inputs is not None or len(kinds) != 1:
        got = "no images" if inputs is None and not kinds else "more than one of them"
        raise ValueError(f"image batch: got {got}; give images positionally, "
                         "aug.batch(images), or a batch of clips / view sets by keyword, "
                         "aug.batch(frames=[clip, ...]) or aug.batch(views=[[left, right], "
                         "...])")
    kind = kinds[0]
    allowed_keys = (kind, *TARGET_KEYS, "label")
    unknown = set(data) - set(allowed_keys)
    if unknown:
        raise ValueError(f"image targets: unknown batch keyword(s) {sorted(unknown)}; "
                         f"allowed with {kind}=: {', '.join(allowed_keys)}")
    value = data[kind]
    if not (isinstance(value, (list, tuple)) or (isinstance(value, np.ndarray)
                                                   and value.ndim in (4, 5))) or not len(value):
        _error(kind, value, f"expected a non-empty list of {kind} sets (one per sample)"
               + (" or an (N, T, H, W[, C]) array" if kind == "frames" else ""), TypeError)
    n = len(value)
    for key in data:
        if key != kind and (not hasattr(data[key], "__len__") or len(data[key]) != n):
            _error(key, data[key], f"expected one entry per sample of the batch ({n})")
    groups = []
    for i in range(n):
        item = {k: data[k][i] for k in data}  # (label: the clip's class, seen by its ops)
        try:
            groups.append(adapter.prepare(item, options))
        except (TypeError, ValueError) as exc:  # say which sample
            raise type(exc)(f"{exc} (sample {i} of the batch)") from None
    batch: dict[str, Any] = {GROUPS: groups, "_n": n, "_kind": kind}
    if "label" in data:
        batch["label"] = np.array(data["label"])
    return batch


def finalize_group_batch(adapter, batch: dict[str, Any], options: Mapping[str, Any]
                         ) -> dict[str, Any]:
    from augkit.image.batch import _stack

    finals = [finalize_group(adapter, g, options) for g in batch[GROUPS]]
    out = {key: [f[key] for f in finals] for key in finals[0]}
    kind = batch["_kind"]
    if kind == "frames" and all(isinstance(f, np.ndarray) for f in out[kind]):
        out[kind] = _stack(out[kind])
    if "label" in batch:
        out["label"] = batch["label"]
    return out
