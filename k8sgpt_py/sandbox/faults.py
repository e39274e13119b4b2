"""Injected failures: answer matching requests with an error, a delay or a dropped connection."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from typing import Any

_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    409: "Conflict",
    410: "Expired",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
}


def reason_for(status: int) -> str:
    """The ``metav1.StatusReason`` for an HTTP status code."""
    return _REASONS.get(status, "InternalError" if status >= 500 else "BadRequest")


@dataclass
class Fault:
    """One armed fault; ``remaining`` None means it never disarms."""

    path: str
    method: str | None = None
    status: int | None = None
    delay_seconds: float = 0.0
    drop: bool = False
    remaining: int | None = None
    dry_run_only: bool = False
    real_only: bool = False
    pattern: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.pattern = re.compile(self.path)

    def matches(self, method: str, path: str, is_dry_run: bool) -> bool:
        """Whether this fault applies to the request."""
        if self.method and self.method.upper() != method.upper():
            return False
        if self.dry_run_only and not is_dry_run:
            return False
        if self.real_only and is_dry_run:
            return False
        return self.pattern.search(path) is not None


class FaultSet:
    """Thread-safe list of faults (set from the test thread, read on the server loop)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> None:
        """Arm a fault."""
        with self._lock:
            self._faults.append(fault)

    def clear(self) -> None:
        """Disarm every fault."""
        with self._lock:
            self._faults.clear()

    def take(self, method: str, path: str, is_dry_run: bool) -> Fault | None:
        """The first matching fault, counting one use of it."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path, is_dry_run):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None


def fault_from_json(doc: dict[str, Any]) -> Fault:
    """Build a fault from the ``POST /_sandbox/faults`` body (same fields as ``inject_fault``)."""
    if not isinstance(doc.get("path"), str):
        raise ValueError("fault needs a 'path' regex")
    return Fault(
        path=doc["path"],
        method=doc.get("method"),
        status=int(doc["status"]) if doc.get("status") is not None else None,
        delay_seconds=float(doc.get("delay_seconds") or 0.0),
        drop=bool(doc.get("drop", False)),
        remaining=int(doc["count"]) if doc.get("count") is not None else None,
        dry_run_only=bool(doc.get("dry_run_only", False)),
        real_only=bool(doc.get("real_only", False)),
    )
