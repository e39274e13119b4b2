"""Redaction of secrets in Kubernetes data and free text."""

from __future__ import annotations

import copy
import json

import pytest

from k8sgpt_py.redact import (
    LAST_APPLIED,
    REDACTED,
    is_credential_name,
    redact,
    redact_pair,
    redact_text,
)


def test_redact_secret_data_and_string_data_values():
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "labels": {"app": "db"}},
        "type": "Opaque",
        "data": {"password": "aHVudGVyMg==", "user": "YWRtaW4="},
        "stringData": {"url": "postgres://db"},
    }
    original = copy.deepcopy(secret)
    out = redact(secret)

    assert out == {
        **original,
        "data": {"password": REDACTED, "user": REDACTED},
        "stringData": {"url": REDACTED},
    }
    assert secret == original  # deep copy, input untouched


def test_redact_secret_list_items_without_kind():
    secret_list = {
        "kind": "SecretList",
        "items": [{"metadata": {"name": "a"}, "data": {"k": "dmFsdWU="}}],
    }
    assert redact(secret_list)["items"][0]["data"] == {"k": REDACTED}


def test_redact_secret_detected_by_type_when_kind_missing():
    item = {"metadata": {"name": "t"}, "type": "kubernetes.io/tls", "data": {"tls.key": "LS0t"}}
    assert redact(item)["data"] == {"tls.key": REDACTED}


def test_redact_configmap_data_is_kept():
    cm = {"kind": "ConfigMap", "data": {"LOG_LEVEL": "debug", "app.yaml": "port: 8080"}}
    assert redact(cm) == cm


@pytest.mark.parametrize(
    "name",
    [
        "DB_PASSWORD",
        "POSTGRES_PASSWD",
        "API_KEY",
        "STRIPE_API_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "GITHUB_TOKEN",
        "JWT_SECRET",
        "SECRET_KEY_BASE",
        "OAUTH_CLIENT_SECRET",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "PRIVATE_KEY",
        "SENTRY_DSN",
        "BASIC_AUTH",
    ],
)
def test_redact_env_values_with_credential_names(name):
    env = [{"name": name, "value": "s3cr3t-value"}, {"name": "LOG_LEVEL", "value": "info"}]
    assert redact(env) == [
        {"name": name, "value": REDACTED},
        {"name": "LOG_LEVEL", "value": "info"},
    ]


def test_redact_env_value_from_reference_is_kept():
    env = {
        "name": "DB_PASSWORD",
        "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}},
    }
    assert redact(env) == env


def test_redact_pod_spec_keeps_ordinary_fields():
    pod = {
        "kind": "Pod",
        "spec": {
            "containers": [
                {
                    "name": "web",
                    "image": "nginx:1.27",
                    "env": [{"name": "PORT", "value": "8080"}],
                    "volumeMounts": [{"name": "creds", "mountPath": "/etc/creds"}],
                }
            ],
            "volumes": [{"name": "creds", "secret": {"secretName": "db-creds"}}],
            "tolerations": [{"key": "dedicated", "operator": "Equal", "value": "gpu"}],
            "automountServiceAccountToken": False,
            "serviceAccountName": "web",
        },
    }
    assert redact(pod) == pod


def test_redact_credential_keys_in_plain_mappings():
    data = {
        "apiKey": "abc123",
        "clientSecret": "xyz",
        "password": "p",
        "secretName": "db",
        "key": "k",
    }
    assert redact(data) == {
        "apiKey": REDACTED,
        "clientSecret": REDACTED,
        "password": REDACTED,
        "secretName": "db",
        "key": "k",
    }


def test_redact_last_applied_configuration_annotation():
    applied = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db"},
        "stringData": {"password": "hunter2"},
    }
    obj = {
        "kind": "Secret",
        "metadata": {"name": "db", "annotations": {LAST_APPLIED: json.dumps(applied), "team": "a"}},
        "data": {"password": "aHVudGVyMg=="},
    }
    out = redact(obj)
    annotation = out["metadata"]["annotations"][LAST_APPLIED]

    assert "hunter2" not in annotation
    assert json.loads(annotation)["stringData"] == {"password": REDACTED}
    assert out["metadata"]["annotations"]["team"] == "a"


