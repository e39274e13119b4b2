"""Read what the analyzers need, run them, and explain one object (``kai scan``/``explain``).

Reading is the only I/O here; the analyzers are pure. A kind the cluster does not serve
(no ingressclasses, say) is left out of ``Snapshot.loaded`` so no check guesses from it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from k8sgpt_py.analyzers import (
    SNAPSHOT_KINDS,
    Finding,
    Snapshot,
    analyze,
    findings_for,
    needed_kinds,
)
from k8sgpt_py.analyzers.pod_containers import wanted_logs
from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.cluster.kube import ApiError, Cluster
from k8sgpt_py.cluster.resolve import Resolved
from k8sgpt_py.errors import Forbidden, NotFound

if TYPE_CHECKING:
    from k8sgpt_py.metrics.base import MetricSource

LOG_TAIL_LINES = 50
MAX_LOGS = 20


def take_snapshot(
    cluster: Cluster, *, namespace: str | None, only: Collection[str] | None, now: datetime
) -> Snapshot:
    """List what the chosen analyzers read (and the logs worth reading) in one namespace or all."""
    fields_ = needed_kinds(only)
    lists: dict[str, Any] = {}
    for name in sorted(fields_ - {"logs"}):
        info = lookup_kind(SNAPSHOT_KINDS[name])
        try:
            lists[name] = cluster.list(info, namespace if info.is_namespaced else None)
        except (NotFound, Forbidden, ApiError):
            continue  # not served or not allowed: leave it out of `loaded`
    snapshot = Snapshot(now=now, loaded=frozenset(lists), namespace=namespace, **lists)
    if "logs" not in fields_:
        return snapshot
    logs = {}
    for key in wanted_logs(snapshot.pods, limit=MAX_LOGS):
        ns, pod, container, previous = key
        try:
            logs[key] = cluster.logs(
                pod, ns, container=container, tail_lines=LOG_TAIL_LINES, previous=previous
            )
        except (NotFound, ApiError, Forbidden):
            continue
    return dataclasses.replace(snapshot, logs=logs)


def scan(
    cluster: Cluster, *, namespace: str | None, only: Collection[str] | None, now: datetime
) -> list[Finding]:
    """Every finding of the chosen analyzers, most severe first."""
    return analyze(take_snapshot(cluster, namespace=namespace, only=only, now=now), only=only)


_DEPTH = {"Pod": 0, "ReplicaSet": 1, "Job": 1}


def root_cause_first(findings: list[Finding]) -> list[Finding]:
    """Most severe first; among equals, the deepest owned object first.

    A pod's crash explains its deployment's stuck rollout, not the other way round.
    """
    return sorted(findings, key=lambda f: (-f.severity.rank, _DEPTH.get(f.kind, 2)))


@dataclass
class Explanation:
    """What ``kai explain`` found out about one object."""

    subject: str
    summary: dict[str, Any]
    owners: list[str]
    findings: list[Finding]
    events: list[dict[str, Any]]
    logs: dict[str, str]
    node: dict[str, Any] | None
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The ``Explanation`` document body."""
        return {
            "subject": self.subject,
            "object": self.summary,
            "owners": self.owners,
            "findings": [f.to_json() for f in self.findings],
            "events": self.events,
            "logs": self.logs,
            "node": self.node,
            "explanation": self.text,
            **self.extra,
        }


def owner_chain(cluster: Cluster, obj: dict[str, Any]) -> list[str]:
    """``replicaset/shop/x-5d9c``, ``deployment/shop/x``: controllers up to the top."""
    chain = []
    current = obj
    for _ in range(5):
        owners = (current.get("metadata") or {}).get("ownerReferences") or []
        controller = next((o for o in owners if o.get("controller")), owners[0] if owners else None)
        if controller is None:
            break
        namespace = (current.get("metadata") or {}).get("namespace")
        chain.append(f"{str(controller['kind']).lower()}/{namespace}/{controller['name']}")
        try:
            current = cluster.get(controller["kind"], controller["name"], namespace)
        except (NotFound, ApiError):
            break
    return chain


def explain(
    cluster: Cluster, found: Resolved, *, now: datetime, metrics: MetricSource | None = None
) -> Explanation:
    """Gather the object, owners, events, logs, node, findings and metric anomalies."""
    from k8sgpt_py.tools.common import summarize

    namespace = found.namespace
    owners = owner_chain(cluster, found.obj)
    workload = _workload_name(found, owners)
    findings = root_cause_first(
        findings_for(
            scan(cluster, namespace=namespace, only=None, now=now),
            found.kind,
            namespace,
            found.name,
        )
    )
    pods, logs = pods_and_logs(cluster, found)
    result = Explanation(
        subject=str(found),
        summary=summarize(found.obj, now),
        owners=owners,
        findings=findings,
        events=_events(cluster, found, pods, now),
        logs=logs,
        node=_node_of(cluster, pods),
    )
    if any(f.reason == "Unschedulable" for f in findings):
        from k8sgpt_py.placement_ops import pending_explanations

        key = f"{namespace}/{workload or found.name}"
        result.extra["placement"] = [
            e.text for e in pending_explanations(cluster, namespace) if e.workload == key
        ]
    if metrics is not None and workload is not None:
        result.extra["anomalies"] = _recent_anomalies(metrics, namespace, workload, now)
    result.text = offline_explanation(result)
    return result


