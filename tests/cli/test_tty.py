"""Interactive behaviour on a real pseudo-terminal: prompts, colour, second confirmation."""

from __future__ import annotations

import pytest
from kai_pty import Pty


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


def test_a_concurrent_change_during_the_prompt_is_re_diffed_and_confirmed_again(sandbox, kube):
    term = Pty("scale checkout to 3")
    term.expect("[y/N]")
    # someone else changes the deployment while kai waits for the answer
    kube.patch(
        "Deployment", "checkoutservice", "shop", {"metadata": {"labels": {"touched": "yes"}}}
    )
    term.send("y")
    term.expect("re-reading it")
    term.expect("[y/N]", count=2)
    term.send("y")
    assert term.wait() == 0, term.seen
    live = kube.get("Deployment", "checkoutservice", "shop")
    assert live["spec"]["replicas"] == 3 and live["metadata"]["labels"]["touched"] == "yes"


def test_repl_runs_requests_until_exit(sandbox, kube):
    term = Pty()
    term.expect("kai> ")
    term.send("scale checkout to 3")
    term.expect("[y/N]")
    term.send("y")
    term.expect("kai> ", count=2)
    term.send("scale zzzqqq to 1")  # an error does not end the session
    term.expect("kai: error:")
    term.expect("kai> ", count=3)
    term.send("exit")
    assert term.wait() == 0
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 3


def test_repl_follow_ups_keep_the_conversation(sandbox, scripted_llm, monkeypatch):
    from llm_server import answer

    server = scripted_llm(answer("cartservice has 2 replicas."), answer("checkoutservice too."))
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    term = Pty()
    term.expect("kai> ")
    term.send("how many replicas does cart have?")
    term.expect("cartservice has 2 replicas.")
    term.send("and the same for checkout?")
    term.expect("checkoutservice too.")
    term.send("exit")
    assert term.wait() == 0
    second = [m.get("content") for m in server.requests[1]["messages"]]
    assert "how many replicas does cart have?" in second
    assert "cartservice has 2 replicas." in second
