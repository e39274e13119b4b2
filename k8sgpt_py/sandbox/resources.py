"""The resource types the sandbox serves, and the discovery documents built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Obj = dict[str, Any]

_RW = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")
_RO = ("get", "list")


@dataclass(frozen=True)
class ResourceType:
    """One served resource: where it lives in the API and how it is named."""

    group: str
    version: str
    kind: str
    plural: str
    namespaced: bool
    short_names: tuple[str, ...] = ()
    verbs: tuple[str, ...] = _RW
    subresources: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Storage key, e.g. ``apps/deployments`` or ``/pods`` for the core group."""
        return f"{self.group}/{self.plural}"

    @property
    def api_version(self) -> str:
        """``apiVersion`` of objects of this type."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def singular(self) -> str:
        """Lower-case kind, as discovery reports it."""
        return self.kind.lower()

    @property
    def qualified(self) -> str:
        """Name used in error messages: ``deployments.apps`` or ``pods``."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def qualified_kind(self) -> str:
        """Kind used in Invalid messages: ``Deployment.apps`` or ``Pod``."""
        return f"{self.kind}.{self.group}" if self.group else self.kind


def _t(
    group: str, version: str, kind: str, plural: str, namespaced: bool, *rest: Any
) -> ResourceType:
    short = rest[0] if rest else ()
    verbs = rest[1] if len(rest) > 1 else _RW
    subs = rest[2] if len(rest) > 2 else ()
    return ResourceType(group, version, kind, plural, namespaced, short, verbs, subs)


