"""Offline intents that make objects: an HPA, a Service, a namespace, a configmap, a job.

"autoscale cart between 2 and 8 at 60% cpu", "expose checkout on port 8080", "create
namespace team-a", "create configmap app-settings with LOG_LEVEL=debug", "run a job called
migrate with image busybox running echo hi", "run the nightly-report cronjob now". The new
object's name is the word after its kind ("namespace team-a"), before it ("the qa
namespace") or after "called"/"named"; an existing object is found as every target is.
"""

from __future__ import annotations

from k8sgpt_py.planner import lexicon as lx
from k8sgpt_py.planner.clause import Clause
from k8sgpt_py.planner.extract import NAMEISH
from k8sgpt_py.planner.intent import Args, Intent
from k8sgpt_py.planner.reads import SCALABLE, WORKLOADS, where
from k8sgpt_py.planner.slots import REPLICA_NOUNS, Number

WORKLOAD_REFS = ("deployment", "statefulset", "daemonset")


def _words_of(text: str) -> set[str]:
    return set(text.split())


_PLACE_WORDS = {"in", "from", "on", "of", "inside", "within", "for", "to", "into", "onto", "at"}
# words right next to a kind word that are not the new object's name ("a job from cronjob x")
_NOT_A_NAME = (
    set(lx.KIND_WORDS)
    | lx.BLOCKERS
    | lx.NEGATIONS
    | _words_of(
        """the a an my our your this that these those for in into with from to on of at by as
    called named which and or using please now new it its some one called whose"""
    )
)


def created_kinds(c: Clause) -> list[str]:
    """The kinds a request makes: kind words that do not say where ("in the shop namespace")."""
    kinds = []
    for i, w in enumerate(c.words):
        kind = lx.KIND_WORDS.get(w.low)
        near = {x.low for x in c.words[max(0, i - 3) : i]}
        if kind is not None and i not in c.ns_at and not near & _PLACE_WORDS:
            kinds.append(kind)
    return kinds


def created_kind(c: Clause) -> str | None:
    """The kind a request makes: its first kind word that does not say where."""
    kinds = created_kinds(c)
    return kinds[0] if kinds else None


def new_name(c: Clause, kind: str) -> str | None:
    """The new object's name: "called X", "namespace X" or "the X namespace"."""
    if c.slots.called:
        return c.slots.called
    for i, w in enumerate(c.words):
        if lx.KIND_WORDS.get(w.low) != kind:
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(c.words) and _is_new_name(c.words[j].low):
                return c.words[j].low
        return None
    return None


def _is_new_name(low: str) -> bool:
    return bool(NAMEISH.match(low)) and low not in _NOT_A_NAME and low not in lx.CUES


def _is_creating(c: Clause, kind: str) -> bool:
    """Does the clause make one ``kind`` ("a namespace called dev and a configmap": no)?"""
    return set(created_kinds(c)) == {kind} and c.has("create", "add", "need")


def _exists(c: Clause, kind: str, name: str) -> bool:
    """Is there already such an object (in the clause's namespace, when it names one)?"""
    if c.names is None:
        return False
    return any(n == name and ns in (None, c.slots.namespace or ns) for n, ns in c.names.names(kind))


# -- namespace, configmap ---------------------------------------------------------------------


def _create_namespace(c: Clause) -> Args | None:
    if not _is_creating(c, "namespace"):
        return None
    name = new_name(c, "namespace")
    if name is None:
        return None
    labels = {k: v for k, v in c.slots.pairs.items() if v}
    if labels and not c.has_word("label", "labels", "labelled", "labeled"):
        return None  # pairs that are not labels: something else was asked too
    return {"name": name, "labels": labels} if labels else {"name": name}


def _create_configmap(c: Clause) -> Args | None:
    if not _is_creating(c, "configmap"):
        return None
    name = new_name(c, "configmap")
    if name is None or not c.slots.pairs:
        return None
    return where(c, {"name": name, "data": dict(c.slots.pairs)})


# -- jobs and cronjobs ---------------------------------------------------------------------------

_COMMAND_WORDS = {"command", "cmd", "running", "runs", "run", "executing", "execute", "executes"}


def image_of(c: Clause) -> str | None:
    """The image a new object runs: a tagged image, ``--image=x``, or the word after "image"."""
    if c.slots.image:
        return c.slots.image
    if c.slots.options.get("image"):
        return c.slots.options["image"]
    for i, w in enumerate(c.words[:-1]):
        if w.low == "image" and _is_new_name(c.words[i + 1].low):
            return c.words[i + 1].text
    return None


def _command(c: Clause, image: str) -> list[str]:
    """What the job runs: the words after "command", "running", "--" (not the image itself)."""
    kind_at = next((i for i, w in enumerate(c.words) if w.low == "job"), 0)
    for i in range(kind_at + 1, len(c.words) - 1):
        if c.words[i].low not in _COMMAND_WORDS and c.words[i].low != "--":
            continue
        rest = [w for k, w in enumerate(c.words) if k > i and k not in c.ns_at]
        while rest and rest[0].low in ("the", "a", "command", "cmd", "--"):
            rest = rest[1:]
        if rest and rest[0].text != image and rest[0].low != "image":
            return [w.text for w in rest]
    return []


