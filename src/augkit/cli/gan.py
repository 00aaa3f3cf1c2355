"""`augkit gan train | sample | eval`: class-conditional GANs for small data
(augkit.generative; torch from the 'gan' extra)."""

from __future__ import annotations

import argparse
import csv
import io
import math
import shlex
import sys
from pathlib import Path
from typing import Any

import numpy as np

from augkit.cli.args import (
    check_modality,
    output_folder,
    positive_argument,
    seed_argument,
)
from augkit.cli.errors import CliError

GAN_MODALITIES = ("image", "timeseries")


def add_commands(commands) -> None:
    gan = commands.add_parser("gan", help="train a class-conditional GAN, sample from it, "
                              "and measure whether its samples help")
    sub = gan.add_subparsers(dest="gan_command", required=True, metavar="GAN_COMMAND")

    train = sub.add_parser("train", help="train a GAN on DATA into the folder --out")
    _data_options(train)
    train.add_argument("--out", required=True, help="model folder (created)")
    train.add_argument("--steps", type=positive_argument, required=True,
                       help="training steps in all (with --resume: the new total)")
    train.add_argument("--seed", type=seed_argument, default=0,
                       help="random seed, an integer >= 0 (default: %(default)s)")
    train.add_argument("--resume", action="store_true",
                       help="continue the run saved in --out (same data, seed, settings)")
    train.add_argument("--batch-size", type=positive_argument, default=64,
                       help="batch size (default: %(default)s)")
    train.add_argument("--width", type=positive_argument, default=32,
                       help="generator base channels, even (default: %(default)s)")
    train.add_argument("--d-width", type=positive_argument, default=32,
                       help="discriminator base channels (default: %(default)s)")
    train.add_argument("--r1", type=float, default=0.0,
                       help="R1 penalty weight gamma, >= 0 (default: %(default)s: off)")
    train.add_argument("--no-spectral-norm", action="store_true",
                       help="no spectral norm on the discriminator")
    train.add_argument("--no-diffaug", action="store_true",
                       help="no differentiable augmentation (DiffAugment)")
    train.add_argument("--no-ada", action="store_true",
                       help="DiffAugment at a fixed probability 1 instead of ADA's adaptive p")
    train.add_argument("--checkpoint-minutes", type=float, default=3.0,
                       help="minutes between checkpoints (default: %(default)s)")
    train.add_argument("--threads", type=positive_argument,
                       help="torch CPU threads (default: torch's)")
    train.set_defaults(func=_train)

    sample = sub.add_parser("sample", help="write samples of MODEL in the source's layout")
    sample.add_argument("model", metavar="MODEL", help="model folder from augkit gan train")
    counts = sample.add_mutually_exclusive_group(required=True)
    counts.add_argument("--per-class", help="samples per class: one integer >= 0, or one per "
                        "class separated by commas")
    counts.add_argument("--balance", action="store_true",
                        help="bring every class up to the training majority count")
    sample.add_argument("--out", required=True, help="output folder")
    sample.add_argument("--seed", type=seed_argument, default=0,
                        help="sampling seed (default: %(default)s)")
    sample.set_defaults(func=_sample)

    ev = sub.add_parser("eval", help="does MODEL's synthetic data help a classifier? "
                        "(arms, TSTR, fidelity, memorisation)")
    ev.add_argument("model", metavar="MODEL", help="model folder from augkit gan train")
    _data_options(ev)
    ev.add_argument("--test", required=True, help="real test data (same format rules as DATA)")
    ev.add_argument("--test-split", default="test",
                    help="split of a test .npz (default: %(default)s)")
    ev.add_argument("--seeds", type=positive_argument, default=5,
                    help="seeds, >= 2 (default: %(default)s)")
    ev.add_argument("--seed", type=seed_argument, default=0, help="first seed (default: 0)")
    ev.add_argument("--synthetic", default="auto",
                    help="synthetic samples added: auto, balance or double (default: auto)")
    ev.add_argument("--epochs", type=positive_argument, default=15,
                    help="maximum epochs of the proxy classifier (default: %(default)s)")
    ev.add_argument("--out", required=True, help="output folder")
    ev.set_defaults(func=_eval)


def _data_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("data", metavar="DATA", help="image folder with class subfolders, "
                        "MedMNIST-style .npz or UCR .tsv (see docs/data.md)")
    parser.add_argument("--modality", help="image or timeseries (default: detected)")
    parser.add_argument("--split", default="train", help="split of an .npz (default: "
                        "%(default)s)")
    parser.add_argument("--size", help="resize images to WIDTHxHEIGHT (sides 28..64)")


