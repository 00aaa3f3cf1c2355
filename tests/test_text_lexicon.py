"""The bundled WordNet lexicon: content, POS awareness, antonyms, and its build script."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from augkit.text.lexicon import get_lexicon, load_lexicon

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "src/augkit/resources/text/wordnet_lexicon.json.gz"
WORDNET = Path("/usr/share/wordnet")


def test_synonyms_are_pos_aware_and_exclude_the_word():
    lex = get_lexicon()
    assert {"film", "picture"} <= set(lex.synonyms("movie"))
    assert "movie" not in lex.synonyms("movie")
    assert lex.pos_tags("quickly") == ["r"]
    # "run" as a verb vs as a noun gives different synonyms
    assert set(lex.synonyms("run", "v")) != set(lex.synonyms("run", "n"))
    assert lex.guess_pos("fast", "the") in ("n", "a")
    assert lex.guess_pos("run", "to") == "v"
    assert lex.synonyms("qwzzx") == ()


def test_max_senses_restricts_to_the_first_senses():
    lex = get_lexicon()
    few, all_ = set(lex.synonyms("great", "a", 3)), set(lex.synonyms("great", "a", None))
    assert few < all_


def test_antonyms_are_wide_and_symmetric():
    lex = get_lexicon()
    assert {"inessential", "dispensable"} <= lex.antonyms("essential")
    assert "essential" in lex.antonyms("dispensable")
    assert "bad" in lex.antonyms("good") and "good" in lex.antonyms("bad")


def test_no_word_lists_one_of_its_antonyms_as_a_synonym():
    lex = get_lexicon()
    words = sorted(lex._words)[::5]  # every fifth word: thousands, fast
    for word in words:
        for pos in lex.pos_tags(word):
            syns = lex.synonyms(word, pos, None, True)
            assert not set(syns) & lex.antonyms(word), word
            assert all(word not in lex.antonyms(s) for s in syns), word


def test_bundled_file_is_compact_and_licensed():
    assert BUNDLED.stat().st_size < 4_000_000
    notice = (BUNDLED.parent / "LICENSE-WordNet.txt").read_text()
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in notice


def test_unknown_lexicon_source_is_rejected():
    with pytest.raises(ValueError, match="'nltk'"):
        load_lexicon("thesaurus")


@pytest.mark.skipif(not (WORDNET / "data.noun").exists(),
                    reason="WordNet 3.0 database not installed (apt-get install wordnet-base)")
def test_build_script_reproduces_the_bundled_file(tmp_path):
    spec = importlib.util.spec_from_file_location("build_lexicon",
                                                  ROOT / "scripts/build_lexicon.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "lexicon.json.gz"
    module.main(["build_lexicon.py", str(WORDNET), str(out)])
    assert out.read_bytes() == BUNDLED.read_bytes()


def _nltk_wordnet_available() -> bool:
    try:
        from nltk.corpus import wordnet

        wordnet.ensure_loaded()
        return True
    except Exception:  # not installed, or installed without its WordNet data
        return False


@pytest.mark.skipif(not _nltk_wordnet_available(),
                    reason="optional: NLTK with its WordNet data is not installed")
def test_nltk_lexicon_gives_the_same_kind_of_answers():
    lex = load_lexicon("nltk")
    assert {"film", "picture"} <= set(lex.synonyms("movie"))
    assert "dispensable" in lex.antonyms("indispensable")
    assert "essential" not in lex.synonyms("essential")
