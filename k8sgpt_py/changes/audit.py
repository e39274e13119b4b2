"""Audit log: append-only JSON lines under the XDG state dir, plus private undo data.

Every record has ``"v": 1``. Writers take an exclusive ``flock`` so two kai processes never
interleave lines. Secret values are redacted before anything is written to the log.

Redacted data cannot be written back, so the true previous state that ``kai undo`` needs
is kept apart, un-redacted, in an :class:`UndoStore`: one file per audit id (mode 0600) in a
directory only the user can enter (0700) beside the log. Secrets are never copied there.
"""

from __future__ import annotations

import fcntl
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from k8sgpt_py.errors import NotFound
from k8sgpt_py.userfiles import open_append, private_dir, write_private

AUDIT_VERSION = 1
_ID = re.compile(r"^[0-9]{8}-[0-9]{6}-[0-9a-f]{4}$")


def new_id(now: datetime) -> str:
    """Sortable, unique enough: ``20261126-035300-3fa2``."""
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(2)}"


class AuditWriteError(Exception):
    """The audit log or the undo data could not be written (permissions, disk full)."""

    def __init__(self, what: str, path: Path, exc: OSError) -> None:
        reason = exc.strerror or type(exc).__name__
        super().__init__(f"cannot write {what} {path}: {reason}")
        self.what = what
        self.path = path
        self.message = str(self)


def keeps_undo_data(record: dict[str, Any]) -> bool:
    """Whether the record's un-redacted before/after go to the private store.

    Only for applied changes, and never for Secrets: a copy of credentials on the
    workstation would outlive their rotation and escape the cluster's RBAC and encryption
    at rest. Never for an undo either: an undo is not itself undone, so its data would
    only be one more copy.
    """
    target = record.get("target") or {}
    return (
        bool(record.get("applied")) and target.get("kind") != "Secret" and not record.get("undo_of")
    )


class UndoStore:
    """Un-redacted reverse data keyed by audit id: ``DIR/ID.json``, 0600 in a 0700 dir."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def file(self, record_id: str) -> Path | None:
        """Where the data of ``record_id`` lives (None for an id that is not kai's)."""
        return self.path / f"{record_id}.json" if _ID.match(record_id) else None

    def ensure(self) -> None:
        """Create the directory (0700), tightening it if it already exists."""
        private_dir(self.path)

    def save(self, record_id: str, data: dict[str, Any]) -> None:
        """Write atomically: a 0600 temporary file, then rename over the final name."""
        final = self.file(record_id)
        if final is None:
            raise ValueError(f"not an audit id: {record_id!r}")
        self.ensure()
        text = json.dumps({"v": AUDIT_VERSION, "id": record_id, **data}, default=str)
        write_private(final, text, durable=True)

    def load(self, record_id: str) -> dict[str, Any] | None:
        """The data kept for ``record_id``, or None (never kept, dropped, or unreadable)."""
        path = self.file(record_id)
        if path is None or not path.is_file():
            return None
        try:
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) and data.get("id") == record_id else None

    def discard(self, record_id: str) -> None:
        """Drop the data of ``record_id`` (no longer needed: it was undone)."""
        path = self.file(record_id)
        if path is not None:
            path.unlink(missing_ok=True)


def _store_path(log: Path) -> Path:
    """``audit.jsonl`` -> ``undo/``; ``sandbox-audit.jsonl`` -> ``sandbox-undo/``."""
    stem = log.stem
    name = stem.removesuffix("audit") + "undo" if stem.endswith("audit") else f"{stem}-undo"
    return log.with_name(name)


class AuditLog:
    """The audit file and its private undo store; one instance per command.

    The log is created 0600 and its folder 0700 (a looser existing one is tightened on
    the next write): it names every object kai changed, and where.
    """

    def __init__(self, path: Path, *, store: UndoStore | None = None) -> None:
        self.path = path
        self.store = store or UndoStore(_store_path(path))
        self.skipped = 0
        """Lines the last :meth:`records` call could not read (not UTF-8, not JSON, torn)."""

    @contextmanager
    def _locked(self, mode: str) -> Iterator[IO[Any]]:
        """The log opened and flock-ed: ``ab`` exclusive (created 0600 in a 0700 dir), ``rb``."""
        if "a" in mode:
            private_dir(self.path.parent)
        with open_append(self.path) if "a" in mode else open(self.path, mode) as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if "a" in mode else fcntl.LOCK_SH)
            try:
                yield handle
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def check_writable(self) -> None:
        """Raise AuditWriteError unless both the log and the undo store can be written."""
        try:
            private_dir(self.path.parent)
            with open_append(self.path):
                pass
        except OSError as exc:
            raise AuditWriteError("the audit log", self.path, exc) from exc
        try:
            self.store.ensure()
        except OSError as exc:
            raise AuditWriteError("the undo data directory", self.store.path, exc) from exc

    def append(self, record: dict[str, Any], *, private: dict[str, Any] | None = None) -> None:
        """Write one record (redacted) as a single line; ``private`` goes to the undo store.

        Raises AuditWriteError. If the line cannot be written, the private data is removed
        again (no orphans); if only the private data fails, the line is still written.
        """
        from k8sgpt_py.redact import redact

        record_id = str(record.get("id", ""))
        line = json.dumps({"v": AUDIT_VERSION, **redact(record)}, sort_keys=False, default=str)
        store_error: AuditWriteError | None = None
        kept = private is not None and keeps_undo_data(record)
        if kept and private is not None:
            try:
                self.store.save(record_id, private)
            except OSError as exc:
                kept = False
                store_error = AuditWriteError("the undo data in", self.store.path, exc)
        try:
            with self._locked("ab") as handle:
                handle.write((line + "\n").encode("utf-8"))
                handle.flush()
        except OSError as exc:
            if kept:
                self.store.discard(record_id)
            raise AuditWriteError("the audit log", self.path, exc) from exc
        if record.get("undo_of") and record.get("applied"):
            self.store.discard(str(record["undo_of"]))
        if store_error is not None:
            raise store_error

    def records(self) -> list[dict[str, Any]]:
        """All records, oldest first; unreadable lines are skipped and counted in ``skipped``."""
        self.skipped = 0
        if not self.path.is_file():
            return []
        out: list[dict[str, Any]] = []
        with self._locked("rb") as handle:
            for raw in handle:
                if not raw.strip():
                    continue
                try:
                    record = json.loads(raw.decode("utf-8"))
                except ValueError:  # UnicodeDecodeError is a ValueError too
                    self.skipped += 1
                    continue
                if isinstance(record, dict) and record.get("v") == AUDIT_VERSION:
                    out.append(record)
                else:
                    self.skipped += 1
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
        undone = {r.get("undo_of") for r in records if r.get("applied")}
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

    def undone_by(self, record_id: str) -> dict[str, Any] | None:
        """The applied undo of ``record_id``, if there is one."""
        for record in self.records():
            if record.get("undo_of") == record_id and record.get("applied"):
                return record
        return None


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
