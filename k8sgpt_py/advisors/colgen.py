"""Column generation for identical-bin vector packing (Gilmore-Gomory pattern model).

The master LP chooses how often to use each bin *pattern* (items of each class in one bin) so
that every class is covered; its optimum, rounded up, is a very strong lower bound (bin
packing nearly always has the "integer round-up property"). New patterns come from a pricing
knapsack: dynamic programming in one dimension, a small MIP in several. Integer solutions come
from the restricted master solved as a MIP and, failing that, from diving (fix the most-used
pattern, re-optimise the rest). Talks to HiGHS through highspy directly, imported lazily.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from k8sgpt_py.advisors.heuristics import IntArray
from k8sgpt_py.advisors.placement_solver import silence_highs_banner

_EPS = 1e-9
FloatArray = np.ndarray[Any, np.dtype[np.float64]]


@dataclass(frozen=True)
class ColumnResult:
    """Best packing found: one pattern (items per class) per bin, plus the LP bound."""

    patterns: tuple[tuple[int, ...], ...]
    lower_bound: int


def _highs() -> Any:
    import highspy

    silence_highs_banner()
    h = highspy.Highs()  # type: ignore[no-untyped-call]
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    return h


class _Pricer:
    """Best pattern for given class values (exact knapsack), with an upper bound on its value."""

    def __init__(self, sizes: IntArray, capacity: IntArray, upper: IntArray) -> None:
        self.sizes, self.capacity, self.upper = sizes, capacity, upper
        self.one_dim = sizes.shape[1] == 1 and int(capacity[0]) <= 200_000
        self.table = None if self.one_dim else _enumerate(sizes, capacity, upper)
        self.exact_fast = self.one_dim or self.table is not None
        self.model: Any = None if self.exact_fast else self._build_mip()
        self.extra: list[IntArray] = []

    def _build_mip(self) -> Any:
        import highspy

        h = _highs()
        n_cls, dims = self.sizes.shape
        for g in range(n_cls):
            h.addCol(0.0, 0.0, float(self.upper[g]), 0, np.array([], np.int32), np.array([]))
            h.changeColIntegrality(g, highspy.HighsVarType.kInteger)
        idx = np.arange(n_cls, dtype=np.int32)
        for k in range(dims):
            h.addRow(0.0, float(self.capacity[k]), n_cls, idx, self.sizes[:, k].astype(float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        return h

    def greedy(self, values: FloatArray) -> list[IntArray]:
        """Cheap patterns: fill by value per unit of normalised size, several size measures."""
        norm = self.sizes / np.maximum(self.capacity, 1)
        out: list[IntArray] = []
        for size in (norm.sum(axis=1), norm.max(axis=1), norm @ (1.0 + norm.sum(axis=0))):
            order = np.argsort(-(values / np.maximum(size, _EPS)), kind="stable")
            room = self.capacity.copy()
            pattern = np.zeros(self.sizes.shape[0], dtype=np.int64)
            for g in order:
                if values[g] <= _EPS:
                    break
                fit = int(min(self.upper[g], np.min(room // np.maximum(self.sizes[g], 1))))
                if fit > 0:
                    pattern[g] = fit
                    room = room - fit * self.sizes[g]
            out.append(pattern)
        return out

    def price(self, values: FloatArray, seconds: float) -> tuple[IntArray, float]:
        """Return (pattern, upper bound on the best pattern value)."""
        if self.one_dim:
            pattern = self._dp(values)
            return pattern, float(values @ pattern)
        if self.table is not None:
            scores = np.append(values, 0.0)[self.table].sum(axis=1)
            top = np.argpartition(-scores, min(9, scores.size - 1))[:10]
            self.extra = [
                self._row(self.table[r], values.size) for r in top if scores[r] > 1 + 1e-7
            ]
            row = self.table[int(np.argmax(scores))]
            return self._row(row, values.size), float(scores.max())
        quick = self.restricted(values)
        if quick is not None and float(values @ quick) > 1.0 + 1e-7:
            return quick, math.inf
        found = _branch_and_bound(values, self.sizes, self.capacity, self.upper)
        if found is not None:
            return found, float(values @ found)
        h = self.model
        n_cls = self.sizes.shape[0]
        h.changeColsCost(n_cls, np.arange(n_cls, dtype=np.int32), values.astype(float))
        h.setOptionValue("time_limit", max(0.05, min(0.5, seconds)))
        h.setOptionValue("mip_rel_gap", 1e-4)
        h.run()
        sol = np.round(np.array(h.getSolution().col_value)).astype(np.int64)
        sol = np.clip(sol, 0, self.upper)
        bound = float(h.getInfo().mip_dual_bound)
        return sol, max(bound, float(values @ sol))

    def restricted(self, values: FloatArray, keep: int = 30) -> IntArray | None:
        """Best pattern over the ``keep`` classes with the highest value per normalised size."""
        norm = (self.sizes / np.maximum(self.capacity, 1)).sum(axis=1)
        ratio = np.where(values > _EPS, values / np.maximum(norm, _EPS), -1.0)
        top = np.argsort(-ratio)[:keep]
        top = top[ratio[top] > 0]
        if top.size == 0:
            return None
        table = _enumerate(self.sizes[top], self.capacity, self.upper[top], 200_000, 0.5)
        if table is None:
            return None
        scores = np.append(values[top], 0.0)[table].sum(axis=1)
        row = table[int(np.argmax(scores))]
        pattern = np.zeros(values.size, dtype=np.int64)
        np.add.at(pattern, top[row[row < top.size]], 1)
        return pattern

    @staticmethod
    def _row(row: IntArray, n_cls: int) -> IntArray:
        return np.bincount(row[row < n_cls], minlength=n_cls).astype(np.int64)

    def _dp(self, values: FloatArray) -> IntArray:
        """Bounded knapsack by binary splitting; exact for one dimension."""
        cap = int(self.capacity[0])
        best = np.zeros(cap + 1)
        chunks: list[tuple[int, int]] = []
        for g in np.flatnonzero(values > _EPS):
            left: int = int(self.upper[g])
            piece = 1
            while left > 0:
                take = min(piece, left)
                chunks.append((int(g), take))
                left, piece = left - take, piece * 2
        taken = np.zeros((len(chunks), cap + 1), dtype=bool)
        for c, (cls, take) in enumerate(chunks):
            w = int(self.sizes[cls, 0]) * take
            if w > cap:
                continue
            cand = best[: cap + 1 - w] + values[cls] * take
            better = cand > best[w:] + _EPS
            taken[c, w:] = better
            best[w:] = np.where(better, cand, best[w:])
        pattern = np.zeros(self.sizes.shape[0], dtype=np.int64)
        room: int = cap
        for c in range(len(chunks) - 1, -1, -1):
            if taken[c, room]:
                cls, take = chunks[c]
                pattern[cls] += take
                room -= int(self.sizes[cls, 0]) * take
        return pattern


def _enumerate(
    sizes: IntArray, capacity: IntArray, upper: IntArray, limit: int = 500_000, seconds: float = 3.0
) -> IntArray | None:
    """Every maximal-or-not feasible pattern as a row of class indices (padded with G).

    Returns None when there would be more than ``limit`` patterns or it takes too long.
    """
    stop = time.perf_counter() + seconds
    n_cls = sizes.shape[0]
    rows = [np.arange(n_cls, dtype=np.int64).reshape(-1, 1)]
    loads = [sizes.copy()]
    trail = np.ones(n_cls, dtype=np.int64)
    total = n_cls
    while True:
        idx, load = rows[-1], loads[-1]
        last = idx[:, -1]  # non-decreasing: rows are appended class by class
        room = capacity - load
        new_rows, new_loads, new_trail = [], [], []
        for g in range(n_cls):
            lo, hi = np.searchsorted(last, [g, g + 1])
            ok = np.ones(int(hi), dtype=bool)
            for k in range(sizes.shape[1]):
                ok &= room[:hi, k] >= sizes[g, k]
            ok[lo:hi] &= trail[lo:hi] < upper[g]
            count = int(ok.sum())
            if count:
                pick = np.flatnonzero(ok)
                new_rows.append(np.column_stack([idx[pick], np.full(count, g)]))
                new_loads.append(load[pick] + sizes[g])
                new_trail.append(np.where(pick >= lo, trail[pick] + 1, 1))
                total += count
                if total > limit or time.perf_counter() > stop:
                    return None
        if not new_rows:
            break
        rows.append(np.concatenate(new_rows))
        loads.append(np.concatenate(new_loads))
        trail = np.concatenate(new_trail)
    width = len(rows)
    padded = [np.pad(r, ((0, 0), (0, width - r.shape[1])), constant_values=n_cls) for r in rows]
    return np.concatenate(padded)


def _branch_and_bound(
    values: FloatArray, sizes: IntArray, capacity: IntArray, upper: IntArray, nodes: int = 5_000
) -> IntArray | None:
    """Exact multi-dimensional knapsack by depth-first search; None past the node limit.

    The bound is the fractional knapsack on the surrogate constraint (sum of the normalised
    dimensions), read from prefix sums in density order.
    """
    keep = np.flatnonzero(values > _EPS)
    sur = (sizes[keep] / np.maximum(capacity, 1)).sum(axis=1)
    order = keep[np.argsort(-(values[keep] / np.maximum(sur, _EPS)), kind="stable")]
    val, sz, ub = values[order], sizes[order], upper[order]
    srg = (sz / np.maximum(capacity, 1)).sum(axis=1)
    cum_s = np.concatenate([[0.0], np.cumsum(ub * srg)])
    cum_v = np.concatenate([[0.0], np.cumsum(ub * val)])
    best_value = [0.0]
    best_take = [np.zeros(order.size, dtype=np.int64)]
    budget = [nodes]
    take = np.zeros(order.size, dtype=np.int64)

    def bound(i: int, room_s: float) -> float:
        pos = int(np.searchsorted(cum_s, cum_s[i] + room_s, side="right")) - 1
        extra = cum_v[pos] - cum_v[i]
        if pos < order.size:
            extra += (cum_s[i] + room_s - cum_s[pos]) / max(srg[pos], _EPS) * val[pos]
        return float(extra)

    def dfs(i: int, room: IntArray, total: float) -> None:
        budget[0] -= 1
        if total > best_value[0] + _EPS:
            best_value[0], best_take[0] = total, take.copy()
        if i == order.size or budget[0] < 0:
            return
        room_s = float((room / np.maximum(capacity, 1)).sum())
        if total + bound(i, room_s) <= best_value[0] + _EPS:
            return
        most = int(min(ub[i], np.min(room // np.maximum(sz[i], 1))))
        for count in range(most, -1, -1):
            take[i] = count
            dfs(i + 1, room - count * sz[i], total + count * val[i])
        take[i] = 0

    dfs(0, capacity.copy(), 0.0)
    if budget[0] < 0:
        return None
    pattern = np.zeros(values.size, dtype=np.int64)
    pattern[order] = best_take[0]
    return pattern


class _Master:
    """Restricted master LP: min sum x_p subject to sum_p a_gp x_p >= demand_g."""

    def __init__(self, demand: IntArray) -> None:
        import highspy

        self.h = _highs()
        self.patterns: list[IntArray] = []
        for g in range(demand.size):
            self.h.addRow(float(demand[g]), highspy.kHighsInf, 0, np.array([], np.int32), [])

    def add(self, pattern: IntArray) -> None:
        import highspy

        idx = np.flatnonzero(pattern).astype(np.int32)
        self.h.addCol(1.0, 0.0, highspy.kHighsInf, idx.size, idx, pattern[idx].astype(float))
        self.patterns.append(pattern)

    def set_demand(self, demand: IntArray) -> None:
        import highspy

        for g in range(demand.size):
            self.h.changeRowBounds(g, float(demand[g]), highspy.kHighsInf)

    def solve_lp(self) -> tuple[float, FloatArray, FloatArray]:
        self.h.run()
        sol = self.h.getSolution()
        value = float(self.h.getInfo().objective_function_value)
        return value, np.array(sol.row_dual), np.array(sol.col_value)


def _generate(
    master: _Master, pricer: _Pricer, deadline: float, exact: bool = True
) -> tuple[float, float, FloatArray]:
    """Add priced columns until none improves; return (LP value, valid lower bound, x).

    With ``exact=False`` only the greedy pricing runs (the bound stays 0).
    """
    lower = 0.0
    while True:
        value, duals, x = master.solve_lp()
        duals = np.maximum(duals, 0.0)
        left = deadline - time.perf_counter()
        if left <= 0:
            return value, lower, x
        if not pricer.exact_fast:
            cheap = [p for p in pricer.greedy(duals) if float(duals @ p) > 1.0 + 1e-7]
            quick = None if cheap else pricer.restricted(duals)
            if quick is not None and float(duals @ quick) > 1.0 + 1e-7:
                cheap = [quick]
            for pattern in cheap:
                master.add(pattern)
            if cheap:
                continue
            if not exact:
                return value, lower, x
        pattern, bound = pricer.price(duals, left)
        lower = max(lower, value / max(1.0, bound))
        if float(duals @ pattern) <= 1.0 + 1e-7:
            return value, lower, x
        master.add(pattern)
        for more in pricer.extra:
            if not np.array_equal(more, pattern):
                master.add(more)
        pricer.extra = []


def _restricted_ip(
    patterns: list[IntArray], demand: IntArray, seconds: float, cutoff: int
) -> list[IntArray] | None:
    """Integer covering over the generated patterns; None if nothing better than cutoff."""
    import highspy

    h = _highs()
    h.setOptionValue("time_limit", max(0.05, seconds))
    for g in range(demand.size):
        h.addRow(float(demand[g]), highspy.kHighsInf, 0, np.array([], np.int32), [])
    for j, pattern in enumerate(patterns):
        idx = np.flatnonzero(pattern).astype(np.int32)
        h.addCol(1.0, 0.0, highspy.kHighsInf, idx.size, idx, pattern[idx].astype(float))
        h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
    h.addRow(
        0.0,
        float(cutoff - 1),
        len(patterns),
        np.arange(len(patterns), dtype=np.int32),
        np.ones(len(patterns)),
    )
    h.run()
    if h.getInfo().primal_solution_status < 2:
        return None
    x = np.round(np.array(h.getSolution().col_value)).astype(np.int64)
    return [patterns[j] for j in np.flatnonzero(x > 0) for _ in range(int(x[j]))]


def _dive(
    master: _Master,
    pricer: _Pricer,
    demand: IntArray,
    deadline: float,
    cutoff: int,
    rng: np.random.Generator | None = None,
) -> list[IntArray] | None:
    """Fix the most used pattern, re-optimise the rest, repeat; None if not under cutoff."""
    residual = demand.copy()
    fixed: list[IntArray] = []
    while residual.sum() > 0:
        if time.perf_counter() > deadline:
            return None
        master.set_demand(residual)
        value, _, x = _generate(master, pricer, deadline, exact=pricer.exact_fast)
        if len(fixed) + math.ceil(value - 1e-6) >= cutoff:
            return None
        p = int(np.argmax(x))
        if rng is not None:
            close = np.flatnonzero(x >= 0.6 * x[p])
            p = int(rng.choice(close))
        for _ in range(max(1, math.floor(x[p] + 1e-6))):
            take = np.minimum(master.patterns[p], residual)
            if take.sum() == 0:
                break
            fixed.append(take)
            residual = residual - take
    master.set_demand(demand)
    return fixed


def _exact_cover(
    pricer: _Pricer, counts: IntArray, bins: int, seconds: float
) -> list[IntArray] | None:
    """Look for ``bins`` exactly full bins when the volume bound has no slack.

    If the items fill ``bins`` bins exactly in some dimension, every optimal bin is full
    there, so only exactly-full patterns can appear: a small set-partitioning problem.
    """
    import highspy

    total = (pricer.sizes * counts[:, None]).sum(axis=0)
    tight = np.flatnonzero(total == bins * pricer.capacity)
    if tight.size == 0 or seconds <= 0.1:
        return None
    table = pricer.table
    if table is None:
        table = _enumerate(pricer.sizes, pricer.capacity, pricer.upper, 500_000, seconds / 3)
    if table is None:
        return None
    padded = np.vstack([pricer.sizes, np.zeros((1, pricer.sizes.shape[1]), np.int64)])
    loads = padded[table].sum(axis=1)
    rows = table[(loads[:, tight] == pricer.capacity[tight]).all(axis=1)]
    if rows.shape[0] == 0:
        return None
    patterns = [np.bincount(r[r < counts.size], minlength=counts.size) for r in rows]
    h = _highs()
    h.setOptionValue("time_limit", max(0.05, seconds))
    for g in range(counts.size):
        h.addRow(float(counts[g]), float(counts[g]), 0, np.array([], np.int32), [])
    for j, pattern in enumerate(patterns):
        idx = np.flatnonzero(pattern).astype(np.int32)
        h.addCol(0.0, 0.0, highspy.kHighsInf, idx.size, idx, pattern[idx].astype(float))
        h.changeColIntegrality(j, highspy.HighsVarType.kInteger)
    h.run()
    if h.getInfo().primal_solution_status < 2:
        return None
    x = np.round(np.array(h.getSolution().col_value)).astype(np.int64)
    return [patterns[j] for j in np.flatnonzero(x > 0) for _ in range(int(x[j]))]


def solve_patterns(
    sizes: IntArray,
    counts: IntArray,
    capacity: IntArray,
    initial: list[IntArray],
    deadline: float,
    known_lower: int = 0,
) -> ColumnResult:
    """Pack class counts into the fewest bins by column generation, diving and a final MIP.

    Args:
        sizes: ``(G, d)`` class sizes.
        counts: ``(G,)`` items per class.
        capacity: ``(d,)`` bin capacity.
        initial: starting patterns, e.g. the bins of a greedy packing (their number is the
            cutoff: only better packings are returned).
        deadline: ``time.perf_counter()`` value to stop at.
        known_lower: a lower bound already proven (e.g. volume or L2 bound).

    Returns:
        Patterns of a packing with fewer bins than ``initial`` (empty if none was found) and
        the column-generation lower bound (0 when it did not converge in time).
    """
    start = time.perf_counter()
    upper = np.minimum(counts, np.min(capacity // np.maximum(sizes, 1), axis=1))
    pricer, master = _Pricer(sizes, capacity, upper), _Master(counts)
    for pattern in initial:
        master.add(pattern)
    cutoff = len(initial)
    if known_lower < cutoff:
        cover = _exact_cover(pricer, counts, known_lower, (deadline - start) * 0.4)
        if cover is not None:
            return ColumnResult(tuple(tuple(int(v) for v in p) for p in cover), known_lower)
    _, lower_f, _ = _generate(master, pricer, deadline, exact=pricer.exact_fast)
    lower = max(known_lower, math.ceil(lower_f - 1e-6))
    if lower >= cutoff:
        return ColumnResult((), lower)
    left = deadline - time.perf_counter()
    best = _restricted_ip(list(master.patterns), counts, left * 0.3, cutoff)
    rng = np.random.default_rng(0)
    for attempt in range(50):
        left = deadline - time.perf_counter()
        if (best is not None and len(best) <= lower) or left < 0.3 * (deadline - start):
            break
        limit = len(best) if best else cutoff
        dived = _dive(master, pricer, counts, deadline, limit, rng if attempt else None)
        best = dived if dived is not None else best
    if best is None or len(best) > lower:
        left = deadline - time.perf_counter()
        again = _restricted_ip(list(master.patterns), counts, left * 0.5, len(best or initial))
        best = again if again is not None else best
    if not pricer.exact_fast and (best is None or len(best) > lower):
        master.set_demand(counts)
        _, lower_f, _ = _generate(master, pricer, deadline, exact=True)
        lower = max(lower, math.ceil(lower_f - 1e-6))
    patterns = tuple(tuple(int(v) for v in p) for p in best or [])
    return ColumnResult(patterns, lower)
