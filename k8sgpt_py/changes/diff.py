"""Unified diff of the live object against the server's dry-run result."""

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


def unified(before: dict[str, Any] | None, after: dict[str, Any] | None, label: str) -> str:
    """``diff -u`` style text (empty when nothing would change)."""
    import yaml

    def lines(obj: dict[str, Any] | None) -> list[str]:
        if obj is None:
            return []
        text = yaml.safe_dump(comparable(obj), sort_keys=True, default_flow_style=False)
        return text.splitlines(keepends=True)

    return "".join(
        difflib.unified_diff(
            lines(before), lines(after), fromfile=f"live/{label}", tofile=f"proposed/{label}", n=3
        )
    )
