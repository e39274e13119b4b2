"""Workload controllers: Deployment -> ReplicaSet -> Pod, StatefulSet, DaemonSet and Job."""

from __future__ import annotations

import json
from typing import Any

from k8sgpt_py.sandbox.events import record_event
from k8sgpt_py.sandbox.quota import admit
from k8sgpt_py.sandbox.rollout import next_sizes
from k8sgpt_py.sandbox.scheduler import is_terminated, matches_node_selection, untolerated_taint
from k8sgpt_py.sandbox.store import Store, clone, short_hash

Obj = dict[str, Any]
DEPLOYMENTS, REPLICASETS = "apps/deployments", "apps/replicasets"
STATEFULSETS, DAEMONSETS, JOBS, PODS = "apps/statefulsets", "apps/daemonsets", "batch/jobs", "/pods"
REVISION = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"


# ---------------------------------------------------------------- helpers


def template_hash(template: Obj) -> str:
    """``pod-template-hash`` of a pod template (ignoring the hash labels themselves)."""
    meta = template.get("metadata") or {}
    labels = {
        k: v
        for k, v in (meta.get("labels") or {}).items()
        if k not in {HASH_LABEL, "controller-revision-hash"}
    }
    clean = _normalize({**template, "metadata": {**meta, "labels": labels}})
    return short_hash(json.dumps(clean, sort_keys=True), 10)


def owner_template_hash(owner: Obj) -> str:
    """:func:`template_hash` of a stored workload's pod template.

    Not cached across calls: uids and resourceVersions repeat between sandboxes (the seed is
    deterministic), so a process-wide cache keyed by them mixed up different sandboxes.
    """
    return template_hash(owner["spec"]["template"])


def rs_hash(rs: Obj) -> str:
    """The ReplicaSet's ``pod-template-hash`` label (computed when it is missing)."""
    return str(
        (rs["metadata"].get("labels") or {}).get(HASH_LABEL)
        or template_hash(rs["spec"]["template"])
    )


def _normalize(value: Any) -> Any:
    """Drop nulls and empty maps/lists, so Go's round-tripped templates hash the same."""
    if isinstance(value, dict):
        out = {k: _normalize(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None and v != {} and v != []}
    if isinstance(value, list):
        return [_normalize(v) for v in value]
    return value


def save_if_changed(store: Store, key: str, obj: Obj, before: Obj | None) -> bool:
    """Store ``obj`` when it differs from ``before`` (ignoring resourceVersion)."""
    if before is not None and _strip_rv(before) == _strip_rv(obj):
        return False
    store.put(key, obj)
    return True


def _strip_rv(obj: Obj) -> Obj:
    meta = dict(obj.get("metadata") or {})
    meta.pop("resourceVersion", None)
    return {**obj, "metadata": meta}


def pod_suffix(owner: str, store: Store) -> str:
    """Deterministic 5-character name suffix for the next pod of ``owner``."""
    return short_hash(f"{owner}/{store.next_counter('pods/' + owner)}", 5)


def owned(store: Store, key: str, owner: Obj) -> list[Obj]:
    """Objects of type ``key`` controlled by ``owner`` (by uid)."""
    uid = owner["metadata"].get("uid")
    return [
        o
        for o in store.list(key, owner["metadata"].get("namespace"))
        if any(
            r.get("uid") == uid and r.get("controller")
            for r in o["metadata"].get("ownerReferences") or []
        )
    ]


def owner_ref(owner: Obj, kind: str, api_version: str) -> Obj:
    """Controller ownerReference pointing at ``owner``."""
    meta = owner["metadata"]
    return {
        "apiVersion": api_version,
        "kind": kind,
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "controller": True,
        "blockOwnerDeletion": True,
    }


def is_ready(pod: Obj) -> bool:
    """Whether the pod's Ready condition is True."""
    conds = (pod.get("status") or {}).get("conditions") or []
    return any(c.get("type") == "Ready" and c.get("status") == "True" for c in conds)


def _create_pod(
    store: Store, owner: Obj, kind: str, name: str, template: Obj, extra: Obj | None = None
) -> Obj | None:
    tmeta = template.get("metadata") or {}
    meta: Obj = {
        "name": name,
        "namespace": owner["metadata"]["namespace"],
        "labels": dict(tmeta.get("labels") or {}),
        "ownerReferences": [owner_ref(owner, kind, "batch/v1" if kind == "Job" else "apps/v1")],
    }
    if kind in {"ReplicaSet", "DaemonSet", "Job"}:
        meta["generateName"] = f"{owner['metadata']['name']}-"
    if tmeta.get("annotations"):
        meta["annotations"] = dict(tmeta["annotations"])
    spec = clone(template.get("spec") or {})
    spec.update(extra or {})
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": meta,
        "spec": spec,
        "status": {"phase": "Pending"},
    }
    refused = admit(store, pod)
    if refused is not None:
        record_event(
            store,
            owner,
            _key(kind),
            reason="FailedCreate",
            message=f'Error creating: pods "{meta.get("generateName") or name}" is forbidden: '
            f"{refused}",
            event_type="Warning",
            component=f"{kind.lower()}-controller",
        )
        return None
    store.put(PODS, pod)
    record_event(
        store,
        owner,
        _key(kind),
        reason="SuccessfulCreate",
        message=f"Created pod: {name}",
        component=f"{kind.lower()}-controller",
    )
    return pod


