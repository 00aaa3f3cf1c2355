"""Medical imaging artifact kernels: MR k-space artifacts, bias field, Rician noise,
anisotropic resampling, H&E stain variation and burnt-in annotations.

Every kernel takes an image (HxW or HxWxC; uint8, or float32 in [0, 1]: uint16 images arrive
on the float32 carrier) and its sampled parameters, computes in float on [0, 1] and returns
a new array of the input's dtype and shape. Random fields come from
``np.random.default_rng(noise_seed)``. k-space ops work on the 2-D spectrum of each channel
(float32) and return the magnitude of the inverse transform, as a magnitude MR image is.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from augkit.image.functional.geometric import CV_NATIVE_CHANNELS, INTERPOLATIONS
from augkit.image.functional.noise import normal, to_dtype
from augkit.image.functional.scratch import scratch

AXES = {"y": 0, "x": 1}  # "y": along the height (rows), "x": along the width (columns)


def unit(img: np.ndarray) -> np.ndarray:
    """A new float32 copy of the image on [0, 1], clipped (NaN stays NaN)."""
    out = img.astype(np.float32)
    if img.dtype == np.uint8:
        out *= np.float32(1.0 / 255.0)
    np.clip(out, 0.0, 1.0, out=out)
    return out


# -- k-space ------------------------------------------------------------------------------
# Spectra are complex64 (H, W[, C]) in numpy's unshifted order (DC at [0, 0]), from OpenCV's
# float32 DFT (much faster here than numpy's fft2 of a float32 image). Positions are given as
# signed frequencies, ``k % n`` in the array; the "centre" of k-space is low |frequency|.
def _into(got: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """``dst`` holding OpenCV's result ``got`` (OpenCV writes into a matching ``dst``; were
    it ever to allocate instead, the values are copied over)."""
    if got is not dst:
        dst[...] = got.reshape(dst.shape)
    return dst


def _dft(plane: np.ndarray, out: np.ndarray) -> np.ndarray:
    """The spectrum of a float32 plane written into ``out`` (complex64, its shape)."""
    pair = out.view(np.float32).reshape(*plane.shape, 2)
    _into(cv2.dft(plane, dst=pair, flags=cv2.DFT_COMPLEX_OUTPUT), pair)
    return out


def spectrum(x: np.ndarray, slot: str | None = None) -> np.ndarray:
    """2-D spectrum of each channel of a float32 image (unshifted: DC at [0, 0]); with
    ``slot``, in that per-thread scratch array (a fresh one would fault every page: at
    512x512 that cost more than the transform)."""
    spec = np.empty(x.shape, np.complex64) if slot is None else scratch(slot, x.shape,
                                                                         np.complex64)
    if x.ndim == 2:
        return _dft(np.ascontiguousarray(x, np.float32), spec)
    plane = scratch("kspace-c", x.shape[:2], np.complex64)
    for c in range(x.shape[2]):
        spec[:, :, c] = _dft(np.ascontiguousarray(x[:, :, c], np.float32), plane)
    return spec


def _magnitude(plane: np.ndarray, out: np.ndarray) -> None:
    """``out`` = the magnitude of the inverse transform of a complex64 plane."""
    pair = scratch("kspace-i", (*plane.shape, 2), np.float32)
    _into(cv2.dft(np.ascontiguousarray(plane).view(np.float32).reshape(*plane.shape, 2),
                  dst=pair, flags=cv2.DFT_INVERSE | cv2.DFT_SCALE), pair)
    # numpy's complex abs on the pair (cv2.magnitude on its two strided planes was slower)
    np.abs(pair.view(np.complex64)[:, :, 0], out=out)


def from_spectrum(spec: np.ndarray, like: np.ndarray) -> np.ndarray:
    """The magnitude image of a spectrum, in the dtype of ``like``."""
    out = np.empty(spec.shape, np.float32)
    if spec.ndim == 2:
        _magnitude(spec, out)
    else:
        plane = scratch("kspace-m", spec.shape[:2], np.float32)
        for c in range(spec.shape[2]):
            _magnitude(spec[:, :, c], plane)
            out[:, :, c] = plane
    return to_dtype(out, like)


def frequencies(n: int) -> np.ndarray:
    """Signed integer frequency of each index of an n-point spectrum."""
    return np.fft.fftfreq(n, 1.0 / n).round().astype(np.int64)


def _scale_lines(spec: np.ndarray, factor: np.ndarray, axis: int) -> np.ndarray:
    shape = [1] * spec.ndim
    shape[axis] = factor.size
    spec *= factor.astype(np.float32).reshape(shape)
    return spec


def gibbs(img: np.ndarray, fraction: float, axis: str) -> np.ndarray:
    """Truncate k-space to the central ``fraction`` of frequencies along ``axis`` ("x", "y"
    or "both"): the ringing of a finite acquisition window next to sharp edges."""
    x = unit(img)
    axes = (0, 1) if axis == "both" else (AXES[axis],)
    kept = {a: max(1, round(fraction * x.shape[a])) for a in axes}
    if all(k == x.shape[a] for a, k in kept.items()):  # nothing cut: the image itself
        return to_dtype(x, img)
    spec = spectrum(x, "kspace-0")
    for a, keep in kept.items():
        # the keep lowest frequencies, -(keep // 2) .. keep - keep // 2 - 1 (as a centred
        # window of that many lines)
        f = frequencies(x.shape[a])
        _scale_lines(spec, (f >= -(keep // 2)) & (f < keep - keep // 2), a)
    return from_spectrum(spec, img)


def spike_spectrum(spec: np.ndarray, spikes: list, intensities: list) -> np.ndarray:
    """``spec`` (modified in place) with ``intensity * max|spec|`` (per channel) added at
    each spike, given as signed (row, column) frequencies (taken modulo the size). ``spec``
    is the spectrum of a non-negative image, whose largest magnitude is DC's (the sum of
    the pixels), so the peak is read there."""
    h, w = spec.shape[:2]
    peak = np.abs(spec[0, 0])  # per channel (a scalar for one channel)
    for (dy, dx), intensity in zip(spikes, intensities, strict=True):
        spec[dy % h, dx % w] += intensity * peak
    return spec


def spiked(x: np.ndarray, spikes: list, intensities: list) -> np.ndarray:
    """The complex image whose spectrum is :func:`spike_spectrum` of ``x``'s, without a
    transform: a value A added at frequency (dy, dx) adds the plane wave
    ``A / (h w) * exp(2 pi i (dy r / h + dx c / w))`` to the image, and A / (h w) is
    ``intensity`` times the channel's mean (DC is the sum of the pixels). Returns a
    per-thread scratch array."""
    h, w = x.shape[:2]
    mean = x.reshape(h * w, -1).mean(axis=0, dtype=np.float64)  # per channel
    z = scratch("spike-z", x.shape, np.complex64)
    z[...] = x
    wave = scratch("spike-w", (h, w), np.complex64)
    for (dy, dx), intensity in zip(spikes, intensities, strict=True):
        rows = np.exp(2j * np.pi * (dy % h) * np.arange(h) / h)
        cols = np.exp(2j * np.pi * (dx % w) * np.arange(w) / w).astype(np.complex64)
        amp = intensity * mean
        if x.ndim == 2:  # the wave as one outer product, its amplitude on the short factor
            z += np.multiply.outer((rows * amp[0]).astype(np.complex64), cols, out=wave)
        else:
            np.multiply.outer(rows.astype(np.complex64), cols, out=wave)
            for c in range(x.shape[2]):
                z[:, :, c] += wave * np.complex64(amp[c])
    return z


def kspace_spike(img: np.ndarray, spikes: list, intensities: list) -> np.ndarray:
    """Bright points in k-space (a faulty RF sample): stripes across the whole image, the
    magnitude of :func:`spiked` (the same as through a transform, without one)."""
    return to_dtype(np.abs(spiked(unit(img), spikes, intensities)), img)


def _even_filter(plane: np.ndarray, factor: np.ndarray, along_rows: bool) -> None:
    """Filter a C-contiguous float32 plane in place by ``factor`` along its rows
    (``along_rows``) or columns; ``factor`` holds the values at frequencies 0 .. n // 2 (the
    same at -f as at f). 1-D real transforms in OpenCV's packed layout (Re 0, Re 1, Im 1,
    Re 2, ...) give a real result, as the full 2-D transform would (the other axis's
    transform cancels out). Work arrays are per-thread scratch: fresh ones would fault
    every page, which cost more than the transforms."""
    h, w = plane.shape
    if along_rows:
        rows = plane
    else:
        rows = scratch("ghost-t", (w, h), np.float32)
        _into(cv2.transpose(plane, dst=rows), rows)
    n = rows.shape[1]
    packed = scratch("ghost-f", rows.shape, np.float32)
    _into(cv2.dft(rows, dst=packed, flags=cv2.DFT_ROWS), packed)
    packed *= factor[(np.arange(n) + 1) // 2].astype(np.float32)
    flags = cv2.DFT_ROWS | cv2.DFT_INVERSE | cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT
    _into(cv2.dft(packed, dst=rows, flags=flags), rows)  # rows may be the plane itself
    if not along_rows:
        _into(cv2.transpose(rows, dst=plane), plane)


def ghosting(img: np.ndarray, num_ghosts: int, intensity: float, axis: str,
             restore: float) -> np.ndarray:
    """Scale every ``num_ghosts``-th k-space line along ``axis`` by ``1 - intensity`` (lines
    within ``restore`` of the centre, a fraction of the size, are kept): replicas of the
    image shifted by multiples of ``size / num_ghosts`` along that axis, as periodic motion
    during acquisition gives. The factor depends on one frequency and is even, so the
    2-D spectrum's scaling is a 1-D real filter along the axis, computed as one."""
    x = unit(img)
    a = AXES[axis]
    n = x.shape[a]
    f = np.arange(n // 2 + 1)  # the factor is even: frequencies 0 .. n // 2 suffice
    factor = np.where(f % num_ghosts == 0, 1.0 - intensity, 1.0)
    factor[f < restore * n / 2] = 1.0
    if x.ndim == 2:
        _even_filter(x, factor, a == 1)
    else:
        plane = scratch("ghost-c", x.shape[:2], np.float32)
        for c in range(x.shape[2]):
            np.copyto(plane, x[:, :, c])
            _even_filter(plane, factor, a == 1)
            x[:, :, c] = plane
    np.abs(x, out=x)  # the magnitude of a real image
    return to_dtype(x, img)


def _rigid(x: np.ndarray, angle: float, ty: float, tx: float) -> np.ndarray:
    """``x`` rotated by ``angle`` degrees about its centre and shifted by (tx, ty) times its
    width and height; linear, black outside (an MR background)."""
    h, w = x.shape[:2]
    matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    matrix[:, 2] += (tx * w, ty * h)

    def warp(a: np.ndarray, slot: str) -> np.ndarray:
        out = scratch(slot, a.shape, np.float32)  # only read by spectrum(): no fresh pages
        return _into(cv2.warpAffine(a, matrix, (w, h), dst=out, flags=cv2.INTER_LINEAR,
                                    borderMode=cv2.BORDER_CONSTANT, borderValue=0), out)

    if x.ndim == 2 or x.shape[2] in CV_NATIVE_CHANNELS:
        return warp(x, "motion-w")
    out = scratch("motion-b", x.shape, np.float32)  # as OpenCV warps 1 band: band by band
    for c in range(x.shape[2]):
        out[:, :, c] = warp(np.ascontiguousarray(x[:, :, c]), "motion-w")
    return out


def motion(img: np.ndarray, moves: list, times: list, axis: str) -> np.ndarray:
    """k-space filled line by line (along ``axis``, from the lowest frequency -n/2 up)
    while the object moves: the lines from ``times[i]`` (a fraction of the scan, sorted) on
    come from the image under rigid move ``moves[i]`` = (degrees, ty, tx); those before
    ``times[0]`` from the image itself."""
    x = unit(img)
    a = AXES[axis]
    n = x.shape[a]
    order = np.argsort(frequencies(n), kind="stable")  # scan order: index of each line
    spec = spectrum(x, "kspace-0")
    for (angle, ty, tx), start in zip(moves, times, strict=True):
        first = min(n, round(start * n))
        if first >= n:
            continue
        lines = order[first:]  # each later move overwrites the lines from its time on
        moved = spectrum(_rigid(x, angle, ty, tx), "kspace-1")
        if a == 0:
            spec[lines] = moved[lines]
        else:
            spec[:, lines] = moved[:, lines]
    return from_spectrum(spec, img)


# -- intensity fields and noise -------------------------------------------------------------
def bias_field(h: int, w: int, order: int, coefficients: list) -> np.ndarray:
    """``exp`` of the polynomial ``sum c_k y**i x**j`` over ``i + j <= order`` (terms in the
    order i = 0.., j = 0..order - i), x and y on [-1, 1]: a smooth positive (h, w) field."""
    ys = np.linspace(-1.0, 1.0, h)[:, None] ** np.arange(order + 1)  # (h, order + 1)
    xs = np.linspace(-1.0, 1.0, w)[:, None] ** np.arange(order + 1)  # (w, order + 1)
    table = np.zeros((order + 1, order + 1))
    k = 0
    for i in range(order + 1):
        for j in range(order + 1 - i):
            table[i, j] = coefficients[k]
            k += 1
    # the polynomial as one product: (h, i) @ (i, j) @ (j, w)
    return np.exp(ys @ table @ xs.T).astype(np.float32)


def apply_bias(img: np.ndarray, order: int, coefficients: list) -> np.ndarray:
    """The image multiplied by :func:`bias_field` (every channel by the same field)."""
    x = unit(img)
    field = bias_field(x.shape[0], x.shape[1], order, coefficients)
    x *= field if x.ndim == 2 else field[:, :, None]
    return to_dtype(x, img)


def rician(img: np.ndarray, std: float, noise_seed: int) -> np.ndarray:
    """Magnitude MR noise: ``sqrt((x + n1)**2 + n2**2)`` with n1, n2 normal of std ``std``
    (fraction of full scale), drawn one after the other from the seed's stream."""
    x = unit(img)
    rng = np.random.default_rng(noise_seed)
    real = normal(rng, x.shape)
    real *= np.float32(std)
    real += x
    imag = normal(rng, x.shape)
    imag *= np.float32(std)
    real *= real  # |z| as sqrt(re^2 + im^2): np.hypot's overflow care is slower
    imag *= imag
    real += imag
    return to_dtype(np.sqrt(real, out=real), img)


# -- resampling -------------------------------------------------------------------------------
def anisotropy(img: np.ndarray, factor: float, axis: str, interpolation: str) -> np.ndarray:
    """Downsample along ``axis`` by ``factor`` (nearest: the thick slices of a coarse
    acquisition) and back to the original size with ``interpolation``."""
    x = unit(img)
    h, w = x.shape[:2]
    a = AXES[axis]
    n = (h, w)[a]
    m = max(1, round(n / factor))
    if m == n:
        return to_dtype(x, img)
    small = (w, m) if a == 0 else (m, h)  # OpenCV sizes are (width, height)

    def there_and_back(band: np.ndarray) -> np.ndarray:
        down = cv2.resize(band, small, interpolation=cv2.INTER_NEAREST)
        return cv2.resize(down, (w, h), interpolation=INTERPOLATIONS[interpolation])

    if x.ndim == 2:
        out = there_and_back(x)
    else:
        out = np.stack([there_and_back(np.ascontiguousarray(x[:, :, c]))
                        for c in range(x.shape[2])], axis=2)
    return to_dtype(out, img)


# -- H&E stain variation --------------------------------------------------------------------------
# Ruifrok & Johnston (2001) optical-density vectors of haematoxylin, eosin and DAB
RUIFROK = np.array([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]])
RUIFROK = RUIFROK / np.linalg.norm(RUIFROK, axis=1, keepdims=True)
_OFFSET = 1.0 / 255.0  # the +1 of OD = -log((I + 1) / 256), on the [0, 1] scale
MACENKO_OD_MIN = 0.15  # tissue pixels: optical density above this in every channel
MACENKO_MIN_PIXELS = 64  # fewer tissue pixels than this: the fixed vectors are used
MACENKO_PERCENTILE = 1.0  # robust extreme angles (Macenko et al. 2009)
MACENKO_SAMPLE = 8192


