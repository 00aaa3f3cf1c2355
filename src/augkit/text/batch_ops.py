"""Vectorised batch plans of the EDA family and the character-noise ops.

Each ``plan_*`` draws one op's edits for all texts of a :class:`~augkit.text.batch.Parsed`
batch at once, with the same distributions as the op's ``sample_text`` (edit counts rounded
stochastically, words picked uniformly without replacement, synonyms and characters picked
uniformly), and returns the edits plus a function that writes text ``i``'s parameters in
the op's own format, so ``op.apply`` replays each output exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from augkit.core.transform import Params
from augkit.text.batch import (
    G_SPACE,
    UP,
    Edits,
    KeyTable,
    Parsed,
    choose,
    from_codes,
    group_first,
    picks,
    ranges,
    rounded_counts,
    to_codes,
    upper_of,
)
from augkit.text.lexicon import find_synonyms, get_lexicon
from augkit.text.vocab import (
    DETERMINERS,
    KEYBOARD,
    LETTERS,
    NEGATIONS,
    OCR_CONFUSIONS,
    QUESTION_WORDS,
    STOPWORDS,
    VERB_CUES,
)

Plan = tuple[Edits, Callable[[int], Params]]

# word flags
STOP, QUEST, NEG, DET, VCUE, ART_A, ART_AN, IN_LEX = 1, 2, 4, 8, 16, 32, 64, 128
CUES = ("", "the", "to")  # what the word before a word tells its POS guess (see word_ops)
PLAIN, UPPER, CAPITAL = 0, 1, 2  # match_case styles


class Words:
    """The lexicon, its regular plurals and the word lists in one exact lookup table."""

    def __init__(self) -> None:
        lex = get_lexicon()
        words = lex._words
        plurals = [w + "s" for w, entries in words.items()
                   if not w.endswith("s") and w + "s" not in words
                   and any(e[0] == "n" for e in entries)]
        vocab = STOPWORDS | QUESTION_WORDS | NEGATIONS | DETERMINERS | VERB_CUES
        extra = sorted(vocab - words.keys() - set(plurals))
        self.keys = list(words) + plurals + extra
        self.n_lex = len(words)
        self.table = KeyTable(self.keys, mode="hybrid", width=7)
        flags = np.zeros(len(self.keys), np.int64)
        flags[:self.n_lex] |= IN_LEX
        index = {k: i for i, k in enumerate(self.keys)}
        for group, bit in ((STOPWORDS, STOP), (QUESTION_WORDS, QUEST), (NEGATIONS, NEG),
                           (DETERMINERS, DET), (VERB_CUES, VCUE), ({"a"}, ART_A),
                           ({"an"}, ART_AN)):
            for w in group:
                flags[index[w]] |= bit
        self.flags = flags
        self.index = index
        # the word lists alone: a small table (cache-resident) for ops without synonyms
        self.vocab = KeyTable(sorted(vocab), mode="short", width=5)
        self.vocab_flags = flags[[index[k] for k in self.vocab.keys]] & ~IN_LEX
        # the same at the lexicon table's width: lexicon ops compute one set of keys
        self.vocab7 = KeyTable(sorted(vocab), mode="short", width=7)


@lru_cache(maxsize=1)
def words_table() -> Words:
    return Words()


class Synonyms:
    """CSR synonym lists per (key, cue) for one ``max_senses`` / ``multiword`` setting, and
    every synonym in the three casings ``match_case`` can give it."""

    def __init__(self, max_senses: int | None, multiword: bool):
        table = words_table()
        lex = get_lexicon()
        ids: dict[str, int] = {}
        flat: list[int] = []
        ptr = np.zeros(3 * len(table.keys) + 1, np.int64)
        for k, key in enumerate(table.keys):
            for c, cue in enumerate(CUES):
                for s in find_synonyms(lex, key, cue, max_senses, multiword):
                    flat.append(ids.setdefault(s, len(ids)))
                ptr[3 * k + c + 1] = len(flat)
        self.ptr = ptr
        self.flat = np.array(flat, np.int64)
        strings = list(ids)
        variants = [strings, [s.upper() for s in strings],
                    [s[:1].upper() + s[1:] for s in strings]]
        lens = np.array([[len(s) for s in v] for v in variants], np.int64).reshape(3, -1)
        self.codes = to_codes("".join("".join(v) for v in variants))
        self.len = lens
        self.off = (np.cumsum(lens.ravel()) - lens.ravel()).reshape(3, -1)
        self.vowel = np.array([[s[:1].lower() in "aeiou" for s in v] for v in variants],
                              bool).reshape(3, -1)
        self.strings = variants


@lru_cache(maxsize=8)
def synonyms_table(max_senses: int | None, multiword: bool) -> Synonyms:
    return Synonyms(max_senses, multiword)


@lru_cache(maxsize=64)
def protected_table(words: frozenset[str]) -> KeyTable:
    return KeyTable(sorted(words), mode="hybrid", width=7)  # (no hash of every character)


ARTICLES = [["a", "an"], ["A", "AN"], ["A", "An"]]  # [style][an]
_ARTICLE_CODES = to_codes("aanAANAAn")
_ARTICLE_OFF = np.array([[0, 1], [3, 4], [6, 7]])


# -- shared word facts ------------------------------------------------------------------
class WordFacts:
    """Per-word lookups shared by the ops of one batch."""

    def __init__(self, p: Parsed, width: int = 5):
        self.p, self.width = p, width
        self._flags: np.ndarray | None = None
        self.length = p.w_end - p.w_start

    @property
    def flags(self) -> np.ndarray:
        """Word-list flags of every word (looked up on first use)."""
        if self._flags is None:
            self._flags = self.flags_of(None)
        return self._flags

    def flags_of(self, words: np.ndarray | None) -> np.ndarray:
        """Word-list flags (a small table) of the given words, or of all; ops that need
        only a few words' flags skip the lookup of the rest."""
        if self._flags is not None:
            return self._flags if words is None else self._flags[words]
        table = words_table()
        key = self.p.lookup(table.vocab if self.width == 5 else table.vocab7, words)
        return np.where(key >= 0, table.vocab_flags[np.maximum(key, 0)], 0)

    def synonym_lists(self, words: np.ndarray, syn: Synonyms) -> tuple[np.ndarray, ...]:
        """The given words that have synonyms, with the start and length of their lists
        (each word's POS cue comes from the word before it). Only words that may be edited
        are looked up in the lexicon."""
        p = self.p
        key = p.lookup(words_table().table, words)
        prev = np.maximum(words - 1, 0)
        prev_flags = np.where(words > p.fw[p.w_sid[words]], self.flags[prev], 0)
        cue = np.where(prev_flags & DET, 1, np.where(prev_flags & VCUE, 2, 0))
        slot = np.where(key >= 0, 3 * key + cue, 0)
        start = syn.ptr[slot]
        count = np.where(key >= 0, syn.ptr[slot + 1] - start, 0)
        has = count > 0
        return words[has], start[has], count[has]

    def protected(self, op: Any, words: np.ndarray | None = None) -> np.ndarray:
        """Whether each word (or each of the given words) is protected from ``op``."""
        p = self.p
        bits = ((STOP if op.protect_stopwords else 0) | (QUEST if op.protect_questions else 0)
                | (NEG if op.protect_negations else 0))
        prot = (self.flags_of(words) & bits) != 0
        if op.protect_negations:  # is_negation: ... or ends with "n't" (a joiner inside)
            jw = p.join_words
            e = p.w_end[jw]
            back = lambda k: p.low[np.maximum(e - k, 0)]
            neg = np.zeros(len(p.w_start), bool)
            neg[jw[(self.length[jw] >= 3) & (back(1) == 116) & (back(3) == 110)
                   & ((back(2) == 39) | (back(2) == 0x2019))]] = True
            prot |= neg if words is None else neg[words]
        if op._protected:
            prot |= p.lookup(protected_table(frozenset(op._protected)), words) >= 0
        return prot

    def styles(self, words: np.ndarray) -> np.ndarray:
        """``match_case`` style of each word: UPPER (len > 1, all cased upper), CAPITAL
        (first character upper) or PLAIN."""
        p = self.p
        out = np.full(len(words), PLAIN)
        look = np.flatnonzero(p.cased[words])  # no upper-case letter: PLAIN
        words = words[look]
        n_up, n_low = p.case_counts(p.w_start[words], p.w_end[words])
        upper = (self.length[words] > 1) & (n_up > 0) & (n_low == 0)
        first_up = (p.case_at(p.w_start[words]) & UP) != 0
        out[look] = np.where(upper, UPPER, np.where(first_up, CAPITAL, PLAIN))
        return out

    def recase_ok(self, words: np.ndarray) -> np.ndarray:
        """Vectorised ``word_ops._recase_ok``: Title-case common words (no ODD characters
        here, so a character is upper, lower or uncased)."""
        p = self.p
        out = np.zeros(len(words), bool)
        look_at = np.flatnonzero(p.cased[words])  # the others have no capital to start with
        words = words[look_at]
        s, e = p.w_start[words], p.w_end[words]
        first_up = (p.case_at(s) & UP) != 0
        rest_up, rest_low = p.case_counts(s + 1, e)
        shape = first_up & (rest_low > 0) & (rest_up == 0)
        flags = self.flags_of(words)
        if shape.any():  # look up only the words it can matter for
            look = np.flatnonzero(shape & ((flags & STOP) == 0))
            flags = flags.copy()
            flags[look] |= np.where(p.lookup(words_table().table, words[look]) >= 0, IN_LEX, 0)
        out[look_at] = shape & ((flags & (STOP | IN_LEX)) != 0)
        return out

    def local_tok(self, words: np.ndarray) -> np.ndarray:
        p = self.p
        return p.w_tok[words] - p.ftok[p.w_sid[words]]

    def article_before(self, words: np.ndarray) -> np.ndarray:
        """Whether the token before each word is whitespace and the one before that is the
        word "a"/"an" (what ``_article_fix`` looks for); words must not be first."""
        p = self.p
        t = p.w_tok[words]
        prev = words - 1
        return ((p.w_tok[prev] == t - 2) & (p.t_grp[t - 1] == G_SPACE)
                & ((self.flags[prev] & (ART_A | ART_AN)) != 0))


