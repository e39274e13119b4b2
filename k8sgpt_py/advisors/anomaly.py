"""Anomaly detection on metric history: a Gaussian-mixture density plus robust tests.

Two detectors score every point, each as a *severity* (test statistic divided by its alarm
level, so 1.0 means "just anomalous"):

* the multivariate density (:mod:`anomaly_gmm`): a Gaussian mixture, components chosen by
  BIC (1..6), over the robustly standardised metrics plus sin/cos of the time of day and
  week (each only once the history spans three days / three weeks); severity is how far
  the log density falls below the training median, in units of 1.5 times the distance from
  the median to the ``threshold_quantile`` of the training log densities;
* robust univariate tests per metric (:mod:`anomaly_robust`): spikes against the recent
  median, level shifts and slow drifts (median of the last few points against the median
  of the last day), seasonal residuals (value minus the median at the same time of day or
  week) and variance changes, all against median/MAD bands.

**Score mapping.** With ``s`` the largest severity, the score is ``s**4 / (1 + s**4)``:
0.5 exactly at the alarm level, about 0.06 at half of it and 0.94 at twice it. Points
scoring >= 0.5 are anomalous.

Scoring is streaming: :meth:`AnomalyDetector.score_point` scores one point using only the
past and then learns from it (seasons are re-chosen every ``refit_steps`` points and the
mixture refitted when the history has grown by half); :meth:`AnomalyDetector.score` gives
the same scores for many points, computed a refit period at a time. For live alerting two
options help: ``calibration_quantile`` (divide each test's severity by what it usually
reaches on this series) and ``novelty_steps`` (report only new maxima, one alert per
episode); the NAB benchmark uses both.

:func:`detect` fits on the history before ``since`` and explains each stretch of points
scoring >= 0.5 as an :class:`Anomaly`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from k8sgpt_py.advisors.anomaly_gmm import MixtureScorer
from k8sgpt_py.advisors.anomaly_robust import (
    MetricScore,
    RobustMetricScorer,
    RobustSettings,
    fast_median,
)
from k8sgpt_py.advisors.anomaly_stream import NoveltyFilter, SeverityCalibrator

__all__ = [
    "Anomaly",
    "AnomalyDetector",
    "PointScore",
    "RobustSettings",
    "detect",
    "seasons_in_steps",
    "severity_to_score",
    "step_seconds",
]

MULTIVARIATE = "multivariate"
REPLICAS = "replicas"
PER_REPLICA_SUFFIXES = ("_bytes",)


def severity_to_score(severity: float) -> float:
    """Map a severity (1.0 = at the alarm level) to a score in [0, 1] (0.5 at the level)."""
    if severity <= 0.0:
        return 0.0
    if severity > 1e4:
        return 1.0
    power = severity**4
    return power / (1.0 + power)


@dataclass(frozen=True)
class Anomaly:
    """One anomalous stretch of time, explained by the metric that deviates most.

    Attributes:
        start: First anomalous point, unix seconds.
        end: Last anomalous point, unix seconds.
        metric: Metric that explains it most, or "multivariate" for an unusual combination.
        score: Highest point score in the stretch (0..1, 0.5 = alarm level; see module doc).
        peak_value: The value where the explaining metric deviated most (for "multivariate":
            the metric that deviated most on its own).
        expected_value: Typical value at that time (seasonal median, else recent median).
        description: One human sentence.
    """

    start: float
    end: float
    metric: str
    score: float
    peak_value: float
    expected_value: float
    description: str


@dataclass(frozen=True)
class PointScore:
    """Score of one point with its explanation.

    Attributes:
        score: 0..1 (see the module docstring for the mapping).
        raw_score: Score before novelty suppression (equal to score when it is off).
        metric_scores: Robust test outcome per metric scored at this point.
        mixture_severity: Severity from the multivariate density (0.0 when not fitted).
    """

    score: float
    raw_score: float
    metric_scores: Mapping[str, MetricScore]
    mixture_severity: float

    @property
    def top_metric(self) -> str:
        """The metric with the largest robust severity, or "multivariate"."""
        if not self.metric_scores:
            return MULTIVARIATE
        name, best = max(self.metric_scores.items(), key=lambda item: item[1].severity)
        if best.severity < 1.0 <= self.mixture_severity:
            return MULTIVARIATE
        return name


def seasons_in_steps(step_s: float) -> tuple[int, int]:
    """A day and a week in sampling steps (288 and 2016 at 5 minutes)."""
    return max(2, round(86_400 / step_s)), max(2, round(604_800 / step_s))


def step_seconds(timestamps: np.ndarray) -> float:
    """Median positive gap between timestamps (300.0 when there is none)."""
    diffs = np.diff(np.asarray(timestamps, dtype=float))
    diffs = diffs[diffs > 0]
    return fast_median(diffs) if diffs.size else 300.0


class AnomalyDetector:
    """Streaming anomaly detector for one workload's metrics (see the module docstring)."""

    def __init__(
        self,
        *,
        season_steps: Sequence[int] = (288, 2016),
        threshold_quantile: float = 0.005,
        max_components: int = 6,
        use_mixture: bool = True,
        refit_steps: int = 288,
        novelty_steps: int = 0,
        calibration_quantile: float | None = None,
        robust: RobustSettings | None = None,
        context_metrics: Sequence[str] = (),
        seed: int = 0,
    ) -> None:
        """Configure the detector.

        Args:
            season_steps: Candidate season lengths in sampling steps (day, week at 5 min).
            threshold_quantile: Low quantile of training log densities used as the
                mixture's alarm level.
            max_components: Largest mixture size tried by BIC.
            use_mixture: Whether to use the multivariate density at all.
            refit_steps: While streaming, re-choose seasons every this many points and refit
                the mixture when the history grew by half since the last fit.
            novelty_steps: If > 0, a point's score is reported only when it beats every
                raw score of the previous ``novelty_steps`` points, else 0 (one alert per
                episode, as streaming alerting wants); 0 reports raw scores.
            calibration_quantile: If set, each test's severity is divided by this quantile
                of the severities it produced on the points scored so far (at least 1), so
                a series that trips a test all the time stops alarming on it (see
                :class:`SeverityCalibrator`). Off by default: it needs a scored history.
            robust: Window lengths and alarm levels of the univariate tests.
            context_metrics: Metrics used only as context by the mixture (no univariate
                tests, never blamed), e.g. "replicas".
            seed: Random seed of the mixture fit.
        """
        self.season_steps = tuple(season_steps)
        self.threshold_quantile = threshold_quantile
        self.max_components = max_components
        self.use_mixture = use_mixture
        self.refit_steps = refit_steps
        self.novelty_steps = novelty_steps
        self.robust = robust or RobustSettings()
        self.context_metrics = frozenset(context_metrics)
        self.seed = seed
        self.metric_names: tuple[str, ...] = ()
        self._scorers: dict[str, RobustMetricScorer] = {}
        self._mixture = MixtureScorer(
            threshold_quantile=threshold_quantile, max_components=max_components, seed=seed
        )
        self._times: list[float] = []
        self._rows: list[np.ndarray] = []
        self._mixture_rows = 0
        self._since_refit = 0
        self._refit_due = False
        self._novelty = NoveltyFilter(novelty_steps)
        self._calibrator = (
            None
            if calibration_quantile is None
            else SeverityCalibrator(quantile=calibration_quantile)
        )

    def fit(self, timestamps: np.ndarray, metrics: Mapping[str, np.ndarray]) -> AnomalyDetector:
        """Learn normal behaviour from history (arrays of equal length, time ascending)."""
        times = np.asarray(timestamps, dtype=float)
        self.metric_names = tuple(metrics)
        self._scorers = {}
        self._since_refit = 0
        self._refit_due = False
        self._novelty = NoveltyFilter(self.novelty_steps)
        if self._calibrator is not None:
            self._calibrator = SeverityCalibrator(quantile=self._calibrator.quantile)
        step_s = step_seconds(times)
        seasons_s = [steps * step_s for steps in self.season_steps]
        for name in self.metric_names:
            if name in self.context_metrics:
                continue
            values = np.asarray(metrics[name], dtype=float)
            ok = ~np.isnan(values)
            scorer = RobustMetricScorer(step_s=step_s, seasons_s=seasons_s, settings=self.robust)
            scorer.fit(times[ok], values[ok])
            self._scorers[name] = scorer
        matrix = np.column_stack([np.asarray(metrics[m], dtype=float) for m in self.metric_names])
        complete = ~np.isnan(matrix).any(axis=1)
        self._times = times[complete].tolist()
        self._rows = list(matrix[complete])
        self._fit_mixture()
        return self

    def _fit_mixture(self) -> None:
        self._mixture_rows = len(self._rows)
        if self.use_mixture and self._rows:
            self._mixture.fit(np.array(self._times), np.array(self._rows))

    def score_point(self, timestamp: float, values: Mapping[str, float]) -> float:
        """Score one new point (0..1) using only the past, then learn from it."""
        return self.score_point_detail(timestamp, values).score

    def score_point_detail(self, timestamp: float, values: Mapping[str, float]) -> PointScore:
        """Like :meth:`score_point` but with the per-metric explanation."""
        columns = {name: np.array([value], dtype=float) for name, value in values.items()}
        return self._score_chunk(np.array([timestamp], dtype=float), columns)[0]

    def score(self, timestamps: np.ndarray, metrics: Mapping[str, np.ndarray]) -> np.ndarray:
        """Score points in time order; the same as :meth:`score_point` on each, but faster."""
        return np.array([d.score for d in self.score_detail(timestamps, metrics)])

    def score_detail(
        self, timestamps: np.ndarray, metrics: Mapping[str, np.ndarray]
    ) -> list[PointScore]:
        """Like :meth:`score` but with the per-point explanation.

        Points are scored a refit period at a time (the model only changes between those).
        """
        times = np.asarray(timestamps, dtype=float)
        columns = {name: np.asarray(v, dtype=float) for name, v in metrics.items()}
        details: list[PointScore] = []
        start = 0
        while start < times.size:
            stop = times.size
            if self.refit_steps > 0:
                stop = min(stop, start + self.refit_steps - self._since_refit)
            chunk = {name: values[start:stop] for name, values in columns.items()}
            details += self._score_chunk(times[start:stop], chunk)
            start = stop
        return details

    def _score_chunk(
        self, times: np.ndarray, columns: Mapping[str, np.ndarray]
    ) -> list[PointScore]:
        """Score points no refit falls between, then learn from them."""
        if not self.metric_names:
            raise ValueError("AnomalyDetector.fit() must be called before scoring")
        self._refit_if_due()
        metric_scores: list[dict[str, MetricScore]] = [{} for _ in range(times.size)]
        for name, scorer in self._scorers.items():
            if name not in columns:
                continue
            present = np.flatnonzero(~np.isnan(columns[name]))
            outcomes = scorer.update_many(times[present], columns[name][present])
            for i, outcome in zip(present.tolist(), outcomes, strict=True):
                metric_scores[i][name] = outcome
        missing = np.full(times.size, math.nan)
        matrix = np.column_stack([columns.get(name, missing) for name in self.metric_names])
        complete = ~np.isnan(matrix).any(axis=1)
        mixture = np.zeros(times.size)
        if self.use_mixture and complete.any():
            mixture[complete] = self._mixture.severities(times[complete], matrix[complete])
        self._times.extend(times[complete].tolist())
        self._rows.extend(matrix[complete])
        details = []
        for scores, severity in zip(metric_scores, mixture.tolist(), strict=True):
            raw = severity_to_score(self._combine(scores, severity))
            details.append(PointScore(self._novelty.apply(raw), raw, scores, severity))
        self._advance(times.size)
        return details

    def _combine(self, metric_scores: Mapping[str, MetricScore], mixture_severity: float) -> float:
        """Largest severity over all tests, each calibrated when calibration is on."""
        if self._calibrator is None:
            return max([mixture_severity, *(m.severity for m in metric_scores.values())])
        calibrate = self._calibrator.calibrate
        severities = [calibrate(MULTIVARIATE, mixture_severity)]
        for name, score in metric_scores.items():
            severities += [calibrate(f"{name}:{test}", value) for test, value in score.severities]
        return max(severities)

    def _advance(self, steps: int) -> None:
        """Count scored points: every refit_steps, a refit is due before the next point."""
        self._since_refit += steps
        if self.refit_steps > 0 and self._since_refit >= self.refit_steps:
            self._since_refit = 0
            self._refit_due = True

    def _refit_if_due(self) -> None:
        """Re-choose the seasons, and refit the mixture once the history grew by half.

        Done when the next point comes rather than after the last one: a scan that ends on
        a refit boundary does not pay for a model nobody uses.
        """
        if not self._refit_due:
            return
        self._refit_due = False
        for scorer in self._scorers.values():
            scorer.refresh()
        if len(self._rows) >= 1.5 * max(self._mixture_rows, 1):
            self._fit_mixture()


