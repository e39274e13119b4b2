"""Subresources and computed APIs: scale, log, eviction, SelfSubjectAccessReview, metrics."""

from __future__ import annotations

from typing import Any

from k8sgpt_py import clock
from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.patch import PatchError, apply_patch
from k8sgpt_py.sandbox.resources import ResourceType
from k8sgpt_py.sandbox.selectors import selector_object_matches, selector_to_string
from k8sgpt_py.sandbox.store import ApiError, clone, now_iso
from k8sgpt_py.sandbox.validation import validate_scale_replicas
from k8sgpt_py.sandbox.workloads import is_ready

Obj = dict[str, Any]
SYSTEM_CPU_MILLICORES = 180
SYSTEM_MEMORY_BYTES = 900 * 2**20


def scale_of(obj: Obj) -> Obj:
    """The ``autoscaling/v1`` Scale view of a workload."""
    meta = obj["metadata"]
    status = obj.get("status") or {}
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            "name": meta["name"],
            "namespace": meta.get("namespace", ""),
            "uid": meta.get("uid"),
            "resourceVersion": meta.get("resourceVersion"),
            "creationTimestamp": meta.get("creationTimestamp"),
        },
        "spec": {"replicas": (obj.get("spec") or {}).get("replicas", 1)},
        "status": {
            "replicas": status.get("replicas", 0),
            "selector": selector_to_string((obj.get("spec") or {}).get("selector")),
        },
    }


def scale(api: Api, req: Request) -> Obj:
    """GET, PUT or PATCH ``<workload>/scale``."""
    current = api.get(req)
    view = scale_of(current)
    if req.verb == "get":
        return view
    if req.verb == "update":
        wanted = req.body if isinstance(req.body, dict) else {}
    else:
        try:
            wanted = apply_patch(req.content_type, view, req.body)
        except PatchError as exc:
            raise ApiError(422, "Invalid", str(exc)) from exc
    rv = (wanted.get("metadata") or {}).get("resourceVersion")
    replicas = (wanted.get("spec") or {}).get("replicas")
    validate_scale_replicas(req.rtype, current["metadata"]["name"], replicas)
    new = clone(current)
    new["metadata"]["resourceVersion"] = rv or current["metadata"]["resourceVersion"]
    new["spec"]["replicas"] = replicas if replicas is not None else 0
    inner = Request(
        "update", req.rtype, req.namespace, req.name, "", req.query, req.user, new, extra=req.extra
    )
    return scale_of(api._finish_update(inner, current, new))


def logs(api: Api, req: Request) -> str:
    """Text of ``pods/<name>/log``."""
    pod = api.get(req)
    tail = req.query.get("tailLines")
    try:
        tail_lines = int(tail) if tail is not None else None
    except ValueError as exc:
        raise ApiError(400, "BadRequest", f"invalid tailLines: {tail}") from exc
    previous = req.query.get("previous", "false").lower() in {"true", "1"}
    return api.kubelet.logs(
        pod, req.query.get("container"), previous=previous, tail_lines=tail_lines
    )


def _pdb_allows(api: Api, pod: Obj) -> Obj | None:
    """The PodDisruptionBudget that blocks evicting ``pod``, if any."""
    ns = pod["metadata"]["namespace"]
    for pdb in api.store.list("policy/poddisruptionbudgets", ns):
        selector = (pdb.get("spec") or {}).get("selector")
        allowed = int((pdb.get("status") or {}).get("disruptionsAllowed", 0))
        if selector_object_matches(selector, pod["metadata"].get("labels")) and allowed <= 0:
            return pdb
    return None


def evict(api: Api, req: Request) -> Obj:
    """POST ``pods/<name>/eviction``: delete the pod unless a PDB forbids it."""
    pod = api.get(req)
    if is_ready(pod) and _pdb_allows(api, pod) is not None:
        raise ApiError(
            429,
            "TooManyRequests",
            "Cannot evict pod as it would violate the pod's disruption budget.",
            {
                "causes": [
                    {
                        "reason": "DisruptionBudget",
                        "message": "The disruption budget needs more healthy pods",
                    }
                ]
            },
        )
    if not req.is_dry_run:
        api.store.delete("/pods", req.namespace or "", req.name or "")
        api.commit()
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def _format_usage(cpu: int, mem: int) -> Obj:
    return {"cpu": f"{cpu * 1_000_000}n", "memory": f"{mem // 1024}Ki"}


