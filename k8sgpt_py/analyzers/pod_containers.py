"""Container-level pod checks: crash loops, pull errors, OOM kills, start errors, probes."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from k8sgpt_py.analyzers._k8s import (
    age_text,
    event_line,
    items,
    kai_cmd,
    mapping,
    number,
    parse_time,
    text,
    trim,
)
from k8sgpt_py.analyzers.base import Finding, LogKey, RawObject, Severity
from k8sgpt_py.analyzers.pod_hints import (
    container_spec,
    image_hint,
    memory_hint,
    missing_env_var,
    previous_image,
    telling_log_lines,
)

if TYPE_CHECKING:
    from k8sgpt_py.analyzers.pod import PodView

PULL_REASONS = frozenset(
    {
        "ImagePullBackOff",
        "ErrImagePull",
        "InvalidImageName",
        "ErrImageNeverPull",
        "ImageInspectError",
    }
)
START_ERRORS = frozenset(
    {
        "CreateContainerConfigError",
        "CreateContainerError",
        "RunContainerError",
        "PreStartHookError",
        "PostStartHookError",
        "PreCreateHookError",
        "ContainerCannotRun",
    }
)
RECENT_SECONDS = 3600
RESTARTS_WARN = 5
NOT_READY_GRACE_SECONDS = 120


def statuses(pod: RawObject) -> list[RawObject]:
    """All container statuses of a pod, init containers first."""
    return items(pod, "status", "initContainerStatuses") + items(pod, "status", "containerStatuses")


def wanted_logs(pods: Sequence[RawObject], *, limit: int = 20) -> list[LogKey]:
    """Logs worth fetching for :attr:`Snapshot.logs`: crashed and failed containers, capped.

    A container that restarted gives its previous log (``previous=True``); one that ended with
    a non-zero exit code and was not restarted (a failed job pod) gives its current log.
    """
    wanted: list[LogKey] = []
    for pod in pods:
        namespace, pod_name = text(pod, "metadata", "namespace"), text(pod, "metadata", "name")
        for status in statuses(pod):
            container = text(status, "name")
            if mapping(status, "lastState", "terminated"):
                wanted.append((namespace, pod_name, container, True))
            elif number(status, "state", "terminated", "exitCode"):
                wanted.append((namespace, pod_name, container, False))
    return wanted[:limit]


def waiting_messages(pod: RawObject, reason: str) -> list[str]:
    """``container x: <waiting message>`` for containers waiting with ``reason``."""
    return [
        trim(f"container {text(st, 'name')}: {reason}: {text(st, 'state', 'waiting', 'message')}")
        for st in statuses(pod)
        if text(st, "state", "waiting", "reason") == reason
    ]


def container_findings(view: PodView, *, skip_reasons: Collection[str]) -> list[Finding]:
    """One finding per troubled container (the most specific reason wins)."""
    found: list[Finding] = []
    for status in statuses(view.pod):
        finding = _container_finding(view, status, skip_reasons)
        if finding is not None:
            found.append(finding)
    return found


def _container_finding(
    view: PodView, status: RawObject, skip_reasons: Collection[str]
) -> Finding | None:
    waiting = text(status, "state", "waiting", "reason")
    if waiting in skip_reasons:
        return None
    if waiting == "CrashLoopBackOff":
        if text(status, "lastState", "terminated", "reason") == "OOMKilled":
            return _oom_killed(view, status, Severity.CRITICAL)
        return _crash_loop(view, status)
    if waiting in PULL_REASONS:
        return _pull_error(view, status, waiting)
    if waiting in START_ERRORS:
        return _start_error(view, status, waiting)
    if text(status, "state", "terminated", "reason") == "OOMKilled":
        return _oom_killed(view, status, Severity.CRITICAL)
    if number(status, "state", "terminated", "exitCode"):
        return _terminated(view, status)
    if "running" in mapping(status, "state"):
        return _running_problem(view, status)
    return None


def _log_lines(view: PodView, container: str) -> list[str]:
    logs = view.snapshot.logs
    for previous in (True, False):
        log_text = logs.get((view.namespace or "", view.name, container, previous))
        if log_text:
            return telling_log_lines(log_text)
    return []


def _probe_events(view: PodView, container: str, probe: str = "") -> list[RawObject]:
    field_path = f"{{{container}}}"
    return [
        ev
        for ev in view.events("Unhealthy")
        if field_path in text(ev, "involvedObject", "fieldPath")
        or (not text(ev, "involvedObject", "fieldPath") and len(statuses(view.pod)) == 1)
        if text(ev, "message").startswith(probe)
    ]


def _last_exit(status: RawObject) -> str:
    last = mapping(status, "lastState", "terminated")
    if not last:
        return ""
    return f"last exit code {number(last, 'exitCode')} ({text(last, 'reason') or 'Error'})"


def _crash_loop(view: PodView, status: RawObject) -> Finding:
    cname, restarts = text(status, "name"), number(status, "restartCount")
    last_exit = _last_exit(status)
    message = f"container {cname} restarted {restarts} times" + (
        f"; {last_exit}" if last_exit else ""
    )
    log_lines = _log_lines(view, cname)
    liveness = _probe_events(view, cname, "Liveness probe failed")
    evidence = [trim(f"waiting: CrashLoopBackOff: {text(status, 'state', 'waiting', 'message')}")]
    evidence.extend(f"log: {line}" for line in log_lines)
    evidence.extend(event_line(ev) for ev in liveness[-1:])
    return view.finding(
        Severity.CRITICAL,
        "CrashLoopBackOff",
        message,
        evidence,
        _crash_suggestion(view, cname, log_lines, bool(liveness)),
    )


def _crash_suggestion(view: PodView, container: str, log_lines: list[str], liveness: bool) -> str:
    variable = missing_env_var(log_lines)
    if variable:
        request = f"set env {variable}=<value> on {view.target}"
        return (
            f"set {variable} in {view.owner_phrase} ({kai_cmd(view.namespace, request)}); "
            "use a Secret reference if it holds a credential"
        )
    if liveness:
        return (
            f"the liveness probe kills container {container}: fix the probe (path, port, "
            f"initialDelaySeconds) in {view.owner_phrase} or the endpoint it checks"
        )
    logs_cmd = f"kubectl logs -n {view.namespace} {view.name} -c {container} --previous"
    if log_lines:
        return (
            f"fix the error its log shows ({logs_cmd}); if a recent rollout caused it: "
            f"{kai_cmd(view.namespace, f'roll back {view.target}')}"
        )
    return f"read why it exits: {logs_cmd}"


def _pull_error(view: PodView, status: RawObject, reason: str) -> Finding:
    cname = text(status, "name")
    image = text(container_spec(view.pod, cname), "image") or text(status, "image")
    failed = [ev for ev in view.events("Failed") if "image" in text(ev, "message").lower()]
    evidence = [trim(f"waiting: {reason}: {text(status, 'state', 'waiting', 'message')}")]
    detailed = [ev for ev in failed if not text(ev, "message").startswith("Error: ")]
    evidence.extend(event_line(ev) for ev in (detailed or failed)[-2:])
    why = image_hint([text(ev, "message") for ev in failed] + [evidence[0]])
    owner_kind, _, owner_name = view.target.partition("/")
    older = (
        previous_image(view.snapshot, view.namespace, owner_name, cname)
        if owner_kind == "deploy"
        else ""
    )
    new_image = older or "<image>:<tag>"
    fix = kai_cmd(view.namespace, f"set image {view.target} {cname}={new_image}")
    rollback = (
        f" or roll back ({kai_cmd(view.namespace, f'roll back {view.target}')})" if older else ""
    )
    return view.finding(
        Severity.CRITICAL,
        reason,
        f"container {cname} cannot pull image {image!r}",
        evidence,
        f"{why}: fix the image ({fix}){rollback}",
    )


def _start_error(view: PodView, status: RawObject, reason: str) -> Finding:
    cname = text(status, "name")
    waiting_message = text(status, "state", "waiting", "message")
    evidence = [trim(f"waiting: {reason}: {waiting_message}")]
    evidence.extend(event_line(ev) for ev in view.events("Failed")[-2:])
    fix = (
        f"create the missing Secret/ConfigMap or key named in the message, or fix "
        f"{view.owner_phrase}"
        if reason == "CreateContainerConfigError"
        else f"fix the container command, image or hooks in {view.owner_phrase}"
    )
    return view.finding(
        Severity.CRITICAL,
        reason,
        trim(f"container {cname} cannot start: {waiting_message or reason}", 240),
        evidence,
        fix,
    )


def _oom_killed(view: PodView, status: RawObject, severity: Severity) -> Finding:
    cname, restarts = text(status, "name"), number(status, "restartCount")
    state = mapping(status, "state", "terminated") or mapping(status, "lastState", "terminated")
    finished = parse_time(text(state, "finishedAt"))
    limit = text(container_spec(view.pod, cname), "resources", "limits", "memory")
    evidence = [
        f"terminated: OOMKilled, exit code {number(state, 'exitCode')}, "
        f"{age_text(view.snapshot.now, finished)} ago"
    ]
    if limit:
        evidence.append(f"memory limit of container {cname}: {limit}")
    evidence.extend(f"log: {line}" for line in _log_lines(view, cname))
    return view.finding(
        severity,
        "OOMKilled",
        f"container {cname} was killed for running out of memory (restarted {restarts} times)",
        evidence,
        memory_hint(view.pod, cname, view.target),
    )


def _terminated(view: PodView, status: RawObject) -> Finding:
    cname, state = text(status, "name"), mapping(status, "state", "terminated")
    reason = text(state, "reason") or "Error"
    log_lines = _log_lines(view, cname)
    detail = text(state, "message")
    line = f"terminated: {reason}, exit code {number(state, 'exitCode')}"
    evidence = [trim(f"{line}: {detail}" if detail else line)]
    evidence.extend(f"log: {line}" for line in log_lines)
    return view.finding(
        Severity.WARNING,
        "ContainerTerminated",
        f"container {cname} exited with code {number(state, 'exitCode')} ({reason})",
        evidence,
        _crash_suggestion(view, cname, log_lines, liveness=False),
    )


def _running_problem(view: PodView, status: RawObject) -> Finding | None:
    now, last = view.snapshot.now, mapping(status, "lastState", "terminated")
    finished = parse_time(text(last, "finishedAt"))
    is_recent = finished is not None and (now - finished).total_seconds() < RECENT_SECONDS
    if text(last, "reason") == "OOMKilled":
        return _oom_killed(view, status, Severity.WARNING if is_recent else Severity.INFO)
    if is_recent and number(status, "restartCount") >= RESTARTS_WARN and number(last, "exitCode"):
        return _restarting(view, status)
    if status.get("ready") is False and text(view.pod, "status", "phase") == "Running":
        return _not_ready(view, status)
    return None


def _restarting(view: PodView, status: RawObject) -> Finding:
    cname = text(status, "name")
    log_lines = _log_lines(view, cname)
    evidence = [f"lastState: {_last_exit(status)}"]
    evidence.extend(f"log: {line}" for line in log_lines)
    return view.finding(
        Severity.WARNING,
        "Restarting",
        f"container {cname} restarted {number(status, 'restartCount')} times; {_last_exit(status)}",
        evidence,
        _crash_suggestion(view, cname, log_lines, bool(_probe_events(view, cname, "Liveness"))),
    )


def _not_ready(view: PodView, status: RawObject) -> Finding | None:
    cname = text(status, "name")
    started = parse_time(text(status, "state", "running", "startedAt"))
    events = _probe_events(view, cname)
    too_young = (
        started is None or (view.snapshot.now - started).total_seconds() < NOT_READY_GRACE_SECONDS
    )
    if not events and too_young:
        return None
    probe = text(events[-1], "message").split(" ", 1)[0] if events else ""
    reason = f"{probe}ProbeFailed" if probe in ("Readiness", "Liveness", "Startup") else "NotReady"
    evidence = [event_line(ev) for ev in events[-2:]] or [
        f"container {cname} running for {age_text(view.snapshot.now, started)} but not ready"
    ]
    return view.finding(
        Severity.WARNING,
        reason,
        f"container {cname} is running but not ready, so it receives no Service traffic",
        evidence,
        f"check what the {probe.lower() or 'readiness'} probe of {view.owner_phrase} calls "
        f"(path, port, timeout) and that the app answers it: "
        f"kubectl describe pod -n {view.namespace} {view.name}",
    )
