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


# ---------------------------------------------------------------- sandbox fidelity (issue 12)


def kubectl_in(box: Any, stdin: str, *args: str, check: bool = True) -> Any:
    """kubectl with ``stdin`` (for ``-f -``)."""
    command = ["kubectl", "--kubeconfig", str(box.kubeconfig), "--request-timeout=20s", *args]
    result = subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=60)
    if check and result.returncode != 0:
        raise AssertionError(f"kubectl {' '.join(args)} failed: {result.stderr}")
    return result


def test_kubectl_create_builtin_kinds_sent_as_protobuf(sandbox):
    def create(*args: str) -> None:
        assert "created" in kubectl(sandbox, "create", *args, "-n", "lab").stdout

    assert kubectl(sandbox, "create", "namespace", "lab").stdout.strip() == "namespace/lab created"
    create("deployment", "web", "--image=nginx", "--replicas=0")
    create("configmap", "cfg", "--from-literal=mode=fast")
    create("secret", "generic", "creds", "--from-literal=pw=s3cret")
    create("job", "once", "--image=busybox")
    create("cronjob", "tick", "--image=busybox", "--schedule=*/5 * * * *")
    create("service", "clusterip", "backend", "--tcp=80:8080")
    create("serviceaccount", "robot")
    create("quota", "small", "--hard=pods=10,requests.cpu=2")
    create("ingress", "web", "--rule=shop.example.com/=web:80")
    create("pdb", "web", "--selector=app=web", "--min-available=1")
    kubectl(sandbox, "create", "priorityclass", "high", "--value=1000")

    deployment = get_json(sandbox, "deploy", "web", "-n", "lab")
    spec = deployment["spec"]
    assert spec["replicas"] == 0  # a pointer field set to zero survives the protobuf decoding
    assert spec["selector"] == {"matchLabels": {"app": "web"}}
    assert spec["strategy"] == {
        "type": "RollingUpdate",
        "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"},
    }
    assert (spec["revisionHistoryLimit"], spec["progressDeadlineSeconds"]) == (10, 600)
    container = spec["template"]["spec"]["containers"][0]
    assert (container["name"], container["image"], container["imagePullPolicy"]) == (
        "nginx",
        "nginx",
        "Always",
    )
    assert spec["template"]["spec"]["restartPolicy"] == "Always"
    assert get_json(sandbox, "cm", "cfg", "-n", "lab")["data"] == {"mode": "fast"}
    assert get_json(sandbox, "secret", "creds", "-n", "lab")["data"] == {"pw": "czNjcmV0"}
    kubectl(sandbox, "wait", "--for=condition=complete", "job/once", "-n", "lab", "--timeout=10s")
    job = get_json(sandbox, "job", "once", "-n", "lab")["spec"]
    assert (job["backoffLimit"], job["completions"], job["parallelism"]) == (6, 1, 1)
    cron = get_json(sandbox, "cronjob", "tick", "-n", "lab")["spec"]
    assert (cron["schedule"], cron["concurrencyPolicy"], cron["successfulJobsHistoryLimit"]) == (
        "*/5 * * * *",
        "Allow",
        3,
    )
    service = get_json(sandbox, "svc", "backend", "-n", "lab")["spec"]
    assert service["clusterIP"].startswith("10.96.")
    assert service["ports"] == [
        {"name": "80-8080", "port": 80, "protocol": "TCP", "targetPort": 8080}
    ]
    quota = get_json(sandbox, "quota", "small", "-n", "lab")
    assert quota["status"]["hard"] == {"pods": "10", "requests.cpu": "2"}
    assert quota["status"]["used"] == {
        "pods": "0",
        "requests.cpu": "0",
    }  # finished pods don't count
    rule = get_json(sandbox, "ingress", "web", "-n", "lab")["spec"]["rules"][0]
    backend = rule["http"]["paths"][0]["backend"]["service"]  # inline IngressRuleValue
    assert (rule["host"], backend) == ("shop.example.com", {"name": "web", "port": {"number": 80}})
    assert get_json(sandbox, "pdb", "web", "-n", "lab")["spec"]["minAvailable"] == 1
    assert get_json(sandbox, "priorityclass", "high")["value"] == 1000


ROBOT = "--as=system:serviceaccount:lab:robot"


