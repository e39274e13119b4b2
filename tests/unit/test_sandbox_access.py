"""Sandbox auth (admin, viewer, bad tokens), injected faults, watches and state persistence."""

from __future__ import annotations

import json
import os
import ssl
import stat
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8sgpt_py.sandbox import Sandbox
from k8sgpt_py.sandbox.auth import Tokens
from k8sgpt_py.sandbox.sandbox import ca_cert_pem


def _client(kubeconfig: Path, context: str | None = None) -> Any:
    from kubernetes import config

    return config.new_client_from_config(config_file=str(kubeconfig), context=context)


@pytest.fixture
def kube(sandbox: Any) -> Any:
    client = _client(sandbox.kubeconfig)
    yield client
    client.close()


@pytest.fixture
def viewer(sandbox: Any) -> Any:
    client = _client(sandbox.kubeconfig, "kai-sandbox-viewer")
    yield client
    client.close()


def _review(
    kube: Any, verb: str, resource: str, group: str = "apps", namespace: str = "shop"
) -> Any:
    from kubernetes import client

    body = client.V1SelfSubjectAccessReview(
        spec=client.V1SelfSubjectAccessReviewSpec(
            resource_attributes=client.V1ResourceAttributes(
                verb=verb, resource=resource, group=group, namespace=namespace
            )
        )
    )
    return client.AuthorizationV1Api(kube).create_self_subject_access_review(body).status


# ---------------------------------------------------------------- auth


def test_sandbox_viewer_can_read_but_not_write(viewer):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    apps = client.AppsV1Api(viewer)
    assert len(apps.list_namespaced_deployment("shop").items) == 7
    with pytest.raises(ApiException) as exc_info:
        apps.patch_namespaced_deployment("frontend", "shop", {"spec": {"replicas": 4}})
    assert exc_info.value.status == 403
    body = json.loads(exc_info.value.body)
    assert body["reason"] == "Forbidden"
    assert body["message"] == (
        'deployments.apps "frontend" is forbidden: User "kai-viewer" cannot patch resource '
        '"deployments" in API group "apps" in the namespace "shop"'
    )
    with pytest.raises(ApiException) as exc_info:
        client.CoreV1Api(viewer).delete_node("node-a")
    assert json.loads(exc_info.value.body)["message"] == (
        'nodes "node-a" is forbidden: User "kai-viewer" cannot delete resource "nodes" '
        'in API group "" at the cluster scope'
    )
    assert apps.read_namespaced_deployment("frontend", "shop").spec.replicas == 3


def test_sandbox_viewer_is_forbidden_even_for_dry_run(viewer):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc_info:
        client.AppsV1Api(viewer).patch_namespaced_deployment_scale(
            "frontend", "shop", {"spec": {"replicas": 4}}, dry_run="All"
        )
    assert exc_info.value.status == 403
    assert 'cannot patch resource "deployments/scale"' in json.loads(exc_info.value.body)["message"]


def test_sandbox_self_subject_access_review_follows_rbac(kube, viewer):
    assert _review(viewer, "patch", "deployments").allowed is False
    assert _review(viewer, "list", "pods", group="").allowed is True
    admin = _review(kube, "patch", "deployments")
    assert admin.allowed is True
    assert "cluster-admin" in admin.reason


def test_sandbox_bad_or_missing_token_is_401(sandbox, tmp_path):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    doc = yaml.safe_load(sandbox.kubeconfig.read_text())
    doc["users"][0]["user"]["token"] = "not-a-token"
    bad = tmp_path / "bad-kubeconfig"
    bad.write_text(yaml.safe_dump(doc))
    with pytest.raises(ApiException) as exc_info:
        client.CoreV1Api(_client(bad)).list_namespaced_pod("shop")
    assert exc_info.value.status == 401
    request = urllib.request.Request(f"{sandbox.url}/api/v1/namespaces/shop/pods")
    with pytest.raises(urllib.error.HTTPError) as http_error:
        urllib.request.urlopen(request, context=_ssl_context(), timeout=5)
    assert http_error.value.code == 401


OLD_FIXED_TOKENS = ("kai-sandbox-admin-token", "kai-sandbox-viewer-token")


def _tokens(kubeconfig: Path) -> dict[str, str]:
    doc = yaml.safe_load(kubeconfig.read_text())
    return {u["name"]: u["user"]["token"] for u in doc["users"]}