def test_redact_last_applied_of_deployment_scrubs_env():
    applied = {
        "kind": "Deployment",
        "spec": {
            "template": {"spec": {"containers": [{"env": [{"name": "API_TOKEN", "value": "t0k"}]}]}}
        },
    }
    obj = {"metadata": {"annotations": {LAST_APPLIED: json.dumps(applied)}}}
    annotation = redact(obj)["metadata"]["annotations"][LAST_APPLIED]
    assert "t0k" not in annotation


def test_redact_last_applied_that_is_not_json_is_scrubbed_as_text():
    obj = {"metadata": {"annotations": {LAST_APPLIED: "{broken password=hunter2"}}}
    assert redact(obj)["metadata"]["annotations"][LAST_APPLIED] == f"{{broken password={REDACTED}"


def test_redact_strings_inside_data_go_through_redact_text():
    result = {"status": "ok", "data": "GET /x Authorization: Bearer abc.def.ghi-123456"}
    assert redact(result)["data"] == f"GET /x Authorization: Bearer {REDACTED}"


def test_redact_keeps_non_json_values_and_tuples():
    data = {"n": 3, "ok": True, "none": None, "t": ("a", "password=x")}
    assert redact(data) == {"n": 3, "ok": True, "none": None, "t": ("a", f"password={REDACTED}")}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Authorization: Bearer eyJhbGciOi.abc.def", f"Authorization: Bearer {REDACTED}"),
        ("authorization: Basic dXNlcjpwYXNz", f"authorization: Basic {REDACTED}"),
        ('-H "Authorization: token ghp_abcdefghijklmnop"', f'-H "Authorization: token {REDACTED}"'),
        ("curl -H 'Proxy-Authorization: abc123'", f"curl -H 'Proxy-Authorization: {REDACTED}'"),
        ("sent bearer AbCdEf0123456789xyz to api", f"sent bearer {REDACTED} to api"),
        (
            "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
            "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U here",
            f"jwt {REDACTED} here",
        ),
        ("OPENAI key sk-proj-Abc123def456ghi789jkl0 leaked", f"OPENAI key {REDACTED} leaked"),
        ("stripe sk_live_51HabcdEFGHijklMN ok", f"stripe {REDACTED} ok"),
        ("aws AKIAIOSFODNN7EXAMPLE id", f"aws {REDACTED} id"),
        ("gh ghp_16C7e42F292c6912E7710c838347Ae178B4a end", f"gh {REDACTED} end"),
        ("slack xoxb-1234567890-abcdefghij", f"slack {REDACTED}"),
        ("password=hunter2 user=bob", f"password={REDACTED} user=bob"),
        ("db_password: 'hunter 2'", f"db_password: '{REDACTED}'"),
        ('{"api_key": "abc123", "name": "web"}', f'{{"api_key": "{REDACTED}", "name": "web"}}'),
        ("GET /cb?token=abc123&state=ok", f"GET /cb?token={REDACTED}&state=ok"),
        ("--secret=xyz --verbose", f"--secret={REDACTED} --verbose"),
        ("x-api-key: 12345", f"x-api-key: {REDACTED}"),
        (
            "dsn postgres://admin:hunter2@db.shop.svc:5432/app",
            f"dsn postgres://admin:{REDACTED}@db.shop.svc:5432/app",
        ),
        ("https://user:pa55@example.com/repo.git", f"https://user:{REDACTED}@example.com/repo.git"),
    ],
)
def test_redact_text_scrubs_credentials(text, expected):
    assert redact_text(text) == expected


def test_redact_text_pem_private_keys():
    pem = (
        "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nabc\n"
        "-----END RSA PRIVATE KEY-----\ndone"
    )
    assert redact_text(pem) == f"key:\n-----BEGIN RSA PRIVATE KEY-----{REDACTED}\ndone"
    cut = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n...[truncated 12 lines]"
    # A cut key: the body goes, the truncation marker (not key material) stays.
    expected = f"-----BEGIN OPENSSH PRIVATE KEY-----{REDACTED}\n...[truncated 12 lines]"
    assert redact_text(cut) == expected