def _facts(p: Parsed, width: int = 5) -> WordFacts:
    return WordFacts(p, width)


def _counts(rng: np.random.Generator, rate: float, p: Parsed, active: np.ndarray,
            at_least_one: bool = False) -> np.ndarray:
    """Stochastically rounded ``rate * n_words`` per text (0 where inactive)."""
    u = rng.random(len(p.n_words))
    if rate <= 0.0:
        return np.zeros(len(p.n_words), np.int64)
    return np.where(active & (p.n_words > 0),
                    rounded_counts(u, rate, p.n_words, at_least_one), 0)


def _per_text(sid: np.ndarray, n: int) -> Callable[[int], range]:
    first = group_first(sid, n)
    return lambda i: range(int(first[i]), int(first[i + 1]))


# -- the EDA family ------------------------------------------------------------------------
def plan_synonym_replacement(op: Any, rng: np.random.Generator, p: Parsed,
                             active: np.ndarray) -> Plan:
    facts = _facts(p, 7)  # (the lexicon table's key width: one set of keys for both)
    syn = synonyms_table(op.max_senses, op.multiword)
    n = _counts(rng, op.rate, p, active, op.at_least_one)
    free = np.flatnonzero((n[p.w_sid] > 0) & ~facts.protected(op))
    cand, start, count = facts.synonym_lists(free, syn)
    chosen = choose(rng, p.w_sid[cand], n)
    sel = cand[chosen]
    which = syn.flat[start[chosen] + picks(rng.random(len(sel)), count[chosen])]
    style = facts.styles(sel)
    sid = p.w_sid[sel]
    # "a"/"an" before a replaced word must agree with it (vowel-letter rule)
    can = np.zeros(len(sel), bool)
    inner = sel > p.fw[sid]  # not the first word of its text
    can[inner] = facts.article_before(sel[inner])
    want_an = syn.vowel[style, which]
    art = sel - 1
    fix = can & (((facts.flags[np.maximum(art, 0)] & ART_AN) != 0) != want_an)
    fixed, fix_an = art[fix], want_an[fix]
    fix_style = facts.styles(fixed)
    edits = Edits(p)
    keep = ~np.isin(sel, fixed)  # a fix overrides a synonym for the article itself
    off = edits.add_codes(syn.codes[ranges(syn.off[style, which][keep],
                                           syn.len[style, which][keep])])
    lens = syn.len[style, which][keep]
    edits.add(sid[keep], p.w_start[sel][keep], facts.length[sel][keep],
              off + np.cumsum(lens) - lens, lens)
    art_off = edits.add_codes(_ARTICLE_CODES)
    fix_an_i = fix_an.astype(np.int64)
    edits.add(p.w_sid[fixed], p.w_start[fixed], facts.length[fixed],
              art_off + _ARTICLE_OFF[fix_style, fix_an_i], 1 + fix_an_i)
    sel_tok, fix_of = facts.local_tok(sel), np.full(len(sel), -1)
    fix_of[np.flatnonzero(fix)] = np.arange(len(fixed))
    fix_tok = facts.local_tok(fixed)
    rows = _per_text(sid, len(p.texts))

    def build(i: int) -> Params:
        replace = []
        for j in rows(i):
            f = int(fix_of[j])
            if f >= 0:
                replace.append([int(fix_tok[f]), ARTICLES[int(fix_style[f])][int(fix_an[f])]])
            replace.append([int(sel_tok[j]), syn.strings[int(style[j])][int(which[j])]])
        return {"replace": replace}

    return edits, build


