"""Offline intents that change an object's metadata, type, placement, size or schedule.

"label checkout team=payments", "remove the label tier from frontend", "make the frontend
service a NodePort", "pin checkout to node-b", "remove the node selector from reporter",
"grow pvc data to 20Gi", "pause the backup cronjob", "set the selector of svc/web to app=web".
"""

from __future__ import annotations

from typing import Any

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner import matching
from k8sgpt_py.planner.clause import Clause
from k8sgpt_py.planner.extract import NAMEISH
from k8sgpt_py.planner.intent import Args, Intent
from k8sgpt_py.planner.reads import KINDS, WORKLOADS, named, where

HOSTNAME = "kubernetes.io/hostname"
_SHORT = {
    "Deployment": "deployment",
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
    "Service": "service",
    "Node": "node",
    "Pod": "pod",
    "ConfigMap": "configmap",
    "Secret": "secret",
    "CronJob": "cronjob",
    "Job": "job",
    "PersistentVolumeClaim": "pvc",
    "Ingress": "ingress",
    "HorizontalPodAutoscaler": "hpa",
    "Namespace": "namespace",
}
_CLUSTER_SCOPED = {"node", "namespace"}
_KEY_STOPS = {"from", "on", "of", "off", "in", "for", "at", "to", "with"}
_DETERMINERS = {"the", "a", "an", "that", "this", "its", "their", "my", "our", "all", "any"}


def _kind_of(c: Clause, name: str, kinds: tuple[str, ...]) -> str:
    """Which of ``kinds`` the resolved name is (the first when the cluster is not known)."""
    if c.names is not None:
        for kind in kinds:
            if any(
                n == name and ns in (None, c.slots.namespace or ns) for n, ns in c.names.names(kind)
            ):
                return _SHORT[kind]
    said = [lx.KIND_WORDS[k] for k in c.kind_words() if lx.KIND_WORDS[k] in _SHORT.values()]
    return said[0] if said else _SHORT[kinds[0]]


def object_named(c: Clause, kinds: tuple[str, ...]) -> tuple[str, str] | None:
    """(kind, name) of the one object the clause names.

    That is a ref, a kind word and a name, or a real name of one of ``kinds`` (workloads first).
    """
    for alias, text in c.refs:
        return lx.KIND_ALIASES.get(alias.split(".")[0], alias), text.split("/", 1)[1]
    said = [lx.KIND_WORDS[k] for k in c.kind_words() if lx.KIND_WORDS[k] in _SHORT.values()]
    if c.has_word("namespace", "ns") and c.slots.namespace and not c.content() and not said:
        return "namespace", c.slots.namespace
    if said and (said[0] != "service" or _service_is_kind(c)):
        pool = KINDS.get(said[0]) or tuple(k for k, s in _SHORT.items() if s == said[0])
        name = c.target(pool, ref_kinds=(said[0],))
        return (said[0], name) if name else None
    name = c.target(kinds, ref_kinds=())
    return (_kind_of(c, name, kinds), name) if name else None


def _service_is_kind(c: Clause) -> bool:
    from k8sgpt_py.planner.reads import _service_is_kind as is_kind

    return is_kind(c)


def _without_namespace(c: Clause, kind: str, args: Args) -> Args:
    return args if kind in _CLUSTER_SCOPED else where(c, args)


# -- labels and annotations ------------------------------------------------------------------

_META_KINDS = (*WORKLOADS, "Service", "Node", "Pod", "ConfigMap", "Secret", "CronJob", "Job",
               "PersistentVolumeClaim", "Ingress", "HorizontalPodAutoscaler")  # fmt: skip
_NOUNS = {"labels": ("label", "labels"), "annotations": ("annotation", "annotations")}


_CUES = {"labels": ("label", "unlabel"), "annotations": ("annotate", "unannotate")}


def _metadata(field: str) -> Any:
    """The builder of set_labels (``field`` "labels") or set_annotations ("annotations")."""
    other = "annotations" if field == "labels" else "labels"

    def says(c: Clause, which: str) -> bool:
        return c.has(*_CUES[which]) or c.has_word(*_NOUNS[which])

    def build(c: Clause) -> Args | None:
        if not says(c, field) or says(c, other):
            return None
        removing = c.has("remove", "delete", _CUES[field][1])
        values = _values(c, field, removing=removing)
        target = object_named(c, _META_KINDS)
        if target is None:
            return None
        kind, name = target
        if not values and removing:  # "unlabel frontend tier": what is not the object is a key
            values = {c.words[i].text: None for i in c.content() if not _names(c, i, name)}
        if not values:
            return None
        return _without_namespace(c, kind, {"kind": kind, "name": name, field: values})

    return build


