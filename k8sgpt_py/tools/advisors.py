"""Advisor tools: cluster scans, metric anomalies, forecasts and placement checks."""

from __future__ import annotations

from datetime import timedelta

from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import window_problem


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
    from k8sgpt_py.insights import MAX_SINCE_DAYS, find_anomalies

    problem = window_problem(
        "since_hours", since_hours, at_most_days=MAX_SINCE_DAYS, why="the most kai judges"
    )
    if problem:
        return ToolResult.fail(problem)
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


@tool()
def check_placement(ctx: ToolContext, replicas: dict[str, int]) -> ToolResult:
    """Would these replica counts fit on the nodes ({"checkout": 12}); if not, nodes to add."""
    from k8sgpt_py.placement_ops import to_plain, what_if

    answer = what_if(ctx, replicas)
    data = {
        "fits": answer.fits,
        "extra_nodes": dict(answer.extra_nodes),
        "new_pods": to_plain(answer.new_pods),
        "moves": to_plain(answer.moves),
        "explanation": answer.explanation,
        "solver": {
            "status": answer.result.status,
            "seconds": round(answer.result.solve_seconds, 3),
        },
    }
    return ToolResult.ok(data, invocation=f"placement what-if {replicas}")


@tool()
def advise_consolidation(ctx: ToolContext) -> ToolResult:
    """The fewest nodes that hold today's pods, which nodes could be drained, and the moves."""
    from k8sgpt_py.advisors.placement import consolidate
    from k8sgpt_py.placement_ops import read_state, to_plain

    answer = consolidate(read_state(ctx.cluster))
    data = {
        "nodes_before": answer.nodes_before,
        "nodes_after": answer.nodes_after,
        "drainable_nodes": list(answer.drainable_nodes),
        "moves": to_plain(answer.moves),
        "explanation": answer.explanation,
    }
    return ToolResult.ok(data, invocation="placement consolidation")


@tool()
def explain_pending_pods(ctx: ToolContext, namespace: str | None = None) -> ToolResult:
    """Why Pending pods cannot be scheduled: per node, the taints, selectors or capacity."""
    from k8sgpt_py.placement_ops import pending_explanations

    ns = namespace or ctx.namespace
    found = pending_explanations(ctx.cluster, ns)
    call = f"explain pending pods in {ns or 'all namespaces'}"
    if not found:
        return ToolResult.no_data(f"no pending pods in {ns or 'any namespace'}", invocation=call)
    return ToolResult.ok({"pending": [e.text for e in found]}, invocation=call)


@tool(mutating=True)
def plan_capacity(
    ctx: ToolContext, name: str, when: str, namespace: str | None = None
) -> ToolResult:
    """Size a workload for a coming peak ("Friday", "Black Friday", "tomorrow 18:00").

    Forecasts the request rate in that window, divides the upper bound by the per-replica
    throughput learned from history, checks the placement fits, and proposes the replicas
    (or the HPA's bounds when an HPA manages the workload).
    """
    from k8sgpt_py.capacity_ops import plan_for
    from k8sgpt_py.tools.common import find

    found = find(ctx, name, kinds=("Deployment", "StatefulSet"), namespace=namespace)
    answer = plan_for(ctx, found, when)
    data = answer.to_json() | {"advice": answer.advice}
    call = f"capacity plan for {found} ({answer.plan.window.label})"
    if not answer.proposals:
        return ToolResult.unchanged(data, invocation=call)
    return ToolResult.propose(*answer.proposals, data=data, invocation=call)


@tool()
def forecast_demand(
    ctx: ToolContext,
    name: str,
    metric: str = "rps",
    horizon_hours: float = 24.0,
    namespace: str | None = None,
) -> ToolResult:
    """Forecast a workload's rps, cpu or memory: peak, model, backtest error, interval."""
    from k8sgpt_py.advisors.capacity import MAX_HORIZON_DAYS
    from k8sgpt_py.insights import forecast_workload
    from k8sgpt_py.tools.common import find

    problem = window_problem(
        "horizon_hours",
        horizon_hours,
        at_most_days=MAX_HORIZON_DAYS,
        why="the furthest kai forecasts",
    )
    if problem:
        return ToolResult.fail(problem)
    if ctx.metrics is None:
        return ToolResult.fail("no metric history configured (set KAI_PROMETHEUS_URL)")
    found = find(ctx, name, kinds=("Deployment", "StatefulSet", "DaemonSet"), namespace=namespace)
    result = forecast_workload(
        ctx.metrics,
        found.namespace or "",
        found.name,
        metric,
        horizon=timedelta(hours=horizon_hours),
        now=ctx.now,
    )
    fc = result.forecast
    peak = int(fc.upper.argmax())
    data = {
        "workload": str(found),
        "metric": metric,
        "unit": result.unit,
        "model": fc.model,
        "backtest_mase": fc.backtest_mase,
        "peak_mean": round(float(fc.mean[peak]), 3),
        "peak_upper": round(float(fc.upper[peak]), 3),
        "peak_time": result.to_json()["forecast"][peak]["time"],
        "interval": fc.interval,
        "notes": list(fc.notes),
    }
    return ToolResult.ok(data, invocation=f"forecast {metric} of {found} for {horizon_hours:g}h")
