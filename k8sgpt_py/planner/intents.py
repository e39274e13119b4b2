"""What the offline planner can do: one table entry per intent.

An intent names its tool, the cues (lexicon.py) that may head it, and a builder that reads
the clause's slots into the tool's arguments (or None: "not me"). The first intent whose
cue appears and whose builder answers wins. Adding an intent is one entry in ``INTENTS``
(plus its verbs in lexicon.py), e.g. for a tool ``suspend_cronjob(name, namespace)``::

    _cue("suspend", "suspend|pause")                                   # lexicon.py
    Intent("suspend", "suspend_cronjob", ("suspend",),
           lambda c: named(c, ("CronJob",)), ("suspend the nightly cronjob",))

Write intents are never built from a negated, conditional or asked clause (Clause.is_blocked),
and ``kai help`` lists every entry with its verbs and examples.
"""

from __future__ import annotations

from k8sgpt_py.planner import (
    intents_access,
    intents_create,
    intents_edit,
    intents_traffic,
    reads,
)
from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause
from k8sgpt_py.planner.intent import Intent
from k8sgpt_py.planner.reads import (
    KINDS,
    SCALABLE,
    WORKLOADS,
    Args,
    named,
    where,
)
from k8sgpt_py.planner.slots import REPLICA_NOUNS, Number, quantity

__all__ = ["INTENTS", "Intent"]


# -- scale -------------------------------------------------------------------------------------

_SCALE_CUES = ("scale", "up", "down", "factor", "add", "remove", "give", "need", "set")


def _role(n: Number) -> str:
    if n.before in ("to", "at", "=") or n.after == "total":
        return "to"
    if n.before == "by":
        return "by"
    if n.after in ("more", "extra", "additional") or n.before in ("another", "extra"):
        return "more"
    if n.after in ("fewer", "less"):
        return "fewer"
    if n.after in REPLICA_NOUNS:
        return "count"
    return "bare"


def _scale(c: Clause) -> Args | None:
    if c.slots.image or c.slots.quantities or c.slots.env or c.has_word("cpu", "memory", "mem"):
        return None
    if c.has_word("max", "maximum", "min", "minimum", "hpa", "autoscaler"):
        return None
    numbers = [n for n in c.slots.numbers if n.before not in ("revision", "rev")]
    down = c.has("down", "remove") or c.has_word("fewer", "less")
    amount = _scale_amount(c, numbers, down)
    if amount is None:
        return None
    name = c.target(SCALABLE, ref_kinds=("deployment", "statefulset"))
    return where(c, {"name": name, **amount}) if name else None


def _scale_amount(c: Clause, numbers: list[Number], down: bool) -> Args | None:
    sign = -1 if down else 1
    if c.slots.factor is not None and not [n for n in numbers if not n.percent]:
        return {"percent": c.slots.factor}
    if not numbers:
        if c.has_word("another") or (c.has("add", "give") and c.has_word("extra")):
            return {"change": 1}
        return None
    if len(numbers) != 1:
        return None
    n = numbers[0]
    if n.percent:
        if not c.has("scale", "up", "down", "add", "remove"):
            return None
        return {"percent": (n.value if n.value < 0 else sign * n.value)}
    if n.value != int(n.value):
        return None
    value, role = int(n.value), _role(n)
    nouned = any(w.low in REPLICA_NOUNS or w.low in ("scale",) for w in c.words)
    if role == "to" and (c.has("scale", "up", "down") or nouned):
        return {"replicas": value}
    if role == "by" and c.has("scale", "up", "down", "add", "remove"):
        return {"change": value if value < 0 else sign * value}
    if role == "more" and c.has("scale", "up", "add", "give", "need"):
        return {"change": value}
    if role == "fewer" and c.has("scale", "down", "remove", "need"):
        return {"change": -value}
    if role in ("count", "bare"):
        if c.has("add") and not c.has("remove"):
            return {"change": value}
        if c.has("remove"):
            return {"change": -value}
        if c.has("up", "down") and role == "bare" and c.has("scale"):
            return {"change": sign * value}
        if c.has("up", "down"):
            return None
        if role == "count" or c.has("scale"):
            return {"replicas": value}
    return None


# -- workload edits ------------------------------------------------------------------------------


def _restart(c: Clause) -> Args | None:
    return named(c, WORKLOADS, ("deployment", "statefulset", "daemonset"))


def _rollback(c: Clause) -> Args | None:
    if c.slots.image:
        return None
    args = named(c, ("Deployment",), ("deployment",))
    revisions = [n for n in c.slots.numbers if n.before in ("revision", "rev")]
    if args and revisions:
        args["to_revision"] = int(revisions[0].value)
    elif args and c.slots.numbers:
        return None
    return args


def _image(c: Clause) -> Args | None:
    if not c.slots.image:
        return None
    name = c.target(WORKLOADS, ref_kinds=("deployment", "statefulset", "daemonset"))
    if not name:
        return None
    if name.startswith(("deploy/", "deployment/")):
        name = name.split("/", 1)[1]
    args: Args = {"name": name, "image": c.slots.image}
    if c.slots.container:
        args["container"] = c.slots.container
    return where(c, args)


