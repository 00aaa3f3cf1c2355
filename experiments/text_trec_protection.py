"""Does protecting question words (and not forcing edits) matter for question classification?

TREC (6 coarse classes), a low-resource regime: ``--train`` questions drawn per seed from the
training set, each augmented ``--n-aug`` times with EDA at rate 0.1, a softmax-regression
classifier on hashed word uni- and bigrams, accuracy on the full TREC test set (500).
Conditions (same subset, same classifier seed, per seed):

- ``none``: no augmentation;
- ``forced, unprotected``: EDA with every protection off, each output forced to differ from
  the input (resampled until changed, as an augmenter that always edits);
- ``forced, protected``: the same, with augkit's default protection (question words,
  negations, stop words);
- ``augkit default``: protection on and no forced edit (unchanged outputs are kept).

Reports mean accuracy, standard deviation over seeds, and paired differences with 95%
t-intervals; also how often an augmented question lost its question word.

Run: ``.venv/bin/python experiments/text_trec_protection.py`` (about a minute per seed on
one core). Writes experiments/results/text_trec_protection.{md,json}.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import zlib
from pathlib import Path

import numpy as np

from augkit import text as T
from augkit.text.tokenize import tokenize
from augkit.text.vocab import QUESTION_WORDS

ROOT = Path(__file__).resolve().parents[1]
TREC = ROOT.parent / "shared" / "datasets" / "text" / "trec"
RESULTS = ROOT / "experiments" / "results"
DIM = 2**12
# two-sided 97.5% t quantiles for small samples (df -> t)
T975 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26,
        10: 2.23, 11: 2.20, 12: 2.18, 14: 2.14, 19: 2.09, 29: 2.05}


def load(name: str) -> tuple[list[str], np.ndarray]:
    path = TREC / name
    if not path.exists():
        sys.exit(f"TREC not found at {path} (the shared datasets folder)")
    texts, labels = [], []
    for line in path.read_text(encoding="latin-1").splitlines():
        label, text = line.split(" ", 1)
        texts.append(text)
        labels.append(int(label))
    return texts, np.array(labels)


def features(texts: list[str]) -> np.ndarray:
    """Hashed binary word uni- and bigrams (crc32: the same in every process)."""
    x = np.zeros((len(texts), DIM), np.float32)
    for row, text in enumerate(texts):
        toks = tokenize(text.lower())
        words = [toks.tokens[i] for i in toks.words] or ["<empty>"]
        grams = words + [a + " " + b for a, b in zip(words, words[1:], strict=False)]
        for g in grams:
            x[row, zlib.crc32(g.encode()) % DIM] = 1.0
    return x


def train_softmax(x: np.ndarray, y: np.ndarray, seed: int, steps: int = 200,
                  lr: float = 0.05, l2: float = 1e-4) -> np.ndarray:
    rng = np.random.default_rng(seed)
    k = int(y.max()) + 1
    w = rng.normal(0, 0.01, size=(x.shape[1], k)).astype(np.float32)
    b = np.zeros(k, np.float32)
    onehot = np.eye(k, dtype=np.float32)[y]
    m = [np.zeros_like(w), np.zeros_like(b)]
    v = [np.zeros_like(w), np.zeros_like(b)]
    for t in range(1, steps + 1):  # full-batch Adam
        logits = x @ w + b
        logits -= logits.max(1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(1, keepdims=True)
        g = (p - onehot) / len(y)
        grads = [x.T @ g + l2 * w, g.sum(0)]
        for i, (param, grad) in enumerate(zip((w, b), grads, strict=True)):
            m[i] = 0.9 * m[i] + 0.1 * grad
            v[i] = 0.999 * v[i] + 0.001 * grad**2
            param -= lr * (m[i] / (1 - 0.9**t)) / (np.sqrt(v[i] / (1 - 0.999**t)) + 1e-8)
    return np.concatenate([w, b[None]], 0)


def accuracy(params: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(((x @ params[:-1] + params[-1]).argmax(1) == y).mean())


def has_question_word(text: str) -> bool:
    toks = tokenize(text)
    return any(toks.tokens[i].lower() in QUESTION_WORDS for i in toks.words)


def augmented(texts, labels, condition: str, n_aug: int, seed: int):
    off = dict(protect_stopwords=False, protect_negations=False, protect_questions=False)
    rng = np.random.default_rng(seed)
    out_t, out_y, lost, had = [], [], 0, 0
    for text, label in zip(texts, labels, strict=True):
        if condition == "forced, unprotected":
            new = T.augment(text, T.eda(rate=0.1, **off), n_aug=n_aug, rng=rng).texts
        elif condition == "forced, protected":
            new = T.augment(text, T.eda(rate=0.1), n_aug=n_aug, rng=rng).texts
        else:  # augkit default: protected, unchanged outputs allowed
            op = T.eda(rate=0.1)
            new = [op(text=text, rng=rng)["text"] for _ in range(n_aug)]
        if has_question_word(text):
            had += len(new)
            lost += sum(not has_question_word(t) for t in new)
        out_t += new
        out_y += [label] * len(new)
    return out_t, np.array(out_y, dtype=labels.dtype), (lost / had if had else 0.0)


CONDITIONS = ["none", "forced, unprotected", "forced, protected", "augkit default"]


def interval(diffs: list[float]) -> tuple[float, float]:
    d = np.asarray(diffs)
    if len(d) < 2:
        return float(d.mean()), float("nan")
    df = len(d) - 1
    t = T975.get(df, T975[max(k for k in T975 if k <= df)])
    return float(d.mean()), float(t * d.std(ddof=1) / math.sqrt(len(d)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--train", type=int, default=500)
    parser.add_argument("--n-aug", type=int, default=4)
    args = parser.parse_args()
    train_t, train_y = load("TREC.train.all")
    test_t, test_y = load("TREC.test.all")
    x_test = features(test_t)
    acc: dict[str, list[float]] = {c: [] for c in CONDITIONS}
    lost: dict[str, list[float]] = {c: [] for c in CONDITIONS[1:]}
    for seed in range(args.seeds):
        idx = np.random.default_rng(1000 + seed).choice(len(train_t), args.train, replace=False)
        texts, labels = [train_t[i] for i in idx], train_y[idx]
        for cond in CONDITIONS:
            t, y = list(texts), labels
            if cond != "none":
                extra_t, extra_y, frac = augmented(texts, labels, cond, args.n_aug, seed)
                t, y = t + extra_t, np.concatenate([labels, extra_y])
                lost[cond].append(frac)
            acc[cond].append(accuracy(train_softmax(features(t), y, seed), x_test, test_y))
        print(f"seed {seed}: " + ", ".join(f"{c} {acc[c][-1]:.3f}" for c in CONDITIONS),
              flush=True)
    report(acc, lost, args)


def report(acc, lost, args) -> None:
    lines = [f"TREC-6, {args.train} training questions per seed (+{args.n_aug} EDA outputs "
             f"each at rate 0.1), softmax regression on hashed uni+bigrams, test accuracy on "
             f"500 questions, {args.seeds} seeds.", "",
             "| condition | accuracy (mean ± sd) | vs none (mean, 95% CI) | outputs that lost "
             "their question word |", "|---|---:|---:|---:|"]
    for c in CONDITIONS:
        a = np.asarray(acc[c])
        if c == "none":
            diff, share = "—", "—"
        else:
            mean, half = interval([x - y for x, y in zip(acc[c], acc["none"], strict=True)])
            diff = f"{mean * 100:+.2f} ± {half * 100:.2f} pts"
            share = f"{np.mean(lost[c]) * 100:.1f}%"
        lines.append(f"| {c} | {a.mean() * 100:.2f} ± {a.std(ddof=1) * 100:.2f} | {diff} | "
                     f"{share} |")
    mean, half = interval([x - y for x, y in zip(acc["forced, protected"],
                                                 acc["forced, unprotected"], strict=True)])
    lines += ["", f"Protection effect (forced, protected - forced, unprotected): "
              f"{mean * 100:+.2f} ± {half * 100:.2f} pts (95% CI, paired over seeds)."]
    mean, half = interval([x - y for x, y in zip(acc["augkit default"],
                                                 acc["forced, protected"], strict=True)])
    lines += [f"No-forced-edit effect (augkit default - forced, protected): "
              f"{mean * 100:+.2f} ± {half * 100:.2f} pts."]
    table = "\n".join(lines) + "\n"
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "text_trec_protection.md").write_text(table)
    (RESULTS / "text_trec_protection.json").write_text(json.dumps(
        {"args": vars(args), "accuracy": acc, "lost_question_word": lost}, indent=2) + "\n")


if __name__ == "__main__":
    main()
