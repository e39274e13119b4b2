"""Offline rules for explicit sets: "scale everything in staging to 0", "restart -l app=x".

Tried before the single-object rules, so "everything" is never read as an object name.
Each rule yields one call of a set tool (``tools/write_sets.py``); the tool proposes one
change per member and the guardrails check that the request describes the set.
"""

from __future__ import annotations

import re
from typing import Any

from k8sgpt_py.planner.plan import Plan, Step
from k8sgpt_py.tools.base import ToolContext
from k8sgpt_py.tools.registry import all_tools

_KIND_RE = r"deployments?|deploys?|statefulsets?|sts|daemonsets?|ds|workloads?|apps?"


def _kind(group: str) -> str:
    return rf"(?P<{group}>{_KIND_RE})"


def _sel(group: str) -> str:
    pair = r"[\w./-]+\s*==?\s*[\w./-]+"
    lead = r"(?:-l\s*|--selector[=\s]\s*|(?:labell?ed|with\s+labels?|selector)\s+)"
    return rf"{lead}(?P<{group}>{pair}(?:\s*,\s*{pair})*)"


_NS = (
    r"(?:\s+(?:in|from)\s+(?:the\s+)?(?:namespace\s+)?(?P<ns>[a-z0-9-]+)(?:\s+namespace)?"
    r"|\s+-n\s+(?P<ns2>[a-z0-9-]+))"
)
# "everything", "all deployments", "every statefulset" (a selector may follow), or
# "deployments labelled app=x" (a selector is required)
_SET = (
    rf"(?:(?:everything|all(?:\s+(?:the\s+)?{_kind('kind')})?|every\s+{_kind('kind2')})"
    rf"(?:\s+{_sel('sel')})?|(?:the\s+)?{_kind('kind3')}\s+{_sel('sel2')})"
)
_WHERE = rf"{_SET}{_NS}?(?:\s+{_sel('sel3')})?"
_AMOUNT = (
    r"(?:(?P<dir>up|down)\s+)?(?:to\s+(?:(?P<n>\d+)|(?P<zero>zero))(?:\s+replicas?)?"
    r"|by\s+(?P<sign>[+-])?(?P<by>\d+))"
)
_PODS = rf"(?:all\s+)?(?:the\s+)?pods\s+{_sel('sel')}{_NS}?"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf"^(?:scale|resize)\s+(?:(?:up|down)\s+)?{_WHERE}\s+{_AMOUNT}$"), "scale"),
    (re.compile(rf"^(?:rollout\s+)?(?:restart|bounce|recycle)\s+{_WHERE}$"), "restart"),
    (re.compile(rf"^(?:delete|kill)\s+{_PODS}$"), "delete_pods"),
)
_KINDS = {"deploy": "deployment", "sts": "statefulset", "ds": "daemonset"}


def parse_set(request: str) -> tuple[str, dict[str, Any]] | None:
    """The set tool and its arguments (namespace possibly missing), or None."""
    text = " ".join(request.lower().strip().rstrip(".!?").split())
    text = re.sub(r"^(?:please\s+|kai[,:]?\s+|(?:can|could|would)\s+you\s+)+", "", text)
    for pattern, action in _RULES:
        match = pattern.match(text)
        if match is None:
            continue
        g = {k: v for k, v in match.groupdict().items() if v is not None}
        args: dict[str, Any] = {}
        if g.get("ns") or g.get("ns2"):
            args["namespace"] = g.get("ns") or g.get("ns2")
        selector = g.get("sel") or g.get("sel2") or g.get("sel3")
        if selector:
            args["selector"] = re.sub(r"\s+", "", selector).replace("==", "=")
        kind = (g.get("kind") or g.get("kind2") or g.get("kind3") or "").rstrip("s")
        if kind and kind not in ("workload", "app"):
            args["kind"] = _KINDS.get(kind, kind)
        if action == "delete_pods":
            return "delete_pods", args
        if action == "restart":
            return "restart_workloads", args
        if g.get("by"):
            down = g.get("sign") == "-" or g.get("dir") == "down"
            args["change"] = -int(g["by"]) if down else int(g["by"])
        else:
            args["replicas"] = 0 if g.get("zero") else int(g["n"])
        return "scale_workloads", args
    return None


def plan_sets(request: str, *, ctx: ToolContext) -> Plan | None:
    """Run a set request's tool call (namespace: the request's, else -n, else the context's)."""
    parsed = parse_set(request)
    if parsed is None:
        return None
    name, args = parsed
    tool = all_tools(read_only=ctx.read_only).get(name)
    if tool is None:
        from k8sgpt_py.errors import Rejected

        raise Rejected(f"{name} changes the cluster and kai runs read-only")
    args.setdefault("namespace", ctx.namespace or ctx.cluster.target.namespace or "default")
    plan = Plan(request=request, planner="offline")
    result = tool.run(ctx, args, raise_errors=True)
    plan.steps.append(Step(name, args, result))
    if result.status in ("error", "no_data"):
        plan.errors.append(result.error or f"{name} failed")
    return plan
