"""Long-text speed: every registered text op on one long text (10 KB, 100 KB, 1 MB).

Seconds per call, single call (``op(text=t)``) and batch of one with its record
(``op.batch([t], return_records=True)``), on
SST-2 training sentences (capitalised, one sentence after another) cut to the size, or on
a generated English-like text when the shared dataset is absent. Model ops run on the tiny
random local models of ``augkit.text.testing``: their times are the splitting and
batching plus a network of 16 units, not a real model's (BackTranslation with
``max_new_tokens=16``, so a long text goes in pieces of at most 16 tokens; torch on one
thread). A cell that takes longer than ``--limit`` seconds is stopped and reported as
``> limit``; an exception is reported by its type. A cell is the best of three runs (one
run when it takes over a second).

Run: ``PYTHONPATH=src .venv/bin/python benchmarks/text_long.py [--sizes 10000,100000]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import augkit  # noqa: F401
from augkit.core.registry import registered

ROOT = Path(__file__).resolve().parents[1]
SST2 = ROOT.parent / "shared" / "datasets" / "text" / "sst2" / "stsa.binary.train"


def long_text(size: int) -> str:
    if SST2.exists():
        lines = SST2.read_text(encoding="utf-8", errors="replace").splitlines()
        sentences = [line.split(" ", 1)[1] for line in lines]
    else:  # a generated stand-in: common words in sentences of 8-20 words
        rng = np.random.default_rng(0)
        vocab = ("the movie was a great film and actors were good but story felt slow "
                 "not what people expected from this director music however is bright").split()
        sentences = [" ".join(rng.choice(vocab, rng.integers(8, 21))) + " ."
                     for _ in range(5000)]
    parts, total, k = [], 0, 0
    while total < size:
        s = sentences[k % len(sentences)]
        s = s[:1].upper() + s[1:] + " "
        parts.append(s)
        total += len(s)
        k += 1
    return "".join(parts)[:size]


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


def timed(fn, limit: float, repeats: int = 3) -> str:
    """Best of ``repeats`` runs (only one when a run takes over a second), or the error."""
    signal.signal(signal.SIGALRM, _alarm)
    best = float("inf")
    for _ in range(repeats):
        signal.setitimer(signal.ITIMER_REAL, limit)
        start = time.perf_counter()
        try:
            fn()
        except Timeout:
            return f"> {limit:.0f} s"
        except Exception as err:  # noqa: BLE001 - reported in the table
            return type(err).__name__
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        best = min(best, time.perf_counter() - start)
        if best > 1.0:
            break
    return f"{best:.3f} s"


def build_ops(models: str) -> dict:
    import torch

    from augkit.text.testing import make_tiny_bert, make_tiny_marian

    torch.set_num_threads(1)  # two threads on a busy 2-core machine: spin-waits, 30x slower

    ops = {}
    for name, cls in registered().items():
        if cls.modality != "text":
            continue
        if name == "BackTranslation":
            marian = make_tiny_marian(f"{models}/marian")
            ops[name] = cls(marian, marian, max_new_tokens=16, num_beams=1)
        elif name == "ContextualReplacement":
            ops[name] = cls(make_tiny_bert(f"{models}/bert"))
        else:
            ops[name] = cls()
    return ops


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--limit", type=float, default=20.0)
    parser.add_argument("--ops", default="", help="comma-separated op names (default: all)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    with tempfile.TemporaryDirectory() as models:
        ops = build_ops(models)
        if args.ops:
            ops = {k: v for k, v in ops.items() if k in args.ops.split(",")}
        texts = {n: long_text(n) for n in sizes}
        for op in ops.values():  # lazy loads (lexicon, tables, models) out of the timing
            op(text="A short warm-up sentence.", seed=0)
            op.batch(["A short warm-up sentence."], seed=0)
        head = " | ".join(f"{n // 1000} KB {m}" for n in sizes for m in ("call", "batch"))
        print(f"| op | {head} |")
        print("|---|" + "---:|" * (2 * len(sizes)))
        # batch: op.batch([text], return_records=True), so the per-text records are built
        for name, op in ops.items():
            cells = []
            for n in sizes:
                text = texts[n]
                cells.append(timed(lambda: op(text=text, seed=1), args.limit))  # noqa: B023
                cells.append(timed(lambda: op.batch([text], seed=1,  # noqa: B023
                                                    return_records=True), args.limit))
            print(f"| {name} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nPython {sys.version.split()[0]}, load average "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
