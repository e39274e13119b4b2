"""Turn raw Kubernetes JSON (plain dicts, as the API returns them) into placement records.

Pods are grouped by owning workload: a ReplicaSet named ``<deployment>-<hash>`` becomes its
Deployment, StatefulSets and other owners keep their name, bare pods are their own group.
Pods of one workload with different requests or scheduling constraints form separate groups
(suffixed ``#2``, ``#3``). DaemonSet pods are not placed: their requests are subtracted from
the allocatable of the nodes they run on (or, for a DaemonSet with no pods listed, from every
node its nodeSelector matches).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from k8sgpt_py.advisors.placement_model import (
    ClusterState,
    MatchExpression,
    NodeInfo,
    PodGroup,
    Resources,
    Taint,
    Toleration,
    is_eligible,
)
from k8sgpt_py.quantity import cpu_millicores, memory_bytes

Raw = Mapping[str, Any]
_HASH_SUFFIX = re.compile(r"^(?P<base>.+)-[0-9a-z]{5,10}$")
_ACTIVE_PHASES = ("Running", "Pending", "")
_TYPE_LABELS = ("node.kubernetes.io/instance-type", "beta.kubernetes.io/instance-type")


def _get(obj: Raw, *path: str) -> Any:
    cur: Any = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(key)
    return cur


def _resources(values: Mapping[str, Any] | None, pods: int = 0) -> Resources:
    values = values or {}
    cpu = cpu_millicores(values["cpu"]) if "cpu" in values else 0
    mem = memory_bytes(values["memory"]) if "memory" in values else 0
    count = int(values["pods"]) if "pods" in values else pods
    return Resources(cpu, mem, count)


def pod_requests(pod: Raw) -> Resources:
    """Effective requests of a pod: sum of containers, at least each init container."""
    spec = _get(pod, "spec") or {}
    total = Resources(0, 0, 1)
    for container in spec.get("containers") or []:
        total = total + _resources(_get(container, "resources", "requests"))
    for container in spec.get("initContainers") or []:
        init = _resources(_get(container, "resources", "requests"))
        total = Resources(
            max(total.cpu_millicores, init.cpu_millicores),
            max(total.memory_bytes, init.memory_bytes),
            1,
        )
    return total + _resources(spec.get("overhead"))


def node_info(node: Raw) -> NodeInfo:
    """A NodeInfo from a raw node (allocatable, labels, taints, cordon)."""
    labels = dict(_get(node, "metadata", "labels") or {})
    status = _get(node, "status") or {}
    alloc = _resources(status.get("allocatable") or status.get("capacity"), pods=110)
    taints = tuple(
        Taint(t.get("key", ""), t.get("value", "") or "", t.get("effect", "NoSchedule"))
        for t in _get(node, "spec", "taints") or []
    )
    node_type = next((labels[k] for k in _TYPE_LABELS if k in labels), "")
    if not node_type:
        node_type = f"{alloc.cpu_millicores}m-{alloc.memory_bytes}b"
        if taints:
            node_type += "-" + ",".join(f"{t.key}={t.value}:{t.effect}" for t in taints)
    return NodeInfo(
        name=str(_get(node, "metadata", "name")),
        node_type=node_type,
        allocatable=alloc,
        labels=labels,
        taints=taints,
        unschedulable=bool(_get(node, "spec", "unschedulable")),
    )


def _tolerations(spec: Raw) -> tuple[Toleration, ...]:
    return tuple(
        Toleration(
            t.get("key", "") or "",
            t.get("operator", "Equal") or "Equal",
            t.get("value", "") or "",
            t.get("effect", "") or "",
        )
        for t in spec.get("tolerations") or []
    )


def _required_affinity(spec: Raw) -> tuple[tuple[MatchExpression, ...], ...]:
    terms = _get(
        spec,
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    )
    return tuple(
        tuple(
            MatchExpression(e["key"], e["operator"], tuple(e.get("values") or ()))
            for e in term.get("matchExpressions") or []
        )
        for term in terms or []
    )


def _anti_affinity_hostname(spec: Raw, labels: Mapping[str, str]) -> bool:
    """True for a required pod anti-affinity on hostname that selects the pod's own labels."""
    terms = _get(
        spec, "affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution"
    )
    for term in terms or []:
        if term.get("topologyKey") != "kubernetes.io/hostname":
            continue
        wanted = _get(term, "labelSelector", "matchLabels") or {}
        if all(labels.get(k) == v for k, v in wanted.items()):
            return True
    return False


def _max_skew_hostname(spec: Raw) -> int | None:
    for c in spec.get("topologySpreadConstraints") or []:
        if (
            c.get("topologyKey") == "kubernetes.io/hostname"
            and c.get("whenUnsatisfiable", "DoNotSchedule") == "DoNotSchedule"
        ):
            return int(c.get("maxSkew", 1))
    return None