def test_redact_text_keeps_certificates():
    cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----"
    assert redact_text(cert) == cert


@pytest.mark.parametrize(
    "text",
    [
        "",
        "GET /healthz 200 1.2ms",
        "Back-off restarting failed container web in pod web-7d9f",
        'MountVolume.SetUp failed for volume "creds" : secret "db-creds" not found',
        "token bucket refilled; 20 requests allowed",
        "password reset email sent to user 42",
        "secretName: db-creds",
        "keyboard monkey=5 turkey: 3",
        "sk-learn is a library; desk-top",
        "tokens used: 1200 of 4000",
        "time: 12:30:01 level=info msg=ready",
        "image: registry.example.com:5000/shop/web:1.2.3",
        "https://example.com:8443/path?x=1",
        "OOMKilled: container exceeded memory limit 128Mi",
        "kubectl.kubernetes.io/restartedAt: 2026-03-01T10:00:00Z",
        "Bearer",
    ],
)
def test_redact_text_leaves_ordinary_text_untouched(text):
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("name", "broad", "expected"),
    [
        ("DB_PASSWORD", False, True),
        ("secretName", False, False),
        ("tokenExpirationSeconds", False, False),
        ("key", False, False),
        ("apiKey", False, True),
        ("accessKey", False, True),
        ("cacheKey", False, False),
        ("CACHE_KEY", True, True),
        ("MODE", True, False),
        ("", False, False),
    ],
)
def test_redact_is_credential_name(name, broad, expected):
    assert is_credential_name(name, broad=broad) is expected


def test_redact_text_long_logs_scrub_only_matching_lines():
    lines = [f"2026-03-01T10:00:00Z INFO GET /items/{i} 200" for i in range(500)]
    lines[250] = "2026-03-01T10:00:00Z DEBUG using Authorization: Bearer abcdefghijkl123"
    text = "\n".join(lines) + "\n"
    out = redact_text(text)

    assert len(text) > 4096
    assert (
        out.splitlines()[250]
        == f"2026-03-01T10:00:00Z DEBUG using Authorization: Bearer {REDACTED}"
    )
    assert out.splitlines()[:250] == lines[:250]
    assert out.endswith("\n")


def test_redact_text_long_text_with_pem_block():
    filler = "x" * 5000
    text = f"{filler}\n-----BEGIN PRIVATE KEY-----\nAAAA\nBBBB\n-----END PRIVATE KEY-----\nend"
    assert redact_text(text) == f"{filler}\n-----BEGIN PRIVATE KEY-----{REDACTED}\nend"


# -- issue 11 item 4: forms that used to slip through ---------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DB_PASS=hunter2", f"DB_PASS={REDACTED}"),
        ("PGPASSWORD=hunter2 psql -h db", f"PGPASSWORD={REDACTED} psql -h db"),
        ("SECRETKEY: hunter2", f"SECRETKEY: {REDACTED}"),
        ("SECRET_KEY_BASE=hunter2", f"SECRET_KEY_BASE={REDACTED}"),
        ("config db.pass=hunter2 loaded", f"config db.pass={REDACTED} loaded"),
        ("MYSQL_PWD=hunter2", f"MYSQL_PWD={REDACTED}"),
        ("app --db-password hunter2 --port 80", f"app --db-password {REDACTED} --port 80"),
        ("app --token 'abc def' -v", f"app --token '{REDACTED}' -v"),
        ("args: --password=hunter2", f"args: --password={REDACTED}"),
        ("msg: password=hunter2 ok", f"msg: password={REDACTED} ok"),
        ("auth with token 7f3a9b2c4d5e", f"auth with token {REDACTED}"),
        ("found a token abc123def456 here", f"found a token {REDACTED} here"),
        (
            "POST https://hooks.slack.com/services/T01ABC/B02DEF/xyzXYZ123 200",
            f"POST https://hooks.slack.com/services/{REDACTED} 200",
        ),
        ("redis://:hunter2@cache:6379", f"redis://:{REDACTED}@cache:6379"),
    ],
)
def test_redact_text_scrubs_issue_11_forms(text, expected):
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "automountServiceAccountToken: false",
        'password: ""',
        "app --password-file /etc/pw --token-ttl 3600",
        "couldn't find key password in Secret shop/db-creds2",
        "secret db-creds2 not found",
        "pass 2 of 3",
        "token expired after 3600s",
    ],
)
def test_redact_text_leaves_lookalikes_untouched(text):
    assert redact_text(text) == text