def _resources(c: Clause) -> Args | None:
    wanted = _resource_values(c)
    return _container_edit(c, wanted) if wanted else None


def _container_edit(c: Clause, values: Args) -> Args | None:
    """``values`` for a workload's container: the workload named, the container if said."""
    args = named(c, WORKLOADS, ("deployment", "statefulset", "daemonset"))
    if args is None:
        return None
    if c.slots.container:
        args["container"] = c.slots.container
    return args | values


def _resource_values(c: Clause) -> Args:
    section_words = [w.low for w in c.words if w.low in _SECTION]
    sections = {_SECTION[w] for w in section_words}
    pairs = {f: v for f in c.slots.flags if "=" in f for f, v in [f.split("=", 1)]}
    out: Args = {}
    for resource in ("cpu", "memory"):
        if resource in pairs:
            for section in sections or {"request"}:
                out[f"{resource}_{section}"] = pairs[resource]
    if len(c.slots.quantities) > 1 and not out:
        return _resource_walk(c)
    if out or not c.slots.quantities:
        return out
    qty = c.slots.quantities[0]
    resource = "memory" if qty[-1:] in ("i", "M", "G", "k") else "cpu"
    named = {r for w in c.words if (r := _RESOURCE.get(w.low))}
    if named and resource not in named:
        if len(named) > 1:
            return {}
        resource = next(iter(named))
    if len(sections) > 1:
        return {}
    if not sections and not c.has("give", "limit", "up", "need"):
        return {}
    section = next(iter(sections), "limit")
    return {f"{resource}_{section}": qty}


def _resource_walk(c: Clause) -> Args:
    """Several values, each after its own words: "memory request to 128Mi and limit to 256Mi"."""
    out: Args = {}
    resource = section = None
    for w in c.words:
        resource = _RESOURCE.get(w.low, resource)
        section = _SECTION.get(w.low, section)
        qty = quantity(w.low)
        if qty is None or qty not in c.slots.quantities:
            continue
        unit = "memory" if qty[-1:] in ("i", "M", "G", "k") else "cpu"
        key = f"{resource or unit}_{section}"
        if section is None or key in out:
            return {}
        out[key] = qty
    return out if len(out) == len(c.slots.quantities) else {}


_SECTION = {"request": "request", "requests": "request", "limit": "limit", "limits": "limit"}
_RESOURCE = {"cpu": "cpu", "memory": "memory", "mem": "memory", "ram": "memory"}


def _env(c: Clause) -> Args | None:
    return _container_edit(c, {"env": dict(c.slots.env)}) if c.slots.env else None


def _hpa(c: Clause) -> Args | None:
    if not (c.refs and c.refs[0][0] == "hpa") and not c.has_word("hpa", "autoscaler"):
        return None
    args = named(c, ("HorizontalPodAutoscaler",), ("hpa",))
    bounds = c.slots.bounds
    if args is not None and "min" in bounds and "max" in bounds:  # "the cart hpa between 2 and 9"
        return args | {"min_replicas": bounds["min"], "max_replicas": bounds["max"]}
    if args is None or len(c.slots.numbers) != 1:
        return None
    bound = next((w.low for w in c.words if w.low in ("max", "maximum", "min", "minimum")), None)
    if bound is None:
        return None
    key = "max_replicas" if bound.startswith("max") else "min_replicas"
    return args | {key: int(c.slots.numbers[0].value)}


def _capacity(c: Clause) -> Args | None:
    when = _when(c)
    if when is None:
        return None
    args = named(c, SCALABLE, ("deployment", "statefulset"))
    return args | {"when": when} if args else None


def _when(c: Clause) -> str | None:
    """The load event: any phrase after "handle", an event word after "for"/"before"."""
    lows = [w.low for w in c.words]
    for trigger in lx.CAPACITY_TRIGGERS:
        parts = trigger.split()
        for i in range(len(lows)):
            if lows[i : i + len(parts)] != parts:
                continue
            rest = [w for w in c.words[i + len(parts) :] if w.low not in ("the", "this", "a")]
            strong = trigger in lx.STRONG_CAPACITY_TRIGGERS
            if not rest or not (strong or any(lx.is_event_word(w.low) for w in rest)):
                continue
            kept = [w for w in rest if w.low not in lx.LOAD_WORDS and w.low not in ("can",)]
            for w in rest:
                w.used = True
            return " ".join(w.low for w in (kept or rest))
    return None


# -- pods and nodes ----------------------------------------------------------------------------


def _removes_a_part(c: Clause) -> bool:
    """Does the clause take a part off an object ("remove the app label from frontend")?"""
    parts = ("label", "labels", "annotation", "annotations", "env", "variable", "variables",
             "nodeselector", "selector", "port", "ports", "taint", "toleration", "key", "limit",
             "limits", "request", "requests", "container", "sidecar")  # fmt: skip
    return c.has_word(*parts) or any(w.low == "from" and not w.used for w in c.words)


def _delete_pod(c: Clause) -> Args | None:
    if (c.slots.numbers and not c.refs) or _removes_a_part(c):
        return None
    if c.refs or c.has_word("pod", "po"):
        return named(c, ("Pod",), ("pod",))
    return None


