"""The text adapter (call keywords -> state) and the base class of text transforms."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from augkit.core.limits import short_repr
from augkit.core.targets import TargetAdapter, register_adapter
from augkit.core.transform import Params, State, Transform
from augkit.core.validate import check_number, fail
from augkit.text.tokenize import Tokens
from augkit.text.vocab import QUESTION_WORDS, STOPWORDS, is_negation

TEXT_KEYS = ("text", "label")


def check_text(value: Any, where: str = "text") -> str:
    if type(value) is str and value:  # the common case first: one type check
        return value
    if value is None:
        raise TypeError(f"text targets: '{where}' got None; expected a non-empty str")
    if isinstance(value, (bytes, bytearray)):
        raise TypeError(f"text targets: '{where}' got {_shown(value)}; expected a str: decode "
                        "it first, e.g. value.decode('utf-8')")
    if not isinstance(value, str):
        raise TypeError(f"text targets: '{where}' got {_shown(value)}; expected a non-empty "
                        "str (or a list of them)")
    if not value:
        raise ValueError(f"text targets: '{where}' got an empty string; expected a non-empty "
                         "str (skip empty rows before augmenting)")
    return value


def _shown(value: Any) -> str:
    """The type and a short repr of ``value`` (the type once: ``bytearray(b'x')``)."""
    shown, kind = short_repr(value, 60), type(value).__name__
    return shown if shown.startswith(kind) else f"{kind} {shown}"


class TextAdapter(TargetAdapter):
    """Keyword targets for text: ``text`` (a non-empty str) and an optional ``label`` that
    passes through untouched. Batches (``aug.batch(list_of_texts, label=...)``) give every
    text its own parameters and record, and return ``{"texts": [...], "label": ...}``."""

    modality = "text"

    def prepare(self, data: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        self.check_keywords(data, TEXT_KEYS, "text", "no 'text' given; call aug(text='...') "
                            "(or aug.batch([...]) for many texts)")
        if isinstance(data["text"], (list, tuple)):
            raise TypeError("text targets: 'text' got a list; use aug.batch(texts) for many "
                            "texts, aug(text='...') for one")
        check_text(data["text"])
        return dict(data)

    # -- batches: state {"text": [str, ...], "label": list | None} --------------------------
    def prepare_batch(self, inputs: Any, data: dict[str, Any],
                      options: Mapping[str, Any]) -> dict[str, Any]:
        unknown = set(data) - {"label"}
        if unknown:
            raise ValueError(f"text targets: unknown batch keyword(s) {sorted(unknown)}; "
                             "allowed: label")
        if isinstance(inputs, str) or not isinstance(inputs, (list, tuple)) or not inputs:
            raise TypeError(f"text targets: batch got {type(inputs).__name__} "
                            f"{short_repr(inputs, 60)}; expected a non-empty list of strings")
        texts = list(inputs)
        if set(map(type, texts)) != {str} or not all(texts):  # name the first bad one
            for i, t in enumerate(texts):
                check_text(t, f"texts[{i}]")
        label = data.get("label")
        if label is not None and (not hasattr(label, "__len__") or len(label) != len(texts)):
            raise ValueError(f"text targets: 'label' needs one entry per text ({len(texts)}); "
                             f"got {short_repr(label, 60)}")
        return {"text": texts, "label": None if label is None else list(label)}

    def batch_size(self, batch: dict[str, Any]) -> int:
        return len(batch["text"])

    def split_batch(self, batch: dict[str, Any]) -> list[dict[str, Any]]:
        if batch["label"] is None:
            return [{"text": t} for t in batch["text"]]
        return [{"text": t, "label": lab}
                for t, lab in zip(batch["text"], batch["label"], strict=True)]

    def join_batch(self, states: list[dict[str, Any]], like: dict[str, Any]) -> dict[str, Any]:
        return {"text": [st["text"] for st in states],
                "label": None if like["label"] is None else [st["label"] for st in states]}

    def take_batch(self, batch: dict[str, Any], idx) -> dict[str, Any]:
        idx = np.asarray(idx).tolist()
        pick = lambda xs: None if xs is None else [xs[i] for i in idx]
        return {"text": pick(batch["text"]), "label": pick(batch["label"])}

    def put_batch(self, batch: dict[str, Any], idx, sub: dict[str, Any]) -> dict[str, Any]:
        texts = np.array(batch["text"], dtype=object)
        texts[np.asarray(idx, dtype=np.intp)] = sub["text"]
        return {"text": texts.tolist(), "label": batch["label"]}

    def finalize_batch(self, batch: dict[str, Any], options: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {"texts": list(batch["text"])}
        if batch["label"] is not None:
            out["label"] = batch["label"]
        return out


register_adapter(TextAdapter())


class TextTransform(Transform, register=False):
    """A text transform: ``sample_text`` draws parameters for one string, ``apply_text``
    applies them (pure). Model-backed ops batch their model calls (``ModelTextTransform``)."""

    modality = "text"

    def sample(self, rng: np.random.Generator, state: State) -> Params:
        return self.sample_text(rng, state["text"])

    def apply(self, state: State, params: Params) -> State:
        return {**state, "text": self.apply_text(state["text"], params)}

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        raise NotImplementedError(f"{type(self).__name__} does not implement sample_text()")

    # -- batches: vectorised where the op has a plan (see augkit.text.batch) ---------------
    def batch_plan(self) -> Callable | None:
        """The op's vectorised batch sampler, or None (per-text sampling)."""
        return None

    def sample_batch(self, rng: np.random.Generator, batch) -> Sequence[Params | None]:
        plan = self.batch_plan()
        if plan is None:
            return super().sample_batch(rng, batch)
        from augkit.text.batch import run_vectorised

        return run_vectorised(self, rng, batch["text"], plan)

    def apply_batch(self, batch, params):
        from augkit.text.batch import BatchParams

        if isinstance(params, BatchParams) and params.texts is batch["text"]:
            return {**batch, "text": params.outputs(self.apply_text)}
        return super().apply_batch(batch, params)

    def apply_text(self, text: str, params: Params) -> str:
        raise NotImplementedError(f"{type(self).__name__} does not implement apply_text()")


