"""Sources of metric history behind one interface (:class:`MetricSource`).

- :class:`PrometheusSource`: ``query_range`` against a Prometheus server (``KAI_PROMETHEUS_URL``).
- :class:`CsvSource`: a CSV file, such as the demo history ``examples/shop/metrics.csv``.
- :class:`MetricsServerSource`: current cpu and memory from ``metrics.k8s.io``.

No statistics here: forecasting and anomaly detection live in ``k8sgpt_py.advisors``.
"""

from __future__ import annotations

import importlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from k8sgpt_py.metrics.base import (
    METRICS,
    UNITS,
    Metric,
    MetricSource,
    MetricsUnavailable,
    NoMetricData,
    Series,
)

if TYPE_CHECKING:
    from k8sgpt_py.config import Settings
    from k8sgpt_py.metrics.csv_source import CsvSource
    from k8sgpt_py.metrics.metrics_server import MetricsServerSource
    from k8sgpt_py.metrics.openmetrics import (
        OpenMetricsExport,
        csv_to_openmetrics,
        to_openmetrics,
    )
    from k8sgpt_py.metrics.prometheus import DEFAULT_QUERIES, PrometheusSource, render_query

__all__ = [
    "DEFAULT_QUERIES",
    "METRICS",
    "UNITS",
    "CsvSource",
    "Metric",
    "MetricSource",
    "MetricsServerSource",
    "MetricsUnavailable",
    "NoMetricData",
    "OpenMetricsExport",
    "PrometheusSource",
    "Series",
    "csv_to_openmetrics",
    "history_source",
    "render_query",
    "to_openmetrics",
]

# The sources import numpy at module level (the CSV source only when it loads samples): they
# are imported on first use, so asking which workloads a CSV covers stays cheap.
_LAZY = {
    "CsvSource": "csv_source",
    "MetricsServerSource": "metrics_server",
    "OpenMetricsExport": "openmetrics",
    "csv_to_openmetrics": "openmetrics",
    "to_openmetrics": "openmetrics",
    "DEFAULT_QUERIES": "prometheus",
    "PrometheusSource": "prometheus",
    "render_query": "prometheus",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def history_source(settings: Settings, *, now: datetime | None = None) -> MetricSource | None:
    """The configured history source: Prometheus when a URL is set, else the CSV, else None.

    Args:
        settings: ``prometheus_url``, ``prometheus_queries``, ``metrics_csv`` are read.
        now: Passed to :class:`CsvSource` to move the CSV history next to ``now``.
    """
    if settings.prometheus_url:
        from k8sgpt_py.metrics.prometheus import PrometheusSource

        return PrometheusSource.from_settings(settings)
    if settings.metrics_csv:
        from k8sgpt_py.metrics.csv_source import CsvSource

        return CsvSource(settings.metrics_csv, now=now)
    return None
