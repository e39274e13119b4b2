"""Access reviews: SelfSubjectAccessReview, SelfSubjectRulesReview, (Local)SubjectAccessReview.

The sandbox's own users answer from their fixed rights; anyone else (an impersonated caller,
or the user a SubjectAccessReview asks about) from the stored RBAC objects (:mod:`.rbac`).
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox import rbac
from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.auth import ADMIN, VIEWER, User
from k8sgpt_py.sandbox.rbac import Subject

Obj = dict[str, Any]
_BUILT_IN = {ADMIN.name: ADMIN, VIEWER.name: VIEWER}


def _built_in_answer(user: User, attrs: Obj) -> Obj:
    if attrs.get("path") is not None and not attrs.get("resource"):
        allowed = not user.is_read_only or attrs.get("verb") == "get"
    else:
        allowed = user.allows(
            attrs.get("verb", ""), attrs.get("resource", ""), attrs.get("subresource", "")
        )
    status: Obj = {"allowed": allowed}
    if allowed:
        role = "view" if user.is_read_only else "cluster-admin"
        status["reason"] = (
            f'RBAC: allowed by ClusterRoleBinding "kai-sandbox" of ClusterRole "{role}" '
            f'to User "{user.name}"'
        )
    return status


def _answer(api: Api, who: User | Subject, attrs: Obj) -> Obj:
    if isinstance(who, User):
        return _built_in_answer(who, attrs)
    allowed, reason = rbac.authorize(api.store, who, attrs)
    return {"allowed": True, "reason": reason} if allowed else {"allowed": False}


def _attributes(spec: Obj, namespace: str | None = None) -> Obj:
    resource = spec.get("resourceAttributes")
    if isinstance(resource, dict):
        attrs = {k: str(v) for k, v in resource.items() if isinstance(v, str)}
        if namespace:
            attrs["namespace"] = namespace
        return attrs
    non_resource = spec.get("nonResourceAttributes") or {}
    return {"verb": str(non_resource.get("verb", "")), "path": str(non_resource.get("path", ""))}


def _subject(name: str, groups: list[str]) -> User | Subject:
    return _BUILT_IN.get(name) or rbac.subject_for(name, groups)


def review(api: Api, req: Request) -> Obj:
    """Answer one review request (the 201 body)."""
    body = req.body if isinstance(req.body, dict) else {}
    spec = body.get("spec") or {}
    caller: User | Subject = req.impersonated or req.user
    plural = req.rtype.plural
    if plural == "selfsubjectrulesreviews":
        namespace = str(spec.get("namespace") or "")
        if isinstance(caller, User):
            everything = ["*"] if not caller.is_read_only else ["get", "list", "watch"]
            status: Obj = {
                "resourceRules": [{"verbs": everything, "apiGroups": ["*"], "resources": ["*"]}],
                "nonResourceRules": [{"verbs": everything, "nonResourceURLs": ["*"]}],
                "incomplete": False,
            }
        else:
            status = rbac.rules_review(api.store, caller, namespace)
    elif plural == "selfsubjectaccessreviews":
        status = _answer(api, caller, _attributes(spec))
    else:
        who = _subject(str(spec.get("user") or ""), [str(g) for g in spec.get("groups") or []])
        local = req.namespace if plural == "localsubjectaccessreviews" else None
        status = _answer(api, who, _attributes(spec, local))
    return {
        "kind": req.rtype.kind,
        "apiVersion": req.rtype.api_version,
        "metadata": {"creationTimestamp": None},
        "spec": spec,
        "status": status,
    }
