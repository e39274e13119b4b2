"""CsvSource: parsing, the week shift, the step grid, filters and errors."""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from k8sgpt_py.config import Settings
from k8sgpt_py.errors import ExitCode, NotFound, UsageError
from k8sgpt_py.metrics import (
    CsvSource,
    MetricsUnavailable,
    NoMetricData,
    PrometheusSource,
    history_source,
)
from k8sgpt_py.metrics.csv_source import WEEK_SECONDS, load_table, week_shift_seconds

HEADER = "timestamp,namespace,workload,replicas,requests_per_second,cpu_millicores,memory_bytes"
# Monday 2026-11-02 00:00 UTC
DATA_END = datetime(2026, 11, 2, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def write_csv(path: Path, *, end: datetime = DATA_END, hours: int = 48) -> Path:
    """cart and checkout in shop, web in ops; cpu = minutes since start, rps = 2 x cpu."""
    last = int(end.timestamp())
    rows = [HEADER]
    for namespace, workload, offset in (
        ("shop", "cart", 0),
        ("shop", "checkout", 1000),
        ("ops", "web", 5000),
    ):
        for stamp in range(last - hours * 3600 + 300, last + 1, 300):
            minute = (stamp - (last - hours * 3600)) / 60
            cpu = offset + minute
            rows.append(f"{stamp},{namespace},{workload},3,{2 * cpu},{cpu},{1000 + stamp % 7}")
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.fixture
def demo_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "metrics.csv")


