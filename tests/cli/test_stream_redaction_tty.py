"""The model's answer streamed to a terminal is redacted like every other output (issue 11).

The scripted server streams an answer word by word, so ``password:`` and its value arrive
in different chunks: redacting chunk by chunk would show the value.
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time

from llm_server import answer

PASSWORD = "hunter2-s3cret"
TOKEN = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5"
ANSWER = (
    "The checkout pods cannot log in to the database.\n"
    f"Its config sets password: {PASSWORD} while the database expects another one, and the "
    f"sidecar sends Authorization: Bearer {TOKEN} to the payment service.\n"
    "Rotate the password, then restart checkout."
)


def run_on_a_terminal(*args: str, timeout: float = 60.0) -> tuple[int, str]:
    """kai with stdin, stdout and stderr on a pseudo-terminal; (exit code, everything shown)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "dumb", "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "k8sgpt_py", *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if select.select([master], [], [], 0.2)[0]:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return code, seen.decode("utf-8", "replace")


def test_a_streamed_answer_never_shows_a_secret_split_across_chunks(
    sandbox, scripted_llm, monkeypatch
):
    server = scripted_llm(answer(ANSWER))
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    code, shown = run_on_a_terminal("why can checkout not reach its database?")
    assert code == 0, shown
    assert server.requests and server.requests[0].get("stream") is True  # it did stream
    assert PASSWORD not in shown and TOKEN not in shown
    assert "password: [REDACTED]" in shown and "Bearer [REDACTED]" in shown
    assert shown.count("Rotate the password, then restart checkout.") == 1  # shown once, whole
    assert "restart checkout.\r\n" in shown  # and the line is ended for what follows
    assert "cannot log in to the database" in shown


def test_a_streamed_answer_cannot_drive_the_terminal(sandbox, scripted_llm, monkeypatch):
    # text a model copies from the cluster (a log line, an annotation) may hold escapes
    hostile = "Pod log says \x1b]0;owned\x07\x1b[2Jcleared \x1b[31mred\x1b[0m and \u202eevil.\n"
    server = scripted_llm(answer(hostile + "Nothing else is wrong."))
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    code, shown = run_on_a_terminal("what do the worker logs say?")
    assert code == 0, shown
    assert "Pod log says cleared red and evil." in shown
    assert "\x1b]0;" not in shown and "\x1b[2J" not in shown and "\u202e" not in shown