def plan_random_insertion(op: Any, rng: np.random.Generator, p: Parsed,
                          active: np.ndarray) -> Plan:
    facts = _facts(p, 7)  # (the lexicon table's key width: one set of keys for both)
    syn = synonyms_table(op.max_senses, op.multiword)
    n = np.minimum(_counts(rng, op.rate, p, active, op.at_least_one), p.n_words)
    free = np.flatnonzero((n[p.w_sid] > 0) & ~facts.protected(op))
    cand, start, count = facts.synonym_lists(free, syn)
    c_sid = p.w_sid[cand]
    n_texts = len(p.texts)
    c_first = group_first(c_sid, n_texts)
    n = np.where(np.diff(c_first) > 0, n, 0)
    # insertion j of text s: a candidate word, one of its synonyms, a slot
    sid = np.repeat(np.arange(n_texts), n)
    j = np.arange(len(sid)) - np.repeat(np.cumsum(n) - n, n)
    u = rng.random((3, len(sid)))
    c = c_first[sid] + picks(u[0], np.diff(c_first)[sid])
    which = syn.flat[start[c] + picks(u[1], count[c])]
    nw = p.n_words[sid]
    q = picks(u[2], nw)
    append = q == nw - 1  # after the last word, else before word q + 1
    before = np.where(append, p.fw[sid + 1] - 1, p.fw[sid] + q + 1)
    pos = np.where(append, p.w_end[before], p.w_start[before])
    slot_tok = np.where(append, facts.local_tok(before) + 1, facts.local_tok(before))
    edits = Edits(p)
    lens = syn.len[PLAIN, which]
    off = edits.add_codes(syn.codes[ranges(syn.off[PLAIN, which], lens)])
    space = edits.add_codes(np.array([32], np.uint32))
    # several insertions at one slot: the last listed ends up first
    edits.add(sid, pos, 0, off + np.cumsum(lens) - lens, lens, -2 * j + append)
    edits.add(sid, pos, 0, space, 1, -2 * j + 1 - append)
    # "a"/"an" before an insertion point agrees with the word now after it
    inner = np.flatnonzero(~append)
    last = inner[np.lexsort((j[inner], before[inner]))]
    final = np.ones(len(last), bool)
    final[:-1] = before[last][1:] != before[last][:-1]
    last = last[final]
    last = last[facts.article_before(before[last])]
    art = before[last] - 1
    want_an = syn.vowel[PLAIN, which[last]]
    fix = ((facts.flags[art] & ART_AN) != 0) != want_an
    art, want_an, fix_at = art[fix], want_an[fix].astype(np.int64), before[last][fix]
    fix_style = facts.styles(art)
    art_off = edits.add_codes(_ARTICLE_CODES)
    edits.add(p.w_sid[art], p.w_start[art], facts.length[art],
              art_off + _ARTICLE_OFF[fix_style, want_an], 1 + want_an, 2)
    rows = _per_text(sid, n_texts)
    fix_order = np.argsort(fix_at, kind="stable")
    fix_rows = _per_text(p.w_sid[art][fix_order], n_texts)
    art_tok = facts.local_tok(art)

    def build(i: int) -> Params:
        words = syn.strings[PLAIN]
        insert = [[int(slot_tok[k]), " " + words[which[k]] if append[k] else words[which[k]] + " "]
                  for k in rows(i)]
        replace = [[int(art_tok[f]), ARTICLES[int(fix_style[f])][int(want_an[f])]]
                   for f in fix_order[fix_rows(i).start:fix_rows(i).stop]]
        return {"insert": insert, "replace": replace}

    return edits, build


