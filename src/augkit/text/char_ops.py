"""Character noise: keyboard typos, OCR confusions, common misspellings and random
character insert / substitute / swap / delete.

About ``rate * n_words`` words are picked (stochastic rounding; words shorter than
``min_length`` and protected words are skipped) and each gets one edit. Parameters are
``[offset, length, replacement]`` splices into the original string, so records replay exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from augkit.core.magnitude import Magnitude
from augkit.core.transform import Params
from augkit.core.validate import check_choice, check_number
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
    token_starts,
    uniforms,
)
from augkit.text.tokenize import tokenize
from augkit.text.vocab import KEYBOARD, LETTERS, OCR_CONFUSIONS


class _CharOp(TextTransform, Protection, register=False):
    """One character edit in each of about ``rate * n_words`` eligible words."""

    def __init__(self, rate: float = 0.1, min_length: int = 3, protect_stopwords: bool = False,
                 protect_negations: bool = True, protect_questions: bool = True,
                 protected_words: Sequence[str] | None = None, at_least_one: bool = False,
                 p: float = 1.0):
        super().__init__(p=p)
        self.rate = check_rate(self, "rate", rate)
        self.at_least_one = check_at_least_one(self, at_least_one)  # one edit at least
        self.min_length = check_number(self, "min_length", min_length, 1, 1000, integer=True)
        self._set_protection(protect_stopwords, protect_negations, protect_questions,
                             protected_words)

    # policies: magnitude m is the edit rate (at most 30 % of the words at m = 1)
    magnitude = Magnitude(lambda v: {"rate": v}, span=0.3, unit="edit rate")

    def sample_text(self, rng: np.random.Generator, text: str) -> Params:
        toks = tokenize(text)
        tokens, words = toks.tokens, toks.words
        n_words = len(words)
        if self.rate <= 0.0 or not n_words:
            return {"edits": []}
        us = uniforms(rng, 1 + n_words)
        n = rounded_count(us[0], self.rate, n_words, self.at_least_one)
        chosen = []  # eligible words, visited in random order until n are found
        for k in random_order(us[1:], n_words) if n else ():
            word = tokens[words[k]]
            if len(word) >= self.min_length and not self.is_protected(word):
                chosen.append(words[k])
                if len(chosen) == n:
                    break
        edits = []
        if chosen:
            extra = uniforms(rng, 3 * len(chosen))
            chosen.sort()
            for j, start in enumerate(token_starts(tokens, chosen)):
                edit = self.edit_word(extra[3 * j:3 * j + 3], tokens[chosen[j]])
                if edit is not None:
                    edits.append([start + edit[0], edit[1], edit[2]])
        return {"edits": edits}

    def edit_word(self, us: list[float], word: str) -> list | None:
        """One ``[offset in word, length, replacement]`` edit of ``word`` from three
        uniforms, or None."""
        raise NotImplementedError

    def apply_text(self, text: str, params: Params) -> str:
        return F.splice(text, params["edits"])

    def batch_plan(self):
        return batch_ops.plan_char_noise


class KeyboardTypo(_CharOp):
    """Replace one letter or digit of a word by a QWERTY neighbour (case kept).

    >>> KeyboardTypo(rate=0.5)(text="Typing quickly causes errors", seed=2)["text"]
    'Typing quickiy causes efrors'
    """

    def edit_word(self, us, word):
        spots = [j for j, ch in enumerate(word) if ch.lower() in KEYBOARD]
        if not spots:
            return None
        j = spots[pick(us[0], len(spots))]
        near = KEYBOARD[word[j].lower()]
        new = near[pick(us[1], len(near))]
        return [j, 1, new.upper() if word[j].isupper() else new]


class OCRNoise(_CharOp):
    """Replace one glyph (or glyph pair such as "rn") by one OCR engines confuse it with.

    >>> OCRNoise(rate=0.5)(text="modern scanned documents", seed=1)["text"]
    'modern scanned doeuments'
    """

    def edit_word(self, us, word):
        spots = [(j, 2) for j in range(len(word) - 1) if word[j:j + 2] in OCR_CONFUSIONS]
        spots += [(j, 1) for j, ch in enumerate(word) if ch in OCR_CONFUSIONS]
        if not spots:
            return None
        j, length = spots[pick(us[0], len(spots))]
        options = OCR_CONFUSIONS[word[j:j + length]]
        return [j, length, options[pick(us[1], len(options))]]


@lru_cache(maxsize=1)
def misspellings() -> dict[str, tuple[str, ...]]:
    """correct word -> common misspellings (bundled, hand-collected list)."""
    path = resources.files("augkit.resources").joinpath("text", "misspellings.tsv")
    table = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, wrong = line.split("\t")
            table[word] = tuple(wrong.split(","))
    return table


class Misspelling(_CharOp):
    """Replace words by a common misspelling of them ("receive" -> "recieve"); words
    without a known misspelling are left alone, so ``rate`` is an upper bound.

    >>> Misspelling(rate=1.0)(text="I definitely believe it", seed=0)["text"]
    'I definately belive it'
    """

    def batch_plan(self):
        return None  # per-text sampling (a table lookup per word; not vectorised)

    def sample_text(self, rng, text):
        table = misspellings()
        toks = tokenize(text)
        pos, found = 0, []
        for i, tok in enumerate(toks.tokens):
            if toks.kinds[i] == 4 and tok.lower() in table and not self.is_protected(tok):
                found.append((pos, tok))
            pos += len(tok)
        n = edit_count(rng, self.rate, len(toks.words), len(found), self.at_least_one)
        edits = []
        if n:
            us = uniforms(rng, 2 * n)
            for j, k in enumerate(sorted(distinct(us, len(found), n))):
                start, word = found[k]
                options = table[word.lower()]
                edits.append([start, len(word), match_case(word, options[pick(us[n + j],
                                                                               len(options))])])
        return {"edits": edits}


CHAR_ACTIONS = ("insert", "substitute", "swap", "delete")


class RandomCharNoise(_CharOp):
    """One random character edit per picked word: ``insert`` or ``substitute`` a random
    letter, ``swap`` two neighbours, or ``delete`` one; ``action`` is one of those or
    ``"any"``. The first character of a word is left alone, which keeps words readable.

    >>> RandomCharNoise(rate=0.5, action="swap")(text="random character noise", seed=0)["text"]
    'randmo character noise'
    """

    def __init__(self, rate: float = 0.1, action: str = "any", min_length: int = 3,
                 protect_stopwords: bool = False, protect_negations: bool = True,
                 protect_questions: bool = True, protected_words: Sequence[str] | None = None,
                 at_least_one: bool = False, p: float = 1.0):
        super().__init__(rate, min_length, protect_stopwords, protect_negations,
                         protect_questions, protected_words, at_least_one, p)
        self.action = check_choice(self, "action", action, CHAR_ACTIONS + ("any",))

    def edit_word(self, us, word):
        action = self.action
        if action == "any":
            action = CHAR_ACTIONS[pick(us[0], len(CHAR_ACTIONS))]
        if len(word) < 2:
            return None
        j = 1 + pick(us[1], len(word) - 1)
        letter = LETTERS[pick(us[2], len(LETTERS))]
        if word[j].isupper():
            letter = letter.upper()
        if action == "insert":
            return [j, 0, letter]
        if action == "substitute":
            return [j, 1, letter]
        if action == "delete":
            return [j, 1, ""]
        if j == len(word) - 1:  # swap needs a right neighbour
            j -= 1
        if j < 1:
            return None
        return [j, 2, word[j + 1] + word[j]]
