"""Workload status: Deployment, StatefulSet, DaemonSet, ReplicaSet and Job ``status`` from pods."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from k8sgpt_py.sandbox.rollout import surge_and_unavailable
from k8sgpt_py.sandbox.scheduler import is_terminated
from k8sgpt_py.sandbox.store import Store, clone, format_time, now_iso, parse_time
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


def _keep_times(new: list[Obj], old: list[Obj] | None, stamp: str | None = None) -> list[Obj]:
    previous = {c["type"]: c for c in old or []}
    stamp = stamp or now_iso()
    for cond in new:
        before = previous.get(cond["type"])
        same = before is not None and all(
            before.get(k) == cond.get(k) for k in ("status", "reason", "message")
        )
        if "lastUpdateTime" not in cond:
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
    if max(desired, len(pods)) - ready > 0:
        status["unavailableReplicas"] = max(desired, len(pods)) - ready
    strategy = (deployment["spec"].get("strategy") or {}).get("type")
    max_unavailable = 0 if strategy == "Recreate" else surge_and_unavailable(deployment)[1]
    rs_name = current["metadata"]["name"] if current else deployment["metadata"]["name"]
    available = ready >= desired - max_unavailable
    complete = (
        len(new_pods) == desired
        and ready == desired
        and len(pods) == desired
        and sum(1 for p in new_pods if is_ready(p)) == desired
    )
    old = deployment.get("status") or {}
    conditions = [
        {
            "type": "Available",
            "status": "True" if available else "False",
            "reason": "MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
            "message": "Deployment has minimum availability."
            if available
            else "Deployment does not have minimum availability.",
        },
        _progressing(store, deployment, rs_name, complete, status, old),
    ]
    status["conditions"] = _keep_times(
        conditions, old.get("conditions"), format_time(store.clock())
    )
    return status


def _condition(conditions: Any, kind: str) -> Obj | None:
    return next((c for c in conditions or [] if c.get("type") == kind), None)


def _progressed(status: Obj, old: Obj) -> bool:
    """Whether the rollout moved since the last status (util.DeploymentProgressing)."""
    return bool(
        status.get("updatedReplicas", 0) > old.get("updatedReplicas", 0)
        or status.get("replicas", 0) < old.get("replicas", 0)
        or status.get("readyReplicas", 0) > old.get("readyReplicas", 0)
        or status.get("availableReplicas", 0) > old.get("availableReplicas", 0)
    )


def _progressing(
    store: Store, deployment: Obj, rs_name: str, complete: bool, status: Obj, old: Obj
) -> Obj:
    """Progressing: progress renews it; ``progressDeadlineSeconds`` without any fails it."""
    if deployment["spec"].get("paused"):
        return {
            "type": "Progressing",
            "status": "Unknown",
            "reason": "DeploymentPaused",
            "message": "Deployment is paused",
        }
    if complete:
        return {
            "type": "Progressing",
            "status": "True",
            "reason": "NewReplicaSetAvailable",
            "message": f'ReplicaSet "{rs_name}" has successfully progressed.',
        }
    before = _condition(old.get("conditions"), "Progressing")
    now = store.clock()
    updated: Obj = {
        "type": "Progressing",
        "status": "True",
        "reason": "ReplicaSetUpdated",
        "message": f'ReplicaSet "{rs_name}" is progressing.',
        "lastUpdateTime": format_time(now),
    }
    same_rollout = before is not None and f'"{rs_name}"' in str(before.get("message"))
    if not same_rollout or before is None or before.get("reason") != "ReplicaSetUpdated":
        if (
            same_rollout
            and before is not None
            and before.get("reason") == "ProgressDeadlineExceeded"
        ):
            return {k: v for k, v in before.items() if k != "lastTransitionTime"}
        return updated
    if _progressed(status, old):
        return updated
    deadline = deployment["spec"].get("progressDeadlineSeconds")
    last = parse_time(str(before.get("lastUpdateTime") or format_time(now)))
    if deadline is not None and (now - last).total_seconds() > int(deadline):
        return {
            "type": "Progressing",
            "status": "False",
            "reason": "ProgressDeadlineExceeded",
            "message": f'ReplicaSet "{rs_name}" has timed out progressing.',
            "lastUpdateTime": format_time(now),
        }
    return {k: v for k, v in before.items() if k != "lastTransitionTime"}


def next_deadline(store: Store) -> float | None:
    """Seconds until the earliest rollout deadline expires (None: no rollout is waiting)."""
    soonest: float | None = None
    now = store.clock()
    for deployment in store.list(DEPLOYMENTS):
        cond = _condition((deployment.get("status") or {}).get("conditions"), "Progressing")
        deadline = deployment["spec"].get("progressDeadlineSeconds")
        if cond is None or cond.get("reason") != "ReplicaSetUpdated" or deadline is None:
            continue
        last = parse_time(str(cond.get("lastUpdateTime")))
        left = int(deadline) - (now - last).total_seconds()
        soonest = left if soonest is None else min(soonest, left)
    return soonest


def backdate_rollouts(store: Store) -> None:
    """Make every rollout still in progress look as old as its deadline (the demo's history)."""
    for deployment in store.list(DEPLOYMENTS):
        conditions = (deployment.get("status") or {}).get("conditions")
        cond = _condition(conditions, "Progressing")
        deadline = deployment["spec"].get("progressDeadlineSeconds")
        if cond is None or cond.get("reason") != "ReplicaSetUpdated" or deadline is None:
            continue
        deployment = clone(deployment)
        cond = _condition(deployment["status"]["conditions"], "Progressing") or {}
        then = parse_time(str(cond["lastUpdateTime"])) - timedelta(seconds=int(deadline) + 1)
        cond["lastUpdateTime"] = format_time(then)
        store.put(DEPLOYMENTS, deployment)


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
