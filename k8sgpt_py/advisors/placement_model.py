"""Records for the placement advisor: nodes, pod groups, results, and the scheduling predicates.

Everything here is plain data plus pure predicates (taints, selectors, affinity). The solver
lives in ``placement.py``; raw Kubernetes dicts are turned into these records in
``placement_input.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

SolveStatus = Literal["optimal", "feasible", "infeasible", "timeout"]

RESOURCE_NAMES: tuple[str, str, str] = ("cpu_millicores", "memory_bytes", "pods")


@dataclass(frozen=True, order=True)
class Resources:
    """A resource vector: CPU in millicores, memory in bytes and a pod count."""

    cpu_millicores: int = 0
    memory_bytes: int = 0
    pods: int = 0

    def as_tuple(self) -> tuple[int, int, int]:
        """The vector as (cpu_millicores, memory_bytes, pods)."""
        return (self.cpu_millicores, self.memory_bytes, self.pods)

    def __add__(self, other: Resources) -> Resources:
        return Resources(*(a + b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def __sub__(self, other: Resources) -> Resources:
        return Resources(*(a - b for a, b in zip(self.as_tuple(), other.as_tuple(), strict=True)))

    def scaled(self, factor: int) -> Resources:
        """This vector multiplied by a whole number."""
        return Resources(*(a * factor for a in self.as_tuple()))

    def fits_in(self, capacity: Resources) -> bool:
        """True when every component is at most the capacity's."""
        return all(a <= b for a, b in zip(self.as_tuple(), capacity.as_tuple(), strict=True))


@dataclass(frozen=True)
class Taint:
    """A node taint (key=value:effect)."""

    key: str
    value: str = ""
    effect: str = "NoSchedule"


@dataclass(frozen=True)
class Toleration:
    """A pod toleration; operator is "Equal" or "Exists"; empty effect matches every effect."""

    key: str = ""
    operator: str = "Equal"
    value: str = ""
    effect: str = ""


@dataclass(frozen=True)
class MatchExpression:
    """One nodeSelectorTerm expression: operator In, NotIn, Exists or DoesNotExist."""

    key: str
    operator: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class NodeInfo:
    """A node as the advisor sees it: capacity left for workloads, labels, taints."""

    name: str
    node_type: str
    allocatable: Resources
    labels: Mapping[str, str] = field(default_factory=dict)
    taints: tuple[Taint, ...] = ()
    unschedulable: bool = False
    cost: float = 1.0


@dataclass(frozen=True)
class PodGroup:
    """Identical pods of one workload (replicas): one class of the integer programme.

    ``required_affinity`` holds nodeSelectorTerms (OR of terms, AND of expressions in a term);
    ``current_nodes`` has one entry per running pod (repeated names allowed) - pods not yet
    placed (Pending) are ``count - len(current_nodes)``.
    """

    namespace: str
    workload: str
    count: int
    requests: Resources
    node_selector: Mapping[str, str] = field(default_factory=dict)
    required_affinity: tuple[tuple[MatchExpression, ...], ...] = ()
    tolerations: tuple[Toleration, ...] = ()
    anti_affinity_hostname: bool = False
    current_nodes: tuple[str, ...] = ()
    max_skew_hostname: int | None = None

    @property
    def key(self) -> str:
        """The workload key used in results: ``namespace/workload``."""
        return f"{self.namespace}/{self.workload}"


@dataclass(frozen=True)
class ClusterState:
    """Nodes (allocatable already net of daemonset overhead) and the pod groups to place."""

    nodes: tuple[NodeInfo, ...]
    groups: tuple[PodGroup, ...]
    daemonset_overhead: Mapping[str, Resources] = field(default_factory=dict)


@dataclass(frozen=True)
class Placement:
    """Pods of one group on one node."""

    workload: str
    node: str
    count: int


@dataclass(frozen=True)
class Move:
    """A proposed move of pods of one group from one node to another."""

    workload: str
    from_node: str
    to_node: str
    count: int


@dataclass(frozen=True)
class PlacementResult:
    """Outcome of one solve: where each group goes and how well the solver did."""

    status: SolveStatus
    objective: float | None
    gap: float | None
    solve_seconds: float
    solver: str
    assignments: Mapping[str, Mapping[str, int]]
    unplaced: Mapping[str, int]
    nodes_used: tuple[str, ...]
    lower_bound: float | None = None

    @property
    def placements(self) -> tuple[Placement, ...]:
        """The assignments as a flat list of records."""
        return tuple(
            Placement(workload, node, count)
            for workload, per_node in self.assignments.items()
            for node, count in per_node.items()
            if count > 0
        )


