"""Path safety and atomic writes for everything augkit writes into a dataset folder.

Names that reach a destination come from the data (file names, CSV cells, labels), so each
is checked as a *relative* path of plain parts before it is joined, and the joined path is
resolved and must stay inside the destination (a symlinked folder pointing out is refused).

>>> from pathlib import Path
>>> safe_relative("cats/001.png", "file name")
'cats/001.png'
>>> try:
...     safe_relative("../etc/passwd", "file name")
... except ValueError as err:
...     print(str(err).split(";")[0])
file name '../etc/passwd' is unsafe: '..' parts are not allowed
"""

from __future__ import annotations

import itertools
import os
from pathlib import Path, PurePosixPath

from augkit.core.limits import short_repr

TMP_PREFIX = ".augkit-tmp-"


def _unsafe(what: str, value: str, why: str) -> ValueError:
    return ValueError(f"{what} {short_repr(value)} is unsafe: {why}; expected a relative path "
                      "inside the dataset folder")


def safe_relative(name: str, what: str) -> str:
    """``name`` as a normalised relative POSIX path, or ``ValueError`` naming ``what``."""
    if not isinstance(name, str) or not name.strip():
        raise _unsafe(what, name, "it is empty")
    if "\x00" in name:
        raise _unsafe(what, name, "it holds a NUL character")
    if "\\" in name:
        raise _unsafe(what, name, "backslashes are not allowed")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise _unsafe(what, name, "absolute paths are not allowed")
    parts = PurePosixPath(name).parts
    if ".." in parts:
        raise _unsafe(what, name, "'..' parts are not allowed")
    return "/".join(p for p in parts if p != ".")


def inside(root: Path, rel: str, what: str, checked: set[str] | None = None) -> Path:
    """``root / rel`` after :func:`safe_relative`, resolved and checked to stay in ``root``;
    any symlink on the way (file or folder) is refused. ``checked`` caches the folders
    already verified (a runner writes thousands of files into a few folders)."""
    rel = safe_relative(rel, what)
    root = Path(root)
    folder, _, _name = rel.rpartition("/")
    path = root / rel
    if checked is not None and folder in checked:
        if os.path.islink(path):
            raise _unsafe(what, rel, f"{short_repr(str(path))} is a symlink")
        return path
    probe = root
    for part in rel.split("/"):
        probe = probe / part
        if probe.is_symlink():
            raise _unsafe(what, rel, f"{short_repr(str(probe))} is a symlink")
    if not path.resolve().is_relative_to(root.resolve()):
        raise _unsafe(what, rel, "it resolves outside the folder")
    if checked is not None and path.parent.is_dir():
        checked.add(folder)
    return path


_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
_written = itertools.count()  # temporary names: unique per process (with its pid)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and
    ``os.replace``: a reader (or a resumed run) sees the old file, the new one or none,
    never a partial file. The temporary name is ``TMP_PREFIX`` + pid + a counter, created
    exclusively (a leftover of a killed process of the same pid is never written into)."""
    while True:
        tmp = os.path.join(path.parent, f"{TMP_PREFIX}{os.getpid()}-{next(_written)}")
        try:
            fd = os.open(tmp, _CREATE, 0o666)  # (less the umask, like any new file)
            break
        except FileExistsError:
            continue
        except FileNotFoundError:  # the folder does not exist yet
            path.parent.mkdir(parents=True, exist_ok=True)
    try:
        view = memoryview(data)
        while view:  # os.write may write less than asked
            view = view[os.write(fd, view):]
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        with _ignored():
            if fd >= 0:
                os.close(fd)
            os.unlink(tmp)
        raise


def remove_temporaries(root: Path) -> int:
    """Delete the temporary files an interrupted run left under ``root``; returns how many."""
    count = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            if name.startswith(TMP_PREFIX):
                os.unlink(os.path.join(folder, name))
                count += 1
    return count


class _ignored:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        return kind is not None and issubclass(kind, OSError)
