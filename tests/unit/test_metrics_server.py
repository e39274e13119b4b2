"""MetricsServerSource over raw PodMetrics dicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from k8sgpt_py.errors import UsageError
from k8sgpt_py.metrics import MetricsServerSource, MetricsUnavailable, NoMetricData
from k8sgpt_py.metrics.metrics_server import workload_of

NOW = datetime(2026, 11, 26, 4, tzinfo=UTC)


def pod_metrics(
    name: str,
    namespace: str = "shop",
    stamp: str | None = "2026-11-26T03:59:30Z",
    **containers: tuple[str, str],
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": "PodMetrics",
        "metadata": {"name": name, "namespace": namespace},
        "window": "30s",
        "containers": [
            {"name": c, "usage": {"cpu": cpu, "memory": mem}}
            for c, (cpu, mem) in containers.items()
        ],
    }
    if stamp is not None:
        item["timestamp"] = stamp
    return item


ITEMS = [
    pod_metrics("checkout-7d4b9c8f6d-x2x7q", app=("250m", "128Mi"), proxy=("10m", "32Mi")),
    pod_metrics("checkout-7d4b9c8f6d-b9k4s", stamp="2026-11-26T03:59:45Z", app=("1", "256Mi")),
    pod_metrics("cart-0", app=("125500u", "64Mi")),
    pod_metrics("checkout-7d4b9c8f6d-zzzzz", namespace="ops", app=("5", "1Gi")),
]


class Recorder:
    def __init__(self, items: list[dict[str, Any]]) -> None:
        self.items = items
        self.calls: list[str | None] = []

    def __call__(self, namespace: str | None) -> list[dict[str, Any]]:
        self.calls.append(namespace)
        return [
            i for i in self.items if namespace is None or i["metadata"]["namespace"] == namespace
        ]


def test_metrics_server_current_sums_containers_of_workload_pods() -> None:
    lister = Recorder(ITEMS)
    source = MetricsServerSource(lister)
    assert source.current("shop", "checkout") == {"cpu": 1260.0, "memory": float(416 * 2**20)}
    assert source.current("shop", "cart") == {"cpu": 125.5, "memory": float(64 * 2**20)}
    assert lister.calls == ["shop", "shop"]


def test_metrics_server_history_is_one_point_at_newest_timestamp() -> None:
    source = MetricsServerSource(Recorder(ITEMS))
    series = source.history("shop", "checkout", "memory", start=NOW, end=NOW)
    assert series.timestamps.tolist() == [datetime(2026, 11, 26, 3, 59, 45, tzinfo=UTC).timestamp()]
    assert series.values.tolist() == [416 * 2**20]
    assert (series.unit, series.source, series.metric) == ("bytes", "metrics-server", "memory")


def test_metrics_server_missing_timestamp_uses_clock() -> None:
    source = MetricsServerSource(
        Recorder([pod_metrics("web-1", stamp=None, c=("2", "1Ki"))]), now=lambda: NOW
    )
    series = source.history("shop", "web", "cpu", start=NOW, end=NOW)
    assert (series.timestamps.tolist(), series.values.tolist()) == ([NOW.timestamp()], [2000.0])


def test_metrics_server_has_no_history_of_other_metrics() -> None:
    with pytest.raises(
        NoMetricData,
        match="metrics-server has no rps for shop/checkout: it reports current cpu and memory only",
    ):
        MetricsServerSource(Recorder(ITEMS)).history("shop", "checkout", "rps", start=NOW, end=NOW)


def test_metrics_server_unknown_workload_raises_no_data() -> None:
    with pytest.raises(NoMetricData) as caught:
        MetricsServerSource(Recorder(ITEMS)).current("shop", "payment")
    assert caught.value.message == "no pod metrics for shop/payment (metrics-server)"
    assert caught.value.hint == "check that metrics-server runs: `kubectl top pods -n NAMESPACE`"


@pytest.mark.parametrize(
    ("item", "why"),
    [
        (
            pod_metrics("web-1", c=("lots", "1Mi")),
            "malformed PodMetrics for pod web-1: not a quantity: 'lots'",
        ),
        (
            {"metadata": {"name": "web-1", "namespace": "shop"}},
            "malformed PodMetrics for pod web-1: no containers list",
        ),
        (
            {"metadata": {"name": "web-1", "namespace": "shop"}, "containers": [{"name": "c"}]},
            "container without usage",
        ),
        (pod_metrics("web-1", stamp="yesterday", c=("1", "1Mi")), "timestamp 'yesterday'"),
        ({"containers": []}, "malformed PodMetrics for pod ?: no metadata"),
    ],
)
def test_metrics_server_malformed_items_raise_metrics_unavailable(
    item: dict[str, Any], why: str
) -> None:
    with pytest.raises(MetricsUnavailable, match="malformed") as caught:
        MetricsServerSource(lambda ns: [item]).current("shop", "web")
    assert why in caught.value.message


def test_metrics_server_rejects_bad_names() -> None:
    with pytest.raises(UsageError):
        MetricsServerSource(Recorder(ITEMS)).current("shop", "Checkout!")


def test_metrics_server_workloads_from_pod_names() -> None:
    source = MetricsServerSource(Recorder(ITEMS))
    assert source.workloads() == [("ops", "checkout"), ("shop", "cart"), ("shop", "checkout")]
    assert source.workloads("shop") == [("shop", "cart"), ("shop", "checkout")]


@pytest.mark.parametrize(
    ("pod", "workload"),
    [
        ("checkout-7d4b9c8f6d-x2x7q", "checkout"),
        ("redis-0", "redis"),
        ("node-exporter-x2x7q", "node-exporter"),
        ("my-app-5f7b8c9d4-x9k2q", "my-app"),
        ("standalone", "standalone"),
    ],
)
def test_workload_of_strips_controller_suffixes(pod: str, workload: str) -> None:
    assert workload_of(pod) == workload
