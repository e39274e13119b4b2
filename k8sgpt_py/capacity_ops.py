"""Capacity planning against a live cluster: "scale checkout to handle Friday traffic".

Reads the workload and its metric history, asks the forecasting advisor for the peak in
the window and the replicas it needs, checks with the placement advisor that they fit, and
returns proposals: the HPA's bounds when an HPA manages the workload (so kai does not fight
it), else the replica count. Every number behind the answer travels with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from k8sgpt_py.changes.proposal import Proposal
from k8sgpt_py.cluster.resolve import Resolved
from k8sgpt_py.errors import KaiError, UsageError
from k8sgpt_py.quantity import cpu_millicores
from k8sgpt_py.tools.base import ToolContext

HISTORY_DAYS = 28


@dataclass
class CapacityAnswer:
    """The plan, its proposals, and what the placement check said."""

    workload: str
    plan: Any
    proposals: list[Proposal] = field(default_factory=list)
    placement: dict[str, Any] | None = None
    advice: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """Everything the answer rests on, as numbers."""
        plan = self.plan
        cap = plan.capacity
        return {
            "workload": self.workload,
            "window": {
                "label": plan.window.label,
                "start": plan.window.start.isoformat(),
                "end": plan.window.end.isoformat(),
            },
            "predicted_peak_rps": round(plan.peak_rps, 2),
            "predicted_peak_rps_mean": round(plan.peak_rps_mean, 2),
            "peak_time": plan.peak_time.isoformat(),
            "interval": plan.interval,
            "rps_per_replica": round(cap.rps_per_replica, 2),
            "target_utilisation": cap.target_utilisation,
            "cpu_request_millicores": cap.cpu_request_millicores,
            "headroom": plan.headroom,
            "current_replicas": plan.current_replicas,
            "replicas": plan.replicas,
            "model": plan.model,
            "backtest_mase": plan.backtest_mase,
            "notes": list(plan.notes) + list(cap.notes),
            "placement": self.placement,
            "explanation": plan.explanation(),
        }


def cpu_request_of(workload: dict[str, Any]) -> float:
    """CPU request of one replica (sum over the pod template's containers), in millicores."""
    from k8sgpt_py.tools.common import containers_of

    total = 0
    for container in containers_of(workload):
        request = ((container.get("resources") or {}).get("requests") or {}).get("cpu")
        if request is not None:
            total += cpu_millicores(request)
    if total <= 0:
        name = (workload.get("metadata") or {}).get("name")
        raise UsageError(
            f"{name} sets no CPU request, so kai cannot size replicas from CPU",
            hint=f'set one first, e.g. kai "set cpu request of {name} to 250m"',
        )
    return float(total)


def plan_for(ctx: ToolContext, found: Resolved, when: str) -> CapacityAnswer:
    """Forecast the window's peak, size the replicas, check they fit, and propose."""
    from k8sgpt_py.advisors.capacity import WindowOutOfReach, plan_capacity
    from k8sgpt_py.advisors.timephrase import parse_time_phrase

    if ctx.metrics is None:
        raise KaiError("no metric history configured", hint="set KAI_PROMETHEUS_URL")
    try:
        window = parse_time_phrase(when, now=ctx.now, holidays=_holidays(ctx))
    except ValueError as exc:
        raise UsageError(f"cannot read the time {when!r}: {exc}") from exc
    ts, rps, cpu, replicas = _history(ctx, found)
    try:
        plan = plan_capacity(
            ts,
            rps,
            cpu,
            replicas,
            cpu_request_millicores=cpu_request_of(found.obj),
            window=window,
            now=ctx.now,
        )
    except WindowOutOfReach as exc:  # bad input: a time kai cannot forecast
        raise UsageError(f"cannot plan capacity for {found}: {exc}", hint=_reach_hint(exc)) from exc
    except ValueError as exc:
        raise KaiError(f"cannot plan capacity for {found}: {exc}") from exc
    answer = CapacityAnswer(workload=str(found), plan=plan)
    _check_placement(ctx, found, answer)
    answer.proposals = _proposals(ctx, found, answer)
    return answer


def _reach_hint(exc: Any) -> str:
    """What kai can forecast, and what to ask instead."""
    from k8sgpt_py.advisors.capacity import MAX_HORIZON_DAYS

    if not exc.is_too_far:
        return 'ask about a coming time, e.g. "Friday", "tomorrow evening" or "next week"'
    return (
        f"kai forecasts up to {MAX_HORIZON_DAYS:g} days past the last metric sample "
        f"({exc.history_end:%Y-%m-%d %H:%M %Z}): ask about a time that ends by "
        f'{exc.latest_end:%A %Y-%m-%d %H:%M}, e.g. "Friday" or "next week"'
    )


def _holidays(ctx: ToolContext) -> dict[str, Any]:
    from datetime import date

    out: dict[str, Any] = {}
    for name, value in (ctx.settings.holidays or {}).items():
        try:
            out[str(name)] = date.fromisoformat(str(value))
        except ValueError:
            raise UsageError(
                f"holiday {name!r} in the config file is not a date: {str(value)[:40]!r}",
                hint="write holidays as NAME: YYYY-MM-DD",
            ) from None
    return out


def _history(ctx: ToolContext, found: Resolved) -> tuple[Any, Any, Any, Any]:
    from k8sgpt_py.insights import observed_length
    from k8sgpt_py.metrics.base import NoMetricData

    assert ctx.metrics is not None
    start = ctx.now - timedelta(days=HISTORY_DAYS)
    columns = []
    for metric in ("rps", "cpu", "replicas"):
        try:
            series = ctx.metrics.history(
                found.namespace or "", found.name, metric, start=start, end=ctx.now
            )
        except NoMetricData as exc:
            raise KaiError(exc.message, hint=exc.hint) from exc
        columns.append(series)
    end = observed_length(columns[0].values)  # history may stop before now: plan from its end
    if end == 0:
        raise KaiError(f"no request-rate data for {found} in the last {HISTORY_DAYS} days")
    rps, cpu, replicas = (c.values[:end] for c in columns)
    return columns[0].timestamps[:end], rps, cpu, replicas


def _check_placement(ctx: ToolContext, found: Resolved, answer: CapacityAnswer) -> None:
    from k8sgpt_py.placement_ops import solve_what_if, to_plain

    plan = answer.plan
    if plan.current_replicas is not None and plan.replicas <= plan.current_replicas:
        return
    check = solve_what_if(ctx.cluster, {f"{found.namespace}/{found.name}": plan.replicas})
    answer.placement = {
        "fits": check.fits,
        "extra_nodes": dict(check.extra_nodes),
        "new_pods": to_plain(check.new_pods),
        "explanation": check.explanation,
    }
    if not check.fits:
        nodes = ", ".join(f"{n} x {t}" for t, n in check.extra_nodes.items())
        answer.advice.append(
            f"{plan.replicas} replicas do not fit on today's nodes: add {nodes} before the peak"
        )


def _proposals(ctx: ToolContext, found: Resolved, answer: CapacityAnswer) -> list[Proposal]:
    from k8sgpt_py.tools.common import object_ref
    from k8sgpt_py.tools.write import hpa_adjustments

    plan = answer.plan
    current = int((found.obj.get("spec") or {}).get("replicas", 1))
    notes = (plan.explanation(), *answer.advice)
    hpa = hpa_adjustments(ctx, found.kind, found.name, found.namespace, plan.replicas)
    if _has_hpa(ctx, found):
        return [
            Proposal(
                p.target,
                p.action,
                p.reason,
                patch=p.patch,
                patch_type=p.patch_type,
                notes=notes,
                scope=p.scope,
            )
            for p in hpa
        ]
    if plan.replicas == current:
        return []
    reason = f"scale {found} from {current} to {plan.replicas} replicas for {plan.window.label}"
    return [
        Proposal(
            object_ref(found),
            "patch",
            reason,
            patch={"spec": {"replicas": plan.replicas}},
            patch_type="merge",
            notes=notes,
        )
    ]


def _has_hpa(ctx: ToolContext, found: Resolved) -> bool:
    for hpa in ctx.cluster.list("HorizontalPodAutoscaler", found.namespace):
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if target.get("kind") == found.kind and target.get("name") == found.name:
            return True
    return False
