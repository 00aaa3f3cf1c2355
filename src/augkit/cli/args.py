"""Argument types and checks shared by the subcommands (a module of its own so that every
subcommand module imports the same functions, also under ``python -m augkit.cli.main``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from augkit.cli.errors import CliError


def seed_argument(text: str) -> int:
    """argparse type of ``--seed``: an integer in [0, 2**63 - 1]."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value <= 2**63 - 1:
        raise argparse.ArgumentTypeError(f"{value} is outside [0, 2**63 - 1]")
    return value


def count_argument(text: str) -> int:
    """argparse type: an integer >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"{value} is negative; expected an integer >= 0")
    return value


def positive_argument(text: str) -> int:
    """argparse type: an integer >= 1."""
    value = count_argument(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not >= 1")
    return value


def output_folder(text: str, flag: str = "--out") -> Path:
    """A folder to write into: created if missing; refused if empty, a file or unwritable."""
    if not text.strip():
        raise CliError(f"{flag} is empty; give a folder to write into")
    path = Path(text).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise CliError(f"{flag} {text!r} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CliError(f"{flag} {text!r}: cannot create the folder ({err.strerror})") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise CliError(f"{flag} {text!r}: the folder is not writable")
    return path
