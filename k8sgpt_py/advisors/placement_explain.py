"""Pure explanations around placement: moves, free capacity, fragmentation, unschedulable pods.

No solver here: these read ``ClusterState`` records and solver results and say what they mean,
with the numbers.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

from k8sgpt_py.advisors.placement_model import (
    ClusterState,
    FragmentationReport,
    Move,
    NodeFragmentation,
    NodeInfo,
    NodeVerdict,
    Placement,
    PodGroup,
    Resources,
    UnschedulableExplanation,
    constraint_reasons,
)
from k8sgpt_py.quantity import format_cpu, format_memory


def moves_between(
    groups: Sequence[PodGroup], assignments: Mapping[str, Mapping[str, int]]
) -> tuple[Move, ...]:
    """Running pods that change node between ``current_nodes`` and the new assignment."""
    moves: list[Move] = []
    for group in groups:
        current = Counter(group.current_nodes)
        target = assignments.get(group.key, {})
        kept = sum(min(c, target.get(n, 0)) for n, c in current.items())
        left = max(0, min(group.count, len(group.current_nodes)) - kept)
        sources = [(n, c - target.get(n, 0)) for n, c in sorted(current.items())]
        sinks = [(n, c - current.get(n, 0)) for n, c in sorted(target.items())]
        sources = [s for s in sources if s[1] > 0]
        sinks = [s for s in sinks if s[1] > 0]
        while left > 0 and sources and sinks:
            (src, have), (dst, room) = sources[0], sinks[0]
            count = min(have, room, left)
            moves.append(Move(group.key, src, dst, count))
            left -= count
            sources[0], sinks[0] = (src, have - count), (dst, room - count)
            sources = [s for s in sources if s[1] > 0]
            sinks = [s for s in sinks if s[1] > 0]
    return tuple(moves)


def new_pods_between(
    groups: Sequence[PodGroup], assignments: Mapping[str, Mapping[str, int]]
) -> tuple[Placement, ...]:
    """Where pods beyond today's running ones (scale-up, pending) land."""
    moves = moves_between(groups, assignments)
    out: list[Placement] = []
    for group in groups:
        current = Counter(group.current_nodes)
        moved_in: Counter[str] = Counter()
        for move in moves:
            if move.workload == group.key:
                moved_in[move.to_node] += move.count
        for node, count in sorted(assignments.get(group.key, {}).items()):
            fresh = count - current.get(node, 0) - moved_in[node]
            if fresh > 0:
                out.append(Placement(group.key, node, fresh))
    return tuple(out)


def used_by_running(state: ClusterState) -> dict[str, Resources]:
    """Requests of the running pods on each node (pods dimension = pod count)."""
    used: dict[str, Resources] = {}
    for group in state.groups:
        per_pod = Resources(group.requests.cpu_millicores, group.requests.memory_bytes, 1)
        for node, count in Counter(group.current_nodes).items():
            used[node] = used.get(node, Resources()) + per_pod.scaled(count)
    return used


def free_capacity(state: ClusterState) -> dict[str, Resources]:
    """Allocatable minus running pods' requests, per node (may be negative if overcommitted)."""
    used = used_by_running(state)
    return {n.name: n.allocatable - used.get(n.name, Resources()) for n in state.nodes}


def _best_fill(free: Resources, probes: Sequence[Resources]) -> tuple[int, Resources]:
    """Most copies of one probe that fit in ``free``, choosing the probe that uses most room."""
    best_score, best = -1.0, (0, Resources())
    for probe in probes:
        limits = [
            f // p for f, p in zip(free.as_tuple()[:2], probe.as_tuple()[:2], strict=True) if p > 0
        ]
        copies = min(limits, default=0)
        if free.pods > 0:
            copies = min(copies, free.pods)
        if copies <= 0:
            continue
        used = probe.scaled(copies)
        score = sum(
            u / f for u, f in zip(used.as_tuple()[:2], free.as_tuple()[:2], strict=True) if f > 0
        )
        if score > best_score:
            best_score, best = score, (copies, used)
    return best


def fragmentation(
    state: ClusterState, probe: Sequence[Resources] | None = None
) -> FragmentationReport:
    """Free capacity per node and the part of it that no likely pod can use.

    Args:
        state: the cluster; free = allocatable (net of daemonsets) - running pods' requests.
        probe: pod shapes to test; default: the request shapes of the existing pod groups.

    Returns:
        Per node: free resources, how many copies of the best-fitting probe fit, and what is
        left over after those (stranded). Totals and stranded shares of free CPU and memory.
    """
    probes = (
        tuple(probe)
        if probe is not None
        else tuple(
            sorted(
                {
                    Resources(g.requests.cpu_millicores, g.requests.memory_bytes, 1)
                    for g in state.groups
                }
            )
        )
    )
    free_by_node = free_capacity(state)
    rows: list[NodeFragmentation] = []
    for node in state.nodes:
        free = Resources(*(max(0, v) for v in free_by_node[node.name].as_tuple()))
        if node.unschedulable:
            rows.append(NodeFragmentation(node.name, free, 0, free))
            continue
        copies, used = _best_fill(free, probes)
        stranded = Resources(
            free.cpu_millicores - used.cpu_millicores, free.memory_bytes - used.memory_bytes, 0
        )
        rows.append(NodeFragmentation(node.name, free, copies, stranded))
    total_free = sum((r.free for r in rows), Resources())
    total_stranded = sum((r.stranded for r in rows), Resources())
    return FragmentationReport(
        probes,
        tuple(rows),
        total_free,
        total_stranded,
        total_stranded.cpu_millicores / max(total_free.cpu_millicores, 1),
        total_stranded.memory_bytes / max(total_free.memory_bytes, 1),
    )