def _load(path: str, args, split: str):
    """``(dataset, x, y, names)`` of a labelled image / series dataset, with CLI errors."""
    from augkit.cli.quality import _size
    from augkit.data import load_arrays, open_dataset

    modality = check_modality(args.modality)
    if modality is not None and modality not in GAN_MODALITIES:
        raise CliError(f"--modality {modality!r}: augkit gan trains on "
                       f"{' or '.join(GAN_MODALITIES)} data")
    options = {}
    if Path(path).suffix.lower() == ".npz" and Path(path).is_file():
        with np.load(path, allow_pickle=False) as npz:  # MedMNIST-style: splits by key
            if any(name.endswith("_images") for name in npz.files):
                options["split"] = split
    dataset = open_dataset(path, modality, **options)
    if dataset.modality not in GAN_MODALITIES:
        raise CliError(f"DATA {path!r} is {dataset.modality} data ({dataset.format}); augkit "
                       f"gan trains on {' or '.join(GAN_MODALITIES)} data")
    x, y, names = load_arrays(dataset, size=_size(args.size))
    if dataset.skipped:
        print(f"augkit: {len(dataset.skipped)} input(s) of {path} skipped: "
              + "; ".join(f"{s.key} ({s.reason})" for s in dataset.skipped[:5]),
              file=sys.stderr)
    return dataset, x, y, names


def _source_info(dataset) -> dict[str, Any]:
    info: dict[str, Any] = {"format": dataset.format, "path": str(dataset.path)}
    if hasattr(dataset, "delimiter"):
        info["delimiter"] = dataset.delimiter
    return info


def _train_command(args) -> str:
    parts = ["augkit", "gan", "train", str(args.data), "--out", str(args.out), "--steps",
             str(args.steps), "--seed", str(args.seed)]
    if Path(args.data).suffix.lower() == ".npz":
        parts += ["--split", args.split]
    if args.size:
        parts += ["--size", args.size]
    return shlex.join(parts)


def _train(args) -> int:
    from augkit.generative import GANConfig, train

    if not math.isfinite(args.checkpoint_minutes) or args.checkpoint_minutes <= 0:
        raise CliError(f"--checkpoint-minutes must be a number > 0, got "
                       f"{args.checkpoint_minutes:g}")
    if not math.isfinite(args.r1) or args.r1 < 0:
        raise CliError(f"--r1 must be a number >= 0, got {args.r1:g}")
    if args.width % 2:
        raise CliError(f"--width must be even, got {args.width}")
    out = Path(args.out)
    if args.resume and not (out / "model.json").is_file():
        raise CliError(f"--resume: {args.out!r} holds no model to resume (model.json missing)")
    if not args.resume and (out / "model.json").exists():
        raise CliError(f"--out {args.out!r} already holds a model; add --resume to continue "
                       "it, or choose another folder")
    dataset, x, y, names = _load(args.data, args, args.split)
    config = None
    if not args.resume:  # a resumed run keeps its saved settings
        config = GANConfig(batch_size=args.batch_size, width=args.width, d_width=args.d_width,
                           r1_gamma=args.r1, spectral_norm=not args.no_spectral_norm,
                           diffaug=() if args.no_diffaug else None, ada=not args.no_ada,
                           threads=args.threads)
    model = train(x, y, out, steps=args.steps, seed=args.seed, config=config,
                  class_names=names, kind=dataset.modality, resume=args.resume,
                  progress=None, checkpoint_seconds=args.checkpoint_minutes * 60.0,
                  extra={"source": _source_info(dataset), "command": _train_command(args)})
    last = model.meta["history"][-1] if model.meta["history"] else {}
    print(f"augkit gan train: {model.step} steps on {len(y)} {dataset.modality} samples "
          f"({', '.join(f'{n}: {c}' for n, c in zip(names, model.spec.counts, strict=True))}) "
          f"in {model.meta['seconds']:.0f} s; ADA p {model.meta['ada']['p']:.2f}"
          + (f", last losses D {last['loss_d']:.3f} G {last['loss_g']:.3f}" if last else "")
          + f"; checkpoint {model.checkpoint} in {out}")
    return 0


def _counts_argument(text: str, classes: int) -> int | list[int]:
    try:
        values = [int(v) for v in text.split(",")]
    except ValueError:
        raise CliError(f"--per-class {text!r} is not an integer (or one per class, "
                       "comma-separated)") from None
    if any(v < 0 for v in values) or len(values) not in (1, classes):
        raise CliError(f"--per-class {text!r}: expected one integer >= 0, or {classes} of them "
                       "(one per class)")
    return values[0] if len(values) == 1 else values


def _load_model(path: str):
    from augkit.generative import GANModel

    if not (Path(path) / "model.json").is_file():
        raise CliError(f"MODEL {path!r} is not a model folder (no model.json); train one with "
                       "augkit gan train")
    return GANModel.load(path)