class ModelTextTransform(TextTransform, register=False):
    """A model-backed text op: ``run_texts`` edits many texts in one batched model call,
    for a single text and for every text a batch call acts on."""

    def run_texts(self, texts: list[str], params: list[Params]) -> list[str]:
        raise NotImplementedError(f"{type(self).__name__} does not implement run_texts()")

    def apply_text(self, text: str, params: Params) -> str:
        self._check_encodable(text, "text")
        return self.run_texts([text], [params])[0]

    def apply_batch(self, batch: dict, params: Sequence[Params | None]) -> dict:
        todo = [i for i, prm in enumerate(params) if prm is not None]
        texts = list(batch["text"])
        for i in todo:
            self._check_encodable(texts[i], f"text[{i}]")
        done = self.run_texts([texts[i] for i in todo], [params[i] for i in todo])
        for i, new in zip(todo, done, strict=True):
            texts[i] = new
        return {**batch, "text": texts}


    def _check_encodable(self, text: str, where: str) -> None:
        """A tokenizer reads UTF-8: a lone surrogate (from ``errors='surrogateescape'``
        decoding) would fail deep inside it with a binding error."""
        if text.isascii():
            return
        try:
            text.encode("utf-8")
        except UnicodeEncodeError as err:
            raise ValueError(
                f"{type(self).__name__}: '{where}' holds {text[err.start]!r} at character "
                f"{err.start}, a lone surrogate that is not valid Unicode, so the model's "
                "tokenizer cannot read it; decode the source with errors='replace' or drop "
                "the character") from None


def check_words(owner: Any, name: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, (list, tuple)) or not all(
            isinstance(w, str) and w for w in value):
        fail(owner, name, value, "expected a list of non-empty strings or None", TypeError)
    return list(value)


