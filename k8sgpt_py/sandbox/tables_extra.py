"""Table columns (``kubectl get``) for storage, RBAC, networking and policy kinds."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from k8sgpt_py.sandbox.selectors import selector_to_string

Obj = dict[str, Any]
Row = list[Any]
Columns = list[tuple[str, str, int]]
_MODES = {
    "ReadWriteOnce": "RWO",
    "ReadOnlyMany": "ROX",
    "ReadWriteMany": "RWX",
    "ReadWriteOncePod": "RWOP",
}


def _modes(modes: Any) -> str:
    return ",".join(_MODES.get(m, m) for m in modes or [])


def _pvc_row(pvc: Obj, age: str) -> Row:
    spec, status = pvc.get("spec") or {}, pvc.get("status") or {}
    return [
        pvc["metadata"]["name"],
        status.get("phase", "Pending"),
        spec.get("volumeName", ""),
        (status.get("capacity") or {}).get("storage", ""),
        _modes(status.get("accessModes")),
        spec.get("storageClassName") or "<unset>",
        spec.get("volumeAttributesClassName") or "<unset>",
        age,
    ]


def _pv_row(pv: Obj, age: str) -> Row:
    spec, status = pv.get("spec") or {}, pv.get("status") or {}
    claim = spec.get("claimRef") or {}
    return [
        pv["metadata"]["name"],
        (spec.get("capacity") or {}).get("storage", ""),
        _modes(spec.get("accessModes")),
        spec.get("persistentVolumeReclaimPolicy", "Retain"),
        status.get("phase", "Available"),
        f"{claim['namespace']}/{claim['name']}" if claim else "",
        spec.get("storageClassName", ""),
        spec.get("volumeAttributesClassName") or "<unset>",
        status.get("reason", ""),
        age,
    ]


def _class_row(sc: Obj, age: str) -> Row:
    default = (sc["metadata"].get("annotations") or {}).get(
        "storageclass.kubernetes.io/is-default-class"
    )
    return [
        sc["metadata"]["name"] + (" (default)" if default == "true" else ""),
        sc.get("provisioner", ""),
        sc.get("reclaimPolicy", "Delete"),
        sc.get("volumeBindingMode", "Immediate"),
        str(bool(sc.get("allowVolumeExpansion"))).lower(),
        age,
    ]


def _binding_row(binding: Obj, age: str) -> Row:
    ref = binding.get("roleRef") or {}
    return [binding["metadata"]["name"], f"{ref.get('kind')}/{ref.get('name')}", age]


def _ingress_row(ing: Obj, age: str) -> Row:
    spec = ing.get("spec") or {}
    hosts = [r.get("host") or "*" for r in spec.get("rules") or []]
    balancer = ((ing.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
    return [
        ing["metadata"]["name"],
        spec.get("ingressClassName") or "<none>",
        ",".join(hosts) or "*",
        ",".join(b.get("ip") or b.get("hostname", "") for b in balancer),
        "80, 443" if spec.get("tls") else "80",
        age,
    ]


def _quota_row(quota: Obj, age: str) -> Row:
    status = quota.get("status") or {}
    hard = status.get("hard") or (quota.get("spec") or {}).get("hard") or {}
    used = status.get("used") or {}
    parts = [f"{k}: {used.get(k, '0')}/{v}" for k, v in sorted(hard.items())]
    requests = [p for p in parts if not p.startswith("limits.")]
    limits = [p for p in parts if p.startswith("limits.")]
    return [quota["metadata"]["name"], age, ", ".join(requests), ", ".join(limits)]


def _cronjob_row(cj: Obj, age: str) -> Row:
    spec, status = cj.get("spec") or {}, cj.get("status") or {}
    return [
        cj["metadata"]["name"],
        spec.get("schedule", ""),
        spec.get("timeZone") or "<none>",
        str(bool(spec.get("suspend"))),
        len(status.get("active") or []),
        "<none>",
        age,
    ]


def _created(obj: Obj, age: str) -> Row:
    return [obj["metadata"]["name"], obj["metadata"].get("creationTimestamp", "")]


def _s(*names: str) -> Columns:
    return [(n, "string", 0) for n in names]


EXTRA_COLUMNS: dict[str, tuple[Columns, Callable[[Obj, str], Row]]] = {
    "PersistentVolumeClaim": (
        _s("Name", "Status", "Volume", "Capacity", "Access Modes", "StorageClass",
           "VolumeAttributesClass", "Age"),
        _pvc_row,
    ),
    "PersistentVolume": (
        _s("Name", "Capacity", "Access Modes", "Reclaim Policy", "Status", "Claim",
           "StorageClass", "VolumeAttributesClass", "Reason", "Age"),
        _pv_row,
    ),
    "StorageClass": (
        _s("Name", "Provisioner", "ReclaimPolicy", "VolumeBindingMode", "AllowVolumeExpansion",
           "Age"),
        _class_row,
    ),
    "Role": (_s("Name", "Created At"), _created),
    "ClusterRole": (_s("Name", "Created At"), _created),
    "RoleBinding": (_s("Name", "Role", "Age"), _binding_row),
    "ClusterRoleBinding": (_s("Name", "Role", "Age"), _binding_row),
    "ServiceAccount": (
        [("Name", "string", 0), ("Secrets", "integer", 0), ("Age", "string", 0)],
        lambda sa, age: [sa["metadata"]["name"], len(sa.get("secrets") or []), age],
    ),
    "NetworkPolicy": (
        _s("Name", "Pod-Selector", "Age"),
        lambda np, age: [
            np["metadata"]["name"],
            selector_to_string((np.get("spec") or {}).get("podSelector")) or "<none>",
            age,
        ],
    ),
    "Ingress": (_s("Name", "Class", "Hosts", "Address", "Ports", "Age"), _ingress_row),
    "ResourceQuota": (_s("Name", "Age", "Request", "Limit"), _quota_row),
    "CronJob": (
        [*_s("Name", "Schedule", "Timezone", "Suspend"), ("Active", "integer", 0),
         *_s("Last Schedule", "Age")],
        _cronjob_row,
    ),
}  # fmt: skip
