"""Lazy, local-only loading of Hugging Face models (transformers is an optional extra).

Nothing here downloads: ``from_pretrained(..., local_files_only=True)`` reads a folder (or the
local Hugging Face cache). A missing model gives an error that says how to get one.
"""

from __future__ import annotations

import re
import sys
from functools import lru_cache
from typing import Any

from augkit.core.validate import fail

HOW_TO_GET = (
    "augkit never downloads models at run time. On a machine with internet, save the model "
    "once, e.g. `huggingface-cli download {example} --local-dir models/{short}` (or "
    "`AutoModel.from_pretrained(name).save_pretrained(folder)` for model and tokenizer), copy "
    "the folder here and pass its path"
)


# torch's device types (torch.device's own list, plus "npu" from the Ascend plug-in), with an
# optional index: "cpu", "cuda", "cuda:1", "mps", ...
DEVICE_TYPES = ("cpu", "cuda", "mps", "xpu", "hip", "hpu", "npu", "xla", "meta", "mtia", "ipu",
                "maia", "ve", "fpga", "lazy", "vulkan", "mkldnn", "opengl", "opencl", "ideep",
                "privateuseone")
_DEVICE = re.compile(rf"(?:{'|'.join(DEVICE_TYPES)})(?::\d+)?")


def check_device(owner: Any, value: Any) -> str:
    """``value`` as a device string, checked when an op is built, without importing torch:
    by torch itself when it is already imported (a plug-in may add a device type), else by
    the grammar above. A ``torch.device`` is accepted too.

    >>> check_device("BackTranslation", "cuda:1")
    'cuda:1'
    >>> check_device("BackTranslation", "gpu")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: BackTranslation: argument 'device' got 'gpu'; expected a torch device such ...
    """
    allowed = "expected a torch device such as 'cpu', 'cuda', 'cuda:1' or 'mps'"
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(value, torch.device):
        return str(value)
    if not isinstance(value, str):
        fail(owner, "device", value, allowed, TypeError)
    if torch is not None and hasattr(torch, "device"):
        try:
            torch.device(value)
        except (RuntimeError, ValueError, TypeError):
            fail(owner, "device", value, allowed)
        return value
    if not _DEVICE.fullmatch(value):
        fail(owner, "device", value, allowed)
    return value


def require_transformers(feature: str):
    try:
        import torch  # noqa: F401
        import transformers
    except ImportError as err:
        raise ImportError(
            f"{feature} needs PyTorch and transformers: pip install 'augkit[text-models]'"
        ) from err
    return transformers


@lru_cache(maxsize=8)
def load_local(kind: str, name: str, device: str = "cpu") -> tuple[Any, Any]:
    """(tokenizer, model) for ``kind`` in {"seq2seq", "masked-lm", "encoder"}, local only."""
    transformers = require_transformers(f"loading {name!r}")
    model_cls = {"seq2seq": transformers.AutoModelForSeq2SeqLM,
                 "masked-lm": transformers.AutoModelForMaskedLM,
                 "encoder": transformers.AutoModel}[kind]
    example = {"seq2seq": "Helsinki-NLP/opus-mt-en-de", "masked-lm": "distilroberta-base",
               "encoder": "sentence-transformers/all-MiniLM-L6-v2"}[kind]
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(name, local_files_only=True)
        model = model_cls.from_pretrained(name, local_files_only=True)
    except (OSError, ValueError) as err:
        hint = HOW_TO_GET.format(example=example, short=example.split("/")[-1])
        raise RuntimeError(f"model {name!r} is not available locally ({err.__class__.__name__}: "
                           f"{str(err).splitlines()[0][:200]}). {hint}") from err
    model.eval()
    return tokenizer, model.to(device)


def sentence_encoder(path: str, device: str = "cpu", batch_size: int = 64):
    """An encoder ``list[str] -> (N, D) numpy array``: mean-pooled, L2-normalised token
    embeddings of a local transformer (how all-MiniLM-L6-v2 is meant to be pooled)."""
    import torch

    tokenizer, model = load_local("encoder", str(path), device)

    def encode(texts: list[str]):
        chunks = []
        for start in range(0, len(texts), batch_size):
            batch = tokenizer(list(texts[start:start + batch_size]), padding=True,
                              truncation=True, max_length=256, return_tensors="pt").to(device)
            with torch.no_grad():
                hidden = model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            chunks.append(torch.nn.functional.normalize(pooled, dim=1).cpu().numpy())
        return chunks[0] if len(chunks) == 1 else __import__("numpy").concatenate(chunks)

    return encode
