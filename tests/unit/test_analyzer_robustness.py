"""Analyzers never crash on odd or partial objects (fields missing, wrong types)."""

from __future__ import annotations

import os
from typing import Any

from analyzer_fixtures import NOW, demo_cluster
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from k8sgpt_py.analyzers import SNAPSHOT_KINDS, Snapshot, analyze

_KEYS = [
    "metadata",
    "spec",
    "status",
    "name",
    "namespace",
    "labels",
    "ownerReferences",
    "kind",
    "containers",
    "containerStatuses",
    "conditions",
    "type",
    "status",
    "reason",
    "message",
    "state",
    "waiting",
    "lastState",
    "terminated",
    "selector",
    "matchLabels",
    "ports",
    "targetPort",
    "replicas",
    "involvedObject",
    "schedule",
    "webhooks",
    "clientConfig",
    "service",
    "rules",
    "http",
    "paths",
    "backend",
    "tls",
    "secretName",
    "env",
    "valueFrom",
    "volumes",
    "metrics",
    "resource",
    "podSelector",
    "ingress",
    "minAvailable",
    "phase",
]
_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(
        [
            "",
            "x",
            "True",
            "False",
            "Pending",
            "Failed",
            "Running",
            "CrashLoopBackOff",
            "OOMKilled",
            "Unschedulable",
            "ImagePullBackOff",
            "50%",
            "0",
            "* * * * *",
            "Deployment",
            "Pod",
            "Warning",
            "2026-11-26T11:00:00Z",
            "not-a-time",
        ]
    ),
)
_JSON = st.recursive(
    _LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(_KEYS), inner, max_size=5)
    ),
    max_leaves=25,
)


@settings(
    max_examples=int(os.environ.get("KAI_FUZZ_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.dictionaries(
        st.sampled_from(sorted(SNAPSHOT_KINDS)),
        st.lists(st.dictionaries(st.sampled_from(_KEYS), _JSON, max_size=5), max_size=3),
        max_size=6,
    )
)
def test_analyzer_survives_malformed_objects(fields: dict[str, list[dict[str, Any]]]) -> None:
    findings = analyze(Snapshot(now=NOW, **fields))
    assert all(f.to_json()["severity"] in ("info", "warning", "critical") for f in findings)


def test_analyzer_demo_cluster_runs_fast_and_is_deterministic() -> None:
    first = [f.to_json() for f in analyze(demo_cluster())]
    assert first == [f.to_json() for f in analyze(demo_cluster())]


def test_analyzer_sparse_healthy_objects_raise_no_findings() -> None:
    """Objects as a minimal controller writes them: no conditions, no status counters."""
    bare_pod = {
        "metadata": {
            "name": "web-abc12-x",
            "namespace": "shop",
            "labels": {"app": "web"},
            "ownerReferences": [{"kind": "ReplicaSet", "name": "web-abc12", "controller": True}],
        },
        "spec": {"containers": [{"name": "app", "image": "web:1"}], "nodeName": "node-a"},
        "status": {"phase": "Running"},
    }
    bare_deploy = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "web"}}},
    }
    bare_rs = {
        "metadata": {
            "name": "web-abc12",
            "namespace": "shop",
            "ownerReferences": [{"kind": "Deployment", "name": "web", "controller": True}],
        },
        "spec": {"replicas": 1},
    }
    bare_svc = {
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    bare_ds = {"metadata": {"name": "agent", "namespace": "shop"}, "spec": {}}
    snap = Snapshot(
        now=NOW,
        pods=[bare_pod],
        deployments=[bare_deploy],
        replicasets=[bare_rs],
        services=[bare_svc],
        daemonsets=[bare_ds],
        nodes=[{"metadata": {"name": "node-a"}}],
    )
    assert analyze(snap) == []


def test_analyzer_pending_pod_known_only_from_events_is_unschedulable() -> None:
    pending = {
        "metadata": {"name": "big", "namespace": "ns", "creationTimestamp": "2026-11-26T11:50:00Z"},
        "spec": {"containers": [{"name": "app", "resources": {"requests": {"cpu": "8"}}}]},
        "status": {"phase": "Pending"},
    }
    ev = {
        "involvedObject": {"kind": "Pod", "namespace": "ns", "name": "big"},
        "type": "Warning",
        "reason": "FailedScheduling",
        "message": "0/2 nodes are available: 2 Insufficient cpu.",
        "lastTimestamp": "2026-11-26T11:59:00Z",
    }
    [finding] = analyze(Snapshot(now=NOW, pods=[pending], events=[ev]))
    assert (finding.reason, finding.message) == (
        "Unschedulable",
        "pending for 10m: 0/2 nodes are available: 2 Insufficient cpu.",
    )
    assert finding.evidence == (
        "Warning FailedScheduling: 0/2 nodes are available: 2 Insufficient cpu.",
    )
    assert finding.suggestion.startswith("not enough free cpu on the nodes; the pod requests 8 cpu")