def _names(c: Clause, i: int, name: str) -> bool:
    score = matching.name_score(c.words[i].low, name.rsplit("/", 1)[-1])
    return score >= matching.NAME_SCORE_MIN


def _values(c: Clause, field: str, *, removing: bool) -> dict[str, str | None]:
    """key=value pairs to set, ``key-`` to remove, or the keys named next to "label"."""
    values: dict[str, str | None] = {k: (None if removing else v) for k, v in c.slots.pairs.items()}
    for w in c.words:
        if not w.used and w.low.endswith("-") and NAMEISH.match(w.low[:-1]):
            values[w.text[:-1]], w.used = None, True
    at = next((i for i, w in enumerate(c.words) if w.low in _NOUNS[field]), None)
    if values or not removing or at is None:
        return values
    keys = []
    for w in c.words[at + 1 :]:
        if w.low in _KEY_STOPS:
            break
        if w.low not in ("the", "a", "and", "its") and NAMEISH.match(w.low) and not w.used:
            keys.append(w)
    if not keys and at > 0 and NAMEISH.match(c.words[at - 1].low):
        before = c.words[at - 1]  # "remove the app label": any word but an article
        if not before.used and before.low not in _DETERMINERS:
            keys = [before]
    for w in keys:
        w.used = True
    return {w.text: None for w in keys}


# -- service type, cronjob schedule ------------------------------------------------------------


def _service_type(c: Clause) -> Args | None:
    if not c.slots.service_type or c.has("expose"):
        return None
    name = c.target(("Service",), ref_kinds=("service",))
    return where(c, {"name": name, "type": c.slots.service_type}) if name else None


def _cronjob(c: Clause) -> Args | None:
    said = c.has_word("cronjob", "cronjobs", "cj") or any(
        lx.KIND_ALIASES.get(a) == "cronjob" for a, _ in c.refs
    )
    if not said and c.names is not None and not c.real(("CronJob",)):
        return None  # "pause checkout" is not about a cronjob
    return named(c, ("CronJob",), ("cronjob",))


# -- placement ------------------------------------------------------------------------------------


def _node_named(c: Clause) -> str | None:
    for alias, text in c.refs:
        if lx.KIND_ALIASES.get(alias) == "node":
            return text.split("/", 1)[1]
    found = c.take(("Node",))
    if found or c.names is not None:
        return found
    for i, w in enumerate(c.words[:-1]):  # no cluster to ask: "node X", "on node-b"
        nxt = c.words[i + 1]
        nodeish = w.low == "node" or (w.low in ("on", "onto", "to") and "node" in nxt.low)
        if nodeish and not nxt.used and _is_word(nxt.low):
            nxt.used = True
            return nxt.low
    return None


def _is_word(low: str) -> bool:
    return bool(NAMEISH.match(low)) and low not in lx.FILLER


def workload_named(c: Clause) -> tuple[str, str] | None:
    """(kind, name) of a deployment, statefulset or daemonset the clause names."""
    for alias, text in c.refs:
        kind = lx.KIND_ALIASES.get(alias.split(".")[0])
        if kind in ("deployment", "statefulset", "daemonset"):
            return kind, text.split("/", 1)[1]
    name = c.target(WORKLOADS, ref_kinds=())
    return (_kind_of(c, name, WORKLOADS), name) if name else None


def _pod_spec_patch(c: Clause, kind: str, name: str, spec: Args) -> Args:
    patch = {"spec": {"template": {"spec": spec}}}
    return where(c, {"kind": kind, "name": name, "patch": patch})


def _pin(c: Clause) -> Args | None:
    if c.slots.numbers or c.slots.quantities or c.slots.image or c.slots.env:
        return None
    on_labels = c.has_word("nodes", "node") and c.has_word("labelled", "labeled", "label")
    if c.slots.pairs and (c.has_word("nodeselector") or on_labels):  # "on nodes labelled a=b"
        selector: dict[str, str | None] = dict(c.slots.pairs)
    else:
        node = _node_named(c)
        if node is None:
            return None
        selector = {HOSTNAME: node}
    target = workload_named(c)
    return _pod_spec_patch(c, *target, {"nodeSelector": selector}) if target else None


def _unpin(c: Clause) -> Args | None:
    if not (c.has("unpin") or (c.has_word("nodeselector") and c.has("remove", "delete", "set"))):
        return None
    if c.has("set") and not c.has_word("no", "none", "empty"):
        return None
    for w in c.words:
        if w.low in ("no", "none", "empty"):
            w.used = True
    keys = {k: None for k in c.slots.pairs} or _selector_keys(c) or None
    target = workload_named(c)
    return _pod_spec_patch(c, *target, {"nodeSelector": keys}) if target else None