def _delete_pod(store: Store, owner: Obj, kind: str, pod: Obj) -> None:
    record_killing(store, pod)
    store.delete(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
    record_event(
        store,
        owner,
        _key(kind),
        reason="SuccessfulDelete",
        message=f"Deleted pod: {pod['metadata']['name']}",
        component=f"{kind.lower()}-controller",
    )


def record_killing(store: Store, pod: Obj) -> None:
    """The kubelet's ``Killing`` events for a pod about to be deleted."""
    if (pod.get("spec") or {}).get("nodeName"):
        for container in pod["spec"].get("containers") or []:
            record_event(
                store,
                pod,
                PODS,
                reason="Killing",
                message=f"Stopping container {container['name']}",
                host=pod["spec"]["nodeName"],
                field_path=f"spec.containers{{{container['name']}}}",
            )


def _key(kind: str) -> str:
    return {
        "ReplicaSet": REPLICASETS,
        "StatefulSet": STATEFULSETS,
        "DaemonSet": DAEMONSETS,
        "Job": JOBS,
    }[kind]


def revision_of(rs: Obj) -> int:
    """The ``deployment.kubernetes.io/revision`` annotation as an int."""
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


# ---------------------------------------------------------------- deployments


def sync_deployments(store: Store) -> bool:
    """Make each Deployment's ReplicaSets match its template and replicas."""
    changed = False
    for deployment in store.list(DEPLOYMENTS):
        changed |= _sync_deployment(store, deployment)
    return changed


def _new_replicaset(store: Store, deployment: Obj, digest: str, revision: int) -> Obj:
    meta, spec = deployment["metadata"], deployment["spec"]
    template = clone(spec["template"])
    template.setdefault("metadata", {}).setdefault("labels", {})[HASH_LABEL] = digest
    selector = clone(spec["selector"])
    selector.setdefault("matchLabels", {})[HASH_LABEL] = digest
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": f"{meta['name']}-{digest}",
            "namespace": meta["namespace"],
            "labels": dict(template["metadata"]["labels"]),
            "annotations": {
                REVISION: str(revision),
                "deployment.kubernetes.io/desired-replicas": str(spec.get("replicas", 1)),
                "deployment.kubernetes.io/max-replicas": str(spec.get("replicas", 1) + 1),
            },
            "ownerReferences": [owner_ref(deployment, "Deployment", "apps/v1")],
        },
        "spec": {"replicas": 0, "selector": selector, "template": template},
        "status": {"replicas": 0},
    }
    store.put(REPLICASETS, rs)
    return rs


