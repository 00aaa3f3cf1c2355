"""Small proxy classifiers, one per modality, trained the same way for every arm.

A proxy model answers "does this augmentation help a model learn this data?" cheaply on a
CPU: a three-block CNN for images, a three-block 1D CNN (in the spirit of Wang et al. 2017's
FCN) for series, and for text (``text_model``) a fastText-style mean of hashed word uni- and
bigram embeddings (``ngram``, the default) or a Kim-style word CNN over random (``cnn``) or
frozen pretrained (``pretrained``) embeddings (:mod:`augkit.evaluate.text_models`).
Training is the same for every arm: Adam, a fixed maximum number of epochs, a fresh
augmentation of the training inputs every epoch, and validation-based stopping inside that
budget (the weights of the best validation epoch are kept), so an augmented arm is never
stopped before it fits. torch is imported here only (``pip install 'augkit[torch]'``).

The inputs: images ``(N, H, W)`` or ``(N, H, W, C)`` of any integer or float dtype (scaled by
the dtype's full range; float taken as [0, 1]); text a list of strings; series ``(N, T, C)``
(or ``(N, T)``) float, standardised per channel with the training set's statistics. Labels are
integers in ``[0, num_classes)``.
"""

from __future__ import annotations

import copy
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from augkit.evaluate.text_models import (
    LEARNING_RATES,
    build_text_model,
    check_text_model,
    lowercase_words,
)

__all__ = ["MODALITIES", "FitResult", "accuracy", "augmenter", "fit_proxy"]

MODALITIES = ("image", "text", "timeseries")
Augment = Callable[[Any, int], Any]  # (inputs, seed) -> augmented inputs of the same kind
TEXT_BUCKETS = 2**18


@dataclass
class FitResult:
    """A trained proxy: ``predict(inputs) -> class indices``; the stopping history;
    ``features(inputs) -> (N, D)`` float32, the input of the last linear layer (the image and
    series networks; None for text): what GAN fidelity metrics compare."""

    predict: Callable[[Any], np.ndarray]
    best_epoch: int
    epochs_run: int
    val_history: list[float] = field(default_factory=list)
    features: Callable[[Any], np.ndarray] | None = None


def accuracy(y_true, y_pred) -> float:
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred))


def _check_modality(modality: str) -> None:
    if modality not in MODALITIES:
        raise ValueError(f"modality must be one of {', '.join(MODALITIES)}; got {modality!r}")


def augmenter(pipeline, modality: str, keep_shape: bool = True) -> Augment:
    """Wrap an augkit transform as ``(inputs, seed) -> augmented inputs`` (images: of the
    same shape unless ``keep_shape=False``; one array either way)."""
    _check_modality(modality)
    if modality == "text":
        return lambda texts, seed: pipeline.batch(list(texts), seed=seed)["texts"]
    if modality == "timeseries":
        return lambda series, seed: pipeline(series=series, seed=seed)["series"]

    def augment_images(images, seed):
        out = pipeline.batch(images, seed=seed)["images"]
        if not isinstance(out, np.ndarray) or (keep_shape and out.shape != images.shape):
            raise ValueError("the proxy model needs augmented images of the input's shape "
                             f"{images.shape}; the pipeline changed it (add a Resize or a "
                             "fixed-size crop at its end)" if keep_shape else
                             "the proxy model needs augmented images of one size; the pipeline "
                             "made images of different sizes (add a Resize at its end)")
        return out
    return augment_images


# -- encoders: inputs -> float tensors / hashed ids ----------------------------------------------
def _image_tensor(torch, images: np.ndarray):
    x = np.asarray(images)
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4:
        raise ValueError(f"images must be (N, H, W) or (N, H, W, C), got shape {x.shape}")
    scale = float(np.iinfo(x.dtype).max) if np.issubdtype(x.dtype, np.integer) else 1.0
    x = np.nan_to_num(x.astype(np.float32) / scale)
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def _series_array(series) -> np.ndarray:
    x = np.asarray(series, dtype=np.float32)
    if x.ndim == 2:
        x = x[..., None]
    if x.ndim != 3:
        raise ValueError(f"series must be (N, T) or (N, T, C), got shape {x.shape}")
    return x


def _hashed_ngrams(text: str) -> list[int]:
    words = lowercase_words(text) or [""]
    grams = words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]
    return [zlib.crc32(g.encode("utf-8")) % TEXT_BUCKETS for g in grams]


