"""Write tools that create objects (HPA, Service, namespace, configmap, job) or steer cronjobs.

Like every write tool they only propose: a create is dry-run on the server and diffed
against nothing; ``kai undo`` of a create deletes the object.
"""

from __future__ import annotations

from typing import Any, Literal

from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.errors import NotFound
from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import containers_of, find, object_ref
from k8sgpt_py.tools.manifests import _DNS_NAME, _LABEL_KEY

ServiceType = Literal["ClusterIP", "NodePort", "LoadBalancer"]


def _namespace(ctx: ToolContext, namespace: str | None) -> str:
    return namespace or ctx.namespace or ctx.cluster.target.namespace


def _create(
    kind: str,
    name: str,
    namespace: str | None,
    body: dict[str, Any],
    reason: str,
    *,
    scope: str | None = None,
    notes: tuple[str, ...] = (),
) -> Proposal:
    info = lookup_kind(kind)
    meta = {**(body.get("metadata") or {}), "name": name}
    if namespace:
        meta["namespace"] = namespace
    manifest = {"apiVersion": info.api_version, "kind": info.kind, **body, "metadata": meta}
    ref = ObjectRef(info.api_version, info.kind, name, namespace)
    return Proposal(ref, "create", reason, manifest=manifest, scope=scope, notes=notes)


def _exists(ctx: ToolContext, kind: str, name: str, namespace: str | None) -> bool:
    try:
        ctx.cluster.get(kind, name, namespace)
    except NotFound:
        return False
    return True


def _check_name(name: str) -> None:
    if not _DNS_NAME.match(name) or len(name) > 63:
        raise ValueError(f"{name!r} is not a valid name (lower-case letters, digits, '-', max 63)")


