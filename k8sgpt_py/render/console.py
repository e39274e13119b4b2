"""Terminals: which stream is a TTY, colour rules, and the two consoles (results, people)."""

from __future__ import annotations

import os
import sys
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.console import Console


PIPE_WIDTH = 4096  # piped text is never wrapped, like kubectl's


@dataclass
class Terminal:
    """stdout carries results, stderr carries people-facing text; both injectable for tests."""

    stdout: TextIO
    stderr: TextIO
    is_stdout_tty: bool
    is_stdin_tty: bool
    is_color: bool

    @classmethod
    def detect(cls, *, no_color: bool = False) -> Terminal:
        """Inspect the real process streams (honours NO_COLOR and --no-color)."""
        out_tty = sys.stdout.isatty()
        in_tty = sys.stdin.isatty()
        color = out_tty and not no_color and "NO_COLOR" not in os.environ
        if os.environ.get("TERM") == "dumb":
            color = False
        return cls(sys.stdout, sys.stderr, out_tty, in_tty, color)

    @property
    def is_interactive(self) -> bool:
        """True only when kai may prompt: both stdin and stdout are terminals."""
        return self.is_stdin_tty and self.is_stdout_tty

    def progress(self, text: str) -> AbstractContextManager[object]:
        """A spinner on stderr while something slow runs (only when stderr is a terminal)."""
        if not self.stderr.isatty():
            return nullcontext()
        return self.err().status(text)

    def out(self) -> Console:
        """A rich console for results (plain text, no ANSI, when not a TTY)."""
        from rich.console import Console

        return Console(
            file=self.stdout,
            force_terminal=self.is_color,
            no_color=not self.is_color,
            highlight=False,
            soft_wrap=not self.is_stdout_tty,
            emoji=False,
            width=None if self.is_stdout_tty else PIPE_WIDTH,
        )

    def err(self) -> Console:
        """A rich console for diagnostics, hints and progress on stderr."""
        from rich.console import Console

        color = self.is_color and self.stderr.isatty()
        return Console(
            file=self.stderr, force_terminal=color, no_color=not color, highlight=False, emoji=False
        )
