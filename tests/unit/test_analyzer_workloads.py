"""Deployment, ReplicaSet, StatefulSet and DaemonSet analyzers."""

from __future__ import annotations

from typing import Any

from analyzer_fixtures import (
    cond,
    deploy_pod,
    deployment,
    meta,
    node,
    pod,
    replicaset,
    service,
    snapshot,
    ts,
    waiting,
)

from k8sgpt_py.analyzers import Severity
from k8sgpt_py.analyzers.daemonset import analyze_daemonsets
from k8sgpt_py.analyzers.deployment import analyze_deployments
from k8sgpt_py.analyzers.replicaset import analyze_replicasets
from k8sgpt_py.analyzers.statefulset import analyze_statefulsets


def test_deployment_healthy_has_no_findings() -> None:
    snap = snapshot(
        deployments=[deployment("web", "ns")],
        replicasets=[replicaset("web", "ns")],
        pods=[deploy_pod("web", "a", "ns"), deploy_pod("web", "b", "ns")],
    )
    assert analyze_deployments(snap) == []


def test_deployment_no_available_replicas_is_critical_with_pod_reasons() -> None:
    bad = waiting("app", "ImagePullBackOff", "Back-off pulling image")
    snap = snapshot(
        deployments=[deployment("web", "ns", replicas=2, available=0)],
        replicasets=[
            replicaset("web", "ns", pod_hash="bbb", revision=2),
            replicaset("web", "ns", pod_hash="aaa", revision=1),
        ],
        pods=[
            deploy_pod("web", s, "ns", pod_hash="bbb", statuses=[bad], phase="Pending")
            for s in "xy"
        ],
    )
    [finding] = analyze_deployments(snap)
    assert (finding.reason, finding.severity, finding.kind) == (
        "UnavailableReplicas",
        Severity.CRITICAL,
        "Deployment",
    )
    assert finding.message == "0/2 replicas available, 2 up to date; pods: ImagePullBackOff x2"
    assert "pod web-bbb-x: ImagePullBackOff" in finding.evidence
    assert finding.suggestion == (
        "fix the pod problem (kai explain -n ns deploy/web); "
        'or roll back (kai -n ns "roll back deploy/web")'
    )


def test_deployment_partial_availability_is_a_warning() -> None:
    snap = snapshot(
        deployments=[deployment("web", "ns", replicas=3, available=2)],
        pods=[deploy_pod("web", "x", "ns", statuses=[waiting("app", "CrashLoopBackOff")])],
    )
    [finding] = analyze_deployments(snap)
    assert (finding.reason, finding.severity) == ("UnavailableReplicas", Severity.WARNING)
    assert "roll back" not in finding.suggestion


def test_deployment_progress_deadline_exceeded_is_critical() -> None:
    conditions = [
        cond("Available", "True", "MinimumReplicasAvailable", "ok"),
        cond(
            "Progressing",
            "False",
            "ProgressDeadlineExceeded",
            'ReplicaSet "web-bbb" has timed out progressing.',
        ),
    ]
    snap = snapshot(
        deployments=[deployment("web", "ns", replicas=2, available=2, conditions=conditions)]
    )
    [finding] = analyze_deployments(snap)
    assert (finding.reason, finding.severity) == ("ProgressDeadlineExceeded", Severity.CRITICAL)
    assert finding.message.startswith("rollout is stuck: 2/2 replicas available")
    assert (
        'Progressing=False ProgressDeadlineExceeded: ReplicaSet "web-bbb" has timed out '
        "progressing."
    ) in finding.evidence


def test_deployment_young_rollout_without_pod_problems_is_info() -> None:
    conditions = [cond("Progressing", "True", "ReplicaSetUpdated", "progressing", minutes_ago=1)]
    fresh = deployment("web", "ns", replicas=2, available=1, conditions=conditions)
    fresh["status"]["conditions"][0]["lastUpdateTime"] = ts(1)
    [finding] = analyze_deployments(snapshot(deployments=[fresh]))
    assert (finding.reason, finding.severity) == ("RolloutInProgress", Severity.INFO)


def test_deployment_replica_failure_and_paused() -> None:
    conditions = [
        cond(
            "ReplicaFailure",
            "True",
            "FailedCreate",
            'pods "web-x" is forbidden: exceeded quota: compute, requested: cpu=2',
        )
    ]
    failing = deployment("web", "ns", replicas=0, conditions=conditions, paused=True)
    found = {f.reason: f for f in analyze_deployments(snapshot(deployments=[failing]))}
    assert set(found) == {"ReplicaFailure", "RolloutPaused"}
    assert found["ReplicaFailure"].severity is Severity.CRITICAL
    assert found["ReplicaFailure"].message == (
        'cannot create pods: pods "web-x" is forbidden: exceeded quota: compute, requested: cpu=2'
    )
    assert found["RolloutPaused"].severity is Severity.INFO


def test_replicaset_failed_create_is_critical_unless_deployment_shows_it() -> None:
    failure = cond("ReplicaFailure", "True", "FailedCreate", "exceeded quota")
    standalone = replicaset("web", "ns", owned=False, conditions=[failure])
    [finding] = analyze_replicasets(snapshot(replicasets=[standalone]))
    assert (finding.reason, finding.severity, finding.kind) == (
        "FailedCreate",
        Severity.CRITICAL,
        "ReplicaSet",
    )
    owned = replicaset("web", "ns", conditions=[failure])
    shown = deployment("web", "ns", conditions=[failure])
    assert analyze_replicasets(snapshot(replicasets=[owned], deployments=[shown])) == []
    [mine] = analyze_replicasets(
        snapshot(replicasets=[owned], deployments=[deployment("web", "ns")])
    )
    assert mine.related == ("deployment/ns/web",)


