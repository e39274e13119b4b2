"""``kai "REQUEST"``: plan it, show it, and change the cluster only after confirmation."""

from __future__ import annotations

from typing import Annotated

import typer

from k8sgpt_py.cli._context import AppContext


def register(app: typer.Typer) -> None:
    """Add the command (invoked for a bare request; the word ``ask`` is optional)."""
    app.command("ask", help='Do what the request says, e.g. kai "scale checkout to 5".')(ask)


def ask(
    ctx: typer.Context,
    request: Annotated[list[str], typer.Argument(help="what to do, in plain English")],
) -> None:
    """Plan and run one request."""
    run_request(ctx.obj, " ".join(request))


def run_request(app_ctx: AppContext, request: str) -> None:
    """Run one request and write its output; raise its error (for the exit code) afterwards."""
    from k8sgpt_py.cli._ui import finish, make_ui
    from k8sgpt_py.request import RequestOptions, clean_request, handle_request

    clean_request(request)  # bad input fails before any connection is made
    tool_ctx = app_ctx.tool_context()
    ui = make_ui(app_ctx)
    outcome = handle_request(
        request,
        ctx=tool_ctx,
        settings=app_ctx.settings,
        ui=ui,
        audit=app_ctx.audit(),
        options=RequestOptions(
            assume_yes=app_ctx.assume_yes, dry_run=app_ctx.dry_run, offline=app_ctx.offline
        ),
        llm=llm_planner(app_ctx),
    )
    finish(app_ctx, outcome, ui)


def llm_planner(app_ctx: AppContext):  # type: ignore[no-untyped-def]
    """The LLM planner bound to the configured model, or None (wired in issue 3)."""
    return None


def interactive(app_ctx: AppContext) -> None:
    """``kai`` alone: a REPL on a terminal, help otherwise."""
    import click

    click.echo(click.get_current_context().get_help())