def detect(
    timestamps: np.ndarray,
    metrics: Mapping[str, np.ndarray],
    *,
    train_fraction: float | None = None,
    since: float | None = None,
    min_score: float = 0.5,
    merge_gap_steps: int = 3,
    per_replica: bool = True,
    detector: AnomalyDetector | None = None,
    use_mixture: bool = True,
) -> list[Anomaly]:
    """Find anomalous stretches in the recent part of a metric history.

    Args:
        timestamps: Unix seconds, one per row.
        metrics: Metric name -> values (same length as timestamps).
        train_fraction: Fit on this leading fraction when ``since`` is not given (0.75).
        since: Fit on rows before this time and scan the rows from it on.
        min_score: Point score at which a point counts as anomalous.
        merge_gap_steps: Anomalous points at most this many steps apart share a window.
        per_replica: When a "replicas" metric is given, test "*_bytes" and "*_millicores"
            per replica (scaling out is not an anomaly) and use replicas as context only.
        detector: A configured, unfitted detector (default: ``AnomalyDetector`` with a day
            and a week as seasons at the data's step, and ``context_metrics=("replicas",)``
            when per_replica applies).
        use_mixture: With the default detector, also fit the Gaussian mixture (off: only
            the robust univariate tests, which need no scikit-learn and run much faster).

    Returns:
        Anomalies in time order.

    Raises:
        ValueError: If there is too little history before the scanned part.
    """
    from k8sgpt_py.advisors.anomaly_explain import explain_runs

    order = np.argsort(np.asarray(timestamps, dtype=float), kind="stable")
    times = np.asarray(timestamps, dtype=float)[order]
    columns = {name: np.asarray(v, dtype=float)[order] for name, v in metrics.items()}
    divided = per_replica and REPLICAS in columns
    if divided:
        columns = _per_replica(columns)
    if since is not None:
        split = int(np.searchsorted(times, since))
    else:
        split = int(len(times) * (0.75 if train_fraction is None else train_fraction))
    if split < 24:
        raise ValueError(f"need at least 24 points of history before the scan, got {split}")
    model = detector or AnomalyDetector(
        season_steps=seasons_in_steps(step_seconds(times[:split])),
        context_metrics=(REPLICAS,) if divided else (),
        use_mixture=use_mixture,
    )
    model.fit(times[:split], {n: c[:split] for n, c in columns.items()})
    details = model.score_detail(times[split:], {n: c[split:] for n, c in columns.items()})
    scanned = {n: c[split:] for n, c in columns.items()}
    return explain_runs(
        times[split:],
        scanned,
        details,
        min_score=min_score,
        merge_gap_steps=merge_gap_steps,
        per_replica=PER_REPLICA_SUFFIXES if divided else (),
    )


def _per_replica(columns: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Divide per-pod resource metrics by the replica count (at least 1)."""
    replicas = np.maximum(columns[REPLICAS], 1.0)
    return {
        name: values / replicas if name.endswith(PER_REPLICA_SUFFIXES) else values
        for name, values in columns.items()
    }
