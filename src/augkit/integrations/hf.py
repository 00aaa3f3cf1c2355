"""Hugging Face ``datasets``: augment a column of every batch a dataset hands out.

``hf_transform(pipeline, column)`` returns a function for ``Dataset.set_transform`` /
``Dataset.with_transform``: it gets a batch dict (column name -> list of values), augments
``column`` with one ``pipeline.batch`` call and returns the batch with the augmented values
(in ``output_column``, default the same column); other columns pass through. Images may be
PIL images (what an ``Image`` feature decodes to), numpy arrays or CxHxW tensors; texts are
str. The transform runs lazily on access, so every epoch (and every DataLoader worker, with
the seeding of :mod:`augkit.core.random`) draws new parameters.

Neither ``datasets`` nor PIL is imported here (PIL only to return PIL images).

>>> import numpy as np, augkit
>>> from augkit import image as A
>>> fn = hf_transform(augkit.Compose([A.HorizontalFlip()], seed=0), "image", output="numpy")
>>> out = fn({"image": [np.zeros((4, 6, 3), np.uint8)] * 2, "label": [0, 1]})
>>> [a.shape for a in out["image"]], out["label"]
([(4, 6, 3), (4, 6, 3)], [0, 1])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from augkit.core.validate import fail
from augkit.integrations._convert import (
    check_modality,
    check_pipeline,
    describe,
    guess_modality,
    image_array,
    is_pil,
    is_tensor,
    series_array,
    text_value,
)

OUTPUTS = ("same", "numpy", "pil", "torch")


def hf_transform(pipeline, column: str = "image", *, output_column: str | None = None,
                 output: str = "same", modality: str | None = None,
                 label_column: str | None = None) -> Callable[[dict], dict]:
    """A batch transform for ``Dataset.set_transform(fn)`` / ``with_transform(fn)``.

    ``output`` says what the augmented images become: ``"same"`` (PIL images stay PIL
    images, arrays stay numpy arrays, tensors become CxHxW tensors of their dtype),
    ``"numpy"`` (HxW[xC] arrays), ``"pil"`` or ``"torch"`` (CxHxW float32 tensors in
    [0, 1], ready for a model). Texts are always str, series numpy arrays. ``modality`` is
    needed only for a pipeline of modality 'any'. ``label_column``: that column's values go
    to the pipeline as each sample's class (``label=``; ``labels=`` for series), so MixUp /
    CutMix / Mosaic write their mixed (soft) labels back into it and ``GenerativeAugment``
    makes samples of the row's class.
    """
    owner = "hf_transform"
    check_pipeline(owner, pipeline)
    if not isinstance(column, str) or not column:
        fail(owner, "column", column, "expected a column name (str), e.g. 'image' or 'text'",
             TypeError)
    for name, value in (("output_column", output_column), ("label_column", label_column)):
        if value is not None and (not isinstance(value, str) or not value):
            fail(owner, name, value, "expected a column name (str) or None", TypeError)
    if output not in OUTPUTS:
        fail(owner, "output", output, f"expected one of {', '.join(OUTPUTS)}")
    wanted = check_modality(owner, modality, pipeline)
    target = output_column or column

    def transform(batch: Mapping[str, Any]) -> dict[str, Any]:
        if not isinstance(batch, Mapping):
            raise TypeError(f"{owner}: got {describe(batch)}; expected a batch dict (column -> "
                            "list of values), as Dataset.set_transform passes")
        for name in (column, label_column):
            if name is not None and name not in batch:
                raise KeyError(f"{owner}: the batch has no column {name!r}; columns: "
                               f"{', '.join(map(repr, batch)) or 'none'}")
        values = list(batch[column])
        out = dict(batch)
        if not values:
            out[target] = []
            return out
        kind = wanted or guess_modality(owner, values[0])
        label_key = "labels" if kind == "timeseries" else "label"
        keywords = {} if label_column is None else {
            label_key: np.asarray(list(batch[label_column]))}
        if kind == "text":
            texts = [text_value(t, f"{owner}: {column}[{i}]") for i, t in enumerate(values)]
            result = pipeline.batch(texts, **keywords)
            out[target] = result["texts"]
        elif kind == "timeseries":
            arrays = [series_array(s, f"{owner}: {column}[{i}]") for i, s in enumerate(values)]
            result = pipeline.batch(arrays if len({a.shape for a in arrays}) > 1
                                    else np.stack(arrays), **keywords)
            out[target] = list(result["series"])
        else:
            result = _images(pipeline, values, output, f"{owner}: {column}", keywords)
            out[target] = result.pop("images_out")
        if label_column is not None and label_key in result:  # mixed labels, as lists
            out[label_column] = np.asarray(result[label_key]).tolist()
        return out

    transform.__name__ = transform.__qualname__ = f"hf_transform_{column}"
    return transform


def _images(pipeline, values: list, output: str, where: str, keywords: dict) -> dict:
    """The batch's result, with the images converted as ``output`` asks in "images_out"."""
    arrays = [image_array(v, f"{where}[{i}]") for i, v in enumerate(values)]
    same = all(a.shape == arrays[0].shape and a.dtype == arrays[0].dtype for a in arrays)
    result = pipeline.batch(np.stack(arrays) if same else arrays, **keywords)
    images = list(result["images"])  # one HxW[xC] array per image (rows of a stacked batch)
    kinds = [("pil" if is_pil(v) else "tensor" if is_tensor(v) else "numpy") for v in values]
    out = []
    for img, kind in zip(images, kinds, strict=True):
        want = kind if output == "same" else output
        if want == "numpy":
            out.append(np.ascontiguousarray(img))
        elif want == "pil":
            out.append(_to_pil(img))
        elif want == "torch":
            from augkit.integrations.torch import image_tensor

            out.append(image_tensor(img))
        else:  # tensor in, tensor of its dtype out
            import torch

            t = torch.from_numpy(np.ascontiguousarray(img))
            out.append(t.unsqueeze(0) if t.ndim == 2 else t.permute(2, 0, 1).contiguous())
    return {**result, "images_out": out}


def _to_pil(image: np.ndarray):
    from PIL import Image

    if image.dtype != np.uint8:  # float32 in [0, 1]
        image = (np.clip(image, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    return Image.fromarray(np.ascontiguousarray(image))


__all__ = ["hf_transform"]