def _editable_lists(facts: WordFacts, op: Any, active: np.ndarray):
    p = facts.p
    ed = np.flatnonzero(active[p.w_sid] & ~facts.protected(op))
    first = group_first(p.w_sid[ed], len(p.texts))
    return ed, first, np.diff(first)


def plan_random_swap(op: Any, rng: np.random.Generator, p: Parsed, active: np.ndarray) -> Plan:
    facts = _facts(p)
    ed, first, avail = _editable_lists(facts, op, active)
    n = np.where(avail > 1, np.minimum(_counts(rng, op.rate, p, active, op.at_least_one), avail), 0)
    order = np.arange(len(p.w_start))
    swaps = []  # per round: (texts, a, b) as word indices
    s = np.flatnonzero(n > 0)
    for r in range(int(n.max()) if len(n) else 0):
        s = s[n[s] > r]  # texts still swapping (shrinks: work is linear in the swaps)
        u = rng.random((2, len(s)))
        a = picks(u[0], avail[s])
        b = picks(u[1], avail[s] - 1)
        b += b >= a
        ga, gb = ed[first[s] + a], ed[first[s] + b]
        order[ga], order[gb] = order[gb], order[ga]
        swaps.append((s, ga - p.fw[s], gb - p.fw[s]))
    moved = np.flatnonzero(order != np.arange(len(order)))
    swapped = np.flatnonzero(n > 0)
    recase = np.zeros(len(p.texts), bool)
    recase[swapped] = facts.recase_ok(p.fw[swapped])
    edits = Edits(p)
    w0 = p.fw[:-1]
    re_t = np.flatnonzero(recase & (p.n_words > 0))
    re_t = re_t[order[w0[re_t]] != w0[re_t]]
    # the old first word moves lower-cased, the new one gets its capital
    where_old = np.empty(len(order), np.int64)
    where_old[order] = np.arange(len(order))
    to_old, to_new = where_old[w0[re_t]], w0[re_t]
    special = np.concatenate([to_old, to_new])
    plain = moved[~np.isin(moved, special)]
    src = order[plain]
    edits.add(p.w_sid[plain], p.w_start[plain], facts.length[plain], p.w_start[src],
              facts.length[src])
    src = order[special]
    heads = np.concatenate([p.low[p.w_start[src[:len(to_old)]]],
                            upper_of(p.cp[p.w_start[src[len(to_old):]]])])
    off = edits.add_codes(heads)
    edits.add(p.w_sid[special], p.w_start[special], 0, off + np.arange(len(special)), 1, 0)
    edits.add(p.w_sid[special], p.w_start[special], facts.length[special],
              p.w_start[src] + 1, facts.length[src] - 1, 1)
    # each text's swaps in round order, found by slicing (not by a walk over every round)
    if swaps:
        s_all, a_all, b_all = (np.concatenate(c) for c in zip(*swaps, strict=True))
        by_text = np.argsort(s_all, kind="stable")
        s_all, a_all, b_all = s_all[by_text], a_all[by_text].tolist(), b_all[by_text].tolist()
    else:
        s_all, a_all, b_all = np.zeros(0, np.int64), [], []
    rows = _per_text(s_all, len(p.texts))

    def build(i: int) -> Params:
        return {"swaps": [[a_all[k], b_all[k]] for k in rows(i)], "recase": bool(recase[i])}

    return edits, build


