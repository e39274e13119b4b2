"""Small helpers over raw Kubernetes dicts shared by the analyzers (no I/O)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from k8sgpt_py.analyzers.base import RawObject

EVIDENCE_CHARS = 300


def dig(obj: object, *path: str | int) -> Any:
    """Walk dict keys / list indexes; ``None`` as soon as a step is missing or mistyped."""
    current: Any = obj
    for step in path:
        if type(current) is dict or (type(step) is str and isinstance(current, Mapping)):
            current = current.get(step)
        elif (
            isinstance(current, list) and type(step) is int and -len(current) <= step < len(current)
        ):
            current = current[step]
        else:
            return None
    return current


def items(obj: object, *path: str) -> list[RawObject]:
    """The list of dicts at ``path`` (``[]`` when missing or not a list)."""
    value = dig(obj, *path)
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def mapping(obj: object, *path: str) -> Mapping[str, Any]:
    """The dict at ``path`` (``{}`` when missing)."""
    value = dig(obj, *path)
    return value if isinstance(value, Mapping) else {}


def text(obj: object, *path: str) -> str:
    """The value at ``path`` as a string (``""`` when missing)."""
    value = dig(obj, *path)
    return "" if value is None else str(value)


def number(obj: object, *path: str, default: int = 0) -> int:
    """The integer at ``path`` (``default`` when missing or not a number)."""
    value = dig(obj, *path)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return int(value)


def name_of(obj: RawObject) -> str:
    """``metadata.name``."""
    return text(obj, "metadata", "name")


def ns_of(obj: RawObject) -> str | None:
    """``metadata.namespace`` or ``None`` for cluster-scoped objects."""
    return text(obj, "metadata", "namespace") or None


def labels_of(obj: RawObject, *path: str) -> dict[str, str]:
    """Labels at ``path`` (default ``metadata.labels``) as a plain dict."""
    found = mapping(obj, *(path or ("metadata", "labels")))
    return {str(key): str(value) for key, value in found.items()}


def condition(obj: RawObject, cond_type: str) -> RawObject | None:
    """The ``status.conditions`` entry of ``cond_type``, if any."""
    for cond in items(obj, "status", "conditions"):
        if cond.get("type") == cond_type:
            return cond
    return None


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 timestamp as an aware datetime (``None`` when missing or malformed)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def age_text(now: datetime, then: datetime | None) -> str:
    """``"42s"``, ``"5m"``, ``"3h"``, ``"2d"`` between ``then`` and ``now`` (``"?"`` if unknown)."""
    if then is None:
        return "?"
    seconds = max(0, int((now - then).total_seconds()))
    for unit_seconds, unit in ((86_400, "d"), (3_600, "h"), (60, "m")):
        if seconds >= unit_seconds:
            return f"{seconds // unit_seconds}{unit}"
    return f"{seconds}s"


def trim(value: str, limit: int = EVIDENCE_CHARS) -> str:
    """One line, whitespace collapsed, cut at ``limit`` characters with an ellipsis."""
    line = " ".join(value.split())
    return line if len(line) <= limit else line[: limit - 3] + "..."


def selector_matches(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """Whether a LabelSelector (``matchLabels`` + ``matchExpressions``) selects ``labels``.

    An empty selector selects everything; ``None`` selects nothing.
    """
    if selector is None:
        return False
    for key, value in mapping(selector, "matchLabels").items():
        if labels.get(str(key)) != str(value):
            return False
    return all(_expression_matches(expr, labels) for expr in items(selector, "matchExpressions"))


def _expression_matches(expr: RawObject, labels: Mapping[str, str]) -> bool:
    key, operator = text(expr, "key"), text(expr, "operator")
    values = [str(v) for v in dig(expr, "values") or []]
    if operator == "In":
        return labels.get(key) in values
    if operator == "NotIn":
        return labels.get(key) not in values
    if operator == "Exists":
        return key in labels
    if operator == "DoesNotExist":
        return key not in labels
    return False


def map_selector_matches(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """Whether a plain ``{key: value}`` selector (Service, old-style) selects ``labels``."""
    return all(labels.get(str(key)) == str(value) for key, value in selector.items())


def format_selector(selector: Mapping[str, Any]) -> str:
    """``app=web,tier=front`` for a plain map or a LabelSelector's ``matchLabels``."""
    labels = mapping(selector, "matchLabels") if "matchLabels" in selector else selector
    parts = [f"{key}={value}" for key, value in sorted(labels.items())]
    for expr in items(selector, "matchExpressions"):
        values = ",".join(str(v) for v in dig(expr, "values") or [])
        parts.append(f"{text(expr, 'key')} {text(expr, 'operator')} ({values})".rstrip(" ()"))
    return ",".join(parts) or "<everything>"


