"""ILP scheduler advisor: what-if scaling, consolidation, fragmentation, unschedulable pods.

The integer programme is the textbook one - maximise sum u_ij x_ij with every pod placed once
and sum_i r_i x_ij <= c_j per node and resource - made small by grouping: pods of one
workload with identical requests and constraints form a class, and the variable is an
integer count ``y[class, node]`` rather than a binary per pod (exact, because pods of a class
are interchangeable). Objectives are lexicographic, by weights:

1. place every pod (unplaced pods cost most),
2. then use the fewest / cheapest nodes (consolidation, extra nodes for a what-if),
3. then move the fewest running pods (a pod "stays" when its node keeps that many pods),
4. then keep the peak CPU/memory utilisation of any node low (balance; worth < one move).

Constraints: CPU, memory and pod count per node (allocatable net of daemonset overhead);
nodeSelector, required node affinity and taints/tolerations (NoSchedule, NoExecute) decide
which nodes a class may use; required pod anti-affinity on ``kubernetes.io/hostname`` caps a
class at one pod per node; a hostname topology spread (maxSkew, DoNotSchedule) bounds the
spread over the always-on nodes. Running pods may stay on a node that no longer admits their
class (cordoned, relabelled) - Kubernetes does not evict them - but no pods are added there.

What-if policy: running pods may move when that is what makes the new replicas fit
(``allow_moves=True``, the default); moves are minimised after node count, so when the pods
fit without moving anything, nothing moves. With ``allow_moves=False`` running pods are
pinned. Extra nodes are copies of existing node types (labels, taints, allocatable of the
type's first schedulable node), chosen by count or by ``NodeInfo.cost``.

Solver: HiGHS (through PuLP's highspy interface) when highspy imports, else CBC (bundled with
PuLP); ``SolverOptions(solver="cbc"|"highs")`` forces one. HiGHS is the default because it
reports its dual bound (so every result has a gap, CBC's only when optimal) and was the faster
on our consolidation test (40 nodes, 30 groups: HiGHS optimal in 10 s, CBC still at its 30 s
limit; small what-ifs take < 1 s with either). The bin-packing code (``packing.py``,
``colgen.py``) uses HiGHS.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from k8sgpt_py.advisors.placement_explain import (
    explain_unschedulable,
    fragmentation,
    moves_between,
    new_pods_between,
    pending_groups,
)
from k8sgpt_py.advisors.placement_model import (
    ClusterState,
    ConsolidationResult,
    NodeInfo,
    PlacementResult,
    PodGroup,
    WhatIfResult,
    is_eligible,
)
from k8sgpt_py.advisors.placement_solver import SolverOptions, run_solver

__all__ = [
    "SolverOptions",
    "consolidate",
    "explain_unschedulable",
    "fragmentation",
    "pending_groups",
    "solve_placement",
    "what_if",
]

_DIMS = ("cpu_millicores", "memory_bytes", "pods")
_MAX_PER_NODE_PAIRS = 20_000


@dataclass(frozen=True)
class _Problem:
    groups: tuple[PodGroup, ...]
    nodes: tuple[NodeInfo, ...]
    optional: tuple[bool, ...]
    new_type: tuple[str, ...]
    allow_moves: bool = True
    allow_unplaced: bool = True
    balance: bool = True


def _current(group: PodGroup, nodes: Sequence[NodeInfo]) -> list[int]:
    return [group.current_nodes.count(n.name) for n in nodes]


def _req(group: PodGroup, dim: str) -> int:
    """A pod's request in one dimension (every pod counts as one pod)."""
    return 1 if dim == "pods" else int(getattr(group.requests, dim))


def _cap(node: NodeInfo, dim: str) -> int | None:
    """A node's capacity in one dimension; None for an unset (0) pod limit."""
    value = int(getattr(node.allocatable, dim))
    return None if dim == "pods" and value <= 0 else value