def _sample(args) -> int:
    from augkit.data.paths import atomic_write, safe_relative
    from augkit.generative.model import class_counts, labels_for

    model = _load_model(args.model)
    spec = model.spec
    per_class = None if args.balance else _counts_argument(args.per_class, spec.classes)
    counts = class_counts(spec, per_class, args.balance)
    out = output_folder(args.out)
    labels = labels_for(counts)
    samples = model.sample(labels, args.seed)
    rows: list[dict[str, Any]] = []
    base = {"checkpoint": model.checkpoint, "step": model.step, "seed": args.seed}
    source = model.meta.get("source", {})
    if spec.kind == "image":
        from augkit.data import encode_image

        index = np.zeros(spec.classes, int)
        for i, (img, c) in enumerate(zip(samples, labels, strict=True)):
            name = spec.class_names[c]
            rel = f"{safe_relative(name, 'class name')}/gan_{index[c]:06d}.png"
            atomic_write(out / rel, encode_image(img, ".png"))
            rows.append({"file": rel, "row": i, "class": name, **base})
            index[c] += 1
    else:
        from augkit.data.npzfile import npz_bytes
        from augkit.data.series import ucr_bytes

        names = [spec.class_names[c] for c in labels]
        if source.get("format", "").startswith("ucr") and spec.channels == 1:
            rel = "samples.tsv" if source.get("delimiter", "\t") == "\t" else "samples.csv"
            atomic_write(out / rel, ucr_bytes(source.get("delimiter", "\t"),
                                              list(zip(samples, names, strict=True))))
        else:
            rel = "samples.npz"
            atomic_write(out / rel, npz_bytes({"X": samples, "y": labels,
                                               "class_names": np.array(spec.class_names)}))
        rows = [{"file": rel, "row": i, "class": n, **base} for i, n in enumerate(names)]
    text = io.StringIO()
    writer = csv.DictWriter(text, ["file", "row", "class", "checkpoint", "step", "seed"],
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    atomic_write(out / "manifest.csv", text.getvalue().encode("utf-8"))
    print(f"augkit gan sample: {len(rows)} samples "
          f"({', '.join(f'{n}: {c}' for n, c in zip(spec.class_names, counts, strict=True))}) "
          f"from checkpoint {model.checkpoint} written to {out} with manifest.csv")
    return 0


def _indices(labels: np.ndarray, names: list[str], model_names: list[str], what: str):
    missing = [n for n in names if n not in model_names]
    if missing:
        raise CliError(f"{what} has classes {missing} that the model was not trained on "
                       f"(model classes: {', '.join(model_names)})")
    lookup = np.array([model_names.index(n) for n in names], np.int64)
    return lookup[labels]


def _eval(args) -> int:
    from augkit.generative.evaluation import SYNTHETIC_MODES, evaluate

    if args.seeds < 2:
        raise CliError(f"--seeds must be >= 2 (differences pair runs over seeds), got "
                       f"{args.seeds}")
    if args.synthetic not in SYNTHETIC_MODES:
        raise CliError(f"--synthetic {args.synthetic!r} is not one of "
                       f"{', '.join(SYNTHETIC_MODES)}")
    model = _load_model(args.model)
    out = output_folder(args.out)
    _, x, y, names = _load(args.data, args, args.split)
    _, xt, yt, test_names = _load(args.test, args, args.test_split)
    y = _indices(y, names, model.spec.class_names, f"DATA {args.data!r}")
    yt = _indices(yt, test_names, model.spec.class_names, f"--test {args.test!r}")
    command = shlex.join(["augkit", "gan", "eval", args.model, args.data, "--test", args.test,
                          "--seeds", str(args.seeds), "--seed", str(args.seed), "--synthetic",
                          args.synthetic, "--epochs", str(args.epochs), "--out", args.out])
    from augkit.core.progress import Progress

    seeds = list(range(args.seed, args.seed + args.seeds))
    bar = Progress(len(seeds) * 6, "fit", "gan eval", enabled=None)
    try:
        result = evaluate(model, x, y, xt, yt, modality=model.spec.kind, seeds=seeds,
                          synthetic=args.synthetic, max_epochs=args.epochs, progress=bar,
                          settings={"command": command, "class_names": model.spec.class_names})
    finally:
        bar.close()
    paths = result.write(out, title=f"augkit gan eval: {Path(args.model).name} on "
                                    f"{Path(args.data).name}")
    print(result.comparison.to_markdown())
    fid = result.fidelity
    print(f"fidelity: Fréchet {fid.frechet:.3g} (real reference {fid.frechet_reference:.3g}), "
          f"precision {fid.precision:.2f}, recall {fid.recall:.2f}, class accuracy "
          f"{fid.class_accuracy:.2f}, possible copies {fid.memorisation['flagged']}; "
          f"passes: {'yes' if fid.passes else 'no'}")
    print(f"augkit gan eval wrote {', '.join(p.name for p in paths.values())} to {out}")
    return 0
