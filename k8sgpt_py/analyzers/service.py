"""Service analyzer: selectors matching no pods, no ready endpoints, targetPorts matching none."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from k8sgpt_py.analyzers._k8s import (
    all_containers,
    dig,
    format_selector,
    items,
    join_limited,
    kai_cmd,
    labels_of,
    mapping,
    name_of,
    ns_of,
    text,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import is_pod_ready, pod_problem, workload_finding


@register("service", reads=("services", "endpoints", "pods"))
def analyze_services(snapshot: Snapshot) -> list[Finding]:
    """Findings for every Service in the snapshot."""
    findings: list[Finding] = []
    for service in snapshot.services:
        selector = mapping(service, "spec", "selector")
        if text(service, "spec", "type") == "ExternalName" or not selector:
            continue  # endpoints are managed by hand or by DNS
        if snapshot.was_read("pods", ns_of(service)):
            findings.extend(_from_pods(snapshot, service, selector))
        elif snapshot.was_read("endpoints", ns_of(service)):
            findings.extend(_from_endpoints(snapshot, service, selector))
    return findings


def live_pods(
    snapshot: Snapshot, namespace: str | None, selector: Mapping[str, Any]
) -> list[RawObject]:
    """Pods selected by a plain Service selector, leaving out finished ones."""
    pods = snapshot.index.pods_matching(namespace, selector, label_selector=False)
    return [pod for pod in pods if text(pod, "status", "phase") not in ("Succeeded", "Failed")]


def _from_pods(
    snapshot: Snapshot, service: RawObject, selector: Mapping[str, Any]
) -> list[Finding]:
    namespace, name = ns_of(service), name_of(service)
    matched = live_pods(snapshot, namespace, selector)
    shown = format_selector(selector)
    if not matched:
        return [_no_endpoints(snapshot, service, selector)]
    ready = [pod for pod in matched if is_pod_ready(pod)]
    if not ready:
        problems = [f"pod {name_of(pod)}: {pod_problem(pod) or 'NotReady'}" for pod in matched]
        return [
            _finding(
                service,
                Severity.CRITICAL,
                "NoReadyEndpoints",
                f"{len(matched)} pods match selector {shown} but none is ready: requests fail",
                problems[:5],
                f"fix the pods behind it ({kai_cmd(namespace, f'why is svc/{name} not serving')})",
            )
        ]
    return _port_mismatches(service, ready)


def _no_endpoints(snapshot: Snapshot, service: RawObject, selector: Mapping[str, Any]) -> Finding:
    namespace, name = ns_of(service), name_of(service)
    shown = format_selector(selector)
    evidence = [f"spec.selector: {shown}", f"no running pod in {namespace} has these labels"]
    near = _nearby_labels(snapshot, namespace, selector)
    if near:
        evidence.append(f"pods there have: {join_limited(near)}")
    wanted = format_selector(selector)
    close = difflib.get_close_matches(wanted, near, n=1, cutoff=0.75)
    endpoints = snapshot.index.get("endpoints", namespace, name)
    if endpoints is not None:
        evidence.append(f"endpoints {name}: {_endpoint_count(endpoints)} addresses")
    request = f"set the selector of svc/{name} to {close[0] if close else '<labels of its pods>'}"
    return _finding(
        service,
        Severity.CRITICAL,
        "NoEndpoints",
        f"selector {shown} matches no pods, so the service has no endpoints",
        evidence,
        f"point the selector at the right pods ({kai_cmd(namespace, request)}), start the "
        "workload it should front, or delete the service if it is unused",
    )


def _nearby_labels(
    snapshot: Snapshot, namespace: str | None, selector: Mapping[str, Any]
) -> list[str]:
    values: dict[str, None] = {}
    for pod in snapshot.index.pods_in(namespace):
        labels = labels_of(pod)
        for key in selector:
            if str(key) in labels:
                values[f"{key}={labels[str(key)]}"] = None
    return sorted(values)


def _endpoint_count(endpoints: RawObject) -> int:
    return sum(len(items(subset, "addresses")) for subset in items(endpoints, "subsets"))


def _from_endpoints(
    snapshot: Snapshot, service: RawObject, selector: Mapping[str, Any]
) -> list[Finding]:
    namespace, name = ns_of(service), name_of(service)
    endpoints = snapshot.index.get("endpoints", namespace, name)
    if endpoints is not None and _endpoint_count(endpoints):
        return []
    not_ready = [
        text(addr, "targetRef", "name") or text(addr, "ip")
        for subset in items(endpoints or {}, "subsets")
        for addr in items(subset, "notReadyAddresses")
    ]
    reason = "NoReadyEndpoints" if not_ready else "NoEndpoints"
    detail = f"not ready: {join_limited(not_ready)}" if not_ready else "no addresses"
    return [
        _finding(
            service,
            Severity.CRITICAL,
            reason,
            f"service has no ready endpoints (selector {format_selector(selector)})",
            [f"endpoints {namespace}/{name}: {detail}"],
            "check that pods with these labels exist and pass their readiness probes",
        )
    ]


def _port_number(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def _port_mismatches(service: RawObject, ready: list[RawObject]) -> list[Finding]:
    declared = [
        (text(port, "name"), _port_number(dig(port, "containerPort")))
        for pod in ready
        for container in all_containers(mapping(pod, "spec"))
        for port in items(container, "ports")
    ]
    names = {port_name for port_name, _ in declared if port_name}
    numbers = sorted({number for _, number in declared if number is not None})
    found = []
    for port in items(service, "spec", "ports"):
        target = dig(port, "targetPort")
        target = dig(port, "port") if target is None else target
        target_number = _port_number(target)
        if isinstance(target, str) and target_number is None:
            if target in names:
                continue
            severity, why = (
                Severity.WARNING,
                f"no container of its pods has a port named {target!r}",
            )
        elif target_number is not None and numbers and target_number not in numbers:
            severity = Severity.INFO  # containers may listen on ports they do not declare
            why = f"its pods declare ports {numbers}, not {target_number}"
        else:
            continue
        found.append(
            _finding(
                service,
                severity,
                "TargetPortMismatch",
                f"port {text(port, 'name') or dig(port, 'port')} -> targetPort {target}: {why}",
                [f"spec.ports: port {dig(port, 'port')} targetPort {target}"],
                f"set targetPort of svc/{name_of(service)} to a port its containers listen on",
            )
        )
    return found


def _finding(
    service: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        service,
        analyzer="service",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
