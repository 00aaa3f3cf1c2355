"""Lossless tokenization: ``"".join(tokenize(text).tokens) == text`` for every string.

The pattern's alternatives cover every character (the last one matches any single
character), so joining the tokens gives the input back byte for byte: whitespace, casing,
punctuation, URLs, e-mail addresses, numbers such as ``192.168.1.1`` and non-English text are
never normalised. Ops edit whole tokens and leave the rest untouched.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

URL, EMAIL, NUMBER, WORD, SPACE, OTHER = 1, 2, 3, 4, 5, 6

_PATTERN = re.compile(
    r"(?:https?://|www\.)[^\s]*[^\s.,;:!?)\]}'\"]"  # URL, trailing punctuation left out
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail
    r"|\d+(?:[.,:/]\d+)*"  # numbers, IPs, times, dates: 192.168.1.1, 3,000, 12:30
    r"|\w+(?:['\u2019-]\w+)*"  # words, with contractions and hyphens inside
    r"|\s+"
    r"|.",
    re.DOTALL,
)
# The same pattern without the URL and e-mail branches: it tokenizes identically whenever
# the text has no "@", "://" or "www.", and is about three times faster.
_PLAIN = re.compile(r"\d+(?:[.,:/]\d+)*|\w+(?:['\u2019-]\w+)*|\s+|.", re.DOTALL)
_FIRST_CHAR_KIND: dict[str, int] = {}


def _kind_of_first(ch: str) -> int:
    kind = _FIRST_CHAR_KIND.get(ch)
    if kind is None:
        if ch.isspace():
            kind = SPACE
        elif ch.isdecimal():  # what \d matches: the number branch wins
            kind = NUMBER
        elif ch.isalnum() or ch == "_":  # what \w matches
            kind = WORD
        else:
            kind = OTHER
        if len(_FIRST_CHAR_KIND) < 65536:
            _FIRST_CHAR_KIND[ch] = kind
    return kind


class Tokens(NamedTuple):
    """Tokens of one text and their kinds (``WORD``, ``SPACE``, ...), plus word positions."""

    tokens: tuple[str, ...]
    kinds: tuple[int, ...]
    words: tuple[int, ...]  # indices of WORD tokens


@lru_cache(maxsize=8192)
def tokenize(text: str) -> Tokens:
    """Split ``text`` into tokens whose concatenation is exactly ``text``.

    >>> t = tokenize("Don't visit 192.168.1.1, OK?")
    >>> t.tokens
    ("Don't", ' ', 'visit', ' ', '192.168.1.1', ',', ' ', 'OK', '?')
    >>> [t.tokens[i] for i in t.words]
    ["Don't", 'visit', 'OK']
    """
    special = "@" in text or "://" in text or "www." in text
    tokens = (_PATTERN if special else _PLAIN).findall(text)
    kinds = [_kind_of_first(t[0]) for t in tokens]
    if special:
        for i, tok in enumerate(tokens):
            if len(tok) > 1 and kinds[i] != SPACE:
                if tok.startswith(("http://", "https://", "www.")):
                    kinds[i] = URL
                elif "@" in tok:
                    kinds[i] = EMAIL
    words = tuple(i for i, k in enumerate(kinds) if k == WORD)
    return Tokens(tuple(tokens), tuple(kinds), words)


def detokenize(tokens) -> str:
    return "".join(tokens)