def _delete_other(c: Clause) -> Args | None:
    if _removes_a_part(c):
        return None
    kinds = [k for k in c.kind_words() if lx.KIND_WORDS[k] not in ("pod", "event")]
    if c.refs:
        alias, text = c.refs[0]
        return where(c, {"name": text.split("/", 1)[1], "kind": alias})
    if (
        c.has("delete", "remove")
        and c.has_word("namespace", "ns")
        and c.slots.namespace
        and not c.content()
    ):
        return {"name": c.slots.namespace, "kind": "namespace"}
    if len(kinds) != 1 or not c.has("delete", "remove"):
        return None
    kind = lx.KIND_WORDS[kinds[0]]
    name = c.target((), ref_kinds=(kind,)) if c.names is None else c.target(KINDS.get(kind, ()))
    return where(c, {"name": name, "kind": kind}) if name else None


def _node(c: Clause) -> Args | None:
    name = c.target(("Node",), ref_kinds=("node",))
    return {"name": name} if name else None


INTENTS: tuple[Intent, ...] = (
    Intent(
        "rollback",
        "rollback_deployment",
        ("rollback",),
        _rollback,
        (
            "roll back payment",
            "revert the payment service",
            "rollback payment to revision 1",
            "undo the last rollout of payment",
        ),
    ),
    Intent(
        "restart",
        "restart_workload",
        ("restart",),
        _restart,
        (
            "restart frontend",
            "bounce the frontend",
            "kick the worker in staging",
            "recycle the cart pods",
        ),
    ),
    Intent(
        "uncordon",
        "uncordon_node",
        ("uncordon",),
        _node,
        ("uncordon node-b", "mark node-b schedulable", "let pods schedule on node-b again"),
    ),
    Intent(
        "cordon",
        "cordon_node",
        ("cordon",),
        _node,
        ("cordon node-b", "mark node-c as unschedulable", "take node-d out of rotation"),
    ),
    Intent("drain", "drain_node", ("drain",), _node, ("drain node-c", "evacuate node-b")),
    *intents_edit.INTENTS,
    *intents_create.INTENTS,
    *intents_traffic.INTENTS,
    *intents_access.INTENTS,
    Intent(
        "capacity",
        "plan_capacity",
        ("prepare", "scale", "up", "need", "give"),
        _capacity,
        ("scale checkout to handle Friday traffic", "get checkout ready for black friday"),
    ),
    Intent(
        "hpa bounds",
        "update_hpa",
        ("set", "up", "down", "scale", "need", "limit"),
        _hpa,
        ("set max replicas of hpa/frontend to 20", "raise the frontend hpa maximum to 20"),
    ),
    Intent(
        "set image",
        "set_image",
        ("image", "set", "up", "down", "rollback", "need", "scale", "pin"),
        _image,
        (
            "set image of checkout to v0.10.2",
            "upgrade cart to v1.2.3",
            "deploy version v2.4.0 of the worker",
        ),
    ),
    Intent(
        "set resources",
        "set_resources",
        ("limit", "set", "up", "down", "give", "need", "add"),
        _resources,
        (
            "set memory limit of cart to 768Mi",
            "give memhog 512Mi of memory",
            "set requests cpu=200m memory=256Mi on checkout",
        ),
    ),
    Intent(
        "set env",
        "set_env",
        ("env", "set", "add", "need", "up"),
        _env,
        ("set env DATABASE_URL=postgres://db/app on worker", "add LOG_LEVEL=debug to frontend"),
    ),
    Intent(
        "scale",
        "scale_workload",
        _SCALE_CUES,
        _scale,
        (
            "scale checkout to 5",
            "bump the cart service up to 4 pods",
            "checkout needs 8 replicas",
            "add 2 replicas to cart",
            "scale frontend by 50%",
            "double the email service",
            "halve cart",
        ),
    ),
    Intent(
        "logs",
        "get_pod_logs",
        ("logs",),
        reads.logs,
        (
            "logs of worker",
            "show the last 50 lines of worker logs",
            "what did memhog log before it crashed",
        ),
        is_write=False,
    ),
    Intent(
        "delete pod",
        "delete_pod",
        ("delete", "remove"),
        _delete_pod,
        ("delete pod frontend-abc", "kill the pod worker-5d9c-x"),
    ),
    Intent(
        "delete",
        "delete_resource",
        ("delete", "remove"),
        _delete_other,
        ("delete configmap shop-config", "delete namespace staging"),
    ),
    Intent(
        "list",
        "list_resources",
        ("read", "describe"),
        reads.listing,
        (
            "list pods in shop",
            "which pods are running in staging",
            "show nodes",
            "what's running in shop",
        ),
        is_write=False,
    ),
    Intent(
        "get",
        "get_resource",
        ("read",),
        reads.get,
        ("get secret payment-keys", "show me the yaml of checkout"),
        is_write=False,
    ),
    Intent(
        "describe",
        "describe_resource",
        ("describe", "read"),
        reads.describe,
        ("describe checkout", "tell me about node-b", "how many replicas does frontend have"),
        is_write=False,
    ),
)
