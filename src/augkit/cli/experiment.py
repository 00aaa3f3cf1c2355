"""`augkit experiment MODALITY DATA`: arms x training sizes x seeds under one fair protocol;
writes experiment.csv, runs.csv, experiment.png, experiment.json and report.md / report.html
(see docs/experiments.md)."""

from __future__ import annotations

import argparse
import math
import shlex
import sys
from pathlib import Path

import numpy as np

from augkit.cli.args import MODALITIES, data_arguments, output_folder, positive_argument
from augkit.cli.errors import CliError
from augkit.evaluate.text_models import TEXT_MODELS


def add_commands(commands) -> None:
    parser = commands.add_parser(
        "experiment", help="does augmentation help? arms x training sizes x seeds, paired")
    parser.add_argument("modality", metavar="MODALITY", help="image, text or timeseries")
    data_arguments(parser, "first seed; seeds are SEED..SEED+K-1 (default: %(default)s)",
                   modality_option=False)
    parser.add_argument("--arms", default="none,basic",
                        help="comma-separated arm names (see docs/experiments.md) or pipeline "
                        "files (.yaml/.yml/.json) (default: %(default)s)")
    parser.add_argument("--seeds", type=positive_argument, default=3,
                        help="number of seeds K, >= 2 for intervals (default: %(default)s)")
    parser.add_argument("--n-train", default="all",
                        help="training sizes, comma-separated integers or 'all'; a "
                        "stratified subset per seed (default: %(default)s)")
    parser.add_argument("--test", help="held-out test set (same format and classes), scored "
                        "once per trained model; without it: cross-validation")
    parser.add_argument("--test-split", default="test",
                        help="split of an .npz --test (default: %(default)s)")
    parser.add_argument("--folds", type=positive_argument, default=3,
                        help="cross-validation folds without --test (default: %(default)s)")
    parser.add_argument("--patience", type=positive_argument, default=10,
                        help="epochs without a better validation score before stopping "
                        "(default: %(default)s)")
    parser.add_argument("--search-space", default="randaugment",
                        help="space of the 'searched' arm: randaugment, trivial or subpolicy "
                        "(default: %(default)s)")
    parser.add_argument("--search-minutes", type=float, default=2.0,
                        help="time for the 'searched' arm's search per training size "
                        "(default: %(default)s)")
    parser.add_argument("--text-model", default="ngram", choices=TEXT_MODELS,
                        help="text proxy: ngram (hashed word n-gram bag), cnn (word CNN, random "
                        "embeddings) or pretrained (frozen all-MiniLM-L6-v2 token embeddings, "
                        "needs augkit[text-similarity]) (default: %(default)s)")
    parser.set_defaults(func=_experiment, epochs=40)


def parse_sizes(text: str) -> list[int | None]:
    """``--n-train``: "100,500,all" -> [100, 500, None]."""
    sizes: list[int | None] = []
    for part in text.split(","):
        part = part.strip().lower()
        if part == "all":
            sizes.append(None)
            continue
        try:
            value = int(part)
        except ValueError:
            raise CliError(f"--n-train: {part!r} is not an integer or 'all' (give e.g. "
                           "100,500,all)") from None
        if value < 2:
            raise CliError(f"--n-train: {value} is too small; expected an integer >= 2 or "
                           "'all'")
        sizes.append(value)
    return sizes


def _check(args: argparse.Namespace) -> list[str]:
    from augkit.evaluate.arms import arm_names
    from augkit.evaluate.sample_arms import gan_folder
    from augkit.policies.search import SPACES

    if args.modality not in MODALITIES:
        raise CliError(f"MODALITY {args.modality!r} is not one of {', '.join(MODALITIES)}")
    try:
        names = arm_names(args.modality, args.arms)
    except ValueError as err:
        raise CliError(str(err)) from None
    for name in names:
        if Path(name).suffix.lower() in (".yaml", ".yml", ".json") and not Path(name).is_file():
            raise CliError(f"--arms: pipeline file {name!r} does not exist")
        if name.startswith("gan:"):
            try:
                gan_folder(name)
            except ValueError as err:
                raise CliError(f"--arms: {err}") from None
    if args.text_model != "ngram" and args.modality != "text":
        raise CliError(f"--text-model {args.text_model} is for text; {args.modality} has one "
                       "proxy model")
    if args.search_space not in SPACES:
        raise CliError(f"--search-space {args.search_space!r} is not one of "
                       f"{', '.join(SPACES)}")
    if not math.isfinite(args.search_minutes) or args.search_minutes <= 0:
        raise CliError(f"--search-minutes must be a number > 0, got {args.search_minutes:g}")
    if args.test is None and args.folds < 2:
        raise CliError(f"--folds must be >= 2 without --test, got {args.folds}")
    return names


def command_line(args: argparse.Namespace) -> str:
    """The command that reproduces this run (written into the report)."""
    parts = ["augkit", "experiment", args.modality, str(args.data), "--arms", args.arms,
             "--seeds", str(args.seeds), "--seed", str(args.seed), "--n-train", args.n_train,
             "--epochs", str(args.epochs), "--patience", str(args.patience)]
    if args.test:
        parts += ["--test", args.test]
        if Path(args.test).suffix.lower() == ".npz":
            parts += ["--test-split", args.test_split]
    else:
        parts += ["--folds", str(args.folds)]
    if Path(args.data).suffix.lower() == ".npz":
        parts += ["--split", args.split]
    if args.size:
        parts += ["--size", args.size]
    if args.modality == "text" and args.text_model != "ngram":  # ngram: the commands as before
        parts += ["--text-model", args.text_model]
    if "searched" in args.arms.split(","):
        parts += ["--search-space", args.search_space, "--search-minutes",
                  f"{args.search_minutes:g}"]
    return shlex.join(parts + ["--out", str(args.out)])


def _experiment(args: argparse.Namespace) -> int:
    from augkit.cli.quality import _load
    from augkit.evaluate.experiment import run_experiment

    names = _check(args)
    sizes = parse_sizes(args.n_train)
    out = output_folder(args.out)
    _, inputs, labels, class_names = _load(args.data, args.modality, args, args.split)
    test = None
    if args.test:
        _, x_test, y_test, test_names = _load(args.test, args.modality, args, args.test_split)
        unknown = sorted(set(test_names) - set(class_names))
        if unknown:
            raise CliError(f"--test has classes the training data lacks: {unknown}")
        remap = np.array([class_names.index(n) for n in test_names])
        test = (x_test, remap[y_test])
    for size in sizes:
        if size is not None and size > len(labels):
            raise CliError(f"--n-train {size} is more than the {len(labels)} training samples "
                           f"of {args.data!r}")
    seeds = list(range(args.seed, args.seed + args.seeds))
    result = run_experiment(args.modality, inputs, labels, names, seeds=seeds, n_train=sizes,
                            test=test, folds=args.folds, max_epochs=args.epochs,
                            patience=args.patience, search_space=args.search_space,
                            search_minutes=args.search_minutes, class_names=class_names,
                            text_model=args.text_model,
                            progress=lambda m: print(m, file=sys.stderr, flush=True))
    command = command_line(args)
    paths = result.write(out, title=f"augkit experiment: {args.modality}, "
                         f"{Path(args.data).name}", command=command,
                         extra={"data": str(args.data), "test": args.test,
                                "class_names": class_names})
    print(result.to_markdown())
    print(f"augkit experiment wrote experiment.csv, runs.csv, experiment.png, "
          f"experiment.json, {paths['report_markdown'].name}, {paths['report_html'].name} "
          f"to {out} ({result.seconds:.0f} s)")
    return 0
