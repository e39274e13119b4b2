"""kai on a pseudo-terminal (stdin, stdout and stderr all the tty), for interactive tests."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time


class Pty:
    """``python -m k8sgpt_py ARGS`` on a fresh pseudo-terminal; ``seen`` is what it showed."""

    def __init__(self, *args: str, colour: bool = True, columns: int = 120, umask: int = -1):
        self.master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": str(columns)}
        if colour:
            env["TERM"] = "xterm-256color"
            env.pop("NO_COLOR", None)
        else:
            env |= {"TERM": "dumb", "NO_COLOR": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "k8sgpt_py", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            close_fds=True,
            umask=umask,
        )
        os.close(slave)
        self.seen = ""

    def _read(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False once the terminal is closed."""
        if not select.select([self.master], [], [], timeout)[0]:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child closed the terminal
            return False
        self.seen += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def expect(self, text: str, timeout: float = 30.0, *, count: int = 1) -> str:
        """Wait until ``text`` has appeared ``count`` times in the output."""
        deadline = time.monotonic() + timeout
        while self.seen.count(text) < count:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                if self.seen.count(text) >= count:
                    break
                raise AssertionError(f"{text!r} not seen; got:\n{self.seen}")
        return self.seen

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def wait(self, timeout: float = 60.0) -> int:
        """Read everything until kai exits; its exit code."""
        deadline = time.monotonic() + timeout
        try:
            while self.proc.poll() is None and time.monotonic() < deadline:
                if not self._read(0.2):
                    break
            code = self.proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            while self._read(0.2) and select.select([self.master], [], [], 0)[0]:
                pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            os.close(self.master)
        return code
