"""RBAC for impersonated callers and access reviews, evaluated against the stored Roles.

The sandbox's own two users (admin and viewer, see :mod:`.auth`) keep their fixed rights.
Anyone else reaches the API through impersonation (``kubectl --as=system:serviceaccount:ns:sa``)
or is asked about in a SubjectAccessReview; their rights come from the Roles, ClusterRoles and
bindings in the store, with the bootstrap ClusterRoles a real cluster starts with.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from k8sgpt_py.sandbox.store import ApiError, Store

Obj = dict[str, Any]
RBAC = "rbac.authorization.k8s.io"
ROLES, ROLE_BINDINGS = f"{RBAC}/roles", f"{RBAC}/rolebindings"
CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS = f"{RBAC}/clusterroles", f"{RBAC}/clusterrolebindings"
SA_PREFIX = "system:serviceaccount:"
_READ = ["get", "list", "watch"]
_WRITE = ["create", "delete", "deletecollection", "patch", "update"]
_WORKLOADS = {
    "": ["pods", "pods/log", "pods/status", "services", "endpoints", "configmaps",
         "persistentvolumeclaims", "replicationcontrollers", "serviceaccounts", "events",
         "limitranges", "resourcequotas"],
    "apps": ["deployments", "deployments/scale", "deployments/status", "replicasets",
             "replicasets/scale", "statefulsets", "statefulsets/scale", "daemonsets",
             "controllerrevisions"],
    "batch": ["jobs", "cronjobs"],
    "autoscaling": ["horizontalpodautoscalers"],
    "policy": ["poddisruptionbudgets"],
    "networking.k8s.io": ["ingresses", "networkpolicies"],
    "discovery.k8s.io": ["endpointslices"],
}  # fmt: skip


@dataclass(frozen=True)
class Subject:
    """An impersonated caller: user name and groups."""

    name: str
    groups: tuple[str, ...] = ()

    @property
    def service_account(self) -> tuple[str, str] | None:
        """``(namespace, name)`` when this is a service account."""
        if not self.name.startswith(SA_PREFIX):
            return None
        namespace, _, name = self.name[len(SA_PREFIX) :].partition(":")
        return namespace, name


def subject_for(name: str, groups: list[str]) -> Subject:
    """The subject the API server builds from ``Impersonate-User``/``-Group`` headers."""
    all_groups = list(groups)
    if name.startswith(SA_PREFIX) and not groups:
        namespace = name[len(SA_PREFIX) :].partition(":")[0]
        all_groups += ["system:serviceaccounts", f"system:serviceaccounts:{namespace}"]
    if name != "system:anonymous" and "system:authenticated" not in all_groups:
        all_groups.append("system:authenticated")
    return Subject(name, tuple(all_groups))


# ---------------------------------------------------------------- bootstrap policy


def _rules(verbs: list[str], *, write: bool) -> list[Obj]:
    rules = []
    for group, resources in _WORKLOADS.items():
        rules.append({"apiGroups": [group], "resources": resources, "verbs": list(verbs)})
    if write:
        rules.append({"apiGroups": [""], "resources": ["secrets"], "verbs": _READ + _WRITE})
    return rules


def _cluster_role(name: str, rules: list[Obj]) -> Obj:
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRole",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
        },
        "rules": rules,
    }


def _group_binding(name: str, role: str, group: str) -> Obj:
    return {
        "apiVersion": f"{RBAC}/v1",
        "kind": "ClusterRoleBinding",
        "metadata": {
            "name": name,
            "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"},
            "annotations": {"rbac.authorization.kubernetes.io/autoupdate": "true"},
        },
        "roleRef": {"apiGroup": RBAC, "kind": "ClusterRole", "name": role},
        "subjects": [{"apiGroup": RBAC, "kind": "Group", "name": group}],
    }


def bootstrap_objects() -> list[tuple[str, Obj]]:
    """(store key, object) of the default ClusterRoles and bindings of a new cluster."""
    reviews = ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]
    roles = [
        _cluster_role(
            "cluster-admin",
            [
                {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]},
                {"nonResourceURLs": ["*"], "verbs": ["*"]},
            ],
        ),
        _cluster_role(
            "admin",
            [
                *_rules(_READ + _WRITE, write=True),
                {
                    "apiGroups": [RBAC],
                    "resources": ["roles", "rolebindings"],
                    "verbs": _READ + _WRITE,
                },
            ],
        ),
        _cluster_role("edit", _rules(_READ + _WRITE, write=True)),
        _cluster_role("view", _rules(_READ, write=False)),
        _cluster_role(
            "system:basic-user",
            [{"apiGroups": ["authorization.k8s.io"], "resources": reviews, "verbs": ["create"]}],
        ),
        _cluster_role(
            "system:discovery",
            [
                {
                    "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz",
                                        "/livez", "/openapi", "/openapi/*", "/readyz", "/version",
                                        "/version/"],
                    "verbs": ["get"],
                }
            ],
        ),
    ]  # fmt: skip
    bindings = [
        _group_binding("cluster-admin", "cluster-admin", "system:masters"),
        _group_binding("system:basic-user", "system:basic-user", "system:authenticated"),
        _group_binding("system:discovery", "system:discovery", "system:authenticated"),
    ]
    return [(CLUSTER_ROLES, r) for r in roles] + [(CLUSTER_ROLE_BINDINGS, b) for b in bindings]


# ---------------------------------------------------------------- evaluation


def _binds(binding: Obj, subject: Subject) -> Obj | None:
    """The first of ``binding``'s subjects that is ``subject``."""
    for ref in binding.get("subjects") or []:
        kind, name = ref.get("kind"), ref.get("name")
        if kind == "User" and name == subject.name:
            return dict(ref)
        if kind == "Group" and name in subject.groups:
            return dict(ref)
        if kind == "ServiceAccount":
            namespace = ref.get("namespace") or binding["metadata"].get("namespace", "")
            if subject.service_account == (namespace, name):
                return dict(ref)
    return None


