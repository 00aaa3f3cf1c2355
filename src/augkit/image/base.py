"""Base classes of image transforms: dispatch one parameter set to every target."""

from __future__ import annotations

from typing import Any

import numpy as np

from augkit.core.record import Step
from augkit.core.targets import get_adapter
from augkit.core.transform import ColumnParams, Params, State, Transform
from augkit.core.validate import check_choice
from augkit.image._args import MASK_FILL_MAX, check_fill, uint16_fills
from augkit.image.batch import VECTORISED
from augkit.image.functional.carrier import from_carrier, join_alpha, split_rgb, to_carrier
from augkit.image.functional.finite import all_finite, finite_standin, put_back
from augkit.image.functional.geometric import BORDER_MODES, INTERPOLATIONS
from augkit.image.functional.scratch import scratch
from augkit.image.targets import BoxState, KeypointState, check_image

_U8 = np.dtype(np.uint8)


class ImageTransform(Transform, register=False):
    """An image transform. Pixel-only ops implement ``apply_image``; masks, boxes and
    keypoints pass through untouched."""

    modality = "image"
    # True where the kernel mixes neighbours or converts to 8 bits, so that a NaN or inf
    # would spread or vanish: float32 images holding one run on finite stand-ins and get the
    # values back (functional/finite.py). Other kernels keep them local as they are.
    guard_nonfinite = False
    # guarded ops whose output is usually smaller than the input (resizes) test the output:
    # a non-finite value that reached no output pixel has nothing to put back
    guard_output = False
    # uint16 images: ops that only move or copy pixels run on them as they are; the rest
    # run on a float32 carrier in [0, 1] (value / 65535) and come back rounded to uint16
    native_uint16 = False
    # a 4-channel image is RGBA: pixel ops act on R, G, B and keep alpha as it is
    keep_alpha = True
    # the output is float32 whatever the input (Normalize): a carrier is not cast back
    float_output = False

    def __call__(self, *, seed: int | None = None, rng: np.random.Generator | None = None,
                 return_record: bool = False, **data: Any) -> dict[str, Any]:
        if (len(data) == 1 and seed is None and rng is None and not return_record
                and "image" in data and not self.target_options):
            # an image alone, default options, the transform's own generator: the steps of
            # Transform.__call__ without the target plumbing (the per-image loop: ~0.7 us a
            # call, which shows next to a ~5 us pass at 256x256)
            image = check_image(data["image"])
            state = self.run({"image": image}, self._rng.get(), None)
            if len(state) == 1:  # skipped by p: the input comes back, as a copy
                return {"image": image.copy()} if state["image"] is image else state
            adapter = get_adapter(self.modality)
            return adapter.finalize(state, adapter.check_options({}))
        return super().__call__(seed=seed, rng=rng, return_record=return_record, **data)

    __call__.__doc__ = Transform.__call__.__doc__

    def apply(self, state: State, params: Params) -> State:
        image = state["image"]
        if image.dtype is _U8 and image.shape[-1] != 4:  # uint8 without alpha: the kernel
            out_image = self.apply_image(image, params)
        elif image.ndim == 3 and image.shape[2] == 4 and self.keep_alpha:
            out_image = self.rgba_image(image, params)
        else:
            out_image = self.guarded_image(image, params)
        if len(state) == 1:  # an image alone
            return {"image": out_image}
        out = dict(state)
        out["image"] = out_image
        return out

    def rgba_image(self, image: np.ndarray, params: Params) -> np.ndarray:
        """A pixel op on an RGBA image: the kernel sees the RGB planes, alpha is kept."""
        rgb = self.guarded_image(split_rgb(image), params)
        return join_alpha(rgb, image)

    def colour_channels(self, image: np.ndarray) -> int:
        """Channels the kernel sees (for ``sample``): RGBA counts as its 3 colour planes."""
        channels = 1 if image.ndim == 2 else image.shape[2]
        return 3 if channels == 4 and self.keep_alpha else channels

    def guarded_image(self, image: np.ndarray, params: Params) -> np.ndarray:
        """``apply_image``, with the dtype rules: uint16 through a float32 carrier unless the
        op moves uint16 natively; the non-finite policy for guarded ops (one ~8 us test at
        256x256x3 float32; nothing for uint8 or unguarded ops)."""
        char = image.dtype.char
        if char == "H" and not self.native_uint16:
            return self.carrier_image(image, params)
        if not self.guard_nonfinite or char != "f":
            return self.apply_image(image, params)
        if self.guard_output:
            out = self.apply_image(image, params)
            if all_finite(out):
                return out
        elif all_finite(image):
            return self.apply_image(image, params)
        filled, codes = finite_standin(image)
        return put_back(self.apply_image(filled, params), self.move_codes(codes, params))

    def carrier_image(self, image: np.ndarray, params: Params) -> np.ndarray:
        """``apply_image`` of a uint16 image on its float32 carrier; ``fill`` arguments stay
        in uint16 units (``_args.fill_for`` scales them while the carrier runs)."""
        if self.float_output:  # the kernel's result is returned: no scratch input
            with uint16_fills():
                return self.apply_image(to_carrier(image), params)
        # the carrier is a per-thread scratch array (whatever the kernel returns, even the
        # carrier itself, is converted into a new uint16 array)
        carrier = to_carrier(image, scratch("uint16-carrier", image.shape, np.float32))
        with uint16_fills():
            out = self.apply_image(carrier, params)
        return from_carrier(out)

    def move_codes(self, codes: np.ndarray, params: Params) -> np.ndarray:
        """Where the non-finite map ``codes`` (uint8, the image's shape) lands: pixel ops
        leave pixels in place."""
        return codes

    def apply_image(self, image: np.ndarray, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_image()")

    # -- batches: a vectorised path when one is registered for this exact class -------------
    def run_batch(self, batch, rng, steps):
        if "_proxy" in batch:  # torch tensors: stay on the device when a kernel exists
            from augkit.image import torch_ops

            # (RGBA under a pixel op: the numpy path, which keeps alpha)
            if type(self) not in torch_ops.KERNELS or self.per_sample_only(batch["_proxy"]):
                out = super().run_batch(torch_ops.to_numpy_batch(batch), rng, steps)
                return torch_ops.to_torch_batch(out, batch["image"].device)
        return super().run_batch(batch, rng, steps)

    def sample_batch(self, rng, batch):
        if not VECTORISED:  # the built-in paths import every transform module: load late
            import augkit.image.batch_ops  # noqa: F401
        path = VECTORISED.get(type(self))
        images = batch.get("_proxy", batch["image"])  # a torch batch samples on its proxy
        if path is None or not isinstance(images, np.ndarray) or self.per_sample_only(images):
            return super().sample_batch(rng, batch)
        return path.sample(self, rng, images)

    @classmethod
    def can_fuse(cls) -> bool:
        if not VECTORISED:  # the built-in paths import every transform module: load late
            import augkit.image.batch_ops  # noqa: F401
        path = VECTORISED.get(cls)
        return path is not None and path.fusable

    def run_batch_fused(self, batch, rng, steps, parts):
        """Ops of this class at several magnitudes (see :class:`~augkit.image.batch.Vectorised`
        ``fusable``): each samples its rows, and one vectorised apply runs over them all."""
        path = VECTORISED.get(type(self))
        images = batch["image"]
        if (path is None or not path.fusable or "_proxy" in batch
                or not isinstance(images, np.ndarray) or self.per_sample_only(images)):
            return None
        drawn, start = [], 0
        for op, count in parts:
            prm = path.sample(op, rng, images[start:start + count])  # a view: shape and count
            if steps is not None:
                config = op.to_dict()
                for j in np.flatnonzero(prm.applied).tolist():
                    steps[start + j].append(Step(config, prm[j]))
            drawn.append(prm)
            start += count
        params = ColumnParams.concatenate(drawn)
        if self.skipped_unchanged and not params.applied.any():
            return batch
        return self.apply_batch(batch, params)

    def per_sample_only(self, images: np.ndarray) -> bool:
        """Batches the vectorised kernels (uint8 / float32, every channel) do not take: uint16
        on a carrier and RGBA under pixel ops go sample by sample through ``apply``."""
        if images.dtype.char == "H" and not self.native_uint16:
            return True
        return images.ndim == 4 and images.shape[3] == 4 and self.keep_alpha

    def apply_batch(self, batch, params):
        if "_proxy" in batch:
            return self._apply_torch(batch, params)
        path = VECTORISED.get(type(self))
        images = batch["image"]
        if path is None or not isinstance(params, ColumnParams) or not isinstance(
                images, np.ndarray) or (self.guard_nonfinite and not all_finite(images)):
            return super().apply_batch(batch, params)  # per sample (non-finite: guarded)
        new_images = path.apply(self, images, params)
        if new_images is None:  # the vectorised path declined (e.g. sizes would differ)
            return super().apply_batch(batch, params)
        out = dict(batch)
        out["image"] = new_images
        if batch["_targets"] is not None:
            out["_targets"] = self.move_targets_batch(batch["_targets"], params,
                                                      images.shape[1:3], out["image"].shape[1:3])
        return out

    def move_targets_batch(self, targets: list, params, in_hw, out_hw) -> list:
        return targets  # pixel-only: masks, boxes and keypoints stay

    def _apply_torch(self, batch, params):
        from augkit.image import torch_ops

        x = batch["image"]
        kernel = torch_ops.KERNELS.get(type(self))
        new = None if kernel is None else kernel(self, x, params, batch["_proxy"])
        if new is None:  # no tensor kernel for these settings: the numpy path, same params
            out = self.apply_batch(torch_ops.to_numpy_batch(batch), params)
            return torch_ops.to_torch_batch(out, x.device)
        return {**batch, "image": new, "_proxy": torch_ops.proxy(new)}


class GeometricTransform(ImageTransform, register=False):
    """A transform that moves pixels: masks, boxes and keypoints move with the image.

    Subclasses implement ``apply_image``, ``apply_mask`` and ``apply_points`` (continuous
    pixel coordinates, see :mod:`augkit.image.targets`); boxes follow from their corners.
    uint16 images are moved as they are (OpenCV warps and resizes take 16 bits), and all
    four channels of an RGBA image move together.
    """

    native_uint16 = True
    keep_alpha = False

    def apply(self, state: State, params: Params) -> State:
        image = state["image"]
        out_image = (self.apply_image(image, params) if image.dtype is _U8  # nothing to guard
                     else self.guarded_image(image, params))
        if len(state) == 1:  # an image alone: nothing to move (a per-call saving)
            return {"image": out_image}
        out = self.move_targets(state, params, image.shape[:2], out_image.shape[:2])
        out["image"] = out_image
        return out

    def move_codes(self, codes: np.ndarray, params: Params) -> np.ndarray:
        return self.apply_mask(codes, params)  # nearest neighbour, like a mask

    def move_targets(self, state: State, params: Params, in_hw, out_hw) -> State:
        """Move masks, boxes and keypoints of ``state`` (an image of ``in_hw`` becoming
        ``out_hw``); returns a new state dict with the same keys."""
        out = dict(state)
        out_h, out_w = out_hw
        if "mask" in state:
            out["mask"] = self.apply_mask(state["mask"], params)
        if "masks" in state:
            out["masks"] = [self.apply_mask(m, params) for m in state["masks"]]
        boxes: BoxState | None = state.get("bboxes")
        if boxes is not None and len(boxes.xyxy):
            corners = boxes.corners().reshape(-1, 2)
            moved = self.apply_points(corners, params, in_hw).reshape(-1, 4, 2)
            out["bboxes"] = boxes.moved(moved, out_h, out_w)
        keypoints: KeypointState | None = state.get("keypoints")
        if keypoints is not None and len(keypoints.xy):
            moved = keypoints.moved(self.apply_points(keypoints.xy, params, in_hw), out_h, out_w)
            if moved.mirror is not None and self.mirrors(params, in_hw):
                moved = moved.mirrored()
            out["keypoints"] = moved
        return out

    def mirrors(self, params: Params, in_hw: tuple[int, int]) -> bool:
        """Whether this move makes a mirror image (reverses orientation) at the image centre:
        the sign of the moved unit axes' cross product (flips, transposes, negative scales)."""
        h, w = in_hw
        corner = np.array([[w / 2, h / 2], [w / 2 + 1, h / 2], [w / 2, h / 2 + 1]])
        p0, px, py = self.apply_points(corner, params, in_hw)
        (ax, ay), (bx, by) = px - p0, py - p0
        return ax * by - ay * bx < 0

    def move_targets_batch(self, targets: list, params, in_hw, out_hw) -> list:
        return [t if params[i] is None else self.move_targets(t, params[i], in_hw, out_hw)
                for i, t in enumerate(targets)]

    def apply_mask(self, mask: np.ndarray, params: Params) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_mask()")

    def apply_points(self, xy: np.ndarray, params: Params, in_hw: tuple[int, int]) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_points()")


class WarpArgs:
    """Validation of the interpolation / border arguments shared by warping transforms."""

    guard_nonfinite = True  # interpolation mixes neighbours (and inf * 0 is NaN)

    def move_codes(self, codes: np.ndarray, params: Params) -> np.ndarray:
        # nearest, with a finite (0) border whatever mask_fill is
        return self._warp(codes, params, "nearest", 0)

    def _set_warp_args(self, interpolation: str, border_mode: str, fill: Any,
                       mask_fill: Any) -> None:
        self.interpolation = check_choice(self, "interpolation", interpolation, INTERPOLATIONS)
        self.border_mode = check_choice(self, "border_mode", border_mode, BORDER_MODES)
        self.fill = check_fill(self, "fill", fill)
        self.mask_fill = check_fill(self, "mask_fill", mask_fill, MASK_FILL_MAX)
