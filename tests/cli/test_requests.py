"""End to end through the CLI against the sandbox: every offline verb and refusal path."""

from __future__ import annotations

import re

import pytest

ANSI = re.compile(r"\x1b\[")


def deployment(kube, name, namespace="shop"):
    return kube.get("Deployment", name, namespace)


def container(obj, name="server"):
    return next(c for c in obj["spec"]["template"]["spec"]["containers"] if c["name"] == name)


# -- scale ----------------------------------------------------------------------------------


def test_scale_to_n_applies_with_yes_and_reports_json(sandbox, kube, kai):
    result = kai("-o", "json", "--yes", "scale checkout to 5")
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["kind"] == "Request" and doc["version"] == 1
    assert doc["planner"] == "offline"
    assert [s["tool"] for s in doc["steps"]] == ["scale_workload"]
    (change,) = doc["changes"]
    assert change["target"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "namespace": "shop",
        "name": "checkoutservice",
    }
    assert change["action"] == "patch" and change["applied"] is True
    assert change["patch"] == {"spec": {"replicas": 5}}
    assert "-  replicas: 2" in change["diff"] and "+  replicas: 5" in change["diff"]
    assert change["before"]["spec"]["replicas"] == 2
    assert change["after"]["spec"]["replicas"] == 5
    assert doc["errors"] == []
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 5


def test_global_options_work_before_and_after_the_request(sandbox, kube, kai):
    result = kai("scale checkout to 3", "-o", "json", "--yes")
    assert result.exit_code == 0, result.stderr
    assert result.json()["changes"][0]["applied"] is True
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 3


def test_scale_by_delta_and_percent(sandbox, kube, kai):
    assert kai("--yes", "scale up cart by 2").exit_code == 0
    assert deployment(kube, "cartservice")["spec"]["replicas"] == 4
    assert kai("--yes", "scale cart by -1").exit_code == 0
    assert deployment(kube, "cartservice")["spec"]["replicas"] == 3
    assert kai("--yes", "scale productcatalog by 50%").exit_code == 0
    assert deployment(kube, "productcatalogservice")["spec"]["replicas"] == 3


def test_scale_beyond_hpa_max_moves_the_hpa_bounds_too(sandbox, kube, kai):
    result = kai("-o", "json", "--yes", "scale frontend to 12")
    assert result.exit_code == 0, result.stderr
    kinds = [c["target"]["kind"] for c in result.json()["changes"]]
    assert kinds == ["HorizontalPodAutoscaler", "Deployment"]
    hpa = kube.get("HorizontalPodAutoscaler", "frontend", "shop")
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (12, 12)
    assert deployment(kube, "frontend")["spec"]["replicas"] == 12


def test_scale_without_yes_and_without_tty_shows_diff_and_exits_6(sandbox, kube, kai):
    result = kai("scale checkout to 7")
    assert result.exit_code == 6
    assert "+  replicas: 7" in result.stdout
    assert "not applied" in result.stderr and "--yes" in result.stderr
    assert not ANSI.search(result.stdout + result.stderr)
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 2


def test_json_mode_without_yes_still_prints_one_document_then_exits_6(sandbox, kube, kai):
    result = kai("-o", "json", "scale checkout to 7")
    assert result.exit_code == 6
    doc = result.json()
    assert doc["changes"][0]["applied"] is False
    assert any("not applied" in e for e in doc["errors"])
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 2


def test_dry_run_never_applies(sandbox, kube, kai):
    result = kai("--dry-run", "--yes", "scale checkout to 9")
    assert result.exit_code == 0, result.stderr
    assert "+  replicas: 9" in result.stdout
    assert "dry run" in result.stdout
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 2


def test_scale_to_zero_needs_explicit_words(sandbox, kube, kai):
    assert kai("--yes", "scale email to zero").exit_code == 0
    assert deployment(kube, "emailservice")["spec"]["replicas"] == 0


def test_yaml_output_is_one_document(sandbox, kai):
    import yaml

    result = kai("-o", "yaml", "list deployments in shop")
    assert result.exit_code == 0, result.stderr
    doc = yaml.safe_load(result.stdout)
    names = [i["name"] for i in doc["steps"][0]["result"]["data"]["items"]]
    assert "checkoutservice" in names and "frontend" in names


