"""PVC and Node analyzers."""

from __future__ import annotations

from typing import Any

from analyzer_fixtures import event, meta, node, pod, snapshot

from k8sgpt_py.analyzers import Severity
from k8sgpt_py.analyzers.node import analyze_nodes
from k8sgpt_py.analyzers.pvc import analyze_pvcs


def _pvc(
    name: str, phase: str, *, storage_class: str | None = "standard", age_minutes: float = 30
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "accessModes": ["ReadWriteOnce"],
        "resources": {"requests": {"storage": "10Gi"}},
    }
    if storage_class:
        spec["storageClassName"] = storage_class
    if phase == "Lost":
        spec["volumeName"] = "pv-123"
    return {
        "metadata": meta(name, "ns", age_minutes=age_minutes),
        "spec": spec,
        "status": {"phase": phase},
    }


STANDARD = {"metadata": meta("standard", None), "provisioner": "csi.example"}


def test_pvc_bound_and_waiting_for_consumer_are_fine() -> None:
    waiting_claim = _pvc("later", "Pending")
    first_consumer = event(
        "PersistentVolumeClaim",
        "ns",
        "later",
        "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding",
        event_type="Normal",
    )
    snap = snapshot(
        pvcs=[_pvc("data", "Bound"), waiting_claim],
        events=[first_consumer],
        storageclasses=[STANDARD],
    )
    assert analyze_pvcs(snap) == []


def test_pvc_pending_with_provisioning_failure_used_by_a_pod_is_critical() -> None:
    failure = event(
        "PersistentVolumeClaim",
        "ns",
        "data",
        "ProvisioningFailed",
        'failed to provision volume with StorageClass "standard": rpc error: quota exceeded',
        count=6,
    )
    user = pod(
        "db-0",
        "ns",
        phase="Pending",
        volumes=[{"name": "d", "persistentVolumeClaim": {"claimName": "data"}}],
    )
    [finding] = analyze_pvcs(
        snapshot(
            pvcs=[_pvc("data", "Pending")], events=[failure], pods=[user], storageclasses=[STANDARD]
        )
    )
    assert (finding.reason, finding.severity, finding.kind) == (
        "Pending",
        Severity.CRITICAL,
        "PersistentVolumeClaim",
    )
    assert finding.message == (
        "claim pending for 30m: ProvisioningFailed: failed to provision volume with "
        'StorageClass "standard": rpc error: quota exceeded'
    )
    assert finding.evidence == (
        'Warning ProvisioningFailed (x6): failed to provision volume with StorageClass "standard": '
        "rpc error: quota exceeded",
        "used by pods: db-0",
    )
    assert "provisioner of storage class standard" in finding.suggestion


def test_pvc_pending_with_missing_storage_class_and_lost_claim() -> None:
    snap = snapshot(
        pvcs=[_pvc("data", "Pending", storage_class="gold"), _pvc("old", "Lost")],
        storageclasses=[STANDARD],
    )
    found = {f.name: f for f in analyze_pvcs(snap)}
    assert (found["data"].reason, found["data"].severity) == ("Pending", Severity.WARNING)
    assert found["data"].message == "claim pending for 30m: storage class 'gold' does not exist"
    assert found["data"].evidence[0] == "spec.storageClassName: gold (not in the cluster)"
    assert (found["old"].reason, found["old"].severity) == ("Lost", Severity.CRITICAL)


def test_pvc_young_pending_claim_without_warnings_is_fine() -> None:
    assert (
        analyze_pvcs(
            snapshot(pvcs=[_pvc("new", "Pending", age_minutes=0.5)], storageclasses=[STANDARD])
        )
        == []
    )


def test_node_ready_and_tainted_node_has_no_findings() -> None:
    tainted = node(
        "node-d", taints=[{"key": "dedicated", "value": "batch", "effect": "NoSchedule"}]
    )
    assert analyze_nodes(snapshot(nodes=[node("node-a"), tainted])) == []


def test_node_not_ready_unknown_pressure_and_cordoned() -> None:
    snap = snapshot(
        nodes=[
            node("a", ready="False"),
            node("b", ready="Unknown"),
            node("c", pressure={"DiskPressure": "True"}),
            node("d", unschedulable=True),
        ]
    )
    found = {(f.name, f.reason): f for f in analyze_nodes(snap)}
    assert {k: f.severity for k, f in found.items()} == {
        ("a", "NotReady"): Severity.CRITICAL,
        ("b", "NodeStatusUnknown"): Severity.CRITICAL,
        ("c", "DiskPressure"): Severity.WARNING,
        ("d", "Cordoned"): Severity.INFO,
    }
    not_ready = found[("a", "NotReady")]
    assert not_ready.namespace is None and not_ready.kind == "Node"
    assert not_ready.evidence == (
        "Ready=False KubeletNotReady: container runtime network not ready",
    )
    assert not_ready.message.startswith("node is not ready for 15m (KubeletNotReady)")
    assert 'kai "drain node a"' in not_ready.suggestion
    assert found[("c", "DiskPressure")].suggestion.startswith("the node's disk is nearly full")
    assert 'kai "uncordon node d"' in found[("d", "Cordoned")].suggestion
