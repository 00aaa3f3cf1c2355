"""EDA's "at least one edit" rule (``at_least_one=True``): short texts are not returned
unchanged at low rates, single calls and batches alike, and batch records replay."""

from __future__ import annotations

import pytest

import augkit
from augkit import text as T

QUESTIONS = ["What is the capital city of France ?", "Who wrote the play Hamlet ?",
             "How far away is the moon tonight ?", "When did the long war end ?"]
OPS = [T.RandomSwap, T.RandomDeletion, T.KeyboardTypo, T.OCRNoise, T.RandomCharNoise,
       T.SynonymReplacement, T.RandomInsertion]


def unchanged(op, seeds=range(20)) -> tuple[int, int]:
    single = sum(op(text=q, seed=s)["text"] == q for q in QUESTIONS for s in seeds)
    texts = QUESTIONS * len(seeds)
    batch = sum(a == b for a, b in zip(op.batch(texts, seed=7)["texts"], texts, strict=True))
    return single, batch


@pytest.mark.parametrize("cls", OPS, ids=lambda c: c.__name__)
def test_at_least_one_edit_leaves_fewer_texts_unchanged(cls):
    plain = unchanged(cls(rate=0.05, protect_stopwords=False))
    eda = unchanged(cls(rate=0.05, protect_stopwords=False, at_least_one=True))
    total = len(QUESTIONS) * 20
    assert plain[0] > total // 2 and plain[1] > total // 2  # rate 0.05: most come back as is
    if cls in (T.SynonymReplacement, T.RandomInsertion):  # not every word has a synonym
        assert eda[0] < plain[0] // 2 and eda[1] < plain[1] // 2
    elif cls is T.RandomCharNoise:  # a random edit can rewrite a letter as itself
        assert max(eda) <= total // 20
    else:
        assert eda == (0, 0)


@pytest.mark.parametrize("cls", OPS, ids=lambda c: c.__name__)
def test_batch_records_replay_with_the_rule(cls):
    op = cls(rate=0.05, at_least_one=True)
    out = op.batch(QUESTIONS * 3, seed=3, return_records=True)
    for text, new, record in zip(QUESTIONS * 3, out["texts"], out["records"], strict=True):
        assert record.apply(text=text)["text"] == new
    assert augkit.from_dict(op.to_dict()) == op and op.to_dict()["at_least_one"] is True


def test_the_rule_never_edits_what_cannot_be_edited():
    assert T.RandomDeletion(rate=0.05, at_least_one=True)(text="Hello", seed=0)["text"] == \
        "Hello"  # one word stays
    assert T.RandomSwap(rate=0.0, at_least_one=True)(text="a b c d", seed=0)["text"] == \
        "a b c d"  # rate 0 is off
    with pytest.raises(TypeError, match="'at_least_one'"):
        T.RandomSwap(at_least_one=1)
