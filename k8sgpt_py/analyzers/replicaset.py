"""ReplicaSet analyzer: pod creation failures (ReplicaFailure) and unavailable standalone sets."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import condition, kai_explain, name_of, ns_of, number, text, trim
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import (
    child_problems,
    problem_summary,
    ready_count,
    workload_finding,
)


@register("replicaset", reads=("replicasets", "deployments", "pods"))
def analyze_replicasets(snapshot: Snapshot) -> list[Finding]:
    """Findings for every ReplicaSet in the snapshot."""
    findings: list[Finding] = []
    for rs in snapshot.replicasets:
        failure = _failure(snapshot, rs)
        if failure is not None:
            findings.append(failure)
        elif snapshot.index.controller_of(rs) is None:
            findings.extend(_unavailable(snapshot, rs))
    return findings


def _failure(snapshot: Snapshot, rs: RawObject) -> Finding | None:
    failure = condition(rs, "ReplicaFailure")
    if failure is None or text(failure, "status") != "True":
        return None
    owner = snapshot.index.controller_of(rs)
    if owner is not None and owner[0] == "Deployment":
        deployment = snapshot.index.get("deployments", ns_of(rs), owner[1])
        shown = deployment is not None and condition(deployment, "ReplicaFailure") is not None
        if shown:
            return None  # the deployment analyzer reports the same condition
    message = text(failure, "message")
    return workload_finding(
        rs,
        analyzer="replicaset",
        severity=Severity.CRITICAL,
        reason=text(failure, "reason") or "ReplicaFailure",
        message=trim(f"cannot create pods: {message}", 240),
        evidence=[trim(f"ReplicaFailure=True {text(failure, 'reason')}: {message}")],
        suggestion="fix what the message names (quota, LimitRange, PodSecurity, service "
        "account); the ReplicaSet retries by itself",
        related=snapshot.index.related(rs),
    )


def _unavailable(snapshot: Snapshot, rs: RawObject) -> list[Finding]:
    desired = number(rs, "spec", "replicas", default=1)
    ready = ready_count(snapshot, rs, "ReplicaSet", "readyReplicas")
    if desired == 0 or ready >= desired:
        return []
    namespace, name = ns_of(rs), name_of(rs)
    problems = child_problems(snapshot, "ReplicaSet", namespace, name)
    summary = f"; pods: {problem_summary(problems)}" if problems else ""
    return [
        workload_finding(
            rs,
            analyzer="replicaset",
            severity=Severity.CRITICAL if ready == 0 else Severity.WARNING,
            reason="UnavailableReplicas",
            message=f"{ready}/{desired} replicas ready{summary}",
            evidence=problems[:5],
            suggestion=f"fix the pod problem ({kai_explain(namespace, f'rs/{name}')})",
        )
    ]
