"""Volumes: the default StorageClass, dynamic provisioning and binding, and PVC expansion.

A claim whose StorageClass exists gets a ``pvc-<uid>`` PersistentVolume and is Bound (at once,
or when a pod uses it for ``WaitForFirstConsumer``). Growing a bound claim's storage request is
allowed only when its class has ``allowVolumeExpansion: true`` (the PersistentVolumeClaimResize
admission plugin); the controller then grows the volume and the claim's ``status.capacity``.
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.quantity import parse_quantity
from k8sgpt_py.sandbox.events import record_event
from k8sgpt_py.sandbox.store import ApiError, Store, clone

Obj = dict[str, Any]
PVCS, PVS, CLASSES = (
    "/persistentvolumeclaims",
    "/persistentvolumes",
    "storage.k8s.io/storageclasses",
)
DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class"
PROVISIONER = "rancher.io/local-path"


def default_storage_class() -> Obj:
    """The cluster's default StorageClass (expandable, like most managed clusters' default)."""
    return {
        "apiVersion": "storage.k8s.io/v1",
        "kind": "StorageClass",
        "metadata": {"name": "standard", "annotations": {DEFAULT_CLASS_ANNOTATION: "true"}},
        "provisioner": PROVISIONER,
        "reclaimPolicy": "Delete",
        "volumeBindingMode": "Immediate",
        "allowVolumeExpansion": True,
    }


def default_claim(store: Store, claim: Obj) -> None:
    """DefaultStorageClass admission and API defaults for a new claim (in place)."""
    spec = claim.setdefault("spec", {})
    spec.setdefault("volumeMode", "Filesystem")
    if "storageClassName" not in spec:
        for cls in store.list(CLASSES):
            annotations = cls["metadata"].get("annotations") or {}
            if annotations.get(DEFAULT_CLASS_ANNOTATION) == "true":
                spec["storageClassName"] = cls["metadata"]["name"]
                break
    claim.setdefault("status", {"phase": "Pending"})


def _storage(claim: Obj, where: str = "spec") -> str | None:
    if where == "spec":
        requests = ((claim.get("spec") or {}).get("resources") or {}).get("requests") or {}
        value = requests.get("storage")
    else:
        value = ((claim.get("status") or {}).get("capacity") or {}).get("storage")
    return None if value is None else str(value)


def _size(value: str | None) -> float:
    try:
        return parse_quantity(value) if value is not None else 0.0
    except (TypeError, ValueError):
        return 0.0


def check_claim_update(store: Store, old: Obj, new: Obj) -> None:
    """Refuse what the API server refuses when a claim is updated (403/422)."""
    name = old["metadata"]["name"]
    if (old.get("status") or {}).get("phase") != "Bound":
        return
    old_spec, new_spec = clone(old.get("spec") or {}), clone(new.get("spec") or {})
    for spec in (old_spec, new_spec):
        (spec.get("resources") or {}).pop("requests", None)
        spec.pop("volumeAttributesClassName", None)
    if old_spec != new_spec:
        raise _invalid(
            name,
            "spec",
            "Forbidden: spec is immutable after creation except resources.requests and "
            "volumeAttributesClassName for bound claims",
        )
    before, after = _size(_storage(old)), _size(_storage(new))
    if after < _size(_storage(old, "status")) or after < before:
        raise _invalid(
            name,
            "spec.resources.requests.storage",
            "Forbidden: field can not be less than status.capacity",
        )
    if after > before:
        cls = store.get(CLASSES, "", str((old.get("spec") or {}).get("storageClassName") or ""))
        if cls is None or cls.get("allowVolumeExpansion") is not True:
            raise ApiError(
                403,
                "Forbidden",
                f'persistentvolumeclaims "{name}" is forbidden: only dynamically provisioned pvc '
                "can be resized and the storageclass that provisions the pvc must support resize",
                {"name": name, "kind": "persistentvolumeclaims"},
            )


def _invalid(name: str, field: str, message: str) -> ApiError:
    reason = "FieldValueForbidden"
    return ApiError(
        422,
        "Invalid",
        f'PersistentVolumeClaim "{name}" is invalid: {field}: {message}',
        {
            "name": name,
            "kind": "PersistentVolumeClaim",
            "causes": [{"reason": reason, "message": message, "field": field}],
        },
    )


def _used_by_pod(store: Store, claim: Obj) -> bool:
    namespace, name = claim["metadata"]["namespace"], claim["metadata"]["name"]
    for pod in store.list("/pods", namespace):
        for volume in (pod.get("spec") or {}).get("volumes") or []:
            if (volume.get("persistentVolumeClaim") or {}).get("claimName") == name:
                return True
    return False


def _provision(store: Store, claim: Obj, cls: Obj) -> None:
    meta, spec = claim["metadata"], claim.get("spec") or {}
    volume_name = f"pvc-{meta['uid']}"
    size = _storage(claim) or "1Gi"
    store.put(
        PVS,
        {
            "apiVersion": "v1",
            "kind": "PersistentVolume",
            "metadata": {
                "name": volume_name,
                "annotations": {"pv.kubernetes.io/provisioned-by": cls["provisioner"]},
            },
            "spec": {
                "capacity": {"storage": size},
                "accessModes": list(spec.get("accessModes") or ["ReadWriteOnce"]),
                "persistentVolumeReclaimPolicy": cls.get("reclaimPolicy", "Delete"),
                "storageClassName": cls["metadata"]["name"],
                "volumeMode": spec.get("volumeMode", "Filesystem"),
                "claimRef": {
                    "apiVersion": "v1",
                    "kind": "PersistentVolumeClaim",
                    "namespace": meta["namespace"],
                    "name": meta["name"],
                    "uid": meta["uid"],
                },
                "hostPath": {"path": f"/var/local-path-provisioner/{volume_name}"},
            },
            "status": {"phase": "Bound"},
        },
    )
    claim = clone(claim)
    claim["spec"]["volumeName"] = volume_name
    claim["metadata"].setdefault("annotations", {})["pv.kubernetes.io/bind-completed"] = "yes"
    claim["status"] = {
        "phase": "Bound",
        "accessModes": list(spec.get("accessModes") or ["ReadWriteOnce"]),
        "capacity": {"storage": size},
    }
    store.put(PVCS, claim)
    record_event(
        store,
        claim,
        PVCS,
        reason="ProvisioningSucceeded",
        message=f"Successfully provisioned volume {volume_name}",
        component=cls["provisioner"],
    )


def _expand(store: Store, claim: Obj) -> None:
    size = _storage(claim) or ""
    volume = store.get(PVS, "", str(claim["spec"].get("volumeName") or ""))
    if volume is not None:
        volume = clone(volume)
        volume["spec"]["capacity"] = {"storage": size}
        store.put(PVS, volume)
    claim = clone(claim)
    claim["status"]["capacity"] = {"storage": size}
    claim["status"]["allocatedResources"] = {"storage": size}
    store.put(PVCS, claim)
    record_event(
        store,
        claim,
        PVCS,
        reason="VolumeResizeSuccessful",
        message=f"MountVolume.NodeExpandVolume succeeded for volume "
        f'"{claim["spec"].get("volumeName")}"',
    )


def sync_volumes(store: Store) -> bool:
    """Provision and bind pending claims; grow bound claims whose request grew."""
    changed = False
    for claim in store.list(PVCS):
        phase = (claim.get("status") or {}).get("phase")
        spec = claim.get("spec") or {}
        if phase == "Bound":
            if _size(_storage(claim)) > _size(_storage(claim, "status")):
                _expand(store, claim)
                changed = True
            continue
        if spec.get("volumeName"):
            continue
        cls = store.get(CLASSES, "", str(spec.get("storageClassName") or ""))
        if cls is None:
            continue
        waits = cls.get("volumeBindingMode") == "WaitForFirstConsumer"
        if waits and not _used_by_pod(store, claim):
            continue
        _provision(store, claim, cls)
        changed = True
    return changed
