"""Small word lists: protected words (stop words, negations, question words) and the
character-confusion tables used by the noise ops. Hand-written for augkit."""

from __future__ import annotations

NEGATIONS = frozenset("""
not no never nor none nobody nothing nowhere neither cannot without hardly barely scarcely
""".split())

QUESTION_WORDS = frozenset("what who whom whose which when where why how whatever".split())

# Function words: they carry grammar rather than content, and EDA leaves them alone.
STOPWORDS = frozenset("""
a an the and or but if then else so than too very just also only both either each every all
any some such own same other another more most much many few less least several
i me my mine myself we us our ours ourselves you your yours yourself yourselves he him his
himself she her hers herself it its itself they them their theirs themselves one ones
this that these those there here
am is are was were be been being have has had having do does did doing done
will would shall should can could may might must ought
to of in on at by for with about against between into through during before after above
below from up down out off over under again further once as until while because since
upon onto within among across behind beyond toward towards per via
's 're 've 'd 'll 'm s t d ll m re ve y
""".split())

DETERMINERS = frozenset("""
a an the this that these those my your his her its our their some any no every each
""".split())

VERB_CUES = frozenset("to will would shall should can could may might must did does do".split())


def is_negation(lower: str) -> bool:
    return lower in NEGATIONS or lower.endswith(("n't", "n\u2019t"))


def _qwerty_neighbours() -> dict[str, str]:
    rows = ["1234567890-", "qwertyuiop", "asdfghjkl;", "zxcvbnm,."]
    out: dict[str, str] = {}
    for r, row in enumerate(rows):
        for c, ch in enumerate(row):
            near = []
            for dr in (-1, 0, 1):
                rr = r + dr
                if 0 <= rr < len(rows):
                    for dc in (-1, 0, 1):
                        cc = c + dc
                        if (dr or dc) and 0 <= cc < len(rows[rr]) and (
                                rows[rr][cc].isalpha() == ch.isalpha() and rows[rr][cc].isalnum()):
                            near.append(rows[rr][cc])
            if ch.isalnum():
                out[ch] = "".join(near)
    return out


KEYBOARD = _qwerty_neighbours()

# What OCR engines commonly read a glyph (or pair of glyphs) as.
OCR_CONFUSIONS: dict[str, tuple[str, ...]] = {
    "o": ("0",), "O": ("0", "Q", "D"), "0": ("O", "o"), "l": ("1", "I", "|"), "I": ("1", "l"),
    "1": ("l", "I"), "i": ("l", "1"), "S": ("5", "$"), "s": ("5",), "5": ("S",), "B": ("8",),
    "8": ("B",), "g": ("9", "q"), "q": ("9", "g"), "Z": ("2",), "z": ("2",), "2": ("Z",),
    "e": ("c",), "c": ("e",), "a": ("o",), "u": ("v",), "v": ("u",), "G": ("6",), "6": ("G", "b"),
    "b": ("6", "h"), "h": ("b",), "n": ("h", "ri"), "m": ("rn", "nn"), "rn": ("m",), "cl": ("d",),
    "d": ("cl",), "w": ("vv",), "vv": ("w",), "t": ("f",), "f": ("t",), "E": ("F",), "T": ("7",),
    "7": ("T",),
}

LETTERS = "abcdefghijklmnopqrstuvwxyz"
