"""Audit log, `kai history` and `kai undo` through the CLI against the sandbox."""

from __future__ import annotations

import json
import os
from pathlib import Path


def audit_lines() -> list[dict]:
    path = Path(os.environ["XDG_STATE_HOME"]) / "kai" / "audit.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_apply_writes_an_audit_record_with_the_previous_state(sandbox, kai):
    assert kai("--yes", "scale checkout to 4").exit_code == 0
    (record,) = audit_lines()
    assert record["v"] == 1 and record["applied"] is True
    assert record["planner"] == "offline" and record["request"] == "scale checkout to 4"
    assert record["target"]["name"] == "checkoutservice"
    assert record["before"]["spec"]["replicas"] == 2
    assert record["after"]["spec"]["replicas"] == 4
    assert record["context"] == "kai-sandbox"


def test_history_lists_records_in_json_and_text(sandbox, kai):
    kai("--yes", "scale checkout to 4")
    kai("--yes", "restart frontend")
    doc = kai("-o", "json", "history").json()
    assert doc["kind"] == "History"
    assert [r["target"]["name"] for r in doc["records"]] == ["checkoutservice", "frontend"]
    text = kai("history")
    assert text.exit_code == 0 and "checkoutservice" in text.stdout and "ID" in text.stdout


def test_undo_reverts_the_last_change_after_showing_a_diff(sandbox, kube, kai):
    kai("--yes", "scale checkout to 4")
    refused = kai("undo")
    assert refused.exit_code == 6 and "-  replicas: 4" in refused.stdout
    result = kai("--yes", "undo")
    assert result.exit_code == 0, result.stderr
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2
    records = audit_lines()
    assert records[-1]["undo_of"] == records[0]["id"] and records[-1]["applied"] is True
    again = kai("--yes", "undo")
    assert again.exit_code == 2 and "nothing to undo" in again.stderr


def test_undo_by_id_restores_an_image_and_a_rollback(sandbox, kube, kai):
    kai("--yes", "upgrade cart to v0.10.2")
    first = audit_lines()[0]["id"]
    kai("--yes", "roll back paymentservice")
    assert kai("--yes", "undo", first).exit_code == 0
    cart = kube.get("Deployment", "cartservice", "shop")
    assert cart["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":v0.10.1")
    assert kai("--yes", "undo").exit_code == 0  # the rollback, the last not undone
    payment = kube.get("Deployment", "paymentservice", "shop")
    assert payment["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":v1.5.0")


def test_undo_of_unknown_id_exits_2(sandbox, kai):
    result = kai("--yes", "undo", "nope")
    assert result.exit_code == 2 and "no audit record" in result.stderr


def test_server_error_during_dry_run_applies_nothing_and_audits_nothing(sandbox, kube, kai):
    sandbox.inject_fault(path="/deployments/checkoutservice$", method="PATCH", status=500, count=1)
    result = kai("--yes", "scale checkout to 4")
    assert result.exit_code == 3 and "API server failed" in result.stderr
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2
    path = Path(os.environ["XDG_STATE_HOME"]) / "kai" / "audit.jsonl"
    assert not path.exists()
