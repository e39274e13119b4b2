"""General write tools: apply a manifest, patch any field of any kind, set labels/annotations.

They never write: each returns proposals that the changes pipeline validates, dry-runs on
the server, diffs, confirms, applies and audits (and ``kai undo`` reverts).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.cluster.discovery import kind_for_manifest
from k8sgpt_py.cluster.kinds import KindInfo, is_builtin
from k8sgpt_py.errors import NotFound
from k8sgpt_py.redact_changes import redact_patch
from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import find, object_ref
from k8sgpt_py.tools.manifest_refs import Entry, creation_scopes

MAX_DOCUMENTS = 20
_DNS_NAME = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
)
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$")
_NO_UNDO_SECRET = "kai undo cannot revert a change to a Secret: kai keeps no copy of its values"
_NO_UNDO_STORAGE = "kai undo cannot revert a larger storage request: a claim never shrinks"
_NO_UNDO_IMMUTABLE = "kai undo cannot revert immutable: true: Kubernetes never lifts it"


def _documents(manifest: str) -> list[dict[str, Any]]:
    import yaml

    try:
        docs = [d for d in yaml.safe_load_all(manifest) if d is not None]
    except yaml.YAMLError as exc:
        raise ValueError(f"manifest is not valid YAML: {str(exc).splitlines()[0]}") from exc
    out: list[dict[str, Any]] = []
    for doc in docs:
        if isinstance(doc, dict) and doc.get("kind") == "List":
            out.extend(doc.get("items") or [])
        else:
            out.append(doc)
    if not out:
        raise ValueError("manifest is empty")
    if len(out) > MAX_DOCUMENTS:
        raise ValueError(f"manifest has {len(out)} objects; kai applies at most {MAX_DOCUMENTS}")
    return out


def _check_document(doc: Any, index: int) -> tuple[str, str, str]:
    if not isinstance(doc, dict):
        raise ValueError(f"document {index + 1} is not a mapping")
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    name = (doc.get("metadata") or {}).get("name")
    missing = [k for k, v in (("apiVersion", api_version), ("kind", kind)) if not v]
    if not name:
        missing.append("metadata.name (generateName is not supported: undo needs a name)")
    if missing:
        raise ValueError(f"document {index + 1} lacks {', '.join(missing)}")
    if not _DNS_NAME.match(str(name)):
        raise ValueError(f"document {index + 1}: {name!r} is not a valid object name")
    return str(api_version), str(kind), str(name)


def _namespace_for(
    ctx: ToolContext, info: KindInfo, doc: dict[str, Any], given: str | None
) -> str | None:
    if not info.is_namespaced:
        return None
    inside = (doc.get("metadata") or {}).get("namespace")
    if inside and given and inside != given:
        raise ValueError(
            f"{info.kind} {doc['metadata']['name']} says namespace {inside!r}, not {given!r}"
        )
    return str(inside or given or ctx.namespace or ctx.cluster.target.namespace)


def _check_new_namespaces(ctx: ToolContext, docs: list[Any]) -> None:
    """Objects cannot be dry-run in a namespace that this same manifest has yet to create."""
    created = {
        str((d.get("metadata") or {}).get("name"))
        for d in docs
        if isinstance(d, dict) and d.get("kind") == "Namespace"
    }
    used = {
        str((d.get("metadata") or {}).get("namespace"))
        for d in docs
        if isinstance(d, dict) and d.get("kind") != "Namespace"
    }
    for ns in sorted(created & used):
        try:
            ctx.cluster.get("Namespace", ns)
        except NotFound:
            raise ValueError(
                f"the manifest creates namespace {ns} and objects in it; they cannot be dry-run "
                f"before it exists: create namespace {ns} first, then apply the rest"
            ) from None


def _as_patch(doc: dict[str, Any]) -> dict[str, Any]:
    """The manifest as a patch onto the live object: no status, no server-owned metadata."""
    meta = doc.get("metadata") or {}
    body = {k: v for k, v in doc.items() if k not in ("apiVersion", "kind", "status", "metadata")}
    kept = {k: meta[k] for k in ("labels", "annotations") if meta.get(k)}
    return {**({"metadata": kept} if kept else {}), **body}


def undo_notes(kind: str, patch: Any) -> tuple[str, ...]:
    """Notes for a patch `kai undo` will refuse to revert (it restores any other field).

    Args:
        kind: The target's kind.
        patch: A merge/strategic patch (dict) or a JSON patch (list of operations).
    """
    if kind == "Secret":
        return (_NO_UNDO_SECRET,)
    paths = _patch_paths(patch)
    notes = []
    if kind == "PersistentVolumeClaim" and "/spec/resources/requests/storage" in paths:
        notes.append(_NO_UNDO_STORAGE)
    if "/immutable" in paths:
        notes.append(_NO_UNDO_IMMUTABLE)
    return tuple(notes)


def _patch_paths(patch: Any, prefix: str = "") -> set[str]:
    """``/a/b`` paths a patch writes (a JSON patch's op paths; a dict's leaves and parents)."""
    if isinstance(patch, list):
        return {str(op.get("path", "")) for op in patch if isinstance(op, dict)}
    if not isinstance(patch, dict):
        return set()
    out = set()
    for key, value in patch.items():
        here = f"{prefix}/{key}"
        out |= {here, *_patch_paths(value, here)}
    return out


def _entries(
    ctx: ToolContext, docs: list[dict[str, Any]], namespace: str | None
) -> tuple[list[KindInfo], list[Entry]]:
    """Each document's kind (found by discovery), name, namespace and whether it is new."""
    infos, entries = [], []
    for index, doc in enumerate(docs):
        api_version, kind, name = _check_document(doc, index)
        info = kind_for_manifest(ctx.cluster, api_version, kind)
        ns = _namespace_for(ctx, info, doc, namespace)
        try:
            ctx.cluster.get(info, name, ns)
        except NotFound:
            is_new = True
        else:
            is_new = False
        infos.append(info)
        entries.append(Entry(info.kind, name, ns, doc, is_new))
    return infos, entries


