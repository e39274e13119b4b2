"""Unified diff of the live object against the server's dry-run result.

The diff is for showing only, so it is built from redacted copies
(:func:`k8sgpt_py.redact.redact_pair`): a secret value never exists in a diff string, and a
changed secret value shows as ``[REDACTED] (changed)``. What is sent to the API server is
the proposal's own patch or manifest, never anything derived from the diff.
"""

from __future__ import annotations

import difflib
from typing import Any

_NOISE = ("managedFields", "resourceVersion", "generation", "uid", "creationTimestamp")


def comparable(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """The object without status and server bookkeeping, as compared in diffs."""
    if obj is None:
        return None
    out = {k: v for k, v in obj.items() if k != "status"}
    meta = {k: v for k, v in (out.get("metadata") or {}).items() if k not in _NOISE}
    annotations = {
        k: v
        for k, v in (meta.get("annotations") or {}).items()
        if k != "deployment.kubernetes.io/revision"
    }
    if annotations:
        meta["annotations"] = annotations
    else:
        meta.pop("annotations", None)
    out["metadata"] = meta
    return out


# Top-level fields a change never writes (the object's type and the server's own), and the
# metadata a change may write (a patch may not set name, namespace, uid or resourceVersion).
_SERVER_FIELDS = ("apiVersion", "kind", "status", "metadata")
_WRITABLE_METADATA = ("labels", "annotations", "finalizers", "ownerReferences")


def writable_fields(obj: dict[str, Any] | None) -> dict[str, Any]:
    """What a kai change can write: every top-level field but the server's, some metadata.

    That is ``spec``, and also ConfigMap ``data``/``binaryData``, a Role's ``rules``, a
    RoleBinding's ``subjects``, ...: patch_resource and apply_manifest can change any of
    them. Undo restores these fields and a lost answer is judged on them.
    """
    clean = comparable(obj) or {}
    meta = clean.get("metadata") or {}
    out = {k: v for k, v in clean.items() if k not in _SERVER_FIELDS}
    out["metadata"] = {k: meta[k] for k in _WRITABLE_METADATA if k in meta}
    return out


def unified(before: dict[str, Any] | None, after: dict[str, Any] | None, label: str) -> str:
    """``diff -u`` style text of the redacted objects (empty when nothing would change)."""
    import yaml

    from k8sgpt_py.redact import redact_pair

    shown_before, shown_after = redact_pair(comparable(before), comparable(after))

    def lines(obj: dict[str, Any] | None) -> list[str]:
        if obj is None:
            return []
        text = yaml.safe_dump(obj, sort_keys=True, default_flow_style=False, allow_unicode=True)
        return text.splitlines(keepends=True)

    return "".join(
        difflib.unified_diff(
            lines(shown_before),
            lines(shown_after),
            fromfile=f"live/{label}",
            tofile=f"proposed/{label}",
            n=3,
        )
    )
