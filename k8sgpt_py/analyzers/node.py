"""Node analyzer: NotReady/Unknown, pressure and problem conditions, cordoned nodes."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import age_text, dig, items, name_of, parse_time, text, trim
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import workload_finding

_PRESSURE_HINTS = {
    "MemoryPressure": "pods use more memory than the node has: lower usage or move pods",
    "DiskPressure": "the node's disk is nearly full: clean images/logs or grow the disk",
    "PIDPressure": "too many processes on the node: find the pod leaking processes",
    "NetworkUnavailable": "the node's network is not configured: check the CNI pods on it",
}


@register("node", reads=("nodes",))
def analyze_nodes(snapshot: Snapshot) -> list[Finding]:
    """Findings for every Node in the snapshot (a taint alone is not a finding)."""
    findings: list[Finding] = []
    for node in snapshot.nodes:
        findings.extend(_conditions(snapshot, node))
        if dig(node, "spec", "unschedulable") is True:
            findings.append(
                _finding(
                    node,
                    Severity.INFO,
                    "Cordoned",
                    "node is cordoned: no new pods are scheduled on it",
                    ["spec.unschedulable: true"],
                    f'uncordon it when maintenance is done (kai "uncordon node {name_of(node)}")',
                )
            )
    return findings


def _conditions(snapshot: Snapshot, node: RawObject) -> list[Finding]:
    found = []
    name = name_of(node)
    for cond in items(node, "status", "conditions"):
        cond_type, status = text(cond, "type"), text(cond, "status")
        since = age_text(snapshot.now, parse_time(text(cond, "lastTransitionTime")))
        line = trim(f"{cond_type}={status} {text(cond, 'reason')}: {text(cond, 'message')}")
        if cond_type == "Ready" and status != "True":
            reason = "NotReady" if status == "False" else "NodeStatusUnknown"
            found.append(
                _finding(
                    node,
                    Severity.CRITICAL,
                    reason,
                    f"node is not ready for {since} ({text(cond, 'reason') or status}): "
                    "its pods are "
                    "not served and get evicted",
                    [line],
                    f"check the kubelet and container runtime on {name} (journalctl -u kubelet); "
                    f'if it stays down, drain it (kai "drain node {name}")',
                )
            )
        elif cond_type != "Ready" and status == "True":
            hint = _PRESSURE_HINTS.get(cond_type, f"investigate {cond_type} on {name}")
            found.append(
                _finding(
                    node,
                    Severity.WARNING,
                    cond_type,
                    f"node reports {cond_type} for {since}",
                    [line],
                    hint,
                )
            )
    return found


def _finding(
    node: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        node,
        analyzer="node",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
