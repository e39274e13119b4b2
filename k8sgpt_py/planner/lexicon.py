"""The offline planner's vocabulary: verbs and their synonyms, grouped into cues.

A *cue* is what a verb phrase means ("bump", "raise", "scale up" are all ``up``). The
intents (intents.py) say which cues may head them and which slots they need, so teaching
kai a new synonym is one line here and a new intent is one table entry there.
"""

from __future__ import annotations

import re

# phrase (lower case, words separated by one space) -> cue
CUES: dict[str, str] = {}


def _words(text: str) -> set[str]:
    """The whitespace-separated words of a block of text."""
    return set(text.split())


def _cue(cue: str, phrases: str) -> None:
    """Register ``|``-separated phrases as meaning ``cue``."""
    for phrase in phrases.split("|"):
        CUES[" ".join(phrase.split())] = cue


_cue("scale", "scale|scaled|scaling|rescale|resize|resized|size|sized")

_cue(
    "up",
    "scale up|scale out|scaled up|scaled out|bump|bump up|bumped|increase|increased|raise|"
    "raised|grow|boost|expand|upsize|crank up|ramp up|spin up|up",
)

_cue(
    "down",
    "scale down|scale in|scale back|scaled down|decrease|decreased|reduce|reduced|lower|"
    "lowered|shrink|cut|cut back|trim|downsize|dial down|turn down|down",
)

_cue("add", "add|added|throw in|tack on")

_cue("remove", "remove|take away|drop")

_cue("give", "give|allot|allocate|assign|grant")

_cue(
    "need",
    "need|needs|want|wants|require|requires|should have|must have|to have|should run|run|runs|"
    "keep|make",
)

_cue(
    "set",
    "set|change|update|adjust|configure|put|modify|fix|repair|remediate|convert|turn|"
    "turn into|flip",
)

_cue("factor", "double|triple|quadruple|halve")

_cue(
    "restart",
    "restart|restarted|rollout restart|rolling restart|bounce|bounced|kick|kicked|recycle|"
    "recycled|reboot|rebooted|redeploy|redeployed|cycle|reload|respawn|"
    "restart the pods of",
)

_cue(
    "rollback",
    "roll back|rolled back|rollback|rollout undo|revert|reverted|undo the rollout of|"
    "undo the last rollout of|undo the last deploy of|undo the deploy of|"
    "undo the release of|undo the last release of|undo the rollout|undo|go back",
)

_cue("image", "upgrade|upgraded|downgrade|deploy|ship|release|roll out|use|switch|set image")

_cue("limit", "limit|cap")

_cue("env", "export|define")

_cue("logs", "logs|log|logging|logged|output|stdout|tail")

_cue(
    "read",
    "show|get|list|display|print|fetch|see|view|grab|pull|dump|read|check|give me|what|"
    "which|find|look at",
)

_cue(
    "describe",
    "double check|double-check|describe|inspect|tell me about|details of|details for|"
    "details on|info on|info about|status of|how many replicas",
)

_cue("delete", "delete|kill|evict|nuke|terminate|destroy|get rid of|rm")

_cue(
    "cordon",
    "cordon|cordoned|mark unschedulable|take out of scheduling|take out of rotation|"
    "stop scheduling on|stop scheduling pods on|disable scheduling on|no new pods on",
)

_cue(
    "uncordon",
    "uncordon|uncordoned|mark schedulable|let pods schedule on|allow scheduling on|"
    "allow pods on|enable scheduling on|re-enable scheduling on|put back into rotation|"
    "put back into service",
)

_cue("drain", "drain|drained|evacuate|empty out|move all pods off|move pods off")

_cue("prepare", "prepare|get ready|make ready|make sure|plan capacity|plan|ready")

# the general write tools: objects created, cronjobs steered, metadata and placement changed

_cue("autoscale", "autoscale|autoscaled|autoscaling|auto-scale|horizontally scale")

_cue("create", "create|created|make a new|add a new|create a new|set up|provision|generate")

_cue("expose", "expose|exposed|publish|open up")

_cue("suspend", "suspend|pause|disable|deactivate|halt|freeze|turn off|switch off")

_cue("resume", "resume|unpause|unsuspend|enable|re-enable|reenable|reactivate|unfreeze|turn on")

_cue("trigger", "trigger|kick off|fire|fire off|start|invoke|execute")

_cue("label", "label|relabel")

_cue("annotate", "annotate")

_cue("unlabel", "unlabel")

_cue("unannotate", "unannotate")

_cue("pin", "pin|schedule|place|move|stick|constrain|restrict|lock")

_cue("unpin", "unpin|unpinned")

_cue("allow", "allow|permit|let|whitelist")

_cue("deny", "deny|block|isolate|lock down|firewall off")


MAX_CUE_WORDS = max(len(p.split()) for p in CUES)

