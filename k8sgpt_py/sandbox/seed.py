"""Seeding a store from the demo manifests (every ``*.yaml`` in the seed directory)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from k8sgpt_py.sandbox import rbac
from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.auth import ADMIN
from k8sgpt_py.sandbox.resources import by_kind
from k8sgpt_py.sandbox.statuses import backdate_rollouts
from k8sgpt_py.sandbox.storage import CLASSES, default_storage_class

Obj = dict[str, Any]
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Creation order by kind; anything else comes after, in file order.
_ORDER = [
    "Namespace",
    "Node",
    "ServiceAccount",
    "ConfigMap",
    "Secret",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "ResourceQuota",
    "LimitRange",
    "Service",
    "DaemonSet",
    "StatefulSet",
    "Deployment",
    "ReplicaSet",
    "Job",
    "CronJob",
    "Pod",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
]


def read_registry(seed_dir: Path) -> list[str]:
    """Image patterns from ``registry.txt`` (``#`` starts a comment); empty when absent."""
    path = seed_dir / "registry.txt"
    if not path.exists():
        return []
    lines = (
        line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
    )
    return [line for line in lines if line]


def read_manifests(seed_dir: Path) -> list[Obj]:
    """Every object in the directory's YAML files, in creation order (stable within a kind)."""
    docs: list[Obj] = []
    for path in sorted(seed_dir.glob("*.yaml")):
        with path.open(encoding="utf-8") as handle:
            loaded = yaml.load_all(handle, Loader=_LOADER)
            docs += [d for d in loaded if isinstance(d, dict) and d.get("kind")]
    rank = {kind: n for n, kind in enumerate(_ORDER)}
    return sorted(docs, key=lambda d: rank.get(str(d["kind"]), len(rank)))


def seed(api: Api, seed_dir: Path) -> None:
    """Create every manifest; a repeated object is applied as an update (rollout history)."""
    api.deferred = True
    try:
        for key, obj in [*rbac.bootstrap_objects(), (CLASSES, default_storage_class())]:
            api.store.put(key, obj)
        for doc in read_manifests(seed_dir):
            rtype = by_kind(str(doc.get("apiVersion")), str(doc["kind"]))
            if rtype is None:
                raise ValueError(f"seed: unsupported kind {doc.get('apiVersion')}/{doc['kind']}")
            meta = doc.get("metadata") or {}
            namespace = meta.get("namespace", "default") if rtype.namespaced else None
            name = meta.get("name")
            exists = api.store.get(rtype.key, namespace or "", name or "") is not None
            verb = "update" if exists else "create"
            req = Request(verb, rtype, namespace, name if exists else None, "", {}, ADMIN, doc)
            if exists:
                api.controller.reconcile()
                api.replace(req)
            else:
                api.create(req)
    finally:
        api.deferred = False
    api.controller.reconcile()
    # the demo cluster has been up for a while: its stuck rollouts are past their deadline
    backdate_rollouts(api.store)
    api.controller.reconcile()
