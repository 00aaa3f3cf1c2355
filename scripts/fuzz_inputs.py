"""Throw unusual and bad inputs at every registered transform and sort what comes back.

Run by hand from the repository root (it reuses the conformance suite's cases to build each
transform so that it certainly acts):

    .venv/bin/python scripts/fuzz_inputs.py [--only NAME ...] [--timeout 10] [--json out.json]

Every trial ends in one of:
- ``ok``: an output that passes the sanity checks below;
- ``clear``: a ValueError/TypeError whose message names the transform or the argument/target;
- ``unclear``: any other exception, or one that names neither (numpy's or OpenCV's words);
- ``wrong``: an output that breaks a promise (dtype changed, memory shared with the input,
  a single NaN pixel spread over the image, NaNs that vanished from a series, ...);
- ``hang``: longer than ``--timeout`` seconds (``--model-timeout`` for the ops that run a
  neural model). Model ops get a 100 KB text instead of 1 MB: a long text goes through the
  model piece by piece, linear work (BackTranslation, tiny test model, 8-token pieces: 10.1
  and 43.6 s at 25 and 100 KB with transformers 5.25; 22.1 s at 100 KB with the release
  before) that would only measure the model. A batch holds two copies of each input, so it
  gets twice the time.

The exit status is 1 when any trial is ``unclear``, ``wrong`` or ``hang``.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import cases_image, cases_image_mix, cases_text, cases_timeseries  # noqa: E402,F401
from tests.conformance_cases import CASES  # noqa: E402

import augkit  # noqa: E402
from augkit.text.base import ModelTextTransform  # noqa: E402

TARGET_WORDS = ("'image'", "'mask'", "'masks'", "'bboxes'", "'keypoints'", "'labels'", "'label'",
                "'text'", "'texts'", "'series'", "'step_labels'", "'inputs'", "'copies'",
                "'layout'", "targets:", "'images'", "image ", "series ", "text ")


# transforms whose documented output dtype differs from the input's
FLOAT_OUTPUT = {"Normalize": np.dtype(np.float32)}
current = [""]  # the transform under trial (the dtype check reads it)


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


Trial = tuple[str, Callable[[], dict], Callable[[dict], str | None]]


def image_trials(rng: np.random.Generator) -> Iterator[Trial]:
    base = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    unit = (base / 255).astype(np.float32)

    def same_dtype(inp):
        def check(out):
            img = out["image"] if "image" in out else out["images"]
            if img.dtype != inp.dtype and img.dtype != FLOAT_OUTPUT.get(current[0], inp.dtype):
                return f"dtype {inp.dtype} came back as {img.dtype}"
            if np.shares_memory(img, inp):
                return "output shares memory with the input"
            return None
        return check

    def local_non_finite(inp):
        def check(out):
            problem = same_dtype(inp)(out)
            if problem:
                return problem
            img = np.asarray(out["image"])
            bad = ~np.isfinite(img)
            if bad.mean() > 0.25:
                return f"{bad.mean():.0%} of the output is non-finite (input: a few pixels)"
            return None
        return check

    def all_finite(inp):
        def check(out):
            problem = same_dtype(inp)(out)
            if problem:
                return problem
            if not np.isfinite(out["image"]).all():
                return "finite input gave non-finite output"
            return None
        return check

    def variant(name, image, check, **extra):
        yield name, (lambda: {"image": image, **extra}), check

    yield from variant("uint8 40x48x3", base, same_dtype(base))
    yield from variant("float32 [0,1]", unit, all_finite(unit))
    nan = unit.copy()
    nan[5, 7, 1] = np.nan
    yield from variant("float32 one NaN pixel", nan, local_non_finite(nan))
    inf = unit.copy()
    inf[5, 7, :] = np.inf
    yield from variant("float32 one inf pixel", inf, local_non_finite(inf))
    neg = unit - 0.5
    yield from variant("float32 negative values", neg, all_finite(neg))
    big = unit * 4
    yield from variant("float32 values above 1", big, all_finite(big))
    deep = base.astype(np.uint16) * 257
    yield from variant("uint16 40x48x3", deep, same_dtype(deep))
    yield from variant("big-endian uint16", deep.astype(">u2"), same_dtype(deep))
    rgba = np.dstack([base, base[..., :1]])
    yield from variant("uint8 RGBA", rgba, same_dtype(rgba))
    yield from variant("grey 40x48", base[..., 0].copy(), same_dtype(base[..., 0]))
    yield from variant("1x1x3", base[:1, :1].copy(), same_dtype(base[:1, :1]))
    yield from variant("2 channels", base[..., :2].copy(), same_dtype(base[..., :2]))
    wide = np.concatenate([base, base], axis=2)
    yield from variant("6 channels", wide, same_dtype(wide))
    fortran = np.asfortranarray(base)
    yield from variant("Fortran order", fortran, same_dtype(fortran))
    big_endian = unit.astype(">f4")
    yield from variant("big-endian float32", big_endian, lambda out: None)
    for name, bad in (("empty 0x0x3", np.zeros((0, 0, 3), np.uint8)),
                      ("float64", unit.astype(np.float64)), ("int32", base.astype(np.int32)),
                      ("bool", base > 128), ("complex", unit.astype(np.complex64)),
                      ("1-D", base.ravel()), ("5-D", base[None, None]), ("list", base.tolist()),
                      ("None", None), ("string", "image.png")):
        yield from variant(name, bad, lambda out: None)
    for name, boxes in (("bboxes strings", [["a", "b", "c", "d"]]),
                        ("bboxes ragged", [[1, 2, 3], [1, 2, 3, 4]]),
                        ("bboxes NaN", [[np.nan, 1, 5, 5]]), ("bboxes inverted", [[20, 20, 5, 5]]),
                        ("bboxes 3 values", [[1, 2, 3]]), ("bboxes dict", {"x": 1})):
        yield from variant(name, base, lambda out: None, bboxes=boxes, labels=["a"] * 2)
    for name, points in (("keypoints ragged", [[1, 2], [1]]), ("keypoints NaN", [[np.nan, 2]]),
                         ("keypoints strings", [["a", "b"]])):
        yield from variant(name, base, lambda out: None, keypoints=points)
    yield from variant("mask wrong size", base, lambda out: None, mask=np.zeros((3, 3), np.uint8))


def text_trials(rng: np.random.Generator, long_size: int = 10**6) -> Iterator[Trial]:
    def is_text(out):
        return None if isinstance(out.get("text"), str) else "output is not a string"

    long = ("The quick brown fox jumps over the lazy dog, and nobody minds. " * 16_000)[:long_size]
    for name, value in (("empty", ""), ("spaces", "   \n\t "), ("emoji", "I love it 😍🎉 ok"),
                        ("combining", "cafe\u0301 nai\u0308ve"), ("rtl", "שלום עולם hello"),
                        ("zero width", "a\u200bb\u200bc word"), ("nul", "a\x00b c"),
                        ("surrogate", "bad \ud800 text"), (f"{long_size // 1000} KB", long)):
        yield name, (lambda v=value: {"text": v}), is_text
    for name, value in (("None", None), ("bytes", b"text"), ("int", 3), ("list", ["a", "b"])):
        yield name, (lambda v=value: {"text": v}), lambda out: None


def series_trials(rng: np.random.Generator) -> Iterator[Trial]:
    x = rng.normal(size=(6, 48, 2)).astype(np.float32)

    def shape_kept(inp, nan=False):
        def check(out):
            y = out["series"]
            if isinstance(y, np.ndarray) and y.dtype != inp.dtype:
                return f"dtype {inp.dtype} came back as {y.dtype}"
            if isinstance(y, np.ndarray) and np.shares_memory(y, inp):
                return "output shares memory with the input"
            if nan and isinstance(y, np.ndarray) and not np.isnan(y).any():
                return "NaNs in the input vanished from the output"
            return None
        return check

    yield "float32 (6, 48, 2)", (lambda: {"series": x}), shape_kept(x)
    nan = x.copy()
    nan[:, 10:12, 0] = np.nan
    yield "NaN steps", (lambda: {"series": nan}), shape_kept(nan, nan=True)
    long = rng.normal(size=(2, 20_000, 1)).astype(np.float32)
    yield "T=20000", (lambda: {"series": long}), shape_kept(long)
    for name, bad in (("empty", np.zeros((0,), np.float32)), ("T=1", np.zeros((1, 1, 1))),
                      ("int", np.arange(48)), ("complex", x.astype(np.complex64)),
                      ("(N, T) 2-D", rng.normal(size=(6, 48))), ("string", "series"),
                      ("None", None), ("inf", np.full((6, 48, 2), np.inf, np.float32)),
                      ("ragged list", [np.zeros(5), np.zeros((5, 2))])):
        yield name, (lambda b=bad: {"series": b}), lambda out: None
    yield "copies=10**6", (lambda: {"series": x, "copies": 10**6}), lambda out: None


def classify(transform, data: dict, check, owner: str, timeout: float, batch: bool):
    signal.setitimer(signal.ITIMER_REAL, timeout)
    try:
        if batch:
            key = {"image": "image", "text": "text", "series": "series"}
            first = next(k for k in key if k in data)
            value = data.pop(first)
            inputs = [value, value] if first != "image" or not hasattr(value, "shape") else (
                np.stack([value, value]))
            out = transform.batch(inputs, seed=0, **data)
        else:
            out = transform(seed=0, **data)
    except Hang:
        return "hang", f"> {timeout} s"
    except (ValueError, TypeError) as err:
        message = str(err)
        named = owner in message or any(w in message for w in TARGET_WORDS)
        if len(message) > 1000:
            return "unclear", f"{type(err).__name__}: message of {len(message)} characters"
        return ("clear" if named else "unclear"), f"{type(err).__name__}: {message[:160]}"
    except Exception as err:  # noqa: BLE001 - the point is to catch everything
        return "unclear", f"{type(err).__name__}: {str(err)[:160]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if batch:
        return "ok", ""
    problem = check(out)
    return ("wrong", problem) if problem else ("ok", "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="transform names to fuzz (default: all)")
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--model-timeout", type=float, default=60.0)
    parser.add_argument("--json", help="write every trial here")
    parser.add_argument("--no-batch", action="store_true", help="single calls only")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGALRM, _alarm)
    trials_by_modality = {"image": image_trials, "text": text_trials,
                          "timeseries": series_trials}
    registered = augkit.registered()
    results: list[dict[str, Any]] = []
    counts: Counter = Counter()
    for name, cls in registered.items():
        case = CASES.get(name)
        if case is None or (args.only and name not in args.only):
            continue
        make = trials_by_modality.get(cls.modality)
        if make is None or case.batch_only:
            continue
        transform = case.build()
        current[0] = name
        timeout, trials = args.timeout, make(np.random.default_rng(0))
        if isinstance(transform, ModelTextTransform):
            timeout, trials = args.model_timeout, text_trials(np.random.default_rng(0), 10**5)
        for trial, data, check in trials:
            for batch in ([False] if args.no_batch else [False, True]):
                start = time.perf_counter()
                outcome, detail = classify(transform, data(), check, name,
                                           timeout * (2 if batch else 1), batch)
                counts[outcome] += 1
                row = {"transform": name, "input": trial, "batch": batch, "outcome": outcome,
                       "detail": detail, "seconds": round(time.perf_counter() - start, 3)}
                results.append(row)
                if outcome in ("unclear", "wrong", "hang"):
                    where = "batch" if batch else "single"
                    print(f"{outcome:<8} {name:<26} {trial:<24} {where:<6} {detail}")
    print(f"\n{sum(counts.values())} trials: " + ", ".join(
        f"{counts[k]} {k}" for k in ("ok", "clear", "unclear", "wrong", "hang")))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 1 if counts["unclear"] or counts["wrong"] or counts["hang"] else 0


if __name__ == "__main__":
    sys.exit(main())
