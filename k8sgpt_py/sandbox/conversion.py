"""Conversion between served versions and the storage version (autoscaling/v1 <-> v2 HPAs).

The API server stores HorizontalPodAutoscalers as ``autoscaling/v2`` and converts on the way
in and out. ``v1`` only knows a CPU utilization target; whatever else a v2 object carries
(other metrics, conditions, behavior) rides along in the ``autoscaling.alpha.kubernetes.io/*``
annotations, as the real conversion does, so a v1 round trip loses nothing.
"""

from __future__ import annotations

import json
from typing import Any

from k8sgpt_py.sandbox.patch import APPLY_PATCH_TYPE, PatchError, apply_patch
from k8sgpt_py.sandbox.resources import BY_KEY, ResourceType
from k8sgpt_py.sandbox.store import ApiError, Store, clone

Obj = dict[str, Any]
_ANN = "autoscaling.alpha.kubernetes.io/"


def storage_type(rtype: ResourceType) -> ResourceType:
    """The type objects of ``rtype`` are stored as."""
    return BY_KEY.get(rtype.key, rtype)


def needs_conversion(rtype: ResourceType) -> bool:
    """Whether ``rtype`` is served in a version other than the storage version."""
    return storage_type(rtype) is not rtype


def _is_cpu_utilization(metric: Obj) -> bool:
    resource = metric.get("resource") or {}
    target = resource.get("target") or {}
    return (
        metric.get("type") == "Resource"
        and resource.get("name") == "cpu"
        and target.get("type") == "Utilization"
    )


def to_external(rtype: ResourceType, obj: Obj) -> Obj:
    """``obj`` (storage version) as ``rtype``'s version shows it."""
    if not needs_conversion(rtype) or obj.get("kind") != rtype.kind:
        return obj
    out = clone(obj)
    out["apiVersion"] = rtype.api_version
    meta = out.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})
    spec = out.get("spec") or {}
    metrics = spec.pop("metrics", None) or []
    cpu = next((m for m in metrics if _is_cpu_utilization(m)), None)
    if cpu is not None:
        spec["targetCPUUtilizationPercentage"] = cpu["resource"]["target"].get("averageUtilization")
    others = [m for m in metrics if m is not cpu]
    if others:
        annotations[_ANN + "metrics"] = json.dumps(others, separators=(",", ":"))
    behavior = spec.pop("behavior", None)
    if behavior:
        annotations[_ANN + "behavior"] = json.dumps(behavior, separators=(",", ":"))
    status = out.get("status")
    if isinstance(status, dict):
        current = status.pop("currentMetrics", None) or []
        for metric in current:
            resource = metric.get("resource") or {}
            if metric.get("type") == "Resource" and resource.get("name") == "cpu":
                value = (resource.get("current") or {}).get("averageUtilization")
                if value is not None:
                    status["currentCPUUtilizationPercentage"] = value
        conditions = status.pop("conditions", None)
        if conditions:
            annotations[_ANN + "conditions"] = json.dumps(conditions, separators=(",", ":"))
        if current:
            annotations[_ANN + "current-metrics"] = json.dumps(current, separators=(",", ":"))
    if annotations:
        meta["annotations"] = annotations
    result: Obj = out
    return result


def to_storage(rtype: ResourceType, obj: Any) -> Any:
    """A body sent in ``rtype``'s version, converted to the storage version."""
    if not needs_conversion(rtype) or not isinstance(obj, dict):
        return obj
    target = storage_type(rtype)
    out = clone(obj)
    out["apiVersion"], out["kind"] = target.api_version, target.kind
    meta = out.setdefault("metadata", {})
    annotations = dict(meta.get("annotations") or {})
    spec = out.get("spec")
    if isinstance(spec, dict):
        metrics: list[Obj] = []
        percent = spec.pop("targetCPUUtilizationPercentage", None)
        if percent is not None:
            target_value = {"type": "Utilization", "averageUtilization": percent}
            metrics.append(
                {"type": "Resource", "resource": {"name": "cpu", "target": target_value}}
            )
        metrics += json.loads(annotations.pop(_ANN + "metrics", "[]"))
        if metrics:
            spec["metrics"] = metrics
        if _ANN + "behavior" in annotations:
            spec["behavior"] = json.loads(annotations.pop(_ANN + "behavior"))
    status = out.get("status")
    conditions = json.loads(annotations.pop(_ANN + "conditions", "[]"))
    current = json.loads(annotations.pop(_ANN + "current-metrics", "[]"))
    if isinstance(status, dict):
        status.pop("currentCPUUtilizationPercentage", None)
        if current:
            status["currentMetrics"] = current
        if conditions:
            status["conditions"] = conditions
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    return out


def convert_write(
    store: Store,
    served: ResourceType,
    namespace: str | None,
    name: str | None,
    verb: str,
    body: Any,
    content_type: str,
) -> tuple[str, Any, str]:
    """A write in a non-storage version as the equivalent storage-version write.

    A patch is applied to the served view of the stored object and sent on as an update.
    """
    if verb in {"create", "update"} or content_type.startswith(APPLY_PATCH_TYPE):
        return verb, to_storage(served, body), content_type
    if verb != "patch":
        return verb, body, content_type
    old = store.get(served.key, namespace or "", name or "")
    if old is None:
        return verb, body, content_type
    try:
        patched = apply_patch(content_type, to_external(served, old), body)
    except PatchError as exc:
        raise ApiError(422, "Invalid", str(exc)) from exc
    new = to_storage(served, patched)
    new.setdefault("metadata", {})["resourceVersion"] = old["metadata"]["resourceVersion"]
    return "update", new, "application/json"
