"""The one data model every dataset feature uses: ``Sample``, ``Skipped`` and ``Dataset``.

A ``Dataset`` lists its items when it is opened (keys, labels, class names: cheap, no
decoding) and decodes one item at a time on ``load(i)``, so a runner over a large folder
stays flat in memory. A bad input never stops a run and is never dropped silently: it is
listed in ``dataset.skipped`` with its reason, at opening (unsafe name, symlink) or when it
is decoded (corrupt, truncated, undecodable, too large, wrong shape).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from augkit.data.imagefile import BadFile
from augkit.data.masks import AnnotationError


@dataclass
class Sample:
    """One item: ``key`` (relative path or row index, stable across runs: it names outputs
    and manifest rows), ``data`` (image ndarray, text str, or (T, C) series ndarray),
    ``label`` (a class name or None), ``extras`` (other columns, metadata) and, for
    detection sets, ``targets`` (see :mod:`augkit.data.detection`)."""

    key: str
    data: Any
    label: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)
    # detection sets: keyword targets for the pipeline (bboxes, labels, masks), else None
    targets: dict[str, Any] | None = None


@dataclass(frozen=True)
class Skipped:
    """An input left out, with why: ``reason`` is a short kind, ``detail`` says more."""

    key: str
    reason: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"key": self.key, "reason": self.reason, "detail": self.detail}


def _label_order(label: str) -> tuple[int, int, str]:
    digits = label[1:] if label[:1] == "-" else label
    return (0, int(label), "") if digits.isdigit() else (1, 0, label)


class Dataset:
    """Base of the readers. Subclasses fill ``keys``, ``labels`` (one per item, a string or
    None), ``extras`` (one dict per item) and ``skipped`` when opened, and implement
    ``_decode(i)``."""

    modality = "any"
    format = "?"
    per_file = False  # True when each item is its own file (the original can be copied)
    targets = None  # detection sets: a method (i, decoded image) -> keyword targets

    def __init__(self, path: Path, **options: Any):
        self.path = Path(path)
        self.options = options
        self.keys: list[str] = []
        self.labels: list[str | None] = []
        self.extras: list[dict[str, Any]] = []
        self.skipped: list[Skipped] = []
        self.notes: list[str] = []

    @property
    def class_names(self) -> list[str]:
        """The distinct labels (strings), integers in numeric order first, then the rest
        sorted; empty when the data has none."""
        return sorted({lab for lab in self.labels if lab is not None}, key=_label_order)

    def __len__(self) -> int:
        return len(self.keys)

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({str(self.path)!r}: {len(self)} {self.modality} items, "
                f"{len(self.class_names)} classes, {len(self.skipped)} skipped)")

    def _decode(self, i: int) -> Any:
        raise NotImplementedError

    def load(self, i: int) -> Sample:
        """Decode item ``i``; raises :class:`~augkit.data.imagefile.BadFile` (with
        ``reason``) when it cannot be used."""
        try:
            data = self._decode(i)
            targets = None if self.targets is None else self.targets(i, data)
        except BadFile:
            raise
        except AnnotationError as err:
            raise BadFile("bad annotation", " ".join(str(err).split())[:200]) from None
        except OSError as err:
            raise BadFile("unreadable", err.strerror or str(err)) from None
        except (ValueError, UnicodeDecodeError) as err:
            raise BadFile("undecodable", " ".join(str(err).split())[:200]) from None
        return Sample(self.keys[i], data, self.labels[i], dict(self.extras[i]), targets)

    def __getitem__(self, i: int) -> Sample:
        return self.load(i)

    def __iter__(self) -> Iterator[Sample]:
        """The usable samples in order; each bad one is appended to ``skipped``."""
        for i in range(len(self)):
            try:
                yield self.load(i)
            except BadFile as bad:
                self.skipped.append(Skipped(self.keys[i], bad.reason, bad.detail))

    def source_bytes(self, i: int) -> bytes:
        """The item's own file, for copying an original unchanged (per-file formats)."""
        raise TypeError(f"{self.format} items are not separate files")

    def describe(self) -> dict[str, Any]:
        """What is needed to open the same dataset again (stored in a run's state)."""
        return {"path": str(self.path.resolve()), "format": self.format, "modality": self.modality,
                "options": self.options}
