"""Helpers the tools share: resolving names in context, summaries, ages, output budgets."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from k8sgpt_py.changes.proposal import ObjectRef
from k8sgpt_py.cluster.kinds import WORKLOAD_KINDS, lookup_kind
from k8sgpt_py.cluster.refs import ResourceRef, parse_ref
from k8sgpt_py.cluster.resolve import Resolved, resolve
from k8sgpt_py.tools.base import ToolContext

MAX_LIST_ITEMS = 200
MAX_LOG_LINES = 500


def find(
    ctx: ToolContext,
    name: str,
    *,
    kinds: Sequence[str] = WORKLOAD_KINDS,
    namespace: str | None = None,
    kind: str | None = None,
) -> Resolved:
    """Resolve a (possibly fuzzy) name; ``name`` may itself be ``kind/name`` or ``ns/name``."""
    ref = parse_ref(name)
    kind = ref.kind or kind
    chosen_kind = ctx.cluster.kind_info(kind).kind if kind else None
    ref = ResourceRef(ref.name, chosen_kind, namespace or ref.namespace or ctx.namespace)
    return resolve(ctx.cluster, ref, kinds=kinds, default_namespace=ctx.cluster.target.namespace)


def object_ref(resolved: Resolved) -> ObjectRef:
    """The proposal target for a resolved object."""
    info = lookup_kind(resolved.kind)
    return ObjectRef(info.api_version, info.kind, resolved.name, resolved.namespace)


def age(timestamp: str | None, now: datetime) -> str:
    """kubectl-style age: 45s, 12m, 5h, 3d."""
    if not timestamp:
        return "?"
    then = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    seconds = max(0, int((now - then).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def pod_status(pod: dict[str, Any]) -> str:
    """The STATUS column kubectl shows: a waiting/terminated reason, else the phase."""
    status = pod.get("status") or {}
    if (pod.get("metadata") or {}).get("deletionTimestamp"):
        return "Terminating"
    for cs in status.get("containerStatuses") or []:
        state = cs.get("state") or {}
        for key in ("waiting", "terminated"):
            reason = (state.get(key) or {}).get("reason")
            if reason:
                return str(reason)
    return str(status.get("reason") or status.get("phase") or "Unknown")


def summarize(obj: dict[str, Any], now: datetime) -> dict[str, Any]:
    """A flat, table-friendly summary of one object (the columns kubectl get shows)."""
    meta = obj.get("metadata") or {}
    kind = str(obj.get("kind", ""))
    out: dict[str, Any] = {
        "kind": kind,
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
    }
    columns = _COLUMNS.get(kind)
    if columns:
        out |= columns(obj, obj.get("spec") or {}, obj.get("status") or {})
    stamp = meta.get("creationTimestamp")
    if kind == "Event":
        stamp = obj.get("lastTimestamp") or obj.get("eventTime") or stamp
    out["age"] = age(stamp, now)
    return out


Row = dict[str, Any]


def _pod_columns(obj: Row, spec: Row, status: Row) -> Row:
    statuses = status.get("containerStatuses") or []
    ready = sum(bool(c.get("ready")) for c in statuses)
    return {
        "ready": f"{ready}/{len(spec.get('containers') or [])}",
        "status": pod_status(obj),
        "restarts": sum(int(c.get("restartCount") or 0) for c in statuses),
        "node": spec.get("nodeName"),
    }


def _workload_columns(obj: Row, spec: Row, status: Row) -> Row:
    return {
        "ready": f"{status.get('readyReplicas') or 0}/{spec.get('replicas', 1)}",
        "up_to_date": status.get("updatedReplicas") or 0,
        "available": status.get("availableReplicas") or 0,
        "images": [c.get("image") for c in _containers(obj)],
    }


def _daemonset_columns(obj: Row, spec: Row, status: Row) -> Row:
    return {
        "desired": status.get("desiredNumberScheduled") or 0,
        "ready": status.get("numberReady") or 0,
    }


def _service_columns(obj: Row, spec: Row, status: Row) -> Row:
    ports = [f"{p.get('port')}/{p.get('protocol', 'TCP')}" for p in spec.get("ports") or []]
    return {
        "type": spec.get("type", "ClusterIP"),
        "cluster_ip": spec.get("clusterIP"),
        "ports": ports,
    }


def _node_columns(obj: Row, spec: Row, status: Row) -> Row:
    conditions = {c.get("type"): c.get("status") for c in status.get("conditions") or []}
    ready = "Ready" if conditions.get("Ready") == "True" else "NotReady"
    allocatable = status.get("allocatable") or {}
    taints = [
        f"{t.get('key')}={t.get('value', '')}:{t.get('effect')}" for t in spec.get("taints") or []
    ]
    return {
        "status": ready + (",SchedulingDisabled" if spec.get("unschedulable") else ""),
        "cpu": allocatable.get("cpu"),
        "memory": allocatable.get("memory"),
        "taints": taints,
    }


def _hpa_columns(obj: Row, spec: Row, status: Row) -> Row:
    target = spec.get("scaleTargetRef") or {}
    return {
        "target": f"{target.get('kind')}/{target.get('name')}",
        "min": spec.get("minReplicas", 1),
        "max": spec.get("maxReplicas"),
        "current": status.get("currentReplicas"),
    }


def _event_columns(obj: Row, spec: Row, status: Row) -> Row:
    involved = obj.get("involvedObject") or {}
    return {
        "type": obj.get("type"),
        "reason": obj.get("reason"),
        "object": f"{str(involved.get('kind', '')).lower()}/{involved.get('name')}",
        "message": obj.get("message"),
        "count": obj.get("count") or 1,
    }


_COLUMNS = {
    "Pod": _pod_columns,
    "Deployment": _workload_columns,
    "StatefulSet": _workload_columns,
    "ReplicaSet": _workload_columns,
    "DaemonSet": _daemonset_columns,
    "Service": _service_columns,
    "Node": _node_columns,
    "HorizontalPodAutoscaler": _hpa_columns,
    "Event": _event_columns,
}


def _containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    template = (obj.get("spec") or {}).get("template") or {}
    return list((template.get("spec") or {}).get("containers") or [])


def containers_of(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """Containers of a workload's pod template (or of a pod)."""
    if obj.get("kind") == "Pod":
        return list((obj.get("spec") or {}).get("containers") or [])
    return _containers(obj)


