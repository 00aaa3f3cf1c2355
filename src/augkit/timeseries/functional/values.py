"""Value-only kernels over float64 (N, T, C): the time axis does not move.

Random draws come in as parameters: per-series factors, knot values, or a ``noise_seed``
(an int, or a list of ints) from which the kernel rebuilds the same noise every time.
"""

from __future__ import annotations

import numpy as np

from augkit.timeseries.functional.curves import curves


def spread(x: np.ndarray) -> np.ndarray:
    """Per-series, per-channel standard deviation (N, 1, C); 1 where a channel is constant.

    Sums over time as matrix products with a ones vector (BLAS: several times faster than
    ``x.std``); rows where the one-pass variance may have cancelled (offset much larger than
    the spread) are recomputed exactly.
    """
    t = x.shape[1]
    ones = np.ones(t)
    mean = (ones @ x) / t
    var = (ones @ (x * x)) / t - mean * mean
    shaky = var <= 1e-8 * mean * mean
    if shaky.any():
        rows = np.flatnonzero(shaky.any(axis=1))
        var[rows] = x[rows].var(axis=1)
    s = np.sqrt(np.maximum(var, 0.0))[:, None, :]
    return np.where(s > 0, s, 1.0)


def step_spread(x: np.ndarray) -> np.ndarray:
    """Per-series, per-channel spread of the step-to-step changes (N, 1, C): the standard
    deviation of the first differences, 1 where a channel never changes (or has one step).
    On a smooth series it is far below the channel's std, which measures the whole range."""
    if x.shape[1] < 2:
        return np.ones((x.shape[0], 1, x.shape[2]))
    return spread(np.diff(x, axis=1))


