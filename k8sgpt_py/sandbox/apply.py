"""Server-side apply and field ownership (``metadata.managedFields``).

A field set is the set of leaf paths an object (or an apply configuration) sets. Path
elements are written as in ``FieldsV1``: ``f:spec`` for a map key, ``k:{"name":"web"}`` for
an item of a list with a merge key, ``v:"x"`` for a member of a set; lists without a merge
key are atomic (one leaf). Apply merges the configuration into the live object, takes the
fields it sets, removes the fields the same manager applied before and no longer sets, and
refuses (409) to change a field another manager owns unless ``force=true``.

Ownership is only tracked for requests that name a ``fieldManager`` (kubectl always does):
objects written by clients that never do keep no ``managedFields``, which is harmless.
"""

from __future__ import annotations

import json
from typing import Any

from k8sgpt_py.sandbox.patch import _merge_key, strategic_merge_patch
from k8sgpt_py.sandbox.store import ApiError, clone, now_iso

Obj = dict[str, Any]
Path = tuple[str, ...]
_SKIP_META = {
    "uid",
    "resourceVersion",
    "creationTimestamp",
    "generation",
    "managedFields",
    "namespace",
    "name",
    "selfLink",
    "deletionTimestamp",
}
_SETS = {"finalizers"}


def leaves(obj: Any, prefix: Path = ()) -> dict[Path, Any]:
    """Leaf path -> value of every field ``obj`` sets."""
    out: dict[Path, Any] = {}
    if not isinstance(obj, dict):
        return out
    for key, value in obj.items():
        if key in {"apiVersion", "kind", "status"} and not prefix:
            continue
        if prefix == ("f:metadata",) and key in _SKIP_META:
            continue
        path = (*prefix, f"f:{key}")
        if isinstance(value, dict) and value:
            out |= leaves(value, path)
        elif isinstance(value, list) and value and key in _SETS:
            for item in value:
                out[(*path, "v:" + json.dumps(item))] = item
        elif isinstance(value, list) and value and all(isinstance(i, dict) for i in value):
            merge_key = _merge_key(key, value)
            if merge_key is None or any(merge_key not in i for i in value):
                out[path] = value
                continue
            for item in value:
                element = "k:" + json.dumps({merge_key: item[merge_key]}, separators=(",", ":"))
                out |= leaves(item, (*path, element))
        else:
            out[path] = value
    return out


def to_fields_v1(paths: set[Path]) -> Obj:
    """``FieldsV1`` document of a field set."""
    root: Obj = {}
    for path in sorted(paths):
        node = root
        for element in path:
            node = node.setdefault(element, {})
            if element.startswith("k:"):
                node.setdefault(".", {})
    return root


def from_fields_v1(doc: Any, prefix: Path = ()) -> set[Path]:
    """The field set of a ``FieldsV1`` document."""
    if not isinstance(doc, dict):
        return set()
    out: set[Path] = set()
    for element, child in doc.items():
        if element == ".":
            continue
        path = (*prefix, element)
        if isinstance(child, dict) and any(k != "." for k in child):
            out |= from_fields_v1(child, path)
        else:
            out.add(path)
    return out


def render_path(path: Path) -> str:
    """``.spec.template.spec.containers[name="web"].image``."""
    text = ""
    for element in path:
        kind, _, rest = element.partition(":")
        if kind == "f":
            text += f".{rest}"
        elif kind == "k":
            pairs = json.loads(rest)
            text += "[" + ",".join(f"{k}={json.dumps(v)}" for k, v in pairs.items()) + "]"
        else:
            text += f"[={rest}]"
    return text


def _owners(obj: Obj) -> list[Obj]:
    return [dict(e) for e in (obj.get("metadata") or {}).get("managedFields") or []]


def _entry(manager: str, operation: str, api_version: str, paths: set[Path]) -> Obj:
    return {
        "manager": manager,
        "operation": operation,
        "apiVersion": api_version,
        "time": now_iso(),
        "fieldsType": "FieldsV1",
        "fieldsV1": to_fields_v1(paths),
    }


def _set_owners(obj: Obj, entries: list[Obj]) -> None:
    kept = [e for e in entries if e.get("fieldsV1")]
    obj.setdefault("metadata", {})["managedFields"] = kept


def _remove(obj: Obj, path: Path) -> None:
    node: Any = obj
    for element in path[:-1]:
        node = _child(node, element)
        if node is None:
            return
    last = path[-1]
    if isinstance(node, dict) and last.startswith("f:"):
        node.pop(last[2:], None)
    elif isinstance(node, list):
        item = _child(node, last)
        if item is not None:
            node.remove(item)


