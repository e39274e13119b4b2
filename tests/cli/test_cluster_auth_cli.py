"""Credentials through the CLI: exec plugins, 401 answers and the in-cluster service account."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8sgpt_py.sandbox.sandbox import ca_cert_pem


def _with_user(box: Any, tmp_path: Path, user: dict[str, Any], name: str = "kc") -> Path:
    """The sandbox kubeconfig with the admin user's credentials replaced by ``user``."""
    doc = yaml.safe_load(box.kubeconfig.read_text())
    doc["users"][0]["user"] = user
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc))
    return path


def _admin_token(box: Any) -> str:
    doc = yaml.safe_load(box.kubeconfig.read_text())
    return str(doc["users"][0]["user"]["token"])


def _exec(*code: str) -> dict[str, Any]:
    return {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1",
            "command": sys.executable,
            "args": ["-c", "\n".join(code)],
            "interactiveMode": "Never",
        }
    }


# ---------------------------------------------------------------- exec plugins


def test_exec_plugin_token_is_used(sandbox, tmp_path, kai, monkeypatch):
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": _admin_token(sandbox)},
    }
    user = _exec(f"print({json.dumps(json.dumps(credential))})")
    monkeypatch.setenv("KUBECONFIG", str(_with_user(sandbox, tmp_path, user)))
    result = kai("-o", "json", "list pods in shop")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_exec_plugin_failure_is_one_line_exit_3(sandbox, tmp_path, kai, monkeypatch):
    user = _exec("import sys", "sys.stderr.write('session expired\\nrun login\\n')", "sys.exit(4)")
    monkeypatch.setenv("KUBECONFIG", str(_with_user(sandbox, tmp_path, user)))
    result = kai("-o", "json", "list pods in shop")
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f'kai: error: exec credential plugin "{sys.executable}" of user "kai-admin" failed: '
        "process returned 4. session expired run login"
    ]


def test_exec_plugin_missing_command_is_one_line_exit_3(sandbox, tmp_path, kai, monkeypatch):
    missing = str(tmp_path / "no-such-plugin")
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": missing}}
    monkeypatch.setenv("KUBECONFIG", str(_with_user(sandbox, tmp_path, user)))
    result = kai("list pods in shop")
    assert result.exit_code == 3
    assert result.stderr.splitlines() == [
        f'kai: error: exec credential plugin "{missing}" of user "kai-admin" failed: '
        f"executable {missing} not found"
    ]


def test_exec_plugin_bad_output_is_one_line_exit_3(sandbox, tmp_path, kai, monkeypatch):
    monkeypatch.setenv("KUBECONFIG", str(_with_user(sandbox, tmp_path, _exec("print('hi')"))))
    result = kai("list pods in shop")
    assert result.exit_code == 3
    assert len(result.stderr.splitlines()) == 1
    assert "failed to decode process output" in result.stderr


