"""Records and registry of the analyzers: Severity, Finding, Snapshot, analyze().

Analyzers are pure functions ``Snapshot -> list[Finding]`` over raw Kubernetes JSON objects
(dicts exactly as the API server returns them). They do no I/O and never call the LLM.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cached_property
from typing import TYPE_CHECKING, Any

from k8sgpt_py.errors import UsageError

if TYPE_CHECKING:
    from k8sgpt_py.analyzers._index import SnapshotIndex

RawObject = Mapping[str, Any]
"""One Kubernetes object as the API server returns it (``metadata``, ``spec``, ``status``)."""

LogKey = tuple[str, str, str, bool]
"""(namespace, pod, container, previous) -> log text in :attr:`Snapshot.logs`."""


class Severity(StrEnum):
    """How bad a finding is; orders INFO < WARNING < CRITICAL."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for info, 1 for warning, 2 for critical."""
        return _RANKS[self.value]

    def _other_rank(self, other: str) -> int:
        return Severity(other).rank

    def __lt__(self, other: str) -> bool:
        return self.rank < self._other_rank(other)

    def __le__(self, other: str) -> bool:
        return self.rank <= self._other_rank(other)

    def __gt__(self, other: str) -> bool:
        return self.rank > self._other_rank(other)

    def __ge__(self, other: str) -> bool:
        return self.rank >= self._other_rank(other)


_RANKS = {"info": 0, "warning": 1, "critical": 2}


@dataclass(frozen=True)
class Finding:
    """One problem found on one object, with its evidence and the next step to fix it."""

    analyzer: str
    severity: Severity
    kind: str
    namespace: str | None
    name: str
    reason: str
    message: str
    evidence: tuple[str, ...]
    suggestion: str
    related: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        """``kind/namespace/name`` (``kind/name`` when cluster-scoped), kind in lower case."""
        return object_ref(self.kind, self.namespace, self.name)

    def to_json(self) -> dict[str, object]:
        """The finding as a JSON object with stable keys (the ``-o json`` contract)."""
        return {
            "analyzer": self.analyzer,
            "severity": self.severity.value,
            "kind": self.kind,
            "namespace": self.namespace,
            "name": self.name,
            "reason": self.reason,
            "message": self.message,
            "evidence": list(self.evidence),
            "suggestion": self.suggestion,
            "related": list(self.related),
        }


SNAPSHOT_KINDS: dict[str, str] = {
    "pods": "Pod",
    "deployments": "Deployment",
    "replicasets": "ReplicaSet",
    "statefulsets": "StatefulSet",
    "daemonsets": "DaemonSet",
    "services": "Service",
    "endpoints": "Endpoints",
    "ingresses": "Ingress",
    "ingressclasses": "IngressClass",
    "secrets": "Secret",
    "configmaps": "ConfigMap",
    "pvcs": "PersistentVolumeClaim",
    "storageclasses": "StorageClass",
    "nodes": "Node",
    "hpas": "HorizontalPodAutoscaler",
    "pdbs": "PodDisruptionBudget",
    "jobs": "Job",
    "cronjobs": "CronJob",
    "networkpolicies": "NetworkPolicy",
    "validating_webhooks": "ValidatingWebhookConfiguration",
    "mutating_webhooks": "MutatingWebhookConfiguration",
    "events": "Event",
}
"""Snapshot field -> Kubernetes kind it holds (``logs`` is the one field not listed)."""


@dataclass(frozen=True, kw_only=True)
class Snapshot:
    """What one scan read: lists of raw API objects, optional logs, and the clock.

    ``secrets`` carry metadata only (never ``data``). ``loaded`` names the fields that were
    actually read (``None``: all of them); checks that need a missing object to prove a
    problem (a Service referenced but absent) run only when its field was read. ``namespace``
    is the one namespace read (``None``: all), so cross-namespace references are not judged.
    """

    now: datetime
    pods: Sequence[RawObject] = ()
    deployments: Sequence[RawObject] = ()
    replicasets: Sequence[RawObject] = ()
    statefulsets: Sequence[RawObject] = ()
    daemonsets: Sequence[RawObject] = ()
    services: Sequence[RawObject] = ()
    endpoints: Sequence[RawObject] = ()
    ingresses: Sequence[RawObject] = ()
    ingressclasses: Sequence[RawObject] = ()
    secrets: Sequence[RawObject] = ()
    configmaps: Sequence[RawObject] = ()
    pvcs: Sequence[RawObject] = ()
    storageclasses: Sequence[RawObject] = ()
    nodes: Sequence[RawObject] = ()
    hpas: Sequence[RawObject] = ()
    pdbs: Sequence[RawObject] = ()
    jobs: Sequence[RawObject] = ()
    cronjobs: Sequence[RawObject] = ()
    networkpolicies: Sequence[RawObject] = ()
    validating_webhooks: Sequence[RawObject] = ()
    mutating_webhooks: Sequence[RawObject] = ()
    events: Sequence[RawObject] = ()
    logs: Mapping[LogKey, str] = field(default_factory=dict)
    loaded: frozenset[str] | None = None
    namespace: str | None = None

    def was_read(self, field_name: str, namespace: str | None = None) -> bool:
        """Whether absence from ``field_name`` (in ``namespace``) proves the object is absent."""
        if self.loaded is not None and field_name not in self.loaded:
            return False
        return namespace is None or self.namespace is None or namespace == self.namespace

    @cached_property
    def index(self) -> SnapshotIndex:
        """Lookups by name, events by object and owner chains (built once, on first use)."""
        from k8sgpt_py.analyzers._index import SnapshotIndex

        return SnapshotIndex(self)


