"""Test-session settings.

On CI (``CI`` set) hypothesis runs derandomized: the same examples every run, so a landing
never depends on luck. Locally it keeps exploring new examples each run.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def ray_session():
    """A local Ray for the session (several seconds to start, once), shared by the Ray
    engine and Ray Data tests (both in xdist group "ray": one worker runs them all)."""
    import ray

    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, logging_level="ERROR")
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()