def channel_extremes(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-series, per-channel min and max (N, 1, C). Reducing the last axis of a (N, C, T)
    copy is far faster than reducing the middle axis of (N, T, C)."""
    xt = np.ascontiguousarray(x.transpose(0, 2, 1))
    return xt.min(axis=2)[:, None, :], xt.max(axis=2)[:, None, :]


def channel_mean(x: np.ndarray) -> np.ndarray:
    """Per-series, per-channel mean over time (N, 1, C), as a BLAS product."""
    return ((np.ones(x.shape[1]) @ x) / x.shape[1])[:, None, :]


def noise(shape: tuple[int, ...], distribution: str, noise_seed) -> np.ndarray:
    """Unit-variance noise of ``distribution`` rebuilt from ``noise_seed``."""
    rng = np.random.default_rng(noise_seed)
    if distribution == "gaussian":
        return rng.standard_normal(shape)
    if distribution == "laplace":
        return rng.laplace(0.0, 1.0 / np.sqrt(2.0), shape)
    if distribution == "uniform":
        return rng.uniform(-np.sqrt(3.0), np.sqrt(3.0), shape)
    raise ValueError(f"unknown noise distribution {distribution!r}")


def add_noise(x: np.ndarray, scales: np.ndarray, distribution: str, multiplicative: bool,
              per_channel: bool, noise_seed, reference: str = "std") -> np.ndarray:
    """Additive noise with std ``scales`` (N,) x each channel's spread (``reference="std"``)
    or x the spread of its step-to-step changes (``"steps"``), or multiplicative
    ``x * (1 + scales * z)``. ``per_channel=False`` shares one noise track across channels."""
    n, t, c = x.shape
    z = noise((n, t, c if per_channel else 1), distribution, noise_seed)
    s = np.asarray(scales, dtype=np.float64)[:, None, None]
    if multiplicative:
        return x * (1.0 + s * z)
    unit = step_spread(x) if reference == "steps" else spread(x)
    return x + (s * unit) * z


def scale(x: np.ndarray, factors: np.ndarray) -> np.ndarray:
    """Multiply each series (and channel) by ``factors`` (N, C) or (N, 1)."""
    return x * np.asarray(factors, dtype=np.float64)[:, None, :]


def magnitude_warp(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Multiply by a smooth curve through ``knots`` (N, K, C) (values near 1)."""
    return x * curves(np.asarray(knots, dtype=np.float64), x.shape[1])


def drift(x: np.ndarray, knots: np.ndarray) -> np.ndarray:
    """Add a smooth curve through ``knots`` (N, K, C), in units of each channel's spread."""
    return x + curves(np.asarray(knots, dtype=np.float64), x.shape[1]) * spread(x)


def rotate(x: np.ndarray, matrices: np.ndarray) -> np.ndarray:
    """Multiply each time step's channel vector by the (N, C, C) ``matrices``."""
    return np.einsum("ntc,ndc->ntd", x, np.asarray(matrices, dtype=np.float64))


def plane_rotation(u: np.ndarray, v: np.ndarray, angle: float) -> np.ndarray:
    """Rotation by ``angle`` (radians) in the plane spanned by ``u`` and ``v`` (any C >= 2)."""
    c = u.shape[0]
    u = u / np.linalg.norm(u)
    v = v - (v @ u) * u
    v = v / np.linalg.norm(v)
    return (np.eye(c) + np.sin(angle) * (np.outer(v, u) - np.outer(u, v))
            + (np.cos(angle) - 1.0) * (np.outer(u, u) + np.outer(v, v)))


def shuffle_channels(x: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Reorder channels per series: output channel j is input channel ``orders[n, j]``."""
    orders = np.asarray(orders, dtype=np.intp)
    return x[np.arange(x.shape[0])[:, None], :, orders].transpose(0, 2, 1)


def pool(x: np.ndarray, size: int, kind: str) -> np.ndarray:
    """Replace each block of ``size`` steps by its mean / max / min (length kept); a shorter
    last block is pooled over its own steps."""
    n, t, c = x.shape
    full = t // size * size
    op = {"mean": np.add, "max": np.maximum, "min": np.minimum}[kind]
    out = np.empty_like(x)
    if full:
        blocks = x[:, :full].reshape(n, full // size, size, c)
        acc = blocks[:, :, 0].copy()
        for k in range(1, size):  # a few strided passes beat reducing a middle axis
            op(acc, blocks[:, :, k], out=acc)
        if kind == "mean":
            acc /= size
        out[:, :full].reshape(n, full // size, size, c)[...] = acc[:, :, None, :]
    if full < t:
        tail = x[:, full:]
        red = {"mean": np.mean, "max": np.max, "min": np.min}[kind](tail, axis=1,
                                                                    keepdims=True)
        out[:, full:] = red
    return out


def quantize(x: np.ndarray, levels: int) -> np.ndarray:
    """Round each series/channel to ``levels`` evenly spaced values between its min and max."""
    lo, hi = channel_extremes(x)
    span = hi - lo
    up = np.where(span > 0, (levels - 1) / np.where(span > 0, span, 1.0), 0.0)
    y = x - lo
    y *= up
    np.rint(y, out=y)
    y *= span / (levels - 1)  # a constant channel stays lo + 0 = itself
    y += lo
    return y


def dropout(x: np.ndarray, rate: np.ndarray, fill, noise_seed) -> np.ndarray:
    """Drop each step (all channels) with probability ``rate`` (N,) and fill it with a number,
    the series/channel mean (``"mean"``) or the last kept value (``"ffill"``)."""
    n, t, _ = x.shape
    drop = np.random.default_rng(noise_seed).random((n, t)) < np.asarray(rate)[:, None]
    if fill == "ffill":
        idx = np.where(drop, 0, np.arange(t)[None, :])
        np.maximum.accumulate(idx, axis=1, out=idx)
        idx += (np.arange(n) * t)[:, None]  # flat take: much faster than 2-D fancy indexing
        return np.take(x.reshape(n * t, -1), idx.ravel(), axis=0).reshape(x.shape)
    value = channel_mean(x) if fill == "mean" else float(fill)
    return np.where(drop[..., None], value, x)


def smoothing_kernel(size: int, window: str) -> np.ndarray:
    if window == "flat":
        w = np.ones(size)
    elif window == "hann":
        w = np.hanning(size + 2)[1:-1]  # without the zero end points
    elif window == "gaussian":
        r = np.arange(size) - (size - 1) / 2
        w = np.exp(-0.5 * (r / (size / 4.0)) ** 2)
    else:
        raise ValueError(f"unknown smoothing window {window!r}")
    return w / w.sum()


def smooth(x: np.ndarray, size: int, window: str) -> np.ndarray:
    """Convolve along time with a normalised ``window`` of ``size`` steps (edges repeated).

    Works through the batch in blocks of about 256 KB, so the several passes over each block
    hit the CPU cache instead of memory (about 2x faster on large batches)."""
    n, t, c = x.shape
    block = max(1, (256 * 1024) // (8 * t * c))
    if n <= block:
        return _smooth_block(x, size, window)
    out = np.empty_like(x)
    for s in range(0, n, block):
        out[s:s + block] = _smooth_block(x[s:s + block], size, window)
    return out


def _smooth_block(x: np.ndarray, size: int, window: str) -> np.ndarray:
    w = smoothing_kernel(size, window)
    left = (size - 1) // 2
    t = x.shape[1]
    out = x * w[left]
    tmp = np.empty_like(x)
    for k, wk in enumerate(w):  # few taps: in-place multiply-adds of shifted views, no padding
        d = k - left  # out[t] += wk * x[t + d], with x's end values repeated past the edges
        if d == 0:
            continue
        if d > 0:
            m = max(t - d, 0)
            np.multiply(x[:, d:d + m], wk, out=tmp[:, :m])
            tmp[:, m:] = wk * x[:, -1:]
        else:
            m = max(t + d, 0)
            np.multiply(x[:, :m], wk, out=tmp[:, t - m:])
            tmp[:, :t - m] = wk * x[:, :1]
        out += tmp
    return out


def surrogate(x: np.ndarray, phase: float, amplitude: float, noise_seed) -> np.ndarray:
    """Perturb the spectrum: random phase shifts up to ``phase`` x pi (the same for every
    channel, so cross-channel relations survive) and amplitudes scaled by ``1 + amplitude * z``.
    The mean (DC) and Nyquist terms keep their phase, so the output stays real and centred."""
    n, t, c = x.shape
    spec = np.fft.rfft(x, axis=1)
    f = spec.shape[1]
    rng = np.random.default_rng(noise_seed)
    angles = rng.uniform(-phase * np.pi, phase * np.pi, (n, f, 1))
    gains = np.clip(1.0 + amplitude * rng.standard_normal((n, f, c)), 0.0, None)
    angles[:, 0] = 0.0
    gains[:, 0] = 1.0
    if t % 2 == 0:
        angles[:, -1] = 0.0
    return np.fft.irfft(spec * gains * np.exp(1j * angles), n=t, axis=1)
