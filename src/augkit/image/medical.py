"""Medical imaging artifacts for 2-D images (pixels only): MR bias field, Rician noise, Gibbs
ringing, k-space spikes, ghosting and motion, anisotropic resampling, H&E stain variation
and annotations burnt into X-rays.

Grey or multi-channel images in uint8, uint16 (on the float32 carrier, so 16-bit values are
computed in float and stay in range) or float32 in [0, 1]; shape and dtype are kept, masks,
boxes and keypoints are untouched. k-space ops act on each channel's 2-D spectrum. Amounts
are fractions of full scale; positions fractions of the image side, so records replay.
"""

from __future__ import annotations

from augkit.core.magnitude import Magnitude
from augkit.core.validate import check_choice, check_number, check_range, fail
from augkit.image._args import SEED_MAX
from augkit.image.base import ImageTransform
from augkit.image.functional import medical as K

_AXIS_CHOICES = ("x", "y", "random")


def _axis(rng, axis: str) -> str:
    return str(rng.choice(("x", "y"))) if axis == "random" else axis


class BiasField(ImageTransform):
    """MR intensity inhomogeneity: the image times ``exp`` of a polynomial of degree
    ``order`` in x and y (on [-1, 1]) whose coefficients are drawn from ``coefficients``
    (a scalar c means (-c, c)), as TorchIO's RandomBiasField.

    >>> import numpy as np
    >>> out = BiasField(coefficients=0.3, p=1.0)(image=np.full((32, 32), 0.5, np.float32),
    ...                                             seed=0)["image"]
    >>> bool(out.min() > 0.5 * np.exp(-3) and out.std() > 0)  # positive, not constant
    True
    """

    guard_nonfinite = False  # a per-pixel product: non-finite values stay where they are

    def __init__(self, coefficients: float | tuple[float, float] = 0.5, order: int = 3,
                 p: float = 0.5):
        super().__init__(p=p)
        self.coefficients = check_range(self, "coefficients", coefficients, -2, 2,
                                        symmetric=True)
        self.order = check_number(self, "order", order, 0, 8, integer=True)

    magnitude = Magnitude(lambda v: {"coefficients": (-v, v)}, span=0.5,
                          unit="largest polynomial coefficient (log scale)")

    def sample(self, rng, state):
        count = (self.order + 1) * (self.order + 2) // 2
        return {"coefficients": [float(c) for c in rng.uniform(*self.coefficients, count)]}

    def apply_image(self, image, params):
        return K.apply_bias(image, self.order, params["coefficients"])


class RicianNoise(ImageTransform):
    """Magnitude MR noise: ``sqrt((x + n1)**2 + n2**2)`` with n1, n2 normal of a std drawn
    from ``std_range`` (fraction of full scale); on black it is Rayleigh distributed.

    >>> import numpy as np
    >>> out = RicianNoise(std_range=0.1, p=1.0)(image=np.zeros((64, 64), np.float32),
    ...                                          seed=0)["image"]
    >>> round(float(out.mean()), 2)  # Rayleigh mean: 0.1 * sqrt(pi / 2)
    0.13
    """

    def __init__(self, std_range: float | tuple[float, float] = (0.01, 0.05), p: float = 0.5):
        super().__init__(p=p)
        self.std_range = check_range(self, "std_range", std_range, 0, 1)

    magnitude = Magnitude(lambda v: {"std_range": (v, v)}, span=0.1,
                          unit="noise std (fraction of full scale)")

    def sample(self, rng, state):
        return {"std": float(rng.uniform(*self.std_range)),
                "noise_seed": int(rng.integers(0, SEED_MAX))}

    def apply_image(self, image, params):
        return K.rician(image, params["std"], params["noise_seed"])


