"""NetworkPolicy analyzer: selectors matching no pods; deny-all and allow-all policies (info)."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import dig, format_selector, items, mapping, ns_of
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import workload_finding


@register("networkpolicy", reads=("networkpolicies", "pods"))
def analyze_networkpolicies(snapshot: Snapshot) -> list[Finding]:
    """Findings for every NetworkPolicy in the snapshot."""
    findings: list[Finding] = []
    for policy in snapshot.networkpolicies:
        findings.extend(_policy_findings(snapshot, policy))
    return findings


def _policy_findings(snapshot: Snapshot, policy: RawObject) -> list[Finding]:
    namespace = ns_of(policy)
    selector = mapping(policy, "spec", "podSelector")
    scope = (
        "every pod in the namespace" if not selector else f"pods with {format_selector(selector)}"
    )
    found: list[Finding] = []
    if selector and snapshot.was_read("pods", namespace):
        selected = snapshot.index.pods_matching(namespace, selector, label_selector=True)
        if not selected:
            found.append(
                _finding(
                    policy,
                    Severity.WARNING,
                    "NoPodsSelected",
                    f"podSelector {format_selector(selector)} selects no pods: "
                    "the policy has no effect",
                    [f"spec.podSelector: {format_selector(selector)}"],
                    "fix the podSelector labels to match the pods it should guard, or delete it",
                )
            )
    for direction in _directions(policy):
        rules = dig(policy, "spec", direction.lower())
        if not rules:
            found.append(
                _finding(
                    policy,
                    Severity.INFO,
                    f"DenyAll{direction}",
                    f"allows no {direction.lower()} traffic for {scope}",
                    [f"policyTypes includes {direction} with no {direction.lower()} rules"],
                    f"intended as default-deny? then add policies allowing the {direction.lower()} "
                    "traffic the apps need",
                )
            )
        elif any(not rule for rule in items(policy, "spec", direction.lower())):
            found.append(
                _finding(
                    policy,
                    Severity.INFO,
                    f"AllowAll{direction}",
                    f"allows all {direction.lower()} traffic for {scope}",
                    [f"{direction.lower()}: [{{}}] (a rule with no peers and no ports)"],
                    "restrict the rule with from/to peers or ports if isolation was intended",
                )
            )
    return found


def _directions(policy: RawObject) -> list[str]:
    types = dig(policy, "spec", "policyTypes")
    if isinstance(types, list) and types:
        return [str(t) for t in types if t in ("Ingress", "Egress")]
    return ["Ingress"] + (["Egress"] if dig(policy, "spec", "egress") else [])


def _finding(
    policy: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        policy,
        analyzer="networkpolicy",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
