"""CronJob analyzer: invalid schedules or deadlines, suspended cron jobs, last job failed."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import condition, dig, name_of, ns_of, number, text, trim
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.cron import schedule_error
from k8sgpt_py.analyzers.workload import workload_finding


@register("cronjob", reads=("cronjobs", "jobs"))
def analyze_cronjobs(snapshot: Snapshot) -> list[Finding]:
    """Findings for every CronJob in the snapshot."""
    findings: list[Finding] = []
    for cronjob in snapshot.cronjobs:
        findings.extend(_cronjob_findings(snapshot, cronjob))
    return findings


def _cronjob_findings(snapshot: Snapshot, cronjob: RawObject) -> list[Finding]:
    namespace, name = ns_of(cronjob), name_of(cronjob)
    schedule = text(cronjob, "spec", "schedule")
    found: list[Finding] = []
    error = schedule_error(schedule)
    if error:
        found.append(
            _finding(
                cronjob,
                Severity.CRITICAL,
                "InvalidSchedule",
                f"schedule {schedule!r} is invalid ({error}): no job will ever run",
                [f"spec.schedule: {schedule!r}"],
                "use a 5-field cron schedule such as '*/15 * * * *' "
                f"(kubectl edit cronjob {name} -n {namespace})",
            )
        )
    deadline = dig(cronjob, "spec", "startingDeadlineSeconds")
    if isinstance(deadline, int) and deadline < 0:
        found.append(
            _finding(
                cronjob,
                Severity.CRITICAL,
                "InvalidStartingDeadline",
                f"startingDeadlineSeconds is {deadline}: every run counts as missed",
                [f"spec.startingDeadlineSeconds: {deadline}"],
                "set startingDeadlineSeconds to a positive number or remove it",
            )
        )
    if dig(cronjob, "spec", "suspend") is True:
        found.append(
            _finding(
                cronjob,
                Severity.INFO,
                "Suspended",
                "cron job is suspended: no new jobs are started",
                ["spec.suspend: true"],
                f"resume it when wanted: kubectl patch cronjob {name} -n {namespace} "
                '-p \'{"spec":{"suspend":false}}\'',
            )
        )
    found.extend(_last_job_failed(snapshot, cronjob))
    return found


def _last_job_failed(snapshot: Snapshot, cronjob: RawObject) -> list[Finding]:
    namespace, name = ns_of(cronjob), name_of(cronjob)
    jobs = [
        job
        for job in snapshot.jobs
        if ns_of(job) == namespace and snapshot.index.controller_of(job) == ("CronJob", name)
    ]
    if not jobs:
        return []
    last = max(
        jobs,
        key=lambda job: (
            text(job, "status", "startTime") or text(job, "metadata", "creationTimestamp")
        ),
    )
    failed = condition(last, "Failed")
    if failed is None or text(failed, "status") != "True":
        return []
    return [
        _finding(
            cronjob,
            Severity.WARNING,
            "LastJobFailed",
            f"the last run, job {name_of(last)}, failed ({text(failed, 'reason') or 'Failed'}, "
            f"{number(last, 'status', 'failed')} failed pods)",
            [
                trim(
                    f"job {name_of(last)}: Failed=True {text(failed, 'reason')}: "
                    f"{text(failed, 'message')}"
                )
            ],
            f"read its logs (kubectl logs -n {namespace} job/{name_of(last)}) "
            "and fix the job template",
        )
    ]


def _finding(
    cronjob: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        cronjob,
        analyzer="cronjob",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