class GibbsRinging(ImageTransform):
    """Gibbs ringing: only the central fraction of k-space, drawn from ``keep_fraction``, is
    kept along ``axis`` ("x", "y", "both", or "random": x or y), then the magnitude of the
    inverse transform. A fraction of 1 keeps the image.

    >>> import numpy as np
    >>> edge = np.zeros((32, 32), np.float32); edge[:, 16:] = 1.0
    >>> out = GibbsRinging(keep_fraction=0.25, axis="x", p=1.0)(image=edge)["image"]
    >>> bool(out[0, 17:].min() < 0.99 and out[0, :15].max() > 0.01)  # ripples on both sides
    True
    """

    guard_nonfinite = True  # the spectrum mixes every pixel

    def __init__(self, keep_fraction: float | tuple[float, float] = (0.3, 0.8),
                 axis: str = "random", p: float = 0.5):
        super().__init__(p=p)
        self.keep_fraction = check_range(self, "keep_fraction", keep_fraction, 0, 1)
        self.axis = check_choice(self, "axis", axis, (*_AXIS_CHOICES, "both"))

    magnitude = Magnitude(lambda v: {"keep_fraction": (v, v)}, identity=1.0, span=-0.8,
                          unit="fraction of k-space kept")

    def sample(self, rng, state):
        return {"fraction": float(rng.uniform(*self.keep_fraction)),
                "axis": _axis(rng, self.axis)}

    def apply_image(self, image, params):
        return K.gibbs(image, params["fraction"], params["axis"])


