"""The model's answer streamed to a terminal is redacted like every other output (issue 11).

The scripted server streams an answer word by word, so ``password:`` and its value arrive
in different chunks: redacting chunk by chunk would show the value.
"""

from __future__ import annotations

from kai_pty import Pty
from llm_server import answer

PASSWORD = "hunter2-s3cret"
TOKEN = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5"
ANSWER = (
    "The checkout pods cannot log in to the database.\n"
    f"Its config sets password: {PASSWORD} while the database expects another one, and the "
    f"sidecar sends Authorization: Bearer {TOKEN} to the payment service.\n"
    "Rotate the password, then restart checkout."
)


def run_on_a_terminal(*args: str) -> tuple[int, str]:
    """kai on a pseudo-terminal; (exit code, everything shown)."""
    term = Pty(*args, colour=False, columns=200)
    code = term.wait()
    return code, term.seen


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
