"""PodDisruptionBudget analyzer: budgets that block every eviction, or that select no pods."""

from __future__ import annotations

import math

from k8sgpt_py.analyzers._k8s import (
    dig,
    format_selector,
    mapping,
    ns_of,
    number,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import workload_finding


@register("pdb", reads=("pdbs", "pods"))
def analyze_pdbs(snapshot: Snapshot) -> list[Finding]:
    """Findings for every PodDisruptionBudget in the snapshot."""
    findings: list[Finding] = []
    for pdb in snapshot.pdbs:
        findings.extend(_pdb_findings(snapshot, pdb))
    return findings


def _expected_pods(snapshot: Snapshot, pdb: RawObject) -> int | None:
    if dig(pdb, "status", "expectedPods") is not None:
        return number(pdb, "status", "expectedPods")
    if not snapshot.was_read("pods", ns_of(pdb)):
        return None
    selector = mapping(pdb, "spec", "selector")
    return len(snapshot.index.pods_matching(ns_of(pdb), selector, label_selector=True))


def _absolute(value: object, expected: int, *, round_up: bool) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        share = int(value[:-1]) * expected / 100
        return math.ceil(share) if round_up else math.floor(share)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _pdb_findings(snapshot: Snapshot, pdb: RawObject) -> list[Finding]:
    expected = _expected_pods(snapshot, pdb)
    selector = format_selector(mapping(pdb, "spec", "selector"))
    if expected == 0:
        return [
            _finding(
                pdb,
                Severity.WARNING,
                "NoMatchingPods",
                f"selector {selector} matches no pods, so the budget protects nothing",
                [f"spec.selector: {selector}", "status.expectedPods: 0"],
                "fix the selector to match the pods it should protect, or delete the budget",
            )
        ]
    blocking = _blocks_all(pdb, expected)
    if blocking:
        return [
            _finding(
                pdb,
                Severity.WARNING,
                "BlocksAllDisruptions",
                f"{blocking}: node drains and upgrades hang on these pods",
                [blocking, f"expectedPods: {expected if expected is not None else '?'}"],
                "allow at least one disruption (maxUnavailable: 1, or minAvailable below the "
                "replica count) or add replicas",
            )
        ]
    return _runtime(pdb, expected)


def _blocks_all(pdb: RawObject, expected: int | None) -> str:
    max_unavailable = dig(pdb, "spec", "maxUnavailable")
    if max_unavailable is not None:
        absolute = _absolute(max_unavailable, expected or 0, round_up=True)
        if absolute == 0 and max_unavailable not in ("",):
            return f"maxUnavailable is {max_unavailable}"
        return ""
    min_available = dig(pdb, "spec", "minAvailable")
    if min_available is None or expected is None:
        return ""
    absolute = _absolute(min_available, expected, round_up=True)
    if absolute is not None and absolute >= expected:
        return f"minAvailable {min_available} >= {expected} expected pods"
    return ""


def _runtime(pdb: RawObject, expected: int | None) -> list[Finding]:
    if dig(pdb, "status", "disruptionsAllowed") is None or number(
        pdb, "status", "disruptionsAllowed"
    ):
        return []
    healthy = number(pdb, "status", "currentHealthy")
    desired = number(pdb, "status", "desiredHealthy")
    evidence = [f"disruptionsAllowed: 0, currentHealthy: {healthy}, desiredHealthy: {desired}"]
    if healthy < desired:
        return [
            _finding(
                pdb,
                Severity.INFO,
                "InsufficientHealthyPods",
                f"only {healthy}/{desired} required pods are healthy, "
                "so no eviction is allowed now",
                evidence,
                "fix the unhealthy pods it selects (see their findings); evictions resume after",
            )
        ]
    return [
        _finding(
            pdb,
            Severity.WARNING,
            "NoDisruptionsAllowed",
            f"all {healthy} healthy pods are needed ({expected} expected), "
            "so no eviction is allowed",
            evidence,
            "allow at least one disruption or add replicas so drains can proceed",
        )
    ]


def _finding(
    pdb: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        pdb,
        analyzer="pdb",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
