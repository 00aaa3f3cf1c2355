"""The bundled English thesaurus: WordNet 3.0 synonyms and antonyms, offline.

Built by ``scripts/build_lexicon.py`` into ``augkit/resources/text/wordnet_lexicon.json.gz``
(about 2 MB, loaded once on first use). Lookups are part-of-speech aware: a lemma's senses are
grouped by POS, and POS are ordered by how often the lemma is tagged with each in SemCor.
Antonyms are deliberately wide (see the build script) because they are only used to *reject*
replacements.

>>> lex = get_lexicon()
>>> "film" in lex.synonyms("movie")
True
>>> "dispensable" in lex.antonyms("essential")
True
"""

from __future__ import annotations

import gzip
import json
from functools import lru_cache
from importlib import resources

from augkit.text.vocab import DETERMINERS, VERB_CUES

POS_TAGS = ("n", "v", "a", "r")
LEXICON_FILE = "wordnet_lexicon.json.gz"


class Lexicon:
    """Synonym/antonym lookups over a lexicon dict (the format the build script writes)."""

    def __init__(self, data: dict):
        self._synsets: list[list[str]] = data["synsets"]
        self._words: dict[str, list] = data["words"]
        self._antonyms: dict[str, list[str]] = data["antonyms"]
        self._cache: dict[tuple, tuple[str, ...]] = {}
        self._antonym_sets: dict[str, frozenset[str]] = {}

    def __contains__(self, word: str) -> bool:
        return word.lower() in self._words

    def pos_tags(self, word: str) -> list[str]:
        """POS tags the lemma has senses with synonyms for, most frequent first."""
        return [entry[0] for entry in self._words.get(word.lower(), ())]

    def guess_pos(self, word: str, previous: str | None = None) -> str | None:
        """The likely POS of ``word`` after the word ``previous``: a two-rule context cue
        (after a determiner: noun or adjective; after 'to' or a modal: verb) on top of the
        lemma's most frequent POS."""
        tags = self.pos_tags(word)
        if not tags:
            return None
        prev = (previous or "").lower()
        if prev in DETERMINERS:
            preferred = [t for t in tags if t in ("n", "a")]
        elif prev in VERB_CUES:
            preferred = [t for t in tags if t == "v"]
        else:
            preferred = []
        return (preferred or tags)[0]

    def synonyms(self, word: str, pos: str | None = None, max_senses: int | None = None,
                 multiword: bool = False) -> tuple[str, ...]:
        """Synonyms of ``word`` (lower-case), from its first ``max_senses`` senses of ``pos``
        (all POS when None), never including the word itself or any of its antonyms."""
        key = (word.lower(), pos, max_senses, multiword)
        found = self._cache.get(key)
        if found is None:
            found = self._lookup(*key)
            self._cache[key] = found
        return found

    def _lookup(self, word: str, pos: str | None, max_senses: int | None,
                multiword: bool) -> tuple[str, ...]:
        seen: dict[str, None] = {}
        for tag, _count, ids in self._words.get(word, ()):
            if pos is not None and tag != pos:
                continue
            for synset in ids[:max_senses]:
                if synset < 0:
                    continue
                for lemma in self._synsets[synset]:
                    if multiword or " " not in lemma:
                        seen[lemma] = None
        seen.pop(word, None)
        banned = self.antonyms(word)  # symmetric by construction: one direction suffices
        return tuple(s for s in seen if s not in banned)

    def antonyms(self, word: str) -> frozenset[str]:
        found = self._antonym_sets.get(word)
        if found is None:
            found = frozenset(self._antonyms.get(word.lower(), ()))
            self._antonym_sets[word] = found
        return found


def find_synonyms(lex: Lexicon, lower: str, cue: str, max_senses: int | None,
                  multiword: bool) -> tuple[str, ...]:
    """What the lexicon ops replace the lower-cased word ``lower`` by: synonyms of its
    likely POS after the cue word ``cue`` ("the", "to" or ""); for a regular plural of a
    noun not in the lexicon, plural synonyms of the singular.

    >>> find_synonyms(get_lexicon(), "films", "", 3, False)[:3]
    ('movies', 'pictures', 'pics')
    """
    if lower in lex:
        pos = lex.guess_pos(lower, cue)
        return lex.synonyms(lower, pos, max_senses, multiword)
    stem = lower[:-1]
    if lower.endswith("s") and not lower.endswith("ss") and "n" in lex.pos_tags(stem):
        return tuple(s + "s" for s in lex.synonyms(stem, "n", max_senses, False)
                     if not s.endswith(("s", "x", "z", "y", "ch", "sh")))
    return ()


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The bundled lexicon, loaded once per process."""
    path = resources.files("augkit.resources").joinpath("text", LEXICON_FILE)
    with path.open("rb") as fh:
        data = json.loads(gzip.decompress(fh.read()))
    return Lexicon(data)


def load_lexicon(source: str = "bundled") -> Lexicon:
    """``"bundled"`` (default, offline) or ``"nltk"`` (NLTK's WordNet, if installed with its
    data; built into the same structure once)."""
    if source == "bundled":
        return get_lexicon()
    if source == "nltk":
        return _nltk_lexicon()
    raise ValueError(f"lexicon source {source!r} is not one of ['bundled', 'nltk']")


@lru_cache(maxsize=1)
def _nltk_lexicon() -> Lexicon:
    try:
        from nltk.corpus import wordnet as wn

        wn.ensure_loaded()
    except (ImportError, LookupError) as err:
        raise RuntimeError(
            "lexicon='nltk' needs NLTK with its WordNet data (pip install nltk, then "
            "python -m nltk.downloader wordnet on a machine with internet); "
            "the bundled lexicon (lexicon='bundled') needs neither"
        ) from err
    synsets: list[list[str]] = []
    index: dict[str, int] = {}
    words: dict[str, list] = {}
    antonyms: dict[str, set[str]] = {}
    pos_map = {"n": "n", "v": "v", "a": "a", "s": "a", "r": "r"}
    for synset in wn.all_synsets():
        lemmas = [lemma.name().replace("_", " ").lower() for lemma in synset.lemmas()]
        index[synset.name()] = len(synsets)
        synsets.append(list(dict.fromkeys(lemmas)))
        for lemma in synset.lemmas():
            for ant in lemma.antonyms():
                a, b = lemma.name().lower(), ant.name().replace("_", " ").lower()
                antonyms.setdefault(a, set()).add(b)
                antonyms.setdefault(b, set()).add(a)
    for lemma_name in wn.all_lemma_names():
        if "_" in lemma_name:
            continue
        entries: dict[str, list] = {}
        for synset in wn.synsets(lemma_name):
            tag = pos_map[synset.pos()]
            count = sum(lm.count() for lm in synset.lemmas() if lm.name().lower() == lemma_name)
            entry = entries.setdefault(tag, [tag, 0, []])
            entry[1] += count
            entry[2].append(index[synset.name()])
        words[lemma_name] = sorted(entries.values(), key=lambda e: -e[1])
    return Lexicon({"synsets": synsets, "words": words,
                    "antonyms": {k: sorted(v) for k, v in antonyms.items()}})
