"""Offline intents for NetworkPolicies: who may send traffic to which pods, and on which port.

"allow ingress to the api pods only from pods labelled app=frontend on TCP port 8080", "let
frontend talk to checkout on port 5050", "allow traffic from namespace shop to the worker",
"deny all ingress to memhog". Pods are named by labels (``app=frontend``) or by their
workload, whose selector gives the labels; a source may be a whole namespace. The policy
is a manifest for apply_manifest, named after both ends (``allow-frontend-to-api``).
"""

from __future__ import annotations

import re
from typing import Any

from k8sgpt_py.planner import matching
from k8sgpt_py.planner.clause import Clause
from k8sgpt_py.planner.extract import NAMEISH
from k8sgpt_py.planner.intent import Args, Intent
from k8sgpt_py.planner.reads import WORKLOADS
from k8sgpt_py.planner.slots import any_pair

_TALK = {"reach", "talk", "access", "call", "connect", "contact", "hit"}
_ENDS = {"on", "port", "over", "via", "using", "only", "except"}
# a peer (podSelector or namespaceSelector), its name, and the namespace of the workload named
Pods = tuple[dict[str, Any], str, str | None]


def _pods(c: Clause, at: list[int], *, source: bool) -> Pods | None:
    """The pods a stretch of words names: ``app=x`` labels, a workload, or (source) a namespace."""
    words = [c.words[i] for i in at]
    labels = dict(pair for w in words if (pair := any_pair(w.text)))
    if labels:
        return {"podSelector": {"matchLabels": labels}}, "-".join(labels.values()), None
    lows = [w.low for w in words]
    for i, low in enumerate(lows[:-1]):
        if source and low in ("namespace", "ns") and NAMEISH.match(lows[i + 1]):
            namespace = {"kubernetes.io/metadata.name": lows[i + 1]}
            return {"namespaceSelector": {"matchLabels": namespace}}, lows[i + 1], None
    if c.names is None:
        return None
    content = [i for i in at if i in set(c.content())]
    for kind in WORKLOADS:
        pool = {n for n, ns in c.names.names(kind) if ns in (None, c.slots.namespace or ns)}
        best = matching.best(matching.matches(c.words, content, pool))
        if best is None:
            continue
        name = best[2]
        selected = c.names.selector(kind, name, c.slots.namespace)
        homes = {ns for n, ns in c.names.names(kind) if n == name}
        home = c.slots.namespace or (next(iter(homes)) if len(homes) == 1 else None)
        return ({"podSelector": {"matchLabels": selected}}, name, home) if selected else None
    return None


def _stretch(c: Clause, start: int, stops: set[str]) -> list[int]:
    out = []
    for i in range(start, len(c.words)):
        if c.words[i].low in stops:
            break
        out.append(i)
    return out


def _ends(c: Clause) -> tuple[list[int], list[int]] | None:
    """Word indexes naming the destination and the source of the traffic."""
    lows = [w.low for w in c.words]
    if "from" in lows:
        at = lows.index("from")
        source = _stretch(c, at + 1, _ENDS | {"to"})
        if "to" in lows[:at]:  # "allow ingress to api from frontend"
            return _stretch(c, lows.index("to") + 1, _ENDS | {"from"}), source
        after = at + 1 + len(source)
        if after < len(lows) and lows[after] == "to":  # "from frontend to api"
            return _stretch(c, after + 1, _ENDS), source
        return None
    talk = next((i for i, low in enumerate(lows) if low in _TALK), None)
    if talk is None or not c.cues:
        return None
    start = c.cues[0][1] + 1
    to = talk + 2 if talk + 1 < len(lows) and lows[talk + 1] == "to" else talk + 1
    return _stretch(c, to, _ENDS), list(range(start, talk))


def _port(c: Clause) -> dict[str, Any] | None:
    numbers = [n for n in c.slots.numbers if not n.percent and n.value == int(n.value)]
    ports = [
        n for n in numbers if "port" in [w.low for w in c.words[max(0, n.index - 2) : n.index]]
    ]
    chosen = ports or [n for n in numbers if n.before == "on"]
    if not chosen:
        return None
    protocol = "UDP" if c.has_word("udp") else "TCP"
    return {"protocol": protocol, "port": int(chosen[0].value)}


def _name(*parts: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", "-".join(parts).lower()).strip("-")[:63].rstrip("-")


def policy_manifest(name: str, target: dict[str, Any], rule: dict[str, Any] | None) -> str:
    """A NetworkPolicy that admits only ``rule`` (None: nothing) to the ``target`` pods."""
    import yaml

    spec: dict[str, Any] = {"podSelector": target["podSelector"], "policyTypes": ["Ingress"]}
    spec["ingress"] = [rule] if rule is not None else []
    doc = {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name},
        "spec": spec,
    }
    return str(yaml.safe_dump(doc, sort_keys=False))


def _allow(c: Clause) -> Args | None:
    ends = _ends(c)
    if ends is None:
        return None
    if c.ns_trigger == "from":  # "from namespace shop" is the source, not where the pods are
        c.slots.namespace = c.default_namespace
    target = _pods(c, ends[0], source=False)
    source = _pods(c, ends[1], source=True)
    if target is None or source is None or "podSelector" not in target[0]:
        return None
    rule: dict[str, Any] = {"from": [source[0]]}
    port = _port(c)
    if port is not None:
        rule["ports"] = [port]
    manifest = policy_manifest(_name("allow", source[1], "to", target[1]), target[0], rule)
    return _where(c, manifest, target[2])


def _deny(c: Clause) -> Args | None:
    lows = [w.low for w in c.words]
    if "from" in lows:
        return None  # a policy admits traffic; "block x from y" has no single policy
    start = lows.index("to") + 1 if "to" in lows else c.cues[0][1] + 1  # "isolate the x pods"
    target = _pods(c, _stretch(c, start, _ENDS), source=False)
    if target is None:
        return None
    verb = next(w.low for w in c.words if w.low in ("deny", "block", "isolate", "lock", "firewall"))
    manifest = policy_manifest(_name(verb, "ingress-to", target[1]), target[0], None)
    return _where(c, manifest, target[2])


def _where(c: Clause, manifest: str, home: str | None) -> Args:
    """The policy goes where its pods are: the namespace named, else the workload's."""
    args: Args = {"manifest": manifest}
    if c.slots.namespace or home:
        args["namespace"] = c.slots.namespace or home
    return args


INTENTS: tuple[Intent, ...] = (
    Intent(
        "allow traffic",
        "apply_manifest",
        ("allow",),
        _allow,
        (
            "allow ingress to the checkout pods only from pods labelled app=frontend on port 5050",
            "let frontend talk to cart on port 7070",
        ),
    ),
    Intent(
        "deny traffic",
        "apply_manifest",
        ("deny",),
        _deny,
        ("deny all ingress to memhog in staging",),
    ),
)