def pod_metrics(api: Api, namespace: str | None) -> list[Obj]:
    """``PodMetrics`` for running pods (deterministic, from annotations or requests)."""
    out = []
    stamp = now_iso()
    for pod in api.store.list("/pods", namespace):
        if (pod.get("status") or {}).get("phase") != "Running":
            continue
        meta = pod["metadata"]
        containers = [
            {"name": name, "usage": _format_usage(cpu, mem)}
            for name, cpu, mem in api.kubelet.usage(pod)
        ]
        out.append(
            {
                "kind": "PodMetrics",
                "apiVersion": "metrics.k8s.io/v1beta1",
                "metadata": {
                    "name": meta["name"],
                    "namespace": meta["namespace"],
                    "labels": meta.get("labels") or {},
                    "creationTimestamp": stamp,
                },
                "timestamp": stamp,
                "window": "30s",
                "containers": containers,
            }
        )
    return out


def node_metrics(api: Api) -> list[Obj]:
    """``NodeMetrics``: the node's running pods plus a fixed system overhead."""
    totals = {
        n["metadata"]["name"]: [SYSTEM_CPU_MILLICORES, SYSTEM_MEMORY_BYTES]
        for n in api.store.list("/nodes")
    }
    for pod in api.store.list("/pods"):
        node = (pod.get("spec") or {}).get("nodeName")
        if node in totals and (pod.get("status") or {}).get("phase") == "Running":
            for _, cpu, mem in api.kubelet.usage(pod):
                totals[node][0] += cpu
                totals[node][1] += mem
    stamp = now_iso()
    return [
        {
            "kind": "NodeMetrics",
            "apiVersion": "metrics.k8s.io/v1beta1",
            "metadata": {
                "name": name,
                "labels": (api.store.get("/nodes", "", name) or {"metadata": {}})["metadata"].get(
                    "labels"
                )
                or {},
                "creationTimestamp": stamp,
            },
            "timestamp": stamp,
            "window": "20s",
            "usage": _format_usage(cpu, mem),
        }
        for name, (cpu, mem) in totals.items()
    ]


def node_leases(api: Api, namespace: str | None) -> list[Obj]:
    """Kubelet heartbeat ``Lease`` objects in ``kube-node-lease``, renewed "now"."""
    if namespace not in {None, "kube-node-lease"}:
        return []
    renewed = clock.now().strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return [
        {
            "kind": "Lease",
            "apiVersion": "coordination.k8s.io/v1",
            "metadata": {
                "name": node["metadata"]["name"],
                "namespace": "kube-node-lease",
                "uid": node["metadata"].get("uid"),
                "resourceVersion": node["metadata"].get("resourceVersion"),
                "creationTimestamp": node["metadata"].get("creationTimestamp"),
                "ownerReferences": [
                    {
                        "apiVersion": "v1",
                        "kind": "Node",
                        "name": node["metadata"]["name"],
                        "uid": node["metadata"].get("uid"),
                    }
                ],
            },
            "spec": {
                "holderIdentity": node["metadata"]["name"],
                "leaseDurationSeconds": 40,
                "renewTime": renewed,
            },
        }
        for node in api.store.list("/nodes")
    ]


def computed(api: Api, rtype: ResourceType, namespace: str | None) -> list[Obj]:
    """Objects of a virtual type (metrics, node leases), computed from the store."""
    if rtype.key == "metrics.k8s.io/pods":
        return pod_metrics(api, namespace)
    if rtype.key == "metrics.k8s.io/nodes":
        return node_metrics(api)
    if rtype.key == "coordination.k8s.io/leases":
        return node_leases(api, namespace)
    return []


def computed_get(api: Api, req: Request) -> Obj:
    """GET one object of a virtual type."""
    for item in computed(api, req.rtype, req.namespace):
        if item["metadata"]["name"] == req.name:
            return item
    raise ApiError(404, "NotFound", f'{req.rtype.qualified} "{req.name}" not found')
