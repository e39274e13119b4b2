"""Placement advisor: what-if, consolidation, fragmentation, unschedulable explanations."""

from __future__ import annotations

import pytest

from k8sgpt_py.advisors.placement import (
    SolverOptions,
    consolidate,
    explain_unschedulable,
    fragmentation,
    solve_placement,
    what_if,
)
from k8sgpt_py.advisors.placement_model import (
    ClusterState,
    MatchExpression,
    NodeInfo,
    PodGroup,
    Resources,
    Taint,
    Toleration,
)

GI = 2**30
MI = 2**20
FAST = SolverOptions(time_limit_seconds=10)
BATCH = Taint("dedicated", "batch", "NoSchedule")


def _node(name: str, *, taints: tuple[Taint, ...] = (), labels: dict[str, str] | None = None):
    return NodeInfo(
        name,
        "std",
        Resources(4000, 16 * GI, 110),
        {"kubernetes.io/hostname": name, **(labels or {})},
        taints,
    )


def _demo_nodes() -> tuple[NodeInfo, ...]:
    return (_node("node-a"), _node("node-b"), _node("node-c"), _node("node-d", taints=(BATCH,)))


def _group(workload: str, count: int, cpu: int, *, on: tuple[str, ...] = (), **kw) -> PodGroup:
    return PodGroup("shop", workload, count, Resources(cpu, 256 * MI, 1), current_nodes=on, **kw)


def _demo_state() -> ClusterState:
    return ClusterState(
        _demo_nodes(),
        (
            _group("checkoutservice", 3, 500, on=("node-a", "node-b", "node-c")),
            _group("frontend", 2, 1000, on=("node-a", "node-b")),
        ),
    )


def _nodes_of(result, key: str) -> set[str]:
    return {n for n, c in result.assignments[key].items() if c > 0}


def test_placement_taint_keeps_intolerant_pods_off():
    state = ClusterState(_demo_nodes(), (_group("web", 12, 1000),))
    result = solve_placement(state, FAST)
    assert result.status == "optimal"
    assert "node-d" not in _nodes_of(result, "shop/web")
    assert sum(result.assignments["shop/web"].values()) == 12
    assert result.unplaced == {}


def test_placement_toleration_allows_tainted_node():
    tol = (Toleration("dedicated", "Equal", "batch", "NoSchedule"),)
    state = ClusterState(_demo_nodes(), (_group("batch", 16, 1000, tolerations=tol),))
    result = solve_placement(state, FAST)
    assert result.assignments["shop/batch"] == {"node-a": 4, "node-b": 4, "node-c": 4, "node-d": 4}


def test_placement_overflow_reports_unplaced():
    state = ClusterState(_demo_nodes(), (_group("web", 14, 1000),))
    result = solve_placement(state, FAST)
    assert result.unplaced == {"shop/web": 2}


def test_placement_node_selector_and_affinity():
    nodes = (
        _node("node-a", labels={"disk": "ssd", "zone": "z1"}),
        _node("node-b", labels={"zone": "z2"}),
        _node("node-c", labels={"zone": "z3"}),
    )
    affinity = ((MatchExpression("zone", "In", ("z2", "z3")),),)
    state = ClusterState(
        nodes,
        (
            _group("db", 3, 1000, node_selector={"disk": "ssd"}),
            _group("api", 4, 1000, required_affinity=affinity),
        ),
    )
    result = solve_placement(state, FAST)
    assert result.assignments["shop/db"] == {"node-a": 3}
    assert _nodes_of(result, "shop/api") <= {"node-b", "node-c"}


def test_placement_anti_affinity_one_per_node():
    state = ClusterState(_demo_nodes(), (_group("cache", 3, 100, anti_affinity_hostname=True),))
    result = solve_placement(state, FAST)
    assert result.assignments["shop/cache"] == {"node-a": 1, "node-b": 1, "node-c": 1}


