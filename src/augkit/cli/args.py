"""Argument types and checks shared by the subcommands (a module of its own so that every
subcommand module imports the same functions, also under ``python -m augkit.cli.main``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from augkit.cli.errors import CliError
from augkit.core.serialize import json_default  # noqa: F401  (re-exported for the commands)


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


MODALITIES = ("image", "text", "timeseries")


def data_arguments(parser: argparse.ArgumentParser, seed_help: str = "random seed",
                   modality_option: bool = True) -> None:
    """DATA, --out and the reading / proxy-model options that check, sweep, search and
    experiment share (``modality_option=False``: the command takes the modality itself)."""
    parser.add_argument("data", metavar="DATA", help="dataset (image folder, MedMNIST .npz, "
                        "text CSV/TSV/JSONL, UCR TSV, ...; see docs/data.md)")
    parser.add_argument("--out", required=True, help="output folder")
    if modality_option:
        parser.add_argument("--modality", help="image, text or timeseries (default: detected)")
    parser.add_argument("--split", default="train", help="split of an .npz (default: %(default)s)")
    parser.add_argument("--size", help="resize images to WIDTHxHEIGHT (when sizes differ)")
    parser.add_argument("--text-column", default="text", help="text column of a table")
    parser.add_argument("--label-column", default="label", help="label column of a table")
    parser.add_argument("--epochs", type=positive_argument, default=15,
                        help="maximum training epochs of the proxy model (default: %(default)s)")
    parser.add_argument("--seed", type=seed_argument, default=0, help=seed_help)


def check_modality(value: str | None) -> str | None:
    if value is not None and value not in MODALITIES:
        raise CliError(f"--modality {value!r} is not one of {', '.join(MODALITIES)}")
    return value