RESOURCE_TYPES: tuple[ResourceType, ...] = (
    _t("", "v1", "Namespace", "namespaces", False, ("ns",)),
    _t("", "v1", "Node", "nodes", False, ("no",)),
    _t("", "v1", "Pod", "pods", True, ("po",), _RW, ("log", "eviction", "status")),
    _t("", "v1", "Service", "services", True, ("svc",)),
    _t("", "v1", "Endpoints", "endpoints", True, ("ep",)),
    _t("", "v1", "ConfigMap", "configmaps", True, ("cm",)),
    _t("", "v1", "Secret", "secrets", True),
    _t("", "v1", "Event", "events", True, ("ev",)),
    _t(
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        True,
        ("pvc",),
        _RW,
        ("status",),
    ),
    _t("", "v1", "PersistentVolume", "persistentvolumes", False, ("pv",)),
    _t("", "v1", "ServiceAccount", "serviceaccounts", True, ("sa",), _RW, ("token",)),
    _t("", "v1", "ResourceQuota", "resourcequotas", True, ("quota",)),
    _t("", "v1", "LimitRange", "limitranges", True, ("limits",)),
    _t("apps", "v1", "Deployment", "deployments", True, ("deploy",), _RW, ("scale", "status")),
    _t("apps", "v1", "ReplicaSet", "replicasets", True, ("rs",), _RW, ("scale", "status")),
    _t("apps", "v1", "StatefulSet", "statefulsets", True, ("sts",), _RW, ("scale", "status")),
    _t("apps", "v1", "DaemonSet", "daemonsets", True, ("ds",), _RW, ("status",)),
    _t("apps", "v1", "ControllerRevision", "controllerrevisions", True),
    _t("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("hpa",)),
    _t("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers", True, ("hpa",)),
    _t("batch", "v1", "Job", "jobs", True, (), _RW, ("status",)),
    _t("batch", "v1", "CronJob", "cronjobs", True, ("cj",)),
    _t("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", True, ("pdb",)),
    _t("networking.k8s.io", "v1", "Ingress", "ingresses", True, ("ing",)),
    _t("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", True, ("netpol",)),
    _t("networking.k8s.io", "v1", "IngressClass", "ingressclasses", False),
    _t("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", True),
    _t("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", False),
    _t("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", False),
    _t("rbac.authorization.k8s.io", "v1", "Role", "roles", True),
    _t("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", True),
    _t("storage.k8s.io", "v1", "StorageClass", "storageclasses", False, ("sc",)),
    _t("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", False, ("pc",)),
    _t("coordination.k8s.io", "v1", "Lease", "leases", True, (), _RO),
    _t("metrics.k8s.io", "v1beta1", "PodMetrics", "pods", True, (), _RO),
    _t("metrics.k8s.io", "v1beta1", "NodeMetrics", "nodes", False, (), _RO),
    _t(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectAccessReview",
        "selfsubjectaccessreviews",
        False,
        (),
        ("create",),
    ),
    _t(
        "authorization.k8s.io",
        "v1",
        "SelfSubjectRulesReview",
        "selfsubjectrulesreviews",
        False,
        (),
        ("create",),
    ),
    _t(
        "authorization.k8s.io",
        "v1",
        "SubjectAccessReview",
        "subjectaccessreviews",
        False,
        (),
        ("create",),
    ),
    _t(
        "authorization.k8s.io",
        "v1",
        "LocalSubjectAccessReview",
        "localsubjectaccessreviews",
        True,
        (),
        ("create",),
    ),
    _t(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        False,
    ),
    _t(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        False,
    ),
)

#: Types whose objects are computed on request, never stored (node leases live in
#: ``kube-node-lease``, which is not a stored namespace).
VIRTUAL_KEYS = frozenset(
    {
        "metrics.k8s.io/pods",
        "metrics.k8s.io/nodes",
        "coordination.k8s.io/leases",
        "authorization.k8s.io/selfsubjectaccessreviews",
        "authorization.k8s.io/selfsubjectrulesreviews",
        "authorization.k8s.io/subjectaccessreviews",
        "authorization.k8s.io/localsubjectaccessreviews",
    }
)
#: Review types: created, answered and never stored.
REVIEWS = frozenset(
    {
        "selfsubjectaccessreviews",
        "selfsubjectrulesreviews",
        "subjectaccessreviews",
        "localsubjectaccessreviews",
    }
)

#: Storage type per key: the first (preferred) version of each resource.
BY_KEY: dict[str, ResourceType] = {}
for _type in RESOURCE_TYPES:
    BY_KEY.setdefault(_type.key, _type)
_BY_GVR: dict[tuple[str, str, str], ResourceType] = {
    (t.group, t.version, t.plural): t for t in RESOURCE_TYPES
}
_BY_KIND: dict[tuple[str, str], ResourceType] = {(t.api_version, t.kind): t for t in RESOURCE_TYPES}


def lookup(group: str, version: str, plural: str) -> ResourceType | None:
    """Resource type served at ``/apis/<group>/<version>/<plural>``, if any."""
    return _BY_GVR.get((group, version, plural))


def by_kind(api_version: str, kind: str) -> ResourceType | None:
    """Resource type of objects with this ``apiVersion`` and ``kind``."""
    return _BY_KIND.get((api_version, kind))


def group_versions() -> dict[str, list[str]]:
    """Served non-core groups and their versions, in a stable order."""
    out: dict[str, list[str]] = {}
    for t in RESOURCE_TYPES:
        if t.group and t.version not in out.setdefault(t.group, []):
            out[t.group].append(t.version)
    return out


def _resource_entries(group: str, version: str) -> list[Obj]:
    entries: list[Obj] = []
    for t in RESOURCE_TYPES:
        if t.group != group or t.version != version:
            continue
        entry: Obj = {
            "name": t.plural,
            "singularName": t.singular,
            "namespaced": t.namespaced,
            "kind": t.kind,
            "verbs": list(t.verbs),
        }
        if t.short_names:
            entry["shortNames"] = list(t.short_names)
        if group == "" or group in {"apps", "batch"}:
            entry["categories"] = ["all"] if t.kind not in _NOT_ALL else []
        entries.append(entry)
        for sub in t.subresources:
            entries.append(_subresource_entry(t, sub))
    return entries


_NOT_ALL = {
    "Namespace",
    "Node",
    "Endpoints",
    "ConfigMap",
    "Secret",
    "Event",
    "PersistentVolumeClaim",
    "PersistentVolume",
    "ServiceAccount",
    "ResourceQuota",
    "LimitRange",
    "ControllerRevision",
}


def _subresource_entry(t: ResourceType, sub: str) -> Obj:
    entry: Obj = {"name": f"{t.plural}/{sub}", "singularName": "", "namespaced": t.namespaced}
    if sub == "scale":
        entry.update(
            group="autoscaling", version="v1", kind="Scale", verbs=["get", "patch", "update"]
        )
    elif sub == "log":
        entry.update(kind="Pod", verbs=["get"])
    elif sub == "token":
        entry.update(
            group="authentication.k8s.io", version="v1", kind="TokenRequest", verbs=["create"]
        )
    elif sub == "eviction":
        entry.update(group="policy", version="v1", kind="Eviction", verbs=["create"])
    else:
        entry.update(kind=t.kind, verbs=["get", "patch", "update"])
    return entry


def api_resource_list(group: str, version: str) -> Obj | None:
    """``APIResourceList`` for one group version, or None when it is not served."""
    entries = _resource_entries(group, version)
    if not entries:
        return None
    gv = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": entries}


def api_group_list() -> Obj:
    """``APIGroupList`` served at ``/apis``."""
    groups = []
    for group, versions in group_versions().items():
        vs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
        groups.append({"name": group, "versions": vs, "preferredVersion": vs[0]})
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(group: str) -> Obj | None:
    """``APIGroup`` served at ``/apis/<group>``."""
    versions = group_versions().get(group)
    if not versions:
        return None
    vs = [{"groupVersion": f"{group}/{v}", "version": v} for v in versions]
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": group,
        "versions": vs,
        "preferredVersion": vs[0],
    }


