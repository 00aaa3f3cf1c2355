"""Word-level ops: the EDA family (synonym replacement, random insertion, random swap,
random deletion) and word shuffling.

Rates follow EDA (Wei & Zou, 2019): a sentence of ``L`` words gets about ``rate * L`` edits,
rounded stochastically, so a short sentence is not forced into an edit. Stop words, negations
and question words are protected by default. Every op samples concrete token indices and
words, so records replay exactly without the lexicon.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from augkit.core.compose import OneOf
from augkit.core.magnitude import NO_MAGNITUDE, Magnitude
from augkit.core.transform import Params
from augkit.core.validate import check_choice, check_number, fail
from augkit.text import batch_ops
from augkit.text import functional as F
from augkit.text.base import (
    Protection,
    TextTransform,
    check_at_least_one,
    check_rate,
    distinct,
    edit_count,
    match_case,
    pick,
    random_order,
    rounded_count,
    uniforms,
)
from augkit.text.lexicon import Lexicon, find_synonyms, load_lexicon
from augkit.text.tokenize import SPACE, tokenize
from augkit.text.vocab import DETERMINERS, STOPWORDS, VERB_CUES


class _WordOp(TextTransform, Protection, register=False):
    """Word-level edits at about ``rate * n_words`` editable words."""

    def __init__(self, rate: float = 0.1, protect_stopwords: bool = True,
                 protect_negations: bool = True, protect_questions: bool = True,
                 protected_words: Sequence[str] | None = None, at_least_one: bool = False,
                 p: float = 1.0):
        super().__init__(p=p)
        self.rate = check_rate(self, "rate", rate)
        # EDA's rule: every text with an editable word gets one edit at least, so short
        # texts are not returned unchanged (at rate 0.05, 63 % of TREC questions were)
        self.at_least_one = check_at_least_one(self, at_least_one)
        self._set_protection(protect_stopwords, protect_negations, protect_questions,
                             protected_words)

    # policies: magnitude m is the edit rate (at most 30 % of the words at m = 1)
    magnitude = Magnitude(lambda v: {"rate": v}, span=0.3, unit="edit rate")


class _LexiconOp(_WordOp, register=False):
    """Shared synonym lookup: POS-aware, antonym-free, plural nouns handled."""

    def __init__(self, rate: float = 0.1, lexicon: str = "bundled", max_senses: int | None = 3,
                 multiword: bool = False, protect_stopwords: bool = True,
                 protect_negations: bool = True, protect_questions: bool = True,
                 protected_words: Sequence[str] | None = None, at_least_one: bool = False,
                 p: float = 1.0):
        super().__init__(rate, protect_stopwords, protect_negations, protect_questions,
                         protected_words, at_least_one, p)
        self.lexicon = check_choice(self, "lexicon", lexicon, ("bundled", "nltk"))
        if max_senses is not None:
            max_senses = check_number(self, "max_senses", max_senses, 1, 1000, integer=True)
        self.max_senses = max_senses
        if not isinstance(multiword, bool):
            fail(self, "multiword", multiword, "expected True or False", TypeError)
        self.multiword = multiword
        self._lex: Lexicon | None = None
        self._syn_cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def __getstate__(self):  # workers reload the shared lexicon; do not pickle it per op
        state = self.__dict__.copy()
        state["_lex"] = None
        state["_syn_cache"] = {}
        return state

    def synonyms_of(self, word: str, previous: str = "") -> tuple[str, ...]:
        # the previous word only matters as a POS cue: "the" (determiner), "to" (verb) or none
        prev = previous.lower()
        cue = "the" if prev in DETERMINERS else "to" if prev in VERB_CUES else ""
        key = (word, cue)
        found = self._syn_cache.get(key)
        if found is None:
            found = self._find(word.lower(), cue)
            if len(self._syn_cache) < 200_000:
                self._syn_cache[key] = found
        return found

    def _find(self, lower: str, previous: str) -> tuple[str, ...]:
        if self._lex is None:
            self._lex = load_lexicon(self.lexicon)
        return find_synonyms(self._lex, lower, previous, self.max_senses, self.multiword)

    def candidates(self, text: str) -> list[tuple[int, tuple[str, ...]]]:
        """(token index, synonyms) of every editable word that has synonyms."""
        toks = tokenize(text)
        out = []
        previous = ""
        for i in toks.words:
            word = toks.tokens[i]
            if not self.is_protected(word):
                syns = self.synonyms_of(word, previous)
                if syns:
                    out.append((i, syns))
            previous = word
        return out


def _recase_ok(word: str) -> bool:
    """Whether a sentence-initial word may be lower-cased when it moves: only common words
    in Title case (never "I", acronyms or words we do not know, which may be names)."""
    if not word[:1].isupper() or word.isupper() or word == "I" or not word[1:].islower():
        return False
    from augkit.text.lexicon import get_lexicon

    lower = word.lower()
    return lower in STOPWORDS or lower in get_lexicon()


def _article_fix(toks, i: int, word: str) -> list[list]:
    """``[[j, article]]`` when the word before token ``i`` is "a"/"an" and must change to
    agree with the new ``word`` (vowel-letter rule), else nothing."""
    j = i - 1
    while j >= 0 and toks.kinds[j] == SPACE:
        j -= 1
    if j < 0 or j == i - 1 or toks.tokens[j].lower() not in ("a", "an"):
        return []
    article = "an" if word[:1].lower() in "aeiou" else "a"
    if article == toks.tokens[j].lower():
        return []
    return [[j, match_case(toks.tokens[j], article)]]


class SynonymReplacement(_LexiconOp):
    """Replace about ``rate * n_words`` editable words by a synonym from the lexicon.

    Synonyms come from the word's likely part of speech and its first ``max_senses`` senses;
    antonyms are never used. Casing of the replaced word is kept.

    >>> aug = SynonymReplacement(rate=0.3)
    >>> aug(text="The movie was a great film.", seed=5)["text"]
    'The movie was an outstanding film.'
    """

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        tokens, words = toks.tokens, toks.words
        n_words = len(words)
        if self.rate <= 0.0 or not n_words:
            return {"replace": []}
        us = uniforms(rng, 1 + 2 * n_words)
        n = rounded_count(us[0], self.rate, n_words, self.at_least_one)
        # visit words in random order until n with synonyms are found: the same as picking
        # n of all candidates uniformly, without looking up every word
        picked = []
        for k in random_order(us[1:1 + n_words], n_words) if n else ():
            word = tokens[words[k]]
            if self.is_protected(word):
                continue
            syns = self.synonyms_of(word, tokens[words[k - 1]] if k else "")
            if syns:
                picked.append((words[k], syns[pick(us[1 + n_words + len(picked)], len(syns))]))
                if len(picked) == n:
                    break
        replace = []
        for i, synonym in sorted(picked):
            word = match_case(tokens[i], synonym)
            replace.extend(_article_fix(toks, i, word))
            replace.append([i, word])
        return {"replace": replace}

    def apply_text(self, text: str, params: Params) -> str:
        return F.replace_tokens(text, params["replace"])

    def batch_plan(self):
        return batch_ops.plan_synonym_replacement if self.lexicon == "bundled" else None


class RandomInsertion(_LexiconOp):
    """Insert synonyms of editable words at random word boundaries (never before the first
    word, so the sentence start stays intact); about ``rate * n_words`` insertions.

    >>> RandomInsertion(rate=0.2)(text="A truly great film.", seed=1)["text"]
    'A truly great film movie.'
    """

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        n = edit_count(rng, self.rate, len(toks.words), len(toks.words), self.at_least_one)
        if n == 0:
            return {"insert": [], "replace": []}
        cands = self.candidates(text)
        if not cands:
            return {"insert": [], "replace": []}
        insert = []
        slots = list(toks.words[1:]) + [toks.words[-1] + 1]
        us = uniforms(rng, 3 * n)
        for j in range(n):
            _i, syns = cands[pick(us[3 * j], len(cands))]
            word = syns[pick(us[3 * j + 1], len(syns))]
            slot = slots[pick(us[3 * j + 2], len(slots))]
            after_last = slot == toks.words[-1] + 1
            insert.append([slot, " " + word if after_last else word + " "])
        # "a" / "an" before an insertion point must agree with the word now after it (with
        # several insertions at one point, the last one listed ends up first)
        first_at = {slot: piece.strip() for slot, piece in insert if not piece.startswith(" ")}
        replace = [fix for slot, word in sorted(first_at.items())
                   for fix in _article_fix(toks, slot, word)]
        return {"insert": insert, "replace": replace}

    def apply_text(self, text: str, params: Params) -> str:
        return F.insert_tokens(F.replace_tokens(text, params["replace"]), params["insert"])

    def batch_plan(self):
        return batch_ops.plan_random_insertion if self.lexicon == "bundled" else None


class RandomSwap(_WordOp):
    """Swap two editable words, about ``rate * n_words`` times.

    >>> RandomSwap(rate=0.5, protect_stopwords=False)(text="The movie was great", seed=3)["text"]
    'Great was movie the'
    """

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        slots = [k for k, i in enumerate(toks.words) if not self.is_protected(toks.tokens[i])]
        n = edit_count(rng, self.rate, len(toks.words), len(slots) if len(slots) > 1 else 0,
                       self.at_least_one)
        swaps = []
        us = uniforms(rng, 2 * n)
        for j in range(n):
            a, b = distinct(us[2 * j:2 * j + 2], len(slots), 2)
            swaps.append([slots[a], slots[b]])
        recase = bool(swaps) and _recase_ok(toks.tokens[toks.words[0]])
        return {"swaps": swaps, "recase": recase}

    def apply_text(self, text: str, params: Params) -> str:
        return F.swap_words(text, params["swaps"], params["recase"])

    def batch_plan(self):
        return batch_ops.plan_random_swap


class RandomDeletion(_WordOp):
    """Delete each editable word with probability ``rate``; at least one word always
    remains, and no deletion is forced.

    >>> RandomDeletion(rate=0.3)(text="It was a truly wonderful and moving film.", seed=1)["text"]
    'It was a truly wonderful and film.'
    """

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        editable = self.editable(toks)
        if not editable or self.rate <= 0.0:
            return {"delete": [], "recase": False}
        us = uniforms(rng, len(editable) + 1)
        delete = [i for i, u in zip(editable, us, strict=False) if u < self.rate]
        if not delete and self.at_least_one and len(toks.words) > 1:
            delete = [editable[pick(us[-1], len(editable))]]
        if len(delete) == len(toks.words):  # keep one word
            delete.pop(pick(us[-1], len(delete)))
        recase = bool(delete) and delete[0] == toks.words[0] and _recase_ok(
            toks.tokens[toks.words[0]])
        return {"delete": delete, "recase": recase}

    def apply_text(self, text: str, params: Params) -> str:
        return F.delete_tokens(text, params["delete"], params["recase"])

    def batch_plan(self):
        return batch_ops.plan_random_deletion


class WordShuffle(TextTransform, Protection):
    """Shuffle the editable words of the text; punctuation and whitespace stay in place.
    Can change meaning ("dog bites man"), so recommended pipelines leave it out.

    >>> WordShuffle()(text="The movie was great!", seed=2)["text"]
    'Great was the movie!'
    """

    def __init__(self, protect_stopwords: bool = False, protect_negations: bool = True,
                 protect_questions: bool = True, protected_words: Sequence[str] | None = None,
                 p: float = 1.0):
        super().__init__(p=p)
        self._set_protection(protect_stopwords, protect_negations, protect_questions,
                             protected_words)

    magnitude = NO_MAGNITUDE

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        slots = [k for k, i in enumerate(toks.words) if not self.is_protected(toks.tokens[i])]
        order = list(range(len(toks.words)))
        for slot, src in zip(slots, rng.permutation(slots).tolist(), strict=False):
            order[slot] = src
        recase = bool(order) and order[0] != 0 and _recase_ok(toks.tokens[toks.words[0]])
        return {"order": order, "recase": recase}

    def apply_text(self, text: str, params: Params) -> str:
        return F.permute_words(text, params["order"], params["recase"])


def eda(rate: float = 0.1, p: float = 1.0, **protection) -> OneOf:
    """The four EDA ops at one rate, one picked per call (as in the EDA paper, each output
    comes from one op). Word shuffling is left out on purpose.

    >>> aug = eda(rate=0.1)
    >>> [type(t).__name__ for t in aug.transforms]
    ['SynonymReplacement', 'RandomInsertion', 'RandomSwap', 'RandomDeletion']
    """
    return OneOf([SynonymReplacement(rate=rate, **protection),
                  RandomInsertion(rate=rate, **protection),
                  RandomSwap(rate=rate, **protection),
                  RandomDeletion(rate=rate, **protection)], p=p)