def test_kubectl_rbac_objects_decide_can_i_and_requests_as_a_serviceaccount(sandbox):
    kubectl(sandbox, "create", "namespace", "lab")
    kubectl(sandbox, "create", "serviceaccount", "robot", "-n", "lab")
    kubectl(
        sandbox, "create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "-n", "lab"
    )
    kubectl(
        sandbox,
        "create",
        "rolebinding",
        "robot-reads",
        "--role=pod-reader",
        "--serviceaccount=lab:robot",
        "-n",
        "lab",
    )
    kubectl(sandbox, "create", "clusterrole", "node-reader", "--verb=get", "--resource=nodes")
    kubectl(
        sandbox,
        "create",
        "clusterrolebinding",
        "robot-nodes",
        "--clusterrole=node-reader",
        "--serviceaccount=lab:robot",
    )

    def can_i(*args: str) -> tuple[int, str]:
        result = kubectl(sandbox, "auth", "can-i", *args, ROBOT, check=False)
        return result.returncode, result.stdout.strip()

    assert can_i("list", "pods", "-n", "lab") == (0, "yes")
    assert can_i("delete", "pods", "-n", "lab") == (1, "no")
    assert can_i("list", "pods", "-n", "shop") == (1, "no")  # the Role is namespaced
    assert can_i("get", "nodes") == (0, "yes")
    assert can_i("list", "nodes") == (1, "no")
    # a RoleBinding to the bootstrap ClusterRole "view" grants reads in its namespace only
    kubectl(
        sandbox, "create", "rolebinding", "robot-view", "--clusterrole=view",
        "--serviceaccount=lab:robot", "-n", "shop",
    )  # fmt: skip
    assert can_i("list", "deployments", "-n", "shop") == (0, "yes")
    assert can_i("delete", "deployments", "-n", "shop") == (1, "no")

    # real requests are authorized the same way
    assert kubectl(sandbox, "get", "pods", "-n", "lab", ROBOT).returncode == 0
    denied = kubectl(sandbox, "delete", "pod", "x", "-n", "lab", ROBOT, check=False)
    assert denied.returncode == 1
    assert denied.stderr.strip() == (
        'Error from server (Forbidden): pods "x" is forbidden: User '
        '"system:serviceaccount:lab:robot" cannot delete resource "pods" in API group "" '
        'in the namespace "lab"'
    )
    rules = kubectl(sandbox, "auth", "can-i", "--list", "-n", "lab", ROBOT).stdout
    assert any(line.split()[:1] == ["pods"] and "[get list]" in line for line in rules.splitlines())

    # a SubjectAccessReview asks about another user
    review = """apiVersion: authorization.k8s.io/v1
kind: SubjectAccessReview
spec:
  user: system:serviceaccount:lab:robot
  resourceAttributes: {namespace: lab, verb: VERB, resource: pods}
"""
    for verb, allowed in (("list", "true"), ("delete", "false")):
        out = kubectl_in(
            sandbox, review.replace("VERB", verb), "create", "-f", "-", "-o",
            "jsonpath={.status.allowed}",
        )  # fmt: skip
        assert out.stdout == allowed

    # the read-only viewer may not impersonate anyone
    viewer = kubectl(
        sandbox, "get", "pods", "-n", "lab", ROBOT, context="kai-sandbox-viewer", check=False
    )
    assert 'User "kai-viewer" cannot impersonate resource "users"' in viewer.stderr
    resources = kubectl(sandbox, "api-resources", "-o", "name").stdout.split()
    for name in (
        "roles.rbac.authorization.k8s.io",
        "clusterrolebindings.rbac.authorization.k8s.io",
        "storageclasses.storage.k8s.io",
        "networkpolicies.networking.k8s.io",
        "subjectaccessreviews.authorization.k8s.io",
    ):
        assert name in resources


