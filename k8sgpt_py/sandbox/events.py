"""Recording core/v1 Events the way the controllers and the kubelet do."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox.resources import BY_KEY
from k8sgpt_py.sandbox.store import Store, clone, now_iso

Obj = dict[str, Any]
EVENTS = "/events"
_EVENT_NAME_BASE = 0x1879A2B3C4D50000


def _event_index(store: Store) -> dict[tuple[str, str, str], tuple[str, str]]:
    """(involved uid, reason, message) -> event identity, rebuilt when empty."""
    index: dict[tuple[str, str, str], tuple[str, str]] = store.indexes.setdefault("events", {})
    if not index:
        for existing in store.list(EVENTS):
            ref = existing["involvedObject"]
            ident = (existing["metadata"]["namespace"], existing["metadata"]["name"])
            index[(str(ref.get("uid")), existing["reason"], existing["message"])] = ident
    return index


def record_event(
    store: Store,
    involved: Obj,
    key: str,
    *,
    reason: str,
    message: str,
    event_type: str = "Normal",
    component: str = "kubelet",
    host: str | None = None,
    field_path: str | None = None,
) -> None:
    """Record an event about ``involved``; repeats of the same event bump its count."""
    meta = involved["metadata"]
    namespace = meta.get("namespace") or "default"
    rtype = BY_KEY[key]
    index = _event_index(store)
    dedupe = (str(meta.get("uid")), reason, message)
    found = index.get(dedupe)
    event = store.get(EVENTS, *found) if found else None
    if event is not None:
        event = clone(event)
        event["count"] = int(event.get("count") or 1) + 1
        event["lastTimestamp"] = now_iso()
        store.put(EVENTS, event)
        return
    serial = store.next_counter("event")
    digest = format(_EVENT_NAME_BASE + serial, "016x")  # increasing, like the real timestamps
    stamp = now_iso()
    ref = {
        "kind": rtype.kind,
        "namespace": meta.get("namespace", ""),
        "name": meta["name"],
        "uid": meta.get("uid", ""),
        "apiVersion": rtype.api_version,
        "resourceVersion": meta.get("resourceVersion", ""),
    }
    if field_path:
        ref["fieldPath"] = field_path
    source: Obj = {"component": component}
    if host:
        source["host"] = host
    event = {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": f"{meta['name']}.{digest}", "namespace": namespace},
        "involvedObject": ref,
        "reason": reason,
        "message": message,
        "source": source,
        "firstTimestamp": stamp,
        "lastTimestamp": stamp,
        "count": 1,
        "type": event_type,
        "eventTime": None,
        "reportingComponent": component,
        "reportingInstance": host or "",
    }
    store.put(EVENTS, event)
    index[dedupe] = (namespace, event["metadata"]["name"])
