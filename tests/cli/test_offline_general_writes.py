"""The general write tools planned offline (issue 12), end to end through ``kai`` on the sandbox.

Each request is planned by the lexicon (no model), validated, dry-run on the server and shown
as a diff; with ``--yes`` the sandbox really changes, without it nothing does.
"""

from __future__ import annotations

import pytest

from k8sgpt_py.errors import NotFound


def exists(kube, kind, name, namespace=None):
    try:
        kube.get(kind, name, namespace)
    except NotFound:
        return False
    return True


def applied(kai, *args):
    result = kai("-o", "json", "--yes", *args)
    assert result.exit_code == 0, result.stderr
    doc = result.json()
    assert doc["planner"] == "offline"
    assert doc["changes"] and all(c["applied"] for c in doc["changes"])
    return doc


@pytest.fixture
def backup(kube):
    """A cronjob the requests can steer (the demo cluster has none)."""
    template = {
        "spec": {"restartPolicy": "Never", "containers": [{"name": "b", "image": "busybox"}]}
    }
    body = {
        "apiVersion": "batch/v1",
        "kind": "CronJob",
        "metadata": {"name": "backup", "namespace": "shop"},
        "spec": {"schedule": "0 3 * * *", "jobTemplate": {"spec": {"template": template}}},
    }
    kube.create("CronJob", body, "shop")
    return "backup"


def test_autoscale_creates_an_hpa_with_the_bounds_and_target(sandbox, kube, kai):
    applied(kai, "autoscale cart between 2 and 8 at 60% cpu")
    spec = kube.get("HorizontalPodAutoscaler", "cartservice", "shop")["spec"]
    assert (spec["minReplicas"], spec["maxReplicas"]) == (2, 8)
    assert spec["scaleTargetRef"]["name"] == "cartservice"
    assert spec["metrics"][0]["resource"]["target"]["averageUtilization"] == 60


def test_without_yes_a_new_namespace_is_only_shown(sandbox, kube, kai):
    result = kai("-o", "json", "make a new namespace called qa")
    assert result.exit_code == 6  # no terminal and no --yes: shown, not applied
    (change,) = result.json()["changes"]
    assert change["action"] == "create" and change["applied"] is False
    assert "+  name: qa" in change["diff"]
    assert not exists(kube, "Namespace", "qa")

    applied(kai, "create namespace qa")
    assert exists(kube, "Namespace", "qa")


def test_create_configmap_with_literal_pairs(sandbox, kube, kai):
    applied(kai, "create configmap app-settings in shop with LOG_LEVEL=debug and MODE=fast")
    data = kube.get("ConfigMap", "app-settings", "shop")["data"]
    assert data == {"LOG_LEVEL": "debug", "MODE": "fast"}


def test_run_a_job_with_an_image_and_a_command(sandbox, kube, kai):
    applied(kai, "run a job called migrate in shop with image busybox running echo hi")
    container = kube.get("Job", "migrate", "shop")["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "busybox" and container["command"] == ["echo", "hi"]


def test_cronjob_is_paused_resumed_and_run_now(sandbox, kube, kai, backup):
    applied(kai, "pause the backup cronjob")
    assert kube.get("CronJob", backup, "shop")["spec"]["suspend"] is True
    applied(kai, "resume the backup cron job")
    assert kube.get("CronJob", backup, "shop")["spec"]["suspend"] is False
    applied(kai, "run the backup cronjob now")
    jobs = [j["metadata"]["name"] for j in kube.list("Job", "shop")]
    assert any(name.startswith("backup-manual-") for name in jobs)


def test_a_negated_pause_changes_nothing(sandbox, kube, kai, backup):
    result = kai("--yes", "don't pause the backup cronjob")
    assert result.exit_code == 4, result.stderr
    assert not kube.get("CronJob", backup, "shop")["spec"].get("suspend")


def test_label_then_remove_it(sandbox, kube, kai):
    applied(kai, "label checkout team=payments")
    labels = kube.get("Deployment", "checkoutservice", "shop")["metadata"]["labels"]
    assert labels["team"] == "payments"
    applied(kai, "remove the label team from checkout")
    assert "team" not in kube.get("Deployment", "checkoutservice", "shop")["metadata"]["labels"]


def test_dry_run_shows_the_annotation_and_applies_nothing(sandbox, kube, kai):
    result = kai("-o", "json", "--dry-run", "annotate cart owner=sre")
    assert result.exit_code == 0, result.stderr
    (change,) = result.json()["changes"]
    assert change["applied"] is False and "owner: sre" in change["diff"]
    meta = kube.get("Deployment", "cartservice", "shop")["metadata"]
    assert "owner" not in (meta.get("annotations") or {})


def test_service_type_and_expose(sandbox, kube, kai):
    applied(kai, "make the frontend service a NodePort")
    assert kube.get("Service", "frontend", "shop")["spec"]["type"] == "NodePort"
    applied(kai, "expose memhog -n staging on port 8080")
    service = kube.get("Service", "memhog", "staging")
    assert service["spec"]["ports"][0]["port"] == 8080
    assert service["spec"]["selector"] == {"app": "memhog"}


def test_pin_to_a_node_and_unpin(sandbox, kube, kai):
    applied(kai, "pin checkout to node-b")
    spec = kube.get("Deployment", "checkoutservice", "shop")["spec"]["template"]["spec"]
    assert spec["nodeSelector"] == {"kubernetes.io/hostname": "node-b"}
    applied(kai, "remove the node selector from checkout")
    spec = kube.get("Deployment", "checkoutservice", "shop")["spec"]["template"]["spec"]
    assert not spec.get("nodeSelector")


def test_grow_a_volume_claim(sandbox, kube, kai):
    body = {
        "apiVersion": "v1",
        "kind": "PersistentVolumeClaim",
        "metadata": {"name": "data", "namespace": "shop"},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "5Gi"}}},
    }
    kube.create("PersistentVolumeClaim", body, "shop")
    applied(kai, "grow pvc data to 20Gi")
    pvc = kube.get("PersistentVolumeClaim", "data", "shop")
    assert pvc["spec"]["resources"]["requests"]["storage"] == "20Gi"


