"""HPA and PDB analyzers."""

from __future__ import annotations

from typing import Any

from analyzer_fixtures import cond, container, deployment, event, meta, snapshot

from k8sgpt_py.analyzers import Severity
from k8sgpt_py.analyzers.hpa import analyze_hpas
from k8sgpt_py.analyzers.pdb import analyze_pdbs


def _hpa(
    *,
    min_replicas: int = 2,
    max_replicas: int = 10,
    target: str = "web",
    conditions: list[dict[str, Any]] | None = None,
    current: int = 2,
) -> dict[str, Any]:
    return {
        "metadata": meta("web", "ns"),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": target},
            "minReplicas": min_replicas,
            "maxReplicas": max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 70},
                    },
                }
            ],
        },
        "status": {
            "currentReplicas": current,
            "desiredReplicas": current,
            "conditions": conditions
            or [
                cond("AbleToScale", "True", "ReadyForNewScale"),
                cond("ScalingActive", "True", "ValidMetricFound"),
            ],
        },
    }


WITH_REQUESTS = deployment("web", "ns", containers=[container("app", requests={"cpu": "250m"})])


def test_hpa_healthy_has_no_findings() -> None:
    assert analyze_hpas(snapshot(hpas=[_hpa()], deployments=[WITH_REQUESTS])) == []


def test_hpa_bad_bounds_and_missing_target() -> None:
    found = {
        f.reason: f
        for f in analyze_hpas(snapshot(hpas=[_hpa(min_replicas=5, max_replicas=3, target="gone")]))
    }
    assert {r: f.severity for r, f in found.items()} == {
        "InvalidReplicaBounds": Severity.CRITICAL,
        "ScaleTargetMissing": Severity.CRITICAL,
    }
    assert found["InvalidReplicaBounds"].message == "minReplicas 5 is greater than maxReplicas 3"
    assert found["ScaleTargetMissing"].message == "scale target deployment 'gone' does not exist"


def test_hpa_target_without_cpu_requests() -> None:
    inactive = [
        cond(
            "ScalingActive",
            "False",
            "FailedGetResourceMetric",
            "the HPA was unable to compute the replica count: failed to get cpu utilization: "
            "missing request for cpu in container app of Pod web-1",
        )
    ]
    no_requests = deployment("web", "ns", containers=[container("app")])
    [finding] = analyze_hpas(snapshot(hpas=[_hpa(conditions=inactive)], deployments=[no_requests]))
    assert (finding.reason, finding.severity) == ("MissingResourceRequests", Severity.WARNING)
    assert finding.evidence[0] == "containers without requests: app (cpu)"
    assert finding.evidence[1].startswith("ScalingActive=False FailedGetResourceMetric:")
    assert (
        'kai -n ns "set cpu request of container app in deploy/web to 100m"' in finding.suggestion
    )


def test_hpa_missing_metrics_from_condition_and_events() -> None:
    inactive = [
        cond(
            "ScalingActive",
            "False",
            "FailedGetResourceMetric",
            "unable to get metrics for resource cpu: no metrics returned from resource metrics API",
        )
    ]
    ev = event(
        "HorizontalPodAutoscaler",
        "ns",
        "web",
        "FailedGetResourceMetric",
        "failed to get cpu utilization: unable to get metrics",
        count=30,
    )
    [finding] = analyze_hpas(
        snapshot(hpas=[_hpa(conditions=inactive)], deployments=[WITH_REQUESTS], events=[ev])
    )
    assert (finding.reason, finding.severity) == ("MissingMetrics", Severity.WARNING)
    assert finding.evidence[1] == (
        "Warning FailedGetResourceMetric (x30): failed to get cpu "
        "utilization: unable to get metrics"
    )
    assert "metrics-server" in finding.suggestion


def test_hpa_at_max_is_info() -> None:
    limited = [
        cond(
            "ScalingLimited",
            "True",
            "TooManyReplicas",
            "the desired replica count is more than the maximum",
        )
    ]
    [finding] = analyze_hpas(
        snapshot(hpas=[_hpa(conditions=limited, current=10)], deployments=[WITH_REQUESTS])
    )
    assert (finding.reason, finding.severity) == ("AtMaxReplicas", Severity.INFO)


def _pdb(
    spec: dict[str, Any], *, expected: int = 3, healthy: int = 3, desired: int = 2, allowed: int = 1
) -> dict[str, Any]:
    return {
        "metadata": meta("web", "ns"),
        "spec": {"selector": {"matchLabels": {"app": "web"}}, **spec},
        "status": {
            "expectedPods": expected,
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "disruptionsAllowed": allowed,
        },
    }


def test_pdb_healthy_has_no_findings() -> None:
    assert analyze_pdbs(snapshot(pdbs=[_pdb({"minAvailable": 2})])) == []
    assert analyze_pdbs(snapshot(pdbs=[_pdb({"maxUnavailable": "50%"})])) == []


def test_pdb_blocking_all_disruptions() -> None:
    cases = [
        ({"maxUnavailable": 0}, "maxUnavailable is 0"),
        ({"maxUnavailable": "0%"}, "maxUnavailable is 0%"),
        ({"minAvailable": 3}, "minAvailable 3 >= 3 expected pods"),
        ({"minAvailable": "100%"}, "minAvailable 100% >= 3 expected pods"),
    ]
    for spec, why in cases:
        [finding] = analyze_pdbs(snapshot(pdbs=[_pdb(spec, allowed=0, desired=3)]))
        assert (finding.reason, finding.severity) == ("BlocksAllDisruptions", Severity.WARNING)
        assert finding.message == f"{why}: node drains and upgrades hang on these pods"


def test_pdb_no_matching_pods_and_unhealthy_pods() -> None:
    [empty] = analyze_pdbs(
        snapshot(pdbs=[_pdb({"minAvailable": 1}, expected=0, healthy=0, allowed=0)])
    )
    assert (empty.reason, empty.severity) == ("NoMatchingPods", Severity.WARNING)
    [sick] = analyze_pdbs(snapshot(pdbs=[_pdb({"minAvailable": 2}, healthy=1, allowed=0)]))
    assert (sick.reason, sick.severity) == ("InsufficientHealthyPods", Severity.INFO)
    [tight] = analyze_pdbs(snapshot(pdbs=[_pdb({"minAvailable": 2}, healthy=2, allowed=0)]))
    assert (tight.reason, tight.severity) == ("NoDisruptionsAllowed", Severity.WARNING)
