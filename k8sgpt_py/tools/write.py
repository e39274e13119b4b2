"""Write tools. They never write: each returns proposals for the changes pipeline."""

from __future__ import annotations

import re
from typing import Any

from k8sgpt_py.changes.proposal import ObjectRef, Proposal
from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.quantity import parse_quantity
from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.common import containers_of, find, object_ref

SCALABLE = ("Deployment", "StatefulSet")
DESTRUCTIVE_DELETES = {"Namespace", "Node", "PersistentVolumeClaim"}


@tool(mutating=True)
def scale_workload(
    ctx: ToolContext,
    name: str,
    replicas: int | None = None,
    change: int | None = None,
    percent: float | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Scale a deployment or statefulset: to `replicas`, by `change` (+/-N) or by `percent`.

    Give exactly one of replicas, change, percent. An HPA on the workload gets its
    min/max moved so it does not undo the scale.
    """
    if sum(x is not None for x in (replicas, change, percent)) != 1:
        return ToolResult.fail("give exactly one of replicas, change or percent")
    found = find(ctx, name, kinds=SCALABLE, namespace=namespace)
    current = int((found.obj.get("spec") or {}).get("replicas", 1))
    if replicas is None:
        replicas = (
            current + change if change is not None else round(current * (1 + (percent or 0) / 100))
        )
    if replicas < 0:
        return ToolResult.fail(f"cannot scale {found} to {replicas} replicas")
    reason = f"scale {found} from {current} to {replicas} replicas"
    proposals = [*hpa_adjustments(ctx, found.kind, found.name, found.namespace, replicas)]
    proposals.append(
        Proposal(
            target=object_ref(found),
            action="patch",
            patch={"spec": {"replicas": replicas}},
            patch_type="merge",
            reason=reason,
            destructive=replicas == 0,
        )
    )
    data = {"workload": str(found), "current_replicas": current, "replicas": replicas}
    return ToolResult.propose(*proposals, data=data, invocation=reason)


def hpa_adjustments(
    ctx: ToolContext, kind: str, name: str, namespace: str | None, replicas: int
) -> list[Proposal]:
    """Proposals that move an HPA's bounds to admit ``replicas`` (none if it already does)."""
    out = []
    for hpa in ctx.cluster.list("HorizontalPodAutoscaler", namespace):
        spec = hpa.get("spec") or {}
        target = spec.get("scaleTargetRef") or {}
        if target.get("kind") != kind or target.get("name") != name:
            continue
        low, high = int(spec.get("minReplicas", 1)), int(spec.get("maxReplicas", 1))
        patch: dict[str, Any] = {}
        if replicas > 0 and replicas != low:
            patch["minReplicas"] = replicas
        if replicas > high:
            patch["maxReplicas"] = replicas
        if not patch or replicas == 0:
            continue
        hpa_name = hpa["metadata"]["name"]
        out.append(
            Proposal(
                target=ObjectRef("autoscaling/v2", "HorizontalPodAutoscaler", hpa_name, namespace),
                action="patch",
                patch={"spec": patch},
                patch_type="merge",
                reason=f"HPA {namespace}/{hpa_name} bounds {low}-{high} would undo the scale; "
                f"set them to {patch.get('minReplicas', low)}-{patch.get('maxReplicas', high)}",
                scope=name,
            )
        )
    return out


@tool(mutating=True)
def restart_workload(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """Rolling restart of a deployment, statefulset or daemonset (like kubectl rollout restart)."""
    found = find(ctx, name, namespace=namespace)
    stamp = ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    patch = {
        "spec": {
            "template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}
        }
    }
    reason = f"rolling restart of {found}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch)
    return ToolResult.propose(proposal, data={"workload": str(found)}, invocation=reason)


@tool(mutating=True)
def rollback_deployment(
    ctx: ToolContext, name: str, to_revision: int | None = None, namespace: str | None = None
) -> ToolResult:
    """Roll a deployment back to its previous revision (or to_revision), as rollout undo does."""
    found = find(ctx, name, kinds=("Deployment",), namespace=namespace)
    annotations = found.obj["metadata"].get("annotations") or {}
    current = int(annotations.get("deployment.kubernetes.io/revision", "0") or 0)
    uid = found.obj["metadata"].get("uid")
    revisions: dict[int, dict[str, Any]] = {}
    for rs in ctx.cluster.list("ReplicaSet", found.namespace):
        owners = rs["metadata"].get("ownerReferences") or []
        if any(o.get("uid") == uid for o in owners):
            rev = int(
                (rs["metadata"].get("annotations") or {}).get(
                    "deployment.kubernetes.io/revision", 0
                )
            )
            revisions[rev] = rs
    earlier = sorted(r for r in revisions if r < current)
    target = to_revision if to_revision is not None else (earlier[-1] if earlier else None)
    if target is None or target not in revisions or target == current:
        known = ", ".join(str(r) for r in sorted(revisions)) or "none"
        return ToolResult.fail(
            f"{found} has no revision to roll back to (current {current}, known: {known})"
        )
    template = dict(revisions[target]["spec"]["template"])
    labels = dict((template.get("metadata") or {}).get("labels") or {})
    labels.pop("pod-template-hash", None)
    template["metadata"] = {**(template.get("metadata") or {}), "labels": labels}
    patch = [{"op": "replace", "path": "/spec/template", "value": template}]
    reason = f"roll back {found} from revision {current} to revision {target}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch, patch_type="json")
    data = {"workload": str(found), "from_revision": current, "to_revision": target}
    return ToolResult.propose(proposal, data=data, invocation=reason)


_TAG = re.compile(r"^:?(v?\d[\w.\-]*|latest|stable)$")


def full_image(old: str, image: str) -> str:
    """``image`` as a full reference; a bare tag ("v1.2", ":1.2", "latest") keeps old's repo."""
    if not _TAG.match(image):
        return image
    repo = old.split("@", 1)[0]
    head, _, last = repo.rpartition("/")
    last = last.split(":", 1)[0]
    return f"{head + '/' if head else ''}{last}:{image.lstrip(':')}"


def _container(obj: dict[str, Any], container: str | None, hint: str = "") -> str:
    names = [str(c.get("name")) for c in containers_of(obj)]
    if container in names:
        return container
    if container is None and len(names) == 1:
        return names[0]
    if container is None and hint:
        repo = hint.rsplit(":", 1)[0].rsplit("/", 1)[-1]
        matches = [c["name"] for c in containers_of(obj) if repo and repo in str(c.get("image"))]
        if len(matches) == 1:
            return str(matches[0])
    wanted = f"container {container!r} not found" if container else "several containers"
    raise ValueError(f"{wanted}; name one of: {', '.join(names)}")


@tool(mutating=True)
def set_image(
    ctx: ToolContext,
    name: str,
    image: str,
    container: str | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Set a workload container's image; a bare tag ("v1.2.3" or ":v1.2.3") keeps the repository."""
    found = find(ctx, name, namespace=namespace)
    cname = _container(found.obj, container, image)
    old = next(str(c.get("image")) for c in containers_of(found.obj) if c.get("name") == cname)
    image = full_image(old, image)
    patch = {"spec": {"template": {"spec": {"containers": [{"name": cname, "image": image}]}}}}
    reason = f"set image of {found} container {cname} from {old} to {image}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch)
    return ToolResult.propose(proposal, data={"old_image": old, "image": image}, invocation=reason)


@tool(mutating=True)
def set_resources(
    ctx: ToolContext,
    name: str,
    cpu_request: str | None = None,
    cpu_limit: str | None = None,
    memory_request: str | None = None,
    memory_limit: str | None = None,
    container: str | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Set CPU/memory requests and limits of a workload's container (e.g. 250m, 512Mi)."""
    wanted = {
        ("requests", "cpu"): cpu_request,
        ("limits", "cpu"): cpu_limit,
        ("requests", "memory"): memory_request,
        ("limits", "memory"): memory_limit,
    }
    if all(v is None for v in wanted.values()):
        return ToolResult.fail(
            "give at least one of cpu_request, cpu_limit, memory_request, memory_limit"
        )
    for (_, resource), value in wanted.items():
        if value is not None:
            try:
                parse_quantity(value)
            except ValueError:
                return ToolResult.fail(f"{value!r} is not a valid {resource} quantity")
    found = find(ctx, name, namespace=namespace)
    cname = _container(found.obj, container)
    resources: dict[str, dict[str, str]] = {}
    for (section, resource), value in wanted.items():
        if value is not None:
            resources.setdefault(section, {})[resource] = value
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": cname, "resources": resources}]}}}
    }
    described = ", ".join(f"{r} {s[:-1]} {v}" for (s, r), v in wanted.items() if v is not None)
    reason = f"set {described} on {found} container {cname}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch)
    return ToolResult.propose(proposal, data={"resources": resources}, invocation=reason)


@tool(mutating=True)
def set_env(
    ctx: ToolContext,
    name: str,
    env: dict[str, str],
    container: str | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Set environment variables on a workload's container (adds or replaces by name)."""
    if not env:
        return ToolResult.fail("give at least one variable to set")
    found = find(ctx, name, namespace=namespace)
    cname = _container(found.obj, container)
    entries = [{"name": k, "value": v} for k, v in env.items()]
    patch = {"spec": {"template": {"spec": {"containers": [{"name": cname, "env": entries}]}}}}
    reason = f"set env {', '.join(env)} on {found} container {cname}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch)
    return ToolResult.propose(proposal, data={"env": sorted(env)}, invocation=reason)


@tool(mutating=True)
def delete_pod(ctx: ToolContext, name: str, namespace: str | None = None) -> ToolResult:
    """Delete one pod (its controller, if any, creates a replacement)."""
    found = find(ctx, name, kinds=("Pod",), namespace=namespace)
    owners = found.obj["metadata"].get("ownerReferences") or []
    note = (
        "its controller will replace it"
        if owners
        else "it has no controller: it will not come back"
    )
    reason = f"delete {found} ({note})"
    proposal = Proposal(object_ref(found), "delete", reason)
    return ToolResult.propose(proposal, data={"pod": str(found)}, invocation=reason)


@tool(mutating=True)
def delete_resource(
    ctx: ToolContext, kind: str, name: str, namespace: str | None = None
) -> ToolResult:
    """Delete an object of any kind. Namespaces, nodes and PVCs need a second confirmation."""
    info = lookup_kind(kind)
    found = find(ctx, name, kinds=(info.kind,), namespace=namespace)
    reason = f"delete {found}"
    proposal = Proposal(
        object_ref(found), "delete", reason, destructive=info.kind in DESTRUCTIVE_DELETES
    )
    return ToolResult.propose(proposal, data={"object": str(found)}, invocation=reason)


@tool(mutating=True)
def cordon_node(ctx: ToolContext, name: str) -> ToolResult:
    """Mark a node unschedulable (new pods will not land there; running pods stay)."""
    return _set_unschedulable(ctx, name, True)


@tool(mutating=True)
def uncordon_node(ctx: ToolContext, name: str) -> ToolResult:
    """Mark a node schedulable again."""
    return _set_unschedulable(ctx, name, False)


def _set_unschedulable(ctx: ToolContext, name: str, value: bool) -> ToolResult:
    found = find(ctx, name, kinds=("Node",))
    verb = "cordon" if value else "uncordon"
    patch = {"spec": {"unschedulable": True if value else None}}
    reason = f"{verb} node {found.name}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch, patch_type="merge")
    return ToolResult.propose(proposal, data={"node": found.name}, invocation=reason)


@tool(mutating=True)
def drain_node(ctx: ToolContext, name: str) -> ToolResult:
    """Cordon a node and evict its pods (daemonset and mirror pods stay), like kubectl drain."""
    cordon = _set_unschedulable(ctx, name, True)
    node = cordon.proposals[0].target.name
    evictions = []
    for pod in ctx.cluster.list("Pod", None, field_selector=f"spec.nodeName={node}"):
        meta = pod["metadata"]
        owners = meta.get("ownerReferences") or []
        if any(o.get("kind") == "DaemonSet" for o in owners):
            continue
        if "kubernetes.io/config.mirror" in (meta.get("annotations") or {}):
            continue
        ref = ObjectRef("v1", "Pod", meta["name"], meta.get("namespace"))
        evictions.append(Proposal(ref, "evict", f"evict {ref} from node {node}", scope=node))
    reason = f"drain node {node}: cordon and evict {len(evictions)} pods"
    data = {"node": node, "evicted_pods": [str(p.target) for p in evictions]}
    return ToolResult.propose(*cordon.proposals, *evictions, data=data, invocation=reason)


@tool(mutating=True)
def update_hpa(
    ctx: ToolContext,
    name: str,
    min_replicas: int | None = None,
    max_replicas: int | None = None,
    namespace: str | None = None,
) -> ToolResult:
    """Change a HorizontalPodAutoscaler's minReplicas/maxReplicas (name: the HPA)."""
    if min_replicas is None and max_replicas is None:
        return ToolResult.fail("give min_replicas, max_replicas or both")
    found = find(ctx, name, kinds=("HorizontalPodAutoscaler",), namespace=namespace)
    spec = found.obj.get("spec") or {}
    low = min_replicas if min_replicas is not None else int(spec.get("minReplicas", 1))
    high = max_replicas if max_replicas is not None else int(spec.get("maxReplicas", 1))
    if low < 1 or high < low:
        return ToolResult.fail(f"invalid HPA bounds {low}-{high}: need 1 <= min <= max")
    patch = {"spec": {"minReplicas": low, "maxReplicas": high}}
    reason = f"set {found} bounds to {low}-{high}"
    proposal = Proposal(object_ref(found), "patch", reason, patch=patch, patch_type="merge")
    return ToolResult.propose(proposal, data={"min": low, "max": high}, invocation=reason)
