"""Turn pod evidence (logs, scheduler messages, pull errors) into concrete next steps."""

from __future__ import annotations

import re
from collections.abc import Sequence

from k8sgpt_py.analyzers._k8s import (
    all_containers,
    dig,
    items,
    kai_cmd,
    mapping,
    redact,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import RawObject, Snapshot
from k8sgpt_py.quantity import cpu_millicores, format_cpu, format_memory, memory_bytes

LOG_LINE_CHARS = 200
_TELLING = re.compile(
    r"(?i)(error|fatal|panic|exception|traceback|missing|not set|not found|refused|denied|"
    r"failed|cannot|can't|unable|invalid|killed|no such|timeout|timed out)"
)
_ENV_MISSING = (
    re.compile(
        r"(?i)(?:missing|required|undefined|unset)\s+(?:required\s+)?"
        r"(?:environment variable|env(?:ironment)? var(?:iable)?|env)s?:?\s+"
        r"[\"'`]?([A-Za-z_][A-Za-z0-9_]*)"
    ),
    re.compile(
        r"(?i)(?:environment variable|env(?:ironment)? var(?:iable)?|env)\s+[\"'`]?"
        r"([A-Za-z_][A-Za-z0-9_]*)[\"'`]?\s+(?:is\s+)?"
        r"(?:not set|missing|unset|undefined|required|empty)"
    ),
    re.compile(r"KeyError: ['\"]([A-Z_][A-Z0-9_]*)['\"]"),
)


def telling_log_lines(log_text: str, limit: int = 3) -> list[str]:
    """The last ``limit`` lines that look like the cause (errors, missing settings).

    Falls back to the last two non-empty lines; every line is trimmed and redacted.
    """
    lines = [line.strip() for line in log_text.splitlines() if line.strip()]
    telling = [line for line in lines if _TELLING.search(line)]
    chosen = telling[-limit:] if telling else lines[-2:]
    return [redact(trim(line, LOG_LINE_CHARS)) for line in chosen]


def missing_env_var(lines: Sequence[str]) -> str | None:
    """The environment variable a log says is missing (``DATABASE_URL``), if any."""
    for line in reversed(lines):
        for pattern in _ENV_MISSING:
            match = pattern.search(line)
            if match:
                return match.group(1)
    return None


def scheduling_hints(message: str, pod: RawObject, snapshot: Snapshot, target: str) -> list[str]:
    """Next steps for a scheduler message (``0/4 nodes are available: ...``)."""
    hints: list[str] = []
    for resource in ("cpu", "memory"):
        if f"Insufficient {resource}" in message:
            hints.append(_insufficient_hint(resource, pod, snapshot))
    for taint in re.findall(r"taint \{([^}]*)\}", message):
        key_value = taint.replace(": ", "=").replace(":", "=")
        hints.append(
            f"nodes with taint {key_value} are reserved: add a matching toleration to "
            f"{target} only if it belongs there"
        )
    simple = (
        ("match Pod's node affinity", "no node matches its nodeSelector/affinity: fix the labels"),
        ("didn't match node selector", "no node matches its nodeSelector: fix the labels"),
        ("unbound immediate PersistentVolumeClaims", "its PVC is not bound: see the PVC finding"),
        ("were unschedulable", 'nodes are cordoned: uncordon one (kai "uncordon node <name>")'),
        ("didn't have free ports", "a hostPort is already used on every node: drop hostPort"),
        ("Too many pods", "nodes are at their pod limit: add nodes or remove idle pods"),
        ("volume node affinity conflict", "its volume lives in another zone than the free nodes"),
    )
    hints.extend(hint for needle, hint in simple if needle in message)
    if not hints:
        hints.append(f"read the scheduler message above and adjust {target} or add capacity")
    return hints


def _insufficient_hint(resource: str, pod: RawObject, snapshot: Snapshot) -> str:
    requested = _pod_request(pod, resource)
    largest = _largest_allocatable(snapshot, resource)
    fmt = _format_cpu_text if resource == "cpu" else format_memory
    parts = [f"not enough free {resource} on the nodes"]
    if requested:
        parts.append(f"the pod requests {fmt(requested)}")
    if largest:
        parts.append(f"the largest node can allocate {fmt(largest)} (before any pod)")
    return f"{'; '.join(parts)}: lower the request to what a node has free or add node capacity"


def _format_cpu_text(millicores: float) -> str:
    shown = format_cpu(millicores)
    return shown if shown.endswith("m") else f"{shown} cpu"


def _pod_request(pod: RawObject, resource: str) -> int:
    total = 0
    for container in items(pod, "spec", "containers"):
        value = dig(container, "resources", "requests", resource)
        if value is not None:
            total += _quantity(value, resource)
    return total


def _largest_allocatable(snapshot: Snapshot, resource: str) -> int:
    values = [
        _quantity(dig(node, "status", "allocatable", resource), resource)
        for node in snapshot.nodes
        if dig(node, "status", "allocatable", resource) is not None
    ]
    return max(values, default=0)


def _quantity(value: object, resource: str) -> int:
    if not isinstance(value, str | int | float):
        return 0
    try:
        return cpu_millicores(value) if resource == "cpu" else memory_bytes(value)
    except ValueError:
        return 0


def image_hint(event_messages: Sequence[str]) -> str:
    """Why a pull fails, from the kubelet's ``Failed`` event messages."""
    joined = " ".join(event_messages).lower()
    if any(word in joined for word in ("not found", "manifest unknown", "does not exist")):
        return "the image or tag does not exist in the registry"
    if any(word in joined for word in ("unauthorized", "authentication", "denied", "forbidden")):
        return "the registry refused access: add or fix imagePullSecrets"
    if any(word in joined for word in ("no such host", "i/o timeout", "dial tcp", "connection")):
        return "the node cannot reach the registry"
    return "check the image name, tag and registry access"


def previous_image(snapshot: Snapshot, namespace: str | None, owner: str, container: str) -> str:
    """The image ``container`` had in an older ReplicaSet of Deployment ``owner`` ("" if none)."""
    index = snapshot.index
    current = ""
    revisions: list[tuple[int, str]] = []
    for rs in snapshot.replicasets:
        if (
            index.controller_of(rs) != ("Deployment", owner)
            or (text(rs, "metadata", "namespace") or None) != namespace
        ):
            continue
        revision = text(rs, "metadata", "annotations", "deployment.kubernetes.io/revision")
        image = _container_image(mapping(rs, "spec", "template", "spec"), container)
        if revision.isdigit() and image:
            revisions.append((int(revision), image))
    revisions.sort(reverse=True)
    if revisions:
        current = revisions[0][1]
    return next((image for _, image in revisions[1:] if image != current), "")


def _container_image(pod_spec: RawObject, container: str) -> str:
    for spec in all_containers(pod_spec):
        if text(spec, "name") == container:
            return text(spec, "image")
    return ""


def container_spec(pod: RawObject, container: str) -> RawObject:
    """The spec of container ``container`` in a pod (``{}`` when absent)."""
    for spec in all_containers(mapping(pod, "spec")):
        if text(spec, "name") == container:
            return spec
    return {}


def memory_hint(pod: RawObject, container: str, target: str) -> str:
    """Raise the memory limit (doubling the current one) of an OOM-killed container."""
    namespace = text(pod, "metadata", "namespace") or None
    limit = dig(container_spec(pod, container), "resources", "limits", "memory")
    try:
        limit_bytes = memory_bytes(limit) if isinstance(limit, str | int) else 0
    except ValueError:
        limit_bytes = 0
    if not limit_bytes:
        return (
            f"container {container} has no memory limit and was killed by the node: set a memory "
            f"request and limit ({kai_cmd(namespace, f'set memory limit of {target} to 512Mi')})"
        )
    new_limit = format_memory(limit_bytes * 2)
    request = f"set memory limit of container {container} in {target} to {new_limit}"
    return (
        f"container {container} exceeds its {format_memory(limit_bytes)} memory limit: raise it "
        f"({kai_cmd(namespace, request)}) or find the leak"
    )
