"""`augkit check` (applicability warnings + label preservation) and `augkit sweep`
(a strength sweep of one op): tables (Markdown, CSV), a figure, an HTML page, a JSON summary."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from augkit.cli.args import (
    check_modality,
    data_arguments,
    json_default,
    output_folder,
    positive_argument,
)
from augkit.cli.errors import CliError
from augkit.core.progress import Progress


def add_commands(commands) -> None:
    check = commands.add_parser(
        "check", help="warn about ops that do not fit the data, and measure label preservation")
    data_arguments(check)
    check.add_argument("--pipeline", required=True, help="pipeline config (YAML or JSON)")
    check.add_argument("--domain", help="what the data is: natural, chest-xray, medical, digits, "
                       "document, satellite, sentiment, question, topic, ecg, sensor, spectra "
                       "(or one of your --rules file)")
    check.add_argument("--rules",
                       help="your own applicability rules (YAML/JSON), added to augkit's")
    check.add_argument("--copies", type=positive_argument, default=2,
                       help="augmented copies per sample")
    check.add_argument("--folds", type=positive_argument, default=2,
                       help="cross-fitting folds (>= 2)")
    check.add_argument("--threshold", type=float, default=0.1,
                       help="flag ops that change more than this fraction of predictions")
    check.add_argument("--max-samples", type=positive_argument, default=1000,
                       help="check at most this many samples (a stratified subset)")
    check.add_argument("--no-preservation", action="store_true",
                       help="only the static warnings (no model is trained)")
    check.set_defaults(func=_check)

    sweep = commands.add_parser("sweep", help="accuracy against one op's strength")
    data_arguments(sweep)
    sweep.add_argument("--op", required=True, help="transform name, e.g. Rotate")
    sweep.add_argument("--param", required=True, help="the argument to sweep, e.g. limit")
    sweep.add_argument("--values", required=True,
                       help="comma-separated numbers (0,10,20,40) or a YAML list "
                       "('[[0.9, 1.1], [0.7, 1.3]]')")
    sweep.add_argument("--fixed", default="{}",
                       help="other arguments of the op as a YAML/JSON mapping ('{p: 1.0}')")
    sweep.add_argument("--seeds", type=positive_argument, default=3,
                       help="number of seeds (0..K-1)")
    sweep.add_argument("--folds", type=positive_argument, default=3,
                       help="cross-validation folds when there is no --test")
    sweep.add_argument("--test", help="a held-out test set (same format and classes)")
    sweep.add_argument("--test-split", default="test", help="split of an .npz --test "
                       "(default: %(default)s)")
    sweep.set_defaults(func=_sweep)


def _options(args, modality: str | None, split: str) -> dict[str, Any]:
    options: dict[str, Any] = {}
    path = Path(args.data)
    if path.suffix.lower() == ".npz":
        options["split"] = split
    if path.suffix.lower() in (".csv", ".tsv", ".jsonl") and modality == "text":
        options.update(text_column=args.text_column, label_column=args.label_column)
    return options


def _size(text: str | None):
    if text is None:
        return None
    try:
        width, height = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise CliError(f"--size {text!r} is not WIDTHxHEIGHT, e.g. 28x28") from None
    return width, height


def _load(path: str, modality: str | None, args, split: str):
    from augkit.data import load_arrays, open_dataset

    dataset = open_dataset(path, modality, **_options(args, modality, split))
    inputs, labels, names = load_arrays(dataset, size=_size(args.size))
    if len(names) < 2:
        raise CliError(f"{path!r} has {len(names)} class(es); a label check needs at least 2")
    if dataset.skipped:
        print(f"augkit: {len(dataset.skipped)} input(s) of {path} skipped: "
              + "; ".join(f"{s.key} ({s.reason})" for s in dataset.skipped[:5])
              + (" ..." if len(dataset.skipped) > 5 else ""), file=sys.stderr)
    return dataset, inputs, labels, names


def _modality_of(transform) -> str | None:
    modality = getattr(transform, "modality", None)
    return None if modality in (None, "any") else modality


def _check(args: argparse.Namespace) -> int:
    import augkit
    from augkit.evaluate import Report
    from augkit.quality import applicability_warnings, label_preservation

    check_modality(args.modality)
    out = output_folder(args.out)
    pipeline = augkit.load(args.pipeline)
    modality = check_modality(args.modality) or _modality_of(pipeline)
    dataset, inputs, labels, names = _load(args.data, modality, args, args.split)
    modality = modality or dataset.modality
    if _modality_of(pipeline) not in (None, modality):
        raise CliError(f"the pipeline is for {_modality_of(pipeline)} but {args.data!r} "
                       f"holds {modality} data")
    warnings = applicability_warnings(pipeline, domain=args.domain, inputs=inputs,
                                      modality=modality, rules=args.rules)
    report = Report(f"augkit check: {Path(args.data).name}",
                    meta=f"{len(labels)} samples, {len(names)} classes, modality {modality}, "
                         f"pipeline {args.pipeline}, domain {args.domain or '(none given)'}, "
                         f"seed {args.seed}")
    report.heading("Applicability warnings")
    warning_rows = [{"path": w.path, "op": w.op, "rule": w.rule, "trigger": w.trigger,
                     "reason": w.reason, "instead": w.instead} for w in warnings]
    if warning_rows:
        report.table(warning_rows)
    else:
        report.paragraph("No rule fired for this pipeline and data.")
    summary: dict[str, Any] = {"data": str(args.data), "samples": int(len(labels)),
                               "classes": names, "modality": modality, "seed": args.seed,
                               "warnings": warning_rows}
    _write_csv(out / "warnings.csv", warning_rows,
               ["path", "op", "rule", "trigger", "reason", "instead"])
    start = time.perf_counter()
    if not args.no_preservation:
        n_ops = 1 + sum(1 for _ in _leaves(pipeline))
        progress = Progress(args.folds * n_ops, "run", "label preservation", enabled=None)
        try:
            result = label_preservation(
                modality, inputs, labels, pipeline, copies=args.copies, folds=args.folds,
                seed=args.seed, threshold=args.threshold, max_samples=args.max_samples,
                max_epochs=args.epochs, progress=progress)
        finally:
            progress.close()
        rows = result.rows()
        report.heading("Label preservation")
        report.paragraph(
            f"A proxy model cross-fitted on the original data ({args.folds} folds) predicts "
            f"{args.copies} augmented copies of each sample. 'changed_rate' is the fraction "
            "whose prediction differs from the original's (95 % Wilson interval, each sample "
            f"counted once); ops above {args.threshold:.0%} are flagged. Each op is measured "
            "alone with p=1; 'pipeline' is the pipeline as configured.")
        report.table(rows, flag="flagged")
        _write_csv(out / "preservation.csv", rows, list(rows[0]))
        summary["preservation"] = rows
        summary["flagged"] = [r["op"] for r in rows if r["flagged"]]
    summary["seconds"] = round(time.perf_counter() - start, 2)
    paths = report.write(out)
    (out / "check.json").write_text(json.dumps(summary, indent=1, default=json_default))
    for w in warnings:
        print(f"warning: {w}")
    if "flagged" in summary:
        print(f"label preservation: {len(summary['flagged'])} flagged "
              f"({', '.join(summary['flagged']) or 'none'})")
    print(f"augkit check wrote {paths['html'].name}, {paths['markdown'].name}, "
          f"warnings.csv, preservation.csv, check.json to {out}")
    return 0


def _leaves(transform):
    children = getattr(transform, "transforms", None)
    if children is None:
        yield transform
        return
    for child in children:
        yield from _leaves(child)


def _parse_values(text: str) -> list[Any]:
    from augkit.core.serialize import parse_config

    if text.strip().startswith("["):
        values = parse_config(text, "yaml")
        if not isinstance(values, list) or not values:
            raise CliError(f"--values {text!r} is not a non-empty YAML list")
        return [tuple(v) if isinstance(v, list) else v for v in values]
    values = []
    for part in text.split(","):
        try:
            number = float(part)
        except ValueError:
            raise CliError(f"--values: {part.strip()!r} is not a number (give numbers "
                           "separated by commas, or a YAML list)") from None
        values.append(int(number) if number.is_integer() and "." not in part else number)
    return values


def _sweep(args: argparse.Namespace) -> int:
    from augkit.core.registry import lookup
    from augkit.core.serialize import parse_config
    from augkit.evaluate import Report
    from augkit.quality import strength_sweep

    check_modality(args.modality)
    out = output_folder(args.out)
    cls = lookup(args.op)
    values = _parse_values(args.values)
    fixed = parse_config(args.fixed, "yaml")
    if not isinstance(fixed, dict):
        raise CliError(f"--fixed {args.fixed!r} is not a mapping of argument names to values")
    modality = check_modality(args.modality) or _modality_of(cls)
    dataset, inputs, labels, names = _load(args.data, modality, args, args.split)
    test = None
    if args.test:
        _, x_test, y_test, test_names = _load(args.test, modality, args, args.test_split)
        unknown = sorted(set(test_names) - set(names))
        if unknown:
            raise CliError(f"--test has classes the training data lacks: {unknown}")
        remap = np.array([names.index(n) for n in test_names])
        test = (x_test, remap[y_test])
    seeds = list(range(args.seeds))
    runs = len(seeds) * (1 if test is not None else args.folds) * (len(values) + 1)
    progress = Progress(runs, "run", f"sweep {args.op}.{args.param}", enabled=None)
    start = time.perf_counter()
    try:
        result = strength_sweep(modality or dataset.modality, inputs, labels, cls, args.param,
                                values, fixed=fixed, seeds=seeds, folds=args.folds, test=test,
                                max_epochs=args.epochs, progress=progress)
    finally:
        progress.close()
    seconds = time.perf_counter() - start
    result.to_csv(out / "sweep.csv")
    figure = result.plot(out / "sweep.png")
    report = Report(f"augkit sweep: {args.op} {args.param} on {Path(args.data).name}",
                    meta=f"{len(labels)} samples, {len(names)} classes, seeds {seeds}, "
                         f"{'test set ' + args.test if test else str(args.folds) + ' folds'}, "
                         f"fixed {fixed}")
    report.paragraph(
        f"No augmentation: {result.baseline_mean:.1%} ± {result.baseline_std:.1%}. Each value "
        "is compared with no augmentation on the same runs; intervals are Bonferroni-corrected "
        "over the values. A value hurts when its interval lies below zero. Largest value that "
        f"does not hurt: {result.largest_safe}.")
    report.table(result.rows(), flag="hurts")
    report.figure(figure, "accuracy against the swept value")
    paths = report.write(out)
    (out / "sweep.json").write_text(json.dumps({
        "op": args.op, "param": args.param, "values": values, "fixed": fixed, "seeds": seeds,
        "data": str(args.data), "test": args.test, "largest_safe": result.largest_safe,
        "baseline_mean": result.baseline_mean, "baseline_std": result.baseline_std,
        "seconds": round(seconds, 2), "rows": result.rows()}, indent=1, default=json_default))
    print(result.to_markdown())
    print(f"augkit sweep wrote {paths['html'].name}, {paths['markdown'].name}, sweep.csv, "
          f"sweep.png, sweep.json to {out}")
    return 0


def _write_csv(path: Path, rows: list[dict[str, Any]], columns: list[str]) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