def _one_deletion_at_least(op, rng, p: Parsed, facts: WordFacts, active: np.ndarray,
                           dele: np.ndarray, n_texts: int) -> np.ndarray:
    """EDA's rule for RandomDeletion: an active text of two or more words that drew no
    deletion loses one editable word, picked uniformly."""
    count = np.bincount(p.w_sid[dele], minlength=n_texts)
    need = active & (count == 0) & (p.n_words > 1)
    cand = np.flatnonzero(need[p.w_sid])
    cand = cand[~facts.protected(op, cand)]
    if not len(cand):
        return dele
    _, first, per_text = np.unique(p.w_sid[cand], return_index=True, return_counts=True)
    chosen = cand[first + picks(rng.random(len(first)), per_text)]
    return np.sort(np.concatenate([dele, chosen]))


def plan_random_deletion(op: Any, rng: np.random.Generator, p: Parsed,
                         active: np.ndarray) -> Plan:
    facts = _facts(p)
    # each editable word goes with probability rate: draw over all words of the active
    # texts, then drop the protected ones (same law; only drawn words are looked up)
    words = np.flatnonzero(active[p.w_sid])
    if op.rate <= 0.0:
        words = words[:0]
    drawn = words[rng.random(len(words)) < op.rate]
    dele = drawn[~facts.protected(op, drawn)]
    n_texts = len(p.texts)
    if op.at_least_one and op.rate > 0.0:
        dele = _one_deletion_at_least(op, rng, p, facts, active, dele, n_texts)
    d_sid = p.w_sid[dele]
    count = np.bincount(d_sid, minlength=n_texts)
    full = np.flatnonzero((count == p.n_words) & (count > 0))  # keep one word
    if len(full):
        keep = p.fw[full] + picks(rng.random(len(full)), p.n_words[full])
        dele = dele[~np.isin(dele, keep)]
        d_sid = p.w_sid[dele]
    is_del = np.zeros(len(p.w_start) + 1, bool)
    is_del[dele] = True
    w0 = p.fw[:-1]
    recase = np.zeros(n_texts, bool)
    cand = np.flatnonzero(is_del[w0] & (p.n_words > 0))
    recase[cand] = facts.recase_ok(w0[cand])
    # each deleted word takes the whitespace token before it, else the one after it
    t = p.w_tok[dele]
    lo, hi = p.ftok[d_sid], p.ftok[d_sid + 1]
    t_del = np.zeros(len(p.t_start) + 2, bool)
    t_del[t] = True
    sp = lambda k: (k >= lo) & (k < hi) & (p.t_grp[np.clip(k, 0, len(p.t_grp) - 1)] == G_SPACE)
    pre = sp(t - 1)
    post = ~pre & sp(t + 1) & ~(t_del[np.minimum(t + 2, len(t_del) - 1)] & (t + 2 < hi))
    a = np.where(pre, p.t_start[np.maximum(t - 1, 0)], p.w_start[dele])
    b = np.where(post, p.t_end[np.minimum(t + 1, len(p.t_end) - 1)], p.w_end[dele])
    edits = Edits(p)
    edits.add(d_sid, a, b - a, 0, 0)
    re_t = np.flatnonzero(recase)
    if len(re_t):  # the first surviving word gets a capital
        alive = np.flatnonzero(~is_del[:-1] & recase[p.w_sid])
        head = alive[np.searchsorted(p.w_sid[alive], re_t)]
        off = edits.add_codes(upper_of(p.cp[p.w_start[head]]))
        edits.add(re_t, p.w_start[head], 1, off + np.arange(len(head)), 1)
    d_tok = facts.local_tok(dele)
    rows = _per_text(d_sid, n_texts)

    def build(i: int) -> Params:
        return {"delete": [int(d_tok[k]) for k in rows(i)], "recase": bool(recase[i])}

    return edits, build