def test_redact_text_lone_pem_begin_hides_only_the_key_block():
    text = (
        "starting\n-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n"
        "2026-03-01T10:00:05Z INFO listening\n2026-03-01T10:00:06Z INFO ready\n"
    )
    assert redact_text(text) == (
        f"starting\n-----BEGIN PRIVATE KEY-----{REDACTED}\n"
        "2026-03-01T10:00:05Z INFO listening\n2026-03-01T10:00:06Z INFO ready\n"
    )


def test_redact_text_pem_block_stops_at_a_blank_line_and_at_a_bound():
    text = "-----BEGIN EC PRIVATE KEY-----\nAAAA\n\nBBBB"
    assert redact_text(text) == f"-----BEGIN EC PRIVATE KEY-----{REDACTED}\n\nBBBB"
    endless = "-----BEGIN PRIVATE KEY-----\n" + "QUFB\n" * 1000
    out = redact_text(endless)
    assert out.startswith(f"-----BEGIN PRIVATE KEY-----{REDACTED}\nQUFB\n")
    assert out.count("QUFB") == 1000 - 256
    assert redact_text(out) == out


def test_redact_text_json_escaped_private_key():
    key = "-----BEGIN PRIVATE KEY-----\\nMIIE\\nQUFB\\n-----END PRIVATE KEY-----\\n"
    text = f'{{"private_key": "{key}", "x": 1}}'
    out = redact_text(text)
    assert "MIIE" not in out and "QUFB" not in out
    assert out.endswith('", "x": 1}')


@pytest.mark.parametrize(
    "text",
    [
        "api-key: [REDACTED]",
        f"password={REDACTED}",
        f"-----BEGIN PRIVATE KEY-----{REDACTED}\nQUFB",
        f"Authorization: Bearer {REDACTED}",
        f"--db-password {REDACTED}",
        f"https://hooks.slack.com/services/{REDACTED}",
        f"value: '{REDACTED} (changed)'",
    ],
)
def test_redact_text_is_a_fixed_point_on_redacted_text(text):
    assert redact_text(text) == text


def test_redact_text_twice_never_doubles_brackets():
    secret = {"kind": "Secret", "data": {"api-key": "c2tfbGl2ZQ=="}}
    import yaml

    once = redact_text(yaml.safe_dump(redact(secret)))
    assert redact_text(once) == once
    assert f"{REDACTED}]" not in once


def test_redact_hides_the_value_after_a_credential_flag_in_args():
    container = {"args": ["--db-password", "hunter2", "--port", "8080", "--verbose"]}
    assert redact(container) == {"args": ["--db-password", REDACTED, "--port", "8080", "--verbose"]}


def test_redact_is_idempotent_on_objects():
    applied = json.dumps({"kind": "Secret", "stringData": {"password": "hunter2"}})
    obj = {
        "kind": "Secret",
        "metadata": {"annotations": {LAST_APPLIED: applied}},
        "data": {"password": "aHVudGVyMg=="},
        "env": [{"name": "DB_PASS", "value": "hunter2"}],
    }
    once = redact(obj)
    assert redact(once) == once
    assert "hunter2" not in json.dumps(once)


def test_redact_text_long_logs_only_scrub_lines_with_a_trigger(monkeypatch):
    import k8sgpt_py.redact as redact_module

    scrubbed: list[str] = []
    real = redact_module._scrub
    monkeypatch.setattr(redact_module, "_scrub", lambda text: scrubbed.append(text) or real(text))
    lines = [f"GET /items/{i} 200" for i in range(1000)]
    lines[10] = "using token 7f3a9b2c4d5e6f70"
    out = redact_text("\n".join(lines))

    assert scrubbed == ["using token 7f3a9b2c4d5e6f70\n"]
    assert "7f3a9b2c4d5e6f70" not in out


