"""Text augmentation speed: augkit vs nlpaug and TextAttack, same process, same sentences.

Sentences per second for synonym replacement, the EDA family and character noise on the
first ``--n`` sentences of SST-2 (train), one output per input sentence, single process,
one thread, best of ``--repeats`` passes after a warm-up pass. Settings are matched: 10% of
words per sentence, WordNet synonyms, one output per input.

Every library gets the whole list in one call: augkit through its batch API
(``op.batch(sentences)``, vectorised over code points), nlpaug through its own
``augment(list)`` (its EDA flow sentence by sentence: a flow given a list returns a single
output), TextAttack through ``augment_many(list)``. augkit's one-call-per-sentence
rate (``op(text=s)``) is reported next to it. Before every timed pass augkit forgets what it
learnt from the sentences in earlier passes (tokenizer cache, per-word memos, lexicon
lookups); what it keeps is independent of the input: the loaded lexicon and the lookup
tables the batch path builds from it once (built in the warm-up pass, not timed).

Peers need WordNet through NLTK. Nothing is downloaded: the script builds an NLTK WordNet
folder from the WordNet 3.0 database of Debian's ``wordnet-base`` package
(/usr/share/wordnet), gives TextAttack's stop-word constraint augkit's own stop-word list as
NLTK's ``stopwords/english``, and makes ``nltk.download`` a no-op. NLTK's POS tagger data
cannot be had offline, so nlpaug's ``pos_tag`` is replaced by a constant noun tag: that
removes nlpaug's tagging cost, so nlpaug's numbers here are *faster* than nlpaug really is.

Run (peers in their own virtualenv, augkit installed editable there):

    apt-get install -y wordnet-base
    bash benchmarks/setup_text_peers.sh
    benchmarks/.venv-text/bin/python benchmarks/text_speed.py

Without the peer virtualenv, ``.venv/bin/python benchmarks/text_speed.py`` times augkit alone.
Writes benchmarks/results/text_speed.{md,json}.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import shutil  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from importlib import metadata  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import augkit  # noqa: E402
from augkit import text as T  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
SST2 = ROOT.parent / "shared" / "datasets" / "text" / "sst2" / "stsa.binary.train"
WORDNET = Path("/usr/share/wordnet")
NLTK_DATA = Path(sys.prefix) / "nltk_data"  # inside the (git-ignored) peer virtualenv
RATE = 0.1

# WordNet's lexicographer file names (NLTK's reader wants this small index; Debian omits it)
LEXNAMES = """adj.all adj.pert adv.all noun.Tops noun.act noun.animal noun.artifact
noun.attribute noun.body noun.cognition noun.communication noun.event noun.feeling noun.food
noun.group noun.location noun.motive noun.object noun.person noun.phenomenon noun.plant
noun.possession noun.process noun.quantity noun.relation noun.shape noun.state noun.substance
noun.time verb.body verb.change verb.cognition verb.communication verb.competition
verb.consumption verb.contact verb.creation verb.emotion verb.motion verb.perception
verb.possession verb.social verb.stative verb.weather adj.ppl""".split()


def load_sentences(n: int) -> list[str]:
    if not SST2.exists():
        sys.exit(f"SST-2 not found at {SST2} (the shared datasets folder)")
    lines = SST2.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line.split(" ", 1)[1] for line in lines[:n]]


def clear_augkit_caches(ops=()) -> None:
    """Forget everything augkit learnt from the sentences of an earlier pass: the tokenizer's
    per-text cache, the per-word protection and synonym memos of ``ops`` (and of the ops
    inside them), the lexicon's per-word lookups and the per-character kind table. What
    stays is independent of the input: the loaded lexicon and the batch path's lookup
    tables built from it. (The ops are walked directly: scanning every object in the
    process would also flush the CPU caches, which no library here gets done to it.)"""
    from augkit.text.lexicon import get_lexicon

    tk = sys.modules["augkit.text.tokenize"]  # the module (augkit.text.tokenize is the function)
    tk.tokenize.cache_clear()
    tk._FIRST_CHAR_KIND.clear()
    lex = get_lexicon()
    lex._cache.clear()
    lex._antonym_sets.clear()
    todo = list(ops)
    while todo:
        op = todo.pop()
        todo.extend(getattr(op, "transforms", ()))
        for name in ("_memo", "_syn_cache"):
            memo = getattr(op, name, None)
            if isinstance(memo, dict):
                memo.clear()


def best_rate(fn, sentences: list[str], repeats: int, reset=None, whole: bool = False) -> float:
    """Best sentences/s over ``repeats`` passes; ``whole``: ``fn`` takes the whole list."""
    run = (lambda xs: fn(xs)) if whole else (lambda xs: [fn(x) for x in xs])
    out = run(sentences[:200])  # warm-up: lazy loads and input-independent tables
    assert len(out) == 200, "one output per input"
    best = float("inf")
    for _ in range(repeats):
        if reset is not None:  # no credit for having seen these sentences before
            reset()
        start = time.perf_counter()
        run(sentences)
        best = min(best, time.perf_counter() - start)
    return len(sentences) / best


def augkit_ops() -> dict:
    """name -> (op on the whole list via the batch API, op called once per sentence, a
    function that clears the op's caches)."""
    rng = np.random.default_rng(0)

    def pair(op):
        return (lambda xs: op.batch(xs, rng=rng)["texts"],
                lambda s: op(text=s, rng=rng)["text"],
                lambda: clear_augkit_caches([op]))

    return {
        "synonym replacement": pair(T.SynonymReplacement(rate=RATE)),
        "EDA (4 ops, one per output)": pair(T.eda(rate=RATE)),
        "random swap": pair(T.RandomSwap(rate=RATE)),
        "random deletion": pair(T.RandomDeletion(rate=RATE)),
        "keyboard typos": pair(T.KeyboardTypo(rate=RATE)),
        "OCR noise": pair(T.OCRNoise(rate=RATE)),
        "random char noise (any)": pair(T.RandomCharNoise(rate=RATE)),
    }


def setup_nltk() -> str | None:
    """An offline NLTK WordNet folder from Debian's WordNet 3.0 files; None when absent."""
    try:
        import nltk
    except ImportError:
        return "not installed in this environment"
    if not (WORDNET / "data.noun").exists():
        return "WordNet 3.0 database missing (apt-get install -y wordnet-base)"
    target = NLTK_DATA / "corpora" / "wordnet"
    if not (target / "lexnames").exists():
        target.mkdir(parents=True, exist_ok=True)
        for f in WORDNET.iterdir():
            if f.is_file():
                shutil.copy(f, target / f.name)
        (target / "lexnames").write_text("".join(
            f"{i:02d}\t{name}\t{ {'adj': 3, 'adv': 4, 'noun': 1, 'verb': 2}[name.split('.')[0]]}\n"
            for i, name in enumerate(LEXNAMES)))
        # sense-key index: only read for sense-key lookups, which no op here makes
        (target / "index.sense").write_text("")
    stop = NLTK_DATA / "corpora" / "stopwords"
    if not (stop / "english").exists():  # TextAttack's stop-word constraint reads it
        from augkit.text.vocab import STOPWORDS

        stop.mkdir(parents=True, exist_ok=True)
        (stop / "english").write_text("\n".join(sorted(STOPWORDS)) + "\n")
    os.environ["NLTK_DATA"] = str(NLTK_DATA)
    nltk.data.path.insert(0, str(NLTK_DATA))

    def no_download(*args, **kwargs):  # TextAttack calls it on import; nothing is fetched
        return False

    nltk.download = no_download
    return None


def nlpaug_ops() -> tuple[dict, str]:
    import nlpaug.augmenter.char as nac
    import nlpaug.augmenter.word as naw
    import nlpaug.flow as naf
    from nlpaug.model.word_dict.wordnet import WordNet

    # no tagger data offline: tag every token as a noun (cheaper than nlpaug's real tagging)
    WordNet.pos_tag = classmethod(lambda cls, tokens: [(t, "NN") for t in tokens])
    kw = dict(aug_p=RATE, aug_min=0)
    syn = naw.SynonymAug(aug_src="wordnet", **kw)
    swap = naw.RandomWordAug(action="swap", **kw)
    delete = naw.RandomWordAug(action="delete", **kw)
    eda3 = naf.Sometimes([syn, swap, delete], aug_p=1 / 3)
    char_kw = dict(aug_word_p=RATE, aug_char_max=1, aug_word_min=0, aug_char_min=1)
    ops = {
        "synonym replacement": syn.augment,
        # a flow given a list returns one output for the whole list: call it per sentence
        "EDA (4 ops, one per output)": lambda xs: [eda3.augment(x) for x in xs],
        "random swap": swap.augment,
        "random deletion": delete.augment,
        "keyboard typos": nac.KeyboardAug(include_special_char=False, include_numeric=False,
                                          **char_kw).augment,
        "OCR noise": nac.OcrAug(**char_kw).augment,
        "random char noise (any)": nac.RandomCharAug(action="substitute", **char_kw).augment,
    }
    return ops, metadata.version("nlpaug")


def textattack_ops() -> tuple[dict, str]:
    from textattack.augmentation import EasyDataAugmenter
    from textattack.augmentation.recipes import WordNetAugmenter

    eda = EasyDataAugmenter(pct_words_to_swap=RATE, transformations_per_example=1)
    syn = WordNetAugmenter(pct_words_to_swap=RATE, transformations_per_example=1)
    ops = {"synonym replacement": syn.augment_many,
           "EDA (4 ops, one per output)": eda.augment_many}
    return ops, metadata.version("textattack")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="sentences (SST-2 train)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="200 sentences, 1 repeat")
    args = parser.parse_args()
    if args.quick:
        args.n, args.repeats = 200, 1
    sentences = load_sentences(args.n)

    results: dict[str, dict[str, float]] = {}
    notes: list[str] = []
    libs = {"augkit": augkit.__version__}
    for name, (whole, single, clear) in augkit_ops().items():
        row = results.setdefault(name, {})
        row["augkit"] = best_rate(whole, sentences, args.repeats, clear, True)
        row["augkit per call"] = best_rate(single, sentences, args.repeats, clear)

    problem = setup_nltk()
    peers = [("nlpaug", nlpaug_ops), ("TextAttack", textattack_ops)]
    for peer, build in peers:
        if problem:
            notes.append(f"{peer}: not run, {problem}")
            continue
        try:
            ops, version = build()
        except Exception as err:  # not installed, or fails to import here
            notes.append(f"{peer}: not run ({type(err).__name__}: {str(err)[:160]})")
            continue
        libs[peer] = version
        # TextAttack is ~500x slower: one pass over the sentences is plenty of signal
        repeats = 1 if peer == "TextAttack" else args.repeats
        for name, fn in ops.items():
            np.random.seed(0)
            results[name][peer] = best_rate(fn, sentences, repeats, whole=True)

    write(results, libs, notes, args)


def write(results, libs, notes, args) -> None:
    peers = [p for p in ("nlpaug", "TextAttack") if p in libs]
    head = "| " + " | ".join(["op", "augkit (batch)", "augkit (per call)", *peers,
                              *(f"augkit / {p}" for p in peers)]) + " |"
    lines = [
        f"Sentences/s, first {args.n} SST-2 train sentences, 10% of words per sentence, one "
        f"output per input, one process, best of {args.repeats} (TextAttack: 1 pass); "
        + ", ".join(f"{k} {v}" for k, v in libs.items())
        + f"; Python {platform.python_version()}, {platform.machine()}.",
        "",
        head,
        "|---|" + "---:|" * (2 + 2 * len(peers)),
    ]
    for name, row in results.items():
        cells = [f"{row['augkit']:,.0f}", f"{row['augkit per call']:,.0f}"]
        cells += [f"{row[p]:,.0f}" if p in row else "—" for p in peers]
        cells += [f"{row['augkit'] / row[p]:.1f}x" if p in row else "—" for p in peers]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Notes:",
              "- One call per pass on the whole list: augkit `op.batch(list)` (vectorised), "
              "nlpaug `augment(list)` (its EDA flow per sentence: given a list, a flow returns one "
              "output), TextAttack `augment_many(list)`; 'augkit (per call)' "
              "is `op(text=s)` per sentence. augkit's caches of earlier passes are cleared "
              "before every timed pass.",
              "- nlpaug's POS tagger is replaced by a constant noun tag (its data cannot be "
              "fetched offline); this makes nlpaug faster than it is in real use.",
              "- nlpaug has no synonym insertion: its 'EDA' row picks one of synonym, swap and "
              "delete per sentence. TextAttack's row is its EasyDataAugmenter (all 4 EDA ops, "
              "transformations_per_example=1)."]
    lines += [f"- {n}" for n in notes]
    lines.append(f"- load average at the end (1/5/15 min): "
                 f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "text_speed.md").write_text(table)
    (RESULTS / "text_speed.json").write_text(json.dumps(
        {"sentences": args.n, "repeats": args.repeats, "libraries": libs, "notes": notes,
         "sentences_per_second": results}, indent=2) + "\n")


if __name__ == "__main__":
    main()
