"""Pure text kernels. Each takes the text and concrete parameters (token indices, words,
character offsets) and returns the new text; nothing random happens here. Indices that do not
fit the text (a record replayed on other data) are skipped rather than guessed at."""

from __future__ import annotations

from collections.abc import Sequence

from augkit.text.tokenize import SPACE, WORD, tokenize


def replace_tokens(text: str, replace: Sequence[Sequence]) -> str:
    """Replace token ``i`` by ``word`` for each ``[i, word]``."""
    if not replace:
        return text
    tokens = list(tokenize(text).tokens)
    for i, word in replace:
        if 0 <= i < len(tokens):
            tokens[i] = word
    return "".join(tokens)


def insert_tokens(text: str, insert: Sequence[Sequence]) -> str:
    """Insert ``piece`` before token ``i`` for each ``[i, piece]`` (``i`` may equal the
    number of tokens: append). Indices refer to the original text."""
    if not insert:
        return text
    tokens = list(tokenize(text).tokens)
    for i, piece in sorted(insert, key=lambda e: e[0], reverse=True):
        if 0 <= i <= len(tokens):
            tokens.insert(i, piece)
    return "".join(tokens)


def _recase_first(tokens: list[str], first: int, old_first: str, moved_to: int | None) -> None:
    """After words moved: the new sentence-initial word gets a capital, the old one (now at
    ``moved_to``) loses it."""
    if moved_to is not None and tokens[moved_to] == old_first:
        tokens[moved_to] = old_first[:1].lower() + old_first[1:]
    word = tokens[first]
    tokens[first] = word[:1].upper() + word[1:]


def permute_words(text: str, order: Sequence[int], recase: bool = False) -> str:
    """Put the words (WORD tokens, in order) into the slots given by ``order``: slot ``k``
    receives word ``order[k]``. Whitespace and punctuation stay where they were. With
    ``recase``, sentence-initial capitalisation moves with the first slot."""
    toks = tokenize(text)
    words = toks.words
    if len(order) != len(words) or sorted(order) != list(range(len(words))):
        return text  # a record from another text: leave this one alone
    tokens = list(toks.tokens)
    for slot, src in enumerate(order):
        tokens[words[slot]] = toks.tokens[words[src]]
    if recase and words and order[0] != 0:
        _recase_first(tokens, words[0], toks.tokens[words[0]], words[order.index(0)])
    return "".join(tokens)


def swap_words(text: str, swaps: Sequence[Sequence[int]], recase: bool = False) -> str:
    """Swap word ``a`` and word ``b`` (indices into the list of words) for each pair, in
    order."""
    n = len(tokenize(text).words)
    order = list(range(n))
    for a, b in swaps:
        if 0 <= a < n and 0 <= b < n:
            order[a], order[b] = order[b], order[a]
    return permute_words(text, order, recase)


def delete_tokens(text: str, delete: Sequence[int], recase: bool = False) -> str:
    """Delete the given WORD tokens, each with one neighbouring whitespace token (the one
    before it, else the one after), so no double spaces are left behind."""
    if not delete:
        return text
    toks = tokenize(text)
    tokens: list[str | None] = list(toks.tokens)
    kinds = toks.kinds
    first = toks.words[0] if toks.words else None
    for i in sorted(set(delete), reverse=True):
        if not (0 <= i < len(tokens)) or kinds[i] != WORD or tokens[i] is None:
            continue
        tokens[i] = None
        if i > 0 and kinds[i - 1] == SPACE and tokens[i - 1] is not None:
            tokens[i - 1] = None
        elif i + 1 < len(tokens) and kinds[i + 1] == SPACE and tokens[i + 1] is not None:
            tokens[i + 1] = None
    if recase and first is not None and tokens[first] is None:
        for j in toks.words:
            if tokens[j] is not None:
                tokens[j] = tokens[j][:1].upper() + tokens[j][1:]
                break
    return "".join(t for t in tokens if t is not None)


def splice(text: str, edits: Sequence[Sequence]) -> str:
    """Replace ``text[pos:pos + length]`` by ``new`` for each ``[pos, length, new]``; edits
    must not overlap and refer to the original text."""
    if not edits:
        return text
    out = text
    for pos, length, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if 0 <= pos and pos + length <= len(text):
            out = out[:pos] + new + out[pos + length:]
    return out