# -- character noise -----------------------------------------------------------------------
def _ascii_table(pairs: dict[str, int]) -> np.ndarray:
    table = np.full(128, -1, np.int64)
    for ch, v in pairs.items():
        table[ord(ch)] = v
    return table


def _ascii(table: np.ndarray, codes: np.ndarray) -> np.ndarray:
    return np.where(codes < 128, table.take(np.minimum(codes, 127)), -1)


_KB_KEYS = list(KEYBOARD)
_KB_INDEX = _ascii_table({k: i for i, k in enumerate(_KB_KEYS)})
_KB_LEN = np.array([len(KEYBOARD[k]) for k in _KB_KEYS])
_KB_OFF = np.cumsum(_KB_LEN) - _KB_LEN
_KB_CODES = to_codes("".join(KEYBOARD[k] for k in _KB_KEYS))
_KB_UPPER = to_codes("".join(KEYBOARD[k] for k in _KB_KEYS).upper())

_OCR_KEYS = list(OCR_CONFUSIONS)
_OCR_OPT = [o for k in _OCR_KEYS for o in OCR_CONFUSIONS[k]]
_OCR_NOPT = np.array([len(OCR_CONFUSIONS[k]) for k in _OCR_KEYS])
_OCR_FIRST = np.cumsum(_OCR_NOPT) - _OCR_NOPT
_OCR_OPT_LEN = np.array([len(o) for o in _OCR_OPT])
_OCR_OPT_OFF = np.cumsum(_OCR_OPT_LEN) - _OCR_OPT_LEN
_OCR_CODES = to_codes("".join(_OCR_OPT))
_OCR_SINGLE = _ascii_table({k: i for i, k in enumerate(_OCR_KEYS) if len(k) == 1})
_OCR_PAIR = np.full(128 * 128, -1, np.int64)
for _i, _k in enumerate(_OCR_KEYS):
    if len(_k) == 2:
        _OCR_PAIR[ord(_k[0]) * 128 + ord(_k[1])] = _i
