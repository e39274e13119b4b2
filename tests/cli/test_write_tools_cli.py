"""The new write tools through `kai` with the scripted model: diff, confirm, apply, audit, undo."""

from __future__ import annotations

from llm_server import answer, call, tool_calls

from k8sgpt_py.errors import NotFound


def use(server, monkeypatch):
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    monkeypatch.setenv("KAI_TIMEOUT", "5")


def exists(kube, kind, name, namespace):
    try:
        kube.get(kind, name, namespace)
    except NotFound:
        return False
    return True


def test_autoscale_request_creates_an_hpa_and_kai_undo_deletes_it(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    server = scripted_llm(
        tool_calls(
            call(
                "autoscale_workload",
                {"name": "cart", "min_replicas": 2, "max_replicas": 8, "cpu_percent": 60},
            )
        ),
        answer("cartservice now autoscales between 2 and 8 replicas at 60% CPU."),
    )
    use(server, monkeypatch)
    result = kai("-o", "json", "--yes", "-n", "shop", "autoscale cart between 2 and 8 at 60% cpu")
    assert result.exit_code == 0, result.stderr
    (change,) = result.json()["changes"]
    assert change["action"] == "create" and change["applied"] is True
    assert change["target"]["kind"] == "HorizontalPodAutoscaler"
    assert "+  minReplicas: 2" in change["diff"]
    assert "autoscale_workload" in server.tool_names(0)
    assert kube.get("HorizontalPodAutoscaler", "cartservice", "shop")["spec"]["maxReplicas"] == 8

    undone = kai("-o", "json", "--yes", "undo")
    assert undone.exit_code == 0, undone.stderr
    assert undone.json()["changes"][0]["action"] == "delete"
    assert not exists(kube, "HorizontalPodAutoscaler", "cartservice", "shop")


def test_a_manifest_without_yes_is_shown_but_not_applied(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: promo-banner}\ndata: {text: sale}\n"
    )
    server = scripted_llm(
        tool_calls(call("apply_manifest", {"manifest": manifest, "namespace": "shop"})),
        answer("Created the promo-banner configmap."),
    )
    use(server, monkeypatch)
    result = kai("-o", "json", "create a promo-banner configmap saying sale")
    assert result.exit_code == 6  # not confirmed: no terminal and no --yes
    (change,) = result.json()["changes"]
    assert change["applied"] is False and "+  text: sale" in change["diff"]
    assert not exists(kube, "ConfigMap", "promo-banner", "shop")


def test_a_model_creating_what_the_request_did_not_name_is_refused(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    server = scripted_llm(
        tool_calls(call("create_namespace", {"name": "crypto-miner"})),
        answer("Done."),
    )
    use(server, monkeypatch)
    result = kai("-o", "json", "--yes", "how is the shop namespace doing?")
    assert result.exit_code == 5
    assert "does not mention 'crypto-miner'" in result.stderr
    assert not exists(kube, "Namespace", "crypto-miner", None)