def test_placement_keeps_running_pods_in_place():
    state = _demo_state()
    result = solve_placement(state, FAST)
    assert result.assignments["shop/checkoutservice"] == {"node-a": 1, "node-b": 1, "node-c": 1}
    assert result.assignments["shop/frontend"] == {"node-a": 1, "node-b": 1}


def test_what_if_fits_without_moves():
    result = what_if(_demo_state(), {"shop/checkoutservice": 12}, FAST)
    assert result.fits
    assert result.extra_nodes == {}
    assert result.moves == ()
    # 3 running + 9 new; node-d (tainted) gets none
    assert sum(p.count for p in result.new_pods) == 9
    assert all(p.node != "node-d" for p in result.new_pods)
    assert "fits" in result.explanation


def test_what_if_extra_nodes_computed_by_hand():
    # 30 x 500m + 2 x 1000m = 17 CPU on 3 untainted 4-CPU nodes (12 CPU): 5 CPU short -> 2 nodes
    result = what_if(_demo_state(), {"shop/checkoutservice": 30}, FAST)
    assert not result.fits
    assert result.extra_nodes == {"std": 2}
    assert result.result.unplaced == {}
    assert "add 2 x std" in result.explanation


def test_what_if_anti_affinity_needs_one_node_per_replica():
    state = ClusterState(
        _demo_nodes(),
        (_group("cache", 3, 100, on=("node-a", "node-b", "node-c"), anti_affinity_hostname=True),),
    )
    result = what_if(state, {"shop/cache": 5}, FAST)
    assert result.extra_nodes == {"std": 2}


def test_what_if_unknown_workload_raises():
    with pytest.raises(ValueError, match="unknown workload"):
        what_if(_demo_state(), {"shop/nope": 3}, FAST)


def test_what_if_pinned_pods_do_not_move():
    # node-a nearly full with a pinned pod; new 3-CPU replicas must go elsewhere
    state = ClusterState(
        _demo_nodes()[:2],
        (_group("big", 1, 3000, on=("node-a",)), _group("small", 1, 2000, on=("node-b",))),
    )
    result = what_if(state, {"shop/big": 2}, FAST, allow_moves=False)
    assert not result.fits
    assert result.moves == ()
    moved = what_if(state, {"shop/big": 2}, FAST, allow_moves=True)
    assert not moved.fits  # 3 + 3 + 2 = 8 CPU, but two 3-CPU pods cannot share a 4-CPU node
    assert moved.extra_nodes == {"std": 1}


def test_consolidate_small_cluster_known_answer():
    state = ClusterState(
        _demo_nodes(),
        (
            _group("a", 2, 1000, on=("node-a", "node-b")),
            _group("b", 2, 500, on=("node-b", "node-c")),
        ),
    )
    result = consolidate(state, FAST)
    # 3 CPU in total fits one 4-CPU node; node-b already holds two pods, so keeping it
    # needs the fewest moves (2)
    assert result.nodes_before == 3
    assert result.nodes_after == 1
    assert result.result.nodes_used == ("node-b",)
    assert set(result.drainable_nodes) == {"node-a", "node-c", "node-d"}
    assert sorted((m.workload, m.from_node, m.to_node, m.count) for m in result.moves) == [
        ("shop/a", "node-a", "node-b", 1),
        ("shop/b", "node-c", "node-b", 1),
    ]


def test_fragmentation_counts_stranded_capacity():
    state = ClusterState(
        (_node("node-a"), _node("node-b")),
        (_group("web", 3, 1000, on=("node-a", "node-a", "node-a")),),
    )
    report = fragmentation(state, probe=[Resources(2000, GI, 1)])
    a, b = report.nodes
    assert a.free.cpu_millicores == 1000
    assert a.usable_slots == 0
    assert a.stranded.cpu_millicores == 1000
    assert b.usable_slots == 2
    assert b.stranded.cpu_millicores == 0
    assert report.stranded_cpu_share == pytest.approx(1000 / 5000)