def _text_batch(torch, texts: Sequence[str]):
    ids = [_hashed_ngrams(t) for t in texts]
    offsets = np.cumsum([0] + [len(i) for i in ids[:-1]])
    flat = np.fromiter((g for i in ids for g in i), dtype=np.int64)
    return torch.from_numpy(flat), torch.from_numpy(offsets.astype(np.int64))


# -- the three networks ----------------------------------------------------------------------
def _image_net(torch, channels: int, classes: int):
    nn = torch.nn

    def block(cin, cout, pool):
        layers = [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]
        return layers + ([nn.MaxPool2d(2)] if pool else [])
    return nn.Sequential(*block(channels, 16, True), *block(16, 32, True), *block(32, 64, False),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
                         nn.Linear(64, classes))


def _series_net(torch, channels: int, classes: int):
    nn = torch.nn

    def block(cin, cout, k):
        return [nn.Conv1d(cin, cout, k, padding=k // 2), nn.BatchNorm1d(cout), nn.ReLU()]
    return nn.Sequential(*block(channels, 32, 7), *block(32, 64, 5), *block(64, 64, 3),
                         nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(64, classes))


class _TextNet:
    def __new__(cls, torch, classes: int, dim: int = 64):
        nn = torch.nn

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                # sparse: a step touches only the buckets of its batch (dense Adam over
                # 2**18 rows made a 500-sentence fit take ~15 s)
                self.bag = nn.EmbeddingBag(TEXT_BUCKETS, dim, mode="mean", sparse=True)
                self.out = nn.Linear(dim, classes)

            def forward(self, ids, offsets):
                return self.out(self.bag(ids, offsets))
        return Net()


# -- training ------------------------------------------------------------------------------------
def _seed_for(seed: int, epoch: int) -> int:
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1, np.uint64)[0] >> 1)


