"""Turn per-point anomaly scores into explained :class:`Anomaly` windows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from k8sgpt_py.advisors.anomaly import MULTIVARIATE, Anomaly, PointScore
from k8sgpt_py.quantity import format_cpu, format_memory

_JOINT = "the metrics moved together in a way not seen in the history"


def _runs(flagged: np.ndarray, merge_gap_steps: int) -> list[tuple[int, int]]:
    """Inclusive index ranges of flagged points, merging gaps of <= merge_gap_steps."""
    runs: list[tuple[int, int]] = []
    for i in np.nonzero(flagged)[0].tolist():
        if runs and i - runs[-1][1] <= merge_gap_steps + 1:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    return runs


def format_value(metric: str, value: float) -> str:
    """A metric value in the units its name carries."""
    if metric.endswith("_bytes"):
        return format_memory(max(value, 0.0))
    if metric.endswith("_millicores"):
        return format_cpu(max(value, 0.0))
    return f"{value:.3g}"


def describe(metric: str, peak: float, expected: float, *, per_replica: bool = False) -> str:
    """One sentence such as "memory_bytes rose to 3.1x its usual level (412Mi vs 133Mi)"."""
    unit = " per replica" if per_replica else ""
    shown = f"({format_value(metric, peak)} vs {format_value(metric, expected)}{unit})"
    direction = "rose" if peak >= expected else "fell"
    if expected > 0 and peak >= 0:
        ratio = peak / expected
        if ratio >= 1.5 or ratio <= 0.67:
            return f"{metric} {direction} to {ratio:.1f}x its usual level {shown}"
    return f"{metric} {direction} to an unusual level {shown}"


def _explain_one(
    times: np.ndarray,
    metrics: Mapping[str, np.ndarray],
    details: Sequence[PointScore],
    span_range: tuple[int, int],
    per_replica: tuple[str, ...],
) -> Anomaly:
    first, last = span_range
    span = details[first : last + 1]
    totals: dict[str, float] = {}
    for point in span:
        for name, ms in point.metric_scores.items():
            totals[name] = totals.get(name, 0.0) + ms.severity
    votes = [p.top_metric for p in span]
    is_joint = votes.count(MULTIVARIATE) > len(votes) / 2 or not totals
    score = max(p.raw_score for p in span)
    if not totals:  # only context metrics: nothing single to point at
        return Anomaly(
            float(times[first]), float(times[last]), MULTIVARIATE, score, 0.0, 0.0, _JOINT
        )
    metric = max(totals, key=lambda n: totals[n])
    deviations = [
        abs(float(metrics[metric][i]) - details[i].metric_scores[metric].expected_value)
        if metric in details[i].metric_scores
        else -1.0
        for i in range(first, last + 1)
    ]
    peak_index = first + int(np.argmax(deviations))
    peak = float(metrics[metric][peak_index])
    expected = details[peak_index].metric_scores[metric].expected_value
    text = describe(metric, peak, expected, per_replica=metric.endswith(per_replica))
    return Anomaly(
        start=float(times[first]),
        end=float(times[last]),
        metric=MULTIVARIATE if is_joint else metric,
        score=score,
        peak_value=peak,
        expected_value=expected,
        description=f"{_JOINT}; {text}" if is_joint else text,
    )


def explain_runs(
    times: np.ndarray,
    metrics: Mapping[str, np.ndarray],
    details: Sequence[PointScore],
    *,
    min_score: float,
    merge_gap_steps: int,
    per_replica: tuple[str, ...] = (),
) -> list[Anomaly]:
    """Merge points scoring >= min_score into windows and explain each window.

    Args:
        times: Unix seconds of the scored points.
        metrics: Values of the scored points per metric.
        details: Point scores from :meth:`AnomalyDetector.score_detail`.
        min_score: Point score at which a point counts as anomalous.
        merge_gap_steps: Anomalous points at most this many steps apart share a window.
        per_replica: Metric name suffixes whose values are per replica (for the wording).

    Returns:
        Anomalies in time order.
    """
    flagged = np.array([d.raw_score >= min_score for d in details], dtype=bool)
    return [
        _explain_one(times, metrics, details, run, per_replica)
        for run in _runs(flagged, merge_gap_steps)
    ]