AnalyzerFunc = Callable[[Snapshot], list[Finding]]


@dataclass(frozen=True)
class AnalyzerSpec:
    """A registered analyzer and the Snapshot fields it reads."""

    name: str
    func: AnalyzerFunc
    reads: frozenset[str]


ANALYZERS: dict[str, AnalyzerFunc] = {}
SPECS: dict[str, AnalyzerSpec] = {}
EVENTS_ANALYZER = "events"


def register(name: str, *, reads: Collection[str]) -> Callable[[AnalyzerFunc], AnalyzerFunc]:
    """Register ``func`` as analyzer ``name`` reading the given Snapshot fields."""
    unknown = set(reads) - set(SNAPSHOT_KINDS) - {"logs"}
    if unknown:
        raise ValueError(f"analyzer {name} reads unknown snapshot fields: {sorted(unknown)}")

    def decorate(func: AnalyzerFunc) -> AnalyzerFunc:
        SPECS[name] = AnalyzerSpec(name, func, frozenset(reads))
        ANALYZERS[name] = func
        if name != EVENTS_ANALYZER and EVENTS_ANALYZER in SPECS:  # keep "events" last
            SPECS[EVENTS_ANALYZER] = SPECS.pop(EVENTS_ANALYZER)
            ANALYZERS[EVENTS_ANALYZER] = ANALYZERS.pop(EVENTS_ANALYZER)
        return func

    return decorate


def _chosen(only: Collection[str] | None) -> list[str]:
    if only is None:
        return list(SPECS)
    wanted = {name.strip().lower() for name in only}
    unknown = sorted(wanted - set(SPECS))
    if unknown:
        raise UsageError(
            f"unknown analyzer(s): {', '.join(unknown)}",
            hint=f"choose from: {', '.join(sorted(SPECS))}",
        )
    return [name for name in SPECS if name in wanted]


def needed_kinds(only: Collection[str] | None = None) -> set[str]:
    """Snapshot fields the chosen analyzers read (so the CLI lists only those)."""
    needed: set[str] = set()
    for name in _chosen(only):
        needed |= SPECS[name].reads
    return needed


def sort_key(finding: Finding) -> tuple[int, str, str, str, str]:
    """Severity first (critical first), then namespace, kind, name and reason."""
    return (
        -finding.severity.rank,
        finding.namespace or "",
        finding.kind,
        finding.name,
        finding.reason,
    )


def analyze(snapshot: Snapshot, *, only: Collection[str] | None = None) -> list[Finding]:
    """Run the chosen analyzers (all by default) and return their findings, sorted.

    The events analyzer runs last and reports only Warning events that no finding of the
    other chosen analyzers already explains.

    Raises:
        UsageError: an unknown analyzer name in ``only``.
    """
    from k8sgpt_py.analyzers.events import unexplained_events

    names = _chosen(only)
    findings: list[Finding] = []
    for name in names:
        if name != EVENTS_ANALYZER:
            findings.extend(SPECS[name].func(snapshot))
    if EVENTS_ANALYZER in names:
        findings.extend(unexplained_events(snapshot, findings))
    return sorted(_dedupe(findings), key=sort_key)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen: set[tuple[str, str, str]] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = (finding.ref, finding.reason, finding.message)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def findings_for(
    findings: Sequence[Finding], kind: str, namespace: str | None, name: str
) -> list[Finding]:
    """Findings about one object or the objects it owns (via ``Finding.related``).

    ``kind`` may be a kind or kubectl short name (``Deployment``, ``deploy``, ``po``, ``svc``).
    """
    kind_name = canonical_kind(kind)
    target = object_ref(kind_name, None if kind_name in CLUSTER_SCOPED else namespace, name)
    return [f for f in findings if f.ref == target or target in f.related]


CLUSTER_SCOPED = frozenset(
    {
        "node",
        "ingressclass",
        "storageclass",
        "validatingwebhookconfiguration",
        "mutatingwebhookconfiguration",
        "namespace",
        "persistentvolume",
    }
)

_KIND_ALIASES = {
    "po": "pod",
    "pods": "pod",
    "deploy": "deployment",
    "deployments": "deployment",
    "rs": "replicaset",
    "replicasets": "replicaset",
    "sts": "statefulset",
    "statefulsets": "statefulset",
    "ds": "daemonset",
    "daemonsets": "daemonset",
    "svc": "service",
    "services": "service",
    "ep": "endpoints",
    "ing": "ingress",
    "ingresses": "ingress",
    "pvc": "persistentvolumeclaim",
    "pvcs": "persistentvolumeclaim",
    "no": "node",
    "nodes": "node",
    "hpa": "horizontalpodautoscaler",
    "pdb": "poddisruptionbudget",
    "jobs": "job",
    "cj": "cronjob",
    "cronjobs": "cronjob",
    "netpol": "networkpolicy",
    "cm": "configmap",
    "configmaps": "configmap",
    "secrets": "secret",
    "ns": "namespace",
}


def canonical_kind(kind: str) -> str:
    """Lower-case kind name for a kind or kubectl alias (``deploy`` -> ``deployment``)."""
    lowered = kind.strip().lower()
    return _KIND_ALIASES.get(lowered, lowered)


def object_ref(kind: str, namespace: str | None, name: str) -> str:
    """``deployment/staging/worker`` or, for cluster-scoped objects, ``node/node-a``."""
    kind_name = canonical_kind(kind)
    if namespace and kind_name not in CLUSTER_SCOPED:
        return f"{kind_name}/{namespace}/{name}"
    return f"{kind_name}/{name}"
