"""Read tools: list, get, describe, events, logs. They never change anything."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from k8sgpt_py.cluster.kinds import ANY_KIND, WORKLOAD_KINDS, lookup_kind
from k8sgpt_py.tools.base import MAX_RESULT_CHARS, ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import (
    MAX_LOG_LINES,
    budgeted_page,
    clean_object,
    container_details,
    containers_of,
    find,
    pod_status,
    summarize,
    window_problem,
)


@tool()
def list_resources(
    ctx: ToolContext,
    kind: str,
    namespace: str | None = None,
    all_namespaces: bool = False,
    label_selector: str | None = None,
    limit: int = 50,
    continue_from: str | None = None,
) -> ToolResult:
    """List objects of any kind (pods, deployments, nodes, CRDs, ...) with kubectl columns.

    Large lists come back a page at a time (limit rows) with counts by status for all of
    them; pass the returned `continue` value as continue_from for the next page.
    """
    info = ctx.cluster.kind_info(kind)
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
    data = budgeted_page(
        {"kind": info.kind},
        "items",
        items,
        limit=limit,
        continue_from=continue_from,
        noun=info.plural,
        budget_chars=MAX_RESULT_CHARS,
        render=lambda o: summarize(o, ctx.now),
    )
    if len(items) > len(data["items"]):
        statuses = Counter(str(summarize(o, ctx.now).get("status", "-")) for o in items)
        if len(statuses) > 1 or "-" not in statuses:
            data["count_by_status"] = dict(statuses.most_common())
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
    if found.kind == "Pod":
        data["containers"] = container_details(obj)
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
    since_minutes: int | None = None,
    limit: int = 50,
    continue_from: str | None = None,
) -> ToolResult:
    """Events newest first, in a namespace or about one object; since_minutes keeps recent ones."""
    if since_minutes is not None:
        from k8sgpt_py.insights import MAX_SINCE_DAYS

        problem = window_problem(
            "since_minutes",
            since_minutes,
            at_most_days=MAX_SINCE_DAYS,
            why="the most kai looks back",
            unit="minutes",
        )
        if problem:
            return ToolResult.fail(problem)
    ns = namespace or ctx.namespace
    if name:
        found = find(ctx, name, kinds=ANY_KIND, namespace=ns, kind=kind)
        raw = _events_about(ctx, found.kind, found.name, found.namespace)
        what = str(found)
    else:
        raw = ctx.cluster.list("Event", ns)
        what = f"namespace {ns}" if ns else "all namespaces"
    raw.sort(key=event_time, reverse=True)
    window = ""
    if since_minutes is not None:
        cutoff = (ctx.now - timedelta(minutes=since_minutes)).isoformat()
        raw = [e for e in raw if _normal_time(event_time(e)) >= cutoff]
        window = f" in the last {since_minutes}m"
    if warnings_only:
        raw = [e for e in raw if e.get("type") == "Warning"]
    call = f"events {what}{window}"
    if not raw:
        kind_word = "warning events" if warnings_only else "events"
        return ToolResult.no_data(f"no {kind_word} for {what}{window}", invocation=call)
    counts = dict(Counter(str(e.get("reason")) for e in raw).most_common(10))
    data = budgeted_page(
        {"count_by_reason": counts},
        "events",
        raw,
        limit=limit,
        continue_from=continue_from,
        noun="events",
        budget_chars=MAX_RESULT_CHARS,
        render=lambda e: summarize(e, ctx.now),
    )
    return ToolResult.ok(data, invocation=call)


def event_time(event: dict[str, Any]) -> str:
    """When an event last happened (lastTimestamp, eventTime or creation), as stored."""
    meta = event.get("metadata") or {}
    return str(
        event.get("lastTimestamp") or event.get("eventTime") or meta.get("creationTimestamp") or ""
    )


def _normal_time(stamp: str) -> str:
    """An RFC 3339 stamp in the form ``datetime.isoformat`` gives, for string comparison."""
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp.replace("Z", "+00:00")).isoformat()
    except ValueError:
        return ""


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


def _events_about(
    ctx: ToolContext, kind: str, name: str, namespace: str | None
) -> list[dict[str, Any]]:
    selector = f"involvedObject.name={name},involvedObject.kind={lookup_kind(kind).kind}"
    return ctx.cluster.list("Event", namespace, field_selector=selector)


def events_for(
    ctx: ToolContext, kind: str, name: str, namespace: str | None
) -> list[dict[str, Any]]:
    """Events about one object, oldest first, summarised."""
    events = _events_about(ctx, kind, name, namespace)
    events.sort(key=event_time)
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
