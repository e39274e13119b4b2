"""The placement advisor against a live cluster: read state, ask, turn answers into records.

The advisor itself (``advisors/placement*``) is pure; this module lists nodes, pods and
daemonsets, resolves fuzzy workload names to ``namespace/workload`` keys, and turns a
consolidation into drain proposals (proposals only: the changes pipeline still diffs and asks).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any, NoReturn

from k8sgpt_py.cluster.kube import Cluster
from k8sgpt_py.errors import UsageError
from k8sgpt_py.tools.base import ToolContext

# The solver's time grows with the pods it places (10,000 take ~25 s on the demo cluster);
# a what-if beyond this is a typo, not a plan.
MAX_WHAT_IF_REPLICAS = 10_000
_COUNT = re.compile(r"[0-9]+")


def read_state(cluster: Cluster) -> Any:
    """Nodes, running and pending pods, and daemonsets as the advisor's ClusterState."""
    from k8sgpt_py.advisors.placement_input import cluster_state

    return cluster_state(
        cluster.list("Node"), cluster.list("Pod", None), cluster.list("DaemonSet", None)
    )


def workload_keys(ctx: ToolContext, changes: Mapping[str, int]) -> dict[str, int]:
    """``{"checkout": 12}`` -> ``{"shop/checkoutservice": 12}`` (fuzzy, namespaces inferred)."""
    from k8sgpt_py.tools.common import find

    keys = {}
    for name, replicas in changes.items():
        _check_count(name, replicas)
        found = find(ctx, name, kinds=("Deployment", "StatefulSet"))
        keys[f"{found.namespace}/{found.name}"] = replicas
    return keys


def parse_what_if(items: list[str]) -> dict[str, int]:
    """``["checkout=12", "cart=4"]`` -> ``{"checkout": 12, "cart": 4}``; exit 2 on bad input."""
    out = {}
    for item in items:
        name, sep, count = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(
                f"bad --what-if {item[:60]!r}", hint="use WORKLOAD=REPLICAS, e.g. checkout=12"
            )
        if not _COUNT.fullmatch(count.strip()):
            _bad_count(name.strip(), count.strip())
        out[name.strip()] = _check_count(name.strip(), int(count))
    return out


def _check_count(name: str, replicas: object) -> int:
    """A replica count from 0 to MAX_WHAT_IF_REPLICAS, else UsageError (exit 2)."""
    if isinstance(replicas, bool) or not isinstance(replicas, int):
        _bad_count(name, replicas)
    if not 0 <= replicas <= MAX_WHAT_IF_REPLICAS:
        _bad_count(name, replicas)
    return replicas


def _bad_count(name: str, count: object) -> NoReturn:
    raise UsageError(
        f"replica count for {name[:60]} must be a whole number from 0 to "
        f"{MAX_WHAT_IF_REPLICAS}, got {str(count)[:40]!r}",
        hint="use WORKLOAD=REPLICAS, e.g. checkout=12",
    )


def what_if(ctx: ToolContext, changes: Mapping[str, int]) -> Any:
    """Does the cluster hold these replica counts (fuzzy names); if not, nodes to add."""
    return solve_what_if(ctx.cluster, workload_keys(ctx, changes))


def solve_what_if(cluster: Cluster, keys: Mapping[str, int]) -> Any:
    """The what-if for exact ``namespace/workload`` keys."""
    from k8sgpt_py.advisors.placement import what_if as solve

    try:
        return solve(read_state(cluster), keys)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc


def pending_explanations(cluster: Cluster, namespace: str | None = None) -> list[Any]:
    """The advisor's explanation for every group with Pending pods (optionally one namespace)."""
    from k8sgpt_py.advisors.placement_explain import explain_unschedulable, pending_groups

    state = read_state(cluster)
    return [
        explain_unschedulable(state, group)
        for group in pending_groups(state)
        if group.count > 0 and (namespace is None or group.namespace == namespace)
    ]


def to_plain(value: Any) -> Any:
    """Advisor records as JSON-able data (dataclasses, mappings, tuples)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {k: to_plain(v) for k, v in asdict(value).items()}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_plain(v) for v in value]
    return value
