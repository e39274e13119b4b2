"""Deployment analyzer: unavailable replicas, stuck rollouts, ReplicaFailure, paused rollouts."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import (
    condition,
    dig,
    kai_explain,
    name_of,
    ns_of,
    number,
    parse_time,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import (
    child_problems,
    problem_summary,
    ready_count,
    rollback_hint,
    workload_finding,
)

DEFAULT_PROGRESS_DEADLINE_SECONDS = 600


@register("deployment", reads=("deployments", "replicasets", "pods"))
def analyze_deployments(snapshot: Snapshot) -> list[Finding]:
    """Findings for every Deployment in the snapshot."""
    findings: list[Finding] = []
    for deployment in snapshot.deployments:
        findings.extend(_deployment_findings(snapshot, deployment))
    return findings


def _deployment_findings(snapshot: Snapshot, deployment: RawObject) -> list[Finding]:
    found: list[Finding] = []
    failure = condition(deployment, "ReplicaFailure")
    if failure is not None and text(failure, "status") == "True":
        found.append(_replica_failure(deployment, failure))
    availability = _availability(snapshot, deployment)
    if availability is not None:
        found.append(availability)
    if dig(deployment, "spec", "paused") is True:
        found.append(
            workload_finding(
                deployment,
                analyzer="deployment",
                severity=Severity.INFO,
                reason="RolloutPaused",
                message="rollout is paused: template changes are not rolled out",
                evidence=["spec.paused: true"],
                suggestion=f"resume it: kubectl rollout resume deploy/{name_of(deployment)} "
                f"-n {ns_of(deployment)}",
            )
        )
    return found


def _replica_failure(deployment: RawObject, failure: RawObject) -> Finding:
    message = text(failure, "message")
    return workload_finding(
        deployment,
        analyzer="deployment",
        severity=Severity.CRITICAL,
        reason="ReplicaFailure",
        message=trim(f"cannot create pods: {message or text(failure, 'reason')}", 240),
        evidence=[trim(f"ReplicaFailure=True {text(failure, 'reason')}: {message}")],
        suggestion="fix what the message names (quota, LimitRange, PodSecurity, service "
        "account), then the ReplicaSet retries by itself",
    )


def _availability(snapshot: Snapshot, deployment: RawObject) -> Finding | None:
    namespace, name = ns_of(deployment), name_of(deployment)
    desired = number(deployment, "spec", "replicas", default=1)
    available = ready_count(
        snapshot, deployment, "Deployment", "availableReplicas", "readyReplicas"
    )
    progressing = condition(deployment, "Progressing")
    deadline_hit = (
        progressing is not None and text(progressing, "reason") == "ProgressDeadlineExceeded"
    )
    if not deadline_hit and (desired == 0 or available >= desired):
        return None
    problems = child_problems(snapshot, "Deployment", namespace, name)
    counts = (
        f"{available}/{desired} replicas available, "
        f"{number(deployment, 'status', 'updatedReplicas')} up to date"
    )
    summary = f"; pods: {problem_summary(problems)}" if problems else ""
    explain = kai_explain(namespace, f"deploy/{name}")
    fix = f"fix the pod problem ({explain}){rollback_hint(snapshot, namespace, name)}"
    if deadline_hit:
        severity, reason, message = (
            Severity.CRITICAL,
            "ProgressDeadlineExceeded",
            "rollout is stuck: ",
        )
    elif not problems and _rollout_is_young(snapshot, deployment, progressing):
        severity, reason, message = Severity.INFO, "RolloutInProgress", "rollout in progress: "
        fix = f"wait, or follow it: kubectl rollout status deploy/{name} -n {namespace}"
    else:
        severity = Severity.CRITICAL if available == 0 else Severity.WARNING
        reason, message = "UnavailableReplicas", ""
    return workload_finding(
        deployment,
        analyzer="deployment",
        severity=severity,
        reason=reason,
        message=f"{message}{counts}{summary}",
        evidence=_condition_lines(deployment) + problems[:5],
        suggestion=fix,
    )


def _condition_lines(deployment: RawObject) -> list[str]:
    return [
        trim(f"{c}={text(cond, 'status')} {text(cond, 'reason')}: {text(cond, 'message')}")
        for c in ("Progressing", "Available")
        if (cond := condition(deployment, c)) is not None
    ]


def _rollout_is_young(
    snapshot: Snapshot, deployment: RawObject, progressing: RawObject | None
) -> bool:
    deadline = number(
        deployment, "spec", "progressDeadlineSeconds", default=DEFAULT_PROGRESS_DEADLINE_SECONDS
    )
    stamp = (text(progressing, "lastUpdateTime") if progressing is not None else "") or text(
        deployment, "metadata", "creationTimestamp"
    )
    since = parse_time(stamp)
    return since is not None and (snapshot.now - since).total_seconds() < deadline
