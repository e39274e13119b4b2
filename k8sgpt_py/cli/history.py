"""``kai history`` (the audit log) and ``kai undo [ID]``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from k8sgpt_py.changes.audit import AuditLog
    from k8sgpt_py.cli._context import AppContext

MAX_HISTORY_LIMIT = 10_000


def register(app: typer.Typer) -> None:
    """Add ``history`` and ``undo``."""
    app.command("history", help="What kai changed: the audit log, newest last.")(history)
    app.command("undo", help="Revert a change from the audit log (default: the last).")(undo)


def history(
    ctx: typer.Context,
    limit: Annotated[
        int, typer.Option("--limit", help=f"how many records (1 to {MAX_HISTORY_LIMIT})")
    ] = 20,
    show: Annotated[str | None, typer.Option("--show", help="one record in full")] = None,
) -> None:
    """List audit records (or show one)."""
    from k8sgpt_py.render.emit import document, emit_data
    from k8sgpt_py.render.text import table, yaml_block

    _check_limit(limit)
    app_ctx: AppContext = ctx.obj
    audit = app_ctx.audit()
    if show:
        record = audit.find(show)
        _note_skipped(app_ctx, audit)
        if app_ctx.output == "text":
            yaml_block(app_ctx.terminal.out(), record)
        else:
            emit_data(
                document("AuditRecord", {"record": record}), app_ctx.output, app_ctx.terminal.stdout
            )
        return
    records = audit.records()[-limit:]
    _note_skipped(app_ctx, audit)
    if app_ctx.output != "text":
        emit_data(
            document("History", {"records": records}), app_ctx.output, app_ctx.terminal.stdout
        )
        return
    if not records:
        app_ctx.terminal.err().print("no changes recorded yet")
        return
    rows = [
        {
            "id": r.get("id"),
            "time": str(r.get("time", ""))[:19],
            "context": r.get("context"),
            "change": r.get("reason"),
            "applied": "yes" if r.get("applied") else "no",
            "undo_of": r.get("undo_of") or "",
        }
        for r in records
    ]
    table(app_ctx.terminal.out(), rows)


def _check_limit(limit: int) -> None:
    """``--limit`` from 1 to MAX_HISTORY_LIMIT, else UsageError (exit 2)."""
    from k8sgpt_py.errors import UsageError

    if not 1 <= limit <= MAX_HISTORY_LIMIT:
        raise UsageError(
            f"--limit must be a whole number from 1 to {MAX_HISTORY_LIMIT}, got {str(limit)[:40]}"
        )


def _note_skipped(app_ctx: AppContext, audit: AuditLog) -> None:
    """Say on stderr that unreadable lines (not UTF-8, not JSON) were skipped."""
    if audit.skipped:
        app_ctx.terminal.err().print(
            f"kai: skipped {audit.skipped} unreadable line(s) in {audit.path}",
            markup=False,
            highlight=False,
        )


def undo(
    ctx: typer.Context,
    record_id: Annotated[str | None, typer.Argument(help="audit id (prefix ok)")] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="revert even fields someone changed after kai (still diffed and confirmed)",
        ),
    ] = False,
) -> None:
    """Show the revert as a diff, confirm, apply."""
    run_undo(ctx.obj, record_id, force=force)


def run_undo(app_ctx: AppContext, record_id: str | None, *, force: bool = False) -> None:
    """Undo one audited change and write the outcome."""
    from k8sgpt_py.cli._ui import finish, make_ui
    from k8sgpt_py.request import RequestOptions, handle_undo

    tool_ctx = app_ctx.tool_context()
    ui = make_ui(app_ctx, spinner_text=None)
    outcome = handle_undo(
        record_id,
        ctx=tool_ctx,
        ui=ui,
        audit=app_ctx.audit(),
        options=RequestOptions(assume_yes=app_ctx.assume_yes, dry_run=app_ctx.dry_run),
        force=force,
    )
    finish(app_ctx, outcome, ui)
