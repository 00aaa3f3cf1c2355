"""Value transforms: noise, scaling, smooth multiplicative/additive curves, coarsening.

Strengths are relative to each series' own spread (per-channel standard deviation over time),
so the same defaults suit raw sensor units and z-normalised data alike. Defaults are mild on
purpose: on UCR data, noise at 0.1 x the series range (about 0.3-0.4 std) and drift up to
0.5 x range cost 9-11 accuracy points in published comparisons; augkit's defaults are noise
0.01-0.05 std and drift up to 0.1 std.
"""

from __future__ import annotations

import numpy as np

from augkit.core.magnitude import Magnitude
from augkit.core.validate import check_choice, check_number, check_range, fail
from augkit.timeseries.base import SEED_MAX, SeriesTransform, channels, check_bool, n_series
from augkit.timeseries.functional import values as V

NOISE_DISTRIBUTIONS = ("gaussian", "laplace", "uniform")


def _check_window_fits(owner, size: int, length: int) -> None:
    if size > length:
        raise ValueError(f"{type(owner).__name__}: a window of {size} steps is longer than the "
                         f"series ({length} steps); use a smaller 'size' or longer series")


class Jitter(SeriesTransform):
    """Noise injection. Additive: std = ``scale`` x each channel's standard deviation;
    ``multiplicative=True``: ``x * (1 + scale * z)``. ``scale`` is drawn per series.

    ``reference="steps"`` measures ``scale`` against the local structure instead: the spread
    of the step-to-step changes. On smooth series (spectra, slow sensors) a step changes by
    a few hundredths of the channel's std, so noise of 0.01-0.05 std already buries the shape;
    against the steps the same ``scale`` stays below it.

    >>> import numpy as np
    >>> x = np.sin(np.linspace(0, 6, 100))
    >>> y = Jitter(scale=0.05, p=1.0)(series=x, seed=0)["series"]
    >>> y.shape, bool(0.01 < np.std(y - x) / np.std(x) < 0.1)
    ((100,), True)
    """

    def __init__(self, scale: float | tuple[float, float] = (0.01, 0.05),
                 distribution: str = "gaussian", multiplicative: bool = False,
                 per_channel: bool = True, reference: str = "std", p: float = 0.5):
        super().__init__(p=p)
        self.scale = check_range(self, "scale", scale, 0.0, 10.0)
        self.reference = check_choice(self, "reference", reference, ("std", "steps"))
        self.distribution = check_choice(self, "distribution", distribution, NOISE_DISTRIBUTIONS)
        self.multiplicative = check_bool(self, "multiplicative", multiplicative)
        self.per_channel = check_bool(self, "per_channel", per_channel)

    magnitude = Magnitude(lambda v: {"scale": (v, v)}, span=0.2,
                          unit="noise std (x the channel's std)")

    def sample(self, rng, state):
        return {"scale": rng.uniform(*self.scale, n_series(state)).tolist(),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_series(self, x, params):
        return V.add_noise(x, params["scale"], self.distribution, self.multiplicative,
                           self.per_channel, params["noise_seed"], self.reference)


class Scaling(SeriesTransform):
    """Multiply each series by a factor drawn from ``factor`` (per channel by default).

    >>> import numpy as np
    >>> Scaling(factor=2.0, p=1.0)(series=np.ones(4), seed=0)["series"].tolist()
    [2.0, 2.0, 2.0, 2.0]
    """

    def __init__(self, factor: float | tuple[float, float] = (0.9, 1.1),
                 per_channel: bool = True, p: float = 0.5):
        super().__init__(p=p)
        self.factor = check_range(self, "factor", factor, -100.0, 100.0)
        self.per_channel = check_bool(self, "per_channel", per_channel)

    magnitude = Magnitude(lambda v: {"factor": (v, v)}, identity=1.0, span=0.5, signed=True,
                          unit="scale factor")

    def sample(self, rng, state):
        c = channels(state) if self.per_channel else 1
        return {"factor": rng.uniform(*self.factor, (n_series(state), c)).tolist()}

    def apply_series(self, x, params):
        return V.scale(x, np.asarray(params["factor"]))


class MagnitudeWarp(SeriesTransform):
    """Multiply by a smooth random curve: a cubic spline through ``n_knots`` interior knots
    (plus both ends) with values ~ N(1, ``sigma``), per series and channel.

    >>> import numpy as np
    >>> y = MagnitudeWarp(sigma=0.1, p=1.0)(series=np.ones((50, 2)), seed=0)["series"]
    >>> y.shape, bool(np.all(np.abs(y - 1) < 0.6))
    ((50, 2), True)
    """

    def __init__(self, sigma: float = 0.1, n_knots: int = 4, p: float = 0.5):
        super().__init__(p=p)
        self.sigma = check_number(self, "sigma", sigma, 0.0, 1.0)
        self.n_knots = check_number(self, "n_knots", n_knots, 0, 100, integer=True)

    magnitude = Magnitude(lambda v: {"sigma": v}, span=0.4, unit="knot std (around 1)")

    def sample(self, rng, state):
        shape = (n_series(state), self.n_knots + 2, channels(state))
        return {"knots": rng.normal(1.0, self.sigma, shape).tolist()}

    def apply_series(self, x, params):
        return V.magnitude_warp(x, np.asarray(params["knots"]))


class Drift(SeriesTransform):
    """Add a smooth random walk (spline through ``n_knots`` + 2 knots, starting at 0) whose
    largest excursion is drawn from [0, ``max_drift``] x each channel's std, per series.

    >>> import numpy as np
    >>> x = np.sin(np.linspace(0, 6, 200))
    >>> y = Drift(max_drift=0.1, p=1.0)(series=x, seed=1)["series"]
    >>> bool(np.max(np.abs(y - x)) <= 0.1 * np.std(x) * 1.3)
    True
    """

    def __init__(self, max_drift: float = 0.1, n_knots: int = 4, per_channel: bool = True,
                 p: float = 0.5):
        super().__init__(p=p)
        self.max_drift = check_number(self, "max_drift", max_drift, 0.0, 100.0)
        self.n_knots = check_number(self, "n_knots", n_knots, 0, 100, integer=True)
        self.per_channel = check_bool(self, "per_channel", per_channel)

    magnitude = Magnitude(lambda v: {"max_drift": v}, span=0.5,
                          unit="largest drift (x the channel's range)")

    def sample(self, rng, state):
        n, c = n_series(state), channels(state) if self.per_channel else 1
        steps = rng.standard_normal((n, self.n_knots + 1, c))
        walk = np.concatenate([np.zeros((n, 1, c)), np.cumsum(steps, axis=1)], axis=1)
        peak = np.abs(walk).max(axis=1, keepdims=True)
        amp = rng.uniform(0.0, self.max_drift, (n, 1, c))
        walk = walk / np.where(peak > 0, peak, 1.0) * amp
        return {"knots": walk.tolist()}

    def apply_series(self, x, params):
        return V.drift(x, np.asarray(params["knots"]))


class SeriesPool(SeriesTransform):
    """Coarsen: replace each block of ``size`` steps by its mean/max/min (length kept)."""

    def __init__(self, size: int | tuple[int, int] = (2, 3), kind: str = "mean",
                 p: float = 0.5):
        super().__init__(p=p)
        self.size = check_range(self, "size", size, 1, 10_000, integer=True)
        self.kind = check_choice(self, "kind", kind, ("mean", "max", "min"))

    def sample(self, rng, state):
        return {"size": int(rng.integers(self.size[0], self.size[1] + 1))}

    def apply_series(self, x, params):
        _check_window_fits(self, params["size"], x.shape[1])
        return V.pool(x, params["size"], self.kind)


class SeriesQuantize(SeriesTransform):
    """Round each series/channel to ``levels`` evenly spaced values between its min and max."""

    def __init__(self, levels: int | tuple[int, int] = (20, 50), p: float = 0.5):
        super().__init__(p=p)
        self.levels = check_range(self, "levels", levels, 2, 1_000_000, integer=True)

    def sample(self, rng, state):
        return {"levels": int(rng.integers(self.levels[0], self.levels[1] + 1))}

    def apply_series(self, x, params):
        return V.quantize(x, params["levels"])


class SeriesDropout(SeriesTransform):
    """Drop a fraction ``rate`` of time steps (drawn per series) and fill them: ``"ffill"``
    (last kept value), ``"mean"`` (series/channel mean) or a number."""

    def __init__(self, rate: float | tuple[float, float] = (0.01, 0.05),
                 fill: str | float = "ffill", p: float = 0.5):
        super().__init__(p=p)
        self.rate = check_range(self, "rate", rate, 0.0, 1.0)
        if isinstance(fill, str):
            fill = check_choice(self, "fill", fill, ("ffill", "mean"))
        elif isinstance(fill, bool) or not isinstance(fill, (int, float)) or not np.isfinite(
                fill):
            fail(self, "fill", fill, "expected 'ffill', 'mean' or a finite number")
        else:
            fill = float(fill)
        self.fill = fill

    magnitude = Magnitude(lambda v: {"rate": (v, v)}, span=0.2, unit="fraction of steps dropped")

    def sample(self, rng, state):
        return {"rate": rng.uniform(*self.rate, n_series(state)).tolist(),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_series(self, x, params):
        return V.dropout(x, params["rate"], self.fill, params["noise_seed"])


class SeriesSmooth(SeriesTransform):
    """Convolution smoothing with a ``window`` ("hann", "flat", "gaussian") of ``size`` steps
    (drawn per call); edges repeat the end values."""

    def __init__(self, size: int | tuple[int, int] = (3, 5), window: str = "hann",
                 p: float = 0.5):
        super().__init__(p=p)
        self.size = check_range(self, "size", size, 1, 1001, integer=True)
        self.window = check_choice(self, "window", window, ("hann", "flat", "gaussian"))

    # odd windows only: an even one also shifts the series by half a step
    magnitude = Magnitude(lambda v: {"size": (2 * int(v) + 1,) * 2}, span=5, integer=True,
                          unit="half-window h in steps (window 2h + 1)")

    def sample(self, rng, state):
        return {"size": int(rng.integers(self.size[0], self.size[1] + 1))}

    def apply_series(self, x, params):
        _check_window_fits(self, params["size"], x.shape[1])
        return V.smooth(x, params["size"], self.window)


class FrequencySurrogate(SeriesTransform):
    """Surrogate series from a perturbed spectrum: phases shifted by up to ``phase`` x pi
    (shared by all channels) and amplitudes scaled by ``1 + amplitude * N(0, 1)``; the mean is
    kept. ``phase=1, amplitude=0`` is the classic random-phase surrogate."""

    def __init__(self, phase: float = 0.1, amplitude: float = 0.05, p: float = 0.5):
        super().__init__(p=p)
        self.phase = check_number(self, "phase", phase, 0.0, 1.0)
        self.amplitude = check_number(self, "amplitude", amplitude, 0.0, 10.0)

    def sample(self, rng, state):
        return {"noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_series(self, x, params):
        return V.surrogate(x, self.phase, self.amplitude, params["noise_seed"])