def optical_density(x: np.ndarray) -> np.ndarray:
    """Optical density of RGB values on [0, 1] (0 for white), (N, 3) float64."""
    flat = x.reshape(-1, 3).astype(np.float64)
    return -np.log((flat + _OFFSET) / (1.0 + _OFFSET))


def _with_residual(h: np.ndarray, e: np.ndarray) -> np.ndarray | None:
    third = np.cross(h, e)
    norm = np.linalg.norm(third)
    if norm < 1e-6:
        return None
    return np.stack([h, e, third / norm])


def macenko_vectors(od: np.ndarray) -> np.ndarray:
    """H and E optical-density vectors estimated from the image (Macenko et al. 2009), plus
    their cross product; the fixed Ruifrok vectors where the image has too little tissue."""
    tissue = od[(od > MACENKO_OD_MIN).all(axis=1)]
    if len(tissue) < MACENKO_MIN_PIXELS:
        return RUIFROK
    # statistics of at most ~MACENKO_SAMPLE pixels, every k-th (deterministic): the
    # vectors of a 512x512 tile barely move (a test checks), the cost falls
    tissue = tissue[::-(-len(tissue) // MACENKO_SAMPLE)]
    _, vectors = np.linalg.eigh(np.cov(tissue, rowvar=False))
    plane = vectors[:, [2, 1]]  # the two largest eigenvectors
    plane *= np.where(plane.sum(axis=0) < 0, -1.0, 1.0)  # point them into positive OD
    t = tissue @ plane
    phi = np.arctan2(t[:, 1], t[:, 0])
    lo, hi = np.percentile(phi, [MACENKO_PERCENTILE, 100 - MACENKO_PERCENTILE])
    v1 = plane @ np.array([math.cos(lo), math.sin(lo)])
    v2 = plane @ np.array([math.cos(hi), math.sin(hi)])
    h, e = (v1, v2) if v1[0] > v2[0] else (v2, v1)  # haematoxylin absorbs more red
    matrix = _with_residual(h / np.linalg.norm(h), e / np.linalg.norm(e))
    if matrix is None or abs(np.linalg.det(matrix)) < 1e-3:
        return RUIFROK
    return matrix


def he_stain(img: np.ndarray, method: str, alphas: list, betas: list) -> np.ndarray:
    """Stain concentrations (optical density over the stain vectors) scaled by ``alphas``
    and shifted by ``betas``, one per stain (H, E, third), and recomposed (Tellez et al.
    2018). ``img`` is RGB.

    With od = conc @ M, the perturbed density is od @ (M^-1 diag(alphas) M) + betas @ M:
    one 3x3 affine map per pixel (``cv2.transform``) between the log and the exp."""
    x = unit(img)
    od = np.log(x + np.float32(_OFFSET))  # (H, W, 3) float32, -od for now
    od *= -1.0
    od += np.float32(math.log(1.0 + _OFFSET))
    matrix = macenko_vectors(od.reshape(-1, 3).astype(np.float64)) if method == "macenko" \
        else RUIFROK
    linear = np.linalg.inv(matrix) @ np.diag(alphas) @ matrix
    shift = np.asarray(betas) @ matrix
    # cv2.transform maps a pixel p (a column) to A @ p + t: A is the transpose of `linear`
    affine = np.hstack([linear.T, shift[:, None]]).astype(np.float32)
    dens = cv2.transform(od, affine)
    dens *= -1.0
    rgb = cv2.exp(dens, dst=dens)
    rgb *= np.float32(1.0 + _OFFSET)
    rgb -= np.float32(_OFFSET)
    return to_dtype(rgb, img)


# -- burnt-in annotations ---------------------------------------------------------------------
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_FONT_HEIGHT = 22.0  # pixels of a capital at fontScale 1


def mark_ink(h: int, w: int, marks: list) -> np.ndarray:
    """A (h, w) uint8 map, 255 where the marks are drawn. A mark is a dict: ``kind`` (text,
    lr, arrow, ruler), ``text``, ``x``, ``y`` (its anchor, fractions of the width and
    height), ``size`` (fraction of the shorter side), ``angle`` (degrees, arrow and ruler)."""
    ink = np.zeros((h, w), np.uint8)
    for mark in marks:
        px, py = round(mark["x"] * (w - 1)), round(mark["y"] * (h - 1))
        size = max(2.0, mark["size"] * min(h, w))
        thick = max(1, round(size / 8))
        kind = mark["kind"]
        if kind in ("text", "lr"):
            scale = size / _FONT_HEIGHT
            cv2.putText(ink, mark["text"], (px, py), _FONT, scale, 255, thick, cv2.LINE_8)
            if kind == "lr":  # the letter in a box, as a lead side marker
                (tw, th), _ = cv2.getTextSize(mark["text"], _FONT, scale, thick)
                pad = thick + 1
                cv2.rectangle(ink, (px - pad, py - th - pad), (px + tw + pad, py + pad), 255,
                              thick, cv2.LINE_8)
            continue
        rad = math.radians(mark["angle"])
        length = (2.0 if kind == "arrow" else 4.0) * size
        end = (round(px + length * math.cos(rad)), round(py + length * math.sin(rad)))
        if kind == "arrow":
            cv2.arrowedLine(ink, (px, py), end, 255, thick, cv2.LINE_8, tipLength=0.35)
            continue
        cv2.line(ink, (px, py), end, 255, thick, cv2.LINE_8)  # ruler: ticks across it
        nx, ny = -math.sin(rad), math.cos(rad)
        for t in range(11):
            tick = size * (0.5 if t % 5 else 0.9)
            bx = px + length * t / 10 * math.cos(rad)
            by = py + length * t / 10 * math.sin(rad)
            cv2.line(ink, (round(bx), round(by)), (round(bx + tick * nx), round(by + tick * ny)),
                     255, max(1, thick // 2), cv2.LINE_8)
    return ink


def burn_in(img: np.ndarray, marks: list) -> np.ndarray:
    """The marks written into every channel at their own ``value`` (fraction of full
    scale); other pixels are kept."""
    out = img.copy()
    for mark in marks:  # one map per mark: each keeps its own value
        ink = mark_ink(img.shape[0], img.shape[1], [mark]).astype(bool)
        value = mark["value"] * (255.0 if img.dtype == np.uint8 else 1.0)
        out[ink] = round(value) if img.dtype == np.uint8 else value
    return out
