"""A simulated kubelet: pod status, container logs and resource usage, all driven by the spec.

Outcomes (per pod, decided once when the pod starts on its node):

* an image not listed in the registry file -> ``ImagePullBackOff``;
* annotation ``sandbox.kai.dev/requires-env: NAME[,NAME]`` and the first container lacks one of
  the variables (env or envFrom) -> ``CrashLoopBackOff`` with logs naming the variable;
* annotation ``sandbox.kai.dev/memory-usage: 300Mi`` above the first container's memory limit ->
  ``OOMKilled`` then ``CrashLoopBackOff``;
* otherwise Running and Ready (Job pods: Succeeded).
"""

from __future__ import annotations

import fnmatch
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from k8sgpt_py.quantity import cpu_millicores, memory_bytes
from k8sgpt_py.sandbox.events import record_event
from k8sgpt_py.sandbox.scheduler import qos_class
from k8sgpt_py.sandbox.store import ApiError, Store, clone, now_iso

Obj = dict[str, Any]
PODS = "/pods"
ANN_REQUIRES_ENV = "sandbox.kai.dev/requires-env"
ANN_MEMORY = "sandbox.kai.dev/memory-usage"
ANN_CPU = "sandbox.kai.dev/cpu-usage"
ANN_LOGS = "sandbox.kai.dev/logs"
CRASH_RESTARTS = 5
OOM_RESTARTS = 4


@dataclass(frozen=True)
class Outcome:
    """What happens to one container."""

    kind: str  # "running", "pull", "crash", "oom", "completed"
    detail: str = ""


