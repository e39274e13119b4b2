"""Pod analyzer: crash loops, pull errors, OOM kills, scheduling, probes, config refs, evictions."""

from __future__ import annotations

from dataclasses import dataclass

from k8sgpt_py.analyzers import pod_containers
from k8sgpt_py.analyzers._k8s import (
    age_text,
    condition,
    event_line,
    kai_cmd,
    mapping,
    name_of,
    ns_of,
    parse_time,
    short_ref,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import Finding, RawObject, Severity, Snapshot, register
from k8sgpt_py.analyzers.pod_hints import scheduling_hints
from k8sgpt_py.analyzers.pod_refs import ConfigRef, config_refs

STUCK_CREATING_SECONDS = 300
_REF_FIELDS = {"ConfigMap": "configmaps", "Secret": "secrets"}
_STUCK_EVENT_REASONS = ("FailedMount", "FailedAttachVolume", "FailedCreatePodSandBox", "Failed")


@dataclass(frozen=True)
class PodView:
    """A pod plus what every pod check needs: its owner, kai target and the snapshot."""

    snapshot: Snapshot
    pod: RawObject
    namespace: str | None
    name: str
    related: tuple[str, ...]
    target: str  # "deploy/worker" (top owner) or "pod/worker-abc"
    owner_phrase: str  # "deployment staging/worker" or "pod staging/worker-abc"

    @classmethod
    def of(cls, snapshot: Snapshot, pod: RawObject) -> PodView:
        """Build the view, resolving the owner chain through the snapshot."""
        namespace, name = ns_of(pod), name_of(pod)
        owner = snapshot.index.top_owner(pod) or ("Pod", name)
        return cls(
            snapshot=snapshot,
            pod=pod,
            namespace=namespace,
            name=name,
            related=snapshot.index.related(pod),
            target=short_ref(owner[0], owner[1]),
            owner_phrase=f"{owner[0].lower()} {namespace}/{owner[1]}",
        )

    def events(self, *reasons: str) -> list[RawObject]:
        """This pod's events (oldest first), optionally only some reasons."""
        return self.snapshot.index.events_for("Pod", self.namespace, self.name, reasons=reasons)

    def finding(
        self,
        severity: Severity,
        reason: str,
        message: str,
        evidence: list[str],
        suggestion: str,
    ) -> Finding:
        """A pod finding with this pod's identity and owners filled in."""
        unique = tuple(dict.fromkeys(line for line in evidence if line))
        return Finding(
            analyzer="pod",
            severity=severity,
            kind="Pod",
            namespace=self.namespace,
            name=self.name,
            reason=reason,
            message=message,
            evidence=unique,
            suggestion=suggestion,
            related=self.related,
        )


@register("pod", reads=("pods", "replicasets", "configmaps", "secrets", "nodes", "events", "logs"))
def analyze_pods(snapshot: Snapshot) -> list[Finding]:
    """Findings for every pod in the snapshot."""
    findings: list[Finding] = []
    for pod in snapshot.pods:
        findings.extend(_pod_findings(PodView.of(snapshot, pod)))
    return findings


def _pod_findings(view: PodView) -> list[Finding]:
    phase = text(view.pod, "status", "phase")
    if phase == "Succeeded":
        return []
    if phase == "Failed":
        return _failed(view)
    found = _missing_refs(view)
    found.extend(_unschedulable(view))
    skip = {"CreateContainerConfigError"} if found else set()
    found.extend(pod_containers.container_findings(view, skip_reasons=skip))
    if not found and phase == "Pending":
        found.extend(_stuck_pending(view))
    return found


def _failed(view: PodView) -> list[Finding]:
    if any(kind == "Job" for kind, _ in view.snapshot.index.owner_chain(view.pod)):
        return []  # the job analyzer reports failed job pods
    reason = text(view.pod, "status", "reason") or "Failed"
    message = text(view.pod, "status", "message")
    if reason == "Evicted":
        return [
            view.finding(
                Severity.WARNING,
                "Evicted",
                f"pod was evicted from node {text(view.pod, 'spec', 'nodeName') or '?'}",
                [trim(message)],
                "the node ran short of a resource: set requests close to real usage for "
                f"{view.owner_phrase}, then delete the evicted pod "
                f"(kubectl delete pod -n {view.namespace} {view.name})",
            )
        ]
    return [
        view.finding(
            Severity.WARNING,
            reason,
            f"pod failed ({reason})",
            [trim(message)],
            f"inspect it: kubectl describe pod -n {view.namespace} {view.name}",
        )
    ]


def _missing_refs(view: PodView) -> list[Finding]:
    snapshot = view.snapshot
    missing: dict[tuple[str, str, str | None], list[ConfigRef]] = {}
    for ref in config_refs(mapping(view.pod, "spec")):
        field_name = _REF_FIELDS[ref.kind]
        if ref.is_optional or not ref.name or not snapshot.was_read(field_name, view.namespace):
            continue
        obj = snapshot.index.get(field_name, view.namespace, ref.name)
        if obj is None:
            missing.setdefault((ref.kind, ref.name, None), []).append(ref)
        elif ref.kind == "ConfigMap" and ref.key and not _has_key(obj, ref.key):
            missing.setdefault((ref.kind, ref.name, ref.key), []).append(ref)
    return [_missing_ref_finding(view, key, refs) for key, refs in missing.items()]


def _has_key(config_map: RawObject, key: str) -> bool:
    return key in mapping(config_map, "data") or key in mapping(config_map, "binaryData")


def _missing_ref_finding(
    view: PodView, key: tuple[str, str, str | None], refs: list[ConfigRef]
) -> Finding:
    kind, ref_name, missing_key = key
    uses = ", ".join(dict.fromkeys(ref.where for ref in refs))
    evidence = [
        f"{kind} {view.namespace}/{ref_name} not found in the namespace"
        if missing_key is None
        else f"ConfigMap {view.namespace}/{ref_name} has no key {missing_key}"
    ]
    evidence.extend(pod_containers.waiting_messages(view.pod, "CreateContainerConfigError"))
    evidence.extend(event_line(ev) for ev in view.events("FailedMount")[-2:])
    if missing_key is None:
        reason, what = f"Missing{kind}", f"{kind.lower()} {ref_name!r} does not exist"
        create = (
            f"kubectl create secret generic {ref_name} -n {view.namespace} --from-literal=KEY=VALUE"
            if kind == "Secret"
            else f"kubectl create configmap {ref_name} -n {view.namespace} --from-literal=KEY=VALUE"
        )
        fix = f"create it ({create}) or fix the reference in {view.owner_phrase}"
    else:
        reason, what = "MissingConfigMapKey", f"configmap {ref_name!r} has no key {missing_key!r}"
        fix = f"add key {missing_key} to configmap {view.namespace}/{ref_name} or fix {uses}"
    return view.finding(Severity.CRITICAL, reason, f"{what} (used by {uses})", evidence, fix)


def _unschedulable(view: PodView) -> list[Finding]:
    scheduled = condition(view.pod, "PodScheduled")
    events = view.events("FailedScheduling")
    if scheduled is None:
        unplaced = text(view.pod, "status", "phase") == "Pending" and not text(
            view.pod, "spec", "nodeName"
        )
        if not (unplaced and events):
            return []
        scheduled = {"status": "False", "reason": "Unschedulable"}
    if text(scheduled, "status") != "False":
        return []
    cond_message = text(scheduled, "message")
    message = cond_message or (text(events[-1], "message") if events else "")
    headline = message.split(" preemption:", 1)[0]
    waited = age_text(
        view.snapshot.now, parse_time(text(view.pod, "metadata", "creationTimestamp"))
    )
    evidence = []
    if cond_message:
        evidence.append(f"PodScheduled=False {text(scheduled, 'reason')}: {trim(cond_message)}")
    evidence.extend(event_line(ev) for ev in events[-2:])
    hints = scheduling_hints(message, view.pod, view.snapshot, view.target)
    return [
        view.finding(
            Severity.CRITICAL,
            "Unschedulable",
            trim(f"pending for {waited}: {headline or 'the scheduler found no node'}", 240),
            evidence,
            "; ".join(hints),
        )
    ]


def _stuck_pending(view: PodView) -> list[Finding]:
    created = parse_time(text(view.pod, "metadata", "creationTimestamp"))
    if created is None or (view.snapshot.now - created).total_seconds() < STUCK_CREATING_SECONDS:
        return []
    events = [ev for ev in view.events(*_STUCK_EVENT_REASONS) if text(ev, "type") == "Warning"]
    if not events:
        return []
    latest = events[-1]
    return [
        view.finding(
            Severity.WARNING,
            text(latest, "reason"),
            f"pod has been starting for {age_text(view.snapshot.now, created)}",
            [event_line(ev) for ev in events[-3:]],
            _stuck_suggestion(view, text(latest, "reason")),
        )
    ]


def _stuck_suggestion(view: PodView, reason: str) -> str:
    if reason in ("FailedMount", "FailedAttachVolume"):
        return (
            f"a volume of {view.owner_phrase} cannot be mounted: check its PVC, Secret or ConfigMap"
        )
    if reason == "FailedCreatePodSandBox":
        return "the node's network (CNI) failed to set up the pod: check the CNI pods on that node"
    return f"inspect it: {kai_cmd(view.namespace, f'describe pod {view.name}')}"
