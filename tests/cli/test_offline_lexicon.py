"""Plain-English paraphrases end to end through ``kai`` offline (issue 12).

The five requests the issue quotes used to exit 4; now each lands on the right object.
Negated requests stay unplanned, a misspelt verb gets a "did you mean", and ``kai help``
lists what the lexicon understands.
"""

from __future__ import annotations

import pytest

from k8sgpt_py.planner.intents import INTENTS


def _change(kai, request):
    result = kai("-o", "json", "--dry-run", request)
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["planner"] == "offline"
    (change,) = [c for c in doc["changes"] if c["target"]["kind"] != "HorizontalPodAutoscaler"]
    return change


@pytest.mark.parametrize(
    ("request_text", "name", "replicas"),
    [
        ("bump the cart service up to 4 pods", "cartservice", 4),
        ("set payment replicas to 3", "paymentservice", 3),
        ("checkout needs 8 replicas", "checkoutservice", 8),
    ],
)
def test_issue_paraphrases_scale_the_named_workload(sandbox, kai, request_text, name, replicas):
    change = _change(kai, request_text)
    assert change["target"]["name"] == name and change["target"]["namespace"] == "shop"
    assert change["patch"] == {"spec": {"replicas": replicas}}


def test_double_the_email_service_doubles_its_replicas(sandbox, kube, kai):
    before = kube.get("Deployment", "emailservice", "shop")["spec"]["replicas"]
    change = _change(kai, "double the email service")
    assert change["target"]["name"] == "emailservice"
    assert change["patch"] == {"spec": {"replicas": before * 2}}


def test_mark_a_node_unschedulable_cordons_it(sandbox, kube, kai):
    result = kai("--yes", "mark node-c as unschedulable")
    assert result.exit_code == 0, result.stderr
    assert kube.get("Node", "node-c")["spec"]["unschedulable"] is True


def test_compound_request_with_a_pronoun_applies_both_steps(sandbox, kube, kai):
    result = kai("-o", "json", "--yes", "scale cart to 3 and then restart it")
    assert result.exit_code == 0, result.stderr
    assert [s["tool"] for s in result.json()["steps"]] == ["scale_workload", "restart_workload"]
    cart = kube.get("Deployment", "cartservice", "shop")
    assert cart["spec"]["replicas"] == 3
    assert (
        "kubectl.kubernetes.io/restartedAt" in cart["spec"]["template"]["metadata"]["annotations"]
    )


@pytest.mark.parametrize(
    "request_text",
    ["don't restart checkout", "should we double the cart service", "restart cart if it is slow"],
)
def test_negated_or_asked_writes_are_not_planned(sandbox, kube, kai, request_text):
    before = kube.get("Deployment", "cartservice", "shop")
    result = kai("--yes", request_text)
    assert result.exit_code == 4, result.stderr
    assert "does not understand" in result.stderr
    assert kube.get("Deployment", "cartservice", "shop")["spec"] == before["spec"]


def test_a_misspelt_verb_gets_did_you_mean(sandbox, kube, kai):
    result = kai("--yes", "sclae checkout to 3")
    assert result.exit_code == 4  # not understood offline, like any request that needs a model
    assert 'did you mean "scale"?' in result.stderr and "KAI_MODEL" in result.stderr
    assert kube.get("Deployment", "checkoutservice", "shop")["spec"]["replicas"] == 2


def test_kai_help_lists_the_lexicon_without_a_cluster(kai):
    result = kai("help")
    assert result.exit_code == 0, result.stderr
    for intent in INTENTS:
        assert intent.examples[0] in result.stdout
    assert "bounce" in result.stdout and "mark unschedulable" in result.stdout
    assert "why is worker crashing" in result.stdout


def test_kai_help_as_json_is_one_document(kai):
    result = kai("-o", "json", "help")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["kind"] == "OfflineHelp" and doc["version"] == 1
    assert [i["intent"] for i in doc["intents"]] == [i.name for i in INTENTS]
    restart = next(i for i in doc["intents"] if i["tool"] == "restart_workload")
    assert {"bounce", "kick", "recycle"} <= set(restart["verbs"])


def test_help_in_the_interactive_session(sandbox):
    from test_tty import Pty

    term = Pty()
    term.expect("kai> ")
    term.send("help")
    term.expect("kai understands these requests")
    term.expect("kai> ", count=2)
    term.send("exit")
    assert term.wait() == 0
    assert "scale checkout to 5" in term.seen and "evacuate node-b" in term.seen


def test_did_you_mean_with_offline_forced_is_a_usage_error(sandbox, kai, monkeypatch):
    monkeypatch.setenv("KAI_MODEL", "some-model")
    result = kai("--offline", "restrat frontend")
    assert result.exit_code == 2
    assert 'did you mean "restart"?' in result.stderr
