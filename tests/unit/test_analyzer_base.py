"""Records, registry, analyze() ordering, needed_kinds, findings_for and the demo cluster."""

from __future__ import annotations

import json

import pytest
from analyzer_fixtures import (
    container,
    demo_cluster,
    deploy_pod,
    deployment,
    event,
    node,
    replicaset,
    service,
    snapshot,
    waiting,
)

from k8sgpt_py.analyzers import (
    ANALYZERS,
    SNAPSHOT_KINDS,
    Finding,
    Severity,
    analyze,
    canonical_kind,
    findings_for,
    needed_kinds,
    object_ref,
)
from k8sgpt_py.errors import UsageError

K8SGPT_CORE = {
    "pod",
    "deployment",
    "replicaset",
    "pvc",
    "service",
    "ingress",
    "statefulset",
    "job",
    "cronjob",
    "node",
    "webhook",
    "configmap",
    "hpa",
    "pdb",
}


def _finding(
    severity: Severity, namespace: str | None, kind: str, name: str, reason: str = "R"
) -> Finding:
    return Finding("x", severity, kind, namespace, name, reason, "m", (), "s")


def test_severity_orders_info_warning_critical() -> None:
    assert Severity.INFO < Severity.WARNING < Severity.CRITICAL
    assert Severity("warning") <= Severity.CRITICAL
    assert not Severity.WARNING > Severity.CRITICAL
    assert sorted([Severity.CRITICAL, Severity.INFO, Severity.WARNING]) == [
        Severity.INFO,
        Severity.WARNING,
        Severity.CRITICAL,
    ]
    assert [s.rank for s in Severity] == [0, 1, 2]
    assert Severity("critical") is Severity.CRITICAL


def test_finding_to_json_has_stable_keys_and_plain_values() -> None:
    finding = Finding(
        "pod",
        Severity.WARNING,
        "Pod",
        "ns",
        "p",
        "Evicted",
        "msg",
        ("a", "b"),
        "fix",
        ("deployment/ns/d",),
    )
    data = finding.to_json()
    assert list(data) == [
        "analyzer",
        "severity",
        "kind",
        "namespace",
        "name",
        "reason",
        "message",
        "evidence",
        "suggestion",
        "related",
    ]
    assert data["severity"] == "warning"
    assert data["evidence"] == ["a", "b"]
    assert data["related"] == ["deployment/ns/d"]
    assert json.loads(json.dumps(data)) == data


def test_registry_covers_every_k8sgpt_core_analyzer() -> None:
    assert set(ANALYZERS) >= K8SGPT_CORE
    assert {"daemonset", "networkpolicy", "events"} <= set(ANALYZERS)
    assert list(ANALYZERS)[-1] == "events"


def test_needed_kinds_lists_only_fields_of_chosen_analyzers() -> None:
    assert needed_kinds(["node"]) == {"nodes"}
    assert needed_kinds(["service"]) == {"services", "endpoints", "pods"}
    assert needed_kinds(["events"]) == {"events"}
    every = needed_kinds()
    assert every <= set(SNAPSHOT_KINDS) | {"logs"}
    assert {"pods", "nodes", "events", "logs", "hpas", "pdbs", "validating_webhooks"} <= every


def test_needed_kinds_rejects_unknown_analyzer_with_usage_error() -> None:
    with pytest.raises(UsageError) as info:
        needed_kinds(["pod", "podz"])
    assert "podz" in str(info.value)
    assert info.value.hint is not None and "pod" in info.value.hint


def test_analyze_sorts_by_severity_then_namespace_kind_name() -> None:
    snap = snapshot(
        nodes=[node("node-b", ready="False"), node("node-a", unschedulable=True)],
        services=[
            service("zeta", "b", selector={"app": "z"}),
            service("alpha", "a", selector={"app": "a"}),
        ],
    )
    found = analyze(snap)
    keys = [(f.severity, f.namespace, f.kind, f.name, f.reason) for f in found]
    assert keys == [
        (Severity.CRITICAL, None, "Node", "node-b", "NotReady"),
        (Severity.CRITICAL, "a", "Service", "alpha", "NoEndpoints"),
        (Severity.CRITICAL, "b", "Service", "zeta", "NoEndpoints"),
        (Severity.INFO, None, "Node", "node-a", "Cordoned"),
    ]


