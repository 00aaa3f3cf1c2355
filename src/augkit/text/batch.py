"""Vectorised text batches: many sentences analysed and edited with numpy over code points.

``op.batch(texts)`` on the EDA family and the character-noise ops does not loop over tokens
in Python. The texts are joined into one array of code points; a lookup table gives every
character its kind under the tokenizer's own definitions (``\\w`` is ``isalnum()`` or "_",
``\\d`` is ``isdecimal()``, ``\\s`` is ``isspace()``); token and word boundaries come from
where the kind changes (joiners, digit runs and number punctuation get a closer look);
words are identified by keys of their lower-cased code points in tables built once from
the lexicon and the word lists: exact packed keys for short Latin-1 words, polynomial hashes
confirmed character by character for the rest, so a hash collision can never change a
result. Each op then draws its edits as arrays and :func:`splice` writes every output with
one gather.

A text whose tokenization these rules do not reproduce exactly (URLs, e-mail addresses,
characters whose case mapping is not one character or depends on context, such as "ß" or
"Σ") goes through the op's per-text path instead.
Either way every text gets its own parameters, and ``op.apply`` with them gives exactly the
batch's output for that text (tested on arbitrary Unicode).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from augkit.core.transform import ColumnParams, Params

# character classes (bits)
WCH, DIG, SPC, JOIN, NPUNCT, AT, ODD = 1, 2, 4, 8, 16, 32, 64
# case bits
UP, LOW = 1, 2
# token groups; parsing also uses K_* kinds, resolved to groups before tokens are cut
G_WORD, G_SPACE, G_OTHER, G_DIGIT = 1, 2, 3, 4
K_JOIN, K_NPUNCT, K_BAD, K_CASED = 5, 6, 7, 8  # joiner, .,:/, ODD or "@", letter to lower

_HASH_BASE = np.uint64(0x9E3779B97F4A7C15 | 1)
_HASH_LEN = np.uint64(0xC2B2AE3D27D4EB4F)
_HASH_MIX = np.uint64(0xBF58476D1CE4E5B9)


def _classify(ch: str) -> tuple[int, int, int, int]:
    """(class bits, lower code point, upper code point, case bits) of one character."""
    if ch.isspace():
        k = SPC
    elif ch.isdecimal():  # what \d matches
        k = DIG
    elif ch.isalnum() or ch == "_":  # the rest of what \w matches
        k = WCH
    elif ch in "'\u2019-":
        k = JOIN
    elif ch in ".,:/":
        k = NPUNCT
    elif ch == "@":
        k = AT
    else:
        k = 0
    lo, up = ch.lower(), ch.upper()
    # multi-character case maps, final-sigma lowering and titlecase letters: per-text path
    if len(lo) != 1 or len(up) != 1 or ch == "\u03a3" or (ch.istitle() and not ch.isupper()):
        k |= ODD
    case = (UP if ch.isupper() else 0) | (LOW if ch.islower() else 0)
    return k, ord(lo[0]), ord(up[0]), case


def _pack(row: tuple[int, int, int, int]) -> int:
    cls, lower, _upper, case = row
    return lower << 9 | case << 7 | cls


@lru_cache(maxsize=1)
def _bmp_tables() -> dict[str, np.ndarray]:
    """For every BMP code point, from one pass of ``_classify``: ``packed``, class bits
    (0-6), case bits (7-8) and lower-case code point (9-29) in one uint32 (one gather per
    batch); ``kind`` (int8, see ``_kind``); ``lower`` and ``upper`` code points."""
    rows = [_classify(chr(c)) for c in range(65536)]
    return {"packed": np.array([_pack(r) for r in rows], np.uint32),
            "kind": np.array([_kind(r, c) for c, r in enumerate(rows)], np.int8),
            "lower": np.array([r[1] for r in rows], np.uint32),
            "upper": np.array([r[2] for r in rows], np.uint32)}


def _per_code(name: str, cp: np.ndarray,
              of_row: Callable[[tuple[int, int, int, int], int], int]) -> np.ndarray:
    """Table ``name`` read at every code point; code points beyond the BMP (rare) are
    classified one distinct value at a time through ``of_row(row, code)``."""
    table = _bmp_tables()[name]
    astral = np.flatnonzero(cp > 0xFFFF)
    if not len(astral):
        return table.take(cp)  # (take: about twice as fast as indexing with uint32)
    out = table[np.where(cp > 0xFFFF, 0, cp)]
    values, inverse = np.unique(cp[astral], return_inverse=True)
    found = [of_row(_classify(chr(int(v))), int(v)) for v in values]
    out[astral] = np.array(found, table.dtype)[inverse]
    return out


def char_info(cp: np.ndarray) -> np.ndarray:
    """Packed class, case and lower-case code point of every code point (see _bmp_tables)."""
    return _per_code("packed", cp, lambda row, _code: _pack(row))


def upper_of(cp: np.ndarray) -> np.ndarray:
    """Upper-case code point of each code point (single characters only: ODD excluded)."""
    return _per_code("upper", cp, lambda row, _code: row[2])


def _kind(row: tuple[int, int, int, int], code: int) -> int:
    cls, lower = row[0], row[1]
    if cls & (ODD | AT):
        return K_BAD
    if cls & SPC:
        return G_SPACE
    if cls & DIG:
        return G_DIGIT
    if cls & WCH:
        return K_CASED if lower != code else G_WORD
    if cls & JOIN:
        return K_JOIN
    if cls & NPUNCT:
        return K_NPUNCT
    return G_OTHER


def kinds_of(cp: np.ndarray) -> np.ndarray:
    return _per_code("kind", cp, _kind)


def lower_of(cp: np.ndarray) -> np.ndarray:
    return _per_code("lower", cp, lambda row, _code: row[1])


def to_codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), np.uint32)


def from_codes(cp: np.ndarray) -> str:
    return cp.astype(np.uint32, copy=False).tobytes().decode("utf-32-le", "surrogatepass")


_POW: list[np.ndarray] = [np.ones(1, np.uint64), np.ones(1, np.uint64)]


def _powers(n: int) -> tuple[np.ndarray, np.ndarray]:
    """B**i and B**-i modulo 2**64 for i < n (uint64 arithmetic wraps)."""
    if len(_POW[0]) < n:
        size = max(n, 2 * len(_POW[0]), 1 << 16)
        inv = np.uint64(pow(int(_HASH_BASE), -1, 2**64))
        with np.errstate(over="ignore"):
            for j, base in enumerate((_HASH_BASE, inv)):
                steps = np.full(size, base, np.uint64)
                steps[0] = 1
                _POW[j] = np.cumprod(steps, dtype=np.uint64)
    return _POW[0], _POW[1]


def span_hashes(low: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Hash of ``low[start:end]`` for every span: sum of c * B**j, mixed with the length
    (code points of words are never 0)."""
    pw, ipw = _powers(len(low) + 1)
    prefix = np.empty(len(low) + 1, np.uint64)
    prefix[0] = 0
    with np.errstate(over="ignore"):
        np.multiply(low, pw[:len(low)], out=prefix[1:])
        np.cumsum(prefix[1:], out=prefix[1:])
        h = (prefix[end] - prefix[start]) * ipw[start]
        h ^= (end - start).astype(np.uint64) * _HASH_LEN
    return _finish(h)


