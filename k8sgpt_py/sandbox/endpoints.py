"""The endpoints controllers: Endpoints and EndpointSlices for Services with a selector."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox.selectors import map_selector_matches
from k8sgpt_py.sandbox.store import Store, clone, short_hash
from k8sgpt_py.sandbox.workloads import is_ready, owner_ref, save_if_changed

Obj = dict[str, Any]
ENDPOINTS, SLICES, SERVICES = "/endpoints", "discovery.k8s.io/endpointslices", "/services"
MANAGED = "endpoints.kubernetes.io/managed-by-sandbox"


def _target_port(port: Obj, pod: Obj) -> int:
    target = port.get("targetPort", port.get("port"))
    if isinstance(target, int):
        return target
    for container in pod["spec"].get("containers") or []:
        for cport in container.get("ports") or []:
            if cport.get("name") == target:
                return int(cport["containerPort"])
    return int(port.get("port", 0))


def _address(pod: Obj) -> Obj:
    meta = pod["metadata"]
    return {
        "ip": pod["status"].get("podIP", ""),
        "nodeName": pod["spec"].get("nodeName", ""),
        "targetRef": {
            "kind": "Pod",
            "namespace": meta["namespace"],
            "name": meta["name"],
            "uid": meta.get("uid", ""),
        },
    }


def _ports(svc: Obj, pods: list[Obj]) -> list[Obj]:
    ports = []
    for port in svc["spec"].get("ports") or []:
        entry = {"port": _target_port(port, pods[0]), "protocol": port.get("protocol", "TCP")}
        if port.get("name"):
            entry["name"] = port["name"]
        ports.append(entry)
    return ports


def sync_endpoints(store: Store) -> bool:
    """Endpoints and an EndpointSlice per selector Service; drop those of deleted Services."""
    changed = False
    for svc in store.list(SERVICES):
        if not (svc.get("spec") or {}).get("selector"):
            continue
        ns = svc["metadata"]["namespace"]
        pods = [
            p
            for p in store.list("/pods", ns)
            if map_selector_matches(svc["spec"]["selector"], p["metadata"].get("labels"))
            and (p.get("status") or {}).get("podIP")
        ]
        changed |= _sync_endpoints_object(store, svc, pods)
        changed |= _sync_slice(store, svc, pods)
    for endpoints in store.list(ENDPOINTS):
        meta = endpoints["metadata"]
        managed = MANAGED in (meta.get("annotations") or {})
        if managed and store.get(SERVICES, meta["namespace"], meta["name"]) is None:
            store.delete(ENDPOINTS, meta["namespace"], meta["name"])
            changed = True
    return changed


def _sync_endpoints_object(store: Store, svc: Obj, pods: list[Obj]) -> bool:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    before = store.get(ENDPOINTS, ns, name)
    endpoints: Obj = (
        clone(before)
        if before
        else {
            "apiVersion": "v1",
            "kind": "Endpoints",
            "metadata": {
                "name": name,
                "namespace": ns,
                "labels": dict(svc["metadata"].get("labels") or {}),
                "annotations": {MANAGED: "true"},
            },
        }
    )
    endpoints.pop("subsets", None)
    if pods:
        subset: Obj = {"ports": _ports(svc, pods)}
        ready = [_address(p) for p in pods if is_ready(p)]
        not_ready = [_address(p) for p in pods if not is_ready(p)]
        if ready:
            subset["addresses"] = ready
        if not_ready:
            subset["notReadyAddresses"] = not_ready
        endpoints["subsets"] = [subset]
    return save_if_changed(store, ENDPOINTS, endpoints, before)


def _sync_slice(store: Store, svc: Obj, pods: list[Obj]) -> bool:
    ns, name = svc["metadata"]["namespace"], svc["metadata"]["name"]
    slice_name = f"{name}-{short_hash(ns + '/' + name, 5)}"
    before = store.get(SLICES, ns, slice_name)
    labels = {
        **(svc["metadata"].get("labels") or {}),
        "kubernetes.io/service-name": name,
        "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
    }
    endpoints = []
    for pod in pods:
        address = _address(pod)
        ready = is_ready(pod)
        endpoints.append(
            {
                "addresses": [address["ip"]],
                "conditions": {"ready": ready, "serving": ready, "terminating": False},
                "nodeName": address["nodeName"],
                "targetRef": address["targetRef"],
            }
        )
    slice_obj: Obj = {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {
            **((before or {}).get("metadata") or {}),
            "name": slice_name,
            "namespace": ns,
            "labels": labels,
            "generateName": f"{name}-",
            "ownerReferences": [owner_ref(svc, "Service", "v1")],
        },
        "addressType": "IPv4",
        "endpoints": endpoints,
        "ports": _ports(svc, pods) if pods else [],
    }
    slice_obj["metadata"]["ownerReferences"][0]["blockOwnerDeletion"] = True
    return save_if_changed(store, SLICES, slice_obj, before)
