"""Redaction of text that arrives in pieces: a model's answer streamed to the terminal.

Chunks split wherever the model's tokens split (``"pass"``, ``"word: hun"``, ``"ter2"``), so
redacting each chunk alone would show a secret in halves. :class:`StreamRedactor` holds text
back until a line ends and redacts whole lines with :func:`k8sgpt_py.redact.redact_text`,
the same function every other output uses. A line with a credential word waits for the
next one (its value may follow the line break), and a private key block until it ends. A
line that grows very long is let out in part, at a space far enough behind the newest text
that a credential's key and value cannot fall on both sides of the cut.
"""

from __future__ import annotations

import re

from k8sgpt_py.redact import ends_in_private_key, may_hold_credential, redact_text

HOLD_CHARS = 2048  # a line this long without a newline is let out in part
TAIL_CHARS = 256  # what is always held back from a long line (a key waiting for its value)
MAX_HELD_CHARS = 65_536  # past this, everything held is let out (redacted) whatever it is
_MAX_CUTS_TRIED = 8
_SPACE = re.compile(r"\s+")


class StreamRedactor:
    """Feed chunks in, get redacted text out; :meth:`flush` when the stream ends."""

    def __init__(self) -> None:
        self._held = ""

    def feed(self, chunk: str) -> str:
        """The redacted text that can be shown now (maybe empty); the rest is held."""
        self._held += chunk
        if len(self._held) > MAX_HELD_CHARS:
            return self.flush()
        out = ""
        cut = self._line_cut()
        if cut:
            out, self._held = redact_text(self._held[:cut]), self._held[cut:]
        if len(self._held) > HOLD_CHARS:
            out += self._release_part_of_long_line()
        return out

    def flush(self) -> str:
        """Everything still held, redacted (the stream ended, or something else prints)."""
        out, self._held = redact_text(self._held), ""
        return out

    def _line_cut(self) -> int:
        """Where the whole lines that are safe to show end (0: none yet).

        The last whole line is held too when it holds a credential word: its value may
        start on the next line (``Authorization:`` then the token). A private key block is
        held until it ends.
        """
        held = self._held
        end = held.rfind("\n") + 1
        if not end:
            return 0
        last = held.rfind("\n", 0, end - 1) + 1
        cut = last if may_hold_credential(held[last:end]) else end
        return 0 if cut == 0 or ends_in_private_key(held[:cut]) else cut

    def _release_part_of_long_line(self) -> str:
        """Let out a long line up to a space where cutting hides nothing less."""
        held = self._held
        whole = redact_text(held)
        spaces = [m.end() for m in _SPACE.finditer(held, 0, len(held) - TAIL_CHARS)]
        for cut in reversed(spaces[-_MAX_CUTS_TRIED:]):
            head, tail = redact_text(held[:cut]), redact_text(held[cut:])
            if head + tail == whole:
                self._held = held[cut:]
                return head
        return ""
