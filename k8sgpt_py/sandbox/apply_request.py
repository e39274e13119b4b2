"""The server-side apply request (``PATCH`` with ``application/apply-patch+yaml``)."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.sandbox.api import Api, Request
from k8sgpt_py.sandbox.apply import apply as server_apply
from k8sgpt_py.sandbox.apply import leaves, to_fields_v1
from k8sgpt_py.sandbox.store import ApiError, clone, now_iso

Obj = dict[str, Any]


def server_side_apply(api: Api, req: Request) -> tuple[Obj, bool]:
    """PATCH ``application/apply-patch+yaml``: create or merge; (object, created)."""
    manager = req.query.get("fieldManager")
    if not manager:
        raise ApiError(
            422,
            "Invalid",
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: '
            "is required for apply patch",
        )
    body = req.body
    if not isinstance(body, dict):
        raise ApiError(400, "BadRequest", "the body of the request was in an unknown format")
    name = (body.get("metadata") or {}).get("name")
    if name != req.name:
        raise ApiError(
            400,
            "BadRequest",
            f"the name of the object ({name}) does not match the name on the URL ({req.name})",
        )
    req.extra["applying"] = True
    force = req.query.get("force") in {"true", "1"}
    live = api.store.get(req.rtype.key, req.namespace or "", req.name or "")
    version = req.rtype.api_version
    if live is None:
        new = clone(body)
        fields = set(leaves(new))
        new.setdefault("metadata", {})["managedFields"] = [
            {
                "manager": manager,
                "operation": "Apply",
                "apiVersion": version,
                "time": now_iso(),
                "fieldsType": "FieldsV1",
                "fieldsV1": to_fields_v1(fields),
            }
        ]
        create = Request(
            "create", req.rtype, req.namespace, None, "", req.query, req.user, new,
            extra=req.extra,
        )  # fmt: skip
        return api.create(create), True
    new = server_apply(live, body, manager, force=force, api_version=version)
    new["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    return api._finish_update(req, live, new), False
