"""Files kai keeps under $XDG_STATE_HOME/kai are private from the first byte (issue 11)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from kai_pty import Pty


def state() -> Path:
    return Path(os.environ["XDG_STATE_HOME"]) / "kai"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def no_umask() -> Iterator[None]:
    """umask 0: a file kai creates with the default mode would be world-readable (0666)."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def test_the_audit_log_is_created_0600_in_a_0700_folder(sandbox, kai, no_umask):
    assert kai("--yes", "scale checkout to 3").exit_code == 0
    assert mode(state() / "audit.jsonl") == 0o600
    assert mode(state()) == 0o700
    assert mode(state() / "undo") == 0o700
    (kept,) = (state() / "undo").iterdir()
    assert mode(kept) == 0o600


def test_a_failed_apply_still_creates_its_log_private(sandbox, kai, no_umask):
    # the log is opened (and so created) before anything is applied, then records the failure
    sandbox.inject_fault(
        path=r"/deployments/checkoutservice$", method="PATCH", status=500, count=1, real_only=True
    )
    assert kai("--yes", "scale checkout to 4").exit_code == 1
    assert mode(state() / "audit.jsonl") == 0o600 and mode(state()) == 0o700


def test_an_old_world_readable_audit_log_is_tightened_on_the_next_write(sandbox, kai):
    state().mkdir(parents=True)
    os.chmod(state(), 0o755)
    log = state() / "audit.jsonl"
    log.write_text("")
    os.chmod(log, 0o644)
    assert kai("--yes", "scale checkout to 3").exit_code == 0
    assert mode(log) == 0o600 and mode(state()) == 0o700
    assert len(log.read_text().splitlines()) == 1


def test_a_sandbox_run_keeps_its_own_log_private_too(kai, no_umask):
    assert kai("--sandbox", "--yes", "scale checkout to 3").exit_code == 0
    assert mode(state() / "sandbox-audit.jsonl") == 0o600 and mode(state()) == 0o700


def test_the_interactive_history_is_private(tmp_path):
    pytest.importorskip("readline")
    term = Pty(colour=False, umask=0)
    term.expect("kai> ")
    term.send("help")
    term.expect("kai> ", count=2)
    term.send("exit")
    assert term.wait() == 0, term.seen
    history = state() / "repl_history"
    assert "help" in history.read_text()
    assert mode(history) == 0o600 and mode(state()) == 0o700
