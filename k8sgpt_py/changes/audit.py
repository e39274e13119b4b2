"""Audit log: append-only JSON lines under the XDG state dir, with what undo needs.

Every record has ``"v": 1``. Writers take an exclusive ``flock`` so two kai processes never
interleave lines. Secret values are redacted before anything is written.
"""

from __future__ import annotations

import fcntl
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from k8sgpt_py.changes.diff import comparable
from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.errors import NotFound, UsageError

AUDIT_VERSION = 1


def new_id(now: datetime) -> str:
    """Sortable, unique enough: ``20261126-035300-3fa2``."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class AuditLog:
    """The audit file; one instance per command."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _locked(self, mode: str) -> Iterator[Any]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, mode, encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if "a" in mode else fcntl.LOCK_SH)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def append(self, record: dict[str, Any]) -> None:
        """Write one record (redacted) as a single line."""
        from k8sgpt_py.redact import redact

        line = json.dumps({"v": AUDIT_VERSION, **redact(record)}, sort_keys=False, default=str)
        with self._locked("a") as handle:
            handle.write(line + "\n")
            handle.flush()

    def records(self) -> list[dict[str, Any]]:
        """All records, oldest first (a torn or foreign line is skipped, not fatal)."""
        if not self.path.is_file():
            return []
        out: list[dict[str, Any]] = []
        with self._locked("r") as handle:
            for line in handle:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                if isinstance(record, dict) and record.get("v") == AUDIT_VERSION:
                    out.append(record)
        return out

    def find(self, record_id: str | None) -> dict[str, Any]:
        """The record with this id (or unique prefix); None: the last applied, not yet undone."""
        records = self.records()
        if record_id:
            hits = [r for r in records if str(r.get("id", "")).startswith(record_id)]
            if len(hits) != 1:
                what = "no" if not hits else "more than one"
                raise NotFound(
                    f"{what} audit record matches {record_id!r}", hint="see `kai history`"
                )
            return hits[0]
        undone = {r.get("undo_of") for r in records}
        for record in reversed(records):
            if (
                record.get("applied")
                and record.get("id") not in undone
                and not record.get("undo_of")
            ):
                return dict(record)
        raise NotFound(
            "nothing to undo: no applied change in the audit log", hint="see `kai history`"
        )


def merge_diff(src: Any, dst: Any) -> Any:
    """The JSON merge patch (RFC 7386) that turns ``src`` into ``dst``."""
    if not (isinstance(src, dict) and isinstance(dst, dict)):
        return dst
    patch: dict[str, Any] = {}
    for key in sorted(src.keys() | dst.keys()):
        if key not in dst:
            patch[key] = None
        elif key not in src:
            patch[key] = dst[key]
        elif src[key] != dst[key]:
            sub = merge_diff(src[key], dst[key])
            if sub != {} or not isinstance(dst[key], dict):
                patch[key] = sub
    return patch


def _restorable(obj: dict[str, Any]) -> dict[str, Any]:
    clean = comparable(obj) or {}
    meta = clean.get("metadata") or {}
    return {
        "metadata": {k: meta[k] for k in ("labels", "annotations") if k in meta},
        "spec": clean.get("spec") or {},
    }


def undo_proposal(record: dict[str, Any], current: dict[str, Any] | None) -> Proposal:
    """The change that puts the record's target back as it was before the record."""
    target = ObjectRef(**{_SNAKE[k]: v for k, v in (record.get("target") or {}).items()})
    action, before = record.get("action"), record.get("before")
    reason = f"undo {record.get('id')}: {record.get('reason') or action}"
    if target.kind == "Secret":
        raise UsageError("cannot undo a change to a Secret: its previous values were never stored")
    if action == "patch" and before is not None and current is not None:
        patch = merge_diff(_restorable(current), _restorable(before))
        if not patch:
            raise UsageError(f"{target} already matches its state before {record.get('id')}")
        return Proposal(target, "patch", reason, patch=patch, patch_type="merge")
    if action == "create":
        return Proposal(target, "delete", reason)
    if action == "delete" and before is not None:
        manifest = comparable(before) or {}
        return Proposal(target, "create", reason, manifest=manifest)
    raise UsageError(
        f"cannot undo {action} of {target}",
        hint="an evicted or deleted pod is recreated by its controller",
    )


_SNAKE = {"apiVersion": "api_version", "kind": "kind", "namespace": "namespace", "name": "name"}