_LETTERS = to_codes(LETTERS)
_LETTERS_UP = to_codes(LETTERS.upper())


def _nth(flags: np.ndarray, at: np.ndarray, rank: np.ndarray) -> np.ndarray:
    """Index of the ``rank``-th True of ``flags`` at or after ``at`` (it must exist)."""
    cs = np.cumsum(flags)
    before = np.where(at > 0, cs[np.maximum(at - 1, 0)], 0)
    return np.searchsorted(cs, before + rank + 1)


def _keyboard(p: Parsed, u: np.ndarray, start: np.ndarray, length: np.ndarray):
    """KeyboardTypo.edit_word: a QWERTY neighbour for one letter or digit of each word."""
    chars = ranges(start, length)
    key = _ascii(_KB_INDEX, p.low[chars])
    at = np.cumsum(length) - length
    count = np.add.reduceat((key >= 0).astype(np.int64), at)  # (words are not empty)
    has = np.flatnonzero(count > 0)
    g = _nth(key >= 0, at[has], picks(u[0][has], count[has]))
    k = key[g]
    opt = _KB_OFF[k] + picks(u[1][has], _KB_LEN[k])
    new = np.where((p.case_at(chars[g]) & UP) != 0, _KB_UPPER[opt], _KB_CODES[opt])
    return has, chars[g], new


def _ocr(p: Parsed, u: np.ndarray, start: np.ndarray, length: np.ndarray):
    """OCRNoise.edit_word: glyph pairs first, then single glyphs, one picked uniformly."""
    chars = ranges(start, length)
    at = np.cumsum(length) - length
    c = p.cp[chars]
    single = _ascii(_OCR_SINGLE, c)
    nxt = np.append(c[1:], 0)
    inside = np.ones(len(c), bool)
    inside[at + length - 1] = False  # a pair must stay inside the word
    both = (c < 128) & (nxt < 128) & inside
    pair = np.where(both, _OCR_PAIR.take(np.minimum(c, 127) * 128 + np.minimum(nxt, 127)), -1)
    n_pair = np.add.reduceat((pair >= 0).astype(np.int64), at)  # (words are not empty)
    total = n_pair + np.add.reduceat((single >= 0).astype(np.int64), at)
    has = np.flatnonzero(total > 0)
    r = picks(u[0][has], total[has])
    ah, nph = at[has], n_pair[has]
    is_pair = r < nph
    g = np.where(is_pair, _nth(pair >= 0, ah, np.where(is_pair, r, 0)),
                 _nth(single >= 0, ah, np.where(is_pair, 0, r - nph)))
    key = np.where(is_pair, pair[g], single[g])
    opt = _OCR_FIRST[key] + picks(u[1][has], _OCR_NOPT[key])
    return has, chars[g], 1 + is_pair, _OCR_OPT_OFF[opt], _OCR_OPT_LEN[opt]


