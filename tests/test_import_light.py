"""`import augkit` and its modality packages stay light: heavy extras load only when used."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("torch", "transformers", "matplotlib", "numba", "ray", "sentence_transformers")


def test_importing_augkit_loads_no_heavy_dependency():
    code = ("import sys, augkit, augkit.image, augkit.text, augkit.timeseries; "
            f"print([m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_core_imports_no_modality():
    code = ("import sys, augkit.core; "
            "print([m for m in sys.modules if m.startswith(('augkit.image', 'augkit.text', "
            "'augkit.timeseries'))])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout
