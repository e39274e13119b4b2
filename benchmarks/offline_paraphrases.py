"""Issue 12 figure: how many plain-English paraphrases the offline planner gets right.

    python3 benchmarks/offline_paraphrases.py

Reads tests/unit/offline_corpus.yaml (tuned on) and tests/unit/offline_corpus_heldout.yaml
(written first, never tuned to), plans every request offline against a fresh sandbox, and
prints the accuracy of each and every miss. A request is right when it gives exactly the expected tool calls
(names compared as the object they resolve to, as the tools resolve them), the expected
diagnostic question, or, for a negative example, no write at all.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "unit" / "offline_corpus.yaml"
HELDOUT = ROOT / "tests" / "unit" / "offline_corpus_heldout.yaml"
_KINDS = {
    "scale_workload": ("Deployment", "StatefulSet"),
    "plan_capacity": ("Deployment", "StatefulSet"),
    "rollback_deployment": ("Deployment",),
    "restart_workload": ("Deployment", "StatefulSet", "DaemonSet"),
    "set_image": ("Deployment", "StatefulSet", "DaemonSet"),
    "set_resources": ("Deployment", "StatefulSet", "DaemonSet"),
    "set_env": ("Deployment", "StatefulSet", "DaemonSet"),
    "get_pod_logs": ("Pod", "Deployment", "StatefulSet", "DaemonSet"),
    "delete_pod": ("Pod",),
    "cordon_node": ("Node",),
    "uncordon_node": ("Node",),
    "drain_node": ("Node",),
    "update_hpa": ("HorizontalPodAutoscaler",),
    "autoscale_workload": ("Deployment", "StatefulSet"),
    "expose_workload": ("Deployment", "StatefulSet", "DaemonSet"),
    "set_service_type": ("Service",),
    "suspend_cronjob": ("CronJob",),
    "resume_cronjob": ("CronJob",),
    "trigger_cronjob": ("CronJob",),
}
# tools that make a new object: its name is compared as written, never resolved
_NEW = {"create_namespace", "create_configmap", "create_job"}
_ANY = ("Deployment", "StatefulSet", "DaemonSet", "Pod", "Service", "Node", "ConfigMap",
        "Secret", "HorizontalPodAutoscaler", "Namespace")  # fmt: skip


class CachedCluster:
    """The sandbox cluster with list results kept: the corpus lists the same kinds 1000 times."""

    def __init__(self, cluster: Any) -> None:
        self._cluster = cluster
        self._lists: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
        self.target = cluster.target

    def iter_list(self, kind: Any, namespace: str | None = None, **kw: Any) -> Iterator[Any]:
        key = (str(getattr(kind, "kind", kind)), namespace)
        if key not in self._lists:
            self._lists[key] = list(self._cluster.iter_list(kind, namespace, **kw))
        return iter(self._lists[key])

    def list(self, kind: Any, namespace: str | None = None, **kw: Any) -> list[Any]:
        return list(self.iter_list(kind, namespace, **kw))


@dataclass
class Outcome:
    """One corpus entry's verdict."""

    request: str
    ok: bool
    expected: Any
    got: Any


def load(path: Path) -> list[dict[str, Any]]:
    import yaml

    return list(yaml.safe_load(path.read_text()) or [])


def understand(request: str, names: Any) -> Any:
    """What kai does with a request offline: a diagnostic question, tool calls, or None."""
    from k8sgpt_py.planner.offline import parse
    from k8sgpt_py.planner.questions import question

    asked = question(request)
    if asked is not None:
        return asked
    return parse(request, names)


def identity(cluster: Any, tool: str, args: dict[str, Any]) -> Any:
    """The object a call's name/kind/namespace resolve to, as the tool would resolve them."""
    from k8sgpt_py.cluster.kinds import lookup_kind
    from k8sgpt_py.cluster.refs import ResourceRef, parse_ref
    from k8sgpt_py.cluster.resolve import resolve
    from k8sgpt_py.errors import KaiError

    name = args.get("name")
    if name is None:
        return None
    if tool in _NEW:
        return f"new {name}"
    try:
        ref = parse_ref(str(name))
        kind = ref.kind or (lookup_kind(args["kind"]).kind if args.get("kind") else None)
        ref = ResourceRef(ref.name, kind, args.get("namespace") or ref.namespace)
        found = resolve(cluster, ref, kinds=_KINDS.get(tool, _ANY))
    except KaiError as exc:
        return f"unresolved {name!r}: {exc.message}"
    return f"{found.kind}/{found.namespace or ''}/{found.name}"


