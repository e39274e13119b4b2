"""Advisor tools: cluster scans, metric anomalies, forecasts and placement checks."""

from __future__ import annotations

from datetime import timedelta

from k8sgpt_py.tools.base import ToolContext, ToolResult, tool


@tool()
def scan_cluster(
    ctx: ToolContext, namespace: str | None = None, analyzers: list[str] | None = None
) -> ToolResult:
    """Run the analyzers: crash loops, image pulls, pending pods, services without endpoints."""
    from k8sgpt_py.diagnose import scan

    ns = namespace or ctx.namespace
    findings = scan(ctx.cluster, namespace=ns, only=analyzers, now=ctx.now)
    where = f"namespace {ns}" if ns else "all namespaces"
    if not findings:
        return ToolResult.no_data(f"no problems found in {where}", invocation=f"scan {where}")
    return ToolResult.ok(
        {"findings": [f.to_json() for f in findings[:50]]}, invocation=f"scan {where}"
    )


@tool()
def detect_anomalies(
    ctx: ToolContext,
    namespace: str | None = None,
    workload: str | None = None,
    since_hours: float = 24.0,
) -> ToolResult:
    """Unusual metric behaviour (cpu, memory, request rate) per workload in the recent past."""
    from k8sgpt_py.insights import find_anomalies

    if ctx.metrics is None:
        return ToolResult.fail("no metric history configured (set KAI_PROMETHEUS_URL)")
    ns = namespace or ctx.namespace
    found = find_anomalies(
        ctx.metrics,
        namespace=ns,
        workload=workload,
        since=timedelta(hours=since_hours),
        now=ctx.now,
    )
    call = f"anomalies in {ns or 'all namespaces'} over the last {since_hours:g}h"
    if not found:
        return ToolResult.no_data(
            f"no anomalies in {ns or 'all namespaces'} in the last {since_hours:g}h",
            invocation=call,
        )
    return ToolResult.ok({"anomalies": [a.to_json() for a in found]}, invocation=call)