def _role_rules(store: Store, ref: Obj, namespace: str) -> list[Obj]:
    if ref.get("kind") == "Role":
        role = store.get(ROLES, namespace, ref.get("name", ""))
    else:
        role = store.get(CLUSTER_ROLES, "", ref.get("name", ""))
    return list((role or {}).get("rules") or [])


def applicable_rules(
    store: Store, subject: Subject, namespace: str
) -> Iterator[tuple[Obj, Obj, Obj]]:
    """(binding, bound subject, rule) for every rule that applies in ``namespace``."""
    for binding in store.list(CLUSTER_ROLE_BINDINGS):
        who = _binds(binding, subject)
        if who is not None:
            for rule in _role_rules(store, binding.get("roleRef") or {}, ""):
                yield binding, who, rule
    if namespace:
        for binding in store.list(ROLE_BINDINGS, namespace):
            who = _binds(binding, subject)
            if who is not None:
                for rule in _role_rules(store, binding.get("roleRef") or {}, namespace):
                    yield binding, who, rule


def _has(values: Any, wanted: str) -> bool:
    return isinstance(values, list) and ("*" in values or wanted in values)


def rule_allows(rule: Obj, attrs: Mapping[str, str]) -> bool:
    """Whether one PolicyRule covers the request attributes (as RBAC's RuleAllows does)."""
    if not _has(rule.get("verbs"), attrs.get("verb", "")):
        return False
    if attrs.get("path"):
        path = attrs["path"]
        return any(
            u == "*" or u == path or (u.endswith("*") and path.startswith(u[:-1]))
            for u in rule.get("nonResourceURLs") or []
        )
    if not _has(rule.get("apiGroups"), attrs.get("group", "")):
        return False
    resource, sub = attrs.get("resource", ""), attrs.get("subresource", "")
    full = f"{resource}/{sub}" if sub else resource
    resources = rule.get("resources") or []
    if not (full in resources or "*" in resources or (sub and f"*/{sub}" in resources)):
        return False
    names = rule.get("resourceNames") or []
    return not names or attrs.get("name", "") in names


def _describe(binding: Obj, who: Obj) -> str:
    meta, ref = binding["metadata"], binding.get("roleRef") or {}
    where = f"{meta['name']}/{meta['namespace']}" if meta.get("namespace") else meta["name"]
    if who.get("kind") == "ServiceAccount":
        target = (
            f'ServiceAccount "{who.get("name")}/{who.get("namespace") or meta.get("namespace")}"'
        )
    else:
        target = f'{who.get("kind")} "{who.get("name")}"'
    return (
        f'RBAC: allowed by {binding["kind"]} "{where}" of {ref.get("kind")} '
        f'"{ref.get("name")}" to {target}'
    )


def authorize(store: Store, subject: Subject, attrs: Mapping[str, str]) -> tuple[bool, str]:
    """(allowed, reason) for ``subject`` doing ``attrs`` (verb, group, resource, namespace...)."""
    if "system:masters" in subject.groups:
        return True, ""
    for binding, who, rule in applicable_rules(store, subject, attrs.get("namespace", "")):
        if rule_allows(rule, attrs):
            return True, _describe(binding, who)
    return False, ""


def forbidden_for(subject: Subject, attrs: Mapping[str, str], qualified: str) -> ApiError:
    """The API server's 403 for a subject RBAC denies."""
    name, resource = attrs.get("name"), attrs.get("resource", "")
    if attrs.get("subresource"):
        resource += f"/{attrs['subresource']}"
    target = f'{qualified} "{name}"' if name else qualified
    namespace = attrs.get("namespace")
    scope = f'in the namespace "{namespace}"' if namespace else "at the cluster scope"
    message = (
        f'{target} is forbidden: User "{subject.name}" cannot {attrs.get("verb")} resource '
        f'"{resource}" in API group "{attrs.get("group", "")}" {scope}'
    )
    details: Obj = {"group": attrs.get("group", ""), "kind": attrs.get("resource", "")}
    if name:
        details["name"] = name
    return ApiError(403, "Forbidden", message, details)


def rules_review(store: Store, subject: Subject, namespace: str) -> Obj:
    """``SelfSubjectRulesReview`` status: the rules that apply in ``namespace``."""
    resource_rules: list[Obj] = []
    non_resource: list[Obj] = []
    for _, _, rule in applicable_rules(store, subject, namespace):
        if rule.get("nonResourceURLs"):
            non_resource.append(
                {"verbs": rule["verbs"], "nonResourceURLs": rule["nonResourceURLs"]}
            )
        else:
            resource_rules.append({k: v for k, v in rule.items() if k != "nonResourceURLs"})
    return {
        "resourceRules": resource_rules,
        "nonResourceRules": non_resource,
        "incomplete": False,
    }