def _scale_rs(store: Store, deployment: Obj, rs: Obj, replicas: int) -> bool:
    old = int(rs["spec"].get("replicas") or 0)
    if old == replicas:
        return False
    rs = clone(rs)
    rs["spec"]["replicas"] = replicas
    annotations = rs["metadata"].setdefault("annotations", {})
    annotations["deployment.kubernetes.io/desired-replicas"] = str(
        deployment["spec"].get("replicas", 1)
    )
    store.put(REPLICASETS, rs)
    direction = "up" if replicas > old else "down"
    record_event(
        store,
        deployment,
        DEPLOYMENTS,
        reason="ScalingReplicaSet",
        component="deployment-controller",
        message=f"Scaled {direction} replica set {rs['metadata']['name']} from {old} to {replicas}",
    )
    return True


def _sync_deployment(store: Store, deployment: Obj) -> bool:
    spec = deployment["spec"]
    digest = owner_template_hash(deployment)
    sets = owned(store, REPLICASETS, deployment)
    max_revision = max((revision_of(rs) for rs in sets), default=0)
    current = next((rs for rs in sets if rs_hash(rs) == digest), None)
    changed = False
    if current is None and spec.get("paused") and sets:
        # a paused Deployment keeps its newest ReplicaSet until it is resumed
        current = max(sets, key=revision_of)
    elif current is None:
        current = _new_replicaset(store, deployment, digest, max_revision + 1)
        changed = True
    elif revision_of(current) < max_revision:
        current = clone(current)
        current["metadata"]["annotations"][REVISION] = str(max_revision + 1)
        store.put(REPLICASETS, current)
        changed = True
    old_sets = [rs for rs in sets if rs["metadata"]["name"] != current["metadata"]["name"]]
    if spec.get("paused"):
        sizes = {current["metadata"]["name"]: int(spec.get("replicas", 1))}
    else:
        sizes = next_sizes(deployment, current, old_sets)
    for rs in [current, *old_sets]:
        if rs["metadata"]["name"] in sizes:
            changed |= _scale_rs(store, deployment, rs, sizes[rs["metadata"]["name"]])
    limit = int(spec.get("revisionHistoryLimit", 10))
    idle = [
        rs
        for rs in old_sets
        if not rs["spec"].get("replicas") and rs["metadata"]["name"] not in sizes
    ]
    for rs in sorted(idle, key=revision_of, reverse=True)[limit:]:
        store.delete(REPLICASETS, rs["metadata"]["namespace"], rs["metadata"]["name"])
        changed = True
    revision = current["metadata"]["annotations"][REVISION]
    if (deployment["metadata"].get("annotations") or {}).get(REVISION) != revision:
        deployment = clone(deployment)
        deployment["metadata"].setdefault("annotations", {})[REVISION] = revision
        store.put(DEPLOYMENTS, deployment)
        changed = True
    return changed


# ---------------------------------------------------------------- replica sets


def sync_replicasets(store: Store) -> bool:
    """Create or delete pods so each ReplicaSet has ``spec.replicas`` of them."""
    changed = False
    for rs in store.list(REPLICASETS):
        pods = [p for p in owned(store, PODS, rs) if not is_terminated(p)]
        desired = int(rs["spec"].get("replicas") or 0)
        name = rs["metadata"]["name"]
        for _ in range(desired - len(pods)):
            pod_name = f"{name}-{pod_suffix(name, store)}"
            if _create_pod(store, rs, "ReplicaSet", pod_name, rs["spec"]["template"]) is None:
                break
            changed = True
        if len(pods) > desired:
            victims = sorted(pods, key=lambda p: (is_ready(p), p["metadata"]["creationTimestamp"]))
            for pod in victims[: len(pods) - desired]:
                _delete_pod(store, rs, "ReplicaSet", pod)
            changed = True
    return changed


# ---------------------------------------------------------------- stateful sets


