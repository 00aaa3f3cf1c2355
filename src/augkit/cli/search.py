"""`augkit search`: which policy (RandAugment grid, TrivialAugment variants, sampled
sub-policies) helps a proxy model learn this data, with a corrected verdict; writes best.yaml,
candidates.csv, search.png, report.html / report.md and search.json."""

from __future__ import annotations

import argparse
import math
import shlex
import sys
from pathlib import Path
from typing import Any

from augkit.cli.args import check_modality, data_arguments, output_folder, positive_argument
from augkit.cli.errors import CliError

SPACES = ("randaugment", "trivial", "subpolicy")


def add_commands(commands) -> None:
    parser = commands.add_parser(
        "search", help="search a policy space on the training data; an honest verdict")
    data_arguments(parser, "random seed of the search (default: %(default)s)")
    parser.add_argument("--space", default="randaugment",
                        help="randaugment (num_ops 1-3 x magnitude 1-9), trivial "
                        "(TrivialAugment variants) or subpolicy (sampled op pairs) "
                        "(default: %(default)s)")
    parser.add_argument("--budget-minutes", type=float, default=10.0,
                        help="time for the search; halving stops early to keep the "
                        "confirmation inside it (default: %(default)s)")
    parser.add_argument("--seeds", type=positive_argument, default=3,
                        help="confirmation seeds, >= 2 (default: %(default)s)")
    parser.add_argument("--folds", type=positive_argument, default=3,
                        help="cross-validation folds per seed, >= 2 (default: %(default)s)")
    parser.add_argument("--subpolicies", type=positive_argument, default=12,
                        help="sampled sub-policies of --space subpolicy (default: %(default)s)")
    parser.add_argument("--max-samples", type=positive_argument,
                        help="search on at most this many samples (a stratified subset drawn "
                             "with --seed)")
    parser.set_defaults(func=_search)


def _check(args: argparse.Namespace) -> None:
    if args.space not in SPACES:
        raise CliError(f"--space {args.space!r} is not one of {', '.join(SPACES)}")
    check_modality(args.modality)
    if not math.isfinite(args.budget_minutes) or args.budget_minutes <= 0:
        raise CliError(f"--budget-minutes must be a number > 0, got {args.budget_minutes:g}")
    if args.seeds < 2:
        raise CliError(f"--seeds must be >= 2 (the confirmation pairs runs over seeds), got "
                       f"{args.seeds}")
    if args.folds < 2:
        raise CliError(f"--folds must be >= 2, got {args.folds}")


def _command(args: argparse.Namespace) -> str:
    parts = ["augkit", "search", str(args.data), "--space", args.space, "--budget-minutes",
             f"{args.budget_minutes:g}", "--seeds", str(args.seeds), "--seed", str(args.seed),
             "--folds", str(args.folds), "--epochs", str(args.epochs)]
    if args.modality:
        parts += ["--modality", args.modality]
    if args.space == "subpolicy":
        parts += ["--subpolicies", str(args.subpolicies)]
    if args.max_samples:
        parts += ["--max-samples", str(args.max_samples)]
    if Path(args.data).suffix.lower() == ".npz":
        parts += ["--split", args.split]
    if args.size:
        parts += ["--size", args.size]
    return shlex.join(parts + ["--out", str(args.out)])


def _load(args: argparse.Namespace):
    from augkit.cli.quality import _options, _size
    from augkit.data import load_arrays, open_dataset

    dataset = open_dataset(args.data, args.modality, **_options(args, args.modality,
                                                                args.split))
    inputs, labels, names = load_arrays(dataset, size=_size(args.size))
    if dataset.skipped:
        print(f"augkit: {len(dataset.skipped)} input(s) of {args.data} skipped: "
              + "; ".join(f"{s.key} ({s.reason})" for s in dataset.skipped[:5])
              + (" ..." if len(dataset.skipped) > 5 else ""), file=sys.stderr)
    if len(set(labels.tolist())) < 2:
        raise CliError(f"{args.data!r} has {len(set(labels.tolist()))} class(es) "
                       f"({', '.join(names)}); a search needs at least 2")
    if args.max_samples and args.max_samples < len(labels):
        from augkit.evaluate import stratified_subset

        idx = stratified_subset(labels, args.max_samples, args.seed)
        inputs = inputs[idx] if hasattr(inputs, "shape") else [inputs[i] for i in idx]
        labels = labels[idx]
    return dataset.modality, inputs, labels, names


def _search(args: argparse.Namespace) -> int:
    from augkit.policies.search import search

    _check(args)
    out = output_folder(args.out)
    modality, inputs, labels, names = _load(args)
    result = search(modality, inputs, labels, args.space,
                    budget_seconds=args.budget_minutes * 60.0, seeds=args.seeds,
                    seed=args.seed, folds=args.folds, subpolicies=args.subpolicies,
                    progress=True, max_epochs=args.epochs)
    extra: dict[str, Any] = {"command": _command(args), "data": str(args.data),
                             "class_names": names, "max_samples": args.max_samples}
    paths = result.write(out, title=f"augkit search: {args.space} on {Path(args.data).name}",
                         extra=extra)
    print(result.to_markdown())
    print(f"verdict: {result.verdict}")
    print(f"correction: {result.correction}")
    for note in result.selection.notes:
        print(f"note: {note}")
    for name, why in result.left_out_ops.items():
        print(f"note: op {name} left out (cannot run on this data: {why})")
    print(f"{len(result.candidates)} candidates, {result.selection.fits} models in "
          f"{result.selection.seconds:.0f} s; recommended: {result.recommended}")
    print(f"augkit search wrote best.yaml, candidates.csv, search.png, "
          f"{paths['report_html'].name}, {paths['report_markdown'].name}, search.json to {out}")
    return 0
