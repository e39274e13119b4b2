"""Analyzers: rule checks per Kubernetes kind over raw API objects (no I/O, no LLM).

Usage (what ``kai scan`` / ``kai explain`` do)::

    fields = needed_kinds(only)           # Snapshot fields to list ("logs": see wanted_logs)
    snap = Snapshot(now=now, loaded=frozenset(fields), namespace=ns, pods=..., events=...)
    logs = {key: read_log(*key) for key in wanted_logs(snap.pods)}
    findings = analyze(dataclasses.replace(snap, logs=logs), only=only)   # sorted
    findings_for(findings, "deploy", "staging", "worker")  # the object and what it owns

Importing this package registers every analyzer in :data:`ANALYZERS`.
"""

# Importing the modules registers them; the registry keeps "events" last.
from k8sgpt_py.analyzers import (
    configmap,
    cronjob,
    daemonset,
    deployment,
    events,
    hpa,
    ingress,
    job,
    networkpolicy,
    node,
    pdb,
    pod,
    pvc,
    replicaset,
    service,
    statefulset,
    webhook,
)
from k8sgpt_py.analyzers.base import (
    ANALYZERS,
    CLUSTER_SCOPED,
    SNAPSHOT_KINDS,
    Finding,
    LogKey,
    RawObject,
    Severity,
    Snapshot,
    analyze,
    canonical_kind,
    findings_for,
    needed_kinds,
    object_ref,
)
from k8sgpt_py.analyzers.pod_containers import wanted_logs

__all__ = [
    "ANALYZERS",
    "CLUSTER_SCOPED",
    "SNAPSHOT_KINDS",
    "Finding",
    "LogKey",
    "RawObject",
    "Severity",
    "Snapshot",
    "analyze",
    "canonical_kind",
    "configmap",
    "cronjob",
    "daemonset",
    "deployment",
    "events",
    "findings_for",
    "hpa",
    "ingress",
    "job",
    "needed_kinds",
    "networkpolicy",
    "node",
    "object_ref",
    "pdb",
    "pod",
    "pvc",
    "replicaset",
    "service",
    "statefulset",
    "wanted_logs",
    "webhook",
]
