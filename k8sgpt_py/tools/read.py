"""Read tools: list, get, describe, events, logs. They never change anything."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.cluster.kinds import ANY_KIND, WORKLOAD_KINDS, lookup_kind
from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import (
    MAX_LIST_ITEMS,
    MAX_LOG_LINES,
    clean_object,
    containers_of,
    find,
    pod_status,
    summarize,
)


@tool()
def list_resources(
    ctx: ToolContext,
    kind: str,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
) -> ToolResult:
    """List objects of one kind (pods, deployments, services, nodes, ...) with kubectl columns."""
    info = lookup_kind(kind)
    ns = None if all_namespaces or not info.is_namespaced else namespace or ctx.namespace
    if info.is_namespaced and ns is None and not all_namespaces:
        ns = ctx.cluster.target.namespace
    items = ctx.cluster.list(info, ns, label_selector=label_selector)
    where = "all namespaces" if ns is None and info.is_namespaced else f"namespace {ns}"
    call = f"list {info.plural}" + (f" in {where}" if info.is_namespaced else "")
    if label_selector:
        call += f" -l {label_selector}"
    if not items:
        return ToolResult.no_data(f"no {info.plural} found in {where}", invocation=call)
    rows = [summarize(o, ctx.now) for o in items[:MAX_LIST_ITEMS]]
    data: dict[str, Any] = {"kind": info.kind, "items": rows}
    if len(items) > MAX_LIST_ITEMS:
        data["truncated"] = f"...[{len(items) - MAX_LIST_ITEMS} more {info.plural} not shown]"
    return ToolResult.ok(data, invocation=call)


@tool()
def get_resource(
    ctx: ToolContext, name: str, kind: str | None = None, namespace: str | None = None
) -> ToolResult:
    """Get one object in full (YAML-like); the name may be fuzzy ("checkout") or kind/name."""
    found = find(ctx, name, kinds=ANY_KIND, namespace=namespace, kind=kind)
    return ToolResult.ok(clean_object(found.obj), invocation=f"get {found}")


@tool()
def describe_resource(
    ctx: ToolContext, name: str, kind: str | None = None, namespace: str | None = None
) -> ToolResult:
    """Describe an object: summary, conditions, its pods (for workloads) and recent events."""
    found = find(ctx, name, kinds=ANY_KIND, namespace=namespace, kind=kind)
    obj = found.obj
    data: dict[str, Any] = {"summary": summarize(obj, ctx.now)}
    status = obj.get("status") or {}
    if status.get("conditions"):
        data["conditions"] = [
            {k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k)}
            for c in status["conditions"]
        ]
    if found.kind in WORKLOAD_KINDS:
        data["containers"] = [
            {k: c.get(k) for k in ("name", "image", "resources") if c.get(k)}
            for c in containers_of(obj)
        ]
        data["pods"] = [summarize(p, ctx.now) for p in pods_of(ctx, obj)]
    data["events"] = events_for(ctx, found.kind, found.name, found.namespace)
    return ToolResult.ok(data, invocation=f"describe {found}")


@tool()
def list_events(
    ctx: ToolContext,
    namespace: str | None = None,
    name: str | None = None,
    kind: str | None = None,
    warnings_only: bool = False,
) -> ToolResult:
    """Recent events in a namespace, optionally only for one object or only warnings."""
    ns = namespace or ctx.namespace
    if name:
        found = find(ctx, name, kinds=ANY_KIND, namespace=ns, kind=kind)
        events = events_for(ctx, found.kind, found.name, found.namespace)
        what = str(found)
    else:
        events = [summarize(e, ctx.now) for e in ctx.cluster.list("Event", ns)]
        what = f"namespace {ns}" if ns else "all namespaces"
    if warnings_only:
        events = [e for e in events if e.get("type") == "Warning"]
    if not events:
        kind_word = "warning events" if warnings_only else "events"
        return ToolResult.no_data(f"no {kind_word} for {what}", invocation=f"events {what}")
    return ToolResult.ok({"events": events[-100:]}, invocation=f"events {what}")


@tool()
def get_pod_logs(
    ctx: ToolContext,
    name: str,
    namespace: str | None = None,
    container: str | None = None,
    tail_lines: int = 100,
    previous: bool = False,
) -> ToolResult:
    """Last log lines of a pod or of a workload's most troubled pod.

    previous=True reads the container that crashed before the current one.
    """
    found = find(ctx, name, kinds=("Pod", *WORKLOAD_KINDS), namespace=namespace)
    pod = found.obj if found.kind == "Pod" else _pick_pod(pods_of(ctx, found.obj))
    if pod is None:
        return ToolResult.no_data(f"{found} has no pods to read logs from")
    pod_name = pod["metadata"]["name"]
    ns = pod["metadata"].get("namespace") or found.namespace or ""
    names = [c.get("name") for c in containers_of(pod)]
    if container is None:
        container = names[0] if names else None
    elif container not in names:
        return ToolResult.fail(
            f"pod {ns}/{pod_name} has no container {container!r} (has {', '.join(map(str, names))})"
        )
    tail = max(1, min(tail_lines, MAX_LOG_LINES))
    text = ctx.cluster.logs(pod_name, ns, container=container, tail_lines=tail, previous=previous)
    call = f"logs {ns}/{pod_name} -c {container} --tail={tail}" + (
        " --previous" if previous else ""
    )
    if not text.strip():
        return ToolResult.no_data(
            f"no logs for pod {ns}/{pod_name} (previous={previous})", invocation=call
        )
    data = {
        "pod": pod_name,
        "namespace": ns,
        "container": container,
        "previous": previous,
        "lines": text,
    }
    return ToolResult.ok(data, invocation=call)


def pods_of(ctx: ToolContext, workload: dict[str, Any]) -> list[dict[str, Any]]:
    """Pods selected by a workload's label selector, in its namespace."""
    selector = ((workload.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    if not selector:
        return []
    labels = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    namespace = (workload.get("metadata") or {}).get("namespace")
    return ctx.cluster.list("Pod", namespace, label_selector=labels)


def events_for(
    ctx: ToolContext, kind: str, name: str, namespace: str | None
) -> list[dict[str, Any]]:
    """Events about one object, oldest first, summarised."""
    selector = f"involvedObject.name={name},involvedObject.kind={lookup_kind(kind).kind}"
    events = ctx.cluster.list("Event", namespace, field_selector=selector)
    events.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    return [summarize(e, ctx.now) for e in events[-50:]]


def _pick_pod(pods: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The pod most worth reading: a failing one first, then the most restarted."""

    def trouble(pod: dict[str, Any]) -> tuple[int, int]:
        failing = pod_status(pod) not in ("Running", "Succeeded", "Completed")
        restarts = sum(
            int(c.get("restartCount") or 0)
            for c in (pod.get("status") or {}).get("containerStatuses") or []
        )
        return (int(failing), restarts)

    return max(pods, key=trouble) if pods else None