def _create_proposal(ref: ObjectRef, doc: dict[str, Any], scope: str | None) -> Proposal:
    body = {**doc, "metadata": {**(doc.get("metadata") or {}), "name": ref.name}}
    body.pop("status", None)
    if ref.namespace:
        body["metadata"]["namespace"] = ref.namespace
    else:
        body["metadata"].pop("namespace", None)
    reason = f"create {ref}" + (f" (for {scope})" if scope else "")
    return Proposal(ref, "create", reason, manifest=body, scope=scope)


@tool(mutating=True)
def apply_manifest(ctx: ToolContext, manifest: str, namespace: str | None = None) -> ToolResult:
    """Create or update objects from YAML (one or several documents), like kubectl apply.

    A new object is created; an existing one is patched with the manifest's fields (fields
    the manifest leaves out stay as they are). Each object needs apiVersion, kind and
    metadata.name; kinds the cluster does not serve are refused. Everything is dry-run on
    the server and shown as a diff before anything changes.

    Args:
        ctx: Bound by the caller (not part of the schema).
        manifest: YAML text; several objects are separated by "---" lines.
        namespace: Namespace for objects whose metadata names none.
    """
    docs = _documents(manifest)
    _check_new_namespaces(ctx, docs)
    infos, entries = _entries(ctx, docs, namespace)
    proposals, summary = [], []
    scopes = creation_scopes(entries)
    for index, (entry, info, scope) in enumerate(zip(entries, infos, scopes, strict=True)):
        ref = ObjectRef(info.api_version, info.kind, entry.name, entry.namespace)
        if entry.is_new:
            proposals.append(_create_proposal(ref, docs[index], scope))
            summary.append({"object": str(ref), "action": "create"})
            continue
        patch = _as_patch(docs[index])
        if not patch:
            raise ValueError(f"document {index + 1} ({ref}) sets nothing to change")
        patch_type: Literal["strategic", "merge"] = "strategic" if is_builtin(info) else "merge"
        proposals.append(
            Proposal(
                ref,
                "patch",
                f"update {ref} from the manifest",
                patch=patch,
                patch_type=patch_type,
                notes=undo_notes(info.kind, patch),
            )
        )
        summary.append({"object": str(ref), "action": "update"})
    call = "apply " + ", ".join(s["object"] for s in summary)
    return ToolResult.propose(*proposals, data={"objects": summary}, invocation=call)


def _touches_forbidden(patch: Any) -> str | None:
    if isinstance(patch, list):
        for op in patch:
            path = str(op.get("path", "")) if isinstance(op, dict) else ""
            if path.startswith("/status") or path in ("/metadata/name", "/metadata/namespace"):
                return path
        return None
    if "status" in patch:
        return "status"
    meta = patch.get("metadata") or {}
    for key in ("name", "namespace", "uid", "resourceVersion"):
        if key in meta:
            return f"metadata.{key}"
    return None


