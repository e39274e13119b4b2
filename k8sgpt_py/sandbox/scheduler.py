"""A small, deterministic kube-scheduler: filters as the real one does, spreads by CPU."""

from __future__ import annotations

from collections import Counter
from typing import Any

from k8sgpt_py.quantity import cpu_millicores, memory_bytes
from k8sgpt_py.sandbox.events import record_event
from k8sgpt_py.sandbox.store import Store, clone

Obj = dict[str, Any]
PODS, NODES = "/pods", "/nodes"


def pod_requests(pod: Obj) -> tuple[int, int]:
    """(cpu_millicores, memory_bytes) the pod requests (containers summed, init max)."""
    spec = pod.get("spec") or {}
    cpu = mem = 0
    for container in spec.get("containers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu += cpu_millicores(requests.get("cpu", 0))
        mem += memory_bytes(requests.get("memory", 0))
    for container in spec.get("initContainers") or []:
        requests = (container.get("resources") or {}).get("requests") or {}
        cpu = max(cpu, cpu_millicores(requests.get("cpu", 0)))
        mem = max(mem, memory_bytes(requests.get("memory", 0)))
    return cpu, mem


def is_terminated(pod: Obj) -> bool:
    """Whether the pod no longer holds node resources."""
    return (pod.get("status") or {}).get("phase") in {"Succeeded", "Failed"}


def tolerates(tolerations: list[Obj], taint: Obj) -> bool:
    """Whether any toleration matches ``taint``."""
    for tol in tolerations:
        if tol.get("effect") and tol["effect"] != taint.get("effect"):
            continue
        if tol.get("operator") == "Exists":
            if not tol.get("key") or tol["key"] == taint.get("key"):
                return True
        elif tol.get("key") == taint.get("key") and tol.get("value", "") == taint.get("value", ""):
            return True
    return False


def untolerated_taint(pod: Obj, node: Obj) -> Obj | None:
    """The first NoSchedule/NoExecute taint of ``node`` the pod does not tolerate."""
    tolerations = (pod.get("spec") or {}).get("tolerations") or []
    for taint in (node.get("spec") or {}).get("taints") or []:
        if taint.get("effect") in {"NoSchedule", "NoExecute"} and not tolerates(tolerations, taint):
            return dict(taint)
    return None


def _term_matches(term: Obj, labels: dict[str, str]) -> bool:
    for expr in term.get("matchExpressions") or []:
        value, values = labels.get(expr["key"]), expr.get("values") or []
        op = expr["operator"]
        ok = {
            "In": value in values,
            "NotIn": value not in values,
            "Exists": expr["key"] in labels,
            "DoesNotExist": expr["key"] not in labels,
        }.get(op, False)
        if not ok:
            return False
    return True


def matches_node_selection(pod: Obj, node: Obj) -> bool:
    """NodeSelector and required node affinity."""
    spec = pod.get("spec") or {}
    labels = node["metadata"].get("labels") or {}
    if any(labels.get(k) != v for k, v in (spec.get("nodeSelector") or {}).items()):
        return False
    affinity = ((spec.get("affinity") or {}).get("nodeAffinity") or {}).get(
        "requiredDuringSchedulingIgnoredDuringExecution"
    )
    if affinity:
        terms = affinity.get("nodeSelectorTerms") or []
        return any(_term_matches(t, labels) for t in terms)
    return True


def _node_reasons(pod: Obj, node: Obj, used: tuple[int, int, int]) -> list[str]:
    if (node.get("spec") or {}).get("unschedulable"):
        return ["node(s) were unschedulable"]
    if not matches_node_selection(pod, node):
        return ["node(s) didn't match Pod's node affinity/selector"]
    taint = untolerated_taint(pod, node)
    if taint is not None:
        return [f"node(s) had untolerated taint {{{taint['key']}: {taint.get('value', '')}}}"]
    alloc = (node.get("status") or {}).get("allocatable") or {}
    cpu, mem = pod_requests(pod)
    reasons = []
    if used[2] + 1 > int(alloc.get("pods", 110)):
        reasons.append("Too many pods")
    if cpu and used[0] + cpu > cpu_millicores(alloc.get("cpu", 0)):
        reasons.append("Insufficient cpu")
    if mem and used[1] + mem > memory_bytes(alloc.get("memory", 0)):
        reasons.append("Insufficient memory")
    return reasons


def node_usage(store: Store) -> dict[str, tuple[int, int, int]]:
    """(cpu_millicores, memory_bytes, pod count) requested on each node."""
    usage: dict[str, tuple[int, int, int]] = {}
    for pod in store.list(PODS):
        node = (pod.get("spec") or {}).get("nodeName")
        if node and not is_terminated(pod):
            cpu, mem = pod_requests(pod)
            c, m, n = usage.get(node, (0, 0, 0))
            usage[node] = (c + cpu, m + mem, n + 1)
    return usage


def _failure_message(total: int, reasons: Counter[str], resource_nodes: int) -> str:
    parts = sorted(f"{count} {reason}" for reason, count in reasons.items())
    other = total - resource_nodes
    pre = []
    if other:
        pre.append(f"{other} Preemption is not helpful for scheduling")
    if resource_nodes:
        pre.append(f"{resource_nodes} No preemption victims found for incoming pod")
    return (
        f"0/{total} nodes are available: {', '.join(parts)}. "
        f"preemption: 0/{total} nodes are available: {', '.join(pre)}."
    )


def schedule_pending(store: Store) -> bool:
    """Bind every unscheduled pod that fits somewhere; mark the rest Unschedulable."""
    pending = [
        p
        for p in store.list(PODS)
        if not (p.get("spec") or {}).get("nodeName") and not is_terminated(p)
    ]
    if not pending:
        return False
    nodes = store.list(NODES)
    usage = node_usage(store)
    changed = False
    for pod in pending:
        changed |= _schedule_one(store, pod, nodes, usage)
    return changed


def _schedule_one(
    store: Store, pod: Obj, nodes: list[Obj], usage: dict[str, tuple[int, int, int]]
) -> bool:
    reasons: Counter[str] = Counter()
    fits: list[tuple[float, str]] = []
    resource_nodes = 0
    for node in nodes:
        name = node["metadata"]["name"]
        used = usage.get(name, (0, 0, 0))
        why = _node_reasons(pod, node, used)
        if why:
            reasons.update(why)
            resource_nodes += any(r.startswith(("Insufficient", "Too many")) for r in why)
        else:
            allocatable = (node.get("status") or {}).get("allocatable") or {}
            alloc_cpu = cpu_millicores(allocatable.get("cpu", 1))
            fits.append((used[0] / max(alloc_cpu, 1), name))
    if not fits:
        return _mark_unschedulable(
            store, pod, _failure_message(len(nodes), reasons, resource_nodes)
        )
    node_name = min(fits)[1]
    cpu, mem = pod_requests(pod)
    c, m, n = usage.get(node_name, (0, 0, 0))
    usage[node_name] = (c + cpu, m + mem, n + 1)
    _bind(store, pod, node_name)
    return True


def _mark_unschedulable(store: Store, pod: Obj, message: str) -> bool:
    pod = clone(pod)
    meta, status = pod["metadata"], pod.setdefault("status", {"phase": "Pending"})
    conditions = status.get("conditions") or []
    old = next((c for c in conditions if c.get("type") == "PodScheduled"), None)
    if old is not None and old.get("message") == message:
        return False
    status["conditions"] = [
        {
            "type": "PodScheduled",
            "status": "False",
            "reason": "Unschedulable",
            "message": message,
            "lastProbeTime": None,
            "lastTransitionTime": (old or {}).get("lastTransitionTime")
            or meta["creationTimestamp"],
        }
    ]
    status["phase"] = "Pending"
    status.setdefault("qosClass", qos_class(pod))
    store.put(PODS, pod)
    record_event(
        store,
        pod,
        PODS,
        reason="FailedScheduling",
        message=message,
        event_type="Warning",
        component="default-scheduler",
    )
    return True


def _bind(store: Store, pod: Obj, node_name: str) -> None:
    pod = clone(pod)
    meta, status = pod["metadata"], pod.setdefault("status", {"phase": "Pending"})
    pod["spec"]["nodeName"] = node_name
    status["conditions"] = [
        {
            "type": "PodScheduled",
            "status": "True",
            "lastProbeTime": None,
            "lastTransitionTime": meta["creationTimestamp"],
        }
    ]
    store.put(PODS, pod)
    record_event(
        store,
        pod,
        PODS,
        reason="Scheduled",
        component="default-scheduler",
        message=f"Successfully assigned {meta['namespace']}/{meta['name']} to {node_name}",
    )


def qos_class(pod: Obj) -> str:
    """Guaranteed, Burstable or BestEffort, from the containers' resources."""
    containers = (pod.get("spec") or {}).get("containers") or []
    resources = [c.get("resources") or {} for c in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits") or {}, r.get("requests") or {}
        if not {"cpu", "memory"} <= set(limits) or any(
            requests.get(k, limits[k]) != limits[k] for k in limits
        ):
            return "Burstable"
    return "Guaranteed"
