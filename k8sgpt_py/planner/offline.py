"""The offline planner: rules and fuzzy names for the common requests, no model needed.

Each rule is a regular expression over the normalised request that yields one tool call.
Requests joined by "and"/"then"/";" become several steps when every part is understood.
What no rule understands returns None, and the caller says what is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from k8sgpt_py.planner.plan import Plan, Step
from k8sgpt_py.tools.base import ToolContext
from k8sgpt_py.tools.registry import all_tools

_POLITE = re.compile(
    r"^(?:(?:hey |ok |okay )?kai[,:]?\s+)?(?:please |pls |can you |could you |would you |"
    r"i want to |i'd like to |i need to |let's |go |now )*",
    re.IGNORECASE,
)
_KIND_WORDS = (
    r"deployments?|deploy|statefulsets?|sts|daemonsets?|ds|pods?|services?|svc|nodes?|"
    r"hpas?|configmaps?|cm|secrets?|namespaces?|ns|events?|replicasets?|rs|jobs?|cronjobs?|"
    r"ingress(?:es)?|pvcs?|persistentvolumeclaims?|networkpolicies|pdbs?"
)
# " in staging", " in namespace staging", " -n staging": the namespace a request names
NS_SUFFIX = r"(?:\s+(?:in|on|from)\s+(?:the\s+)?(?:namespace\s+)?(?P<ns>[a-z0-9-]+)(?:\s+namespace)?|\s+-n\s+(?P<ns2>[a-z0-9-]+))?"
_T = r"(?:the\s+)?(?P<target>[a-z0-9][a-z0-9./-]*(?:\s+(?:deployment|deploy|statefulset|app|workload|service))?)"
_NUM = r"(?P<n>\d+)"
_ONE_KIND = r"deployment|deploy|statefulset|sts|daemonset|ds|pod|service|svc|node|hpa|configmap|cm|secret|job|cronjob|pvc|ingress|namespace|ns|replicaset|rs"
_NSM = r"(?:\s+(?:in|from)\s+(?:namespace\s+)?(?P<nsm>[a-z0-9-]+))?"


@dataclass(frozen=True)
class Call:
    """One tool call a rule produced."""

    tool: str
    args: dict[str, Any]


Rule = tuple[re.Pattern[str], Callable[[dict[str, str]], Call]]


def _target(g: dict[str, str]) -> dict[str, Any]:
    args: dict[str, Any] = {"name": g["target"].split()[0].lower()}
    ns = g.get("ns") or g.get("ns2") or g.get("nsm")
    if ns:
        args["namespace"] = ns.lower()
    return args


def _scale_to(g: dict[str, str]) -> Call:
    n = 0 if g.get("zero") else int(g["n"])
    return Call("scale_workload", {**_target(g), "replicas": n})


def _scale_by(g: dict[str, str]) -> Call:
    direction = (g.get("dir") or g.get("dir2") or "").lower()
    down = g.get("sign") == "-" or direction in (
        "down",
        "in",
        "decrease",
        "remove",
        "reduce",
    )
    sign = -1 if down else 1
    if g.get("pct"):
        return Call("scale_workload", {**_target(g), "percent": sign * float(g["pct"])})
    return Call("scale_workload", {**_target(g), "change": sign * int(g["n"])})


def _capacity(g: dict[str, str]) -> Call:
    return Call("plan_capacity", {**_target(g), "when": g["when"].strip()})


def _image(g: dict[str, str]) -> Call:
    args = {**_target(g), "image": g["image"]}
    if g.get("container"):
        args["container"] = g["container"]
    return Call("set_image", args)


def _resources(g: dict[str, str]) -> Call:
    resource = "memory" if g["res"].lower().startswith("mem") else "cpu"
    section = "limit" if g["sec"].lower().startswith("limit") else "request"
    return Call("set_resources", {**_target(g), f"{resource}_{section}": g["q"]})


def _resources_pairs(g: dict[str, str]) -> Call:
    section = "limit" if g["sec"].lower().startswith("limit") else "request"
    args = _target(g)
    for key, value in re.findall(r"(cpu|memory|mem)\s*=\s*([0-9.]+[a-zA-Z]*)", g["pairs"], re.I):
        args[f"{'memory' if key.lower().startswith('mem') else 'cpu'}_{section}"] = value
    return Call("set_resources", args)


def _env(g: dict[str, str]) -> Call:
    pairs = dict(re.findall(r"([A-Za-z_][A-Za-z0-9_]*)=(\S+)", g["pairs"]))
    return Call("set_env", {**_target(g), "env": pairs})


def _logs(g: dict[str, str]) -> Call:
    args: dict[str, Any] = {**_target(g)}
    if g.get("n"):
        args["tail_lines"] = int(g["n"])
    if g.get("prev"):
        args["previous"] = True
    return Call("get_pod_logs", args)


def _list(g: dict[str, str]) -> Call:
    kind = g["kind"].lower()
    args: dict[str, Any] = {
        "kind": kind.rstrip("s") if kind not in ("ns", "ds", "sts", "rs") else kind
    }
    if kind in ("ingresses", "ingress"):
        args["kind"] = "ingress"
    ns = g.get("ns") or g.get("ns2")
    if g.get("all"):
        args["all_namespaces"] = True
    elif ns:
        args["namespace"] = ns
    return Call("list_resources", args)


def _named(tool: str, **extra: Any) -> Callable[[dict[str, str]], Call]:
    def make(g: dict[str, str]) -> Call:
        args = _target(g)
        if g.get("kind"):
            args["kind"] = g["kind"].lower()
        return Call(tool, {**args, **extra})

    return make


def _rule(pattern: str, make: Callable[[dict[str, str]], Call]) -> Rule:
    return re.compile(rf"^{pattern}$", re.IGNORECASE), make


_ALL = r"(?P<all>\s+(?:across|in)\s+all\s+namespaces|\s+-a|\s+everywhere|\s+cluster-wide)?"
_REPLICAS = r"(?:\s+(?:replicas?|pods?|instances?|copies))?"

RULES: tuple[Rule, ...] = (
    _rule(
        rf"(?:scale|size)\s+(?:up\s+|out\s+)?{_T}\s+(?:to\s+)?(?:handle|for|ahead of|before)\s+(?P<when>.+?)(?:\s+(?:traffic|load|peak|demand|rush))?{NS_SUFFIX}",
        _capacity,
    ),
    _rule(
        rf"(?:scale|resize)\s+(?:up\s+|down\s+|in\s+|out\s+)?{_T}{_NSM}\s+(?:to|=)\s+(?:{_NUM}|(?P<zero>zero)){_REPLICAS}{NS_SUFFIX}",
        _scale_to,
    ),
    _rule(
        rf"(?:scale\s+)?{_T}\s+to\s+{_NUM}\s+(?:replicas?|pods?|instances?){NS_SUFFIX}", _scale_to
    ),
    _rule(
        rf"set\s+(?:the\s+)?(?:replicas?|replica count)\s+(?:of|for|on)\s+{_T}\s+to\s+{_NUM}{NS_SUFFIX}",
        _scale_to,
    ),
    _rule(
        rf"(?:scale|resize)\s+(?P<dir>up|down|out|in)?\s*{_T}\s+(?:(?P<dir2>up|down)\s+)?by\s+(?P<sign>[+-])?(?:{_NUM}|(?P<pct>\d+(?:\.\d+)?)\s*%){_REPLICAS}{NS_SUFFIX}",
        _scale_by,
    ),
    _rule(
        rf"scale\s+{_T}\s+(?P<dir>up|down)\s+(?:by\s+)?(?:{_NUM}|(?P<pct>\d+(?:\.\d+)?)\s*%){_REPLICAS}{NS_SUFFIX}",
        _scale_by,
    ),
    _rule(
        rf"(?P<dir>add|remove)\s+{_NUM}\s+(?:more\s+)?(?:replicas?|pods?|instances?)\s+(?:to|from|of)\s+{_T}{NS_SUFFIX}",
        _scale_by,
    ),
    _rule(
        rf"(?P<dir>increase|decrease|reduce)\s+(?:the\s+)?(?:replicas?\s+of\s+)?{_T}\s+by\s+(?:{_NUM}|(?P<pct>\d+(?:\.\d+)?)\s*%){_REPLICAS}{NS_SUFFIX}",
        _scale_by,
    ),
    _rule(
        rf"(?:rollout\s+|rolling\s+)?(?:restart|bounce|reboot|recycle|redeploy)\s+(?:(?:deployment|deploy|statefulset|daemonset)\s+)?{_T}{NS_SUFFIX}",
        _named("restart_workload"),
    ),
    _rule(
        rf"(?:rollout\s+undo|roll\s*back|rollback|revert)\s+(?:(?:deployment|deploy)\s+)?{_T}(?:\s+to\s+(?:the\s+)?(?:previous|last|prior)(?:\s+(?:revision|version|release))?)?{NS_SUFFIX}",
        _named("rollback_deployment"),
    ),
    _rule(
        rf"(?:roll\s*back|rollback|revert)\s+{_T}\s+to\s+(?:revision|rev)\s+(?P<rev>\d+){NS_SUFFIX}",
        lambda g: Call("rollback_deployment", {**_target(g), "to_revision": int(g["rev"])}),
    ),
    _rule(
        rf"undo\s+(?:the\s+)?(?:last\s+)?(?:rollout|deploy(?:ment)?|release)\s+(?:of|for|on)\s+{_T}{NS_SUFFIX}",
        _named("rollback_deployment"),
    ),
    _rule(
        rf"set\s+(?:the\s+)?image\s+(?:of|for|on)\s+{_T}(?:\s+container\s+(?P<container>[a-z0-9-]+))?\s+to\s+(?P<image>\S+){NS_SUFFIX}",
        _image,
    ),
    _rule(
        rf"set\s+image\s+(?:(?:deployment|deploy|statefulset|sts|daemonset|ds)/)?{_T}\s+(?P<container>[a-z0-9-]+)=(?P<image>\S+){NS_SUFFIX}",
        _image,
    ),
    _rule(
        rf"(?:update|upgrade|change|bump)\s+{_T}(?:'s)?\s+(?:image\s+)?to\s+(?P<image>\S+){NS_SUFFIX}",
        _image,
    ),
    _rule(
        rf"(?:set|change|update)\s+(?:the\s+)?(?P<res>cpu|memory|mem)\s+(?P<sec>requests?|limits?)\s+(?:of|for|on)\s+{_T}\s+to\s+(?P<q>[0-9.]+[a-zA-Z]*){NS_SUFFIX}",
        _resources,
    ),
    _rule(
        rf"(?:set|change|update)\s+{_T}(?:'s)?\s+(?P<res>cpu|memory|mem)\s+(?P<sec>requests?|limits?)\s+to\s+(?P<q>[0-9.]+[a-zA-Z]*){NS_SUFFIX}",
        _resources,
    ),
    _rule(
        rf"give\s+{_T}\s+(?:a\s+)?(?P<q>[0-9.]+[a-zA-Z]*)\s+(?:of\s+)?(?P<res>cpu|memory|mem)(?:\s+(?P<sec>requests?|limits?))?{NS_SUFFIX}",
        lambda g: _resources({**g, "sec": g.get("sec") or "limit"}),
    ),
    _rule(
        rf"set\s+(?P<sec>requests?|limits?)\s+(?P<pairs>(?:(?:cpu|memory|mem)\s*=\s*[0-9.]+[a-zA-Z]*[\s,]*)+)\s*(?:on|for|of)\s+{_T}{NS_SUFFIX}",
        _resources_pairs,
    ),
    _rule(
        rf"set\s+(?:the\s+)?env(?:ironment)?(?:\s+var(?:iable)?s?)?\s+(?P<pairs>(?:[a-z_][a-z0-9_]*=\S+\s*)+)\s*(?:on|for|in|of)\s+{_T}{NS_SUFFIX}",
        _env,
    ),
    _rule(
        rf"(?:show\s+|get\s+|tail\s+|print\s+|fetch\s+)?(?:me\s+)?(?:the\s+)?(?:last\s+{_NUM}\s+(?:lines?\s+(?:of\s+)?)?)?(?P<prev>previous\s+|crashed\s+)?logs?\s+(?:of|for|from)\s+(?:the\s+)?(?:(?:previous|crashed)\s+(?:container\s+)?(?:of\s+)?)?{_T}(?P<prev2>\s+previous)?{NS_SUFFIX}",
        _logs,
    ),
    _rule(
        rf"(?:show\s+|get\s+|print\s+)?(?:me\s+)?(?:the\s+)?(?:last\s+{_NUM}\s+(?:lines?\s+(?:of\s+)?)?)?(?P<prev>previous\s+)?{_T}(?:'s)?\s+(?:previous\s+)?logs?{NS_SUFFIX}",
        _logs,
    ),
    _rule(
        rf"(?:logs?|tail)\s+{_T}(?:\s+--tail[= ]{_NUM})?(?P<prev>\s+(?:--previous|-p|previous))?{NS_SUFFIX}",
        _logs,
    ),
    _rule(
        rf"(?:delete|kill|remove|evict)\s+(?:the\s+)?pod\s+{_T}{NS_SUFFIX}", _named("delete_pod")
    ),
    _rule(
        rf"(?:delete|remove|destroy)\s+(?:the\s+)?(?P<kind>deployment|deploy|statefulset|sts|daemonset|ds|service|svc|configmap|cm|secret|job|cronjob|pvc|persistentvolumeclaim|ingress|namespace|ns|node|hpa)\s+{_T}{NS_SUFFIX}",
        lambda g: Call("delete_resource", {**_target(g), "kind": g["kind"].lower()}),
    ),
    _rule(
        r"(?:cordon)\s+(?:the\s+)?(?:node\s+)?(?P<target>[a-z0-9][a-z0-9.-]*)",
        _named("cordon_node"),
    ),
    _rule(
        r"(?:uncordon)\s+(?:the\s+)?(?:node\s+)?(?P<target>[a-z0-9][a-z0-9.-]*)",
        _named("uncordon_node"),
    ),
    _rule(
        r"(?:drain)\s+(?:the\s+)?(?:node\s+)?(?P<target>[a-z0-9][a-z0-9.-]*)", _named("drain_node")
    ),
    _rule(
        rf"(?:list|show|get|display)\s+(?:me\s+)?(?:all\s+)?(?:the\s+)?(?P<kind>{_KIND_WORDS}){_ALL}{NS_SUFFIX}",
        _list,
    ),
    _rule(rf"what(?:'s|\s+is)\s+running{_ALL}{NS_SUFFIX}", lambda g: _list({**g, "kind": "pods"})),
    _rule(
        rf"(?:get|show\s+(?:me\s+)?(?:the\s+)?(?:yaml|manifest|spec)\s+(?:of|for))\s+(?:the\s+)?(?P<kind>{_ONE_KIND})\s+{_T}(?:\s+-o\s+(?:yaml|json))?{NS_SUFFIX}",
        _named("get_resource"),
    ),
    _rule(
        rf"(?:show\s+(?:me\s+)?(?:the\s+)?(?:yaml|manifest|spec)\s+(?:of|for)|get)\s+(?:the\s+)?{_T}\s+-o\s+(?:yaml|json){NS_SUFFIX}",
        _named("get_resource"),
    ),
    _rule(
        rf"(?:describe|inspect|status\s+of|show\s+me|show|get)\s+(?:the\s+)?(?:(?P<kind>{_ONE_KIND})\s+)?{_T}{NS_SUFFIX}",
        _named("describe_resource"),
    ),
    _rule(
        rf"(?:how\s+many\s+replicas\s+(?:does|do)\s+){_T}\s+have{NS_SUFFIX}",
        _named("describe_resource"),
    ),
)

_SPLIT = re.compile(
    r"\s*(?:;|,?\s+and\s+then\s+|,?\s+then\s+|,?\s+and\s+(?=(?:scale|restart|roll|set|cordon|uncordon|drain|delete|show|list|describe|get|update)\b))\s*",
    re.IGNORECASE,
)


def normalise(request: str) -> str:
    """Lower-case, single spaces, no trailing punctuation or politeness."""
    text = " ".join(request.strip().split())
    text = text.rstrip(" .!?")
    return _POLITE.sub("", text, count=1).strip()


def parse(request: str) -> list[Call] | None:
    """Tool calls for the request, or None when any part is not understood."""
    parts = [p for p in _SPLIT.split(normalise(request)) if p]
    calls = []
    for part in parts:
        call = _parse_one(part)
        if call is None:
            return None
        calls.append(call)
    return calls or None


def _parse_one(text: str) -> Call | None:
    for pattern, make in RULES:
        match = pattern.match(text)
        if match:
            groups = {k: v for k, v in match.groupdict().items() if v is not None}
            if "prev2" in groups:
                groups["prev"] = groups["prev2"]
            target = groups.get("target", "")
            parts = target.split()
            if len(parts) == 2 and parts[1] in (
                "deployment",
                "deploy",
                "statefulset",
                "app",
                "workload",
                "service",
            ):
                groups["target"] = parts[0]
            return make(groups)
    return None


def plan_offline(request: str, *, ctx: ToolContext) -> Plan | None:
    """Run the request's tool calls; None when the offline rules do not understand it."""
    calls = parse(request)
    if calls is None:
        return None
    plan = Plan(request=request, planner="offline")
    tools = all_tools(read_only=ctx.read_only)
    for call in calls:
        tool = tools.get(call.tool)
        if tool is None:
            if ctx.read_only and call.tool in all_tools():
                from k8sgpt_py.errors import Rejected

                raise Rejected(f"{call.tool} changes the cluster and kai runs read-only")
            return None
        result = tool.run(ctx, call.args, raise_errors=True)
        plan.steps.append(Step(call.tool, call.args, result))
        if isinstance(result.data, dict):
            plan.advice.extend(str(a) for a in result.data.get("advice") or [])
        if result.status == "error":
            plan.errors.append(result.error or f"{call.tool} failed")
            break
    return plan
