"""Timing shared by the benchmark scripts (imported by name: scripts run from this folder's
path, in augkit's venv and in the peers' venvs alike, so it needs nothing but the stdlib)."""

from __future__ import annotations

import time


def rate(fn, items: list, seconds: float, repeats: int = 2) -> float:
    """Items per second: best of ``repeats`` runs, each ~``seconds``, after a warm-up call on
    the first two items (lazy imports, caches)."""
    for item in items[:2]:
        fn(item)
    best = 0.0
    for _ in range(repeats):
        done, start = 0, time.perf_counter()
        while True:
            for item in items:
                fn(item)
            done += len(items)
            elapsed = time.perf_counter() - start
            if elapsed >= seconds:
                break
        best = max(best, done / elapsed)
    return best
