"""Long texts: the text kernels do linear work (counted, not timed), agree with the plain
reference implementations, and every op replays a long text's record exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from augkit import text as T
from augkit.text import functional as F
from augkit.text.base import distinct, pick, token_starts
from augkit.text.tokenize import tokenize
from augkit.text.vocab import KEYBOARD

SENTENCE = ("The quick brown fox didn't jump over 3 lazy dogs, but a modern scanned document "
            "was typed quickly by people who definitely believe in random character noise. ")


def long_text(n_chars: int) -> str:
    return (SENTENCE * (n_chars // len(SENTENCE) + 1))[:n_chars]


class CountingStr(str):
    """A str that counts the characters read through slicing, and stays a CountingStr
    through slicing and concatenation (so a rebuild-per-edit loop is counted in full)."""

    read = 0

    def __getitem__(self, key):
        piece = CountingStr(str.__getitem__(self, key))
        CountingStr.read += len(piece)
        return piece

    def __add__(self, other):
        return CountingStr(str.__add__(self, other))

    def __radd__(self, other):
        return CountingStr(str.__add__(other, self))


class CountingTuple(tuple):
    """A tuple that counts the items read through slicing."""

    read = 0

    def __getitem__(self, key):
        got = tuple.__getitem__(self, key)
        if isinstance(key, slice):
            CountingTuple.read += len(got)
        return got


def old_splice(text, edits):  # the quadratic reference: one rebuild of the text per edit
    out = text
    for pos, length, new in sorted(edits, key=lambda e: e[0], reverse=True):
        if 0 <= pos and pos + length <= len(text):
            out = out[:pos] + new + out[pos + length:]
    return out


def old_insert_tokens(text, insert):  # the quadratic reference: list.insert per piece
    tokens = list(tokenize(text).tokens)
    for i, piece in sorted(insert, key=lambda e: e[0], reverse=True):
        if 0 <= i <= len(tokens):
            tokens.insert(i, piece)
    return "".join(tokens)


def old_distinct(us, n, k):
    pool = list(range(n))
    for j in range(k):
        r = j + pick(us[j], n - j)
        pool[j], pool[r] = pool[r], pool[j]
    return pool[:k]


def test_splice_reads_each_character_once():
    text = long_text(20_000)
    edits = [[pos, 1, "xy"] for pos in range(0, 20_000, 40)]  # 500 edits
    CountingStr.read = 0
    out = F.splice(CountingStr(text), edits)
    assert CountingStr.read <= len(text)  # a rebuild per edit reads ~500 x 20,000
    assert out == old_splice(text, edits)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab c", min_size=0, max_size=40), st.data())
def test_splice_equals_the_rebuild_per_edit_reference(text, data):
    # non-overlapping edits in any order, insertions included (several at one position)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8)))
    edits = []
    for a, b in zip(cuts, cuts[1:] + [len(text)], strict=False):
        length = data.draw(st.integers(0, b - a))
        edits.append([a, length, data.draw(st.text(alphabet="XYZ", max_size=3))])
    # the reference mangles an insertion at the start of a replacement listed before it:
    # leave those out (splice keeps the replacement's order there, tested below)
    replaced = {e[0] for e in edits if e[1] > 0}
    edits = [e for e in edits if e[1] > 0 or e[0] not in replaced]
    shuffled = data.draw(st.permutations(edits))
    assert F.splice(text, shuffled) == old_splice(text, shuffled)


def test_splice_order_at_one_position():
    assert F.splice("abc", [[1, 0, "X"], [1, 0, "Y"]]) == "aYXbc"  # last listed first
    assert F.splice("abc", [[1, 1, "Z"], [1, 0, "X"]]) == "aXZc"
    assert F.splice("abc", [[1, 0, "X"], [1, 1, "Z"]]) == "aZc"  # overlaps: skipped
    assert F.splice("abc", [[0, 2, "Q"], [1, 1, "Z"], [5, 0, "W"]]) == "Qc"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["word", " ", "b", ",", "  "]), max_size=12).map("".join),
       st.lists(st.tuples(st.integers(-1, 14), st.sampled_from(["X ", " Y", "Z"])),
                max_size=6))
def test_insert_tokens_equals_the_list_insert_reference(text, insert):
    insert = [list(e) for e in insert]
    assert F.insert_tokens(text, insert) == old_insert_tokens(text, insert)


def test_token_starts_walks_the_tokens_once():
    tokens = tokenize(long_text(20_000)).tokens
    picked = list(range(0, len(tokens), 7))
    CountingTuple.read = 0
    starts = token_starts(CountingTuple(tokens), picked)
    assert CountingTuple.read <= len(tokens)  # a prefix sum per index: ~n^2 / 14 reads
    for i, start in list(zip(picked, starts, strict=True))[::97] + [(picked[-1], starts[-1])]:
        assert start == sum(map(len, tokens[:i]))


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 60), st.data())
def test_distinct_is_the_partial_fisher_yates(n, data):
    k = data.draw(st.integers(0, n))
    us = data.draw(st.lists(st.floats(0, 1, exclude_max=True), min_size=k, max_size=k))
    assert distinct(us, n, k) == old_distinct(us, n, k)


def test_distinct_does_not_build_the_pool():
    # two of 10**15 items: a pool of every index (8 PB) cannot be built
    a, b = distinct([0.5, 0.999], 10**15, 2)
    assert a == 5 * 10**14 and a != b and 0 <= b < 10**15


LONG_OPS = [T.KeyboardTypo(rate=0.2), T.OCRNoise(rate=0.2), T.RandomCharNoise(rate=0.2),
            T.Misspelling(rate=0.5), T.RandomSwap(rate=0.2), T.RandomInsertion(rate=0.2),
            T.SynonymReplacement(rate=0.2), T.RandomDeletion(rate=0.2), T.WordShuffle()]


@pytest.mark.parametrize("op", LONG_OPS, ids=lambda op: type(op).__name__)
def test_long_text_records_replay_exactly(op):
    text = long_text(60_000)
    short = [SENTENCE.strip(), "A quick film about people.", "Not typed by hand."]
    single = op(text=text, seed=3, return_record=True)
    assert single["record"].apply(text=text)["text"] == single["text"] != text
    batch = op.batch([text, *short], seed=4, return_records=True)
    for t, new, record in zip([text, *short], batch["texts"], batch["records"], strict=True):
        assert record.apply(text=t)["text"] == new
    assert batch["texts"][0] != text


def test_char_noise_on_a_long_text_edits_about_rate_of_the_words():
    text = long_text(60_000)
    edits = T.KeyboardTypo(rate=0.1)(text=text, seed=0, return_record=True)[
        "record"].steps[0].params["edits"]
    n_words = len(tokenize(text).words)
    assert abs(len(edits) - 0.1 * n_words) < 0.02 * n_words
    assert [e[0] for e in edits] == sorted(e[0] for e in edits)
    # each edit replaces one letter or digit by a QWERTY neighbour, at the offset it names
    for pos, length, new in edits:
        assert length == 1 and new.lower() in KEYBOARD[text[pos].lower()]