# -- other write verbs ------------------------------------------------------------------------


def test_restart_patches_the_template_annotation(sandbox, kube, kai):
    result = kai("--yes", "restart frontend")
    assert result.exit_code == 0, result.stderr
    annotations = deployment(kube, "frontend")["spec"]["template"]["metadata"]["annotations"]
    assert "kubectl.kubernetes.io/restartedAt" in annotations


def test_rollback_returns_to_the_previous_image(sandbox, kube, kai):
    assert container(deployment(kube, "paymentservice"))["image"].endswith(":v1.5.0")
    result = kai("-o", "json", "--yes", "roll back paymentservice")
    assert result.exit_code == 0, result.stderr
    data = result.json()["steps"][0]["result"]["data"]
    assert (data["from_revision"], data["to_revision"]) == (2, 1)
    assert container(deployment(kube, "paymentservice"))["image"].endswith(":v1.4.0")


def test_set_image_with_a_bare_tag_keeps_the_repository(sandbox, kube, kai):
    result = kai("--yes", "upgrade cart to v0.10.2")
    assert result.exit_code == 0, result.stderr
    image = container(deployment(kube, "cartservice"))["image"]
    assert image == "registry.kai.dev/shop/cartservice:v0.10.2"


def test_set_resources_and_env(sandbox, kube, kai):
    assert kai("--yes", "set memory limit of cart to 768Mi").exit_code == 0
    assert container(deployment(kube, "cartservice"))["resources"]["limits"]["memory"] == "768Mi"
    result = kai("--yes", "set env DATABASE_URL=postgres://db:5432/app on worker")
    assert result.exit_code == 0, result.stderr
    worker = deployment(kube, "worker", "staging")["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "DATABASE_URL", "value": "postgres://db:5432/app"} in worker["env"]


def test_delete_pod_and_node_verbs(sandbox, kube, kai):
    pod = kube.list("Pod", "shop", label_selector="app=emailservice")[0]["metadata"]["name"]
    assert kai("--yes", f"delete pod {pod}").exit_code == 0
    names = [p["metadata"]["name"] for p in kube.list("Pod", "shop")]
    assert pod not in names
    assert kai("--yes", "cordon node-b").exit_code == 0
    assert kube.get("Node", "node-b")["spec"]["unschedulable"] is True
    assert kai("--yes", "uncordon node-b").exit_code == 0
    assert not kube.get("Node", "node-b")["spec"].get("unschedulable")


def test_drain_cordons_and_evicts_non_daemonset_pods(sandbox, kube, kai):
    on_node = [
        p
        for p in kube.list("Pod", None, field_selector="spec.nodeName=node-a")
        if not any(o["kind"] == "DaemonSet" for o in p["metadata"].get("ownerReferences", []))
    ]
    result = kai("-o", "json", "--yes", "drain node-a")
    assert result.exit_code == 0, result.stderr
    changes = result.json()["changes"]
    assert changes[0]["target"]["kind"] == "Node"
    assert sorted(c["target"]["name"] for c in changes[1:]) == sorted(
        p["metadata"]["name"] for p in on_node
    )
    assert kube.get("Node", "node-a")["spec"]["unschedulable"] is True


# -- read verbs ---------------------------------------------------------------------------------


def test_list_describe_and_logs(sandbox, kai):
    listing = kai("list pods in staging")
    assert listing.exit_code == 0 and "NAME" in listing.stdout
    assert "ImagePullBackOff" in listing.stdout or "ErrImagePull" in listing.stdout
    described = kai("-o", "json", "describe checkout")
    summary = described.json()["steps"][0]["result"]["data"]["summary"]
    assert (summary["kind"], summary["name"], summary["namespace"]) == (
        "Deployment",
        "checkoutservice",
        "shop",
    )
    logs = kai("-o", "json", "previous logs of worker")
    data = logs.json()["steps"][0]["result"]["data"]
    assert data["previous"] is True and "DATABASE_URL" in data["lines"]
    tail = kai("-o", "json", "show last 1 lines of worker logs").json()
    assert len(tail["steps"][0]["result"]["data"]["lines"].strip().splitlines()) == 1


def test_get_redacts_secret_values(sandbox, kai):
    result = kai("-o", "json", "get secret payment-keys")
    assert result.exit_code == 0, result.stderr
    assert "c2tfbGl2ZV9rYWlzYW5kYm94U0VDUkVUMTIz" not in result.stdout
    assert "sk_live_kaisandboxSECRET123" not in result.stdout


# -- refusals -----------------------------------------------------------------------------------


def test_ambiguous_name_exits_2_listing_candidates(sandbox, kai):
    result = kai("scale service to 3")
    assert result.exit_code == 2
    assert "ambiguous" in result.stderr and "checkoutservice" in result.stderr


def test_unknown_name_exits_2_with_closest(sandbox, kai):
    result = kai("scale zzzqqq to 3")
    assert result.exit_code == 2
    assert "not found" in result.stderr or "nothing named" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_resource_type_exits_2(sandbox, kai):
    result = kai("describe gizmo/foo")
    assert result.exit_code == 2 and "unknown resource type" in result.stderr


@pytest.mark.parametrize("request_text", ["", "   ", "\x07\x08"])
def test_empty_request_exits_2(sandbox, kai, request_text):
    result = kai(request_text)
    assert result.exit_code == 2 and "empty request" in result.stderr


def test_dry_run_refused_by_the_server_exits_5_and_applies_nothing(sandbox, kube, kai):
    result = kai("--yes", "set memory limit of cart to 10Mi")
    assert result.exit_code == 5
    assert "refused the dry run" in result.stderr and "less than or equal" in result.stderr
    limits = container(deployment(kube, "cartservice"))["resources"]["limits"]
    assert limits["memory"] == "512Mi"


def test_rbac_denied_exits_5(sandbox, kube, kai):
    result = kai("--context", "kai-sandbox-viewer", "--yes", "scale checkout to 4")
    assert result.exit_code == 5
    assert "RBAC forbids patch deployments" in result.stderr
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 2


def test_read_only_refuses_writes(sandbox, kube, kai):
    result = kai("--read-only", "--yes", "scale checkout to 4")
    assert result.exit_code == 5 and "read-only" in result.stderr
    assert deployment(kube, "checkoutservice")["spec"]["replicas"] == 2


def test_explicit_namespace_delete_passes_the_guardrail(sandbox, kube, kai):
    result = kai("-o", "json", "--dry-run", "delete namespace staging")
    assert result.exit_code == 0, result.stderr
    (change,) = result.json()["changes"]
    assert change["destructive"] is True and change["applied"] is False


def test_request_the_offline_planner_cannot_do_exits_4_naming_the_settings(sandbox, kai):
    result = kai("make the frontend faster")
    assert result.exit_code == 4
    assert "KAI_MODEL" in result.stderr and "OPENAI_API_KEY" in result.stderr


def test_unreachable_cluster_exits_3(tmp_path, kai):
    config = tmp_path / "kubeconfig"
    config.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
        "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:9'}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: c, context: {cluster: c, user: u}}]\n"
    )
    result = kai("--kubeconfig", str(config), "list pods")
    assert result.exit_code == 3
    assert "cannot reach cluster" in result.stderr and "Traceback" not in result.stderr


def test_missing_kubeconfig_exits_3(tmp_path, kai):
    result = kai("--kubeconfig", str(tmp_path / "nope"), "list pods")
    assert result.exit_code == 3 and "no kubeconfig" in result.stderr


def test_credentials_in_logs_are_redacted_in_json_and_text(sandbox, kai, pod_with_logs):
    leaky = "connecting with password=hunter2 and Authorization: Bearer abcdefghijklmnop123"
    pod_with_logs("leaky", leaky)
    for args in (("-o", "json"), ("-o", "yaml"), ()):
        result = kai(*args, "logs of leaky -n staging")
        assert result.exit_code == 0, result.stderr
        assert "hunter2" not in result.stdout and "abcdefghijklmnop123" not in result.stdout
        assert "connecting with" in result.stdout