def _finish(h: np.ndarray) -> np.ndarray:
    """A bijective mixer: lookups bucket keys by their high bits, which must vary."""
    with np.errstate(over="ignore"):
        h ^= h >> np.uint64(31)
        h *= _HASH_MIX
        h ^= h >> np.uint64(29)
    return h


def span_hashes_sparse(low: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """``span_hashes`` of a few spans, from their own characters only (same values)."""
    lens = end - start
    if not len(lens) or not lens.sum():
        return span_hashes(low, start, end)
    idx = ranges(start, lens)
    pw, _ = _powers(int(lens.max()) + 1)
    first = np.cumsum(lens) - lens
    rel = np.arange(len(idx)) - np.repeat(first, lens)
    with np.errstate(over="ignore"):
        terms = low[idx].astype(np.uint64) * pw[rel]
        h = np.zeros(len(start), np.uint64)
        nz = lens > 0
        h[nz] = np.add.reduceat(terms, first[nz])
        h ^= lens.astype(np.uint64) * _HASH_LEN
    return _finish(h)


def short_keys(low: np.ndarray, start: np.ndarray, end: np.ndarray,
               width: int = 5) -> np.ndarray:
    """A cheap key from the length and the characters at the first ``(width + 1) // 2``
    and last ``width // 2`` offsets (all characters of a span of up to ``width``, so exact
    there); ``NO_KEY`` where one of them is beyond Latin-1 or the span is longer than 63.
    For tables of Latin-1 words; ``width`` is at most 7."""
    lens = end - start
    last = np.maximum(end - 1, start)
    at = [np.minimum(start + k, last) for k in range((width + 1) // 2)]
    at += [np.maximum(end - k, start) for k in range(width // 2, 0, -1)]
    wide = lens > 63
    key = lens.astype(np.uint64)
    for k, pos in enumerate(at):
        c = low[pos]
        wide |= c > 255
        key |= c.astype(np.uint64) << np.uint64(6 + 8 * k)
    key[wide] = NO_KEY
    return _finish(key)


NO_KEY = np.uint64(1 << 63)
_NO_KEY_MIXED = _finish(np.array([NO_KEY]))[0]


def _middle_keys(low: np.ndarray, start: np.ndarray, end: np.ndarray,
                 width: int) -> np.ndarray:
    """The characters ``short_keys`` leaves out of a span of up to ``2 * width`` (offsets
    ``(width + 1) // 2`` to ``-width // 2 - 1``), packed; ``NO_KEY`` beyond Latin-1."""
    first, stop = start + (width + 1) // 2, end - width // 2 - 1
    key = np.zeros(len(start), np.uint64)
    wide = np.zeros(len(start), bool)
    for k in range(width):
        c = low[np.maximum(np.minimum(first + k, stop), 0)]
        wide |= c > 255
        key |= c.astype(np.uint64) << np.uint64(8 * k)
    key[wide] = NO_KEY
    return key


def hybrid_keys(low: np.ndarray, start: np.ndarray, end: np.ndarray, width: int = 7,
                short: np.ndarray | None = None) -> tuple[np.ndarray, ...]:
    """Keys for a lookup that is exact without reading characters for most words.

    Returns (hash, kind, proof) per span. Kind 0: a Latin-1 span of up to ``width``, keyed
    by its ``short_keys`` (exact). Kind 1: a Latin-1 span of up to ``2 * width``, keyed by
    its short key mixed with its middle characters, which are the proof (equal hashes and
    proofs: equal strings). Kind 2: anything else, a polynomial hash (confirmed character
    by character). ``short``: the spans' short keys, if known.
    """
    h = short_keys(low, start, end, width) if short is None else short.copy()
    lens = end - start
    kind = np.where(h == _NO_KEY_MIXED, 2, np.where(lens <= width, 0, 1 + (lens > 2 * width)))
    proof = np.zeros(len(h), np.uint64)
    mid = np.flatnonzero(kind == 1)
    if len(mid):
        m = _middle_keys(low, start[mid], end[mid], width)
        kind[mid[m == NO_KEY]] = 2
        proof[mid] = m
        with np.errstate(over="ignore"):
            h[mid] = _finish(h[mid] ^ _finish(m ^ _HASH_LEN))
    poly = np.flatnonzero(kind == 2)
    h[poly] = span_hashes_sparse(low, start[poly], end[poly])
    return h, kind, proof


def ranges(start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start[i], start[i] + length[i])`` for all i."""
    total = int(length.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    first = np.cumsum(length) - length
    return np.repeat(start - first, length) + np.arange(total)


def span_sums(values: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """``values[start[i]:end[i]].sum()`` for every span (empty spans give 0)."""
    lens = end - start
    keep = lens > 0
    out = np.zeros(len(start), np.int64)
    if keep.any():
        ls = lens[keep]
        picked = values[ranges(start[keep], ls)].astype(np.int64)
        out[keep] = np.add.reduceat(picked, np.cumsum(ls) - ls)
    return out


class KeyTable:
    """Exact lookup of words (lower-cased) in a fixed list of keys, vectorised.

    Keys are bucketed by the top bits of their hash (about four buckets per key), so a
    lookup is a few gathers rather than a binary search. A hit is exact where both keys
    are exact (see ``mode``), else confirmed character by character.

    >>> t = KeyTable(["film", "movie"])
    >>> p = Parsed(["A movie, a FILM; a show"])
    >>> t.lookup(p.low, p.w_start, p.w_end).tolist()
    [-1, 1, -1, 0, -1, -1]
    """

    def __init__(self, keys: Sequence[str], mode: str = "poly", width: int = 5):
        self.keys = list(keys)
        lens = np.fromiter(map(len, self.keys), np.int64, len(self.keys))
        self.start = np.cumsum(lens) - lens
        self.len = lens
        self.codes = to_codes("".join(self.keys))
        # "poly": polynomial hashes; "short": ``short_keys`` (Latin-1 keys of at most 63
        # characters); "hybrid": ``hybrid_keys``. Hits on exact keys need no confirmation.
        self.mode, self.width = mode, width
        end = self.start + lens
        if mode == "short":
            if lens.max(initial=0) > 63 or self.codes.max(initial=0) > 255:
                raise ValueError("KeyTable: short keys must be Latin-1, at most 63 characters")
            h = short_keys(self.codes, self.start, end, width)
            self.exact = lens <= width
        elif mode == "hybrid":
            h, self.kind, self.proof = hybrid_keys(self.codes, self.start, end, width)
        else:
            h = span_hashes(self.codes, self.start, end)
            self.exact = np.zeros(len(lens), bool)
        order = np.argsort(h, kind="stable")
        self.hashes = np.append(h[order], np.uint64(0))  # one pad entry: gathers stay in range
        self.ids = np.append(order, -1)
        if len(h) > 1 and not np.all(self.hashes[1:-1] != self.hashes[:-2]):
            raise ValueError("KeyTable: duplicate keys or a hash collision among them")
        bits = max(4, int(len(h)).bit_length() + 2)  # about 1/4 full: buckets rarely shared
        self.shift = np.uint64(64 - bits)
        self.bucket = np.searchsorted(self.hashes[:-1] >> self.shift,
                                      np.arange(2**bits + 1, dtype=np.uint64))

    def lookup(self, low: np.ndarray, start: np.ndarray, end: np.ndarray,
               hashes: np.ndarray | None = None) -> np.ndarray:
        """Key index of ``low[start:end]`` for every span, -1 where it is not a key.
        ``hashes``, if known: the spans' polynomial hashes ("poly" tables) or their
        ``short_keys`` of this table's width ("short" and "hybrid" tables)."""
        out = np.full(len(start), -1, np.int64)
        if not len(start) or not len(self.keys):
            return out
        exact = kind = None
        if self.mode == "short":
            h = short_keys(low, start, end, self.width) if hashes is None else hashes
            exact = end - start <= self.width
        elif self.mode == "hybrid":
            h, kind, proof = hybrid_keys(low, start, end, self.width, hashes)
        else:
            h = span_hashes(low, start, end) if hashes is None else hashes
        b = (h >> self.shift).astype(np.int64)
        pos, stop = self.bucket[b], self.bucket[b + 1]
        todo = np.flatnonzero(pos < stop)
        pos, stop = pos[todo], stop[todo]
        while len(todo):  # walk each bucket (rarely more than one entry)
            eq = self.hashes[pos] == h[todo]
            out[todo[eq]] = self.ids[pos[eq]]
            pos += 1
            more = ~eq & (pos < stop)
            todo, pos, stop = todo[more], pos[more], stop[more]
        hit = np.flatnonzero(out >= 0)
        if exact is not None:  # both keys exact: equal keys are equal strings
            hit = hit[~(exact[hit] & self.exact[out[hit]])]
        elif kind is not None:  # a string always gets the same kind and proof
            k, cand = kind[hit], out[hit]
            wrong = (k != self.kind[cand]) | ((k == 1) & (proof[hit] != self.proof[cand]))
            out[hit[wrong]] = -1
            hit = hit[(k == 2) & ~wrong]
        if len(hit):  # confirm: same length, same characters
            cand = out[hit]
            lens = end[hit] - start[hit]
            same = self.len[cand] == lens
            out[hit[~same]] = -1
            hit, cand, lens = hit[same], cand[same], lens[same]
            first = np.cumsum(lens) - lens
            at = np.repeat(start[hit] - first, lens) + np.arange(int(first[-1] + lens[-1]))
            shift = np.repeat(self.start[cand] - start[hit], lens)
            wrong = np.flatnonzero(low[at] != self.codes[at + shift])
            if len(wrong):
                out[hit[np.searchsorted(first, wrong, side="right") - 1]] = -1
        return out


class Parsed:
    """Tokens and words of many texts at once (see the module docstring).

    Arrays over characters (``cp``; ``low``: lower-cased), over tokens (``t_start``,
    ``t_end``, ``t_grp``), over words (``w_tok``, ``w_start``, ``w_end``, ``w_sid``,
    ``cased``) and over texts (``start``, ``ftok``, ``fw``, ``n_words``, ``ok``:
    whether the text's tokens here are exactly ``tokenize(text)``'s).
    """

    def __init__(self, texts: Sequence[str]):
        self.texts = texts
        n = len(texts)
        lens = np.fromiter(map(len, texts), np.int64, n)
        self.start = np.zeros(n + 1, np.int64)
        np.cumsum(lens, out=self.start[1:])
        cp = self.cp = to_codes("".join(texts))
        size = len(cp)
        first = np.zeros(size + 1, bool)
        first[self.start] = True  # text starts (and the end)
        grp = kinds_of(cp)
        sp = np.flatnonzero(grp >= G_DIGIT)  # the few characters that need a closer look
        kind = grp[sp]
        cased = sp[kind == K_CASED]
        self.low = cp.copy()
        self.low[cased] = lower_of(cp[cased])
        grp[cased] = G_WORD
        self.ok = self._exact(n, sp, kind)
        jpos = sp[kind == K_JOIN]
        if len(jpos):  # a joiner between two letters of one text is inside a word
            prev, nxt = np.maximum(jpos - 1, 0), np.minimum(jpos + 1, size - 1)
            inner = (grp[prev] == G_WORD) & (grp[nxt] == G_WORD) & (jpos > 0)
            inner &= (jpos + 1 < size) & ~first[jpos] & ~first[jpos + 1]
            grp[jpos] = np.where(inner, G_WORD, G_OTHER)
        grp[sp[(kind == K_NPUNCT) | (kind == K_BAD)]] = G_OTHER
        dpos = sp[kind == G_DIGIT]
        if len(dpos):
            _digit_tokens(self, grp, first, dpos)
        change = np.empty(size + 1, bool)  # token starts, and the end
        np.not_equal(grp[1:], grp[:-1], out=change[1:-1])
        change[1:-1] |= grp[1:] == G_OTHER  # each "other" character is its own token
        change[self.start] = True
        bounds = np.flatnonzero(change)
        self.t_start, self.t_end = bounds[:-1], bounds[1:]
        self.t_grp = grp[self.t_start]
        self.ftok = np.searchsorted(self.t_start, self.start)
        wt = self.w_tok = np.flatnonzero(self.t_grp == G_WORD)
        self.w_start = self.t_start[wt]
        self.w_end = self.t_end[wt]
        self.fw = np.searchsorted(wt, self.ftok)
        self.n_words = np.diff(self.fw)
        self.w_sid = np.repeat(np.arange(n), self.n_words)
        joined = jpos[grp[jpos] == G_WORD]  # words with a joiner inside ("don't", "re-do")
        has_join = np.zeros(len(wt), bool)
        has_join[np.searchsorted(self.w_start, joined, side="right") - 1] = True
        self.join_words = np.flatnonzero(has_join)
        # words with a character that lower-cases to another one (upper case): the only
        # words whose casing rules need a closer look
        self.cased = np.zeros(len(wt), bool)
        self.cased[np.searchsorted(self.w_start, cased, side="right") - 1] = True
        self._hashes: np.ndarray | None = None
        self._short: dict[int, np.ndarray] = {}

    def _exact(self, n: int, sp: np.ndarray, kind: np.ndarray) -> np.ndarray:
        """Texts whose tokens the rules here reproduce exactly: no URL or e-mail markers
        ("@", "://", "www.") and no character with an ODD case mapping."""
        cp = self.cp
        punct = sp[kind == K_NPUNCT]
        c = cp[punct]
        colon = punct[c == 58]  # "://"
        colon = colon[colon + 2 < len(cp)]
        dots = punct[c == 46]  # "www."
        dots = dots[dots >= 3]
        w = 119
        where = np.concatenate([
            sp[kind == K_BAD], colon[(cp[colon + 1] == 47) & (cp[colon + 2] == 47)],
            dots[(cp[dots - 1] == w) & (cp[dots - 2] == w) & (cp[dots - 3] == w)]])
        ok = np.ones(n, bool)
        if len(where):  # (a pattern straddling two texts only costs a detour)
            ok[np.searchsorted(self.start, where, side="right") - 1] = False
        return ok

    def info_at(self, idx: np.ndarray) -> np.ndarray:
        """Packed class, case and lower case (see ``char_info``) at some positions."""
        return char_info(self.cp[idx])

    def case_at(self, idx: np.ndarray) -> np.ndarray:
        return (self.info_at(idx) >> np.uint32(7)) & np.uint32(3)

    def word_short_keys(self, width: int) -> np.ndarray:
        """``short_keys`` of every word (cached per width)."""
        keys = self._short.get(width)
        if keys is None:
            keys = self._short[width] = short_keys(self.low, self.w_start, self.w_end, width)
        return keys

    def word_hashes(self) -> np.ndarray:
        if self._hashes is None:
            self._hashes = span_hashes(self.low, self.w_start, self.w_end)
        return self._hashes

    def lookup(self, table: KeyTable, words: np.ndarray | None = None) -> np.ndarray:
        """Key index of each word (or of the given words) in ``table``, -1 if none."""
        start = self.w_start if words is None else self.w_start[words]
        end = self.w_end if words is None else self.w_end[words]
        if table.mode != "poly":
            if words is not None and table.width not in self._short:
                return table.lookup(self.low, start, end)  # a few words: their keys only
            keys = self.word_short_keys(table.width)
            return table.lookup(self.low, start, end, keys if words is None else keys[words])
        if words is None or self._hashes is not None or 3 * len(words) > len(self.w_start):
            h = self.word_hashes()
            return table.lookup(self.low, start, end, h if words is None else h[words])
        return table.lookup(self.low, start, end, span_hashes_sparse(self.low, start, end))

    def case_counts(self, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Numbers of upper- and lower-case characters in each span."""
        lens = end - start
        bits = self.case_at(ranges(start, lens))
        at = np.cumsum(lens) - lens
        return (span_sums((bits & UP) != 0, at, at + lens),
                span_sums((bits & LOW) != 0, at, at + lens))


def _digit_tokens(p: Parsed, grp: np.ndarray, first: np.ndarray, dpos: np.ndarray) -> None:
    """Correct ``grp`` in texts where digits touch letters, joiners or ".,:/".

    The tokenizer reads a run of \\w characters that starts with a digit as a number (the
    leading digits, joined to an earlier number across one of ".,:/") and the rest as a
    word; a run joined by one of "'’-" to a run that ends inside a word continues that word,
    digits included. Worked out per run of \\w characters, in the affected texts only.
    """
    size = len(p.cp)
    near = np.zeros(len(dpos), bool)
    for k in (-1, 1):
        q = dpos + k
        inside = (q >= 0) & (q < size)
        near |= inside & ((p.info_at(np.clip(q, 0, size - 1)) & (WCH | JOIN | NPUNCT)) != 0)
    if not near.any():
        return
    texts = np.unique(np.searchsorted(p.start, dpos[near], side="right") - 1)
    idx = ranges(p.start[texts], p.start[texts + 1] - p.start[texts])
    c = p.info_at(idx)
    top = first[idx]  # text starts in the sub-array
    is_w, is_d = (c & WCH) != 0, (c & DIG) != 0
    a = is_w | is_d
    m = len(idx)
    prev_a = np.zeros(m, bool)
    prev_a[1:] = a[:-1]
    run_s = np.flatnonzero(a & (~prev_a | top))
    nxt_a = np.zeros(m, bool)
    nxt_a[:-1] = a[1:] & ~top[1:]
    run_e = np.flatnonzero(a & ~nxt_a) + 1
    r = len(run_s)
    has_w = span_sums(is_w, run_s, run_e) > 0
    gap = np.zeros(r, bool)  # exactly one character between run r - 1 and run r, same text
    gap[1:] = (run_s[1:] - run_e[:-1] == 1) & ~top[run_s[1:]] & ~top[run_e[:-1]]
    gch = c[np.maximum(run_s - 1, 0)]
    jgap = gap & ((gch & JOIN) != 0)
    pgap = gap & ((gch & NPUNCT) != 0)
    ids = np.arange(r)
    chain = np.maximum.accumulate(np.where(jgap, 0, ids))  # first run of each joiner chain
    wordy = np.maximum.accumulate(np.where(has_w, ids, -1)) >= chain
    prev_wordy = np.zeros(r, bool)
    prev_wordy[1:] = wordy[:-1]
    linked = jgap & prev_wordy  # continues the word before it, joiner included
    numlink = pgap & ~prev_wordy & is_d[run_s]  # continues the number before it
    g = np.where(is_w, G_WORD, np.where(is_d, G_DIGIT, np.where((c & SPC) != 0, G_SPACE,
                                                                  G_OTHER))).astype(np.int8)
    g[run_s[linked] - 1] = G_WORD
    g[run_s[numlink] - 1] = G_DIGIT
    # word part of each run: all of a linked run, else from its first letter on
    own = ~linked & has_w
    cs = np.cumsum(is_w)
    first_w = np.searchsorted(cs, np.where(run_s > 0, cs[np.maximum(run_s - 1, 0)], 0) + 1)
    w_from = np.where(linked, run_s, first_w)
    pick = linked | own
    g[ranges(w_from[pick], run_e[pick] - w_from[pick])] = G_WORD
    grp[idx] = g


# -- edits --------------------------------------------------------------------------------
class Edits:
    """Splices collected by an op: replace ``cp[pos:pos + dlen]`` by a piece of the source
    (the texts' code points, then ``extra``); ``order`` ranks edits at one position."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.cols: list[tuple[np.ndarray, ...]] = []
        self.extra: list[np.ndarray] = []
        self.size = len(parsed.cp)
        self._source: np.ndarray | None = None

    def add_codes(self, codes: np.ndarray) -> int:
        """Append code points to the source; returns their offset there."""
        off = self.size
        self.extra.append(codes.astype(np.uint32, copy=False))
        self.size += len(codes)
        self._source = None
        return off

    def add(self, sid, pos, dlen, poff, plen, order=0) -> None:
        k = len(sid)
        if k:
            col = lambda v: np.broadcast_to(np.asarray(v, np.int64), (k,))
            self.cols.append(tuple(col(v) for v in (sid, pos, dlen, poff, plen, order)))

    def source(self) -> np.ndarray:
        """The texts' code points followed by the extra pieces (built once, kept until more
        codes are added: records read their pieces from it one edit at a time)."""
        if self._source is None:
            if self.extra:
                self.extra = [np.concatenate(self.extra)]
                self._source = np.concatenate([self.parsed.cp, self.extra[0]])
            else:
                self._source = self.parsed.cp
        return self._source

    def run(self) -> list[str]:
        p = self.parsed
        if self.cols:
            sid, pos, dlen, poff, plen, order = (np.concatenate(c) for c in zip(*self.cols,
                                                                                strict=True))
            srt = np.lexsort((order, pos, sid))
            sid, pos, dlen, poff, plen = sid[srt], pos[srt], dlen[srt], poff[srt], plen[srt]
        else:
            sid = pos = dlen = poff = plen = np.zeros(0, np.int64)
        # a separator no text contains lets one split() cut the outputs apart
        sep = None if (p.cp == _SEP).any() else self.add_codes(np.array([_SEP], np.uint32))
        return splice(self.source(), p.start, sid, pos, dlen, poff, plen, sep)


_SEP = 0xFFFF  # a noncharacter


def splice(src: np.ndarray, start: np.ndarray, sid: np.ndarray, pos: np.ndarray,
           dlen: np.ndarray, poff: np.ndarray, plen: np.ndarray,
           sep: int | None = None) -> list[str]:
    """Every text ``src[start[i]:start[i + 1]]`` with its edits applied, in one gather.

    Edits are sorted by (text, position) and do not overlap: edit ``e`` replaces
    ``src[pos[e]:pos[e] + dlen[e]]`` by ``src[poff[e]:poff[e] + plen[e]]``. ``sep``: the
    offset in ``src`` of a ``_SEP`` no text contains (outputs are then split on it).

    >>> src = to_codes("ab cdXY")
    >>> splice(src, np.array([0, 2, 5]), *(np.array(v) for v in ([1], [3], [1], [5], [2])))
    ['ab', ' XYd']
    """
    n = len(start) - 1
    e = len(sid)
    count = np.bincount(sid, minlength=n) if e else np.zeros(n, np.int64)
    ce = np.zeros(n + 1, np.int64)
    np.cumsum(count, out=ce[1:])
    after = pos + dlen
    cur = np.empty(e, np.int64)
    if e:
        cur[1:] = after[:-1]
        firsts = ce[:-1][count > 0]
        cur[firsts] = start[sid[firsts]]
    tail = start[:-1].copy()
    has = count > 0
    tail[has] = after[ce[1:][has] - 1]
    per = 1 if sep is None else 2  # segments after each text's edits: tail (, separator)
    seg_src = np.empty(2 * e + per * n, np.int64)
    seg_len = np.empty(2 * e + per * n, np.int64)
    at = 2 * np.arange(e) + per * sid
    seg_src[at], seg_len[at] = cur, pos - cur
    seg_src[at + 1], seg_len[at + 1] = poff, plen
    tails = 2 * ce[1:] + per * np.arange(n)
    seg_src[tails], seg_len[tails] = tail, start[1:] - tail
    if sep is not None:
        seg_src[tails + 1], seg_len[tails + 1] = sep, 1
        seg_len[-1] = 0
    out_end = np.cumsum(seg_len)
    out_start = out_end - seg_len
    idx = np.repeat(seg_src - out_start, seg_len) + np.arange(int(out_end[-1]) if n else 0)
    text = from_codes(src[idx])
    if sep is not None:
        return text.split(chr(_SEP))
    lo = out_start[2 * ce[:-1] + np.arange(n)].tolist()
    hi = out_end[tails].tolist()
    return [text[a:b] for a, b in zip(lo, hi, strict=True)]


# -- random helpers -----------------------------------------------------------------------
def rounded_counts(u: np.ndarray, rate: float, n_words: np.ndarray,
                   at_least_one: bool = False) -> np.ndarray:
    """Vectorised :func:`augkit.text.base.rounded_count` (same float arithmetic)."""
    expected = rate * n_words.astype(np.float64)
    n = np.floor(expected)
    counts = (n + (u < expected - n)).astype(np.int64)
    if at_least_one and rate > 0.0:
        counts = np.where(n_words > 0, np.maximum(counts, 1), counts)
    return counts


def picks(u: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Vectorised :func:`augkit.text.base.pick`: an index in [0, n) from a uniform."""
    return np.minimum((u * n).astype(np.int64), n - 1)


_NONE = np.iinfo(np.int64).max


def draw_ranks(rng: np.random.Generator, size: np.ndarray,
               take: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For every text with ``take > 0``: the first ``take`` entries of a uniformly random
    permutation of ``range(size)``, in order. Returns the texts and a (texts, max take)
    array of ranks padded with ``_NONE``.

    Draws are per text, not per item: in round ``k`` a text draws a uniform rank among its
    ``size - k`` items not taken yet and moves it past the taken ranks at or below it
    (``r + #{j: taken_j - j <= r}`` over the sorted taken ranks).
    """
    texts = np.flatnonzero(take > 0)
    rounds = int(take.max()) if len(texts) else 0
    k_of, s_of = take[texts], size[texts]
    drawn = np.full((len(texts), rounds), _NONE)
    taken = np.full((len(texts), rounds), _NONE)  # sorted within each row
    for k in range(rounds):
        live = np.flatnonzero(k_of > k)
        r = picks(rng.random(len(live)), s_of[live] - k)
        if k:
            r += (taken[live, :k] - np.arange(k) <= r[:, None]).sum(axis=1)
        drawn[live, k] = r
        taken[live, k] = r
        taken[live, :k + 1] = np.sort(taken[live, :k + 1], axis=1)
    return texts, drawn


def choose(rng: np.random.Generator, sid: np.ndarray, want: np.ndarray) -> np.ndarray:
    """For items grouped by text (``sid`` non-decreasing), a uniformly random subset of
    ``min(want[sid], size of the group)`` items per text, as a mask (see ``draw_ranks``)."""
    m = len(sid)
    picked = np.zeros(m, bool)
    if not m:
        return picked
    first = group_first(sid, len(want))
    size = np.diff(first)
    take = np.minimum(want, size)
    if take.max() > 16:  # many per text: rank all items by a random key instead
        order = np.lexsort((rng.random(m), sid))
        rank = np.arange(m) - first[sid[order]]
        picked[order] = rank < take[sid[order]]
        return picked
    texts, drawn = draw_ranks(rng, size, take)
    rows, cols = np.nonzero(drawn != _NONE)
    picked[first[texts[rows]] + drawn[rows, cols]] = True
    return picked


def group_first(sid: np.ndarray, n: int) -> np.ndarray:
    """Index of the first item of each text in a ``sid``-sorted array (length n + 1)."""
    return np.searchsorted(sid, np.arange(n + 1))


# -- params -------------------------------------------------------------------------------
class BatchParams(ColumnParams):
    """Per-text parameters of a vectorised batch: built on demand (records), while the batch
    output comes from ``edits`` in one pass. ``exact`` holds the parameters of the texts
    that went through the per-text path."""

    __slots__ = ("build", "edits", "exact", "texts")

    def __init__(self, applied: np.ndarray, texts: Sequence[str], edits: Edits | None,
                 build: Callable[[int], Params], exact: dict[int, Params]):
        super().__init__(applied)
        self.texts = texts
        self.edits = edits
        self.build = build
        self.exact = exact

    def __getitem__(self, i):  # type: ignore[override]
        i = int(i)
        if not self.applied[i]:
            return None
        found = self.exact.get(i)
        return found if found is not None else self.build(i)

    def outputs(self, apply_text: Callable[[str, Params], str]) -> list[str]:
        out = self.edits.run() if self.edits is not None else list(self.texts)
        for i, prm in self.exact.items():
            out[i] = apply_text(self.texts[i], prm)
        return out


def run_vectorised(op: Any, rng: np.random.Generator, texts: Sequence[str],
                   plan: Callable[..., tuple[Edits, Callable[[int], Params]]]) -> BatchParams:
    """Shared driver: ``p`` per text, the vectorised ``plan`` on texts it can do exactly,
    ``op.sample_text`` on the others."""
    applied = op.applied_mask(rng, len(texts))
    parsed = Parsed(texts)
    active = applied & parsed.ok
    edits, build = plan(op, rng, parsed, active)
    exact = {i: op.sample_text(rng, texts[i])
             for i in np.flatnonzero(applied & ~parsed.ok).tolist()}
    return BatchParams(applied, texts, edits, build, exact)
