"""Lookups over one Snapshot: objects by name, events by object, owner chains, pods by owner."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from k8sgpt_py.analyzers._k8s import (
    event_time,
    items,
    labels_of,
    map_selector_matches,
    mapping,
    name_of,
    ns_of,
    selector_matches,
    text,
)
from k8sgpt_py.analyzers.base import SNAPSHOT_KINDS, RawObject, Snapshot, object_ref

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_OWNER_FIELDS = {"ReplicaSet": "replicasets", "Job": "jobs", "Deployment": "deployments"}


class SnapshotIndex:
    """Read-only lookups built once per Snapshot."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self._by_name: dict[str, dict[tuple[str | None, str], RawObject]] = {}
        for field_name in SNAPSHOT_KINDS:
            objects: Sequence[RawObject] = getattr(snapshot, field_name)
            self._by_name[field_name] = {(ns_of(obj), name_of(obj)): obj for obj in objects}
        self._events: dict[tuple[str, str | None, str], list[RawObject]] = defaultdict(list)
        for event in snapshot.events:
            involved = event.get("involvedObject") or event.get("regarding") or {}
            key = (
                text(involved, "kind"),
                text(involved, "namespace") or None,
                text(involved, "name"),
            )
            self._events[key].append(event)
        for found in self._events.values():
            found.sort(key=lambda ev: event_time(ev) or _EPOCH)
        self._pods_by_ns: dict[str | None, list[RawObject]] = defaultdict(list)
        self._labelled: dict[str | None, list[tuple[RawObject, dict[str, str]]]] = defaultdict(list)
        self._by_label: dict[
            tuple[str | None, str, str], list[tuple[RawObject, dict[str, str]]]
        ] = defaultdict(list)
        for pod in snapshot.pods:
            self._pods_by_ns[ns_of(pod)].append(pod)
            labels = labels_of(pod)
            self._labelled[ns_of(pod)].append((pod, labels))
            for label, value in labels.items():
                self._by_label[(ns_of(pod), label, value)].append((pod, labels))
        self._chains: dict[int, tuple[RawObject, list[tuple[str, str]]]] = {}
        self._owned: dict[tuple[str, str | None, str], list[RawObject]] | None = None

    def get(self, field_name: str, namespace: str | None, name: str) -> RawObject | None:
        """The object called ``name`` in ``namespace`` from Snapshot field ``field_name``."""
        return self._by_name[field_name].get((namespace, name))

    def has(self, field_name: str, namespace: str | None, name: str) -> bool:
        """Whether the snapshot holds that object."""
        return (namespace, name) in self._by_name[field_name]

    def events_for(
        self, kind: str, namespace: str | None, name: str, *, reasons: Sequence[str] = ()
    ) -> list[RawObject]:
        """Events about one object, oldest first, optionally only the given reasons."""
        found = self._events.get((kind, namespace, name), [])
        if reasons:
            return [ev for ev in found if text(ev, "reason") in reasons]
        return list(found)

    def event_keys(self) -> list[tuple[str, str | None, str]]:
        """Every (kind, namespace, name) that has events."""
        return list(self._events)

    def pods_in(self, namespace: str | None) -> list[RawObject]:
        """Pods of one namespace."""
        return self._pods_by_ns.get(namespace, [])

    def pods_matching(
        self, namespace: str | None, selector: Mapping[str, Any], *, label_selector: bool
    ) -> list[RawObject]:
        """Pods of ``namespace`` selected by a LabelSelector or a plain map selector."""
        pods = self._labelled.get(namespace, [])
        plain = mapping(selector, "matchLabels") if label_selector else selector
        if plain:  # narrow to the pods carrying the rarest required label
            pods = min(
                (self._by_label.get((namespace, str(k), str(v)), []) for k, v in plain.items()),
                key=len,
            )
        if label_selector:
            return [pod for pod, labels in pods if selector_matches(selector, labels)]
        return [pod for pod, labels in pods if map_selector_matches(selector, labels)]

    def controller_of(self, obj: RawObject) -> tuple[str, str] | None:
        """(kind, name) of the controlling owner reference (or the first owner)."""
        owners = items(obj, "metadata", "ownerReferences")
        chosen = next(
            (ref for ref in owners if ref.get("controller")), owners[0] if owners else None
        )
        if chosen is None:
            return None
        return text(chosen, "kind"), text(chosen, "name")

    def owner_chain(self, obj: RawObject) -> list[tuple[str, str]]:
        """Owners from nearest to top: pod -> ReplicaSet -> Deployment, Job -> CronJob.

        When a pod's ReplicaSet is not in the snapshot, its Deployment is inferred from the
        ``pod-template-hash`` label (ReplicaSet names are ``<deployment>-<hash>``).
        """
        cached = self._chains.get(id(obj))
        if cached is None or cached[0] is not obj:  # ids are only unique among live objects
            cached = self._chains[id(obj)] = (obj, self._resolve_chain(obj))
        return list(cached[1])

    def _resolve_chain(self, obj: RawObject) -> list[tuple[str, str]]:
        chain: list[tuple[str, str]] = []
        namespace, current = ns_of(obj), obj
        for _ in range(4):
            owner = self.controller_of(current)
            if owner is None:
                break
            chain.append(owner)
            field_name = _OWNER_FIELDS.get(owner[0])
            found = self.get(field_name, namespace, owner[1]) if field_name else None
            if found is None:
                inferred = _inferred_deployment(current, owner)
                if inferred:
                    chain.append(("Deployment", inferred))
                break
            current = found
        return chain

    def related(self, obj: RawObject) -> tuple[str, ...]:
        """Owner refs as ``replicaset/ns/name``, nearest first (``Finding.related``)."""
        namespace = ns_of(obj)
        return tuple(object_ref(kind, namespace, name) for kind, name in self.owner_chain(obj))

    def top_owner(self, obj: RawObject) -> tuple[str, str] | None:
        """The topmost owner (Deployment for a ReplicaSet's pod), if any."""
        chain = self.owner_chain(obj)
        return chain[-1] if chain else None

    def owned_pods(self, kind: str, namespace: str | None, name: str) -> list[RawObject]:
        """Pods whose owner chain includes (kind, name)."""
        if self._owned is None:
            self._owned = defaultdict(list)
            for pod in self.snapshot.pods:
                for owner_kind, owner_name in self.owner_chain(pod):
                    self._owned[(owner_kind, ns_of(pod), owner_name)].append(pod)
        return list(self._owned.get((kind, namespace, name), []))


def _inferred_deployment(obj: RawObject, owner: tuple[str, str]) -> str | None:
    if owner[0] != "ReplicaSet":
        return None
    pod_hash = labels_of(obj).get("pod-template-hash")
    if pod_hash and owner[1].endswith(f"-{pod_hash}"):
        return owner[1][: -len(pod_hash) - 1]
    return None