class KSpaceSpike(ImageTransform):
    """Herringbone artifact: ``num_spikes`` bright points added to k-space at random
    frequencies (never DC), each ``intensity`` times the spectrum's maximum (both drawn
    from their ranges); the image shows stripes at those frequencies.

    >>> import numpy as np
    >>> out = KSpaceSpike(intensity=1.0, p=1.0)(image=np.full((16, 16), 0.5, np.float32),
    ...                                          seed=0)["image"]
    >>> bool(out.std() > 0.1)  # stripes over a flat image
    True
    """

    guard_nonfinite = True

    def __init__(self, num_spikes: int | tuple[int, int] = (1, 1),
                 intensity: float | tuple[float, float] = (1.0, 3.0), p: float = 0.5):
        super().__init__(p=p)
        self.num_spikes = check_range(self, "num_spikes", num_spikes, 1, 64, integer=True)
        self.intensity = check_range(self, "intensity", intensity, 0, 100)

    magnitude = Magnitude(lambda v: {"intensity": (v, v)}, span=2.0,
                          unit="spike amplitude (times the spectrum's maximum)")

    def sample(self, rng, state):
        h, w = state["image"].shape[:2]
        count = int(rng.integers(self.num_spikes[0], self.num_spikes[1] + 1))
        dc = (h // 2) * w + w // 2
        spikes = []
        for flat in rng.integers(0, max(1, h * w - 1), count).tolist():
            flat += flat >= dc and h * w > 1  # skip DC: a spike there is a brightness change
            spikes.append([flat // w - h // 2, flat % w - w // 2])
        return {"spikes": spikes,
                "intensities": [float(v) for v in rng.uniform(*self.intensity, count)]}

    def apply_image(self, image, params):
        return K.kspace_spike(image, params["spikes"], params["intensities"])


class Ghosting(ImageTransform):
    """MR ghosting: every n-th k-space line along ``axis`` (n drawn from ``num_ghosts``) is
    scaled by ``1 - intensity`` (drawn); lines within ``restore`` (a fraction of the size)
    of the centre are kept. Faint replicas appear at multiples of size / n along the axis,
    as TorchIO's RandomGhosting.

    >>> import numpy as np
    >>> img = np.zeros((32, 32), np.float32); img[2:6, 10:20] = 1.0
    >>> out = Ghosting(num_ghosts=4, intensity=1.0, axis="y", restore=0.0, p=1.0)(image=img)
    >>> round(float(out["image"][10:14, 10:20].mean()), 3)  # a ghost 32 / 4 rows lower
    0.25
    """

    guard_nonfinite = True

    def __init__(self, num_ghosts: int | tuple[int, int] = (4, 10),
                 intensity: float | tuple[float, float] = (0.5, 1.0), axis: str = "random",
                 restore: float = 0.02, p: float = 0.5):
        super().__init__(p=p)
        self.num_ghosts = check_range(self, "num_ghosts", num_ghosts, 2, 256, integer=True)
        self.intensity = check_range(self, "intensity", intensity, 0, 1)
        self.axis = check_choice(self, "axis", axis, _AXIS_CHOICES)
        self.restore = check_number(self, "restore", restore, 0, 1)

    magnitude = Magnitude(lambda v: {"intensity": (v, v)}, span=1.0,
                          unit="attenuation of the ghosting lines")

    def sample(self, rng, state):
        return {"num_ghosts": int(rng.integers(self.num_ghosts[0], self.num_ghosts[1] + 1)),
                "intensity": float(rng.uniform(*self.intensity)), "axis": _axis(rng, self.axis)}

    def apply_image(self, image, params):
        return K.ghosting(image, params["num_ghosts"], params["intensity"], params["axis"],
                          self.restore)


class MotionArtifact(ImageTransform):
    """MR motion: k-space filled line by line along ``axis`` while the object makes
    ``num_transforms`` rigid moves at random times of the scan (rotation drawn from
    ``degrees``, shift from ``translation`` as a fraction of the side, scalars meaning
    (-v, v)), as TorchIO's RandomMotion; the magnitude image shows blur and ghosts.

    >>> import numpy as np
    >>> img = np.zeros((32, 32), np.float32); img[8:24, 8:24] = 1.0
    >>> out = MotionArtifact(degrees=10, translation=0.1, p=1.0)(image=img, seed=0)["image"]
    >>> out.shape, bool(np.abs(out - img).max() > 0.05)
    ((32, 32), True)
    """

    guard_nonfinite = True

    def __init__(self, degrees: float | tuple[float, float] = 10.0,
                 translation: float | tuple[float, float] = 0.05, num_transforms: int = 2,
                 axis: str = "random", p: float = 0.5):
        super().__init__(p=p)
        self.degrees = check_range(self, "degrees", degrees, -180, 180, symmetric=True)
        self.translation = check_range(self, "translation", translation, -0.5, 0.5,
                                       symmetric=True)
        self.num_transforms = check_number(self, "num_transforms", num_transforms, 1, 16,
                                           integer=True)
        self.axis = check_choice(self, "axis", axis, _AXIS_CHOICES)

    magnitude = Magnitude(lambda v: {"degrees": v, "translation": v / 200}, span=10.0,
                          unit="degrees (translation: degrees / 200 of the side)")

    def sample(self, rng, state):
        k = self.num_transforms
        times = sorted(float(t) for t in rng.uniform(0.0, 1.0, k))
        moves = [[float(rng.uniform(*self.degrees)), float(rng.uniform(*self.translation)),
                  float(rng.uniform(*self.translation))] for _ in range(k)]
        return {"moves": moves, "times": times, "axis": _axis(rng, self.axis)}

    def apply_image(self, image, params):
        return K.motion(image, params["moves"], params["times"], params["axis"])


class Anisotropy(ImageTransform):
    """Low resolution along one axis: downsampled by a factor drawn from ``factor``
    (nearest, like thick slices) and resampled back with ``interpolation`` ("linear",
    "nearest", "cubic", "area", "lanczos"), as TorchIO's RandomAnisotropy. A factor of 1
    keeps the image.

    >>> import numpy as np
    >>> img = np.arange(64, dtype=np.uint8).reshape(8, 8)
    >>> out = Anisotropy(factor=4, axis="y", interpolation="nearest", p=1.0)(image=img)
    >>> len(np.unique(out["image"][:, 0]))  # 8 rows from 2
    2
    """

    guard_nonfinite = True

    def __init__(self, factor: float | tuple[float, float] = (1.5, 5.0), axis: str = "random",
                 interpolation: str = "linear", p: float = 0.5):
        super().__init__(p=p)
        self.factor = check_range(self, "factor", factor, 1, 64)
        self.axis = check_choice(self, "axis", axis, _AXIS_CHOICES)
        self.interpolation = check_choice(self, "interpolation", interpolation,
                                          tuple(K.INTERPOLATIONS))

    magnitude = Magnitude(lambda v: {"factor": (v, v)}, identity=1.0, span=4.0,
                          unit="downsampling factor")

    def sample(self, rng, state):
        return {"factor": float(rng.uniform(*self.factor)), "axis": _axis(rng, self.axis)}

    def apply_image(self, image, params):
        return K.anisotropy(image, params["factor"], params["axis"], self.interpolation)


class HEStain(ImageTransform):
    """H&E stain variation (Tellez et al. 2018): RGB to optical density, unmixed into
    haematoxylin, eosin and a third stain with the fixed Ruifrok vectors (``method=
    "ruifrok"``) or vectors estimated from the image (``"macenko"``); each concentration is
    scaled by a factor drawn from [1 - alpha, 1 + alpha] and shifted by one from [-beta,
    beta], then recomposed. White background stays near white. RGB images only (RGBA: the
    colour planes).

    >>> import numpy as np
    >>> img = np.full((8, 8, 3), 255, np.uint8); img[2:6, 2:6] = (120, 60, 150)
    >>> out = HEStain(alpha=0.0, beta=0.0, p=1.0)(image=img)["image"]
    >>> bool((out == img).all())  # no perturbation: the image itself
    True
    """

    guard_nonfinite = True  # Macenko's vectors are statistics over all pixels

    def __init__(self, alpha: float = 0.05, beta: float = 0.05, method: str = "ruifrok",
                 p: float = 0.5):
        super().__init__(p=p)
        self.alpha = check_number(self, "alpha", alpha, 0, 1)
        self.beta = check_number(self, "beta", beta, 0, 1)
        self.method = check_choice(self, "method", method, ("ruifrok", "macenko"))

    magnitude = Magnitude(lambda v: {"alpha": v, "beta": v}, span=0.2,
                          unit="concentration scale and shift (alpha = beta)")

    def apply(self, state, params):
        image = state["image"]
        if not (image.ndim == 3 and image.shape[2] in (3, 4)):
            channels = 1 if image.ndim == 2 else image.shape[2]
            raise ValueError(f"HEStain: 'image' must be RGB (H, W, 3) or RGBA; got {image.dtype} "
                             f"with {channels} channel(s)")
        return super().apply(state, params)

    def sample(self, rng, state):
        return {"alphas": [float(v) for v in rng.uniform(1 - self.alpha, 1 + self.alpha, 3)],
                "betas": [float(v) for v in rng.uniform(-self.beta, self.beta, 3)]}

    def apply_image(self, image, params):
        return K.he_stain(image, self.method, params["alphas"], params["betas"])


_MARK_KINDS = ("text", "lr", "arrow", "ruler")
_WORDS = ("L", "R", "AP", "PA", "LAT", "SUPINE", "ERECT", "PORTABLE", "CXR")


class AnnotationBurnIn(ImageTransform):
    """Annotations burnt into an X-ray: ``num_marks`` marks (drawn) of the kinds in
    ``kinds`` -- "text" (a view word or a number), "lr" (a boxed L or R side marker),
    "arrow", "ruler" (a line with ticks) -- at random places, of a height drawn from
    ``size`` (fraction of the shorter side), written at a level drawn from ``intensity``
    (fraction of full scale: near white) into every channel.

    >>> import numpy as np
    >>> out = AnnotationBurnIn(p=1.0)(image=np.zeros((64, 64), np.uint16), seed=0)["image"]
    >>> bool(out.max() >= 0.9 * 65535 and (out > 0).mean() < 0.5)
    True
    """

    def __init__(self, num_marks: int | tuple[int, int] = (1, 3),
                 size: float | tuple[float, float] = (0.04, 0.1),
                 intensity: float | tuple[float, float] = (0.9, 1.0),
                 kinds: tuple[str, ...] = _MARK_KINDS, p: float = 0.5):
        super().__init__(p=p)
        self.num_marks = check_range(self, "num_marks", num_marks, 1, 64, integer=True)
        self.size = check_range(self, "size", size, 0, 1)
        self.intensity = check_range(self, "intensity", intensity, 0, 1)
        if isinstance(kinds, str) or not isinstance(kinds, (list, tuple)) or not kinds:
            fail(self, "kinds", kinds, f"expected a non-empty list of {list(_MARK_KINDS)}",
                 TypeError)
        for kind in kinds:
            check_choice(self, "kinds", kind, _MARK_KINDS)
        self.kinds = tuple(kinds)

    def sample(self, rng, state):
        marks = []
        for _ in range(int(rng.integers(self.num_marks[0], self.num_marks[1] + 1))):
            kind = str(rng.choice(self.kinds))
            if kind == "lr":
                text = str(rng.choice(("L", "R")))
            elif kind == "text" and rng.random() < 0.5:
                text = str(int(rng.integers(0, 1000)))
            else:
                text = str(rng.choice(_WORDS))
            marks.append({"kind": kind, "text": text if kind in ("text", "lr") else "",
                          "x": float(rng.uniform(0.05, 0.8)), "y": float(rng.uniform(0.15, 0.9)),
                          "size": float(rng.uniform(*self.size)),
                          "angle": float(rng.choice((0.0, 90.0, 180.0, 270.0)) if kind == "ruler"
                                         else rng.uniform(0.0, 360.0)),
                          "value": float(rng.uniform(*self.intensity))})
        return {"marks": marks}

    def apply_image(self, image, params):
        return K.burn_in(image, params["marks"])