def canonical(cluster: Any, tool: str, args: dict[str, Any]) -> tuple[str, Any, dict[str, Any]]:
    """A call as (tool, object, other args) so equal meanings compare equal."""
    from k8sgpt_py.cluster.kinds import lookup_kind

    rest = {k: v for k, v in args.items() if k not in ("name", "kind", "namespace")}
    if tool == "list_resources":
        rest["kind"] = lookup_kind(str(args["kind"])).kind
        if args.get("namespace"):
            rest["namespace"] = args["namespace"]
    if tool == "delete_resource":
        rest["kind"] = lookup_kind(str(args["kind"])).kind
    rest = {k: (float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
            for k, v in rest.items()}  # fmt: skip
    if isinstance(rest.get("when"), str):
        rest["when"] = rest["when"].lower()
    return tool, identity(cluster, tool, args), rest


def judge(entry: dict[str, Any], got: Any, cluster: Any) -> bool:
    """Is ``got`` what the entry expects?"""
    from k8sgpt_py.planner.offline import Call
    from k8sgpt_py.planner.questions import Question
    from k8sgpt_py.tools.registry import all_tools

    if entry.get("no_write"):
        if not isinstance(got, list):
            return True
        writes = {n for n, t in all_tools().items() if t.is_mutating} | {"fix"}
        return not any(c.tool in writes for c in got)
    if "question" in entry:
        want = entry["question"]
        return isinstance(got, Question) and (got.command, got.target, got.namespace) == (
            want["command"], want.get("target"), want.get("namespace"))  # fmt: skip
    if not isinstance(got, list) or not all(isinstance(c, Call) for c in got):
        return False
    wanted = [next(iter(c.items())) for c in entry["calls"]]
    if len(wanted) != len(got):
        return False
    return all(
        canonical(cluster, tool, args) == canonical(cluster, c.tool, c.args)
        for (tool, args), c in zip(wanted, got, strict=True)
    )


def evaluate(entries: list[dict[str, Any]], cluster: Any) -> list[Outcome]:
    """Plan every entry offline and judge it."""
    from k8sgpt_py.planner.offline import ClusterNames

    out = []
    for entry in entries:
        got = understand(entry["request"], ClusterNames(cluster))
        expected = entry.get("calls") or entry.get("question") or "no write"
        out.append(Outcome(entry["request"], judge(entry, got, cluster), expected, got))
    return out


def accuracy(outcomes: list[Outcome]) -> float:
    return sum(o.ok for o in outcomes) / max(len(outcomes), 1)


def sandbox_cluster() -> Iterator[CachedCluster]:
    """A fresh demo sandbox and a cached cluster client on it."""
    from k8sgpt_py.cluster.kube import Cluster
    from k8sgpt_py.sandbox import Sandbox

    with Sandbox() as box, tempfile.TemporaryDirectory() as tmp:
        kubeconfig = box.write_kubeconfig(Path(tmp) / "kubeconfig")
        yield CachedCluster(Cluster.connect(kubeconfig=str(kubeconfig)))


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    for cluster in sandbox_cluster():
        for label, path in (("corpus", CORPUS), ("held-out", HELDOUT)):
            entries = load(path)
            started = time.perf_counter()
            outcomes = evaluate(entries, cluster)
            ms = (time.perf_counter() - started) * 1000 / max(len(entries), 1)
            right = sum(o.ok for o in outcomes)
            print(f"{label}: {right}/{len(outcomes)} right ({accuracy(outcomes):.1%}), "
                  f"{ms:.1f} ms per request")  # fmt: skip
            for o in outcomes:
                if not o.ok:
                    print(f"  miss: {o.request!r}\n    expected {o.expected}\n    got      {o.got}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
