"""Pure kernels over volumes: (D, H, W) or (D, H, W, C) numpy arrays and sampled parameters.

``geometry``: flips, 90-degree turns, cube symmetries, crops, pads, separable resizes and the
trilinear / nearest samplers of the warps (affine, elastic); ``intensity``: point operations,
noise, bias field, anisotropy, dropout boxes, tile shuffles. No randomness except fields drawn
from a sampled ``noise_seed``.
"""
