"""The resource quota controller: ``status.hard`` and ``status.used`` of every ResourceQuota."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.quantity import cpu_millicores, memory_bytes
from k8sgpt_py.sandbox.scheduler import is_terminated
from k8sgpt_py.sandbox.store import Store, clone

Obj = dict[str, Any]
QUOTAS = "/resourcequotas"
_COUNTED = {
    "pods": "/pods",
    "services": "/services",
    "configmaps": "/configmaps",
    "secrets": "/secrets",
    "persistentvolumeclaims": "/persistentvolumeclaims",
    "resourcequotas": QUOTAS,
    "count/deployments.apps": "apps/deployments",
    "count/replicasets.apps": "apps/replicasets",
    "count/statefulsets.apps": "apps/statefulsets",
    "count/jobs.batch": "batch/jobs",
    "count/cronjobs.batch": "batch/cronjobs",
}


def _container_sum(pods: list[Obj], section: str, resource: str) -> int:
    total = 0
    parse = cpu_millicores if resource == "cpu" else memory_bytes
    for pod in pods:
        for container in (pod.get("spec") or {}).get("containers") or []:
            value = ((container.get("resources") or {}).get(section) or {}).get(resource)
            if value is not None:
                total += parse(value)
    return total


def _format(resource: str, amount: int) -> str:
    if resource.endswith("cpu"):
        return f"{amount // 1000}" if amount % 1000 == 0 else f"{amount}m"
    for unit, size in (("Gi", 2**30), ("Mi", 2**20), ("Ki", 2**10)):
        if amount and amount % size == 0:
            return f"{amount // size}{unit}"
    return str(amount)


def used(store: Store, namespace: str, resource: str) -> str | None:
    """Current usage of one quota resource in ``namespace`` (None when not tracked)."""
    key = _COUNTED.get(resource) or _COUNTED.get(f"count/{resource}")
    if key is not None:
        items = store.list(key, namespace)
        if key == "/pods":
            items = [p for p in items if not is_terminated(p)]
        return str(len(items))
    section, _, name = resource.rpartition(".")
    if name in {"cpu", "memory"} and section in {"", "requests", "limits"}:
        pods = [p for p in store.list("/pods", namespace) if not is_terminated(p)]
        total = _container_sum(pods, section or "requests", name)
        return _format(name, total)
    return None


def sync_quotas(store: Store) -> bool:
    """Recompute every quota's status; True when one changed."""
    changed = False
    for quota in store.list(QUOTAS):
        hard = dict((quota.get("spec") or {}).get("hard") or {})
        namespace = quota["metadata"]["namespace"]
        usage = {r: u for r in hard if (u := used(store, namespace, r)) is not None}
        status = {"hard": hard, "used": usage}
        if quota.get("status") != status:
            quota = clone(quota)
            quota["status"] = status
            store.put(QUOTAS, quota)
            changed = True
    return changed


def _pod_amount(pod: Obj, resource: str) -> tuple[int, list[str]] | None:
    """(amount, containers missing it) a new pod adds to ``resource``; None: not tracked."""
    if resource in {"pods", "count/pods"}:
        return 1, []
    section, _, name = resource.rpartition(".")
    if name not in {"cpu", "memory"} or section not in {"", "requests", "limits"}:
        return None
    section = section or "requests"
    parse = cpu_millicores if name == "cpu" else memory_bytes
    total, missing = 0, []
    for container in (pod.get("spec") or {}).get("containers") or []:
        value = ((container.get("resources") or {}).get(section) or {}).get(name)
        if value is None:
            missing.append(str(container.get("name")))
        else:
            total += parse(value)
    return total, missing


def _amount(resource: str, value: Any) -> int:
    name = resource.rpartition(".")[2]
    if name == "cpu":
        return cpu_millicores(value)
    if name == "memory":
        return memory_bytes(value)
    return int(float(value))


def admit(store: Store, pod: Obj) -> str | None:
    """Why the ResourceQuota admission plugin refuses ``pod`` (None: admitted)."""
    namespace = pod["metadata"].get("namespace", "")
    for quota in store.list(QUOTAS, namespace):
        name = quota["metadata"]["name"]
        hard = (quota.get("spec") or {}).get("hard") or {}
        missing: list[str] = []
        over: list[tuple[str, str, str, str]] = []
        for resource, limit in sorted(hard.items()):
            adds = _pod_amount(pod, resource)
            if adds is None:
                continue
            amount, lacking = adds
            if lacking:
                missing.append(f"{resource} for: {','.join(lacking)}")
                continue
            current = used(store, namespace, resource) or "0"
            if _amount(resource, current) + amount > _amount(resource, limit):
                shown = _format(resource, amount) if resource != "pods" else str(amount)
                over.append((resource, shown, current, str(limit)))
        if missing:
            return f"failed quota: {name}: must specify {'; '.join(missing)}"
        if over:
            requested = ",".join(f"{r}={a}" for r, a, _, _ in over)
            in_use = ",".join(f"{r}={u}" for r, _, u, _ in over)
            limited = ",".join(f"{r}={h}" for r, _, _, h in over)
            return (
                f"exceeded quota: {name}, requested: {requested}, used: {in_use}, "
                f"limited: {limited}"
            )
    return None
