"""Back-translation and contextual replacement through tiny random local models: the real
loading, batching and generation code, with nothing downloaded."""

from __future__ import annotations

import sys

import pytest

import augkit
from augkit import text as T
from augkit.text import _hf
from augkit.text.testing import WORDS
from augkit.text.tokenize import tokenize
from tests.text_models import tiny_bert, tiny_marian

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

TEXTS = ["The movie was great!", "What is the capital of France?",
         "A much longer sentence about a film, the actors and the music in it.", "Hi"]


@pytest.mark.parametrize("mode", ["sample", "beam"])
def test_back_translation_batches_replay_exactly(mode):
    aug = T.BackTranslation(tiny_marian(), tiny_marian(), mode=mode, num_beams=2,
                            max_new_tokens=6, batch_size=3)
    out = aug.batch(TEXTS, seed=0, return_records=True)
    assert len(out["texts"]) == len(TEXTS) and all(isinstance(t, str) and t
                                                   for t in out["texts"])
    for text, new, record in zip(TEXTS, out["texts"], out["records"], strict=True):
        assert augkit.Record.from_json(record.to_json()).apply(text=text)["text"] == new
    # the batch size does not change any text's result
    small = T.BackTranslation(tiny_marian(), tiny_marian(), mode=mode, num_beams=2,
                              max_new_tokens=6, batch_size=1)
    assert small.batch(TEXTS, seed=0)["texts"] == out["texts"]


def test_sampling_is_diverse_and_beam_is_not():
    sample = T.BackTranslation(tiny_marian(), tiny_marian(), mode="sample", max_new_tokens=6)
    beam = T.BackTranslation(tiny_marian(), tiny_marian(), mode="beam", num_beams=2,
                             max_new_tokens=6)
    assert len({sample(text=TEXTS[0], seed=s)["text"] for s in range(6)}) > 1
    assert len({beam(text=TEXTS[0], seed=s)["text"] for s in range(3)}) == 1


def test_translate_checks_seed_count():
    with pytest.raises(ValueError, match="2 seeds for 1 texts"):
        T.translate(["hi"], tiny_marian(), mode="sample", seeds=[1, 2])


def test_missing_model_says_how_to_get_one(tmp_path):
    aug = T.BackTranslation(str(tmp_path / "no-such-model"), str(tmp_path / "other"))
    with pytest.raises(RuntimeError, match="not available locally.*huggingface-cli download"):
        aug(text="hello there")
    aug = T.ContextualReplacement(str(tmp_path / "no-such-model"), rate=1.0)
    with pytest.raises(RuntimeError, match="never downloads"):
        aug(text="hello there friend")


def test_missing_transformers_gives_install_hint(monkeypatch):
    monkeypatch.setitem(sys.modules, "transformers", None)
    with pytest.raises(ImportError, match=r"augkit\[text-models\]"):
        _hf.require_transformers("BackTranslation")


def test_contextual_replacement_changes_only_sampled_words():
    aug = T.ContextualReplacement(tiny_bert(), rate=0.5, top_k=5)
    vocab = set(WORDS) | {w for line in __import__("augkit.text.testing", fromlist=["x"])
                          .CORPUS for w in line.split()}
    text = "The movie was not a great film about people and music."
    for seed in range(5):
        out = aug(text=text, seed=seed, return_record=True)
        positions = set(out["record"].steps[0].params["positions"])
        before, after = tokenize(text).tokens, tokenize(out["text"]).tokens
        assert len(before) == len(after)
        for i, (a, b) in enumerate(zip(before, after, strict=True)):
            if i not in positions:
                assert a == b
            elif a != b:
                assert b.lower() in vocab and b.lower() != a.lower()
        assert "not" in after  # negation protected


def test_contextual_batch_matches_single_calls():
    aug = T.ContextualReplacement(tiny_bert(), rate=0.4)
    out = aug.batch(TEXTS, seed=2, return_records=True)
    for text, new, record in zip(TEXTS, out["texts"], out["records"], strict=True):
        assert record.apply(text=text)["text"] == new


def test_contextual_replacement_never_uses_an_antonym():
    aug = T.ContextualReplacement(tiny_bert(), rate=1.0, top_k=1000)  # every vocab word
    outs = {aug(text="good", seed=s)["text"] for s in range(40)}
    assert outs - {"good"}  # it does replace
    assert not outs & {"bad", "evil", "dark"}  # antonyms of "good" in the lexicon