def openapi_v3_root() -> Obj:
    """``/openapi/v3``: one entry per served group version."""
    paths = {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=kai"}}
    for group, versions in group_versions().items():
        for version in versions:
            paths[f"apis/{group}/{version}"] = {
                "serverRelativeURL": f"/openapi/v3/apis/{group}/{version}?hash=kai"
            }
    return {"paths": paths}


def openapi_v3_group(group: str, version: str) -> Obj | None:
    """A minimal OpenAPI v3 document for one group version.

    It carries only what kubectl checks before create/apply: a PATCH operation per kind with
    its ``x-kubernetes-group-version-kind`` and the ``fieldValidation`` query parameter (so
    kubectl leaves validation to the server). No schemas: kubectl then computes strategic
    merge patches from its built-in types.
    """
    paths: Obj = {}
    for t in RESOURCE_TYPES:
        if t.group != group or t.version != version:
            continue
        prefix = f"/apis/{group}/{version}" if group else "/api/v1"
        scope = "/namespaces/{namespace}" if t.namespaced else ""
        patch = {
            "x-kubernetes-group-version-kind": {"group": group, "version": version, "kind": t.kind},
            "parameters": [
                {"name": "dryRun", "in": "query", "schema": {"type": "string"}},
                {"name": "fieldValidation", "in": "query", "schema": {"type": "string"}},
            ],
            "requestBody": {
                "content": {"application/merge-patch+json": {"schema": {"type": "object"}}}
            },
            "responses": {"200": {"description": "OK"}},
        }
        if "patch" in t.verbs:
            paths[f"{prefix}{scope}/{t.plural}/{{name}}"] = {"patch": patch}
        elif "create" in t.verbs:
            # kubectl looks for fieldValidation on a PATCH of the kind before any create
            paths[f"{prefix}{scope}/{t.plural}"] = {"post": patch, "patch": patch}
    if not paths:
        return None
    title = f"Kubernetes {group or 'core'}/{version} (kai sandbox)"
    return {"openapi": "3.0.0", "info": {"title": title, "version": "v1.32.0"}, "paths": paths}
