"""PrometheusSource against a tiny local HTTP server: queries, chunking, retries and garbage."""

# ruff: noqa: E501

from __future__ import annotations

import json
import socket
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np
import pytest

from k8sgpt_py.config import Settings
from k8sgpt_py.errors import ConfigError, ExitCode, UsageError
from k8sgpt_py.metrics import (
    DEFAULT_QUERIES,
    MetricsUnavailable,
    NoMetricData,
    PrometheusSource,
    render_query,
)
from k8sgpt_py.metrics.prometheus import chunk_ranges

START = datetime(2026, 11, 23, tzinfo=UTC)  # 1795392000, a multiple of every step below


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    delay_seconds: float = 0.0


def matrix(*series: list[tuple[float, str]]) -> Reply:
    result = [{"metric": {"i": str(i)}, "values": values} for i, values in enumerate(series)]
    document = {"status": "success", "data": {"resultType": "matrix", "result": result}}
    return Reply(body=json.dumps(document).encode())


@dataclass
class FakePrometheus:
    """Replies from a queue (the last one repeats) or from ``handler``; records every request."""

    url: str = ""
    replies: list[Reply] = field(default_factory=list)
    handler: Callable[[str, dict[str, list[str]]], Reply] | None = None
    requests: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def reply(self, path: str, params: dict[str, list[str]]) -> Reply:
        if self.handler is not None:
            return self.handler(path, params)
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


@pytest.fixture
def fake() -> Iterator[FakePrometheus]:
    state = FakePrometheus()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            params = urllib.parse.parse_qs(parts.query)
            state.requests.append((parts.path, params))
            state.headers.append(dict(self.headers))
            reply = state.reply(parts.path, params)
            time.sleep(reply.delay_seconds)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except OSError:
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def source(url: str, sleeps: list[float] | None = None, **kwargs: object) -> PrometheusSource:
    record = sleeps if sleeps is not None else []
    return PrometheusSource(url, sleep=record.append, **kwargs)  # type: ignore[arg-type]


def history(src: PrometheusSource, metric: str = "cpu", hours: float = 1, step: int = 300):  # type: ignore[no-untyped-def]
    return src.history(
        "shop",
        "checkout",
        metric,
        start=START,
        end=START + timedelta(hours=hours),
        step_seconds=step,
    )  # type: ignore[arg-type]


def test_render_query_default_templates() -> None:
    rendered = {
        m: render_query(q, namespace="shop", workload="cart", step_seconds=300)
        for m, q in DEFAULT_QUERIES.items()
    }
    assert rendered == {
        "cpu": 'sum(rate(container_cpu_usage_seconds_total{namespace="shop",pod=~"cart-.*",container!=""}[5m])) * 1000',
        "memory": 'sum(container_memory_working_set_bytes{namespace="shop",pod=~"cart-.*",container!=""})',
        "rps": 'sum(rate(http_requests_total{namespace="shop",service="cart"}[5m]))',
        "replicas": 'kube_deployment_status_replicas{namespace="shop",deployment="cart"}',
        "restarts": 'sum(kube_pod_container_status_restarts_total{namespace="shop",pod=~"cart-.*"})',
    }


def test_render_query_step_and_escaped_dollar() -> None:
    template = 'sum(rate(nginx_requests{ns="$namespace",app="${workload}"}[$step])) + $$x'
    assert render_query(template, namespace="a", workload="b", step_seconds=60) == (
        'sum(rate(nginx_requests{ns="a",app="b"}[60s])) + $x'
    )


def test_render_query_unknown_placeholder_is_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown placeholder 'service'") as caught:
        render_query("up{service='$service'}", namespace="a", workload="b", step_seconds=60)
    assert caught.value.exit_code == ExitCode.CLUSTER
    assert "$namespace, $workload and $step" in (caught.value.hint or "")


def test_prometheus_source_rejects_unknown_metric_in_queries() -> None:
    with pytest.raises(ConfigError, match="prometheus_queries has unknown metrics: latency"):
        PrometheusSource("http://127.0.0.1:9", queries={"latency": "up"})


def test_prometheus_source_from_settings_uses_configured_queries() -> None:
    settings = Settings(
        prometheus_url="http://127.0.0.1:9/prom/",
        prometheus_queries={"rps": 'sum(rate(reqs{app="$workload"}[5m]))'},
    )
    src = PrometheusSource.from_settings(settings)
    assert src.url == "http://127.0.0.1:9/prom"
    assert src.promql("shop", "cart", "rps", 300) == 'sum(rate(reqs{app="cart"}[5m]))'
    assert src.promql("shop", "cart", "memory", 300).startswith(
        "sum(container_memory_working_set_bytes"
    )
    with pytest.raises(MetricsUnavailable, match="no Prometheus configured") as caught:
        PrometheusSource.from_settings(Settings())
    assert "KAI_PROMETHEUS_URL" in (caught.value.hint or "")


