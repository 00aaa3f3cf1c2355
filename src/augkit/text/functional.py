"""Pure text kernels. Each takes the text and concrete parameters (token indices, words,
character offsets) and returns the new text; nothing random happens here. Indices that do not
fit the text (a record replayed on other data) are skipped rather than guessed at."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from augkit.text.tokenize import SPACE, WORD, tokenize

_first = itemgetter(0)


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
    number of tokens: append). Indices refer to the original text; several pieces at one
    index end up in reverse order of listing (the last listed first)."""
    if not insert:
        return text
    tokens = tokenize(text).tokens
    n = len(tokens)
    before: dict[int, list[str]] = {}
    for i, piece in insert:
        if 0 <= i <= n:
            before.setdefault(i, []).append(piece)
    # one pass over the tokens: list.insert per piece would move the whole tail each time
    out: list[str] = []
    last = 0
    for i in sorted(before):
        out.extend(tokens[last:i])
        out.extend(reversed(before[i]))
        last = i
    out.extend(tokens[last:])
    return "".join(out)


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
    refer to the original text and must not overlap (one that would, or that does not fit
    the text, is skipped). Several insertions (``length == 0``) at one position end up in
    reverse order of listing. The output is built in one pass, so the work is linear in
    the length of the text and the edits."""
    if not edits:
        return text
    size = len(text)
    if len(edits) == 1:  # the common case on short texts: no sort, no list
        pos, length, new = edits[0]
        if 0 <= pos and 0 <= length and pos + length <= size:
            return text[:pos] + new + text[pos + length:]
        return text
    pieces: list[str] = []
    cur = 0
    # by position; at one position the last listed first (a stable sort of the reversal)
    for pos, length, new in sorted(reversed(edits), key=_first):
        if pos < cur or length < 0 or pos + length > size:
            continue
        pieces.append(text[cur:pos])
        pieces.append(new)
        cur = pos + length
    pieces.append(text[cur:])
    return "".join(pieces)
