"""The placement advisor against a live cluster: read state, ask, turn answers into records.

The advisor itself (``advisors/placement*``) is pure; this module lists nodes, pods and
daemonsets, resolves fuzzy workload names to ``namespace/workload`` keys, and turns a
consolidation into drain proposals (proposals only: the changes pipeline still diffs and asks).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, is_dataclass
from typing import Any

from k8sgpt_py.cluster.kube import Cluster
from k8sgpt_py.errors import UsageError
from k8sgpt_py.tools.base import ToolContext


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
        if replicas < 0:
            raise UsageError(f"replica count for {name} must be >= 0, got {replicas}")
        found = find(ctx, name, kinds=("Deployment", "StatefulSet"))
        keys[f"{found.namespace}/{found.name}"] = replicas
    return keys


def parse_what_if(items: list[str]) -> dict[str, int]:
    """``["checkout=12", "cart=4"]`` -> ``{"checkout": 12, "cart": 4}``; exit 2 on bad input."""
    out = {}
    for item in items:
        name, sep, count = item.partition("=")
        if not sep or not name.strip() or not count.strip().isdigit():
            raise UsageError(
                f"bad --what-if {item!r}", hint="use WORKLOAD=REPLICAS, e.g. checkout=12"
            )
        out[name.strip()] = int(count)
    return out


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
