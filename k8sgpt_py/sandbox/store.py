"""The sandbox's object store: objects by type, namespace and name, with a global resourceVersion.

Everything runs on the server's event loop thread, so the store needs no locking. Watchers
subscribe with a callback and receive every change as ``(type, key, json_text, object)``.
"""

from __future__ import annotations

import builtins
import hashlib
import json
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from k8sgpt_py import clock
from k8sgpt_py.sandbox.resources import BY_KEY, ResourceType

Obj = dict[str, Any]
Listener = Callable[[str, str, Obj], None]

HISTORY_LENGTH = 4000


class ApiError(Exception):
    """An error the server answers with a ``metav1.Status`` body."""

    def __init__(self, code: int, reason: str, message: str, details: Obj | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> Obj:
        """The ``Status`` object sent to the client."""
        body: Obj = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            body["details"] = self.details
        return body


def not_found(rtype: ResourceType, name: str) -> ApiError:
    """``deployments.apps "x" not found``."""
    details = {"name": name, "group": rtype.group, "kind": rtype.plural}
    return ApiError(404, "NotFound", f'{rtype.qualified} "{name}" not found', details)


def clone(value: Any) -> Any:
    """Deep copy of a JSON-shaped value (much faster than ``copy.deepcopy``)."""
    return json.loads(json.dumps(value))


def format_time(moment: datetime) -> str:
    """RFC 3339 form of ``moment`` (UTC, whole seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """The moment an RFC 3339 timestamp names."""
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def now_iso() -> str:
    """Current UTC time in the RFC 3339 form the API uses."""
    return clock.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def short_hash(text: str, length: int = 10) -> str:
    """Deterministic name suffix from the alphabet Kubernetes uses for generated names."""
    alphabet = "bcdfghjklmnpqrstvwxz2456789"
    digest = int.from_bytes(hashlib.sha256(text.encode()).digest()[:16], "big")
    out = []
    for _ in range(length):
        digest, index = divmod(digest, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


class Store:
    """In-memory objects plus a bounded change history for watches."""

    def __init__(self) -> None:
        self.objects: dict[str, dict[tuple[str, str], Obj]] = {key: {} for key in BY_KEY}
        self.resource_version = 100
        self.counters: dict[str, int] = {}
        self.history: deque[tuple[int, str, str, Obj]] = deque(maxlen=HISTORY_LENGTH)
        self.listeners: builtins.list[Listener] = []
        self.dirty = False
        self._sorted: dict[str, list[tuple[str, str]]] = {}
        #: Derived lookup tables owned by other modules (rebuilt on demand, never persisted).
        self.indexes: dict[str, Any] = {}
        #: The controllers' clock (deadlines); tests replace it to make time pass.
        self.clock: Callable[[], datetime] = clock.running()

    # ------------------------------------------------------------ reading

    def get(self, key: str, namespace: str, name: str) -> Obj | None:
        """The stored object, or None. Never mutate it: :func:`clone` it first."""
        return self.objects[key].get((namespace, name))

    def list(self, key: str, namespace: str | None = None) -> builtins.list[Obj]:
        """Objects of one type, optionally in one namespace, sorted by namespace and name."""
        bucket = self.objects[key]
        keys = self._sorted.get(key)
        if keys is None:
            keys = self._sorted[key] = sorted(bucket)
        if namespace is None:
            return [bucket[k] for k in keys]
        return [bucket[k] for k in keys if k[0] == namespace]

    def next_counter(self, name: str) -> int:
        """A persistent per-name counter (used for deterministic generated names)."""
        value = self.counters.get(name, 0)
        self.counters[name] = value + 1
        return value

    # ------------------------------------------------------------ writing

    def _bump(self) -> str:
        self.resource_version += 1
        return str(self.resource_version)

    def put(self, key: str, obj: Obj) -> Obj:
        """Create or replace ``obj`` (a fresh dict, owned by the store from now on).

        Fills uid and creationTimestamp for new objects and bumps resourceVersion.
        """
        meta = obj.setdefault("metadata", {})
        namespace = meta.get("namespace", "") if BY_KEY[key].namespaced else ""
        ident = (namespace, meta["name"])
        existed = ident in self.objects[key]
        if not existed:
            self._sorted.pop(key, None)
            meta["uid"] = meta.get("uid") or self.new_uid(key, namespace, meta["name"])
            meta["creationTimestamp"] = meta.get("creationTimestamp") or now_iso()
        meta["resourceVersion"] = self._bump()
        self.objects[key][ident] = obj
        self._emit("MODIFIED" if existed else "ADDED", key, obj)
        return obj

    def delete(self, key: str, namespace: str, name: str) -> Obj | None:
        """Remove an object; returns it (with a fresh resourceVersion) or None."""
        stored = self.objects[key].pop((namespace, name), None)
        if stored is None:
            return None
        self._sorted.pop(key, None)
        obj: Obj = {**stored, "metadata": {**stored["metadata"], "resourceVersion": self._bump()}}
        self._emit("DELETED", key, obj)
        return obj

    def new_uid(self, key: str, namespace: str, name: str) -> str:
        """A deterministic UUID-shaped uid, unique per creation."""
        serial = self.next_counter("uid")
        digest = hashlib.sha256(f"{key}/{namespace}/{name}/{serial}".encode()).hexdigest()
        return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:32]}"

    def _emit(self, event_type: str, key: str, obj: Obj) -> None:
        # Stored objects are never mutated in place (callers clone first), so the stored
        # dict itself is the snapshot of this version.
        self.dirty = True
        self.history.append((self.resource_version, event_type, key, obj))
        for listener in list(self.listeners):
            listener(event_type, key, obj)

    def events_since(
        self, resource_version: int
    ) -> builtins.list[tuple[int, str, str, Obj]] | None:
        """Changes after ``resource_version``; None when the history no longer reaches back."""
        if resource_version >= self.resource_version:
            return []
        if not self.history or self.history[0][0] > resource_version + 1:
            return None
        return [entry for entry in self.history if entry[0] > resource_version]

    # ------------------------------------------------------------ persistence

    def to_json(self) -> Obj:
        """Whole store as a JSON-able document."""
        return {
            "version": 1,
            "resourceVersion": self.resource_version,
            "counters": self.counters,
            "objects": {k: list(v.values()) for k, v in self.objects.items() if v},
        }

    @classmethod
    def from_json(cls, doc: Obj) -> Store:
        """Rebuild a store saved by :meth:`to_json`."""
        store = cls()
        store.resource_version = int(doc["resourceVersion"])
        store.counters = dict(doc.get("counters") or {})
        for key, items in (doc.get("objects") or {}).items():
            if key not in store.objects:
                continue
            for obj in items:
                meta = obj["metadata"]
                ns = meta.get("namespace", "") if BY_KEY[key].namespaced else ""
                store.objects[key][(ns, meta["name"])] = obj
        return store

    def save(self, path: Path) -> None:
        """Write the store atomically (temporary file, then rename), 0600: it holds Secrets."""
        from k8sgpt_py.userfiles import write_private

        write_private(path, json.dumps(self.to_json(), separators=(",", ":")))
        self.dirty = False

    @classmethod
    def load(cls, path: Path) -> Store:
        """Read a store written by :meth:`save`."""
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))