def clean_object(obj: dict[str, Any]) -> dict[str, Any]:
    """An object without server bookkeeping (managedFields), secret values redacted."""
    from k8sgpt_py.redact import redact

    out = {k: v for k, v in obj.items()}
    meta = dict(out.get("metadata") or {})
    meta.pop("managedFields", None)
    out["metadata"] = meta
    return dict(redact(out))


def budgeted_page(
    data: dict[str, Any],
    key: str,
    rows: Sequence[Any],
    *,
    limit: int,
    continue_from: str | None,
    noun: str,
    budget_chars: int,
    render: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """``data`` plus one page of ``rows`` under ``key``, cut to fit ``budget_chars`` of JSON.

    ``total`` counts every row; when rows are left out, ``continue`` is the value to pass
    back as ``continue_from`` and ``truncated`` says how many were cut and why.
    """
    import json

    try:
        offset = max(0, int(continue_from or 0))
    except ValueError as exc:
        raise ValueError(
            f"continue_from must be a value a previous page returned, not {continue_from!r}"
        ) from exc
    limit = max(1, min(limit, MAX_LIST_ITEMS))
    page = [render(r) if render else r for r in rows[offset : offset + limit]]
    out = {**data, key: page, "total": len(rows)}
    budget_cut = False
    room = budget_chars - 250  # for the continue/truncated keys added below
    while len(page) > 1 and len(json.dumps(out, default=str)) > room:
        page = page[: len(page) - max(1, len(page) // 4)]
        out[key] = page
        budget_cut = True
    following = offset + len(page)
    if following < len(rows):
        out["continue"] = str(following)
        why = " (page shortened to fit the output budget)" if budget_cut else ""
        out["truncated"] = (
            f"...[truncated {len(rows) - following} {noun}: call again with "
            f"continue_from={following}]{why}"
        )
    return out


def _state(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if not state:
        return None
    for key in ("running", "waiting", "terminated"):
        if key in state:
            detail = state[key] or {}
            keep = ("reason", "message", "exitCode", "signal", "startedAt", "finishedAt")
            return {"state": key, **{k: detail[k] for k in keep if k in detail}}
    return None


def container_details(pod: dict[str, Any]) -> list[dict[str, Any]]:
    """Per container (init ones first): state, last state, exit code, restarts, resources."""
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    statuses = {
        s.get("name"): s
        for s in [
            *(status.get("initContainerStatuses") or []),
            *(status.get("containerStatuses") or []),
        ]
    }

    def one(c: dict[str, Any], init: bool) -> dict[str, Any]:
        s = statuses.get(c.get("name")) or {}
        out = {
            "name": c.get("name"),
            "image": c.get("image"),
            "init": init,
            "ready": bool(s.get("ready")),
            "restart_count": int(s.get("restartCount") or 0),
            "state": _state(s.get("state")),
            "last_state": _state(s.get("lastState")),
            "resources": c.get("resources") or {},
        }
        probes = [p for p in ("livenessProbe", "readinessProbe", "startupProbe") if c.get(p)]
        if probes:
            out["probes"] = {p: c[p] for p in probes}
        return out

    return [one(c, True) for c in spec.get("initContainers") or []] + [
        one(c, False) for c in spec.get("containers") or []
    ]


def window_problem(
    name: str, value: float, *, at_most_days: float, why: str, unit: str = "hours"
) -> str | None:
    """Why ``value`` (in ``unit``: hours or minutes) is not a usable window, or None.

    Tools share the CLI's limits (``--since``, ``--horizon``); the model gets this as the
    tool's error instead of an overflow, a negative window or a query over years.
    """
    at_most = at_most_days * (24 if unit == "hours" else 24 * 60)
    if math.isfinite(value) and 0 < value <= at_most:
        return None
    return (
        f"{name} must be more than 0 and at most {at_most:g} {unit} ({at_most_days:g} days, "
        f"{why}), got {value!r}"
    )
