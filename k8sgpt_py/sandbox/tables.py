"""``meta.k8s.io/v1`` Table rendering (what ``kubectl get`` asks for), with kubectl's columns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from k8sgpt_py import clock
from k8sgpt_py.sandbox.resources import ResourceType
from k8sgpt_py.sandbox.tables_extra import EXTRA_COLUMNS

Obj = dict[str, Any]
Row = list[Any]


def human_age(stamp: str | None, now: datetime | None = None) -> str:
    """Kubectl's short duration: ``45s``, ``5m``, ``3h12m``, ``2d``."""
    if not stamp:
        return "<unknown>"
    then = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    seconds = int(((now or clock.now()) - then).total_seconds())
    if seconds < 0:
        return "0s"
    if seconds < 120:
        return f"{seconds}s"
    minutes = seconds // 60
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    hours = minutes // 60
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    return f"{hours // 24}d"


def _age(obj: Obj) -> str:
    return human_age(obj["metadata"].get("creationTimestamp"))


def _ratio(obj: Obj, status_field: str, spec_field: str, default: int) -> str:
    done = (obj.get("status") or {}).get(status_field, 0)
    return f"{done}/{(obj.get('spec') or {}).get(spec_field, default)}"


def _pod_status(pod: Obj) -> str:
    status = pod.get("status") or {}
    reason = status.get("reason") or status.get("phase") or "Pending"
    for cs in status.get("containerStatuses") or []:
        state = cs.get("state") or {}
        if (state.get("waiting") or {}).get("reason"):
            reason = state["waiting"]["reason"]
        elif (state.get("terminated") or {}).get("reason"):
            reason = state["terminated"]["reason"]
    if pod["metadata"].get("deletionTimestamp"):
        reason = "Terminating"
    return str(reason)


def _pod_restarts(pod: Obj) -> str:
    statuses = (pod.get("status") or {}).get("containerStatuses") or []
    restarts = sum(int(cs.get("restartCount") or 0) for cs in statuses)
    last = [
        ((cs.get("lastState") or {}).get("terminated") or {}).get("finishedAt") for cs in statuses
    ]
    stamps = [s for s in last if s]
    if restarts and stamps:
        return f"{restarts} ({human_age(max(stamps))} ago)"
    return str(restarts)


def _pod_row(pod: Obj) -> Row:
    spec, status = pod.get("spec") or {}, pod.get("status") or {}
    statuses = status.get("containerStatuses") or []
    ready = sum(1 for cs in statuses if cs.get("ready"))
    return [
        pod["metadata"]["name"],
        f"{ready}/{len(spec.get('containers') or [])}",
        _pod_status(pod),
        _pod_restarts(pod),
        _age(pod),
        status.get("podIP") or "<none>",
        spec.get("nodeName") or "<none>",
        "<none>",
        "<none>",
    ]


def _containers(obj: Obj) -> tuple[str, str]:
    containers = ((obj.get("spec") or {}).get("template") or {}).get("spec", {}).get(
        "containers"
    ) or []
    return ",".join(c.get("name", "") for c in containers), ",".join(
        c.get("image", "") for c in containers
    )


def _selector(obj: Obj) -> str:
    from k8sgpt_py.sandbox.selectors import selector_to_string

    return selector_to_string((obj.get("spec") or {}).get("selector")) or "<none>"


def _deployment_row(d: Obj) -> Row:
    spec, status = d.get("spec") or {}, d.get("status") or {}
    names, images = _containers(d)
    return [
        d["metadata"]["name"],
        f"{status.get('readyReplicas', 0)}/{spec.get('replicas', 1)}",
        status.get("updatedReplicas", 0),
        status.get("availableReplicas", 0),
        _age(d),
        names,
        images,
        _selector(d),
    ]


def _rs_row(rs: Obj) -> Row:
    spec, status = rs.get("spec") or {}, rs.get("status") or {}
    names, images = _containers(rs)
    return [
        rs["metadata"]["name"],
        spec.get("replicas", 0),
        status.get("replicas", 0),
        status.get("readyReplicas", 0),
        _age(rs),
        names,
        images,
        _selector(rs),
    ]


