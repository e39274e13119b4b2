"""Job analyzer: failed jobs (backoff limit, deadline), failing pods, suspended jobs."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import (
    condition,
    dig,
    items,
    name_of,
    ns_of,
    number,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.pod_hints import telling_log_lines
from k8sgpt_py.analyzers.workload import workload_finding

DEFAULT_BACKOFF_LIMIT = 6


@register("job", reads=("jobs", "cronjobs", "pods", "logs"))
def analyze_jobs(snapshot: Snapshot) -> list[Finding]:
    """Findings for every Job in the snapshot."""
    findings: list[Finding] = []
    for job in snapshot.jobs:
        findings.extend(_job_findings(snapshot, job))
    return findings


def _job_findings(snapshot: Snapshot, job: RawObject) -> list[Finding]:
    related = snapshot.index.related(job)
    failed_cond = condition(job, "Failed")
    if failed_cond is not None and text(failed_cond, "status") == "True":
        return [_failed(snapshot, job, failed_cond, related)]
    if dig(job, "spec", "suspend") is True:
        return [
            _finding(
                job,
                Severity.INFO,
                "Suspended",
                "job is suspended: it starts no pods",
                ["spec.suspend: true"],
                f"resume it when wanted: kubectl patch job {name_of(job)} -n {ns_of(job)} "
                '-p \'{"spec":{"suspend":false}}\'',
                related,
            )
        ]
    failures = number(job, "status", "failed")
    if failures and number(job, "status", "active"):
        limit = number(job, "spec", "backoffLimit", default=DEFAULT_BACKOFF_LIMIT)
        return [
            _finding(
                job,
                Severity.WARNING,
                "PodFailures",
                f"{failures} pods failed so far (backoffLimit {limit}); it keeps retrying",
                _failed_pod_evidence(snapshot, job),
                f"read the failed pods' logs: kubectl logs -n {ns_of(job)} job/{name_of(job)}",
                related,
            )
        ]
    return []


def _failed(
    snapshot: Snapshot, job: RawObject, cond: RawObject, related: tuple[str, ...]
) -> Finding:
    reason = text(cond, "reason") or "JobFailed"
    failures = number(job, "status", "failed")
    evidence = [trim(f"Failed=True {reason}: {text(cond, 'message')}")]
    evidence += _failed_pod_evidence(snapshot, job)
    by_cronjob = any(ref.startswith("cronjob/") for ref in related)
    if reason == "DeadlineExceeded":
        fix = "raise spec.activeDeadlineSeconds or make the job faster"
    else:
        fix = (
            "fix the error in the failed pods' logs "
            f"(kubectl logs -n {ns_of(job)} job/{name_of(job)}), then re-run the job"
        )
    return _finding(
        job,
        Severity.WARNING if by_cronjob else Severity.CRITICAL,
        reason,
        trim(f"job failed after {failures} failed pods: {text(cond, 'message') or reason}", 240),
        evidence,
        fix,
        related,
    )


def _failed_pod_evidence(snapshot: Snapshot, job: RawObject) -> list[str]:
    pods = [
        pod
        for pod in snapshot.index.owned_pods("Job", ns_of(job), name_of(job))
        if text(pod, "status", "phase") == "Failed"
    ]
    if not pods:
        return []
    pod = max(pods, key=lambda p: text(p, "metadata", "creationTimestamp"))
    lines = []
    for status in items(pod, "status", "containerStatuses"):
        terminated = dig(status, "state", "terminated") or {}
        if terminated:
            lines.append(
                f"pod {name_of(pod)} container {text(status, 'name')}: "
                f"{text(terminated, 'reason') or 'Error'}, "
                f"exit code {number(terminated, 'exitCode')}"
            )
        for previous in (False, True):
            log = snapshot.logs.get(
                (ns_of(pod) or "", name_of(pod), text(status, "name"), previous)
            )
            if log:
                lines.extend(f"log: {line}" for line in telling_log_lines(log))
                break
    return lines


def _finding(
    job: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
    related: tuple[str, ...],
) -> Finding:
    return workload_finding(
        job,
        analyzer="job",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
        related=related,
    )
