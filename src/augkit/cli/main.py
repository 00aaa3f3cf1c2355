"""Entry point of the ``augkit`` command."""

from __future__ import annotations

import argparse
import os
import sys

import augkit
from augkit.cli.args import output_folder, seed_argument
from augkit.cli.errors import CliError


def _demo(args: argparse.Namespace) -> int:
    from augkit.cli.demo import run_image_demo
    from augkit.cli.demo_report import write_report

    out_dir = output_folder(args.out)
    written = run_image_demo(out_dir, seed=args.seed)
    for extra in _optional_demos():
        written.update(extra(out_dir, args.seed))
    written["report"] = write_report(out_dir, written, seed=args.seed)
    print(f"augkit demo wrote to {out_dir}:")
    for what, path in written.items():
        print(f"  {what:<22} {path.name}")
    print(f"open the report: {written['report']}")
    return 0


def _optional_demos():
    """Demo parts that need an optional extra (matplotlib), when it is installed."""
    try:
        import matplotlib  # noqa: F401

        from augkit.timeseries.demo import write_figure
    except ImportError:
        return []
    return [lambda out_dir, seed: {"time-series figure": write_figure(out_dir, seed=seed)}]


def _list(args: argparse.Namespace) -> int:
    registered = augkit.registered()
    modalities = sorted({cls.modality for cls in registered.values()} - {"any"})
    if args.modality is not None and args.modality not in modalities:
        raise CliError(f"--modality {args.modality!r} is not one of {', '.join(modalities)}")
    for name, cls in registered.items():
        if args.modality and cls.modality != args.modality:
            continue
        summary = (cls.__doc__ or "").strip().splitlines()[0] if cls.__doc__ else ""
        print(f"{name:<28} {cls.modality:<11} {summary}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="augkit",
        description="Data augmentation for images, text and time series.",
    )
    parser.add_argument("--version", action="version", version=f"augkit {augkit.__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="augment bundled sample data and write the results")
    demo.add_argument("--out", default="augkit-demo", help="output folder (default: %(default)s)")
    demo.add_argument("--seed", type=seed_argument, default=0,
                      help="random seed, an integer >= 0 (default: %(default)s)")
    demo.set_defaults(func=_demo)
    listing = commands.add_parser("list", help="list registered transforms")
    listing.add_argument("--modality", help="only this modality (image, text, timeseries)")
    listing.set_defaults(func=_list)
    from augkit.cli import augment, experiment, gan, quality, search

    augment.add_commands(commands)
    gan.add_commands(commands)
    quality.add_commands(commands)
    search.add_commands(commands)
    experiment.add_commands(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; a user error prints one line (``augkit <command>: error: ...``) and
    returns 2, a failure while reading or writing files returns 1. ``AUGKIT_DEBUG=1`` shows
    the traceback instead."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0
    except (CliError, ValueError, TypeError, OSError) as err:
        if os.environ.get("AUGKIT_DEBUG"):
            raise
        print(f"augkit {args.command}: error: {_one_line(err)}", file=sys.stderr)
        return 1 if isinstance(err, OSError) else 2


def _one_line(err: BaseException) -> str:
    if isinstance(err, OSError) and err.filename is not None:
        return f"{err.strerror or type(err).__name__}: {err.filename}"
    text = " ".join(str(err).split()) or type(err).__name__
    return text if len(text) <= 500 else text[:500] + "..."


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
