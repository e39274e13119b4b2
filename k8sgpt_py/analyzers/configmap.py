"""ConfigMap analyzer: ConfigMaps no pod or workload uses, and empty ConfigMaps (info)."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import (
    items,
    labels_of,
    mapping,
    name_of,
    ns_of,
    pod_template_spec,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.pod_refs import config_refs
from k8sgpt_py.analyzers.workload import workload_finding

SKIPPED_NAMES = frozenset({"kube-root-ca.crt"})
SIDECAR_LABELS = ("grafana_dashboard", "grafana_datasource", "prometheus_rule", "fluentd_config")
"""Labels of ConfigMaps that sidecars load through the API (not referenced by pod specs)."""
LARGE_BYTES = 768 * 1024  # a ConfigMap holds at most 1 MiB
_WORKLOADS = ("deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs")


@register("configmap", reads=("configmaps", "pods", *_WORKLOADS))
def analyze_configmaps(snapshot: Snapshot) -> list[Finding]:
    """Findings for ConfigMaps that are unused or empty."""
    used = _used_names(snapshot)
    findings: list[Finding] = []
    for config_map in snapshot.configmaps:
        namespace, name = ns_of(config_map), name_of(config_map)
        if (
            name in SKIPPED_NAMES
            or (namespace or "").startswith("kube-")
            or items(config_map, "metadata", "ownerReferences")
        ):
            continue
        findings.extend(_content_findings(config_map))
        is_sidecar = any(label in labels_of(config_map) for label in SIDECAR_LABELS)
        if (
            (namespace, name) not in used
            and not is_sidecar
            and snapshot.was_read("pods", namespace)
        ):
            findings.append(
                _finding(
                    config_map,
                    "Unused",
                    "no pod or workload template uses this configmap",
                    ["not referenced by env, envFrom or volumes of any pod or workload"],
                    "delete it if it is left over "
                    f"(kubectl delete configmap {name} -n {namespace}); "
                    "apps that read it through the API are not detected",
                )
            )
    return findings


def _content_findings(config_map: RawObject) -> list[Finding]:
    data, binary = mapping(config_map, "data"), mapping(config_map, "binaryData")
    if not data and not binary:
        return [
            _finding(
                config_map,
                "Empty",
                "configmap has no data",
                ["data: {}, binaryData: {}"],
                "fill it or delete it if nothing needs it",
            )
        ]
    size_bytes = sum(len(str(value)) for value in [*data.values(), *binary.values()])
    if size_bytes <= LARGE_BYTES:
        return []
    return [
        _finding(
            config_map,
            "Large",
            f"configmap holds {size_bytes // 1024} KiB, close to the 1 MiB limit",
            [f"data + binaryData: {size_bytes} bytes"],
            "move large content to a volume or an image; updates fail past 1 MiB",
        )
    ]


def _used_names(snapshot: Snapshot) -> set[tuple[str | None, str]]:
    used: set[tuple[str | None, str]] = set()
    for pod in snapshot.pods:
        used.update(
            (ns_of(pod), ref.name)
            for ref in config_refs(mapping(pod, "spec"))
            if ref.kind == "ConfigMap"
        )
    for field_name in _WORKLOADS:
        for workload in getattr(snapshot, field_name):
            refs = config_refs(pod_template_spec(workload))
            used.update((ns_of(workload), ref.name) for ref in refs if ref.kind == "ConfigMap")
    return used


def _finding(
    config_map: RawObject, reason: str, message: str, evidence: list[str], suggestion: str
) -> Finding:
    return workload_finding(
        config_map,
        analyzer="configmap",
        severity=Severity.INFO,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
