"""``kai anomalies``: unusual metric behaviour per workload."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from k8sgpt_py.cli._context import AppContext


def register(app: typer.Typer) -> None:
    """Add ``anomalies``."""
    app.command("anomalies", help="Workloads whose metrics behave unusually (-n, --since).")(
        anomalies
    )


def anomalies(
    ctx: typer.Context,
    workload: Annotated[str | None, typer.Argument(help="only this workload")] = None,
    since: Annotated[str, typer.Option("--since", help="how far back to look, e.g. 24h")] = "24h",
) -> None:
    """List anomalies: when, which metric, how unusual."""
    list_anomalies(ctx.obj, workload=workload, since=since)


def list_anomalies(app_ctx: AppContext, *, workload: str | None = None, since: str = "24h") -> None:
    """Find anomalies in -n's namespace (else every one) and write them."""
    from k8sgpt_py.insights import MAX_SINCE_DAYS, TRAINING_DAYS, find_anomalies
    from k8sgpt_py.metrics.base import MetricsUnavailable
    from k8sgpt_py.render.emit import document, emit_data
    from k8sgpt_py.render.text import plain, table
    from k8sgpt_py.timeutil import parse_duration

    window = parse_duration(
        since,
        name="--since",
        at_most=timedelta(days=MAX_SINCE_DAYS),
        why=f"kai judges at most the last {MAX_SINCE_DAYS} days, against the "
        f"{TRAINING_DAYS} days before them",
    )
    tool_ctx = app_ctx.tool_context()
    if tool_ctx.metrics is None:
        raise MetricsUnavailable(
            "no metric history configured",
            hint="set KAI_PROMETHEUS_URL (or metrics_csv in the config file)",
        )
    namespace = None if app_ctx.all_namespaces else app_ctx.namespace
    with app_ctx.terminal.progress("learning what is normal for each workload…"):
        found = find_anomalies(
            tool_ctx.metrics, namespace=namespace, workload=workload, since=window, now=app_ctx.now
        )
    if app_ctx.output != "text":
        body = {
            "since": since,
            "source": tool_ctx.metrics.name,
            "anomalies": [a.to_json() for a in found],
        }
        emit_data(document("Anomalies", body), app_ctx.output, app_ctx.terminal.stdout)
        return
    out = app_ctx.terminal.out()
    if not found:
        plain(out, f"no anomalies in the last {since}", style="green")
        return
    rows = [
        {
            "namespace": a.namespace,
            "workload": a.workload,
            "metric": a.metric,
            "from": a.start,
            "to": a.end,
            "score": f"{a.score:.2f}",
            "what": a.description,
        }
        for a in found
    ]
    table(out, rows)