def test_a_statement_names_what_it_refers_to(sandbox, kube, kai):
    applied(
        kai,
        "The worker deployment in staging keeps crashing because DATABASE_URL is not set. "
        "Set it to postgres://db:5432/app.",
    )
    env = kube.get("Deployment", "worker", "staging")["spec"]["template"]["spec"]["containers"][0]
    assert {"name": "DATABASE_URL", "value": "postgres://db:5432/app"} in env["env"]


@pytest.mark.parametrize(
    ("request_text", "verb"),
    [
        ("autoscle cart between 2 and 8", "autoscale"),
        ("expse checkout on port 80", "expose"),
        ("anotate cart owner=sre", "annotate"),
        ("suspnd the backup cronjob", "suspend"),
        ("creat namespace qa", "create"),
    ],
)
def test_a_misspelt_new_verb_gets_did_you_mean(sandbox, kube, kai, request_text, verb):
    result = kai("--yes", request_text)
    assert result.exit_code == 4
    assert f'did you mean "{verb}"?' in result.stderr
    assert not exists(kube, "Namespace", "qa")


def test_kai_help_lists_the_general_write_intents(kai):
    result = kai("help")
    assert result.exit_code == 0, result.stderr
    for example in (
        "autoscale cart between 2 and 8 at 60% cpu",
        "expose checkout on port 8080",
        "create namespace team-a",
        "pause the backup cronjob",
        "label checkout team=payments",
        "make the frontend service a NodePort",
        "pin checkout to node-b",
        "grow pvc data to 20Gi",
    ):
        assert example in result.stdout


def test_fix_applies_the_fix_the_diagnosis_names(sandbox, kube, kai):
    typo = {"spec": {"selector": {"app": "workr"}}}
    kube.patch("Service", "legacy-api", "staging", typo, patch_type="merge")
    doc = applied(kai, "The legacy-api service in staging has no endpoints. Diagnose and fix it.")
    assert [s["tool"] for s in doc["steps"]] == ["patch_resource"]
    assert kube.get("Service", "legacy-api", "staging")["spec"]["selector"] == {"app": "worker"}


def test_fix_that_needs_a_value_from_a_person_does_nothing_and_says_so(sandbox, kube, kai):
    before = kube.get("Deployment", "worker", "staging")["spec"]
    result = kai("--yes", "fix the worker in staging")
    assert result.exit_code == 8, result.stderr
    assert "DATABASE_URL=<value>" in result.stderr
    assert "kai explain -n staging deployment/worker" in result.stderr
    assert kube.get("Deployment", "worker", "staging")["spec"] == before


def test_allow_traffic_makes_a_network_policy_for_the_workloads_pods(sandbox, kube, kai):
    applied(kai, "let frontend talk to cart on port 7070")
    spec = kube.get("NetworkPolicy", "allow-frontend-to-cartservice", "shop")["spec"]
    assert spec["podSelector"] == {"matchLabels": {"app": "cartservice"}}
    (rule,) = spec["ingress"]
    assert rule["from"] == [{"podSelector": {"matchLabels": {"app": "frontend"}}}]
    assert rule["ports"] == [{"protocol": "TCP", "port": 7070}]


def test_grant_read_only_access_makes_a_role_and_its_binding(sandbox, kube, kai):
    applied(
        kai,
        "give the ci-bot service account in staging read-only access (get, list and watch) to pods",
    )
    role = kube.get("Role", "read-only-pods", "staging")
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}
    ]
    binding = kube.get("RoleBinding", "read-only-pods-ci-bot", "staging")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "ci-bot", "namespace": "staging"}
    ]
    assert binding["roleRef"]["name"] == "read-only-pods"
