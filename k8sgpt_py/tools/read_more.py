"""More read tools: usage vs requests (top), rollout history, pod describe, kai's audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from k8sgpt_py.quantity import cpu_millicores, memory_bytes
from k8sgpt_py.tools.base import MAX_RESULT_CHARS, ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import age, budgeted_page, find, pod_status
from k8sgpt_py.tools.read import events_for

REVISION = "deployment.kubernetes.io/revision"
MAX_CHANGES_PER_REVISION = 20
MAX_REVISIONS = 20


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
        cpu = sum(cpu_millicores(c["usage"].get("cpu", 0)) for c in metrics.get("containers") or [])
        mem = sum(
            memory_bytes(c["usage"].get("memory", 0)) for c in metrics.get("containers") or []
        )
        containers = (pod.get("spec") or {}).get("containers") or []
        req_cpu, req_mem = _sum_resources(containers, "requests")
        lim_cpu, lim_mem = _sum_resources(containers, "limits")
        rows.append(
            {
                "pod": meta["name"],
                "namespace": meta.get("namespace"),
                "status": pod_status(pod),
                "cpu_millicores": cpu,
                "cpu_pct_of_request": _pct(cpu, req_cpu),
                "cpu_pct_of_limit": _pct(cpu, lim_cpu),
                "memory_mib": round(mem / 2**20),
                "memory_pct_of_request": _pct(mem, req_mem),
                "memory_pct_of_limit": _pct(mem, lim_mem),
            }
        )
    if not rows:
        return ToolResult.no_data(f"no pods with metrics in {where}", invocation=call)
    key = "cpu_millicores" if sort_by == "cpu" else "memory_mib"
    rows.sort(key=lambda r: -r[key])
    summary: dict[str, Any] = {
        "as_of": max(stamps),
        "sorted_by": sort_by,
        "total_cpu_millicores": sum(r["cpu_millicores"] for r in rows),
        "total_memory_mib": sum(r["memory_mib"] for r in rows),
        "over_cpu_limit_pct_90": sum(1 for r in rows if (r["cpu_pct_of_limit"] or 0) >= 90),
        "over_memory_limit_pct_90": sum(1 for r in rows if (r["memory_pct_of_limit"] or 0) >= 90),
    }
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


def _flatten(node: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out |= _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(node, list) and node and all(isinstance(i, dict) and "name" in i for i in node):
        out = {}
        for item in node:
            out |= _flatten(
                {k: v for k, v in item.items() if k != "name"}, f"{prefix}[{item['name']}]"
            )
        return out
    return {prefix: node}


def template_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What changed between two pod templates, one ``path: old -> new`` line per field."""

    def flat(template: dict[str, Any]) -> dict[str, Any]:
        labels = dict((template.get("metadata") or {}).get("labels") or {})
        labels.pop("pod-template-hash", None)
        return _flatten(
            {**template, "metadata": {**(template.get("metadata") or {}), "labels": labels}}
        )

    a, b = flat(old), flat(new)
    return [
        f"{k}: {a.get(k, '<unset>')} -> {b.get(k, '<unset>')}"
        for k in sorted(a.keys() | b.keys())
        if a.get(k) != b.get(k)
    ]


