"""Interactive behaviour on a real pseudo-terminal: prompts, colour, second confirmation."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

import pytest


class Pty:
    """kai running on a pseudo-terminal (stdin, stdout and stderr are all the tty)."""

    def __init__(self, *args: str) -> None:
        self.master, slave = pty.openpty()
        env = {**os.environ, "COLUMNS": "120", "TERM": "xterm-256color"}
        env.pop("NO_COLOR", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "k8sgpt_py", *args],
            stdin=slave, stdout=slave, stderr=slave, env=env, close_fds=True,
        )
        os.close(slave)
        self.seen = ""

    def expect(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        while text not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{text!r} not seen; got:\n{self.seen}")
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                try:
                    self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
                except OSError:
                    break
        return self.seen

    def send(self, line: str) -> None:
        os.write(self.master, (line + "\n").encode())

    def wait(self) -> int:
        code = self.proc.wait(timeout=30)
        try:
            while select.select([self.master], [], [], 0.2)[0]:
                self.seen += os.read(self.master, 65536).decode("utf-8", "replace")
        except OSError:
            pass
        os.close(self.master)
        return code


def test_confirm_yes_on_a_terminal_applies_with_a_coloured_diff(sandbox, kube):
    term = Pty("scale checkout to 3")
    term.expect("[y/N]")
    assert "\x1b[" in term.seen  # colour on a terminal
    term.send("y")
    assert term.wait() == 0
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 3


def test_declining_on_a_terminal_exits_6(sandbox, kube):
    term = Pty("scale checkout to 3")
    term.expect("[y/N]")
    term.send("n")
    assert term.wait() == 6
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2


@pytest.mark.parametrize(("typed", "code", "replicas"), [("emailservice", 0, 0), ("nope", 6, 1)])
def test_scaling_to_zero_needs_a_second_confirmation(sandbox, kube, typed, code, replicas):
    term = Pty("scale emailservice to 0")
    term.expect("[y/N]")
    term.send("y")
    term.expect("to confirm")
    term.send(typed)
    assert term.wait() == code
    assert kube.get("Deployment", "emailservice", "shop")["spec"]["replicas"] == replicas