def fit_proxy(modality: str, x_train, y_train, x_val=None, y_val=None, *,
              augment: Augment | None = None, seed: int = 0, max_epochs: int = 30,
              patience: int = 8, batch_size: int | None = None,
              learning_rate: float | None = None,
              num_classes: int | None = None, threads: int | None = 1,
              text_model: str = "ngram") -> FitResult:
    """Train the modality's proxy model; with a validation set, keep the best epoch's weights
    and stop after ``patience`` epochs without a better validation accuracy.

    ``augment(inputs, seed)`` (see :func:`augmenter`) makes a fresh augmented copy of the
    training inputs every epoch, seeded by ``(seed, epoch)``. Initialisation and batch order
    depend on ``seed`` only, so two arms with the same seed differ only by their augmentation.
    The caller's global torch random state is left as it was. ``threads``: torch threads
    while training (one is fastest for models this small, and several fits can then run in
    parallel; None keeps torch's setting). ``text_model``: the text proxy, "ngram",
    "cnn" or "pretrained" (see the module text; ignored for images and series).
    """
    import torch

    _check_modality(modality)
    check_text_model("fit_proxy", text_model)
    y_train = np.asarray(y_train, dtype=np.int64)
    if len(x_train) != y_train.size or y_train.size == 0:
        raise ValueError(f"fit_proxy: {len(x_train)} training inputs but {y_train.size} labels")
    classes = int(num_classes or (y_train.max() + 1))
    if y_train.min() < 0 or y_train.max() >= classes:
        raise ValueError(f"fit_proxy: labels must be integers in [0, {classes}), got range "
                         f"[{y_train.min()}, {y_train.max()}]")
    if batch_size is None:  # at least ~8 steps an epoch on small sets, at most 64 a batch
        batch_size = int(min(64, max(4, y_train.size // 8)))
    for name, value in (("max_epochs", max_epochs), ("patience", patience),
                        ("batch_size", batch_size)):
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"fit_proxy: {name} must be a positive integer, got {value!r}")

    previous_threads = torch.get_num_threads()
    if threads is not None:
        torch.set_num_threads(threads)
    try:
        return _fit(torch, modality, x_train, y_train, x_val, y_val, augment, seed, max_epochs,
                    patience, batch_size, learning_rate, classes, text_model)
    finally:
        torch.set_num_threads(previous_threads)


def _fit(torch, modality, x_train, y_train, x_val, y_val, augment, seed, max_epochs, patience,
         batch_size, learning_rate, classes, text_model="ngram") -> FitResult:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model, encode = _build(torch, modality, x_train, classes, text_model)
        lr = learning_rate or (LEARNING_RATES[text_model] if modality == "text" else 2e-3)
        optimisers = _optimisers(torch, model, lr)
        order_rng = np.random.default_rng(np.random.SeedSequence([seed, 2**31]))
        loss_fn = torch.nn.CrossEntropyLoss()

        def logits(inputs) -> np.ndarray:
            model.eval()
            out = []
            with torch.no_grad():
                for start in range(0, len(inputs), 512):
                    out.append(model(*encode(inputs[start:start + 512])).numpy())
            return np.concatenate(out) if out else np.zeros((0, classes), np.float32)

        def predict(inputs) -> np.ndarray:
            return logits(inputs).argmax(1)

        def features(inputs) -> np.ndarray:
            model.eval()
            body = model[:-1]  # everything before the classifier's linear layer
            with torch.no_grad():
                parts = [body(*encode(inputs[start:start + 512])).numpy()
                         for start in range(0, len(inputs), 512)]
            return np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)

        if x_val is not None:
            y_val = np.asarray(y_val, dtype=np.int64)

        best, best_epoch, history, waited, epoch = (-1.0, 0.0), 0, [], 0, 0
        best_state = copy.deepcopy(model.state_dict())
        for epoch in range(1, max_epochs + 1):
            inputs = x_train if augment is None else augment(x_train, _seed_for(seed, epoch))
            model.train()
            for idx in np.array_split(order_rng.permutation(y_train.size),
                                      max(1, -(-y_train.size // batch_size))):
                batch = _take(inputs, idx)
                for optimiser in optimisers:
                    optimiser.zero_grad()
                loss = loss_fn(model(*encode(batch)), torch.from_numpy(y_train[idx]))
                loss.backward()
                for optimiser in optimisers:
                    optimiser.step()
            if x_val is None:
                continue
            out = logits(x_val)
            # validation accuracy, ties broken by the lower cross-entropy (small validation
            # sets tie often, e.g. at the majority class)
            score = (accuracy(y_val, out.argmax(1)), -_cross_entropy(out, y_val))
            history.append(score[0])
            if score > best:
                best, best_epoch, waited = score, epoch, 0
                best_state = copy.deepcopy(model.state_dict())
            else:
                waited += 1
                if waited >= patience:
                    break
        if x_val is not None:
            model.load_state_dict(best_state)
        else:
            best_epoch = epoch
    return FitResult(predict, best_epoch, epoch, history,
                     features if isinstance(model, torch.nn.Sequential) else None)


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    shifted = logits - logits.max(1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
    return float(-log_p[np.arange(labels.size), labels].mean())


def _optimisers(torch, model, lr: float) -> list:
    sparse = [p for m in model.modules() if getattr(m, "sparse", False) for p in m.parameters()]
    dense = [p for p in model.parameters() if all(p is not q for q in sparse)]
    out = [torch.optim.Adam(dense, lr=lr)]
    if sparse:
        out.append(torch.optim.SparseAdam(sparse, lr=lr))
    return out


def _take(inputs, idx: np.ndarray):
    if isinstance(inputs, np.ndarray):
        return inputs[idx]
    return [inputs[i] for i in idx]


def _build(torch, modality: str, x_train, classes: int, text_model: str = "ngram"):
    if modality == "image":
        channels = _image_tensor(torch, np.asarray(x_train[:1])).shape[1]
        return _image_net(torch, channels, classes), lambda x: (_image_tensor(torch, x),)
    if modality == "timeseries":
        train = _series_array(x_train)
        mean = np.nanmean(train, axis=(0, 1))
        std = np.nanstd(train, axis=(0, 1)) + 1e-8

        def encode(x):
            z = np.nan_to_num((_series_array(x) - mean) / std)
            return (torch.from_numpy(np.ascontiguousarray(z.transpose(0, 2, 1))),)
        return _series_net(torch, train.shape[2], classes), encode
    if not all(isinstance(t, str) for t in x_train):
        raise ValueError("text inputs must be a list of strings")
    if text_model != "ngram":
        return build_text_model(torch, text_model, x_train, classes)
    return _TextNet(torch, classes), lambda texts: _text_batch(torch, texts)