@tool(mutating=True)
def patch_resource(
    ctx: ToolContext,
    kind: str,
    name: str,
    patch: dict[str, Any] | list[dict[str, Any]],
    namespace: str | None = None,
    patch_type: Literal["merge", "strategic", "json"] = "merge",
) -> ToolResult:
    """Patch any field of any object, custom resources included (kind may be a CRD's kind).

    For a workload's pods patch spec.template.spec (tolerations, nodeSelector, probes).

    Args:
        ctx: Bound by the caller (not part of the schema).
        kind: Kind, plural or short name (deploy, svc, hpa, or a CRD's kind).
        name: The object's name (fuzzy names are resolved).
        patch: merge/strategic: a nested dict (null deletes a key); json: a list of
            {"op", "path", "value"} operations.
        namespace: Namespace of the object (default: the current one).
        patch_type: merge (RFC 7386, lists replaced whole), strategic (lists such as
            containers merge by name; built-in kinds only) or json (RFC 6902).
    """
    info = ctx.cluster.kind_info(kind)
    if (patch_type == "json") != isinstance(patch, list):
        return ToolResult.fail("a json patch is a list of operations; merge/strategic take a dict")
    if not patch:
        return ToolResult.fail("the patch is empty")
    if patch_type == "strategic" and not is_builtin(info):
        return ToolResult.fail(
            f"{info.kind} ({info.api_version}) is not a built-in kind: strategic merge patch is "
            "not supported for it, use patch_type merge or json"
        )
    bad = _touches_forbidden(patch)
    if bad:
        return ToolResult.fail(
            f"kai does not patch {bad} (the server owns it or it names the object)"
        )
    found = find(ctx, name, kinds=(info.kind,), namespace=namespace)
    reason = f"patch {found} ({patch_type})"
    proposal = Proposal(
        object_ref(found),
        "patch",
        reason,
        patch=patch,
        patch_type=patch_type,
        notes=undo_notes(found.kind, patch),
    )
    shown = redact_patch(info.kind, patch)  # the model sees a Secret's values hidden too
    return ToolResult.propose(
        proposal, data={"object": str(found), "patch": shown}, invocation=reason
    )


def _metadata_map(
    ctx: ToolContext,
    field: Literal["labels", "annotations"],
    kind: str,
    name: str,
    values: dict[str, str | None],
    namespace: str | None,
) -> ToolResult:
    if not values:
        return ToolResult.fail(f"give at least one of the {field} to set (null removes one)")
    for key, value in values.items():
        if not _LABEL_KEY.match(key):
            return ToolResult.fail(f"{key!r} is not a valid {field[:-1]} key")
        if field == "labels" and value is not None and not _LABEL_VALUE.match(value):
            return ToolResult.fail(
                f"{value!r} is not a valid label value (63 chars, [-_.A-Za-z0-9])"
            )
    info = ctx.cluster.kind_info(kind)
    found = find(ctx, name, kinds=(info.kind,), namespace=namespace)
    current = (found.obj.get("metadata") or {}).get(field) or {}
    changed = {k: v for k, v in values.items() if current.get(k) != v}
    if not changed:
        return ToolResult.fail(f"{found} already has those {field}")
    described = ", ".join(f"{k}={v}" if v is not None else f"{k}-" for k, v in changed.items())
    reason = f"set {field} {described} on {found}"
    notes: tuple[str, ...] = ()
    if field == "labels" and found.kind == "Pod":
        notes = ("changing a pod's labels can take it out of its Service and its ReplicaSet",)
    patch = {"metadata": {field: changed}}
    proposal = Proposal(
        object_ref(found), "patch", reason, patch=patch, patch_type="merge", notes=notes
    )
    return ToolResult.propose(
        proposal, data={"object": str(found), field: changed}, invocation=reason
    )


@tool(mutating=True)
def set_labels(
    ctx: ToolContext,
    kind: str,
    name: str,
    labels: dict[str, str | None],
    namespace: str | None = None,
) -> ToolResult:
    """Add, change or remove (value null) labels on any object's metadata, like kubectl label."""
    return _metadata_map(ctx, "labels", kind, name, labels, namespace)


@tool(mutating=True)
def set_annotations(
    ctx: ToolContext,
    kind: str,
    name: str,
    annotations: dict[str, str | None],
    namespace: str | None = None,
) -> ToolResult:
    """Add, change or remove (value null) annotations on any object, like kubectl annotate."""
    return _metadata_map(ctx, "annotations", kind, name, annotations, namespace)