def _status_with_token(box: Sandbox, token: str) -> int:
    request = urllib.request.Request(
        f"{box.url}/api/v1/namespaces/shop/pods", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, context=_ssl_context(), timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_sandbox_tokens_are_random_per_sandbox_and_not_shared(sandbox, tmp_path):
    with Sandbox() as other:
        mine = _tokens(sandbox.kubeconfig)
        theirs = _tokens(other.write_kubeconfig(tmp_path / "other"))
        assert set(mine) == set(theirs) == {"kai-admin", "kai-viewer"}
        assert not set(mine.values()) & set(theirs.values())
        assert len(set(mine.values())) == 2
        assert all(len(t) >= 40 for t in mine.values())  # token_urlsafe(32)
        assert _status_with_token(sandbox, mine["kai-admin"]) == 200
        assert _status_with_token(sandbox, mine["kai-viewer"]) == 200
        assert _status_with_token(sandbox, theirs["kai-admin"]) == 401
        assert _status_with_token(other, theirs["kai-admin"]) == 200


@pytest.mark.parametrize("token", OLD_FIXED_TOKENS)
def test_sandbox_old_fixed_tokens_are_rejected(sandbox, token):
    assert _status_with_token(sandbox, token) == 401
    assert token not in sandbox.kubeconfig.read_text()


def test_sandbox_kubeconfig_is_private_from_creation(sandbox, tmp_path):
    assert stat.S_IMODE(sandbox.kubeconfig.stat().st_mode) == 0o600
    old = os.umask(0)  # even a permissive umask gives 0600 / 0700
    try:
        written = sandbox.write_kubeconfig(tmp_path / "new-dir" / "kubeconfig")
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert stat.S_IMODE(written.parent.stat().st_mode) == 0o700
    assert not list(written.parent.glob(".*tmp"))


def test_sandbox_token_file_keeps_tokens_private_and_stable(tmp_path):
    path = tmp_path / "tokens.json"
    first = Tokens.load_or_create(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Tokens.load_or_create(path) == first
    assert first.admin not in repr(first)
    path.write_text("not json")
    assert Tokens.load_or_create(path) != first


def test_sandbox_kubeconfig_contexts(sandbox):
    doc = yaml.safe_load(sandbox.kubeconfig.read_text())
    assert doc["current-context"] == "kai-sandbox"
    contexts = {c["name"]: c["context"] for c in doc["contexts"]}
    assert contexts["kai-sandbox"]["namespace"] == "default"
    assert contexts["kai-sandbox-viewer"]["user"] == "kai-viewer"
    assert doc["clusters"][0]["cluster"]["server"] == sandbox.url
    assert sandbox.url.startswith("https://127.0.0.1:")


# ---------------------------------------------------------------- faults


def _ssl_context() -> ssl.SSLContext:
    return ssl.create_default_context(cadata=ca_cert_pem())


def test_sandbox_fault_status_fires_count_times(sandbox, kube):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    apps = client.AppsV1Api(kube)
    sandbox.inject_fault(path=r"/deployments/frontend$", method="GET", status=500, count=2)
    for _ in range(2):
        with pytest.raises(ApiException) as exc_info:
            apps.read_namespaced_deployment("frontend", "shop")
        assert exc_info.value.status == 500
        assert json.loads(exc_info.value.body)["reason"] == "InternalError"
    assert apps.read_namespaced_deployment("frontend", "shop").metadata.name == "frontend"
    assert (
        apps.read_namespaced_deployment("checkoutservice", "shop").metadata.name
        == "checkoutservice"
    )


def test_sandbox_fault_dry_run_only(sandbox, kube):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    apps = client.AppsV1Api(kube)
    sandbox.inject_fault(path=r"/deployments/", status=409, dry_run_only=True)
    with pytest.raises(ApiException) as exc_info:
        apps.patch_namespaced_deployment(
            "frontend", "shop", {"spec": {"replicas": 4}}, dry_run="All"
        )
    assert exc_info.value.status == 409
    assert (
        apps.patch_namespaced_deployment(
            "frontend", "shop", {"spec": {"replicas": 4}}
        ).spec.replicas
        == 4
    )


def test_sandbox_fault_drop_and_clear(sandbox, kube):
    import urllib3
    from kubernetes import client

    core = client.CoreV1Api(kube)
    sandbox.inject_fault(path=r"^/api/v1/namespaces/shop/pods$", drop=True)
    with pytest.raises((urllib3.exceptions.MaxRetryError, urllib3.exceptions.ProtocolError)):
        core.list_namespaced_pod("shop")
    sandbox.clear_faults()
    assert len(core.list_namespaced_pod("shop").items) == 13


def test_sandbox_fault_delay_causes_client_timeout(sandbox, kube):
    import urllib3
    from kubernetes import client

    core = client.CoreV1Api(kube)
    sandbox.inject_fault(path=r"/namespaces/shop/services$", delay_seconds=0.6)
    started = time.perf_counter()
    with pytest.raises((urllib3.exceptions.MaxRetryError, urllib3.exceptions.ReadTimeoutError)):
        core.list_namespaced_service("shop", _request_timeout=0.15)
    assert time.perf_counter() - started < 3
    sandbox.clear_faults()
    assert len(core.list_namespaced_service("shop").items) == 8


def test_sandbox_faults_over_http(sandbox, kube):
    from kubernetes import client
    from kubernetes.client.exceptions import ApiException

    fault = {"path": "/nodes$", "status": 503, "count": 1}
    request = urllib.request.Request(
        f"{sandbox.url}/_sandbox/faults",
        data=json.dumps(fault).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, context=_ssl_context(), timeout=5) as response:
        assert response.status == 201
    core = client.CoreV1Api(kube)
    with pytest.raises(ApiException) as exc_info:
        core.list_node()
    assert exc_info.value.status == 503
    assert len(core.list_node().items) == 4
    urllib.request.urlopen(
        urllib.request.Request(
            f"{sandbox.url}/_sandbox/faults",
            data=json.dumps({"path": "/nodes$", "status": 500}).encode(),
            method="POST",
        ),
        context=_ssl_context(),
        timeout=5,
    ).close()
    clear = urllib.request.Request(f"{sandbox.url}/_sandbox/faults", method="DELETE")
    urllib.request.urlopen(clear, context=_ssl_context(), timeout=5).close()
    assert len(core.list_node().items) == 4


# ---------------------------------------------------------------- watch


def test_sandbox_watch_replays_changes_after_resource_version(kube):
    from kubernetes import client, watch

    apps = client.AppsV1Api(kube)
    start = apps.list_namespaced_deployment("shop").metadata.resource_version
    apps.patch_namespaced_deployment(
        "frontend", "shop", {"metadata": {"labels": {"watched": "yes"}}}
    )
    events = []
    for event in watch.Watch().stream(
        apps.list_namespaced_deployment, "shop", resource_version=start, timeout_seconds=1
    ):
        events.append(
            (
                event["type"],
                event["object"].metadata.name,
                (event["object"].metadata.labels or {}).get("watched"),
            )
        )
    assert ("MODIFIED", "frontend", "yes") in events
    assert {name for _, name, _ in events} == {"frontend"}


def test_sandbox_watch_streams_live_events(kube):
    from kubernetes import client, watch

    core = client.CoreV1Api(kube)
    start = core.list_namespaced_config_map("shop").metadata.resource_version

    def later() -> None:
        time.sleep(0.3)
        body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "live"}, "data": {}}
        core.create_namespaced_config_map("shop", body)
        core.delete_namespaced_config_map("live", "shop")

    thread = threading.Thread(target=later)
    thread.start()
    seen = []
    stream = watch.Watch()
    for event in stream.stream(
        core.list_namespaced_config_map, "shop", resource_version=start, timeout_seconds=5
    ):
        seen.append((event["type"], event["object"].metadata.name))
        if event["type"] == "DELETED":
            stream.stop()
    thread.join()
    assert seen == [("ADDED", "live"), ("DELETED", "live")]


