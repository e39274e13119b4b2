"""Bad input of every class gets one line and a documented exit code, never a traceback."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

DOCUMENTED = {0, 1, 2, 3, 4, 5, 6, 7, 8, 130}


def state(kube) -> dict[str, str]:
    """resourceVersion of every deployment and node: any applied change moves one."""
    objects = kube.list("Deployment", None) + kube.list("Node")
    return {o["metadata"]["name"]: o["metadata"]["resourceVersion"] for o in objects}


def one_line(result) -> None:
    assert "Traceback" not in result.stderr
    if result.exit_code != 0:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and lines[0].startswith("kai: error: ") and len(lines) <= 3, result.stderr


@pytest.mark.parametrize(
    ("request_text", "code"),
    [
        ("x" * 10_001, 2),  # huge
        ("scale checkout to 5\x00\x01", 2),  # binary
        ("\x1b[31mscale\x1b[0m", 4),  # control characters are dropped, the rest is not understood
        ("escala checkout a 5 réplicas", 4),  # non-English: not understood offline
        ("チェックアウトを5にスケール", 4),
        ("scale checkout to 99999999999999999999", 5),  # the server refuses the value
    ],
)
def test_bad_requests(sandbox, kube, kai, request_text, code):
    before = state(kube)
    result = kai("--yes", request_text)
    assert result.exit_code == code, result.stderr
    one_line(result)
    assert state(kube) == before


@pytest.mark.parametrize(
    "ref", ["pod/", "a/b/c", "gizmo/x", "pod/Bad_Name", "deploy/x -n", "-n shop"]
)
def test_malformed_refs_exit_2(sandbox, kai, ref):
    result = kai("explain", ref)
    assert result.exit_code == 2, result.stderr
    one_line(result)


def test_unknown_context_and_namespace(sandbox, kai):
    result = kai("--context", "nope", "list pods")
    assert result.exit_code == 3 and 'context "nope" not found' in result.stderr
    result = kai("-n", "nosuchns", "scale checkout to 3")
    assert result.exit_code == 2
    one_line(result)


@pytest.mark.parametrize(
    "content",
    ["not: [valid", "apiVersion: v1\nkind: Config\n", "clusters: 5\n", "\x00\x01binary"],
)
def test_broken_kubeconfig_exits_3(tmp_path, kai, content):
    path = tmp_path / "kubeconfig"
    path.write_text(content)
    result = kai("--kubeconfig", str(path), "list pods")
    assert result.exit_code == 3, result.stderr
    one_line(result)


def test_debug_shows_the_traceback(tmp_path, kai):
    result = kai("--debug", "--kubeconfig", str(tmp_path / "missing"), "list pods")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "kai: error:" in result.stderr


def test_prometheus_returning_garbage_exits_3(sandbox, kai, monkeypatch):
    import http.server
    import threading

    class Garbage(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"<html>not prometheus</html>")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Garbage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv("KAI_PROMETHEUS_URL", f"http://127.0.0.1:{server.server_port}")
        result = kai("anomalies", "checkoutservice")
        assert result.exit_code == 3, result.stderr
        one_line(result)
    finally:
        server.shutdown()


WORDS = st.sampled_from(
    [
        "scale",
        "restart",
        "roll",
        "back",
        "delete",
        "drain",
        "cordon",
        "set",
        "image",
        "to",
        "by",
        "checkout",
        "cart",
        "node-a",
        "shop",
        "pod",
        "-1",
        "0",
        "5",
        "50%",
        "x" * 60,
        "namespace",
        "logs",
        "of",
        "all",
        "the",
        "and",
        "then",
        ";",
        "/",
        "deploy/",
        "\u202e",
        "é",
        "",
    ]
)
REQUESTS = st.one_of(st.text(max_size=80), st.lists(WORDS, min_size=1, max_size=8).map(" ".join))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(request_text=REQUESTS)
def test_random_requests_never_crash_and_never_apply_unconfirmed(sandbox, kube, kai, request_text):
    before = state(kube)
    result = kai("-o", "json", request_text)  # no --yes, no terminal
    assert result.exit_code in DOCUMENTED
    one_line(result)
    assert state(kube) == before


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ref=st.one_of(st.text(max_size=40), st.lists(WORDS, min_size=1, max_size=3).map("/".join)))
def test_random_refs_to_explain_never_crash(sandbox, kai, ref):
    result = kai("explain", ref) if ref.strip() else kai("explain", "x")
    assert result.exit_code in DOCUMENTED
    one_line(result)


def test_unknown_option_and_no_request_without_a_terminal(kai):
    result = kai("--bogus")
    assert result.exit_code == 2 and "No such option: --bogus" in result.stderr
    bare = kai()
    assert bare.exit_code == 0 and "Usage: kai" in bare.stdout


def test_version_flag_answers_like_the_version_command(kai):
    from k8sgpt_py import __version__

    assert kai("--version").stdout.strip() == f"kai {__version__}"
    assert kai("--version", "-o", "json").json()["kai"] == __version__


def write_config(tmp_path, content: bytes):
    path = tmp_path / "config" / "kai" / "config.yaml"  # XDG_CONFIG_HOME from conftest
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"model: \xff\xfe\xfd\n", "not UTF-8 text (byte 7)"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not UTF-8 text"),
        (b"- model\n- llama3.1\n", "must hold a mapping of settings, not a list"),
        (b"just words\n", "must hold a mapping of settings, not plain text"),
        (b"42\n", "must hold a mapping of settings, not a number"),
        (b"model: [unclosed\n", "cannot read"),
        (b"max_steps: many\n", "invalid value for max_steps in "),
        (b"max_steps: 0\n", "(need a whole number from 1 to 100)"),
        (b"max_steps: 99999999999999999999999\n", "(need a whole number from 1 to 100)"),
        (b"max_steps: 2.5\n", "(not a whole number)"),
        (b"timeout_seconds: .nan\n", "(not a finite number)"),
        (b"timeout_seconds: .inf\n", "(not a finite number)"),
        (b"timeout_seconds: -5\n", "(need seconds, more than 0 and at most 86400)"),
        (b"timeout_seconds: 0\n", "(need seconds, more than 0 and at most 86400)"),
        (b"timeout_seconds: 1e308\n", "(need seconds, more than 0 and at most 86400)"),
        (b"read_only: maybe\n", "invalid value for read_only"),  # a typo never means "off"
        (b"model: {a: b}\n", "invalid value for model"),
        (b"holidays: [black friday]\n", "invalid value for holidays"),
    ],
)
def test_broken_kai_config_file_exits_2(sandbox, tmp_path, kai, content, message):
    path = write_config(tmp_path, content)
    result = kai("list pods")
    assert result.exit_code == 2, result.stderr
    one_line(result)
    assert message in result.stderr and str(path) in result.stderr


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("KAI_TIMEOUT", "nan"),
        ("KAI_TIMEOUT", "inf"),
        ("KAI_TIMEOUT", "-1"),
        ("KAI_TIMEOUT", "1e999"),
        ("KAI_TIMEOUT", "ten"),
        ("KAI_MAX_STEPS", "1e3"),
        ("KAI_MAX_STEPS", "-3"),
        ("KAI_MAX_STEPS", "0"),
        ("KAI_READ_ONLY", "perhaps"),
        ("KAI_NOW", "next tuesday"),
        ("KAI_NOW", "0001-01-01"),
    ],
)
def test_bad_environment_values_exit_2(sandbox, kai, monkeypatch, var, value):
    monkeypatch.setenv(var, value)
    result = kai("list pods")
    assert result.exit_code == 2, result.stderr
    one_line(result)
    assert var in result.stderr


@pytest.mark.parametrize("steps", ["-1", "0", "101", "99999999999999999999"])
def test_bad_max_steps_flag_exits_2(kai, steps):
    result = kai(f"--max-steps={steps}", "list pods")
    assert result.exit_code == 2, result.stderr
    one_line(result)
    assert "invalid value for max_steps (--max-steps)" in result.stderr


def test_holiday_that_is_not_a_date_exits_2(sandbox, tmp_path, kai):
    write_config(tmp_path, b"holidays:\n  launch day: soon\n")
    result = kai("--dry-run", "scale checkout for launch day")
    assert result.exit_code == 2, result.stderr
    one_line(result)
    assert "holiday 'launch day' in the config file is not a date: 'soon'" in result.stderr


def test_holiday_from_the_config_file_is_planned(sandbox, tmp_path, kai):
    write_config(tmp_path, b"holidays:\n  launch day: 2026-12-02\n")
    result = kai("-o", "json", "--dry-run", "scale checkout for launch day")
    assert result.exit_code == 0, result.stderr
    window = result.json()["steps"][0]["result"]["data"]["window"]
    assert window["start"] == "2026-12-02T00:00:00+00:00"