class Kubelet:
    """Starts scheduled pods and answers log and metrics questions about them."""

    def __init__(self, registry: list[str]) -> None:
        self.registry = registry

    def image_exists(self, image: str) -> bool:
        """Whether ``image`` is in the registry (entries may use shell wildcards)."""
        if not self.registry:
            return True
        full = normalize_image(image)
        candidates = {image, full, full.removeprefix("docker.io/")}
        return any(fnmatch.fnmatchcase(c, p) for c in candidates for p in self.registry)

    # ------------------------------------------------------------ outcomes

    def outcome(self, store: Store, pod: Obj, index: int) -> Outcome:
        """Decide what happens to container ``index`` of ``pod``."""
        container = pod["spec"]["containers"][index]
        if not self.image_exists(str(container.get("image", ""))):
            return Outcome("pull", str(container.get("image")))
        annotations = pod["metadata"].get("annotations") or {}
        if index == 0 and annotations.get(ANN_REQUIRES_ENV):
            missing = _missing_env(store, pod, container, annotations[ANN_REQUIRES_ENV])
            if missing:
                return Outcome("crash", missing)
        if index == 0 and annotations.get(ANN_MEMORY):
            limit = ((container.get("resources") or {}).get("limits") or {}).get("memory")
            usage = annotations[ANN_MEMORY]
            if limit is not None and _safe_bytes(usage) > _safe_bytes(limit):
                return Outcome("oom", str(usage))
        if pod["spec"].get("restartPolicy") in {"Never", "OnFailure"}:
            return Outcome("completed")
        return Outcome("running")

    def start_pods(self, store: Store) -> bool:
        """Give every scheduled, not yet started pod its status; True when anything changed."""
        changed = False
        for pod in store.list(PODS):
            spec, status = pod.get("spec") or {}, pod.get("status") or {}
            if spec.get("nodeName") and not status.get("startTime"):
                self._start(store, pod)
                changed = True
        return changed

    def _start(self, store: Store, pod: Obj) -> None:
        pod = clone(pod)
        meta, spec = pod["metadata"], pod["spec"]
        node = store.get("/nodes", "", spec["nodeName"])
        started = now_iso()
        outcomes = [self.outcome(store, pod, i) for i in range(len(spec["containers"]))]
        statuses = [
            _container_status(pod, c, o, started)
            for c, o in zip(spec["containers"], outcomes, strict=True)
        ]
        ready = all(o.kind == "running" for o in outcomes)
        done = all(o.kind == "completed" for o in outcomes)
        phase = (
            "Succeeded"
            if done
            else "Running"
            if any(o.kind != "pull" for o in outcomes)
            else "Pending"
        )
        pod["status"] = {
            "phase": phase,
            "conditions": _conditions(meta["creationTimestamp"], started, ready, done),
            "hostIP": _node_ip(node),
            "podIP": _pod_ip(store, spec["nodeName"]),
            "startTime": started,
            "containerStatuses": statuses,
            "qosClass": qos_class(pod),
        }
        pod["status"]["podIPs"] = [{"ip": pod["status"]["podIP"]}]
        pod["status"]["hostIPs"] = [{"ip": pod["status"]["hostIP"]}]
        store.put(PODS, pod)
        for container, outcome in zip(spec["containers"], outcomes, strict=True):
            _record_start_events(store, pod, container, outcome)

    # ------------------------------------------------------------ logs and usage

    def logs(
        self, pod: Obj, container: str | None, *, previous: bool, tail_lines: int | None
    ) -> str:
        """Log text of one container, as ``kubectl logs`` shows it; raise ApiError like the API."""
        name = pod["metadata"]["name"]
        containers = pod["spec"]["containers"]
        if container is None:
            if len(containers) > 1:
                names = " ".join(c["name"] for c in containers)
                raise ApiError(
                    400,
                    "BadRequest",
                    f"a container name must be specified for pod {name}, choose one of: [{names}]",
                )
            container = containers[0]["name"]
        index = next((i for i, c in enumerate(containers) if c["name"] == container), None)
        if index is None:
            raise ApiError(400, "BadRequest", f"container {container} is not valid for pod {name}")
        status = next(
            (
                s
                for s in (pod.get("status") or {}).get("containerStatuses") or []
                if s["name"] == container
            ),
            None,
        )
        lines = self._log_lines(pod, index, status, previous=previous)
        if tail_lines is not None:
            lines = lines[-tail_lines:] if tail_lines > 0 else []
        return "".join(line + "\n" for line in lines)

    def _log_lines(self, pod: Obj, index: int, status: Obj | None, *, previous: bool) -> list[str]:
        name = pod["metadata"]["name"]
        container = pod["spec"]["containers"][index]
        cname = container["name"]
        waiting = ((status or {}).get("state") or {}).get("waiting") or {}
        if status is None or waiting.get("reason") in {
            "ImagePullBackOff",
            "ErrImagePull",
            "ContainerCreating",
        }:
            why = "trying and failing to pull image" if status else "ContainerCreating"
            raise ApiError(
                400, "BadRequest", f'container "{cname}" in pod "{name}" is waiting to start: {why}'
            )
        if previous and not (status.get("lastState") or {}).get("terminated"):
            raise ApiError(
                400,
                "BadRequest",
                f'previous terminated container "{cname}" in pod "{name}" not found',
            )
        start = _parse_time(str((pod.get("status") or {}).get("startTime") or now_iso()))
        stamp = [
            (start + timedelta(seconds=s)).strftime("%Y-%m-%dT%H:%M:%S.000Z") for s in range(8)
        ]
        annotations = pod["metadata"].get("annotations") or {}
        image = container.get("image", "")
        if waiting.get("reason") == "CrashLoopBackOff":
            terminated = status["lastState"]["terminated"]
            if terminated.get("reason") == "OOMKilled":
                usage = annotations.get(ANN_MEMORY, "")
                return [
                    f"{stamp[0]} INFO starting {cname} ({image})",
                    f"{stamp[1]} INFO loading dataset into memory (target {usage})",
                    f"{stamp[2]} INFO allocated 128Mi",
                    f"{stamp[3]} INFO allocated 256Mi",
                ]
            missing = annotations.get(ANN_REQUIRES_ENV, "").split(",")[0].strip()
            return [
                f"{stamp[0]} INFO starting {cname} ({image})",
                f"{stamp[1]} INFO loading configuration from environment",
                f"error: required environment variable {missing} is not set",
            ]
        if annotations.get(ANN_LOGS):
            return str(annotations[ANN_LOGS]).rstrip("\n").split("\n")
        port = next((p.get("containerPort") for p in container.get("ports") or []), 8080)
        return [
            f"{stamp[0]} INFO starting {cname} ({image})",
            f"{stamp[1]} INFO configuration loaded",
            f"{stamp[2]} INFO listening on :{port}",
            f"{stamp[3]} INFO ready to serve requests",
        ]

    def usage(self, pod: Obj) -> list[tuple[str, int, int]]:
        """(container, cpu_millicores, memory_bytes) per container of a running pod."""
        annotations = pod["metadata"].get("annotations") or {}
        out = []
        for index, container in enumerate(pod["spec"]["containers"]):
            requests = (container.get("resources") or {}).get("requests") or {}
            seed = int(
                hashlib.sha256(
                    f"{pod['metadata']['name']}/{container['name']}".encode()
                ).hexdigest()[:6],
                16,
            )
            cpu = cpu_millicores(requests.get("cpu", "10m")) * (35 + seed % 31) // 100
            mem = memory_bytes(requests.get("memory", "32Mi")) * (50 + seed % 31) // 100
            if index == 0 and annotations.get(ANN_CPU):
                cpu = cpu_millicores(annotations[ANN_CPU])
            if index == 0 and annotations.get(ANN_MEMORY):
                mem = _safe_bytes(annotations[ANN_MEMORY])
            out.append((container["name"], max(cpu, 1), max(mem, 1 << 20)))
        return out