def cronjob_named(c: Clause) -> str | None:
    """The cronjob a request names: ``cronjob/x``, ``--from=cronjob/x``, or next to "cronjob"."""
    source = c.slots.options.get("from", "")
    if source.startswith(("cronjob/", "cj/")):
        return source.split("/", 1)[1]
    for alias, text in c.refs:
        if lx.KIND_ALIASES.get(alias) == "cronjob":
            return text
    found = c.take(("CronJob",))
    if found:
        return found
    for i, w in enumerate(c.words):
        if w.low not in ("cronjob", "cj"):
            continue
        for j in (i + 1, i - 1):
            if 0 <= j < len(c.words) and _is_new_name(c.words[j].low) and not c.words[j].used:
                return c.words[j].low
    return None


def _create_job(c: Clause) -> Args | None:
    if not _is_creating(c, "job"):
        return None
    name = new_name(c, "job")
    if name is None:
        return None
    cronjob = cronjob_named(c) if c.has_word("cronjob", "cj") or c.slots.options else None
    if cronjob:
        return where(c, {"name": name, "from_cronjob": cronjob})
    image = image_of(c)
    if image is None:
        return None
    args: Args = {"name": name, "image": image}
    command = _command(c, image)
    if command:
        args["command"] = command
    return where(c, args)


def _trigger(c: Clause) -> Args | None:
    """Run a cronjob now: "run the nightly cronjob now", "create a job from cronjob nightly"."""
    is_cron = c.has_word("cronjob", "cj") or any(
        lx.KIND_ALIASES.get(a) == "cronjob" for a, _ in c.refs
    )
    if created_kind(c) == "job":  # a job made from a cronjob, no name given: like a trigger
        if new_name(c, "job") is not None or not is_cron:
            return None
    elif not is_cron and (
        not c.has("trigger") or (c.names is not None and not c.real(("CronJob",)))
    ):
        return None
    name = cronjob_named(c) if is_cron else c.target(("CronJob",), ref_kinds=("cronjob",))
    if name is None:
        return None
    args = where(c, {"name": name})
    if c.slots.called and c.slots.called != name:
        args["job_name"] = c.slots.called
    return args


# -- deployment -----------------------------------------------------------------------------------


def _create_deployment(c: Clause) -> Args | None:
    """A Deployment manifest: "create a deployment named hello running nginx:1.27"."""
    if not _is_creating(c, "deployment"):
        return None
    name, image = new_name(c, "deployment"), image_of(c)
    if name is None or image is None or _exists(c, "Deployment", name):
        return None  # an existing deployment is changed by the other intents
    counts = [n for n in c.slots.numbers if n.after in REPLICA_NOUNS and not n.percent]
    replicas = int(c.slots.options.get("replicas") or (counts[0].value if counts else 1))
    ports = [n for n in c.slots.numbers if _port_number(c, n)]
    port = c.slots.options.get("port") or (int(ports[0].value) if ports else None)
    return where(c, {"manifest": deployment_manifest(name, image, replicas, port)})


def deployment_manifest(name: str, image: str, replicas: int, port: int | str | None) -> str:
    """The Deployment ``kubectl create deployment NAME --image=IMAGE`` makes, as YAML."""
    import yaml

    container_name = image.split("@")[0].rsplit("/", 1)[-1].split(":")[0] or name
    container: Args = {"name": container_name, "image": image}
    if port is not None:
        container["ports"] = [{"containerPort": int(port)}]
    doc = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [container]},
            },
        },
    }
    return str(yaml.safe_dump(doc, sort_keys=False))


# -- expose, autoscale ----------------------------------------------------------------------------


def _port_number(c: Clause, n: Number) -> bool:
    """A number that is a port: after "port" or "on", or a 4-5 digit number."""
    before = [w.low for w in c.words[max(0, n.index - 2) : n.index]]
    return not n.percent and ("port" in before or n.before in ("on", "at"))


def _is_target_port(c: Clause, n: Number) -> bool:
    before = [w.low for w in c.words[max(0, n.index - 3) : n.index]]
    return bool({"target", "targetport", "container", "targeting"} & set(before))


