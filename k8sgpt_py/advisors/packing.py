"""Exact vector bin packing with PuLP: identical bins, and fewest nodes of several types.

Identical bins (``pack_identical_bins``): items are grouped into classes of equal size, so the
model has an integer count ``y[class, bin]`` instead of one binary per item. Best of several
first/best-fit-decreasing runs gives the upper bound; the volume, Martello-Toth L2 and
incompatible-clique bounds give the lower bound. If they differ, the solver is asked for a
packing into K bins for K = lower bound, lower bound + 1, ...: each call is a feasibility
problem whose symmetry is broken by fixing the clique items to their own bins and ordering
the remaining bins by load. The first feasible K is the optimum.

Several bin types (``pack_fewest_nodes``): bins with the same capacity and the same eligible
items form a type; an aggregated model chooses how many bins of each type to use and how
many items of each class go to each type (a relaxation, hence a lower bound), then each type
is packed exactly as above. The greedy packing is kept whenever it is at least as good.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from k8sgpt_py.advisors.colgen import solve_patterns
from k8sgpt_py.advisors.heuristics import (
    BoolArray,
    IntArray,
    best_greedy,
    bins_used,
    dot_product_pack,
    greedy_pack,
    incompatible_clique,
    item_order,
    lower_bound,
)
from k8sgpt_py.advisors.placement_model import BinPackingResult, SolveStatus
from k8sgpt_py.advisors.placement_solver import SolveInfo, SolverOptions, run_solver

_MAX_FEASIBILITY_VARS = 6_000


def _classes(sizes: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Unique item rows (largest first), their counts, and the class of each item."""
    uniq, inverse, counts = np.unique(sizes, axis=0, return_inverse=True, return_counts=True)
    return uniq.astype(np.int64), counts.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def _feasibility_model(
    sizes: IntArray, counts: IntArray, capacity: IntArray, bins: int, clique: list[int]
) -> tuple[Any, dict[tuple[int, int], Any]]:
    """PuLP model: pack class counts into ``bins`` identical bins (clique classes pre-placed)."""
    import pulp

    prob = pulp.LpProblem("bins", pulp.LpMinimize)
    n_cls = sizes.shape[0]
    per_bin = np.min(capacity // np.maximum(sizes, 1), axis=1)
    y: dict[tuple[int, int], Any] = {}
    for g in range(n_cls):
        upper = int(min(counts[g], per_bin[g]))
        for j in range(bins):
            y[g, j] = pulp.LpVariable(f"y_{g}_{j}", 0, upper, cat="Integer")
    for g in range(n_cls):
        prob += pulp.lpSum(y[g, j] for j in range(bins)) == int(counts[g])
    for j in range(bins):
        for k in range(sizes.shape[1]):
            prob += pulp.lpSum(int(sizes[g, k]) * y[g, j] for g in range(n_cls)) <= int(capacity[k])
    for j, g in enumerate(clique):
        prob += y[g, j] >= 1
    weight = (sizes / np.maximum(capacity, 1)).sum(axis=1)
    for j in range(len(clique), bins - 1):
        prob += pulp.lpSum(float(weight[g]) * (y[g, j] - y[g, j + 1]) for g in range(n_cls)) >= 0
    prob += pulp.lpSum(y[g, bins - 1] for g in range(n_cls))
    return prob, y


def _try_bins(
    sizes: IntArray,
    counts: IntArray,
    capacity: IntArray,
    bins: int,
    clique: list[int],
    options: SolverOptions,
    seconds: float,
) -> tuple[SolveInfo, IntArray | None]:
    """Ask the solver for a packing into ``bins`` bins; return (info, y[class, bin] or None)."""
    prob, y = _feasibility_model(sizes, counts, capacity, bins, clique)
    info = run_solver(prob, options, seconds)
    if info.status not in ("optimal", "feasible"):
        return info, None
    out = np.zeros((sizes.shape[0], bins), dtype=np.int64)
    for (g, j), var in y.items():
        out[g, j] = round(var.value() or 0)
    return info, out


def _counts_to_assignment(y: IntArray, item_class: IntArray) -> IntArray:
    """Turn y[class, bin] counts into a bin index per item."""
    assign = np.full(item_class.size, -1, dtype=np.int64)
    for g in range(y.shape[0]):
        items = np.flatnonzero(item_class == g)
        bins = np.repeat(np.arange(y.shape[1]), y[g])
        assign[items[: bins.size]] = bins
    return assign


def _patterns_to_assignment(
    patterns: tuple[tuple[int, ...], ...], item_class: IntArray
) -> IntArray:
    """Give each item a bin from patterns (items per class per bin); surplus slots stay empty."""
    assign = np.full(item_class.size, -1, dtype=np.int64)
    queues = {g: list(np.flatnonzero(item_class == g)) for g in np.unique(item_class).tolist()}
    for b, pattern in enumerate(patterns):
        for g, count in enumerate(pattern):
            for _ in range(min(count, len(queues.get(g, [])))):
                assign[queues[g].pop()] = b
    return assign


def _clique_classes(
    uniq: IntArray, item_class: IntArray, sizes: IntArray, cap: IntArray
) -> list[int]:
    return [int(item_class[i]) for i in incompatible_clique(sizes, cap)]


def pack_identical_bins(
    sizes: IntArray, capacity: IntArray, options: SolverOptions | None = None
) -> BinPackingResult:
    """Fewest identical bins holding all items (exact within the time limit).

    Args:
        sizes: ``(n, d)`` non-negative integer item sizes, each fitting one bin.
        capacity: ``(d,)`` bin capacity.
        options: solver settings; the time limit covers the whole call.

    Returns:
        The packing, its lower bound and status ("optimal" when bins_used == lower_bound).
    """
    options = options or SolverOptions()
    start = time.perf_counter()
    sizes = np.asarray(sizes, dtype=np.int64).reshape(len(sizes), -1)
    capacity = np.asarray(capacity, dtype=np.int64)
    if sizes.shape[0] == 0:
        return BinPackingResult(0, 0, "optimal", 0.0, 0.0, "none", (), 0, "empty")
    assign, method = best_greedy(sizes, capacity)
    heuristic = bins_used(assign)
    best, low = heuristic, lower_bound(sizes, capacity)
    uniq, counts, item_class = _classes(sizes)
    solver = "none"
    if low < heuristic:
        solver, method = "highs", "colgen"
        initial = [
            np.bincount(item_class[assign == b], minlength=uniq.shape[0]) for b in np.unique(assign)
        ]
        deadline = start + options.time_limit_seconds * 0.8
        found = solve_patterns(uniq, counts, capacity, initial, deadline, low)
        low = max(low, found.lower_bound)
        if found.patterns:
            assign = _patterns_to_assignment(found.patterns, item_class)
            best = len(found.patterns)
    clique = _clique_classes(uniq, item_class, sizes, capacity)
    for k in range(low, best):
        left = options.time_limit_seconds - (time.perf_counter() - start)
        if left <= 0.05 or uniq.shape[0] * k > _MAX_FEASIBILITY_VARS:
            break
        info, y = _try_bins(uniq, counts, capacity, k, clique, options, left)
        solver = info.solver
        if y is not None:
            assign, best, method = _counts_to_assignment(y, item_class), k, "mip"
            break
        if info.status != "infeasible":
            break
        low = k + 1
    elapsed = time.perf_counter() - start
    status: SolveStatus = "optimal" if best == low else "feasible"
    gap = (best - low) / best
    return BinPackingResult(
        best, low, status, gap, elapsed, solver, tuple(assign.tolist()), heuristic, method
    )


def _types(capacities: IntArray, eligible: BoolArray) -> tuple[IntArray, IntArray]:
    """Group bins by (capacity, eligible items): representative row per type and type per bin."""
    key = np.concatenate([capacities, eligible.T.astype(np.int64)], axis=1)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    return first.astype(np.int64), inverse.reshape(-1).astype(np.int64)


def greedy_fewest_nodes(
    sizes: IntArray, capacities: IntArray, eligible: BoolArray | None = None
) -> IntArray:
    """First/best-fit decreasing over bins sorted largest first; the better of the two."""
    ref = capacities.max(axis=0)
    bin_order = np.argsort(-(capacities / np.maximum(ref, 1)).sum(axis=1), kind="stable")
    caps = capacities[bin_order]
    elig = None if eligible is None else eligible[:, bin_order]
    best: IntArray | None = None
    for rule in ("sum", "max"):
        for best_fit in (False, True):
            order = item_order(sizes, ref, rule)
            got = greedy_pack(sizes, caps, order=order, eligible=elig, best_fit=best_fit)
            mapped = np.where(got >= 0, bin_order[np.maximum(got, 0)], -1)
            if best is None or _score(mapped) < _score(best):
                best = mapped
    got = dot_product_pack(sizes, caps, elig)
    mapped = np.where(got >= 0, bin_order[np.maximum(got, 0)], -1)
    if best is None or _score(mapped) < _score(best):
        best = mapped
    assert best is not None
    return best


def _score(assign: IntArray) -> tuple[int, int]:
    return (int((assign < 0).sum()), bins_used(assign))


def _aggregate_model(
    uniq: IntArray,
    counts: IntArray,
    elig_gt: BoolArray,
    type_caps: IntArray,
    type_avail: IntArray,
    cap_nodes: int,
) -> tuple[Any, dict[int, Any], dict[tuple[int, int], Any]]:
    import pulp

    prob = pulp.LpProblem("types", pulp.LpMinimize)
    n = {
        t: pulp.LpVariable(f"n_{t}", 0, int(type_avail[t]), cat="Integer")
        for t in range(len(type_caps))
    }
    y = {
        (g, t): pulp.LpVariable(f"y_{g}_{t}", 0, int(counts[g]))
        for g in range(uniq.shape[0])
        for t in range(len(type_caps))
        if elig_gt[g, t] and (uniq[g] <= type_caps[t]).all()
    }
    prob += pulp.lpSum(n.values())
    prob += pulp.lpSum(n.values()) <= cap_nodes
    for g in range(uniq.shape[0]):
        prob += pulp.lpSum(v for (h, _), v in y.items() if h == g) == int(counts[g])
    for t, n_t in n.items():
        for k in range(uniq.shape[1]):
            terms = [int(uniq[g, k]) * v for (g, s), v in y.items() if s == t]
            prob += pulp.lpSum(terms) <= int(type_caps[t, k]) * n_t
    return prob, n, y


def _round_counts(
    values: Mapping[tuple[int, int], float], counts: IntArray
) -> dict[tuple[int, int], int]:
    """Round y[class, type] to integers that still sum to each class count (largest remainder)."""
    out: dict[tuple[int, int], int] = {}
    by_class: dict[int, list[tuple[int, int]]] = {}
    for key in values:
        by_class.setdefault(key[0], []).append(key)
    for g, keys in by_class.items():
        floors = {k: math.floor(values[k] + 1e-9) for k in keys}
        short = int(counts[g]) - sum(floors.values())
        for k in sorted(keys, key=lambda k: values[k] - floors[k], reverse=True)[: max(0, short)]:
            floors[k] += 1
        out.update({k: v for k, v in floors.items() if v > 0})
    return out


def _split_by_type(
    y_gt: dict[tuple[int, int], int], item_class: IntArray, n_types: int
) -> list[IntArray]:
    """Item indices sent to each type, following the aggregated counts y[class, type]."""
    per_type: list[list[int]] = [[] for _ in range(n_types)]
    cursor: dict[int, int] = {}
    for (g, t), count in sorted(y_gt.items()):
        items = np.flatnonzero(item_class == g)
        start = cursor.get(g, 0)
        per_type[t].extend(items[start : start + count].tolist())
        cursor[g] = start + count
    return [np.array(p, dtype=np.int64) for p in per_type]


def _pack_types(
    sizes: IntArray,
    capacities: IntArray,
    bin_type: IntArray,
    per_type: list[IntArray],
    want: Mapping[int, int],
    options: SolverOptions,
    deadline: float,
    exact: bool = False,
    eligible: BoolArray | None = None,
) -> IntArray | None:
    """Pack each type's items into that type's bins; None if some item stays out.

    Items that overflow a type are repaired by first fit into the room left anywhere (used
    bins first).
    """
    assign = np.full(sizes.shape[0], -1, dtype=np.int64)
    for t, items in enumerate(per_type):
        if items.size == 0:
            continue
        bins = np.flatnonzero(bin_type == t)
        cap = capacities[bins[0]]
        local, _ = best_greedy(sizes[items], cap)
        if exact and bins_used(local) > want[t]:
            local = _pack_exactly(sizes[items], cap, want[t], local, options, deadline)
        local = np.where(local < bins.size, local, -1)
        assign[items] = np.where(local >= 0, bins[np.maximum(local, 0)], -1)
    left = np.flatnonzero(assign < 0)
    if left.size:
        assign = _repair(sizes, capacities, assign, left, eligible)
    return None if (assign < 0).any() else assign


def _repair(
    sizes: IntArray,
    capacities: IntArray,
    assign: IntArray,
    left: IntArray,
    eligible: BoolArray | None,
) -> IntArray:
    """First fit of unassigned items: fullest used bins first, then empty ones, largest first."""
    load = np.zeros_like(capacities)
    np.add.at(load, assign[assign >= 0], sizes[assign >= 0])
    ref = np.maximum(capacities.max(axis=0), 1)
    used = load.any(axis=1)
    fill = (load / ref).sum(axis=1)
    size_key = (capacities / ref).sum(axis=1)
    order = np.lexsort((-size_key, -fill, ~used))
    elig = None if eligible is None else eligible[left][:, order]
    got = greedy_pack(sizes[left], capacities[order], eligible=elig, initial_load=load[order])
    out = assign.copy()
    out[left] = np.where(got >= 0, order[np.maximum(got, 0)], -1)
    return out


def _pack_exactly(
    sizes: IntArray,
    cap: IntArray,
    target: int,
    fallback: IntArray,
    options: SolverOptions,
    deadline: float,
) -> IntArray:
    """Try to pack into ``target`` bins with the class-count model; else the fallback."""
    uniq, counts, item_class = _classes(sizes)
    for bins in range(target, bins_used(fallback)):
        left = deadline - time.perf_counter()
        if left <= 0.1 or uniq.shape[0] * bins > 40_000:
            break
        _, y = _try_bins(uniq, counts, cap, bins, [], options, left * 0.5)
        if y is not None:
            return _counts_to_assignment(y, item_class)
    return fallback


def pack_fewest_nodes(
    sizes: IntArray,
    capacities: IntArray,
    eligible: BoolArray | None = None,
    options: SolverOptions | None = None,
) -> BinPackingResult:
    """Fewest bins (nodes) of differing capacities holding all items; never worse than FFD.

    Args:
        sizes: ``(n, d)`` item sizes.
        capacities: ``(m, d)`` bin capacities.
        eligible: optional ``(n, m)`` mask of allowed bins per item.
        options: solver settings; the time limit covers the whole call.

    Returns:
        The packing (``-1`` for items no bin can hold), the aggregated lower bound and status.
    """
    options = options or SolverOptions()
    start = time.perf_counter()
    deadline = start + options.time_limit_seconds
    sizes = np.asarray(sizes, dtype=np.int64)
    capacities = np.asarray(capacities, dtype=np.int64)
    elig = np.ones((sizes.shape[0], capacities.shape[0]), bool) if eligible is None else eligible
    greedy = greedy_fewest_nodes(sizes, capacities, elig)
    heuristic = bins_used(greedy)
    first, bin_type = _types(capacities, elig)
    key = np.concatenate([sizes, elig[:, first].astype(np.int64)], axis=1)
    uniq_key, counts, item_class = _classes(key)
    uniq = uniq_key[:, : sizes.shape[1]]
    elig_gt = uniq_key[:, sizes.shape[1] :].astype(bool)
    avail = np.bincount(bin_type, minlength=first.size)
    if (greedy < 0).any():
        return _result(greedy, 0, heuristic, "greedy", "none", start)
    low, best, method, solver = 1, greedy, "greedy", "none"
    shrink = sizes.max(axis=0)
    seen: set[tuple[tuple[tuple[int, int], ...], bool]] = set()
    for attempt, slack in enumerate((0.0, 0.25, 0.5, 1.0, 2.0, -1.0)):
        left = deadline - time.perf_counter()
        if left <= 0.1 or bins_used(best) <= low:
            break
        exact = slack < 0
        slack = max(slack, 0.0)
        caps_t = np.maximum(capacities[first] - np.floor(slack * shrink).astype(np.int64), 0)
        prob, n_vars, y_vars = _aggregate_model(
            uniq, counts, elig_gt, caps_t, avail, bins_used(best)
        )
        info = run_solver(prob, options, left * 0.3)
        solver = info.solver
        if attempt == 0:
            low = max(low, math.ceil((info.bound or 0) - 1e-6))
        if info.status not in ("optimal", "feasible"):
            continue
        y_gt = _round_counts({k: v.value() or 0.0 for k, v in y_vars.items()}, counts)
        want = {t: round(v.value() or 0) for t, v in n_vars.items()}
        signature = (tuple(sorted(want.items())), exact)
        if signature in seen:
            continue
        seen.add(signature)
        per_type = _split_by_type(y_gt, item_class, first.size)
        packed = _pack_types(
            sizes, capacities, bin_type, per_type, want, options, deadline, exact, elig
        )
        if packed is not None and bins_used(packed) < bins_used(best):
            best, method = packed, f"aggregate(slack={slack:g}{', exact' if exact else ''})"
    return _result(best, low, heuristic, method, solver, start)


def _result(
    assign: IntArray, low: int, heuristic: int, method: str, solver: str, start: float
) -> BinPackingResult:
    used = bins_used(assign)
    low = min(low, used)
    status: SolveStatus = "optimal" if used == low and not (assign < 0).any() else "feasible"
    gap = (used - low) / max(used, 1)
    seconds = time.perf_counter() - start
    return BinPackingResult(
        used, low, status, gap, seconds, solver, tuple(assign.tolist()), heuristic, method
    )