def _node_row(node: Obj) -> Row:
    conds = (node.get("status") or {}).get("conditions") or []
    ready: Obj = next((c for c in conds if c.get("type") == "Ready"), {})
    state = "Ready" if ready.get("status") == "True" else "NotReady"
    if (node.get("spec") or {}).get("unschedulable"):
        state += ",SchedulingDisabled"
    labels = node["metadata"].get("labels") or {}
    roles = sorted(k.split("/", 1)[1] for k in labels if k.startswith("node-role.kubernetes.io/"))
    info = (node.get("status") or {}).get("nodeInfo") or {}
    return [
        node["metadata"]["name"],
        state,
        ",".join(roles) or "<none>",
        _age(node),
        info.get("kubeletVersion", ""),
    ]


def _service_row(svc: Obj) -> Row:
    spec = svc.get("spec") or {}
    ports = ",".join(
        f"{p.get('port')}{':' + str(p['nodePort']) if p.get('nodePort') else ''}"
        f"/{p.get('protocol', 'TCP')}"
        for p in spec.get("ports") or []
    )
    external = ",".join(spec.get("externalIPs") or []) or "<none>"
    return [
        svc["metadata"]["name"],
        spec.get("type", "ClusterIP"),
        spec.get("clusterIP", "<none>"),
        external,
        ports or "<none>",
        _age(svc),
        ",".join(f"{k}={v}" for k, v in (spec.get("selector") or {}).items()) or "<none>",
    ]


def _event_row(ev: Obj) -> Row:
    ref = ev.get("involvedObject") or {}
    return [
        human_age(ev.get("lastTimestamp") or ev.get("firstTimestamp")),
        ev.get("type", ""),
        ev.get("reason", ""),
        f"{str(ref.get('kind', '')).lower()}/{ref.get('name', '')}",
        ev.get("message", ""),
    ]


def _hpa_row(hpa: Obj) -> Row:
    spec, status = hpa.get("spec") or {}, hpa.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    target = next(
        (
            m["resource"]["target"].get("averageUtilization")
            for m in spec.get("metrics") or []
            if m.get("type") == "Resource"
        ),
        None,
    )
    current = next(
        (
            m["resource"]["current"].get("averageUtilization")
            for m in status.get("currentMetrics") or []
        ),
        None,
    )
    shown = (
        f"cpu: {current if current is not None else '<unknown>'}%/{target}%" if target else "<none>"
    )
    return [
        hpa["metadata"]["name"],
        f"{ref.get('kind')}/{ref.get('name')}",
        shown,
        spec.get("minReplicas", 1),
        spec.get("maxReplicas"),
        status.get("currentReplicas", 0),
        _age(hpa),
    ]