def test_sandbox_watch_without_resource_version_lists_first(kube):
    from kubernetes import client, watch

    core = client.CoreV1Api(kube)
    names = [
        e["object"].metadata.name
        for e in watch.Watch().stream(
            core.list_namespaced_pod, "shop", label_selector="app=frontend", timeout_seconds=1
        )
    ]
    assert len(names) == 3 and all(n.startswith("frontend-") for n in names)


# ---------------------------------------------------------------- state file


def test_sandbox_state_file_persists_changes(tmp_path):
    state = tmp_path / "state.json"
    with Sandbox(state_file=state) as first:
        assert state.exists()
        kubeconfig = first.write_kubeconfig(tmp_path / "kc")
        from kubernetes import client

        apps = client.AppsV1Api(_client(kubeconfig))
        apps.patch_namespaced_deployment_scale("checkoutservice", "shop", {"spec": {"replicas": 5}})
        rv = apps.read_namespaced_deployment("checkoutservice", "shop").metadata.resource_version
    second = Sandbox(state_file=state)
    deployment = second.store.get("apps/deployments", "shop", "checkoutservice")
    assert deployment is not None
    assert deployment["spec"]["replicas"] == 5
    assert deployment["metadata"]["resourceVersion"] == rv
    pods = [
        p
        for p in second.store.list("/pods", "shop")
        if p["metadata"]["labels"].get("app") == "checkoutservice"
    ]
    assert len(pods) == 5
    assert not list(tmp_path.glob(".*.tmp"))


def test_sandbox_dry_run_does_not_touch_state_file(tmp_path):
    state = tmp_path / "state.json"
    with Sandbox(state_file=state) as box:
        before = state.read_bytes()
        kubeconfig = box.write_kubeconfig(tmp_path / "kc")
        from kubernetes import client

        apps = client.AppsV1Api(_client(kubeconfig))
        apps.patch_namespaced_deployment(
            "frontend", "shop", {"spec": {"replicas": 9}}, dry_run="All"
        )
        assert state.read_bytes() == before


def test_sandbox_serve_command_runs_until_sigterm(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    state, kubeconfig = tmp_path / "state.json", tmp_path / "kubeconfig"
    command = [sys.executable, "-m", "k8sgpt_py.sandbox", "serve", "--state", str(state)]
    tokens = tmp_path / "tokens.json"
    command += ["--port", "0", "--kubeconfig", str(kubeconfig), "--tokens", str(tokens)]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=os.environ.copy()
    )
    try:
        deadline = time.monotonic() + 30
        while not kubeconfig.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert kubeconfig.exists(), (
            process.stderr.read().decode() if process.poll() is not None else ""
        )
        from kubernetes import client

        assert len(client.CoreV1Api(_client(kubeconfig)).list_node().items) == 4
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=15)
    assert process.returncode == 0, stderr.decode()
    assert state.exists()
    for path in (state, kubeconfig, tokens):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert json.loads(tokens.read_text())["admin"] == _tokens(kubeconfig)["kai-admin"]
