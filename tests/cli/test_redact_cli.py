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


# -- a change aimed at a Secret, and a request that repeats a hidden value ------------------

NEW_HOOK = "whsec-rotated-8c41"
NEW_HOOK_B64 = base64.b64encode(NEW_HOOK.encode()).decode()


def use_model(server, monkeypatch):
    monkeypatch.setenv("KAI_MODEL", "scripted")
    monkeypatch.setenv("KAI_BASE_URL", server.base_url)
    monkeypatch.setenv("KAI_TIMEOUT", "5")


def audit_text():
    import os
    from pathlib import Path

    path = Path(os.environ["XDG_STATE_HOME"]) / "kai" / "audit.jsonl"
    return path.read_text() if path.exists() else ""


def patch_secret(patch, patch_type="merge"):
    from llm_server import call

    args = {"kind": "secret", "name": "payment-keys", "namespace": "shop", "patch": patch}
    return call("patch_resource", {**args, "patch_type": patch_type})


@pytest.mark.parametrize(
    ("patch", "patch_type"),
    [
        ({"stringData": {"hook": NEW_HOOK}}, "merge"),
        ({"data": {"hook": NEW_HOOK_B64}}, "merge"),
        ([{"op": "add", "path": "/data/hook", "value": NEW_HOOK_B64}], "json"),
    ],
)
@pytest.mark.parametrize("output", [("-v",), ("-o", "json"), ("-o", "yaml")])
def test_redact_cli_a_models_patch_to_a_secret_never_shows_its_values(
    sandbox, kube, kai, scripted_llm, monkeypatch, patch, patch_type, output
):
    # the key names no credential: only the target's kind says the values are secret.
    # Was: shown in steps[].args, steps[].result and changes[].patch, and kept in the audit log
    from llm_server import answer, tool_calls

    server = scripted_llm(tool_calls(patch_secret(patch, patch_type)), answer("Rotated."))
    use_model(server, monkeypatch)
    result = kai(*output, "--yes", "rotate the payment webhook signing value")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, NEW_HOOK, NEW_HOOK_B64)
    assert NEW_HOOK not in audit_text() and NEW_HOOK_B64 not in audit_text()
    tool_results = [m["content"] for m in server.requests[1]["messages"] if m["role"] == "tool"]
    assert all(NEW_HOOK_B64 not in text and NEW_HOOK not in text for text in tool_results)
    assert kube.get("Secret", "payment-keys", "shop")["data"]["hook"] == NEW_HOOK_B64


def test_redact_cli_a_secret_manifest_in_the_steps_is_hidden(
    sandbox, kai, scripted_llm, monkeypatch
):
    from llm_server import answer, call, tool_calls

    manifest = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: hooks\n  namespace: shop\n"
        f"stringData:\n  webhook: {NEW_HOOK}\n"
    )
    server = scripted_llm(
        tool_calls(call("apply_manifest", {"manifest": manifest, "namespace": "shop"})),
        answer("Proposed the hooks secret."),
    )
    use_model(server, monkeypatch)
    result = kai("-o", "json", "--dry-run", "create the hooks secret for the payment webhook")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, NEW_HOOK)
    assert "webhook" in result.json()["steps"][0]["args"]["manifest"]


def test_redact_cli_a_request_repeating_a_hidden_value_is_redacted(
    sandbox, kube, kai, scripted_llm, monkeypatch
):
    # prose, not KEY=value: only the change itself says the value is secret
    from llm_server import answer, tool_calls

    server = scripted_llm(
        tool_calls(patch_secret({"stringData": {"hook": NEW_HOOK}})),
        answer(f"Set the webhook secret to {NEW_HOOK}."),
    )
    use_model(server, monkeypatch)
    result = kai("-o", "json", "--yes", f"set the payment webhook secret to {NEW_HOOK}")
    assert result.exit_code == 0, result.stderr
    assert_hidden(result, NEW_HOOK)
    doc = result.json()
    assert doc["request"] == f"set the payment webhook secret to {REDACTED}"
    assert doc["answer"] == f"Set the webhook secret to {REDACTED}."
    assert NEW_HOOK not in audit_text() and f"secret to {REDACTED}" in audit_text()
    assert kube.get("Secret", "payment-keys", "shop")["data"]["hook"] == NEW_HOOK_B64