def test_explain_unschedulable_never_fits_with_numbers():
    pod = PodGroup("staging", "bigjob", 1, Resources(8000, 2 * GI, 1))
    state = ClusterState(_demo_nodes(), (pod,))
    text = explain_unschedulable(state, pod)
    assert text.never_fits
    assert "no node can ever hold it" in text.text
    assert "cpu 4 < request 8" in text.text
    assert "node-d: taint dedicated=batch:NoSchedule not tolerated" in str(text)


def test_explain_unschedulable_says_the_largest_request_that_fits_now():
    busy = _group("batch", 3, 3000, on=("node-a", "node-b", "node-c"))
    pod = PodGroup("shop", "api", 1, Resources(2000, GI, 1))
    state = ClusterState(_demo_nodes(), (busy, pod))
    text = explain_unschedulable(state, pod)
    assert not text.never_fits
    assert "node-a: free cpu 1 < request 2" in text.text
    # node-d is free but tainted: the request must shrink to the 1 CPU the others have left
    assert "it would fit now on node-a with requests of at most cpu 1\n" in text.text + "\n"
    fits = explain_unschedulable(state, PodGroup("shop", "api", 1, Resources(900, GI, 1)))
    assert "it fits now on: node-a, node-b, node-c" in fits.text
    assert "would fit" not in fits.text


def test_explain_unschedulable_lists_blocking_constraints():
    pod = PodGroup("shop", "db", 1, Resources(1000, GI, 1), node_selector={"disk": "ssd"})
    state = ClusterState(_demo_nodes(), (pod,))
    text = explain_unschedulable(state, pod)
    assert not text.never_fits
    assert all(not v.is_possible for v in text.verdicts)
    assert "nodeSelector disk=ssd (node has disk=None)" in text.text


def test_placement_topology_spread_max_skew():
    state = ClusterState(
        _demo_nodes()[:3],
        (_group("api", 4, 100, on=("node-a",) * 4, max_skew_hostname=1),),
    )
    result = solve_placement(state, FAST)
    counts = [result.assignments["shop/api"].get(n, 0) for n in ("node-a", "node-b", "node-c")]
    assert sorted(counts) == [1, 1, 2]
    assert counts[0] == 2  # fewest moves: keep two where they are


def test_what_if_prefers_cheaper_node_type():
    cheap = NodeInfo("small-1", "small", Resources(2000, 8 * GI, 110), {}, (), cost=1.0)
    dear = NodeInfo("large-1", "large", Resources(8000, 32 * GI, 110), {}, (), cost=10.0)
    state = ClusterState((cheap, dear), (_group("web", 2, 1000, on=("small-1", "small-1")),))
    # existing nodes hold 10 x 1 CPU; 4 more CPU: two small nodes (cost 2) beat one large (10)
    result = what_if(state, {"shop/web": 14}, FAST)
    assert result.extra_nodes == {"small": 2}


def test_what_if_uses_allocatable_net_of_overhead():
    # a 4-CPU node with 1.5 CPU of daemonsets leaves 2.5 CPU: 3 x 1 CPU does not fit
    nodes = (NodeInfo("n1", "std", Resources(2500, 16 * GI, 110), {}, ()),)
    state = ClusterState(nodes, (_group("web", 1, 1000, on=("n1",)),))
    result = what_if(state, {"shop/web": 3}, FAST)
    assert not result.fits
    assert result.extra_nodes == {"std": 1}


def test_consolidate_large_cluster_path_uses_packing(monkeypatch):
    import k8sgpt_py.advisors.placement as placement

    monkeypatch.setattr(placement, "_MAX_PER_NODE_PAIRS", 0)
    state = ClusterState(
        _demo_nodes(),
        (
            _group("a", 2, 1000, on=("node-a", "node-b")),
            _group("b", 2, 500, on=("node-b", "node-c")),
        ),
    )
    result = consolidate(state, FAST)
    assert result.nodes_after == 1
    assert result.result.status == "optimal"
    assert "node-d" not in result.result.nodes_used  # tainted: not eligible
    assert sum(sum(per.values()) for per in result.result.assignments.values()) == 4
