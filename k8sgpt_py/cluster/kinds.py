"""The resource kinds kai knows: names, aliases, API group/version, plural, scope."""

from __future__ import annotations

from dataclasses import dataclass

from k8sgpt_py.errors import NotFound


@dataclass(frozen=True)
class KindInfo:
    """How one kind is addressed over the REST API."""

    kind: str
    plural: str
    group: str
    version: str
    is_namespaced: bool
    aliases: tuple[str, ...] = ()

    @property
    def api_version(self) -> str:
        """``apps/v1`` or ``v1`` for the core group."""
        return f"{self.group}/{self.version}" if self.group else self.version

    def path(self, namespace: str | None = None, name: str | None = None) -> str:
        """REST path of the collection or of one object (``namespace`` None: all namespaces)."""
        base = f"/apis/{self.group}/{self.version}" if self.group else f"/api/{self.version}"
        if self.is_namespaced and namespace:
            base += f"/namespaces/{namespace}"
        base += f"/{self.plural}"
        return f"{base}/{name}" if name else base


KINDS: tuple[KindInfo, ...] = (
    KindInfo("Pod", "pods", "", "v1", True, ("po", "pod")),
    KindInfo("Deployment", "deployments", "apps", "v1", True, ("deploy", "deployment")),
    KindInfo("StatefulSet", "statefulsets", "apps", "v1", True, ("sts", "statefulset")),
    KindInfo("DaemonSet", "daemonsets", "apps", "v1", True, ("ds", "daemonset")),
    KindInfo("ReplicaSet", "replicasets", "apps", "v1", True, ("rs", "replicaset")),
    KindInfo("Service", "services", "", "v1", True, ("svc", "service")),
    KindInfo("Endpoints", "endpoints", "", "v1", True, ("ep",)),
    KindInfo("ConfigMap", "configmaps", "", "v1", True, ("cm", "configmap")),
    KindInfo("Secret", "secrets", "", "v1", True, ("secret",)),
    KindInfo("Namespace", "namespaces", "", "v1", False, ("ns", "namespace")),
    KindInfo("Node", "nodes", "", "v1", False, ("no", "node")),
    KindInfo("Event", "events", "", "v1", True, ("ev", "event")),
    KindInfo("PersistentVolumeClaim", "persistentvolumeclaims", "", "v1", True, ("pvc",)),
    KindInfo(
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        "autoscaling",
        "v2",
        True,
        ("hpa", "autoscaler"),
    ),
    KindInfo("Job", "jobs", "batch", "v1", True, ("job",)),
    KindInfo("CronJob", "cronjobs", "batch", "v1", True, ("cj", "cronjob")),
    KindInfo("Ingress", "ingresses", "networking.k8s.io", "v1", True, ("ing", "ingress")),
    KindInfo("NetworkPolicy", "networkpolicies", "networking.k8s.io", "v1", True, ("netpol",)),
    KindInfo("PodDisruptionBudget", "poddisruptionbudgets", "policy", "v1", True, ("pdb",)),
    KindInfo("IngressClass", "ingressclasses", "networking.k8s.io", "v1", False),
    KindInfo("ServiceAccount", "serviceaccounts", "", "v1", True, ("sa",)),
    KindInfo("Role", "roles", "rbac.authorization.k8s.io", "v1", True),
    KindInfo("RoleBinding", "rolebindings", "rbac.authorization.k8s.io", "v1", True),
    KindInfo("ClusterRole", "clusterroles", "rbac.authorization.k8s.io", "v1", False),
    KindInfo("ClusterRoleBinding", "clusterrolebindings", "rbac.authorization.k8s.io", "v1", False),
    KindInfo("ResourceQuota", "resourcequotas", "", "v1", True, ("quota",)),
    KindInfo("LimitRange", "limitranges", "", "v1", True),
    KindInfo("PersistentVolume", "persistentvolumes", "", "v1", False, ("pv",)),
    KindInfo("StorageClass", "storageclasses", "storage.k8s.io", "v1", False, ("sc",)),
    KindInfo(
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        "v1",
        False,
    ),
    KindInfo(
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        "admissionregistration.k8s.io",
        "v1",
        False,
    ),
)

WORKLOAD_KINDS = ("Deployment", "StatefulSet", "DaemonSet")
# What a bare name may mean (``kai explain NAME``, the get/describe tools), in resolve order.
ANY_KIND = (
    *WORKLOAD_KINDS,
    "Pod",
    "Service",
    "Node",
    "HorizontalPodAutoscaler",
    "ConfigMap",
    "PersistentVolumeClaim",
    "Job",
    "CronJob",
    "Ingress",
    "Namespace",
)


def _index() -> dict[str, KindInfo]:
    table: dict[str, KindInfo] = {}
    for info in KINDS:
        names = {info.kind.lower(), info.plural, *info.aliases}
        names |= {f"{n}.{info.group}" for n in (info.kind.lower(), info.plural) if info.group}
        for name in names:
            table[name] = info
    return table


_BY_NAME = _index()
# Kinds learnt from a cluster's discovery documents (CRDs, built-ins missing above). The
# static table wins on a clash, so a CRD named ``Event`` never shadows the core kind.
_DISCOVERED: dict[str, KindInfo] = {}


def register_kind(info: KindInfo) -> None:
    """Remember a kind found by discovery, so later lookups by name resolve it."""
    names = {info.kind.lower(), info.plural, *info.aliases}
    names |= {f"{n}.{info.group}" for n in (info.kind.lower(), info.plural) if info.group}
    for name in names:
        if name not in _BY_NAME:
            _DISCOVERED.setdefault(name, info)


def is_builtin(info: KindInfo) -> bool:
    """True for kinds in the static table (their API servers accept strategic merge patch)."""
    known = _BY_NAME.get(info.kind.lower())
    return known is not None and (known.group, known.version) == (info.group, info.version)


def find_kind(name: str) -> KindInfo | None:
    """The kind this name means (static table first, then discovered kinds), or None."""
    key = name.strip().lower()
    return _BY_NAME.get(key) or _DISCOVERED.get(key)


def lookup_kind(name: str) -> KindInfo:
    """Resolve ``deploy``, ``deployments``, ``Deployment`` or ``deployment.apps``."""
    info = find_kind(name)
    if info is None:
        import difflib

        close = difflib.get_close_matches(name.lower(), [*_BY_NAME, *_DISCOVERED], n=3)
        hint = f"did you mean {', '.join(close)}?" if close else "try pod, deploy, svc or node"
        raise NotFound(f'unknown resource type "{name}"', hint=hint)
    return info