def _upper(group: PodGroup, node: NodeInfo, current: int) -> int:
    """Most pods of the group the node may hold (0 when it is not eligible)."""
    req = [_req(group, d) for d in _DIMS]
    cap = [_cap(node, d) for d in _DIMS]
    fit = min(
        (c // r for r, c in zip(req, cap, strict=True) if r > 0 and c is not None),
        default=group.count,
    )
    upper = min(group.count, fit)
    if group.anti_affinity_hostname:
        upper = min(upper, 1)
    if not is_eligible(node, group):
        upper = min(upper, current)
    return max(0, upper)


def _weights(prob: _Problem) -> tuple[float, float]:
    """(weight of one unplaced pod, weight of one unit of node cost)."""
    pods = sum(g.count for g in prob.groups)
    costs = [n.cost for n, opt in zip(prob.nodes, prob.optional, strict=True) if opt]
    w_node = (pods + 1) / max(min((c for c in costs if c > 0), default=1.0), 1e-6)
    w_unplaced = w_node * (sum(costs) + 1.0) + pods + 1
    return w_unplaced, w_node


def _add_skew(lp: Any, pulp: Any, prob: _Problem, y: dict[tuple[int, int], Any]) -> None:
    for g, group in enumerate(prob.groups):
        if group.max_skew_hostname is None:
            continue
        fixed = [
            j
            for j, node in enumerate(prob.nodes)
            if not prob.optional[j] and is_eligible(node, group) and (g, j) in y
        ]
        if len(fixed) < 2:
            continue
        hi = pulp.LpVariable(f"hi_{g}", 0)
        lo = pulp.LpVariable(f"lo_{g}", 0)
        lp += hi - lo <= group.max_skew_hostname
        for j in fixed:
            lp += y[g, j] <= hi
            lp += y[g, j] >= lo


def _build(
    prob: _Problem,
) -> tuple[Any, dict[tuple[int, int], Any], dict[int, Any], dict[int, Any]]:
    import pulp

    lp = pulp.LpProblem("placement", pulp.LpMinimize)
    w_unplaced, w_node = _weights(prob)
    y: dict[tuple[int, int], Any] = {}
    keep: list[Any] = []
    z = {j: pulp.LpVariable(f"z_{j}", cat="Binary") for j, o in enumerate(prob.optional) if o}
    unplaced: dict[int, Any] = {}
    for g, group in enumerate(prob.groups):
        current = _current(group, prob.nodes)
        for j, node in enumerate(prob.nodes):
            upper = _upper(group, node, current[j])
            if upper <= 0:
                continue
            y[g, j] = pulp.LpVariable(f"y_{g}_{j}", 0, upper, cat="Integer")
            if j in z:
                lp += y[g, j] <= upper * z[j]
            stay = min(current[j], upper, group.count)
            if stay > 0:
                k = pulp.LpVariable(f"k_{g}_{j}", 0, stay)
                lp += k <= y[g, j]
                keep.append(k)
                if not prob.allow_moves and group.count >= len(group.current_nodes):
                    lp += y[g, j] >= stay
        placed = pulp.lpSum(y[g, j] for j in range(len(prob.nodes)) if (g, j) in y)
        if prob.allow_unplaced:
            unplaced[g] = pulp.LpVariable(f"u_{g}", 0, group.count, cat="Integer")
            lp += placed + unplaced[g] == group.count
        else:
            lp += placed == group.count
    peak = pulp.LpVariable("peak", 0)
    for j, node in enumerate(prob.nodes):
        for d, dim in enumerate(_DIMS):
            cap = _cap(node, dim)
            terms = [
                _req(grp, dim) * y[g, j]
                for g, grp in enumerate(prob.groups)
                if (g, j) in y and _req(grp, dim)
            ]
            if not terms or cap is None:
                continue
            lp += pulp.lpSum(terms) <= cap * z.get(j, 1)
            if prob.balance and d < 2 and cap > 0:
                lp += pulp.lpSum(terms) * (1.0 / cap) <= peak
    for j in z:
        same = [i for i in z if i > j and prob.new_type[i] and prob.new_type[i] == prob.new_type[j]]
        if same:
            lp += z[j] >= z[min(same)]
    _add_skew(lp, pulp, prob, y)
    lp += (
        w_unplaced * pulp.lpSum(unplaced.values())
        + w_node * pulp.lpSum(prob.nodes[j].cost * v for j, v in z.items())
        - pulp.lpSum(keep)
        + 0.5 * peak
    )
    return lp, y, z, unplaced


def _assignments(
    prob: _Problem, y: Mapping[tuple[int, int], Any]
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    assignments: dict[str, dict[str, int]] = {g.key: {} for g in prob.groups}
    for (g, j), var in y.items():
        count = round(var.value() or 0)
        if count > 0:
            assignments[prob.groups[g].key][prob.nodes[j].name] = count
    unplaced = {
        g.key: g.count - sum(assignments[g.key].values())
        for g in prob.groups
        if g.count > sum(assignments[g.key].values())
    }
    return assignments, unplaced


def _solve(prob: _Problem, options: SolverOptions) -> PlacementResult:
    """Build and solve the model; an unsolved model gives every pod as unplaced."""
    lp, y, _, _ = _build(prob)
    info = run_solver(lp, options)
    if info.status in ("infeasible", "timeout"):
        return PlacementResult(
            info.status,
            None,
            None,
            info.seconds,
            info.solver,
            {g.key: {} for g in prob.groups},
            {g.key: g.count for g in prob.groups},
            (),
            info.bound,
        )
    assignments, unplaced = _assignments(prob, y)
    used = sorted({n for per in assignments.values() for n in per})
    return PlacementResult(
        info.status,
        info.objective,
        info.gap,
        info.seconds,
        info.solver,
        assignments,
        unplaced,
        tuple(used),
        info.bound,
    )


def solve_placement(
    state: ClusterState, options: SolverOptions | None = None, *, allow_moves: bool = True
) -> PlacementResult:
    """Place every group on the existing nodes (fewest moves, then balance).

    Args:
        state: the cluster; each group's ``count`` is the number of pods wanted.
        options: solver settings.
        allow_moves: when False, running pods stay where they are.

    Returns:
        The placement; pods that do not fit are listed in ``unplaced``.
    """
    prob = _Problem(
        state.groups,
        state.nodes,
        (False,) * len(state.nodes),
        ("",) * len(state.nodes),
        allow_moves,
    )
    return _solve(prob, options or SolverOptions())


def _templates(nodes: Sequence[NodeInfo]) -> dict[str, NodeInfo]:
    """First schedulable node of each type: the shape of an added node."""
    out: dict[str, NodeInfo] = {}
    for node in nodes:
        if not node.unschedulable and node.node_type not in out:
            out[node.node_type] = node
    return out


def _candidates(templates: Mapping[str, NodeInfo], per_type: Mapping[str, int]) -> list[NodeInfo]:
    return [
        replace(tpl, name=f"new-{node_type}-{i + 1}", unschedulable=False)
        for node_type, tpl in templates.items()
        for i in range(per_type.get(node_type, 0))
    ]


def _first_guess(groups: Sequence[PodGroup], unplaced: Mapping[str, int], tpl: NodeInfo) -> int:
    """Volume bound on extra nodes of one type for the unplaced pods (plus anti-affinity)."""
    need = 1
    for dim in ("cpu_millicores", "memory_bytes"):
        cap = int(getattr(tpl.allocatable, dim)) or 1
        total = sum(getattr(g.requests, dim) * unplaced.get(g.key, 0) for g in groups)
        need = max(need, math.ceil(total / cap))
    anti = [unplaced.get(g.key, 0) for g in groups if g.anti_affinity_hostname]
    return max([need, *anti]) + 1


def _with_counts(state: ClusterState, changes: Mapping[str, int]) -> tuple[PodGroup, ...]:
    """Groups with the asked replica counts; other groups keep only their running pods."""
    known = {g.key for g in state.groups}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise ValueError(
            f"unknown workload(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    if any(v < 0 for v in changes.values()):
        raise ValueError("replica counts must be >= 0")
    return tuple(
        replace(g, count=changes[g.key] if g.key in changes else len(g.current_nodes))
        for g in state.groups
    )


def _with_new_nodes(
    state: ClusterState,
    groups: tuple[PodGroup, ...],
    per_type: Mapping[str, int],
    allow_moves: bool,
) -> _Problem:
    extra = _candidates(_templates(state.nodes), per_type)
    nodes = (*state.nodes, *extra)
    optional = (False,) * len(state.nodes) + (True,) * len(extra)
    new_type = ("",) * len(state.nodes) + tuple(n.node_type for n in extra)
    return _Problem(groups, nodes, optional, new_type, allow_moves)


def what_if(
    state: ClusterState,
    changes: Mapping[str, int],
    options: SolverOptions | None = None,
    *,
    allow_moves: bool = True,
) -> WhatIfResult:
    """Would the workloads fit with these replica counts, and if not, how many nodes to add?

    Other workloads keep their running pods (their Pending pods are left out, so a pod that
    can never be scheduled does not hide the answer; see ``explain_unschedulable``).

    Args:
        state: the cluster today.
        changes: new replica counts by ``namespace/workload`` key.
        options: solver settings (per solve).
        allow_moves: let running pods move when that makes room (minimised); False pins them.

    Returns:
        Whether it fits on today's nodes, the cheapest set of extra nodes of existing types
        otherwise, where new pods go and which running pods move.

    Raises:
        ValueError: a key in ``changes`` names no known workload, or a count is negative.
    """
    options = options or SolverOptions()
    groups = _with_counts(state, changes)
    result = _solve(_with_new_nodes(state, groups, {}, allow_moves), options)
    fits = not result.unplaced and result.status in ("optimal", "feasible")
    extra: dict[str, int] = {}
    if not fits:
        templates = _templates(state.nodes)
        per_type = {t: _first_guess(groups, result.unplaced, tpl) for t, tpl in templates.items()}
        for _ in range(5):
            result = _solve(_with_new_nodes(state, groups, per_type, allow_moves), options)
            extra = _count_new(result.nodes_used)
            saturated = [t for t, k in per_type.items() if extra.get(t, 0) >= k]
            if not saturated:
                break
            per_type = {t: k * 2 if t in saturated else k for t, k in per_type.items()}
    moves = moves_between(groups, result.assignments)
    new = new_pods_between(groups, result.assignments)
    text = _what_if_text(changes, fits, extra, result, len(moves))
    return WhatIfResult(dict(changes), fits, extra, new, moves, result, text)


def _count_new(nodes_used: Sequence[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in nodes_used:
        if name.startswith("new-"):
            node_type = name[4:].rsplit("-", 1)[0]
            counts[node_type] = counts.get(node_type, 0) + 1
    return counts


def _what_if_text(
    changes: Mapping[str, int],
    fits: bool,
    extra: Mapping[str, int],
    result: PlacementResult,
    moves: int,
) -> str:
    asked = ", ".join(f"{k} -> {v} replicas" for k, v in changes.items())
    if fits:
        how = "without moving running pods" if moves == 0 else f"after moving {moves} pod group(s)"
        return f"{asked}: fits on the existing nodes {how}"
    if result.unplaced:
        left = ", ".join(f"{k}: {v}" for k, v in result.unplaced.items())
        return f"{asked}: does not fit, even with extra nodes of existing types ({left} unplaced)"
    add = ", ".join(f"{v} x {k}" for k, v in extra.items())
    return (
        f"{asked}: does not fit on the existing nodes; add {add} ({result.status}, {result.solver})"
    )


def consolidate(state: ClusterState, options: SolverOptions | None = None) -> ConsolidationResult:
    """The fewest (cheapest) nodes that hold today's running pods, and how to get there.

    Only running pods count (``len(current_nodes)`` per group); pending pods are a question
    for ``explain_unschedulable``. Nothing is applied: the result lists nodes that could be
    drained and the moves (group, from, to, count) that would empty them. Moves are
    minimised after the node count, except on large clusters (groups x nodes above 20,000,
    no anti-affinity or spread constraints), where the bin-packing solver of
    ``packing.pack_fewest_nodes`` decides the node count and moves are not minimised.

    Args:
        state: the cluster today.
        options: solver settings.

    Returns:
        Nodes before/after, the drainable nodes and the moves, with the solver's result.
    """
    options = options or SolverOptions()
    groups = tuple(replace(g, count=len(g.current_nodes)) for g in state.groups if g.current_nodes)
    n = len(state.nodes)
    prob = _Problem(groups, state.nodes, (True,) * n, ("",) * n, True, True, balance=False)
    large = len(groups) * n > _MAX_PER_NODE_PAIRS
    if large and not any(g.anti_affinity_hostname or g.max_skew_hostname for g in groups):
        result = _consolidate_by_packing(prob, options)
    else:
        result = _solve(prob, options)
    busy = sorted({node for g in groups for node in g.current_nodes})
    used = set(result.nodes_used)
    drainable = tuple(node.name for node in state.nodes if node.name not in used)
    if result.status in ("infeasible", "timeout"):
        drainable = ()
    moves = moves_between(groups, result.assignments)
    text = (
        f"today's {sum(g.count for g in groups)} running pods on {len(busy)} node(s) fit on "
        f"{len(used)} node(s) ({result.status}, {result.solver}, {result.solve_seconds:.2f} s); "
        f"{len(drainable)} node(s) could be drained with {sum(m.count for m in moves)} pod move(s)"
    )
    return ConsolidationResult(len(busy), len(used), drainable, moves, result, text)


def _consolidate_by_packing(prob: _Problem, options: SolverOptions) -> PlacementResult:
    """Fewest nodes via the aggregated bin-packing solver (one item per pod)."""
    from k8sgpt_py.advisors.packing import pack_fewest_nodes

    owner = np.repeat(np.arange(len(prob.groups)), [g.count for g in prob.groups])
    sizes = np.array([[_req(g, d) for d in _DIMS] for g in prob.groups], dtype=np.int64).reshape(
        -1, len(_DIMS)
    )[owner]
    caps = np.array(
        [[_cap(n, d) if _cap(n, d) is not None else 1 << 40 for d in _DIMS] for n in prob.nodes],
        dtype=np.int64,
    )
    allowed = np.array(
        [
            [_upper(g, n, g.current_nodes.count(n.name)) > 0 for n in prob.nodes]
            for g in prob.groups
        ],
        dtype=bool,
    ).reshape(len(prob.groups), len(prob.nodes))[owner]
    packed = pack_fewest_nodes(sizes, caps, allowed, options)
    assignments: dict[str, dict[str, int]] = {g.key: {} for g in prob.groups}
    for item, node in enumerate(packed.assignment):
        if node >= 0:
            per = assignments[prob.groups[owner[item]].key]
            per[prob.nodes[node].name] = per.get(prob.nodes[node].name, 0) + 1
    unplaced = {
        g.key: g.count - sum(assignments[g.key].values())
        for g in prob.groups
        if g.count > sum(assignments[g.key].values())
    }
    used = tuple(sorted({n for per in assignments.values() for n in per}))
    return PlacementResult(
        packed.status,
        float(packed.bins_used),
        packed.gap,
        packed.solve_seconds,
        packed.solver,
        assignments,
        unplaced,
        used,
        float(packed.lower_bound),
    )
