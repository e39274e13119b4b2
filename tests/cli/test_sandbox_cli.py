"""`kai sandbox up|down|status` keeps a background sandbox whose state survives commands."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import yaml


@pytest.fixture
def background(kai):
    started = kai("-o", "json", "sandbox", "up")
    assert started.exit_code == 0, started.stderr
    yield started.json()
    kai("sandbox", "down", "--reset")


def test_sandbox_up_prints_the_kubeconfig_and_keeps_state(background, kai, monkeypatch):
    assert background["running"] is True and background["url"].startswith("https://127.0.0.1:")
    monkeypatch.setenv("KUBECONFIG", background["kubeconfig"])
    assert kai("--yes", "scale checkout to 6").exit_code == 0
    # a second command (a new connection) still sees the scale
    doc = kai("-o", "json", "describe checkout").json()
    assert doc["steps"][0]["result"]["data"]["summary"]["ready"].endswith("/6")
    text = kai("sandbox", "status")
    assert text.exit_code == 0 and f"export KUBECONFIG={background['kubeconfig']}" in text.stdout


def test_sandbox_state_survives_a_restart(background, kai, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", background["kubeconfig"])
    assert kai("--yes", "scale cart to 5").exit_code == 0
    assert kai("sandbox", "down").exit_code == 0
    assert kai("-o", "json", "sandbox", "status").json()["running"] is False
    again = kai("-o", "json", "sandbox", "up").json()
    monkeypatch.setenv("KUBECONFIG", again["kubeconfig"])
    doc = kai("-o", "json", "describe cartservice").json()
    assert doc["steps"][0]["result"]["data"]["summary"]["ready"].endswith("/5")


def test_sandbox_status_when_down(kai):
    result = kai("sandbox", "status")
    assert result.exit_code == 0 and "not running" in result.stderr


def test_demo_tour_runs_every_step_and_leaves_no_history(kai):
    result = kai("demo")
    assert result.exit_code == 0, result.stderr
    assert "kai: error" not in result.stderr
    for words in (
        "Root cause (critical): CrashLoopBackOff",
        "no node can ever hold it",
        "for Friday",
        "rose to 3.0x",
        "applied: undo",
    ):
        assert words in result.stdout
    assert kai("-o", "json", "history").json()["records"] == []  # the tour's audit was its own


def _modes(folder: Path) -> dict[str, int]:
    return {p.name: stat.S_IMODE(p.stat().st_mode) for p in folder.iterdir()}


def _admin_token(kubeconfig: str) -> str:
    doc = yaml.safe_load(Path(kubeconfig).read_text())
    return str(doc["users"][0]["user"]["token"])


def test_sandbox_up_files_are_private(background, kai, monkeypatch):
    folder = Path(background["kubeconfig"]).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(folder.parent.stat().st_mode) == 0o700  # $XDG_STATE_HOME/kai
    monkeypatch.setenv("KUBECONFIG", background["kubeconfig"])
    assert kai("--yes", "scale cart to 3").exit_code == 0  # the state file is saved
    modes = _modes(folder)
    assert {"kubeconfig", "state.json", "tokens.json", "pid", "server.log"} <= set(modes)
    assert {name: mode for name, mode in modes.items() if mode != 0o600} == {}


def test_sandbox_up_tightens_an_old_world_readable_folder(kai, tmp_path):
    folder = tmp_path / "state" / "kai" / "sandbox"
    folder.mkdir(parents=True, mode=0o755)
    os.chmod(folder, 0o755)
    (folder / "server.log").write_text("old\n")
    os.chmod(folder / "server.log", 0o644)
    try:
        assert kai("sandbox", "up").exit_code == 0
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert {n: m for n, m in _modes(folder).items() if m != 0o600} == {}
    finally:
        kai("sandbox", "down", "--reset")


def test_sandbox_token_survives_restart_and_reset_makes_a_new_one(background, kai, monkeypatch):
    token = _admin_token(background["kubeconfig"])
    assert token not in ("kai-sandbox-admin-token", "kai-sandbox-viewer-token")
    assert kai("sandbox", "down").exit_code == 0
    again = kai("-o", "json", "sandbox", "up").json()
    assert _admin_token(again["kubeconfig"]) == token
    monkeypatch.setenv("KUBECONFIG", again["kubeconfig"])
    assert kai("-o", "json", "list pods in shop").exit_code == 0
    fresh = kai("-o", "json", "sandbox", "up", "--reset").json()
    assert _admin_token(fresh["kubeconfig"]) != token


def test_sandbox_rejects_the_old_fixed_token(background, kai, tmp_path, monkeypatch):
    doc = yaml.safe_load(Path(background["kubeconfig"]).read_text())
    doc["users"][0]["user"]["token"] = "kai-sandbox-admin-token"
    old = tmp_path / "old-kubeconfig"
    old.write_text(yaml.safe_dump(doc))
    monkeypatch.setenv("KUBECONFIG", str(old))
    result = kai("list pods in shop")
    assert result.exit_code == 3
    assert result.stderr.startswith("kai: error: Unauthorized (HTTP 401)")
