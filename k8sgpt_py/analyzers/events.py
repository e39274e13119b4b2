"""Events analyzer: Warning events that no other finding already explains."""

from __future__ import annotations

from collections.abc import Sequence

from k8sgpt_py.analyzers._k8s import event_line, number, text, trim
from k8sgpt_py.analyzers.base import (
    EVENTS_ANALYZER,
    SNAPSHOT_KINDS,
    SPECS,
    Finding,
    RawObject,
    Severity,
    Snapshot,
    object_ref,
    register,
)

_FIELD_OF_KIND = {kind: field_name for field_name, kind in SNAPSHOT_KINDS.items()}


@register(EVENTS_ANALYZER, reads=("events",))
def analyze_events(snapshot: Snapshot) -> list[Finding]:
    """Warning events not explained by the findings of all other analyzers."""
    others = [
        f for name, spec in SPECS.items() if name != EVENTS_ANALYZER for f in spec.func(snapshot)
    ]
    return unexplained_events(snapshot, others)


def unexplained_events(snapshot: Snapshot, findings: Sequence[Finding]) -> list[Finding]:
    """One finding per (object, reason) of Warning events about objects with no finding.

    Events about objects that the snapshot read but no longer holds (deleted pods) are stale
    and skipped.
    """
    explained = {f.ref for f in findings} | {ref for f in findings for ref in f.related}
    results: list[Finding] = []
    for kind, namespace, name in snapshot.index.event_keys():
        if _is_explained(snapshot, explained, kind, namespace, name) or _is_stale(
            snapshot, kind, namespace, name
        ):
            continue
        warnings = [
            ev
            for ev in snapshot.index.events_for(kind, namespace, name)
            if text(ev, "type") == "Warning"
        ]
        by_reason: dict[str, list[RawObject]] = {}
        for event in warnings:
            by_reason.setdefault(text(event, "reason") or "Warning", []).append(event)
        results.extend(
            _finding(kind, namespace, name, reason, evs) for reason, evs in by_reason.items()
        )
    return results


def _is_explained(
    snapshot: Snapshot, explained: set[str], kind: str, namespace: str | None, name: str
) -> bool:
    """Whether a finding covers the object itself or one of its owners."""
    if object_ref(kind, namespace, name) in explained:
        return True
    field_name = _FIELD_OF_KIND.get(kind)
    obj = snapshot.index.get(field_name, namespace, name) if field_name else None
    return obj is not None and any(ref in explained for ref in snapshot.index.related(obj))


def _is_stale(snapshot: Snapshot, kind: str, namespace: str | None, name: str) -> bool:
    field_name = _FIELD_OF_KIND.get(kind)
    if field_name is None or not snapshot.was_read(field_name, namespace):
        return False
    return not snapshot.index.has(field_name, namespace, name)


def _finding(
    kind: str, namespace: str | None, name: str, reason: str, events: list[RawObject]
) -> Finding:
    latest = events[-1]
    total = sum(max(1, number(ev, "count")) for ev in events)
    times = f" ({total} times)" if total > 1 else ""
    where = f"-n {namespace} " if namespace else ""
    return Finding(
        analyzer=EVENTS_ANALYZER,
        severity=Severity.WARNING,
        kind=kind,
        namespace=namespace,
        name=name,
        reason=reason,
        message=trim(f"{reason}{times}: {text(latest, 'message')}", 240),
        evidence=tuple(dict.fromkeys(event_line(ev) for ev in events[-3:])),
        suggestion="look at the object and its recent events: "
        f"kubectl describe {kind.lower()} {where}{name}",
    )
