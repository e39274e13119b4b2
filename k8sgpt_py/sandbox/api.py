"""Verb handlers of the sandbox API server, independent of the HTTP framework.

Every handler takes a parsed :class:`Request` and returns a JSON-able body (or raises
:class:`ApiError`). Mutations run the controller to a fixed point and persist the store.
"""

from __future__ import annotations

import base64
import builtins
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8sgpt_py.sandbox import rbac
from k8sgpt_py.sandbox.apply import track_update
from k8sgpt_py.sandbox.auth import User, forbidden
from k8sgpt_py.sandbox.controller import Controller, cascade_delete
from k8sgpt_py.sandbox.kubelet import Kubelet
from k8sgpt_py.sandbox.patch import PatchError, apply_patch
from k8sgpt_py.sandbox.quota import admit
from k8sgpt_py.sandbox.resources import BY_KEY, VIRTUAL_KEYS, ResourceType
from k8sgpt_py.sandbox.selectors import (
    SelectorError,
    labels_match,
    parse_field_selector,
    parse_label_selector,
)
from k8sgpt_py.sandbox.statuses import next_deadline
from k8sgpt_py.sandbox.storage import check_claim_update, default_claim
from k8sgpt_py.sandbox.store import ApiError, Store, clone, not_found, now_iso, short_hash
from k8sgpt_py.sandbox.validation import apply_defaults, validate
from k8sgpt_py.sandbox.workloads import record_killing

Obj = dict[str, Any]
#: Kinds whose DELETE answers with the object (as the real registry does); others get a Status.
_RETURNS_DELETED_OBJECT = {
    "Pod",
    "Service",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "ServiceAccount",
}
_NO_GENERATION = {
    "Pod",
    "Node",
    "Namespace",
    "Event",
    "Endpoints",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ClusterRole",
    "ClusterRoleBinding",
    "StorageClass",
    "PriorityClass",
}


@dataclass
class Request:
    """One parsed resource request."""

    verb: str
    rtype: ResourceType
    namespace: str | None
    name: str | None
    subresource: str
    query: Mapping[str, str]
    user: User
    body: Any = None
    content_type: str = "application/json"
    extra: Obj = field(default_factory=dict)
    #: The caller named by ``Impersonate-User`` (authorized by RBAC instead of ``user``).
    impersonated: rbac.Subject | None = None

    @property
    def is_dry_run(self) -> bool:
        """Whether ``dryRun=All`` was asked for (query or DeleteOptions)."""
        if self.query.get("dryRun") == "All":
            return True
        return isinstance(self.body, dict) and "All" in (self.body.get("dryRun") or [])


def _agent_manager(user_agent: Any) -> str:
    """The field manager the API server derives from kubectl's User-Agent (others: none)."""
    text = str(user_agent or "")
    return "kubectl" if text.startswith("kubectl") else ""


def _bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def _conflict(rtype: ResourceType, name: str) -> ApiError:
    return ApiError(
        409,
        "Conflict",
        f'Operation cannot be fulfilled on {rtype.qualified} "{name}": '
        "the object has been modified; please apply your changes to the latest version and "
        "try again",
        {"name": name, "group": rtype.group, "kind": rtype.plural},
    )


