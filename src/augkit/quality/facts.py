"""Facts about a dataset that decide whether an op is applicable, inferred from the data.

Cheap summaries over at most ``limit`` samples (the first ones; readers are already in a
seeded order where order matters):

- images: ``greyscale`` (one channel, or every pixel's channels equal within one level),
  ``sixteen_bit`` (uint16 data), ``small`` (longest side <= 32 pixels);
- text: ``negations`` (>= 10 % of texts contain a negation word), ``questions`` (>= 30 % are
  questions: end with "?" or start with a question word), ``short`` (median <= 12 words);
- series: ``trending`` (the mean |slope| of a straight-line fit explains >= 50 % of the
  variance, on average over series), ``periodic`` (an autocorrelation peak >= 0.5 at a lag in
  [2, T/2]), ``multichannel`` (more than one channel).

>>> import numpy as np
>>> infer_facts("timeseries", np.linspace(0, 5, 100)[None, :, None] + np.zeros((4, 1, 1)))
{'multichannel': False, 'periodic': False, 'trending': True}
>>> infer_facts("text", ["why is it not good?", "what is this?"])["questions"]
True
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

__all__ = ["FACTS", "infer_facts"]

FACTS = {
    "image": ("greyscale", "sixteen_bit", "small"),
    "text": ("negations", "questions", "short"),
    "timeseries": ("multichannel", "periodic", "trending"),
}
_WORD = re.compile(r"[A-Za-z']+")
_NEGATIONS = frozenset("not no never none nobody nothing neither nor nowhere cannot".split())
_QUESTION_WORDS = frozenset("what who whom whose which when where why how".split())


def infer_facts(modality: str, inputs: Any, limit: int = 500) -> dict[str, bool]:
    if modality not in FACTS:
        raise ValueError(f"modality must be one of {', '.join(FACTS)}; got {modality!r}")
    sample = inputs[:limit]
    if len(sample) == 0:
        raise ValueError("infer_facts: no inputs")
    if modality == "image":
        return _image_facts(sample)
    if modality == "text":
        return _text_facts(sample)
    return _series_facts(sample)


def _image_facts(images) -> dict[str, bool]:
    first = np.asarray(images[0])
    grey = True
    for image in images:
        image = np.asarray(image)
        if image.ndim == 3 and image.shape[2] >= 3:
            rgb = image[..., :3].astype(np.float64)
            step = 1.0 if image.dtype == np.uint8 else (257.0 if image.dtype == np.uint16
                                                        else 1 / 255)
            if np.abs(rgb - rgb.mean(axis=2, keepdims=True)).max() > step:
                grey = False
                break
    return {"greyscale": grey, "sixteen_bit": first.dtype == np.uint16,
            "small": max(first.shape[:2]) <= 32}


def _text_facts(texts) -> dict[str, bool]:
    negated = questions = 0
    lengths = []
    for text in texts:
        words = [w.lower() for w in _WORD.findall(text)]
        lengths.append(len(words))
        negated += any(w in _NEGATIONS or w.endswith("n't") for w in words)
        questions += text.rstrip().endswith("?") or (bool(words) and words[0] in _QUESTION_WORDS)
    n = len(texts)
    return {"negations": negated >= 0.1 * n, "questions": questions >= 0.3 * n,
            "short": float(np.median(lengths)) <= 12}


def _series_facts(series) -> dict[str, bool]:
    x = np.asarray(series, dtype=np.float64)
    if x.ndim == 2:
        x = x[..., None]
    x = np.nan_to_num(x)
    steps = x.shape[1]
    t = np.linspace(-1.0, 1.0, steps)
    centred = x - x.mean(axis=1, keepdims=True)
    slope = (centred * t[None, :, None]).sum(axis=1) / (t * t).sum()
    explained = (slope**2 * (t * t).sum()) / np.maximum((centred**2).sum(axis=1), 1e-12)
    detrended = centred - slope[:, None, :] * t[None, :, None]
    periodic = False
    if steps >= 8:
        spectrum = np.fft.rfft(detrended, n=2 * steps, axis=1)
        acf = np.fft.irfft(np.abs(spectrum) ** 2, axis=1)[:, :steps]
        acf = acf / np.maximum(acf[:, :1], 1e-12)
        lags = acf[:, 2:steps // 2].mean(axis=(0, 2))
        # periodic: after the autocorrelation first goes below zero it climbs back to >= 0.5
        below = np.flatnonzero(lags < 0)
        if below.size and below[0] + 1 < lags.size:
            periodic = bool(lags[below[0]:].max() >= 0.5)
    return {"multichannel": x.shape[2] > 1, "periodic": periodic,
            "trending": bool(explained.mean() >= 0.5)}
