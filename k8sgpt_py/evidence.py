"""Evidence about one object for ``kai explain``: owners, pods, logs, events, node.

Everything a :class:`Snapshot` already read is taken from it instead of read again.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from k8sgpt_py.analyzers import SNAPSHOT_KINDS, LogKey, Snapshot
from k8sgpt_py.cluster.kube import ApiError, Cluster
from k8sgpt_py.cluster.resolve import Resolved
from k8sgpt_py.errors import Forbidden, NotFound

EVIDENCE_LOG_LINES = 20  # log lines shown per container; the snapshot reads more


def owner_chain(
    cluster: Cluster, obj: dict[str, Any], *, snapshot: Snapshot | None = None
) -> list[str]:
    """``replicaset/shop/x-5d9c``, ``deployment/shop/x``: controllers up to the top.

    Owners the ``snapshot`` already holds are taken from it instead of read again.
    """
    chain = []
    current = obj
    for _ in range(5):
        owners = (current.get("metadata") or {}).get("ownerReferences") or []
        controller = next((o for o in owners if o.get("controller")), owners[0] if owners else None)
        if controller is None:
            break
        namespace = (current.get("metadata") or {}).get("namespace")
        chain.append(f"{str(controller['kind']).lower()}/{namespace}/{controller['name']}")
        known = from_snapshot(snapshot, controller["kind"], namespace, controller["name"])
        if known is not None:
            current = known
            continue
        try:
            current = cluster.get(controller["kind"], controller["name"], namespace)
        except (NotFound, ApiError):
            break
    return chain


def from_snapshot(
    snapshot: Snapshot | None, kind: str, namespace: str | None, name: str
) -> dict[str, Any] | None:
    """The object as the snapshot read it; None when the snapshot did not read it."""
    field_name = next((f for f, k in SNAPSHOT_KINDS.items() if k == kind), None)
    if snapshot is None or field_name is None or not snapshot.was_read(field_name, namespace):
        return None
    found = snapshot.index.get(field_name, namespace, name)
    return None if found is None else dict(found)


def events_of(
    cluster: Cluster,
    found: Resolved,
    pods: list[dict[str, Any]],
    now: datetime,
    *,
    snapshot: Snapshot | None = None,
) -> list[dict[str, Any]]:
    """The last 20 events about the object or its pods, summarised."""
    from k8sgpt_py.tools.common import summarize

    names = {found.name, *(p["metadata"]["name"] for p in pods)}
    if snapshot is not None and snapshot.was_read("events", found.namespace):
        listed = [dict(e) for e in snapshot.events]  # the same list, read by the snapshot
    else:
        listed = cluster.list("Event", found.namespace)
    events = [
        e
        for e in listed
        if (e.get("involvedObject") or {}).get("name") in names
        or str((e.get("involvedObject") or {}).get("name", "")).startswith(f"{found.name}-")
    ]
    events.sort(key=lambda e: str(e.get("lastTimestamp") or e.get("eventTime") or ""))
    return [summarize(e, now) for e in events[-20:]]


def node_of(
    cluster: Cluster, pods: list[dict[str, Any]], *, snapshot: Snapshot | None = None
) -> dict[str, Any] | None:
    """The conditions of the node the first scheduled pod runs on (None when none is)."""
    node_name = next((p["spec"].get("nodeName") for p in pods if p["spec"].get("nodeName")), None)
    if not node_name:
        return None
    node = from_snapshot(snapshot, "Node", None, node_name)
    if node is None:
        try:
            node = cluster.get("Node", node_name)
        except (NotFound, ApiError):
            return None
    conditions = {
        c.get("type"): c.get("status") for c in (node.get("status") or {}).get("conditions") or []
    }
    return {"name": node_name, "conditions": conditions}


def pods_and_logs(
    cluster: Cluster, found: Resolved, *, snapshot: Snapshot | None = None
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The object's pods (itself, for a pod) and recent logs of the most troubled ones.

    Pods and logs the ``snapshot`` already read are taken from it instead of read again.
    """
    from k8sgpt_py.tools.common import pod_status

    if found.kind == "Pod":
        pods = [found.obj]
    else:
        selector = ((found.obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
        pods = _selected_pods(cluster, found.namespace, selector, snapshot) if selector else []
    troubled = sorted(pods, key=lambda p: pod_status(p) in ("Running", "Succeeded"))[:3]
    logs: dict[str, str] = {}
    for pod in troubled:
        name = pod["metadata"]["name"]
        for status in (pod.get("status") or {}).get("containerStatuses") or []:
            container = status.get("name")
            wanted = [False] + ([True] if status.get("restartCount") else [])
            for previous in wanted:
                key = (found.namespace or "", name, container, previous)
                try:
                    text = _read_log(cluster, key, snapshot)
                except (NotFound, ApiError, Forbidden):
                    continue
                if text.strip():
                    label = f"{name}/{container}" + (" (previous)" if previous else "")
                    logs[label] = text
    return pods, logs


def _selected_pods(
    cluster: Cluster, namespace: str | None, selector: dict[str, str], snapshot: Snapshot | None
) -> list[dict[str, Any]]:
    """Pods matching ``matchLabels``: filtered from the snapshot's list when it read them."""
    if snapshot is not None and snapshot.was_read("pods", namespace):
        return [
            dict(pod)
            for pod in snapshot.pods
            if (namespace is None or (pod.get("metadata") or {}).get("namespace") == namespace)
            and all(
                ((pod.get("metadata") or {}).get("labels") or {}).get(k) == v
                for k, v in selector.items()
            )
        ]
    labels = ",".join(f"{k}={v}" for k, v in sorted(selector.items()))
    return cluster.list("Pod", namespace, label_selector=labels)


def _read_log(cluster: Cluster, key: LogKey, snapshot: Snapshot | None) -> str:
    """The last ``EVIDENCE_LOG_LINES`` of one container's log; from the snapshot if it has it.

    The snapshot read a longer tail, and the tail of a tail is the same tail.
    """
    namespace, pod, container, previous = key
    if snapshot is not None and key in snapshot.logs:
        return _last_lines(snapshot.logs[key], EVIDENCE_LOG_LINES)
    return cluster.logs(
        pod, namespace, container=container, tail_lines=EVIDENCE_LOG_LINES, previous=previous
    )


def _last_lines(text: str, count: int) -> str:
    """What ``tailLines=count`` returns, cut from a longer tail (the API splits on newlines)."""
    lines = text.split("\n")
    ends_with_newline = text.endswith("\n")
    if ends_with_newline:
        lines.pop()
    return "\n".join(lines[-count:]) + ("\n" if ends_with_newline else "")
