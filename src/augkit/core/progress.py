"""One progress bar for long jobs (dataset runner, label checks, sweeps): tqdm on stderr,
with rate and ETA; silent when switched off."""

from __future__ import annotations

import sys


class Progress:
    """``Progress(total, unit, what)``; call ``step(note)`` once per finished unit and
    ``close()`` at the end. ``enabled=None`` shows the bar only on a terminal."""

    def __init__(self, total: int, unit: str, what: str | None = None,
                 enabled: bool | None = True):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.bar = None
        if enabled:  # (tqdm is imported only for a bar shown: ~60 ms, mostly its version)
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=what, unit=unit, file=sys.stderr, leave=False)

    def step(self, note: str | None = None) -> None:
        if self.bar is None:
            return
        if note:
            self.bar.set_postfix_str(note[-40:], refresh=False)
        self.bar.update(1)

    __call__ = step  # usable as the ``progress(message)`` callback of augkit.quality

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
