"""HorizontalPodAutoscaler analyzer: bad bounds, missing target, metrics, resource requests."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import (
    condition,
    dig,
    event_line,
    items,
    kai_cmd,
    name_of,
    ns_of,
    number,
    pod_template_spec,
    short_ref,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import workload_finding

_TARGET_FIELDS = {
    "Deployment": "deployments",
    "StatefulSet": "statefulsets",
    "ReplicaSet": "replicasets",
}
_METRIC_EVENTS = (
    "FailedGetResourceMetric",
    "FailedComputeMetricsReplicas",
    "FailedGetPodsMetric",
    "FailedGetExternalMetric",
    "FailedGetObjectMetric",
)


@register("hpa", reads=("hpas", "deployments", "statefulsets", "replicasets", "events"))
def analyze_hpas(snapshot: Snapshot) -> list[Finding]:
    """Findings for every HPA in the snapshot."""
    findings: list[Finding] = []
    for hpa in snapshot.hpas:
        findings.extend(_hpa_findings(snapshot, hpa))
    return findings


def _hpa_findings(snapshot: Snapshot, hpa: RawObject) -> list[Finding]:
    namespace, name = ns_of(hpa), name_of(hpa)
    min_replicas = number(hpa, "spec", "minReplicas", default=1)
    max_replicas = number(hpa, "spec", "maxReplicas", default=1)
    found: list[Finding] = []
    if min_replicas > max_replicas:
        found.append(
            _finding(
                hpa,
                Severity.CRITICAL,
                "InvalidReplicaBounds",
                f"minReplicas {min_replicas} is greater than maxReplicas {max_replicas}",
                [f"spec.minReplicas: {min_replicas}, spec.maxReplicas: {max_replicas}"],
                f"set maxReplicas >= {min_replicas} "
                f"({kai_cmd(namespace, f'set max replicas of hpa/{name} to {min_replicas}')})",
            )
        )
    kind, target_name = (
        text(hpa, "spec", "scaleTargetRef", "kind"),
        text(hpa, "spec", "scaleTargetRef", "name"),
    )
    field_name = _TARGET_FIELDS.get(kind)
    target = snapshot.index.get(field_name, namespace, target_name) if field_name else None
    if field_name and target is None and snapshot.was_read(field_name, namespace):
        found.append(
            _finding(
                hpa,
                Severity.CRITICAL,
                "ScaleTargetMissing",
                f"scale target {kind.lower()} {target_name!r} does not exist",
                [f"spec.scaleTargetRef: {kind}/{target_name}"],
                f"point scaleTargetRef at an existing workload or delete hpa {namespace}/{name}",
            )
        )
        return found
    missing = _missing_requests(hpa, target) if target is not None else []
    if missing:
        found.append(_missing_requests_finding(hpa, kind, target_name, missing))
    else:
        found.extend(_metric_problems(snapshot, hpa))
    found.extend(_at_max(hpa, max_replicas))
    return found


def _metric_resources(hpa: RawObject) -> list[str]:
    resources = [
        text(metric, "resource", "name")
        for metric in items(hpa, "spec", "metrics")
        if text(metric, "type") in ("Resource", "ContainerResource")
        and text(metric, "resource", "target", "type") != "AverageValue"
    ]
    if dig(hpa, "spec", "targetCPUUtilizationPercentage") is not None:
        resources.append("cpu")
    return list(dict.fromkeys(r for r in resources if r))


def _missing_requests(hpa: RawObject, target: RawObject) -> list[tuple[str, str]]:
    containers = items(pod_template_spec(target), "containers")
    return [
        (text(container, "name"), resource)
        for resource in _metric_resources(hpa)
        for container in containers
        if dig(container, "resources", "requests", resource) is None
    ]


def _missing_requests_finding(
    hpa: RawObject, kind: str, target_name: str, missing: list[tuple[str, str]]
) -> Finding:
    shown = ", ".join(f"{container} ({resource})" for container, resource in missing)
    container, resource = missing[0]
    value = "100m" if resource == "cpu" else "128Mi"
    target = short_ref(kind, target_name)
    request = f"set {resource} request of container {container} in {target} to {value}"
    cond = condition(hpa, "ScalingActive")
    evidence = [f"containers without requests: {shown}"]
    if cond is not None and text(cond, "status") == "False":
        evidence.append(
            trim(f"ScalingActive=False {text(cond, 'reason')}: {text(cond, 'message')}")
        )
    return _finding(
        hpa,
        Severity.WARNING,
        "MissingResourceRequests",
        f"utilization target on {resource} but containers of {kind.lower()} {target_name} set no "
        f"{resource} request, so the HPA cannot compute utilization",
        evidence,
        f"set {resource} requests ({kai_cmd(ns_of(hpa), request)})",
    )


def _metric_problems(snapshot: Snapshot, hpa: RawObject) -> list[Finding]:
    cond = condition(hpa, "ScalingActive")
    events = snapshot.index.events_for(
        "HorizontalPodAutoscaler", ns_of(hpa), name_of(hpa), reasons=_METRIC_EVENTS
    )
    inactive = cond is not None and text(cond, "status") == "False"
    able = condition(hpa, "AbleToScale")
    unable = able is not None and text(able, "status") == "False"
    if not (inactive or events or unable):
        return []
    evidence = [
        trim(f"{text(c, 'type')}=False {text(c, 'reason')}: {text(c, 'message')}")
        for c in (cond, able)
        if c is not None and text(c, "status") == "False"
    ] + [event_line(ev) for ev in events[-2:]]
    if unable and not inactive and not events:
        return [
            _finding(
                hpa,
                Severity.WARNING,
                "UnableToScale",
                trim(f"cannot scale: {text(able, 'message')}", 240),
                evidence,
                "check the scale subresource of the target and the controller's RBAC",
            )
        ]
    return [
        _finding(
            hpa,
            Severity.WARNING,
            "MissingMetrics",
            "the HPA cannot read its metrics, so it does not scale",
            evidence,
            "check that metrics-server (or the custom metrics adapter) runs and serves the "
            "target's "
            "pods: kubectl top pods -n " + str(ns_of(hpa)),
        )
    ]


def _at_max(hpa: RawObject, max_replicas: int) -> list[Finding]:
    name = name_of(hpa)
    limited = condition(hpa, "ScalingLimited")
    current = number(hpa, "status", "currentReplicas")
    if limited is None or text(limited, "status") != "True" or current < max_replicas:
        return []
    return [
        _finding(
            hpa,
            Severity.INFO,
            "AtMaxReplicas",
            f"running at maxReplicas ({max_replicas}) and wants more",
            [trim(f"ScalingLimited=True {text(limited, 'reason')}: {text(limited, 'message')}")],
            f"raise maxReplicas if the load is real "
            f"({kai_cmd(ns_of(hpa), f'set max replicas of hpa/{name} to {max_replicas * 2}')})",
        )
    ]


def _finding(
    hpa: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        hpa,
        analyzer="hpa",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