def owner_workload(pod: Raw) -> tuple[str, str]:
    """(kind, name) of the workload owning a pod; ("Pod", name) for bare pods."""
    for ref in _get(pod, "metadata", "ownerReferences") or []:
        kind, name = ref.get("kind", ""), ref.get("name", "")
        if kind == "ReplicaSet":
            match = _HASH_SUFFIX.match(name)
            return ("Deployment", match.group("base")) if match else (kind, name)
        if kind:
            return kind, name
    return "Pod", str(_get(pod, "metadata", "name"))


def _signature(pod: Raw) -> tuple[Any, ...]:
    spec = _get(pod, "spec") or {}
    labels = dict(_get(pod, "metadata", "labels") or {})
    return (
        pod_requests(pod),
        tuple(sorted((spec.get("nodeSelector") or {}).items())),
        _required_affinity(spec),
        _tolerations(spec),
        _anti_affinity_hostname(spec, labels),
        _max_skew_hostname(spec),
    )


def _daemonset_overhead(
    nodes: Sequence[NodeInfo], ds_pods: Sequence[Raw], daemonsets: Sequence[Raw]
) -> dict[str, Resources]:
    """Requests of DaemonSet pods per node; DaemonSets without listed pods count everywhere."""
    overhead: dict[str, Resources] = defaultdict(Resources)
    seen: set[str] = set()
    for pod in ds_pods:
        node = _get(pod, "spec", "nodeName")
        seen.add(owner_workload(pod)[1])
        if node:
            overhead[node] = overhead[node] + pod_requests(pod)
    for ds in daemonsets:
        if _get(ds, "metadata", "name") in seen:
            continue
        template = {"spec": _get(ds, "spec", "template", "spec") or {}}
        selector = template["spec"].get("nodeSelector") or {}
        tolerations = _tolerations(template["spec"])
        probe = PodGroup("", "", 1, Resources(), selector, (), tolerations)
        for node in nodes:
            if is_eligible(node, probe):
                overhead[node.name] = overhead[node.name] + pod_requests(template)
    return dict(overhead)


def _net_of(node: NodeInfo, overhead: Resources | None) -> NodeInfo:
    if overhead is None:
        return node
    left = node.allocatable - overhead
    left = Resources(*(max(0, v) for v in left.as_tuple()))
    return NodeInfo(
        node.name, node.node_type, left, node.labels, node.taints, node.unschedulable, node.cost
    )


def _group_pods(pods: Sequence[Raw]) -> tuple[PodGroup, ...]:
    buckets: dict[tuple[str, str, tuple[Any, ...]], list[Raw]] = defaultdict(list)
    for pod in pods:
        namespace = str(_get(pod, "metadata", "namespace") or "default")
        buckets[(namespace, owner_workload(pod)[1], _signature(pod))].append(pod)
    groups: list[PodGroup] = []
    variants: dict[tuple[str, str], int] = defaultdict(int)
    for (namespace, workload, sig), members in buckets.items():
        variants[(namespace, workload)] += 1
        n = variants[(namespace, workload)]
        name = workload if n == 1 else f"{workload}#{n}"
        requests, selector, affinity, tolerations, anti, skew = sig
        current = tuple(
            sorted(str(_get(p, "spec", "nodeName")) for p in members if _get(p, "spec", "nodeName"))
        )
        groups.append(
            PodGroup(
                namespace,
                name,
                len(members),
                requests,
                dict(selector),
                affinity,
                tolerations,
                anti,
                current,
                skew,
            )
        )
    return tuple(sorted(groups, key=lambda g: g.key))


def cluster_state(
    nodes: Sequence[Raw], pods: Sequence[Raw], daemonsets: Sequence[Raw] = ()
) -> ClusterState:
    """Build a ClusterState from raw node, pod and daemonset dicts.

    Args:
        nodes: raw Node objects.
        pods: raw Pod objects; only Running and Pending pods count (finished pods hold
            nothing). DaemonSet pods become per-node overhead rather than groups.
        daemonsets: raw DaemonSet objects, used for overhead on nodes where no pod of the
            DaemonSet is listed.

    Returns:
        Nodes with allocatable net of daemonset overhead, and the pod groups to place.
    """
    infos = [node_info(n) for n in nodes]
    active = [p for p in pods if (_get(p, "status", "phase") or "") in _ACTIVE_PHASES]
    ds_pods = [p for p in active if owner_workload(p)[0] == "DaemonSet"]
    workload_pods = [p for p in active if owner_workload(p)[0] != "DaemonSet"]
    overhead = _daemonset_overhead(infos, ds_pods, daemonsets)
    net = tuple(_net_of(n, overhead.get(n.name)) for n in infos)
    return ClusterState(net, _group_pods(workload_pods), overhead)
