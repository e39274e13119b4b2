"""`kai sandbox up|down|status` keeps a background sandbox whose state survives commands."""

from __future__ import annotations

import pytest


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
