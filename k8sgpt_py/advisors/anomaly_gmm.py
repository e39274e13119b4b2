"""Gaussian-mixture density over metric vectors plus time-of-day/week features.

The mixture (scikit-learn ``GaussianMixture``, full covariances, number of components
chosen by BIC) is fitted once per refit; scoring a point evaluates the fitted density
with numpy directly, so streaming stays cheap.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from k8sgpt_py.advisors.anomaly_robust import robust_scale

DAY_S = 86_400.0
WEEK_S = 7 * DAY_S


@dataclass(frozen=True)
class MixtureDensity:
    """A fitted Gaussian mixture: weights, means and precision Cholesky factors."""

    log_weights: np.ndarray  # (k,)
    means: np.ndarray  # (k, d)
    precision_cholesky: np.ndarray  # (k, d, d)
    log_norm: np.ndarray  # (k,) log weight + log det(prec chol) - d/2 log(2 pi)

    def log_density(self, points: np.ndarray) -> np.ndarray:
        """Log density at each row of ``points`` (n, d)."""
        diff = points[:, None, :] - self.means[None, :, :]
        projected = np.einsum("nkd,kde->nke", diff, self.precision_cholesky)
        log_prob = self.log_norm[None, :] - 0.5 * np.sum(projected**2, axis=2)
        top = log_prob.max(axis=1)
        result: np.ndarray = top + np.log(np.exp(log_prob - top[:, None]).sum(axis=1))
        return result


def fit_mixture(features: np.ndarray, *, max_components: int = 6, seed: int = 0) -> MixtureDensity:
    """Fit mixtures with 1..max_components components and keep the lowest BIC.

    Args:
        features: Training rows (n, d), already standardised.
        max_components: Largest number of components tried.
        seed: Random seed for the k-means initialisation.

    Returns:
        The chosen mixture.
    """
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture
    from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

    best: tuple[float, GaussianMixture] | None = None
    distinct = np.unique(features, axis=0).shape[0]
    limit = max(1, min(max_components, features.shape[0] // 20, distinct))
    with threadpool_limits(limits=1), warnings.catch_warnings():
        # Few distinct rows (quantised metrics) make k-means complain; BIC then decides.
        warnings.simplefilter("ignore", ConvergenceWarning)
        for k in range(1, limit + 1):
            model = GaussianMixture(k, covariance_type="full", reg_covar=1e-3, random_state=seed)
            model.fit(features)
            bic = float(model.bic(features))
            if best is None or bic < best[0]:
                best = (bic, model)
    assert best is not None
    model = best[1]
    prec = np.asarray(model.precisions_cholesky_)
    dim = features.shape[1]
    log_det = np.log(np.diagonal(prec, axis1=1, axis2=2)).sum(axis=1)
    log_weights = np.log(np.asarray(model.weights_))
    log_norm = log_weights + log_det - 0.5 * dim * math.log(2 * math.pi)
    return MixtureDensity(log_weights, np.asarray(model.means_), prec, log_norm)


def time_features(timestamps: np.ndarray, *, use_day: bool, use_week: bool) -> np.ndarray:
    """Sin/cos of the time of day and of the week (columns only for the enabled cycles)."""
    columns: list[np.ndarray] = []
    for enabled, period in ((use_day, DAY_S), (use_week, WEEK_S)):
        if enabled:
            angle = 2 * math.pi * (np.asarray(timestamps, dtype=float) % period) / period
            columns += [np.sin(angle), np.cos(angle)]
    if not columns:
        return np.empty((len(timestamps), 0))
    return np.column_stack(columns)


class MixtureScorer:
    """Density test: severity = how far a point's log density falls below the threshold.

    The threshold is the ``threshold_quantile`` of the training log densities; severity is
    ``(median - log_density) / (margin * (median - threshold))``, so 1.0 sits ``margin``
    times further below the median than the threshold (the quantile alone would flag that
    fraction of perfectly normal points).
    """

    def __init__(
        self,
        *,
        threshold_quantile: float,
        max_components: int = 6,
        margin: float = 1.5,
        seed: int = 0,
    ):
        """Create an unfitted scorer."""
        self.threshold_quantile = threshold_quantile
        self.margin = margin
        self.max_components = max_components
        self.seed = seed
        self.density: MixtureDensity | None = None
        self._center = np.zeros(0)
        self._scale = np.ones(0)
        self._columns = np.zeros(0, dtype=bool)
        self._use_day = False
        self._use_week = False
        self._median_ld = 0.0
        self._threshold_ld = -1.0

    def fit(self, timestamps: np.ndarray, matrix: np.ndarray, *, max_rows: int = 1500) -> None:
        """Fit the mixture on history rows (n, metrics); subsample to at most max_rows."""
        if matrix.shape[0] < 100:
            self.density = None
            return
        span_s = float(timestamps[-1] - timestamps[0])
        self._use_day = span_s >= 3 * DAY_S
        self._use_week = span_s >= 3 * WEEK_S
        self._center = np.median(matrix, axis=0)
        self._scale = np.array([robust_scale(col, floor=0.0) for col in matrix.T])
        # A column that never varied says nothing about joint behaviour; the univariate
        # tests judge changes in it (and context metrics such as replicas may change).
        self._columns = self._scale > 0.0
        if not self._columns.any() and not (self._use_day or self._use_week):
            self.density = None
            return
        stride = max(1, math.ceil(matrix.shape[0] / max_rows))
        rows = slice(matrix.shape[0] - 1, None, -stride)
        features = self._features(timestamps[rows], matrix[rows])
        self.density = fit_mixture(features, max_components=self.max_components, seed=self.seed)
        log_density = self.density.log_density(features)
        self._median_ld = float(np.median(log_density))
        self._threshold_ld = float(np.quantile(log_density, self.threshold_quantile))
        if self._median_ld - self._threshold_ld < 1e-6:
            self._threshold_ld = self._median_ld - 1.0

    def _features(self, timestamps: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        cols = self._columns
        standard = (matrix[:, cols] - self._center[cols]) / self._scale[cols]
        standard = np.clip(standard, -1e6, 1e6)
        extra = time_features(timestamps, use_day=self._use_day, use_week=self._use_week)
        return np.hstack([standard, extra])

    def severity(self, timestamp: float, vector: np.ndarray) -> float:
        """Severity of one point (0.0 before the first fit)."""
        return float(self.severities(np.array([timestamp]), vector[None, :])[0])

    def severities(self, timestamps: np.ndarray, matrix: np.ndarray) -> np.ndarray:
        """Severity of each row of ``matrix`` (n, metrics); zeros before the first fit."""
        if self.density is None:
            return np.zeros(len(timestamps))
        log_density = self.density.log_density(self._features(timestamps, matrix))
        gap = self.margin * (self._median_ld - self._threshold_ld)
        return np.maximum(0.0, (self._median_ld - log_density) / gap)
