"""Behaviour of the EDA family, word shuffling and character noise."""

from __future__ import annotations

import numpy as np
import pytest

import augkit
from augkit import text as T
from augkit.text.char_ops import misspellings
from augkit.text.lexicon import get_lexicon
from augkit.text.tokenize import tokenize
from augkit.text.vocab import KEYBOARD, OCR_CONFUSIONS

ESSENTIAL = "Data augmentation is essential for deep learning models"


def words(text):
    toks = tokenize(text)
    return [toks.tokens[i] for i in toks.words]


# -- meaning safety ---------------------------------------------------------------------------
@pytest.mark.parametrize("op", [
    T.SynonymReplacement(rate=1.0), T.SynonymReplacement(rate=1.0, max_senses=None,
                                                         multiword=True),
    T.RandomInsertion(rate=1.0, max_senses=None), T.eda(rate=0.5),
])
def test_essential_never_becomes_an_antonym(op):
    lex = get_lexicon()
    banned = set().union(*(lex.antonyms(w) for w in words(ESSENTIAL.lower())))
    assert "dispensable" in banned
    seen = set()
    for seed in range(300):
        out = op(text=ESSENTIAL, seed=seed)["text"]
        seen.add(out)
        assert "dispensable" not in {w.lower() for w in words(out)}
        assert not {w.lower() for w in words(out)} & banned, out
    assert len(seen) > 20  # the op really edits this sentence


def test_negations_and_question_words_are_protected_by_default():
    text = "What is not good about this movie? Who never liked it?"
    ops = [T.SynonymReplacement(rate=1.0), T.RandomDeletion(rate=1.0),
           T.RandomSwap(rate=1.0), T.WordShuffle(), T.KeyboardTypo(rate=1.0),
           T.RandomCharNoise(rate=1.0)]
    for op in ops:
        for seed in range(40):
            out = words(op(text=text, seed=seed)["text"])
            assert {"What", "not", "Who", "never"} <= set(out), (type(op).__name__, out)
            if not isinstance(op, T.RandomDeletion):  # same place, too
                assert [out[i] for i in (0, 2, 7, 8)] == ["What", "not", "Who", "never"], out


def test_question_word_can_go_when_protection_is_off():
    op = T.RandomDeletion(rate=0.9, protect_questions=False)
    outs = [op(text="What is the capital of France?", seed=s)["text"] for s in range(30)]
    assert any("What" not in o for o in outs)
    assert all(o.startswith("What") for o in (
        T.RandomDeletion(rate=0.9)(text="What is the capital of France?", seed=s)["text"]
        for s in range(30)))


def test_stopwords_and_extra_words_are_protected():
    text = "The cat sat on the mat with a hat"
    for seed in range(30):
        out = words(T.RandomDeletion(rate=1.0, protected_words=["HAT"])(text=text,
                                                                          seed=seed)["text"])
        assert {"The", "on", "the", "with", "a", "hat"} <= set(out)
    free = T.RandomDeletion(rate=0.9, protect_stopwords=False)
    assert any("the" not in free(text=text, seed=s)["text"] for s in range(30))


# -- rates: EDA's n = rate * length, rounded stochastically, never forced --------------------
def test_edit_count_follows_the_rate_on_average():
    text = " ".join(["keyboard", "sentence", "wonderful", "terrible", "pleasant"] * 4)  # 20
    op = T.KeyboardTypo(rate=0.125)  # 2.5 edits expected
    counts = [sum(a != b for a, b in zip(words(text), words(op(text=text, seed=s)["text"]),
                                         strict=True)) for s in range(400)]
    assert set(counts) == {2, 3}
    assert 2.4 < np.mean(counts) < 2.6


def test_short_sentence_is_not_forced_to_change():
    op = T.SynonymReplacement(rate=0.1)
    outs = [op(text="Great film", seed=s)["text"] for s in range(200)]
    unchanged = sum(o == "Great film" for o in outs) / len(outs)
    assert 0.7 < unchanged < 0.9  # 2 words * 0.1 -> an edit 20% of the time


def test_deletion_keeps_one_word():
    op = T.RandomDeletion(rate=1.0, protect_stopwords=False)
    for seed in range(20):
        out = op(text="Hello there, friend!", seed=seed)["text"]
        assert len(words(out)) == 1 and out.endswith("!")


# -- what each op does -------------------------------------------------------------------------
def test_synonym_replacement_keeps_case_and_fixes_articles():
    for seed in range(60):
        out = T.SynonymReplacement(rate=1.0)(text="A GREAT film is an excellent thing",
                                            seed=seed)["text"]
        w = words(out)
        assert w[1].isupper()
        for art, nxt in ((w[0], w[1]), (w[4], w[5])):
            assert art.lower() == ("an" if nxt[0].lower() in "aeiou" else "a"), out


def test_plural_nouns_get_plural_synonyms():
    outs = {T.SynonymReplacement(rate=1.0)(text="movies", seed=s)["text"] for s in range(30)}
    assert outs - {"movies"} and all(o.endswith("s") for o in outs)


def test_insertion_adds_synonyms_of_words_in_the_sentence():
    text = "The movie was great"
    lex = get_lexicon()
    allowed = set(lex.synonyms("movie", "n", 3)) | set(lex.synonyms("great", "a", 3))
    for seed in range(30):
        out = words(T.RandomInsertion(rate=0.5)(text=text, seed=seed)["text"])
        added = list(out)
        for w in words(text):
            added.remove(w)
        assert len(added) == 2 and set(added) <= allowed and out[0] == "The"


