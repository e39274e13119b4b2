"""Metric history from Prometheus over its HTTP API (``/api/v1/query_range``, ``/api/v1/series``).

One PromQL template per metric, filled with ``string.Template`` (``$namespace``, ``$workload``,
``$step``); override any of them with ``prometheus_queries`` in ``~/.config/kai/config.yaml``.
The defaults read cAdvisor (cpu, memory), kube-state-metrics (replicas, restarts) and a
``http_requests_total`` counter labelled with ``service`` (rps). Request metrics differ between
clusters (ingress-nginx, Istio, app-specific names), so most clusters need to configure ``rps``.
A template should return one series; when it returns several they are summed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime
from string import Template
from typing import TYPE_CHECKING

import numpy as np

from k8sgpt_py.errors import ConfigError
from k8sgpt_py.metrics import _http
from k8sgpt_py.metrics.base import (
    METRICS,
    UNITS,
    Metric,
    MetricsUnavailable,
    NoMetricData,
    Series,
    check_name,
    check_request,
    format_window,
    step_grid,
    unix_seconds,
)
from k8sgpt_py.metrics.openmetrics import csv_to_openmetrics, to_openmetrics

if TYPE_CHECKING:
    from k8sgpt_py.config import Settings

__all__ = [
    "DEFAULT_QUERIES",
    "MAX_POINTS_PER_QUERY",
    "PrometheusSource",
    "chunk_ranges",
    "csv_to_openmetrics",
    "render_query",
    "to_openmetrics",
]

_POD = 'namespace="$namespace",pod=~"$workload-.*"'
DEFAULT_QUERIES: dict[Metric, str] = {
    "cpu": f'sum(rate(container_cpu_usage_seconds_total{{{_POD},container!=""}}[5m])) * 1000',
    "memory": f'sum(container_memory_working_set_bytes{{{_POD},container!=""}})',
    "rps": 'sum(rate(http_requests_total{namespace="$namespace",service="$workload"}[5m]))',
    "replicas": 'kube_deployment_status_replicas{namespace="$namespace",deployment="$workload"}',
    "restarts": f"sum(kube_pod_container_status_restarts_total{{{_POD}}})",
}
MAX_POINTS_PER_QUERY = 11_000  # Prometheus refuses query_range with more points per series
WORKLOADS_MATCH = "kube_deployment_status_replicas"  # series whose labels name the workloads


def render_query(template: str, *, namespace: str, workload: str, step_seconds: int) -> str:
    """Fill a PromQL template; ``$step`` becomes a duration such as ``300s``.

    Raises:
        ConfigError: The template uses a placeholder other than the three above, or a bare ``$``.
    """
    try:
        return Template(template).substitute(
            namespace=namespace, workload=workload, step=f"{step_seconds}s"
        )
    except (KeyError, ValueError) as exc:
        raise ConfigError(
            f"bad prometheus query template {template!r}: unknown placeholder {exc}",
            hint="templates may use $namespace, $workload and $step (write $$ for a literal $)",
        ) from exc


def chunk_ranges(
    start_s: float, end_s: float, step_seconds: int, *, max_points: int = MAX_POINTS_PER_QUERY
) -> list[tuple[float, float]]:
    """Split ``[start_s, end_s]`` into ranges of at most ``max_points`` evaluation points each.

    Every chunk starts on the original ``start_s + k * step_seconds`` grid, so concatenating the
    answers gives exactly the points one (too large) query would have returned.
    """
    if end_s < start_s:
        return []
    total = int((end_s - start_s) // step_seconds) + 1
    chunks = []
    for first in range(0, total, max_points):
        last = min(first + max_points, total) - 1
        chunks.append((start_s + first * step_seconds, start_s + last * step_seconds))
    return chunks


class PrometheusSource:
    """A :class:`~k8sgpt_py.metrics.base.MetricSource` reading a Prometheus server.

    Args:
        url: Base URL of the server (``http://prometheus.monitoring:9090``); ``/api/v1/...``
            is appended.
        queries: Templates replacing the defaults, per metric.
        timeout_seconds: Per HTTP request.
        max_retries: Extra attempts after a connection error or a 5xx answer.
        backoff_seconds: First pause between attempts; doubles each time.
        max_points: Evaluation points per ``query_range`` request (Prometheus allows 11,000).
        headers: Extra request headers (for example ``Authorization``).
        sleep: Injected for tests.
    """

    name: str = "prometheus"

    def __init__(
        self,
        url: str,
        *,
        queries: Mapping[str, str] | None = None,
        timeout_seconds: float = 10.0,
        max_retries: int = 2,
        backoff_seconds: float = 0.25,
        max_points: int = MAX_POINTS_PER_QUERY,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        unknown = sorted(set(queries or {}) - set(METRICS))
        if unknown:
            raise ConfigError(
                f"prometheus_queries has unknown metrics: {', '.join(unknown)}",
                hint=f"use any of {', '.join(METRICS)}",
            )
        self.queries: dict[Metric, str] = {**DEFAULT_QUERIES}
        for metric in METRICS:
            if queries and metric in queries:
                self.queries[metric] = queries[metric]
        self.max_points = max_points
        self.client = _http.JsonClient(
            url,
            timeout_seconds=timeout_seconds,
            max_retries=max_retries,
            backoff_seconds=backoff_seconds,
            headers=dict(headers or {}),
            sleep=sleep,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> PrometheusSource:
        """Build from ``Settings.prometheus_url``, ``prometheus_queries`` and the timeout.

        Raises:
            MetricsUnavailable: No Prometheus URL is configured.
        """
        if not settings.prometheus_url:
            raise MetricsUnavailable("no Prometheus configured")
        return cls(
            settings.prometheus_url,
            queries=settings.prometheus_queries,
            timeout_seconds=min(settings.timeout_seconds, 30.0),
        )

    @property
    def url(self) -> str:
        """The server URL without credentials (safe to print)."""
        return self.client.display_url

    def promql(self, namespace: str, workload: str, metric: Metric, step_seconds: int) -> str:
        """The PromQL this source sends for one question."""
        template = self.queries[metric]
        return render_query(
            template, namespace=namespace, workload=workload, step_seconds=step_seconds
        )

    def history(
        self,
        namespace: str,
        workload: str,
        metric: Metric,
        *,
        start: datetime,
        end: datetime,
        step_seconds: int = 300,
    ) -> Series:
        """Evaluate the metric's query at every multiple of ``step_seconds`` in the window.

        Raises:
            MetricsUnavailable: Prometheus is unreachable or answered something unreadable.
            NoMetricData: The query returned no sample in the window.
        """
        check_request(namespace, workload, metric, start=start, end=end, step_seconds=step_seconds)
        query = self.promql(namespace, workload, metric, step_seconds)
        grid = step_grid(unix_seconds(start), unix_seconds(end), step_seconds)
        values = np.full(grid.shape, np.nan)
        if len(grid):
            chunks = chunk_ranges(grid[0], grid[-1], step_seconds, max_points=self.max_points)
            for chunk_start, chunk_end in chunks:
                stamps, points = self.query_range(
                    query, start_s=chunk_start, end_s=chunk_end, step_seconds=step_seconds
                )
                index = np.rint((stamps - grid[0]) / step_seconds).astype(np.int64)
                inside = (index >= 0) & (index < len(grid))
                values[index[inside]] = points[inside]
        if not np.any(~np.isnan(values)):
            raise self._no_data(namespace, workload, metric, start, end)
        return Series(namespace, workload, metric, grid, values, UNITS[metric], self.name)

    def query_range(
        self, query: str, *, start_s: float, end_s: float, step_seconds: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Run one ``query_range`` request; return timestamps and values summed over series."""
        params = {
            "query": query,
            "start": f"{start_s:.3f}",
            "end": f"{end_s:.3f}",
            "step": str(step_seconds),
        }
        data = self.client.get_data("/api/v1/query_range", params)
        return _matrix_sum(data, self.url)

    def workloads(self, namespace: str | None = None) -> list[tuple[str, str]]:
        """Deployments seen in ``kube_deployment_status_replicas`` (kube-state-metrics)."""
        selector = WORKLOADS_MATCH
        if namespace is not None:
            check_name("namespace", namespace)
            selector = f'{WORKLOADS_MATCH}{{namespace="{namespace}"}}'
        data = self.client.get_data("/api/v1/series", {"match[]": selector})
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise _shape(self.url, "series data is not a list of label sets")
        found = {(str(item.get("namespace")), str(item.get("deployment"))) for item in data}
        return sorted(pair for pair in found if "None" not in pair)

    def _no_data(
        self, namespace: str, workload: str, metric: Metric, start: datetime, end: datetime
    ) -> NoMetricData:
        hint = "check the workload name and the time window"
        if self.queries[metric] == DEFAULT_QUERIES[metric]:
            hint += (
                f"; if this cluster names the metric differently, set prometheus_queries.{metric}"
            )
        return NoMetricData(
            f"no {metric} data for {namespace}/{workload} in {format_window(start, end)} "
            f"(prometheus {self.url})",
            hint=hint,
        )


def _shape(url: str, why: str) -> MetricsUnavailable:
    return MetricsUnavailable(f"unexpected answer from Prometheus at {url}: {why}")


def _matrix_sum(data: object, url: str) -> tuple[np.ndarray, np.ndarray]:
    """Sum the series of a ``matrix`` result point by point (timestamps ascending)."""
    if not isinstance(data, dict) or data.get("resultType") != "matrix":
        raise _shape(url, "expected a matrix result")
    result = data.get("result")
    if not isinstance(result, list):
        raise _shape(url, "result is not a list")
    stamps: list[float] = []
    values: list[float] = []
    try:
        for series in result:
            for stamp, value in series["values"]:
                stamps.append(float(stamp))
                values.append(float(value))
    except (KeyError, TypeError, ValueError) as exc:
        raise _shape(url, f"bad sample in matrix result ({exc})") from exc
    if not stamps:
        return np.empty(0), np.empty(0)
    unique, inverse = np.unique(np.array(stamps), return_inverse=True)
    return unique, np.bincount(inverse, weights=np.array(values), minlength=len(unique))
