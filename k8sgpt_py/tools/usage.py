"""Usage against requests and limits: kubectl top pods/nodes, with percentages."""

from __future__ import annotations

from typing import Any, Literal

from k8sgpt_py.quantity import cpu_millicores, memory_bytes
from k8sgpt_py.tools.base import MAX_RESULT_CHARS, ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import budgeted_page, pod_status


def _sum_resources(containers: list[dict[str, Any]], section: str) -> tuple[int | None, int | None]:
    """(cpu millicores, memory bytes) summed over containers; None when any container lacks it."""
    cpu: int | None = 0
    mem: int | None = 0
    for c in containers:
        values = (c.get("resources") or {}).get(section) or {}
        cpu = None if cpu is None or "cpu" not in values else cpu + cpu_millicores(values["cpu"])
        mem = (
            None if mem is None or "memory" not in values else mem + memory_bytes(values["memory"])
        )
    return cpu, mem


def _pct(used: float, of: int | None) -> int | None:
    return round(100 * used / of) if of else None


def _pod_row(pod: dict[str, Any], metrics: dict[str, Any]) -> dict[str, Any]:
    """One pod's usage and its share of the pod's requests and limits."""
    used = metrics.get("containers") or []
    cpu = sum(cpu_millicores(c["usage"].get("cpu", 0)) for c in used)
    mem = sum(memory_bytes(c["usage"].get("memory", 0)) for c in used)
    containers = (pod.get("spec") or {}).get("containers") or []
    req_cpu, req_mem = _sum_resources(containers, "requests")
    lim_cpu, lim_mem = _sum_resources(containers, "limits")
    return {
        "pod": pod["metadata"]["name"],
        "namespace": pod["metadata"].get("namespace"),
        "status": pod_status(pod),
        "cpu_millicores": cpu,
        "cpu_pct_of_request": _pct(cpu, req_cpu),
        "cpu_pct_of_limit": _pct(cpu, lim_cpu),
        "memory_mib": round(mem / 2**20),
        "memory_pct_of_request": _pct(mem, req_mem),
        "memory_pct_of_limit": _pct(mem, lim_mem),
    }


def _totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "total_cpu_millicores": sum(r["cpu_millicores"] for r in rows),
        "total_memory_mib": sum(r["memory_mib"] for r in rows),
        "at_90pct_of_cpu_limit": sum(1 for r in rows if (r["cpu_pct_of_limit"] or 0) >= 90),
        "at_90pct_of_memory_limit": sum(1 for r in rows if (r["memory_pct_of_limit"] or 0) >= 90),
    }


@tool()
def top_pods(
    ctx: ToolContext,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    sort_by: Literal["cpu", "memory"] = "cpu",
    limit: int = 30,
    continue_from: str | None = None,
) -> ToolResult:
    """Current CPU/memory use of pods (like kubectl top pods) with % of requests and limits."""
    ns = None if all_namespaces else namespace or ctx.namespace or ctx.cluster.target.namespace
    where = f"namespace {ns}" if ns else "all namespaces"
    call = f"top pods in {where}" + (f" -l {label_selector}" if label_selector else "")
    usage = {
        (m["metadata"].get("namespace"), m["metadata"]["name"]): m
        for m in ctx.cluster.pod_metrics(ns)
    }
    if not usage:
        return ToolResult.no_data(
            f"no pod metrics for {where} (is metrics-server running?)", invocation=call
        )
    rows, stamps, without = [], [], 0
    for pod in ctx.cluster.iter_list("Pod", ns, label_selector=label_selector):
        meta = pod["metadata"]
        metrics = usage.get((meta.get("namespace"), meta["name"]))
        if metrics is None:
            without += 1
            continue
        stamps.append(str(metrics.get("timestamp") or ""))
        rows.append(_pod_row(pod, metrics))
    if not rows:
        return ToolResult.no_data(f"no pods with metrics in {where}", invocation=call)
    key = "cpu_millicores" if sort_by == "cpu" else "memory_mib"
    rows.sort(key=lambda r: -r[key])
    summary = {"as_of": max(stamps), "sorted_by": sort_by, **_totals(rows)}
    if without:
        summary["pods_without_metrics"] = without
    data = budgeted_page(
        summary,
        "items",
        rows,
        limit=limit,
        continue_from=continue_from,
        noun="pods",
        budget_chars=MAX_RESULT_CHARS,
    )
    return ToolResult.ok(data, invocation=call)


@tool()
def top_nodes(ctx: ToolContext, limit: int = 100, continue_from: str | None = None) -> ToolResult:
    """Current CPU/memory use of nodes (kubectl top nodes): % of allocatable and of requests."""
    metrics = {
        m["metadata"]["name"]: m
        for m in ctx.cluster.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes").get("items") or []
    }
    requested: dict[str, list[int]] = {}
    for pod in ctx.cluster.iter_list("Pod", None):
        node = (pod.get("spec") or {}).get("nodeName")
        if not node or (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
            continue
        cpu, mem = _sum_resources((pod.get("spec") or {}).get("containers") or [], "requests")
        acc = requested.setdefault(node, [0, 0])
        acc[0] += cpu or 0
        acc[1] += mem or 0
    rows = []
    for node in ctx.cluster.iter_list("Node", None):
        name = node["metadata"]["name"]
        alloc = (node.get("status") or {}).get("allocatable") or {}
        cap_cpu, cap_mem = cpu_millicores(alloc.get("cpu", 0)), memory_bytes(alloc.get("memory", 0))
        req = requested.get(name, [0, 0])
        row: dict[str, Any] = {
            "node": name,
            "cpu_requested_pct": _pct(req[0], cap_cpu),
            "memory_requested_pct": _pct(req[1], cap_mem),
        }
        m = metrics.get(name)
        if m:
            cpu, mem = cpu_millicores(m["usage"]["cpu"]), memory_bytes(m["usage"]["memory"])
            row |= {
                "cpu_millicores": cpu,
                "cpu_pct": _pct(cpu, cap_cpu),
                "memory_mib": round(mem / 2**20),
                "memory_pct": _pct(mem, cap_mem),
            }
        else:
            row["metrics"] = "none (node not reporting)"
        rows.append(row)
    if not rows:
        return ToolResult.no_data("no nodes found", invocation="top nodes")
    stamps = [str(m.get("timestamp") or "") for m in metrics.values()]
    data = budgeted_page(
        {"as_of": max(stamps) if stamps else None},
        "items",
        rows,
        limit=limit,
        continue_from=continue_from,
        noun="nodes",
        budget_chars=MAX_RESULT_CHARS,
    )
    return ToolResult.ok(data, invocation="top nodes")
