"""Smooth curves through evenly spaced knots (natural cubic spline as a fixed linear map).

A natural cubic spline is linear in its knot values, so for K knots evaluated at T steps it is
one (T, K) matrix. Building it once per (K, T) turns a batch of random curves into a single
matrix product, which is what makes magnitude warp, time warp and drift fast.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np


@lru_cache(maxsize=64)
def spline_matrix(n_knots: int, length: int) -> np.ndarray:
    """(length, n_knots) matrix M with ``M @ v`` = natural cubic spline through ``v``.

    Knots sit at ``linspace(0, length - 1, n_knots)``; read-only (cached).
    """
    k, t = n_knots, length
    xk = np.linspace(0.0, t - 1.0, k)
    grid = np.arange(t, dtype=np.float64)
    eye = np.eye(k)
    if k == 2:  # a straight line
        w = grid / max(t - 1.0, 1.0)
        m = np.column_stack([1 - w, w])
        m.flags.writeable = False
        return m
    h = np.diff(xk)
    # second derivatives at the interior knots solve a tridiagonal system (natural ends: 0)
    a = np.zeros((k - 2, k - 2))
    idx = np.arange(k - 2)
    a[idx, idx] = 2 * (h[:-1] + h[1:])
    a[idx[1:], idx[:-1]] = h[1:-1]
    a[idx[:-1], idx[1:]] = h[1:-1]
    rhs = 6 * ((eye[2:] - eye[1:-1]) / h[1:, None] - (eye[1:-1] - eye[:-2]) / h[:-1, None])
    second = np.zeros((k, k))
    second[1:-1] = np.linalg.solve(a, rhs)
    seg = np.clip(np.searchsorted(xk, grid, side="right") - 1, 0, k - 2)
    x0, hs = xk[seg], h[seg]
    u = (grid - x0) / hs  # position inside the segment, 0..1
    lo, hi = eye[seg], eye[seg + 1]
    m = ((1 - u)[:, None] * lo + u[:, None] * hi
         + ((((1 - u) ** 3 - (1 - u)) * hs**2 / 6)[:, None] * second[seg])
         + (((u**3 - u) * hs**2 / 6)[:, None] * second[seg + 1]))
    m.flags.writeable = False
    return m


def curves(knots: np.ndarray, length: int) -> np.ndarray:
    """Curves through ``knots`` (N, K, C) evaluated at ``length`` steps: (N, length, C)."""
    return np.matmul(spline_matrix(knots.shape[1], length), knots)  # batched BLAS


def warp_positions(speeds: np.ndarray, length: int) -> np.ndarray:
    """Monotone source positions (N, length) from positive speed knots (N, K).

    The smooth speed curve is integrated and rescaled so the warp keeps both ends fixed.
    """
    speed = np.clip(spline_matrix(speeds.shape[1], length) @ speeds.T, 1e-3, None).T
    cum = np.cumsum(speed, axis=1)
    cum -= cum[:, :1]
    total = cum[:, -1:]
    return cum / np.where(total > 0, total, 1.0) * (length - 1)
