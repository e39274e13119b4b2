"""No secret reaches stdout or stderr: diffs, dry runs, the exit-6 path, JSON/YAML, logs.

Every case runs a real request through the CLI against the sandbox and searches the whole
output for the secret string. The cluster itself must still get the real values.
"""

from __future__ import annotations

import base64
import json

import pytest

from k8sgpt_py.redact import LAST_APPLIED, REDACTED

OUTPUTS = [(), ("-o", "json"), ("-o", "yaml")]
# The demo Secret shop/payment-keys (examples/shop/20-shop.yaml), raw and base64.
PAYMENT_KEY = "sk_live_kaisandboxSECRET123"
PAYMENT_KEY_B64 = base64.b64encode(PAYMENT_KEY.encode()).decode()


def assert_hidden(result, *secrets):
    for secret in secrets:
        assert secret not in result.stdout, f"{secret!r} leaked on stdout:\n{result.stdout}"
        assert secret not in result.stderr, f"{secret!r} leaked on stderr:\n{result.stderr}"


def worker_env(kube):
    deploy = kube.get("Deployment", "worker", "staging")
    (container,) = deploy["spec"]["template"]["spec"]["containers"]
    return {e["name"]: e.get("value") for e in container.get("env", [])}


def only_change(result):
    (change,) = result.json()["changes"]
    return change


# -- item 3: diffs ------------------------------------------------------------------------


@pytest.mark.parametrize("output", OUTPUTS)
def test_redact_cli_dry_run_env_value_never_shown(sandbox, kube, kai, output):
    result = kai(*output, "--dry-run", "set env DB_PASS=hunter2 on worker")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, "hunter2")
    assert "DB_PASS" in result.stdout
    assert "DB_PASS" not in worker_env(kube)


def test_redact_cli_dry_run_diff_shows_the_env_var_with_a_hidden_value(sandbox, kai):
    result = kai("--dry-run", "set env DB_PASS=hunter2 on worker")
    assert "+        - name: DB_PASS\n" in result.stdout
    assert f"+          value: '{REDACTED}'\n" in result.stdout


@pytest.mark.parametrize("output", [(), ("-o", "yaml")])
def test_redact_cli_unconfirmed_change_exits_6_without_showing_the_value(
    sandbox, kube, kai, output
):
    result = kai(*output, "set env DB_PASS=hunter2 on worker")
    assert result.exit_code == 6
    assert "not applied" in result.stderr
    assert_hidden(result, "hunter2")
    assert "DB_PASS" not in worker_env(kube)


def test_redact_cli_applied_change_writes_the_real_value(sandbox, kube, kai):
    result = kai("-o", "json", "--yes", "set env DB_PASS=hunter2 on worker")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, "hunter2")
    assert only_change(result)["applied"] is True
    assert worker_env(kube)["DB_PASS"] == "hunter2"  # the patch sent was never redacted


def test_redact_cli_changed_secret_value_shows_as_changed_and_still_applies(sandbox, kube, kai):
    assert kai("--yes", "set env DB_PASS=hunter2 on worker").exit_code == 0

    preview = kai("--dry-run", "set env DB_PASS=swordfish9 on worker")
    assert preview.exit_code == 0, preview.stderr
    assert_hidden(preview, "hunter2", "swordfish9")
    assert f"-          value: '{REDACTED}'" in preview.stdout
    assert f"+          value: '{REDACTED} (changed)'" in preview.stdout

    result = kai("-o", "json", "--yes", "set env DB_PASS=swordfish9 on worker")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, "hunter2", "swordfish9")
    change = only_change(result)
    assert f"{REDACTED} (changed)" in change["diff"]
    assert change["applied"] is True  # a secret-only change is not "nothing to change"
    assert worker_env(kube)["DB_PASS"] == "swordfish9"


@pytest.mark.parametrize("output", OUTPUTS)
def test_redact_cli_env_values_in_diff_context_lines(sandbox, kube, kai, output):
    assert kai("--yes", "set env API_TOKEN=t0ken-abc123XYZ on worker").exit_code == 0
    result = kai(*output, "--dry-run", "set env LOG_FORMAT=json on worker")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, "t0ken-abc123XYZ")
    assert "API_TOKEN" in result.stdout  # the context line is there, its value is not
    assert worker_env(kube)["API_TOKEN"] == "t0ken-abc123XYZ"