@tool()
def rollout_history(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """A deployment's revisions (ReplicaSets), newest first, with what changed in each revision."""
    found = find(ctx, name, kinds=("Deployment",), namespace=namespace)
    uid = found.obj["metadata"].get("uid")
    current = (found.obj["metadata"].get("annotations") or {}).get(REVISION)
    revisions: dict[int, dict[str, Any]] = {}
    for rs in ctx.cluster.iter_list("ReplicaSet", found.namespace):
        meta = rs["metadata"]
        if any(o.get("uid") == uid for o in meta.get("ownerReferences") or []):
            revisions[int((meta.get("annotations") or {}).get(REVISION) or 0)] = rs
    if not revisions:
        return ToolResult.no_data(
            f"{found} has no ReplicaSets (no rollout history)",
            invocation=f"rollout history {found}",
        )
    rows = []
    ordered = sorted(revisions)
    for i, rev in enumerate(ordered):
        rs = revisions[rev]
        template = (rs.get("spec") or {}).get("template") or {}
        meta = rs["metadata"]
        row: dict[str, Any] = {
            "revision": rev,
            "replicaset": meta["name"],
            "created": meta.get("creationTimestamp"),
            "age": age(meta.get("creationTimestamp"), ctx.now),
            "replicas": (rs.get("spec") or {}).get("replicas", 0),
            "images": [
                c.get("image") for c in (template.get("spec") or {}).get("containers") or []
            ],
            "is_current": str(rev) == current,
        }
        cause = (meta.get("annotations") or {}).get("kubernetes.io/change-cause")
        if cause:
            row["change_cause"] = cause
        if i:
            prev = (revisions[ordered[i - 1]].get("spec") or {}).get("template") or {}
            changes = template_changes(prev, template)
            row["changes_from_previous"] = changes[:MAX_CHANGES_PER_REVISION]
            if len(changes) > MAX_CHANGES_PER_REVISION:
                row["changes_from_previous"].append(
                    f"...[truncated {len(changes) - MAX_CHANGES_PER_REVISION} changes]"
                )
        rows.append(row)
    data = budgeted_page(
        {"deployment": str(found), "current_revision": current},
        "revisions",
        list(reversed(rows)),
        limit=MAX_REVISIONS,
        continue_from=None,
        noun="older revisions",
        budget_chars=MAX_RESULT_CHARS,
    )
    return ToolResult.ok(data, invocation=f"rollout history {found}")


def _state(state: dict[str, Any] | None) -> dict[str, Any] | None:
    if not state:
        return None
    for key in ("running", "waiting", "terminated"):
        if key in state:
            detail = state[key] or {}
            keep = ("reason", "message", "exitCode", "signal", "startedAt", "finishedAt")
            return {"state": key, **{k: detail[k] for k in keep if k in detail}}
    return None


@tool()
def describe_pod(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """Describe a pod: container state, last state, exit code, restarts, resources; events."""
    found = find(ctx, name, kinds=("Pod",), namespace=namespace)
    pod, spec, status = found.obj, found.obj.get("spec") or {}, found.obj.get("status") or {}
    statuses = {
        s.get("name"): s
        for s in [
            *(status.get("initContainerStatuses") or []),
            *(status.get("containerStatuses") or []),
        ]
    }

    def container(c: dict[str, Any], init: bool) -> dict[str, Any]:
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

    data = {
        "pod": str(found),
        "node": spec.get("nodeName"),
        "phase": status.get("phase"),
        "status": pod_status(pod),
        "qos_class": status.get("qosClass"),
        "started": status.get("startTime"),
        "age": age(pod["metadata"].get("creationTimestamp"), ctx.now),
        "owner": [
            f"{o.get('kind')}/{o.get('name')}" for o in pod["metadata"].get("ownerReferences") or []
        ],
        "conditions": [
            {k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k)}
            for c in status.get("conditions") or []
        ],
        "containers": [container(c, True) for c in spec.get("initContainers") or []]
        + [container(c, False) for c in spec.get("containers") or []],
        "events_newest_first": list(reversed(events_for(ctx, "Pod", found.name, found.namespace)))[
            :20
        ],
    }
    return ToolResult.ok(data, invocation=f"describe {found}")


def _audit_files(ctx: ToolContext) -> list[Path]:
    from k8sgpt_py.config import state_dir

    given = ctx.extra.get("audit_path")
    return (
        [Path(given)]
        if given
        else [state_dir() / "audit.jsonl", state_dir() / "sandbox-audit.jsonl"]
    )


@tool()
def get_audit_log(
    ctx: ToolContext, limit: int = 10, name: str | None = None, continue_from: str | None = None
) -> ToolResult:
    """What kai itself changed on this cluster (its audit log), newest first, with undo ids.

    name filters to changes whose target name contains it. Secret values are redacted.
    """
    from k8sgpt_py.changes.audit import AuditLog
    from k8sgpt_py.redact import redact

    server = ctx.cluster.target.server
    records = [
        r
        for path in _audit_files(ctx)
        for r in AuditLog(path).records()
        if r.get("server") in (None, server)
    ]
    if name:
        records = [
            r
            for r in records
            if name.lower() in str((r.get("target") or {}).get("name", "")).lower()
        ]
    # newest first: by time, and by position in the append-only file for equal times
    order = {id(r): i for i, r in enumerate(records)}
    records.sort(key=lambda r: (str(r.get("time", "")), order[id(r)]), reverse=True)
    what = f" for {name!r}" if name else ""
    if not records:
        return ToolResult.no_data(
            f"kai has recorded no changes{what} on this cluster", invocation=f"audit log{what}"
        )
    undone = {r.get("undo_of") for r in records if r.get("undo_of")}
    keep = (
        "id",
        "time",
        "action",
        "reason",
        "applied",
        "error",
        "undo_of",
        "planner",
        "request",
        "patch",
    )
    rows = [
        {
            **{k: r[k] for k in keep if r.get(k) is not None},
            "target": r.get("target"),
            "undone": r.get("id") in undone,
        }
        for r in records
    ]
    data = budgeted_page(
        {},
        "records",
        rows,
        limit=limit,
        continue_from=continue_from,
        noun="records",
        budget_chars=MAX_RESULT_CHARS,
        render=redact,
    )
    return ToolResult.ok(data, invocation=f"audit log{what}")
