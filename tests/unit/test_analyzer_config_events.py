"""ConfigMap analyzer and the generic Warning-events analyzer."""

from __future__ import annotations

from analyzer_fixtures import (
    configmap,
    container,
    deployment,
    event,
    meta,
    node,
    pod,
    replicaset,
    snapshot,
    waiting,
)

from k8sgpt_py.analyzers import Severity, analyze
from k8sgpt_py.analyzers.configmap import analyze_configmaps
from k8sgpt_py.analyzers.events import analyze_events


def test_configmap_used_by_pods_or_templates_is_fine() -> None:
    by_pod = pod("web-1", "ns", volumes=[{"name": "c", "configMap": {"name": "web-conf"}}])
    template_user = deployment(
        "api", "ns", containers=[container(env_from=[{"configMapRef": {"name": "api-conf"}}])]
    )
    snap = snapshot(
        configmaps=[
            configmap("web-conf", "ns", {"a": "1"}),
            configmap("api-conf", "ns", {"b": "2"}),
            configmap("kube-root-ca.crt", "ns", {"ca.crt": "x"}),
        ],
        pods=[by_pod],
        deployments=[template_user],
    )
    assert analyze_configmaps(snap) == []


def test_configmap_unused_and_empty_are_info() -> None:
    snap = snapshot(
        configmaps=[configmap("stale", "ns", {"a": "1"}), configmap("blank", "ns")],
        pods=[pod("web-1", "ns", volumes=[{"name": "c", "configMap": {"name": "blank"}}])],
    )
    found = {(f.name, f.reason): f for f in analyze_configmaps(snap)}
    assert set(found) == {("stale", "Unused"), ("blank", "Empty")}
    assert all(f.severity is Severity.INFO and f.kind == "ConfigMap" for f in found.values())
    assert "kubectl delete configmap stale -n ns" in found[("stale", "Unused")].suggestion


def test_configmap_usage_not_judged_when_pods_not_read() -> None:
    snap = snapshot(
        configmaps=[configmap("stale", "ns", {"a": "1"})], loaded=frozenset({"configmaps"})
    )
    assert analyze_configmaps(snap) == []


def test_events_unexplained_warning_events_become_findings() -> None:
    snap = snapshot(
        nodes=[node("node-a")],
        events=[
            event(
                "Node",
                None,
                "node-a",
                "SystemOOM",
                "System OOM encountered, victim process: java",
                count=2,
            ),
            event(
                "Node", None, "node-a", "SystemOOM", "System OOM encountered, victim process: nginx"
            ),
            event("Node", None, "node-a", "Starting", "Starting kubelet.", event_type="Normal"),
        ],
    )
    [finding] = analyze_events(snap)
    assert (finding.analyzer, finding.kind, finding.namespace, finding.name) == (
        "events",
        "Node",
        None,
        "node-a",
    )
    assert (finding.reason, finding.severity) == ("SystemOOM", Severity.WARNING)
    assert finding.message == "SystemOOM (3 times): System OOM encountered, victim process: nginx"
    assert finding.evidence == (
        "Warning SystemOOM (x2): System OOM encountered, victim process: java",
        "Warning SystemOOM: System OOM encountered, victim process: nginx",
    )
    assert (
        finding.suggestion
        == "look at the object and its recent events: kubectl describe node node-a"
    )


def test_events_explained_or_stale_are_skipped() -> None:
    crashing = pod(
        "api-1", "ns", statuses=[waiting("app", "CrashLoopBackOff", "back-off", restarts=3)]
    )
    snap = snapshot(
        pods=[crashing],
        events=[
            event("Pod", "ns", "api-1", "BackOff", "Back-off restarting failed container"),
            event("Pod", "ns", "gone-1", "FailedMount", "old pod event"),
        ],
    )
    found = analyze(snap)
    assert [(f.analyzer, f.reason) for f in found] == [("pod", "CrashLoopBackOff")]
    assert analyze_events(snap) == []


def test_events_only_events_reports_every_warning() -> None:
    snap = snapshot(
        pods=[pod("api-1", "ns")],
        events=[event("Pod", "ns", "api-1", "FailedMount", "secret not found")],
    )
    assert [f.reason for f in analyze(snap, only=["events"])] == ["FailedMount"]


def test_events_on_children_of_objects_with_findings_are_explained() -> None:
    failing = deployment("web", "ns", replicas=2, available=0)
    rs = replicaset("web", "ns", replicas=2, ready=0)
    ev = event("ReplicaSet", "ns", "web-5d8f7c9b6", "FailedCreate", "exceeded quota")
    found = analyze(snapshot(deployments=[failing], replicasets=[rs], events=[ev]))
    assert [(f.kind, f.reason) for f in found] == [("Deployment", "UnavailableReplicas")]


def test_secret_values_never_reach_findings() -> None:
    leaky_secret = {
        "metadata": meta("db", "ns"),
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg=="},
    }
    env = [
        {"name": "PW", "value": "hunter2"},
        {"name": "DB", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
    ]
    crashing = pod(
        "api-1",
        "ns",
        containers=[container("app", env=env)],
        statuses=[waiting("app", "CrashLoopBackOff", "back-off", restarts=2)],
    )
    log = "error: auth failed token=hunter2\n"
    snap = snapshot(
        pods=[crashing], secrets=[leaky_secret], logs={("ns", "api-1", "app", True): log}
    )
    dumped = str([f.to_json() for f in analyze(snap)])
    assert "CrashLoopBackOff" in dumped
    assert "hunter2" not in dumped and "aHVudGVyMg==" not in dumped


def test_configmap_large_and_sidecar_loaded() -> None:
    big = configmap("blob", "ns", {"data.json": "x" * (800 * 1024)})
    dashboard = configmap("dash", "ns", {"d.json": "{}"})
    dashboard["metadata"]["labels"] = {"grafana_dashboard": "1"}
    user = pod("web-1", "ns", volumes=[{"name": "b", "configMap": {"name": "blob"}}])
    [finding] = analyze_configmaps(snapshot(configmaps=[big, dashboard], pods=[user]))
    assert (finding.name, finding.reason, finding.severity) == ("blob", "Large", Severity.INFO)
    assert finding.message == "configmap holds 800 KiB, close to the 1 MiB limit"