def event_line(event: RawObject) -> str:
    """``Warning FailedScheduling (x3): <message>``, message verbatim but trimmed."""
    count = number(event, "count") or number(event, "series", "count")
    times = f" (x{count})" if count > 1 else ""
    reason = text(event, "reason")
    return trim(f"{text(event, 'type') or 'Normal'} {reason}{times}: {text(event, 'message')}")


def event_time(event: RawObject) -> datetime | None:
    """When an event last happened (``lastTimestamp``, ``eventTime`` or creation time)."""
    for path in (
        ("lastTimestamp",),
        ("series", "lastObservedTime"),
        ("eventTime",),
        ("firstTimestamp",),
        ("metadata", "creationTimestamp"),
    ):
        found = parse_time(dig(event, *path))
        if found is not None:
            return found
    return None


def all_containers(pod_spec: RawObject) -> Iterator[RawObject]:
    """Init, regular and ephemeral containers of a pod spec."""
    for key in ("initContainers", "containers", "ephemeralContainers"):
        yield from items(pod_spec, key)


def pod_template_spec(workload: RawObject) -> RawObject:
    """The pod spec of a workload (CronJob template nested one level deeper)."""
    if text(workload, "kind") == "CronJob" or dig(workload, "spec", "jobTemplate") is not None:
        return mapping(workload, "spec", "jobTemplate", "spec", "template", "spec")
    return mapping(workload, "spec", "template", "spec")


_SHORT_KIND = {
    "Deployment": "deploy",
    "StatefulSet": "sts",
    "DaemonSet": "ds",
    "ReplicaSet": "rs",
    "Job": "job",
    "CronJob": "cronjob",
    "Pod": "pod",
    "Service": "svc",
}


def short_ref(kind: str, name: str) -> str:
    """kubectl-style ``deploy/worker``."""
    return f"{_SHORT_KIND.get(kind, kind.lower())}/{name}"


def kai_cmd(namespace: str | None, request: str) -> str:
    """A kai command line that would make the fix: ``kai -n staging "set image ..."``."""
    where = f"-n {namespace} " if namespace else ""
    return f'kai {where}"{request}"'


def kai_explain(namespace: str | None, target: str) -> str:
    """``kai explain -n staging deploy/worker``."""
    where = f"-n {namespace} " if namespace else ""
    return f"kai explain {where}{target}"


def plural(count: int, word: str) -> str:
    """``1 pod``, ``3 pods``."""
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def join_limited(values: Sequence[str], limit: int = 5) -> str:
    """``a, b, c`` with ``(+N more)`` past ``limit``."""
    shown = ", ".join(values[:limit])
    return shown + (f" (+{len(values) - limit} more)" if len(values) > limit else "")


_CREDENTIAL = re.compile(
    r"(?i)\b(password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key|authorization)"
    r"(\s*[=:]\s*)(bearer\s+)?[^\s,;&]+"
)
_URL_PASSWORD = re.compile(r"(://[^:/\s@]+:)[^@\s]+@")


def redact(line: str) -> str:
    """Mask credential-looking values (``password=...``, ``user:pass@`` in URLs) in a line."""
    masked = _URL_PASSWORD.sub(r"\1***@", line)
    return _CREDENTIAL.sub(lambda m: f"{m.group(1)}{m.group(2)}***", masked)
