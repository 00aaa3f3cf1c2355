"""Lossless tokenization: untouched text comes back byte for byte."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import text as T
from augkit.text.tokenize import EMAIL, NUMBER, SPACE, URL, WORD, tokenize

RATE_OPS = [T.SynonymReplacement, T.RandomInsertion, T.RandomSwap, T.RandomDeletion,
            T.KeyboardTypo, T.OCRNoise, T.Misspelling, T.RandomCharNoise]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokens_join_to_the_input(text):
    toks = tokenize(text)
    assert "".join(toks.tokens) == text
    assert all(toks.tokens)  # no empty tokens
    assert len(toks.kinds) == len(toks.tokens)


@settings(max_examples=60, deadline=None)
@given(st.text(min_size=1), st.integers(0, 2**32 - 1))
def test_rate_zero_is_identity_on_arbitrary_unicode(text, seed):
    for cls in RATE_OPS:
        assert cls(rate=0.0)(text=text, seed=seed)["text"] == text, cls.__name__


WORDY = st.lists(st.sampled_from(
    ["The", "movie", "was", "great", "not", "What", "film", "Ça", "naïve", "192.168.1.1",
     "https://a.org/x?y=1", "don't", "  ", "\t", "\r\n", ",", "!", "—", "😀", "東京", "good"]),
    min_size=1, max_size=12).map(" ".join)


@settings(max_examples=60, deadline=None)
@given(WORDY, st.integers(0, 1000))
def test_word_ops_keep_everything_but_words(text, seed):
    toks = tokenize(text)
    skeleton = [t for i, t in enumerate(toks.tokens) if toks.kinds[i] != WORD]
    for op in (T.SynonymReplacement(rate=1.0), T.RandomSwap(rate=1.0), T.WordShuffle()):
        out = tokenize(op(text=text, seed=seed)["text"])
        assert [t for i, t in enumerate(out.tokens) if out.kinds[i] != WORD] == skeleton


@pytest.mark.parametrize("text, token, kind", [
    ("Ping 192.168.1.1 now", "192.168.1.1", NUMBER),
    ("see https://example.org/a?b=1, ok", "https://example.org/a?b=1", URL),
    ("mail me: jo.doe+x@mail.example.com.", "jo.doe+x@mail.example.com", EMAIL),
    ("I don't know", "don't", WORD),
    ("a well-known fact", "well-known", WORD),
    ("Größe und Ärger", "Größe", WORD),
    ("tabs\tand\r\nnewlines", "\r\n", SPACE),
])
def test_token_kinds(text, token, kind):
    toks = tokenize(text)
    assert token in toks.tokens
    assert toks.kinds[toks.tokens.index(token)] == kind


def test_urls_numbers_and_foreign_text_survive_heavy_synonym_replacement():
    text = "Visit https://example.org/film or 192.168.1.1 — the movie is great, n'est-ce pas? 東京"
    for seed in range(30):
        out = T.SynonymReplacement(rate=1.0)(text=text, seed=seed)["text"]
        for kept in ("https://example.org/film", "192.168.1.1", " — ", "n'est-ce ", "? 東京"):
            assert kept in out


# A slow reference: one named group per kind, the kind read from the group that matched.
_REFERENCE = __import__("re").compile(
    r"((?:https?://|www\.)[^\s]*[^\s.,;:!?)\]}'\"])|([\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(\d+(?:[.,:/]\d+)*)|(\w+(?:['\u2019-]\w+)*)|(\s+)|(.)", __import__("re").DOTALL)
TRICKY = st.lists(st.sampled_from(list("ab1_ .,:/@-'\u2019\n²٣éwhtps") + ["www.", "https://"])
                  ).map("".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), TRICKY))
def test_fast_tokenizer_matches_the_reference_kinds(text):
    expected = [(m.group(), m.lastindex) for m in _REFERENCE.finditer(text)]
    toks = tokenize(text)
    assert list(zip(toks.tokens, toks.kinds, strict=True)) == expected
