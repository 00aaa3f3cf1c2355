"""Back-translation through a pivot language with local MarianMT (or any seq2seq) models.

Needs ``pip install 'augkit[text-models]'`` and two local model folders (source -> pivot,
pivot -> source); nothing is downloaded. ``mode="beam"`` gives faithful paraphrases,
``mode="sample"`` diverse ones (temperature / top-k); each text's sampling seed is a parameter
drawn by ``sample``, so a record replays exactly, batched or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from augkit.core.transform import Params
from augkit.core.validate import check_choice, check_number, fail
from augkit.text._hf import check_device, load_local
from augkit.text.base import ModelTextTransform
from augkit.text.pieces import model_limit, split_for_model, token_counter
from augkit.text.tokenize import tokenize


def translate(texts: list[str], model: str, *, mode: str = "beam", num_beams: int = 4,
              temperature: float = 1.0, top_k: int = 50, max_new_tokens: int = 128,
              batch_size: int = 16, seeds: Sequence[int] | None = None,
              device: str = "cpu") -> list[str]:
    """Translate ``texts`` with the local seq2seq model at ``model``, in batches.

    ``mode="sample"`` draws each text's tokens with its own seed (``seeds``, one per text):
    Gumbel noise from a generator seeded by (seed, step) is added to the top-k logits and the
    arg-max taken, which is exactly a sample from the tempered top-k distribution. A text's
    output therefore does not depend on which batch it is in, and records replay exactly.

    A text of more tokens than the model takes, or than ``max_new_tokens`` (so that no
    translation is cut short), is translated piecewise (:mod:`augkit.text.pieces`): its
    sentences, packed together while they fit, a sentence too long cut into word windows.
    The whitespace between pieces is kept as it was; a piece whose translation is empty,
    and a single token longer than the model's limit, keep their source text.
    """
    import torch

    tokenizer, net = load_local("seq2seq", model, device)
    sample = mode == "sample"
    if sample:
        seeds = list(seeds) if seeds is not None else [0] * len(texts)
        if len(seeds) != len(texts):
            raise ValueError(f"translate: got {len(seeds)} seeds for {len(texts)} texts")
    limit = model_limit(tokenizer, net)
    budget = min(limit, max_new_tokens)
    count = token_counter(tokenizer)
    jobs: list[str] = []
    job_seeds: list[int] = []
    layout: list[tuple | None] = []  # per text: None (one job) or (tokens, pieces, first job)
    for k, (text, n) in enumerate(zip(texts, count(list(texts)), strict=True)):
        seed = int(seeds[k]) if sample else 0
        if n <= budget:
            layout.append(None)
            jobs.append(text)
            job_seeds.append(seed)
            continue
        tokens = tokenize(text).tokens
        pieces = split_for_model(tokens, count, budget, whole=n)
        layout.append((tokens, pieces, len(jobs)))
        jobs.extend("".join(tokens[a:b]) for a, b in pieces)
        job_seeds.extend(piece_seed(seed, j) for j in range(len(pieces)))
    options: dict[str, Any] = {"max_new_tokens": min(max_new_tokens, limit - 1),
                               "do_sample": False}
    if not sample:
        options["num_beams"] = num_beams
    done: list[str] = []
    for start in range(0, len(jobs), batch_size):
        # truncation only guards against a count that was off: pieces fit already
        batch = tokenizer(jobs[start:start + batch_size], return_tensors="pt", padding=True,
                          truncation=True, max_length=limit).to(device)
        if sample:
            options.update(num_beams=1, logits_processor=_sampler(
                job_seeds[start:start + batch_size], temperature, top_k))
        with torch.no_grad():
            generated = net.generate(**batch, **options)
        done.extend(tokenizer.batch_decode(generated, skip_special_tokens=True))
    out: list[str] = []
    k = 0
    for plan in layout:
        if plan is None:
            out.append(done[k])
            k += 1
            continue
        tokens, pieces, first = plan
        parts, cur = [], 0
        for j, (a, b) in enumerate(pieces):
            parts.append("".join(tokens[cur:a]))
            parts.append(done[first + j].strip() or "".join(tokens[a:b]))
            cur = b
        parts.append("".join(tokens[cur:]))
        out.append("".join(parts))
        k = first + len(pieces)
    return out


def piece_seed(seed: int, j: int) -> int:
    """The sampling seed of piece ``j`` of a text: the text's own seed for the first piece
    (so a text that fits is sampled as before), distinct ones for the others."""
    return seed if j == 0 else (seed + 1_000_003 * j) % 2**31


def _sampler(seeds: Sequence[int], temperature: float, top_k: int):
    import torch
    from transformers import LogitsProcessor, LogitsProcessorList

    class GumbelTopK(LogitsProcessor):
        def __call__(self, input_ids, scores):
            scores = scores / temperature
            k = min(top_k, scores.shape[-1])
            kth = scores.topk(k, dim=-1).values[:, -1:]
            scores = scores.masked_fill(scores < kth, float("-inf"))
            step = input_ids.shape[1]
            noise = torch.empty_like(scores)
            for row, seed in enumerate(seeds):
                gen = torch.Generator().manual_seed(int(seed) * 7919 + step)
                u = torch.rand(scores.shape[-1], generator=gen).clamp_(1e-12, 1 - 1e-12)
                noise[row] = -torch.log(-torch.log(u))
            return scores + noise

    return LogitsProcessorList([GumbelTopK()])


class BackTranslation(ModelTextTransform):
    """Translate to a pivot language and back: ``forward_model`` (e.g. a local copy of
    Helsinki-NLP/opus-mt-en-de) then ``backward_model`` (opus-mt-de-en). Model arguments are
    local folder paths or names already in the local Hugging Face cache.

    ``aug.batch(texts)`` translates in batches of ``batch_size``. An empty translation falls
    back to the input, so the op never returns an empty string.

    >>> aug = BackTranslation("models/opus-mt-en-de", "models/opus-mt-de-en")  # doctest: +SKIP
    >>> aug.batch(["The movie was great!", "What is the capital of France?"])  # doctest: +SKIP
    """

    def __init__(self, forward_model: str, backward_model: str, mode: str = "beam",
                 num_beams: int = 4, temperature: float = 1.0, top_k: int = 50,
                 max_new_tokens: int = 128, batch_size: int = 16, device: str = "cpu",
                 p: float = 1.0):
        super().__init__(p=p)
        for name, value in (("forward_model", forward_model), ("backward_model", backward_model)):
            if not isinstance(value, str) or not value:
                fail(self, name, value, "expected a non-empty string (a local model folder)",
                     TypeError)
        self.forward_model = forward_model
        self.backward_model = backward_model
        self.mode = check_choice(self, "mode", mode, ("beam", "sample"))
        self.num_beams = check_number(self, "num_beams", num_beams, 1, 64, integer=True)
        self.temperature = check_number(self, "temperature", temperature, 1e-3, 100.0)
        self.top_k = check_number(self, "top_k", top_k, 1, 100_000, integer=True)
        self.max_new_tokens = check_number(self, "max_new_tokens", max_new_tokens, 1, 4096,
                                           integer=True)
        self.batch_size = check_number(self, "batch_size", batch_size, 1, 4096, integer=True)
        self.device = check_device(self, device)

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        return {"seed": int(rng.integers(2**31))} if self.mode == "sample" else {}

    def run_texts(self, texts: list[str], params: list[Params]) -> list[str]:
        """Back-translate ``texts`` in batches, each sampled with its own seed."""
        if not texts:
            return []
        seeds = [prm.get("seed", 0) for prm in params]
        options = dict(mode=self.mode, num_beams=self.num_beams, temperature=self.temperature,
                       top_k=self.top_k, max_new_tokens=self.max_new_tokens,
                       batch_size=self.batch_size, device=self.device)
        pivot = translate(list(texts), self.forward_model, seeds=seeds, **options)
        back = translate(pivot, self.backward_model, seeds=[s + 1 for s in seeds], **options)
        return [b.strip() or t for b, t in zip(back, texts, strict=False)]
