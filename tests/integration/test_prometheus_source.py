"""PrometheusSource against a real Prometheus backfilled from a CSV (fixture: prom_fixtures)."""

# ruff: noqa: E501

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from k8sgpt_py.metrics import CsvSource, MetricsUnavailable, NoMetricData, PrometheusSource

pytestmark = pytest.mark.prometheus


def window(demo) -> dict[str, datetime]:  # type: ignore[no-untyped-def]
    return {
        "start": datetime.fromtimestamp(demo.first_timestamp, UTC),
        "end": datetime.fromtimestamp(demo.last_timestamp, UTC),
    }


def test_prometheus_history_returns_the_csv_values(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    prom = PrometheusSource(prometheus_demo.url)
    csv = CsvSource(prometheus_demo.csv_path, now=prometheus_demo.now)
    span = window(prometheus_demo)
    for namespace, workload in (("shop", "checkout"), ("ops", "checkout"), ("shop", "cart")):
        for metric, rtol in (("cpu", 0.01), ("rps", 0.01), ("memory", 0.0), ("replicas", 0.0)):
            got = prom.history(namespace, workload, metric, **span)
            want = csv.history(namespace, workload, metric, **span)
            assert len(got) == 576, (namespace, workload, metric)
            np.testing.assert_array_equal(got.timestamps, want.timestamps)
            assert not np.isnan(got.values).any()
            np.testing.assert_allclose(got.values, want.values, rtol=rtol, atol=0)
            assert (got.unit, got.source) == (want.unit, "prometheus")


def test_prometheus_history_of_a_window_inside_the_data(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    end = datetime.fromtimestamp(prometheus_demo.last_timestamp, UTC) - timedelta(hours=7)
    start = end - timedelta(hours=2, seconds=59)
    prom = PrometheusSource(prometheus_demo.url).history(
        "shop", "cart", "cpu", start=start, end=end
    )
    csv = CsvSource(prometheus_demo.csv_path, now=prometheus_demo.now).history(
        "shop", "cart", "cpu", start=start, end=end
    )
    assert len(prom) == 25  # 2 h on the 5-minute grid, both ends included
    np.testing.assert_array_equal(prom.timestamps, csv.timestamps)
    np.testing.assert_allclose(prom.values, csv.values, rtol=0.01)


def test_prometheus_long_range_is_split_under_the_point_limit(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    span = window(prometheus_demo)
    prom = PrometheusSource(prometheus_demo.url)
    fine = prom.history("shop", "checkout", "memory", step_seconds=15, **span)
    assert len(fine) == 2 * 86400 // 15 - 19  # > 11,000: one request would be refused
    assert not np.isnan(fine.values).any()
    coarse = prom.history("shop", "checkout", "memory", **span)
    np.testing.assert_array_equal(fine.values[::20], coarse.values)


def test_prometheus_workloads_lists_backfilled_deployments(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    prom = PrometheusSource(prometheus_demo.url)
    assert prom.workloads() == [("ops", "checkout"), ("shop", "cart"), ("shop", "checkout")]
    assert prom.workloads("ops") == [("ops", "checkout")]
    assert prom.workloads("nowhere") == []


def test_prometheus_unknown_workload_and_empty_window_raise_no_data(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    prom = PrometheusSource(prometheus_demo.url)
    with pytest.raises(
        NoMetricData,
        match=r"no cpu data for shop/payment in .* \(prometheus http://127\.0\.0\.1:\d+\)",
    ):
        prom.history("shop", "payment", "cpu", **window(prometheus_demo))
    before = datetime.fromtimestamp(prometheus_demo.first_timestamp, UTC) - timedelta(days=1)
    with pytest.raises(NoMetricData, match="no memory data for shop/cart"):
        prom.history("shop", "cart", "memory", start=before - timedelta(hours=1), end=before)


def test_prometheus_restarts_default_query_has_no_series_here(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NoMetricData) as caught:
        PrometheusSource(prometheus_demo.url).history(
            "shop", "cart", "restarts", **window(prometheus_demo)
        )
    assert caught.value.hint is not None
    assert "prometheus_queries.restarts" in caught.value.hint


def test_prometheus_rejects_a_broken_template_with_its_own_message(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    prom = PrometheusSource(
        prometheus_demo.url,
        queries={"cpu": 'sum(rate(container_cpu_usage_seconds_total{namespace="$namespace"}[5m]'},
    )
    with pytest.raises(MetricsUnavailable) as caught:
        prom.history("shop", "cart", "cpu", **window(prometheus_demo))
    assert caught.value.message.startswith(
        f"Prometheus at {prometheus_demo.url} answered HTTP 400: bad_data: "
    )
    assert "parse error" in caught.value.message
    assert "\n" not in caught.value.message


def test_prometheus_custom_template_with_step(prometheus_demo) -> None:  # type: ignore[no-untyped-def]
    template = 'last_over_time(kube_deployment_status_replicas{namespace="$namespace",deployment="$workload"}[$step])'
    prom = PrometheusSource(prometheus_demo.url, queries={"replicas": template})
    csv = CsvSource(prometheus_demo.csv_path, now=prometheus_demo.now)
    span = window(prometheus_demo)
    hourly = prom.history("shop", "cart", "replicas", step_seconds=3600, **span)
    assert prom.promql("shop", "cart", "replicas", 3600).endswith("[3600s])")
    expected = csv.history("shop", "cart", "replicas", step_seconds=3600, **span)
    assert len(hourly) == 48
    np.testing.assert_array_equal(hourly.values, expected.values)
