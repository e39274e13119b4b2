"""DaemonSet analyzer: unavailable or misscheduled pods, stuck updates, no eligible nodes."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import dig, kai_explain, name_of, ns_of, number
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import child_problems, problem_summary, workload_finding


@register("daemonset", reads=("daemonsets", "pods", "nodes"))
def analyze_daemonsets(snapshot: Snapshot) -> list[Finding]:
    """Findings for every DaemonSet in the snapshot."""
    findings: list[Finding] = []
    for ds in snapshot.daemonsets:
        findings.extend(_daemonset_findings(snapshot, ds))
    return findings


def _daemonset_findings(snapshot: Snapshot, ds: RawObject) -> list[Finding]:
    if dig(ds, "status", "desiredNumberScheduled") is None:
        return []  # the controller has not reported yet
    desired = number(ds, "status", "desiredNumberScheduled")
    found = _availability(snapshot, ds, desired)
    if desired == 0 and snapshot.nodes:
        found.append(
            _finding(
                ds,
                Severity.WARNING,
                "NoEligibleNodes",
                "schedules no pod: no node matches its nodeSelector/tolerations",
                [f"desiredNumberScheduled: 0 with {len(snapshot.nodes)} nodes"],
                "check its nodeSelector, affinity and tolerations against node labels/taints",
            )
        )
    misscheduled = number(ds, "status", "numberMisscheduled")
    if misscheduled > 0:
        found.append(
            _finding(
                ds,
                Severity.WARNING,
                "Misscheduled",
                f"{misscheduled} pods run on nodes they should not run on",
                [f"numberMisscheduled: {misscheduled}"],
                "node labels or taints changed: check its nodeSelector and tolerations",
            )
        )
    return found


def _availability(snapshot: Snapshot, ds: RawObject, desired: int) -> list[Finding]:
    namespace, name = ns_of(ds), name_of(ds)
    ready = number(ds, "status", "numberReady")
    unavailable = number(ds, "status", "numberUnavailable", default=max(0, desired - ready))
    updated = number(ds, "status", "updatedNumberScheduled", default=desired)
    if unavailable > 0:
        problems = child_problems(snapshot, "DaemonSet", namespace, name)
        summary = f"; pods: {problem_summary(problems)}" if problems else ""
        return [
            _finding(
                ds,
                Severity.CRITICAL if ready == 0 else Severity.WARNING,
                "UnavailablePods",
                f"{ready}/{desired} pods ready{summary}",
                problems[:5],
                f"fix the pod problem ({kai_explain(namespace, f'ds/{name}')})",
            )
        ]
    if updated < desired:
        return [
            _finding(
                ds,
                Severity.WARNING,
                "RolloutStuck",
                f"only {updated}/{desired} pods run the current template",
                [f"updatedNumberScheduled: {updated}"],
                f"follow the update: kubectl rollout status ds/{name} -n {namespace}",
            )
        ]
    return []


def _finding(
    ds: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        ds,
        analyzer="daemonset",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
