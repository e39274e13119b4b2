"""Bin packing core: greedy baselines, lower bounds and exact solves on known optima."""

from __future__ import annotations

import numpy as np

from k8sgpt_py.advisors.heuristics import best_greedy, bins_used, greedy_pack, lower_bound
from k8sgpt_py.advisors.packing import pack_fewest_nodes, pack_identical_bins
from k8sgpt_py.advisors.placement_solver import SolverOptions

FAST = SolverOptions(time_limit_seconds=10)


def _check_packing(sizes, capacity, assignment) -> None:
    assign = np.array(assignment)
    assert (assign >= 0).all()
    for b in np.unique(assign):
        assert (sizes[assign == b].sum(axis=0) <= capacity).all()


def test_packing_ffd_is_suboptimal_on_classic_1d_case():
    sizes = np.array([[4], [4], [3], [3], [3], [3]])
    cap = np.array([10])
    ffd = greedy_pack(sizes, np.tile(cap, (6, 1)))
    assert bins_used(ffd) == 3
    result = pack_identical_bins(sizes, cap, FAST)
    assert result.bins_used == 2
    assert result.status == "optimal"
    assert result.heuristic_bins == 3
    _check_packing(sizes, cap, result.assignment)


def test_packing_2d_known_optimum():
    # (8,1)+(1,8) share a bin, (2,2) does not fit with both: optimum 2
    sizes = np.array([[8, 1], [1, 8], [2, 2]])
    result = pack_identical_bins(sizes, np.array([10, 10]), FAST)
    assert result.bins_used == 2
    assert result.lower_bound == 2


def test_packing_2d_complementary_pairs():
    # CPU-heavy and memory-heavy pods pair up perfectly: 6 pairs -> 6 bins (1-D thinking says 7+)
    sizes = np.array([[7, 3]] * 6 + [[3, 7]] * 6)
    result = pack_identical_bins(sizes, np.array([10, 10]), FAST)
    assert result.bins_used == 6
    assert result.status == "optimal"
    _check_packing(sizes, np.array([10, 10]), result.assignment)


def test_packing_3d_triplets_exact():
    # 3 bins filled exactly by triplets in all three dimensions
    sizes = np.array(
        [
            [5, 2, 3],
            [3, 5, 2],
            [2, 3, 5],
            [4, 4, 2],
            [4, 2, 4],
            [2, 4, 4],
            [6, 1, 3],
            [1, 6, 3],
            [3, 3, 4],
        ]
    )
    cap = np.array([10, 10, 10])
    result = pack_identical_bins(sizes, cap, FAST)
    assert result.bins_used == 3
    _check_packing(sizes, cap, result.assignment)


def test_packing_lower_bound_counts_large_items():
    # three items > half the bin: no two share a bin
    sizes = np.array([[6], [6], [6], [1]])
    assert lower_bound(sizes, np.array([10])) == 3


def test_packing_best_greedy_never_worse_than_ffd():
    rng = np.random.default_rng(3)
    sizes = rng.integers(1, 60, size=(60, 2))
    cap = np.array([100, 100])
    assign, _ = best_greedy(sizes, cap)
    assert bins_used(assign) <= bins_used(greedy_pack(sizes, np.tile(cap, (60, 1))))


def test_packing_fewest_nodes_prefers_big_nodes_and_respects_eligibility():
    caps = np.array([[4, 16]] * 4 + [[16, 64]] * 2)
    sizes = np.array([[2, 4]] * 8)
    elig = np.ones((8, 6), dtype=bool)
    result = pack_fewest_nodes(sizes, caps, elig, FAST)
    assert result.bins_used == 1
    assert set(result.assignment) <= {4, 5}
    elig[:, 4:] = False  # only the small nodes allowed
    result = pack_fewest_nodes(sizes, caps, elig, FAST)
    assert result.bins_used == 4
    assert set(result.assignment) <= {0, 1, 2, 3}
