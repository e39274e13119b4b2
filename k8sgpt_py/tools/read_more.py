"""More read tools: rollout history, pod describe, kai's audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from k8sgpt_py.tools.base import MAX_RESULT_CHARS, ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import age, budgeted_page, container_details, find, pod_status
from k8sgpt_py.tools.read import events_for

REVISION = "deployment.kubernetes.io/revision"
MAX_CHANGES_PER_REVISION = 20
MAX_REVISIONS = 20


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


@tool()
def describe_pod(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """Describe a pod: container state, last state, exit code, restarts, resources; events."""
    found = find(ctx, name, kinds=("Pod",), namespace=namespace)
    pod, spec, status = found.obj, found.obj.get("spec") or {}, found.obj.get("status") or {}
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
        "containers": container_details(pod),
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
