"""Contextual word replacement with a local masked language model (BERT, RoBERTa, ...).

Needs ``pip install 'augkit[text-models]'`` and a local model folder; nothing is downloaded.
``sample`` picks which words to replace and a seed; ``apply`` masks those words, asks the
model for its ``top_k`` fillers and picks one per word with that seed. Fillers that are not
plain words, equal the original, are protected words, or are antonyms of the original in the
bundled lexicon are never used.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

import numpy as np

from augkit.core.transform import Params
from augkit.core.validate import check_number, fail
from augkit.text._hf import check_device, load_local
from augkit.text.base import (
    ModelTextTransform,
    Protection,
    check_rate,
    edit_count,
    match_case,
)
from augkit.text.lexicon import get_lexicon
from augkit.text.pieces import model_limit, split_for_model, token_counter
from augkit.text.tokenize import tokenize


class ContextualReplacement(ModelTextTransform, Protection):
    """Replace about ``rate * n_words`` editable words by what a masked LM predicts there.

    >>> aug = ContextualReplacement("models/distilroberta-base", rate=0.15)  # doctest: +SKIP
    >>> aug(text="The movie was great!", seed=0)["text"]  # doctest: +SKIP
    """

    def __init__(self, model: str, rate: float = 0.1, top_k: int = 10,
                 protect_stopwords: bool = True, protect_negations: bool = True,
                 protect_questions: bool = True, protected_words: Sequence[str] | None = None,
                 batch_size: int = 16, device: str = "cpu", p: float = 1.0):
        super().__init__(p=p)
        if not isinstance(model, str) or not model:
            fail(self, "model", model, "expected a non-empty string (a local model folder)",
                 TypeError)
        self.model = model
        self.rate = check_rate(self, "rate", rate)
        self.top_k = check_number(self, "top_k", top_k, 1, 1000, integer=True)
        self._set_protection(protect_stopwords, protect_negations, protect_questions,
                             protected_words)
        self.batch_size = check_number(self, "batch_size", batch_size, 1, 4096, integer=True)
        self.device = check_device(self, device)

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        editable = self.editable(toks)
        n = edit_count(rng, self.rate, len(toks.words), len(editable))
        picks = sorted(rng.choice(len(editable), size=n, replace=False).tolist()) if n else []
        return {"positions": [editable[k] for k in picks], "seed": int(rng.integers(2**31))}

    def run_texts(self, texts: list[str], params: list[Params]) -> list[str]:
        """Fill the masked words of ``texts`` in batched model calls. A text longer than the
        model takes is filled piecewise (:mod:`augkit.text.pieces`: sentences, packed while
        they fit, then word windows); only pieces holding a masked word go to the model."""
        todo = [k for k, prm in enumerate(params) if prm["positions"]]
        out = list(texts)
        if not todo:
            return out
        import torch

        tokenizer, net = load_local("masked-lm", self.model, self.device)
        limit = model_limit(tokenizer, net)
        count = token_counter(tokenizer)
        mask = tokenizer.mask_token
        tokens_of: dict[int, tuple[str, ...]] = {}
        masked_of: dict[int, list[str]] = {}
        for k in todo:
            tokens_of[k] = tokenize(texts[k]).tokens
            masked = list(tokens_of[k])
            for i in params[k]["positions"]:
                if 0 <= i < len(masked):
                    masked[i] = mask
            masked_of[k] = masked
        whole = count(["".join(masked_of[k]) for k in todo])
        jobs: list[tuple[int, list[int], str]] = []  # (text, masked positions, model input)
        for k, n in zip(todo, whole, strict=True):
            masked = masked_of[k]
            wanted = sorted(i for i in set(params[k]["positions"]) if 0 <= i < len(masked))
            for a, b in split_for_model(masked, count, limit, whole=n):
                inside = wanted[bisect_left(wanted, a):bisect_left(wanted, b)]
                if inside:
                    jobs.append((k, inside, "".join(masked[a:b])))
        found: dict[int, dict[int, list[str]]] = {k: {} for k in todo}
        words: dict[int, str] = {}  # decoded fillers: the same ids come back again and again
        for start in range(0, len(jobs), self.batch_size):
            chunk = jobs[start:start + self.batch_size]
            # truncation only guards against a count that was off: pieces fit already
            batch = tokenizer([job[2] for job in chunk], return_tensors="pt", padding=True,
                              truncation=True, max_length=limit).to(self.device)
            with torch.no_grad():
                logits = net(**batch).logits
            top = logits.topk(min(self.top_k * 3, logits.shape[-1]), dim=-1).indices
            for row, (k, inside, _) in enumerate(chunk):
                where = (batch["input_ids"][row] == tokenizer.mask_token_id).nonzero().flatten()
                if len(where) != len(inside):  # the text spells a mask token itself: skip
                    continue
                for i, w in zip(inside, where.tolist(), strict=True):
                    found[k][i] = [words.get(t) or words.setdefault(t, tokenizer.decode([t])
                                                                   .strip())
                                   for t in top[row, w].tolist()]
        lexicon = get_lexicon()
        for k in todo:
            tokens = list(tokens_of[k])
            rng = np.random.default_rng(params[k]["seed"])
            for i in params[k]["positions"]:
                if i not in found[k]:
                    continue
                original = tokens[i]
                lower = original.lower()
                banned = lexicon.antonyms(lower)
                good = [f for f in dict.fromkeys(w.lower() for w in found[k][i])
                        if f.isalpha() and f != lower and f not in banned
                        and lower not in lexicon.antonyms(f) and not self.is_protected(f)]
                good = good[: self.top_k]
                if good:
                    tokens[i] = match_case(original, good[int(rng.integers(len(good)))])
            out[k] = "".join(tokens)
        return out