def sync_statefulsets(store: Store) -> bool:
    """Pods ``<name>-0..N-1`` at the current template revision."""
    changed = False
    for sts in store.list(STATEFULSETS):
        name, ns = sts["metadata"]["name"], sts["metadata"]["namespace"]
        revision = f"{name}-{owner_template_hash(sts)}"
        replicas = int(sts["spec"].get("replicas", 1))
        pods = {p["metadata"]["name"]: p for p in owned(store, PODS, sts)}
        for pod_name, pod in pods.items():
            ordinal = pod_name.rsplit("-", 1)[-1]
            stale = pod["metadata"]["labels"].get("controller-revision-hash") != revision
            if stale or not ordinal.isdigit() or int(ordinal) >= replicas:
                _delete_pod(store, sts, "StatefulSet", pod)
                changed = True
        for ordinal in range(replicas):
            pod_name = f"{name}-{ordinal}"
            if store.get(PODS, ns, pod_name) is not None:
                continue
            template = clone(sts["spec"]["template"])
            labels = template.setdefault("metadata", {}).setdefault("labels", {})
            labels.update(
                {
                    "controller-revision-hash": revision,
                    "statefulset.kubernetes.io/pod-name": pod_name,
                    "apps.kubernetes.io/pod-index": str(ordinal),
                }
            )
            extra = {"hostname": pod_name, "subdomain": sts["spec"].get("serviceName", name)}
            if _create_pod(store, sts, "StatefulSet", pod_name, template, extra) is None:
                break
            changed = True
    return changed


# ---------------------------------------------------------------- daemon sets


def sync_daemonsets(store: Store) -> bool:
    """One pod per node the template tolerates and selects."""
    changed = False
    nodes = store.list("/nodes")
    for ds in store.list(DAEMONSETS):
        digest = owner_template_hash(ds)
        template = clone(ds["spec"]["template"])
        template.setdefault("metadata", {}).setdefault("labels", {})["controller-revision-hash"] = (
            digest
        )
        probe = {"metadata": {}, "spec": template.get("spec") or {}}
        wanted = {
            n["metadata"]["name"]
            for n in nodes
            if matches_node_selection(probe, n) and untolerated_taint(probe, n) is None
        }
        have: set[str] = set()
        for pod in owned(store, PODS, ds):
            node = pod["spec"].get("nodeName")
            if (
                node not in wanted
                or node in have
                or pod["metadata"]["labels"].get("controller-revision-hash") != digest
            ):
                _delete_pod(store, ds, "DaemonSet", pod)
                changed = True
            else:
                have.add(node)
        name = ds["metadata"]["name"]
        for node in sorted(wanted - have):
            pod_name = f"{name}-{pod_suffix(name, store)}"
            if _create_pod(store, ds, "DaemonSet", pod_name, template, {"nodeName": node}) is None:
                break
            changed = True
    return changed


# ---------------------------------------------------------------- jobs


def sync_jobs(store: Store) -> bool:
    """Create ``completions`` pods per Job (all at once)."""
    changed = False
    for job in store.list(JOBS):
        spec = job["spec"]
        uid, name = job["metadata"]["uid"], job["metadata"]["name"]
        if not spec.get("selector"):
            job = clone(job)
            labels = {"batch.kubernetes.io/controller-uid": uid, "controller-uid": uid}
            job["spec"]["selector"] = {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
            tlabels = job["spec"]["template"].setdefault("metadata", {}).setdefault("labels", {})
            tlabels.update({**labels, "batch.kubernetes.io/job-name": name, "job-name": name})
            store.put(JOBS, job)
            spec = job["spec"]
            changed = True
        pods = owned(store, PODS, job)
        for _ in range(int(spec.get("completions", 1)) - len(pods)):
            pod_name = f"{name}-{pod_suffix(name, store)}"
            if _create_pod(store, job, "Job", pod_name, spec["template"]) is None:
                break
            changed = True
    return changed