def normalize_image(image: str) -> str:
    """The fully qualified reference a container runtime reports for ``image``.

    ``nginx`` -> ``docker.io/library/nginx:latest``; ``me/app:1`` -> ``docker.io/me/app:1``.
    """
    name, at, digest = image.partition("@")
    first, slash, _ = name.partition("/")
    if not slash or ("." not in first and ":" not in first and first != "localhost"):
        name = f"docker.io/{name}" if slash else f"docker.io/library/{name}"
    if not at and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return f"{name}{at}{digest}"


def _safe_bytes(value: Any) -> int:
    try:
        return memory_bytes(value)
    except (ValueError, TypeError):
        return 0


def _missing_env(store: Store, pod: Obj, container: Obj, wanted: str) -> str:
    names = {e.get("name") for e in container.get("env") or []}
    namespace = pod["metadata"]["namespace"]
    for source in container.get("envFrom") or []:
        prefix = source.get("prefix", "")
        for ref_key, store_key in (("configMapRef", "/configmaps"), ("secretRef", "/secrets")):
            ref = source.get(ref_key)
            obj = store.get(store_key, namespace, ref["name"]) if ref else None
            if obj:
                names |= {prefix + k for k in (obj.get("data") or {})}
                names |= {prefix + k for k in (obj.get("stringData") or {})}
    for name in (n.strip() for n in wanted.split(",")):
        if name and name not in names:
            return name
    return ""


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _node_ip(node: Obj | None) -> str:
    for address in ((node or {}).get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return str(address["address"])
    return "10.0.0.1"


def _pod_ip(store: Store, node_name: str) -> str:
    serial = store.next_counter(f"podip/{node_name}")
    node_index = sum(map(ord, node_name)) % 200
    return f"10.244.{node_index}.{serial % 250 + 2}"


def _conditions(created: str, started: str, ready: bool, done: bool) -> list[Obj]:
    flag = "True" if ready else "False"
    conds: list[Obj] = [
        {"type": "PodReadyToStartContainers", "status": "True", "lastTransitionTime": started},
        {"type": "Initialized", "status": "True", "lastTransitionTime": created},
        {"type": "Ready", "status": flag, "lastTransitionTime": started},
        {"type": "ContainersReady", "status": flag, "lastTransitionTime": started},
        {"type": "PodScheduled", "status": "True", "lastTransitionTime": created},
    ]
    if not ready:
        reason = "PodCompleted" if done else "ContainersNotReady"
        for cond in conds[2:4]:
            cond["reason"] = reason
            if not done:
                cond["message"] = "containers with unready status: [...]"
    for cond in conds:
        cond["lastProbeTime"] = None
    return conds


def _pod_ref(pod: Obj) -> str:
    meta = pod["metadata"]
    return f"{meta['name']}_{meta['namespace']}({meta.get('uid', '')})"


def _container_status(pod: Obj, container: Obj, outcome: Outcome, started: str) -> Obj:
    image = normalize_image(str(container.get("image", "")))
    status: Obj = {
        "name": container["name"],
        "image": image,
        "imageID": "",
        "restartCount": 0,
        "ready": outcome.kind == "running",
        "started": outcome.kind == "running",
        "lastState": {},
    }
    pod_ref = _pod_ref(pod)
    if outcome.kind != "pull":
        digest = hashlib.sha256(image.encode()).hexdigest()
        repository = image.split("@")[0]
        if ":" in repository.rsplit("/", 1)[-1]:
            repository = repository.rsplit(":", 1)[0]
        status["imageID"] = f"{repository}@sha256:{digest}"
        status["containerID"] = (
            "containerd://" + hashlib.sha256(f"{pod_ref}/{container['name']}".encode()).hexdigest()
        )
    if outcome.kind == "running":
        status["state"] = {"running": {"startedAt": started}}
    elif outcome.kind == "completed":
        status["state"] = {
            "terminated": {
                "exitCode": 0,
                "reason": "Completed",
                "startedAt": started,
                "finishedAt": started,
            }
        }
    elif outcome.kind == "pull":
        status["state"] = {
            "waiting": {
                "reason": "ImagePullBackOff",
                "message": f'Back-off pulling image "{container.get("image", "")}"',
            }
        }
    else:
        oom = outcome.kind == "oom"
        status["restartCount"] = OOM_RESTARTS if oom else CRASH_RESTARTS
        status["state"] = {
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": (
                    f"back-off 5m0s restarting failed container={container['name']} pod={pod_ref}"
                ),
            }
        }
        status["lastState"] = {
            "terminated": {
                "exitCode": 137 if oom else 1,
                "reason": "OOMKilled" if oom else "Error",
                "startedAt": started,
                "finishedAt": started,
                "containerID": status["containerID"],
            }
        }
    return status