@pytest.mark.parametrize("output", OUTPUTS)
def test_redact_cli_diff_of_a_secret_hides_data(sandbox, kai, output):
    result = kai(*output, "--dry-run", "delete secret payment-keys")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, PAYMENT_KEY_B64, PAYMENT_KEY)
    assert "api-key" in result.stdout
    assert f"{REDACTED}]" not in result.stdout  # no double redaction


def test_redact_cli_secret_delete_exit_6_hides_data(sandbox, kube, kai):
    result = kai("delete secret payment-keys")
    assert result.exit_code == 6
    assert_hidden(result, PAYMENT_KEY_B64, PAYMENT_KEY)
    assert kube.get("Secret", "payment-keys", "shop")["data"]["api-key"] == PAYMENT_KEY_B64


@pytest.fixture
def applied_secret(kube):
    """A Secret created by `kubectl apply`: its last-applied annotation repeats the value."""
    applied = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db-login", "namespace": "shop"},
        "type": "Opaque",
        "stringData": {"password": "Pl4intext-Hunter2"},
    }
    manifest = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": "db-login",
            "namespace": "shop",
            "annotations": {LAST_APPLIED: json.dumps(applied)},
        },
        "type": "Opaque",
        "data": {"password": base64.b64encode(b"Pl4intext-Hunter2").decode()},
    }
    return kube.create("Secret", manifest, "shop")


@pytest.mark.parametrize("output", OUTPUTS)
def test_redact_cli_last_applied_configuration_hidden(sandbox, kai, applied_secret, output):
    result = kai(*output, "--dry-run", "delete secret db-login")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, "Pl4intext-Hunter2", applied_secret["data"]["password"])
    assert "last-applied-configuration" in result.stdout


def test_redact_cli_last_applied_of_a_deployment_hides_env(sandbox, kube, kai):
    applied = {
        "kind": "Deployment",
        "spec": {
            "template": {
                "spec": {"containers": [{"env": [{"name": "DB_PASS", "value": "x9Secret"}]}]}
            }
        },
    }
    kube.patch(
        "Deployment",
        "worker",
        "staging",
        {"metadata": {"annotations": {LAST_APPLIED: json.dumps(applied)}}},
        patch_type="merge",
    )
    for output in OUTPUTS:
        result = kai(*output, "--dry-run", "delete deployment worker")
        assert result.exit_code == 0, result.stderr
        assert_hidden(result, "x9Secret")


# -- item 4: what free-text redaction used to miss ------------------------------------------

LEAKY_LOG = "\n".join(
    [
        "2026-03-01T10:00:00Z INFO starting",
        "PGPASSWORD=pgS3cret-one",
        "SECRETKEY=sk3y-two-2",
        "config db.pass=dbp4ss-three",
        "exec /app --db-password flagP4ss-four --port 8080",
        "auth with token 7f3a9b2c4d5e6f70",
        "alerts to https://hooks.slack.com/services/T01ABCDEF/B02GHIJKL/sl4ckW3bhookTok",
        "-----BEGIN PRIVATE KEY-----",
        "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
        "2026-03-01T10:00:05Z INFO listening on :8080",
        "2026-03-01T10:00:06Z WARN cache miss ratio high",
    ]
)
LEAKED_VALUES = (
    "pgS3cret-one",
    "sk3y-two-2",
    "dbp4ss-three",
    "flagP4ss-four",
    "7f3a9b2c4d5e6f70",
    "sl4ckW3bhookTok",
    "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7",
)


@pytest.mark.parametrize("output", OUTPUTS)
def test_redact_cli_logs_hide_every_credential_form(sandbox, kai, pod_with_logs, output):
    pod_with_logs("chatty", LEAKY_LOG)
    result = kai(*output, "logs of chatty -n staging")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, *LEAKED_VALUES)
    # a key block without END hides only itself: later lines still show
    assert "INFO listening on :8080" in result.stdout
    assert "WARN cache miss ratio high" in result.stdout
    assert f"{REDACTED}]" not in result.stdout
