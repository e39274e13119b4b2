"""Showing a request: its steps, the diffs of its changes, and what was applied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from k8sgpt_py.render.text import diff_block, heading, plain, table, yaml_block

if TYPE_CHECKING:
    from rich.console import Console

    from k8sgpt_py.changes.pipeline import Change
    from k8sgpt_py.planner.plan import Plan, Step


def show_step(console: Console, step: Step) -> None:
    """One step: a heading, then what it read (table, YAML, logs) or why it failed."""
    result = step.result
    if result.status == "needs_approval":
        return  # show_changes prints the proposal with its diff
    heading(console, result.invocation or step.tool)
    if result.status in ("error", "no_data"):
        style = "red" if result.status == "error" else "yellow"
        plain(console, result.error or "no data", style=style)
        return
    from k8sgpt_py.redact import redact

    _show_data(console, redact(result.data))  # before picking fields: keys decide what hides


def _show_data(console: Console, data: Any) -> None:
    if isinstance(data, dict) and "explanation" in data:
        plain(console, str(data["explanation"]))
        for note in data.get("notes") or []:
            plain(console, f"note: {note}", style="dim")
    elif isinstance(data, dict) and "items" in data:
        table(console, data["items"])
        if data.get("truncated"):
            plain(console, data["truncated"], style="dim")
    elif isinstance(data, dict) and "lines" in data:
        plain(console, str(data["lines"]).rstrip("\n"))
    elif isinstance(data, dict) and "summary" in data:
        table(console, [data["summary"]])
        for key in ("conditions", "containers", "pods", "events"):
            if data.get(key):
                console.print()
                if key in ("pods", "events"):
                    hide = ("name",) if key == "events" else ()
                    table(console, data[key], title=key.capitalize(), hide=hide)
                else:
                    yaml_block(console, {key: data[key]})
    else:
        yaml_block(console, data)


def show_plan(
    console: Console, plan: Plan, *, show_steps: bool = True, show_answer: bool = True
) -> None:
    """The steps (what they read), then the planner's answer and advice."""
    if show_steps:
        for step in plan.steps:
            show_step(console, step)
    if plan.answer and show_answer:
        if show_steps and plan.steps:
            console.print()
        plain(console, plan.answer)
    for line in plan.advice:
        plain(console, f"advice: {line}", style="cyan")


def show_changes(console: Console, changes: list[Change]) -> None:
    """The dry-run diff of every proposed change."""
    for change in changes:
        console.print()
        heading(console, f"proposed: {change.proposal.reason}")
        for note in change.proposal.notes:
            plain(console, note, style="dim")
        diff_block(console, change.diff)


def show_applied(console: Console, changes: list[Change], *, dry_run: bool) -> None:
    """The closing line: what was applied, with audit ids for undo."""
    if not changes:
        return
    console.print()
    if dry_run:
        plain(
            console, f"dry run: {len(changes)} change(s) validated by the server, nothing applied"
        )
        return
    if not any(c.diff for c in changes):
        plain(console, "nothing to change: the cluster already looks like that")
        return
    for change in changes:
        if change.applied:
            plain(
                console,
                f"applied: {change.proposal.reason} (audit {change.audit_id})",
                style="green",
            )
        elif change.error:
            plain(console, f"failed: {change.proposal.reason}: {change.error}", style="red")
