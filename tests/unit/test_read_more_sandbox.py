"""Read tools a model needs: top, rollout history, pod describe, audit log, events, budgets."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tool_pipeline import NOW, audit, ctx, land, propose, run, undo

from k8sgpt_py.quantity import cpu_millicores, memory_bytes
from k8sgpt_py.tools.base import MAX_RESULT_CHARS

__all__ = ["audit", "ctx"]  # fixtures


def test_top_pods_reports_usage_against_requests_and_limits(ctx, kube):
    result = run(ctx, "top_pods", namespace="shop", limit=100)
    assert result.status == "ok", result.error
    rows = {r["pod"]: r for r in result.data["items"]}
    metrics = {m["metadata"]["name"]: m for m in kube.pod_metrics("shop")}
    assert set(rows) == set(metrics)
    cpu_values = [r["cpu_millicores"] for r in result.data["items"]]
    assert cpu_values == sorted(cpu_values, reverse=True)
    checked = 0
    for pod in kube.list("Pod", "shop"):
        name = pod["metadata"]["name"]
        if name not in rows:
            continue
        (container,) = pod["spec"]["containers"]
        requests = (container.get("resources") or {}).get("requests") or {}
        limits = (container.get("resources") or {}).get("limits") or {}
        used_cpu = cpu_millicores(metrics[name]["containers"][0]["usage"]["cpu"])
        used_mem = memory_bytes(metrics[name]["containers"][0]["usage"]["memory"])
        row = rows[name]
        assert row["cpu_millicores"] == used_cpu
        if "cpu" in requests:
            assert row["cpu_pct_of_request"] == round(
                100 * used_cpu / cpu_millicores(requests["cpu"])
            )
            checked += 1
        if "memory" in limits:
            assert row["memory_pct_of_limit"] == round(
                100 * used_mem / memory_bytes(limits["memory"])
            )
    assert checked >= 3
    assert result.data["as_of"] == max(m["timestamp"] for m in metrics.values())


def test_top_nodes_reports_usage_against_allocatable(ctx, kube):
    result = run(ctx, "top_nodes")
    assert result.status == "ok"
    names = {n["metadata"]["name"] for n in kube.list("Node")}
    rows = {r["node"]: r for r in result.data["items"]}
    assert set(rows) == names
    node_metrics = kube.request("GET", "/apis/metrics.k8s.io/v1beta1/nodes")["items"]
    for m in node_metrics:
        node = kube.get("Node", m["metadata"]["name"])
        cap = cpu_millicores(node["status"]["allocatable"]["cpu"])
        used = cpu_millicores(m["usage"]["cpu"])
        assert rows[m["metadata"]["name"]]["cpu_pct"] == round(100 * used / cap)
    assert result.data["as_of"]


def test_rollout_history_lists_revisions_with_what_changed(ctx):
    result = run(ctx, "rollout_history", name="payment")
    assert result.status == "ok"
    data = result.data
    assert data["current_revision"] == "2"
    assert [r["revision"] for r in data["revisions"]] == [2, 1]
    newest = data["revisions"][0]
    assert newest["is_current"] and newest["images"] == [
        "registry.kai.dev/shop/paymentservice:v1.5.0"
    ]
    assert any(
        "image: registry.kai.dev/shop/paymentservice:v1.4.0 -> "
        "registry.kai.dev/shop/paymentservice:v1.5.0" in c
        for c in newest["changes_from_previous"]
    )
    assert "changes_from_previous" not in data["revisions"][1]


def test_describe_pod_shows_container_state_last_state_and_exit_code(ctx, kube):
    pod = next(p for p in kube.list("Pod", "staging") if p["metadata"]["name"].startswith("memhog"))
    result = run(ctx, "describe_pod", name=pod["metadata"]["name"], namespace="staging")
    assert result.status == "ok"
    (container,) = result.data["containers"]
    assert container["restart_count"] == pod["status"]["containerStatuses"][0]["restartCount"] > 0
    assert container["last_state"]["state"] == "terminated"
    assert container["last_state"]["exitCode"] == 137
    assert container["last_state"]["reason"] == "OOMKilled"
    assert container["resources"]["limits"]["memory"]
    assert result.data["owner"] and result.data["owner"][0].startswith("ReplicaSet/memhog")


def _event(name: str, minutes_ago: int, reason: str, kind: str = "Warning") -> dict[str, Any]:
    stamp = (NOW - timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": "ops"},
        "involvedObject": {"kind": "Pod", "name": "probe", "namespace": "ops"},
        "reason": reason,
        "message": f"{reason} happened",
        "type": kind,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
    }


def test_events_come_newest_first_and_since_filters_them(ctx, kube):
    kube.create(
        "Namespace", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "ops"}}, None
    )
    for name, ago, reason in [("e1", 90, "Old"), ("e2", 5, "Newest"), ("e3", 30, "Middle")]:
        kube.create(
            "Event", _event(name, ago, reason, "Normal" if reason == "Middle" else "Warning"), "ops"
        )
    every = run(ctx, "list_events", namespace="ops")
    assert [e["reason"] for e in every.data["events"]] == ["Newest", "Middle", "Old"]
    assert every.data["count_by_reason"] == {"Newest": 1, "Middle": 1, "Old": 1}
    recent = run(ctx, "list_events", namespace="ops", since_minutes=60)
    assert [e["reason"] for e in recent.data["events"]] == ["Newest", "Middle"]
    assert recent.invocation == "events namespace ops in the last 60m"
    warn = run(ctx, "list_events", namespace="ops", since_minutes=60, warnings_only=True)
    assert [e["reason"] for e in warn.data["events"]] == ["Newest"]
    none = run(ctx, "list_events", namespace="ops", since_minutes=1)
    assert none.status == "no_data"
    assert none.error == "no events for namespace ops in the last 1m"


def test_audit_log_tool_shows_what_kai_changed_and_what_was_undone(ctx, kube, audit):
    ctx.extra["audit_path"] = str(audit.path)
    assert run(ctx, "get_audit_log").status == "no_data"
    land(
        ctx, propose(ctx, "create_configmap", name="flags", data={"a": "1"}), "create flags", audit
    )
    land(
        ctx,
        propose(ctx, "set_labels", kind="svc", name="frontend", labels={"tier": "edge"}),
        "label frontend tier=edge",
        audit,
    )
    undo(ctx, audit)
    result = run(ctx, "get_audit_log", limit=10)
    records = result.data["records"]
    assert [r["action"] for r in records] == ["patch", "patch", "create"]
    assert records[0]["undo_of"] == records[1]["id"]
    assert records[1]["undone"] is True and records[2]["undone"] is False
    assert records[2]["target"]["name"] == "flags"
    only = run(ctx, "get_audit_log", name="flags")
    assert [r["target"]["name"] for r in only.data["records"]] == ["flags"]
    assert all("before" not in r and "after" not in r for r in records)


@pytest.fixture
def crowded(kube: Any) -> int:
    """A namespace with 400 running pods on node-a, a quarter of them failing to pull."""
    kube.create(
        "Namespace", {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "load"}}, None
    )
    for i in range(400):
        good = "registry.kai.dev/shop/frontend:v0.10.1"
        image = "registry.kai.dev/missing:0" if i % 4 == 0 else good
        container = {
            "name": "app",
            "image": image,
            "resources": {"requests": {"cpu": "1m", "memory": "1Mi"}},
        }
        kube.create(
            "Pod",
            {
                "apiVersion": "v1",
                "kind": "Pod",
                "metadata": {"name": f"filler-{i:03d}-with-a-long-name", "namespace": "load"},
                "spec": {"nodeName": "node-a", "containers": [container]},
            },
            "load",
        )
    return 400


def test_big_lists_stay_within_the_budget_and_say_what_was_cut(ctx, crowded):
    result = run(ctx, "list_resources", kind="pods", namespace="load", limit=500)
    data = result.data
    assert len(json.dumps(data)) <= MAX_RESULT_CHARS
    assert data["total"] == crowded
    shown = len(data["items"])
    assert 0 < shown < crowded
    assert data["continue"] == str(shown)
    assert data["truncated"] == (
        f"...[truncated {crowded - shown} pods: call again with continue_from={shown}]"
        " (page shortened to fit the output budget)"
    )
    assert sum(data["count_by_status"].values()) == crowded
    assert len(data["count_by_status"]) == 2 and data["count_by_status"]["Running"] == 300
    # pages follow on from each other, without gaps or repeats
    first = run(ctx, "list_resources", kind="pods", namespace="load", limit=20)
    assert len(first.data["items"]) == 20 and first.data["continue"] == "20"
    assert first.data["truncated"] == (
        f"...[truncated {crowded - 20} pods: call again with continue_from=20]"
    )
    second = run(ctx, "list_resources", kind="pods", namespace="load", limit=20, continue_from="20")
    names = [r["name"] for r in first.data["items"] + second.data["items"]]
    assert names == [f"filler-{i:03d}-with-a-long-name" for i in range(40)]
    last = run(ctx, "list_resources", kind="pods", namespace="load", continue_from="390")
    assert len(last.data["items"]) == 10 and "continue" not in last.data
    bad = run(ctx, "list_resources", kind="pods", namespace="load", continue_from="abc")
    assert bad.status == "error" and "continue_from" in bad.error


def test_top_pods_on_a_big_namespace_stays_within_the_budget(ctx, crowded):
    result = run(ctx, "top_pods", namespace="load", limit=200)
    assert result.status == "ok"
    data = result.data
    assert len(json.dumps(data)) <= MAX_RESULT_CHARS
    with_metrics = data["total"]
    assert with_metrics + data.get("pods_without_metrics", 0) == crowded
    assert with_metrics >= 300
    assert "continue_from=" in data["truncated"]
    assert data["as_of"]


def _with_metrics(ctx: Any, csv_now: Any) -> Any:
    from dataclasses import replace

    from k8sgpt_py.metrics import CsvSource

    demo = Path(__file__).resolve().parents[2] / "examples" / "shop" / "metrics.csv"
    return replace(ctx, metrics_factory=lambda: CsvSource(demo, now=csv_now))


def test_metric_history_says_where_the_history_ends(ctx):
    from datetime import UTC, datetime

    week = 7 * 86400
    last_in_file = 1795391700  # the demo CSV's last timestamp
    # replay the file so its data stops between 3 h and 7 d + 3 h before now
    weeks = (NOW.timestamp() - 3 * 3600 - last_in_file) // week
    data_end = last_in_file + weeks * week
    lagging = _with_metrics(ctx, datetime.fromtimestamp(data_end, UTC))
    result = run(lagging, "get_metric_history", name="frontend", metric="rps", hours=24 * 8)
    assert result.status == "ok", result.error
    data = result.data
    step = data["step_seconds"]
    assert step == 7200
    ends = datetime.fromisoformat(data["history_ends"].replace("Z", "+00:00")).timestamp()
    assert data_end - step < ends <= data_end
    assert data["now"] == "2026-03-06T12:00:00Z"
    assert data["minutes_since_last_point"] == round((NOW.timestamp() - ends) / 60, 1) >= 180
    assert data["points"][-1][0] == data["history_ends"]
    assert len(data["points"]) <= 96
    assert data["min"] <= data["mean"] <= data["max"]


def test_metric_history_without_a_source_says_so(ctx):
    result = run(ctx, "get_metric_history", name="frontend")
    assert result.status == "error" and "no metric history configured" in result.error


def test_describe_resource_of_a_pod_includes_container_states(ctx, kube):
    pod = next(p for p in kube.list("Pod", "staging") if p["metadata"]["name"].startswith("worker"))
    result = run(ctx, "describe_resource", name=pod["metadata"]["name"], namespace="staging")
    (container,) = result.data["containers"]
    assert container["last_state"]["state"] == "terminated"
    assert container["last_state"]["exitCode"] == 1
    assert container["restart_count"] > 0
