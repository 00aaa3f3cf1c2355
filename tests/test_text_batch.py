"""Vectorised text batches: the batch tokenization is the tokenizer's, every batch output is
what ``apply`` gives with that text's recorded parameters, and edit statistics match the
per-text ops."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import augkit
from augkit import text as T
from augkit.text.batch import G_WORD, BatchParams, KeyTable, Parsed
from augkit.text.tokenize import tokenize

# characters around every rule of the tokenizer: letters, digits, joiners, number
# punctuation, spaces, URL / e-mail markers and characters with unusual case mappings
PIECES = list("abZé9_0 '\u2019-.,:/\t\n@!\"ßΣİǅ东😀²\uffff") + [
    "www.", "://", "1.5", "a-3", "'60s", "19th-century", "don't", "n't", " an ", " A ", "The",
    "film", "movie", "great", "not", "What", "I", "OK", "1,000", "3d", "x-1-2"]
TEXTS = st.lists(st.one_of(st.lists(st.sampled_from(PIECES), min_size=1, max_size=14)
                           .map("".join), st.text(min_size=1, max_size=20)),
                 min_size=1, max_size=8)

WORDS = ("the movie was a great film and an honest story about good people , but it is not "
         "what I expected . A fine cast makes every scene funny ; the script feels new , "
         "quick and clever . Why did nobody tell me ? Smart , warm , sad and happy").split()


def sentences(n: int, seed: int = 0) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        words = rng.choice(WORDS, rng.integers(1, 30)).tolist()
        text = " ".join(words)
        out.append(text[:1].upper() + text[1:] if rng.random() < 0.5 else text)
    return out


VECTORISED = [
    lambda: T.SynonymReplacement(rate=0.3),
    lambda: T.SynonymReplacement(rate=0.5, protect_stopwords=False, protected_words=["Film"]),
    lambda: T.RandomInsertion(rate=0.3),
    lambda: T.RandomInsertion(rate=0.6, protect_stopwords=False, multiword=True,
                              max_senses=None),
    lambda: T.RandomSwap(rate=0.3),
    lambda: T.RandomSwap(rate=0.6, protect_stopwords=False, protect_questions=False),
    lambda: T.RandomDeletion(rate=0.3),
    lambda: T.RandomDeletion(rate=0.7, protect_stopwords=False, protect_negations=False),
    lambda: T.KeyboardTypo(rate=0.4),
    lambda: T.OCRNoise(rate=0.4, min_length=1),
    lambda: T.RandomCharNoise(rate=0.4),
    lambda: T.RandomCharNoise(rate=0.6, action="swap", min_length=1),
    lambda: T.eda(rate=0.3),
    lambda: T.KeyboardTypo(rate=0.5, p=0.5),
]


def test_ops_have_vectorised_plans():
    for build in VECTORISED[:-2]:
        assert build().batch_plan() is not None
    assert T.Misspelling().batch_plan() is None
    assert T.SynonymReplacement(lexicon="nltk").batch_plan() is None


@settings(max_examples=150, deadline=None)
@given(TEXTS)
def test_batch_tokens_are_the_tokenizers(texts):
    p = Parsed(texts)
    for i, text in enumerate(texts):
        if not p.ok[i]:
            continue
        a, b = p.ftok[i], p.ftok[i + 1]
        tokens = [text[s - p.start[i]:e - p.start[i]]
                  for s, e in zip(p.t_start[a:b], p.t_end[a:b], strict=True)]
        ref = tokenize(text)
        assert tokens == list(ref.tokens)
        assert [k for k in range(b - a) if p.t_grp[a + k] == G_WORD] == list(ref.words)


def test_only_unusual_texts_take_the_per_text_path():
    texts = ["a plain sentence , with 3 numbers : 1,000 and 19th-century don't",
             "see https://example.org now", "mail me@example.com", "visit www.example.org",
             "STRASSE Straße", "ΟΔΟΣ"]
    assert Parsed(texts).ok.tolist() == [True, False, False, False, False, False]


def _replays(aug, texts, seed):
    out = aug.batch(texts, seed=seed, return_records=True)
    for text, new, record in zip(texts, out["texts"], out["records"], strict=True):
        assert record.apply(text=text)["text"] == new
    return out["texts"]


@pytest.mark.parametrize("build", VECTORISED)
@settings(max_examples=25, deadline=None)
@given(texts=TEXTS, seed=st.integers(0, 2**32 - 1))
def test_batch_output_is_apply_with_its_params_on_any_text(build, texts, seed):
    aug = build()
    assert _replays(aug, texts, seed) == aug.batch(texts, seed=seed)["texts"]


@pytest.mark.parametrize("build", VECTORISED)
def test_batch_output_is_apply_with_its_params_on_sentences(build):
    texts = sentences(300) + ["A apple and an pear .", "It is a good film , and AN okay one .",
                              "see https://example.org a great film", "ok", "I"]
    aug = build()
    first = _replays(aug, texts, 7)
    assert first == aug.batch(texts, seed=7)["texts"]  # seeded: deterministic
    assert first != aug.batch(texts, seed=8)["texts"]
    assert sum(a != b for a, b in zip(texts, first, strict=True)) > 30


def test_batch_params_are_per_text_dicts():
    aug = T.RandomDeletion(rate=0.5)
    texts = sentences(5)
    params = aug.sample_batch(np.random.default_rng(0), {"text": texts, "label": None})
    assert isinstance(params, BatchParams) and len(params) == 5
    assert set(params[0]) == {"delete", "recase"}


@pytest.mark.parametrize("mode", ["poly", "hybrid"])
def test_key_table_is_exact(mode):
    keys = ["a", "an", "the", "film", "films", "naïve", "東京"]
    table = KeyTable(keys, mode)
    p = Parsed(["An THE films Naïve 東京 filmsx b"])
    assert table.lookup(p.low, p.w_start, p.w_end).tolist() == [1, 2, 4, 5, 6, -1, -1]
    some = np.array([2, 5])  # a few words: hashed from their own characters, same result
    assert p.lookup(table, some).tolist() == [4, -1]
    with pytest.raises(ValueError, match="duplicate"):
        KeyTable(["a", "a"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet="abcdeé東'-x", min_size=1, max_size=17), min_size=1,
                max_size=30, unique=True), TEXTS, st.sampled_from(["short", "hybrid"]),
       st.integers(1, 7))
def test_short_key_table_is_exact(keys, texts, mode, width):
    """Short keys hold every character up to ``width`` and are confirmed beyond it."""
    try:
        table = KeyTable(keys, mode, width)
    except ValueError:  # two long keys alike in length and outer characters
        return
    p = Parsed(texts + [" ".join(keys)])
    words = [p.texts[s][a - p.start[s]:b - p.start[s]]
             for s, a, b in zip(p.w_sid, p.w_start, p.w_end, strict=True)]
    expect = [keys.index(w.lower()) if w.lower() in keys else -1 for w in words]
    ok = p.ok[p.w_sid]
    assert p.lookup(table)[ok].tolist() == np.array(expect)[ok].tolist()
    with pytest.raises(ValueError, match="Latin-1"):
        KeyTable(["東京"], mode="short")


# -- the same distributions as the per-text ops ---------------------------------------------
def _changes(op, texts, batch: bool, seed: int = 0) -> np.ndarray:
    """Per text: how many words differ from the input (multiset difference of words)."""
    from collections import Counter

    if batch:
        outs = op.batch(texts, seed=seed)["texts"]
    else:
        rng = np.random.default_rng(seed)
        outs = [op(text=t, rng=rng)["text"] for t in texts]
    diff = []
    for a, b in zip(texts, outs, strict=True):
        wa = Counter(tokenize(a).tokens[i] for i in tokenize(a).words)
        wb = Counter(tokenize(b).tokens[i] for i in tokenize(b).words)
        diff.append(sum((wa - wb).values()) + sum((wb - wa).values()))
    return np.array(diff)


@pytest.mark.parametrize("op", [
    T.SynonymReplacement(rate=0.2), T.RandomInsertion(rate=0.2), T.RandomDeletion(rate=0.2),
    T.KeyboardTypo(rate=0.2), T.OCRNoise(rate=0.2), T.RandomCharNoise(rate=0.2),
], ids=lambda op: type(op).__name__)
def test_edit_counts_match_the_per_text_op(op):
    texts = sentences(1500, seed=1)
    batch, single = _changes(op, texts, True), _changes(op, texts, False)
    assert abs(batch.mean() - single.mean()) < 0.08 * single.mean() + 0.02
    for k in range(4):  # the distribution of counts, not just the mean
        assert abs((batch == k).mean() - (single == k).mean()) < 0.04


def test_swap_positions_and_counts_match_the_per_text_op():
    texts = [" ".join(f"w{i}" for i in range(8))] * 3000  # unknown words: all editable
    op = T.RandomSwap(rate=0.25)
    rng = np.random.default_rng(0)
    single = [op(text=t, rng=rng)["text"] for t in texts]
    batch = op.batch(texts, seed=0)["texts"]
    moved = lambda outs: np.array([[w != f"w{i}" for i, w in enumerate(o.split())]
                                   for o in outs]).mean(0)
    np.testing.assert_allclose(moved(batch), moved(single), atol=0.04)


def test_oneof_batch_picks_each_child_with_its_weight():
    texts = sentences(2000, seed=2)
    aug = augkit.OneOf([T.RandomDeletion(rate=0.3), T.KeyboardTypo(rate=0.3)], weights=[3, 1])
    out = aug.batch(texts, seed=0, return_records=True)
    kinds = [r.steps[0].transform["type"] for r in out["records"] if r.steps]
    assert abs(kinds.count("RandomDeletion") / len(kinds) - 0.75) < 0.04
    for text, new, record in zip(texts[:200], out["texts"], out["records"], strict=False):
        assert record.apply(text=text)["text"] == new


def test_labels_pass_and_p_skips_texts():
    texts = sentences(400, seed=3)
    out = T.RandomDeletion(rate=0.5, p=0.3).batch(texts, label=list(range(400)), seed=1,
                                                  return_records=True)
    assert out["label"] == list(range(400))
    skipped = [not r.steps for r in out["records"]]
    assert 0.6 < np.mean(skipped) < 0.8
    assert all(new == old for new, old, s in zip(out["texts"], texts, skipped, strict=True)
               if s)


def test_protection_holds_in_batches():
    texts = sentences(300, seed=4) + ["Film not film FILM what"] * 20
    out = T.RandomDeletion(rate=0.9, protected_words=["film"]).batch(texts, seed=0)["texts"]
    for a, b in zip(texts, out, strict=True):
        kept = [w.lower() for w in b.split()]
        for w in a.split():
            if w.lower() in ("film", "not", "what"):
                assert w.lower() in kept
        assert kept.count("film") == [w.lower() for w in a.split()].count("film")


@settings(max_examples=40, deadline=None)
@given(TEXTS, st.integers(0, 2**32 - 1))
def test_rate_zero_batches_are_the_identity(texts, seed):
    for cls in (T.SynonymReplacement, T.RandomInsertion, T.RandomSwap, T.RandomDeletion,
                T.KeyboardTypo, T.OCRNoise, T.RandomCharNoise):
        assert cls(rate=0.0).batch(texts, seed=seed)["texts"] == texts, cls.__name__


@settings(max_examples=40, deadline=None)
@given(TEXTS, st.data())
def test_protection_of_some_words_is_protection_of_all_restricted(texts, data):
    """Deletion looks up only the words it drew: the answer must not depend on that."""
    from augkit.text.batch_ops import WordFacts

    p = Parsed(texts + ["Don't skip what the film isn't, said Film"])
    op = T.RandomDeletion(protected_words=["film"])
    words = np.array(sorted(data.draw(st.sets(st.integers(0, len(p.w_start) - 1)))), np.int64)
    some = WordFacts(p).protected(op, words)
    assert some.tolist() == WordFacts(p).protected(op)[words].tolist()
