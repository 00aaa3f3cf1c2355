"""The time-series demo figure: one series and its time-warped, noisy and drifted versions.

Uses a synthetic series built here (no data files), so it runs anywhere. matplotlib is an
optional extra (``pip install augkit[plot]``), imported only when the figure is drawn.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

FIGURE_NAME = "timeseries.png"


def example_series(length: int = 200) -> np.ndarray:
    """A deterministic univariate series: two tones, a slow trend and one sharp peak."""
    t = np.linspace(0.0, 1.0, length)
    peak = 1.5 * np.exp(-0.5 * ((t - 0.62) / 0.015) ** 2)
    return (np.sin(2 * np.pi * 3 * t) + 0.4 * np.sin(2 * np.pi * 11 * t) + 0.8 * t
            + peak).astype(np.float64)


def augmented_versions(seed: int = 0) -> dict[str, np.ndarray]:
    """The original series and three augmented versions, with the settings in the label."""
    from augkit.timeseries.magnitude import Drift, Jitter
    from augkit.timeseries.temporal import TimeWarp

    x = example_series()
    ops = {
        "time warp (sigma=0.3)": TimeWarp(sigma=0.3, p=1.0),
        "noise (0.1 x std)": Jitter(scale=0.1, p=1.0),
        "drift (max 0.5 x std)": Drift(max_drift=0.5, p=1.0),
    }
    out = {"original": x}
    for i, (label, op) in enumerate(ops.items()):
        out[label] = op(series=x, seed=seed + i)["series"]
    return out


def write_figure(out_dir: str | Path, seed: int = 0) -> Path:
    """Render the figure as ``out_dir/timeseries.png`` and return its path."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    versions = augmented_versions(seed)
    original = versions.pop("original")
    fig, axes = plt.subplots(len(versions), 1, figsize=(9, 7), sharex=True)
    for ax, (label, y) in zip(axes, versions.items(), strict=True):
        ax.plot(original, color="0.45", lw=1.4, label="original")
        ax.plot(y, color="tab:red", lw=1.2, label=label)
        ax.legend(loc="upper left", fontsize=9, frameon=False)
        ax.grid(alpha=0.3)
    axes[-1].set_xlabel("time step")
    fig.suptitle("augkit.timeseries: one series and three augmentations, overlaid\n"
                 "(settings stronger than the defaults, so the effects are visible)", fontsize=11)
    fig.tight_layout()
    path = out_dir / FIGURE_NAME
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
