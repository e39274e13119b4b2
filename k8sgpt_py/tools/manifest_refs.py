"""Which object of a manifest a new object is created for, so the guardrails can ground it.

A request names what it is about ("give the ci-bot service account read access to pods"),
not every object a model writes to do it (a Role named ``pod-reader``). Within one
``apply_manifest`` call a new object gets a *scope* (see ``Proposal.scope``):

- a new RoleBinding with one subject is created for that subject (a ClusterRoleBinding grants
  cluster-wide, so the request must name it);
- a new NetworkPolicy, PodDisruptionBudget or Service that selects pods by their app label
  (``app``, ``app.kubernetes.io/name``, ``k8s-app``) is created for that app;
- a new object that another object of the manifest uses by name (a binding's roleRef, a
  pod template's ConfigMap, Secret, ServiceAccount or PersistentVolumeClaim) is created for
  that object, so it is asked for exactly when that object is.

Existing objects get no scope: changing one still needs the request to name it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from k8sgpt_py.analyzers._k8s import items, mapping, text
from k8sgpt_py.analyzers.pod_refs import config_refs

_BINDINGS = frozenset({"RoleBinding", "ClusterRoleBinding"})
_APP_LABELS = ("app.kubernetes.io/name", "app", "k8s-app")
_POD_SELECTORS = {
    "NetworkPolicy": ("spec", "podSelector", "matchLabels"),
    "PodDisruptionBudget": ("spec", "selector", "matchLabels"),
    "Service": ("spec", "selector"),
}


@dataclass(frozen=True)
class Entry:
    """One object of a manifest: its kind, name, namespace, body and whether it is new."""

    kind: str
    name: str
    namespace: str | None
    doc: Mapping[str, Any]
    is_new: bool


def _pod_spec(doc: Mapping[str, Any]) -> Mapping[str, Any]:
    kind = text(doc, "kind")
    if kind == "Pod":
        return mapping(doc, "spec")
    if kind == "CronJob":
        return mapping(doc, "spec", "jobTemplate", "spec", "template", "spec")
    return mapping(doc, "spec", "template", "spec")


def uses(entry: Entry) -> Iterator[tuple[str, str, str | None]]:
    """The (kind, name, namespace) of each object ``entry`` refers to by name."""
    doc, ns = entry.doc, entry.namespace
    if entry.kind in _BINDINGS:
        role_kind = text(doc, "roleRef", "kind")
        yield role_kind, text(doc, "roleRef", "name"), ns if role_kind == "Role" else None
        return
    spec = _pod_spec(doc)
    for ref in config_refs(spec):
        yield ref.kind, ref.name, ns
    if text(spec, "serviceAccountName"):
        yield "ServiceAccount", text(spec, "serviceAccountName"), ns
    for volume in items(spec, "volumes"):
        if text(volume, "persistentVolumeClaim", "claimName"):
            yield "PersistentVolumeClaim", text(volume, "persistentVolumeClaim", "claimName"), ns


def _own_scope(entry: Entry) -> str | None:
    """A new RoleBinding with one subject is for that subject; a pod selector, for its app."""
    if not entry.is_new:
        return None
    if entry.kind == "RoleBinding":
        subjects = items(entry.doc, "subjects")
        return (text(subjects[0], "name") or None) if len(subjects) == 1 else None
    if entry.kind in _POD_SELECTORS:
        labels = mapping(entry.doc, *_POD_SELECTORS[entry.kind])
        return next((str(labels[k]) for k in _APP_LABELS if labels.get(k)), None)
    return None


def creation_scopes(entries: Sequence[Entry]) -> list[str | None]:
    """The scope of each entry's proposal (None: the request must name the object itself)."""
    scopes = [_own_scope(e) for e in entries]
    users: dict[tuple[str, str, str | None], int] = {}
    for index, entry in enumerate(entries):
        for key in uses(entry):
            users.setdefault(key, index)
    for index, entry in enumerate(entries):
        user = users.get((entry.kind, entry.name, entry.namespace))
        if entry.is_new and scopes[index] is None and user is not None and user != index:
            scopes[index] = scopes[user] or entries[user].name
    return scopes
