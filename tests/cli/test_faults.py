"""Faults injected into the sandbox, through the CLI: fail safe and loud, never half-apply.

After every failure the audit log is checked for truth: what it says was applied was
applied, and nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

DEPLOY = r"/namespaces/shop/deployments/checkoutservice$"
LIST_DEPLOYMENTS = r"/apis/apps/v1/deployments$"


def audit() -> list[dict]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "kai" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def replicas(kube, name="checkoutservice"):
    return kube.get("Deployment", name, "shop")["spec"]["replicas"]


def latest_applied(records: list[dict]) -> dict[str, dict]:
    """Per object, the applied record the server saw last (by resourceVersion, not line order)."""
    latest: dict[str, dict] = {}
    for record in records:
        if record["applied"]:
            name = record["target"]["name"]
            version = int(record["after"]["metadata"]["resourceVersion"])
            if name not in latest or version > int(
                latest[name]["after"]["metadata"]["resourceVersion"]
            ):
                latest[name] = record
    return latest


def assert_audit_truthful(kube):
    """The last applied change to each object is what the object looks like now."""
    for name, record in latest_applied(audit()).items():
        live = kube.get("Deployment", name, "shop")["spec"]["replicas"]
        assert live == record["after"]["spec"]["replicas"]


@pytest.fixture(autouse=True)
def short_timeout(monkeypatch):
    monkeypatch.setenv("KAI_TIMEOUT", "2")


# -- reads retry with bounded backoff ----------------------------------------------------------


@pytest.mark.parametrize(
    "fault", [{"status": 500}, {"status": 503}, {"drop": True}, {"delay_seconds": 3.0}]
)
def test_a_transient_read_fault_is_retried(sandbox, kai, fault):
    sandbox.inject_fault(path=LIST_DEPLOYMENTS, method="GET", count=1, **fault)
    result = kai("-o", "json", "describe checkout")
    assert result.exit_code == 0, result.stderr
    assert result.json()["steps"][0]["result"]["data"]["summary"]["name"] == "checkoutservice"


@pytest.mark.parametrize(
    ("fault", "words"),
    [
        ({"status": 500}, "API server failed"),
        ({"drop": True}, "cannot reach cluster"),
        ({"delay_seconds": 3.0}, "cannot reach cluster"),
    ],
)
def test_a_persistent_read_fault_exits_3_with_one_line(sandbox, kai, fault, words):
    sandbox.inject_fault(path=LIST_DEPLOYMENTS, method="GET", **fault)
    result = kai("describe checkout")
    assert result.exit_code == 3
    assert words in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 2


def test_a_slow_but_answering_server_is_fine(sandbox, kai):
    sandbox.inject_fault(path=LIST_DEPLOYMENTS, method="GET", delay_seconds=0.5)
    assert kai("describe checkout").exit_code == 0


def test_forbidden_read_exits_5(sandbox, kai):
    sandbox.inject_fault(path=LIST_DEPLOYMENTS, method="GET", status=403)
    result = kai("describe checkout")
    assert result.exit_code == 5 and "Traceback" not in result.stderr


# -- writes are never retried blindly ------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 403])
def test_a_failed_write_is_not_retried_and_is_audited_as_not_applied(sandbox, kube, kai, status):
    sandbox.inject_fault(path=DEPLOY, method="PATCH", status=status, count=1, real_only=True)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 1
    assert "applied: nothing" in result.stderr
    # the fault fired once: a retry would have succeeded and changed the object
    assert replicas(kube) == 2
    (record,) = audit()
    assert record["applied"] is False and record["error"]
    assert_audit_truthful(kube)


def test_a_dropped_write_is_re_read_to_report_the_truth(sandbox, kube, kai):
    sandbox.inject_fault(path=DEPLOY, method="PATCH", drop=True, count=1, real_only=True)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 1
    assert "was not applied" in result.stderr
    assert replicas(kube) == 2
    assert audit()[0]["applied"] is False
    assert_audit_truthful(kube)


def test_a_conflict_at_apply_is_re_diffed_and_applied_once(sandbox, kube, kai):
    sandbox.inject_fault(path=DEPLOY, method="PATCH", status=409, count=1, real_only=True)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 0, result.stderr
    assert "re-reading it" in result.stderr
    assert replicas(kube) == 4
    first, second = audit()
    assert (first["applied"], second["applied"]) == (False, True)
    assert_audit_truthful(kube)


def test_a_persistent_conflict_gives_up_without_applying(sandbox, kube, kai):
    sandbox.inject_fault(path=DEPLOY, method="PATCH", status=409, real_only=True)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 1
    assert replicas(kube) == 2
    assert audit() and not any(r["applied"] for r in audit())


def test_a_plan_failing_midway_stops_reports_and_can_be_rolled_back(sandbox, kube, kai):
    cart = r"/namespaces/shop/deployments/cartservice$"
    sandbox.inject_fault(path=cart, method="PATCH", status=500, count=1, real_only=True)
    result = kai("--yes", "scale checkout to 4 and scale cart to 3")
    assert result.exit_code == 1
    assert "applied: scale deployment/shop/checkoutservice" in result.stderr
    assert "not applied" in result.stderr or "failed" in result.stderr
    assert (replicas(kube), replicas(kube, "cartservice")) == (4, 2)
    records = audit()
    assert [r["applied"] for r in records] == [True, False]
    assert f"undo ID for each of: {records[0]['id']}" in result.stderr
    assert_audit_truthful(kube)
    assert kai("--yes", "undo", records[0]["id"]).exit_code == 0
    assert replicas(kube) == 2


# -- concurrency ---------------------------------------------------------------------------------


def run_together(*requests: str) -> list[tuple[int, str]]:
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "k8sgpt_py", "--yes", request],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for request in requests
    ]
    return [(p.wait(timeout=120), p.stderr.read()) for p in procs]


def test_two_kai_processes_changing_one_object_both_land_in_order(sandbox, kube):
    results = run_together("scale checkout to 5", "scale checkout to 6")
    assert [code for code, _ in results] == [0, 0], results
    assert len([r for r in audit() if r["applied"]]) == 2
    assert replicas(kube) in (5, 6)
    assert_audit_truthful(kube)


def test_a_crowd_of_writers_never_corrupts_the_audit_or_lies(sandbox, kube):
    results = run_together(*(f"scale checkout to {n}" for n in (3, 4, 5, 6)))
    assert {code for code, _ in results} <= {0, 1}, results  # 1: gave up after re-diffing
    records = audit()  # every line parses: flock keeps writers from interleaving
    assert len([r for r in records if r["applied"]]) == [c for c, _ in results].count(0)
    assert_audit_truthful(kube)


def test_a_timed_out_write_that_lands_late_is_reported_as_applied(sandbox, kube, kai, monkeypatch):
    monkeypatch.setenv("KAI_TIMEOUT", "1")
    sandbox.inject_fault(path=DEPLOY, method="PATCH", delay_seconds=1.5, count=1, real_only=True)
    result = kai("-o", "json", "--yes", "scale checkout to 4")
    assert result.exit_code == 0, result.stderr
    (change,) = result.json()["changes"]
    assert (
        change["applied"] is True
        and "re-reading the object shows the change landed" in change["note"]
    )
    assert replicas(kube) == 4
    assert audit()[0]["applied"] is True


def test_a_timed_out_write_still_in_flight_is_recorded_as_unknown(sandbox, kube, kai, monkeypatch):
    import time

    monkeypatch.setenv("KAI_TIMEOUT", "1")
    sandbox.inject_fault(path=DEPLOY, method="PATCH", delay_seconds=4.0, count=1, real_only=True)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 1
    assert "may still be carried out" in result.stderr
    (record,) = audit()
    assert record["applied"] is False and record["outcome"] == "unknown"
    time.sleep(2.5)  # the server finishes the request it was sent
    assert replicas(kube) == 4  # which is why kai said "unknown", not "not applied"
