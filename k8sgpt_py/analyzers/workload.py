"""Helpers the workload analyzers (Deployment, ReplicaSet, StatefulSet, DaemonSet) share."""

from __future__ import annotations

from collections import Counter

from k8sgpt_py.analyzers._k8s import (
    condition,
    dig,
    items,
    kai_cmd,
    name_of,
    ns_of,
    number,
    text,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot


def pod_problem(pod: RawObject) -> str:
    """Short reason a pod is not serving (``ImagePullBackOff``, ``Unschedulable``) or ``""``."""
    phase = text(pod, "status", "phase")
    if phase in ("Failed", "Succeeded"):
        return text(pod, "status", "reason") or phase
    all_statuses = items(pod, "status", "initContainerStatuses") + items(
        pod, "status", "containerStatuses"
    )
    for status in all_statuses:
        waiting = text(status, "state", "waiting", "reason")
        if waiting and waiting not in ("ContainerCreating", "PodInitializing"):
            return waiting
        if text(status, "state", "terminated", "reason") == "OOMKilled":
            return "OOMKilled"
    scheduled = condition(pod, "PodScheduled")
    if scheduled is not None and text(scheduled, "status") == "False":
        return text(scheduled, "reason") or "Unschedulable"
    if phase == "Pending":
        return "Pending"
    if any(status.get("ready") is False for status in items(pod, "status", "containerStatuses")):
        return "NotReady"
    return ""


def is_pod_ready(pod: RawObject) -> bool:
    """Whether the pod receives Service traffic (Ready condition; phase when it has none)."""
    ready = condition(pod, "Ready")
    if ready is not None:
        return text(ready, "status") == "True"
    statuses = items(pod, "status", "containerStatuses")
    return text(pod, "status", "phase") == "Running" and all(
        status.get("ready") is not False for status in statuses
    )


def ready_count(snapshot: Snapshot, obj: RawObject, kind: str, *status_keys: str) -> int:
    """The first of ``status_keys`` present, else the ready pods the workload owns.

    The API omits zero counts, and simple controllers may not fill them in at all; counting
    owned pods covers both.
    """
    for key in status_keys:
        if dig(obj, "status", key) is not None:
            return number(obj, "status", key)
    pods = snapshot.index.owned_pods(kind, ns_of(obj), name_of(obj))
    return sum(1 for pod in pods if is_pod_ready(pod))


def child_problems(snapshot: Snapshot, kind: str, namespace: str | None, name: str) -> list[str]:
    """``pod worker-abc: CrashLoopBackOff`` lines for the troubled pods a workload owns."""
    lines = []
    for pod in snapshot.index.owned_pods(kind, namespace, name):
        problem = pod_problem(pod)
        if problem:
            lines.append(f"pod {name_of(pod)}: {problem}")
    return lines


def problem_summary(lines: list[str]) -> str:
    """``ImagePullBackOff x2, Pending x1`` from :func:`child_problems` lines."""
    counts = Counter(line.rsplit(": ", 1)[-1] for line in lines)
    return ", ".join(f"{reason} x{count}" for reason, count in counts.most_common())


def revisions(snapshot: Snapshot, namespace: str | None, deployment: str) -> list[RawObject]:
    """ReplicaSets of a Deployment, newest revision first."""
    owned = [
        rs
        for rs in snapshot.replicasets
        if ns_of(rs) == namespace and snapshot.index.controller_of(rs) == ("Deployment", deployment)
    ]

    def revision(rs: RawObject) -> int:
        value = text(rs, "metadata", "annotations", "deployment.kubernetes.io/revision")
        return int(value) if value.isdigit() else 0

    return sorted(owned, key=revision, reverse=True)


def rollback_hint(snapshot: Snapshot, namespace: str | None, deployment: str) -> str:
    """`` or roll back (kai ...)`` when an older revision exists, else ``""``."""
    if len(revisions(snapshot, namespace, deployment)) < 2:
        return ""
    return f"; or roll back ({kai_cmd(namespace, f'roll back deploy/{deployment}')})"


def workload_finding(
    obj: RawObject,
    *,
    analyzer: str,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
    related: tuple[str, ...] = (),
) -> Finding:
    """A finding about one object; the kind comes from the analyzer (list items carry none)."""
    return Finding(
        analyzer=analyzer,
        severity=severity,
        kind=_KINDS.get(analyzer) or text(obj, "kind"),
        namespace=ns_of(obj),
        name=name_of(obj),
        reason=reason,
        message=message,
        evidence=tuple(dict.fromkeys(line for line in evidence if line)),
        suggestion=suggestion,
        related=related,
    )


_KINDS = {
    "deployment": "Deployment",
    "replicaset": "ReplicaSet",
    "statefulset": "StatefulSet",
    "daemonset": "DaemonSet",
    "service": "Service",
    "ingress": "Ingress",
    "pvc": "PersistentVolumeClaim",
    "node": "Node",
    "hpa": "HorizontalPodAutoscaler",
    "pdb": "PodDisruptionBudget",
    "job": "Job",
    "cronjob": "CronJob",
    "networkpolicy": "NetworkPolicy",
    "configmap": "ConfigMap",
}