def test_kubectl_autoscale_creates_a_v1_hpa_stored_as_v2(sandbox):
    out = kubectl(
        sandbox, "autoscale", "deploy/checkoutservice", "-n", "shop", "--min=2", "--max=6",
        "--cpu-percent=65",
    )  # fmt: skip
    assert out.stdout.strip() == "horizontalpodautoscaler.autoscaling/checkoutservice autoscaled"
    v2 = get_json(
        sandbox, "horizontalpodautoscalers.v2.autoscaling", "checkoutservice", "-n", "shop"
    )
    assert v2["apiVersion"] == "autoscaling/v2"
    assert v2["spec"]["metrics"] == [
        {
            "type": "Resource",
            "resource": {
                "name": "cpu",
                "target": {"type": "Utilization", "averageUtilization": 65},
            },
        }
    ]
    v1 = get_json(
        sandbox, "horizontalpodautoscalers.v1.autoscaling", "checkoutservice", "-n", "shop"
    )
    assert v1["apiVersion"] == "autoscaling/v1"
    assert v1["spec"]["targetCPUUtilizationPercentage"] == 65
    assert "metrics" not in v1["spec"]
    assert "currentCPUUtilizationPercentage" in v1["status"]
    kubectl(
        sandbox, "patch", "horizontalpodautoscalers.v1.autoscaling", "checkoutservice", "-n",
        "shop", "--type=merge", "-p", '{"spec":{"targetCPUUtilizationPercentage":50}}',
    )  # fmt: skip
    v2 = get_json(sandbox, "hpa", "checkoutservice", "-n", "shop")
    assert v2["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 50
    assert (v2["spec"]["minReplicas"], v2["spec"]["maxReplicas"]) == (2, 6)


SSA_MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: default, labels: LABELS}
spec:
  replicas: 2
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: "nginx:1.27"}]
"""


def test_kubectl_server_side_apply_owns_fields_and_reports_conflicts(sandbox):
    first = SSA_MANIFEST.replace("LABELS", "{app: api, tier: web}")
    out = kubectl_in(sandbox, first, "apply", "--server-side", "-f", "-").stdout
    assert out.strip() == "deployment.apps/api serverside-applied"
    managed = get_json(sandbox, "deploy", "api", "--show-managed-fields")["metadata"][
        "managedFields"
    ]
    assert [(m["manager"], m["operation"]) for m in managed] == [("kubectl", "Apply")]
    assert managed[0]["fieldsV1"]["f:spec"]["f:replicas"] == {}

    # another manager changes replicas: re-applying the old value conflicts with it
    kubectl(sandbox, "scale", "deploy/api", "--replicas=4")
    clash = kubectl_in(sandbox, first, "apply", "--server-side", "-f", "-", check=False)
    assert clash.returncode == 1
    assert (
        'Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas'
        in clash.stderr
    )
    # forcing takes the field back; a label no longer applied is removed
    second = SSA_MANIFEST.replace("LABELS", "{app: api}")
    kubectl_in(sandbox, second, "apply", "--server-side", "--force-conflicts", "-f", "-")
    deployment = get_json(sandbox, "deploy", "api")
    assert deployment["spec"]["replicas"] == 2
    assert deployment["metadata"]["labels"] == {"app": "api"}
    assert len(get_json(sandbox, "pods", "-l", "app=api")["items"]) == 2


def test_kubectl_client_side_apply_three_way_merge(sandbox):
    manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\ndata: DATA\n"
    out = kubectl_in(sandbox, manifest.replace("DATA", "{a: '1', b: '2'}"), "apply", "-f", "-")
    assert out.stdout.strip() == "configmap/settings created"
    kubectl(sandbox, "patch", "cm", "settings", "--type=merge", "-p", '{"data":{"c":"3"}}')
    out = kubectl_in(sandbox, manifest.replace("DATA", "{a: '9'}"), "apply", "-f", "-")
    assert out.stdout.strip() == "configmap/settings configured"
    config = get_json(sandbox, "cm", "settings")
    assert config["data"] == {"a": "9", "c": "3"}  # b was applied before and is now dropped
    last = json.loads(
        config["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
    )
    assert last["data"] == {"a": "9"}


def test_kubectl_everyday_verbs_on_a_created_deployment(sandbox):
    kubectl(sandbox, "create", "deployment", "web", "--image=nginx", "--port=80")
    kubectl(sandbox, "scale", "deploy/web", "--replicas=3")
    assert kubectl(sandbox, "label", "deploy/web", "tier=frontend").stdout.strip() == (
        "deployment.apps/web labeled"
    )
    kubectl(sandbox, "annotate", "deploy/web", "owner=team-a")
    kubectl(sandbox, "expose", "deploy/web", "--port=8080", "--target-port=80")
    kubectl(sandbox, "wait", "--for=condition=available", "deploy/web", "--timeout=10s")
    deployment = get_json(sandbox, "deploy", "web")
    assert deployment["metadata"]["labels"] == {"app": "web", "tier": "frontend"}
    assert deployment["metadata"]["annotations"]["owner"] == "team-a"
    endpoints = get_json(sandbox, "endpoints", "web")["subsets"][0]
    assert len(endpoints["addresses"]) == 3 and endpoints["ports"][0]["port"] == 80
    pods = get_json(sandbox, "pods", "-l", "app=web")["items"]
    status = pods[0]["status"]["containerStatuses"][0]
    assert status["image"] == "docker.io/library/nginx:latest"  # as the kubelet reports it
    assert status["imageID"].startswith("docker.io/library/nginx@sha256:")
    assert pods[0]["spec"]["containers"][0]["image"] == "nginx"

    kubectl(sandbox, "set", "image", "deploy/web", "nginx=nginx:1.27")
    kubectl(sandbox, "rollout", "status", "deploy/web", "--timeout=10s")
    history = kubectl(sandbox, "rollout", "history", "deploy/web").stdout
    assert [line.split()[0] for line in history.splitlines()[2:] if line.strip()] == ["1", "2"]
    kubectl(sandbox, "rollout", "undo", "deploy/web")
    kubectl(sandbox, "rollout", "restart", "deploy/web")
    kubectl(sandbox, "rollout", "status", "deploy/web", "--timeout=10s")
    images = {p["spec"]["containers"][0]["image"] for p in get_json(sandbox, "pods")["items"]}
    assert images == {"nginx"}


def test_kubectl_rollout_steps_then_exceeds_its_progress_deadline(sandbox):
    kubectl(sandbox, "create", "deployment", "web", "--image=nginx:1.27", "--replicas=4")
    strategy = {
        "progressDeadlineSeconds": 1,
        "strategy": {"rollingUpdate": {"maxSurge": 1, "maxUnavailable": 1}},
    }
    kubectl(sandbox, "patch", "deploy/web", "-p", json.dumps({"spec": strategy}))
    kubectl(sandbox, "set", "image", "deploy/web", "nginx=registry.invalid/nginx:broken")
    sets = get_json(sandbox, "rs", "-l", "app=web")["items"]
    sizes = sorted(
        (rs["spec"]["template"]["spec"]["containers"][0]["image"], rs["spec"]["replicas"])
        for rs in sets
    )
    # 4 wanted, at most 5 pods, at least 3 available: the new pods never get ready
    assert sizes == [("nginx:1.27", 3), ("registry.invalid/nginx:broken", 2)]
    progressing = {
        c["type"]: c["reason"] for c in get_json(sandbox, "deploy", "web")["status"]["conditions"]
    }
    assert progressing == {
        "Available": "MinimumReplicasAvailable",
        "Progressing": "ReplicaSetUpdated",
    }
    stuck = kubectl(sandbox, "rollout", "status", "deploy/web", "--timeout=15s", check=False)
    assert stuck.returncode == 1
    assert 'error: deployment "web" exceeded its progress deadline' in stuck.stderr
    condition = next(
        c
        for c in get_json(sandbox, "deploy", "web")["status"]["conditions"]
        if c["type"] == "Progressing"
    )
    assert (condition["status"], condition["reason"]) == ("False", "ProgressDeadlineExceeded")
    kubectl(sandbox, "rollout", "undo", "deploy/web")
    kubectl(sandbox, "rollout", "status", "deploy/web", "--timeout=10s")
    assert sorted(
        rs["spec"]["replicas"] for rs in get_json(sandbox, "rs", "-l", "app=web")["items"]
    ) == [0, 4]


STORAGE_MANIFEST = """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: fixed}
provisioner: rancher.io/local-path
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: fixed-data}
spec:
  storageClassName: fixed
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
"""


def test_kubectl_pvc_resize_follows_the_storage_class(sandbox):
    kubectl_in(sandbox, STORAGE_MANIFEST, "apply", "-f", "-")
    claim = get_json(sandbox, "pvc", "data")
    assert claim["spec"]["storageClassName"] == "standard"  # the default class
    assert claim["status"] == {
        "phase": "Bound",
        "accessModes": ["ReadWriteOnce"],
        "capacity": {"storage": "1Gi"},
    }
    grow = '{"spec":{"resources":{"requests":{"storage":"2Gi"}}}}'
    kubectl(sandbox, "patch", "pvc", "data", "-p", grow)
    claim = get_json(sandbox, "pvc", "data")
    assert claim["status"]["capacity"] == {"storage": "2Gi"}
    volume = get_json(sandbox, "pv", claim["spec"]["volumeName"])
    assert volume["spec"]["capacity"] == {"storage": "2Gi"}
    shrink = kubectl(sandbox, "patch", "pvc", "data", "-p", grow.replace("2Gi", "1Gi"), check=False)
    assert shrink.stderr.strip() == (
        'The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: '
        "Forbidden: field can not be less than status.capacity"
    )
    refused = kubectl(sandbox, "patch", "pvc", "fixed-data", "-p", grow, check=False)
    assert refused.stderr.strip() == (
        'Error from server (Forbidden): persistentvolumeclaims "fixed-data" is forbidden: only '
        "dynamically provisioned pvc can be resized and the storageclass that provisions the "
        "pvc must support resize"
    )
    kubectl(sandbox, "patch", "sc", "fixed", "-p", '{"allowVolumeExpansion":true}')
    kubectl(sandbox, "patch", "pvc", "fixed-data", "-p", grow)
    assert get_json(sandbox, "pvc", "fixed-data")["status"]["capacity"] == {"storage": "2Gi"}
    table = kubectl(sandbox, "get", "pvc").stdout.splitlines()
    assert table[0].split()[:4] == ["NAME", "STATUS", "VOLUME", "CAPACITY"]
    policy = get_json(sandbox, "netpol", "deny-ingress")
    assert policy["spec"]["policyTypes"] == ["Ingress"]


def test_kubectl_create_token_authenticates_as_the_service_account(sandbox):
    kubectl(sandbox, "create", "serviceaccount", "robot", "-n", "shop")
    kubectl(
        sandbox, "create", "rolebinding", "robot-view", "--clusterrole=view",
        "--serviceaccount=shop:robot", "-n", "shop",
    )  # fmt: skip
    token = kubectl(sandbox, "create", "token", "robot", "-n", "shop").stdout.strip()
    assert token.count(".") == 2
    names = kubectl(sandbox, "--token", token, "get", "deploy", "-n", "shop", "-o", "name")
    assert "deployment.apps/frontend" in names.stdout.split()
    denied = kubectl(
        sandbox, "--token", token, "delete", "deploy/frontend", "-n", "shop", check=False
    )
    assert 'User "system:serviceaccount:shop:robot" cannot delete resource "deployments"' in (
        denied.stderr
    )
    bogus = kubectl(sandbox, "--token", token + "x", "get", "pods", "-n", "shop", check=False)
    assert "Unauthorized" in bogus.stderr


def test_kubectl_quota_refuses_pods_beyond_it(sandbox):
    kubectl(sandbox, "create", "namespace", "lab")
    kubectl(sandbox, "create", "quota", "small", "--hard=pods=2", "-n", "lab")
    kubectl(sandbox, "create", "deployment", "web", "--image=nginx", "--replicas=3", "-n", "lab")
    assert len(get_json(sandbox, "pods", "-n", "lab")["items"]) == 2
    events = get_json(sandbox, "events", "-n", "lab", "--field-selector", "reason=FailedCreate")
    (event,) = events["items"]
    assert event["message"].endswith(
        "is forbidden: exceeded quota: small, requested: pods=1, used: pods=2, limited: pods=2"
    )
    refused = kubectl(sandbox, "run", "extra", "--image=nginx", "-n", "lab", check=False)
    assert refused.stderr.strip() == (
        'Error from server (Forbidden): pods "extra" is forbidden: exceeded quota: small, '
        "requested: pods=1, used: pods=2, limited: pods=2"
    )
    kubectl(sandbox, "patch", "quota", "small", "-n", "lab", "-p", '{"spec":{"hard":{"pods":"5"}}}')
    kubectl(sandbox, "rollout", "status", "deploy/web", "-n", "lab", "--timeout=10s")
    assert get_json(sandbox, "quota", "small", "-n", "lab")["status"]["used"] == {"pods": "3"}
