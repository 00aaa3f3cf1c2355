"""Conformance cases for text transforms, and the text output rules they are checked by."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np

from augkit import text as T
from augkit.text.tokenize import tokenize
from tests.conformance_cases import Case, add
from tests.text_models import tiny_bert, tiny_marian

SENTENCES = [
    "Honestly, I definitely believe the new movie was a great film and a truly happy story!",
    "Why didn't the quick brown fox jump over the lazy dog at 192.168.1.1 yesterday?",
    "We definitely got separate tickets; the large crowd was happy and the music was good.",
]


def text_data(rng: np.random.Generator) -> dict:
    return {"text": SENTENCES[int(rng.integers(len(SENTENCES)))], "label": 3}


def words(text: str) -> list[str]:
    toks = tokenize(text)
    return [toks.tokens[i] for i in toks.words]


def skeleton(text: str) -> list[str]:
    """Everything but the words: whitespace and punctuation, in order."""
    toks = tokenize(text)
    return [t for i, t in enumerate(toks.tokens) if i not in set(toks.words)]


def is_subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(any(w == x for x in it) for w in short)


def _base_check(inp: dict, out: dict) -> None:
    assert isinstance(out["text"], str) and out["text"], "output must be a non-empty str"
    assert out["label"] == inp["label"], "label must pass through untouched"


def check_for(name: str):
    def check(inp: dict, out: dict) -> None:
        _base_check(inp, out)
        a, b = inp["text"], out["text"]
        if name in ("SynonymReplacement", "RandomSwap", "WordShuffle"):
            assert skeleton(a) == skeleton(b), "punctuation/whitespace moved"
        if name in ("RandomSwap", "WordShuffle"):
            assert Counter(w.lower() for w in words(a)) == Counter(w.lower() for w in words(b))
        if name == "RandomDeletion":
            assert is_subsequence([w.lower() for w in words(b)], [w.lower() for w in words(a)])
        if name == "RandomInsertion":
            assert is_subsequence(words(a), words(b))
        if name in ("KeyboardTypo", "OCRNoise", "Misspelling", "RandomCharNoise"):
            assert re.findall(r"\s+", a) == re.findall(r"\s+", b), "char noise moved spaces"

    return check


def _add(name: str, build, bad_args, random: bool = True) -> None:
    add(name, Case(build=build, data=text_data, bad_args=bad_args, check=check_for(name),
                   random=random))


BAD_RATE = [({"rate": 1.5}, ValueError, "'rate'"), ({"rate": "x"}, TypeError, "'rate'"),
            ({"protected_words": "not"}, TypeError, "'protected_words'"),
            ({"protect_negations": 1}, TypeError, "'protect_negations'")]
BAD_LEXICON = [({"lexicon": "thesaurus.com"}, ValueError, "'lexicon'"),
               ({"max_senses": 0}, ValueError, "'max_senses'")]

_add("SynonymReplacement", lambda: T.SynonymReplacement(rate=0.3), BAD_RATE + BAD_LEXICON)
_add("RandomInsertion", lambda: T.RandomInsertion(rate=0.3), BAD_RATE + BAD_LEXICON)
_add("RandomSwap", lambda: T.RandomSwap(rate=0.3), BAD_RATE)
_add("RandomDeletion", lambda: T.RandomDeletion(rate=0.3), BAD_RATE)
_add("WordShuffle", lambda: T.WordShuffle(), [({"protected_words": [""]}, TypeError,
                                               "'protected_words'")])
BAD_CHAR = [({"rate": -0.1}, ValueError, "'rate'"), ({"min_length": 0}, ValueError,
                                                      "'min_length'")]
_add("KeyboardTypo", lambda: T.KeyboardTypo(rate=0.3), BAD_CHAR)
_add("OCRNoise", lambda: T.OCRNoise(rate=0.3), BAD_CHAR)
_add("Misspelling", lambda: T.Misspelling(rate=0.5), BAD_CHAR)
_add("RandomCharNoise", lambda: T.RandomCharNoise(rate=0.3),
     BAD_CHAR + [({"action": "shout"}, ValueError, "'action'")])
_add("BackTranslation",
     lambda: T.BackTranslation(tiny_marian(), tiny_marian(), mode="sample", max_new_tokens=8),
     [({"mode": "greedy"}, ValueError, "'mode'"), ({"num_beams": 0}, ValueError, "'num_beams'"),
      ({"forward_model": None}, TypeError, "'forward_model'"),
      ({"temperature": 0}, ValueError, "'temperature'")])
_add("ContextualReplacement", lambda: T.ContextualReplacement(tiny_bert(), rate=0.3),
     [({"top_k": 0}, ValueError, "'top_k'"), ({"model": ""}, TypeError, "'model'"),
      ({"rate": 2}, ValueError, "'rate'")])