def _shortfalls(label: str, have: Resources, want: Resources) -> list[str]:
    out: list[str] = []
    if want.cpu_millicores > have.cpu_millicores:
        out.append(
            f"{label} cpu {format_cpu(max(0, have.cpu_millicores))} < "
            f"request {format_cpu(want.cpu_millicores)}"
        )
    if want.memory_bytes > have.memory_bytes:
        out.append(
            f"{label} memory {format_memory(max(0, have.memory_bytes))} < "
            f"request {format_memory(want.memory_bytes)}"
        )
    return out


def _verdict(node: NodeInfo, pod: PodGroup, free: Resources) -> NodeVerdict:
    reasons = list(constraint_reasons(node, pod))
    never = _shortfalls("room", node.allocatable, pod.requests)
    reasons.extend(never)
    if not never:
        reasons.extend(_shortfalls("free", free, pod.requests))
        if node.allocatable.pods > 0 and free.pods < 1:
            reasons.append(f"pod limit reached ({node.allocatable.pods} pods)")
    return NodeVerdict(node.name, tuple(reasons))


def explain_unschedulable(state: ClusterState, pod: PodGroup) -> UnschedulableExplanation:
    """Why a (Pending) pod of ``pod``'s shape cannot be scheduled, per node, with the numbers.

    "Never" means no node's allocatable (net of daemonsets) could hold the request even when
    empty; otherwise each node gets its reasons: taints, selectors, affinity, cordon,
    allocatable or free capacity.
    """
    largest = Resources(
        max((n.allocatable.cpu_millicores for n in state.nodes), default=0),
        max((n.allocatable.memory_bytes for n in state.nodes), default=0),
        max((n.allocatable.pods for n in state.nodes), default=0),
    )
    free = free_capacity(state)
    verdicts = tuple(_verdict(n, pod, free[n.name]) for n in state.nodes)
    never = bool(_shortfalls("x", largest, pod.requests)) or not state.nodes
    lines = [
        f"{pod.key} requests cpu {format_cpu(pod.requests.cpu_millicores)}, "
        f"memory {format_memory(pod.requests.memory_bytes)}"
    ]
    if never:
        lines.append(
            "no node can ever hold it: the largest room for pods (allocatable less daemonsets) "
            f"is cpu {format_cpu(largest.cpu_millicores)}, "
            f"memory {format_memory(largest.memory_bytes)}"
        )
    if any(v.is_possible for v in verdicts):
        fits = ", ".join(v.node for v in verdicts if v.is_possible)
        lines.append(f"it fits now on: {fits}")
    else:
        lines.extend(_fits_with(state, pod, free))
    for verdict in verdicts:
        if verdict.reasons:
            lines.append(f"  {verdict.node}: {'; '.join(verdict.reasons)}")
    return UnschedulableExplanation(
        pod.key, never, largest, pod.requests, verdicts, "\n".join(lines)
    )


def _fits_with(state: ClusterState, pod: PodGroup, free: Mapping[str, Resources]) -> list[str]:
    """The largest request that would fit now on a node the pod may use, where one exists."""
    usable = [n for n in state.nodes if not constraint_reasons(n, pod) and free[n.name].pods > 0]
    if not usable:
        return []
    best = max(usable, key=lambda n: _fill(free[n.name], pod.requests))
    room = free[best.name]
    smaller = []
    if pod.requests.cpu_millicores > room.cpu_millicores:
        smaller.append(f"cpu {format_cpu(max(0, room.cpu_millicores))}")
    if pod.requests.memory_bytes > room.memory_bytes:
        smaller.append(f"memory {format_memory(max(0, room.memory_bytes))}")
    return [f"it would fit now on {best.name} with requests of at most {', '.join(smaller)}"]


def _fill(room: Resources, want: Resources) -> float:
    """How much of the request the room covers, by its scarcer resource (1.0: all of it)."""
    shares = [
        max(0, have) / need
        for have, need in (
            (room.cpu_millicores, want.cpu_millicores),
            (room.memory_bytes, want.memory_bytes),
        )
        if need > 0
    ]
    return min(shares, default=1.0)


def pending_groups(state: ClusterState) -> tuple[PodGroup, ...]:
    """Groups with pods not running anywhere yet (Pending), as groups of just those pods."""
    return tuple(
        PodGroup(
            g.namespace,
            g.workload,
            g.count - len(g.current_nodes),
            g.requests,
            g.node_selector,
            g.required_affinity,
            g.tolerations,
            g.anti_affinity_hostname,
            (),
            g.max_skew_hostname,
        )
        for g in state.groups
        if g.count > len(g.current_nodes)
    )