@tool(mutating=True)
def autoscale_workload(
    ctx: ToolContext,
    name: str,
    min_replicas: int,
    max_replicas: int,
    cpu_percent: int | None = 80,
    memory_percent: int | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Autoscale a deployment/statefulset: an autoscaling/v2 HPA between min and max replicas.

    Targets average utilization of the pods' requests (cpu_percent, memory_percent). If the
    workload already has an HPA, that HPA is updated instead of a second one created.
    """
    if min_replicas < 1 or max_replicas < min_replicas:
        return ToolResult.fail(
            f"invalid bounds {min_replicas}-{max_replicas}: need 1 <= min <= max"
        )
    targets = {"cpu": cpu_percent, "memory": memory_percent}
    if all(v is None for v in targets.values()):
        return ToolResult.fail("give cpu_percent, memory_percent or both")
    if any(v is not None and not 1 <= v <= 1000 for v in targets.values()):
        return ToolResult.fail("utilization targets are percents of the request, 1-1000")
    found = find(ctx, name, kinds=("Deployment", "StatefulSet"), namespace=namespace)
    wanted = {res: pct for res, pct in targets.items() if pct is not None}
    spec = {
        "scaleTargetRef": {"apiVersion": "apps/v1", "kind": found.kind, "name": found.name},
        "minReplicas": min_replicas,
        "maxReplicas": max_replicas,
        "metrics": [
            {
                "type": "Resource",
                "resource": {
                    "name": res,
                    "target": {"type": "Utilization", "averageUtilization": pct},
                },
            }
            for res, pct in wanted.items()
        ],
    }
    notes = _missing_requests(found.obj, wanted)
    goal = ", ".join(f"{pct}% {res}" for res, pct in wanted.items())
    existing = _hpa_for(ctx, found.kind, found.name, found.namespace)
    if existing is not None:
        bounds = f"{min_replicas}-{max_replicas}"
        reason = f"update HPA {found.namespace}/{existing} of {found}: {bounds} at {goal}"
        ref = ObjectRef("autoscaling/v2", "HorizontalPodAutoscaler", existing, found.namespace)
        patch = {"spec": spec}
        proposal = Proposal(
            ref, "patch", reason, patch=patch, patch_type="merge", notes=notes, scope=found.name
        )
    else:
        reason = f"autoscale {found} between {min_replicas} and {max_replicas} replicas at {goal}"
        hpa = "HorizontalPodAutoscaler"
        proposal = _create(
            hpa, found.name, found.namespace, {"spec": spec}, reason, scope=found.name, notes=notes
        )
    data = {
        "workload": str(found),
        "hpa": proposal.target.name,
        "min": min_replicas,
        "max": max_replicas,
        "targets": wanted,
    }
    return ToolResult.propose(proposal, data=data, invocation=reason)


def _missing_requests(obj: dict[str, Any], wanted: dict[str, int]) -> tuple[str, ...]:
    """Notes for containers the HPA cannot measure: utilization is a share of the request."""
    return tuple(
        f"the HPA cannot compute {res} utilization: container {c.get('name')} has no {res} request"
        for c in containers_of(obj)
        for res in wanted
        if res not in ((c.get("resources") or {}).get("requests") or {})
    )


def _hpa_for(ctx: ToolContext, kind: str, name: str, namespace: str | None) -> str | None:
    for hpa in ctx.cluster.list("HorizontalPodAutoscaler", namespace):
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if target.get("kind") == kind and target.get("name") == name:
            return str(hpa["metadata"]["name"])
    return None


def _service_ports(
    obj: dict[str, Any], port: int | None, target_port: int | str | None
) -> list[dict[str, Any]]:
    if port is not None:
        return [
            {
                "name": "http" if port in (80, 8080) else f"port-{port}",
                "port": port,
                "targetPort": target_port if target_port is not None else port,
                "protocol": "TCP",
            }
        ]
    declared = [
        p for c in containers_of(obj) for p in c.get("ports") or [] if p.get("containerPort")
    ]
    return [
        {
            "name": str(p.get("name") or f"port-{p['containerPort']}"),
            "port": int(p["containerPort"]),
            "targetPort": int(p["containerPort"]),
            "protocol": p.get("protocol", "TCP"),
        }
        for p in declared
    ]


@tool(mutating=True)
def expose_workload(
    ctx: ToolContext,
    name: str,
    port: int | None = None,
    target_port: int | str | None = None,
    type: ServiceType = "ClusterIP",
    service_name: str | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Create a Service for a deployment/statefulset/daemonset, like kubectl expose.

    The selector is the workload's; without `port` the containers' declared ports are used.
    The Service is named after the workload unless service_name is given.
    """
    found = find(ctx, name, kinds=("Deployment", "StatefulSet", "DaemonSet"), namespace=namespace)
    selector = ((found.obj.get("spec") or {}).get("selector") or {}).get("matchLabels") or {}
    if not selector:
        return ToolResult.fail(f"{found} has no matchLabels selector to expose")
    ports = _service_ports(found.obj, port, target_port)
    if not ports:
        return ToolResult.fail(f"{found} declares no container ports; give port (and target_port)")
    svc = service_name or found.name
    _check_name(svc)
    if _exists(ctx, "Service", svc, found.namespace):
        return ToolResult.fail(
            f"service {found.namespace}/{svc} already exists; change it with set_service_type or "
            "patch_resource, or give another service_name"
        )
    body = {
        "metadata": {"labels": dict(selector)},
        "spec": {"type": type, "selector": dict(selector), "ports": ports},
    }
    shown = ", ".join(f"{p['port']}->{p['targetPort']}" for p in ports)
    reason = f"expose {found} as {type} service {found.namespace}/{svc} on {shown}"
    proposal = _create("Service", svc, found.namespace, body, reason)
    data = {
        "service": f"{found.namespace}/{svc}",
        "type": type,
        "selector": selector,
        "ports": ports,
    }
    return ToolResult.propose(proposal, data=data, invocation=reason)


@tool(mutating=True)
def set_service_type(
    ctx: ToolContext, name: str, type: ServiceType, namespace: str | None = None
) -> ToolResult:
    """Change a Service's type (ClusterIP, NodePort or LoadBalancer); name: the Service."""
    found = find(ctx, name, kinds=("Service",), namespace=namespace)
    spec = found.obj.get("spec") or {}
    old = spec.get("type", "ClusterIP")
    if old == type:
        return ToolResult.fail(f"{found} is already of type {type}")
    patch: dict[str, Any] = {"type": type}
    if type == "ClusterIP":  # node ports are not allowed on a ClusterIP service
        patch["ports"] = [
            {k: v for k, v in p.items() if k != "nodePort"} for p in spec.get("ports") or []
        ]
    reason = f"change {found} from {old} to {type}"
    proposal = Proposal(
        object_ref(found), "patch", reason, patch={"spec": patch}, patch_type="merge"
    )
    return ToolResult.propose(
        proposal, data={"service": str(found), "from": old, "to": type}, invocation=reason
    )


@tool(mutating=True)
def create_namespace(
    ctx: ToolContext, name: str, labels: dict[str, str] | None = None
) -> ToolResult:
    """Create a namespace (optionally with labels)."""
    _check_name(name)
    if _exists(ctx, "Namespace", name, None):
        return ToolResult.fail(f"namespace {name} already exists")
    body = {"metadata": {"labels": dict(labels)}} if labels else {}
    reason = f"create namespace {name}"
    return ToolResult.propose(
        _create("Namespace", name, None, body, reason), data={"namespace": name}, invocation=reason
    )


@tool(mutating=True)
def create_configmap(
    ctx: ToolContext, name: str, data: dict[str, str], namespace: str | None = None
) -> ToolResult:
    """Create a ConfigMap from literal key/value pairs (kubectl create configmap --from-literal)."""
    _check_name(name)
    if not data:
        return ToolResult.fail("give at least one key/value for the configmap")
    bad = [k for k in data if not _LABEL_KEY.match(k.replace("/", "_"))]
    if bad:
        return ToolResult.fail(f"invalid configmap keys: {', '.join(bad)} (use [-._a-zA-Z0-9])")
    ns = _namespace(ctx, namespace)
    if _exists(ctx, "ConfigMap", name, ns):
        return ToolResult.fail(
            f"configmap {ns}/{name} already exists; update it with apply_manifest"
        )
    reason = f"create configmap {ns}/{name} with keys {', '.join(sorted(data))}"
    proposal = _create("ConfigMap", name, ns, {"data": dict(data)}, reason)
    return ToolResult.propose(
        proposal, data={"configmap": f"{ns}/{name}", "keys": sorted(data)}, invocation=reason
    )


@tool(mutating=True)
def create_job(
    ctx: ToolContext,
    name: str,
    image: str | None = None,
    command: list[str] | None = None,
    from_cronjob: str | None = None,
    namespace: str | None = None,
    backoff_limit: int = 2,
) -> ToolResult:
    """Run a one-off Job named `name`: a pod with `image` (and `command`), or from_cronjob.

    With from_cronjob the Job copies that cronjob's jobTemplate (kubectl create job
    --from=cronjob/NAME); otherwise it retries up to backoff_limit times.
    """
    if image is None or from_cronjob is not None:
        if from_cronjob is None or image is not None:
            return ToolResult.fail("give either image (and command) or from_cronjob")
        return _job_from_cronjob(ctx, from_cronjob, name, namespace, grounded_by_job=True)
    _check_name(name)
    ns = _namespace(ctx, namespace)
    if _exists(ctx, "Job", name, ns):
        return ToolResult.fail(f"job {ns}/{name} already exists; pick another name")
    container: dict[str, Any] = {"name": name, "image": image}
    if command:
        container["command"] = list(command)
    body = {
        "spec": {
            "backoffLimit": backoff_limit,
            "template": {"spec": {"restartPolicy": "Never", "containers": [container]}},
        }
    }
    reason = f"run job {ns}/{name} with image {image}" + (
        f" ({' '.join(command)})" if command else ""
    )
    proposal = _create("Job", name, ns, body, reason)
    return ToolResult.propose(
        proposal, data={"job": f"{ns}/{name}", "image": image}, invocation=reason
    )


@tool(mutating=True)
def trigger_cronjob(
    ctx: ToolContext, name: str, job_name: str | None = None, namespace: str | None = None
) -> ToolResult:
    """Run a cronjob now: a Job from its jobTemplate (kubectl create job --from=cronjob/NAME)."""
    return _job_from_cronjob(ctx, name, job_name, namespace, grounded_by_job=False)


def _job_from_cronjob(
    ctx: ToolContext,
    name: str,
    job_name: str | None,
    namespace: str | None,
    *,
    grounded_by_job: bool,
) -> ToolResult:
    found = find(ctx, name, kinds=("CronJob",), namespace=namespace)
    template = (found.obj.get("spec") or {}).get("jobTemplate") or {}
    job = job_name or f"{found.name[:40]}-manual-{ctx.now:%m%d%H%M%S}"
    _check_name(job)
    if _exists(ctx, "Job", job, found.namespace):
        return ToolResult.fail(f"job {found.namespace}/{job} already exists; pick another name")
    meta = template.get("metadata") or {}
    owner = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "name": found.name,
        "uid": (found.obj.get("metadata") or {}).get("uid"),
        "controller": True,
    }
    body = {
        "metadata": {
            "labels": dict(meta.get("labels") or {}),
            "annotations": {
                **(meta.get("annotations") or {}),
                "cronjob.kubernetes.io/instantiate": "manual",
            },
            "ownerReferences": [{k: v for k, v in owner.items() if v is not None}],
        },
        "spec": template.get("spec") or {},
    }
    if not body["metadata"]["labels"]:
        del body["metadata"]["labels"]
    reason = f"run {found} now as job {found.namespace}/{job}"
    scope = None if grounded_by_job else found.name
    proposal = _create("Job", job, found.namespace, body, reason, scope=scope)
    return ToolResult.propose(proposal, data={"cronjob": str(found), "job": job}, invocation=reason)


def _suspend(ctx: ToolContext, name: str, namespace: str | None, value: bool) -> ToolResult:
    found = find(ctx, name, kinds=("CronJob",), namespace=namespace)
    verb = "suspend" if value else "resume"
    if bool((found.obj.get("spec") or {}).get("suspend")) == value:
        return ToolResult.fail(
            f"{found} is already {'suspended' if value else 'running on schedule'}"
        )
    reason = f"{verb} {found}"
    proposal = Proposal(
        object_ref(found), "patch", reason, patch={"spec": {"suspend": value}}, patch_type="merge"
    )
    return ToolResult.propose(
        proposal, data={"cronjob": str(found), "suspend": value}, invocation=reason
    )


@tool(mutating=True)
def suspend_cronjob(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """Suspend a cronjob: no new runs are scheduled until it is resumed (running jobs go on)."""
    return _suspend(ctx, name, namespace, True)


@tool(mutating=True)
def resume_cronjob(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """Resume a suspended cronjob's schedule."""
    return _suspend(ctx, name, namespace, False)
