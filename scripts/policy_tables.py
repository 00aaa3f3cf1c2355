"""Rewrite the magnitude and op-set tables of docs/policies.md from the code.

Run from the repository root after changing a magnitude hook or an op set:

    .venv/bin/python scripts/policy_tables.py

(tests/test_policies.py fails while the docs and the code disagree.)
"""

from __future__ import annotations

import re
from pathlib import Path

from augkit.policies.ops import family_table, magnitude_table

DOC = Path(__file__).resolve().parents[1] / "docs" / "policies.md"
TABLE = re.compile(r"^\| op \| (what m sets|augkit transform) \|.*?(?=\n\n|\Z)", re.S | re.M)


def main() -> None:
    text = DOC.read_text()
    tables = [magnitude_table(m) for m in ("image", "text", "timeseries")]
    tables += [family_table(f) for f in ("standard", "wide", "augmix")]
    found = TABLE.findall(text)
    if len(found) != len(tables):
        raise SystemExit(f"{DOC}: expected {len(tables)} tables, found {len(found)}")
    parts = iter(tables)
    DOC.write_text(TABLE.sub(lambda _: next(parts), text))


if __name__ == "__main__":
    main()
