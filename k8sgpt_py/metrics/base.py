"""The one interface every metric history source implements, and its records and errors.

A source answers "what did ``metric`` of ``namespace/workload`` look like between ``start`` and
``end``" as a :class:`Series` on a regular grid of ``step_seconds``: grid points are the multiples
of the step inside the window (so two sources asked the same question return the same
timestamps), and a grid point without data holds NaN. A window without any data raises
:class:`NoMetricData` rather than returning an empty series.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol, get_args

from k8sgpt_py.errors import ExitCode, KaiError, NotFound, UsageError

if TYPE_CHECKING:
    import numpy as np

Metric = Literal["rps", "cpu", "memory", "replicas", "restarts"]
METRICS: tuple[Metric, ...] = get_args(Metric)
UNITS: dict[Metric, str] = {
    "rps": "req/s",
    "cpu": "millicores",
    "memory": "bytes",
    "replicas": "count",
    "restarts": "count",
}
MAX_POINTS = 1_000_000  # per history() call, whatever the source
_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


class MetricsUnavailable(KaiError):
    """The metrics backend cannot be reached or answered with something we cannot read."""

    exit_code = ExitCode.CLUSTER

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(
            message,
            hint=hint
            or "check KAI_PROMETHEUS_URL (or prometheus_url in ~/.config/kai/config.yaml)",
        )


class NoMetricData(NotFound):
    """The source is fine but holds no data for this workload, metric and window."""


@dataclass(frozen=True, eq=False)
class Series:
    """One metric of one workload over time (compared by identity: it holds arrays).

    Attributes:
        namespace: Namespace of the workload.
        workload: Workload name (deployment, statefulset, ...).
        metric: Which metric (see :data:`Metric`).
        timestamps: Unix seconds (float64), ascending.
        values: Float64 values in ``unit``, NaN where missing.
        unit: ``req/s``, ``millicores``, ``bytes`` or ``count``.
        source: ``prometheus``, ``csv`` or ``metrics-server``.
    """

    namespace: str
    workload: str
    metric: Metric
    timestamps: np.ndarray
    values: np.ndarray
    unit: str
    source: str

    def __len__(self) -> int:
        return int(self.timestamps.shape[0])

    @property
    def step_seconds(self) -> float | None:
        """Spacing of the grid in seconds, or None for fewer than two points."""
        if len(self) < 2:
            return None
        return float(self.timestamps[1] - self.timestamps[0])


class MetricSource(Protocol):
    """Anything that can answer metric history questions."""

    name: str

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
        """Values of ``metric`` for ``namespace/workload`` on the step grid inside the window."""
        ...

    def workloads(self, namespace: str | None = None) -> list[tuple[str, str]]:
        """``(namespace, workload)`` pairs the source knows about, sorted."""
        ...


def unix_seconds(moment: datetime) -> float:
    """Unix seconds of ``moment``; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def format_window(start: datetime, end: datetime) -> str:
    """``2026-11-20T00:00Z..2026-11-23T00:00Z``: a window for messages."""
    return f"{_iso_minutes(start)}..{_iso_minutes(end)}"


def _iso_minutes(moment: datetime) -> str:
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%MZ")


def step_grid(start_s: float, end_s: float, step_seconds: int) -> np.ndarray:
    """Multiples of ``step_seconds`` inside ``[start_s, end_s]`` as float64 unix seconds."""
    import numpy as np  # not at module level: the interface and errors are needed without it

    first = math.ceil(start_s / step_seconds) * step_seconds
    last = math.floor(end_s / step_seconds) * step_seconds
    if last < first:
        return np.empty(0, dtype=np.float64)
    count = (last - first) // step_seconds + 1
    return first + step_seconds * np.arange(count, dtype=np.float64)


def check_request(
    namespace: str,
    workload: str,
    metric: str,
    *,
    start: datetime,
    end: datetime,
    step_seconds: int,
) -> None:
    """Raise :class:`UsageError` for a bad name, metric, window or step (before any I/O)."""
    if metric not in METRICS:
        raise UsageError(f"unknown metric {metric!r}; choose one of {', '.join(METRICS)}")
    check_name("namespace", namespace)
    check_name("workload", workload)
    if step_seconds <= 0:
        raise UsageError(f"step must be a positive number of seconds, got {step_seconds}")
    if unix_seconds(end) < unix_seconds(start):
        raise UsageError(f"empty time window {format_window(start, end)}: end is before start")
    if (unix_seconds(end) - unix_seconds(start)) / step_seconds > MAX_POINTS:
        raise UsageError(
            f"window {format_window(start, end)} at a {step_seconds}s step is more than "
            f"{MAX_POINTS:,} points",
            hint="use a larger step or a shorter window",
        )


def check_name(kind: str, name: str) -> None:
    """Raise :class:`UsageError` unless ``name`` is a Kubernetes object name (safe in PromQL)."""
    if not _NAME.match(name):
        raise UsageError(f"invalid {kind} name {name!r}", hint="use a Kubernetes object name")


def no_data(
    source: str, namespace: str, workload: str, metric: Metric, start: datetime, end: datetime
) -> NoMetricData:
    """The error for a window without any data point, naming everything that was asked."""
    return NoMetricData(
        f"no {metric} data for {namespace}/{workload} in {format_window(start, end)} ({source})",
        hint="check the workload name and the time window",
    )
