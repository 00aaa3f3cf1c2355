"""Test-session settings.

On CI (``CI`` set) hypothesis runs derandomized: the same examples every run, so a landing
never depends on luck. Locally it keeps exploring new examples each run.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
