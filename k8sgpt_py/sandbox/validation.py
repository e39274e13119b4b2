"""Server-side defaulting and validation, with the real API server's messages."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

from k8sgpt_py.quantity import parse_quantity
from k8sgpt_py.sandbox.resources import ResourceType
from k8sgpt_py.sandbox.selectors import selector_object_matches
from k8sgpt_py.sandbox.store import ApiError, now_iso, short_hash

Obj = dict[str, Any]
Cause = tuple[str, str]  # (field, message)

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
)
_LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)
_LABEL_NAMED = {"Namespace", "Service"}
_PROBE_DEFAULTS = {
    "timeoutSeconds": 1,
    "periodSeconds": 10,
    "successThreshold": 1,
    "failureThreshold": 3,
}
_WORKLOADS = {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}


def _go(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else str(value)


def _invalid(field: str, value: Any, message: str) -> Cause:
    return field, f"Invalid value: {_go(value)}: {message}"


def _required(field: str) -> Cause:
    return field, "Required value"


# ---------------------------------------------------------------- defaulting


def default_pod_spec(spec: Obj) -> None:
    """Fill the defaults the API server adds to pod specs (in place)."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for container in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if not isinstance(container, dict):
            continue
        image = str(container.get("image") or "")
        latest = ":" not in image.rsplit("/", 1)[-1] or image.endswith(":latest")
        container.setdefault("imagePullPolicy", "Always" if latest else "IfNotPresent")
        container.setdefault("terminationMessagePath", "/dev/termination-log")
        container.setdefault("terminationMessagePolicy", "File")
        container.setdefault("resources", {})
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            if isinstance(container.get(probe), dict):
                for field, value in _PROBE_DEFAULTS.items():
                    container[probe].setdefault(field, value)
        for port in container.get("ports") or []:
            if isinstance(port, dict):
                port.setdefault("protocol", "TCP")


