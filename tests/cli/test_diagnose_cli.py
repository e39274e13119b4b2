"""`kai scan` and `kai explain` end to end against the sandbox (offline and with a model)."""

from __future__ import annotations

import pytest
from llm_server import answer, call, tool_calls

BROKEN = {
    "worker": ("CrashLoopBackOff", "DATABASE_URL"),
    "imagecheck": ("ImagePullBackOff", "cannot pull image"),
    "bigjob": ("Unschedulable", "Insufficient cpu"),
    "memhog": ("OOMKilled", "out of memory"),
    "legacy-api": ("NoEndpoints", "matches no pods"),
}


def test_scan_reports_every_broken_staging_object_and_nothing_critical_in_shop(sandbox, kai):
    doc = kai("-o", "json", "scan", "-A").json()
    assert doc["kind"] == "Scan" and doc["version"] == 1
    reasons = {(f["namespace"], f["reason"]) for f in doc["findings"]}
    for reason, _ in BROKEN.values():
        assert ("staging", reason) in reasons
    assert not [
        f for f in doc["findings"] if f["namespace"] == "shop" and f["severity"] == "critical"
    ]


def test_scan_filter_namespace_and_fail_on(sandbox, kai):
    only_services = kai("-o", "json", "-n", "staging", "scan", "--filter", "service").json()
    assert {f["kind"] for f in only_services["findings"]} == {"Service"}
    assert kai("-n", "shop", "scan", "--fail-on", "critical").exit_code == 0
    failing = kai("-n", "staging", "scan", "--fail-on", "critical")
    assert failing.exit_code == 7 and "critical" in failing.stdout
    assert kai("scan", "--filter", "nosuch").exit_code == 2
    assert kai("scan", "--fail-on", "sometimes").exit_code == 2


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_explain_offline_names_the_root_cause_of_each_broken_object(sandbox, kai, name):
    reason, words = BROKEN[name]
    doc = kai("-o", "json", "explain", name).json()
    assert doc["kind"] == "Explanation" and doc["planner"] == "offline"
    assert doc["findings"][0]["reason"] == reason
    assert words in doc["explanation"]
    text = kai("explain", name)
    assert text.exit_code == 0 and f"Root cause (critical): {reason}" in text.stdout


def test_offline_questions_are_answered_by_explain_scan_and_anomalies(sandbox, kai):
    why = kai("why is the worker pod crashing in staging?")
    assert why.exit_code == 0, why.stderr
    assert "(offline: kai -n staging explain worker)" in why.stderr
    assert "Root cause (critical): CrashLoopBackOff" in why.stdout
    doc = kai("-o", "json", "what's wrong with bigjob").json()
    assert doc["kind"] == "Explanation" and doc["findings"][0]["reason"] == "Unschedulable"
    health = kai("-o", "json", "is the cluster healthy").json()
    assert health["kind"] == "Scan" and health["namespace"] is None
    assert {f["reason"] for f in health["findings"]} >= {"CrashLoopBackOff", "NoEndpoints"}
    unusual = kai("-o", "json", "anything unusual in shop").json()
    assert [a["workload"] for a in unusual["anomalies"]] == ["cartservice"]
    unknown = kai("why is nosuchthing failing")
    assert unknown.exit_code == 2 and 'nothing named "nosuchthing"' in unknown.stderr


def test_explain_pending_pod_gives_the_placement_numbers(sandbox, kai):
    text = kai("explain", "bigjob").stdout
    advisor = next(line for line in text.splitlines() if line.startswith("Placement advisor:"))
    assert "no node can ever hold it" in advisor
    assert "room for pods (allocatable less daemonsets) is cpu 3750m" in advisor
    assert "it would fit now on node-" in advisor and "with requests of at most cpu" in advisor


def test_explain_pod_by_kind_and_name_and_healthy_fallback(sandbox, kube, kai):
    pod = kube.list("Pod", "staging", label_selector="app=worker")[0]["metadata"]["name"]
    doc = kai("-o", "json", "explain", f"pod/{pod}").json()
    assert doc["owners"][-1] == "deployment/staging/worker"
    assert any("DATABASE_URL" in text for text in doc["logs"].values())
    healthy = kai("explain", "node/node-a")
    assert healthy.exit_code == 0 and "No analyzer found a problem" in healthy.stdout
    assert kai("explain", "zzzqqq").exit_code == 2


def test_explain_with_a_model_proposes_the_fix_through_the_pipeline(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    server = scripted_llm(
        tool_calls(
            call(
                "set_env",
                {
                    "name": "worker",
                    "namespace": "staging",
                    "env": {"DATABASE_URL": "postgres://db:5432/jobs"},
                },
            )
        ),
        answer("worker crashes because DATABASE_URL is unset; setting it fixes the crash loop."),
    )
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    result = kai("-o", "json", "--yes", "explain", "worker")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["kind"] == "Explanation" and doc["planner"] == "llm"
    assert doc["answer"].startswith("worker crashes")
    assert doc["changes"][0]["applied"] is True
    first = server.requests[0]["messages"][-1]["content"]
    assert "CrashLoopBackOff" in first and "cluster_data" in first  # findings fenced as data
    container = kube.get("Deployment", "worker", "staging")["spec"]["template"]["spec"][
        "containers"
    ][0]
    assert {"name": "DATABASE_URL", "value": "postgres://db:5432/jobs"} in container["env"]


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_explain_with_a_model_on_each_broken_object(sandbox, kai, scripted_llm, monkeypatch, name):
    reason, _ = BROKEN[name]
    server = scripted_llm(answer(f"{name} is broken: {reason}."))
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    doc = kai("-o", "json", "explain", name).json()
    assert doc["planner"] == "llm" and doc["answer"] == f"{name} is broken: {reason}."
    assert doc["findings"][0]["reason"] == reason
    sent = server.requests[0]["messages"][-1]["content"]
    assert reason in sent and "cluster_data" in sent  # the evidence, fenced as data
