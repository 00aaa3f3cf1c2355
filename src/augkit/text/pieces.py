"""Long texts for models with a length limit: split into pieces that fit, on sentence
boundaries first, then into word windows.

Pure and model-free: a ``count`` callable gives the model's token count of each string
(special tokens included), so the same rules serve a translation model and a masked LM and
are tested without one. Pieces are ranges of augkit tokens (:func:`augkit.text.tokenize`);
they never start or end with whitespace, and everything outside them (the whitespace
between pieces, and a single token longer than the limit, such as a huge URL) is left byte
for byte as it was.

>>> from augkit.text.tokenize import tokenize
>>> count = lambda strs: [len(s.split()) + 1 for s in strs]  # a word a token, plus one special
>>> tokens = tokenize("One two three. Four five six seven!  Eight.").tokens
>>> ["".join(tokens[a:b]) for a, b in split_for_model(tokens, count, budget=7)]
['One two three.', 'Four five six seven!  Eight.']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

Counter = Callable[[list[str]], list[int]]

SENTENCE_END = frozenset(".!?\u2026")  # a sentence may end after these ...
CLOSERS = frozenset("\"')]}\u00bb\u201d\u2019")  # ... and closing quotes or brackets


def sentence_spans(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """Token ranges of the sentences: a sentence ends after ``.``, ``!``, ``?`` or ``…``
    (closing quotes and brackets included) that whitespace follows, or at a line break."""
    spans: list[tuple[int, int]] = []
    start = last = -1
    ended = False
    for i, tok in enumerate(tokens):
        if tok.isspace():  # whitespace runs are single tokens
            if start >= 0 and (ended or "\n" in tok):
                spans.append((start, last + 1))
                start = -1
            continue
        if start < 0:
            start = i
        last = i
        ended = tok in SENTENCE_END or (ended and tok in CLOSERS)
    if start >= 0:
        spans.append((start, last + 1))
    return spans


def split_for_model(tokens: Sequence[str], count: Counter, budget: int,
                    whole: int | None = None) -> list[tuple[int, int]]:
    """Token ranges ``[a, b)`` of the pieces of ``tokens`` to give a model taking at most
    ``budget`` tokens: the whole text when it fits (``whole``: its count, if known), else
    its sentences, neighbours packed together while they fit, and a sentence too long for
    the model cut into word windows. A single token over the budget is in no piece."""
    text = "".join(tokens)
    if not text.strip():
        return []
    if whole is None:
        whole = count([text])[0]
    if whole <= budget:
        return [_trim(tokens, 0, len(tokens))]
    overhead = count([""])[0]  # special tokens of every sequence
    spans = sentence_spans(tokens)
    units: list[tuple[int, int, int]] = []
    for (a, b), n in zip(spans, count([_join(tokens, a, b) for a, b in spans]), strict=True):
        if n <= budget:
            units.append((a, b, n))
        else:
            units.extend(_windows(tokens, a, b, count, budget, overhead))
    return _pack(tokens, units, count, budget, overhead)


def _trim(tokens: Sequence[str], a: int, b: int) -> tuple[int, int]:
    while a < b and tokens[a].isspace():
        a += 1
    while b > a and tokens[b - 1].isspace():
        b -= 1
    return a, b


def _join(tokens: Sequence[str], a: int, b: int) -> str:
    return "".join(tokens[a:b])


def _windows(tokens: Sequence[str], a: int, b: int, count: Counter, budget: int,
             overhead: int) -> list[tuple[int, int, int]]:
    """Word windows of the sentence ``[a, b)`` that fit: greedy on each word's own count,
    then checked on the window's text (context can change a tokenization), halving any
    window that does not fit."""
    words = [i for i in range(a, b) if not tokens[i].isspace()]
    sizes = [max(n - overhead, 1) for n in count([tokens[i] for i in words])]
    guesses: list[tuple[int, int]] = []
    start, used = words[0], overhead
    for i, n in zip(words, sizes, strict=True):
        if used + n > budget and used > overhead:
            guesses.append(_trim(tokens, start, i))
            start, used = i, overhead
        used += n
    guesses.append(_trim(tokens, start, b))
    out: list[tuple[int, int, int]] = []
    while guesses:
        again: list[tuple[int, int]] = []
        for (s, e), n in zip(guesses, count([_join(tokens, s, e) for s, e in guesses]),
                             strict=True):
            if n <= budget:
                out.append((s, e, n))
            elif e - s > 1:  # halve at the whitespace nearest the middle
                gaps = [i for i in range(s + 1, e) if tokens[i].isspace()]
                cut = min(gaps, key=lambda i: abs(2 * i - s - e)) if gaps else (s + e) // 2
                again += [_trim(tokens, s, cut), _trim(tokens, cut, e)]
            # else: one token over the budget, left out (unchanged)
        guesses = [g for g in again if g[0] < g[1]]
    return sorted(out)


def _pack(tokens: Sequence[str], units: list[tuple[int, int, int]], count: Counter,
          budget: int, overhead: int) -> list[tuple[int, int]]:
    """Join neighbouring units (only whitespace between them) while their counts fit, then
    check each joined piece's own count; one that does not fit falls back to its units."""
    groups: list[list[tuple[int, int, int]]] = []
    used = 0
    for unit in units:
        if groups:
            prev = groups[-1][-1]
            between = all(t.isspace() for t in tokens[prev[1]:unit[0]])
            extra = unit[2] - overhead + 1  # one token of slack for the whitespace
            if between and used + extra <= budget:
                groups[-1].append(unit)
                used += extra
                continue
        groups.append([unit])
        used = unit[2]
    joined = [k for k, g in enumerate(groups) if len(g) > 1]
    fits = dict(zip(joined, count([_join(tokens, groups[k][0][0], groups[k][-1][1])
                                   for k in joined]), strict=True))
    out: list[tuple[int, int]] = []
    for k, g in enumerate(groups):
        if len(g) == 1 or fits[k] <= budget:
            out.append((g[0][0], g[-1][1]))
        else:
            out.extend((a, b) for a, b, _ in g)
    return out


def model_limit(tokenizer, model) -> int:
    """The most tokens ``model`` takes: the smaller of the tokenizer's ``model_max_length``
    and the model's position table (a tokenizer saved without a limit reports 10**30)."""
    found = [n for n in (getattr(tokenizer, "model_max_length", None),
                         getattr(getattr(model, "config", None), "max_position_embeddings",
                                 None))
             if isinstance(n, int) and 0 < n < 10**7]
    return min(found) if found else 512


def token_counter(tokenizer) -> Counter:
    """``count`` for :func:`split_for_model` from a Hugging Face tokenizer (one batched call,
    special tokens included, no truncation and no length warning)."""
    def count(strs: list[str]) -> list[int]:
        if not strs:
            return []
        ids = tokenizer(list(strs), add_special_tokens=True, truncation=False,
                        verbose=False)["input_ids"]
        return [len(x) for x in ids]

    return count