def apply_defaults(rtype: ResourceType, obj: Obj) -> None:
    """Fill server-side defaults for ``obj`` (in place)."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        spec = None
    kind = rtype.kind
    if kind == "Pod" and spec is not None:
        default_pod_spec(spec)
    elif kind in _WORKLOADS and spec is not None:
        template_spec = (spec.get("template") or {}).get("spec")
        if isinstance(template_spec, dict):
            default_pod_spec(template_spec)
            if kind == "Job":
                template_spec["restartPolicy"] = template_spec.get("restartPolicy", "Never")
        if kind in {"Deployment", "ReplicaSet", "StatefulSet"}:
            spec.setdefault("replicas", 1)
        if kind == "StatefulSet":
            spec.setdefault(
                "updateStrategy", {"type": "RollingUpdate", "rollingUpdate": {"partition": 0}}
            )
            spec.setdefault("podManagementPolicy", "OrderedReady")
            spec.setdefault("revisionHistoryLimit", 10)
        if kind == "DaemonSet":
            spec.setdefault(
                "updateStrategy",
                {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}},
            )
            spec.setdefault("revisionHistoryLimit", 10)
        if kind == "Deployment":
            spec.setdefault("revisionHistoryLimit", 10)
            spec.setdefault("progressDeadlineSeconds", 600)
            strategy = spec.setdefault("strategy", {})
            if isinstance(strategy, dict):
                strategy["type"] = strategy.get("type") or "RollingUpdate"
                if strategy["type"] == "RollingUpdate":
                    rolling = strategy.setdefault("rollingUpdate", {})
                    rolling.setdefault("maxSurge", "25%")
                    rolling.setdefault("maxUnavailable", "25%")
        if kind == "Job":
            _default_job(spec)
    elif kind == "CronJob" and spec is not None:
        spec.setdefault("concurrencyPolicy", "Allow")
        spec.setdefault("suspend", False)
        spec.setdefault("successfulJobsHistoryLimit", 3)
        spec.setdefault("failedJobsHistoryLimit", 1)
        job_spec = (spec.get("jobTemplate") or {}).get("spec")
        if isinstance(job_spec, dict):
            _default_job(job_spec)
            template_spec = (job_spec.get("template") or {}).get("spec")
            if isinstance(template_spec, dict):
                default_pod_spec(template_spec)
    elif kind == "HorizontalPodAutoscaler" and spec is not None:
        spec.setdefault("minReplicas", 1)
        if not spec.get("metrics"):
            target = {"type": "Utilization", "averageUtilization": 80}
            spec["metrics"] = [{"type": "Resource", "resource": {"name": "cpu", "target": target}}]
    elif kind == "Service" and spec is not None:
        _default_service(obj, spec)
    elif kind == "Namespace":
        obj.setdefault("spec", {"finalizers": ["kubernetes"]})
        obj.setdefault("status", {"phase": "Active"})
        obj["metadata"].setdefault("labels", {})["kubernetes.io/metadata.name"] = obj["metadata"][
            "name"
        ]
    elif kind == "Secret":
        obj.setdefault("type", "Opaque")
        string_data = obj.pop("stringData", None) or {}
        for key, value in string_data.items():
            obj.setdefault("data", {})[key] = base64.b64encode(str(value).encode()).decode()
    elif kind == "Node":
        _default_node(obj)


def _default_job(spec: Obj) -> None:
    spec.setdefault("parallelism", 1)
    spec.setdefault("completions", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")


def _default_node(node: Obj) -> None:
    name = node["metadata"]["name"]
    labels = node["metadata"].setdefault("labels", {})
    labels.setdefault("kubernetes.io/hostname", name)
    labels.setdefault("kubernetes.io/os", "linux")
    labels.setdefault("kubernetes.io/arch", "amd64")
    node.setdefault("spec", {})
    status = node.setdefault("status", {})
    status.setdefault("capacity", {"cpu": "4", "memory": "16Gi", "pods": "110"})
    status.setdefault("allocatable", dict(status["capacity"]))
    stamp = node["metadata"].get("creationTimestamp") or now_iso()
    pressure = [
        ("MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        ("DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
    ]
    conditions = [
        {"type": t, "status": "False", "reason": r, "message": m} for t, r, m in pressure
    ] + [
        {
            "type": "Ready",
            "status": "True",
            "reason": "KubeletReady",
            "message": "kubelet is posting ready status",
        }
    ]
    for cond in conditions:
        cond.update(lastHeartbeatTime=stamp, lastTransitionTime=stamp)
    status.setdefault("conditions", conditions)
    index = sum(map(ord, name)) % 200 + 10
    status.setdefault(
        "addresses",
        [
            {"type": "InternalIP", "address": f"10.0.0.{index}"},
            {"type": "Hostname", "address": name},
        ],
    )
    status.setdefault(
        "nodeInfo",
        {
            "kubeletVersion": "v1.32.0",
            "kubeProxyVersion": "v1.32.0",
            "containerRuntimeVersion": "containerd://1.7.24",
            "osImage": "Ubuntu 24.04.1 LTS",
            "kernelVersion": "6.8.0-49-generic",
            "operatingSystem": "linux",
            "architecture": "amd64",
            "machineID": short_hash(name, 16),
            "systemUUID": short_hash(name + "uuid", 16),
            "bootID": short_hash(name + "boot", 16),
        },
    )


def _default_service(obj: Obj, spec: Obj) -> None:
    spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if "clusterIP" not in spec:
        digest = short_hash(f"{obj['metadata'].get('namespace')}/{obj['metadata']['name']}", 4)
        a, b = (
            (ord(digest[0]) * 7 + ord(digest[1])) % 254,
            (ord(digest[2]) * 13 + ord(digest[3])) % 253,
        )
        spec["clusterIP"] = f"10.96.{a}.{b + 1}"
    spec.setdefault("clusterIPs", [spec["clusterIP"]])
    spec.setdefault("ipFamilies", ["IPv4"])
    spec.setdefault("ipFamilyPolicy", "SingleStack")
    spec.setdefault("internalTrafficPolicy", "Cluster")
    for index, port in enumerate(spec.get("ports") or []):
        if isinstance(port, dict):
            port.setdefault("protocol", "TCP")
            port.setdefault("targetPort", port.get("port"))
            if spec["type"] in {"NodePort", "LoadBalancer"} and not port.get("nodePort"):
                seed = short_hash(
                    f"{obj['metadata'].get('namespace')}/{obj['metadata']['name']}/{index}", 3
                )
                port["nodePort"] = 30000 + sum(ord(c) * 37**n for n, c in enumerate(seed)) % 2768


# ---------------------------------------------------------------- validation


def _validate_name(rtype: ResourceType, name: Any) -> list[Cause]:
    if not name:
        return [_required("metadata.name")]
    if rtype.kind in _LABEL_NAMED:
        if not _LABEL.match(str(name)) or len(str(name)) > 63:
            return [_invalid("metadata.name", name, _LABEL_MSG)]
    elif not _SUBDOMAIN.match(str(name)) or len(str(name)) > 253:
        return [_invalid("metadata.name", name, _SUBDOMAIN_MSG)]
    return []


def _validate_resources(prefix: str, resources: Obj) -> list[Cause]:
    causes: list[Cause] = []
    parsed: dict[str, dict[str, float]] = {}
    for section in ("requests", "limits"):
        for resource, value in (resources.get(section) or {}).items():
            field = f"{prefix}.resources.{section}[{resource}]"
            try:
                amount = parse_quantity(value)
            except (ValueError, TypeError):
                causes.append(_invalid(field, value, "must be a valid quantity"))
                continue
            if amount < 0:
                causes.append(_invalid(field, value, "must be greater than or equal to 0"))
            parsed.setdefault(section, {})[resource] = amount
    for resource, request in parsed.get("requests", {}).items():
        limit = parsed.get("limits", {}).get(resource)
        if limit is not None and request > limit:
            value = resources["requests"][resource]
            causes.append(
                _invalid(
                    f"{prefix}.resources.requests",
                    value,
                    f"must be less than or equal to {resource} limit of "
                    f"{resources['limits'][resource]}",
                )
            )
    return causes


def validate_pod_spec(prefix: str, spec: Any) -> list[Cause]:
    """Causes for a malformed pod spec at ``prefix`` (e.g. ``spec.template.spec``)."""
    if not isinstance(spec, dict):
        return [_required(prefix)]
    containers = spec.get("containers")
    if not containers:
        return [_required(f"{prefix}.containers")]
    causes: list[Cause] = []
    seen: set[str] = set()
    for index, container in enumerate(containers):
        at = f"{prefix}.containers[{index}]"
        if not isinstance(container, dict):
            causes.append(_required(at))
            continue
        name = container.get("name")
        if not name:
            causes.append(_required(f"{at}.name"))
        elif not _LABEL.match(str(name)):
            causes.append(_invalid(f"{at}.name", name, _LABEL_MSG))
        elif name in seen:
            causes.append((f"{at}.name", f'Duplicate value: "{name}"'))
        seen.add(str(name))
        if not container.get("image"):
            causes.append(_required(f"{at}.image"))
        causes += _validate_resources(at, container.get("resources") or {})
    return causes


INT32_MAX = 2**31 - 1
MAX_SANDBOX_REPLICAS = 1000  # a real cluster takes int32; the sandbox simulates every pod


def _validate_replicas(field: str, value: Any) -> list[Cause]:
    if value is None:
        return []
    if value < 0:
        return [_invalid(field, value, "must be greater than or equal to 0")]
    if value > INT32_MAX:
        return [_invalid(field, value, f"must be less than or equal to {INT32_MAX}")]
    if value > MAX_SANDBOX_REPLICAS:
        return [_invalid(field, value, f"the sandbox runs at most {MAX_SANDBOX_REPLICAS}")]
    return []


def check_types(rtype: ResourceType, obj: Obj) -> None:
    """Raise 400 BadRequest for fields of the wrong JSON type (the decoder's error)."""
    spec = obj.get("spec")
    replicas = spec.get("replicas") if isinstance(spec, dict) else None
    if replicas is not None and (isinstance(replicas, bool) or not isinstance(replicas, int)):
        kind = rtype.kind
        raise ApiError(
            400,
            "BadRequest",
            f'{kind} in version "{rtype.version}" cannot be handled as a {kind}: json: cannot '
            f"unmarshal {type(replicas).__name__.replace('str', 'string')} into Go struct field "
            f"{kind}Spec.spec.replicas of type int32",
        )


def validate(rtype: ResourceType, obj: Obj, old: Obj | None = None) -> None:
    """Raise a 422 Invalid ApiError listing every problem with ``obj``."""
    check_types(rtype, obj)
    name = obj.get("metadata", {}).get("name")
    causes = _validate_name(rtype, name)
    raw_spec = obj.get("spec")
    spec: Obj = raw_spec if isinstance(raw_spec, dict) else {}
    kind = rtype.kind
    if kind == "Pod":
        causes += validate_pod_spec("spec", spec)
    elif kind in _WORKLOADS:
        causes += _validate_replicas("spec.replicas", spec.get("replicas"))
        causes += validate_pod_spec("spec.template.spec", (spec.get("template") or {}).get("spec"))
        causes += _validate_selector(kind, spec, old)
    elif kind == "HorizontalPodAutoscaler":
        causes += _validate_hpa(spec)
    if causes:
        raise invalid_error(rtype, str(name), causes)


def _validate_selector(kind: str, spec: Obj, old: Obj | None) -> list[Cause]:
    if kind == "Job":
        return []
    selector = spec.get("selector")
    if not selector:
        return [_required("spec.selector")]
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not selector_object_matches(selector, labels):
        return [
            _invalid(
                "spec.template.metadata.labels",
                labels,
                "`selector` does not match template `labels`",
            )
        ]
    if old is not None and (old.get("spec") or {}).get("selector") != selector:
        return [_invalid("spec.selector", selector, "field is immutable")]
    return []


def _validate_hpa(spec: Obj) -> list[Cause]:
    causes: list[Cause] = []
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas")
    if isinstance(low, int) and low < 1:
        causes.append(_invalid("spec.minReplicas", low, "must be greater than or equal to 1"))
    if high is None:
        causes.append(_required("spec.maxReplicas"))
    elif isinstance(low, int) and isinstance(high, int) and high < low:
        causes.append(
            _invalid("spec.maxReplicas", high, "must be greater than or equal to `minReplicas`")
        )
    return causes


def invalid_error(rtype: ResourceType, name: str, causes: list[Cause]) -> ApiError:
    """The 422 Status for ``causes``, worded like the API server."""
    messages = [f"{field}: {message}" for field, message in causes]
    joined = messages[0] if len(messages) == 1 else "[" + ", ".join(messages) + "]"
    details = {
        "name": name,
        "group": rtype.group,
        "kind": rtype.kind,
        "causes": [
            {"reason": _cause_reason(message), "message": message, "field": field}
            for field, message in causes
        ],
    }
    return ApiError(
        422, "Invalid", f'{rtype.qualified_kind} "{name}" is invalid: {joined}', details
    )


def _cause_reason(message: str) -> str:
    if message.startswith("Required"):
        return "FieldValueRequired"
    if message.startswith("Duplicate"):
        return "FieldValueDuplicate"
    return "FieldValueInvalid"


def validate_scale_replicas(rtype: ResourceType, name: str, replicas: Any) -> None:
    """Validation of a Scale body's ``spec.replicas``."""
    if replicas is None:
        return
    if isinstance(replicas, bool) or not isinstance(replicas, int):
        raise ApiError(
            400,
            "BadRequest",
            'Scale in version "v1" cannot be handled as a Scale: json: cannot unmarshal '
            "string into Go struct field ScaleSpec.spec.replicas of type int32",
        )
    causes = _validate_replicas("spec.replicas", replicas)
    if causes:
        field, message = causes[0]
        raise ApiError(
            422,
            "Invalid",
            f'Scale.autoscaling "{name}" is invalid: {field}: {message}',
            {
                "name": name,
                "group": "autoscaling",
                "kind": "Scale",
                "causes": [{"reason": "FieldValueInvalid", "message": message, "field": field}],
            },
        )