def _record_start_events(store: Store, pod: Obj, container: Obj, outcome: Outcome) -> None:
    host = pod["spec"]["nodeName"]
    image, cname = container.get("image", ""), container["name"]
    path = f"spec.containers{{{cname}}}"

    def event(reason: str, message: str, event_type: str = "Normal") -> None:
        record_event(
            store,
            pod,
            PODS,
            reason=reason,
            message=message,
            event_type=event_type,
            host=host,
            field_path=path,
        )

    event("Pulling", f'Pulling image "{image}"')
    if outcome.kind == "pull":
        event(
            "Failed",
            f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull '
            f'and unpack image "{image}": failed to resolve reference "{image}": '
            f"{image}: not found",
            "Warning",
        )
        event("Failed", "Error: ErrImagePull", "Warning")
        event("BackOff", f'Back-off pulling image "{image}"')
        event("Failed", "Error: ImagePullBackOff", "Warning")
        return
    event(
        "Pulled",
        f'Successfully pulled image "{image}" in 1.2s (1.2s including waiting). '
        "Image size: 25165824 bytes.",
    )
    event("Created", f"Created container {cname}")
    event("Started", f"Started container {cname}")
    if outcome.kind in {"crash", "oom"}:
        pod_ref = _pod_ref(pod)
        event(
            "BackOff", f"Back-off restarting failed container {cname} in pod {pod_ref}", "Warning"
        )
