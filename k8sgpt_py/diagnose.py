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

LOG_TAIL_LINES = 50  # snapshot logs, for the analyzers
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


def explain(
    cluster: Cluster, found: Resolved, *, now: datetime, metrics: MetricSource | None = None
) -> Explanation:
    """Gather the object, owners, events, logs, node, findings and metric anomalies."""
    from k8sgpt_py.evidence import events_of, node_of, owner_chain, pods_and_logs
    from k8sgpt_py.tools.common import summarize

    namespace = found.namespace
    # One snapshot serves the analyzers and the evidence below (pods, events, node, owners).
    snapshot = take_snapshot(cluster, namespace=namespace, only=None, now=now)
    owners = owner_chain(cluster, found.obj, snapshot=snapshot)
    workload = _workload_name(found, owners)
    findings = root_cause_first(
        findings_for(analyze(snapshot, only=None), found.kind, namespace, found.name)
    )
    pods, logs = pods_and_logs(cluster, found, snapshot=snapshot)
    result = Explanation(
        subject=str(found),
        summary=summarize(found.obj, now),
        owners=owners,
        findings=findings,
        events=events_of(cluster, found, pods, now, snapshot=snapshot),
        logs=logs,
        node=node_of(cluster, pods, snapshot=snapshot),
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

    try:
        # No history, no anomalies: said without loading the samples or the detectors.
        if not any(name == workload for _, name in metrics.workloads(namespace)):
            return []
        from k8sgpt_py.insights import find_anomalies

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
    for text in e.extra.get("placement", [])[:1]:  # its summary; per-node lines are indented
        summary = [line for line in text.splitlines() if not line.startswith(" ")]
        lines.append("Placement advisor: " + "; ".join(summary))
    if root.suggestion:
        lines.append(f"Fix: {root.suggestion}")
    for finding in others[:5]:
        lines.append(
            f"Also ({finding.severity}): {finding.kind.lower()}/{finding.name}: "
            f"{finding.reason}: {finding.message}"
        )
    return "\n".join(lines)