def test_analyze_only_runs_the_chosen_analyzers() -> None:
    snap = snapshot(
        nodes=[node("node-b", ready="False")],
        services=[service("alpha", "a", selector={"app": "a"})],
    )
    assert {f.analyzer for f in analyze(snap, only=["node"])} == {"node"}
    assert {f.analyzer for f in analyze(snap, only=["Service"])} == {"service"}
    with pytest.raises(UsageError):
        analyze(snap, only=["nodes"])


def test_object_ref_and_kind_aliases() -> None:
    assert object_ref("Deployment", "staging", "worker") == "deployment/staging/worker"
    assert object_ref("Node", "ignored", "node-a") == "node/node-a"
    assert canonical_kind("deploy") == "deployment"
    assert canonical_kind("svc") == "service"
    assert canonical_kind("PersistentVolumeClaim") == "persistentvolumeclaim"


def test_findings_for_maps_pod_to_replicaset_to_deployment() -> None:
    found = analyze(demo_cluster())
    worker = findings_for(found, "Deployment", "staging", "worker")
    assert {(f.kind, f.reason) for f in worker} == {
        ("Deployment", "UnavailableReplicas"),
        ("Pod", "CrashLoopBackOff"),
    }
    assert findings_for(found, "deploy", "staging", "worker") == worker
    by_rs = findings_for(found, "rs", "staging", "worker-58c6d9f7d")
    assert [(f.kind, f.name) for f in by_rs] == [("Pod", "worker-58c6d9f7d-q9r4t")]
    assert (
        findings_for(found, "Pod", "staging", "worker-58c6d9f7d-q9r4t")[0].reason
        == "CrashLoopBackOff"
    )
    assert findings_for(found, "Deployment", "shop", "worker") == []


def test_findings_for_infers_deployment_when_replicaset_not_in_snapshot() -> None:
    snap = snapshot(
        pods=[
            deploy_pod(
                "api",
                "abcde",
                "ns",
                statuses=[waiting("app", "ImagePullBackOff", "Back-off pulling image")],
                phase="Pending",
            )
        ]
    )
    found = analyze(snap)
    assert found[0].related == ("replicaset/ns/api-5d8f7c9b6", "deployment/ns/api")
    assert findings_for(found, "Deployment", "ns", "api") == found


def test_demo_cluster_reports_each_staging_problem_once_per_object() -> None:
    found = analyze(demo_cluster())
    by_name = {(f.kind, f.name): f for f in found if f.kind in ("Pod", "Service")}
    assert by_name[("Pod", "imagecheck-6c9d7f8b5-x7k2p")].reason == "ImagePullBackOff"
    assert by_name[("Pod", "worker-58c6d9f7d-q9r4t")].reason == "CrashLoopBackOff"
    assert by_name[("Pod", "bigjob-7f9c8d6b4-m2n8s")].reason == "Unschedulable"
    assert by_name[("Pod", "memhog-5f6b7c8d9-z5w3v")].reason == "OOMKilled"
    assert by_name[("Service", "legacy-api")].reason == "NoEndpoints"
    assert all(f.severity is Severity.CRITICAL for f in by_name.values())
    assert len(by_name) == 5


def test_demo_cluster_healthy_namespace_and_tainted_node_have_no_findings() -> None:
    found = analyze(demo_cluster())
    assert [f for f in found if f.namespace == "shop"] == []
    assert [f for f in found if f.kind == "Node"] == []


def test_demo_worker_suggestion_names_the_missing_variable() -> None:
    found = analyze(demo_cluster(), only=["pod"])
    worker = next(f for f in found if f.name.startswith("worker-"))
    assert "log: error: required environment variable DATABASE_URL is not set" in worker.evidence
    assert worker.suggestion.startswith("set DATABASE_URL in deployment staging/worker")
    assert 'kai -n staging "set env DATABASE_URL=<value> on deploy/worker"' in worker.suggestion


def test_analyze_dedupes_identical_findings() -> None:
    snap = snapshot(
        deployments=[deployment("d", "ns", replicas=1, available=0, containers=[container()])],
        replicasets=[replicaset("d", "ns", replicas=1, ready=0)],
        events=[event("Deployment", "ns", "d", "Whatever", "boom")],
    )
    found = analyze(snap)
    assert len(found) == len({(f.ref, f.reason, f.message) for f in found})
