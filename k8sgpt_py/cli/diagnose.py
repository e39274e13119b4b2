"""``kai scan`` (all analyzers) and ``kai explain TYPE/NAME`` (root cause and fix)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from k8sgpt_py.cli._context import AppContext


FAIL_ON = ("info", "warning", "critical")


def register(app: typer.Typer) -> None:
    """Add ``scan`` and ``explain``."""
    app.command("scan", help="Run every analyzer over a namespace (-n) or the cluster.")(scan)
    app.command("explain", help="Why is this object unhealthy, and how to fix it.")(explain)


def scan(
    ctx: typer.Context,
    only: Annotated[
        str | None, typer.Option("--filter", help="analyzers to run, comma-separated")
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="exit 7 on findings at this severity or above")
    ] = None,
) -> None:
    """Findings are data: exit 0 unless --fail-on is given and met."""
    scan_findings(ctx.obj, only=only, fail_on=fail_on)


def scan_findings(
    app_ctx: AppContext, *, only: str | None = None, fail_on: str | None = None
) -> None:
    """Run the analyzers over -n's namespace (else every one) and write the findings."""
    from k8sgpt_py.diagnose import scan as run_scan
    from k8sgpt_py.errors import FindingsAtThreshold, UsageError
    from k8sgpt_py.render.emit import document, emit_data
    from k8sgpt_py.render.findings import show_findings

    if fail_on is not None and fail_on not in FAIL_ON:
        raise UsageError(f"unknown --fail-on level {fail_on!r}", hint="use warning or critical")
    names = [n.strip() for n in only.split(",") if n.strip()] if only else None
    namespace = None if app_ctx.all_namespaces else app_ctx.namespace
    where = f"namespace {namespace}" if namespace else "all namespaces"
    findings = run_scan(app_ctx.cluster(), namespace=namespace, only=names, now=app_ctx.now)
    if app_ctx.output == "text":
        show_findings(app_ctx.terminal.out(), findings, where=where)
    else:
        body = {"namespace": namespace, "findings": [f.to_json() for f in findings]}
        emit_data(document("Scan", body), app_ctx.output, app_ctx.terminal.stdout)
    if fail_on is not None:
        at_or_above = [f for f in findings if f.severity.rank >= FAIL_ON.index(fail_on)]
        if at_or_above:
            raise FindingsAtThreshold(f"{len(at_or_above)} findings at or above {fail_on}")


def explain(
    ctx: typer.Context,
    target: Annotated[list[str], typer.Argument(help="TYPE/NAME, or a name (fuzzy)")],
) -> None:
    """Gather evidence, run the analyzers, explain; with a model, propose the fix."""
    explain_target(ctx.obj, " ".join(target))


def explain_target(app_ctx: AppContext, target: str) -> None:
    """Explain one object (TYPE/NAME or a fuzzy name) and write the explanation."""
    from k8sgpt_py.cli._ui import finish, make_ui
    from k8sgpt_py.cli.ask import llm_planner
    from k8sgpt_py.cluster.kinds import ANY_KIND
    from k8sgpt_py.diagnose import explain as gather
    from k8sgpt_py.render.emit import document, emit_data
    from k8sgpt_py.render.findings import show_explanation
    from k8sgpt_py.tools.common import find

    tool_ctx = app_ctx.tool_context()
    found = find(tool_ctx, target, kinds=ANY_KIND)
    explanation = gather(tool_ctx.cluster, found, now=app_ctx.now, metrics=tool_ctx.metrics)
    body = explanation.to_json() | {"planner": "offline", "answer": None, "changes": []}
    ui = make_ui(app_ctx, spinner_text=None)
    llm = llm_planner(app_ctx, ui)
    if llm is None:
        if app_ctx.output == "text":
            show_explanation(app_ctx.terminal.out(), explanation, answer=None)
        else:
            emit_data(document("Explanation", body), app_ctx.output, app_ctx.terminal.stdout)
        return
    import json

    from k8sgpt_py.request import RequestOptions, handle_request  # the LLM path only

    outcome = handle_request(
        f"explain {explanation.subject}: find the root cause and propose the fix",
        ctx=tool_ctx,
        settings=app_ctx.settings,
        ui=ui,
        audit=app_ctx.audit(),
        options=RequestOptions(assume_yes=app_ctx.assume_yes, dry_run=app_ctx.dry_run),
        llm=llm,
        context=json.dumps(explanation.to_json(), default=str),
    )
    if app_ctx.output != "text":
        body |= outcome.to_json() | {"kind": "Explanation"}
        emit_data(body | document("Explanation", {}), app_ctx.output, app_ctx.terminal.stdout)
        if outcome.error is not None:
            raise outcome.error
        return
    finish(app_ctx, outcome, ui)
