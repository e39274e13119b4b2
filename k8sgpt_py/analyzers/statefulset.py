"""StatefulSet analyzer: missing Service or StorageClass, unready replicas, stuck updates."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import dig, items, kai_explain, name_of, ns_of, number, text
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import (
    child_problems,
    problem_summary,
    ready_count,
    workload_finding,
)


@register("statefulset", reads=("statefulsets", "services", "storageclasses", "pods"))
def analyze_statefulsets(snapshot: Snapshot) -> list[Finding]:
    """Findings for every StatefulSet in the snapshot."""
    findings: list[Finding] = []
    for sts in snapshot.statefulsets:
        findings.extend(_missing_service(snapshot, sts))
        findings.extend(_missing_storage_classes(snapshot, sts))
        findings.extend(_unready(snapshot, sts))
    return findings


def _missing_service(snapshot: Snapshot, sts: RawObject) -> list[Finding]:
    namespace, service = ns_of(sts), text(sts, "spec", "serviceName")
    if not service or not snapshot.was_read("services", namespace):
        return []
    if snapshot.index.has("services", namespace, service):
        return []
    return [
        workload_finding(
            sts,
            analyzer="statefulset",
            severity=Severity.WARNING,
            reason="ServiceMissing",
            message=f"governing service {service!r} does not exist, "
            "so pods get no stable DNS names",
            evidence=[f"spec.serviceName: {service}", f"no service {namespace}/{service}"],
            suggestion=f"create a headless service {service} (clusterIP: None) selecting the pods "
            f"of statefulset {namespace}/{name_of(sts)}",
        )
    ]


def _missing_storage_classes(snapshot: Snapshot, sts: RawObject) -> list[Finding]:
    if not snapshot.was_read("storageclasses"):
        return []
    found = []
    for template in items(sts, "spec", "volumeClaimTemplates"):
        storage_class = text(template, "spec", "storageClassName")
        if storage_class and not snapshot.index.has("storageclasses", None, storage_class):
            claim = name_of(template)
            found.append(
                workload_finding(
                    sts,
                    analyzer="statefulset",
                    severity=Severity.CRITICAL,
                    reason="StorageClassMissing",
                    message=f"volumeClaimTemplate {claim} uses storage class {storage_class!r}, "
                    "which does not exist",
                    evidence=[
                        f"volumeClaimTemplates[{claim}].spec.storageClassName: {storage_class}"
                    ],
                    suggestion="use an existing storage class (kubectl get storageclass) in the "
                    "template; it cannot be changed in place, so recreate the statefulset",
                )
            )
    return found


def _unready(snapshot: Snapshot, sts: RawObject) -> list[Finding]:
    namespace, name = ns_of(sts), name_of(sts)
    desired = number(sts, "spec", "replicas", default=1)
    ready = ready_count(snapshot, sts, "StatefulSet", "readyReplicas")
    current, update = text(sts, "status", "currentRevision"), text(sts, "status", "updateRevision")
    stuck = bool(current and update and current != update)
    if desired == 0 or (ready >= desired and not stuck):
        return []
    problems = child_problems(snapshot, "StatefulSet", namespace, name)
    if ready >= desired and not problems:
        return []  # a rolling update that is healthy so far
    summary = f"; pods: {problem_summary(problems)}" if problems else ""
    partition = dig(sts, "spec", "updateStrategy", "rollingUpdate", "partition")
    evidence = [f"revision {current} -> {update}"] if stuck else []
    if partition:
        evidence.append(f"rollingUpdate.partition: {partition}")
    return [
        workload_finding(
            sts,
            analyzer="statefulset",
            severity=Severity.CRITICAL if ready == 0 else Severity.WARNING,
            reason="UnavailableReplicas",
            message=f"{ready}/{desired} replicas ready{summary}",
            evidence=evidence + problems[:5],
            suggestion="pods start in order, so the first broken one blocks the rest: fix it "
            f"({kai_explain(namespace, f'sts/{name}')})",
        )
    ]