def _workload_name(found: Resolved, owners: list[str]) -> str | None:
    if found.kind in ("Deployment", "StatefulSet", "DaemonSet"):
        return found.name
    tops = [o for o in owners if o.split("/")[0] in ("deployment", "statefulset", "daemonset")]
    return tops[-1].rsplit("/", 1)[-1] if tops else None


def _recent_anomalies(
    metrics: MetricSource, namespace: str | None, workload: str, now: datetime
) -> list[dict[str, Any]]:
    """The last day's anomalies of one workload (fast tests only), [] when it has no history."""
    from datetime import timedelta

    from k8sgpt_py.errors import KaiError
    from k8sgpt_py.insights import find_anomalies

    try:
        found = find_anomalies(
            metrics,
            namespace=namespace,
            workload=workload,
            since=timedelta(hours=24),
            now=now,
            thorough=False,
        )
    except KaiError:
        return []
    return [a.to_json() for a in found]


def _events(
    cluster: Cluster, found: Resolved, pods: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    from k8sgpt_py.tools.common import summarize

    names = {found.name, *(p["metadata"]["name"] for p in pods)}
    events = [
        e
        for e in cluster.list("Event", found.namespace)
        if (e.get("involvedObject") or {}).get("name") in names
        or str((e.get("involvedObject") or {}).get("name", "")).startswith(f"{found.name}-")
    ]
    events.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    return [summarize(e, now) for e in events[-20:]]


def _node_of(cluster: Cluster, pods: list[dict[str, Any]]) -> dict[str, Any] | None:
    node_name = next((p["spec"].get("nodeName") for p in pods if p["spec"].get("nodeName")), None)
    if not node_name:
        return None
    try:
        node = cluster.get("Node", node_name)
    except (NotFound, ApiError):
        return None
    conditions = {
        c.get("type"): c.get("status") for c in (node.get("status") or {}).get("conditions") or []
    }
    return {"name": node_name, "conditions": conditions}


def pods_and_logs(cluster: Cluster, found: Resolved) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The object's pods (itself, for a pod) and recent logs of the most troubled ones."""
    from k8sgpt_py.tools.common import pod_status

    if found.kind == "Pod":
        pods = [found.obj]
    else:
        selector = ((found.obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        labels = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
        pods = cluster.list("Pod", found.namespace, label_selector=labels) if labels else []
    troubled = sorted(pods, key=lambda p: pod_status(p) in ("Running", "Succeeded"))[:3]
    logs: dict[str, str] = {}
    for pod in troubled:
        name = pod["metadata"]["name"]
        for status in (pod.get("status") or {}).get("containerStatuses") or []:
            container = status.get("name")
            wanted = [False] + ([True] if status.get("restartCount") else [])
            for previous in wanted:
                try:
                    text = cluster.logs(
                        name,
                        found.namespace or "",
                        container=container,
                        tail_lines=20,
                        previous=previous,
                    )
                except (NotFound, ApiError, Forbidden):
                    continue
                if text.strip():
                    label = f"{name}/{container}" + (" (previous)" if previous else "")
                    logs[label] = text
    return pods, logs


def offline_explanation(e: Explanation) -> str:
    """A plain explanation built from the findings (no model needed)."""
    from k8sgpt_py.redact import redact_text

    head = f"{e.subject}: " + ", ".join(
        f"{k} {v}" for k, v in e.summary.items() if k in ("status", "ready", "restarts") and v
    )
    lines = [head.rstrip(": ")]
    if e.owners:
        lines.append(f"owned by: {' -> '.join(e.owners)}")
    for anomaly in e.extra.get("anomalies", [])[:3]:
        lines.append(f"Metrics: {anomaly['description']} ({anomaly['start']} to {anomaly['end']})")
    if not e.findings:
        lines.append(
            "No analyzer found a problem with its objects; the metric anomaly above is the lead."
            if e.extra.get("anomalies")
            else "No analyzer found a problem with it."
        )
        warnings = [ev for ev in e.events if ev.get("type") == "Warning"]
        for event in warnings[-3:]:
            lines.append(f"  recent warning: {event.get('reason')}: {event.get('message')}")
        return "\n".join(lines)
    root, *others = e.findings
    lines.append(f"Root cause ({root.severity}): {root.reason}: {root.message}")
    lines.extend(f"  evidence: {redact_text(item)}" for item in root.evidence[:4])
    for text in e.extra.get("placement", [])[:1]:
        lines.append("Placement advisor: " + "; ".join(text.splitlines()[:2]))
    if root.suggestion:
        lines.append(f"Fix: {root.suggestion}")
    for finding in others[:5]:
        lines.append(
            f"Also ({finding.severity}): {finding.kind.lower()}/{finding.name}: "
            f"{finding.reason}: {finding.message}"
        )
    return "\n".join(lines)
