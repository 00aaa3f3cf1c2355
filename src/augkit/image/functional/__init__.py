"""Pure image kernels: numpy arrays and concrete parameters in, new arrays out.

No randomness here. Grouped by family: geometric, color, blur_noise, occlusion.
"""
