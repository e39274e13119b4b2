"""Solver-independent plumbing for the placement models: options, solver choice, results.

PuLP is imported lazily, inside the functions that need it (only the placement advisor
modules use it).
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

from k8sgpt_py.advisors.placement_model import SolveStatus

_BANNER_SILENCED: list[bool] = []


@dataclass(frozen=True)
class SolverOptions:
    """How to run the MIP solver.

    Attributes:
        time_limit_seconds: wall-clock limit for one solve.
        gap_rel: relative optimality gap at which the solver may stop (0 = prove optimum).
        solver: "auto" (HiGHS when highspy imports, else CBC), "highs" or "cbc".
        threads: solver threads (1 keeps shared machines responsive).
    """

    time_limit_seconds: float = 10.0
    gap_rel: float = 0.0
    solver: str = "auto"
    threads: int = 1


@dataclass(frozen=True)
class SolveInfo:
    """What one solver call reported."""

    status: SolveStatus
    objective: float | None
    bound: float | None
    gap: float | None
    seconds: float
    solver: str


def highs_available() -> bool:
    """True when highspy can be imported."""
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def silence_highs_banner() -> None:
    """Create one Highs object with stdout muted: HiGHS prints its banner on the first one."""
    if _BANNER_SILENCED:
        return
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    _BANNER_SILENCED.append(True)


def solver_name(options: SolverOptions) -> str:
    """The solver actually used for these options: "highs" or "cbc"."""
    if options.solver == "cbc":
        return "cbc"
    if options.solver == "highs" or highs_available():
        return "highs"
    return "cbc"


def gap_between(objective: float | None, bound: float | None) -> float | None:
    """Relative distance between an objective and a bound, or None when one is missing."""
    if objective is None or bound is None:
        return None
    return abs(objective - bound) / max(abs(objective), 1e-9)


def make_solver(options: SolverOptions, time_limit_seconds: float | None = None) -> Any:
    """A configured PuLP solver object (quiet, time-limited)."""
    import pulp

    limit = max(0.05, time_limit_seconds or options.time_limit_seconds)
    if solver_name(options) == "highs":
        silence_highs_banner()
        return pulp.HiGHS(
            msg=False, timeLimit=limit, gapRel=options.gap_rel, threads=options.threads
        )
    return pulp.PULP_CBC_CMD(
        msg=False, timeLimit=limit, gapRel=options.gap_rel, threads=options.threads
    )


def read_status(prob: Any, solver: Any, seconds: float, name: str) -> SolveInfo:
    """Translate the solver's outcome into a SolveInfo (status, objective, bound, gap)."""
    import pulp

    objective = pulp.value(prob.objective) if prob.objective is not None else None
    if name == "highs":
        import highspy

        model = prob.solverModel
        status = model.getModelStatus()
        info = model.getInfo()
        has_solution = info.primal_solution_status >= 2
        if status == highspy.HighsModelStatus.kOptimal:
            obj = float(objective) if objective is not None else 0.0
            return SolveInfo("optimal", obj, obj, 0.0, seconds, name)
        if status in (
            highspy.HighsModelStatus.kInfeasible,
            highspy.HighsModelStatus.kUnboundedOrInfeasible,
        ):
            return SolveInfo("infeasible", None, None, None, seconds, name)
        bound = float(info.mip_dual_bound) if abs(info.mip_dual_bound) < 1e30 else None
        if has_solution and objective is not None:
            obj = float(objective)
            return SolveInfo("feasible", obj, bound, gap_between(obj, bound), seconds, name)
        return SolveInfo("timeout", None, bound, None, seconds, name)
    return _read_cbc(prob, objective, seconds)


def _read_cbc(prob: Any, objective: Any, seconds: float) -> SolveInfo:
    import pulp

    if prob.status == pulp.LpStatusInfeasible:
        return SolveInfo("infeasible", None, None, None, seconds, "cbc")
    if prob.sol_status == pulp.LpSolutionOptimal:
        obj = float(objective) if objective is not None else 0.0
        return SolveInfo("optimal", obj, obj, 0.0, seconds, "cbc")
    if prob.sol_status == pulp.LpSolutionIntegerFeasible and objective is not None:
        return SolveInfo("feasible", float(objective), None, None, seconds, "cbc")
    return SolveInfo("timeout", None, None, None, seconds, "cbc")


def run_solver(
    prob: Any, options: SolverOptions, time_limit_seconds: float | None = None
) -> SolveInfo:
    """Solve a PuLP problem with the chosen solver and report status, objective, bound, gap."""
    name = solver_name(options)
    solver = make_solver(options, time_limit_seconds)
    start = time.perf_counter()
    prob.solve(solver)
    return read_status(prob, solver, time.perf_counter() - start, name)
