"""PersistentVolumeClaim analyzer: claims stuck Pending (with the events' reason) or Lost."""

from __future__ import annotations

from k8sgpt_py.analyzers._k8s import (
    age_text,
    event_line,
    items,
    name_of,
    ns_of,
    parse_time,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.workload import workload_finding

PENDING_GRACE_SECONDS = 60


@register("pvc", reads=("pvcs", "events", "pods", "storageclasses"))
def analyze_pvcs(snapshot: Snapshot) -> list[Finding]:
    """Findings for every PVC in the snapshot."""
    findings: list[Finding] = []
    for claim in snapshot.pvcs:
        phase = text(claim, "status", "phase")
        if phase == "Pending":
            findings.extend(_pending(snapshot, claim))
        elif phase == "Lost":
            volume = text(claim, "spec", "volumeName") or "?"
            findings.append(
                _finding(
                    claim,
                    Severity.CRITICAL,
                    "Lost",
                    f"claim lost its volume {volume}: pods using it cannot start",
                    [f"status.phase: Lost, spec.volumeName: {volume}"],
                    "restore the PersistentVolume from backup or recreate the claim (data on the "
                    "old volume is gone)",
                )
            )
    return findings


def _users(snapshot: Snapshot, claim: RawObject) -> list[str]:
    namespace, name = ns_of(claim), name_of(claim)
    return [
        name_of(pod)
        for pod in snapshot.index.pods_in(namespace)
        if any(
            text(v, "persistentVolumeClaim", "claimName") == name
            for v in items(pod, "spec", "volumes")
        )
    ]


def _pending(snapshot: Snapshot, claim: RawObject) -> list[Finding]:
    namespace, name = ns_of(claim), name_of(claim)
    events = snapshot.index.events_for("PersistentVolumeClaim", namespace, name)
    warnings = [ev for ev in events if text(ev, "type") == "Warning"]
    created = parse_time(text(claim, "metadata", "creationTimestamp"))
    young = created is not None and (snapshot.now - created).total_seconds() < PENDING_GRACE_SECONDS
    storage_class = text(claim, "spec", "storageClassName")
    class_missing = bool(
        storage_class
        and snapshot.was_read("storageclasses")
        and not snapshot.index.has("storageclasses", None, storage_class)
    )
    waiting = bool(events) and text(events[-1], "reason") == "WaitForFirstConsumer"
    if not warnings and not class_missing and (young or waiting):
        return []
    users = _users(snapshot, claim)
    latest = warnings[-1] if warnings else (events[-1] if events else None)
    why = f"{text(latest, 'reason')}: {text(latest, 'message')}" if latest else "no events"
    if class_missing:
        why = f"storage class {storage_class!r} does not exist"
    evidence = [event_line(ev) for ev in (warnings or events)[-3:]]
    if class_missing:
        evidence.insert(0, f"spec.storageClassName: {storage_class} (not in the cluster)")
    if users:
        evidence.append(f"used by pods: {', '.join(users[:5])}")
    return [
        _finding(
            claim,
            Severity.CRITICAL if users else Severity.WARNING,
            "Pending",
            trim(f"claim pending for {age_text(snapshot.now, created)}: {why}", 240),
            evidence,
            _pending_suggestion(storage_class, class_missing, why),
        )
    ]


def _pending_suggestion(storage_class: str, class_missing: bool, why: str) -> str:
    if class_missing:
        return (
            "recreate the claim with an existing storage class (kubectl get storageclass); "
            "storageClassName cannot be changed in place"
        )
    if "no persistent volumes available" in why or not storage_class:
        return (
            "no volume matches and nothing provisions one: set a storageClassName with a "
            "provisioner or create a matching PV"
        )
    return (
        f"check the provisioner of storage class {storage_class} (its controller pod logs) "
        "and the requested size/access mode"
    )


def _finding(
    claim: RawObject,
    severity: Severity,
    reason: str,
    message: str,
    evidence: list[str],
    suggestion: str,
) -> Finding:
    return workload_finding(
        claim,
        analyzer="pvc",
        severity=severity,
        reason=reason,
        message=message,
        evidence=evidence,
        suggestion=suggestion,
    )
