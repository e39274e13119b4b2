"""Redaction of patches, tool arguments and requests, which need the target's kind."""

from __future__ import annotations

import base64

import pytest
import yaml

from k8sgpt_py.redact import REDACTED
from k8sgpt_py.redact_changes import (
    hidden_values,
    redact_known,
    redact_patch,
    redact_tool_args,
)

WEBHOOK = "whsec-0a1b2c3d"
WEBHOOK_B64 = base64.b64encode(WEBHOOK.encode()).decode()


@pytest.mark.parametrize("kind", ["Secret", "secret", "secrets"])
def test_redact_patch_hides_a_secrets_data_whatever_the_key(kind):
    patch = {"stringData": {"webhook": WEBHOOK}, "data": {"url": WEBHOOK_B64}, "type": "Opaque"}
    shown = redact_patch(kind, patch)
    hidden = {"stringData": {"webhook": REDACTED}, "data": {"url": REDACTED}, "type": "Opaque"}
    assert shown == hidden
    assert patch["stringData"]["webhook"] == WEBHOOK  # a copy: the patch sent is untouched


def test_redact_patch_of_other_kinds_is_plain_redaction():
    patch = {"data": {"webhook": "https://example.com/hook"}}
    assert redact_patch("ConfigMap", patch) == patch


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ({"op": "add", "path": "/data/webhook", "value": WEBHOOK_B64}, REDACTED),
        ({"op": "replace", "path": "/stringData", "value": {"a": WEBHOOK}}, {"a": REDACTED}),
        (
            {"op": "add", "path": "", "value": {"data": {"a": WEBHOOK_B64}}},
            {"data": {"a": REDACTED}},
        ),
        ({"op": "add", "path": "/metadata/labels/tier", "value": "gold"}, "gold"),
    ],
)
def test_redact_patch_json_operations_on_a_secret(op, expected):
    (shown,) = redact_patch("Secret", [op])
    assert shown["value"] == expected and shown["path"] == op["path"] and shown["op"] == op["op"]


def test_redact_patch_json_operation_under_a_credential_key():
    ops = [{"op": "add", "path": "/metadata/annotations/example.com~1api-token", "value": "t-9f"}]
    assert redact_patch("Deployment", ops)[0]["value"] == REDACTED
    ops = [{"op": "add", "path": "/metadata/annotations/owner", "value": "team-a"}]
    assert redact_patch("Deployment", ops) == ops


def test_redact_tool_args_uses_the_kind_beside_the_patch():
    args = {"kind": "secret", "name": "payment-keys", "patch": {"stringData": {"hook": WEBHOOK}}}
    shown = redact_tool_args(args)
    assert shown == {**args, "patch": {"stringData": {"hook": REDACTED}}}


def test_redact_tool_args_reads_a_manifest_document_by_document():
    manifest = (
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\ndata: {color: blue}\n---\n"
        f"apiVersion: v1\nkind: Secret\nmetadata: {{name: hook}}\nstringData: {{hook: {WEBHOOK}}}\n"
    )
    shown = redact_tool_args({"manifest": manifest, "namespace": "shop"})
    assert WEBHOOK not in shown["manifest"]
    config, secret = yaml.safe_load_all(shown["manifest"])
    assert config["data"] == {"color": "blue"} and secret["stringData"] == {"hook": REDACTED}
    plain = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: plain}\n"
    assert redact_tool_args({"manifest": plain})["manifest"] == plain  # nothing hidden: as typed
    broken = "kind: Secret\nstringData: {password: hunter2\n"
    assert "hunter2" not in redact_tool_args({"manifest": broken})["manifest"]


def test_hidden_values_include_decoded_secret_data():
    found = hidden_values("Secret", {"data": {"hook": WEBHOOK_B64}, "type": "Opaque"})
    assert found == {WEBHOOK_B64, WEBHOOK}
    env = [{"name": "DB_PASSWORD", "value": "pw-77"}, {"name": "MODE", "value": "fast"}]
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "env": env}]}}}}
    assert hidden_values("Deployment", patch) == {"pw-77"}
    assert hidden_values("Deployment", {"spec": {"replicas": 3}}) == set()


def test_redact_known_replaces_whole_words_only():
    text = f"set the payment webhook to {WEBHOOK}, not {WEBHOOK}x or pw"
    assert redact_known(text, {WEBHOOK, "pw"}) == (
        f"set the payment webhook to {REDACTED}, not {WEBHOOK}x or pw"
    )
    assert redact_known("rotate to ab", {"ab"}) == "rotate to ab"  # too short to search for


def test_redact_tool_args_that_are_not_a_mapping():
    assert redact_tool_args('{"password": "hunter2"') == '{"password": "[REDACTED]"'
    assert redact_tool_args(None) is None