# Words that never name a target: articles, pronouns, fillers, units and kind words.

KIND_WORDS = {
    "deployment": "deployment",
    "deployments": "deployment",
    "deploy": "deployment",
    "deploys": "deployment",
    "statefulset": "statefulset",
    "statefulsets": "statefulset",
    "sts": "statefulset",
    "daemonset": "daemonset",
    "daemonsets": "daemonset",
    "ds": "daemonset",
    "pod": "pod",
    "pods": "pod",
    "po": "pod",
    "service": "service",
    "services": "service",
    "svc": "service",
    "node": "node",
    "nodes": "node",
    "hpa": "hpa",
    "hpas": "hpa",
    "autoscaler": "hpa",
    "configmap": "configmap",
    "configmaps": "configmap",
    "cm": "configmap",
    "secret": "secret",
    "secrets": "secret",
    "namespace": "namespace",
    "namespaces": "namespace",
    "ns": "namespace",
    "event": "event",
    "events": "event",
    "replicaset": "replicaset",
    "replicasets": "replicaset",
    "rs": "replicaset",
    "job": "job",
    "jobs": "job",
    "cronjob": "cronjob",
    "cronjobs": "cronjob",
    "ingress": "ingress",
    "ingresses": "ingress",
    "pvc": "pvc",
    "pvcs": "pvc",
    "pdb": "pdb",
    "pdbs": "pdb",
    "networkpolicies": "networkpolicy",
    "networkpolicy": "networkpolicy",
    "persistentvolumeclaim": "pvc",
    "persistentvolumeclaims": "pvc",
    "volume": "pvc",
    "volumes": "pvc",
    "claim": "pvc",
    "claims": "pvc",
    "cj": "cronjob",
    "serviceaccount": "serviceaccount",
    "serviceaccounts": "serviceaccount",
    "sa": "serviceaccount",
}


PLURAL_KINDS = {
    w
    for w in KIND_WORDS
    if w.endswith("s") and w not in ("ns", "ds", "rs", "sts", "ingress", "svc")
} | {"ingresses"}


FILLER = _words(
    """
    the a an my our your this that these those it them its of for to on in from with at by as
    and or please pls plz kindly me us you can could would will i we be is are was now just
    quickly asap again all every each app application workload workloads container containers
    replica replicas instance instances copy copies count number total more fewer less extra
    additional another so there has have had should must too also then thanks thank ok okay
    hey kai do does did like want lets go ahead time one up down out off back over bit little
    some many much how what which running run currently right new last latest current version
    revision rev image tag lines line logs log previous prior crashed crash before after yaml
    manifest spec json limit limits request requests cpu memory mem ram env environment
    variable variables var vars percent half cluster everything everywhere stuff thing things
    service services via across into onto someone need needs make sure able get gets got
    rolling rollout roll traffic load here where scheduling unschedulable schedulable
    maintenance mark am set once immediately manually about around roughly approximately
    type only average utilization utilisation usage target targeting automatically auto named
    called min minimum max maximum between least most port ports protocol tcp udp sending send
    sends forwarding forward forwards routing route pointing
    """
)


POLITE_OPENERS = (
    "hey kai",
    "ok kai",
    "kai",
    "please",
    "pls",
    "plz",
    "kindly",
    "can you",
    "could you",
    "would you",
    "will you",
    "can u",
    "could u",
    "i want you to",
    "i need you to",
    "i would like you to",
    "i want to",
    "i would like to",
    "i need to",
    "we need to",
    "we want to",
    "lets",
    "go ahead and",
    "just",
    "now",
    "ok",
    "okay",
    "quickly",
    "also",
    "then",
)

# A write is never planned from a clause holding one of these (negated, conditional, asked).

BLOCKERS = _words(
    """
    dont not never no wont cant without except unless if whether shouldnt stop avoid might was
    were been yesterday ago already earlier maybe later
    """
)


QUESTION_OPENERS = _words(
    """
    why how what who whom whose when where which did does do is are was were should shall has
    have can could will
    """
)


NEGATIONS = {"dont", "not", "never", "no", "wont", "cant", "shouldnt"}

# capacity planning: the event that brings the load

EVENT_WORDS = _words(
    """
    friday monday tuesday wednesday thursday saturday sunday weekend tomorrow tonight
    christmas xmas holiday holidays sale sales launch peak rush black cyber year week month
    evening morning noon midnight season
    """
)

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:t[\d:]+z?)?|\d{1,2}(?::\d{2})?(?:am|pm)|\d{1,2}:\d{2}")


def is_event_word(word: str) -> bool:
    """A word naming when load comes: an event ("friday", "launch") or a date or time."""
    return word in EVENT_WORDS or _DATE.fullmatch(word) is not None


