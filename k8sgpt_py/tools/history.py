"""Metric history as a read tool: a compact series that says exactly where the data ends."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from typing import Literal

from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import find

MAX_POINTS_SHOWN = 96


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@tool()
def get_metric_history(
    ctx: ToolContext,
    name: str,
    metric: Literal["rps", "cpu", "memory", "replicas", "restarts"] = "cpu",
    hours: float = 24.0,
    namespace: str | None = None,
) -> ToolResult:
    """A workload's metric over the last `hours`: min/mean/max, points, and where data ends.

    `history_ends` is the time of the last data point: the source may lag behind now, so
    compare it with `now` before reading the latest value as current.
    """
    if ctx.metrics is None:
        return ToolResult.fail("no metric history configured (set KAI_PROMETHEUS_URL)")
    if not 0 < hours <= 24 * 31:
        return ToolResult.fail("hours must be between 0 and 744 (31 days)")
    found = find(ctx, name, kinds=("Deployment", "StatefulSet", "DaemonSet"), namespace=namespace)
    step = max(60, math.ceil(hours * 3600 / MAX_POINTS_SHOWN / 60) * 60)
    start = ctx.now - timedelta(hours=hours)
    series = ctx.metrics.history(
        found.namespace or "", found.name, metric, start=start, end=ctx.now, step_seconds=step
    )
    points = [
        (float(t), float(v))
        for t, v in zip(series.timestamps, series.values, strict=True)
        if not math.isnan(float(v))
    ]
    call = f"{metric} history of {found} for the last {hours:g}h ({series.source})"
    if not points:
        return ToolResult.no_data(
            f"no {metric} data for {found} in the last {hours:g}h ({series.source})",
            invocation=call,
        )
    values = [v for _, v in points]
    ends = points[-1][0]
    data = {
        "workload": str(found),
        "metric": metric,
        "unit": series.unit,
        "source": series.source,
        "step_seconds": step,
        "now": ctx.now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "history_starts": _iso(points[0][0]),
        "history_ends": _iso(ends),
        "minutes_since_last_point": round((ctx.now.timestamp() - ends) / 60, 1),
        "min": round(min(values), 3),
        "mean": round(sum(values) / len(values), 3),
        "max": round(max(values), 3),
        "last": round(values[-1], 3),
        "points": [[_iso(t), round(v, 3)] for t, v in points[-MAX_POINTS_SHOWN:]],
        "missing_points": len(series) - len(points),
    }
    return ToolResult.ok(data, invocation=call)
