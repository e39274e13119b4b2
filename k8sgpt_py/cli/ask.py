"""``kai "REQUEST"``: plan it, show it, and change the cluster only after confirmation."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from k8sgpt_py.cli._context import AppContext
    from k8sgpt_py.cli._ui import QuietUI, TextUI
    from k8sgpt_py.planner.plan import Plan
    from k8sgpt_py.planner.questions import Question
    from k8sgpt_py.request import PlannerFn
    from k8sgpt_py.tools.base import ToolContext


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
    from k8sgpt_py.planner.guide import is_help

    if is_help(request):
        show_help(app_ctx)
        return
    if app_ctx.offline or not app_ctx.settings.has_llm:
        from k8sgpt_py.planner.questions import question

        asked = question(request)
        if asked is not None:
            answer_question(app_ctx, asked)
            return
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
        llm=llm_planner(app_ctx, ui),
    )
    finish(app_ctx, outcome, ui)


def show_help(app_ctx: AppContext) -> None:
    """What kai understands offline, generated from the planner's own lexicon."""
    from k8sgpt_py.planner.guide import offline_help, offline_help_text

    if app_ctx.output in ("json", "yaml"):
        from k8sgpt_py.render.emit import document, emit_data

        doc = document("OfflineHelp", offline_help())
        emit_data(doc, app_ctx.output, app_ctx.terminal.stdout)
        return
    app_ctx.terminal.stdout.write(offline_help_text() + "\n")


def answer_question(app_ctx: AppContext, asked: Question) -> None:
    """Answer a diagnostic question with the command that answers it (and say which)."""
    from k8sgpt_py.cli.diagnose import explain_target, scan_findings
    from k8sgpt_py.cli.insights import list_anomalies

    if app_ctx.output == "text":
        app_ctx.terminal.err().print(f"(offline: {asked.as_command()})", style="dim")
    saved = app_ctx.namespace, app_ctx.all_namespaces
    if asked.namespace:
        app_ctx.namespace, app_ctx.all_namespaces = asked.namespace, False
    try:
        if asked.command == "explain":
            explain_target(app_ctx, asked.target or "")
        elif asked.command == "scan":
            scan_findings(app_ctx)
        elif asked.command == "anomalies":
            list_anomalies(app_ctx)
    finally:
        app_ctx.namespace, app_ctx.all_namespaces = saved


def llm_planner(app_ctx: AppContext, ui: TextUI | QuietUI) -> PlannerFn | None:
    """The LLM planner bound to the configured model and this UI, or None without a model."""
    if app_ctx.offline or not app_ctx.settings.has_llm:
        return None

    def plan(request: str, ctx: ToolContext, context: str | None = None) -> Plan:
        from k8sgpt_py.planner.prompts import fence

        session = app_ctx.llm_session(ctx)
        session.on_event = ui.event
        session.stream_to = ui.stream if ui.can_stream else None
        from k8sgpt_py.redact import redact_text

        text = f"{request}\n\n{fence(redact_text(context))}" if context else request
        return session.ask(text, ctx=ctx)

    return plan


def interactive(app_ctx: AppContext, help_text: str) -> None:
    """``kai`` alone: a REPL on a terminal (follow-ups keep context), help otherwise."""
    if not app_ctx.terminal.is_interactive:
        app_ctx.terminal.stdout.write(help_text + "\n")
        return
    from k8sgpt_py.cli import report_error
    from k8sgpt_py.config import state_dir
    from k8sgpt_py.errors import KaiError

    history = _load_history(state_dir() / "repl_history")
    err = app_ctx.terminal.err()
    planner = "the offline planner" if not app_ctx.settings.has_llm else app_ctx.settings.model
    err.print(
        f"kai interactive ({planner}). Ask away; 'help' lists what kai understands, "
        "'exit' or Ctrl-D leaves.",
        highlight=False,
    )
    while True:
        try:
            line = input("kai> ").strip()
        except EOFError:
            break
        except KeyboardInterrupt:
            app_ctx.terminal.stderr.write("\n")
            continue
        if line in ("exit", "quit", "q"):
            break
        if not line:
            continue
        try:
            run_request(app_ctx, line)
        except KaiError as exc:
            report_error(exc.message, exc.hint)
    if history is not None:
        history()


def _load_history(path: Path) -> Callable[[], None] | None:
    """Line editing with a history file; returns the function that saves it.

    The file is private (0600 in a 0700 folder) before readline writes a line to it: what
    people type at the prompt can include credentials.
    """
    try:
        import readline
    except ImportError:  # no readline on this platform: plain input() still works
        return None
    from k8sgpt_py.userfiles import ensure_private_file, private_dir

    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):  # a read-only home costs the history, not the session
            private_dir(path.parent)
            ensure_private_file(path)  # readline truncates and keeps the mode of what exists
            readline.write_history_file(path)

    return save
