"""``augkit augment`` and ``augkit replay``: the dataset runner on the command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from augkit.cli.args import count_argument, positive_argument, seed_argument
from augkit.cli.errors import CliError


def add_commands(commands) -> None:
    aug = commands.add_parser("augment", help="augment a dataset on disk into a new folder")
    aug.add_argument("src", metavar="SRC", help="dataset folder or file (format detected)")
    aug.add_argument("--pipeline", required=True, help="pipeline config (.yaml/.yml/.json)")
    aug.add_argument("--out", required=True, help="output folder (DST), outside SRC")
    aug.add_argument("--copies", type=count_argument, default=1, help="augmented copies per item")
    aug.add_argument("--balance", action="store_true",
                     help="oversample minority classes up to the majority count")
    aug.add_argument("--seed", type=seed_argument, default=0, help="random seed (default 0)")
    aug.add_argument("--workers", type=positive_argument, default=1, help="processes (default 1)")
    aug.add_argument("--engine", choices=("local", "ray"), default="local",
                     help="where the items are processed: local processes (default) or Ray "
                          "(the 'ray' extra; see docs/data.md)")
    aug.add_argument("--address", help="Ray cluster for --engine ray (e.g. auto, HOST:6379); "
                                       "default: a local Ray with --workers CPUs")
    aug.add_argument("--resume", action="store_true", help="finish an interrupted run")
    aug.add_argument("--format", default="same", choices=("same", "png", "npz", "parquet"),
                     help="output encoding (default: the source's)")
    aug.add_argument("--force", action="store_true",
                     help="write into a non-empty folder that augkit did not create")
    aug.add_argument("--no-originals", action="store_true",
                     help="do not copy the original items into DST")
    aug.add_argument("--modality", choices=("image", "text", "timeseries"),
                     help="insist on this modality when detecting the format")
    aug.add_argument("--split", help="which split of a MedMNIST-style .npz (default train)")
    aug.add_argument("--text-column", help="text column of a CSV/TSV/JSONL table")
    aug.add_argument("--label-column", help="label column of a table or labels CSV")
    aug.add_argument("--series-column", help="list column of a Parquet series table")
    aug.add_argument("--image-root", help="folder of a COCO JSON's images (default: the "
                                          "JSON's folder)")
    aug.add_argument("--max-pixels", type=positive_argument,
                     help="refuse images with more pixels (default 178956970)")
    aug.add_argument("--quiet", action="store_true", help="no progress bar")
    aug.set_defaults(func=_augment)
    rep = commands.add_parser("replay", help="regenerate one output of a manifest bit for bit")
    rep.add_argument("manifest", metavar="MANIFEST", help="DST/manifest.jsonl")
    which = rep.add_mutually_exclusive_group(required=True)
    which.add_argument("--row", type=int, help="row number (from 0)")
    which.add_argument("--output", help="output path as written in the manifest")
    rep.add_argument("--write", help="also write the regenerated file here")
    rep.set_defaults(func=_replay)


def _augment(args: argparse.Namespace) -> int:
    import augkit
    from augkit.data.runner import Job, RunError, run

    src = Path(args.src)
    if not src.exists():
        raise CliError(f"SRC {args.src!r} does not exist")
    if not Path(args.pipeline).is_file():
        raise CliError(f"--pipeline {args.pipeline!r} is not a file")
    options = {}
    for flag, name in (("split", "split"), ("text_column", "text_column"),
                       ("label_column", "label_column"), ("max_pixels", "max_pixels"),
                       ("image_root", "image_root"), ("series_column", "series_column")):
        if getattr(args, flag) is not None:
            options[name] = getattr(args, flag)
    job = Job(src=src, dst=Path(args.out), pipeline=augkit.load(args.pipeline),
              copies=args.copies, seed=args.seed, balance=args.balance,
              originals=not args.no_originals, fmt=args.format, workers=args.workers,
              resume=args.resume, force=args.force, reader_options=options,
              modality=args.modality, progress=not args.quiet, engine=args.engine,
              address=args.address)
    try:
        summary = run(job)
    except RunError as err:
        raise CliError(str(err)) from None
    except KeyboardInterrupt:
        print(f"augkit augment: interrupted; finished outputs are kept, rerun with --resume "
              f"to complete {Path(args.out).resolve()}", file=sys.stderr)
        return 130
    reasons = {}
    for skip in summary["skipped"]:
        reasons[skip["reason"]] = reasons.get(skip["reason"], 0) + 1
    listed = ", ".join(f"{n} {r}" for r, n in sorted(reasons.items())) or "none"
    print(f"augkit augment: read {summary['read']}, wrote {summary['written']} augmented and "
          f"{summary['originals']} originals to {Path(args.out).resolve()}; skipped: {listed}",
          file=sys.stderr)
    ran = summary["engine"]
    if ran["engine"] == "ray" and ran["items"]:
        print(f"  ran on Ray: {ran['items']} items in {ran['tasks']} tasks on "
              f"{ran['processes']} worker processes, "
              f"{ran['nodes']} node{'s' * (ran['nodes'] != 1)}", file=sys.stderr)
    if summary["written"] and summary["unchanged"]:
        share = summary["unchanged"] / summary["written"]
        print(f"  {summary['unchanged']} of {summary['written']} augmented copies "
              f"({share:.0%}) equal their source: duplicates, no new variety"
              + (" (raise p or the strength, or lower --copies)" if share >= 0.2 else ""),
              file=sys.stderr)
    boxes = summary.get("boxes")
    if boxes and boxes["dropped"]:
        shown = ", ".join(f"{b['output']} ({len(b['dropped'])})" for b in boxes["outputs"][:5])
        more = len(boxes["outputs"]) - 5
        print(f"  boxes: kept {boxes['kept']}, dropped {boxes['dropped']} (min_visibility / "
              f"min_area of the pipeline, or moved out) in {shown}"
              + (f" and {more} more outputs" if more > 0 else "") + "; all in summary.json",
              file=sys.stderr)
    for skip in summary["skipped"][:20]:
        print(f"  skipped {skip['key']}: {skip['reason']} ({skip['detail']})", file=sys.stderr)
    if len(summary["skipped"]) > 20:
        print(f"  ... {len(summary['skipped']) - 20} more in summary.json", file=sys.stderr)
    return 0


def _replay(args: argparse.Namespace) -> int:
    from augkit.data.runner import RunError, replay

    if not Path(args.manifest).is_file():
        raise CliError(f"MANIFEST {args.manifest!r} is not a file")
    try:
        entry, made, stored = replay(args.manifest, args.row, args.output)
    except RunError as err:
        raise CliError(str(err)) from None
    if args.write:
        Path(args.write).write_bytes(made if isinstance(made, bytes) else made.encode())
    same = made == stored if not isinstance(made, np.ndarray) else np.array_equal(made, stored)
    where = entry["output"] + (f" [{entry['index']}]" if "index" in entry else "")
    print(f"{where}: {'identical' if same else 'DIFFERS'} (source {entry['source']}, "
          f"copy {entry['copy']}, seed {entry['seed']})")
    return 0 if same else 1