def _selector_keys(c: Clause) -> dict[str, str | None]:
    """The keys named after "node selector" ("remove the node selector disktype from x")."""
    at = next((i for i, w in enumerate(c.words) if w.low == "nodeselector"), None)
    if at is None:
        return {}
    keys = []
    for w in c.words[at + 1 :]:
        if w.low in _KEY_STOPS:
            break
        if not w.used and NAMEISH.match(w.low) and w.low not in _DETERMINERS:
            keys.append(w)
    for w in keys:
        w.used = True
    return {w.text: None for w in keys}


# -- storage, fields ----------------------------------------------------------------------------


def _pvc_size(c: Clause) -> Args | None:
    if len(c.slots.quantities) != 1 or not c.slots.quantities[0][-1:].isalpha():
        return None
    said = any(lx.KIND_WORDS.get(w.low) == "pvc" for w in c.words) or any(
        lx.KIND_ALIASES.get(a) == "pvc" for a, _ in c.refs
    )
    if not said and (c.names is None or not c.real(("PersistentVolumeClaim",))):
        return None
    name = c.target(("PersistentVolumeClaim",), ref_kinds=("pvc",))
    if name is None:
        return None
    storage = {"spec": {"resources": {"requests": {"storage": c.slots.quantities[0]}}}}
    return where(c, {"kind": "pvc", "name": name, "patch": storage})


def _selector(c: Clause) -> Args | None:
    """Replace a Service's whole selector: "set the selector of svc/web to app=web"."""
    if not c.has_word("selector") or not c.slots.pairs or c.has_word("nodeselector"):
        return None
    name = c.target(("Service",), ref_kinds=("service",))
    if name is None:
        return None
    patch = [{"op": "add", "path": "/spec/selector", "value": dict(c.slots.pairs)}]
    return where(c, {"kind": "service", "name": name, "patch": patch, "patch_type": "json"})


def _ingress_class(c: Clause) -> Args | None:
    """An Ingress's class: "set ingressClassName of ingress/shop to nginx"."""
    value = next((v for k, v in c.slots.pairs.items() if k.lower() == "ingressclassname"), None)
    if value is None:
        at = next((i for i, w in enumerate(c.words) if w.low == "ingressclassname"), None)
        if at is None:
            return None
        after = [w for w in c.words[at + 1 :] if w.low not in ("of", "to", "the", "=")]
        rest = [w for w in after if not w.used]
        if not rest:
            return None
        value = rest[-1].text
        rest[-1].used = True
        c.words[at].used = True
    name = c.target(("Ingress",), ref_kinds=("ingress",))
    patch = {"spec": {"ingressClassName": value}}
    return where(c, {"kind": "ingress", "name": name, "patch": patch}) if name else None


INTENTS: tuple[Intent, ...] = (
    Intent(
        "label",
        "set_labels",
        ("label", "unlabel", "add", "set", "remove", "delete"),
        _metadata("labels"),
        ("label checkout team=payments", "remove the label tier from frontend"),
    ),
    Intent(
        "annotate",
        "set_annotations",
        ("annotate", "unannotate", "add", "set", "remove", "delete"),
        _metadata("annotations"),
        ("annotate cart owner=sre", "remove the annotation owner from cart"),
    ),
    Intent(
        "suspend cronjob",
        "suspend_cronjob",
        ("suspend",),
        _cronjob,
        ("pause the backup cronjob", "suspend cronjob nightly-report"),
    ),
    Intent(
        "resume cronjob",
        "resume_cronjob",
        ("resume",),
        _cronjob,
        ("resume the backup cron job", "unpause nightly-report"),
    ),
    Intent(
        "service type",
        "set_service_type",
        ("set", "need", "image"),
        _service_type,
        ("make the frontend service a NodePort", "change svc/frontend to LoadBalancer"),
    ),
    Intent(
        "node selector",
        "patch_resource",
        ("unpin", "remove", "set", "delete"),
        _unpin,
        ("remove the node selector from frontend", "unpin checkout"),
    ),
    Intent(
        "pin to node",
        "patch_resource",
        ("pin", "need", "set", "image", "add"),
        _pin,
        ("pin checkout to node-b", "make frontend run only on node-a"),
    ),
    Intent(
        "volume size",
        "patch_resource",
        ("scale", "up", "set", "need", "give", "down"),
        _pvc_size,
        ("grow pvc data to 20Gi", "resize the data volume to 50Gi"),
    ),
    Intent(
        "service selector",
        "patch_resource",
        ("set", "need", "image"),
        _selector,
        ("set the selector of svc/frontend to app=frontend",),
    ),
    Intent(
        "ingress class",
        "patch_resource",
        ("set", "need", "image"),
        _ingress_class,
        ("set ingressClassName of ingress/shop to nginx",),
    ),
)
