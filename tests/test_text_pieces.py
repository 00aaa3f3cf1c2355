"""Long texts through models with a length limit: the piece rules (with a stand-in token
counter), and BackTranslation / ContextualReplacement on texts longer than the tiny models'
128 positions."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import text as T
from augkit.text import _hf
from augkit.text.pieces import model_limit, sentence_spans, split_for_model, token_counter
from augkit.text.tokenize import tokenize
from augkit.text.translate import piece_seed
from tests.text_models import tiny_bert, tiny_marian

pytestmark = pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")

SENTENCES = ["The movie was great and the actors were good.", "What is the capital of France?",
             "A film about the war was not bad at all!", "Who wrote this book about people?"]


def long_text(n_sentences: int) -> str:
    seps = [" ", "  ", "\n\n", " "]
    return "".join(SENTENCES[k % 4] + seps[k % 4] for k in range(n_sentences)).rstrip()


def word_count(strs):  # two tokens per word (a context-free stand-in), two special tokens
    return [2 * len(s.split()) + 2 for s in strs]


def test_sentence_spans():
    tokens = tokenize('He said "Stop!" then left.  Next one\nline two... (end.) ok').tokens
    got = ["".join(tokens[a:b]) for a, b in sentence_spans(tokens)]
    assert got == ['He said "Stop!"', "then left.", "Next one", "line two...", "(end.)", "ok"]


def test_a_text_that_fits_is_one_piece():
    tokens = tokenize("  One. Two three.  ").tokens
    assert [("".join(tokens[a:b])) for a, b in split_for_model(tokens, word_count, 10)] == [
        "One. Two three."]
    assert split_for_model(tokenize("   ").tokens, word_count, 10) == []


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(["word", "longerword", " ", "  ", ".", "!", "\n", "x" * 30]),
                min_size=1, max_size=80).map("".join),
       st.integers(4, 24), st.booleans())
def test_pieces_fit_and_leave_only_whitespace_or_huge_tokens_out(text, budget, context):
    # with context, a joined string counts more than its parts (as real tokenizers can)
    count = (lambda strs: [n + s.count(" ") for n, s in zip(word_count(strs), strs,
                                                              strict=True)]) if context \
        else word_count
    tokens = tokenize(text).tokens
    pieces = split_for_model(tokens, count, budget)
    covered = set()
    for (a, b), n in zip(pieces, count(["".join(tokens[a:b]) for a, b in pieces]),
                         strict=True):
        assert a < b and not tokens[a].isspace() and not tokens[b - 1].isspace()
        assert n <= budget or b - a == 1  # over budget only when it is one token...
        covered.update(range(a, b))
    # ordered and disjoint
    assert all(b1 <= a2 for (_, b1), (a2, _) in zip(pieces, pieces[1:], strict=False))
    for i, tok in enumerate(tokens):  # ... and then it is left out, as is whitespace
        if i not in covered:
            assert tok.isspace() or count([tok])[0] > budget


def test_model_limit_takes_the_smaller_bound():
    class Tok:
        model_max_length = 10**30  # saved without a limit

    class Config:
        max_position_embeddings = 128

    class Model:
        config = Config()

    assert model_limit(Tok(), Model()) == 128
    Tok.model_max_length = 64
    assert model_limit(Tok(), Model()) == 64


def test_translate_a_long_text_piecewise():
    text = long_text(14)  # more model tokens than the model's 128 positions
    tokenizer, net = _hf.load_local("seq2seq", tiny_marian())
    count = token_counter(tokenizer)
    assert count([text])[0] > model_limit(tokenizer, net) == 128
    options = dict(mode="sample", max_new_tokens=16)
    out = T.translate([text, "Hi"], tiny_marian(), seeds=[5, 6], **options)
    # the pieces translated on their own, the whitespace between them as it was
    tokens = tokenize(text).tokens
    pieces = split_for_model(tokens, count, 16)
    assert len(pieces) > 5
    alone = T.translate(["".join(tokens[a:b]) for a, b in pieces], tiny_marian(),
                        seeds=[piece_seed(5, j) for j in range(len(pieces))], **options)
    want, cur = [], 0
    for (a, b), new in zip(pieces, alone, strict=True):
        want += ["".join(tokens[cur:a]), new.strip() or "".join(tokens[a:b])]
        cur = b
    assert out[0] == "".join(want) + "".join(tokens[cur:])
    assert "\n\n" in out[0]
    assert out[1] == T.translate(["Hi"], tiny_marian(), seeds=[6], **options)[0]


def test_back_translation_of_long_texts_never_fails_and_replays():
    huge = "ab" * 1500  # one token of about 3000 model tokens: left as it is
    texts = [long_text(30), f"Hello there. {huge} and more.", "Hi"]
    aug = T.BackTranslation(tiny_marian(), tiny_marian(), mode="sample", max_new_tokens=8)
    out = aug.batch(texts, seed=0, return_records=True)
    assert huge in out["texts"][1]
    for text, new, record in zip(texts, out["texts"], out["records"], strict=True):
        assert record.apply(text=text)["text"] == new
    assert aug(text=texts[0], seed=1)["text"]
    # more new tokens than the decoder's 128 positions: capped, not an IndexError
    wide = T.BackTranslation(tiny_marian(), tiny_marian(), num_beams=1, max_new_tokens=500)
    assert wide(text="Hi", seed=0)["text"]


def test_contextual_replacement_fills_every_piece_of_a_long_text():
    text = long_text(40)
    aug = T.ContextualReplacement(tiny_bert(), rate=0.3)
    out = aug(text=text, seed=0, return_record=True)
    positions = out["record"].steps[0].params["positions"]
    before, after = tokenize(text).tokens, tokenize(out["text"]).tokens
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert set(changed) <= set(positions)
    # words far past the model's 128 positions were replaced too
    count = token_counter(_hf.load_local("masked-lm", tiny_bert())[0])
    assert changed and count(["".join(before[:changed[-1]])])[0] > 2 * 128
    assert len(changed) > 0.5 * len(positions)
    batch = aug.batch([text, "The movie was great!"], seed=3, return_records=True)
    for t, new, record in zip([text, "The movie was great!"], batch["texts"],
                              batch["records"], strict=True):
        assert record.apply(text=t)["text"] == new


def test_splitting_counts_each_character_a_few_times_only():
    # no piece is counted again and again: the counter sees O(len(text)) characters in all
    seen = []

    def count(strs):
        seen.append(sum(map(len, strs)))
        return word_count(strs)

    text = long_text(400) + " " + " ".join(["word"] * 3000) + "."  # one sentence far too long
    tokens = tokenize(text).tokens
    pieces = split_for_model(tokens, count, 40)
    assert len(pieces) > 200
    assert sum(seen) <= 5 * len(text) and len(seen) <= 10
