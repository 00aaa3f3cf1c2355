"""Time-series augmentation speed: augkit vs tsaug, same process, same data.

Series per second for each op on a float64 batch (N=1000, T=500, C=3), single-threaded, best
of ``--repeats`` timed calls after one warm-up call, augkit and tsaug timed in turns. Ops
that tsaug also has are run with matched strengths; the others are reported for augkit
alone. Also times DTW: augkit's pairwise DTW (numpy kernel, and numba when installed)
against a reference pure-numpy double loop, for 50 series of length 150 with a 10% band.

Run (tsaug lives in its own virtualenv, with augkit installed editable there):

    python3 -m venv benchmarks/.venv-tsaug
    benchmarks/.venv-tsaug/bin/pip install tsaug numba -e .
    benchmarks/.venv-tsaug/bin/python benchmarks/timeseries_speed.py

Writes benchmarks/results/timeseries_speed.{md,json}.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from augkit import timeseries as TS  # noqa: E402
from augkit.timeseries.dtw import pairwise_dtw  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def make_data(n: int, t: int, c: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.cumsum(rng.normal(size=(n, t, c)), axis=1)


def best_time(fn, repeats: int) -> float:
    fn()  # warm-up (caches, first-call imports)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def interleaved_best(fns, repeats: int) -> list[float]:
    """Best time of each function, timed in turns (A, B, A, B, ...) so that a busy machine
    slows both alike."""
    for fn in fns:
        fn()  # warm-up
    best = [float("inf")] * len(fns)
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[k] = min(best[k], time.perf_counter() - start)
    return best


def augkit_ops(length: int):
    return {
        "noise (gaussian, additive)": TS.Jitter(scale=0.05, p=1.0),
        "drift": TS.Drift(max_drift=0.1, n_knots=4, p=1.0),
        "time warp": TS.TimeWarp(sigma=0.2, n_knots=4, p=1.0),
        "crop (90%)": TS.SeriesCrop(ratio=0.9, p=1.0),
        "dropout (5%, ffill)": TS.SeriesDropout(rate=0.05, fill="ffill", p=1.0),
        "pool (size 2, mean)": TS.SeriesPool(size=2, p=1.0),
        "quantize (20 levels)": TS.SeriesQuantize(levels=20, p=1.0),
        "reverse": TS.SeriesReverse(p=1.0),
        "convolve (hann, 5)": TS.SeriesSmooth(size=5, window="hann", p=1.0),
        "scaling": TS.Scaling(p=1.0),
        "magnitude warp": TS.MagnitudeWarp(p=1.0),
        "window slice": TS.WindowSlice(p=1.0),
        "window warp": TS.WindowWarp(p=1.0),
        "permutation (equal)": TS.SegmentPermutation(p=1.0),
        "permutation (random)": TS.SegmentPermutation(mode="random", p=1.0),
    }


def tsaug_ops(length: int):
    try:
        import tsaug
    except ImportError:
        return {}, None
    return {
        "noise (gaussian, additive)": tsaug.AddNoise(scale=0.05, seed=0),
        "drift": tsaug.Drift(max_drift=0.1, n_drift_points=4, seed=0),
        "time warp": tsaug.TimeWarp(n_speed_change=4, max_speed_ratio=1.5, seed=0),
        "crop (90%)": tsaug.Crop(size=int(0.9 * length), seed=0),
        "dropout (5%, ffill)": tsaug.Dropout(p=0.05, fill="ffill", seed=0),
        "pool (size 2, mean)": tsaug.Pool(size=2, kind="ave", seed=0),
        "quantize (20 levels)": tsaug.Quantize(n_levels=20, seed=0),
        "reverse": tsaug.Reverse(seed=0),
        "convolve (hann, 5)": tsaug.Convolve(window="hann", size=5, seed=0),
    }, tsaug.__version__


def reference_dtw(a: np.ndarray, b: np.ndarray, w: int) -> float:
    """The textbook double loop (kept here, not in the library): the speed baseline."""
    n, m = len(a), len(b)
    d = np.full((n + 1, m + 1), np.inf)
    d[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(max(1, i - w), min(m, i + w) + 1):
            cost = float(np.sum((a[i - 1] - b[j - 1]) ** 2))
            d[i, j] = cost + min(d[i - 1, j], d[i, j - 1], d[i - 1, j - 1])
    return float(np.sqrt(d[n, m]))


def bench_dtw(n: int, t: int, repeats: int) -> dict:
    x = make_data(n, t, 1)
    w = int(np.ceil(0.1 * t))
    ref = np.zeros((n, n))
    start = time.perf_counter()
    for i in range(n):
        for j in range(i + 1, n):
            ref[i, j] = ref[j, i] = reference_dtw(x[i], x[j], w)
    t_ref = time.perf_counter() - start
    out = {"pairs": n * (n - 1) // 2, "length": t, "band": w, "reference_s": t_ref}
    backends = ["numpy"]
    try:
        import numba  # noqa: F401

        backends.append("numba")
    except ImportError:
        pass
    for backend in backends:
        got = pairwise_dtw(x, window=0.1, backend=backend)
        assert np.allclose(got, ref), f"{backend} DTW differs from the reference"
        secs = best_time(lambda b=backend: pairwise_dtw(x, window=0.1, backend=b), repeats)
        out[f"{backend}_s"] = secs
        out[f"{backend}_speedup"] = t_ref / secs
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--t", type=int, default=500)
    parser.add_argument("--c", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-dtw", action="store_true")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    x = make_data(args.n, args.t, args.c)
    ours = augkit_ops(args.t)
    peers, peer_version = tsaug_ops(args.t)
    rows = []
    for name, op in ours.items():
        fns = [lambda op=op: op(series=x, seed=1)]
        if name in peers:
            fns.append(lambda peer=peers[name]: peer.augment(x))
        times = interleaved_best(fns, args.repeats)
        row = {"op": name, "augkit": args.n / times[0]}
        if name in peers:
            row["tsaug"] = args.n / times[1]
            row["ratio"] = row["augkit"] / row["tsaug"]
        rows.append(row)
    dtw = None if args.skip_dtw else bench_dtw(50, 150, 3)
    meta = {"n": args.n, "t": args.t, "c": args.c, "dtype": "float64", "repeats": args.repeats,
            "python": platform.python_version(), "numpy": np.__version__,
            "tsaug": peer_version, "machine": platform.machine(), "threads": 1,
            "cpus": os.cpu_count(), "load_1min": [load_before, os.getloadavg()[0]]}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "timeseries_speed.json").write_text(
        json.dumps({"meta": meta, "ops": rows, "dtw": dtw}, indent=2))
    lines = [f"Series/s, (N={args.n}, T={args.t}, C={args.c}) float64, one thread, best of "
             f"{args.repeats}; tsaug {peer_version}, numpy {np.__version__}; {os.cpu_count()} "
             f"CPUs, 1-min load {meta['load_1min'][0]:.1f} -> {meta['load_1min'][1]:.1f}.", "",
             "| op | augkit | tsaug | augkit / tsaug |", "|---|---:|---:|---:|"]
    for r in rows:
        peer = f"{r['tsaug']:,.0f}" if "tsaug" in r else "—"
        ratio = f"{r['ratio']:.1f}x" if "ratio" in r else "—"
        lines.append(f"| {r['op']} | {r['augkit']:,.0f} | {peer} | {ratio} |")
    if dtw:
        lines += ["", f"DTW, {dtw['pairs']} pairs of length {dtw['length']}, band "
                      f"{dtw['band']}: reference double loop {dtw['reference_s']:.2f} s"]
        for backend in ("numpy", "numba"):
            if f"{backend}_s" in dtw:
                lines.append(f"- augkit {backend}: {dtw[f'{backend}_s'] * 1000:.1f} ms "
                             f"({dtw[f'{backend}_speedup']:.0f}x)")
    text = "\n".join(lines) + "\n"
    (RESULTS / "timeseries_speed.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
