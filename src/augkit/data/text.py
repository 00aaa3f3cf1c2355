"""Text datasets: CSV / TSV / JSONL tables with named text and label columns, and
"label-first" line files (``<label> <sentence>`` a line, as SST-2 and TREC ship)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from augkit.core.limits import short_repr
from augkit.data.sample import Dataset, Skipped


def read_text(path: Path) -> tuple[str, str]:
    """The file's text and encoding: UTF-8, else latin-1 (which decodes any bytes)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


class TextTable(Dataset):
    """A CSV, TSV or JSONL table; ``text_column`` (default ``text``) and ``label_column``
    (default ``label``; None for unlabeled data). Other columns ride along as extras. A row
    with an empty text or a JSONL line that is not an object is listed in ``skipped``."""

    modality, format = "text", "text-table"

    def __init__(self, path: Path, text_column: str = "text",
                 label_column: str | None = "label"):
        super().__init__(path, text_column=text_column, label_column=label_column)
        content, self.encoding = read_text(self.path)
        if self.encoding != "utf-8":
            self.notes.append(f"{self.path.name}: not valid UTF-8, read as latin-1")
        self.kind = {".jsonl": "jsonl", ".tsv": "tsv"}.get(self.path.suffix.lower(), "csv")
        rows = self._rows(content)
        needed = [(text_column, "text_column")] + (
            [(label_column, "label_column")] if label_column is not None else [])
        for column, flag in needed:
            if column not in self.columns:
                raise ValueError(f"{self.path}: no column {short_repr(column)} ({flag}); it "
                                 f"has {short_repr(self.columns)}")
        self.texts: list[str] = []
        for line, row in rows:
            text = row.get(text_column)
            if not isinstance(text, str) or not text.strip():
                self.skipped.append(Skipped(f"row {line}", "undecodable",
                                            f"line {line}: empty or missing text"))
                continue
            self.keys.append(str(len(self.keys)))
            self.texts.append(text)
            label = row.get(label_column) if label_column else None
            self.labels.append(None if label is None else str(label))
            self.extras.append(row)

    def _rows(self, content: str) -> list[tuple[int, dict[str, Any]]]:
        if self.kind == "jsonl":
            rows, columns = [], {}
            for line, text in enumerate(content.splitlines(), start=1):
                if not text.strip():
                    continue
                try:
                    row = json.loads(text)
                except json.JSONDecodeError as err:
                    self.skipped.append(Skipped(f"line {line}", "corrupt", err.msg))
                    continue
                if not isinstance(row, dict):
                    self.skipped.append(Skipped(f"line {line}", "wrong shape",
                                                "a JSONL line must be an object"))
                    continue
                columns.update(dict.fromkeys(row))
                rows.append((line, row))
            self.columns = list(columns)
            return rows
        reader = csv.DictReader(io.StringIO(content, newline=""),
                                delimiter="\t" if self.kind == "tsv" else ",")
        self.columns = list(reader.fieldnames or [])
        return [(i, row) for i, row in enumerate(reader, start=2)]

    def _decode(self, i: int) -> str:
        return self.texts[i]


class LabelFirstLines(Dataset):
    """One example a line, ``<label> <text>`` (SST-2, TREC). Files that are not UTF-8 are
    read as latin-1, said in ``notes`` and written back in the same encoding."""

    modality, format = "text", "label-first-lines"

    def __init__(self, path: Path):
        super().__init__(path)
        content, self.encoding = read_text(self.path)
        if self.encoding != "utf-8":
            self.notes.append(f"{self.path.name}: not valid UTF-8, read as latin-1")
        self.texts: list[str] = []
        for line, text in enumerate(content.splitlines(), start=1):
            label, _, sentence = text.strip().partition(" ")
            if not sentence.strip():
                if text.strip():
                    self.skipped.append(Skipped(f"line {line}", "wrong shape",
                                                "expected '<label> <text>'"))
                continue
            self.keys.append(str(len(self.keys)))
            self.texts.append(sentence.strip())
            self.labels.append(label)
            self.extras.append({})

    def _decode(self, i: int) -> str:
        return self.texts[i]


def looks_label_first(path: Path) -> bool:
    """True when most of the first lines read ``<token> <more text>`` with a short token
    (the odd bad line is then listed in ``skipped``)."""
    try:
        with open(path, "rb") as handle:
            head = [h for h in handle.read(4096).decode("latin-1").splitlines()[:20] if h]
    except OSError:
        return False
    good = sum(len(h.split(" ", 1)) == 2 and 0 < len(h.split(" ", 1)[0]) <= 32 for h in head)
    return bool(head) and good * 2 > len(head)


def table_bytes(dataset: TextTable | LabelFirstLines, rows: list[tuple[str, str | None,
                                                                        dict]]) -> bytes:
    """The file a text dataset is written as: (text, label, extras) rows in the source's
    layout (same columns, delimiter and encoding)."""
    if isinstance(dataset, LabelFirstLines):
        lines = []
        for text, label, _ in rows:
            if label is None or not label or any(c.isspace() for c in label):
                raise ValueError(f"label {short_repr(label)} cannot be written in a label-first "
                                 "line file (it must be one word)")
            lines.append(f"{label} {' '.join(text.split())}\n")
        return "".join(lines).encode(dataset.encoding, errors="strict")
    text_col, label_col = dataset.options["text_column"], dataset.options["label_column"]
    records = []
    for text, label, extras in rows:
        row = dict(extras)
        row[text_col] = text
        if label_col is not None:
            row[label_col] = label
        records.append(row)
    if dataset.kind == "jsonl":
        body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        return body.encode(dataset.encoding)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=dataset.columns, lineterminator="\n",
                            delimiter="\t" if dataset.kind == "tsv" else ",")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode(dataset.encoding)