def _child(node: Any, element: str) -> Any:
    kind, _, rest = element.partition(":")
    if kind == "f" and isinstance(node, dict):
        return node.get(rest)
    if isinstance(node, list):
        wanted = json.loads(rest)
        for item in node:
            if kind == "k" and isinstance(item, dict):
                if all(item.get(k) == v for k, v in wanted.items()):
                    return item
            elif kind == "v" and item == wanted:
                return item
    return None


def conflict_error(conflicts: dict[str, list[Path]], api_version: str) -> ApiError:
    """The 409 the API server sends when an apply would take fields from other managers."""
    count = sum(len(p) for p in conflicts.values())
    causes = [
        {
            "reason": "FieldManagerConflict",
            "message": f'conflict with "{manager}" using {api_version}',
            "field": render_path(path),
        }
        for manager, paths in conflicts.items()
        for path in paths
    ]
    if count == 1:
        manager, paths = next(iter(conflicts.items()))
        message = (
            f'Apply failed with 1 conflict: conflict with "{manager}" using {api_version}: '
            f"{render_path(paths[0])}"
        )
    else:
        parts = [
            f'conflicts with "{manager}" using {api_version}:\n'
            + "\n".join(f"- {render_path(p)}" for p in paths)
            for manager, paths in conflicts.items()
        ]
        message = f"Apply failed with {count} conflicts: " + "\n".join(parts)
    return ApiError(409, "Conflict", message, {"causes": causes})


def apply(live: Obj, config: Obj, manager: str, *, force: bool, api_version: str) -> Obj:
    """The object after ``manager`` applies ``config`` to ``live`` (raises 409 on conflict)."""
    applied = leaves(config)
    live_leaves = leaves(live)
    owners = _owners(live)
    if not owners:
        owners = [_entry("before-first-apply", "Update", api_version, set(live_leaves))]
    mine = next((e for e in owners if e["manager"] == manager and e["operation"] == "Apply"), None)
    previous = from_fields_v1(mine["fieldsV1"]) if mine else set()
    conflicts: dict[str, list[Path]] = {}
    others: list[tuple[Obj, set[Path]]] = []
    for entry in owners:
        if entry is mine:
            continue
        owned = from_fields_v1(entry.get("fieldsV1"))
        clash = sorted(
            p for p in owned & set(applied) if p in live_leaves and live_leaves[p] != applied[p]
        )
        if clash:
            conflicts.setdefault(str(entry["manager"]), []).extend(clash)
            if force:
                owned -= set(clash)
        others.append((entry, owned))
    if conflicts and not force:
        raise conflict_error(conflicts, api_version)
    result = strategic_merge_patch(clone(live), _without_status(config))
    still_owned = set().union(*(owned for _, owned in others)) if others else set()
    for path in sorted(previous - set(applied) - still_owned, key=len, reverse=True):
        _remove(result, path)
    entries = [{**entry, "fieldsV1": to_fields_v1(owned)} for entry, owned in others if owned]
    entries.append(_entry(manager, "Apply", api_version, set(applied)))
    _set_owners(result, entries)
    return result


def _without_status(config: Obj) -> Obj:
    body = {k: v for k, v in config.items() if k != "status"}
    meta = dict(body.get("metadata") or {})
    for key in ("managedFields", "resourceVersion", "uid", "creationTimestamp"):
        meta.pop(key, None)
    body["metadata"] = meta
    return body


def track_update(old: Obj | None, new: Obj, manager: str, api_version: str) -> None:
    """Give ``manager`` (operation Update) the fields this write changed, in place on ``new``."""
    before = leaves(old) if old is not None else {}
    after = leaves(new)
    changed = {p for p, v in after.items() if before.get(p, object()) != v}
    owners = _owners(old) if old is not None else []
    if not changed and not owners:
        return
    entries: list[Obj] = []
    mine: set[Path] = set()
    for entry in owners:
        owned = from_fields_v1(entry.get("fieldsV1")) & set(after)
        if entry["manager"] == manager and entry["operation"] == "Update":
            mine |= owned
            continue
        owned -= changed
        if owned:
            entries.append({**entry, "fieldsV1": to_fields_v1(owned)})
    mine |= changed
    if mine:
        entries.append(_entry(manager, "Update", api_version, mine))
    _set_owners(new, entries)
