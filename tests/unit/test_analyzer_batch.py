"""Job and CronJob analyzers and the cron schedule validator."""

from __future__ import annotations

from typing import Any

import pytest
from analyzer_fixtures import cond, meta, pod, snapshot, terminated, ts

from k8sgpt_py.analyzers import Severity, analyze
from k8sgpt_py.analyzers.cron import schedule_error
from k8sgpt_py.analyzers.cronjob import analyze_cronjobs
from k8sgpt_py.analyzers.job import analyze_jobs


def _job(
    name: str,
    *,
    failed: int = 0,
    active: int = 0,
    conditions: list[dict[str, Any]] | None = None,
    owner: str | None = None,
    suspend: bool = False,
    started_minutes_ago: float = 30,
) -> dict[str, Any]:
    return {
        "metadata": meta(name, "ns", owner=("CronJob", owner) if owner else None),
        "spec": {
            "backoffLimit": 3,
            "suspend": suspend,
            "template": {"spec": {"containers": [], "restartPolicy": "Never"}},
        },
        "status": {
            "failed": failed,
            "active": active,
            "startTime": ts(started_minutes_ago),
            "conditions": conditions or [],
        },
    }


BACKOFF = cond(
    "Failed", "True", "BackoffLimitExceeded", "Job has reached the specified backoff limit"
)
COMPLETE = cond("Complete", "True")


def _failed_job_pod(job: str) -> dict[str, Any]:
    status = {
        "name": "main",
        "ready": False,
        "restartCount": 0,
        "state": {"terminated": terminated("Error", 3)},
        "lastState": {},
    }
    return pod(f"{job}-x1", "ns", owner=("Job", job), phase="Failed", statuses=[status])


def test_job_complete_has_no_findings() -> None:
    assert analyze_jobs(snapshot(jobs=[_job("ok", conditions=[COMPLETE])])) == []


def test_job_backoff_limit_exceeded_with_pod_and_log_evidence() -> None:
    job_pod = _failed_job_pod("migrate")
    snap = snapshot(
        jobs=[_job("migrate", failed=4, conditions=[BACKOFF])],
        pods=[job_pod],
        logs={
            (
                "ns",
                "migrate-x1",
                "main",
                False,
            ): "running migration 42\nERROR: relation users exists"
        },
    )
    [finding] = analyze_jobs(snap)
    assert (finding.reason, finding.severity, finding.kind) == (
        "BackoffLimitExceeded",
        Severity.CRITICAL,
        "Job",
    )
    assert (
        finding.message
        == "job failed after 4 failed pods: Job has reached the specified backoff limit"
    )
    assert finding.evidence == (
        "Failed=True BackoffLimitExceeded: Job has reached the specified backoff limit",
        "pod migrate-x1 container main: Error, exit code 3",
        "log: ERROR: relation users exists",
    )
    assert "kubectl logs -n ns job/migrate" in finding.suggestion


def test_job_owned_by_cronjob_is_a_warning_and_related() -> None:
    [finding] = analyze_jobs(
        snapshot(jobs=[_job("nightly-29000", failed=4, conditions=[BACKOFF], owner="nightly")])
    )
    assert finding.severity is Severity.WARNING
    assert finding.related == ("cronjob/ns/nightly",)


def test_job_retrying_and_suspended() -> None:
    found = {
        f.name: f
        for f in analyze_jobs(
            snapshot(jobs=[_job("a", failed=2, active=1), _job("b", suspend=True)])
        )
    }
    assert (found["a"].reason, found["a"].severity) == ("PodFailures", Severity.WARNING)
    assert found["a"].message == "2 pods failed so far (backoffLimit 3); it keeps retrying"
    assert (found["b"].reason, found["b"].severity) == ("Suspended", Severity.INFO)


def _cronjob(
    schedule: str = "*/5 * * * *", *, suspend: bool = False, deadline: int | None = None
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "schedule": schedule,
        "suspend": suspend,
        "jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}},
    }
    if deadline is not None:
        spec["startingDeadlineSeconds"] = deadline
    return {"metadata": meta("nightly", "ns"), "spec": spec, "status": {}}


def test_cronjob_healthy_has_no_findings() -> None:
    jobs = [
        _job("nightly-1", failed=4, conditions=[BACKOFF], owner="nightly", started_minutes_ago=120),
        _job("nightly-2", conditions=[COMPLETE], owner="nightly", started_minutes_ago=10),
    ]
    assert analyze_cronjobs(snapshot(cronjobs=[_cronjob()], jobs=jobs)) == []


def test_cronjob_invalid_schedule_deadline_suspended_and_last_failed() -> None:
    jobs = [
        _job("nightly-1", conditions=[COMPLETE], owner="nightly", started_minutes_ago=120),
        _job("nightly-2", failed=4, conditions=[BACKOFF], owner="nightly", started_minutes_ago=10),
    ]
    snap = snapshot(cronjobs=[_cronjob("61 * * * *", suspend=True, deadline=-5)], jobs=jobs)
    found = {f.reason: f for f in analyze_cronjobs(snap)}
    assert {r: f.severity for r, f in found.items()} == {
        "InvalidSchedule": Severity.CRITICAL,
        "InvalidStartingDeadline": Severity.CRITICAL,
        "Suspended": Severity.INFO,
        "LastJobFailed": Severity.WARNING,
    }
    assert found["InvalidSchedule"].message == (
        "schedule '61 * * * *' is invalid (minute field '61': 61 is outside 0-59): "
        "no job will ever run"
    )
    assert found["LastJobFailed"].message == (
        "the last run, job nightly-2, failed (BackoffLimitExceeded, 4 failed pods)"
    )


@pytest.mark.parametrize(
    "schedule",
    [
        "*/5 * * * *",
        "0 3 * * 1-5",
        "@hourly",
        "@every 1h30m",
        "15,45 8-18/2 1 JAN-MAR mon",
        "0 0 ? * SUN",
        "0 0 * * 6",
    ],
)
def test_cron_valid_schedules(schedule: str) -> None:
    assert schedule_error(schedule) is None


@pytest.mark.parametrize(
    ("schedule", "error"),
    [
        ("", "schedule is empty"),
        ("* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"),
        ("0 24 * * *", "hour field '24': 24 is outside 0-23"),
        ("0 0 * * 7", "day of week field '7': 7 is outside 0-6"),
        ("0 0 * foo *", "month field 'foo': 'foo' is not a number or name"),
        ("*/0 * * * *", "minute field '*/0': bad step '0'"),
        ("0 5-1 * * *", "hour field '5-1': range 5-1 runs backwards"),
        ("@sometimes", "unknown descriptor '@sometimes'"),
        ("TZ=UTC 0 * * * *", "time zones in the schedule are not allowed: use spec.timeZone"),
    ],
)
def test_cron_invalid_schedules(schedule: str, error: str) -> None:
    assert schedule_error(schedule) == error


def test_batch_findings_flow_through_analyze() -> None:
    snap = snapshot(cronjobs=[_cronjob("bad")], jobs=[_job("x", failed=4, conditions=[BACKOFF])])
    assert [(f.kind, f.reason) for f in analyze(snap)] == [
        ("CronJob", "InvalidSchedule"),
        ("Job", "BackoffLimitExceeded"),
    ]
