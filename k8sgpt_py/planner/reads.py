"""Read intents' builders (logs, list, get, describe) and the helpers all builders share."""

from __future__ import annotations

from typing import Any

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause

WORKLOADS = ("Deployment", "StatefulSet", "DaemonSet")
SCALABLE = ("Deployment", "StatefulSet")
Args = dict[str, Any]


def where(c: Clause, args: Args) -> Args:
    """Add the namespace the request named, if it named one."""
    if c.slots.namespace:
        args["namespace"] = c.slots.namespace
    return args


def named(c: Clause, kinds: tuple[str, ...], ref_kinds: tuple[str, ...] = ()) -> Args | None:
    """``{"name": ...}`` (plus namespace) for the clause's target among ``kinds``, or None."""
    name = c.target(kinds, ref_kinds=ref_kinds or tuple(k.lower() for k in kinds))
    return where(c, {"name": name}) if name else None


KINDS = {
    "deployment": ("Deployment",),
    "statefulset": ("StatefulSet",),
    "daemonset": ("DaemonSet",),
    "service": ("Service",),
    "configmap": ("ConfigMap",),
    "secret": ("Secret",),
    "node": ("Node",),
    "job": ("Job",),
    "cronjob": ("CronJob",),
    "hpa": ("HorizontalPodAutoscaler",),
    "pvc": ("PersistentVolumeClaim",),
    "ingress": ("Ingress",),
}


# ---------------------------------------------------------------------------------------


def logs(c: Clause) -> Args | None:
    """get_pod_logs: a workload or pod, tail lines, the previous (crashed) container."""
    if not c.has("logs"):
        return None
    args = named(c, ("Pod", *WORKLOADS), ("pod", "deployment", "statefulset", "daemonset"))
    if args is None:
        return None
    tails = [
        n
        for n in c.slots.numbers
        if n.before in ("last", "tail", "first") or n.after in ("lines", "line")
    ]
    tail_flag = next((f.split("=")[1] for f in c.slots.flags if f.startswith("tail=")), None)
    if tails:
        args["tail_lines"] = int(tails[0].value)
    elif tail_flag and tail_flag.isdigit():
        args["tail_lines"] = int(tail_flag)
    if c.slots.previous or c.has_word("previous", "crashed", "crash", "prior", "crashing"):
        args["previous"] = True
    return args


def listing(c: Clause) -> Args | None:
    """list_resources: a plural kind ("pods", "deployments") and no object named."""
    plurals = [w for w in c.kind_words() if w in lx.PLURAL_KINDS or w in ("ns",)]
    plurals += _quantified_kinds(c)
    running = c.has_word("running") and not plurals and c.has_word("what", "is")
    if not plurals and not running:
        return None
    if c.content():
        return None
    kind = lx.KIND_WORDS[plurals[0]] if plurals else "pod"
    args: Args = {"kind": kind}
    if c.slots.all_namespaces:
        args["all_namespaces"] = True
    elif c.slots.namespace:
        args["namespace"] = c.slots.namespace
    return args


def _quantified_kinds(c: Clause) -> list[str]:
    """Singular kind words that mean the whole kind: "every service", "each node"."""
    return [
        nxt.low
        for w, nxt in zip(c.words, c.words[1:], strict=False)
        if w.low in ("every", "each") and nxt.low in lx.KIND_WORDS
    ]


def get(c: Clause) -> Args | None:
    """get_resource: "get KIND NAME", or the YAML/manifest of an object."""
    yaml = "yaml" in c.slots.flags or c.has_word("yaml", "manifest", "spec")
    kinds = [lx.KIND_WORDS[k] for k in c.kind_words() if k not in lx.PLURAL_KINDS]
    said_get = any(w.low == "get" for w in c.words)
    if not yaml and not (said_get and kinds):
        return None
    return _describe_args(c, kinds)


def describe(c: Clause) -> Args | None:
    """describe_resource: one object, with its kind when the request says it."""
    kinds = [lx.KIND_WORDS[k] for k in c.kind_words() if k not in lx.PLURAL_KINDS]
    return _describe_args(c, kinds)


def _describe_args(c: Clause, kinds: list[str]) -> Args | None:
    kinds = [k for k in kinds if k != "service" or _service_is_kind(c)]
    pool = KINDS.get(kinds[0], WORKLOADS) if kinds else (*WORKLOADS, "Node", "Pod", "Service")
    name = c.target(pool, ref_kinds=())
    if not name:
        return None
    args: Args = {"name": name}
    if kinds and "/" not in name:
        args["kind"] = kinds[0]
    return where(c, args)


def _service_is_kind(c: Clause) -> bool:
    """``service cart`` and ``svc cart`` name a Service; ``the cart service`` is a habit."""
    for i, w in enumerate(c.words):
        if w.low == "svc":
            return True
        nxt = c.words[i + 1] if i + 1 < len(c.words) else None
        if w.low == "service" and nxt is not None and not nxt.used and nxt.low not in lx.FILLER:
            return True
    return False