class Protection:
    """Which words an op must leave alone. Negations and question words are protected by
    default: deleting "not" or "what" changes what a sentence means."""

    def _set_protection(self, protect_stopwords: bool, protect_negations: bool,
                        protect_questions: bool, protected_words: Sequence[str] | None) -> None:
        for name, value in (("protect_stopwords", protect_stopwords),
                            ("protect_negations", protect_negations),
                            ("protect_questions", protect_questions)):
            if not isinstance(value, bool):
                fail(self, name, value, "expected True or False", TypeError)
        self.protect_stopwords = protect_stopwords
        self.protect_negations = protect_negations
        self.protect_questions = protect_questions
        self.protected_words = check_words(self, "protected_words", protected_words)
        self._protected = frozenset(w.lower() for w in self.protected_words or ())
        self._memo: dict[str, bool] = {}

    def is_protected(self, word: str) -> bool:
        hit = self._memo.get(word)
        if hit is None:
            lower = word.lower()
            hit = (lower in self._protected
                   or (self.protect_stopwords and lower in STOPWORDS)
                   or (self.protect_negations and is_negation(lower))
                   or (self.protect_questions and lower in QUESTION_WORDS))
            if len(self._memo) < 100_000:
                self._memo[word] = hit
        return hit

    def editable(self, toks: Tokens) -> list[int]:
        """Token indices of the words this op may edit."""
        return [i for i in toks.words if not self.is_protected(toks.tokens[i])]


def check_rate(owner: Any, name: str, value: Any) -> float:
    return check_number(owner, name, value, 0.0, 1.0)


def edit_count(rng: np.random.Generator, rate: float, n_words: int, available: int,
               at_least_one: bool = False) -> int:
    """How many edits a sentence of ``n_words`` gets at ``rate``: ``rate * n_words`` rounded
    stochastically (so the expected count is exact and a short sentence is not forced to take
    an edit it is too short for; ``at_least_one``: EDA's rule, one edit at least), capped by
    what can be edited."""
    if rate <= 0.0 or available <= 0:
        return 0
    return min(rounded_count(rng.random(), rate, n_words, at_least_one), available)


def rounded_count(u: float, rate: float, n_words: int, at_least_one: bool = False) -> int:
    """``rate * n_words`` rounded up with probability equal to its fractional part (at least
    1 with ``at_least_one``, when there is a word and the rate is positive)."""
    expected = rate * n_words
    n = math.floor(expected)
    n = n + 1 if u < expected - n else n
    return max(n, 1) if at_least_one and n_words > 0 and rate > 0.0 else n


def check_at_least_one(owner: Any, value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{type(owner).__name__}: argument 'at_least_one' got {value!r}; "
                        "expected True or False")
    return value


def random_order(us: list[float], n: int):
    """The indices of ``range(n)`` in random order, lazily, from ``n`` uniforms (a
    Fisher-Yates shuffle that stops as soon as the caller has found what it needs)."""
    pool = list(range(n))
    for j in range(n):
        r = j + pick(us[j], n - j)
        pool[j], pool[r] = pool[r], pool[j]
        yield pool[j]


def uniforms(rng: np.random.Generator, n: int) -> list[float]:
    """``n`` uniforms in one numpy call: per-call numpy overhead (microseconds) would
    otherwise cost more than the edits themselves on short texts."""
    return rng.random(n).tolist() if n > 0 else []


def pick(u: float, n: int) -> int:
    """An index in [0, n) from a uniform in [0, 1)."""
    return min(int(u * n), n - 1)


def distinct(us: list[float], n: int, k: int) -> list[int]:
    """``k`` distinct indices of ``range(n)`` from ``k`` uniforms (partial Fisher-Yates).

    Work is O(k), not O(n): only the displaced entries of the pool are kept (a dict), so
    drawing two of 200,000 words per swap stays cheap."""
    if 4 * k >= n:  # most of the pool is visited: a list is faster
        pool = list(range(n))
        for j in range(k):
            r = j + pick(us[j], n - j)
            pool[j], pool[r] = pool[r], pool[j]
        return pool[:k]
    moved: dict[int, int] = {}
    out = []
    for j in range(k):
        r = j + pick(us[j], n - j)
        out.append(moved.get(r, r))
        moved[r] = moved.get(j, j)
    return out


def token_starts(tokens: Sequence[str], indices: Sequence[int]) -> list[int]:
    """Character offset of each token in ``indices`` (sorted ascending), in one walk over
    the tokens up to the last index (a prefix sum per index would be quadratic)."""
    if len(indices) == 1:
        return [sum(map(len, tokens[:indices[0]]))]
    out = []
    pos = last = 0
    for i in indices:
        pos += sum(map(len, tokens[last:i]))
        last = i
        out.append(pos)
    return out


def match_case(template: str, word: str) -> str:
    """``word`` in the casing of ``template`` (UPPER, Title or lower)."""
    if len(template) > 1 and template.isupper():
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
