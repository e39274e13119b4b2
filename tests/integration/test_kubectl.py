"""The real kubectl binary against the sandbox: reads, describes and every write kai relies on."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

pytestmark = [
    pytest.mark.kubectl,
    pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl not on PATH"),
]


def kubectl(
    box: Any, *args: str, check: bool = True, context: str | None = None
) -> subprocess.CompletedProcess[str]:
    command = ["kubectl", "--kubeconfig", str(box.kubeconfig), "--request-timeout=20s"]
    if context:
        command += ["--context", context]
    result = subprocess.run(command + list(args), capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(
            f"kubectl {' '.join(args)} failed ({result.returncode}): {result.stderr}"
        )
    return result


def get_json(box: Any, *args: str) -> Any:
    return json.loads(kubectl(box, "get", *args, "-o", "json").stdout)


def test_kubectl_get_pods_all_namespaces(sandbox):
    result = kubectl(sandbox, "get", "pods", "-A")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    rows = [line.split() for line in lines[1:]]
    assert len(rows) == 27
    status = {(r[0], r[1].rsplit("-", 2)[0]): r[3] for r in rows if r[0] == "staging"}
    assert status == {
        ("staging", "bigjob"): "Pending",
        ("staging", "imagecheck"): "ImagePullBackOff",
        ("staging", "memhog"): "CrashLoopBackOff",
        ("staging", "worker"): "CrashLoopBackOff",
    }
    assert result.stderr == ""


def test_kubectl_get_deployments(sandbox):
    lines = kubectl(sandbox, "get", "deploy", "-n", "shop").stdout.splitlines()
    assert lines[0].split() == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[1:]}
    assert rows["frontend"] == ["3/3", "3", "3"]
    assert rows["checkoutservice"] == ["2/2", "2", "2"]
    assert len(rows) == 7


def test_kubectl_get_nodes_and_services(sandbox):
    nodes = kubectl(sandbox, "get", "nodes").stdout.splitlines()
    assert [line.split()[:2] for line in nodes[1:]] == [[f"node-{x}", "Ready"] for x in "abcd"]
    services = kubectl(sandbox, "get", "svc", "-n", "staging").stdout
    assert "legacy-api" in services and "ClusterIP" in services


def test_kubectl_describe_deployment(sandbox):
    text = kubectl(sandbox, "describe", "deployment/checkoutservice", "-n", "shop").stdout
    assert "Name:                   checkoutservice" in text
    assert (
        "Replicas:               2 desired | 2 updated | 2 total | 2 available | 0 unavailable"
        in text
    )
    assert "registry.kai.dev/shop/checkoutservice:v0.10.1" in text
    assert "NewReplicaSet:   checkoutservice-" in text
    assert "ScalingReplicaSet" in text


def test_kubectl_describe_staging_pods(sandbox):
    pod = get_json(sandbox, "pods", "-n", "staging", "-l", "app=bigjob")["items"][0]["metadata"][
        "name"
    ]
    text = kubectl(sandbox, "describe", "pod", pod, "-n", "staging").stdout
    assert "Status:         Pending" in text
    assert "FailedScheduling" in text
    assert "3 Insufficient cpu" in text
    worker = kubectl(sandbox, "describe", "pod", "-n", "staging", "-l", "app=worker").stdout
    assert "CrashLoopBackOff" in worker
    assert "Back-off restarting failed container worker" in worker


def test_kubectl_scale(sandbox):
    out = kubectl(
        sandbox, "scale", "deployment", "checkoutservice", "--replicas=3", "-n", "shop"
    ).stdout
    assert out.strip() == "deployment.apps/checkoutservice scaled"
    deployment = get_json(sandbox, "deploy", "checkoutservice", "-n", "shop")
    assert deployment["spec"]["replicas"] == 3
    assert deployment["status"]["readyReplicas"] == 3
    assert len(get_json(sandbox, "pods", "-n", "shop", "-l", "app=checkoutservice")["items"]) == 3


def test_kubectl_patch_strategic_and_merge(sandbox):
    container = {"name": "server", "resources": {"limits": {"memory": "300Mi"}}}
    strategic = json.dumps({"spec": {"template": {"spec": {"containers": [container]}}}})
    out = kubectl(
        sandbox, "patch", "deployment", "checkoutservice", "-n", "shop", "-p", strategic
    ).stdout
    assert out.strip() == "deployment.apps/checkoutservice patched"
    merge = '{"metadata":{"labels":{"team":"payments"}}}'
    kubectl(
        sandbox,
        "patch",
        "deployment",
        "checkoutservice",
        "-n",
        "shop",
        "--type",
        "merge",
        "-p",
        merge,
    )
    jsonpatch = '[{"op":"replace","path":"/spec/replicas","value":4}]'
    kubectl(
        sandbox,
        "patch",
        "deployment",
        "checkoutservice",
        "-n",
        "shop",
        "--type",
        "json",
        "-p",
        jsonpatch,
    )
    deployment = get_json(sandbox, "deploy", "checkoutservice", "-n", "shop")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["resources"]["limits"] == {"cpu": "1", "memory": "300Mi"}
    assert container["image"] == "registry.kai.dev/shop/checkoutservice:v0.10.1"
    assert deployment["metadata"]["labels"]["team"] == "payments"
    assert deployment["spec"]["replicas"] == 4


def test_kubectl_server_dry_run_is_refused_when_invalid(sandbox):
    result = kubectl(
        sandbox,
        "patch",
        "deployment",
        "frontend",
        "-n",
        "shop",
        "--dry-run=server",
        "--type",
        "merge",
        "-p",
        '{"spec":{"replicas":-2}}',
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == (
        'The Deployment "frontend" is invalid: spec.replicas: Invalid value: -2: '
        "must be greater than or equal to 0"
    )
    assert get_json(sandbox, "deploy", "frontend", "-n", "shop")["spec"]["replicas"] == 3


def test_kubectl_set_image_restart_and_rollout_status(sandbox):
    image = "registry.kai.dev/shop/checkoutservice:v0.10.2"
    out = kubectl(
        sandbox, "set", "image", "deployment/checkoutservice", f"server={image}", "-n", "shop"
    ).stdout
    assert out.strip() == "deployment.apps/checkoutservice image updated"
    out = kubectl(sandbox, "rollout", "restart", "deployment/checkoutservice", "-n", "shop").stdout
    assert out.strip() == "deployment.apps/checkoutservice restarted"
    status = kubectl(
        sandbox, "rollout", "status", "deployment/checkoutservice", "-n", "shop", "--timeout=20s"
    )
    assert status.stdout.strip().endswith('deployment "checkoutservice" successfully rolled out')
    deployment = get_json(sandbox, "deploy", "checkoutservice", "-n", "shop")
    template = deployment["spec"]["template"]
    assert template["spec"]["containers"][0]["image"] == image
    assert "kubectl.kubernetes.io/restartedAt" in template["metadata"]["annotations"]
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    pods = get_json(sandbox, "pods", "-n", "shop", "-l", "app=checkoutservice")["items"]
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {image}


def test_kubectl_rollout_status_statefulset(sandbox):
    status = kubectl(
        sandbox, "rollout", "status", "statefulset/redis-cart", "-n", "shop", "--timeout=20s"
    )
    assert "roll out complete" in status.stdout or "rolling update complete" in status.stdout


def test_kubectl_rollout_undo_paymentservice(sandbox):
    history = kubectl(
        sandbox, "rollout", "history", "deployment/paymentservice", "-n", "shop"
    ).stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]
    out = kubectl(sandbox, "rollout", "undo", "deployment/paymentservice", "-n", "shop").stdout
    assert out.strip() == "deployment.apps/paymentservice rolled back"
    deployment = get_json(sandbox, "deploy", "paymentservice", "-n", "shop")
    assert (
        deployment["spec"]["template"]["spec"]["containers"][0]["image"]
        == "registry.kai.dev/shop/paymentservice:v1.4.0"
    )
    assert deployment["metadata"]["annotations"]["deployment.kubernetes.io/revision"] == "3"
    sets = get_json(sandbox, "rs", "-n", "shop", "-l", "app=paymentservice")["items"]
    assert len(sets) == 2  # the revision-1 ReplicaSet was reused as revision 3
    revisions = {
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: rs["spec"]["replicas"]
        for rs in sets
    }
    assert revisions == {"2": 0, "3": 1}


def test_kubectl_logs(sandbox):
    logs = kubectl(sandbox, "logs", "-n", "staging", "deploy/worker").stdout
    assert logs.rstrip().endswith("error: required environment variable DATABASE_URL is not set")
    previous = kubectl(
        sandbox, "logs", "-n", "staging", "deploy/worker", "--previous", "--tail=1"
    ).stdout
    assert previous.strip() == "error: required environment variable DATABASE_URL is not set"
    pull = kubectl(sandbox, "logs", "-n", "staging", "deploy/imagecheck", check=False)
    assert pull.returncode == 1
    assert "is waiting to start: trying and failing to pull image" in pull.stderr


def test_kubectl_viewer_is_forbidden_to_write(sandbox):
    result = kubectl(
        sandbox,
        "scale",
        "deploy",
        "frontend",
        "--replicas=2",
        "-n",
        "shop",
        context="kai-sandbox-viewer",
        check=False,
    )
    assert result.returncode == 1
    assert (
        'User "kai-viewer" cannot patch resource "deployments/scale" in API group "apps" '
        'in the namespace "shop"' in result.stderr
    )
    assert (
        kubectl(
            sandbox,
            "auth",
            "can-i",
            "patch",
            "deployments",
            "-n",
            "shop",
            context="kai-sandbox-viewer",
            check=False,
        ).stdout.strip()
        == "no"
    )
    assert (
        kubectl(sandbox, "auth", "can-i", "patch", "deployments", "-n", "shop").stdout.strip()
        == "yes"
    )


def test_kubectl_apply_create_and_delete(sandbox):
    manifest = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: "docker.io/library/nginx:1.27"}]
"""
    result = subprocess.run(
        ["kubectl", "--kubeconfig", str(sandbox.kubeconfig), "apply", "-f", "-"],
        input=manifest,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "deployment.apps/web created"
    assert len(get_json(sandbox, "pods", "-n", "default", "-l", "app=web")["items"]) == 2
    result = subprocess.run(
        ["kubectl", "--kubeconfig", str(sandbox.kubeconfig), "apply", "-f", "-"],
        input=manifest.replace("replicas: 2", "replicas: 1"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.strip() == "deployment.apps/web configured", result.stderr
    kubectl(sandbox, "delete", "deployment", "web", "-n", "default")
    assert get_json(sandbox, "pods", "-n", "default")["items"] == []


def test_kubectl_pause_resume_and_expose(sandbox):
    kubectl(sandbox, "rollout", "pause", "deploy/frontend", "-n", "shop")
    image = "registry.kai.dev/shop/frontend:v0.10.2"
    kubectl(sandbox, "set", "image", "deploy/frontend", f"server={image}", "-n", "shop")
    assert len(get_json(sandbox, "rs", "-n", "shop", "-l", "app=frontend")["items"]) == 1
    kubectl(sandbox, "rollout", "resume", "deploy/frontend", "-n", "shop")
    kubectl(sandbox, "rollout", "status", "deploy/frontend", "-n", "shop", "--timeout=20s")
    pods = get_json(sandbox, "pods", "-n", "shop", "-l", "app=frontend")["items"]
    assert {p["spec"]["containers"][0]["image"] for p in pods} == {image}
    kubectl(
        sandbox,
        "expose",
        "deploy",
        "frontend",
        "-n",
        "shop",
        "--name=frontend-ext",
        "--port=8081",
        "--target-port=8080",
        "--type=NodePort",
    )
    service = get_json(sandbox, "svc", "frontend-ext", "-n", "shop")
    assert service["metadata"]["creationTimestamp"]
    assert 30000 <= service["spec"]["ports"][0]["nodePort"] < 32768
    endpoints = get_json(sandbox, "endpoints", "frontend-ext", "-n", "shop")
    assert len(endpoints["subsets"][0]["addresses"]) == 3


def test_kubectl_uses_the_sandbox_random_token_and_the_old_fixed_one_is_refused(sandbox, tmp_path):
    import yaml

    doc = yaml.safe_load(sandbox.kubeconfig.read_text())
    assert doc["users"][0]["user"]["token"] != "kai-sandbox-admin-token"
    assert len(get_json(sandbox, "nodes")["items"]) == 4  # the random token works
    doc["users"][0]["user"]["token"] = "kai-sandbox-admin-token"
    old = tmp_path / "old-kubeconfig"
    old.write_text(yaml.safe_dump(doc))
    result = subprocess.run(
        ["kubectl", "--kubeconfig", str(old), "--request-timeout=20s", "get", "nodes"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Unauthorized" in result.stderr