def test_csv_source_history_returns_rows_on_step_grid(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    series = source.history("shop", "checkout", "cpu", start=utc(2026, 11, 1, 23, 40), end=DATA_END)
    assert series.timestamps.tolist() == [DATA_END.timestamp() - 300 * k for k in (4, 3, 2, 1, 0)]
    assert series.values.tolist() == [1000 + 2880 - 5 * k for k in (4, 3, 2, 1, 0)]
    assert (series.namespace, series.workload, series.metric) == ("shop", "checkout", "cpu")
    assert (series.unit, series.source, series.step_seconds) == ("millicores", "csv", 300.0)


def test_csv_source_units_per_metric(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    window = {"start": DATA_END - timedelta(hours=1), "end": DATA_END}
    units = {
        m: source.history("shop", "cart", m, **window).unit
        for m in ("rps", "cpu", "memory", "replicas")
    }
    assert units == {"rps": "req/s", "cpu": "millicores", "memory": "bytes", "replicas": "count"}
    rps = source.history("shop", "cart", "rps", **window)
    cpu = source.history("shop", "cart", "cpu", **window)
    np.testing.assert_array_equal(rps.values, 2 * cpu.values)


def test_csv_source_unaligned_window_starts_on_next_step(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    series = source.history(
        "shop",
        "cart",
        "cpu",
        start=DATA_END - timedelta(seconds=601),
        end=DATA_END - timedelta(seconds=1),
    )
    assert series.timestamps.tolist() == [DATA_END.timestamp() - 600, DATA_END.timestamp() - 300]


def test_csv_source_hourly_step_takes_value_at_each_hour(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    series = source.history(
        "shop", "cart", "cpu", start=DATA_END - timedelta(hours=3), end=DATA_END, step_seconds=3600
    )
    assert series.values.tolist() == [2880 - 180, 2880 - 120, 2880 - 60, 2880]


def test_csv_source_now_shifts_by_whole_weeks_into_last_week(demo_csv: Path) -> None:
    now = utc(2026, 11, 26, 3, 50)  # a Thursday, three weeks and a bit after the data
    source = CsvSource(demo_csv, now=now)
    assert source.shift_seconds == 3 * WEEK_SECONDS
    first, last = source.span()
    assert datetime.fromtimestamp(last, UTC) == utc(2026, 11, 23)  # still a Monday 00:00
    assert now - timedelta(days=7) < datetime.fromtimestamp(last, UTC) <= now
    series = source.history("shop", "cart", "cpu", start=now - timedelta(days=7), end=now)
    original = CsvSource(demo_csv).history(
        "shop", "cart", "cpu", start=DATA_END - timedelta(days=7), end=DATA_END
    )
    np.testing.assert_array_equal(
        series.values[~np.isnan(series.values)], original.values[~np.isnan(original.values)]
    )
    weekdays = {datetime.fromtimestamp(t, UTC).strftime("%a %H:%M") for t in (first, last)}
    assert weekdays == {"Sat 00:05", "Mon 00:00"}


def test_csv_source_now_before_data_shifts_back(demo_csv: Path) -> None:
    source = CsvSource(demo_csv, now=utc(2026, 10, 20, 12))
    assert source.shift_seconds == -2 * WEEK_SECONDS
    assert datetime.fromtimestamp(source.span()[1], UTC) == utc(2026, 10, 19)


@pytest.mark.parametrize(
    ("now", "weeks"),
    [
        (DATA_END, 0),  # last point == now stays
        (DATA_END + timedelta(weeks=1), 1),
        (DATA_END + timedelta(weeks=1) - timedelta(seconds=1), 0),
        (DATA_END - timedelta(seconds=1), -1),
    ],
)
def test_week_shift_seconds_edges(now: datetime, weeks: int) -> None:
    assert week_shift_seconds(DATA_END.timestamp(), now) == weeks * WEEK_SECONDS


def test_csv_source_workloads_filters_by_namespace(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    assert source.workloads() == [("ops", "web"), ("shop", "cart"), ("shop", "checkout")]
    assert source.workloads("shop") == [("shop", "cart"), ("shop", "checkout")]
    assert source.workloads("nope") == []


def test_csv_source_unknown_workload_raises_not_found_with_known_names(demo_csv: Path) -> None:
    with pytest.raises(NotFound) as caught:
        CsvSource(demo_csv).history(
            "shop", "payment", "cpu", start=DATA_END - timedelta(hours=1), end=DATA_END
        )
    assert caught.value.message == "no workload shop/payment in metrics.csv"
    assert caught.value.hint == "known in shop: cart, checkout"
    assert caught.value.exit_code == ExitCode.USAGE


def test_csv_source_unknown_namespace_lists_namespaces(demo_csv: Path) -> None:
    with pytest.raises(NotFound) as caught:
        CsvSource(demo_csv).history(
            "prod", "cart", "cpu", start=DATA_END - timedelta(hours=1), end=DATA_END
        )
    assert caught.value.hint == "namespaces in metrics.csv: ops, shop"


def test_csv_source_window_without_data_names_the_question(demo_csv: Path) -> None:
    with pytest.raises(NoMetricData) as caught:
        CsvSource(demo_csv).history(
            "shop", "cart", "memory", start=utc(2026, 1, 1), end=utc(2026, 1, 2)
        )
    assert (
        caught.value.message
        == "no memory data for shop/cart in 2026-01-01T00:00Z..2026-01-02T00:00Z (csv)"
    )
    assert caught.value.exit_code == ExitCode.USAGE


def test_csv_source_missing_column_raises_no_data(demo_csv: Path) -> None:
    with pytest.raises(NoMetricData) as caught:
        CsvSource(demo_csv).history(
            "shop", "cart", "restarts", start=DATA_END - timedelta(hours=1), end=DATA_END
        )
    assert caught.value.message == "metrics.csv has no restarts column"
    assert caught.value.hint == "it has: rps, cpu, memory, replicas"


def test_csv_source_bad_arguments_raise_usage_error(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    window = {"start": DATA_END - timedelta(hours=1), "end": DATA_END}
    with pytest.raises(UsageError, match="unknown metric 'latency'"):
        source.history("shop", "cart", "latency", **window)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="invalid workload name"):
        source.history("shop", 'cart"}', "cpu", **window)
    with pytest.raises(UsageError, match="end is before start"):
        source.history("shop", "cart", "cpu", start=DATA_END, end=DATA_END - timedelta(hours=1))
    with pytest.raises(UsageError, match="step must be a positive"):
        source.history("shop", "cart", "cpu", step_seconds=0, **window)


def test_csv_source_empty_cells_and_missing_rows_are_nan(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        "timestamp,namespace,workload,cpu_millicores,memory_bytes\n"
        "600,a,w,1,10\n900,a,w,,11\n1200,a,w,3,\n1800,a,w,5,13\n"
    )
    series = CsvSource(path).history(
        "a", "w", "cpu", start=utc(1970, 1, 1, 0, 10), end=utc(1970, 1, 1, 0, 30)
    )
    assert series.timestamps.tolist() == [600, 900, 1200, 1500, 1800]
    assert np.array_equal(series.values, [1, math.nan, 3, math.nan, 5], equal_nan=True)
    memory = CsvSource(path).history(
        "a", "w", "memory", start=utc(1970, 1, 1, 0, 10), end=utc(1970, 1, 1, 0, 30)
    )
    assert np.array_equal(memory.values, [10, 11, math.nan, math.nan, 13], equal_nan=True)


def test_csv_source_reads_quoted_unsorted_rows(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text(
        'namespace,workload,timestamp,requests_per_second\n"a","w",900,2\n"a","w",600,1\n"b","v",600,7\n'
    )
    source = CsvSource(path)
    assert source.workloads() == [("a", "w"), ("b", "v")]
    series = source.history(
        "a", "w", "rps", start=utc(1970, 1, 1, 0, 10), end=utc(1970, 1, 1, 0, 15)
    )
    assert series.values.tolist() == [1, 2]


def test_csv_source_naive_datetimes_are_utc(demo_csv: Path) -> None:
    source = CsvSource(demo_csv)
    naive = source.history(
        "shop", "cart", "cpu", start=datetime(2026, 11, 1, 23), end=datetime(2026, 11, 2)
    )
    aware = source.history("shop", "cart", "cpu", start=utc(2026, 11, 1, 23), end=DATA_END)
    np.testing.assert_array_equal(naive.timestamps, aware.timestamps)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("time,namespace,workload,cpu_millicores\n1,a,b,2\n", "header needs timestamp"),
        ("timestamp,namespace,workload\n1,a,b\n", "a metric column"),
        ("timestamp,namespace,workload,cpu_millicores\n1,a,b,lots\n", "bad value"),
        ("timestamp,namespace,workload,cpu_millicores\n", "no data rows"),
    ],
)
def test_csv_source_bad_file_raises_metrics_unavailable(
    tmp_path: Path, text: str, why: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(MetricsUnavailable, match=why) as caught:
        CsvSource(path)
    assert "\n" not in caught.value.message
    assert caught.value.hint == "point metrics_csv in ~/.config/kai/config.yaml at a valid file"


def test_csv_source_missing_file_raises_metrics_unavailable(tmp_path: Path) -> None:
    with pytest.raises(
        MetricsUnavailable, match=r"cannot read metrics csv .*nope\.csv: No such file"
    ):
        CsvSource(tmp_path / "nope.csv")


def test_load_table_caches_until_the_file_changes(demo_csv: Path) -> None:
    first = load_table(demo_csv)
    assert load_table(demo_csv) is first
    write_csv(demo_csv, hours=1)
    os.utime(demo_csv, ns=(1, 1))
    again = load_table(demo_csv)
    assert again is not first
    assert len(again.workloads[("shop", "cart")].timestamps) == 12


def test_history_source_prefers_prometheus_then_csv(demo_csv: Path) -> None:
    assert history_source(Settings()) is None
    assert isinstance(history_source(Settings(metrics_csv=str(demo_csv))), CsvSource)
    both = Settings(metrics_csv=str(demo_csv), prometheus_url="http://127.0.0.1:9")
    assert isinstance(history_source(both), PrometheusSource)
    shifted = history_source(
        Settings(metrics_csv=str(demo_csv)), now=DATA_END + timedelta(weeks=2, days=1)
    )
    assert isinstance(shifted, CsvSource)
    assert shifted.shift_seconds == 2 * WEEK_SECONDS


def test_csv_source_refuses_absurd_point_counts(demo_csv: Path) -> None:
    with pytest.raises(UsageError, match="more than 1,000,000 points") as caught:
        CsvSource(demo_csv).history(
            "shop", "cart", "cpu", start=utc(2020, 1, 1), end=DATA_END, step_seconds=1
        )
    assert caught.value.hint == "use a larger step or a shorter window"


def test_csv_table_is_cached_on_disk_and_rebuilt_when_the_file_changes(tmp_path, monkeypatch):
    from k8sgpt_py.metrics import csv_source

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = tmp_path / "m.csv"
    header = (
        "timestamp,namespace,workload,replicas,requests_per_second,cpu_millicores,memory_bytes\n"
    )
    path.write_text(header + "1000,shop,cart,2,1.0,10,100\n1300,shop,cart,2,2.0,20,200\n")
    csv_source._load_cached.cache_clear()
    first = csv_source.load_table(path)
    cached = list((tmp_path / "cache" / "kai").glob("metrics-csv-*.pickle"))
    assert len(cached) == 1
    csv_source._load_cached.cache_clear()
    again = csv_source.load_table(path)  # from the disk cache
    assert again.workloads.keys() == first.workloads.keys()
    assert again.last_timestamp == first.last_timestamp == 1300
    path.write_text(header + "1000,shop,cart,2,1.0,10,100\n1600,shop,cart,2,3.0,30,300\n")
    csv_source._load_cached.cache_clear()
    assert csv_source.load_table(path).last_timestamp == 1600  # a changed file is re-read


def test_csv_source_knows_its_workloads_before_loading_the_samples(tmp_path, monkeypatch):
    from k8sgpt_py.metrics import csv_source

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = write_csv(tmp_path / "m.csv", hours=2)
    CsvSource(path)  # parses the file and writes the disk cache
    csv_source._load_cached.cache_clear()
    csv_source._load_index.cache_clear()
    source = CsvSource(path, now=DATA_END)  # the index alone, from the disk cache
    assert source.workloads("shop") == [("shop", "cart"), ("shop", "checkout")]
    assert "table" not in vars(source)
    series = source.history(
        "shop", "cart", "cpu", start=DATA_END - timedelta(hours=1), end=DATA_END
    )
    assert "table" in vars(source) and len(series) == 13