_COLUMNS: dict[str, tuple[list[tuple[str, str, int]], Callable[[Obj], Row]]] = {
    "Pod": (
        [
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Status", "string", 0),
            ("Restarts", "string", 0),
            ("Age", "string", 0),
            ("IP", "string", 1),
            ("Node", "string", 1),
            ("Nominated Node", "string", 1),
            ("Readiness Gates", "string", 1),
        ],
        _pod_row,
    ),
    "Deployment": (
        [
            ("Name", "string", 0),
            ("Ready", "string", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
        _deployment_row,
    ),
    "ReplicaSet": (
        [
            ("Name", "string", 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Age", "string", 0),
            ("Containers", "string", 1),
            ("Images", "string", 1),
            ("Selector", "string", 1),
        ],
        _rs_row,
    ),
    "Node": (
        [
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Roles", "string", 0),
            ("Age", "string", 0),
            ("Version", "string", 0),
        ],
        _node_row,
    ),
    "Service": (
        [
            ("Name", "string", 0),
            ("Type", "string", 0),
            ("Cluster-IP", "string", 0),
            ("External-IP", "string", 0),
            ("Port(s)", "string", 0),
            ("Age", "string", 0),
            ("Selector", "string", 1),
        ],
        _service_row,
    ),
    "Event": (
        [
            ("Last Seen", "string", 0),
            ("Type", "string", 0),
            ("Reason", "string", 0),
            ("Object", "string", 0),
            ("Message", "string", 0),
        ],
        _event_row,
    ),
    "HorizontalPodAutoscaler": (
        [
            ("Name", "string", 0),
            ("Reference", "string", 0),
            ("Targets", "string", 0),
            ("MinPods", "string", 0),
            ("MaxPods", "string", 0),
            ("Replicas", "string", 0),
            ("Age", "string", 0),
        ],
        _hpa_row,
    ),
    "StatefulSet": (
        [("Name", "string", 0), ("Ready", "string", 0), ("Age", "string", 0)],
        lambda s: [
            s["metadata"]["name"],
            _ratio(s, "readyReplicas", "replicas", 1),
            _age(s),
        ],
    ),
    "DaemonSet": (
        [
            ("Name", "string", 0),
            ("Desired", "integer", 0),
            ("Current", "integer", 0),
            ("Ready", "integer", 0),
            ("Up-to-date", "integer", 0),
            ("Available", "integer", 0),
            ("Node Selector", "string", 0),
            ("Age", "string", 0),
        ],
        lambda d: [
            d["metadata"]["name"],
            *(
                (d.get("status") or {}).get(k, 0)
                for k in (
                    "desiredNumberScheduled",
                    "currentNumberScheduled",
                    "numberReady",
                    "updatedNumberScheduled",
                    "numberAvailable",
                )
            ),
            ",".join(
                f"{k}={v}"
                for k, v in (
                    ((d.get("spec") or {}).get("template") or {})
                    .get("spec", {})
                    .get("nodeSelector")
                    or {}
                ).items()
            )
            or "<none>",
            _age(d),
        ],
    ),
    "PodDisruptionBudget": (
        [
            ("Name", "string", 0),
            ("Min Available", "string", 0),
            ("Max Unavailable", "string", 0),
            ("Allowed Disruptions", "integer", 0),
            ("Age", "string", 0),
        ],
        lambda p: [
            p["metadata"]["name"],
            str((p.get("spec") or {}).get("minAvailable", "N/A")),
            str((p.get("spec") or {}).get("maxUnavailable", "N/A")),
            (p.get("status") or {}).get("disruptionsAllowed", 0),
            _age(p),
        ],
    ),
    "Namespace": (
        [("Name", "string", 0), ("Status", "string", 0), ("Age", "string", 0)],
        lambda n: [n["metadata"]["name"], (n.get("status") or {}).get("phase", "Active"), _age(n)],
    ),
    "ConfigMap": (
        [("Name", "string", 0), ("Data", "integer", 0), ("Age", "string", 0)],
        lambda c: [
            c["metadata"]["name"],
            len(c.get("data") or {}) + len(c.get("binaryData") or {}),
            _age(c),
        ],
    ),
    "Secret": (
        [
            ("Name", "string", 0),
            ("Type", "string", 0),
            ("Data", "integer", 0),
            ("Age", "string", 0),
        ],
        lambda s: [
            s["metadata"]["name"],
            s.get("type", "Opaque"),
            len(s.get("data") or {}),
            _age(s),
        ],
    ),
    "Endpoints": (
        [("Name", "string", 0), ("Endpoints", "string", 0), ("Age", "string", 0)],
        lambda e: [
            e["metadata"]["name"],
            ",".join(
                f"{a['ip']}:{p['port']}"
                for s in e.get("subsets") or []
                for a in s.get("addresses") or []
                for p in s.get("ports") or []
            )
            or "<none>",
            _age(e),
        ],
    ),
    "Job": (
        [
            ("Name", "string", 0),
            ("Status", "string", 0),
            ("Completions", "string", 0),
            ("Age", "string", 0),
        ],
        lambda j: [
            j["metadata"]["name"],
            "Complete" if (j.get("status") or {}).get("completionTime") else "Running",
            _ratio(j, "succeeded", "completions", 1),
            _age(j),
        ],
    ),
}


def _object_for_row(obj: Obj, include: str) -> Obj | None:
    if include == "None":
        return None
    if include == "Object":
        return obj
    return {
        "kind": "PartialObjectMetadata",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": obj["metadata"],
    }


def to_table(
    rtype: ResourceType, items: list[Obj], list_meta: Obj, include: str = "Metadata"
) -> Obj:
    """A ``Table`` for ``items`` (a single get passes one item)."""
    columns, row_of = _COLUMNS.get(
        rtype.kind, ([("Name", "string", 0), ("Age", "string", 0)], None)
    )
    if rtype.kind in EXTRA_COLUMNS:
        columns, extra_row = EXTRA_COLUMNS[rtype.kind]

        def row_of(obj: Obj) -> Row:
            return extra_row(obj, _age(obj))

    defs = [
        {
            "name": name,
            "type": kind,
            "format": "name" if name == "Name" else "",
            "description": name,
            "priority": priority,
        }
        for name, kind, priority in columns
    ]
    rows = []
    for obj in items:
        cells = row_of(obj) if row_of else [obj["metadata"]["name"], _age(obj)]
        row: Obj = {"cells": cells}
        partial = _object_for_row(obj, include)
        if partial is not None:
            row["object"] = partial
        rows.append(row)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": list_meta,
        "columnDefinitions": defs,
        "rows": rows,
    }