@dataclass(frozen=True)
class WhatIfResult:
    """Answer to "what if these workloads had N replicas?"."""

    changes: Mapping[str, int]
    fits: bool
    extra_nodes: Mapping[str, int]
    new_pods: tuple[Placement, ...]
    moves: tuple[Move, ...]
    result: PlacementResult
    explanation: str


@dataclass(frozen=True)
class ConsolidationResult:
    """The fewest nodes holding today's workload and the moves that get there."""

    nodes_before: int
    nodes_after: int
    drainable_nodes: tuple[str, ...]
    moves: tuple[Move, ...]
    result: PlacementResult
    explanation: str


@dataclass(frozen=True)
class NodeFragmentation:
    """Free capacity of one node and the part of it no probe shape can use."""

    node: str
    free: Resources
    usable_slots: int
    stranded: Resources


@dataclass(frozen=True)
class FragmentationReport:
    """Free and stranded capacity per node for a set of probe pod shapes."""

    probes: tuple[Resources, ...]
    nodes: tuple[NodeFragmentation, ...]
    total_free: Resources
    total_stranded: Resources
    stranded_cpu_share: float
    stranded_memory_share: float


@dataclass(frozen=True)
class NodeVerdict:
    """Why one node can or cannot hold a pod."""

    node: str
    reasons: tuple[str, ...]

    @property
    def is_possible(self) -> bool:
        """True when nothing rules the node out."""
        return not self.reasons


@dataclass(frozen=True)
class UnschedulableExplanation:
    """Why a pod cannot be scheduled, per node, with the numbers."""

    workload: str
    never_fits: bool
    largest_allocatable: Resources
    requests: Resources
    verdicts: tuple[NodeVerdict, ...]
    text: str

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------- scheduling predicates


def tolerates(tolerations: tuple[Toleration, ...], taint: Taint) -> bool:
    """True when one of the tolerations matches the taint (Kubernetes semantics)."""
    for tol in tolerations:
        if tol.effect and tol.effect != taint.effect:
            continue
        if tol.operator == "Exists" and (not tol.key or tol.key == taint.key):
            return True
        if tol.key == taint.key and tol.value == taint.value:
            return True
    return False


def _expression_matches(expr: MatchExpression, labels: Mapping[str, str]) -> bool:
    value = labels.get(expr.key)
    if expr.operator == "In":
        return value is not None and value in expr.values
    if expr.operator == "NotIn":
        return value is None or value not in expr.values
    if expr.operator == "Exists":
        return value is not None
    if expr.operator == "DoesNotExist":
        return value is None
    if expr.operator in ("Gt", "Lt") and value is not None and expr.values:
        try:
            left, right = int(value), int(expr.values[0])
        except ValueError:
            return False
        return left > right if expr.operator == "Gt" else left < right
    return False


def constraint_reasons(node: NodeInfo, group: PodGroup) -> tuple[str, ...]:
    """Reasons (other than capacity) why pods of ``group`` may not run on ``node``."""
    reasons: list[str] = []
    if node.unschedulable:
        reasons.append("node is cordoned (unschedulable)")
    for taint in node.taints:
        if taint.effect in ("NoSchedule", "NoExecute") and not tolerates(group.tolerations, taint):
            reasons.append(f"taint {taint.key}={taint.value}:{taint.effect} not tolerated")
    for key, value in group.node_selector.items():
        if node.labels.get(key) != value:
            found = node.labels.get(key)
            reasons.append(f"nodeSelector {key}={value} (node has {key}={found})")
    terms = group.required_affinity
    if terms and not any(all(_expression_matches(e, node.labels) for e in term) for term in terms):
        reasons.append("required node affinity does not match the node labels")
    return tuple(reasons)


def is_eligible(node: NodeInfo, group: PodGroup) -> bool:
    """True when taints, selectors, affinity and cordon allow the group on the node."""
    return not constraint_reasons(node, group)


@dataclass(frozen=True)
class BinPackingResult:
    """Outcome of a bin-packing solve (the benchmark and "fewest nodes" questions).

    ``assignment[i]`` is the bin of item ``i``; ``heuristic_bins`` is what first/best-fit
    decreasing achieved before the solver ran.
    """

    bins_used: int
    lower_bound: int
    status: SolveStatus
    gap: float
    solve_seconds: float
    solver: str
    assignment: tuple[int, ...]
    heuristic_bins: int
    method: str
