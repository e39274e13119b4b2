"""OpenMetrics export of a metrics CSV: exact text, counter round trip, week shift."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from k8sgpt_py.metrics import CsvSource, csv_to_openmetrics, to_openmetrics
from k8sgpt_py.metrics.csv_source import WEEK_SECONDS

ROWS = [
    {
        "timestamp": 600,
        "namespace": "a",
        "workload": "w",
        "replicas": 2,
        "requests_per_second": 10,
        "cpu_millicores": 500,
        "memory_bytes": 1024,
    },
    {
        "timestamp": 900,
        "namespace": "a",
        "workload": "w",
        "replicas": 3,
        "requests_per_second": 20,
        "cpu_millicores": 250,
        "memory_bytes": 2048,
    },
]


def test_to_openmetrics_exact_text() -> None:
    pod = '{namespace="a",pod="w-0",container="w"}'
    assert to_openmetrics(ROWS, counter_step_seconds=300) == (
        "# TYPE container_cpu_usage_seconds counter\n"
        f"container_cpu_usage_seconds_total{pod} 0.0 300\n"
        f"container_cpu_usage_seconds_total{pod} 150.0 600\n"
        f"container_cpu_usage_seconds_total{pod} 225.0 900\n"
        "# TYPE container_memory_working_set_bytes gauge\n"
        f"container_memory_working_set_bytes{pod} 1024.0 600\n"
        f"container_memory_working_set_bytes{pod} 2048.0 900\n"
        "# TYPE http_requests counter\n"
        'http_requests_total{namespace="a",service="w"} 0.0 300\n'
        'http_requests_total{namespace="a",service="w"} 3000.0 600\n'
        'http_requests_total{namespace="a",service="w"} 9000.0 900\n'
        "# TYPE kube_deployment_status_replicas gauge\n"
        'kube_deployment_status_replicas{namespace="a",deployment="w"} 2.0 600\n'
        'kube_deployment_status_replicas{namespace="a",deployment="w"} 3.0 900\n'
        "# EOF\n"
    )


def test_to_openmetrics_counters_interpolate_between_rows() -> None:
    text = to_openmetrics(ROWS, counter_step_seconds=100)
    cpu = re.findall(r"^container_cpu_usage_seconds_total\S+ (\S+) (\d+)$", text, re.M)
    assert [(float(v), int(t)) for v, t in cpu] == [
        (0.0, 300),
        (50.0, 400),
        (100.0, 500),
        (150.0, 600),
        (175.0, 700),
        (200.0, 800),
        (225.0, 900),
    ]


def test_to_openmetrics_skips_missing_values_and_writes_restarts() -> None:
    rows = [
        {"timestamp": 300, "namespace": "a", "workload": "w", "cpu_millicores": 100, "restarts": 0},
        {"timestamp": 600, "namespace": "a", "workload": "w", "cpu_millicores": "", "restarts": ""},
        {"timestamp": 900, "namespace": "a", "workload": "w", "cpu_millicores": 200, "restarts": 2},
    ]
    text = to_openmetrics(rows, counter_step_seconds=300)
    assert re.findall(r"^container_cpu\S+ (\S+ \d+)$", text, re.M) == [
        "0.0 0",
        "30.0 300",
        "30.0 600",
        "90.0 900",
    ]
    assert "# TYPE kube_pod_container_status_restarts counter\n" in text
    assert re.findall(r"^kube_pod_container_status_restarts_total\S+ (\S+ \d+)$", text, re.M) == [
        "0.0 300",
        "2.0 900",
    ]
    assert "memory" not in text


def test_to_openmetrics_empty_rows() -> None:
    assert to_openmetrics([]) == "# EOF\n"


def test_to_openmetrics_escapes_label_values() -> None:
    rows = [{"timestamp": 300, "namespace": "a", "workload": 'x"y\\z', "replicas": 1}]
    assert 'deployment="x\\"y\\\\z"' in to_openmetrics(rows)


def test_csv_to_openmetrics_rates_round_trip_after_week_shift(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    start = int(datetime(2026, 10, 26, tzinfo=UTC).timestamp())  # a Monday
    stamps = start + 300 * np.arange(1, 289)
    cpu = rng.uniform(50, 900, len(stamps)).round(3)
    rps = rng.uniform(0, 400, len(stamps)).round(3)
    lines = ["timestamp,namespace,workload,requests_per_second,cpu_millicores"]
    lines += [f"{t},shop,cart,{r},{c}" for t, r, c in zip(stamps, rps, cpu, strict=True)]
    source = tmp_path / "m.csv"
    source.write_text("\n".join(lines) + "\n")
    end = datetime(2026, 11, 26, 4, tzinfo=UTC)
    export = csv_to_openmetrics(source, tmp_path / "m.om", end=end)
    text = export.path.read_text()
    assert text.endswith("\n# EOF\n")
    shift = 4 * WEEK_SECONDS
    assert (export.first_timestamp, export.last_timestamp) == (start + shift, stamps[-1] + shift)
    assert export.first_timestamp == CsvSource(source, now=end).span()[0] - 300
    assert export.samples == 2 * (len(stamps) * 5 + 1)
    for name, expected, scale in (
        ("container_cpu_usage_seconds_total", cpu, 1000),
        ("http_requests_total", rps, 1),
    ):
        points = re.findall(rf"^{name}\S+ (\S+) (\d+)$", text, re.M)
        values = {int(t): float(v) for v, t in points}
        totals = np.array([values[int(t) + shift] for t in [start, *stamps]])
        np.testing.assert_allclose(np.diff(totals) / 300 * scale, expected, rtol=1e-9)
        assert datetime.fromtimestamp(int(points[-1][1]), UTC) - timedelta(
            weeks=4
        ) == datetime.fromtimestamp(int(stamps[-1]), UTC)


def test_openmetrics_main_writes_file(tmp_path: Path, capsys) -> None:
    from k8sgpt_py.metrics.__main__ import main

    source = tmp_path / "m.csv"
    source.write_text("timestamp,namespace,workload,replicas\n1800000000,a,w,2\n")
    assert main([str(source), str(tmp_path / "m.om"), "--end", "2027-01-15T00:00:00+00:00"]) == 0
    text = (tmp_path / "m.om").read_text()
    assert text.endswith("\n# EOF\n")
    assert "kube_deployment_status_replicas" in text
    assert capsys.readouterr().err.startswith("wrote 1 samples (2027-01-")