def _expose(c: Clause) -> Args | None:
    if not c.has("expose") and not (created_kind(c) == "service" and c.has("create", "add")):
        return None  # "create a service for the cart deployment" exposes it too
    if c.slots.called_at is not None:
        c.words[c.slots.called_at].used = True  # the new Service's name is not the target
    name = c.target(WORKLOADS, ref_kinds=WORKLOAD_REFS)
    if name is None:
        return None
    args: Args = {"name": name}
    numbers = [n for n in c.slots.numbers if not n.percent and n.value == int(n.value)]
    targets = [n for n in numbers if _is_target_port(c, n)]
    ports = [n for n in numbers if n not in targets]
    if len(ports) > 1 and not targets and ports[1].before == "to":
        targets = ports[1:]  # "on 80 to 8080"
        ports = ports[:1]
    if len(ports) > 1 or len(targets) > 1:
        return None
    if c.slots.image and ":" in c.slots.image and c.slots.image.replace(":", "").isdigit():
        port, target = c.slots.image.split(":")  # "80:8080"
        args |= {"port": int(port), "target_port": int(target)}
    if ports:
        args["port"] = int(ports[0].value)
    if targets:
        args["target_port"] = int(targets[0].value)
    for key, option in (("port", "port"), ("target_port", "target-port")):
        if c.slots.options.get(option, "").isdigit():
            args[key] = int(c.slots.options[option])
    if c.slots.service_type:
        args["type"] = c.slots.service_type
    if c.slots.called and c.slots.called != name:
        args["service_name"] = c.slots.called
    return where(c, args)


def _hpa_is_definite(c: Clause) -> bool:
    """Does "the frontend hpa" or "hpa/frontend" name an HPA that exists ("an hpa" does not)?"""
    if any(alias in ("hpa", "horizontalpodautoscaler") for alias, _ in c.refs):
        return True
    for i, w in enumerate(c.words):
        if w.low in ("hpa", "autoscaler"):
            return not any(x.low in ("a", "an") for x in c.words[max(0, i - 2) : i])
    return False


def _autoscale(c: Clause) -> Args | None:
    hpa_word = c.has_word("hpa", "autoscaler") or bool(c.refs and c.refs[0][0] == "hpa")
    percents = [n for n in c.slots.numbers if n.percent]
    creating = c.has("autoscale", "create", "add")
    if not (creating or c.slots.is_range or hpa_word):
        return None
    if hpa_word and _hpa_is_definite(c) and not (creating or percents):
        return None  # bounds of an HPA that exists: update_hpa
    bounds = dict(c.slots.bounds)
    if "max" not in bounds and c.slots.froms:
        to = [n for n in c.slots.numbers if n.before == "to" and not n.percent]
        if len(to) == 1:
            bounds = {"min": int(c.slots.froms[0].value), "max": int(to[0].value)}
    if "max" not in bounds:
        return None
    name = c.target(SCALABLE, ref_kinds=("deployment", "statefulset"))
    if name is None:
        return None
    args: Args = {"name": name, "min_replicas": bounds.get("min", 1), "max_replicas": bounds["max"]}
    return where(c, args | _utilisation(c, percents))


def _utilisation(c: Clause, percents: list[Number]) -> Args:
    """{"cpu_percent": 60} from "at 60% cpu" ("memory_percent" when memory is named)."""
    out: Args = {}
    for flag in c.slots.flags:
        resource, _, value = flag.partition("=")
        if resource in ("cpu", "memory") and value.endswith("%") and value[:-1].isdigit():
            out[f"{resource}_percent"] = int(value[:-1])
    for n in percents:
        near = [w.low for w in c.words[max(0, n.index - 3) : n.index + 4]]
        resource = "memory" if {"memory", "mem", "ram"} & set(near) else "cpu"
        out.setdefault(f"{resource}_percent", int(n.value))
    if "memory_percent" in out and "cpu_percent" not in out:
        out["cpu_percent"] = None  # memory only: no cpu target by default
    return out


INTENTS: tuple[Intent, ...] = (
    Intent(
        "autoscale",
        "autoscale_workload",
        ("autoscale", "create", "add", "need", "scale", "set", "give"),
        _autoscale,
        (
            "autoscale cart between 2 and 8 at 60% cpu",
            "add an hpa to frontend min 2 max 10",
            "keep cart between 2 and 8 replicas at 70% cpu",
        ),
    ),
    Intent(
        "expose",
        "expose_workload",
        ("expose", "create", "add"),
        _expose,
        ("expose checkout on port 8080", "expose frontend as a NodePort on 80"),
    ),
    Intent(
        "create namespace",
        "create_namespace",
        ("create", "add", "need"),
        _create_namespace,
        ("create namespace team-a", "make a new namespace called qa"),
    ),
    Intent(
        "create configmap",
        "create_configmap",
        ("create", "add", "need"),
        _create_configmap,
        ("create configmap app-settings with LOG_LEVEL=debug and MODE=fast",),
    ),
    Intent(
        "trigger cronjob",
        "trigger_cronjob",
        ("trigger", "need", "create", "add"),
        _trigger,
        ("run the nightly-report cronjob now", "create a job from cronjob nightly-report"),
    ),
    Intent(
        "create job",
        "create_job",
        ("create", "need", "add", "trigger"),
        _create_job,
        ("run a job called migrate with image busybox running echo hi",),
    ),
    Intent(
        "create deployment",
        "apply_manifest",
        ("create", "add", "need"),
        _create_deployment,
        ("create a deployment named hello running nginx:1.27 with 2 replicas",),
    ),
)