def test_chunk_ranges_respects_point_limit() -> None:
    assert chunk_ranges(0, 25_000, 1) == [(0, 10_999), (11_000, 21_999), (22_000, 25_000)]
    assert chunk_ranges(100, 100 + 10_999 * 15, 15) == [(100, 100 + 10_999 * 15)]
    assert chunk_ranges(100, 100 + 11_000 * 15, 15) == [
        (100, 100 + 10_999 * 15),
        (100 + 11_000 * 15, 100 + 11_000 * 15),
    ]
    assert chunk_ranges(0, 1_200, 300, max_points=2) == [(0, 300), (600, 900), (1_200, 1_200)]
    assert chunk_ranges(10, 5, 1) == []


def echo_time(path: str, params: dict[str, list[str]]) -> Reply:
    """query_range answer whose value at each evaluation time is that time."""
    start, end, step = (float(params[k][0]) for k in ("start", "end", "step"))
    stamps = np.arange(start, end + step / 2, step)
    return matrix([(t, str(t)) for t in stamps])


def test_history_splits_long_ranges_into_chunks(fake: FakePrometheus) -> None:
    fake.handler = echo_time
    series = history(source(fake.url, max_points=5), hours=1)
    ranges = [(float(p["start"][0]), float(p["end"][0])) for _, p in fake.requests]
    t0 = START.timestamp()
    assert ranges == [(t0, t0 + 1200), (t0 + 1500, t0 + 2700), (t0 + 3000, t0 + 3600)]
    assert {p["step"][0] for _, p in fake.requests} == {"300"}
    np.testing.assert_array_equal(series.values, series.timestamps)
    assert len(series) == 13


def test_history_real_limit_of_eleven_thousand_points(fake: FakePrometheus) -> None:
    fake.handler = echo_time
    series = history(source(fake.url), hours=24, step=5)  # 17,281 points
    assert len(fake.requests) == 2
    np.testing.assert_array_equal(series.values, series.timestamps)


def test_history_sends_rendered_query_and_fills_gaps_with_nan(fake: FakePrometheus) -> None:
    t0 = START.timestamp()
    fake.replies = [matrix([(t0, "1.5"), (t0 + 600, "NaN"), (t0 + 900, "2")])]
    series = history(source(fake.url), metric="memory", hours=0.25)
    path, params = fake.requests[0]
    assert path == "/api/v1/query_range"
    assert params["query"] == [
        render_query(
            DEFAULT_QUERIES["memory"], namespace="shop", workload="checkout", step_seconds=300
        )
    ]
    assert (params["start"], params["end"]) == ([f"{t0:.3f}"], [f"{t0 + 900:.3f}"])
    assert np.array_equal(series.values, [1.5, np.nan, np.nan, 2], equal_nan=True)
    assert (series.unit, series.source) == ("bytes", "prometheus")


def test_history_sums_several_series(fake: FakePrometheus) -> None:
    t0 = START.timestamp()
    fake.replies = [matrix([(t0, "1"), (t0 + 300, "2")], [(t0 + 300, "10"), (t0 + 600, "20")])]
    series = history(source(fake.url), metric="replicas", hours=0.2)
    assert series.values.tolist() == [1, 12, 20]


def test_history_empty_result_raises_no_data_with_config_hint(fake: FakePrometheus) -> None:
    fake.replies = [matrix()]
    with pytest.raises(NoMetricData) as caught:
        history(source(fake.url), metric="rps")
    assert caught.value.message == (
        f"no rps data for shop/checkout in 2026-11-23T00:00Z..2026-11-23T01:00Z (prometheus {fake.url})"
    )
    assert caught.value.hint == (
        "check the workload name and the time window; "
        "if this cluster names the metric differently, set prometheus_queries.rps"
    )


def test_history_rejects_promql_injection_before_any_request(fake: FakePrometheus) -> None:
    with pytest.raises(UsageError, match="invalid workload name"):
        source(fake.url).history("shop", 'x"} or up{a="', "cpu", start=START, end=START)
    assert fake.requests == []


def test_unreachable_prometheus_retries_then_raises(fake: FakePrometheus) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    with pytest.raises(MetricsUnavailable) as caught:
        history(source(f"http://127.0.0.1:{port}", sleeps))
    assert caught.value.message.startswith(f"cannot reach Prometheus at http://127.0.0.1:{port}: ")
    assert "refused" in caught.value.message.lower()
    assert caught.value.exit_code == ExitCode.CLUSTER
    assert "KAI_PROMETHEUS_URL" in (caught.value.hint or "")
    assert sleeps == [0.25, 0.5]


def test_timeout_is_retried_then_raised(fake: FakePrometheus) -> None:
    fake.replies = [Reply(delay_seconds=1.0, body=b"late")]
    sleeps: list[float] = []
    with pytest.raises(MetricsUnavailable, match=r"cannot reach Prometheus at .*timed out"):
        history(source(fake.url, sleeps, timeout_seconds=0.2, max_retries=1))
    assert (len(fake.requests), sleeps) == (2, [0.25])


def test_server_error_is_retried_and_can_recover(fake: FakePrometheus) -> None:
    t0 = START.timestamp()
    fake.replies = [Reply(500, b"oops"), Reply(503, b"busy"), matrix([(t0, "7")])]
    sleeps: list[float] = []
    series = history(source(fake.url, sleeps), hours=0)
    assert series.values.tolist() == [7]
    assert sleeps == [0.25, 0.5]