class Api:
    """The resource handlers over one store."""

    def __init__(self, store: Store, kubelet: Kubelet, state_file: Path | None = None) -> None:
        self.store = store
        self.kubelet = kubelet
        self.controller = Controller(store, kubelet)
        self.state_file = state_file
        self.deferred = False

    # ------------------------------------------------------------ plumbing

    def commit(self) -> None:
        """Run the controllers and persist the store after a successful mutation."""
        if self.deferred:
            return
        self.controller.reconcile()
        if self.state_file is not None and self.store.dirty:
            self.store.save(self.state_file)

    def tick(self) -> None:
        """Let time pass: reconcile when a rollout's progress deadline has expired."""
        left = next_deadline(self.store)
        if left is not None and left < 0:
            self.commit()

    def authorize(self, req: Request) -> None:
        """Raise 403 unless the caller may do this."""
        verb = req.verb
        if req.subresource == "log" or (req.subresource == "scale" and verb == "get"):
            verb = "get"
        if req.impersonated is not None:
            attrs = {
                "verb": verb,
                "group": req.rtype.group,
                "resource": req.rtype.plural,
                "subresource": req.subresource,
                "namespace": req.namespace or "",
                "name": req.name or "",
            }
            if req.rtype.plural in {"selfsubjectaccessreviews", "selfsubjectrulesreviews"}:
                return
            if not rbac.authorize(self.store, req.impersonated, attrs)[0]:
                raise rbac.forbidden_for(req.impersonated, attrs, req.rtype.qualified)
            return
        if not req.user.allows(verb, req.rtype.plural, req.subresource):
            raise forbidden(
                req.user,
                verb,
                req.rtype,
                namespace=req.namespace,
                name=req.name,
                subresource=req.subresource,
            )

    def _current(self, req: Request) -> Obj:
        obj = self.store.get(req.rtype.key, req.namespace or "", req.name or "")
        if obj is None:
            raise not_found(req.rtype, req.name or "")
        return obj

    def _require_namespace(self, namespace: str | None) -> None:
        if namespace and self.store.get("/namespaces", "", namespace) is None:
            raise ApiError(
                404,
                "NotFound",
                f'namespaces "{namespace}" not found',
                {"name": namespace, "kind": "namespaces"},
            )

    # ------------------------------------------------------------ reads

    def get(self, req: Request) -> Obj:
        """GET one object."""
        return self._current(req)

    def list(self, req: Request) -> tuple[builtins.list[Obj], Obj]:
        """LIST with label/field selectors and limit/continue; returns (items, list metadata)."""
        items = self.filtered(req)
        start = 0
        token = req.query.get("continue")
        if token:
            try:
                after = json.loads(base64.urlsafe_b64decode(token.encode()).decode())["after"]
            except (ValueError, KeyError) as exc:
                raise _bad_request("continue key is not valid: " + str(exc)) from exc
            start = next(
                (
                    i
                    for i, o in enumerate(items)
                    if [o["metadata"].get("namespace", ""), o["metadata"]["name"]] > after
                ),
                len(items),
            )
        meta: Obj = {"resourceVersion": str(self.store.resource_version)}
        limit = int(req.query.get("limit") or 0)
        page = items[start:]
        if limit and len(page) > limit:
            last = page[limit - 1]["metadata"]
            cont = {
                "after": [last.get("namespace", ""), last["name"]],
                "rv": self.store.resource_version,
            }
            meta["continue"] = base64.urlsafe_b64encode(json.dumps(cont).encode()).decode()
            meta["remainingItemCount"] = len(page) - limit
            page = page[:limit]
        return page, meta

    def filtered(self, req: Request) -> builtins.list[Obj]:
        """Objects matching the request's namespace and selectors."""
        try:
            reqs = parse_label_selector(req.query.get("labelSelector", ""))
            field_ok = parse_field_selector(req.query.get("fieldSelector", ""), req.rtype.kind)
        except SelectorError as exc:
            raise _bad_request(str(exc)) from exc
        if req.rtype.key in VIRTUAL_KEYS:
            from k8sgpt_py.sandbox.subresources import computed

            source = computed(self, req.rtype, req.namespace)
        else:
            source = self.store.list(req.rtype.key, req.namespace if req.rtype.namespaced else None)
        return [
            o for o in source if labels_match(reqs, o["metadata"].get("labels")) and field_ok(o)
        ]

    def matcher(self, req: Request) -> Any:
        """Predicate for watch events of this request."""
        try:
            reqs = parse_label_selector(req.query.get("labelSelector", ""))
            field_ok = parse_field_selector(req.query.get("fieldSelector", ""), req.rtype.kind)
        except SelectorError as exc:
            raise _bad_request(str(exc)) from exc

        def _match(key: str, obj: Obj) -> bool:
            if key != req.rtype.key:
                return False
            if req.namespace and obj["metadata"].get("namespace") != req.namespace:
                return False
            return labels_match(reqs, obj["metadata"].get("labels")) and field_ok(obj)

        return _match

    # ------------------------------------------------------------ writes

    def _prepare_new(self, req: Request) -> Obj:
        body = req.body
        if not isinstance(body, dict):
            raise _bad_request("the body of the request was in an unknown format")
        kind = body.get("kind")
        if kind and kind != req.rtype.kind:
            raise _bad_request(
                f"the kind in the data ({kind}) does not match the expected kind ({req.rtype.kind})"
            )
        obj = clone(body)
        obj["kind"], obj["apiVersion"] = req.rtype.kind, req.rtype.api_version
        meta = obj.setdefault("metadata", {})
        if req.rtype.namespaced:
            if meta.get("namespace") and meta["namespace"] != req.namespace:
                raise _bad_request(
                    "the namespace of the provided object does not match the namespace sent "
                    "on the request"
                )
            meta["namespace"] = req.namespace
        if not meta.get("name") and meta.get("generateName"):
            meta["name"] = str(meta["generateName"]) + short_hash(
                f"{meta['generateName']}{self.store.next_counter('gen')}", 5
            )
        return dict(obj)

    def create(self, req: Request) -> Obj:
        """POST a new object (201)."""
        obj = self._prepare_new(req)
        meta = obj["metadata"]
        if meta.get("resourceVersion"):
            raise _bad_request("resourceVersion should not be set on objects to be created")
        if req.rtype.namespaced:
            self._require_namespace(req.namespace)
        if "status" in req.rtype.subresources and req.rtype.kind != "Pod":
            obj.pop("status", None)
        apply_defaults(req.rtype, obj)
        if req.rtype.kind == "PersistentVolumeClaim":
            default_claim(self.store, obj)
        if req.rtype.kind == "Pod":
            refused = admit(self.store, obj)
            if refused is not None:
                raise ApiError(
                    403,
                    "Forbidden",
                    f'pods "{meta.get("name")}" is forbidden: {refused}',
                    {"name": meta.get("name"), "kind": "pods"},
                )
        validate(req.rtype, obj)
        if self.store.get(
            req.rtype.key, meta.get("namespace", "") if req.rtype.namespaced else "", meta["name"]
        ):
            raise ApiError(
                409,
                "AlreadyExists",
                f'{req.rtype.qualified} "{meta["name"]}" already exists',
                {"name": meta["name"], "group": req.rtype.group, "kind": req.rtype.plural},
            )
        if req.rtype.kind not in _NO_GENERATION:
            meta["generation"] = 1
        self._track(req, None, obj)
        for system_field in ("uid", "creationTimestamp", "deletionTimestamp", "selfLink"):
            meta.pop(system_field, None)
        if req.is_dry_run:
            meta["uid"] = self.store.new_uid(req.rtype.key, meta.get("namespace", ""), meta["name"])
            meta["creationTimestamp"] = now_iso()
            return obj
        self.store.put(req.rtype.key, obj)
        self.commit()
        return (
            self.store.get(
                req.rtype.key,
                meta.get("namespace", "") if req.rtype.namespaced else "",
                meta["name"],
            )
            or obj
        )

    def _finish_update(self, req: Request, old: Obj, new: Obj) -> Obj:
        rtype = req.rtype
        meta, old_meta = new.setdefault("metadata", {}), old["metadata"]
        if meta.get("name") != old_meta["name"]:
            raise _bad_request(
                f"the name of the object ({meta.get('name')}) does not match the name on "
                f"the URL ({old_meta['name']})"
            )
        rv = meta.get("resourceVersion")
        if rv and rv != old_meta["resourceVersion"]:
            raise _conflict(rtype, old_meta["name"])
        new["kind"], new["apiVersion"] = rtype.kind, rtype.api_version
        for keep in ("uid", "creationTimestamp", "namespace", "generation"):
            if keep in old_meta:
                meta[keep] = old_meta[keep]
        if "status" in rtype.subresources:
            if req.subresource == "status":
                new = {**clone(old), "status": new.get("status")}
                meta = new["metadata"]
            elif "status" in old:
                new["status"] = clone(old["status"])
        apply_defaults(rtype, new)
        validate(rtype, new, old)
        if rtype.kind == "Pod":
            self._check_pod_update(old, new)
        if rtype.kind == "PersistentVolumeClaim" and not req.subresource:
            check_claim_update(self.store, old, new)
        if not req.subresource:
            self._track(req, old, new)
        if "generation" in old_meta and old.get("spec") != new.get("spec"):
            meta["generation"] = int(old_meta["generation"]) + 1
        if req.is_dry_run:
            meta["resourceVersion"] = old_meta["resourceVersion"]
            return new
        self.store.put(rtype.key, new)
        self.commit()
        return self._current(req)

    def _track(self, req: Request, old: Obj | None, new: Obj) -> None:
        manager = req.query.get("fieldManager") or _agent_manager(req.extra.get("user_agent"))
        if manager and not req.extra.get("applying"):
            track_update(old, new, manager, req.rtype.api_version)

    def _check_pod_update(self, old: Obj, new: Obj) -> None:
        old_spec, new_spec = (
            clone(old.get("spec") or {}),
            clone(new.get("spec") or {}),
        )
        for spec in (old_spec, new_spec):
            for c in spec.get("containers") or []:
                c.pop("image", None)
        if old_spec != new_spec:
            name = old["metadata"]["name"]
            raise ApiError(
                422,
                "Invalid",
                f'Pod "{name}" is invalid: spec: Forbidden: pod updates may not change fields '
                "other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
                "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing "
                "tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it "
                "was previously negative)",
                {"name": name, "kind": "Pod"},
            )
        if old.get("spec") != new.get("spec"):
            new["status"] = {"phase": "Pending"}
            new["status"]["conditions"] = (old.get("status") or {}).get("conditions", [])[-1:]

    def replace(self, req: Request) -> Obj:
        """PUT a whole object."""
        old = self._current(req)
        if not isinstance(req.body, dict):
            raise _bad_request("the body of the request was in an unknown format")
        return self._finish_update(req, old, clone(req.body))

    def patch(self, req: Request) -> Obj:
        """PATCH with merge, strategic-merge or JSON patch."""
        old = self._current(req)
        try:
            new = apply_patch(req.content_type, old, req.body)
        except PatchError as exc:
            if "unsupported" in str(exc):
                raise ApiError(415, "UnsupportedMediaType", str(exc)) from exc
            raise ApiError(422, "Invalid", str(exc)) from exc
        return self._finish_update(req, old, new)

    def delete(self, req: Request) -> Obj:
        """DELETE one object (and what it owns, unless orphaned)."""
        old = self._current(req)
        options = req.body if isinstance(req.body, dict) else {}
        precondition = (options.get("preconditions") or {}).get("resourceVersion")
        if precondition and precondition != old["metadata"]["resourceVersion"]:
            raise _conflict(req.rtype, old["metadata"]["name"])
        policy = (
            req.query.get("propagationPolicy") or options.get("propagationPolicy") or "Background"
        )
        if options.get("orphanDependents") is True:
            policy = "Orphan"
        if req.is_dry_run:
            return self._delete_result(req, old)
        if req.rtype.kind == "Pod":
            record_killing(self.store, old)
        deleted = cascade_delete(
            self.store,
            req.rtype.key,
            req.namespace or "",
            req.name or "",
            orphan=policy == "Orphan",
        )
        self.commit()
        return self._delete_result(req, deleted or old)

    def _delete_result(self, req: Request, obj: Obj) -> Obj:
        if req.rtype.kind in _RETURNS_DELETED_OBJECT:
            return obj
        meta = obj["metadata"]
        return {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Success",
            "details": {
                "name": meta["name"],
                "group": req.rtype.group,
                "kind": req.rtype.plural,
                "uid": meta.get("uid"),
            },
        }

    def delete_collection(self, req: Request) -> Obj:
        """DELETE every matching object in a namespace."""
        items = self.filtered(req)
        if not req.is_dry_run:
            for obj in items:
                cascade_delete(
                    self.store,
                    req.rtype.key,
                    obj["metadata"].get("namespace", ""),
                    obj["metadata"]["name"],
                )
            self.commit()
        kind = f"{req.rtype.kind}List"
        return {"kind": kind, "apiVersion": req.rtype.api_version, "metadata": {}, "items": items}

    # ------------------------------------------------------------ helpers for other modules

    def all_types(self) -> builtins.list[ResourceType]:
        """Every served type (for the Table and watch code)."""
        return list(BY_KEY.values())
