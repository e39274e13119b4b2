"""Workload status: Deployment, StatefulSet, DaemonSet, ReplicaSet and Job ``status`` from pods."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox.scheduler import is_terminated
from k8sgpt_py.sandbox.store import Store, clone, now_iso
from k8sgpt_py.sandbox.workloads import (
    DAEMONSETS,
    DEPLOYMENTS,
    JOBS,
    PODS,
    REPLICASETS,
    STATEFULSETS,
    is_ready,
    owned,
    owner_template_hash,
    rs_hash,
)

Obj = dict[str, Any]


def _keep_times(new: list[Obj], old: list[Obj] | None) -> list[Obj]:
    previous = {c["type"]: c for c in old or []}
    stamp = now_iso()
    for cond in new:
        before = previous.get(cond["type"])
        same = before is not None and all(
            before.get(k) == cond.get(k) for k in ("status", "reason", "message")
        )
        cond["lastUpdateTime"] = before["lastUpdateTime"] if same and before else stamp
        cond["lastTransitionTime"] = (
            before["lastTransitionTime"]
            if before is not None and before.get("status") == cond["status"]
            else stamp
        )
    return new


def _pod_counts(pods: list[Obj]) -> Obj:
    ready = sum(1 for p in pods if is_ready(p))
    out: Obj = {"replicas": len(pods)}
    if ready:
        out["readyReplicas"] = ready
        out["availableReplicas"] = ready
    return out


def update_statuses(store: Store) -> bool:
    """Recompute the status of every workload from its pods and ReplicaSets."""
    changed = False
    for rs in store.list(REPLICASETS):
        pods = [p for p in owned(store, PODS, rs) if not is_terminated(p)]
        status = {**_pod_counts(pods), "fullyLabeledReplicas": len(pods)}
        if not pods:
            status.pop("fullyLabeledReplicas")
        status["observedGeneration"] = rs["metadata"].get("generation", 1)
        changed |= _set_status(store, REPLICASETS, rs, status)
    for deployment in store.list(DEPLOYMENTS):
        changed |= _set_status(
            store, DEPLOYMENTS, deployment, _deployment_status(store, deployment)
        )
    for sts in store.list(STATEFULSETS):
        changed |= _set_status(store, STATEFULSETS, sts, _statefulset_status(store, sts))
    for ds in store.list(DAEMONSETS):
        changed |= _set_status(store, DAEMONSETS, ds, _daemonset_status(store, ds))
    for job in store.list(JOBS):
        changed |= _set_status(store, JOBS, job, _job_status(store, job))
    return changed


def _set_status(store: Store, key: str, obj: Obj, status: Obj) -> bool:
    if obj.get("status") == status:
        return False
    obj = clone(obj)
    obj["status"] = status
    store.put(key, obj)
    return True


def _deployment_status(store: Store, deployment: Obj) -> Obj:
    desired = int(deployment["spec"].get("replicas", 1))
    digest = owner_template_hash(deployment)
    sets = owned(store, REPLICASETS, deployment)
    current = next((rs for rs in sets if rs_hash(rs) == digest), None)
    pods = [p for rs in sets for p in owned(store, PODS, rs) if not is_terminated(p)]
    new_pods = [p for p in owned(store, PODS, current) if not is_terminated(p)] if current else []
    ready = sum(1 for p in pods if is_ready(p))
    status: Obj = {
        "observedGeneration": deployment["metadata"].get("generation", 1),
        "replicas": len(pods),
    }
    if new_pods:
        status["updatedReplicas"] = len(new_pods)
    if ready:
        status["readyReplicas"] = ready
        status["availableReplicas"] = ready
    if len(pods) - ready:
        status["unavailableReplicas"] = len(pods) - ready
    max_unavailable = desired // 4
    rs_name = current["metadata"]["name"] if current else deployment["metadata"]["name"]
    available = ready >= desired - max_unavailable
    complete = len(new_pods) == desired and ready == desired and len(pods) == desired
    stuck = any(_is_failing(p) for p in new_pods)
    conditions = [
        {
            "type": "Available",
            "status": "True" if available else "False",
            "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if available
            else "Deployment does not have minimum availability.",
        },
        _progressing(rs_name, complete, stuck),
    ]
    if deployment["spec"].get("paused"):
        conditions[1] = {
            "type": "Progressing",
            "status": "Unknown",
            "reason": "DeploymentPaused",
            "message": "Deployment is paused",
        }
    status["conditions"] = _keep_times(
        conditions, (deployment.get("status") or {}).get("conditions")
    )
    return status


def _progressing(rs_name: str, complete: bool, stuck: bool) -> Obj:
    if complete:
        return {
            "type": "Progressing",
            "status": "True",
            "reason": "NewReplicaSetAvailable",
            "message": f'ReplicaSet "{rs_name}" has successfully progressed.',
        }
    if stuck:
        return {
            "type": "Progressing",
            "status": "False",
            "reason": "ProgressDeadlineExceeded",
            "message": f'ReplicaSet "{rs_name}" has timed out progressing.',
        }
    return {
        "type": "Progressing",
        "status": "True",
        "reason": "ReplicaSetUpdated",
        "message": f'ReplicaSet "{rs_name}" is progressing.',
    }


def _is_failing(pod: Obj) -> bool:
    status = pod.get("status") or {}
    for cond in status.get("conditions") or []:
        if cond.get("type") == "PodScheduled" and cond.get("reason") == "Unschedulable":
            return True
    return any(
        ((c.get("state") or {}).get("waiting") or {}).get("reason")
        in {"CrashLoopBackOff", "ImagePullBackOff"}
        for c in status.get("containerStatuses") or []
    )


def _statefulset_status(store: Store, sts: Obj) -> Obj:
    pods = [p for p in owned(store, PODS, sts) if not is_terminated(p)]
    revision = f"{sts['metadata']['name']}-{owner_template_hash(sts)}"
    status = _pod_counts(pods)
    status.update(
        observedGeneration=sts["metadata"].get("generation", 1),
        currentReplicas=len(pods),
        updatedReplicas=len(pods),
        currentRevision=revision,
        updateRevision=revision,
        collisionCount=0,
    )
    status.setdefault("availableReplicas", 0)
    return status


def _daemonset_status(store: Store, ds: Obj) -> Obj:
    pods = owned(store, PODS, ds)
    ready = sum(1 for p in pods if is_ready(p))
    status: Obj = {
        "currentNumberScheduled": len(pods),
        "desiredNumberScheduled": len(pods),
        "numberMisscheduled": 0,
        "numberReady": ready,
        "observedGeneration": ds["metadata"].get("generation", 1),
        "updatedNumberScheduled": len(pods),
    }
    if ready:
        status["numberAvailable"] = ready
    if len(pods) - ready:
        status["numberUnavailable"] = len(pods) - ready
    return status


def _job_status(store: Store, job: Obj) -> Obj:
    pods = owned(store, PODS, job)
    succeeded = sum(1 for p in pods if (p.get("status") or {}).get("phase") == "Succeeded")
    old = job.get("status") or {}
    status: Obj = {"startTime": old.get("startTime") or job["metadata"]["creationTimestamp"]}
    active = len(pods) - succeeded
    if active:
        status["active"] = active
        status["ready"] = sum(1 for p in pods if is_ready(p))
    status["succeeded"] = succeeded
    if pods and succeeded == int(job["spec"].get("completions", 1)):
        done = old.get("completionTime") or now_iso()
        status["completionTime"] = done
        status["conditions"] = [
            {
                "type": "SuccessCriteriaMet",
                "status": "True",
                "reason": "CompletionsReached",
                "message": "Reached expected number of succeeded pods",
                "lastProbeTime": done,
                "lastTransitionTime": done,
            },
            {
                "type": "Complete",
                "status": "True",
                "reason": "CompletionsReached",
                "message": "Reached expected number of succeeded pods",
                "lastProbeTime": done,
                "lastTransitionTime": done,
            },
        ]
    return status
