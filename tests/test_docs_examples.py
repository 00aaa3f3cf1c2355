"""The Python examples in README.md and docs/*.md run as written.

A file's blocks run top to bottom in one namespace, as a reader would type them, so a later
block may use names an earlier block of the same file defined.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def python_blocks(path: Path) -> list[str]:
    return re.findall(r"```python\n(.*?)```", path.read_text(), flags=re.S)


def test_every_doc_file_is_found():
    names = {p.name for p in DOCS}
    assert {"README.md", "text.md", "timeseries.md"} <= names


@pytest.mark.parametrize("path", [p for p in DOCS if python_blocks(p)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_doc_python_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # examples may write files
    namespace = {"__name__": "__docs__"}
    for index, block in enumerate(python_blocks(path)):
        exec(compile(block, f"{path.relative_to(ROOT)} block {index}", "exec"), namespace)
