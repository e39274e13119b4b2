"""Property tests: generated credential forms never survive redaction; ordinary text does."""

from __future__ import annotations

import json
import re
import string

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from k8sgpt_py.redact import REDACTED, redact, redact_pair, redact_text

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- credential names: prefix words + a credential stem, in every spelling -------------------

_PREFIXES = ([], ["db"], ["pg"], ["app"], ["x"], ["aws"], ["redis"], ["admin"], ["service"])
_STEMS = (
    ["password"],
    ["passwd"],
    ["pass"],
    ["pwd"],
    ["secret"],
    ["token"],
    ["api", "key"],
    ["apikey"],
    ["secret", "key"],
    ["secretkey"],
    ["access", "key"],
    ["private", "key"],
    ["passphrase"],
    ["credentials"],
    ["auth", "token"],
    ["client", "secret"],
)
# Run-together spellings (PGPASSWORD) only work for stems that are recognisable inside a word.
_FLAT_OK = {"password", "passwd", "secret", "token", "apikey", "key", "passphrase", "credentials"}


def _spell(words: list[str], style: str) -> str:
    if style == "UPPER_SNAKE":
        return "_".join(words).upper()
    if style == "camel":
        return words[0] + "".join(w.capitalize() for w in words[1:])
    if style == "FLAT":
        return "".join(words).upper()
    return {"snake": "_", "kebab": "-", "dotted": "."}[style].join(words)


@st.composite
def credential_names(draw: st.DrawFn) -> str:
    prefix = draw(st.sampled_from(_PREFIXES))
    stem = draw(st.sampled_from(_STEMS))
    styles = ["UPPER_SNAKE", "camel", "snake", "kebab", "dotted"]
    if stem[-1] in _FLAT_OK:
        styles.append("FLAT")
    return _spell([*prefix, *stem], draw(st.sampled_from(styles)))


