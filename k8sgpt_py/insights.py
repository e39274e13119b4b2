"""Metric-driven insights over a MetricSource: anomalies per workload (``kai anomalies``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from k8sgpt_py.errors import KaiError, UsageError
from k8sgpt_py.metrics.base import METRICS, MetricSource

_COLUMN = {"rps": "requests_per_second", "cpu": "cpu_millicores", "memory": "memory_bytes"}
TRAINING_DAYS = 28  # four weekly cycles: enough for the weekly season
MAX_SINCE_DAYS = 28  # the longest past window judged (`--since`, detect_anomalies)


@dataclass(frozen=True)
class WorkloadAnomaly:
    """One anomalous stretch of one workload's metrics."""

    namespace: str
    workload: str
    metric: str
    start: str
    end: str
    score: float
    description: str
    peak_value: float
    expected_value: float

    def to_json(self) -> dict[str, Any]:
        """JSON form (times in ISO 8601 UTC)."""
        return asdict(self)


def history(
    source: MetricSource, namespace: str, workload: str, *, start: datetime, end: datetime
) -> tuple[Any, dict[str, Any]]:
    """Timestamps and the metrics the source has for one workload (missing ones skipped)."""
    from k8sgpt_py.metrics.base import NoMetricData

    timestamps = None
    metrics: dict[str, Any] = {}
    for metric in METRICS:
        try:
            series = source.history(namespace, workload, metric, start=start, end=end)
        except NoMetricData:
            continue
        timestamps = series.timestamps
        metrics[_COLUMN.get(metric, metric)] = series.values
    return timestamps, metrics


def find_anomalies(
    source: MetricSource,
    *,
    namespace: str | None,
    workload: str | None = None,
    since: timedelta,
    now: datetime,
    thorough: bool = True,
) -> list[WorkloadAnomaly]:
    """Anomalies in the last ``since`` of every workload (or one), most unusual first.

    ``thorough`` adds the Gaussian mixture over all metrics to the robust per-metric tests;
    without it the check is fast enough for ``kai explain``.
    """
    from k8sgpt_py.advisors.anomaly import detect

    targets = [
        (ns, name)
        for ns, name in source.workloads(namespace)
        if workload is None or name == workload
    ]
    if not targets:
        where = f"namespace {namespace}" if namespace else "any namespace"
        what = f"workload {workload}" if workload else "workloads"
        raise UsageError(f"no metric history for {what} in {where} ({source.name})")
    start = now - since - timedelta(days=TRAINING_DAYS)
    found: list[WorkloadAnomaly] = []
    for ns, name in targets:
        timestamps, metrics = history(source, ns, name, start=start, end=now)
        if timestamps is None:
            continue
        # Judge the last `since` of the history there is: sources pad the grid up to now
        # with NaN, and those rows carry nothing to score.
        rows = max(observed_length(values) for values in metrics.values())
        if rows == 0:
            continue
        timestamps = timestamps[:rows]
        metrics = {metric: values[:rows] for metric, values in metrics.items()}
        end = float(timestamps[-1])
        try:
            anomalies = detect(
                timestamps, metrics, since=end - since.total_seconds(), use_mixture=thorough
            )
        except ValueError as exc:  # too little history to learn what is normal
            raise KaiError(f"cannot judge {ns}/{name}: {exc}") from exc
        found.extend(
            WorkloadAnomaly(
                namespace=ns,
                workload=name,
                metric=a.metric,
                start=_iso(a.start),
                end=_iso(a.end),
                score=round(a.score, 3),
                description=a.description,
                peak_value=a.peak_value,
                expected_value=a.expected_value,
            )
            for a in anomalies
        )
    return sorted(found, key=lambda a: -a.score)


def observed_length(values: Any) -> int:
    """Rows up to the last observation: sources pad the grid up to now with NaN."""
    import numpy as np

    observed = np.flatnonzero(np.isfinite(values))
    return int(observed[-1]) + 1 if observed.size else 0


@dataclass(frozen=True)
class WorkloadForecast:
    """A workload metric's recent history and its forecast."""

    namespace: str
    workload: str
    metric: str
    unit: str
    history_timestamps: Any
    history_values: Any
    forecast: Any

    def to_json(self) -> dict[str, Any]:
        """Numbers for ``-o json``: points as ISO time + values."""
        fc = self.forecast
        return {
            "namespace": self.namespace,
            "workload": self.workload,
            "metric": self.metric,
            "unit": self.unit,
            "model": fc.model,
            "backtest_mase": fc.backtest_mase,
            "backtest": dict(fc.backtest),
            "interval": fc.interval,
            "notes": list(fc.notes),
            "forecast": [
                {
                    "time": _iso(t),
                    "mean": round(float(m), 4),
                    "lower": round(float(lo), 4),
                    "upper": round(float(hi), 4),
                }
                for t, m, lo, hi in zip(fc.timestamps, fc.mean, fc.lower, fc.upper, strict=True)
            ],
            "history": [
                {"time": _iso(t), "value": None if v != v else round(float(v), 4)}
                for t, v in zip(self.history_timestamps, self.history_values, strict=True)
            ],
        }


def forecast_workload(
    source: MetricSource,
    namespace: str,
    workload: str,
    metric: str,
    *,
    horizon: timedelta,
    now: datetime,
    history_days: int = TRAINING_DAYS,
) -> WorkloadForecast:
    """Forecast one metric of one workload ``horizon`` past its last observation."""
    from k8sgpt_py.advisors.forecast import forecast

    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}", hint=f"use one of {', '.join(METRICS)}")
    series = source.history(
        namespace,
        workload,
        metric,
        start=now - timedelta(days=history_days),
        end=now,
    )
    end = observed_length(series.values)
    if end == 0:
        raise UsageError(
            f"no {metric} data for {namespace}/{workload} in the last {history_days} days"
        )
    ts, values = series.timestamps[:end], series.values[:end]
    result = forecast(ts, values, horizon.total_seconds())
    return WorkloadForecast(namespace, workload, metric, series.unit, ts, values, result)


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