def test_exec_plugin_failure_in_a_real_process_prints_no_logging(tmp_path):
    """A separate interpreter: the kubernetes client must not reach logging.basicConfig."""
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": "c",
        "contexts": [{"name": "c", "context": {"cluster": "k", "user": "u"}}],
        "clusters": [{"name": "k", "cluster": {"server": "https://127.0.0.1:9"}}],
        "users": [
            {
                "name": "u",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1",
                        "command": "kai-no-such-plugin",
                    }
                },
            }
        ],
    }
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(config))
    env = {**os.environ, "KUBECONFIG": str(path)}
    done = subprocess.run(
        [sys.executable, "-m", "k8sgpt_py", "list pods"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert "ERROR:root" not in done.stderr
    assert done.stderr.splitlines() == [
        'kai: error: exec credential plugin "kai-no-such-plugin" of user "u" failed: '
        "executable kai-no-such-plugin not found"
    ]


def test_exec_plugin_failing_to_renew_an_expired_token_is_exit_3(
    sandbox, tmp_path, kai, monkeypatch
):
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {"token": _admin_token(sandbox), "expirationTimestamp": "2000-01-01T00:00:00Z"},
    }
    calls = tmp_path / "calls"
    user = _exec(
        "import pathlib, sys",
        f"calls = pathlib.Path({str(calls)!r})",
        "calls.write_text(calls.read_text() + 'x' if calls.exists() else 'x')",
        "if len(calls.read_text()) > 1:",
        "    sys.stderr.write('cannot renew\\n')",
        "    sys.exit(1)",
        f"print({json.dumps(json.dumps(credential))})",
    )
    monkeypatch.setenv("KUBECONFIG", str(_with_user(sandbox, tmp_path, user)))
    result = kai("list pods in shop")
    assert result.exit_code == 3
    assert calls.read_text() == "xx"  # loaded once, then the renewal failed
    assert result.stderr.splitlines() == [
        f'kai: error: exec credential plugin "{sys.executable}" of user "kai-admin" failed: '
        "process returned 1. cannot renew"
    ]


# ---------------------------------------------------------------- 401


def test_401_says_unauthorized_and_names_user_and_context(sandbox, kai):
    sandbox.inject_fault(path=r"/namespaces/shop/pods$", status=401)
    result = kai("-o", "json", "list pods in shop")
    assert result.exit_code == 3
    first, hint = result.stderr.splitlines()
    assert first.startswith("kai: error: Unauthorized (HTTP 401): the API server at https://")
    assert 'rejected user "kai-admin" of context "kai-sandbox"' in first
    assert "[REDACTED]" not in result.stderr
    assert hint.startswith("hint: the credentials have expired or are wrong")


def test_401_for_a_wrong_token(sandbox, tmp_path, kai, monkeypatch):
    monkeypatch.setenv(
        "KUBECONFIG", str(_with_user(sandbox, tmp_path, {"token": "stale-token-0123"}))
    )
    result = kai("list pods in shop")
    assert result.exit_code == 3
    assert result.stderr.startswith("kai: error: Unauthorized (HTTP 401)")
    assert "[REDACTED]" not in result.stderr and "stale-token-0123" not in result.stderr


# ---------------------------------------------------------------- in-cluster service account


@pytest.fixture
def service_account(sandbox, tmp_path, monkeypatch):
    """A pod's view: no kubeconfig, KUBERNETES_SERVICE_* and a service-account directory."""
    folder = tmp_path / "serviceaccount"
    folder.mkdir()
    (folder / "token").write_text(_admin_token(sandbox))
    (folder / "ca.crt").write_text(ca_cert_pem())
    (folder / "namespace").write_text("shop\n")
    monkeypatch.delenv("KUBECONFIG")
    monkeypatch.delenv("POD_NAMESPACE", raising=False)
    monkeypatch.setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1")
    monkeypatch.setenv("KUBERNETES_SERVICE_PORT", sandbox.url.rsplit(":", 1)[1])
    monkeypatch.setattr("k8sgpt_py.cluster.kubeconfig.SERVICE_ACCOUNT_DIR", folder)
    return folder


def test_in_cluster_account_is_used_without_kubeconfig(service_account, kai):
    result = kai("-o", "json", "list pods")
    assert result.exit_code == 0, result.stderr
    step = result.json()["steps"][0]
    names = {row["name"] for row in step["result"]["data"]["items"]}
    assert any(name.startswith("checkoutservice-") for name in names)  # shop, from the SA


def test_in_cluster_pod_namespace_env_wins(service_account, kai, monkeypatch):
    from k8sgpt_py.cluster.kube import Cluster

    monkeypatch.setenv("POD_NAMESPACE", "staging")
    cluster = Cluster.connect()
    assert cluster.target.namespace == "staging"
    assert cluster.target.context == "in-cluster"
    assert cluster.target.server.startswith("https://127.0.0.1:")


def test_in_cluster_kubeconfig_wins_when_it_has_a_context(service_account, sandbox, kai):
    from k8sgpt_py.cluster.kube import Cluster

    assert Cluster.connect(kubeconfig=str(sandbox.kubeconfig)).target.context == "kai-sandbox"


def test_in_cluster_wrong_token_is_401(service_account, kai):
    (service_account / "token").write_text("stale")
    result = kai("list pods")
    assert result.exit_code == 3
    assert 'rejected user "serviceaccount" of context "in-cluster"' in result.stderr


def test_no_kubeconfig_and_no_service_account_is_exit_3(service_account, kai):
    (service_account / "token").unlink()
    result = kai("list pods")
    assert result.exit_code == 3
    assert "no kubeconfig found" in result.stderr
