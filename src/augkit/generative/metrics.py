"""Fidelity, coverage and memorisation of synthetic samples (numpy; the feature network is
the evaluate package's proxy classifier, trained with torch on the real data).

- **Fréchet distance** between Gaussians fitted to the features of real and synthetic
  samples, the features being the penultimate layer of a *small classifier trained on this
  data* (:func:`augkit.evaluate.fit_proxy`). It is **not comparable to Inception FID**:
  other features, other scale; compare it only with the real-to-real reference computed
  on the same features (a held-out real set against a real subset of the same size).
- **Precision / recall** (k-NN manifolds, Kynkäänniemi et al. 2019): the share of synthetic
  samples inside the union of k-NN balls of the real features, and the share of real
  samples inside the synthetic ones.
- **Memorisation**: each synthetic sample's nearest training sample (values scaled to
  [0, 1], Euclidean) against the same distance for held-out real samples; a synthetic
  sample closer than the 1st percentile of the real-to-real distances is flagged as a
  possible copy (about 1 % of samples land there by chance).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

K_NEAREST = 3
COPY_QUANTILE = 0.01


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Fréchet distance between Gaussians fitted to rows of ``a`` and ``b``."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    mu_a, mu_b = a.mean(0), b.mean(0)
    cov_a, cov_b = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    # tr(sqrt(A B)) from the eigenvalues of A B (real, >= 0 for PSD A, B up to rounding)
    eig = np.linalg.eigvals(np.atleast_2d(cov_a) @ np.atleast_2d(cov_b))
    root = np.sqrt(np.clip(eig.real, 0.0, None)).sum()
    value = ((mu_a - mu_b) ** 2).sum() + np.trace(np.atleast_2d(cov_a)) + np.trace(
        np.atleast_2d(cov_b)) - 2.0 * root
    return float(max(value, 0.0))


def _sq_distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    d = (a * a).sum(1)[:, None] + (b * b).sum(1)[None, :] - 2.0 * a @ b.T
    return np.maximum(d, 0.0)


def _kth_radius(x: np.ndarray, k: int) -> np.ndarray:
    d = _sq_distances(x, x)
    np.fill_diagonal(d, np.inf)
    k = min(k, max(1, len(x) - 1))
    return np.sort(d, axis=1)[:, k - 1]


def precision_recall(real: np.ndarray, fake: np.ndarray, k: int = K_NEAREST
                     ) -> tuple[float, float]:
    """k-NN manifold precision (fake inside real balls) and recall (real inside fake balls)."""
    cross = _sq_distances(fake, real)
    precision = float((cross <= _kth_radius(real, k)[None, :]).any(1).mean())
    recall = float((cross.T <= _kth_radius(fake, k)[None, :]).any(1).mean())
    return precision, recall


def _flat_unit(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x)
    scale = float(np.iinfo(x.dtype).max) if x.dtype.kind in "iu" else 1.0
    return x.reshape(len(x), -1).astype(np.float64) / scale


def nearest_distances(queries: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """Euclidean distance of each query to its nearest reference row (chunked)."""
    q, r = _flat_unit(queries), _flat_unit(reference)
    out = np.empty(len(q))
    for start in range(0, len(q), 1024):
        out[start:start + 1024] = np.sqrt(_sq_distances(q[start:start + 1024], r).min(1))
    return out


def memorisation(train: np.ndarray, heldout: np.ndarray, synthetic: np.ndarray,
                 quantile: float = COPY_QUANTILE) -> dict[str, Any]:
    """Nearest-training-sample distances of synthetic vs held-out real samples; which
    synthetic samples sit closer than the real-to-real ``quantile`` (possible copies)."""
    real_nn = nearest_distances(heldout, train)
    syn_nn = nearest_distances(synthetic, train)
    threshold = float(np.quantile(real_nn, quantile))
    flagged = syn_nn < threshold
    return {"real_nn_median": float(np.median(real_nn)),
            "synthetic_nn_median": float(np.median(syn_nn)),
            "nn_ratio": float(np.median(syn_nn) / max(np.median(real_nn), 1e-12)),
            "copy_threshold": threshold, "flagged": int(flagged.sum()),
            "flagged_fraction": float(flagged.mean()),
            "flagged_index": np.flatnonzero(flagged).tolist()}


@dataclass
class Fidelity:
    """Fidelity of a sample source against real data (see the module text).

    ``*_reference``: the same measure for a real subset of the training data against the
    held-out real set, the floor/ceiling the synthetic numbers are judged against.
    ``class_accuracy``: how often the real-data classifier gives a synthetic sample the
    class it was asked for (``real_accuracy``: the same classifier on the held-out set).
    ``passes``: augkit's rule: precision and recall at least half their references, class
    accuracy at least halfway from chance to ``real_accuracy``, and at most 5 % flagged."""

    frechet: float
    frechet_reference: float
    precision: float
    recall: float
    precision_reference: float
    recall_reference: float
    class_accuracy: float
    real_accuracy: float
    chance: float
    memorisation: dict[str, Any] = field(default_factory=dict)

    @property
    def passes(self) -> bool:
        halfway = self.chance + 0.5 * (self.real_accuracy - self.chance)
        return bool(self.precision >= 0.5 * self.precision_reference
                    and self.recall >= 0.5 * self.recall_reference
                    and self.class_accuracy >= halfway
                    and self.memorisation.get("flagged_fraction", 0.0) <= 0.05)

    def rows(self) -> list[dict[str, Any]]:
        mem = self.memorisation
        return [
            {"measure": "Fréchet distance (proxy features)", "synthetic": self.frechet,
             "real reference": self.frechet_reference},
            {"measure": "precision (k-NN)", "synthetic": self.precision,
             "real reference": self.precision_reference},
            {"measure": "recall (k-NN)", "synthetic": self.recall,
             "real reference": self.recall_reference},
            {"measure": "class accuracy of a real-trained classifier",
             "synthetic": self.class_accuracy, "real reference": self.real_accuracy},
            {"measure": "median distance to nearest training sample",
             "synthetic": mem.get("synthetic_nn_median"),
             "real reference": mem.get("real_nn_median")},
            {"measure": "flagged as possible copies (fraction)",
             "synthetic": mem.get("flagged_fraction"), "real reference": COPY_QUANTILE}]

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["passes"] = self.passes
        out["memorisation"] = {k: v for k, v in self.memorisation.items()
                               if k != "flagged_index"}
        return out


def _subset(y: np.ndarray, counts: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    picks = []
    for c, n in enumerate(counts):
        members = np.flatnonzero(y == c)
        picks.append(rng.choice(members, min(int(n), members.size), replace=False))
    return np.sort(np.concatenate(picks))


def fidelity(source, modality: str, x_train, y_train, x_test, y_test, *, seed: int = 0,
             max_epochs: int = 15, classifier=None) -> Fidelity:
    """Fidelity of ``source`` (anything with ``sample(labels, seed)``: a GANModel or an
    Interpolator) against real data: synthetic samples with the class counts of the
    held-out set ``(x_test, y_test)``; features of a proxy classifier trained on
    ``(x_train, y_train)`` (or ``classifier``, a :class:`~augkit.evaluate.FitResult`)."""
    from augkit.evaluate import fit_proxy, split_validation

    y_train, y_test = np.asarray(y_train), np.asarray(y_test)
    classes = int(max(y_train.max(), y_test.max())) + 1
    if classifier is None:
        fit_idx, val_idx = split_validation(y_train, np.arange(y_train.size), 0.2, seed)
        classifier = fit_proxy(modality, x_train[fit_idx], y_train[fit_idx], x_train[val_idx],
                               y_train[val_idx], seed=seed, max_epochs=max_epochs,
                               num_classes=classes)
    counts = np.bincount(y_test, minlength=classes)
    y_syn = np.repeat(np.arange(classes), counts)
    synthetic = source.sample(y_syn, seed)
    rng = np.random.default_rng(seed)
    ref_idx = _subset(y_train, counts, rng)
    f_test = classifier.features(x_test)
    f_syn = classifier.features(synthetic)
    f_ref = classifier.features(x_train[ref_idx])
    precision, recall = precision_recall(f_test, f_syn)
    p_ref, r_ref = precision_recall(f_test, f_ref)
    return Fidelity(
        frechet=frechet_distance(f_test, f_syn), frechet_reference=frechet_distance(f_test, f_ref),
        precision=precision, recall=recall, precision_reference=p_ref, recall_reference=r_ref,
        class_accuracy=float(np.mean(classifier.predict(synthetic) == y_syn)),
        real_accuracy=float(np.mean(classifier.predict(x_test) == y_test)),
        chance=float(counts.max() / counts.sum()),
        memorisation=memorisation(x_train, x_test, synthetic))
