"""A tiny, deterministic controller-manager: workloads -> pods, statuses, endpoints, GC.

``reconcile`` runs every controller until nothing changes. Rollouts are instant: a template
change creates a new ReplicaSet (revision + 1) at full size and scales the old ones to zero.
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox import statuses, workloads
from k8sgpt_py.sandbox.endpoints import sync_endpoints
from k8sgpt_py.sandbox.kubelet import Kubelet
from k8sgpt_py.sandbox.quota import sync_quotas
from k8sgpt_py.sandbox.resources import BY_KEY
from k8sgpt_py.sandbox.scheduler import pod_requests, schedule_pending
from k8sgpt_py.sandbox.selectors import selector_object_matches
from k8sgpt_py.sandbox.storage import sync_volumes
from k8sgpt_py.sandbox.store import Store, clone
from k8sgpt_py.sandbox.workloads import is_ready, save_if_changed

Obj = dict[str, Any]
MAX_PASSES = 60


class Controller:
    """Runs the workload controllers, the scheduler and the kubelet to a fixed point."""

    def __init__(self, store: Store, kubelet: Kubelet) -> None:
        self.store = store
        self.kubelet = kubelet

    def reconcile(self) -> None:
        """Run every controller until a pass changes nothing."""
        for _ in range(MAX_PASSES):
            changed = False
            changed |= workloads.sync_deployments(self.store)
            changed |= workloads.sync_replicasets(self.store)
            changed |= workloads.sync_statefulsets(self.store)
            changed |= workloads.sync_daemonsets(self.store)
            changed |= workloads.sync_jobs(self.store)
            changed |= schedule_pending(self.store)
            changed |= self.kubelet.start_pods(self.store)
            changed |= statuses.update_statuses(self.store)
            changed |= sync_endpoints(self.store)
            changed |= sync_hpas(self.store, self.kubelet)
            changed |= sync_volumes(self.store)
            changed |= sync_quotas(self.store)
            changed |= sync_pdbs(self.store)
            if not changed:
                return


def cascade_delete(
    store: Store, key: str, namespace: str, name: str, *, orphan: bool = False
) -> Obj | None:
    """Delete an object and (unless ``orphan``) everything it owns, recursively."""
    obj = store.delete(key, namespace, name)
    if obj is None:
        return None
    uid = obj["metadata"].get("uid")
    if key == "/namespaces":
        for other_key, rtype in BY_KEY.items():
            if rtype.namespaced:
                for child in store.list(other_key, name):
                    store.delete(other_key, name, child["metadata"]["name"])
        return obj
    for child_key, rtype in BY_KEY.items():
        if not rtype.namespaced:
            continue
        for child in store.list(child_key, namespace):
            refs = child["metadata"].get("ownerReferences") or []
            if not any(r.get("uid") == uid for r in refs):
                continue
            if orphan:
                child = clone(child)
                child["metadata"]["ownerReferences"] = [r for r in refs if r.get("uid") != uid]
                store.put(child_key, child)
            else:
                cascade_delete(store, child_key, namespace, child["metadata"]["name"])
    return obj


def sync_hpas(store: Store, kubelet: Kubelet) -> bool:
    """HPA status from the target's replicas and its pods' simulated CPU usage."""
    changed = False
    for hpa in store.list("autoscaling/horizontalpodautoscalers"):
        spec, ns = hpa.get("spec") or {}, hpa["metadata"]["namespace"]
        ref = spec.get("scaleTargetRef") or {}
        key = {"Deployment": "apps/deployments", "StatefulSet": "apps/statefulsets"}.get(
            ref.get("kind", "")
        )
        target = store.get(key, ns, ref.get("name", "")) if key else None
        before = hpa
        hpa = clone(hpa)
        if target is None:
            status: Obj = {
                "currentReplicas": 0,
                "desiredReplicas": 0,
                "conditions": [
                    {
                        "type": "AbleToScale",
                        "status": "False",
                        "reason": "FailedGetScale",
                        "message": "the HPA controller was unable to get the target's current "
                        f'scale: {key or ref.get("kind")} "{ref.get("name")}" not found',
                    }
                ],
            }
        else:
            status = _hpa_status(store, kubelet, spec, target)
        old_conds = {c["type"]: c for c in (before.get("status") or {}).get("conditions") or []}
        for cond in status["conditions"]:
            old = old_conds.get(cond["type"])
            same = old and old.get("status") == cond["status"]
            cond["lastTransitionTime"] = (
                old["lastTransitionTime"] if same and old else hpa["metadata"]["creationTimestamp"]
            )
        hpa["status"] = status
        changed |= save_if_changed(store, "autoscaling/horizontalpodautoscalers", hpa, before)
    return changed


def _hpa_status(store: Store, kubelet: Kubelet, spec: Obj, target: Obj) -> Obj:
    replicas = int((target.get("status") or {}).get("replicas") or 0)
    low, high = int(spec.get("minReplicas", 1)), int(spec["maxReplicas"])
    selector = (target.get("spec") or {}).get("selector") or {}
    pods = [
        p
        for p in store.list("/pods", target["metadata"]["namespace"])
        if selector_object_matches(selector, p["metadata"].get("labels")) and is_ready(p)
    ]
    utilization = used = 0
    if pods:
        used = sum(cpu for p in pods for _, cpu, _ in kubelet.usage(p))
        requested = sum(pod_requests(p)[0] for p in pods) or 1
        utilization = round(100 * used / requested)
    current = [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "current": {
                    "averageUtilization": utilization,
                    "averageValue": f"{round(used / max(len(pods), 1))}m",
                },
            },
        }
    ]
    desired = min(max(replicas, low), high)
    limited = replicas <= low or replicas >= high
    return {
        "currentReplicas": replicas,
        "desiredReplicas": desired,
        "currentMetrics": current,
        "conditions": [
            {
                "type": "AbleToScale",
                "status": "True",
                "reason": "ReadyForNewScale",
                "message": "recommended size matches current size",
            },
            {
                "type": "ScalingActive",
                "status": "True",
                "reason": "ValidMetricFound",
                "message": "the HPA was able to successfully calculate a replica count from cpu "
                "resource utilization (percentage of request)",
            },
            {
                "type": "ScalingLimited",
                "status": "True" if limited else "False",
                "reason": "TooFewReplicas" if limited else "DesiredWithinRange",
                "message": "the desired replica count is less than the minimum replica count"
                if limited
                else "the desired count is within the acceptable range",
            },
        ],
    }


def sync_pdbs(store: Store) -> bool:
    """Keep PodDisruptionBudget status (healthy pods, disruptions allowed) current."""
    changed = False
    for pdb in store.list("policy/poddisruptionbudgets"):
        spec = pdb.get("spec") or {}
        pods = [
            p
            for p in store.list("/pods", pdb["metadata"]["namespace"])
            if selector_object_matches(spec.get("selector"), p["metadata"].get("labels"))
        ]
        healthy = sum(1 for p in pods if is_ready(p))
        expected = len(pods)
        if "minAvailable" in spec:
            desired = _resolve(spec["minAvailable"], expected)
        else:
            desired = expected - _resolve(spec.get("maxUnavailable", 0), expected)
        status = {
            "currentHealthy": healthy,
            "desiredHealthy": desired,
            "disruptionsAllowed": max(healthy - desired, 0),
            "expectedPods": expected,
            "observedGeneration": pdb["metadata"].get("generation", 1),
        }
        if (pdb.get("status") or {}) != status:
            pdb = clone(pdb)
            pdb["status"] = status
            store.put("policy/poddisruptionbudgets", pdb)
            changed = True
    return changed


def _resolve(value: Any, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return -(-total * int(value[:-1]) // 100)
    return int(value)