def _env_name(name: str) -> str:
    """dbPass / db-pass / db.pass -> DB_PASS."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper().replace("-", "_").replace(".", "_")


# Secret values look generated: letters and digits (both present), some punctuation.
_ALNUM = string.ascii_letters + string.digits
_PUNCT = "_+/=.~-"


@st.composite
def secret_values(draw: st.DrawFn, alphabet: str = _ALNUM + _PUNCT) -> str:
    head = draw(st.sampled_from(_ALNUM))
    body = draw(st.text(alphabet=alphabet, min_size=4, max_size=28))
    digit = draw(st.sampled_from(string.digits))
    letter = draw(st.sampled_from(string.ascii_letters))
    return f"{head}{body}{digit}{letter}"


_CONTEXTS = (
    "{name}={value}",
    "export {name}={value}",
    '{name}="{value}"',
    '{{"{name}": "{value}", "replicas": 3}}',
    "spec:\n  {name}: {value}\n  image: nginx:1.27",
    "{name}: '{value}'",
    "GET https://api.example.com/v1/items?page=2&{name}={value}&sort=asc HTTP/1.1",
    "2026-03-01T10:00:00Z INFO connecting {name}={value} retries=3",
    'level=info msg="config loaded" {name}={value} port=8080',
    "/app/server --port=8080 --{name}={value} --verbose",
    "/app/server --port 8080 --{name} {value} --verbose",
    "args: -{name} '{value}'",
    'cmd: app --{name} "{value}" -v',
    "panic: dial failed (args: --{name}={value})",
)


@PROPERTY
@given(name=credential_names(), value=secret_values(), context=st.sampled_from(_CONTEXTS))
@example(name="DB_PASS", value="hunter2x", context="{name}={value}")
@example(name="PGPASSWORD", value="hunter2x", context="{name}={value}")
@example(name="SECRETKEY", value="hunter2x", context="{name}: {value}")
@example(name="db.pass", value="hunter2x", context="{name}={value}")
@example(name="db-password", value="hunter2x", context="--{name} {value}")
@example(name="x-api-key", value="hunter2x", context="{name}: {value}")
@example(name="apiKey", value="hunter2x", context='{{"{name}": "{value}"}}')
def test_redact_text_hides_generated_credentials(name, value, context):
    text = context.format(name=name, value=value)
    out = redact_text(text)
    assert value not in out, (text, out)
    assert REDACTED in out
    assert redact_text(out) == out  # idempotent
    assert name in out  # the name stays readable


_PROSE = (
    "2026-03-01T10:00:00Z DEBUG using {name} {value} for upstream",
    "auth ok with {name} {value}",
    "{name} {value}",
)
# In prose a bare "secret NAME" names a Secret object, so the prose form skips those words.
_PROSE_NAMES = credential_names().filter(lambda n: n.lower() not in {"secret", "credentials"})


@PROPERTY
@given(name=_PROSE_NAMES, value=secret_values(), context=st.sampled_from(_PROSE))
@example(name="token", value="3f9a8b7c6d5e4f3a", context="{name} {value}")
def test_redact_text_hides_generated_credentials_in_prose(name, value, context):
    text = context.format(name=name, value=value)
    out = redact_text(text)
    assert value not in out, (text, out)
    assert redact_text(out) == out


_NO_NAME_CONTEXTS = (
    "curl -H 'Authorization: Bearer {value}' https://api.example.com",
    '{{"headers": {{"authorization": "Basic {value}"}}}}',
    "dsn postgres://admin:{value}@db.shop.svc:5432/app",
    "redis://:{value}@cache:6379/0",
    "posting alert to https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/{value}",
    "webhook hooks.slack.com/services/T0AB12CD3/B0EF45GH6/{value} returned 404",
    "https://discord.com/api/webhooks/123456/{value}",
)


@PROPERTY
@given(value=secret_values(alphabet=_ALNUM), context=st.sampled_from(_NO_NAME_CONTEXTS))
def test_redact_text_hides_headers_urls_and_webhooks(value, context):
    text = context.format(value=value)
    out = redact_text(text)
    assert value not in out, (text, out)
    assert redact_text(out) == out


@PROPERTY
@given(name=credential_names(), value=secret_values())
def test_redact_structured_forms_hide_generated_credentials(name, value):
    flag = f"--{name}"
    obj = {
        "kind": "Deployment",
        "config": {name: value},
        "env": [{"name": _env_name(name), "value": value}],
        "args": ["--port", "8080", flag, value, "--verbose"],
        "command": ["sh", "-c", f"exec app {flag}={value}"],
    }
    out = redact(obj)
    assert value not in json.dumps(out), out
    assert redact(out) == out
    assert out["args"][:3] == ["--port", "8080", flag]


# -- ordinary text stays as it is -------------------------------------------------------------

_BENIGN_VALUES = ("foo", "node-role", "3600", "true", "false", "db-creds", "NoSchedule", "v1")
_BENIGN_KEYS = (
    "secretName",
    "tokenExpirationSeconds",
    "key",
    "cacheKey",
    "keyRef",
    "secretKeyRef",
    "passwordFile",
    "tokenTTL",
    "authMode",
    "bypass",
    "compass",
    "keyboard",
    "podName",
    "replicas",
    "serviceAccountName",
    "imagePullSecrets",
    "LOG_LEVEL",
    "NODE_NAME",
    "CACHE_TTL",
)
# Keys that do end in a credential word keep their (boolean) values.
_BENIGN_PAIRS = st.one_of(
    st.tuples(st.sampled_from(_BENIGN_KEYS), st.sampled_from(_BENIGN_VALUES)),
    st.tuples(
        st.sampled_from(("automountServiceAccountToken", "insecureSkipTLSVerifyToken", "token")),
        st.sampled_from(("true", "false", "null")),
    ),
)
_BENIGN_CONTEXTS = (
    "{key}: {value}",
    "  - {key}: {value}",
    '{{"{key}": "{value}"}}',
    "{key}={value}",
    "--{key}={value}",
    "--{key} {value}",
)


@PROPERTY
@given(pair=_BENIGN_PAIRS, context=st.sampled_from(_BENIGN_CONTEXTS))
@example(pair=("key", "node-role.kubernetes.io/control-plane"), context="{key}: {value}")
def test_redact_text_leaves_ordinary_pairs_alone(pair, context):
    key, value = pair
    text = context.format(key=key, value=value)
    assert redact_text(text) == text


_WORDS = st.from_regex(r"[a-z][a-z0-9-]{2,18}", fullmatch=True)
_LOG_TEMPLATES = (
    "2026-03-01T10:{n:02d}:00Z INFO GET /items/{n} 200 {n}ms",
    "Back-off restarting failed container {a} in pod {a}-{b}",
    "token bucket refilled; {n} requests allowed",
    "password reset email sent to user {n}",
    "Successfully assigned shop/{a} to node-{n}",
    'MountVolume.SetUp failed for volume "{a}" : secret "{b}" not found',
    "couldn't find key {a} in Secret shop/{b}",
    "secret {b} not found",
    "using key {a} for the cache",
    "tokens used: {n} of 4000",
    "pass {n} of 3 complete",
    "Readiness probe failed: HTTP probe failed with statuscode: 503",
    "level=info msg=ready addr=:8080 keyspace={a}",
)


@PROPERTY
@given(
    template=st.sampled_from(_LOG_TEMPLATES),
    a=_WORDS,
    b=_WORDS,
    n=st.integers(min_value=0, max_value=59),
)
def test_redact_text_leaves_normal_log_lines_alone(template, a, b, n):
    line = template.format(a=a, b=b, n=n)
    assert redact_text(line) == line


# -- private keys: only the key block goes ----------------------------------------------------

_LOG_LINE = st.from_regex(
    r"2026-03-01T10:00:0\dZ (INFO|WARN) [a-z]{3,10} [a-z0-9 ]{0,20}", fullmatch=True
)


@PROPERTY
@given(
    body=st.lists(st.from_regex(r"[A-Za-z0-9+/]{8,64}", fullmatch=True), min_size=1, max_size=8),
    after=st.lists(_LOG_LINE, min_size=1, max_size=5),
    has_end=st.booleans(),
)
def test_redact_text_pem_block_hides_only_the_key(body, after, has_end):
    end = ["-----END PRIVATE KEY-----"] if has_end else []
    text = "\n".join(["boot", "-----BEGIN PRIVATE KEY-----", *body, *end, *after])
    out = redact_text(text)
    assert out.splitlines() == ["boot", f"-----BEGIN PRIVATE KEY-----{REDACTED}", *after]
    assert redact_text(out) == out


# -- idempotence on anything ------------------------------------------------------------------

_TEXT_PARTS = st.sampled_from(
    [
        "password=",
        "token ",
        "--db-password ",
        "Authorization: Bearer ",
        "api-key: ",
        REDACTED,
        "[",
        "]",
        '"',
        "'",
        " ",
        "\n",
        "postgres://u:",
        "@h/",
        "-----BEGIN PRIVATE KEY-----",
        "hooks.slack.com/services/",
        "abc123XYZ",
        "=",
        ":",
        "DB_PASS",
    ]
)


@PROPERTY
@given(parts=st.lists(st.one_of(_TEXT_PARTS, st.text(max_size=6)), max_size=12))
def test_redact_text_is_idempotent(parts):
    once = redact_text("".join(parts))
    assert redact_text(once) == once


# -- diffs: a changed secret value is visible as changed, never by value ----------------------


@PROPERTY
@given(old=secret_values(), new=secret_values(), name=credential_names())
def test_redact_pair_marks_changed_secret_values(old, new, name):
    assume(old != new and old not in new and new not in old)
    env_name = _env_name(name)
    before = {
        "kind": "Secret",
        "data": {"password": old},
        "env": [{"name": env_name, "value": old}],
    }
    after = {"kind": "Secret", "data": {"password": new}, "env": [{"name": env_name, "value": new}]}
    shown_before, shown_after = redact_pair(before, after)
    dumped = json.dumps([shown_before, shown_after])
    assert old not in dumped and new not in dumped
    assert shown_before["data"]["password"] == REDACTED
    assert shown_after["data"]["password"] == f"{REDACTED} (changed)"
    assert shown_after["env"][0]["value"] == f"{REDACTED} (changed)"
    same_before, same_after = redact_pair(before, before)
    assert same_before == same_after  # unchanged values are not marked
