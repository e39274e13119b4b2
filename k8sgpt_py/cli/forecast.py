"""``kai forecast TARGET --metric rps|cpu|memory --horizon 7d [--plot out.png]``."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from k8sgpt_py.cli._context import AppContext


def register(app: typer.Typer) -> None:
    """Add ``forecast``."""
    app.command("forecast", help="Forecast a workload's demand (request rate, CPU, memory).")(
        forecast
    )


def forecast(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="deploy/NAME or a (fuzzy) workload name")],
    metric: Annotated[str, typer.Option("--metric", help="rps, cpu or memory")] = "rps",
    horizon: Annotated[str, typer.Option("--horizon", help="how far ahead, e.g. 7d")] = "1d",
    plot: Annotated[Path | None, typer.Option("--plot", help="also write a PNG here")] = None,
) -> None:
    """History plus forecast band on a terminal, the numbers with -o json."""
    from k8sgpt_py.advisors.capacity import MAX_HORIZON_DAYS
    from k8sgpt_py.insights import forecast_workload
    from k8sgpt_py.metrics.base import MetricsUnavailable
    from k8sgpt_py.render.emit import document, emit_data
    from k8sgpt_py.render.plot import plot_format, terminal_chart, write_png
    from k8sgpt_py.render.text import plain
    from k8sgpt_py.timeutil import parse_duration
    from k8sgpt_py.tools.common import find

    app_ctx: AppContext = ctx.obj
    ahead = parse_duration(
        horizon,
        name="--horizon",
        at_most=timedelta(days=MAX_HORIZON_DAYS),
        why=f"kai forecasts at most {MAX_HORIZON_DAYS:g} days ahead",
    )
    if plot is not None:
        plot_format(plot)  # a path kai cannot write is bad input, said before any fitting
    tool_ctx = app_ctx.tool_context()
    found = find(tool_ctx, target, kinds=("Deployment", "StatefulSet", "DaemonSet"))
    if tool_ctx.metrics is None:
        raise MetricsUnavailable("no metric history configured")
    with app_ctx.terminal.progress("fitting and backtesting forecast models…"):
        result = forecast_workload(
            tool_ctx.metrics,
            found.namespace or "",
            found.name,
            metric,
            horizon=ahead,
            now=app_ctx.now,
        )
    if plot is not None:
        write_png(result, plot)
    if app_ctx.output != "text":
        body = result.to_json() | ({"plot": str(plot)} if plot else {})
        emit_data(document("Forecast", body), app_ctx.output, app_ctx.terminal.stdout)
        return
    out = app_ctx.terminal.out()
    fc = result.forecast
    error = f", backtest MASE {fc.backtest_mase:.2f}" if fc.backtest_mase is not None else ""
    plain(out, f"{found} {metric} for the next {horizon}: model {fc.model}{error}", style="bold")
    terminal_chart(out, result)
    peak = int(fc.upper.argmax())
    plain(
        out,
        f"highest expected: {fc.mean[peak]:.4g} {result.unit} "
        f"(up to {fc.upper[peak]:.4g} at {fc.interval:.0%})",
    )
    for note in fc.notes:
        plain(out, f"note: {note}", style="dim")
    if plot is not None:
        plain(out, f"wrote {plot}")
