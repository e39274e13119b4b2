"""Greedy vector bin packing (first-fit / best-fit decreasing) and lower bounds.

Pure numpy. Items are rows of an ``(n, d)`` integer array, bins rows of an ``(m, d)`` array;
an item fits a bin when every dimension stays within capacity. These give the solver its
incumbent (upper bound) and its proof shortcut (lower bound), and serve as the baseline the
benchmarks compare against.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def item_order(sizes: IntArray, capacity: IntArray, rule: str = "sum") -> IntArray:
    """Indices of items from largest to smallest, sizes normalised by ``capacity``.

    Args:
        sizes: ``(n, d)`` item sizes.
        capacity: ``(d,)`` reference capacity (e.g. the largest or average bin).
        rule: "sum" (sum of normalised sizes), "max" (largest normalised size), or
            "dimK" (dimension K alone, ties broken by the sum).
    """
    norm = sizes / np.maximum(capacity, 1)
    if rule == "max":
        key = norm.max(axis=1) + 1e-6 * norm.sum(axis=1)
    elif rule.startswith("dim"):
        key = norm[:, int(rule[3:])] + 1e-6 * norm.sum(axis=1)
    else:
        key = norm.sum(axis=1)
    return np.argsort(-key, kind="stable").astype(np.int64)


def greedy_pack(
    sizes: IntArray,
    capacities: IntArray,
    *,
    order: IntArray | None = None,
    eligible: BoolArray | None = None,
    best_fit: bool = False,
    initial_load: IntArray | None = None,
) -> IntArray:
    """Place items one by one into the first (or best) bin they fit; return bin per item.

    Args:
        sizes: ``(n, d)`` item sizes.
        capacities: ``(m, d)`` bin capacities, in the order bins are opened (first fit).
        order: item order (default: decreasing normalised size).
        eligible: optional ``(n, m)`` mask of allowed bins per item.
        best_fit: choose the fitting bin with the least normalised room left, preferring
            bins already in use.
        initial_load: ``(m, d)`` load already on the bins.

    Returns:
        ``(n,)`` bin index per item, ``-1`` where no bin had room.
    """
    n = sizes.shape[0]
    load = np.zeros_like(capacities) if initial_load is None else initial_load.copy()
    ref = capacities.max(axis=0)
    if order is None:
        order = item_order(sizes, ref)
    used: BoolArray = np.asarray(load.any(axis=1), dtype=bool)
    out = np.full(n, -1, dtype=np.int64)
    starts = _run_starts(sizes, order, eligible)
    for a, b in itertools.pairwise(starts):
        items = order[a:b]
        while items.size:
            j = _pick_bin(
                sizes[items[0]],
                capacities - load,
                ref,
                used,
                best_fit,
                None if eligible is None else eligible[items[0]],
            )
            if j < 0:
                break
            room = capacities[j] - load[j]
            fit = min(
                (int(r // s) for r, s in zip(room, sizes[items[0]], strict=True) if s > 0),
                default=items.size,
            )
            take = items[: max(1, min(fit, items.size))]
            out[take] = j
            load[j] += sizes[items[0]] * take.size
            used[j] = True
            items = items[take.size :]
    return out


def _run_starts(sizes: IntArray, order: IntArray, eligible: BoolArray | None) -> IntArray:
    """Positions in ``order`` where a run of identical items (size and eligibility) starts."""
    ordered = sizes[order]
    change = (ordered[1:] != ordered[:-1]).any(axis=1)
    if eligible is not None:
        packed = np.packbits(eligible[order], axis=1)
        change |= (packed[1:] != packed[:-1]).any(axis=1)
    return np.concatenate([[0], np.flatnonzero(change) + 1, [order.size]]).astype(np.int64)


def _pick_bin(
    size: IntArray,
    room: IntArray,
    ref: IntArray,
    used: BoolArray,
    best_fit: bool,
    eligible: BoolArray | None,
) -> int:
    fits = (room >= size).all(axis=1)
    if eligible is not None:
        fits &= eligible
    candidates = np.flatnonzero(fits)
    if candidates.size == 0:
        return -1
    if not best_fit:
        return int(candidates[0])
    if not used[candidates].any():
        return int(candidates[0])
    candidates = candidates[used[candidates]]
    slack = ((room[candidates] - size) / np.maximum(ref, 1)).sum(axis=1)
    slack = slack + 1e3 * (~used[candidates])
    return int(candidates[int(np.argmin(slack))])


def dot_product_pack(
    sizes: IntArray, capacities: IntArray, eligible: BoolArray | None = None
) -> IntArray:
    """Bin-centric greedy that balances dimensions (CPU against memory).

    Bins are filled in order; each step adds the fitting item whose normalised size has the
    largest dot product with the bin's remaining room.

    Returns:
        ``(n,)`` bin index per item, ``-1`` where no bin had room.
    """
    key = sizes if eligible is None else np.concatenate([sizes, np.packbits(eligible, axis=1)], 1)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    cls = sizes[first]
    remaining = np.bincount(inverse, minlength=first.size)
    members = [list(np.flatnonzero(inverse == g)) for g in range(first.size)]
    ref = np.maximum(capacities.max(axis=0), 1).astype(float)
    norm = cls / ref
    out = np.full(sizes.shape[0], -1, dtype=np.int64)
    for j in range(capacities.shape[0]):
        if not remaining.any():
            break
        room = capacities[j].copy()
        allowed = remaining > 0 if eligible is None else (remaining > 0) & eligible[first, j]
        while True:
            ok = allowed & (remaining > 0) & (cls <= room).all(axis=1)
            if not ok.any():
                break
            score = np.where(ok, norm @ (room / ref), -1.0)
            g = int(np.argmax(score))
            out[members[g].pop()] = j
            remaining[g] -= 1
            room = room - cls[g]
    return out


def bins_used(assignment: IntArray) -> int:
    """Number of distinct bins in an assignment (ignoring unplaced items)."""
    return int(np.unique(assignment[assignment >= 0]).size)


def best_greedy(
    sizes: IntArray, capacity: IntArray, *, max_bins: int | None = None
) -> tuple[IntArray, str]:
    """Best of FFD/BFD over several item orders for identical bins; returns (assignment, name)."""
    # any-fit packings never leave two bins that could be merged: fewer than 2 * volume + 1 bins
    volume = float((sizes / np.maximum(capacity, 1)).sum())
    bound = min(sizes.shape[0], math.floor(2 * volume + 1) + 1)
    m = max_bins if max_bins is not None else bound
    caps = np.tile(capacity, (m, 1))
    best: tuple[IntArray, str] | None = None
    rules = ["sum", "max"] + [f"dim{k}" for k in range(sizes.shape[1])]
    for rule in rules:
        order = item_order(sizes, capacity, rule)
        for best_fit in (False, True):
            assign = greedy_pack(sizes, caps, order=order, best_fit=best_fit)
            if (assign < 0).any():
                continue
            if best is None or bins_used(assign) < bins_used(best[0]):
                best = (assign, f"{'bfd' if best_fit else 'ffd'}-{rule}")
    dot = dot_product_pack(sizes, caps)
    if not (dot < 0).any() and (best is None or bins_used(dot) < bins_used(best[0])):
        best = (dot, "dot-product")
    if best is None:
        raise ValueError("an item is larger than the bin capacity")
    return best


def _l2_one_dim(sizes: IntArray, capacity: int) -> int:
    """Martello-Toth L2 lower bound for one-dimensional bin packing."""
    if sizes.size == 0:
        return 0
    best = math.ceil(int(sizes.sum()) / capacity)
    for k in [*np.unique(sizes[sizes <= capacity // 2]).tolist(), 0]:
        big = sizes[sizes > capacity - k]
        mid = sizes[(sizes <= capacity - k) & (sizes > capacity / 2)]
        small = sizes[(sizes >= k) & (sizes <= capacity / 2)]
        free_mid = int(mid.size) * capacity - int(mid.sum())
        extra = max(0, math.ceil((int(small.sum()) - free_mid) / capacity))
        best = max(best, int(big.size) + int(mid.size) + extra)
    return best


def incompatible_clique(sizes: IntArray, capacity: IntArray) -> IntArray:
    """Greedy set of items no two of which fit one bin together (largest items first)."""
    order = item_order(sizes, capacity, "max")
    clique: list[int] = []
    for i in order:
        if all(((sizes[i] + sizes[j]) > capacity).any() for j in clique):
            clique.append(int(i))
    return np.array(clique, dtype=np.int64)


def lower_bound(sizes: IntArray, capacity: IntArray) -> int:
    """Best of the volume bound, the per-dimension L2 bound and the incompatible-item clique."""
    bound = 0
    for k in range(sizes.shape[1]):
        bound = max(bound, _l2_one_dim(sizes[:, k], int(capacity[k])))
    return max(bound, int(incompatible_clique(sizes, capacity).size))