CAPACITY_TRIGGERS = (
    "to handle",
    "handle",
    "ready for",
    "prepared for",
    "ahead of",
    "before",
    "for",
    "to survive",
    "survive",
    "cope with",
    "through",
)


# after these any phrase names the event ("handle the apocalypse": the tool judges it)
STRONG_CAPACITY_TRIGGERS = {"to handle", "handle", "ready for", "prepared for", "cope with"}
LOAD_WORDS = _words(
    """
    traffic load demand rush peak surge spike crowd crowds
    """
)


RESOURCE_WORDS = {
    "cpu": "cpu",
    "cpus": "cpu",
    "memory": "memory",
    "mem": "memory",
    "ram": "memory",
}

# verb phrases with the target in the middle: "roll payment back", "mark node-c unschedulable"
GAPS: tuple[tuple[frozenset[str], tuple[str, ...], str], ...] = (
    (frozenset({"roll", "rolls"}), ("back",), "rollback"),
    (frozenset({"mark", "make", "set", "flag"}), ("unschedulable",), "cordon"),
    (frozenset({"mark", "make", "set", "flag"}), ("schedulable",), "uncordon"),
    (frozenset({"take", "pull"}), ("out", "of"), "cordon"),
    (frozenset({"put", "bring"}), ("back",), "uncordon"),
    (frozenset({"get"}), ("ready",), "prepare"),
    (frozenset({"bring"}), ("down", "to"), "down"),
    (frozenset({"take"}), ("down", "to"), "down"),
    (frozenset({"cut"}), ("in", "half"), "down"),
    (frozenset({"take", "strip"}), ("off",), "remove"),
)


# kinds and terms written as several words read as one ("cron job" -> cronjob)
PHRASES: dict[tuple[str, ...], str] = {
    ("cron", "job"): "cronjob",
    ("cron", "jobs"): "cronjobs",
    ("cron-job",): "cronjob",
    ("persistent", "volume", "claim"): "pvc",
    ("persistent", "volume", "claims"): "pvcs",
    ("config", "map"): "configmap",
    ("config", "maps"): "configmaps",
    ("stateful", "set"): "statefulset",
    ("daemon", "set"): "daemonset",
    ("replica", "set"): "replicaset",
    ("horizontal", "pod", "autoscaler"): "hpa",
    ("node", "port"): "nodeport",
    ("node-port",): "nodeport",
    ("load", "balancer"): "loadbalancer",
    ("load-balancer",): "loadbalancer",
    ("cluster", "ip"): "clusterip",
    ("cluster-ip",): "clusterip",
    ("node", "selector"): "nodeselector",
    ("node", "selectors"): "nodeselector",
    ("node-selector",): "nodeselector",
    ("auto", "scale"): "autoscale",
    ("service", "account"): "serviceaccount",
    ("service", "accounts"): "serviceaccounts",
}
MAX_PHRASE_WORDS = max(len(p) for p in PHRASES)

SERVICE_TYPES = {"nodeport": "NodePort", "loadbalancer": "LoadBalancer", "clusterip": "ClusterIP"}

# a statement of fact, not an instruction: "the worker keeps crashing", "we over-provisioned"
STATE_WORDS = _words(
    """
    is are was were has have had keeps kept seems seem looks broke broken cannot cant does did
    got gets getting became went asks asked requests requested uses crashes fails failed stuck
    wont doesnt isnt arent
    """
)
CONDITIONS = _words("if unless whether when until once")

# a last clause that only urges on the rest: "It needs 300Mi of memory: fix it"
URGINGS = {
    "fix it",
    "fix that",
    "fix this",
    "fix them",
    "do it",
    "do that",
    "do so",
    "make it so",
    "sort it out",
    "fix",
    "do it now",
    "diagnose",
    "troubleshoot",
    "investigate",
    "debug",
    "diagnose it",
    "look into it",
}

ENV_WORDS = {"env", "environment", "variable", "variables", "var", "vars", "export"}
NAME_PARTS = {"service", "app", "api", "server", "web", "db", "database", "backend"}
KIND_ALIASES = {
    "deploy": "deployment",
    "deployment": "deployment",
    "deployments": "deployment",
    "deployment.apps": "deployment",
    "sts": "statefulset",
    "statefulset": "statefulset",
    "ds": "daemonset",
    "daemonset": "daemonset",
    "pod": "pod",
    "po": "pod",
    "pods": "pod",
    "svc": "service",
    "service": "service",
    "node": "node",
    "no": "node",
    "hpa": "hpa",
    "cm": "configmap",
    "configmap": "configmap",
    "secret": "secret",
    "rs": "replicaset",
    "replicaset": "replicaset",
    "job": "job",
    "cronjob": "cronjob",
    "cj": "cronjob",
    "ingress": "ingress",
    "ing": "ingress",
    "pvc": "pvc",
    "ns": "namespace",
    "namespace": "namespace",
}
