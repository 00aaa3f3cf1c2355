"""Pure time-series kernels over float64 (N, T, C) arrays: no randomness, no classes.

``curves`` smooth random curves through knots, ``resample`` time maps (warps, crops,
permutation) applied by gathering, ``values`` value-only ops, ``mix`` pattern mixing.
"""