def plan_char_noise(op: Any, rng: np.random.Generator, p: Parsed, active: np.ndarray) -> Plan:
    """KeyboardTypo, OCRNoise and RandomCharNoise: ``rate * n_words`` eligible words (long
    enough, not protected) picked uniformly, one character edit in each."""
    facts = _facts(p)
    n = _counts(rng, op.rate, p, active, op.at_least_one)
    ok = (n[p.w_sid] > 0) & (facts.length >= op.min_length) & ~facts.protected(op)
    cand = np.flatnonzero(ok)
    sel = cand[choose(rng, p.w_sid[cand], n)]
    u = rng.random((3, len(sel)))
    start, length = p.w_start[sel], facts.length[sel]
    edits = Edits(p)
    kind = type(op).__name__
    if kind == "KeyboardTypo":
        has, pos, new = _keyboard(p, u, start, length)
        dlen = plen = np.ones(len(has), np.int64)
        poff = edits.add_codes(new) + np.arange(len(has))
    elif kind == "OCRNoise":
        has, pos, dlen, poff, plen = _ocr(p, u, start, length)
        poff = poff + edits.add_codes(_OCR_CODES)
    else:
        has, pos, dlen, poff, plen = _random_char(op, p, u, start, length, edits)
    sid = p.w_sid[sel][has]
    if kind == "RandomCharNoise":
        # a swap is two pieces: the right neighbour, then the character itself
        sw = dlen == 2
        edits.add(sid[~sw], pos[~sw], dlen[~sw], poff[~sw], plen[~sw])
        edits.add(sid[sw], pos[sw], 0, pos[sw] + 1, 1, 0)
        edits.add(sid[sw], pos[sw], 2, pos[sw], 1, 1)
    else:
        edits.add(sid, pos, dlen, poff, plen)
    local = pos - p.start[sid]
    rows = _per_text(sid, len(p.texts))

    def piece(k: int) -> str:
        if dlen[k] == 2 and kind == "RandomCharNoise":
            return from_codes(p.cp[[pos[k] + 1, pos[k]]])
        return from_codes(edits.source()[poff[k]:poff[k] + plen[k]])

    def build(i: int) -> Params:
        return {"edits": [[int(local[k]), int(dlen[k]), piece(k)] for k in rows(i)]}

    return edits, build


def _random_char(op: Any, p: Parsed, u: np.ndarray, start: np.ndarray, length: np.ndarray,
                 edits: Edits):
    """RandomCharNoise.edit_word: never the first character; swap takes the right
    neighbour (the left one at the word's end)."""
    act = (picks(u[0], 4) if op.action == "any"
           else np.full(len(start), ("insert", "substitute", "swap", "delete").index(op.action)))
    j = 1 + picks(u[1], np.maximum(length - 1, 1))
    swap = act == 2
    j = np.where(swap & (j == length - 1), j - 1, j)
    has = np.flatnonzero((length >= 2) & ~(swap & (j < 1)))
    at = (start + j)[has]
    act = act[has]
    li = picks(u[2][has], 26)
    letter = np.where((p.case_at(at) & UP) != 0, _LETTERS_UP[li], _LETTERS[li])
    off = edits.add_codes(letter)
    dlen = np.select([act == 0, act == 2], [0, 2], 1)
    plen = np.where(act == 3, 0, 1)
    poff = off + np.arange(len(at))
    return has, at, dlen, poff, plen
