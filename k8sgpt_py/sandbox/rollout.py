"""The deployment controller's rollout arithmetic (pkg/controller/deployment, rolling.go).

A rolling update moves in steps: the new ReplicaSet grows while the total stays within
``replicas + maxSurge``, old ReplicaSets shrink while at least ``replicas - maxUnavailable``
pods stay available. Each call makes one step; the controller loop repeats it, so a new
template whose pods never become ready stops half-way, as on a real cluster. ``Recreate``
scales every old ReplicaSet to zero first and grows the new one once their pods are gone.
"""

from __future__ import annotations

import math
from typing import Any

Obj = dict[str, Any]


def resolve(value: Any, total: int, *, round_up: bool) -> int:
    """An int-or-percent (``"25%"``) as a pod count of ``total``."""
    if isinstance(value, str) and value.endswith("%"):
        exact = total * int(value[:-1]) / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def surge_and_unavailable(deployment: Obj) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) in pods; never both zero."""
    spec = deployment.get("spec") or {}
    desired = int(spec.get("replicas", 1))
    rolling = (spec.get("strategy") or {}).get("rollingUpdate") or {}
    surge = resolve(rolling.get("maxSurge", "25%"), desired, round_up=True)
    unavailable = resolve(rolling.get("maxUnavailable", "25%"), desired, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, min(unavailable, desired)


def _replicas(rs: Obj) -> int:
    return int((rs.get("spec") or {}).get("replicas") or 0)


def _available(rs: Obj) -> int:
    return int((rs.get("status") or {}).get("availableReplicas") or 0)


def _pods(rs: Obj) -> int:
    return int((rs.get("status") or {}).get("replicas") or 0)


def next_sizes(deployment: Obj, new_rs: Obj, old_sets: list[Obj]) -> dict[str, int]:
    """ReplicaSet name -> replicas after one controller step (only the ones that change)."""
    spec = deployment.get("spec") or {}
    desired = int(spec.get("replicas", 1))
    new_name = new_rs["metadata"]["name"]
    if (spec.get("strategy") or {}).get("type") == "Recreate":
        active = [rs for rs in old_sets if _replicas(rs) > 0]
        if active:
            return {rs["metadata"]["name"]: 0 for rs in active}
        if any(_pods(rs) for rs in old_sets) or _replicas(new_rs) == desired:
            return {}
        return {new_name: desired}
    surge, unavailable = surge_and_unavailable(deployment)
    all_sets = [new_rs, *old_sets]
    total = sum(_replicas(rs) for rs in all_sets)
    new_size = _replicas(new_rs)
    if new_size > desired:
        return {new_name: desired}
    if new_size < desired:
        room = desired + surge - total
        if room > 0:
            return {new_name: new_size + min(room, desired - new_size)}
    old_total = sum(_replicas(rs) for rs in old_sets)
    if old_total == 0:
        return {}
    min_available = desired - unavailable
    new_unavailable = max(new_size - _available(new_rs), 0)
    budget = total - min_available - new_unavailable
    if budget <= 0:
        return {}
    changes: dict[str, int] = {}
    oldest_first = sorted(old_sets, key=lambda rs: rs["metadata"].get("creationTimestamp", ""))
    # unhealthy old pods go first: they cost no availability
    for rs in oldest_first:
        unhealthy = min(_replicas(rs) - _available(rs), budget)
        if unhealthy > 0:
            changes[rs["metadata"]["name"]] = _replicas(rs) - unhealthy
            budget -= unhealthy
    if changes:
        return changes
    available = sum(_available(rs) for rs in all_sets)
    budget = min(budget, available - min_available)
    for rs in oldest_first:
        if budget <= 0:
            break
        cut = min(_replicas(rs), budget)
        if cut > 0:
            changes[rs["metadata"]["name"]] = _replicas(rs) - cut
            budget -= cut
    return changes
