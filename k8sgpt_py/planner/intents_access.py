"""Offline intent for RBAC grants: a Role and a RoleBinding for one subject in one namespace.

"give the ci-bot service account read-only access to pods in ci", "grant user alice edit
access to deployments and services in staging", "give group devs view access (get, list and
watch) to configmaps in shop". The access level (read-only, view, edit, admin) or the verbs
named give the Role's verbs; kind words give its resources. Both objects are named after the
access asked for (``read-only-pods``), the binding after its subject too.
"""

from __future__ import annotations

import re
from typing import Any

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause
from k8sgpt_py.planner.extract import NAMEISH
from k8sgpt_py.planner.intent import Args, Intent

_READ = ("get", "list", "watch")
_WRITE = (*_READ, "create", "update", "patch", "delete")
_LEVELS = {
    "read-only": _READ,
    "readonly": _READ,
    "read": _READ,
    "view": _READ,
    "viewer": _READ,
    "write": _WRITE,
    "edit": _WRITE,
    "editor": _WRITE,
    "admin": (*_WRITE, "deletecollection"),
    "full": (*_WRITE, "deletecollection"),
}
_VERBS = ("get", "list", "watch", "create", "update", "patch", "delete")
_RESOURCES = {
    "pod": ("", "pods"),
    "service": ("", "services"),
    "configmap": ("", "configmaps"),
    "secret": ("", "secrets"),
    "pvc": ("", "persistentvolumeclaims"),
    "event": ("", "events"),
    "deployment": ("apps", "deployments"),
    "statefulset": ("apps", "statefulsets"),
    "daemonset": ("apps", "daemonsets"),
    "replicaset": ("apps", "replicasets"),
    "job": ("batch", "jobs"),
    "cronjob": ("batch", "cronjobs"),
    "hpa": ("autoscaling", "horizontalpodautoscalers"),
    "ingress": ("networking.k8s.io", "ingresses"),
}
_SUBJECTS = {"serviceaccount": "ServiceAccount", "user": "User", "group": "Group"}
_NOT_NAMES = {"the", "a", "an", "in", "to", "for", "of", "on", "with", "and", "that", "this"}


def _subject(c: Clause) -> tuple[str, str] | None:
    """(kind, name) of whom the access is for: "the ci-bot service account", "user alice"."""
    for i, w in enumerate(c.words):
        kind = _SUBJECTS.get(lx.KIND_WORDS.get(w.low, w.low))
        if kind is None:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(c.words):
                low = c.words[j].low
                if NAMEISH.match(low) and not _not_a_subject(low):
                    return kind, low
    return None


def _not_a_subject(low: str) -> bool:
    return low in _NOT_NAMES or low in lx.KIND_WORDS or low in _LEVELS or low in lx.CUES


def _rules(c: Clause) -> tuple[list[dict[str, Any]], str] | None:
    """The Role's rules and the words naming them ("read-only-pods")."""
    kinds = [lx.KIND_WORDS[w.low] for w in c.words if w.low in lx.KIND_WORDS]
    resources = [_RESOURCES[k] for k in dict.fromkeys(kinds) if k in _RESOURCES]
    if not resources:
        return None
    verbs = [v for v in _VERBS if c.has_word(v)]
    level = next((w.low for w in c.words if w.low in _LEVELS), None)
    if not verbs and level is None:
        return None
    verbs = verbs or list(_LEVELS[str(level)])
    groups: dict[str, list[str]] = {}
    for group, resource in resources:
        groups.setdefault(group, []).append(resource)
    rules = [{"apiGroups": [g], "resources": r, "verbs": list(verbs)} for g, r in groups.items()]
    named = "-".join([level or "-".join(verbs), *(r for _, r in resources)])
    return rules, named


def _grant(c: Clause) -> Args | None:
    if not c.has_word("access", "permission", "permissions", "rights"):
        return None
    subject, rules = _subject(c), _rules(c)
    if subject is None or rules is None:
        return None
    kind, name = subject
    role = _name(rules[1])
    binding_subject: dict[str, str] = {"kind": kind, "name": name}
    if kind == "ServiceAccount":
        if c.slots.namespace:
            binding_subject["namespace"] = c.slots.namespace
    else:
        binding_subject["apiGroup"] = "rbac.authorization.k8s.io"
    manifest = _manifest(role, rules[0], _name(f"{rules[1]}-{name}"), binding_subject)
    args: Args = {"manifest": manifest}
    if c.slots.namespace:
        args["namespace"] = c.slots.namespace
    return args


def _name(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-")[:63].rstrip("-")


def _manifest(role: str, rules: list[dict[str, Any]], binding: str, subject: dict[str, str]) -> str:
    import yaml

    api = "rbac.authorization.k8s.io/v1"
    docs = [
        {"apiVersion": api, "kind": "Role", "metadata": {"name": role}, "rules": rules},
        {
            "apiVersion": api,
            "kind": "RoleBinding",
            "metadata": {"name": binding},
            "subjects": [subject],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role},
        },
    ]
    return str(yaml.safe_dump_all(docs, sort_keys=False))


INTENTS: tuple[Intent, ...] = (
    Intent(
        "grant access",
        "apply_manifest",
        ("give", "allow", "add", "set", "need"),
        _grant,
        ("give the ci-bot service account in staging read-only access to pods",),
    ),
)