def test_server_error_after_retries_names_status_and_body(fake: FakePrometheus) -> None:
    error = {
        "status": "error",
        "errorType": "internal",
        "error": "query processing\nwould load too many samples",
    }
    fake.replies = [Reply(503, json.dumps(error).encode())]
    with pytest.raises(MetricsUnavailable) as caught:
        history(source(fake.url, max_retries=3))
    assert caught.value.message == (
        f"Prometheus at {fake.url} answered HTTP 503: internal: query processing would load too many samples"
    )
    assert len(fake.requests) == 4


def test_bad_query_is_not_retried_and_reports_prometheus_error(fake: FakePrometheus) -> None:
    error = {
        "status": "error",
        "errorType": "bad_data",
        "error": 'invalid parameter "query": parse error',
    }
    fake.replies = [Reply(400, json.dumps(error).encode())]
    with pytest.raises(MetricsUnavailable) as caught:
        history(source(fake.url))
    assert caught.value.message == (
        f'Prometheus at {fake.url} answered HTTP 400: bad_data: invalid parameter "query": parse error'
    )
    assert caught.value.hint == "check prometheus_queries in the kai config"
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            b"<html><body>Grafana login</body></html>",
            "sent a body that is not JSON: '<html><body>Grafana login</body></html>'",
        ),
        (b"\xff\xfe garbage", "sent a body that is not JSON"),
        (b"[1, 2, 3]", "unexpected answer from Prometheus at URL: no status field"),
        (b'{"status": "success"}', "unexpected answer from Prometheus at URL: no data field"),
        (
            b'{"status": "error", "errorType": "timeout", "error": "query timed out"}',
            "Prometheus at URL reported: timeout: query timed out",
        ),
        (
            b'{"status": "success", "data": {"resultType": "vector", "result": []}}',
            "unexpected answer from Prometheus at URL: expected a matrix result",
        ),
        (
            b'{"status": "success", "data": {"resultType": "matrix", "result": {}}}',
            "unexpected answer from Prometheus at URL: result is not a list",
        ),
        (
            b'{"status": "success", "data": {"resultType": "matrix", "result": [{"values": [[1, "x"]]}]}}',
            "bad sample in matrix result",
        ),
        (
            b'{"status": "success", "data": {"resultType": "matrix", "result": [{"value": [1, "2"]}]}}',
            "bad sample in matrix result ('values')",
        ),
    ],
)
def test_garbage_answers_raise_metrics_unavailable(
    fake: FakePrometheus, body: bytes, message: str
) -> None:
    fake.replies = [Reply(200, body)]
    with pytest.raises(MetricsUnavailable) as caught:
        history(source(fake.url))
    assert message.replace("URL", fake.url) in caught.value.message
    assert "\n" not in caught.value.message
    assert len(fake.requests) == 1


def test_workloads_reads_series_labels(fake: FakePrometheus) -> None:
    labels = [
        {
            "__name__": "kube_deployment_status_replicas",
            "namespace": "shop",
            "deployment": "cart",
            "instance": "a",
        },
        {
            "__name__": "kube_deployment_status_replicas",
            "namespace": "shop",
            "deployment": "cart",
            "instance": "b",
        },
        {"__name__": "kube_deployment_status_replicas", "namespace": "ops", "deployment": "web"},
        {"__name__": "kube_deployment_status_replicas", "namespace": "ops"},
    ]
    fake.replies = [Reply(body=json.dumps({"status": "success", "data": labels}).encode())]
    src = source(fake.url)
    assert src.workloads() == [("ops", "web"), ("shop", "cart")]
    src.workloads("shop")
    assert [p["match[]"] for _, p in fake.requests] == [
        ["kube_deployment_status_replicas"],
        ['kube_deployment_status_replicas{namespace="shop"}'],
    ]
    assert fake.requests[0][0] == "/api/v1/series"


def test_workloads_wrong_shape_raises(fake: FakePrometheus) -> None:
    fake.replies = [Reply(body=b'{"status": "success", "data": {"a": 1}}')]
    with pytest.raises(MetricsUnavailable, match="series data is not a list of label sets"):
        source(fake.url).workloads()


def test_credentials_in_url_become_basic_auth_and_never_appear_in_messages(
    fake: FakePrometheus,
) -> None:
    fake.replies = [Reply(200, b"not json")]
    url = fake.url.replace("http://", "http://kai:s3cret@")
    with pytest.raises(MetricsUnavailable) as caught:
        history(source(url))
    assert "s3cret" not in caught.value.message
    assert fake.headers[0]["Authorization"] == "Basic a2FpOnMzY3JldA=="
    assert source(url).url == fake.url


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("prometheus:9090", "prometheus:9090"),
        ("http://u:pw@host:port/", "http://host/"),
        ("ftp://host", "ftp://host"),
    ],
)
def test_invalid_url_is_reported(url: str, shown: str) -> None:
    with pytest.raises(MetricsUnavailable) as caught:
        PrometheusSource(url)
    assert caught.value.message == f"invalid Prometheus URL {shown!r}"