def test_word_shuffle_reproduces_the_seed_example():
    outs = {T.WordShuffle()(text="The movie was great!", seed=s)["text"] for s in range(40)}
    assert "Great was the movie!" in outs
    assert all(o[0].isupper() and o.endswith("!") for o in outs)
    # names are not lower-cased when they move
    outs = {T.WordShuffle()(text="Paris is lovely", seed=s)["text"] for s in range(20)}
    assert all("Paris" in o for o in outs)


def test_keyboard_typo_uses_qwerty_neighbours():
    text = "keyboard sentence wonderful"
    for seed in range(30):
        out = T.KeyboardTypo(rate=1.0)(text=text, seed=seed)["text"]
        assert len(out) == len(text)
        diffs = [(a, b) for a, b in zip(text, out, strict=True) if a != b]
        assert len(diffs) == 3 and all(b in KEYBOARD[a] for a, b in diffs)


def test_ocr_noise_uses_confusion_table():
    for seed in range(30):
        out = T.OCRNoise(rate=1.0)(text="modern", seed=seed)["text"]
        assert out != "modern"
        i = next(k for k in range(len(out)) if out[k] != "modern"[k])
        assert any("modern"[i:i + n] in OCR_CONFUSIONS and out[i:].startswith(rep)
                   for n in (1, 2) for rep in OCR_CONFUSIONS.get("modern"[i:i + n], ()))


def test_misspelling_uses_the_table_and_keeps_case():
    out = T.Misspelling(rate=1.0)(text="Definitely SEPARATE", seed=0)["text"]
    first, second = out.split()
    assert first.lower() in misspellings()["definitely"] and first[0] == "D"
    assert second == "SEPERATE"


@pytest.mark.parametrize("action, delta", [("insert", 1), ("delete", -1), ("substitute", 0),
                                           ("swap", 0)])
def test_random_char_noise_actions(action, delta):
    text = "alphabet"
    for seed in range(20):
        out = T.RandomCharNoise(rate=1.0, action=action)(text=text, seed=seed)["text"]
        assert len(out) == len(text) + delta and out[0] == "a" and out != text
        if action == "swap":
            assert sorted(out) == sorted(text)


# -- determinism, records, batches -------------------------------------------------------------
def test_eda_pipeline_is_deterministic_and_serialisable():
    aug = augkit.Compose([T.eda(rate=0.2), T.KeyboardTypo(rate=0.1)], seed=4)
    again = augkit.from_dict(aug.to_dict())
    texts = ["The movie was great!", ESSENTIAL, "What a truly wonderful day"]
    assert [aug(text=t)["text"] for t in texts] == [again(text=t)["text"] for t in texts]


def test_batch_gives_per_text_params_that_replay_exactly():
    texts = ["The movie was great!", ESSENTIAL, "What a truly wonderful day", "ok"]
    aug = augkit.Compose([T.SynonymReplacement(rate=0.5), T.RandomSwap(rate=0.3, p=0.5)])
    out = aug.batch(texts, seed=3, label=[1, 0, 1, 0], return_records=True)
    assert out["label"] == [1, 0, 1, 0] and len(out["texts"]) == 4
    for text, new, record in zip(texts, out["texts"], out["records"], strict=True):
        replayed = augkit.Record.from_json(record.to_json()).apply(text=text)["text"]
        assert replayed == new


def test_record_replayed_on_other_text_does_not_crash():
    out = T.RandomDeletion(rate=0.5)(text=ESSENTIAL, seed=1, return_record=True)
    assert out["record"].apply(text="tiny")["text"] == "tiny"


# -- input errors ------------------------------------------------------------------------------
@pytest.mark.parametrize("value, error, text", [
    (None, TypeError, "got None"), (42, TypeError, "int"), ("", ValueError, "empty string"),
    (["a", "b"], TypeError, "aug.batch"), (b"bytes", TypeError, "bytes"),
])
def test_bad_text_gives_clear_errors(value, error, text):
    with pytest.raises(error, match=text):
        T.SynonymReplacement()(text=value)


def test_bad_keywords_and_batches_give_clear_errors():
    op = T.RandomSwap()
    with pytest.raises(ValueError, match="unknown keyword.*'image'"):
        op(text="hi", image=1)
    with pytest.raises(ValueError, match="no 'text'"):
        op(label=1)
    with pytest.raises(TypeError, match=r"texts\[1\].*None"):
        op.batch(["ok", None])
    with pytest.raises(ValueError, match="one entry per text"):
        op.batch(["a", "b"], label=[1])
    with pytest.raises(TypeError, match="non-empty list"):
        op.batch("just a string")


def test_used_ops_pickle_small_for_dataloader_workers():
    import pickle

    op = T.SynonymReplacement(rate=0.5)
    op(text=ESSENTIAL, seed=0)  # loads the lexicon, fills caches
    blob = pickle.dumps(op)
    assert len(blob) < 20_000
    assert pickle.loads(blob)(text=ESSENTIAL, seed=0) == op(text=ESSENTIAL, seed=0)


def test_insertion_after_an_article_keeps_it_agreeing():
    seen = 0
    for seed in range(80):
        out = T.RandomInsertion(rate=0.5, protect_stopwords=True)(
            text="It is a great film and an excellent story", seed=seed)["text"]
        w = words(out)
        for k, word in enumerate(w[:-1]):
            if word.lower() in ("a", "an"):
                assert word.lower() == ("an" if w[k + 1][0].lower() in "aeiou" else "a"), out
                seen += w[k + 1] not in ("great", "excellent")
    assert seen > 0  # some insertions did land right after an article