# -- issue 11 item 3: diffs built from redacted copies --------------------------------------


def _applied(value: str) -> str:
    return json.dumps({"kind": "Secret", "stringData": {"a": value}})


def test_redact_pair_marks_only_values_that_changed():
    before = {
        "kind": "Secret",
        "data": {"a": "b2xk", "b": "c2FtZQ=="},
        "metadata": {"annotations": {LAST_APPLIED: _applied("oldVal1")}},
    }
    after = {
        "kind": "Secret",
        "data": {"a": "bmV3", "b": "c2FtZQ==", "c": "YWRkZWQ="},
        "metadata": {"annotations": {LAST_APPLIED: _applied("newVal2")}},
    }
    shown_before, shown_after = redact_pair(before, after)

    assert shown_before["data"] == {"a": REDACTED, "b": REDACTED}
    assert shown_after["data"] == {"a": f"{REDACTED} (changed)", "b": REDACTED, "c": REDACTED}
    annotation = shown_after["metadata"]["annotations"][LAST_APPLIED]
    assert "newVal2" not in annotation
    assert json.loads(annotation)["stringData"] == {"a": f"{REDACTED} (changed)"}
    assert before["data"]["a"] == "b2xk" and after["data"]["a"] == "bmV3"  # inputs untouched


def test_redact_pair_pairs_env_entries_by_name():
    before = {"env": [{"name": "DB_PASS", "value": "one1x"}]}
    after = {"env": [{"name": "LOG", "value": "info"}, {"name": "DB_PASS", "value": "two2y"}]}
    _, shown_after = redact_pair(before, after)
    assert shown_after["env"] == [
        {"name": "LOG", "value": "info"},
        {"name": "DB_PASS", "value": f"{REDACTED} (changed)"},
    ]


def test_redact_pair_with_a_missing_side():
    secret = {"kind": "Secret", "data": {"a": "eA=="}}
    assert redact_pair(None, secret) == (None, {"kind": "Secret", "data": {"a": REDACTED}})
    assert redact_pair(secret, None) == ({"kind": "Secret", "data": {"a": REDACTED}}, None)


def _secret(value: str) -> dict:
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "resourceVersion": "7"},
        "data": {"password": value},
    }


def test_unified_diff_of_a_secret_only_change_is_not_empty_and_holds_no_value():
    from k8sgpt_py.changes.diff import unified

    diff = unified(_secret("aHVudGVyMg=="), _secret("c3dvcmRmaXNo"), "secret/shop/db")

    assert "aHVudGVyMg==" not in diff and "c3dvcmRmaXNo" not in diff
    assert f"-  password: '{REDACTED}'\n" in diff
    assert f"+  password: '{REDACTED} (changed)'\n" in diff
    assert unified(_secret("aHVudGVyMg=="), _secret("aHVudGVyMg=="), "secret/shop/db") == ""


def test_unified_diff_leaves_its_inputs_untouched():
    from k8sgpt_py.changes.diff import unified

    before, after = _secret("aHVudGVyMg=="), _secret("c3dvcmRmaXNo")
    unified(before, after, "secret/shop/db")
    assert before["data"]["password"] == "aHVudGVyMg=="
    assert after["data"]["password"] == "c3dvcmRmaXNo"


def test_text_renderers_redact_what_they_print():
    import io

    from rich.console import Console

    from k8sgpt_py.render.text import diff_block, heading, plain, table, yaml_block

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=4096)
    plain(console, "connect password=hunter2")
    heading(console, "set DB_PASS=hunter2")
    table(console, [{"name": "x", "token": "hunter2"}])
    yaml_block(console, {"env": [{"name": "DB_PASS", "value": "hunter2"}]})
    diff_block(console, "+  value: --db-password hunter2\n")
    out = buffer.getvalue()

    assert "hunter2" not in out
    assert out.count(REDACTED) == 5
