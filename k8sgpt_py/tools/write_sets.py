"""Write tools for explicit sets: every workload of a namespace, or those a label selector picks.

Like every write tool they only propose: one proposal per member, each shown in full in the
diff. Each proposal records the set it belongs to (``Proposal.selection``), and the
guardrails accept a member only when the request describes that set: "everything in
staging", "all deployments in staging", or the same label selector ("-l app=x",
"pods labelled app=x").
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.changes.proposal import ObjectRef, Proposal, Selection
from k8sgpt_py.cluster.kinds import lookup_kind
from k8sgpt_py.tools.base import ToolContext, ToolResult, tool
from k8sgpt_py.tools.write import SCALABLE, hpa_adjustments

RESTARTABLE = ("Deployment", "StatefulSet", "DaemonSet")


def _members(
    ctx: ToolContext,
    namespace: str,
    selector: str | None,
    kind: str | None,
    allowed: tuple[str, ...],
) -> tuple[tuple[str, ...], list[dict[str, Any]]]:
    """The kinds searched and the objects of the set, sorted by kind order then name."""
    if kind:
        info = lookup_kind(kind)
        if info.kind not in allowed:
            raise ValueError(f"{info.kind} is not one of {', '.join(allowed)}")
        kinds: tuple[str, ...] = (info.kind,)
    else:
        kinds = allowed
    found: list[dict[str, Any]] = []
    for k in kinds:
        items = (
            ctx.cluster.list(k, namespace, label_selector=selector)
            if selector
            else (ctx.cluster.list(k, namespace))
        )
        found += sorted(
            ({**obj, "kind": k} for obj in items), key=lambda o: str(o["metadata"]["name"])
        )
    return kinds, found


def _describe(kinds: tuple[str, ...], namespace: str, selector: str | None) -> str:
    label = f" labelled {selector}" if selector else ""
    return f"{'/'.join(lookup_kind(k).plural for k in kinds)}{label} in namespace {namespace}"


def _ref(obj: dict[str, Any]) -> ObjectRef:
    info = lookup_kind(str(obj["kind"]))
    meta = obj["metadata"]
    return ObjectRef(info.api_version, info.kind, str(meta["name"]), meta.get("namespace"))


@tool(mutating=True)
def scale_workloads(
    ctx: ToolContext,
    namespace: str,
    replicas: int | None = None,
    change: int | None = None,
    percent: float | None = None,
    selector: str | None = None,
    kind: str | None = None,
) -> ToolResult:
    """Scale a set: every deployment/statefulset in a namespace, or those matching a selector.

    Use it only when the user asks for a set ("everything in staging", "all deployments in
    staging", "-l app=x"). Give exactly one of replicas, change (+/-N) or percent. One
    proposal per member; HPAs on members get their bounds moved.

    Args:
        ctx: Bound by kai.
        namespace: The namespace of the set.
        replicas: The replica count every member gets.
        change: Replicas to add (negative: remove) to each member.
        percent: Percent to scale each member by.
        selector: A label selector such as "app=web,tier=front" (omit for every workload).
        kind: Only this kind ("deployment" or "statefulset").
    """
    if sum(x is not None for x in (replicas, change, percent)) != 1:
        return ToolResult.fail("give exactly one of replicas, change or percent")
    kinds, members = _members(ctx, namespace, selector, kind, SCALABLE)
    what = _describe(kinds, namespace, selector)
    if not members:
        return ToolResult.no_data(f"no {what}")
    selection = Selection(namespace, selector, kinds)
    proposals: list[Proposal] = []
    rows = []
    for obj in members:
        ref = _ref(obj)
        current = int((obj.get("spec") or {}).get("replicas", 1))
        wanted = replicas
        if wanted is None:
            wanted = (
                current + change
                if change is not None
                else round(current * (1 + (percent or 0) / 100))
            )
        wanted = max(wanted, 0)
        proposals += hpa_adjustments(ctx, ref.kind, ref.name, ref.namespace, wanted)
        proposals.append(
            Proposal(
                ref,
                "patch",
                f"scale {ref} from {current} to {wanted} replicas (member of {selection})",
                patch={"spec": {"replicas": wanted}},
                patch_type="merge",
                destructive=wanted == 0,
                selection=selection,
            )
        )
        rows.append({"workload": str(ref), "current_replicas": current, "replicas": wanted})
    invocation = f"scale {len(members)} {what}"
    return ToolResult.propose(*proposals, data={"members": rows}, invocation=invocation)


@tool(mutating=True)
def restart_workloads(
    ctx: ToolContext, namespace: str, selector: str | None = None, kind: str | None = None
) -> ToolResult:
    """Rolling restart of a set: every workload in a namespace, or those matching a selector.

    Use it only when the user asks for a set ("restart everything in staging",
    "restart all deployments labelled tier=web"). One proposal per member.

    Args:
        ctx: Bound by kai.
        namespace: The namespace of the set.
        selector: A label selector such as "app=web" (omit for every workload).
        kind: Only this kind ("deployment", "statefulset" or "daemonset").
    """
    kinds, members = _members(ctx, namespace, selector, kind, RESTARTABLE)
    what = _describe(kinds, namespace, selector)
    if not members:
        return ToolResult.no_data(f"no {what}")
    selection = Selection(namespace, selector, kinds)
    stamp = ctx.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    patch = {
        "spec": {
            "template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": stamp}}}
        }
    }
    proposals = [
        Proposal(
            _ref(obj),
            "patch",
            f"rolling restart of {_ref(obj)} (member of {selection})",
            patch=patch,
            selection=selection,
        )
        for obj in members
    ]
    data = {"members": [str(p.target) for p in proposals]}
    return ToolResult.propose(*proposals, data=data, invocation=f"restart {len(members)} {what}")


@tool(mutating=True)
def delete_pods(ctx: ToolContext, namespace: str, selector: str) -> ToolResult:
    """Delete every pod matching a label selector in a namespace (controllers replace them).

    Use it only when the user names the selector ("delete pods labelled app=worker").

    Args:
        ctx: Bound by kai.
        namespace: The namespace of the pods.
        selector: A label selector such as "app=worker" (required).
    """
    if not selector.strip():
        return ToolResult.fail("give a label selector; kai does not delete every pod at once")
    _, members = _members(ctx, namespace, selector, None, ("Pod",))
    if not members:
        return ToolResult.no_data(f"no pods labelled {selector} in namespace {namespace}")
    selection = Selection(namespace, selector, ("Pod",))
    proposals = [
        Proposal(
            _ref(obj), "delete", f"delete {_ref(obj)} (member of {selection})", selection=selection
        )
        for obj in members
    ]
    data = {"members": [str(p.target) for p in proposals]}
    return ToolResult.propose(
        *proposals, data=data, invocation=f"delete {len(members)} pods labelled {selector}"
    )