def test_replicaset_standalone_unready_and_owned_sets_ignored() -> None:
    lone = replicaset("cache", "ns", owned=False, replicas=2, ready=0)
    owned = replicaset("web", "ns", replicas=2, ready=0)
    [finding] = analyze_replicasets(snapshot(replicasets=[lone, owned]))
    assert (finding.name, finding.reason, finding.severity) == (
        "cache-5d8f7c9b6",
        "UnavailableReplicas",
        Severity.CRITICAL,
    )
    assert analyze_replicasets(snapshot(replicasets=[replicaset("x", "ns", owned=False)])) == []


def _statefulset(
    name: str,
    *,
    replicas: int = 3,
    ready: int = 3,
    service_name: str = "db",
    storage_class: str | None = None,
    revisions: tuple[str, str] = ("r1", "r1"),
) -> dict[str, Any]:
    templates = (
        [
            {
                "metadata": {"name": "data"},
                "spec": {"storageClassName": storage_class, "accessModes": ["ReadWriteOnce"]},
            }
        ]
        if storage_class
        else []
    )
    return {
        "metadata": meta(name, "ns", labels={"app": name}),
        "spec": {
            "replicas": replicas,
            "serviceName": service_name,
            "selector": {"matchLabels": {"app": name}},
            "volumeClaimTemplates": templates,
            "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": []}},
        },
        "status": {
            "replicas": replicas,
            "readyReplicas": ready,
            "currentRevision": revisions[0],
            "updateRevision": revisions[1],
        },
    }


def test_statefulset_healthy_has_no_findings() -> None:
    snap = snapshot(
        statefulsets=[_statefulset("db", storage_class="fast")],
        services=[service("db", "ns")],
        storageclasses=[{"metadata": meta("fast", None), "provisioner": "csi.example"}],
    )
    assert analyze_statefulsets(snap) == []


def test_statefulset_missing_service_storage_class_and_unready() -> None:
    sts = _statefulset("db", ready=1, storage_class="gold", revisions=("r1", "r2"))
    stuck = pod(
        "db-1",
        "ns",
        owner=("StatefulSet", "db"),
        phase="Pending",
        statuses=[waiting("app", "CrashLoopBackOff")],
    )
    snap = snapshot(statefulsets=[sts], pods=[stuck], storageclasses=[])
    found = {f.reason: f for f in analyze_statefulsets(snap)}
    assert {r: f.severity for r, f in found.items()} == {
        "ServiceMissing": Severity.WARNING,
        "StorageClassMissing": Severity.CRITICAL,
        "UnavailableReplicas": Severity.WARNING,
    }
    assert found["UnavailableReplicas"].message == "1/3 replicas ready; pods: CrashLoopBackOff x1"
    assert "revision r1 -> r2" in found["UnavailableReplicas"].evidence
    assert "kai explain -n ns sts/db" in found["UnavailableReplicas"].suggestion


def test_statefulset_unknown_fields_not_read_are_not_judged() -> None:
    snap = snapshot(
        statefulsets=[_statefulset("db", storage_class="gold")],
        loaded=frozenset({"statefulsets", "pods"}),
    )
    assert analyze_statefulsets(snap) == []


def _daemonset(
    desired: int, ready: int, *, updated: int | None = None, misscheduled: int = 0
) -> dict[str, Any]:
    return {
        "metadata": meta("agent", "ns", labels={"app": "agent"}),
        "spec": {"selector": {"matchLabels": {"app": "agent"}}},
        "status": {
            "desiredNumberScheduled": desired,
            "currentNumberScheduled": desired,
            "numberReady": ready,
            "numberAvailable": ready,
            "numberUnavailable": desired - ready,
            "updatedNumberScheduled": desired if updated is None else updated,
            "numberMisscheduled": misscheduled,
        },
    }


def test_daemonset_healthy_has_no_findings() -> None:
    assert analyze_daemonsets(snapshot(daemonsets=[_daemonset(3, 3)], nodes=[node("n")])) == []


def test_daemonset_unavailable_misscheduled_and_no_nodes() -> None:
    found = analyze_daemonsets(
        snapshot(daemonsets=[_daemonset(3, 1, misscheduled=1)], nodes=[node("n")])
    )
    assert [(f.reason, f.severity) for f in found] == [
        ("UnavailablePods", Severity.WARNING),
        ("Misscheduled", Severity.WARNING),
    ]
    assert found[0].message == "1/3 pods ready"
    [none] = analyze_daemonsets(snapshot(daemonsets=[_daemonset(0, 0)], nodes=[node("n")]))
    assert (none.reason, none.severity) == ("NoEligibleNodes", Severity.WARNING)
    [stuck] = analyze_daemonsets(snapshot(daemonsets=[_daemonset(3, 3, updated=1)]))
    assert (stuck.reason, stuck.message) == (
        "RolloutStuck",
        "only 1/3 pods run the current template",
    )
