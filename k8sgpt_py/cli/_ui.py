"""The RequestUI implementations: text on a terminal or pipe, silent for -o json/yaml."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

from k8sgpt_py.redact_stream import StreamRedactor
from k8sgpt_py.render.console import Terminal

if TYPE_CHECKING:
    from k8sgpt_py.changes.pipeline import Change
    from k8sgpt_py.cli._context import AppContext
    from k8sgpt_py.planner.plan import Plan
    from k8sgpt_py.request import RequestOutcome


class TextUI:
    """Shows steps and diffs as they come; prompts on stderr when interactive."""

    def __init__(
        self, terminal: Terminal, *, spinner_text: str | None = "planning…", verbose: bool = False
    ) -> None:
        self.terminal = terminal
        self.console = terminal.out()
        self.err = terminal.err()
        self.verbose = verbose
        self.streamed = False
        self._status: Any = None
        self._stream = StreamRedactor()
        self._stream_open_line = False
        if spinner_text and terminal.stderr.isatty():
            self._status = self.err.status(spinner_text)
            self._status.start()

    def stop_spinner(self) -> None:
        """Stop the spinner and show what the answer stream still holds, before anything else."""
        if self._status is not None:
            self._status.stop()
            self._status = None
        self._write_stream(self._stream.flush())
        if self._stream_open_line:  # what follows starts on a line of its own
            self._write_stream("\n")

    def show_plan(self, plan: Plan) -> None:
        """Print steps (what an offline plan read), the answer unless streamed, advice."""
        from k8sgpt_py.render.request import show_plan

        self.stop_spinner()
        show_plan(
            self.console, plan, show_steps=plan.planner == "offline", show_answer=not self.streamed
        )
        if self.verbose and plan.usage:
            usage = ", ".join(f"{k} {v}" for k, v in sorted(plan.usage.items()))
            self.err.print(f"tokens: {usage}", highlight=False)

    def event(self, name: str, data: dict[str, Any]) -> None:
        """Tool calls and results as they happen (``--verbose``), on stderr."""
        if not self.verbose:
            return
        from k8sgpt_py.render.text import plain

        self.stop_spinner()
        if name == "tool_call":
            from k8sgpt_py.redact_changes import redact_tool_args

            args = redact_tool_args(data.get("args"))
            plain(self.err, f"→ {data.get('tool')}({args})", style="dim")
        elif name == "tool_result":
            what = data.get("invocation") or data.get("tool")
            plain(self.err, f"← {data.get('status')}: {what}", style="dim")

    def stream(self, token: str) -> None:
        """Answer tokens as the model writes them (only on a terminal), redacted.

        Like every other output, the answer goes through ``redact_text``; a line is shown
        once it is whole, so a secret split across tokens is still seen (and hidden) whole.
        """
        if self._status is not None:
            self._status.stop()
            self._status = None
        self.streamed = True
        self._write_stream(self._stream.feed(token))

    def _write_stream(self, text: str) -> None:
        from k8sgpt_py.render.text import terminal_safe

        text = terminal_safe(text)
        if text:
            self.terminal.stdout.write(text)
            self.terminal.stdout.flush()
            self._stream_open_line = not text.endswith("\n")

    @property
    def can_stream(self) -> bool:
        """Stream only to a terminal; pipes get the answer once at the end."""
        return self.terminal.is_stdout_tty

    def show_changes(self, changes: list[Change]) -> None:
        """Print the diffs."""
        from k8sgpt_py.render.request import show_changes

        self.stop_spinner()
        show_changes(self.console, changes)

    def ask(self) -> Callable[[str], str] | None:
        """Prompt on stderr, read stdin; None when not on a terminal."""
        if not self.terminal.is_interactive:
            return None

        def prompt(question: str) -> str:
            self.stop_spinner()
            self.terminal.stderr.write(question)
            self.terminal.stderr.flush()
            return input()

        return prompt

    def notice(self, text: str) -> None:
        """A note on stderr."""
        from k8sgpt_py.render.text import plain

        self.stop_spinner()
        plain(self.err, text, style="yellow")


class QuietUI:
    """For -o json/yaml: nothing on stdout until the one document; never prompts."""

    def __init__(self, stderr: TextIO) -> None:
        self.stderr = stderr

    def show_plan(self, plan: Plan) -> None:
        """Nothing: the document carries the steps."""

    def show_changes(self, changes: list[Change]) -> None:
        """Nothing: the document carries the diffs."""

    def ask(self) -> Callable[[str], str] | None:
        """Never prompt in machine-readable modes."""
        return None

    def notice(self, text: str) -> None:
        """Notes still reach stderr (stdout carries only the document)."""
        self.stderr.write(f"kai: {text}\n")

    def event(self, name: str, data: dict[str, Any]) -> None:
        """The document carries the steps."""

    can_stream = False

    def stream(self, token: str) -> None:
        """Never called: documents are written whole."""


def make_ui(app_ctx: AppContext, *, spinner_text: str | None = "planning…") -> TextUI | QuietUI:
    """Text for -o text, silence for documents."""
    if app_ctx.output == "text":
        return TextUI(app_ctx.terminal, spinner_text=spinner_text, verbose=app_ctx.verbose)
    return QuietUI(app_ctx.terminal.stderr)


def finish(app_ctx: AppContext, outcome: RequestOutcome, ui: TextUI | QuietUI) -> None:
    """Write the closing output (or the one document), then raise the outcome's error."""
    from k8sgpt_py.render.emit import emit_data
    from k8sgpt_py.render.request import show_applied

    if isinstance(ui, TextUI):
        ui.stop_spinner()
        show_applied(ui.console, outcome.changes, dry_run=outcome.dry_run)
    else:
        emit_data(outcome.to_json(), app_ctx.output, app_ctx.terminal.stdout)
    if outcome.error is not None:
        raise outcome.error
